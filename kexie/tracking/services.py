"""Writes of progress tracking: cascade, cycles, reports and their review, deferrals, snapshots.

Each service takes the acting user as ``by``, runs in one transaction and writes its audit row
inside it. Services that depend on the calendar take ``today=`` (or ``now=``) so that callers and
tests can fix the date; it defaults to the current local date.

Who may do what, beyond the permission code:

* a report is filed for a *reporting organisation* within the filer's scope, which must be a
  responsible unit (lead or co) of the task;
* a report is reviewed, a deferral decided, by the *issuer* of the task — the organisation whose
  plan it comes from, or for a cascaded task the organisation that handed it down — or by one
  of the issuer's ancestors. A province cannot accept its own report on a task the national
  office handed it.
"""

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, IntegerField, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.core.uploads import check_upload
from kexie.audit.freshness import recomputed
from kexie.dashboard.history import owned_state, snapshots_discard, snapshots_recorded
from kexie.notifications import events as notification_events
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.plans.models import (
    TRACKED_KINDS,
    Assignment,
    AssignmentRole,
    ItemStatus,
    Plan,
    PlanItem,
    PlanStatus,
    Target,
    TargetDirection,
)

from . import rules
from .models import (
    ActualSource,
    Cascade,
    CascadeLedger,
    DeferralRequest,
    DeferralStatus,
    Evidence,
    Frequency,
    ProgressReport,
    ReportActual,
    ReportingCycle,
    ReportStatus,
    TargetActual,
    TargetCascade,
    TaskSnapshot,
    TrackingPolicy,
)
from .statistics import statistics_date, statistics_day_record

EVIDENCE_TYPES = {"pdf", "docx", "xlsx", "txt", "png", "jpg", "jpeg"}


def check_evidence(evidence) -> None:
    """Refuse evidence files that fail the upload checks, naming every bad file at once."""
    file_errors = []
    for upload in evidence:
        try:
            check_upload(upload, allowed=EVIDENCE_TYPES)
        except ValidationError as error:
            file_errors.extend(error.messages)
    if file_errors:
        raise ValidationError({"evidence": file_errors})
_PLACES = Decimal("0.0001")


def _today(today):
    """The day to compute lights for: the statistics date unless the caller names one."""
    return today or statistics_date()


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# --- where a task belongs -------------------------------------------------------------------

def tracking_root(plan: Plan) -> Plan:
    """The plan whose cycles and policy apply: the top of the cascade chain, or the plan itself."""
    ledger = CascadeLedger.objects.filter(plan=plan).select_related("root_plan").first()
    return ledger.root_plan if ledger else plan


def policy_for(plan: Plan) -> TrackingPolicy:
    """The tracking policy of ``plan``'s root plan; the defaults (unsaved) when none was set."""
    root = tracking_root(plan)
    return TrackingPolicy.objects.filter(plan=root).first() or TrackingPolicy(plan=root)


def issuer_of(item: PlanItem) -> Organization:
    """The organisation that reviews reports on ``item``: who handed it down, else the plan's owner."""
    cascade = Cascade.objects.filter(child=item).select_related("source__plan__organization").first()
    return cascade.source.plan.organization if cascade else item.plan.organization


def responsible_organization_ids(item: PlanItem) -> set[int]:
    return set(Assignment.objects.filter(item=item, organization__isnull=False)
               .values_list("organization_id", flat=True))


def _require_responsible(by, item: PlanItem, organization: Organization, *, responsible: bool | None = None) -> None:
    """Refuse a report or request for a unit not responsible for the task: with a message naming
    both when the user may see the task, as not found otherwise (its title must not leak).
    ``responsible`` is the answer when the caller has read it already."""
    if responsible if responsible is not None else organization.pk in responsible_organization_ids(item):
        return
    if not PlanItem.objects.restrict(by, "plan.view").filter(pk=item.pk).exists():
        raise Http404
    raise ValidationError({"organization": _("%(org)s is not responsible for task “%(task)s”.")
                           % {"org": organization.name, "task": item.title}})


def _issuer_or_above(by, item_id):
    """The closure row placing ``by``'s organisation at or above the issuer of task ``item_id``
    (as :func:`issuer_of` names it). Asked inside another query, ``item_id`` is an ``OuterRef`` two
    levels out: it is read in subqueries of this one."""
    issuer_id = Coalesce(Subquery(Cascade.objects.filter(child_id=item_id).values("source__plan__organization_id")[:1]),
                         Subquery(PlanItem.objects.filter(pk=item_id).values("plan__organization_id")))
    return OrganizationClosure.objects.filter(ancestor_id=by.organization_id, descendant_id=issuer_id)


def is_issuer_or_above(user, item: PlanItem) -> bool:
    """Whether ``user``'s organisation issued ``item`` or stands above its issuer: who reviews
    reports on it, decides its deferrals and issues supervision notices on it. The one test of
    that rule, for services and pages alike."""
    return bool(user.organization_id) and _issuer_or_above(user, item.pk).exists()


def _require_issuer(by, item: PlanItem, *, allowed: bool | None = None) -> None:
    """Refuse a user outside the task's issuer and the levels above it. ``allowed`` is the answer
    of :func:`_issuer_or_above` when the caller has asked it already."""
    if not (allowed if allowed is not None else is_issuer_or_above(by, item)):
        raise PermissionDenied(_("Only %(issuer)s (which issued this task) or a level above it may do this.")
                               % {"issuer": issuer_of(item).name})


# --- reporting cycles ------------------------------------------------------------------------

def _month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def _periods(frequency: str, start: dt.date, end: dt.date):
    """(opens, closes, label) for each period of ``frequency`` covering [start, end]."""
    cursor = start
    while cursor <= end:
        if frequency == Frequency.WEEKLY:
            close = cursor + dt.timedelta(days=6 - cursor.weekday())
            year, week, _weekday = cursor.isocalendar()
            label = _("%(year)d week %(week)d") % {"year": year, "week": week}
        elif frequency == Frequency.QUARTERLY:
            quarter = (cursor.month - 1) // 3 + 1
            close = _month_end(cursor.replace(month=quarter * 3, day=1))
            label = _("%(year)d Q%(quarter)d") % {"year": cursor.year, "quarter": quarter}
        else:
            close = _month_end(cursor)
            label = _("%(year)d/%(month)d") % {"year": cursor.year, "month": cursor.month}
        close = min(close, end)
        yield cursor, close, label
        cursor = close + dt.timedelta(days=1)


@transaction.atomic
def cycles_schedule(*, by, plan: Plan, frequency: str = Frequency.MONTHLY, filing_days: int = 5,
                    amber_gap: int = 10, red_gap: int = 25, start: dt.date | None = None,
                    end: dt.date | None = None, periods=None) -> list[ReportingCycle]:
    """Set a plan's tracking policy and (re)generate its reporting cycles over its period.

    Weekly, monthly and quarterly cycles follow the calendar, clipped to [start, end] (the plan's
    period unless given); each is due ``filing_days`` after it closes. ``custom`` takes
    ``periods`` as (opens, closes, due) triples. Once a report is filed the schedule is fixed:
    changing it would orphan reports. Plans of cascaded tasks have no cycles of their own.
    """
    _require(by, "supervise.manage")
    plan = access_object(Plan.objects.select_for_update(), by, "supervise.manage", pk=plan.pk)
    if CascadeLedger.objects.filter(plan=plan).exists():
        raise ValidationError({"frequency": _("Cascaded tasks report in the cycles of the plan they come from.")})
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Choose weekly, monthly, quarterly or custom.")})
    if not (0 <= amber_gap <= red_gap <= 100):
        raise ValidationError({"amber_gap": _("The amber threshold must lie between 0 and the red threshold, and "
                                              "the red threshold at most 100.")})
    if ProgressReport.objects.filter(cycle__plan=plan).exists():
        raise ValidationError({"frequency": _("Reports have been filed in this plan's cycles; its schedule can no "
                                              "longer change.")})
    if frequency == Frequency.CUSTOM:
        rows = [(opens, closes, due, _("Period %(number)d") % {"number": n})
                for n, (opens, closes, due) in enumerate(periods or [], start=1)]
        if not rows:
            raise ValidationError({"periods": _("Give at least one period for a custom schedule.")})
        for n, (opens, closes, due, _label) in enumerate(rows, start=1):
            if not (opens <= closes <= due):
                raise ValidationError({"periods": _("Period %(number)d: its start, end and filing due date must be "
                                                    "in order.") % {"number": n}})
    else:
        start, end = start or plan.period_start, end or plan.period_end
        if not start or not end:
            raise ValidationError({"period_start": _("The plan has no period: give the first and last day to "
                                                     "schedule reporting cycles.")})
        if start > end:
            raise ValidationError({"period_start": _("The first day must not be after the last day.")})
        rows = [(opens, closes, closes + dt.timedelta(days=filing_days), label)
                for opens, closes, label in _periods(frequency, start, end)]
    TrackingPolicy.objects.update_or_create(plan=plan, defaults={
        "frequency": frequency, "filing_days": filing_days, "amber_gap": amber_gap, "red_gap": red_gap})
    ReportingCycle.objects.filter(plan=plan).delete()
    cycles = ReportingCycle.objects.bulk_create([
        ReportingCycle(plan=plan, sequence=n, label=label[:60], opens_on=opens, closes_on=closes, due_on=due)
        for n, (opens, closes, due, label) in enumerate(rows, start=1)])
    audit_record(action="schedule", by=by, obj=plan, new={
        "frequency": frequency, "cycles": len(cycles), "amber_gap": amber_gap, "red_gap": red_gap,
        "filing_days": filing_days})
    return list(ReportingCycle.objects.filter(plan=plan))


@transaction.atomic
def policy_update(*, by, plan: Plan, amber_gap: int, red_gap: int, today: dt.date | None = None) -> TrackingPolicy:
    """Change a plan's colour thresholds — allowed at any time, unlike its cycles — and recolour
    its tasks and the tasks cascaded from it at once."""
    _require(by, "supervise.manage")
    plan = access_object(Plan.objects.select_for_update(), by, "supervise.manage", pk=plan.pk)
    if CascadeLedger.objects.filter(plan=plan).exists():
        raise ValidationError({"amber_gap": _("Cascaded tasks are coloured by the thresholds of the plan they "
                                              "come from.")})
    if not (0 <= amber_gap <= red_gap <= 100):
        raise ValidationError({"amber_gap": _("The amber threshold must lie between 0 and the red threshold, and "
                                              "the red threshold at most 100.")})
    policy, _created = TrackingPolicy.objects.get_or_create(plan=plan)
    old = {"amber_gap": policy.amber_gap, "red_gap": policy.red_gap}
    policy.amber_gap, policy.red_gap = amber_gap, red_gap
    policy.save(update_fields=["amber_gap", "red_gap"])
    plans = [plan.pk, *CascadeLedger.objects.filter(root_plan=plan).values_list("plan_id", flat=True)]
    snapshots_refresh(today=today, plans=plans)
    audit_record(action="update", by=by, obj=policy, old=old, new={"amber_gap": amber_gap, "red_gap": red_gap})
    return policy


# --- cascade ---------------------------------------------------------------------------------

def own_progress_of(item_ids) -> dict[int, int]:
    """Each task's own progress by the rules of :mod:`.rules` — its accepted reports, else the
    progress it started from when it was handed down to its unit; not what the units it was handed
    down to report. Only tasks with some progress appear (500 tasks per query)."""
    item_ids = list(item_ids)
    leads, carried, reports = set(), {}, {}
    for start in range(0, len(item_ids), 500):
        chunk = item_ids[start:start + 500]
        leads.update(Assignment.objects.filter(item_id__in=chunk, role=AssignmentRole.LEAD,
                                               organization__isnull=False).values_list("item_id", "organization_id"))
        carried.update(Cascade.objects.filter(child_id__in=chunk, carried_percent__isnull=False)
                       .values_list("child_id", "carried_percent"))
        for item_id, org_id, sequence, reviewed_at, pk, percent, progress in (
                ProgressReport.objects.filter(item_id__in=chunk, status=ReportStatus.ACCEPTED)
                .values_list("item_id", "organization_id", "cycle__sequence", "reviewed_at", "id", "percent",
                             "progress")):
            reports.setdefault(item_id, []).append(rules.Accepted(
                sequence, reviewed_at or _NEVER, pk, percent, (item_id, org_id) in leads,
                progress == ItemStatus.COMPLETED))
    progress = {pk: rules.own_state(reports.get(pk, ()), completed=False, carried=carried.get(pk))[0].percent
                for pk in set(reports) | set(carried)}
    return {pk: percent for pk, percent in progress.items() if percent}


def own_progress(item: PlanItem) -> int:
    """One task's own progress (see :func:`own_progress_of`); 0 when it has none."""
    return own_progress_of([item.pk]).get(item.pk, 0)


# Indicator values are stored with 18 digits, 4 after the point.
_LIMIT = Decimal(10) ** 14


def _decimal_or_error(value, errors: list, message: str, params: dict):
    """``value`` as a Decimal, or None with a message (naming what ``params`` name) added to ``errors``."""
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors.append(message % {**params, "value": value})
        return None
    if abs(number) >= _LIMIT:
        errors.append(_("Indicator “%(target)s”: “%(value)s” is too large a number.") % {**params, "value": value})
        return None
    return number


def _key(obj_or_pk) -> int:
    return int(getattr(obj_or_pk, "pk", obj_or_pk))


def cascade_ledger_title(source_plan: Plan) -> str:
    """"<root plan>（下达任务）": a task handed down twice stays under the title of the plan it came from."""
    return (_("%(plan)s: tasks handed down") % {"plan": tracking_root(source_plan).title})[:300]


def _cascade_ledger(*, by, source_plan: Plan, organization: Organization) -> CascadeLedger:
    """The plan of tasks ``source_plan`` hands down to ``organization``, created on first use."""
    ledger = CascadeLedger.objects.filter(organization=organization, source_plan=source_plan).first()
    if ledger:
        return ledger
    plan = Plan.objects.create(
        organization=organization, created_by=by, issuer=source_plan.organization.name[:200],
        title=cascade_ledger_title(source_plan),
        doc_number=source_plan.doc_number, issued_on=source_plan.issued_on,
        period_start=source_plan.period_start, period_end=source_plan.period_end)
    return CascadeLedger.objects.create(organization=organization, source_plan=source_plan,
                                        root_plan=tracking_root(source_plan), plan=plan)


@transaction.atomic
def task_cascade(*, by, item: PlanItem, organizations, shares=None, today: dt.date | None = None) -> list[Cascade]:
    """Hand an upper task down (下达) to subordinate organisations, each with its share of the targets.

    Each organisation gets a linked task in its ledger of cascaded tasks (``CascadeLedger``), with
    itself as lead unit and one Target per upper target. ``shares`` maps an organisation (or its
    id) to ``{target or target id: value}``; a value is the child's minimum when the upper target
    has one, else its maximum. Without a share, each organisation gets an equal part. The upper
    task's progress and actuals then roll up from these children.
    """
    _require(by, "supervise.manage")
    item = access_object(PlanItem.objects.select_related("plan__organization"), by, "supervise.manage", pk=item.pk)
    if item.kind not in TRACKED_KINDS:
        raise ValidationError({"item": _("Only tasks, goals and safeguards can be handed down.")})
    if item.plan.status != PlanStatus.ACTIVE:
        raise ValidationError({"item": _("This plan has been superseded; hand down tasks of the plan in force.")})
    if item.status == ItemStatus.COMPLETED:
        raise ValidationError({"item": _("Task “%(task)s” has been completed; there is nothing left to hand down.")
                               % {"task": item.title}})
    organizations = list(organizations)
    if not organizations:
        raise ValidationError({"organizations": _("Choose at least one organisation to hand the task down to.")})
    below = set(OrganizationClosure.objects.filter(ancestor=item.plan.organization, depth__gte=1)
                .values_list("descendant_id", flat=True))
    visible = set(Organization.objects.restrict(by, "org.view").filter(pk__in=[o.pk for o in organizations])
                  .values_list("pk", flat=True))
    already = set(Cascade.objects.filter(source=item).values_list("organization_id", flat=True))
    for org in organizations:
        if org.pk not in below or org.pk not in visible:
            raise ValidationError({"organizations": _("%(org)s is not a subordinate organisation of %(owner)s within "
                                                      "your scope.") % {"org": org.name,
                                                                        "owner": item.plan.organization.name}})
        if org.pk in already:
            raise ValidationError({"organizations": _("The task has already been handed down to %(org)s.")
                                   % {"org": org.name}})
    targets = list(item.targets.all())
    shares = {_key(org): {_key(t): v for t, v in (values or {}).items()} for org, values in (shares or {}).items()}
    errors: list[str] = []
    target_ids = {t.pk for t in targets}
    for org in organizations:
        for target_id in shares.get(org.pk, {}):
            if target_id not in target_ids:
                errors.append(_("%(org)s: the share names a target that is not on this task.") % {"org": org.name})
    parts = {}
    for org in organizations:
        for target in targets:
            if target.pk in shares.get(org.pk, {}):
                parts[org.pk, target.pk] = _decimal_or_error(
                    shares[org.pk][target.pk], errors,
                    _("%(org)s: the share of target “%(target)s” must be a number, not “%(value)s”."),
                    {"org": org.name, "target": target})
    if errors:
        raise ValidationError({"shares": errors})
    n = len(organizations)
    # The progress the task has made on its own: each unit it is handed to starts from there.
    carried = own_progress(item) or None
    cascades = []
    for org in organizations:
        ledger = _cascade_ledger(by=by, source_plan=item.plan, organization=org)
        position = (PlanItem.objects.filter(plan=ledger.plan).aggregate(m=Max("position"))["m"] or 0) + 1
        child = PlanItem.objects.create(
            plan=ledger.plan, key=str(position), position=position, depth=1, kind=item.kind, title=item.title,
            text=item.text, due=item.due)
        Assignment.objects.create(item=child, role=AssignmentRole.LEAD, unit_name=org.name[:200], organization=org)
        for target in targets:
            low, high = target.min_value, target.max_value
            if (org.pk, target.pk) in parts:
                share = parts[org.pk, target.pk]
                low, high = (share, None) if low is not None else (None, share)
            else:
                low = (low / n).quantize(_PLACES) if low is not None else None
                high = (high / n).quantize(_PLACES) if high is not None else None
            copy = Target.objects.create(item=child, position=target.position, text=target.text, metric=target.metric,
                                         verb=target.verb, min_value=low, max_value=high, unit=target.unit,
                                         direction=target.direction, due=target.due)
            TargetCascade.objects.create(target=copy, cascaded_from=target)
        cascades.append(Cascade.objects.create(source=item, child=child, organization=org, carried_percent=carried,
                                               created_by=by))
    # The new tasks, then the task handed down and those above it: its progress now comes from them.
    _snapshots_update([c.child_id for c in cascades] + cascade_chain(item), today=_today(today))
    audit_record(action="cascade", by=by, obj=item, new={
        "organizations": [o.pk for o in organizations], "carried_percent": carried,
        "shares": {f"{o}:{t}": str(v) for (o, t), v in parts.items()}})
    return cascades


# --- snapshots -------------------------------------------------------------------------------

def _plan_start(plan: Plan) -> dt.date:
    return plan.period_start or plan.issued_on or timezone.localdate(plan.created_at)


def snapshot_update(item: PlanItem, *, today: dt.date | None = None, last_report=None,
                    slipped_from: dt.date | None = None) -> TaskSnapshot:
    """Recompute one task's snapshot (call inside the caller's transaction), by the rules of
    :mod:`kexie.tracking.rules`. ``slipped_from`` (the deadline an approved deferral replaces)
    counts a slip and keeps the first one as the baseline.
    """
    return _snapshots_update([item.pk], today=_today(today), last_report=last_report, slipped_from=slipped_from)[0]


# Cascade levels read per query when walking up a chain: national → province → city → county
# is three hops, so one query finds a whole chain (a fourth hop tells it ends there).
_CHAIN_HOPS = 4
_CHAIN_SOURCES = ["__".join(["source", *["cascaded_from__source"] * n]) + "_id" for n in range(_CHAIN_HOPS)]


def cascade_chain(item: PlanItem) -> list[int]:
    """The ids of ``item`` and of every task above it in its cascade chain, from ``item`` up: one
    query for a chain of up to five levels."""
    ids = [item.pk]
    while True:
        row = Cascade.objects.filter(child_id=ids[-1]).values_list(*_CHAIN_SOURCES).first()
        above = [pk for pk in row or () if pk is not None]
        ids.extend(above)
        if len(above) < _CHAIN_HOPS:
            return ids


_SNAPSHOT_STATE = ("lead_organization_id", "percent", "completed", "actuals", "last_report_id", "due", "expected",
                   "overdue", "colour", "as_of", "baseline_due", "slips")


def _snapshots_update(ids: list[int], *, today: dt.date, last_report=None, slipped_from: dt.date | None = None,
                      items: dict[int, PlanItem] | None = None) -> list[TaskSnapshot]:
    """Recompute the snapshots of the tasks ``ids`` (a task handed down after the tasks it was handed
    down to) with a fixed number of queries, whatever their number; write those that changed and
    record them all in the dashboards' history and tallies. ``last_report`` and ``slipped_from``
    apply to the first task. ``items`` holds the tasks, plans loaded, when the caller has them;
    otherwise they come with their snapshots. Each snapshot returned has its task at ``.item``."""
    # Locked in the order given, lower levels first, as the daily refresh goes: no deadlock between them.
    position = Case(*(When(item_id=pk, then=Value(n)) for n, pk in enumerate(ids)), output_field=IntegerField())
    snapshots = TaskSnapshot.objects.select_for_update(of=("self",)).filter(item_id__in=ids).order_by(position)
    locked = {s.item_id: s for s in (snapshots if items is not None else snapshots.select_related("item__plan"))}
    if items is None:
        items = {pk: snapshot.item for pk, snapshot in locked.items()}
        if len(items) < len(ids):  # tasks without a snapshot yet
            items.update(PlanItem.objects.select_related("plan").in_bulk([pk for pk in ids if pk not in items]))
    # The units responsible (each expected to report), the lead units among them in order.
    leads: dict[int, list[int]] = {}
    units: dict[int, set[int]] = {}
    for item_id, org_id, role in (Assignment.objects.filter(item_id__in=ids, organization__isnull=False)
                                  .order_by("id").values_list("item_id", "organization_id", "role")):
        units.setdefault(item_id, set()).add(org_id)
        if role == AssignmentRole.LEAD:
            leads.setdefault(item_id, []).append(org_id)
    # The tasks each was handed down to, with their states; and the progress each task handed down
    # to its unit started from. A child without a snapshot counts only when it is refreshed here,
    # before its source (a new snapshot is not in the database yet).
    handed_down: set[int] = set()
    children: dict[int, list[tuple[int, rules.State | None]]] = {}
    carried: dict[int, int | None] = {}
    refreshed = set(ids)
    for source_id, child_id, start, percent, completed, actuals in (
            Cascade.objects.filter(Q(source_id__in=ids) | Q(child_id__in=ids)).order_by("id")
            .values_list("source_id", "child_id", "carried_percent", "child__snapshot__percent",
                         "child__snapshot__completed", "child__snapshot__actuals")):
        if child_id in refreshed:
            carried[child_id] = start
        if source_id not in refreshed:
            continue
        handed_down.add(source_id)
        if percent is not None or child_id in refreshed:
            kid = rules.State(percent, completed, actuals) if percent is not None else None
            children.setdefault(source_id, []).append((child_id, kid))
    # Each task's own account: its accepted reports, and the actuals they brought.
    accepted: dict[int, list[rules.Accepted]] = {}
    for item_id, org_id, sequence, reviewed_at, report_id, percent, progress in (
            ProgressReport.objects.filter(item_id__in=ids, status=ReportStatus.ACCEPTED)
            .values_list("item_id", "organization_id", "cycle__sequence", "reviewed_at", "id", "percent",
                         "progress")):
        accepted.setdefault(item_id, []).append(rules.Accepted(
            sequence, reviewed_at or _NEVER, report_id, percent, org_id in leads.get(item_id, ()),
            progress == ItemStatus.COMPLETED))
    own_actuals: dict[int, dict[str, str]] = {}
    for item_id, target_id, value in (TargetActual.objects.filter(target__item_id__in=ids, source=ActualSource.REPORT)
                                      .order_by("cycle__sequence").values_list("target__item_id", "target_id",
                                                                               "value")):
        own_actuals.setdefault(item_id, {})[str(target_id)] = str(value)
    # Which upper target each child target is a share of: needed only when there are actuals to add up.
    links: dict[int, list[tuple[int, int]]] = {}
    # (A child refreshed here brings the actuals of its own reports, read above.)
    if children and (any(own_actuals.values())
                     or any(kid and kid.actuals for kids in children.values() for _child, kid in kids)):
        for upper_item, upper_id, child_id in (TargetCascade.objects.filter(cascaded_from__item_id__in=list(children))
                                               .values_list("cascaded_from__item_id", "cascaded_from_id",
                                                            "target_id")):
            links.setdefault(upper_item, []).append((upper_id, child_id))
    # Each plan's thresholds — those of the plan at the top of its chain, the defaults when it set
    # none — and the cycle now open, the latest opened by today: its own, or its chain top's.
    policies: dict[int, TrackingPolicy] = {}
    current_cycles: dict[int, int | None] = {}
    open_cycle = (ReportingCycle.objects
                  .filter(Q(plan_id=OuterRef("pk")) | Q(plan_id=OuterRef("cascade_ledger__root_plan_id")),
                          opens_on__lte=today)
                  .order_by("-opens_on", "-sequence").values("id")[:1])
    for plan_id, root_id, amber, red, root_amber, root_red, cycle_id in (
            Plan.objects.filter(pk__in={item.plan_id for item in items.values()})
            .values_list("pk", "cascade_ledger__root_plan_id",
                         "tracking_policy__amber_gap", "tracking_policy__red_gap",
                         "cascade_ledger__root_plan__tracking_policy__amber_gap",
                         "cascade_ledger__root_plan__tracking_policy__red_gap", Subquery(open_cycle))):
        if root_id is not None:
            amber, red = root_amber, root_red
        policies[plan_id] = TrackingPolicy(amber_gap=amber, red_gap=red) if amber is not None else TrackingPolicy()
        current_cycles[plan_id] = cycle_id
    fresh: dict[int, rules.State] = {}
    recorded, written, result = [], [], []
    for n, pk in enumerate(ids):
        item = items[pk]
        plan = item.plan
        snapshot = locked.get(pk) or TaskSnapshot(item=item, plan=plan, organization_id=plan.organization_id)
        snapshot.item = item
        was = None if snapshot._state.adding else [getattr(snapshot, f) for f in _SNAPSHOT_STATE]
        before = owned_state(snapshot)  # what it adds to its owner's dashboard tally until now
        # The ledger's assignments can be corrected after the fact; the snapshot follows them.
        snapshot.lead_organization_id = leads[item.pk][0] if item.pk in leads else None
        state, _report = rules.own_state(accepted.get(pk, ()), completed=item.status == ItemStatus.COMPLETED,
                                         actuals=own_actuals.get(pk), carried=carried.get(pk))
        if pk in children:
            kids = [k for child_id, kid in children[pk] if (k := fresh.get(child_id, kid)) is not None]
            state = rules.rolled_state(kids, links=links.get(pk, ()), own=state)
        snapshot.percent, snapshot.completed, snapshot.actuals = state.percent, state.completed, state.actuals
        if n == 0 and last_report is not None:
            snapshot.last_report = last_report
        if n == 0 and slipped_from is not None:
            if snapshot.baseline_due is None:
                snapshot.baseline_due = slipped_from
            snapshot.slips += 1
        snapshot.due = item.due or plan.period_end
        policy = policies[plan.pk]
        light = rules.light(state, start=_plan_start(plan), due=snapshot.due, today=today,
                            amber_gap=policy.amber_gap, red_gap=policy.red_gap)
        snapshot.expected, snapshot.overdue, snapshot.colour = light.expected, light.overdue, light.colour
        snapshot.as_of = today
        fresh[item.pk] = state
        if was is None or was != [getattr(snapshot, f) for f in _SNAPSHOT_STATE]:
            written.append(snapshot)  # an unchanged snapshot is not written again
        recorded.append((snapshot, before))
        result.append(snapshot)
    if written:
        # New or changed, every level in one statement; the rows there are locked above.
        TaskSnapshot.objects.bulk_create(written, update_conflicts=True, unique_fields=["item"],
                                         update_fields=[f.removesuffix("_id") for f in _SNAPSHOT_STATE])
    # The history is recorded even for an unchanged snapshot: its filings or the cycle may have moved.
    # A task handed down is reported on by the tasks it was handed down to: no report is expected on it.
    snapshots_recorded(recorded, today=today, current_cycles=current_cycles, expected_reports={
        pk: 0 if pk in handed_down else len(units.get(pk, ())) for pk in ids})
    return result


_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


def _roll_up(snapshots: list[TaskSnapshot], *, by, cycle: ReportingCycle) -> None:
    """Move the statuses of the tasks above the first in its cascade chain (``snapshots`` of the
    chain, just refreshed) and record their rolled-up actuals. A task the roll-up completes gets
    its audit row: nobody filed on it, the reports below completed it."""
    rolled = []
    for snapshot in snapshots[1:]:
        upper = snapshot.item
        if upper.status != ItemStatus.COMPLETED and snapshot.completed:
            PlanItem.objects.filter(pk=upper.pk).update(status=ItemStatus.COMPLETED)
            audit_record(action="status", by=by, obj=upper, old={"status": upper.status},
                         new={"status": ItemStatus.COMPLETED},
                         detail=_("Completed by the tasks it was handed down to."))
        elif upper.status == ItemStatus.NOT_STARTED and snapshot.percent > 0:
            PlanItem.objects.filter(pk=upper.pk).update(status=ItemStatus.IN_PROGRESS)
        rolled.extend(TargetActual(target_id=int(target_id), cycle=cycle, value=Decimal(value),
                                   source=ActualSource.ROLLUP, report=None)
                      for target_id, value in snapshot.actuals.items())
    if rolled:
        # A task's own accepted actual of the cycle (filed before it was handed down) is part of
        # what it adds up: the roll-up must not replace it.
        own = set(TargetActual.objects.filter(cycle=cycle, source=ActualSource.REPORT,
                                              target_id__in=[a.target_id for a in rolled])
                  .values_list("target_id", flat=True))
        _actuals_write([a for a in rolled if a.target_id not in own])


def _actuals_write(actuals: list[TargetActual]) -> None:
    """Set each indicator's actual for its cycle, replacing the one there (one query for all)."""
    if actuals:
        TargetActual.objects.bulk_create(actuals, update_conflicts=True, unique_fields=["target", "cycle"],
                                         update_fields=["value", "source", "report", "recorded_at"])


_REFRESH_BATCH = 500


@transaction.atomic
def snapshots_refresh(*, today: dt.date | None = None, plans=None) -> int:
    """Recompute the snapshots of every tracked task of the plans in force (daily job): expected
    progress and overdue move with the calendar even when nobody reports (the worker's schedule
    runs it; ``kexie tracking_refresh`` by hand). Without ``plans`` it is the daily refresh: it
    computes for ``today`` (default: the current day) and makes that day the statistics date.
    With ``plans`` (thresholds changed) it recomputes those for the statistics date.
    Derived data only, so no audit row. Children first, so that rolled-up tasks see fresh values."""
    daily = plans is None
    today = today or (timezone.localdate() if daily else statistics_date())
    items = PlanItem.objects.filter(kind__in=TRACKED_KINDS, plan__status=PlanStatus.ACTIVE)
    if plans is not None:
        items = items.filter(plan__in=plans)
    else:
        # A superseded plan's tasks no longer count on any dashboard.
        snapshots_discard(TaskSnapshot.objects.exclude(plan__status=PlanStatus.ACTIVE))
    count = 0
    # A cascaded child's ledger belongs to an organisation deeper in the tree than its source's,
    # so ordering by the owner's depth, deepest first, refreshes children before their sources
    # (in the same batch, a source takes its children's fresh values).
    batch: dict[int, PlanItem] = {}
    for item in (items.select_related("plan").order_by("-plan__organization__depth", "plan_id", "position")
                 .iterator(chunk_size=_REFRESH_BATCH)):
        batch[item.pk] = item
        if len(batch) == _REFRESH_BATCH:
            count += len(_snapshots_update(list(batch), today=today, items=batch))
            batch = {}
    if batch:
        count += len(_snapshots_update(list(batch), today=today, items=batch))
    if daily:
        statistics_day_record(today, tasks=count)
    recomputed()  # no audit row: dashboards computed before are stale by this instead
    return count


def plan_tasks_refresh(*, plan: Plan, superseded: Plan | None = None) -> int:
    """Give a plan just confirmed its tasks' snapshots, and take those of the version it
    supersedes off the dashboards (inside the caller's transaction)."""
    if superseded is not None:
        snapshots_discard(TaskSnapshot.objects.filter(plan=superseded))
    items = {item.pk: item for item in PlanItem.objects.filter(plan=plan, kind__in=TRACKED_KINDS)
             .select_related("plan").order_by("position")}
    if not items:
        return 0
    return len(_snapshots_update(list(items), today=statistics_date(), items=items))


def tasks_refresh(*, items) -> int:
    """Recompute, for the statistics date, the snapshots of tasks that just changed (their
    deadline, status or units were corrected, or they were created) and of every task above them
    in their cascade chains; call inside the caller's transaction. Returns how many were refreshed."""
    items = [item for item in items if item.kind in TRACKED_KINDS]
    if not items:
        return 0
    ids: list[int] = []
    for item in items:
        for pk in cascade_chain(item):
            if pk not in ids:
                ids.append(pk)
    # Deepest first across chains: a task handed down after the tasks it was handed down to.
    # Tasks of a superseded plan count nowhere: they get no snapshot.
    depth = dict(PlanItem.objects.filter(pk__in=ids, plan__status=PlanStatus.ACTIVE)
                 .values_list("pk", "plan__organization__depth"))
    ids = sorted((pk for pk in ids if pk in depth), key=lambda pk: -depth[pk])
    if not ids:
        return 0
    return len(_snapshots_update(ids, today=statistics_date()))


# --- reports ---------------------------------------------------------------------------------

def _parse_percent(value) -> int:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 100:
        raise ValidationError({"percent": _("Percent complete must be a whole number from 0 to 100, not “%(value)s”.")
                               % {"value": value}})
    return int(number)


def _same_filing(saved: ProgressReport, *, by, report: ProgressReport, actuals, evidence) -> bool:
    """Whether a filing of ``saved``'s task, unit and cycle is one ``saved`` already holds — the
    same request sent again: by the user who filed it, with the same progress, percent, narrative
    and indicator values (as parsed), each file already attached (same name and size). A report
    returned since is filed again, not repeated."""
    if saved.status == ReportStatus.RETURNED or saved.submitted_by_id != getattr(by, "pk", None):
        return False
    try:
        percent = _parse_percent(report.percent)
    except ValidationError:
        return False
    if (saved.progress, saved.percent, saved.narrative) != (report.progress, percent, report.narrative or ""):
        return False
    errors: list[str] = []
    values = {}
    for target, value in (actuals or {}).items():
        if value is not None and str(value).strip() != "":
            values[_key(target)] = _decimal_or_error(value, errors, "%(value)s", {"target": target})
    if errors or values != dict(saved.actuals.values_list("target_id", "value")):
        return False
    attached = Counter(saved.evidence.values_list("name", "size"))
    return not Counter((upload.name[:255], getattr(upload, "size", 0) or 0) for upload in evidence) - attached


@transaction.atomic
def report_submit(*, by, report: ProgressReport, actuals=None, evidence=(), now: dt.datetime | None = None
                  ) -> ProgressReport:
    """File a progress report (or file a returned one again) — all or nothing.

    ``report`` carries item, organization (the reporting unit), cycle, progress, percent and
    narrative; ``actuals`` maps a target of the task (or its id) to the value reached;
    ``evidence`` is a list of uploaded files, each checked by ``check_upload``. A report
    claiming completion needs 100% and at least one evidence file. Filing after the cycle's due
    date marks the report late.

    Idempotent: a filing the report already holds — the same request sent again by a client that
    lost the answer, or sent twice at once — changes nothing and writes no audit row or
    notification; the saved report is returned as it is, with ``replayed`` True (False on a
    filing that saved). A report is unique per task, unit and cycle, so the request itself names
    what it would create; a different filing of a report already filed is refused as ever.
    """
    _require(by, "report.submit")
    now = now or timezone.now()
    organization = access_object(Organization, by, "report.submit", pk=report.organization_id)
    # With what the checks below ask of it: whether the unit answers for it, whether it was handed
    # down, and the plan whose cycles apply.
    item = (PlanItem.objects.select_related("plan")
            .annotate(responsible=Exists(Assignment.objects.filter(item=OuterRef("pk"), organization=organization)),
                      handed_down=Exists(Cascade.objects.filter(source=OuterRef("pk"))),
                      cycles_plan_id=Coalesce(Subquery(CascadeLedger.objects.filter(plan=OuterRef("plan_id"))
                                                       .values("root_plan_id")), "plan_id",
                                              output_field=IntegerField()))
            .get(pk=report.item_id))
    _require_responsible(by, item, organization, responsible=item.responsible)
    if item.handed_down:
        raise ValidationError({"item": _("Task “%(task)s” has been handed down: its progress comes from the units "
                                         "it was handed to.") % {"task": item.title}})
    cycle = ReportingCycle.objects.get(pk=report.cycle_id)
    if cycle.plan_id != item.cycles_plan_id:  # the cycles of tracking_root(item.plan)
        raise ValidationError({"cycle": _("The cycle “%(cycle)s” is not a reporting cycle of this task's plan.")
                               % {"cycle": cycle.label}})
    existing = (ProgressReport.objects.select_for_update()
                .filter(item=item, organization=organization, cycle=cycle).first())
    if existing is not None and existing.status != ReportStatus.RETURNED:
        if _same_filing(existing, by=by, report=report, actuals=actuals, evidence=evidence):
            existing.replayed = True
            return existing
        raise ValidationError({"cycle": _("%(org)s has already filed a report on this task for %(cycle)s.")
                               % {"org": organization.name, "cycle": cycle.label}})
    percent = _parse_percent(report.percent)
    if report.progress not in ItemStatus.values:
        raise ValidationError({"progress": _("Choose not started, in progress or completed.")})
    errors: list[str] = []
    targets = {t.pk: t for t in Target.objects.filter(item=item)} if actuals else {}
    values: dict[int, Decimal] = {}
    for target, value in (actuals or {}).items():
        target_id = _key(target)
        if target_id not in targets:
            errors.append(_("The indicator with id %(id)s is not a target of this task.") % {"id": target_id})
            continue
        if value is None or str(value).strip() == "":
            continue
        number = _decimal_or_error(value, errors, _("Indicator “%(target)s”: the actual value must be a number, "
                                                    "not “%(value)s”."), {"target": targets[target_id]})
        if number is not None:
            values[target_id] = number
    if errors:
        raise ValidationError({"actuals": errors})
    check_evidence(evidence)
    has_evidence = bool(evidence) or (existing is not None and existing.evidence.exists())
    if report.progress == ItemStatus.COMPLETED and (percent != 100 or not has_evidence):
        raise ValidationError({"progress": _("A task reported as completed needs 100% and at least one evidence "
                                             "file.")})
    saved = existing or report
    saved.item, saved.organization, saved.cycle = item, organization, cycle
    saved.progress, saved.percent, saved.narrative = report.progress, percent, report.narrative or ""
    saved.status = ReportStatus.SUBMITTED
    saved.submitted_by, saved.submitted_at = by, now
    # Filing again after a return does not clear lateness: the first filing was what came late.
    saved.late = saved.late or timezone.localdate(now) > cycle.due_on
    saved.reviewed_by, saved.reviewed_at = None, None
    try:
        with transaction.atomic():
            saved.save()
    except IntegrityError:
        # The same unit filed the same task and cycle a moment ago, in another request — this very
        # filing, perhaps, sent twice at once: then that one is the answer.
        other = ProgressReport.objects.filter(item=item, organization=organization, cycle=cycle).first()
        if other is not None and _same_filing(other, by=by, report=report, actuals=actuals, evidence=evidence):
            other.replayed = True
            return other
        raise ValidationError({"cycle": _("%(org)s has already filed a report on this task for %(cycle)s.")
                               % {"org": organization.name, "cycle": cycle.label}}) from None
    if existing is not None:  # filed again: the new values replace the returned report's
        ReportActual.objects.filter(report=saved).delete()
    ReportActual.objects.bulk_create([ReportActual(report=saved, target_id=t, value=v) for t, v in values.items()])
    for upload in evidence:
        Evidence.objects.create(report=saved, file=upload, name=upload.name[:255],
                                size=getattr(upload, "size", 0) or 0, uploaded_by=by)
    audit_record(action="submit", by=by, obj=saved, new={
        "percent": percent, "progress": saved.progress, "late": saved.late,
        "actuals": {str(t): str(v) for t, v in values.items()}, "evidence": len(evidence),
        "refiled": existing is not None})
    notification_events.report_submitted(by=by, report=saved, refiled=existing is not None)
    saved.replayed = False
    return saved


def _report_for_review(by, report: ProgressReport) -> ProgressReport:
    _require(by, "report.review")
    # The unit comes along for the audit row's description, and whether the user may review asked
    # in the same query; only the report, its task and cycle are locked.
    report = access_object(ProgressReport.objects.select_for_update(of=("self", "item", "cycle"))
                           .select_related("item", "cycle", "organization")
                           .annotate(issuer_or_above=Exists(_issuer_or_above(by, OuterRef(OuterRef("item_id"))))),
                           by, "report.review", pk=report.pk)
    _require_issuer(by, report.item, allowed=report.issuer_or_above)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted report can be reviewed; this one is %(status)s.")
                               % {"status": report.get_status_display()}})
    return report


@transaction.atomic
def report_accept(*, by, report: ProgressReport, today: dt.date | None = None) -> ProgressReport:
    """Accept a report (审核通过): its actuals become the indicators' actuals for the cycle, the task's
    snapshot and those above it in the cascade are refreshed. Accepting a report that claims
    completion is the issuer's sign-off (办结)."""
    today = _today(today)
    report = _report_for_review(by, report)
    report.status, report.reviewed_by, report.reviewed_at = ReportStatus.ACCEPTED, by, timezone.now()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    _actuals_write([TargetActual(target_id=actual.target_id, cycle=report.cycle, value=actual.value,
                                 source=ActualSource.REPORT, report=report) for actual in report.actuals.all()])
    item = report.item
    if report.progress == ItemStatus.COMPLETED:
        item.status = ItemStatus.COMPLETED
    elif item.status == ItemStatus.NOT_STARTED and report.percent > 0:
        item.status = ItemStatus.IN_PROGRESS
    item.save(update_fields=["status", "updated_at"])
    # The whole chain at once, the task and those it was handed down from up to the top: each
    # level's snapshot from the fresh one below it.
    snapshots = _snapshots_update(cascade_chain(item), today=today, last_report=report)
    _roll_up(snapshots, by=by, cycle=report.cycle)
    snapshot = snapshots[0]
    audit_record(action="accept", by=by, obj=report, new={
        "percent": report.percent, "colour": snapshot.colour, "completed": snapshot.completed})
    return report


# The most reports one bulk accept takes: the largest page of the review list.
BULK_ACCEPT_LIMIT = 100


def _described(report: ProgressReport) -> str:
    return _("“%(task)s” of %(unit)s for %(cycle)s") % {
        "task": report.item.title, "unit": report.organization.name, "cycle": report.cycle.label}


@transaction.atomic
def reports_accept(*, by, reports, today: dt.date | None = None) -> list[ProgressReport]:
    """Accept several reports at once (批量审核通过) — all of them, or none.

    Each goes through :func:`report_accept`: the same checks (review scope, issuer or above, still
    submitted), its own audit row and snapshot refresh. A report outside the reviewer's scope is
    not found (404) and ends the whole request. Any other refusal is collected and, once every
    report has been tried, raised as one ValidationError naming each refused report and why; the
    reports accepted meanwhile are rolled back with it.
    """
    _require(by, "report.review")
    reports = sorted(reports, key=lambda report: report.pk)  # locked in one order by concurrent reviewers
    if not reports:
        raise ValidationError(_("Select the reports to accept."))
    if len(reports) > BULK_ACCEPT_LIMIT:
        raise ValidationError(_("Accept at most %(limit)d reports at a time.") % {"limit": BULK_ACCEPT_LIMIT})
    accepted, refused = [], []
    for report in reports:
        try:
            accepted.append(report_accept(by=by, report=report, today=today))
        except (ValidationError, PermissionDenied) as error:
            reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
            refused.append(_("%(report)s: %(reason)s") % {"report": _described(report), "reason": " ".join(reasons)})
    if refused:
        raise ValidationError(refused)
    return accepted


@transaction.atomic
def report_return(*, by, report: ProgressReport, reason: str) -> ProgressReport:
    """Return a report to its unit with a reason (退回); the unit files it again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for returning the report.")})
    report = _report_for_review(by, report)
    report.status, report.return_reason = ReportStatus.RETURNED, reason
    report.reviewed_by, report.reviewed_at = by, timezone.now()
    report.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at"])
    audit_record(action="return", by=by, obj=report, new={"reason": reason})
    notification_events.report_returned(by=by, report=report)
    return report


# --- deferrals -------------------------------------------------------------------------------

@transaction.atomic
def deferral_request(*, by, item: PlanItem, organization: Organization, requested_due: dt.date,
                     reason: str) -> DeferralRequest:
    """Ask the issuer to move a task's deadline (延期申请).

    The new deadline may lie beyond the plan period: most tasks are due on the plan's last day,
    and a task that runs late is still owed after the plan ends. It must only be later than the
    current deadline."""
    _require(by, "report.submit")
    organization = access_object(Organization, by, "report.submit", pk=organization.pk)
    # Locked: two requests at the same moment must not both find none pending.
    item = PlanItem.objects.select_for_update().select_related("plan").get(pk=item.pk)
    _require_responsible(by, item, organization)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the deferral.")})
    if not isinstance(requested_due, dt.date):
        raise ValidationError({"requested_due": _("Give the requested deadline as a date.")})
    if item.due and requested_due <= item.due:
        raise ValidationError({"requested_due": _("The requested deadline must be later than the current one (%(due)s).")
                               % {"due": _day(item.due)}})
    if DeferralRequest.objects.filter(item=item, status=DeferralStatus.PENDING).exists():
        raise ValidationError({"item": _("A deferral request on this task is already waiting for a decision.")})
    deferral = DeferralRequest.objects.create(item=item, organization=organization, previous_due=item.due,
                                              requested_due=requested_due, reason=reason, requested_by=by)
    audit_record(action="create", by=by, obj=deferral, new={
        "requested_due": requested_due, "previous_due": item.due, "reason": reason})
    return deferral


def _deferral_for_decision(by, deferral: DeferralRequest) -> DeferralRequest:
    _require(by, "deferral.approve")
    deferral = access_object(DeferralRequest.objects.select_for_update().select_related("item__plan"), by,
                             "deferral.approve", pk=deferral.pk)
    _require_issuer(by, deferral.item)
    # Whoever may file for a unit at the issuer (a national office filing for its own
    # departments) may also be its approver: the one who asked never decides.
    if deferral.requested_by_id == by.pk:
        raise PermissionDenied(_("You asked for this deferral yourself and cannot decide it; another person at "
                                 "%(issuer)s or a level above it decides it.")
                               % {"issuer": issuer_of(deferral.item).name})
    if deferral.status != DeferralStatus.PENDING:
        raise ValidationError({"status": _("This deferral request has already been decided.")})
    return deferral


@transaction.atomic
def deferral_approve(*, by, deferral: DeferralRequest, note: str = "", today: dt.date | None = None
                     ) -> DeferralRequest:
    """Approve a deferral: the task's deadline moves, the original stays as the baseline on the
    snapshot and the slip is counted."""
    deferral = _deferral_for_decision(by, deferral)
    item = deferral.item
    slipped_from = item.due or item.plan.period_end
    item.due = deferral.requested_due
    item.save(update_fields=["due", "updated_at"])
    deferral.status, deferral.decided_by, deferral.decided_at = DeferralStatus.APPROVED, by, timezone.now()
    deferral.decision_note = (note or "").strip()
    deferral.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    # One refresh, with the new deadline; the one replaced is the baseline unless an earlier slip set it.
    snapshot = snapshot_update(item, today=today, slipped_from=slipped_from)
    audit_record(action="approve", by=by, obj=deferral, old={"due": deferral.previous_due},
                 new={"due": deferral.requested_due, "slips": snapshot.slips})
    notification_events.deferral_decided(by=by, deferral=deferral)
    return deferral


@transaction.atomic
def deferral_reject(*, by, deferral: DeferralRequest, reason: str) -> DeferralRequest:
    """Refuse a deferral with a reason; the deadline stays."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for refusing the deferral.")})
    deferral = _deferral_for_decision(by, deferral)
    deferral.status, deferral.decided_by, deferral.decided_at = DeferralStatus.REJECTED, by, timezone.now()
    deferral.decision_note = reason
    deferral.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(action="reject", by=by, obj=deferral, new={"reason": reason})
    notification_events.deferral_decided(by=by, deferral=deferral)
    return deferral


def target_attainment(target: Target, value: Decimal | None) -> Decimal | None:
    """Attainment of a target in percent (capped at 100): actual over the goal when more is better,
    goal over actual when less is better. None when there is no actual or no goal."""
    if value is None:
        return None
    value = Decimal(value)
    if target.direction == TargetDirection.DECREASE:
        goal = target.max_value if target.max_value is not None else target.min_value
        if goal is None:
            return None
        if value <= goal:
            return Decimal(100)
        return (goal / value * 100).quantize(Decimal("0.1")) if value else Decimal(100)
    goal = target.min_value if target.min_value is not None else target.max_value
    if not goal:
        return None
    return min(Decimal(100), (value / goal * 100).quantize(Decimal("0.1")))
