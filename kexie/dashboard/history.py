"""Keeping the dashboards' per-cycle history current: one call after every snapshot change.

:func:`snapshot_recorded` is called by ``kexie.tracking.services.snapshot_update`` (so also by
the daily ``snapshots_refresh``) inside its transaction. It costs a handful of indexed queries
and writes only the rows that changed, each with the difference it makes to its cycle's tally.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum

from kexie.plans.models import Assignment
from kexie.tracking.models import Cascade, CascadeLedger, ProgressReport, ReportingCycle

from .models import CycleTally, SnapshotHistory

TALLY_FIELDS = ("tasks", "green", "amber", "red", "completed", "overdue", "percent_sum", "expected_reports",
                "filed_reports", "late_reports")


def _contribution(row: SnapshotHistory) -> dict[str, int]:
    return {"tasks": 1, "green": int(row.colour == "green"), "amber": int(row.colour == "amber"),
            "red": int(row.colour == "red"), "completed": int(row.completed), "overdue": int(row.overdue),
            "percent_sum": row.percent, "expected_reports": row.expected_reports,
            "filed_reports": row.filed_reports, "late_reports": row.late_reports}


def _state(row: SnapshotHistory) -> tuple:
    return (row.organization_id, row.colour, row.percent, row.completed, row.overdue, row.expected_reports,
            row.filed_reports, row.late_reports)


def _tally_add(organization_id: int, cycle_id: int, delta: dict[str, int]) -> None:
    delta = {name: value for name, value in delta.items() if value}
    if not delta:
        return
    increments = {name: F(name) + value for name, value in delta.items()}
    if CycleTally.objects.filter(organization_id=organization_id, cycle_id=cycle_id).update(**increments):
        return
    try:
        with transaction.atomic():
            CycleTally.objects.create(organization_id=organization_id, cycle_id=cycle_id, **delta)
    except IntegrityError:
        # Another transaction created the tally a moment ago: add to it instead.
        CycleTally.objects.filter(organization_id=organization_id, cycle_id=cycle_id).update(**increments)


def _save(row: SnapshotHistory, before: SnapshotHistory | None) -> None:
    if before is not None and _state(before) == _state(row):
        return
    row.save()
    new = _contribution(row)
    if before is None:
        _tally_add(row.organization_id, row.cycle_id, new)
        return
    old = _contribution(before)
    if before.organization_id == row.organization_id:
        _tally_add(row.organization_id, row.cycle_id, {k: new[k] - old[k] for k in TALLY_FIELDS})
    else:
        _tally_add(before.organization_id, row.cycle_id, {k: -old[k] for k in TALLY_FIELDS})
        _tally_add(row.organization_id, row.cycle_id, new)


def _copy(row: SnapshotHistory) -> SnapshotHistory:
    return SnapshotHistory(**{f.attname: getattr(row, f.attname) for f in SnapshotHistory._meta.concrete_fields})


def snapshot_recorded(snapshot, *, today) -> None:
    """Record ``snapshot`` (just saved) in the history of the cycle whose period holds ``today``
    (the latest cycle opened by then), and bring every cycle's filing counts of the task up to date.

    A task handed down is reported on by its children, so no report is expected on it.
    """
    cycles = list(ReportingCycle.objects.filter(
        Q(plan_id=snapshot.plan_id)
        | Q(plan_id__in=CascadeLedger.objects.filter(plan_id=snapshot.plan_id).values("root_plan_id")))
        .filter(opens_on__lte=today).order_by("-opens_on", "-sequence").values_list("id", flat=True)[:1])
    rows = {row.cycle_id: row for row in SnapshotHistory.objects.filter(item_id=snapshot.item_id)}
    if not cycles and not rows:
        return
    filings = {r["cycle_id"]: (r["filed"], r["late_n"]) for r in
               ProgressReport.objects.filter(item_id=snapshot.item_id, submitted_at__isnull=False)
               .values("cycle_id").annotate(filed=Count("id"), late_n=Count("id", filter=Q(late=True)))}
    for cycle_id, row in rows.items():
        if cycle_id in cycles:
            continue
        filed, late = filings.get(cycle_id, (0, 0))
        if (row.filed_reports, row.late_reports) != (filed, late):
            before = _copy(row)
            row.filed_reports, row.late_reports, row.recorded_on = filed, late, today
            _save(row, before)
    if not cycles:
        return
    cycle_id = cycles[0]
    expected = (Assignment.objects.filter(item_id=snapshot.item_id, organization__isnull=False)
                .exclude(item_id__in=Cascade.objects.filter(source_id=snapshot.item_id).values("source_id"))
                .values("organization_id").distinct().count())
    before = rows.get(cycle_id)
    row = _copy(before) if before is not None else SnapshotHistory(item_id=snapshot.item_id, cycle_id=cycle_id)
    filed, late = filings.get(cycle_id, (0, 0))
    row.organization_id, row.colour, row.percent = snapshot.organization_id, snapshot.colour, snapshot.percent
    row.completed, row.overdue, row.recorded_on = snapshot.completed, snapshot.overdue, today
    row.expected_reports, row.filed_reports, row.late_reports = expected, filed, late
    _save(row, before)


@transaction.atomic
def tallies_rebuild() -> int:
    """Recompute every cycle tally from the history rows (after a repair by hand, or to check them)."""
    CycleTally.objects.all().delete()
    grouped = SnapshotHistory.objects.values("organization_id", "cycle_id").annotate(
        tasks=Count("id"), green=Count("id", filter=Q(colour="green")), amber=Count("id", filter=Q(colour="amber")),
        red=Count("id", filter=Q(colour="red")), completed_n=Count("id", filter=Q(completed=True)),
        overdue_n=Count("id", filter=Q(overdue=True)), percent_total=Sum("percent"),
        expected=Sum("expected_reports"), filed=Sum("filed_reports"), late=Sum("late_reports"))
    CycleTally.objects.bulk_create([CycleTally(
        organization_id=g["organization_id"], cycle_id=g["cycle_id"], tasks=g["tasks"], green=g["green"],
        amber=g["amber"], red=g["red"], completed=g["completed_n"], overdue=g["overdue_n"],
        percent_sum=g["percent_total"] or 0, expected_reports=g["expected"] or 0, filed_reports=g["filed"] or 0,
        late_reports=g["late"] or 0) for g in grouped])
    return len(grouped)
