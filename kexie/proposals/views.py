"""Proposals pages: campaigns and their submissions, one submission with its valuations, private
notes (for those who run the campaign), instructions and adoption; bulletins composed from
selected submissions, issued as .docx and sent; commissioned studies; and an S&T worker's own
submissions. Every change goes through the services; the pages collect input and show refusals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import attachment_response
from kexie.core.officialdoc import DOCX_CONTENT_TYPE
from kexie.core.paging import paginate
from kexie.core.forms import apply_service_errors
from kexie.organizations.models import Organization
from kexie.people.models import Person

from . import selectors, services
from .forms import (AdoptionForm, BulletinForm, CampaignForm, InstructionForm, IssueForm, MilestoneForm,
                    MySubmitForm, NoteForm, ReportForm, SendingForm, StudyForm, SubmitForm, ValuationForm)
from .models import BulletinStatus, CampaignStatus, Milestone, Sending

VIEW = services.VIEW
SUBMIT = services.SUBMIT
MANAGE = services.MANAGE


def _one(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _refusal(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _run(request, form, run, success, target):
    """A form posted from a detail page: the service's refusal (or the form's errors) as messages
    on the page, nothing saved; a success with its message."""
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            result = run(form.cleaned_data)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
    return target


# --- campaigns ------------------------------------------------------------------------------------

@login_required
@require_GET
def campaign_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.campaigns_for(request.user), 50)
    return render(request, "proposals/list.html", {
        "page_obj": page, "campaigns": page.object_list, "may_manage": request.user.has_code(MANAGE),
        "may_submit": request.user.has_code(SUBMIT)})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    _require(request, MANAGE)
    form = CampaignForm(request.POST or None, organizations=Organization.objects.restrict(request.user, MANAGE),
                        initial={"organization": request.user.organization_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(by=request.user, organization=data["organization"], data=data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The campaign was created; open it to take submissions."))
            return redirect("proposals:campaign", pk=campaign.pk)
    return render(request, "proposals/form.html", {"form": form, "title": _("New campaign")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def campaign_detail(request, pk):
    _require(request, VIEW)
    campaign = _one(selectors.campaigns_for(request.user), pk)
    may_manage = request.user.has_code(MANAGE) and selectors.campaigns_for(request.user, MANAGE).filter(
        pk=campaign.pk).exists()
    submissions = selectors.submissions_for(request.user, VIEW, campaign).prefetch_related("valuations")
    return render(request, "proposals/campaign.html", {
        "campaign": campaign, "submissions": submissions, "may_manage": may_manage,
        "may_submit": campaign.status == CampaignStatus.OPEN and request.user.has_code(SUBMIT),
        "studies": campaign.studies.all()})


def _campaign_step(request, pk, action, success):
    _require(request, MANAGE)
    campaign = _one(selectors.campaigns_for(request.user, MANAGE), pk)
    try:
        action(by=request.user, campaign=campaign)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, success)
    return redirect("proposals:campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_open(request, pk):
    return _campaign_step(request, pk, services.campaign_open, _("The campaign is open for submissions."))


@login_required
@require_POST
def campaign_close(request, pk):
    return _campaign_step(request, pk, services.campaign_close, _("The campaign no longer takes submissions."))


# --- submissions ----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def submit(request):
    _require(request, SUBMIT)
    organizations = Organization.objects.restrict(request.user, SUBMIT)
    campaigns = selectors.open_campaigns()
    form = SubmitForm(request.POST or None, campaigns=campaigns, organizations=organizations,
                      persons=Person.objects.current().restrict(request.user, "person.view").order_by("name"),
                      initial={"campaign": request.GET.get("campaign")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = services.submission_create(
                by=request.user, campaign=data["campaign"], data=data, authors=data["authors"],
                organization=data["organization"], source_kind=data["source_kind"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The proposal “%(title)s” was submitted.") % {"title": submission.title})
            return redirect("proposals:campaign", pk=submission.campaign_id)
    return render(request, "proposals/form.html", {"form": form, "title": _("Submit a proposal")},
                  status=400 if request.method == "POST" else 200)


def _submission_of(request, pk, action=VIEW):
    if action == MANAGE:
        return _one(selectors.submissions_run_by(request.user).select_related("campaign"), pk)
    return _one(selectors.submissions_for(request.user, action), pk)


@login_required
@require_GET
def submission_detail(request, pk):
    _require(request, VIEW)
    submission = _submission_of(request, pk)
    may_manage = request.user.has_code(MANAGE) and selectors.submissions_run_by(request.user).filter(
        pk=submission.pk).exists()
    context = {"submission": submission, "may_manage": may_manage,
               "valuations": submission.valuations.select_related("reviewer"),
               "instructions": selectors.instructions_on(submission),
               "sendings": submission.sendings.all(),
               "bulletins": [e.bulletin for e in submission.bulletin_entries.select_related("bulletin")]}
    if may_manage:
        # Private notes: for those who run the campaign only, never for the authors.
        context.update(notes=[n for n in submission.notes.select_related("author") if n.parent_id is None],
                       replies=submission.notes.filter(parent__isnull=False).select_related("author"),
                       valuation_form=ValuationForm(), note_form=NoteForm(), instruction_form=InstructionForm(),
                       adoption_form=AdoptionForm(), sending_form=SendingForm())
    return render(request, "proposals/submission.html", context)


def _submission_step(request, pk, form_class, run, success):
    _require(request, MANAGE)
    submission = _submission_of(request, pk, MANAGE)
    return _run(request, form_class(request.POST), lambda d: run(submission, d), success,
                redirect("proposals:submission", pk=submission.pk))


@login_required
@require_POST
def valuate(request, pk):
    return _submission_step(request, pk, ValuationForm, lambda s, d: services.valuation_record(
        by=request.user, submission=s, grade=d["grade"], score=d["score"], summary=d["summary"]),
        _("Your valuation was recorded."))


@login_required
@require_POST
def note_add(request, pk):
    return _submission_step(request, pk, NoteForm, lambda s, d: services.note_add(
        by=request.user, submission=s, text=d["text"], parent=d["parent"]), _("The note was added."))


@login_required
@require_POST
def decide(request, pk):
    _require(request, MANAGE)
    submission = _submission_of(request, pk, MANAGE)
    try:
        submission = services.submission_decide(by=request.user, submission=submission,
                                                selected=request.POST.get("selected") == "1")
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The proposal is now “%(status)s”.") % {"status": submission.get_status_display()})
    return redirect("proposals:submission", pk=submission.pk)


@login_required
@require_POST
def instruct(request, pk):
    return _submission_step(request, pk, InstructionForm, lambda s, d: services.instruction_record(
        by=request.user, subject=s, leader=d["leader"], text=d["text"], day=d["day"]),
        _("The leader's instruction was recorded."))


@login_required
@require_POST
def adopt(request, pk):
    return _submission_step(request, pk, AdoptionForm, lambda s, d: services.adoption_record(
        by=request.user, submission=s, note=d["note"], day=d["day"]), _("The adoption was recorded."))


@login_required
@require_POST
def submission_send(request, pk):
    return _submission_step(request, pk, SendingForm, lambda s, d: services.sending_record(
        by=request.user, submission=s, recipient_kind=d["recipient_kind"], recipient=d["recipient"],
        sent_on=d["sent_on"]), _("The sending was recorded."))


# --- bulletins ------------------------------------------------------------------------------------

@login_required
@require_GET
def bulletin_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.bulletins_for(request.user), 50)
    return render(request, "proposals/bulletins.html", {"page_obj": page, "bulletins": page.object_list,
                                                        "may_manage": request.user.has_code(MANAGE)})


def _entries_from(post, candidates) -> list[dict]:
    """The entries ticked on the compose form, in the order of their position numbers."""
    chosen = []
    for submission in candidates:
        if post.get(f"include-{submission.pk}"):
            position = post.get(f"position-{submission.pk}", "")
            chosen.append((int(position) if position.isdigit() else 999, submission.pk, {
                "submission": submission, "title": post.get(f"title-{submission.pk}", ""),
                "text": post.get(f"text-{submission.pk}", "")}))
    return [entry for _position, _pk, entry in sorted(chosen, key=lambda c: c[:2])]


def _candidates(request, bulletin=None):
    rows = list(selectors.selected_for_bulletin(request.user))
    if bulletin is not None:
        current = {e.submission_id: e for e in selectors.entries_of(bulletin)}
        for row in rows:
            entry = current.get(row.pk)
            row.included, row.position = entry is not None, entry.position if entry else ""
            row.edited_title, row.edited_text = (entry.title, entry.text) if entry else (row.title, row.text)
    else:
        for position, row in enumerate(rows, start=1):
            row.included, row.position, row.edited_title, row.edited_text = False, position, row.title, row.text
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_create(request):
    """Compose an issue: its particulars and the selected proposals it carries, in order, edited."""
    _require(request, MANAGE)
    candidates = _candidates(request)
    form = BulletinForm(request.POST or None, organizations=Organization.objects.restrict(request.user, MANAGE),
                        initial={"organization": request.user.organization_id, "year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                bulletin = services.bulletin_create(by=request.user, organization=form.cleaned_data["organization"],
                                                    data=form.cleaned_data)
                services.bulletin_entries_set(by=request.user, bulletin=bulletin,
                                              entries=_entries_from(request.POST, candidates))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(bulletin)s was composed; check it and issue it.") % {"bulletin": bulletin})
            return redirect("proposals:bulletin", pk=bulletin.pk)
    return render(request, "proposals/bulletin_form.html", {"form": form, "candidates": candidates},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def bulletin_detail(request, pk):
    _require(request, VIEW)
    bulletin = _one(selectors.bulletins_for(request.user), pk)
    may_manage = request.user.has_code(MANAGE) and selectors.bulletins_for(request.user, MANAGE).filter(
        pk=bulletin.pk).exists()
    sendings = list(bulletin.sendings.all())
    return render(request, "proposals/bulletin.html", {
        "bulletin": bulletin, "entries": selectors.entries_of(bulletin).prefetch_related("submission__authors"),
        "sendings": sendings, "instructions": selectors.instructions_on_bulletin(bulletin), "may_manage": may_manage,
        "candidates": _candidates(request, bulletin) if may_manage and bulletin.status == BulletinStatus.DRAFT else [],
        "issue_form": IssueForm(initial={"issued_on": timezone.localdate()}), "sending_form": SendingForm(),
        "instruction_form": InstructionForm()})


def _bulletin_of(request, pk):
    _require(request, MANAGE)
    return _one(selectors.bulletins_for(request.user, MANAGE), pk)


@login_required
@require_POST
def bulletin_entries(request, pk):
    bulletin = _bulletin_of(request, pk)
    try:
        services.bulletin_entries_set(by=request.user, bulletin=bulletin,
                                      entries=_entries_from(request.POST, _candidates(request)))
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The entries of the issue were saved."))
    return redirect("proposals:bulletin", pk=bulletin.pk)


@login_required
@require_POST
def bulletin_issue(request, pk):
    bulletin = _bulletin_of(request, pk)
    return _run(request, IssueForm(request.POST), lambda d: services.bulletin_issue(
        by=request.user, bulletin=bulletin, issued_on=d["issued_on"]),
        _("The issue was issued; its Word document is ready."), redirect("proposals:bulletin", pk=bulletin.pk))


@login_required
@require_POST
def bulletin_send(request, pk):
    bulletin = _bulletin_of(request, pk)
    return _run(request, SendingForm(request.POST), lambda d: services.sending_record(
        by=request.user, bulletin=bulletin, recipient_kind=d["recipient_kind"], recipient=d["recipient"],
        sent_on=d["sent_on"]), _("The sending was recorded."), redirect("proposals:bulletin", pk=bulletin.pk))


@login_required
@require_POST
def sending_instruct(request, pk):
    _require(request, MANAGE)
    bulletins = selectors.bulletins_for(request.user, MANAGE).values("pk")
    sending = _one(Sending.objects.filter(bulletin__in=bulletins), pk)
    return _run(request, InstructionForm(request.POST), lambda d: services.instruction_record(
        by=request.user, subject=sending, leader=d["leader"], text=d["text"], day=d["day"]),
        _("The leader's instruction was recorded."), redirect("proposals:bulletin", pk=sending.bulletin_id))


@login_required
@require_GET
def bulletin_docx(request, pk):
    _require(request, VIEW)
    bulletin = _one(selectors.bulletins_for(request.user), pk)
    name, content = services.bulletin_export(by=request.user, bulletin=bulletin)
    return attachment_response(content, name, content_type=DOCX_CONTENT_TYPE)


# --- studies --------------------------------------------------------------------------------------

@login_required
@require_GET
def study_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.studies_for(request.user), 50)
    return render(request, "proposals/studies.html", {"page_obj": page, "studies": page.object_list,
                                                      "may_manage": request.user.has_code(MANAGE)})


@login_required
@require_http_methods(["GET", "POST"])
def study_create(request):
    _require(request, MANAGE)
    form = StudyForm(request.POST or None, organizations=Organization.objects.restrict(request.user, MANAGE),
                     campaigns=selectors.campaigns_for(request.user, MANAGE),
                     persons=Person.objects.current().restrict(request.user, "person.view").order_by("name"),
                     initial={"organization": request.user.organization_id, "campaign": request.GET.get("campaign")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            study = services.study_create(by=request.user, organization=data["organization"], data=data,
                                          team=data["team"], campaign=data["campaign"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The study was created."))
            return redirect("proposals:study", pk=study.pk)
    return render(request, "proposals/form.html", {"form": form, "title": _("New commissioned study")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def study_detail(request, pk):
    _require(request, VIEW)
    study = _one(selectors.studies_for(request.user), pk)
    may_manage = request.user.has_code(MANAGE) and selectors.studies_for(request.user, MANAGE).filter(
        pk=study.pk).exists()
    return render(request, "proposals/study.html", {
        "study": study, "milestones": study.milestones.all(), "team": study.team.all(), "may_manage": may_manage,
        "milestone_form": MilestoneForm(), "report_form": ReportForm(initial={"day": timezone.localdate()})})


@login_required
@require_POST
def milestone_add(request, pk):
    _require(request, MANAGE)
    study = _one(selectors.studies_for(request.user, MANAGE), pk)
    return _run(request, MilestoneForm(request.POST), lambda d: services.milestone_add(
        by=request.user, study=study, title=d["title"], due_on=d["due_on"]), _("The milestone was added."),
        redirect("proposals:study", pk=study.pk))


@login_required
@require_POST
def milestone_done(request, pk):
    _require(request, MANAGE)
    milestone = _one(Milestone.objects.filter(study__in=selectors.studies_for(request.user, MANAGE).values("pk")), pk)
    return _run(request, ReportForm(request.POST), lambda d: services.milestone_done(
        by=request.user, milestone=milestone, report=d["report"], day=d["day"]), _("The milestone is done."),
        redirect("proposals:study", pk=milestone.study_id))


@login_required
@require_POST
def study_report(request, pk):
    _require(request, MANAGE)
    study = _one(selectors.studies_for(request.user, MANAGE), pk)
    return _run(request, ReportForm(request.POST), lambda d: services.study_report(
        by=request.user, study=study, report=d["report"], day=d["day"]), _("The final report was handed in."),
        redirect("proposals:study", pk=study.pk))


# --- an S&T worker's own proposals ----------------------------------------------------------------

@login_required
@require_GET
def mine(request):
    """The signed-in person's own submissions and their status (never the reviewers' notes)."""
    return render(request, "proposals/mine.html", {"submissions": selectors.my_submissions(request.user),
                                                   "campaigns": selectors.open_campaigns()})


@login_required
@require_http_methods(["GET", "POST"])
def my_submit(request):
    form = MySubmitForm(request.POST or None, campaigns=selectors.open_campaigns(),
                        initial={"campaign": request.GET.get("campaign")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submission_submit_mine(by=request.user, campaign=data["campaign"], data=data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your proposal was submitted."))
            return redirect("proposals:mine")
    return render(request, "proposals/my_submit.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
