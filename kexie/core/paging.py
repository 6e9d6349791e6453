"""Paging every list the same way: the page asked for, in pages of the size the user chose.

The size comes from ``?page_size=`` (one of ``page_sizes``). A size chosen on a list is kept in
the session for that list (by its URL name), so that filtering, sorting, paging and coming back
later keep it without every filter form carrying it along. The shared pagination include
(``includes/pagination.html``) offers the sizes, the page numbers and a field to jump to a page.
"""

from django.core.paginator import Page, Paginator

PAGE_SIZES = (20, 50, 100)
SIZE_PARAM = "page_size"
_SESSION_KEY = "page_size:{}"


def page_sizes(default: int) -> tuple[int, ...]:
    """The sizes offered on a list whose own page size is ``default``."""
    return tuple(sorted({default, *PAGE_SIZES}))


def _list_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else request.path


def page_size(request, default: int) -> int:
    """The number of rows a page of this list shows: ``?page_size=`` when it is one of the sizes
    offered (then kept for this list), else the size chosen on this list before, else ``default``."""
    sizes = page_sizes(default)
    session = getattr(request, "session", None)
    key = _SESSION_KEY.format(_list_name(request))
    asked = request.GET.get(SIZE_PARAM, "")
    if asked.isdigit() and int(asked) in sizes:
        size = int(asked)
        if session is not None and session.get(key) != size:
            session[key] = size
        return size
    kept = session.get(key) if session is not None else None
    return kept if kept in sizes else default


def paginate(request, items, default: int, *, paginator_class=Paginator, **kwargs) -> Page:
    """The page of ``items`` the request asks for (``?page=``, the last one past the end), in pages
    of the size the user chose; ``paginator.sizes`` lists the sizes the include offers.
    ``paginator_class`` and ``kwargs``: a paginator of its own, as the ledger's, that counts its way."""
    paginator = paginator_class(items, page_size(request, default), **kwargs)
    paginator.sizes = page_sizes(default)
    return paginator.get_page(request.GET.get("page"))
