"""What a dashboard shows, as plain data: the page, its table views and exports, the API and the
monthly meeting pack all render these same objects (built by :mod:`kexie.dashboard.selectors`).

Percentages are numbers 0–100 (one decimal where averaged) or None when there is nothing to
average; dates are ``datetime.date``.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ColourCounts:
    """Tracked tasks by colour; ``completed`` and ``overdue`` are counted across colours."""

    green: int = 0
    amber: int = 0
    red: int = 0
    completed: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.green + self.amber + self.red


@dataclass(frozen=True)
class UnitRow:
    """Progress of the tasks one unit leads (按牵头单位)."""

    organization_id: int
    name: str
    counts: ColourCounts
    average_percent: float | None


@dataclass(frozen=True)
class LevelRow:
    """Progress of the tasks owned at one level of the hierarchy (全国 / 省级 / 市级 / 县级 …)."""

    level: str  # shown as is, e.g. "省级"
    depth: int  # 0 = the dashboard's own organisation, 1 = the level below, …
    counts: ColourCounts
    average_percent: float | None
    filing_rate: float | None  # filed / expected reports in the latest closed cycle, percent


@dataclass(frozen=True)
class TrendPoint:
    """The subtree at the end of one reporting cycle. A cycle for which nothing was recorded (the
    daily refresh did not run while it was open) is a gap, ``recorded`` False: shown empty, not
    left out, so that the trend never jumps over months."""

    cycle_id: int
    label: str  # e.g. "2026年4月"
    counts: ColourCounts
    average_percent: float | None
    filing_rate: float | None
    # The reports behind ``filing_rate``: how many the cycle expected and how many were filed.
    expected_reports: int = 0
    filed_reports: int = 0
    recorded: bool = True


@dataclass(frozen=True)
class TargetRow:
    """An indicator and how far its latest actual goes towards it (指标完成情况)."""

    item_id: int
    task: str
    target: str  # the target as written
    unit: str
    goal: Decimal | None  # the value aimed at (min for "more is better", max for "less is better")
    actual: Decimal | None
    attainment: Decimal | None  # percent
    direction: str  # "increase" / "decrease" as in plans.TargetDirection


@dataclass(frozen=True)
class OverdueRow:
    item_id: int
    plan: str
    key: str
    task: str
    lead: str
    due: dt.date | None
    percent: int
    days_overdue: int


@dataclass(frozen=True)
class LateRow:
    """A report filed late, or not filed at all (``submitted_at`` None), in a closed cycle."""

    cycle: str
    organization: str
    task: str
    due_on: dt.date
    submitted_at: dt.datetime | None


@dataclass(frozen=True)
class Dashboard:
    organization_id: int
    organization: str
    as_of: dt.date
    counts: ColourCounts
    by_lead: list[UnitRow] = field(default_factory=list)
    by_level: list[LevelRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    overdue: list[OverdueRow] = field(default_factory=list)
    late: list[LateRow] = field(default_factory=list)
    plan_id: int | None = None  # the plan the dashboard is narrowed to, if any
    plan: str = ""
    trend_plan: str = ""  # the plan whose cycles the trend follows
    overdue_total: int = 0  # all overdue tasks, when ``overdue`` holds one page of them
    late_total: int = 0  # all late or missing reports, when ``late`` holds one page of them
    # The latest closed reporting cycle: the one the levels' filing rates and the late list are for.
    closed_cycle_id: int | None = None
    closed_cycle: str = ""  # its label, e.g. "2026年6月"
    closed_cycle_due: dt.date | None = None  # its filing due date
