"""Keeping the dashboards' per-cycle history current: one call after every snapshot change.

:func:`snapshots_recorded` is called by ``kexie.tracking.services`` after it refreshes snapshots
(one task, or every level of a cascade chain at once when a report is accepted) inside its
transaction, with what it has read already (each plan's cycle now open, the reports expected).
It costs two indexed queries whatever the number of snapshots, and writes only the rows that
changed, each with the difference it makes to its cycle's tally;
the owner's :class:`~kexie.dashboard.models.OrgTally` moves by the difference the snapshot's
change makes (the caller hands over the snapshot's state before the change, see :func:`owned_state`).
"""

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from kexie.tracking.models import ProgressReport, TaskSnapshot

from kexie.audit.freshness import recomputed
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

_ROWS_PER_STATEMENT = 500


def _add(model, key_fields: tuple[str, ...], deltas: dict[tuple, dict[str, int]]) -> None:
    """Add each delta of ``deltas`` (key values → {field: delta}) to the tally row of ``model`` at
    that key, creating the row at its first addition.

    One statement for all (per 500 rows): INSERT … ON CONFLICT … DO UPDATE, which PostgreSQL and
    SQLite both have and the ORM cannot write with increments. It also settles the race of two
    transactions creating the same row: the second adds to the first's.
    """
    # In the order given (lower levels first, as every caller goes): two writers take the rows' locks alike.
    rows = [(key, delta) for key, delta in deltas.items() if any(delta.values())]
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = [f.column for f in model._meta.concrete_fields if f.column not in key_fields and not f.primary_key]
    table = quote(model._meta.db_table)
    row_sql = "(" + ", ".join(["%s"] * (len(key_fields) + len(fields))) + ")"
    on_conflict = (f"ON CONFLICT ({', '.join(quote(c) for c in key_fields)}) DO UPDATE SET "
                   + ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):  # within both databases' limits on parameters
            chunk = rows[start:start + _ROWS_PER_STATEMENT]
            cursor.execute(f"INSERT INTO {table} ({', '.join(quote(c) for c in (*key_fields, *fields))}) "
                           f"VALUES {', '.join([row_sql] * len(chunk))} {on_conflict}",
                           [value for key, delta in chunk for value in (*key, *(delta.get(c, 0) for c in fields))])


def owned_state(snapshot) -> dict[str, int] | None:
    """What ``snapshot`` adds to its owner's :class:`OrgTally`; None for a snapshot not saved yet.
    Taken before a change and handed to :func:`snapshots_recorded` after it."""
    if snapshot._state.adding:
        return None
    return {"tasks": 1, "green": int(snapshot.colour == "green"), "amber": int(snapshot.colour == "amber"),
            "red": int(snapshot.colour == "red"), "completed": int(snapshot.completed),
            "overdue": int(snapshot.overdue), "percent_sum": snapshot.percent}


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
    _add(OrgTally, ("organization_id",),
         {(g["organization_id"],): {name: -value for name, value in _owned_row(g).items()} for g in grouped})
    return deleted.get(TaskSnapshot._meta.label, 0)


def _changed(row: SnapshotHistory, before: SnapshotHistory | None, written: list, deltas: dict) -> None:
    """Queue ``row`` for writing when its state moved from ``before``, and the difference it makes
    to its cycle's tallies (summed per organisation and cycle in ``deltas``)."""
    if before is not None and _state(before) == _state(row):
        return
    written.append(row)

    def add(organization_id: int, sign: int, contribution: dict[str, int]) -> None:
        delta = deltas.setdefault((organization_id, row.cycle_id), dict.fromkeys(TALLY_FIELDS, 0))
        for name in TALLY_FIELDS:
            delta[name] += sign * contribution[name]

    add(row.organization_id, 1, _contribution(row))
    if before is not None:
        add(before.organization_id, -1, _contribution(before))


def _copy(row: SnapshotHistory) -> SnapshotHistory:
    return SnapshotHistory(**{f.attname: getattr(row, f.attname) for f in SnapshotHistory._meta.concrete_fields})


HISTORY_FIELDS = ("organization", "colour", "percent", "completed", "overdue", "expected_reports", "filed_reports",
                  "late_reports", "recorded_on")


def snapshots_recorded(changes, *, today, current_cycles: dict[int, int | None],
                       expected_reports: dict[int, int]) -> None:
    """Record snapshots just refreshed — one task's, or every level of a cascade chain at once —
    with two reads whatever their number, one write of the history rows that moved and one of the
    tallies that moved.

    ``changes`` holds (snapshot, :func:`owned_state` before the change, None for a new snapshot)
    pairs: each owner's tally moves from the state before to the state now. Each snapshot is
    recorded in the history of its plan's cycle now open, ``current_cycles[plan]`` (the latest
    opened by ``today``: the plan's own, or for a plan of cascaded tasks that of the plan at the
    top of its chain; None before the first), with ``expected_reports[task]`` reports expected;
    every cycle's filing counts of the task are brought up to date.
    """
    owned: dict[int, dict[str, int]] = {}
    for snapshot, before in changes:
        after = owned_state(snapshot)
        before = before or dict.fromkeys(OWNED_FIELDS, 0)
        delta = owned.setdefault(snapshot.organization_id, dict.fromkeys(OWNED_FIELDS, 0))
        for name in OWNED_FIELDS:
            delta[name] += after[name] - before[name]
    _add(OrgTally, ("organization_id",), {(organization_id,): delta for organization_id, delta in owned.items()})
    if not changes:
        return
    snapshots = {snapshot.item_id: snapshot for snapshot, _before in changes}
    current = {plan: cycle for plan, cycle in current_cycles.items() if cycle is not None}
    rows: dict[int, dict[int, SnapshotHistory]] = {}
    for row in SnapshotHistory.objects.filter(item_id__in=list(snapshots)):
        rows.setdefault(row.item_id, {})[row.cycle_id] = row
    items = [pk for pk, snapshot in snapshots.items() if snapshot.plan_id in current or pk in rows]
    if not items:
        return
    filings = {(r["item_id"], r["cycle_id"]): (r["filed"], r["late_n"]) for r in
               ProgressReport.objects.filter(item_id__in=items, submitted_at__isnull=False)
               .values("item_id", "cycle_id").annotate(filed=Count("id"), late_n=Count("id", filter=Q(late=True)))}
    written: list[SnapshotHistory] = []
    deltas: dict[tuple[int, int], dict[str, int]] = {}
    for item_id in items:
        snapshot, kept = snapshots[item_id], rows.get(item_id, {})
        cycle_id = current.get(snapshot.plan_id)
        for past_cycle, row in kept.items():
            if past_cycle == cycle_id:
                continue
            filed, late = filings.get((item_id, past_cycle), (0, 0))
            if (row.filed_reports, row.late_reports) != (filed, late):
                before = _copy(row)
                row.filed_reports, row.late_reports, row.recorded_on = filed, late, today
                _changed(row, before, written, deltas)
        if cycle_id is None:
            continue
        before = kept.get(cycle_id)
        row = _copy(before) if before is not None else SnapshotHistory(item_id=item_id, cycle_id=cycle_id)
        filed, late = filings.get((item_id, cycle_id), (0, 0))
        row.organization_id, row.colour, row.percent = snapshot.organization_id, snapshot.colour, snapshot.percent
        row.completed, row.overdue, row.recorded_on = snapshot.completed, snapshot.overdue, today
        row.expected_reports, row.filed_reports, row.late_reports = expected_reports[item_id], filed, late
        _changed(row, before, written, deltas)
    if written:
        # Keyed by (task, cycle): a row new or already there is written by the same statement.
        SnapshotHistory.objects.bulk_create(
            [SnapshotHistory(**{f.attname: getattr(row, f.attname) for f in SnapshotHistory._meta.concrete_fields
                                if not f.primary_key}) for row in written],
            update_conflicts=True, unique_fields=["item", "cycle"], update_fields=list(HISTORY_FIELDS))
    _add(CycleTally, ("organization_id", "cycle_id"), deltas)


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
