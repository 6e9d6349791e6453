"""Template helpers shared by every list page."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for pagination and sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def brackets(value):
    """``value`` in brackets as the user's language writes them: （甲市科协） in Chinese, (x) in English.

    Names, counts and labels shown beside Chinese text take full-width brackets; one translatable
    pattern instead of ASCII brackets typed into each template.
    """
    from django.utils.translation import pgettext

    # English keeps a space before the bracket; the full-width bracket carries its own.
    return pgettext("brackets", " (%(value)s)") % {"value": value}


@register.simple_tag(takes_context=True)
def hidden_query(context, *leave_out):
    """The current query's parameters as hidden inputs, but ``leave_out``: a GET form (jump to a
    page, choose a page size) then keeps the list's filters and sort order."""
    query = context["request"].GET
    return format_html_join("", '<input type="hidden" name="{}" value="{}">',
                            ((name, value) for name in query for value in query.getlist(name)
                             if name not in leave_out))


# Pages linked on either side of the current one; the first and the last are always linked.
AROUND = 2


@register.simple_tag
def pager(page_obj) -> dict:
    """What the pagination include shows of ``page_obj``: the page numbers to link (None where
    pages are left out), the number of the last page and of rows as written ("40+", "1,000+"
    when a capped paginator stopped counting), the page sizes offered and the one shown."""
    paginator = page_obj.paginator
    capped = getattr(paginator, "capped", False)
    last = paginator.known_pages if capped else paginator.num_pages
    number = page_obj.number
    shown = sorted({1, last, *range(max(number - AROUND, 1), min(number + AROUND, last) + 1)})
    pages = []
    for n in shown:
        if pages and n - pages[-1] > 1:
            pages.append(None if n - pages[-1] > 2 else n - 1)
        pages.append(n)
    if capped:
        pages.append(None)  # more pages beyond the count
    sizes = getattr(paginator, "sizes", ())
    return {
        "pages": pages, "several": last > 1 or capped, "capped": capped,
        "last": f"{last}+" if capped else str(last),
        "count": f"{paginator.limit:,}" if capped else paginator.count,  # capped: "1,000" then "+"
        "sizes": sizes, "size": paginator.per_page,
        # The size choice stays while there is another size to choose: not on a list shorter than the smallest.
        "choose_size": bool(sizes) and (capped or paginator.count > min(sizes)),
    }
