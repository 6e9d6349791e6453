"""Loading progress reports in bulk: a unit's history brought over from an earlier system, or a
whole network's reporting seasons at once (the benchmark data set).

``reports_load`` keeps the invariants of filing and review one by one (``report_submit`` and
``report_accept``) — a report only by a responsible unit, in a cycle of the task's root plan, not
on a task that was handed down, completion only with 100% and evidence, accepted actuals becoming
the indicators' actuals of their cycle, snapshots refreshed up the cascade — but checks them per
batch with set lookups and writes with bulk inserts: a few statements per thousand reports
instead of a few dozen per report. One audit row records the load.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kexie.audit.services import audit_record
from kexie.plans.models import TRACKED_KINDS, Assignment, ItemStatus, PlanItem, Target

from .models import (
    ActualSource,
    Cascade,
    CascadeLedger,
    Evidence,
    ProgressReport,
    ReportActual,
    ReportingCycle,
    ReportStatus,
    TargetActual,
)
from .services import _require, snapshots_refresh

BATCH = 2000


@dataclass
class LoadedReport:
    """One report to load, in its final review state."""

    item_id: int
    organization_id: int
    cycle_id: int
    percent: int
    progress: str = ItemStatus.IN_PROGRESS
    status: str = ReportStatus.ACCEPTED
    narrative: str = ""
    late: bool = False
    submitted_at: dt.datetime | None = None
    reviewed_at: dt.datetime | None = None
    return_reason: str = ""
    actuals: dict[int, Decimal] = field(default_factory=dict)
    evidence_name: str = ""  # a stored file (path in the default storage) supporting the report


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _root_plans(plan_ids: set[int]) -> dict[int, int]:
    """Plan id -> the id of the plan whose cycles it reports in (itself, or its cascade root)."""
    roots = {pk: pk for pk in plan_ids}
    for chunk in _chunks(sorted(plan_ids)):
        roots.update(CascadeLedger.objects.filter(plan_id__in=chunk).values_list("plan_id", "root_plan_id"))
    return roots


def _check(batch: list[LoadedReport]) -> None:
    item_ids = sorted({r.item_id for r in batch})
    items, responsible, handed_down = {}, set(), set()
    for chunk in _chunks(item_ids):
        items.update({pk: (plan_id, kind) for pk, plan_id, kind in
                      PlanItem.objects.filter(pk__in=chunk).values_list("pk", "plan_id", "kind")})
        responsible.update(Assignment.objects.filter(item_id__in=chunk, organization__isnull=False)
                           .values_list("item_id", "organization_id"))
        handed_down.update(Cascade.objects.filter(source_id__in=chunk).values_list("source_id", flat=True))
    roots = _root_plans({plan_id for plan_id, _kind in items.values()})
    cycles = dict(ReportingCycle.objects.filter(pk__in={r.cycle_id for r in batch}).values_list("pk", "plan_id"))
    for number, report in enumerate(batch, start=1):
        where = _("Report on task %(item)s by organisation %(org)s") % {
            "item": report.item_id, "org": report.organization_id}
        if report.item_id not in items or items[report.item_id][1] not in TRACKED_KINDS:
            raise ValidationError({"item": _("%(where)s: no such task.") % {"where": where}})
        if (report.item_id, report.organization_id) not in responsible:
            raise ValidationError({"organization": _("%(where)s: the organisation is not responsible for the task.")
                                   % {"where": where}})
        if report.item_id in handed_down:
            raise ValidationError({"item": _("%(where)s: the task has been handed down; its progress comes from "
                                             "the units it was handed to.") % {"where": where}})
        if cycles.get(report.cycle_id) != roots[items[report.item_id][0]]:
            raise ValidationError({"cycle": _("%(where)s: the cycle is not a reporting cycle of the task's plan.")
                                   % {"where": where}})
        if not 0 <= report.percent <= 100:
            raise ValidationError({"percent": _("%(where)s: percent complete must be from 0 to 100.")
                                   % {"where": where}})
        if report.progress not in ItemStatus.values or report.status not in ReportStatus.values:
            raise ValidationError({"progress": _("%(where)s: unknown progress or review status.") % {"where": where}})
        if report.progress == ItemStatus.COMPLETED and (report.percent != 100 or not report.evidence_name):
            raise ValidationError({"progress": _("%(where)s: a task reported as completed needs 100% and at least "
                                                 "one evidence file.") % {"where": where}})
        if report.status == ReportStatus.RETURNED and not report.return_reason.strip():
            raise ValidationError({"reason": _("%(where)s: a returned report needs the reason.") % {"where": where}})
    targets = set()
    for chunk in _chunks(item_ids):
        targets.update(Target.objects.filter(item_id__in=chunk).values_list("pk", "item_id"))
    for report in batch:
        for target_id in report.actuals:
            if (target_id, report.item_id) not in targets:
                raise ValidationError({"actuals": _("The indicator with id %(id)s is not a target of this task.")
                                       % {"id": target_id}})


def _write(batch: list[LoadedReport], *, by) -> tuple[int, int]:
    rows = [ProgressReport(
        item_id=r.item_id, organization_id=r.organization_id, cycle_id=r.cycle_id, status=r.status,
        progress=r.progress, percent=r.percent, narrative=r.narrative, submitted_by=by,
        submitted_at=r.submitted_at, late=r.late, reviewed_by=by if r.status != ReportStatus.SUBMITTED else None,
        reviewed_at=r.reviewed_at if r.status != ReportStatus.SUBMITTED else None,
        return_reason=r.return_reason) for r in batch]
    ProgressReport.objects.bulk_create(rows, batch_size=BATCH)
    actuals, accepted, evidence = [], {}, []
    for row, report in zip(rows, batch, strict=True):
        for target_id, value in report.actuals.items():
            actuals.append(ReportActual(report=row, target_id=target_id, value=value))
            if report.status == ReportStatus.ACCEPTED:
                accepted[target_id, report.cycle_id] = (value, row)
        if report.evidence_name:
            evidence.append(Evidence(report=row, file=report.evidence_name, name=report.evidence_name.rsplit("/")[-1],
                                     uploaded_by=by))
    ReportActual.objects.bulk_create(actuals, batch_size=BATCH)
    Evidence.objects.bulk_create(evidence, batch_size=BATCH)
    TargetActual.objects.bulk_create(
        [TargetActual(target_id=t, cycle_id=c, value=v, source=ActualSource.REPORT, report=row)
         for (t, c), (v, row) in accepted.items()],
        batch_size=BATCH, update_conflicts=True, unique_fields=["target", "cycle"],
        update_fields=["value", "source", "report"])
    return len(rows), len(actuals)


def _item_statuses(item_ids: list[int]) -> None:
    """What ``report_accept`` does to each task, from its accepted reports: completed once one
    says so, in progress once one reports any progress."""
    for chunk in _chunks(item_ids):
        accepted = ProgressReport.objects.filter(item_id__in=chunk, status=ReportStatus.ACCEPTED)
        done = set(accepted.filter(progress=ItemStatus.COMPLETED).values_list("item_id", flat=True))
        going = set(accepted.filter(percent__gt=0).values_list("item_id", flat=True)) - done
        PlanItem.objects.filter(pk__in=done).update(status=ItemStatus.COMPLETED)
        PlanItem.objects.filter(pk__in=going, status=ItemStatus.NOT_STARTED).update(status=ItemStatus.IN_PROGRESS)


def _roll_up_actuals() -> None:
    """Handed-down tasks: their snapshot's rolled-up actuals become the actuals of the latest cycle
    in which any of their children's actuals were accepted, as ``report_accept`` records them."""
    from .models import TaskSnapshot

    sources = TaskSnapshot.objects.filter(item__cascades__isnull=False).exclude(actuals={}).distinct()
    rows = []
    for snapshot in sources.iterator(chunk_size=BATCH):
        cycle_id = (TargetActual.objects.filter(target__cascade__cascaded_from__item_id=snapshot.item_id)
                    .order_by("-cycle__sequence").values_list("cycle_id", flat=True).first())
        if cycle_id is None:
            continue
        rows += [TargetActual(target_id=int(t), cycle_id=cycle_id, value=Decimal(v), source=ActualSource.ROLLUP)
                 for t, v in snapshot.actuals.items()]
    TargetActual.objects.bulk_create(rows, batch_size=BATCH, update_conflicts=True, unique_fields=["target", "cycle"],
                                     update_fields=["value", "source", "report"])


def reports_load(*, by, reports, today: dt.date | None = None) -> dict:
    """Load progress reports in bulk — all or nothing — and refresh every snapshot.

    ``reports`` is an iterable of :class:`LoadedReport` (read in batches, so a generator of
    millions is fine); a (task, unit, cycle) must not have a report already. Needs the
    permissions to file and to review reports. Returns the counts written.
    """
    _require(by, "report.submit")
    _require(by, "report.review")
    counts = {"reports": 0, "actuals": 0, "tasks": 0}
    items: set[int] = set()
    with transaction.atomic():
        batch: list[LoadedReport] = []
        for report in reports:
            batch.append(report)
            if len(batch) == BATCH * 5:
                _check(batch)
                written, actuals = _write(batch, by=by)
                counts["reports"] += written
                counts["actuals"] += actuals
                items.update(r.item_id for r in batch)
                batch = []
        if batch:
            _check(batch)
            written, actuals = _write(batch, by=by)
            counts["reports"] += written
            counts["actuals"] += actuals
            items.update(r.item_id for r in batch)
        _item_statuses(sorted(items))
        counts["tasks"] = len(items)
        counts["snapshots"] = snapshots_refresh(today=today)
        _roll_up_actuals()
        audit_record(action="import", by=by, object_type=ProgressReport._meta.label_lower,
                     object_repr=_("%(count)d progress reports loaded") % {"count": counts["reports"]},
                     new=counts, detail=_("Loaded %(count)d progress reports in bulk.") % {"count": counts["reports"]})
    return counts
