"""Calls for abstracts of conferences: opening and closing a call, an S&T worker's own submission,
sending the call to review on the panels engine and deciding each abstract.

The review is not done here: :func:`review_send` opens a ``panels`` review round (as the award
calls do, :func:`kexie.awards.services.review_start`) with one item per abstract, its author's
person record attached for the conflict checks. Drawing the panel, seats, assignment and scores
all happen on the round's own pages. :func:`submission_decide` then records the organisers'
decision with the panel's score and rank, and tells the submitter through the notifications."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.notifications.models import Kind as NotificationKind
from kexie.notifications.services import notify
from kexie.panels import services as panels
from kexie.panels.models import Decision, Outcome, RoundKind
from kexie.panels.selectors import RANKED_STATES, ranking
from kexie.people.models import Person

from .models import Activity, ActivityKind, ActivityStatus
from .models_abstracts import AbstractCall, AbstractSubmission, CallStatus, SubmissionStatus

MANAGE = "activity.manage"
VIEW = "activity.view"
REVIEW = "expert.manage"  # opening a panels round needs it, as for any other review
# The review form of an abstract unless the organisers give their own (points per criterion).
DEFAULT_FORM = [{"code": "quality", "name": "学术水平", "max": 40}, {"code": "novelty", "name": "创新性", "max": 30},
                {"code": "relevance", "name": "与会议主题的契合度", "max": 30}]


def _pk(value):
    return getattr(value, "pk", value)


def _clean_call(data: dict) -> dict:
    opens, closes = data.get("opens_on"), data.get("closes_on")
    if not isinstance(opens, dt.date):
        raise ValidationError({"opens_on": _("Enter the day the call opens.")})
    if not isinstance(closes, dt.date):
        raise ValidationError({"closes_on": _("Enter the day the call closes.")})
    if closes < opens:
        raise ValidationError({"closes_on": _("The call cannot close before it opens.")})
    topics = "\n".join(line.strip()[:200] for line in str(data.get("topics") or "").splitlines() if line.strip())
    return {"opens_on": opens, "closes_on": closes, "topics": topics}


def call_snapshot(call: AbstractCall) -> dict:
    return {"activity": call.activity_id, "opens_on": call.opens_on, "closes_on": call.closes_on,
            "topics": call.topics, "status": call.status, "review_round": call.review_round_id}


def call_open(*, by, activity: Activity, data: dict) -> AbstractCall:
    """Open a call for abstracts for an academic conference (planned, or held: the call it ran)."""
    _require(by, MANAGE)
    fields = _clean_call(data)
    with transaction.atomic():
        activity = access_object(Activity.objects.select_for_update(), by, MANAGE, pk=_pk(activity))
        if activity.kind != ActivityKind.CONFERENCE:
            raise ValidationError({"activity": _("Only an academic conference calls for abstracts.")})
        if activity.status == ActivityStatus.CANCELLED:  # a held one may record the call it ran
            raise ValidationError({"activity": _("A cancelled conference cannot open a call for abstracts.")})
        if AbstractCall.objects.filter(activity=activity).exists():
            raise ValidationError({"activity": _("This conference already has a call for abstracts.")})
        if fields["closes_on"] > activity.starts_on:
            raise ValidationError({"closes_on": _("The call must close by the day the conference starts.")})
        call = AbstractCall.objects.create(activity=activity, created_by=by, **fields)
        audit_record(action="create", by=by, obj=call, new=call_snapshot(call))
    return call


def _call(by, call, action=MANAGE) -> AbstractCall:
    _require(by, action)
    return access_object(AbstractCall.objects.select_for_update().select_related("activity"), by, action,
                         pk=_pk(call))


def call_close(*, by, call: AbstractCall) -> AbstractCall:
    """Stop taking abstracts before the closing day (the call closes by itself after it)."""
    with transaction.atomic():
        call = _call(by, call)
        if call.status != CallStatus.OPEN:
            raise ValidationError(_("The call is no longer open."))
        call.status = CallStatus.CLOSED
        call.save(update_fields=["status"])
        audit_record(action="status", by=by, obj=call, old={"status": CallStatus.OPEN}, new={"status": call.status})
    return call


def is_taking(call: AbstractCall, today: dt.date) -> bool:
    """Whether ``call`` takes abstracts on ``today``."""
    return call.status == CallStatus.OPEN and call.opens_on <= today <= call.closes_on


def open_calls(today: dt.date | None = None):
    """The calls taking abstracts today (what an S&T worker may submit to)."""
    today = today or timezone.localdate()
    return AbstractCall.objects.filter(status=CallStatus.OPEN, opens_on__lte=today, closes_on__gte=today) \
        .select_related("activity__organization").order_by("closes_on", "pk")


def own_person(by) -> Person | None:
    """The one person record linked to the account (``Person.account``), if any."""
    return Person.objects.current().filter(account_id=by.pk).first()


def submission_submit_mine(*, by, call: AbstractCall, data: dict, today: dt.date | None = None) -> AbstractSubmission:
    """An S&T worker's own abstract to an open call, credited to the person record linked to their
    account (when there is one)."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("You do not have permission to do this."))
    title = str(data.get("title") or "").strip()
    authors = str(data.get("authors") or "").strip()
    abstract = str(data.get("abstract") or "").strip()
    topic = str(data.get("topic") or "").strip()
    if not title:
        raise ValidationError({"title": _("Enter the title of the paper.")})
    if not authors:
        raise ValidationError({"authors": _("Name the authors.")})
    if not abstract:
        raise ValidationError({"abstract": _("Enter the abstract.")})
    if len(abstract) > 5000:
        raise ValidationError({"abstract": _("The abstract is at most 5,000 characters long.")})
    with transaction.atomic():
        call = AbstractCall.objects.select_for_update().filter(pk=_pk(call)).first()
        if call is None:
            raise ValidationError({"call": _("Choose the call for abstracts.")})
        if not is_taking(call, today or timezone.localdate()):
            raise ValidationError({"call": _("This call for abstracts is not open.")})
        topics = call.topic_list()
        if topics and topic not in topics:
            raise ValidationError({"topic": _("Choose one of the call's topics.")})
        submission = AbstractSubmission.objects.create(
            call=call, submitted_by=by, person=own_person(by), title=title[:300], authors=authors[:500],
            abstract=abstract, topic=topic[:200])
        audit_record(action="create", by=by, obj=submission, new={
            "call": call.pk, "title": submission.title, "authors": submission.authors, "topic": submission.topic,
            "person": submission.person_id})
    return submission


def review_send(*, by, call: AbstractCall, data: dict | None = None, library=None):
    """Send a closed call's abstracts to review: a panels round kept by the conference's host, one
    item per abstract with the author's person record for the conflict checks. The panels engine
    takes it from there (draw, seats, assignment, scores)."""
    data = dict(data or {})
    data.setdefault("form", DEFAULT_FORM)
    _require(by, REVIEW)
    with transaction.atomic():
        call = _call(by, call)
        if call.status == CallStatus.OPEN and call.closes_on >= timezone.localdate():
            raise ValidationError(_("Close the call before sending its abstracts to review."))
        if call.review_round_id is not None:
            raise ValidationError(_("The abstracts have already been sent to review."))
        submissions = list(call.submissions.filter(status=SubmissionStatus.SUBMITTED).select_related("person"))
        if not submissions:
            raise ValidationError(_("No abstract was submitted; there is nothing to review."))
        activity = call.activity
        round = panels.round_create(by=by, organization=activity.organization, data={
            "title": data.pop("title", None) or f"{activity.title}论文摘要评审", "kind": RoundKind.OTHER, **data},
            library=library)
        # The author's own record goes on the item for the conflict checks when the clerk may see it
        # (the engine takes only person records in the clerk's scope).
        visible = set(Person.objects.current().restrict(by, "person.view").filter(
            pk__in=[s.person_id for s in submissions if s.person_id]).values_list("pk", flat=True))
        items = panels.items_add(by=by, round=round, items=[{
            "title": s.title, "text": f"{s.authors}\n\n{s.abstract}", "disciplines": [s.topic] if s.topic else [],
            "organization": activity.organization,
            "persons": [s.person] if s.person_id in visible else [], "source_object": s,
            "source": "论文摘要"} for s in submissions])
        for s, item in zip(submissions, items):
            s.review_item, s.status = item, SubmissionStatus.UNDER_REVIEW
            s.save(update_fields=["review_item", "status"])
        old = call.status
        call.review_round, call.status = round, CallStatus.REVIEW
        call.save(update_fields=["review_round", "status"])
        audit_record(action="review", by=by, obj=call, old={"status": old},
                     new={"status": call.status, "review_round": round.pk, "items": len(items)})
    return round


def panel_result(submission: AbstractSubmission) -> dict:
    """What the round says of the abstract: its score and rank once scoring is closed, and the
    panel's outcome once the round is decided."""
    result = {"ranked": False, "score": None, "rank": None, "outcome": None}
    item_id = submission.review_item_id
    round = submission.call.review_round if submission.call.review_round_id else None
    if round is None or item_id is None or round.status not in RANKED_STATES:
        return result
    result["ranked"] = True
    for row in ranking(round):
        if row.item == item_id:
            result["score"], result["rank"] = row.score, row.rank
    result["outcome"] = Decision.objects.filter(item_id=item_id).values_list("outcome", flat=True).first()
    return result


def submission_decide(*, by, submission: AbstractSubmission, accept: bool, note: str = "") -> AbstractSubmission:
    """Accept or reject an abstract under review, once the panel's scoring is closed; the panel's
    score and rank are kept with the decision. Where the round has decided the item, going against
    the panel needs a note. The submitter is notified."""
    _require(by, MANAGE)
    note = str(note or "").strip()
    with transaction.atomic():
        submission = access_object(AbstractSubmission.objects.select_for_update(of=("self",)).select_related(
            "call__review_round", "call__activity"), by, MANAGE, pk=_pk(submission))
        if submission.status != SubmissionStatus.UNDER_REVIEW:
            raise ValidationError(_("Only an abstract under review can be decided."))
        result = panel_result(submission)
        if not result["ranked"]:
            raise ValidationError(_("The panel has not finished scoring; decide once the round's scoring is closed."))
        if result["outcome"] is not None and (result["outcome"] == Outcome.APPROVED) != bool(accept) and not note:
            raise ValidationError({"note": _("The panel decided otherwise: give the reason for this decision.")})
        old = {"status": submission.status}
        submission.status = SubmissionStatus.ACCEPTED if accept else SubmissionStatus.REJECTED
        submission.panel_score, submission.panel_rank = result["score"], result["rank"]
        submission.decision_note, submission.decided_at, submission.decided_by = note[:500], timezone.now(), by
        submission.save(update_fields=["status", "panel_score", "panel_rank", "decision_note", "decided_at",
                                       "decided_by"])
        audit_record(action="decide", by=by, obj=submission, old=old, new={
            "status": submission.status, "panel_score": submission.panel_score, "panel_rank": submission.panel_rank,
            "note": submission.decision_note})
        conference = submission.call.activity.title
        if accept:
            title = _("Your abstract to %(conference)s was accepted") % {"conference": conference}
        else:
            title = _("Your abstract to %(conference)s was not accepted") % {"conference": conference}
        notify(recipients=[submission.submitted_by], kind=NotificationKind.ABSTRACT, title=title,
               body=f"《{submission.title}》" + (f"\n{submission.decision_note}" if submission.decision_note else ""),
               url=reverse("activities:my_abstracts"), key=f"abstract-decided:{submission.pk}", obj=submission)
    return submission


def home_items(user) -> list:
    """The account's own abstracts for its home page (科技工作者之家), newest first."""
    from kexie.accounts.home import HomeItem

    if not getattr(user, "is_authenticated", False):
        return []
    return [HomeItem(title=s.title, url=reverse("activities:my_abstracts"), status=s.get_status_display(),
                     when=s.submitted_at, detail=s.call.activity.title)
            for s in AbstractSubmission.objects.filter(submitted_by=user).select_related("call__activity")
            .order_by("-submitted_at", "-pk")[:5]]
