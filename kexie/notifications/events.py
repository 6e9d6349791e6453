"""The notifications raised by tracking's services, one function per event.

Each is called by the service inside its transaction, after the change: the notification and its
e-mail commit or roll back with the change itself. Texts are written in the platform's language
(settings.LANGUAGE_CODE), whatever the language of the request that raised the event, because
they are stored and mailed. The acting user is never told about their own action.
"""

import datetime as dt

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from kexie.organizations.models import Organization
from kexie.plans.models import Assignment

from .models import Kind
from .selectors import unit_reporters
from .services import notify


def day_label(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def task_url(item) -> str:
    """Where a notification about a task leads: its tracking page, else the ledger of its plan."""
    try:
        return reverse("tracking:task", kwargs={"item_pk": item.pk})
    except NoReverseMatch:
        return reverse("ledger:plan", kwargs={"pk": item.plan_id})


def report_url(report) -> str:
    try:
        return reverse("tracking:report", kwargs={"pk": report.pk})
    except NoReverseMatch:
        return task_url(report.item)


def notice_url(notice) -> str:
    try:
        return reverse("supervision:detail", kwargs={"pk": notice.pk})
    except NoReverseMatch:
        return task_url(notice.item)


def _sentences(*parts: str) -> str:
    """Sentences run together in Chinese, separated by a space in other languages."""
    separator = "" if (translation.get_language() or "").startswith("zh") else " "
    return separator.join(part for part in parts if part)


def _others(users, by):
    return [user for user in users if user is not None and (by is None or user.pk != by.pk)]


def report_submitted(*, by, report, refiled: bool = False) -> None:
    """To the reviewers at the task's issuer: a report was filed (``refiled``: filed again after a
    return) and waits for them. One event per filing: a report filed again is told again."""
    # Imported here: tracking's services, which raise this event, import this module.
    from kexie.tracking.selectors import report_reviewers

    with translation.override(settings.LANGUAGE_CODE):
        params = {"task": report.item.title, "cycle": report.cycle.label, "org": report.organization.name,
                  "percent": report.percent}
        body = _sentences(_("%(org)s filed its progress report on “%(task)s” for %(cycle)s: %(percent)s%% "
                            "complete.") % params,
                          _("It was filed again after being returned.") if refiled else "",
                          _("It was filed after the due date.") if report.late else "")
        notify(recipients=_others(report_reviewers(report), by), kind=Kind.REPORT_SUBMITTED,
               title=_("To review: the progress report of %(org)s on “%(task)s”, %(cycle)s") % params,
               body=body, url=report_url(report), obj=report,
               key=f"report_submitted:{report.pk}:{report.submitted_at.isoformat()}")


def report_returned(*, by, report) -> None:
    """To the filer: the report was returned, with the reason."""
    with translation.override(settings.LANGUAGE_CODE):
        params = {"task": report.item.title, "cycle": report.cycle.label, "org": report.organization.name,
                  "reviewer": by.organization.name if by and by.organization_id else "", "reason": report.return_reason}
        notify(recipients=_others([report.submitted_by], by), kind=Kind.REPORT_RETURNED,
               title=_("Report returned: “%(task)s”, %(cycle)s") % params,
               body=_("%(reviewer)s returned the progress report of %(org)s on “%(task)s” for %(cycle)s. "
                      "Reason: %(reason)s") % params,
               url=task_url(report.item), obj=report,
               key=f"report_returned:{report.pk}:{report.reviewed_at.isoformat()}")


def deferral_decided(*, by, deferral) -> None:
    """To the requester: the deferral was approved (the new deadline) or refused (the reason)."""
    with translation.override(settings.LANGUAGE_CODE):
        params = {"task": deferral.item.title, "requested": day_label(deferral.requested_due),
                  "previous": day_label(deferral.previous_due) if deferral.previous_due else "—",
                  "note": deferral.decision_note}
        if deferral.status == "approved":
            title = _("Deferral approved: “%(task)s”") % params
            body = _sentences(_("The deadline of “%(task)s” moves from %(previous)s to %(requested)s.") % params,
                              _("Note: %(note)s") % params if deferral.decision_note else "")
        else:
            title = _("Deferral refused: “%(task)s”") % params
            body = _("The request to move the deadline of “%(task)s” to %(requested)s was refused. "
                     "Reason: %(note)s") % params
        notify(recipients=_others([deferral.requested_by], by), kind=Kind.DEFERRAL_DECIDED, title=title, body=body,
               url=task_url(deferral.item), obj=deferral, key=f"deferral_decided:{deferral.pk}")


def supervision_issued(*, by, notice) -> None:
    """To the users who report for the supervised unit: a supervision notice (督办单) arrived."""
    with translation.override(settings.LANGUAGE_CODE):
        params = {"number": notice.number, "task": notice.item.title, "org": notice.organization.name,
                  "issuer": notice.issuer.name, "reason": notice.reason, "due": day_label(notice.reply_due)}
        notify(recipients=_others(unit_reporters(notice.organization), by), kind=Kind.SUPERVISION_ISSUED,
               title=_("Supervision notice %(number)s: “%(task)s”") % params,
               body=_("%(issuer)s issued supervision notice %(number)s to %(org)s on “%(task)s”. "
                      "Reason: %(reason)s Reply by %(due)s.") % params,
               url=notice_url(notice), obj=notice, key=f"supervision_issued:{notice.pk}")


def supervision_replied(*, by, notice) -> None:
    """To the user who issued the notice: the unit replied."""
    with translation.override(settings.LANGUAGE_CODE):
        params = {"number": notice.number, "task": notice.item.title, "org": notice.organization.name,
                  "text": notice.reply_text}
        body = _sentences(_("%(org)s replied to supervision notice %(number)s on “%(task)s”: %(text)s") % params,
                          _("The reply came after its deadline.") if notice.replied_late else "")
        notify(recipients=_others([notice.issued_by], by), kind=Kind.SUPERVISION_REPLIED,
               title=_("%(org)s replied to supervision notice %(number)s") % params, body=body,
               url=notice_url(notice), obj=notice, key=f"supervision_replied:{notice.pk}")


def instruction_added(*, by, instruction) -> None:
    """To the users who report for the task's responsible units: a leader's instruction (批示)."""
    item = instruction.item
    unit_ids = Assignment.objects.filter(item=item, organization__isnull=False).values("organization_id")
    recipients = []
    for unit in Organization.objects.filter(pk__in=unit_ids).order_by("pk"):
        recipients += unit_reporters(unit)
    with translation.override(settings.LANGUAGE_CODE):
        params = {"task": item.title, "text": instruction.text,
                  "author": (by.full_name or by.username) if by else "",
                  "org": by.organization.name if by and by.organization_id else ""}
        notify(recipients=_others(recipients, by), kind=Kind.INSTRUCTION,
               title=_("Leader's instruction on “%(task)s”") % params,
               body=_("%(org)s %(author)s: %(text)s") % params,
               url=task_url(item), obj=instruction, key=f"instruction:{instruction.pk}")
