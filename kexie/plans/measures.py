"""Registry measures: plan targets whose progress is counted from the platform's own records.

A plan says "新建科技小院10家"; the stations registry knows how many 科技小院 were set up. A target
linked to a measure (``Target.measure``, a code registered here) shows the count of the
registry next to what reports say, for the plan's organisation and its subtree over the plan's
period. Each app registers its measures when it is ready (``AppConfig.ready``)::

    measures.register("stations.new.science_backyard", _("New 科技小院"), count_new_backyards, unit="家",
                      keywords=("科技小院",))

``count(organization, since, until)`` returns the number for ``organization`` and every
organisation below it, for records dated within [since, until] (either may be None: open). The
counting function is the app's one selector for that figure: its own pages and exports use the
same function, so the number agrees wherever it is shown.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

Count = Callable[..., int]


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    count: Count
    unit: str = ""
    # Words of a target's text that suggest this measure (a target on "新建科技小院" suggests the
    # new-科技小院 count); ``new`` measures are suggested for targets that speak of 新建/新增.
    keywords: tuple[str, ...] = ()


_MEASURES: dict[str, Measure] = {}


def register(code: str, label, count: Count, *, unit: str = "", keywords: tuple[str, ...] = ()) -> Measure:
    """Add a measure (idempotent for the same code, so a module imported twice does no harm)."""
    measure = Measure(code, label, count, unit, tuple(keywords))
    _MEASURES[code] = measure
    return measure


def get(code: str) -> Measure | None:
    return _MEASURES.get(code)


def choices() -> list[tuple[str, str]]:
    """(code, label) of every registered measure, for a form's select."""
    return [(m.code, str(m.label)) for m in sorted(_MEASURES.values(), key=lambda m: m.code)]


def value(code: str, organization, since: dt.date | None = None, until: dt.date | None = None) -> int | None:
    """The measure's count for ``organization``'s subtree over [since, until]; None for an unknown code."""
    measure = _MEASURES.get(code)
    if measure is None:
        return None
    return measure.count(organization, since, until)


def target_value(target) -> int | None:
    """A target's registry count: its measure over its plan's organisation and period."""
    if not target.measure:
        return None
    plan = target.item.plan
    return value(target.measure, plan.organization, plan.period_start, target.due or plan.period_end)


def suggest(target) -> str:
    """The measure a target's wording points to, or "": the measure whose keywords occur in the
    target's text (the longest keyword wins, so 院士专家工作站 beats 专家工作站)."""
    text = f"{target.text}{target.metric}"
    best, length = "", 0
    for measure in _MEASURES.values():
        for keyword in measure.keywords:
            if keyword and keyword in text and len(keyword) > length:
                best, length = measure.code, len(keyword)
    return best
