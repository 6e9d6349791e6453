"""Keeping the dashboards' per-cycle history current: one call after every snapshot change.

:func:`snapshot_recorded` is called by ``kexie.tracking.services.snapshot_update`` (so also by
the daily ``snapshots_refresh``) inside its transaction. It costs a handful of indexed queries
and writes only the rows that changed, each with the difference it makes to its cycle's tally;
the owner's :class:`~kexie.dashboard.models.OrgTally` moves by the difference the snapshot's
change makes (the caller hands over the snapshot's state before the change, see :func:`owned_state`).
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum

from kexie.plans.models import Assignment
from kexie.tracking.models import Cascade, CascadeLedger, ProgressReport, ReportingCycle, TaskSnapshot

from .freshness import recomputed
from .models import CycleTally, OrgTally, SnapshotHistory

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


OWNED_FIELDS = ("tasks", "green", "amber", "red", "completed", "overdue", "percent_sum")


def _add(model, key: dict, delta: dict[str, int]) -> None:
    """Add ``delta`` to the tally row of ``model`` at ``key``, creating it at the first addition."""
    delta = {name: value for name, value in delta.items() if value}
    if not delta:
        return
    increments = {name: F(name) + value for name, value in delta.items()}
    if model.objects.filter(**key).update(**increments):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **delta)
    except IntegrityError:
        # Another transaction created the tally a moment ago: add to it instead.
        model.objects.filter(**key).update(**increments)


def _tally_add(organization_id: int, cycle_id: int, delta: dict[str, int]) -> None:
    _add(CycleTally, {"organization_id": organization_id, "cycle_id": cycle_id}, delta)


def owned_state(snapshot) -> dict[str, int] | None:
    """What ``snapshot`` adds to its owner's :class:`OrgTally`; None for a snapshot not saved yet.
    Taken before a change and handed to :func:`snapshot_recorded` after it."""
    if snapshot._state.adding:
        return None
    return {"tasks": 1, "green": int(snapshot.colour == "green"), "amber": int(snapshot.colour == "amber"),
            "red": int(snapshot.colour == "red"), "completed": int(snapshot.completed),
            "overdue": int(snapshot.overdue), "percent_sum": snapshot.percent}


def _owned_add(snapshot, before: dict[str, int] | None) -> None:
    after = owned_state(snapshot)
    before = before or dict.fromkeys(OWNED_FIELDS, 0)
    _add(OrgTally, {"organization_id": snapshot.organization_id},
         {name: after[name] - before[name] for name in OWNED_FIELDS})


def _owned_columns() -> dict:
    return {"tasks_n": Count("pk"), "green_n": Count("pk", filter=Q(colour="green")),
            "amber_n": Count("pk", filter=Q(colour="amber")), "red_n": Count("pk", filter=Q(colour="red")),
            "completed_n": Count("pk", filter=Q(completed=True)), "overdue_n": Count("pk", filter=Q(overdue=True)),
            "percent_total": Sum("percent")}


def _owned_row(g: dict) -> dict[str, int]:
    return {"tasks": g["tasks_n"], "green": g["green_n"], "amber": g["amber_n"], "red": g["red_n"],
            "completed": g["completed_n"], "overdue": g["overdue_n"], "percent_sum": g["percent_total"] or 0}


def snapshots_discard(snapshots) -> int:
    """Delete the ``snapshots`` (a TaskSnapshot queryset: those of plans no longer in force) and
    take them off their owners' tallies. Returns how many were deleted."""
    grouped = list(snapshots.order_by().values("organization_id").annotate(**_owned_columns()))
    if not grouped:
        return 0
    deleted = snapshots.delete()[1]
    for g in grouped:
        _add(OrgTally, {"organization_id": g["organization_id"]},
             {name: -value for name, value in _owned_row(g).items()})
    return deleted.get(TaskSnapshot._meta.label, 0)


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


def snapshot_recorded(snapshot, *, today, before: dict[str, int] | None) -> None:
    """Record ``snapshot`` (just saved) in the history of the cycle whose period holds ``today``
    (the latest cycle opened by then), bring every cycle's filing counts of the task up to date,
    and move its owner's tally from ``before`` (:func:`owned_state` before the change; None for a
    new snapshot) to its state now.

    A task handed down is reported on by its children, so no report is expected on it.
    """
    _owned_add(snapshot, before)
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
    """Recompute every cycle tally from the history rows and every organisation's tally from the
    snapshots (after a load, a repair by hand, or to check them). Returns the cycle tallies written."""
    OrgTally.objects.all().delete()
    OrgTally.objects.bulk_create([
        OrgTally(organization_id=g["organization_id"], **_owned_row(g))
        for g in TaskSnapshot.objects.order_by().values("organization_id").annotate(**_owned_columns())],
        batch_size=2000)
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
    recomputed()
    return len(grouped)
