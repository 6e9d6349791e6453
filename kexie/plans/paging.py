"""Pages of the ledger (the page and the API): rows counted through ``selectors.ledger_count``."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .selectors import ledger_count


class LedgerPaginator(Paginator):
    """A paginator of ``ledger_items(user, **filters)`` whose count is kept until the data changes.

    With ``cap``, it counts no further than the window of ``cap`` rows holding page ``number``: a
    national subtree holds tens of thousands of matching tasks, and counting them all costs more
    than the page. Beyond it ``capped`` is true and ``count`` is ``limit + 1``: the page says
    "1,000+" and links to the next page; page 41 of 25 rows counts up to 2,000, and so on.
    """

    def __init__(self, items, per_page, *, user, filters: dict, cap: int | None = None, number=1,
                 generation: str | None = None):
        super().__init__(items, per_page)
        self.user, self.filters, self.generation = user, filters, generation
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        # Counted in windows of ``cap`` rows: pages 1–40 share one count, 41–80 the next.
        window = None if cap is None else max(cap, per_page)
        self.limit = None if window is None else window * -(-number * per_page // window)
        self.capped = False

    @cached_property
    def count(self) -> int:
        counted = ledger_count(self.object_list, user=self.user, filters=self.filters, limit=self.limit,
                               generation=self.generation)
        self.capped = self.limit is not None and counted > self.limit
        return counted

    @property
    def known_pages(self) -> int:
        """Pages known to be full when ``capped`` (the page counter shows "40+")."""
        return (self.limit or 0) // self.per_page
