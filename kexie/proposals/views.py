"""Proposals pages: campaigns and their submissions, one submission with its valuations, private
notes (for those who run the campaign), instructions and adoption; bulletins composed from
selected submissions, issued as .docx and sent; commissioned studies; and an S&T worker's own
submissions. Every change goes through the services; the pages collect input and show refusals:
each form goes through :func:`kexie.core.forms.form_step`, so a refusal is shown on the page drawn
again, next to the field it concerns, with a 400 and nothing saved."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import attachment_response
from kexie.core.forms import form_step
from kexie.core.officialdoc import DOCX_CONTENT_TYPE
from kexie.core.paging import paginate
from kexie.organizations.models import Organization

from . import selectors, services
from .forms import persons_for
from .forms import (AdoptionForm, BulletinForm, CampaignForm, DecideForm, EntriesForm, InstructionForm, IssueForm,
                    MilestoneForm, MySubmitForm, NoteForm, ReportForm, SendingForm, StepForm, StudyForm, SubmitForm,
                    ValuationForm, entries_from)
from .models import BulletinStatus, CampaignStatus, Milestone, Sending

VIEW = services.VIEW
SUBMIT = services.SUBMIT
MANAGE = services.MANAGE


def _one(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _status(failed: dict) -> int:
    """A page drawn again with a failed form answers 400."""
    return 400 if failed else 200


def _form_page(request, template: str, form, **context):
    """A page whose one form creates a record: 200 when asked for, 400 when drawn again after a
    post with the form's errors."""
    return render(request, template, {"form": form, **context}, status=400 if request.method == "POST" else 200)


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

    def again():
        return _form_page(request, "proposals/form.html", form, title=_("New campaign"))

    if request.method != "POST":
        return again()
    return form_step(request, form, lambda d: services.campaign_create(
        by=request.user, organization=d["organization"], data=d),
        _("The campaign was created; open it to take submissions."),
        done=lambda campaign: redirect("proposals:campaign", pk=campaign.pk), again=again)


def _campaign_page(request, campaign, **failed):
    """The campaign's page; ``failed``: the bound step form that was refused (then a 400)."""
    may_manage = request.user.has_code(MANAGE) and selectors.campaigns_for(request.user, MANAGE).filter(
        pk=campaign.pk).exists()
    submissions = selectors.submissions_for(request.user, VIEW, campaign).prefetch_related("valuations")
    return render(request, "proposals/campaign.html", {
        "campaign": campaign, "submissions": submissions, "may_manage": may_manage,
        "may_submit": campaign.status == CampaignStatus.OPEN and request.user.has_code(SUBMIT),
        "studies": campaign.studies.all(), "step_form": failed.get("step_form")}, status=_status(failed))


@login_required
@require_GET
def campaign_detail(request, pk):
    _require(request, VIEW)
    return _campaign_page(request, _one(selectors.campaigns_for(request.user), pk))


def _campaign_step(request, pk, action, success):
    _require(request, MANAGE)
    campaign = _one(selectors.campaigns_for(request.user, MANAGE), pk)
    form = StepForm(request.POST)
    return form_step(request, form, lambda _d: action(by=request.user, campaign=campaign), success,
                     done=lambda _result: redirect("proposals:campaign", pk=campaign.pk),
                     again=lambda: _campaign_page(request, campaign, step_form=form))


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
    form = SubmitForm(request.POST or None, campaigns=selectors.open_campaigns(), organizations=organizations,
                      persons=persons_for(request.user),
                      initial={"campaign": request.GET.get("campaign")})

    def again():
        return _form_page(request, "proposals/form.html", form, title=_("Submit a proposal"))

    if request.method != "POST":
        return again()
    return form_step(request, form, lambda d: services.submission_create(
        by=request.user, campaign=d["campaign"], data=d, authors=d["authors"], organization=d["organization"],
        source_kind=d["source_kind"]),
        lambda submission: _("The proposal “%(title)s” was submitted.") % {"title": submission.title},
        done=lambda submission: redirect("proposals:campaign", pk=submission.campaign_id), again=again)


def _submission_of(request, pk, action=VIEW):
    if action == MANAGE:
        return _one(selectors.submissions_run_by(request.user).select_related("campaign"), pk)
    return _one(selectors.submissions_for(request.user, action), pk)


def _submission_page(request, submission, **failed):
    """The proposal's page; ``failed``: a bound form that was refused, shown with its errors in
    place of the blank one (then a 400)."""
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
                       decide_form=failed.get("decide_form"),
                       valuation_form=failed.get("valuation_form") or ValuationForm(),
                       note_form=failed.get("note_form") or NoteForm(),
                       instruction_form=failed.get("instruction_form") or InstructionForm(),
                       adoption_form=failed.get("adoption_form") or AdoptionForm(),
                       sending_form=failed.get("sending_form") or SendingForm())
    return render(request, "proposals/submission.html", context, status=_status(failed))


@login_required
@require_GET
def submission_detail(request, pk):
    _require(request, VIEW)
    return _submission_page(request, _submission_of(request, pk))


def _submission_step(request, pk, name: str, form_class, run, success):
    """One form of the proposal's page (``name`` in its context): ``run(submission, data)`` calls
    the service."""
    _require(request, MANAGE)
    submission = _submission_of(request, pk, MANAGE)
    form = form_class(request.POST)
    return form_step(request, form, lambda d: run(submission, d), success,
                     done=lambda _result: redirect("proposals:submission", pk=submission.pk),
                     again=lambda: _submission_page(request, submission, **{name: form}))


@login_required
@require_POST
def valuate(request, pk):
    return _submission_step(request, pk, "valuation_form", ValuationForm, lambda s, d: services.valuation_record(
        by=request.user, submission=s, grade=d["grade"], score=d["score"], summary=d["summary"]),
        _("Your valuation was recorded."))


@login_required
@require_POST
def note_add(request, pk):
    return _submission_step(request, pk, "note_form", NoteForm, lambda s, d: services.note_add(
        by=request.user, submission=s, text=d["text"], parent=d["parent"]), _("The note was added."))


@login_required
@require_POST
def decide(request, pk):
    return _submission_step(request, pk, "decide_form", DecideForm, lambda s, d: services.submission_decide(
        by=request.user, submission=s, selected=d["selected"]),
        lambda submission: _("The proposal is now “%(status)s”.") % {"status": submission.get_status_display()})


@login_required
@require_POST
def instruct(request, pk):
    return _submission_step(request, pk, "instruction_form", InstructionForm, lambda s, d: services.instruction_record(
        by=request.user, subject=s, leader=d["leader"], text=d["text"], day=d["day"]),
        _("The leader's instruction was recorded."))


@login_required
@require_POST
def adopt(request, pk):
    return _submission_step(request, pk, "adoption_form", AdoptionForm, lambda s, d: services.adoption_record(
        by=request.user, submission=s, note=d["note"], day=d["day"]), _("The adoption was recorded."))


@login_required
@require_POST
def submission_send(request, pk):
    return _submission_step(request, pk, "sending_form", SendingForm, lambda s, d: services.sending_record(
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


def _candidates(request, bulletin=None, post=None):
    """The selected proposals the user may put in an issue, each with what the editor shows: as
    posted (``post``, a form drawn again), as the issue holds them, or in their own order."""
    rows = list(selectors.selected_for_bulletin(request.user))
    if post is not None:
        for row in rows:
            row.included = bool(post.get(f"include-{row.pk}"))
            row.position = post.get(f"position-{row.pk}", "")
            row.edited_title, row.edited_text = post.get(f"title-{row.pk}", ""), post.get(f"text-{row.pk}", "")
    elif bulletin is not None:
        current = {e.submission_id: e for e in selectors.entries_of(bulletin)}
        for row in rows:
            entry = current.get(row.pk)
            row.included, row.position = entry is not None, entry.position if entry else ""
            row.edited_title, row.edited_text = (entry.title, entry.text) if entry else (row.title, row.text)
    else:
        for position, row in enumerate(rows, start=1):
            row.included, row.position, row.edited_title, row.edited_text = False, position, row.title, row.text
    return rows


def _compose(by, data, entries):
    """The issue and its entries, together or not at all."""
    with transaction.atomic():
        bulletin = services.bulletin_create(by=by, organization=data["organization"], data=data)
        services.bulletin_entries_set(by=by, bulletin=bulletin, entries=entries)
    return bulletin


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_create(request):
    """Compose an issue: its particulars and the selected proposals it carries, in order, edited."""
    _require(request, MANAGE)
    form = BulletinForm(request.POST or None, organizations=Organization.objects.restrict(request.user, MANAGE),
                        initial={"organization": request.user.organization_id, "year": timezone.localdate().year})
    post = request.POST if request.method == "POST" else None

    def again():
        return _form_page(request, "proposals/bulletin_form.html", form, candidates=_candidates(request, post=post))

    if request.method != "POST":
        return again()
    return form_step(request, form, lambda d: _compose(request.user, d, entries_from(
        request.POST, selectors.selected_for_bulletin(request.user))),
        lambda bulletin: _("%(bulletin)s was composed; check it and issue it.") % {"bulletin": bulletin},
        done=lambda bulletin: redirect("proposals:bulletin", pk=bulletin.pk), again=again)


def _bulletin_page(request, bulletin, **failed):
    """The issue's page; ``failed``: a bound form that was refused (then a 400). A refused sending
    instruction is shown under its sending (``failed["sending_row"]``)."""
    may_manage = request.user.has_code(MANAGE) and selectors.bulletins_for(request.user, MANAGE).filter(
        pk=bulletin.pk).exists()
    sendings = list(bulletin.sendings.all())
    editing = may_manage and bulletin.status == BulletinStatus.DRAFT
    entries_form = failed.get("entries_form")
    return render(request, "proposals/bulletin.html", {
        "bulletin": bulletin, "entries": selectors.entries_of(bulletin).prefetch_related("submission__authors"),
        "sendings": sendings, "instructions": selectors.instructions_on_bulletin(bulletin), "may_manage": may_manage,
        "candidates": _candidates(request, bulletin, entries_form.data if entries_form else None) if editing else [],
        "entries_form": entries_form,
        "issue_form": failed.get("issue_form") or IssueForm(initial={"issued_on": timezone.localdate()}),
        "sending_form": failed.get("sending_form") or SendingForm(), "instruction_form": InstructionForm(),
        "failed": failed}, status=_status(failed))


@login_required
@require_GET
def bulletin_detail(request, pk):
    _require(request, VIEW)
    return _bulletin_page(request, _one(selectors.bulletins_for(request.user), pk))


def _bulletin_of(request, pk):
    _require(request, MANAGE)
    return _one(selectors.bulletins_for(request.user, MANAGE), pk)


def _bulletin_step(request, bulletin, name: str, form, run, success, **extra):
    return form_step(request, form, run, success, done=lambda _result: redirect("proposals:bulletin", pk=bulletin.pk),
                     again=lambda: _bulletin_page(request, bulletin, **{name: form}, **extra))


@login_required
@require_POST
def bulletin_entries(request, pk):
    bulletin = _bulletin_of(request, pk)
    form = EntriesForm(request.POST, candidates=selectors.selected_for_bulletin(request.user))
    return _bulletin_step(request, bulletin, "entries_form", form, lambda d: services.bulletin_entries_set(
        by=request.user, bulletin=bulletin, entries=d["entries"]), _("The entries of the issue were saved."))


@login_required
@require_POST
def bulletin_issue(request, pk):
    bulletin = _bulletin_of(request, pk)
    return _bulletin_step(request, bulletin, "issue_form", IssueForm(request.POST), lambda d: services.bulletin_issue(
        by=request.user, bulletin=bulletin, issued_on=d["issued_on"]),
        _("The issue was issued; its Word document is ready."))


@login_required
@require_POST
def bulletin_send(request, pk):
    bulletin = _bulletin_of(request, pk)
    return _bulletin_step(request, bulletin, "sending_form", SendingForm(request.POST),
                          lambda d: services.sending_record(by=request.user, bulletin=bulletin,
                                                            recipient_kind=d["recipient_kind"],
                                                            recipient=d["recipient"], sent_on=d["sent_on"]),
                          _("The sending was recorded."))


@login_required
@require_POST
def sending_instruct(request, pk):
    _require(request, MANAGE)
    bulletins = selectors.bulletins_for(request.user, MANAGE)
    sending = _one(Sending.objects.filter(bulletin__in=bulletins.values("pk")), pk)
    bulletin = bulletins.get(pk=sending.bulletin_id)
    return _bulletin_step(request, bulletin, "instruction_form", InstructionForm(request.POST),
                          lambda d: services.instruction_record(by=request.user, subject=sending, leader=d["leader"],
                                                                text=d["text"], day=d["day"]),
                          _("The leader's instruction was recorded."), sending_row=sending.pk)


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
                     persons=persons_for(request.user),
                     initial={"organization": request.user.organization_id, "campaign": request.GET.get("campaign")})

    def again():
        return _form_page(request, "proposals/form.html", form, title=_("New commissioned study"))

    if request.method != "POST":
        return again()
    return form_step(request, form, lambda d: services.study_create(
        by=request.user, organization=d["organization"], data=d, team=d["team"], campaign=d["campaign"]),
        _("The study was created."), done=lambda study: redirect("proposals:study", pk=study.pk), again=again)


def _study_page(request, study, **failed):
    """The study's page; ``failed``: a bound form that was refused (then a 400). A refused
    milestone report is shown in its row (``failed["milestone_row"]``)."""
    may_manage = request.user.has_code(MANAGE) and selectors.studies_for(request.user, MANAGE).filter(
        pk=study.pk).exists()
    fresh_report = ReportForm(initial={"day": timezone.localdate()})
    return render(request, "proposals/study.html", {
        "study": study, "milestones": study.milestones.all(), "team": study.team.all(), "may_manage": may_manage,
        "milestone_form": failed.get("milestone_form") or MilestoneForm(),
        "report_form": failed.get("report_form") or fresh_report, "done_form": fresh_report,
        "failed": failed}, status=_status(failed))


@login_required
@require_GET
def study_detail(request, pk):
    _require(request, VIEW)
    return _study_page(request, _one(selectors.studies_for(request.user), pk))


def _study_step(request, study, name: str, form, run, success, **extra):
    return form_step(request, form, run, success, done=lambda _result: redirect("proposals:study", pk=study.pk),
                     again=lambda: _study_page(request, study, **{name: form}, **extra))


@login_required
@require_POST
def milestone_add(request, pk):
    _require(request, MANAGE)
    study = _one(selectors.studies_for(request.user, MANAGE), pk)
    return _study_step(request, study, "milestone_form", MilestoneForm(request.POST), lambda d: services.milestone_add(
        by=request.user, study=study, title=d["title"], due_on=d["due_on"]), _("The milestone was added."))


@login_required
@require_POST
def milestone_done(request, pk):
    _require(request, MANAGE)
    studies = selectors.studies_for(request.user, MANAGE)
    milestone = _one(Milestone.objects.filter(study__in=studies.values("pk")), pk)
    return _study_step(request, studies.get(pk=milestone.study_id), "done_form", ReportForm(request.POST),
                       lambda d: services.milestone_done(by=request.user, milestone=milestone, report=d["report"],
                                                         day=d["day"]),
                       _("The milestone is done."), milestone_row=milestone.pk)


@login_required
@require_POST
def study_report(request, pk):
    _require(request, MANAGE)
    study = _one(selectors.studies_for(request.user, MANAGE), pk)
    return _study_step(request, study, "report_form", ReportForm(request.POST), lambda d: services.study_report(
        by=request.user, study=study, report=d["report"], day=d["day"]), _("The final report was handed in."))


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

    def again():
        return _form_page(request, "proposals/my_submit.html", form)

    if request.method != "POST":
        return again()
    return form_step(request, form, lambda d: services.submission_submit_mine(
        by=request.user, campaign=d["campaign"], data=d), _("Your proposal was submitted."),
        done=lambda _submission: redirect("proposals:mine"), again=again)
