"""Reads behind the dashboards: each part of :class:`~kexie.dashboard.data.Dashboard` is one small
function, so that each can be timed on its own, and :func:`dashboard_for` puts them together.

How they stay fast at national scale (about 100,000 tasks):

* Everything current comes from ``TaskSnapshot`` rows whose owner organisation is in the chosen
  subtree: ``organization_id IN (SELECT descendant_id FROM closure WHERE ancestor_id = X)``,
  counted with conditional ``Count(filter=…)`` in one aggregate per part (the snapshot indexes
  start with ``organization``).
* Level by level groups the same rows by the owner's depth and kind: a level is the owner's
  absolute depth minus the chosen organisation's, labelled by its kind (全国 / 省级 / 市级 …).
  When the dashboard is not narrowed to a plan and the user sees the whole subtree, both read
  ``OrgTally`` instead (the snapshots each organisation owns, summed and kept current by
  :mod:`kexie.dashboard.history`): a few thousand rows at the national root, not 100,000.
* The trend and the filing rates come from ``CycleTally`` (per owner organisation and cycle,
  kept current by :mod:`kexie.dashboard.history`), never from the reports themselves.

No query count depends on the number of tasks or units. Every part counts only what ``user``
may see (``plan.view``); :func:`dashboard_for` first checks that the organisation is within it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kexie.accounts.scope import access_object, covers_subtree
from kexie.organizations.models import Organization, OrganizationClosure, OrgKind
from kexie.plans.models import Assignment, Plan, PlanStatus, Target, TargetDirection
from kexie.tracking.models import CascadeLedger, Colour, ProgressReport, ReportingCycle, TaskSnapshot
from kexie.tracking.services import target_attainment
from kexie.tracking.statistics import statistics_date

from .data import ColourCounts, Dashboard, LateRow, LevelRow, OverdueRow, TargetRow, TrendPoint, UnitRow
from kexie.audit.freshness import remembered
from .models import CycleTally, OrgTally, SnapshotHistory

CODE = "plan.view"

# The level of the hierarchy an owner organisation stands for, by its kind, in display order.
K = OrgKind
LEVEL_OF_KIND = {
    K.NATIONAL_ASSOCIATION: 0, K.NATIONAL_SOCIETY: 0,
    K.PROVINCIAL_ASSOCIATION: 1, K.PROVINCIAL_SOCIETY: 1,
    K.CITY_ASSOCIATION: 2, K.CITY_SOCIETY: 2,
    K.COUNTY_ASSOCIATION: 3,
    K.TOWNSHIP_ASSOCIATION: 4,
}
OTHER_LEVEL = 5


def level_label(level: int) -> str:
    return [pgettext("dashboard level", "National"), pgettext("dashboard level", "Provincial"),
            pgettext("dashboard level", "City"), pgettext("dashboard level", "County"),
            pgettext("dashboard level", "Township"), pgettext("dashboard level", "Other units")][level]


def _today(today):
    """The day the dashboards describe: the statistics date every light was computed for."""
    return today or statistics_date()


def _key(obj) -> int:
    return int(getattr(obj, "pk", obj))


# --- what a part counts ----------------------------------------------------------------------

def _below(organization):
    return OrganizationClosure.objects.filter(ancestor_id=_key(organization)).values("descendant_id")


def root_plan_id(plan) -> int:
    """The plan whose cycles ``plan``'s tasks report in: the top of its cascade chain."""
    root = CascadeLedger.objects.filter(plan_id=_key(plan)).values_list("root_plan_id", flat=True).first()
    return root or _key(plan)


def _family(root_id: int):
    """The root plan and the ledgers of tasks cascaded from it, as a subquery."""
    return Plan.objects.filter(Q(pk=root_id) | Q(cascade_ledger__root_plan_id=root_id)).values("pk")


def _covers(user, organization) -> bool:
    """Whether the user's plan.view scope holds the whole subtree: the scope filter then adds
    nothing and is left out of the aggregates."""
    return covers_subtree(user, CODE, _key(organization))


def _scoped(model, user, organization):
    rows = model.objects.all() if _covers(user, organization) else model.objects.restrict(user, CODE)
    return rows.filter(organization_id__in=_below(organization))


def _snapshots(user, organization, plan=None):
    rows = _scoped(TaskSnapshot, user, organization)
    if plan is not None:
        rows = rows.filter(plan_id__in=_family(root_plan_id(plan)))
    return rows


def _tallies(user, organization):
    return _scoped(CycleTally, user, organization)


def _owned(user, organization, plan, *group_by: str) -> list[dict]:
    """The subtree's snapshots counted (``_count_columns``'s names), in one row or grouped by
    ``group_by``: from the owners' kept tallies when the user sees the whole subtree and no plan
    narrows it, else from the snapshots themselves."""
    if plan is None and _covers(user, organization):
        rows = OrgTally.objects.filter(organization_id__in=_below(organization))
        columns = {name: Sum(name) for name in ("green", "amber", "red", "completed", "overdue", "percent_sum")}
        columns["n"] = Sum("tasks")
    else:
        rows, columns = _snapshots(user, organization, plan), _count_columns()
    if not group_by:
        return [rows.aggregate(**columns)]
    return list(rows.values(*group_by).annotate(**columns).order_by())


def _count_columns(prefix: str = "") -> dict:
    def count(condition):
        return Count("pk", filter=condition)
    return {"green": count(Q(colour=Colour.GREEN)), "amber": count(Q(colour=Colour.AMBER)),
            "red": count(Q(colour=Colour.RED)), "completed": count(Q(completed=True)),
            "overdue": count(Q(overdue=True)), "percent_sum": Sum("percent"), "n": Count("pk")}


def _counts(row: dict) -> ColourCounts:
    return ColourCounts(green=row["green"] or 0, amber=row["amber"] or 0, red=row["red"] or 0,
                        completed=row["completed"] or 0, overdue=row["overdue"] or 0)


def _average(total, n) -> float | None:
    return round(total / n, 1) if n else None


def _rate(filed, expected) -> float | None:
    return round(100 * filed / expected, 1) if expected else None


@dataclass(frozen=True)
class Cycles:
    """The plan whose reporting cycles the trend, the filing rates and the late list follow, and
    its cycles opened by the dashboard's day (oldest first)."""

    plan_id: int | None
    title: str
    opened: list[ReportingCycle]
    today: dt.date

    @property
    def closed(self) -> ReportingCycle | None:
        """The latest cycle whose filing has closed (its due date passed)."""
        return next((c for c in reversed(self.opened) if c.due_on < self.today), None)


def cycles_for(organization, *, plan=None, today=None, closed_before: dt.date | None = None) -> Cycles:
    """The root of ``plan`` when the dashboard is narrowed to one; otherwise the latest plan in
    force with cycles of the organisation itself or of its nearest ancestor that has one (a
    province without a plan of its own follows the national plan it was handed tasks from).

    ``closed_before`` keeps only the cycles whose filing had closed before that day (and by
    ``today``): the meeting pack's reporting period is the last of them, and its trend ends there."""
    today = _today(today)
    if plan is not None:
        plans = Plan.objects.filter(pk=root_plan_id(plan))
    else:
        above = OrganizationClosure.objects.filter(descendant_id=_key(organization)).values("ancestor_id")
        plans = (Plan.objects.filter(status=PlanStatus.ACTIVE, organization_id__in=above)
                 .filter(Exists(ReportingCycle.objects.filter(plan_id=OuterRef("pk"))))
                 .order_by("-organization__depth", "-issued_on", "-pk"))
    root = plans.values("pk", "title").first()
    if root is None:
        return Cycles(None, "", [], today)
    opened = ReportingCycle.objects.filter(plan_id=root["pk"], opens_on__lte=today)
    if closed_before is not None:
        opened = opened.filter(due_on__lt=min(closed_before, today))
    opened = list(opened.order_by("sequence").only("pk", "plan_id", "sequence", "label", "due_on"))
    return Cycles(root["pk"], root["title"], opened, today)


# --- the parts -------------------------------------------------------------------------------

def counts(*, user, organization, plan=None) -> ColourCounts:
    """Tracked tasks owned in the subtree, by colour; completed and overdue across colours."""
    return _counts(_owned(user, organization, plan)[0])


def by_lead(*, user, organization, plan=None) -> list[UnitRow]:
    """The organisation's own tasks (its plans and ledgers of tasks handed down to it) by lead
    unit: its departments for a national or provincial office (the monthly meeting's view);
    the levels below have their own dashboards and the level-by-level chart."""
    rows = (_snapshots(user, organization, plan).filter(organization_id=_key(organization))
            .values("lead_organization_id", "lead_organization__name", "lead_organization__short_name",
                    "lead_organization__sort_order")
            .annotate(**_count_columns()))
    units = [UnitRow(organization_id=row["lead_organization_id"] or 0,
                     name=(row["lead_organization__short_name"] or row["lead_organization__name"]
                           or _("No lead unit")),
                     counts=_counts(row), average_percent=_average(row["percent_sum"] or 0, row["n"]))
             for row in rows]
    order = {row["lead_organization_id"]: (row["lead_organization__sort_order"] or 0) for row in rows}
    return sorted(units, key=lambda u: (u.organization_id == 0, order.get(u.organization_id or None, 0), u.name))


def by_level(*, user, organization, today=None, plan=None, cycles: Cycles | None = None) -> list[LevelRow]:
    """Tasks owned at each level of the subtree (全国 / 省级 / 市级 / 县级 …), with the level's
    filing rate in the latest closed cycle (of :func:`cycles_for`); "上热下冷" shows as averages falling."""
    today = _today(today)
    if not isinstance(organization, Organization):
        organization = Organization.objects.only("pk", "depth").get(pk=organization)
    base_depth = organization.depth
    levels: dict[int, dict] = {}

    def level_of(row) -> dict:
        level = LEVEL_OF_KIND.get(row["organization__kind"], OTHER_LEVEL)
        entry = levels.setdefault(level, {"depth": None, "green": 0, "amber": 0, "red": 0, "completed": 0,
                                          "overdue": 0, "percent_sum": 0, "n": 0, "expected": 0, "filed": 0})
        depth = row["organization__depth"] - base_depth
        entry["depth"] = depth if entry["depth"] is None else min(entry["depth"], depth)
        return entry

    for row in _owned(user, organization, plan, "organization__depth", "organization__kind"):
        entry = level_of(row)
        for name in ("green", "amber", "red", "completed", "overdue", "percent_sum", "n"):
            entry[name] += row[name] or 0
    closed = (cycles or cycles_for(organization, plan=plan, today=today)).closed
    tallies = _tallies(user, organization).filter(cycle_id=closed.pk) if closed else CycleTally.objects.none()
    for row in (tallies.values("organization__depth", "organization__kind")
                .annotate(expected=Sum("expected_reports"), filed=Sum("filed_reports"))):
        entry = level_of(row)
        entry["expected"] += row["expected"] or 0
        entry["filed"] += row["filed"] or 0
    return [LevelRow(level=level_label(level), depth=entry["depth"], counts=_counts(entry),
                     average_percent=_average(entry["percent_sum"], entry["n"]),
                     filing_rate=_rate(entry["filed"], entry["expected"]))
            for level, entry in sorted(levels.items(), key=lambda item: (item[1]["depth"], item[0]))]


def trend(*, user, organization, today=None, plan=None, cycles: Cycles | None = None
          ) -> tuple[str, list[TrendPoint]]:
    """(plan title, points): the subtree at the end of each cycle of :func:`cycles_for`, one
    aggregate over the tallies of those cycles; a cycle's filing rate is given once its filing
    has closed. Every cycle from the first recorded one to the statistics date has its point: one
    with nothing recorded is a gap, not skipped."""
    cycles = cycles or cycles_for(organization, plan=plan, today=today)
    if not cycles.opened:
        return cycles.title, []
    rows = {row["cycle_id"]: row for row in (
        _tallies(user, organization).filter(cycle_id__in=[c.pk for c in cycles.opened]).values("cycle_id")
        .annotate(tasks_n=Sum("tasks"), green_n=Sum("green"), amber_n=Sum("amber"), red_n=Sum("red"),
                  completed_n=Sum("completed"), overdue_n=Sum("overdue"), percent_total=Sum("percent_sum"),
                  expected=Sum("expected_reports"), filed=Sum("filed_reports")).order_by())}
    points = []
    for cycle in cycles.opened:
        row = rows.get(cycle.pk)
        if row is None:
            if points:  # a gap after the first recorded cycle; before it, the tasks did not exist yet
                points.append(TrendPoint(cycle_id=cycle.pk, label=cycle.label, counts=ColourCounts(),
                                         average_percent=None, filing_rate=None, recorded=False))
            continue
        points.append(TrendPoint(
            cycle_id=cycle.pk, label=cycle.label,
            counts=ColourCounts(green=row["green_n"] or 0, amber=row["amber_n"] or 0, red=row["red_n"] or 0,
                                completed=row["completed_n"] or 0, overdue=row["overdue_n"] or 0),
            average_percent=_average(row["percent_total"] or 0, row["tasks_n"]),
            filing_rate=_rate(row["filed"] or 0, row["expected"] or 0) if cycle.due_on < cycles.today else None,
            expected_reports=row["expected"] or 0, filed_reports=row["filed"] or 0))
    return cycles.title, points


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _goal(target: Target) -> Decimal | None:
    if target.direction == TargetDirection.DECREASE:
        return target.max_value if target.max_value is not None else target.min_value
    return target.min_value if target.min_value is not None else target.max_value


def targets(*, user, organization, plan=None) -> list[TargetRow]:
    """The indicators of the organisation's own tasks and how far their latest actuals go."""
    own = _snapshots(user, organization, plan).filter(organization_id=_key(organization))
    rows = (Target.objects.filter(item_id__in=own.values("item_id"))
            .select_related("item__snapshot").order_by("item__plan_id", "item__position", "position", "pk"))
    result = []
    for target in rows:
        actual = _decimal(target.item.snapshot.actuals.get(str(target.pk)))
        result.append(TargetRow(
            item_id=target.item_id, task=target.item.title, target=target.text or target.metric, unit=target.unit,
            goal=_goal(target), actual=actual, attainment=target_attainment(target, actual),
            direction=target.direction))
    return result


def overdue(*, user, organization, today=None, plan=None, offset: int = 0, limit: int | None = None
            ) -> list[OverdueRow]:
    """Overdue tasks (past due, not completed) owned in the subtree, the longest overdue first."""
    today = _today(today)
    order = ("due", "item_id")
    page = _snapshots(user, organization, plan).filter(overdue=True).order_by(*order)
    if limit is not None or offset:
        page = page.values("item_id")
        page = page[offset:offset + limit] if limit is not None else page[offset:]
        # The page is picked on the snapshots alone, then joined to titles and names: the join does
        # not run over every overdue task of a national subtree.
        page = TaskSnapshot.objects.filter(item_id__in=page).order_by(*order)
    rows = page.values_list("item_id", "plan__title", "item__key", "item__title", "lead_organization__name",
                            "lead_organization__short_name", "due", "percent")
    # Tuples rather than dicts: a national subtree's full list is some 20,000 rows.
    return [OverdueRow(item_id=item_id, plan=plan_title, key=key, task=title, lead=lead_short or lead_name or "",
                       due=due, percent=percent, days_overdue=(today - due).days if due else 0)
            for item_id, plan_title, key, title, lead_name, lead_short, due, percent in rows]


def _late_segments(user, organization, cycle):
    """The unfiled (task, unit) pairs and the late reports of units in the subtree in ``cycle``,
    as (rows in order as dicts, the same rows to count, the function that makes a dict a
    :class:`LateRow`) triples.

    The unfiled pairs are looked for among the tasks whose state in ``cycle`` (``SnapshotHistory``)
    shows fewer reports filed than expected — the shortfall behind the filing rates the same
    dashboard shows — not among every assignment of the plan family: a partial index holds just
    those rows, a few thousand at national scale instead of a hundred thousand assignments.
    """
    if cycle is None:
        return []
    below = _below(organization)
    filed = ProgressReport.objects.filter(item_id=OuterRef("item_id"), organization_id=OuterRef("organization_id"),
                                          cycle=cycle, submitted_at__isnull=False)
    short = SnapshotHistory.objects.filter(cycle=cycle, filed_reports__lt=F("expected_reports")).values("item_id")
    order = ("organization__depth", "organization__name", "item__plan_id", "item__position")
    unfiled = Assignment.objects.filter(item_id__in=short, organization_id__in=below)
    if not _covers(user, organization):
        unfiled = unfiled.filter(organization_id__in=Organization.objects.restrict(user, CODE).values("pk"))
    # No report is expected on a task handed down (its children report): the history counts none
    # for it, so it is never short and needs no test of its own here.
    unfiled = unfiled.exclude(Exists(filed))
    late = _scoped(ProgressReport, user, organization).filter(cycle=cycle, late=True, submitted_at__isnull=False)

    def row_of(row: dict) -> LateRow:
        return LateRow(cycle=cycle.label, organization=row["organization__name"], task=row["item__title"],
                       due_on=cycle.due_on, submitted_at=row.get("submitted_at"))
    # Counted bare (no joins for names and titles), listed in order with them.
    return [(unfiled.order_by(*order).values("organization__name", "item__title"), unfiled.order_by(), row_of),
            (late.order_by(*order).values("organization__name", "item__title", "submitted_at"), late.order_by(),
             row_of)]


def _page(segments, offset: int, limit: int | None) -> tuple[list, int]:
    """Rows [offset, offset + limit) of the segments laid end to end, and their total."""
    rows, start, total = [], 0, 0
    for queryset, counted, row_of in segments:
        if offset == 0 and limit is None:  # every row: fetched once, counted as they come
            part = [row_of(row) for row in queryset]
            rows.extend(part)
            total += len(part)
            continue
        lo = max(offset - start, 0)
        if lo == 0 and limit is not None:
            # The page starts in this segment: read it first; a segment shorter than the page
            # has been read whole and needs no COUNT (a county's lists, most months).
            want = offset + limit - start
            part = list(queryset[:want]) if want > 0 else []
            n = len(part) if len(part) < want else counted.count()
            rows.extend(row_of(row) for row in part)
        else:
            n = counted.count()
            hi = n if limit is None else min(offset + limit - start, n)
            if lo < hi:
                rows.extend(row_of(row) for row in queryset[lo:hi])
        total += n
        start += n
    return rows, total


def late(*, user, organization, today=None, plan=None, offset: int = 0, limit: int | None = None,
         cycles: Cycles | None = None) -> tuple[list[LateRow], int]:
    """(rows, total): reports not filed, then filed late, by units in the subtree, in the latest
    closed cycle (its filing due date passed) of :func:`cycles_for`."""
    cycles = cycles or cycles_for(organization, plan=plan, today=today)
    return _page(_late_segments(user, organization, cycles.closed), offset, limit)


# --- the whole dashboard ---------------------------------------------------------------------

def accessible_organization(user, pk) -> Organization:
    """The organisation ``pk`` if it is within ``user``'s plan.view scope, else Http404."""
    return access_object(Organization, user, CODE, pk=pk)


def plans_for(user, organization):
    """Plans in force the dashboard of ``organization`` may be narrowed to: those of the
    organisation and of its ancestors within the user's scope."""
    above = OrganizationClosure.objects.filter(descendant_id=_key(organization)).values("ancestor_id")
    return (Plan.objects.restrict(user, CODE).filter(status=PlanStatus.ACTIVE, organization_id__in=above)
            .select_related("organization").order_by("organization__depth", "-issued_on", "title"))


# How long a computed dashboard may be served again at most, should a change ever slip past the
# generation (kexie.audit.freshness); within it, any change makes the next request recompute.
CACHE_SECONDS = 600


def _audience(user, organization, plan) -> str:
    """Users whose scope holds the whole subtree see the same dashboard and share the answer;
    anyone else's answer is their own."""
    return "all" if plan is None and _covers(user, organization) else f"user{user.pk}"


def dashboard_for(*, user, organization, today=None, plan=None, rows: int | None = None, overdue_offset: int = 0,
                  late_offset: int = 0, cached: bool = True, render=None, closed_before: dt.date | None = None):
    """The dashboard of ``organization``'s subtree as ``user`` may see it (Http404 when the
    organisation is outside their plan.view scope), optionally narrowed to ``plan``'s tasks
    (the plan, the plan it was cascaded from, and everything cascaded from that).

    The overdue and late lists hold every row unless ``rows`` limits them (a page of a list,
    from ``overdue_offset`` / ``late_offset``); ``overdue_total`` and ``late_total`` count them all.
    A paged answer (the page's, the API's) is kept in the cache until the data's generation moves
    (:mod:`kexie.audit.freshness`): a national office's dashboard is asked for far more often
    than the data under it changes. ``cached=False`` always computes.

    ``render``, a function of the dashboard, gives what is returned (and cached) instead of the
    dashboard itself: the API keeps its JSON-ready data, not only the numbers behind it.

    ``closed_before`` (the meeting pack's meeting date) makes the latest cycle whose filing closed
    before that day the one the filing rates and the late list are for, and ends the trend there
    (:func:`cycles_for`).
    """
    today = _today(today)
    if organization is None:
        raise Http404
    organization = accessible_organization(user, _key(organization))
    if plan is not None:
        plan = access_object(Plan, user, CODE, pk=_key(plan))

    def compute():
        answer = _compute(user=user, organization=organization, plan=plan, today=today, rows=rows,
                          overdue_offset=overdue_offset, late_offset=late_offset, closed_before=closed_before)
        return render(answer) if render is not None else answer

    if not cached or rows is None:
        return compute()
    return remembered(
        ("dashboard", organization.pk, plan.pk if plan else None, today, closed_before, rows, overdue_offset,
         late_offset, get_language(), _audience(user, organization, plan),
         f"{render.__module__}.{render.__qualname__}" if render is not None else None),
        compute, seconds=CACHE_SECONDS)


def _compute(*, user, organization, plan, today, rows, overdue_offset, late_offset, closed_before=None) -> Dashboard:
    parts = {"user": user, "organization": organization, "plan": plan}
    cycles = cycles_for(organization, plan=plan, today=today, closed_before=closed_before)
    levels = by_level(**parts, today=today, cycles=cycles)
    # Every task owned in the subtree is at one level: the levels add up to the counts
    # (what counts() returns), which saves a second pass over the subtree's snapshots.
    colour_counts = ColourCounts(**{name: sum(getattr(row.counts, name) for row in levels)
                                    for name in ("green", "amber", "red", "completed", "overdue")})
    trend_plan, points = trend(**parts, cycles=cycles)
    late_rows, late_total = late(**parts, offset=late_offset, limit=rows, cycles=cycles)
    closed = cycles.closed
    return Dashboard(
        organization_id=organization.pk, organization=organization.name, as_of=today, counts=colour_counts,
        by_lead=by_lead(**parts), by_level=levels, trend=points,
        targets=targets(**parts), overdue=overdue(**parts, today=today, offset=overdue_offset, limit=rows),
        late=late_rows, plan_id=plan.pk if plan else None, plan=plan.title if plan else "", trend_plan=trend_plan,
        overdue_total=colour_counts.overdue, late_total=late_total, closed_cycle_id=closed.pk if closed else None,
        closed_cycle=closed.label if closed else "", closed_cycle_due=closed.due_on if closed else None)
