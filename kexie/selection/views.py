"""Pages of the 一流学会 selection rounds and the "四个一批" flags.

Each view checks its permission code first (403 without it) and fetches objects through the
visibility rules of :mod:`kexie.selection.selectors` or the data scope (404 outside them);
writes go through :mod:`kexie.selection.services`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import access_object
from kexie.core.downloads import file_download
from kexie.core.excel import xlsx_response
from kexie.core.paging import paginate
from kexie.core.forms import apply_service_errors
from kexie.accounts.scope import require_page_code as _require

from . import excel, selectors, services
from .forms import (
    ROUND_STEPS,
    ApplicationForm,
    ComputeForm,
    DecisionForm,
    EvaluationForm,
    FlagFilterForm,
    HandleObjectionForm,
    NoticeForm,
    ObjectionForm,
    PanelForm,
    RecusalForm,
    RoundForm,
    ScoreForm,
)
from .models import (
    Application,
    Attachment,
    ExpertScore,
    FlagKind,
    FlagStatus,
    Objection,
    PanelMember,
    RoundStatus,
    SelectionRound,
    SocietyFlag,
)

PAGE_SIZE = 25


def _errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _visible_round(request, pk) -> SelectionRound:
    found = selectors.rounds_visible(request.user).select_related("organization").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _managed_round(request, pk) -> SelectionRound:
    return access_object(SelectionRound.objects.select_related("organization"), request.user, "evaluation.manage",
                         pk=pk)


# --- rounds ---------------------------------------------------------------------------------------

@login_required
@require_GET
def round_list(request):
    """The rounds the user may see, newest first."""
    _require(request, "society.view")
    rounds = (selectors.rounds_visible(request.user).select_related("organization")
              .annotate(applied=Count("applications", distinct=True)).order_by("-year", "-id"))
    page = paginate(request, rounds, PAGE_SIZE)
    return render(request, "selection/round_list.html", {
        "page_obj": page, "can_manage": request.user.has_code("evaluation.manage"),
        "can_score": request.user.has_code("evaluation.score")})


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    """Create a selection round with its eligibility criteria."""
    _require(request, "evaluation.manage")
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            selection_round = services.round_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Round “%(round)s” was created as a draft.") % {"round": selection_round})
            return redirect("selection:round_detail", pk=selection_round.pk)
    return render(request, "selection/round_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def round_detail(request, pk):
    """A round: its criteria, applications with eligibility, the expert scores with recusals, the
    ranking, the public notice and its objections — each part as far as the user may see it."""
    _require(request, "society.view")
    selection_round = _visible_round(request, pk)
    user = request.user
    staff = selectors.is_staff_of(user, selection_round)
    manager = staff and selectors.is_staff_of(user, selection_round, "evaluation.manage")
    applications = list(selectors.applications_of_round(user, selection_round).order_by("id"))
    context = {"round": selection_round, "staff": staff, "manager": manager,
               "expert": selectors.is_panel_expert(user, selection_round),
               "applications": applications, "steps": ROUND_STEPS}
    if staff:
        context["ranking"] = selectors.ranking(selection_round, applications=applications)
        context["panel"] = list(PanelMember.objects.filter(round=selection_round).select_related("expert__organization"))
        context["objections"] = list(selection_round.objections.select_related("application__society__organization"))
    # The public notice is public: everyone who sees the round sees who is on it.
    context["on_notice"] = []
    if selection_round.status in (RoundStatus.NOTICE, RoundStatus.DECIDED):
        context["on_notice"] = list(selection_round.applications.filter(on_notice=True)
                                    .select_related("society__organization").order_by("id"))
    if manager:
        on_notice = selection_round.applications.filter(on_notice=True).select_related("society__organization")
        context.update(panel_form=PanelForm(), notice_form=NoticeForm(),
                       objection_form=ObjectionForm(applications=on_notice), handle_form=HandleObjectionForm())
    context["can_apply"] = (selection_round.status == RoundStatus.OPEN and user.has_code("annual_report.submit")
                            and selectors.society_choices_for_applicant(user, selection_round).exists())
    return render(request, "selection/round_detail.html", context)


@login_required
@require_POST
def round_advance(request, pk):
    """Move a round one step: open it, start the review, put the ranking on notice, decide it, or
    check every application's eligibility again."""
    _require(request, "evaluation.manage")
    selection_round = _managed_round(request, pk)
    step = request.POST.get("step", "")
    try:
        if step == "open":
            services.round_open(by=request.user, selection_round=selection_round)
        elif step == "review":
            services.round_start_review(by=request.user, selection_round=selection_round)
        elif step == "notice":
            form = NoticeForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the first and last day of the public notice."))
            services.round_start_notice(by=request.user, selection_round=selection_round, **form.cleaned_data)
        elif step == "decide":
            services.round_decide(by=request.user, selection_round=selection_round)
        elif step == "recheck":
            services.eligibility_refresh(by=request.user, selection_round=selection_round)
        else:
            raise ValidationError(_("Choose what to do with the round."))
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, _("Round “%(round)s” is now: %(status)s.")
                         % {"round": selection_round, "status": SelectionRound.objects.get(
                             pk=selection_round.pk).get_status_display()})
    return redirect("selection:round_detail", pk=selection_round.pk)


@login_required
@require_POST
def panel_add(request, pk):
    """Assign an expert to the round's panel."""
    _require(request, "evaluation.manage")
    selection_round = _managed_round(request, pk)
    form = PanelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an expert."))
    else:
        try:
            services.panel_add(by=request.user, selection_round=selection_round, expert=form.cleaned_data["expert"])
        except ValidationError as error:
            _errors_to_messages(request, error)
        else:
            messages.success(request, _("%(expert)s joined the panel.") % {"expert": form.cleaned_data["expert"]})
    return redirect("selection:round_detail", pk=selection_round.pk)


# --- applications ---------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def apply(request, pk):
    """A society secretary applies for their society, with a statement and attachments."""
    _require(request, "annual_report.submit")
    selection_round = _visible_round(request, pk)
    societies = selectors.society_choices_for_applicant(request.user, selection_round)
    form = ApplicationForm(request.POST or None, request.FILES or None, societies=societies)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                by=request.user, selection_round=selection_round, society=form.cleaned_data["society"],
                statement=form.cleaned_data["statement"], attachments=form.cleaned_data["attachments"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The application of %(society)s was submitted.")
                             % {"society": application.society})
            return redirect("selection:application_detail", pk=application.pk)
    elif selection_round.status != RoundStatus.OPEN:
        messages.info(request, _("Round “%(round)s” is not open for applications.") % {"round": selection_round})
    return render(request, "selection/apply.html", {"form": form, "round": selection_round},
                  status=400 if form.errors else 200)


def _visible_application(request, pk) -> Application:
    found = (selectors.applications_visible(request.user).select_related("round__organization", "society__organization")
             .filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def application_detail(request, pk):
    """An application: statement, attachments, eligibility with reasons; the staff also see the
    expert scores with the recusals."""
    _require(request, "society.view")
    application = _visible_application(request, pk)
    selection_round = application.round
    staff = selectors.is_staff_of(request.user, selection_round)
    manager = staff and selectors.is_staff_of(request.user, selection_round, "evaluation.manage")
    context = {"application": application, "round": selection_round, "staff": staff, "manager": manager,
               "attachments": list(application.attachments.all())}
    if staff:
        context["rank_row"] = selectors.ranking(selection_round, applications=[application])[0]
    if manager and selection_round.status in (RoundStatus.OPEN, RoundStatus.REVIEW):
        context["evaluation_form"] = EvaluationForm(initial={"score": application.evaluation_score,
                                                             "grade": application.evaluation_grade})
    return render(request, "selection/application_detail.html", context)


@login_required
@require_POST
def application_evaluation(request, pk):
    """Enter the society's final evaluation result on its application."""
    _require(request, "evaluation.manage")
    application = _managed_application(request, pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The final evaluation score must be a number."))
    else:
        try:
            services.application_set_evaluation(by=request.user, application=application, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_messages(request, error)
        else:
            messages.success(request, _("The evaluation result was saved and the eligibility checked again."))
    return redirect("selection:application_detail", pk=application.pk)


def _managed_application(request, pk) -> Application:
    managed = SelectionRound.objects.restrict(request.user, "evaluation.manage").values("pk")
    found = Application.objects.select_related("round").filter(pk=pk, round__in=managed).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def attachment_download(request, pk):
    """An application's attachment, for whoever may see the application."""
    _require(request, "society.view")
    attachment = Attachment.objects.filter(pk=pk, application__in=selectors.applications_visible(request.user)).first()
    if attachment is None:
        raise Http404
    return file_download(attachment.file.open("rb"), attachment.name)


# --- expert review --------------------------------------------------------------------------------

@login_required
@require_GET
def my_reviews(request):
    """The applications assigned to the signed-in expert: those to score first; those they must be
    recused from, and those that did not pass the eligibility check, say why they are not
    scored."""
    _require(request, "evaluation.score")
    assignments = list(selectors.expert_assignments(request.user))
    recusals = selectors.conflicts(assignments, [request.user])
    given = {row.application_id: row for row in _my_scores(request.user, assignments)}
    to_do = {a.pk for a in selectors.reviews_to_do(request.user)}
    rows = [{"application": a, "recused": recusals.get((a.pk, request.user.pk), []), "score": given.get(a.pk),
             "to_do": a.pk in to_do} for a in assignments]
    rows.sort(key=lambda row: not row["to_do"])
    return render(request, "selection/my_reviews.html", {"rows": rows, "to_do": len(to_do)})


def _my_scores(user, applications):
    return ExpertScore.objects.filter(expert=user, application__in=[a.pk for a in applications])


def _assigned(request, pk) -> Application:
    found = (selectors.expert_assignments(request.user).filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def score(request, pk):
    """An expert scores an assigned application, or sees why they are recused from it."""
    _require(request, "evaluation.score")
    application = _assigned(request, pk)
    recused = selectors.conflicts([application], [request.user]).get((application.pk, request.user.pk), [])
    existing = _my_scores(request.user, [application]).first()
    form = ScoreForm(request.POST or None, initial={"score": existing.score, "comment": existing.comment}
                     if existing else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_submit(by=request.user, application=application, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your score of %(society)s was saved.") % {"society": application.society})
            return redirect("selection:my_reviews")
    return render(request, "selection/score.html", {
        "form": form, "application": application, "recused": recused, "recusal_form": RecusalForm(),
        "open": application.round.status == RoundStatus.REVIEW,
        "not_scored": "" if application.eligible else services.not_scored_message(application),
        "attachments": list(application.attachments.all())}, status=400 if form.errors else 200)


@login_required
@require_POST
def recuse(request, pk):
    """An expert declares a conflict of interest with an application's society."""
    _require(request, "evaluation.score")
    application = _assigned(request, pk)
    form = RecusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you must be recused."))
        return redirect("selection:score", pk=application.pk)
    try:
        services.conflict_declare(by=request.user, application=application, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, _("You are recused from %(society)s.") % {"society": application.society})
    return redirect("selection:my_reviews")


# --- objections -----------------------------------------------------------------------------------

@login_required
@require_POST
def objection_add(request, pk):
    """Record an objection received during the public notice."""
    _require(request, "evaluation.manage")
    selection_round = _managed_round(request, pk)
    form = ObjectionForm(request.POST, applications=selection_round.applications.filter(on_notice=True))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            services.objection_record(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_messages(request, error)
        else:
            messages.success(request, _("The objection was recorded."))
    return redirect("selection:round_detail", pk=selection_round.pk)


@login_required
@require_POST
def objection_handle(request, pk):
    """Record how an objection was handled and whether it is upheld."""
    _require(request, "evaluation.manage")
    managed = SelectionRound.objects.restrict(request.user, "evaluation.manage").values("pk")
    objection = Objection.objects.filter(pk=pk, round__in=managed).select_related("round").first()
    if objection is None:
        raise Http404
    form = HandleObjectionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            services.objection_handle(by=request.user, objection=objection, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_messages(request, error)
        else:
            messages.success(request, _("The handling of the objection was recorded."))
    return redirect("selection:round_detail", pk=objection.round_id)


# --- "四个一批" -----------------------------------------------------------------------------------

def _flags(user):
    return SocietyFlag.objects.restrict(user, "evaluation.manage").select_related("society__organization", "rule")


@login_required
@require_GET
def flag_list(request):
    """The four-batch flags of the societies in scope, by kind, with the facts that fired."""
    _require(request, "evaluation.manage")
    form = FlagFilterForm(request.GET or None)
    flags = form.filtered(_flags(request.user)).order_by("rule__position", "society__organization__name", "id")
    counts = dict(SocietyFlag.objects.restrict(request.user, "evaluation.manage").filter(status=FlagStatus.OPEN)
                  .values_list("rule__kind").annotate(n=Count("pk")))
    page = paginate(request, flags.prefetch_related("decisions"), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "selection/flag_list.html", {
        "form": form, "page_obj": page, "base_query": query.urlencode(),
        "counts": [{"kind": value, "label": label, "count": counts.get(value, 0)} for value, label in FlagKind.choices],
        "compute_form": ComputeForm(initial={"year": timezone.localdate().year - 1})})


@login_required
@require_GET
def flag_export(request):
    """The filtered flags as an .xlsx file."""
    _require(request, "evaluation.manage")
    form = FlagFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the search conditions before exporting."))
        return redirect("selection:flags")
    title = _("Four-batch flags")
    flags = form.filtered(_flags(request.user)).order_by("rule__position", "society__organization__name", "id")
    workbook = excel.flags_export(by=request.user, flags=flags, filters=form.description(), title=title)
    return xlsx_response(workbook, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_POST
def flags_compute(request):
    """Evaluate the rules on the societies in scope for a year and refresh their flags."""
    _require(request, "evaluation.manage")
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the year to evaluate, e.g. 2025."))
    else:
        summary = services.flags_compute(year=form.cleaned_data["year"], by=request.user)
        messages.success(request, _("%(societies)d societies evaluated: %(opened)d new flags, %(updated)d updated, "
                                    "%(resolved)d resolved.") % summary)
    return redirect("selection:flags")


@login_required
@require_http_methods(["GET", "POST"])
def flag_detail(request, pk):
    """A flag with the facts that fired, its decisions, and the decision form."""
    _require(request, "evaluation.manage")
    flag = access_object(_flags(request.user), request.user, "evaluation.manage", pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_decide(by=request.user, flag=flag, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The decision on %(society)s was recorded.") % {"society": flag.society})
            return redirect("selection:flag_detail", pk=flag.pk)
    history = (SocietyFlag.objects.filter(society=flag.society).exclude(pk=flag.pk)
               .select_related("rule").order_by("-flagged_at")[:20])
    return render(request, "selection/flag_detail.html", {
        "flag": flag, "form": form, "decisions": list(flag.decisions.select_related("decided_by")),
        "others": history}, status=400 if form.errors else 200)
