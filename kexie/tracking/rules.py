"""How a task's progress and light are computed: the one place for these rules.

Plain functions over plain values, no database: the refresh of a few tasks
(``kexie.tracking.services``) and the set-based rebuild of all of them (``kexie.tracking.bulk``)
read their facts in their own ways and hand them here, so both give the same answer.

The rules:

* **A task's own progress** is its lead unit's latest accepted report (latest cycle, then latest
  review), else any responsible unit's latest accepted report, else the progress the task started
  from when it was handed down to its unit (``carried``), else 0. A completed task is at 100%.
* **A task handed down** takes its progress from the tasks it was handed down to: the mean of
  their percents, completed when all are; each upper indicator's actual is what the task had
  reached on its own (its last accepted actual, filed before it was handed down) plus the actuals
  of its shares below. A task handed down before any of its children has a state keeps its own.
* **Handing down keeps progress**: each child starts from the upper task's own accepted progress
  at the moment it is handed down (``carried``), so a task at 55% stays at 55% until the units
  below report, instead of falling to 0.
* **Expected progress (序时进度)** is the elapsed share of [plan start, due] on the statistics day.
* **The light**: completed → green; overdue (past due on the statistics day, not completed) → red;
  otherwise by the gap expected − percent: above the red gap → red, above the amber gap → amber,
  else green.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

GREEN, AMBER, RED = "green", "amber", "red"


@dataclass(frozen=True)
class Accepted:
    """An accepted progress report on a task, as far as the rules need it."""

    sequence: int  # the cycle's position in its plan
    reviewed_at: dt.datetime
    report_id: int
    percent: int
    by_lead: bool  # filed by one of the task's lead units
    completed: bool  # it reported the task completed

    @property
    def order(self) -> tuple:
        return (self.sequence, self.reviewed_at, self.report_id)


@dataclass
class State:
    """A task's progress: percent, completed, latest actual per target id (as strings)."""

    percent: int
    completed: bool
    actuals: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Light:
    expected: int | None
    overdue: bool
    colour: str


def latest(reports: Iterable[Accepted]) -> Accepted | None:
    """The report that speaks for the task: its lead unit's latest, else anyone's latest."""
    best_lead = best_any = None
    for report in reports:
        if best_any is None or report.order > best_any.order:
            best_any = report
        if report.by_lead and (best_lead is None or report.order > best_lead.order):
            best_lead = report
    return best_lead or best_any


def own_state(reports: Iterable[Accepted], *, completed: bool, actuals: dict[str, str] | None = None,
              carried: int | None = None) -> tuple[State, int | None]:
    """A task's state from its own accepted reports, and the id of the report it comes from."""
    report = latest(reports)
    if completed:
        percent = 100
    elif report is not None:
        percent = report.percent
    else:
        percent = carried or 0
    return State(percent, completed, dict(actuals or {})), (report.report_id if report else None)


def completed_by(reports: Iterable[Accepted], sequence: int) -> bool:
    """Whether an accepted report up to cycle ``sequence`` said the task was completed."""
    return any(r.completed and r.sequence <= sequence for r in reports)


def rolled_state(children: list[State], *, links: Iterable[tuple[int, int]], own: State) -> State:
    """The state of a task handed down, from its children's states. ``links`` pairs each upper
    target id with the id of a child target that is its share; ``own`` is the task's own state:
    it stands until a child has one, and its actuals are added to the shares'."""
    if not children:
        return own
    values: dict[str, str] = {}
    for child in children:
        values.update(child.actuals)
    sums: dict[str, Decimal] = {}
    for upper_id, child_id in links:
        if str(child_id) in values:
            key = str(upper_id)
            sums[key] = sums.get(key, Decimal(own.actuals.get(key, 0))) + Decimal(values[str(child_id)])
    actuals = {key: value for key, value in own.actuals.items() if key not in sums}
    actuals.update({key: str(value) for key, value in sums.items()})
    return State(round(sum(c.percent for c in children) / len(children)), all(c.completed for c in children), actuals)


def expected_progress(*, start: dt.date | None, due: dt.date | None, today: dt.date) -> int | None:
    """序时进度: the elapsed share of [start, due] in percent, or None without a schedule."""
    if not start or not due:
        return None
    if today <= start:
        return 0
    if today >= due or due <= start:
        return 100
    return round(100 * (today - start).days / (due - start).days)


def colour_for(*, percent: int, expected: int | None, completed: bool, overdue: bool, amber_gap: int,
               red_gap: int) -> str:
    """Red when overdue or far behind, amber when behind, green otherwise (and when done)."""
    if completed:
        return GREEN
    if overdue:
        return RED
    gap = (expected - percent) if expected is not None else 0
    if gap > red_gap:
        return RED
    if gap > amber_gap:
        return AMBER
    return GREEN


def is_overdue(*, completed: bool, due: dt.date | None, today: dt.date) -> bool:
    """Past its deadline on ``today`` and not completed: the one overdue rule of every list."""
    return bool(not completed and due and today > due)


def light(state: State, *, start: dt.date | None, due: dt.date | None, today: dt.date, amber_gap: int,
          red_gap: int) -> Light:
    """Expected progress, overdue and colour of a task in ``state`` on ``today``."""
    expected = expected_progress(start=start, due=due, today=today)
    overdue = is_overdue(completed=state.completed, due=due, today=today)
    return Light(expected, overdue, colour_for(percent=state.percent, expected=expected, completed=state.completed,
                                               overdue=overdue, amber_gap=amber_gap, red_gap=red_gap))
