"""A review panel's scores put together: each reviewer scores items by a rubric, the panel's
score of an item combines its reviewers', and the items are ranked.

A review form is a :class:`~kexie.rubric.model.Rubric` whose indicators are all judged by the
reviewer (criteria with weights and maxima, defined as data); :func:`kexie.rubric.scoring.score`
gives one reviewer's total for one item. This module only combines totals:

``mean``    the plain mean of the item's reviewers' totals.
``zscore``  each reviewer's totals standardised over the items that reviewer scored (a lenient
            reviewer's 90 and a strict one's 70 can mean the same), then averaged per item and
            put back on the panel's scale (panel mean + z × panel standard deviation), so the
            figure reads like a score. A reviewer who gave every item the same total, or scored
            one item only, tells nothing about order and counts as z = 0 for those items.

The highest and lowest totals of an item can be dropped first (``drop_extremes``, 去掉一个最高分
和一个最低分) when at least three reviewers scored it. Figures are Decimals rounded to two places,
so page, export and notice show the same numbers.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import decimal
from .ranking import Entry, Ranked, rank

MEAN, ZSCORE = "mean", "zscore"
METHODS = (MEAN, ZSCORE)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Combined:
    """An item's panel score: ``score`` by the method chosen, ``mean`` the plain mean of the
    totals it used, ``reviewers`` how many totals were used and ``dropped`` how many were set
    aside as extremes."""

    item: int | str
    score: Decimal
    mean: Decimal
    reviewers: int
    dropped: int = 0


def _cents(value: float | Decimal) -> Decimal:
    return decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)


def _kept(totals: list[tuple[int | str, Decimal]], drop_extremes: bool) -> tuple[list[tuple[int | str, Decimal]], int]:
    """The (reviewer, total) pairs an item keeps: without its highest and lowest when asked and
    when at least three reviewers scored it (ties: the reviewer first in key order goes)."""
    if not drop_extremes or len(totals) < 3:
        return totals, 0
    ordered = sorted(totals, key=lambda rt: (rt[1], str(rt[0])))
    return ordered[1:-1], 2


def combine(totals: Mapping[tuple[int | str, int | str], object], *, method: str = MEAN,
            drop_extremes: bool = False) -> list[Combined]:
    """Each item's panel score from ``{(item, reviewer): total}``, in item key order."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    by_item: dict[int | str, list[tuple[int | str, Decimal]]] = defaultdict(list)
    by_reviewer: dict[int | str, list[Decimal]] = defaultdict(list)
    for (item, reviewer), total in totals.items():
        value = decimal(total)
        by_item[item].append((reviewer, value))
        by_reviewer[reviewer].append(value)

    z_of = {}
    scale = (Decimal(0), Decimal(0))
    if method == ZSCORE:
        everything = [float(v) for values in by_reviewer.values() for v in values]
        scale = (statistics.fmean(everything), statistics.pstdev(everything)) if everything else (0.0, 0.0)
        for reviewer, values in by_reviewer.items():
            floats = [float(v) for v in values]
            mu = statistics.fmean(floats)
            sd = statistics.pstdev(floats) if len(floats) > 1 else 0.0
            z_of[reviewer] = (mu, sd)

    out: list[Combined] = []
    for item in sorted(by_item, key=str):
        kept, dropped = _kept(by_item[item], drop_extremes)
        mean = _cents(sum(v for _, v in kept) / len(kept))
        if method == MEAN:
            score = mean
        else:
            zs = []
            for reviewer, value in kept:
                mu, sd = z_of[reviewer]
                zs.append((float(value) - mu) / sd if sd else 0.0)
            score = _cents(scale[0] + statistics.fmean(zs) * scale[1])
        out.append(Combined(item, score, mean, len(kept), dropped))
    return out


def ranking(combined: Iterable[Combined], names: Mapping[int | str, str] | None = None) -> list[Ranked]:
    """The items in ranking order with competition ranks (equal scores share a rank)."""
    names = names or {}
    return rank(Entry(c.item, c.score, names.get(c.item, "")) for c in combined)
