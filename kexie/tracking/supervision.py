"""Supervision notices (督办单) and leaders' instructions (批示) on tracked tasks.

A supervision notice is issued by the reform office (``supervise.manage``) on a task to one of
its responsible units, which must reply by a deadline; the issuer then closes it. Who may do
what follows the reports' rules (see :mod:`kexie.tracking.services`):

* issuing and closing: the task must be in the issuer's scope (else 404) and the issuer's
  organisation the task's issuer — the plan's owner, or the organisation that handed it down —
  or above it (else 403); the addressed unit must be in scope and responsible for the task;
* replying: the notice's unit must be in the replier's scope (``report.submit``), else 404; and
  the issuing side (the issuer's organisation or one above it, who close the notice) may not
  answer its own notice unless the replier files for the unit itself — a member of it or the
  holder of a post there (:func:`kexie.notifications.selectors.is_unit_reporter`) — else 403.

Each service runs in one transaction and writes its audit row inside it; those rows are the
notice's history. Selectors take ``today=`` because "overdue" is derived from the calendar.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object, is_at_or_above
from kexie.audit.services import audit_record
from kexie.notifications import events as notification_events
from kexie.notifications.selectors import is_unit_reporter
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.plans.models import PlanItem

from .models import Instruction, NoticeStatus, SupervisionEvidence, SupervisionNotice
from .services import (
    check_evidence,
    _day,
    _require,
    _require_issuer,
    _require_responsible,
    responsible_organization_ids,
)


def _today(today):
    """Notices run on the calendar (reply deadlines, the year of their number): the real day."""
    return today or timezone.localdate()

# The number of an official supervision notice follows the Chinese document-number convention
# (发文字号); it is data printed on the notice, the same in every UI language.
NUMBER_FORMAT = "督办〔{year}〕{sequence}号"


def on_issuing_side(user, notice: SupervisionNotice) -> bool:
    """Whether ``user``'s organisation issued ``notice`` or is above the one that did: the side
    that closes a notice."""
    return is_at_or_above(user, notice.issuer_id)


def answers_for_unit(user, notice: SupervisionNotice) -> bool:
    """Whether ``user`` may answer ``notice`` as its unit (scope aside): anyone but the issuing
    side, unless they file for the addressed unit themselves. A notice is not answered by whoever
    sent it, though a national office may file reports for every unit below it."""
    return not on_issuing_side(user, notice) or is_unit_reporter(user, notice.organization)


def _next_sequence(issuer: Organization, year: int) -> int:
    # Lock the issuer's row so that two notices issued at once do not draw the same number;
    # the unique constraint is the last line of defence.
    Organization.objects.select_for_update().filter(pk=issuer.pk).first()
    last = SupervisionNotice.objects.filter(issuer=issuer, year=year).aggregate(n=Max("sequence"))["n"]
    return (last or 0) + 1


@transaction.atomic
def supervision_issue(*, by, item: PlanItem, organization: Organization, reason: str, reply_due: dt.date,
                      today: dt.date | None = None) -> SupervisionNotice:
    """Issue a supervision notice (下发督办单) on ``item`` to its responsible unit ``organization``.

    The reply deadline must be after ``today``. The notice gets the next number of the issuing
    organisation (the issuer's own organisation) for the current year.
    """
    today = _today(today)
    _require(by, "supervise.manage")
    item = access_object(PlanItem.objects.select_related("plan"), by, "supervise.manage", pk=item.pk)
    organization = access_object(Organization, by, "supervise.manage", pk=organization.pk)
    _require_issuer(by, item)
    _require_responsible(by, item, organization)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the supervision notice.")})
    if not isinstance(reply_due, dt.date):
        raise ValidationError({"reply_due": _("Give the reply deadline as a date.")})
    if reply_due <= today:
        raise ValidationError({"reply_due": _("The reply deadline must be after today (%(today)s).")
                               % {"today": _day(today)}})
    issuer = by.organization
    sequence = _next_sequence(issuer, today.year)
    try:
        with transaction.atomic():
            notice = SupervisionNotice.objects.create(
                item=item, organization=organization, issuer=issuer, year=today.year, sequence=sequence,
                number=NUMBER_FORMAT.format(year=today.year, sequence=sequence), reason=reason,
                reply_due=reply_due, issued_by=by)
    except IntegrityError:
        raise ValidationError({"number": _("Another supervision notice took this number a moment ago; please "
                                           "issue it again.")}) from None
    audit_record(action="issue", by=by, obj=notice, new={
        "number": notice.number, "item": item.pk, "organization": organization.pk, "reason": reason,
        "reply_due": reply_due})
    notification_events.supervision_issued(by=by, notice=notice)
    return notice


@transaction.atomic
def supervision_reply(*, by, notice: SupervisionNotice, text: str, evidence=(),
                      now: dt.datetime | None = None) -> SupervisionNotice:
    """Reply to a supervision notice (督办回复) for its unit, with optional evidence files.

    A reply after the deadline is accepted but recorded as late. A closed or already answered
    notice takes no further reply.
    """
    now = now or timezone.now()
    _require(by, "report.submit")
    notice = access_object(SupervisionNotice.objects.select_for_update().select_related("issuer", "organization"),
                           by, "report.submit", pk=notice.pk)
    if not answers_for_unit(by, notice):
        raise PermissionDenied(_("Supervision notice %(number)s was issued by %(issuer)s; %(unit)s answers it.")
                               % {"number": notice.number, "issuer": notice.issuer.name,
                                  "unit": notice.organization.name})
    if notice.status != NoticeStatus.ISSUED:
        raise ValidationError({"status": _("Supervision notice %(number)s is %(status)s and takes no further reply.")
                               % {"number": notice.number, "status": notice.get_status_display()}})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the reply to supervision notice %(number)s.")
                               % {"number": notice.number}})
    check_evidence(evidence)
    notice.status, notice.reply_text = NoticeStatus.REPLIED, text
    notice.replied_by, notice.replied_at = by, now
    notice.replied_late = timezone.localdate(now) > notice.reply_due
    notice.save(update_fields=["status", "reply_text", "replied_by", "replied_at", "replied_late"])
    for upload in evidence:
        SupervisionEvidence.objects.create(notice=notice, file=upload, name=upload.name[:255],
                                           size=getattr(upload, "size", 0) or 0, uploaded_by=by)
    audit_record(action="reply", by=by, obj=notice, old={"status": NoticeStatus.ISSUED}, new={
        "status": NoticeStatus.REPLIED, "text": text, "late": notice.replied_late, "evidence": len(evidence)})
    notification_events.supervision_replied(by=by, notice=notice)
    return notice


@transaction.atomic
def supervision_close(*, by, notice: SupervisionNotice) -> SupervisionNotice:
    """Close a replied supervision notice (办结): the issuing organisation, or one above it."""
    _require(by, "supervise.manage")
    notice = access_object(SupervisionNotice.objects.select_for_update().select_related("issuer"), by,
                           "supervise.manage", pk=notice.pk)
    if not on_issuing_side(by, notice):
        raise PermissionDenied(_("Only %(issuer)s (which issued this notice) or a level above it may close it.")
                               % {"issuer": notice.issuer.name})
    if notice.status != NoticeStatus.REPLIED:
        raise ValidationError({"status": _("Supervision notice %(number)s can be closed only after its unit has "
                                           "replied; it is %(status)s.")
                               % {"number": notice.number, "status": notice.get_status_display()}})
    notice.status, notice.closed_by, notice.closed_at = NoticeStatus.CLOSED, by, timezone.now()
    notice.save(update_fields=["status", "closed_by", "closed_at"])
    audit_record(action="close", by=by, obj=notice, old={"status": NoticeStatus.REPLIED},
                 new={"status": NoticeStatus.CLOSED})
    return notice


@transaction.atomic
def instruction_add(*, by, item: PlanItem, text: str) -> Instruction:
    """Record a leader's instruction (批示) on a task in the leader's scope."""
    _require(by, "supervise.manage")
    item = access_object(PlanItem.objects.select_related("plan"), by, "supervise.manage", pk=item.pk)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the instruction on task “%(task)s”.") % {"task": item.title}})
    instruction = Instruction.objects.create(item=item, text=text, author=by, organization=by.organization)
    audit_record(action="instruct", by=by, obj=instruction, new={"item": item.pk, "text": text})
    notification_events.instruction_added(by=by, instruction=instruction)
    return instruction


# --- reads -----------------------------------------------------------------------------------

def instructions_for(item: PlanItem, user):
    """The instructions on ``item``, newest first, for a user who may see the task or who has one
    of its responsible units in scope; Http404 for anyone else."""
    visible_task = PlanItem.objects.restrict(user, "plan.view").filter(pk=item.pk).exists()
    if not visible_task:
        responsible = responsible_organization_ids(item)
        if not Organization.objects.restrict(user, "plan.view").filter(pk__in=responsible).exists():
            raise Http404
    return Instruction.objects.filter(item_id=item.pk).select_related("author", "organization")


def notices_for(user, action: str = "plan.view"):
    """Supervision notices addressed to units in the user's scope."""
    return SupervisionNotice.objects.restrict(user, action)


def notices_in_subtree(*, user, organization: Organization):
    """Notices addressed to ``organization`` or any unit below it, as far as the user may see."""
    below = OrganizationClosure.objects.filter(ancestor=organization).values("descendant_id")
    return notices_for(user).filter(organization_id__in=below).select_related("item", "organization", "issuer")


def open_notices(*, user, organization: Organization):
    """Notices in the subtree not yet closed (issued, overdue or replied)."""
    return notices_in_subtree(user=user, organization=organization).exclude(status=NoticeStatus.CLOSED)


def overdue_notices(*, user, organization: Organization, today: dt.date | None = None):
    """Notices in the subtree still waiting for a reply after their reply deadline."""
    return (notices_in_subtree(user=user, organization=organization)
            .filter(Q(status=NoticeStatus.ISSUED) & Q(reply_due__lt=_today(today))).order_by("reply_due", "id"))


def instructions_visible(user, action: str = "plan.view"):
    """Every instruction ``user`` may read: on a task in scope, or on a task one of whose
    responsible units is in scope (the rule of :func:`instructions_for`, for lists)."""
    tasks = PlanItem.objects.restrict(user, action).values("pk")
    units = Organization.objects.restrict(user, action).values("pk")
    return (Instruction.objects.filter(Q(item__in=tasks) | Q(item__assignments__organization__in=units))
            .distinct().select_related("item", "author", "organization"))


def status_q(status: str, today: dt.date) -> Q:
    """The rows whose status on ``today`` is ``status``: overdue is derived, never stored."""
    if status == NoticeStatus.OVERDUE:
        return Q(status=NoticeStatus.ISSUED, reply_due__lt=today)
    if status == NoticeStatus.ISSUED:
        return Q(status=NoticeStatus.ISSUED, reply_due__gte=today)
    return Q(status=status)
