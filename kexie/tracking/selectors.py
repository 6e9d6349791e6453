"""Reads of progress tracking: filing rates, colour counts over a subtree, reports a user may see."""

from django.db.models import Count, Q

from kexie.accounts.models import User
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.plans.models import TRACKED_KINDS, Assignment

from .models import Cascade, CascadeLedger, ProgressReport, ReportingCycle, TaskSnapshot
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


def report_reviewers(report: ProgressReport) -> list[User]:
    """Who to tell that ``report`` waits for review: the active members of the task's issuer
    (:func:`~kexie.tracking.services.issuer_of`) whose roles give ``report.review`` with the
    report inside that code's scope — the reviewers ``report_accept`` admits at the issuer itself.
    The levels above the issuer may review too, but are not told about every report below."""
    candidates = (User.objects.filter(is_active=True, organization=issuer_of(report.item))
                  .select_related("organization").prefetch_related("roles").order_by("pk"))
    return [user for user in candidates if user.has_code("report.review")
            and ProgressReport.objects.restrict(user, "report.review").filter(pk=report.pk).exists()]
