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
from django.utils import timezone
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
from . import rules
from .services import _plan_start, _require, own_progress_of

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
            raise ValidationError({"progress": _("%(where)s: a task reported as completed needs 100%% and at least "
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


def _item_statuses_handed_down() -> None:
    """A handed-down task follows its children (as ``report_accept`` rolls it up): completed when
    all are, in progress once any progress is reported."""
    from .models import TaskSnapshot

    handed = TaskSnapshot.objects.filter(item__cascades__isnull=False)
    PlanItem.objects.filter(pk__in=handed.filter(completed=True).values("item_id")).exclude(
        status=ItemStatus.COMPLETED).update(status=ItemStatus.COMPLETED)
    PlanItem.objects.filter(pk__in=handed.filter(completed=False, percent__gt=0).values("item_id"),
                            status=ItemStatus.NOT_STARTED).update(status=ItemStatus.IN_PROGRESS)


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
    # A task's own accepted actual of a cycle is never replaced by the roll-up (it is part of it).
    own = set(TargetActual.objects.filter(source=ActualSource.REPORT, target__cascaded__isnull=False)
              .values_list("target_id", "cycle_id"))
    rows = [row for row in rows if (row.target_id, row.cycle_id) not in own]
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
        counts["snapshots"] = snapshots_rebuild(today=today)
        _item_statuses_handed_down()
        _roll_up_actuals()
        audit_record(action="import", by=by, object_type=ProgressReport._meta.label_lower,
                     object_repr=_("%(count)d progress reports loaded") % {"count": counts["reports"]},
                     new=counts, detail=_("Loaded %(count)d progress reports in bulk.") % {"count": counts["reports"]})
    return counts


# --- snapshots, set-based ------------------------------------------------------------------------

def snapshots_rebuild(*, today: dt.date | None = None) -> int:
    """Recompute the snapshot of every tracked task of the plans in force, by the same rules as
    ``snapshots_refresh`` (:mod:`kexie.tracking.rules`), with a dozen queries in all; and write
    the dashboards' history of every cycle opened by ``today`` (each past cycle as the task stood
    when it closed), then their tallies; ``today`` becomes the statistics date. For loads and
    repairs; the daily job and every review keep using ``snapshots_refresh`` and its kin.
    Returns the number of snapshots written."""
    from kexie.dashboard.history import tallies_rebuild
    from kexie.dashboard.models import SnapshotHistory
    from kexie.plans.models import AssignmentRole, Plan, PlanStatus

    from .models import TargetCascade, TaskSnapshot, TrackingPolicy
    from .statistics import statistics_day_record

    today = today or timezone.localdate()
    TaskSnapshot.objects.exclude(plan__status=PlanStatus.ACTIVE).delete()
    plans = {p.pk: p for p in Plan.objects.filter(status=PlanStatus.ACTIVE).select_related("organization")
             .only("pk", "organization_id", "organization__depth", "period_start", "period_end", "issued_on",
                   "created_at")}
    roots = dict(CascadeLedger.objects.values_list("plan_id", "root_plan_id"))
    policies = {pk: TrackingPolicy(amber_gap=a, red_gap=r) for pk, a, r in
                TrackingPolicy.objects.values_list("plan_id", "amber_gap", "red_gap")}
    default_policy = TrackingPolicy()
    items = [row for row in PlanItem.objects.filter(kind__in=TRACKED_KINDS, plan__status=PlanStatus.ACTIVE)
             .values_list("pk", "plan_id", "due", "status", "position")]
    # Children before the tasks they were handed down from: deepest owner first (snapshots_refresh's order).
    items.sort(key=lambda r: (-plans[r[1]].organization.depth, r[1], r[4]))
    lead: dict[int, int] = {}
    leads: set[tuple[int, int]] = set()
    responsible: dict[int, set] = {}
    for item_id, org_id, role in Assignment.objects.filter(organization__isnull=False).order_by("id").values_list(
            "item_id", "organization_id", "role"):
        responsible.setdefault(item_id, set()).add(org_id)
        if role == AssignmentRole.LEAD:
            lead.setdefault(item_id, org_id)
            leads.add((item_id, org_id))
    children: dict[int, list[int]] = {}
    carried: dict[int, int | None] = {}
    for source_id, child_id, start in Cascade.objects.order_by("id").values_list("source_id", "child_id",
                                                                                 "carried_percent"):
        children.setdefault(source_id, []).append(child_id)
        carried[child_id] = start
    links: dict[int, list[tuple[int, int]]] = {}
    for upper_item, upper_id, child_id in TargetCascade.objects.values_list(
            "cascaded_from__item_id", "cascaded_from_id", "target_id"):
        links.setdefault(upper_item, []).append((upper_id, child_id))
    cycles = {pk: (plan_id, seq, opens, closes) for pk, plan_id, seq, opens, closes in
              ReportingCycle.objects.values_list("pk", "plan_id", "sequence", "opens_on", "closes_on")}
    cycles_of: dict[int, list[int]] = {}
    for pk, (plan_id, seq, opens, _closes) in sorted(cycles.items(), key=lambda c: (c[1][0], c[1][1])):
        if opens <= today:
            cycles_of.setdefault(plan_id, []).append(pk)
    # Accepted reports per task, and the filings per (task, cycle) for the history.
    accepted: dict[int, list[rules.Accepted]] = {}
    filings: dict[tuple[int, int], list[int]] = {}
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    for item_id, org_id, cycle_id, status, percent, progress, late, submitted, reviewed, pk in (
            ProgressReport.objects.values_list("item_id", "organization_id", "cycle_id", "status", "percent",
                                               "progress", "late", "submitted_at", "reviewed_at", "pk")
            .iterator(chunk_size=5000)):
        if submitted is not None:
            counts = filings.setdefault((item_id, cycle_id), [0, 0])
            counts[0] += 1
            counts[1] += bool(late)
        if status == ReportStatus.ACCEPTED:
            accepted.setdefault(item_id, []).append(rules.Accepted(
                cycles[cycle_id][1], reviewed or never, pk, percent, (item_id, org_id) in leads,
                progress == ItemStatus.COMPLETED))
    actuals: dict[int, list] = {}
    for item_id, target_id, seq, value in TargetActual.objects.filter(source=ActualSource.REPORT).values_list(
            "target__item_id", "target_id", "cycle__sequence", "value").order_by("cycle__sequence"):
        actuals.setdefault(item_id, []).append((seq, target_id, value))
    existing = {pk: (baseline, slips, last) for pk, baseline, slips, last in
                TaskSnapshot.objects.values_list("item_id", "baseline_due", "slips", "last_report_id")}

    def state_of(item_id: int, status: str, upto: int | None, states: dict) -> tuple[rules.State, int | None]:
        """The task's state from what was accepted up to cycle sequence ``upto`` (None: all), and
        the report it comes from; a task handed down from ``states`` of its children then."""
        reports = [r for r in accepted.get(item_id, ()) if upto is None or r.sequence <= upto]
        done = status == ItemStatus.COMPLETED if upto is None else rules.completed_by(reports, upto)
        values = {str(target_id): str(value) for seq, target_id, value in actuals.get(item_id, ())
                  if upto is None or seq <= upto}
        own, last = rules.own_state(reports, completed=done, actuals=values, carried=carried.get(item_id))
        if item_id in children:
            kids = [states[c] for c in children[item_id] if c in states]
            return rules.rolled_state(kids, links=links.get(item_id, ()), own=own), None
        return own, last

    snapshots, history = [], []
    now_states: dict[int, rules.State] = {}
    past_states: dict[int, dict[int, rules.State]] = {}
    for item_id, plan_id, due, status, _position in items:
        plan = plans[plan_id]
        root = roots.get(plan_id, plan_id)
        policy = policies.get(root, default_policy)
        start = _plan_start(plan)
        due = due or plan.period_end
        state, last = state_of(item_id, status, None, now_states)
        now_states[item_id] = state
        now = rules.light(state, start=start, due=due, today=today, amber_gap=policy.amber_gap,
                          red_gap=policy.red_gap)
        baseline, slips, last_report = existing.get(item_id, (None, 0, None))
        snapshot = TaskSnapshot(
            item_id=item_id, plan_id=plan_id, organization_id=plan.organization_id,
            lead_organization_id=lead.get(item_id), percent=state.percent, expected=now.expected,
            colour=now.colour, completed=state.completed, overdue=now.overdue, due=due, baseline_due=baseline,
            slips=slips, actuals=state.actuals, last_report_id=last_report or last, as_of=today)
        snapshots.append(snapshot)
        opened = cycles_of.get(root, [])
        expected_reports = 0 if item_id in children else len(responsible.get(item_id, ()))
        for cycle_id in opened:
            _plan, seq, _opens, closes = cycles[cycle_id]
            if cycle_id == opened[-1]:
                past, on, then = state, today, now
            else:
                on = closes
                past = state_of(item_id, status, seq, past_states.get(seq, {}))[0]
                then = rules.light(past, start=start, due=due, today=on, amber_gap=policy.amber_gap,
                                   red_gap=policy.red_gap)
            past_states.setdefault(seq, {})[item_id] = past
            filed, late = filings.get((item_id, cycle_id), (0, 0))
            history.append(SnapshotHistory(
                item_id=item_id, cycle_id=cycle_id, organization_id=plan.organization_id, colour=then.colour,
                percent=past.percent, completed=past.completed, overdue=then.overdue,
                expected_reports=expected_reports, filed_reports=filed, late_reports=late, recorded_on=on))
        if len(history) >= 20 * BATCH:
            _write_history(history)
            history = []
    fields = ["plan", "organization", "lead_organization", "percent", "expected", "colour", "completed", "overdue",
              "due", "baseline_due", "slips", "actuals", "last_report", "as_of"]
    TaskSnapshot.objects.bulk_create(snapshots, batch_size=BATCH, update_conflicts=True, unique_fields=["item"],
                                     update_fields=fields)
    _write_history(history)
    tallies_rebuild()
    statistics_day_record(today, tasks=len(snapshots))
    return len(snapshots)


def _write_history(rows: list) -> None:
    from kexie.dashboard.models import SnapshotHistory

    fields = ["organization", "colour", "percent", "completed", "overdue", "expected_reports", "filed_reports",
              "late_reports", "recorded_on"]
    SnapshotHistory.objects.bulk_create(rows, batch_size=BATCH, update_conflicts=True,
                                        unique_fields=["item", "cycle"], update_fields=fields)


# --- cascade, in bulk ----------------------------------------------------------------------------

def tasks_cascade_bulk(*, by, cascades, today: dt.date | None = None, refresh_snapshots: bool = True) -> int:
    """Hand many tasks down at once: ``cascades`` is a list of (task, organisations), each handed
    to every organisation with an equal share of each target, as ``task_cascade`` does without
    ``shares``. The same checks apply (a tracked task of a plan in force, organisations below the
    plan's owner and within the user's scope, not handed to the same one twice); the rows are
    written in bulk, one audit row per task, and the snapshots rebuilt at the end — unless
    ``refresh_snapshots`` is False because a load that rebuilds them follows in the same
    transaction (``reports_load`` does). All or nothing. Returns the number of tasks created in
    the organisations' ledgers."""
    from django.db.models import Max

    from kexie.organizations.models import Organization, OrganizationClosure
    from kexie.plans.models import AssignmentRole, Plan, PlanStatus

    from .models import TargetCascade
    from .services import _PLACES

    _require(by, "supervise.manage")
    cascades = [(item, list(orgs)) for item, orgs in cascades]
    with transaction.atomic():
        items = {}
        for chunk in _chunks(sorted({item.pk for item, _orgs in cascades})):
            items.update({i.pk: i for i in PlanItem.objects.restrict(by, "supervise.manage").filter(pk__in=chunk)
                          .select_related("plan__organization")})
        org_ids = sorted({o.pk for _item, orgs in cascades for o in orgs})
        visible = set()
        for chunk in _chunks(org_ids):
            visible.update(Organization.objects.restrict(by, "org.view").filter(pk__in=chunk)
                           .values_list("pk", flat=True))
        below: dict[int, set] = {}
        already = set()
        for chunk in _chunks(sorted(items)):
            already.update(Cascade.objects.filter(source_id__in=chunk).values_list("source_id", "organization_id"))
        for item, orgs in cascades:
            found = items.get(item.pk)
            if found is None:
                raise ValidationError({"item": _("Task %(id)s: no such task within your scope.") % {"id": item.pk}})
            if found.kind not in TRACKED_KINDS:
                raise ValidationError({"item": _("Only tasks, goals and safeguards can be handed down.")})
            if found.plan.status != PlanStatus.ACTIVE:
                raise ValidationError({"item": _("This plan has been superseded; hand down tasks of the plan in "
                                                 "force.")})
            if found.status == ItemStatus.COMPLETED:
                raise ValidationError({"item": _("Task “%(task)s” has been completed; there is nothing left to "
                                                 "hand down.") % {"task": found.title}})
            if not orgs:
                raise ValidationError({"organizations": _("Choose at least one organisation to hand the task down "
                                                          "to.")})
            owner = found.plan.organization
            if owner.pk not in below:
                below[owner.pk] = set(OrganizationClosure.objects.filter(ancestor=owner, depth__gte=1)
                                      .values_list("descendant_id", flat=True))
            for org in orgs:
                if org.pk not in below[owner.pk] or org.pk not in visible:
                    raise ValidationError({"organizations": _(
                        "%(org)s is not a subordinate organisation of %(owner)s within your scope.")
                        % {"org": org.name, "owner": owner.name}})
                if (item.pk, org.pk) in already:
                    raise ValidationError({"organizations": _("The task has already been handed down to %(org)s.")
                                           % {"org": org.name}})
                already.add((item.pk, org.pk))
        # The ledgers of handed-down tasks: existing ones, then the missing ones in bulk.
        roots = dict(CascadeLedger.objects.values_list("plan_id", "root_plan_id"))
        ledgers = {(o, s): p for o, s, p in CascadeLedger.objects.values_list("organization_id", "source_plan_id",
                                                                              "plan_id")}
        missing = {}
        for item, orgs in cascades:
            plan = items[item.pk].plan
            for org in orgs:
                if (org.pk, plan.pk) not in ledgers and (org.pk, plan.pk) not in missing:
                    missing[org.pk, plan.pk] = (org, plan)
        new_plans = [Plan(organization=org, created_by=by, issuer=plan.organization.name[:200],
                          title=(_("%(plan)s: tasks handed down") % {"plan": plan.title})[:300],
                          doc_number=plan.doc_number, issued_on=plan.issued_on, period_start=plan.period_start,
                          period_end=plan.period_end) for org, plan in missing.values()]
        Plan.objects.bulk_create(new_plans, batch_size=BATCH)
        CascadeLedger.objects.bulk_create([
            CascadeLedger(organization=org, source_plan=plan, root_plan_id=roots.get(plan.pk, plan.pk), plan=new)
            for (org, plan), new in zip(missing.values(), new_plans, strict=True)], batch_size=BATCH)
        for (key, _value), new in zip(missing.items(), new_plans, strict=True):
            ledgers[key] = new.pk
        positions = {}
        for chunk in _chunks(sorted(set(ledgers.values()))):
            positions.update(PlanItem.objects.filter(plan_id__in=chunk).values("plan_id")
                             .annotate(m=Max("position")).values_list("plan_id", "m"))
        targets: dict[int, list[Target]] = {}
        for chunk in _chunks(sorted(items)):
            for target in Target.objects.filter(item_id__in=chunk).order_by("position", "id"):
                targets.setdefault(target.item_id, []).append(target)
        children, child_targets, uppers, links = [], [], [], []
        for item, orgs in cascades:
            upper = items[item.pk]
            for org in orgs:
                ledger_plan = ledgers[org.pk, upper.plan_id]
                position = positions.get(ledger_plan, 0) + 1
                positions[ledger_plan] = position
                children.append((upper, org, PlanItem(
                    plan_id=ledger_plan, key=str(position), position=position, depth=1, kind=upper.kind,
                    title=upper.title, text=upper.text, due=upper.due)))
        PlanItem.objects.bulk_create([child for _u, _o, child in children], batch_size=BATCH)
        n_of = {item.pk: len(orgs) for item, orgs in cascades}
        assignments = []
        for upper, org, child in children:
            assignments.append(Assignment(item=child, role=AssignmentRole.LEAD, unit_name=org.name[:200],
                                          organization=org))
            n = n_of[upper.pk]
            for target in targets.get(upper.pk, ()):
                low = (target.min_value / n).quantize(_PLACES) if target.min_value is not None else None
                high = (target.max_value / n).quantize(_PLACES) if target.max_value is not None else None
                child_targets.append(Target(item=child, position=target.position, text=target.text,
                                            metric=target.metric, verb=target.verb, min_value=low, max_value=high,
                                            unit=target.unit, direction=target.direction, due=target.due))
                uppers.append(target)
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        Target.objects.bulk_create(child_targets, batch_size=BATCH)
        TargetCascade.objects.bulk_create([TargetCascade(target=copy, cascaded_from=upper)
                                           for copy, upper in zip(child_targets, uppers, strict=True)],
                                          batch_size=BATCH)
        carried = own_progress_of(sorted(items))
        Cascade.objects.bulk_create([Cascade(source=upper, child=child, organization=org, created_by=by,
                                             carried_percent=carried.get(upper.pk) or None)
                                     for upper, org, child in children], batch_size=BATCH)
        for item, orgs in cascades:
            audit_record(action="cascade", by=by, obj=items[item.pk],
                         new={"organizations": [o.pk for o in orgs], "shares": {}})
        if refresh_snapshots:
            snapshots_rebuild(today=today)
    return len(children)
