"""Reads of progress tracking: filing rates, colour counts over a subtree, reports a user may see,
and the status light of a task as every page shows it."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from kexie.accounts.models import User
from kexie.organizations.models import Organization, OrganizationClosure, OrgKind
from kexie.plans.models import TRACKED_KINDS, Assignment, PlanStatus

from .models import Cascade, CascadeLedger, Colour, ProgressReport, ReportingCycle, ReportStatus, TaskSnapshot
from .services import issuer_of


def tracked_plan_ids(root_plan_id: int) -> list[int]:
    """The plan and every ledger of tasks cascaded from it: all report in its cycles."""
    return [root_plan_id, *CascadeLedger.objects.filter(root_plan_id=root_plan_id).values_list("plan_id", flat=True)]


def filing_rates(*, cycles, user=None) -> dict:
    """Filing per reporting unit over ``cycles`` (one cycle or several of the same root plan).

    Expected filings are (task, responsible unit) pairs on tracked tasks of the plan and of its
    cascaded ledgers — a task handed down is reported by its children, not itself. Returns
    ``{"units": [{organization, expected, filed, late, on_time, rate}], "expected", "filed",
    "late", "rate"}`` with rates in percent (one decimal) or None when nothing was expected.
    With ``user``, only units within their ``plan.view`` scope are counted.
    """
    if isinstance(cycles, ReportingCycle):
        cycles = [cycles]
    cycles = list(cycles)
    if not cycles:
        return {"units": [], "expected": 0, "filed": 0, "late": 0, "rate": None}
    plan_ids = tracked_plan_ids(cycles[0].plan_id)
    pairs = (Assignment.objects.filter(item__plan_id__in=plan_ids, item__kind__in=TRACKED_KINDS,
                                       organization__isnull=False)
             .exclude(item_id__in=Cascade.objects.values("source_id")))
    reports = ProgressReport.objects.filter(cycle__in=cycles, submitted_at__isnull=False)
    if user is not None:
        visible = Organization.objects.restrict(user, "plan.view").values("pk")
        pairs, reports = pairs.filter(organization_id__in=visible), reports.filter(organization_id__in=visible)
    expected = {row["organization_id"]: row["n"] * len(cycles) for row in
                pairs.values("organization_id").annotate(n=Count("item_id", distinct=True))}
    filed = {row["organization_id"]: row for row in
             reports.values("organization_id").annotate(n=Count("id"), late_n=Count("id", filter=Q(late=True)))}
    names = dict(Organization.objects.filter(pk__in=set(expected) | set(filed)).values_list("pk", "name"))
    units = []
    for org_id in sorted(set(expected) | set(filed), key=lambda pk: names.get(pk, "")):
        n_expected, row = expected.get(org_id, 0), filed.get(org_id, {"n": 0, "late_n": 0})
        units.append({"organization_id": org_id, "organization": names.get(org_id, ""), "expected": n_expected,
                      "filed": row["n"], "late": row["late_n"], "on_time": row["n"] - row["late_n"],
                      "rate": _rate(row["n"], n_expected)})
    total_expected = sum(u["expected"] for u in units)
    total_filed = sum(u["filed"] for u in units)
    return {"units": units, "expected": total_expected, "filed": total_filed,
            "late": sum(u["late"] for u in units), "rate": _rate(total_filed, total_expected)}


def _rate(filed: int, expected: int):
    return round(100 * filed / expected, 1) if expected else None


def snapshots_in_subtree(*, user, organization, by: str = "organization"):
    """Snapshots of the tasks owned (``by="organization"``) or led (``by="lead_organization"``) by
    ``organization`` and everything below it, within ``user``'s scope: one range scan of the closure
    table joined to the snapshot indexes."""
    below = OrganizationClosure.objects.filter(ancestor=organization).values("descendant_id")
    return TaskSnapshot.objects.restrict(user, "plan.view").filter(**{f"{by}_id__in": below})


def colour_counts(*, user, organization, by: str = "organization") -> dict[str, int]:
    """{"green": n, "amber": n, "red": n, "overdue": n, "completed": n, "total": n} over a subtree."""
    row = snapshots_in_subtree(user=user, organization=organization, by=by).aggregate(
        green=Count("pk", filter=Q(colour="green")), amber=Count("pk", filter=Q(colour="amber")),
        red=Count("pk", filter=Q(colour="red")), overdue=Count("pk", filter=Q(overdue=True)),
        completed=Count("pk", filter=Q(completed=True)), total=Count("pk"))
    return row


def reports_for(user, code: str = "plan.view"):
    """Reports the user may see: those of reporting units within their scope."""
    return ProgressReport.objects.restrict(user, code).select_related("item", "organization", "cycle")


def overdue_tasks(*, user, organization, by: str = "organization"):
    """Overdue tasks (past due, not completed) over a subtree, the longest overdue first."""
    return (snapshots_in_subtree(user=user, organization=organization, by=by).filter(overdue=True)
            .select_related("item", "organization", "lead_organization").order_by("due", "item_id"))


def late_reports(*, user, organization, cycles=None):
    """Reports filed after their cycle's due date by units in the subtree, within the user's scope."""
    below = OrganizationClosure.objects.filter(ancestor=organization).values("descendant_id")
    reports = reports_for(user).filter(late=True, organization_id__in=below)
    if cycles is not None:
        reports = reports.filter(cycle__in=cycles)
    return reports.order_by("cycle__sequence", "organization_id", "item_id")


def unfiled(*, cycle, user=None) -> list[tuple[int, int]]:
    """(task id, organisation id) pairs expected in ``cycle`` with no report filed: the late-filing
    list while a cycle is open, the missing list once it has closed."""
    plan_ids = tracked_plan_ids(cycle.plan_id)
    pairs = (Assignment.objects.filter(item__plan_id__in=plan_ids, item__kind__in=TRACKED_KINDS,
                                       organization__isnull=False)
             .exclude(item_id__in=Cascade.objects.values("source_id")))
    if user is not None:
        pairs = pairs.filter(organization_id__in=Organization.objects.restrict(user, "plan.view").values("pk"))
    filed = set(ProgressReport.objects.filter(cycle=cycle, submitted_at__isnull=False)
                .values_list("item_id", "organization_id"))
    return sorted({pair for pair in pairs.values_list("item_id", "organization_id")} - filed)


# --- the status light of a task ------------------------------------------------------------------

@dataclass(frozen=True)
class TaskLight:
    """A task's status light (亮灯) as the task page, the ledger, its Excel export and the API show
    it: the values of its ``TaskSnapshot`` — the dashboards count the same rows. A task without a
    snapshot yet (before the daily refresh, its first accepted report or its first hand-down) is
    not tracked: no colour and no percent, rather than a green light nobody computed.

    The attribute names are the snapshot's, so a template shows either one the same way.
    """

    colour: str | None = None
    percent: int | None = None
    expected: int | None = None
    overdue: bool = False
    completed: bool = False
    as_of: dt.date | None = None

    def __bool__(self) -> bool:
        return self.colour is not None

    @property
    def tracked(self) -> bool:
        return self.colour is not None

    def get_colour_display(self) -> str:
        return str(Colour(self.colour).label) if self.colour else ""


UNTRACKED = TaskLight()
LIGHT_FIELDS = ("colour", "percent", "expected", "overdue", "completed", "as_of")


def light_of(snapshot: TaskSnapshot | None) -> TaskLight:
    """The light of a task whose snapshot the caller has read already (None: not tracked)."""
    if snapshot is None:
        return UNTRACKED
    return TaskLight(**{name: getattr(snapshot, name) for name in LIGHT_FIELDS})


def task_lights(item_ids) -> dict[int, TaskLight]:
    """The lights of the tasks ``item_ids`` in one query, whatever their number: task id -> light,
    ``UNTRACKED`` for a task without a snapshot. The caller has limited the ids to the user's
    scope (they come from a scoped list of tasks)."""
    ids = list(item_ids)
    lights = dict.fromkeys(ids, UNTRACKED)
    for item_id, *values in TaskSnapshot.objects.filter(item_id__in=ids).order_by().values_list(
            "item_id", *LIGHT_FIELDS):
        lights[item_id] = TaskLight(*values)
    return lights


# --- filing: what a unit has to report ---------------------------------------------------------

FILING_TODO = ("to_file", "missing", "returned")


def filing_cycles(units):
    """The reporting cycles the ``units`` report in: those of the root plans of every plan in force
    in which one of them answers for a tracked task."""
    plan_ids = set(Assignment.objects.filter(organization__in=units, item__kind__in=TRACKED_KINDS,
                                             item__plan__status=PlanStatus.ACTIVE)
                   .values_list("item__plan_id", flat=True).distinct())
    roots = dict(CascadeLedger.objects.filter(plan_id__in=plan_ids).values_list("plan_id", "root_plan_id"))
    return ReportingCycle.objects.filter(plan_id__in={roots.get(pk, pk) for pk in plan_ids}).select_related("plan")


def open_cycles(cycles, today) -> list:
    """The cycles open for filing on ``today``: opened and not past their filing due date."""
    return list(cycles.filter(opens_on__lte=today, due_on__gte=today).order_by("due_on", "plan_id"))


def filing_rows(*, units, today, cycle=None) -> list[dict]:
    """待填报: one row per (task, unit of ``units``, cycle) expected to report — in ``cycle``, or in
    the cycles open for filing on ``today`` plus every returned report of another cycle — with its
    report and status: to_file, missing (not filed, past due), returned, late or filed."""
    cycles = [cycle] if cycle is not None else open_cycles(filing_cycles(units), today)
    rows = []
    for one in cycles:
        pairs = (Assignment.objects.filter(item__plan_id__in=tracked_plan_ids(one.plan_id),
                                           item__kind__in=TRACKED_KINDS, item__plan__status=PlanStatus.ACTIVE,
                                           organization__in=units)
                 .exclude(item_id__in=Cascade.objects.values("source_id"))
                 .select_related("item__plan", "organization").order_by("item__plan_id", "item__position",
                                                                         "organization__name"))
        reports = {(r.item_id, r.organization_id): r for r in
                   ProgressReport.objects.filter(cycle=one, organization__in=units)}
        seen = set()
        for assignment in pairs:
            key = (assignment.item_id, assignment.organization_id)
            if key in seen:
                continue
            seen.add(key)
            report = reports.get(key)
            if report is None:
                status = "missing" if today > one.due_on else "to_file"
            elif report.status == ReportStatus.RETURNED:
                status = "returned"
            else:
                status = "late" if report.late else "filed"
            rows.append({"cycle": one, "item": assignment.item, "organization": assignment.organization,
                         "report": report, "status": status})
    if cycle is None:
        # A returned report waits for the unit whatever cycle it belongs to.
        current = {c.pk for c in cycles}
        for report in (ProgressReport.objects.filter(organization__in=units, status=ReportStatus.RETURNED)
                       .exclude(cycle_id__in=current).select_related("cycle", "item__plan", "organization")):
            rows.append({"cycle": report.cycle, "item": report.item, "organization": report.organization,
                         "report": report, "status": "returned"})
    return rows


def own_units(user, code: str = "report.submit"):
    """The units a clerk works for: their own organisation and its departments and affiliated
    units, within the scope of ``code``. Lower associations have clerks of their own."""
    if not user.organization_id:
        return Organization.objects.none()
    return Organization.objects.restrict(user, code).filter(
        Q(pk=user.organization_id)
        | Q(parent_id=user.organization_id, kind__in=[OrgKind.DEPARTMENT, OrgKind.AFFILIATED_UNIT]))


def reviewable(user):
    """Submitted reports in the user's review scope on tasks the user's organisation issued (its own
    plans, or tasks it handed down) or issued below it."""
    below = OrganizationClosure.objects.filter(ancestor_id=user.organization_id).values("descendant_id")
    issued = (Q(item__cascaded_from__isnull=True, item__plan__organization_id__in=below)
              | Q(item__cascaded_from__source__plan__organization_id__in=below))
    return (ProgressReport.objects.restrict(user, "report.review").filter(status=ReportStatus.SUBMITTED)
            .filter(issued).select_related("item__plan", "organization", "cycle", "submitted_by"))


def deferrals_to_decide(user):
    """Pending deferral requests in the user's ``deferral.approve`` scope on tasks their organisation
    issued or issued below it (the issuer-or-above rule, asked in the query), not asked by the user."""
    from django.db.models import Exists, OuterRef

    from .models import DeferralRequest, DeferralStatus
    from .services import _issuer_or_above

    return (DeferralRequest.objects.restrict(user, "deferral.approve").filter(status=DeferralStatus.PENDING)
            .exclude(requested_by=user)
            .filter(Exists(_issuer_or_above(user, OuterRef(OuterRef("item_id"))))))


def report_reviewers(report: ProgressReport) -> list[User]:
    """Who to tell that ``report`` waits for review: the active members of the task's issuer
    (:func:`~kexie.tracking.services.issuer_of`) whose roles give ``report.review`` with the
    report inside that code's scope — the reviewers ``report_accept`` admits at the issuer itself.
    The levels above the issuer may review too, but are not told about every report below."""
    candidates = (User.objects.filter(is_active=True, organization=issuer_of(report.item))
                  .select_related("organization").prefetch_related("roles").order_by("pk"))
    return [user for user in candidates if user.has_code("report.review")
            and ProgressReport.objects.restrict(user, "report.review").filter(pk=report.pk).exists()]
