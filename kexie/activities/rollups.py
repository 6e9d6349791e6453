"""The rollup as the page, its export and the API show it: the subtree's totals, the
organisation's own activities, one row per child organisation that held activities —
associations first — and the children without any folded into one line ("其余 N 个组织无活动").
The society annual report's activity counts are read through the same selector."""

import datetime as dt

from . import selectors
from .models import ActivityKind

# The kinds a society's annual report counts as academic events (学术活动) and as popular science.
ACADEMIC_KINDS = (ActivityKind.CONFERENCE, ActivityKind.LECTURE, ActivityKind.SALON)
POPSCI_KINDS = (ActivityKind.POPSCI,)


def is_association(organization) -> bool:
    return str(organization.kind).endswith("_association")


def fold(children: list) -> tuple[list, int]:
    """``children`` ([(organisation, figures)], in name order) without those that held nothing,
    associations first; and how many were left out."""
    shown = [(child, figures) for child, figures in children if figures["total"]]
    shown.sort(key=lambda row: 0 if is_association(row[0]) else 1)  # stable: name order within each
    return shown, len(children) - len(shown)


def rollup_table(organization, since: dt.date | None = None, until: dt.date | None = None, campaign=None) -> dict:
    """``{"summary", "own", "children", "folded"}`` for ``organization``'s subtree."""
    period = {"since": since, "until": until, "campaign": campaign}
    children, own = selectors.rollup_by_child(organization, **period)
    rows, folded = fold(children)
    return {"summary": selectors.rollup(organization, **period), "own": own, "children": rows, "folded": folded}


def kind_count(figures: dict, kinds) -> int:
    return sum(n for value, _label, n in figures["by_kind"] if value in kinds)


def annual_counts(organization, year: int) -> dict:
    """A society's held activities of ``year`` in its subtree (its branches included), for its
    annual report: ``{"academic_events", "popsci_events"}`` — the rollup's figures."""
    figures = selectors.rollup(organization, since=dt.date(year, 1, 1), until=dt.date(year, 12, 31))
    return {"academic_events": kind_count(figures, ACADEMIC_KINDS), "popsci_events": kind_count(figures, POPSCI_KINDS)}
