"""Template helpers shared by every list page."""

from django import template

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
