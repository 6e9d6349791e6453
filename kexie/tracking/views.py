"""Tracking pages: the task page, filing (待填报), review (待审核), deferrals, cascade and cycles.

Each view checks its permission code first (403 without it) and fetches rows through the
user's data scope (404 outside it); the services in :mod:`kexie.tracking.services` do every
write and the checks that go beyond scope (responsible unit, issuer). Forms post plainly and
redirect; on an error the page is rendered again with the message next to the field.

A task is shown to whoever may see its plan and to whoever has one of its responsible units in
scope: a county files on a task of its province's plan without seeing the rest of that plan.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import access_object
from kexie.core.downloads import file_download
from kexie.core.paging import paginate
from kexie.notifications.selectors import urging_counts
from kexie.organizations.models import Organization, OrgStatus
from kexie.plans.models import TRACKED_KINDS, Assignment, AssignmentRole, Plan, PlanItem, PlanStatus, Target
from kexie.plans import measures
from kexie.plans import services as plan_services
from kexie.plans.selectors import target_label
from kexie.accounts.scope import require_page_code as _require

from . import selectors, services
from .forms import (
    CascadeForm,
    DeferralForm,
    ReasonForm,
    ReportForm,
    ReviewFilterForm,
    ScheduleForm,
    ThresholdsForm,
    apply_report_errors,
    apply_service_errors,
)
from .models import (
    Cascade,
    CascadeLedger,
    DeferralRequest,
    DeferralStatus,
    Evidence,
    ProgressReport,
    ReportActual,
    ReportingCycle,
    ReportStatus,
    TargetActual,
    TaskSnapshot,
)

PAGE_SIZE = 25


def _next_or(request, fallback: str) -> str:
    """The ``next`` the form carried when it points inside this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- which tasks a user may see and act on -----------------------------------------------------

def _tracked_items():
    return PlanItem.objects.filter(kind__in=TRACKED_KINDS).select_related("plan__organization")


def _units_in_scope(user, item: PlanItem, code: str):
    """The task's responsible units within the user's ``code`` scope."""
    return Organization.objects.restrict(user, code).filter(
        pk__in=services.responsible_organization_ids(item)).order_by("depth", "sort_order", "name")


def _visible_task(request, pk) -> PlanItem:
    """The task, for a user who may see its plan or has one of its responsible units in scope."""
    _require(request, "plan.view")
    item = _tracked_items().filter(pk=pk).first()
    if item is None:
        raise Http404
    if PlanItem.objects.restrict(request.user, "plan.view").filter(pk=item.pk).exists():
        return item
    if _units_in_scope(request.user, item, "plan.view").exists():
        return item
    raise Http404


def _task_for_unit(request, pk, code: str) -> tuple[PlanItem, object]:
    """The task and the user's responsible units on it (``code`` scope); 404 when there are none,
    so that a task outside the user's units is not even named."""
    _require(request, code)
    item = _tracked_items().filter(pk=pk).first()
    if item is None:
        raise Http404
    units = _units_in_scope(request.user, item, code)
    if not units.exists():
        raise Http404
    return item, units


def _asked_by(user, deferral: DeferralRequest) -> bool:
    """Whether ``user`` asked for ``deferral``: the service refuses them its decision."""
    return deferral.requested_by_id == user.pk


def _handed_down(item: PlanItem) -> bool:
    return Cascade.objects.filter(source=item).exists()


# --- the task page -----------------------------------------------------------------------------

def _target_rows(item: PlanItem, snapshot) -> list[dict]:
    latest = {}
    if snapshot is not None:
        latest = {int(key): value for key, value in snapshot.actuals.items()}
    else:
        for actual in TargetActual.objects.filter(target__item=item).order_by("cycle__sequence"):
            latest[actual.target_id] = actual.value
    rows = []
    for target in item.targets.all():
        value = latest.get(target.pk)
        # A target linked to a registry measure (新建科技小院10家 → the stations registry) also shows
        # what the registry counts for the plan's organisation over the plan's period.
        registry = measures.target_value(target) if target.measure else None
        measure = measures.get(target.measure) if target.measure else None
        rows.append({"target": target, "label": target_label(target), "actual": value,
                     "attainment": services.target_attainment(target, value),
                     "measure": measure, "registry": registry,
                     "registry_attainment": services.target_attainment(target, registry),
                     "suggested": "" if target.measure else measures.suggest(target)})
    return rows


def _task_context(request, item: PlanItem, *, deferral_form=None) -> dict:
    user = request.user
    assignments = list(Assignment.objects.filter(item=item).select_related("organization").order_by("id"))
    urged = urging_counts(items=[item])  # "已催办 N 次" next to each responsible unit
    for assignment in assignments:
        assignment.urged = urged.get((item.pk, assignment.organization_id), 0)
    snapshot = TaskSnapshot.objects.filter(item=item).first()
    upper = Cascade.objects.filter(child=item).select_related("source__plan__organization").first()
    children = list(Cascade.objects.filter(source=item).select_related("organization", "child")
                    .order_by("organization__name"))
    child_snapshots = TaskSnapshot.objects.in_bulk([c.child_id for c in children])
    for cascade in children:
        cascade.snapshot = child_snapshots.get(cascade.child_id)
    reports = list(ProgressReport.objects.restrict(user, "plan.view").filter(item=item)
                   .select_related("cycle", "organization").order_by("-cycle__sequence", "organization__name"))
    deferrals = list(DeferralRequest.objects.restrict(user, "plan.view").filter(item=item)
                     .select_related("organization", "requested_by", "decided_by"))
    handed_down = bool(children)
    plan_active = item.plan.status == PlanStatus.ACTIVE
    file_units = _units_in_scope(user, item, "report.submit") if user.has_code("report.submit") else None
    can_file = bool(file_units is not None and file_units.exists() and not handed_down and plan_active)
    # One request at a time: the service refuses a second while one waits for a decision.
    pending = DeferralRequest.objects.filter(item=item, status=DeferralStatus.PENDING).exists()
    if deferral_form is None and can_file and not pending:
        deferral_form = DeferralForm(organizations=file_units, initial={"organization": file_units.first()})
    can_cascade = (user.has_code("supervise.manage") and plan_active
                   and PlanItem.objects.restrict(user, "supervise.manage").filter(pk=item.pk).exists())
    can_decide = user.has_code("deferral.approve") and services.is_issuer_or_above(user, item)
    for deferral in deferrals:
        deferral.decidable = (can_decide and deferral.status == DeferralStatus.PENDING
                              and not _asked_by(user, deferral))
    root = services.tracking_root(item.plan)
    return {
        # The light as the ledger, its export and the API show it (one selector for all of them).
        "item": item, "plan": item.plan, "snapshot": snapshot, "light": selectors.light_of(snapshot),
        "lead": [a for a in assignments if a.role == AssignmentRole.LEAD],
        "co": [a for a in assignments if a.role == AssignmentRole.CO],
        "targets": _target_rows(item, snapshot), "upper": upper, "children": children,
        "reports": reports, "deferrals": deferrals, "deferral_form": deferral_form,
        "plan_visible": Plan.objects.restrict(user, "plan.view").filter(pk=item.plan_id).exists(),
        "root_visible": Plan.objects.restrict(user, "plan.view").filter(pk=root.pk).exists(), "root": root,
        "can": {"file": can_file, "cascade": can_cascade, "decide": can_decide,
                "defer": deferral_form is not None, "handed_down": handed_down,
                "link_measure": (user.has_code("plan.change")
                                 and PlanItem.objects.restrict(user, "plan.change").filter(pk=item.pk).exists())},
        "measure_choices": measures.choices(),
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def task(request, item_pk):
    """One task: its units, deadline, status light, targets, cascade, reports and deferrals."""
    item = _visible_task(request, item_pk)
    return render(request, "tracking/task.html", _task_context(request, item))


@login_required
@require_POST
def target_measure(request, item_pk, pk):
    """Link one of the task's targets to a registry measure (or unlink it)."""
    _require(request, "plan.change")
    item = _visible_task(request, item_pk)
    if not item.targets.filter(pk=pk).exists():
        raise Http404
    try:
        plan_services.target_set_measure(by=request.user, target_id=pk, measure=request.POST.get("measure", ""))
    except ValidationError as error:
        _error_messages(request, error)
        response = render(request, "tracking/task.html", _task_context(request, item))
        response.status_code = 400
        return response
    messages.success(request, _("The target's source was saved."))
    return redirect("tracking:task", item_pk=item.pk)


# --- filing ------------------------------------------------------------------------------------

def _filing_labels() -> dict:
    return {"to_file": _("To file"), "missing": _("Not filed, past due"), "returned": _("Returned: file again"),
            "late": _("Filed late"), "filed": _("Filed")}


@login_required
@require_GET
def filing(request):
    """待填报: for the current cycles (or the one chosen), every task each unit in the user's scope
    must report on, with its status — to file, filed, filed late, returned, missing."""
    _require(request, "report.submit")
    today = timezone.localdate()
    # units=own: only the units the user works for (as the workbench counts them), not those below.
    own = request.GET.get("units") == "own"
    units = (selectors.own_units(request.user) if own
             else Organization.objects.restrict(request.user, "report.submit"))
    all_cycles = selectors.filing_cycles(units)
    chosen = all_cycles.filter(pk=_int_or_zero(request.GET.get("cycle"))).first()
    rows = selectors.filing_rows(units=units, today=today, cycle=chosen)
    cycles = [chosen] if chosen is not None else selectors.open_cycles(all_cycles, today)
    show = request.GET.get("show", "")
    if show == "todo":
        rows = [r for r in rows if r["status"] in selectors.FILING_TODO]
    labels = _filing_labels()
    for row in rows:
        row["label"] = labels[row["status"]]
    page = paginate(request, rows, PAGE_SIZE)
    return render(request, "tracking/filing.html", {
        "page_obj": page, "rows": page.object_list, "cycles": cycles, "chosen": chosen, "show": show, "own": own,
        "cycle_choices": all_cycles.order_by("plan_id", "-sequence"), "today": today,
    })


def _int_or_zero(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


def _default_cycle(cycles, today):
    """The cycle a unit is most likely filing for: the earliest still within its filing window."""
    open_ = [c for c in cycles if c.opens_on <= today <= c.due_on]
    if open_:
        return min(open_, key=lambda c: c.due_on)
    started = [c for c in cycles if c.opens_on <= today]
    return started[-1] if started else (cycles[0] if cycles else None)


@login_required
@require_http_methods(["GET", "POST"])
def report_file(request, item_pk):
    """File a progress report on a task for one of the user's units (or file a returned one again)."""
    item, units = _task_for_unit(request, item_pk, "report.submit")
    if _handed_down(item):
        messages.error(request, _("Task “%(task)s” has been handed down: its progress comes from the units it was "
                                  "handed to.") % {"task": item.title})
        return redirect("tracking:task", item_pk=item.pk)
    root = services.tracking_root(item.plan)
    cycles = ReportingCycle.objects.filter(plan=root).order_by("sequence")
    targets = list(Target.objects.filter(item=item).order_by("position", "id"))
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    unit = units.filter(pk=_int_or_zero(source.get("organization") or source.get("unit"))).first() or units.first()
    cycle = cycles.filter(pk=_int_or_zero(source.get("cycle"))).first() or _default_cycle(list(cycles), today)
    existing = ProgressReport.objects.filter(item=item, organization=unit, cycle=cycle).first() if cycle else None
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, organizations=units, cycles=cycles, targets=targets)
        if form.is_valid():
            data = form.cleaned_data
            existing = ProgressReport.objects.filter(item=item, organization=data["organization"],
                                                     cycle=data["cycle"]).first()
            report = existing or ProgressReport(item=item, organization=data["organization"], cycle=data["cycle"])
            report.progress, report.percent, report.narrative = data["progress"], data["percent"], data["narrative"]
            try:
                report = services.report_submit(by=request.user, report=report, actuals=form.actuals(),
                                                evidence=data["evidence"])
            except ValidationError as error:
                apply_report_errors(form, error)
            else:
                # Told from what was saved, read again. A form sent again after its answer was lost
                # (the report saved, the page an error) comes here too: the service hands back the
                # report it holds, and the user lands on it instead of an "already filed" error.
                report = ProgressReport.objects.select_related("organization", "cycle").get(pk=report.pk)
                messages.success(request, _("The report of %(unit)s on “%(task)s” for %(cycle)s was filed.")
                                 % {"unit": report.organization.name, "task": item.title,
                                    "cycle": report.cycle.label})
                return redirect("tracking:report", pk=report.pk)
    else:
        initial = {"organization": unit, "cycle": cycle}
        if existing is not None:
            initial.update(progress=existing.progress, percent=existing.percent, narrative=existing.narrative)
            initial.update({f"actual_{a.target_id}": f"{a.value.normalize():f}" for a in existing.actuals.all()})
        form = ReportForm(initial=initial, organizations=units, cycles=cycles, targets=targets)
    return render(request, "tracking/report_form.html", {
        "item": item, "form": form, "existing": existing, "cycles": cycles,
        "refiling": existing is not None and existing.status == ReportStatus.RETURNED,
    })


# --- review ------------------------------------------------------------------------------------

def _reviewable(user):
    return selectors.reviewable(user)


@login_required
@require_GET
def reviews(request):
    """待审核: submitted reports waiting for the user's review, oldest filing first, filtered by plan,
    reporting unit (and the units under it) and cycle; several can be accepted at once."""
    _require(request, "report.review")
    form = ReviewFilterForm(request.GET or None, user=request.user)
    reports = form.apply(_reviewable(request.user)).order_by("submitted_at", "id")
    page = paginate(request, reports, PAGE_SIZE)
    return render(request, "tracking/reviews.html", {"page_obj": page, "reports": page.object_list, "form": form})


def _chosen_ids(request) -> list[int]:
    return sorted({int(value) for value in request.POST.getlist("report") if value.isdigit()})


@login_required
@require_POST
def reviews_accept(request):
    """批量审核通过: the reports ticked in the review list, first shown for confirmation, then
    accepted together through ``services.reports_accept`` — all of them or, when any is refused,
    none, with the reason for each refused one. A report outside the user's scope is a 404."""
    _require(request, "report.review")
    back = _next_or(request, reverse("tracking:reviews"))
    ids = _chosen_ids(request)
    if not ids:
        messages.error(request, _("Select the reports to accept."))
        return redirect(back)
    reports = list(ProgressReport.objects.restrict(request.user, "report.review").filter(pk__in=ids)
                   .select_related("item__plan", "organization", "cycle").order_by("submitted_at", "id"))
    if len(reports) != len(ids):
        raise Http404  # one is outside the scope: nothing is accepted, nor is it named
    if request.POST.get("confirmed") != "1":
        return render(request, "tracking/reviews_confirm.html", {"reports": reports, "next": back})
    try:
        accepted = services.reports_accept(by=request.user, reports=reports)
    except ValidationError as error:
        messages.error(request, _("Nothing was accepted."))
        _error_messages(request, error)
        return redirect(back)
    messages.success(request, ngettext("%(count)d report was accepted.", "%(count)d reports were accepted.",
                                       len(accepted)) % {"count": len(accepted)})
    return redirect(back)


def _report_context(request, report: ProgressReport, *, return_form=None) -> dict:
    user = request.user
    actuals = []
    for actual in ReportActual.objects.filter(report=report).select_related("target").order_by("target__position"):
        actuals.append({"target": actual.target, "label": target_label(actual.target), "value": actual.value,
                        "attainment": services.target_attainment(actual.target, actual.value)})
    can_review = (report.status == ReportStatus.SUBMITTED and user.has_code("report.review")
                  and ProgressReport.objects.restrict(user, "report.review").filter(pk=report.pk).exists()
                  and services.is_issuer_or_above(user, report.item))
    return {"report": report, "item": report.item, "actuals": actuals,
            "evidence": list(report.evidence.order_by("id")), "can_review": can_review,
            "return_form": return_form or ReasonForm(label=_("Reason for return")),
            "can_refile": report.status == ReportStatus.RETURNED and user.has_code("report.submit")
            and Organization.objects.restrict(user, "report.submit").filter(pk=report.organization_id).exists()}


def _report(request, pk, code: str) -> ProgressReport:
    _require(request, code)
    return access_object(ProgressReport.objects.select_related("item__plan", "organization", "cycle",
                                                                  "submitted_by", "reviewed_by"),
                         request.user, code, pk=pk)


@login_required
@require_GET
def report_detail(request, pk):
    """A report as filed: progress, actuals, evidence; accept or return it when it is the user's to review."""
    report = _report(request, pk, "plan.view")
    return render(request, "tracking/report.html", _report_context(request, report))


@login_required
@require_POST
def report_accept(request, pk):
    report = _report(request, pk, "report.review")
    try:
        services.report_accept(by=request.user, report=report)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect("tracking:report", pk=report.pk)
    messages.success(request, _("The report of %(unit)s on “%(task)s” was accepted.")
                     % {"unit": report.organization.name, "task": report.item.title})
    return redirect(_next_or(request, reverse("tracking:reviews")))


@login_required
@require_POST
def report_return(request, pk):
    report = _report(request, pk, "report.review")
    form = ReasonForm(request.POST, label=_("Reason for return"))
    form.is_valid()
    try:
        services.report_return(by=request.user, report=report, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        apply_service_errors(form, error)
        report.refresh_from_db()
        return render(request, "tracking/report.html", _report_context(request, report, return_form=form))
    messages.success(request, _("The report of %(unit)s on “%(task)s” was returned.")
                     % {"unit": report.organization.name, "task": report.item.title})
    return redirect(_next_or(request, reverse("tracking:reviews")))


@login_required
@require_GET
def evidence_download(request, pk):
    """An evidence file of a report the user may see."""
    _require(request, "plan.view")
    evidence = Evidence.objects.filter(
        pk=pk, report__in=ProgressReport.objects.restrict(request.user, "plan.view")).first()
    if evidence is None:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    return file_download(handle, evidence.name)


# --- deferrals ---------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def deferral_create(request, item_pk):
    """Ask for a later deadline on a task, for one of the user's responsible units. The form is
    on the task page; a GET here (a refresh after an error, a bookmark) goes back to it."""
    item, units = _task_for_unit(request, item_pk, "report.submit")
    if request.method == "GET":
        return redirect(reverse("tracking:task", args=[item.pk]) + "#deferral-form")
    form = DeferralForm(request.POST, organizations=units)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.deferral_request(by=request.user, item=item, organization=data["organization"],
                                      requested_due=data["requested_due"], reason=data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The deferral request was sent to %(issuer)s.")
                             % {"issuer": services.issuer_of(item).name})
            return redirect("tracking:task", item_pk=item.pk)
    return render(request, "tracking/task.html", _task_context(request, item, deferral_form=form))


DEFERRAL_FILTERS = ("pending", "approved", "rejected", "all")


@login_required
@require_GET
def deferrals(request):
    """Deferral requests of the units in the user's scope; the issuer decides the pending ones."""
    _require(request, "plan.view")
    user = request.user
    status = request.GET.get("status") or "pending"
    if status not in DEFERRAL_FILTERS:
        status = "pending"
    rows = (DeferralRequest.objects.restrict(user, "plan.view")
            .select_related("item__plan", "organization", "requested_by", "decided_by"))
    if status != "all":
        rows = rows.filter(status=status)
    page = paginate(request, rows, PAGE_SIZE)
    decidable = set()
    if user.has_code("deferral.approve"):
        in_scope = set(DeferralRequest.objects.restrict(user, "deferral.approve")
                       .filter(pk__in=[d.pk for d in page.object_list], status=DeferralStatus.PENDING)
                       .values_list("pk", flat=True))
        decidable = {d.pk for d in page.object_list
                     if d.pk in in_scope and not _asked_by(user, d) and services.is_issuer_or_above(user, d.item)}
    for deferral in page.object_list:
        deferral.decidable = deferral.pk in decidable
    return render(request, "tracking/deferrals.html", {
        "page_obj": page, "deferrals": page.object_list, "status": status,
        "statuses": [("pending", _("Pending")), ("approved", _("Approved")), ("rejected", _("Rejected")),
                     ("all", _("All"))],
    })


def _decide(request, pk, decision):
    _require(request, "deferral.approve")
    deferral = access_object(DeferralRequest.objects.select_related("item"), request.user, "deferral.approve", pk=pk)
    try:
        decision(deferral)
    except ValidationError as error:
        _error_messages(request, error)
    return redirect(_next_or(request, reverse("tracking:deferrals")))


@login_required
@require_POST
def deferral_approve(request, pk):
    def approve(deferral):
        services.deferral_approve(by=request.user, deferral=deferral, note=request.POST.get("note", ""))
        messages.success(request, _("The deadline of “%(task)s” moved to %(due)s.")
                         % {"task": deferral.item.title, "due": deferral.requested_due.isoformat()})
    return _decide(request, pk, approve)


@login_required
@require_POST
def deferral_reject(request, pk):
    def reject(deferral):
        services.deferral_reject(by=request.user, deferral=deferral, reason=request.POST.get("reason", ""))
        messages.success(request, _("The deferral of “%(task)s” was refused.") % {"task": deferral.item.title})
    return _decide(request, pk, reject)


# --- cascade -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def cascade(request, item_pk):
    """下达: hand a task down to organisations directly under the plan's owner, each with its share."""
    _require(request, "supervise.manage")
    item = access_object(_tracked_items(), request.user, "supervise.manage", pk=item_pk)
    already = list(Cascade.objects.filter(source=item).select_related("organization"))
    candidates = (Organization.objects.restrict(request.user, "org.view")
                  .filter(parent=item.plan.organization_id, status=OrgStatus.ACTIVE)
                  .exclude(pk__in=[c.organization_id for c in already]).order_by("sort_order", "name"))
    targets = list(item.targets.order_by("position", "id"))
    form = CascadeForm(request.POST if request.method == "POST" else None, organizations=candidates,
                      targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_cascade(by=request.user, item=item, organizations=form.cleaned_data["organizations"],
                                  shares=form.shares())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("“%(task)s” was handed down to %(units)s.") % {
                "task": item.title, "units": "、".join(o.name for o in form.cleaned_data["organizations"])})
            return redirect("tracking:task", item_pk=item.pk)
    return render(request, "tracking/cascade.html", {
        "item": item, "form": form, "already": already, "own_progress": services.own_progress(item),
        "targets": [{"target": t, "label": target_label(t)} for t in targets],
    })


# --- tracking settings and cycles --------------------------------------------------------------

SERVICE_FIELDS = {"period_start": "start"}


def _apply_schedule_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        error = ValidationError({SERVICE_FIELDS.get(k, k): v for k, v in error.error_dict.items()})
    apply_service_errors(form, error)


def _plan_context(request, plan: Plan, *, schedule_form=None, thresholds_form=None) -> dict:
    user = request.user
    today = timezone.localdate()
    ledger = CascadeLedger.objects.filter(plan=plan).select_related("root_plan").first()
    root = ledger.root_plan if ledger else plan
    policy = services.policy_for(plan)
    visible_units = Organization.objects.restrict(user, "plan.view").values("pk")
    cycles = list(ReportingCycle.objects.filter(plan=root).annotate(filed=Count(
        "reports", filter=Q(reports__submitted_at__isnull=False, reports__organization_id__in=visible_units)))
        .order_by("sequence"))
    expected = selectors.filing_rates(cycles=cycles[:1], user=user)["expected"] if cycles else 0
    for cycle in cycles:
        cycle.expected = expected
        cycle.rate = round(100 * cycle.filed / expected, 1) if expected else None
        cycle.state = ("due" if cycle.due_on < today else "open" if cycle.opens_on <= today else "future")
    due_cycles = [c for c in cycles if c.due_on < today]
    rates = selectors.filing_rates(cycles=due_cycles, user=user) if due_cycles else None
    can_manage = (ledger is None and user.has_code("supervise.manage")
                  and Plan.objects.restrict(user, "supervise.manage").filter(pk=plan.pk).exists())
    locked = ProgressReport.objects.filter(cycle__plan=root).exists()
    if can_manage:
        schedule_form = schedule_form or ScheduleForm(initial={
            "frequency": policy.frequency, "filing_days": policy.filing_days, "amber_gap": policy.amber_gap,
            "red_gap": policy.red_gap, "start": plan.period_start, "end": plan.period_end})
        thresholds_form = thresholds_form or ThresholdsForm(initial={"amber_gap": policy.amber_gap,
                                                                     "red_gap": policy.red_gap})
    return {
        "plan": plan, "root": root, "ledger": ledger, "policy": policy, "cycles": cycles, "rates": rates,
        "due_cycles": due_cycles, "can_manage": can_manage, "locked": locked,
        "root_visible": Plan.objects.restrict(user, "plan.view").filter(pk=root.pk).exists(),
        "schedule_form": schedule_form, "thresholds_form": thresholds_form,
    }


@login_required
@require_GET
def plan_tracking(request, pk):
    """A plan's tracking settings: frequency, filing window, colour thresholds, its cycles and filing rates."""
    _require(request, "plan.view")
    plan = access_object(Plan.objects.select_related("organization"), request.user, "plan.view", pk=pk)
    return render(request, "tracking/plan.html", _plan_context(request, plan))


def _managed_plan(request, pk) -> Plan:
    _require(request, "supervise.manage")
    return access_object(Plan.objects.select_related("organization"), request.user, "supervise.manage", pk=pk)


@login_required
@require_POST
def plan_schedule(request, pk):
    plan = _managed_plan(request, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            cycles = services.cycles_schedule(
                by=request.user, plan=plan, frequency=data["frequency"], filing_days=data["filing_days"],
                amber_gap=data["amber_gap"], red_gap=data["red_gap"], start=data["start"], end=data["end"],
                periods=data["periods"])
        except ValidationError as error:
            _apply_schedule_errors(form, error)
        else:
            messages.success(request, _("%(count)d reporting cycles were scheduled.") % {"count": len(cycles)})
            return redirect("tracking:plan", pk=plan.pk)
    return render(request, "tracking/plan.html", _plan_context(request, plan, schedule_form=form))


@login_required
@require_POST
def plan_thresholds(request, pk):
    plan = _managed_plan(request, pk)
    form = ThresholdsForm(request.POST)
    if form.is_valid():
        try:
            services.policy_update(by=request.user, plan=plan, amber_gap=form.cleaned_data["amber_gap"],
                                   red_gap=form.cleaned_data["red_gap"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The colour thresholds were saved; the tasks were recoloured."))
            return redirect("tracking:plan", pk=plan.pk)
    return render(request, "tracking/plan.html", _plan_context(request, plan, thresholds_form=form))


@login_required
@require_GET
def cycle(request, pk):
    """One reporting cycle: filing rate per unit and the tasks not yet filed."""
    _require(request, "plan.view")
    cycle = access_object(ReportingCycle.objects.select_related("plan"), request.user, "plan.view", pk=pk)
    rates = selectors.filing_rates(cycles=cycle, user=request.user)
    pairs = selectors.unfiled(cycle=cycle, user=request.user)
    items = PlanItem.objects.in_bulk({item_id for item_id, _org in pairs})
    orgs = Organization.objects.in_bulk({org_id for _item, org_id in pairs})
    unfiled = [{"item": items[i], "organization": orgs[o]} for i, o in pairs if i in items and o in orgs]
    unfiled.sort(key=lambda row: (row["organization"].name, row["item"].plan_id, row["item"].position))
    page = paginate(request, unfiled, PAGE_SIZE)
    return render(request, "tracking/cycle.html", {
        "cycle": cycle, "rates": rates, "page_obj": page, "unfiled": page.object_list,
        "past_due": timezone.localdate() > cycle.due_on,
    })
