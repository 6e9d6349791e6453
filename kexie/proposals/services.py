"""Campaigns, submissions, valuation, bulletins, sending, leaders' instructions, adoption and
commissioned studies. Each state change is one transaction with its audit row; refusals raise
ValidationError with the message (and the field concerned) and save nothing.

Running a campaign, valuating, editing bulletins, sending and recording instructions need
``proposal.manage`` over the campaign's (or bulletin's, study's) organisation. Staff submit with
``proposal.submit``; an external S&T worker submits to an open campaign through
:func:`submission_submit_mine`, credited through the person record linked to their account.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.notifications.models import Kind
from kexie.notifications.services import notify
from kexie.organizations.models import Organization
from kexie.people.models import Person
from kexie.tracking.models import Instruction

from . import bulletin_doc
from .models import (Bulletin, BulletinEntry, BulletinStatus, Campaign, CampaignKind, CampaignStatus, Grade,
                     Milestone, Note, RecipientKind, Sending, SourceKind, Study, StudyStatus, Submission,
                     SubmissionStatus, Valuation)

VIEW = "proposal.view"
SUBMIT = "proposal.submit"
MANAGE = "proposal.manage"

# Where a submission may still be valuated, selected or left out.
OPEN_FOR_VALUATION = (SubmissionStatus.SUBMITTED, SubmissionStatus.VALUATION)
# Which submissions may go into a bulletin.
BULLETIN_READY = (SubmissionStatus.SELECTED, SubmissionStatus.ADOPTED)


def _pk(value):
    return getattr(value, "pk", value)


def _text(data: dict, key: str, message: str, limit: int | None = None) -> str:
    value = str(data.get(key) or "").strip()
    if not value:
        raise ValidationError({key: message})
    return value[:limit] if limit else value


def _campaign(by, campaign, *, lock: bool = True) -> Campaign:
    _require(by, MANAGE)
    queryset = Campaign.objects.select_related("organization")
    if lock:
        queryset = queryset.select_for_update()
    return access_object(queryset, by, MANAGE, pk=_pk(campaign))


def _submission(by, submission, action: str = MANAGE) -> Submission:
    """The submission, locked, if its campaign is run by ``by`` (manage) or it is in ``by``'s scope."""
    _require(by, action)
    if action == MANAGE:
        campaigns = Campaign.objects.restrict(by, MANAGE).values("pk")
        found = Submission.objects.select_for_update().filter(pk=_pk(submission), campaign__in=campaigns).first()
        if found is None:
            raise Http404
        return found
    return access_object(Submission.objects.select_for_update(), by, action, pk=_pk(submission))


def _bulletin(by, bulletin) -> Bulletin:
    _require(by, MANAGE)
    return access_object(Bulletin.objects.select_for_update().select_related("organization"), by, MANAGE,
                         pk=_pk(bulletin))


def _study(by, study) -> Study:
    _require(by, MANAGE)
    return access_object(Study.objects.select_for_update(), by, MANAGE, pk=_pk(study))


def _dates(data: dict):
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError({"closes_on": _("The closing date cannot be before the opening date.")})
    return opens_on, closes_on


def campaign_snapshot(campaign: Campaign) -> dict:
    return {"organization": campaign.organization_id, "kind": campaign.kind, "title": campaign.title,
            "theme": campaign.theme, "opens_on": campaign.opens_on, "closes_on": campaign.closes_on,
            "status": campaign.status}


# --- campaigns ------------------------------------------------------------------------------------

def campaign_create(*, by, organization: Organization, data: dict) -> Campaign:
    """Create a campaign (a draft) kept by ``organization``: kind, title, theme, dates."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=_pk(organization))
    title = _text(data, "title", _("Enter the title of the campaign."), 200)
    kind = data.get("kind") or CampaignKind.THEMED
    if kind not in CampaignKind.values:
        raise ValidationError({"kind": _("Choose the kind of campaign.")})
    opens_on, closes_on = _dates(data)
    with transaction.atomic():
        campaign = Campaign.objects.create(organization=organization, kind=kind, title=title,
                                           theme=str(data.get("theme") or "").strip(), opens_on=opens_on,
                                           closes_on=closes_on, created_by=by)
        audit_record(action="create", by=by, obj=campaign, new=campaign_snapshot(campaign))
    return campaign


def _campaign_move(by, campaign, status: str, allowed: tuple, message: str) -> Campaign:
    with transaction.atomic():
        campaign = _campaign(by, campaign)
        if campaign.status not in allowed:
            raise ValidationError(message)
        old = campaign.status
        campaign.status = status
        campaign.save(update_fields=["status"])
        audit_record(action="status", by=by, obj=campaign, old={"status": old}, new={"status": status})
    return campaign


def campaign_open(*, by, campaign: Campaign) -> Campaign:
    """Open a draft (or reopen a closed) campaign for submissions."""
    return _campaign_move(by, campaign, CampaignStatus.OPEN, (CampaignStatus.DRAFT, CampaignStatus.CLOSED),
                          _("The campaign is already open."))


def campaign_close(*, by, campaign: Campaign) -> Campaign:
    """Stop taking submissions; valuation and bulletins go on."""
    return _campaign_move(by, campaign, CampaignStatus.CLOSED, (CampaignStatus.OPEN,),
                          _("Only an open campaign can be closed."))


# --- submissions ----------------------------------------------------------------------------------

def _check_open(campaign: Campaign, today: dt.date) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError({"campaign": _("The campaign “%(title)s” is not open for submissions.")
                                           % {"title": campaign.title}})
    if campaign.closes_on and today > campaign.closes_on:
        raise ValidationError({"campaign": _("The campaign “%(title)s” closed on %(day)s.")
                                           % {"title": campaign.title, "day": campaign.closes_on}})


def submission_snapshot(submission: Submission) -> dict:
    return {"campaign": submission.campaign_id, "title": submission.title, "source_kind": submission.source_kind,
            "organization": submission.organization_id, "status": submission.status,
            "authors": sorted(submission.authors.values_list("pk", flat=True))}


def _create_submission(by, campaign, data, authors, organization, source_kind) -> Submission:
    title = _text(data, "title", _("Enter the title of the proposal."), 200)
    text = _text(data, "text", _("Write the text of the proposal."))
    submission = Submission.objects.create(campaign=campaign, title=title, text=text, source_kind=source_kind,
                                           organization=organization, submitted_by=by)
    submission.authors.set(authors)
    audit_record(action="submit", by=by, obj=submission, new=submission_snapshot(submission))
    return submission


def submission_create(*, by, campaign: Campaign, data: dict, authors=(), organization: Organization | None = None,
                      source_kind: str = SourceKind.PERSON, today: dt.date | None = None) -> Submission:
    """Submit a proposal to an open campaign on behalf of its authors (staff with ``proposal.submit``):
    ``authors`` are person records (credited), ``organization`` the submitting society or station."""
    _require(by, SUBMIT)
    if source_kind not in SourceKind.values:
        raise ValidationError({"source_kind": _("Choose who submits the proposal.")})
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=_pk(campaign)).first()
        if campaign is None:
            raise ValidationError({"campaign": _("Choose the campaign.")})
        _check_open(campaign, today or timezone.localdate())
        if organization is not None:
            organization = access_object(Organization, by, SUBMIT, pk=_pk(organization))
        elif source_kind != SourceKind.PERSON:
            raise ValidationError({"organization": _("Name the society or station that submits the proposal.")})
        authors = list(Person.objects.current().filter(pk__in=[_pk(a) for a in authors]))
        if not authors and source_kind == SourceKind.PERSON:
            raise ValidationError({"authors": _("Name at least one author.")})
        return _create_submission(by, campaign, data, authors, organization, source_kind)


def submission_submit_mine(*, by, campaign: Campaign, data: dict, today: dt.date | None = None) -> Submission:
    """An S&T worker's own proposal to an open campaign, credited to the person record linked to
    their account (when there is one)."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=_pk(campaign)).first()
        if campaign is None:
            raise ValidationError({"campaign": _("Choose the campaign.")})
        _check_open(campaign, today or timezone.localdate())
        authors = list(Person.objects.current().filter(account_id=by.pk))
        return _create_submission(by, campaign, data, authors, None, SourceKind.PERSON)


def _move(by, submission: Submission, status: str) -> None:
    old = submission.status
    submission.status = status
    submission.save(update_fields=["status"])
    audit_record(action="status", by=by, obj=submission, old={"status": old}, new={"status": status})


def valuation_record(*, by, submission: Submission, grade: str = "", score=None, summary: str = "") -> Valuation:
    """Record (or change) ``by``'s valuation of a submission: a grade A/B/C or a score out of 100,
    and a summary. The first valuation puts the submission under valuation."""
    grade = (grade or "").strip().upper()
    if grade and grade not in Grade.values:
        raise ValidationError({"grade": _("The grade is A, B or C.")})
    if score in ("", None):
        score = None
    else:
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = -1
        if not 0 <= score <= 100:
            raise ValidationError({"score": _("The score is a whole number from 0 to 100.")})
    if not grade and score is None:
        raise ValidationError({"grade": _("Give a grade or a score.")})
    with transaction.atomic():
        submission = _submission(by, submission)
        if submission.status not in OPEN_FOR_VALUATION:
            raise ValidationError(_("The proposal is “%(status)s”; its valuation is over.")
                                  % {"status": submission.get_status_display()})
        valuation = Valuation.objects.filter(submission=submission, reviewer=by).first()
        old = {"grade": valuation.grade, "score": valuation.score, "summary": valuation.summary} if valuation else None
        valuation, _created = Valuation.objects.update_or_create(submission=submission, reviewer=by, defaults={
            "grade": grade, "score": score, "summary": str(summary or "").strip()})
        audit_record(action="score", by=by, obj=valuation, old=old,
                     new={"submission": submission.pk, "grade": grade, "score": score, "summary": valuation.summary})
        if submission.status == SubmissionStatus.SUBMITTED:
            _move(by, submission, SubmissionStatus.VALUATION)
    return valuation


def note_add(*, by, submission: Submission, text: str, parent: Note | None = None) -> Note:
    """A reviewer's private note on a submission, or a reply to one (``parent``)."""
    text = str(text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    with transaction.atomic():
        submission = _submission(by, submission)
        if parent is not None:
            parent = Note.objects.filter(pk=_pk(parent), submission=submission).first()
            if parent is None:
                raise ValidationError({"parent": _("The note answered is not on this proposal.")})
        note = Note.objects.create(submission=submission, author=by, parent=parent, text=text)
        audit_record(action="create", by=by, obj=note, new={"submission": submission.pk,
                                                            "parent": parent.pk if parent else None})
    return note


def submission_decide(*, by, submission: Submission, selected: bool) -> Submission:
    """Select a valuated submission for the bulletin, or leave it out."""
    with transaction.atomic():
        submission = _submission(by, submission)
        if submission.status not in (*OPEN_FOR_VALUATION, SubmissionStatus.SELECTED, SubmissionStatus.NOT_SELECTED):
            raise ValidationError(_("The proposal is “%(status)s” and cannot be selected again.")
                                  % {"status": submission.get_status_display()})
        if not submission.valuations.exists():
            raise ValidationError(_("Valuate the proposal before deciding on it."))
        _move(by, submission, SubmissionStatus.SELECTED if selected else SubmissionStatus.NOT_SELECTED)
        _tell_authors(submission, _("Your proposal “%(title)s”: %(status)s")
                      % {"title": submission.title, "status": submission.get_status_display()})
    return submission


def _tell_authors(submission: Submission, title: str) -> None:
    recipients = {p.account for p in submission.authors.filter(account__isnull=False).select_related("account")}
    if submission.submitted_by_id:
        recipients.add(submission.submitted_by)
    if recipients:
        notify(recipients=list(recipients), kind=Kind.PROPOSAL, title=title, url=reverse("proposals:mine"),
               key=f"proposal-{submission.pk}-{submission.status}", obj=submission)


def adoption_record(*, by, submission: Submission, note: str, day: dt.date) -> Submission:
    """Record that a selected (or sent) proposal was adopted (采纳): how, and when."""
    note = str(note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say how the proposal was adopted.")})
    if not day:
        raise ValidationError({"day": _("Enter the date of adoption.")})
    with transaction.atomic():
        submission = _submission(by, submission)
        if submission.status not in BULLETIN_READY:
            raise ValidationError(_("Only a selected proposal can be recorded as adopted."))
        old = {"status": submission.status, "adoption_note": submission.adoption_note,
               "adopted_on": submission.adopted_on}
        submission.status = SubmissionStatus.ADOPTED
        submission.adoption_note, submission.adopted_on = note, day
        submission.save(update_fields=["status", "adoption_note", "adopted_on"])
        audit_record(action="approve", by=by, obj=submission, old=old,
                     new={"status": submission.status, "adoption_note": note, "adopted_on": day})
        _tell_authors(submission, _("Your proposal “%(title)s” was adopted.") % {"title": submission.title})
    return submission


# --- bulletins ------------------------------------------------------------------------------------

def bulletin_snapshot(bulletin: Bulletin) -> dict:
    return {"organization": bulletin.organization_id, "series": bulletin.series, "year": bulletin.year,
            "number": bulletin.number, "title": bulletin.title, "issued_on": bulletin.issued_on,
            "editor": bulletin.editor, "sent_to": bulletin.sent_to, "copied_to": bulletin.copied_to,
            "status": bulletin.status}


def next_number(organization, series: str, year: int) -> int:
    """The next free issue number of the series for the year."""
    top = Bulletin.objects.filter(organization=organization, series=series, year=year).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


def bulletin_create(*, by, organization: Organization, data: dict) -> Bulletin:
    """Start an issue (a draft): series, year, number (the next free one when not given), title,
    editor, 报送 and 抄送."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=_pk(organization))
    series = _text(data, "series", _("Enter the name of the bulletin series."), 60).strip("《》")
    try:
        year = int(data.get("year"))
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter the year, e.g. 2026.")}) from None
    with transaction.atomic():
        number = data.get("number") or next_number(organization, series, year)
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            raise ValidationError({"number": _("The issue number is a whole number from 1.")})
        if Bulletin.objects.filter(organization=organization, series=series, year=year, number=number).exists():
            raise ValidationError({"number": _("《%(series)s》 already has an issue 〔%(year)s〕第%(number)s期.")
                                   % {"series": series, "year": year, "number": number}})
        bulletin = Bulletin.objects.create(
            organization=organization, series=series, year=year, number=number,
            title=str(data.get("title") or "").strip()[:200], editor=str(data.get("editor") or "").strip()[:50],
            sent_to=str(data.get("sent_to") or "").strip()[:300],
            copied_to=str(data.get("copied_to") or "").strip()[:300], issued_on=data.get("issued_on"),
            created_by=by)
        audit_record(action="create", by=by, obj=bulletin, new=bulletin_snapshot(bulletin))
    return bulletin


def bulletin_entries_set(*, by, bulletin: Bulletin, entries: list[dict]) -> list[BulletinEntry]:
    """Set the issue's entries in the order given: each ``{"submission", "title", "text"}`` (title
    and text as edited; the submission's own when left empty). Only selected (or adopted)
    submissions of campaigns ``by`` runs may go in; a draft issue only."""
    with transaction.atomic():
        bulletin = _bulletin(by, bulletin)
        if bulletin.status != BulletinStatus.DRAFT:
            raise ValidationError(_("The issue has been issued; its entries cannot change."))
        campaigns = Campaign.objects.restrict(by, MANAGE).values("pk")
        rows, seen = [], set()
        for position, entry in enumerate(entries, start=1):
            submission = Submission.objects.filter(pk=_pk(entry.get("submission")), campaign__in=campaigns).first()
            if submission is None or submission.pk in seen:
                raise ValidationError({"entries": _("Choose each proposal once, from the campaigns you run.")})
            if submission.status not in BULLETIN_READY:
                raise ValidationError({"entries": _("“%(title)s” has not been selected for a bulletin.")
                                       % {"title": submission.title}})
            seen.add(submission.pk)
            rows.append(BulletinEntry(bulletin=bulletin, submission=submission, position=position,
                                      title=(str(entry.get("title") or "").strip() or submission.title)[:200],
                                      text=str(entry.get("text") or "").strip() or submission.text))
        if not rows:
            raise ValidationError({"entries": _("Choose at least one selected proposal.")})
        old = list(bulletin.entries.values_list("submission_id", flat=True))
        bulletin.entries.all().delete()
        BulletinEntry.objects.bulk_create(rows)
        audit_record(action="update", by=by, obj=bulletin, old={"entries": old},
                     new={"entries": [r.submission_id for r in rows]})
    return list(bulletin.entries.all())


def bulletin_issue(*, by, bulletin: Bulletin, issued_on: dt.date) -> Bulletin:
    """Issue the draft: the date is set and the .docx generated and kept with the issue."""
    if not issued_on:
        raise ValidationError({"issued_on": _("Enter the issue date.")})
    with transaction.atomic():
        bulletin = _bulletin(by, bulletin)
        if bulletin.status != BulletinStatus.DRAFT:
            raise ValidationError(_("The issue has already been issued."))
        if not bulletin.entries.exists():
            raise ValidationError(_("Put at least one proposal in the issue before issuing it."))
        old = bulletin_snapshot(bulletin)
        bulletin.issued_on, bulletin.status = issued_on, BulletinStatus.ISSUED
        content = bulletin_doc.bulletin_docx(bulletin_doc.bulletin_document(bulletin))
        bulletin.file.save(bulletin_doc.file_name(bulletin), ContentFile(content), save=False)
        bulletin.save(update_fields=["issued_on", "status", "file"])
        audit_record(action="publish", by=by, obj=bulletin, old=old, new=bulletin_snapshot(bulletin))
    return bulletin


def bulletin_export(*, by, bulletin: Bulletin) -> tuple[str, bytes]:
    """The issue's .docx (the kept file once issued, a fresh draft before), audited as an export."""
    _require(by, VIEW)
    bulletin = access_object(Bulletin.objects.select_related("organization"), by, VIEW, pk=_pk(bulletin))
    if bulletin.file:
        with bulletin.file.open("rb") as handle:
            content = handle.read()
    else:
        content = bulletin_doc.bulletin_docx(bulletin_doc.bulletin_document(bulletin))
    with transaction.atomic():
        audit_record(action="export", by=by, obj=bulletin, new={"format": "docx"},
                     detail=_("Downloaded the bulletin as a Word document."))
    return bulletin_doc.file_name(bulletin), content


# --- sending, instructions ------------------------------------------------------------------------

def sending_record(*, by, recipient_kind: str, recipient: str, sent_on: dt.date, bulletin: Bulletin | None = None,
                   submission: Submission | None = None) -> Sending:
    """Record that an issued bulletin, or one selected proposal, was sent to a recipient."""
    if (bulletin is None) == (submission is None):
        raise ValidationError(_("Send either a bulletin or a proposal."))
    if recipient_kind not in RecipientKind.values:
        raise ValidationError({"recipient_kind": _("Choose the kind of recipient.")})
    recipient = str(recipient or "").strip()[:200]
    if not recipient:
        raise ValidationError({"recipient": _("Name the recipient.")})
    if not sent_on:
        raise ValidationError({"sent_on": _("Enter the date it was sent.")})
    with transaction.atomic():
        if bulletin is not None:
            bulletin = _bulletin(by, bulletin)
            if bulletin.status != BulletinStatus.ISSUED:
                raise ValidationError(_("Issue the bulletin before sending it."))
        else:
            submission = _submission(by, submission)
            if submission.status not in BULLETIN_READY:
                raise ValidationError(_("Only a selected proposal can be sent."))
        sending = Sending.objects.create(bulletin=bulletin, submission=submission, recipient_kind=recipient_kind,
                                         recipient=recipient, sent_on=sent_on, created_by=by)
        audit_record(action="create", by=by, obj=sending, new={
            "bulletin": bulletin.pk if bulletin else None, "submission": submission.pk if submission else None,
            "recipient_kind": recipient_kind, "recipient": recipient, "sent_on": sent_on})
    return sending


def instruction_record(*, by, subject: Submission | Sending, leader: str, text: str, day: dt.date) -> Instruction:
    """Record a leader's instruction (批示) on a proposal or on a sending (of a bulletin or a
    proposal): who gave it (name and title as text), what it says, and when. It is written as a
    ``tracking.Instruction`` whose subject is the proposal or the sending."""
    leader = str(leader or "").strip()[:100]
    text = str(text or "").strip()
    if not leader:
        raise ValidationError({"leader": _("Name the leader who gave the instruction.")})
    if not text:
        raise ValidationError({"text": _("Write the instruction.")})
    if not day:
        raise ValidationError({"day": _("Enter the date of the instruction.")})
    with transaction.atomic():
        if isinstance(subject, Submission):
            subject = _submission(by, subject)
        elif isinstance(subject, Sending):
            sending = Sending.objects.select_related("bulletin", "submission").filter(pk=subject.pk).first()
            if sending is None:
                raise ValidationError(_("The sending was not found."))
            if sending.bulletin_id:
                _bulletin(by, sending.bulletin)
            else:
                _submission(by, sending.submission)
            subject = sending
        else:
            raise ValidationError(_("An instruction is recorded on a proposal or on a sending."))
        instruction = Instruction.objects.create(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, leader=leader,
            given_on=day, text=text, author=by, organization=by.organization)
        audit_record(action="instruct", by=by, obj=instruction, new={
            "subject": f"{subject._meta.label_lower}:{subject.pk}", "leader": leader, "text": text,
            "given_on": day})
    return instruction


# --- commissioned studies -------------------------------------------------------------------------

def study_snapshot(study: Study) -> dict:
    return {"organization": study.organization_id, "title": study.title, "campaign": study.campaign_id,
            "source": study.source, "status": study.status, "team": sorted(study.team.values_list("pk", flat=True))}


def study_create(*, by, organization: Organization, data: dict, team=(), campaign: Campaign | None = None) -> Study:
    """A commissioned study (调研课题) of ``organization``: title, the event or campaign that produced
    it, its team (person records)."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=_pk(organization))
    title = _text(data, "title", _("Enter the title of the study."), 200)
    with transaction.atomic():
        if campaign is not None:
            campaign = _campaign(by, campaign, lock=False)
        study = Study.objects.create(organization=organization, title=title, campaign=campaign,
                                     source=str(data.get("source") or "").strip()[:300], created_by=by)
        study.team.set(Person.objects.current().filter(pk__in=[_pk(p) for p in team]))
        audit_record(action="create", by=by, obj=study, new=study_snapshot(study))
    return study


def milestone_add(*, by, study: Study, title: str, due_on: dt.date) -> Milestone:
    """Add a milestone with its due date to an ongoing study."""
    title = str(title or "").strip()[:200]
    if not title:
        raise ValidationError({"title": _("Name the milestone.")})
    if not due_on:
        raise ValidationError({"due_on": _("Enter the due date.")})
    with transaction.atomic():
        study = _study(by, study)
        if study.status != StudyStatus.UNDERWAY:
            raise ValidationError(_("The study is “%(status)s”.") % {"status": study.get_status_display()})
        milestone = Milestone.objects.create(study=study, title=title, due_on=due_on)
        audit_record(action="create", by=by, obj=milestone, new={"study": study.pk, "title": title, "due_on": due_on})
    return milestone


def milestone_done(*, by, milestone: Milestone, report: str, day: dt.date) -> Milestone:
    """Mark a milestone done with its report."""
    report = str(report or "").strip()
    if not report:
        raise ValidationError({"report": _("Write what was done.")})
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=_pk(milestone))
        _study(by, milestone.study_id)
        old = {"done_on": milestone.done_on, "report": milestone.report}
        milestone.done_on, milestone.report = day or timezone.localdate(), report
        milestone.save(update_fields=["done_on", "report"])
        audit_record(action="update", by=by, obj=milestone, old=old,
                     new={"done_on": milestone.done_on, "report": report})
    return milestone


def study_report(*, by, study: Study, report: str, day: dt.date) -> Study:
    """Hand in the study's final report: the study is then reported."""
    report = str(report or "").strip()
    if not report:
        raise ValidationError({"report": _("Write the final report.")})
    with transaction.atomic():
        study = _study(by, study)
        if study.status != StudyStatus.UNDERWAY:
            raise ValidationError(_("The study is “%(status)s”.") % {"status": study.get_status_display()})
        old = study_snapshot(study)
        study.report, study.reported_on, study.status = report, day or timezone.localdate(), StudyStatus.REPORTED
        study.save(update_fields=["report", "reported_on", "status"])
        audit_record(action="submit", by=by, obj=study, old=old, new=study_snapshot(study))
    return study
