"""The daily job ``visit_reminders``: the owner of each follow-up past its due date, and the staff
member in charge of each contact duty past its cadence, is told so (in the application and by
e-mail), with the link to the visit or to the contact duties.

Idempotent: a reminder's key names the visit or the duty and the period of ``REMIND_EVERY_DAYS``
days, so a second run the same day (or the same week) sends nothing twice, and an item still
overdue the next period is recalled once more. One audit row sums up each run.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kexie.audit.services import audit_record
from kexie.notifications.models import Kind as NotificationKind
from kexie.notifications.services import notify

from .models import ContactDuty, Visit
from .selectors import overdue_duties, overdue_followups, with_last_contact

REMIND_EVERY_DAYS = 7


def visit_reminders_send(*, today: dt.date | None = None) -> dict:
    """Send the day's reminders (see the module docstring), in one transaction."""
    today = today or timezone.localdate()
    period = today.toordinal() // REMIND_EVERY_DAYS
    followups = contacts = 0
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        visits = Visit.objects.select_related("followup_owner", "county")
        for visit in overdue_followups(visits, today):
            values = {"target": visit.target, "date": visit.date.isoformat(), "due": visit.followup_due.isoformat(),
                      "days": (today - visit.followup_due).days}
            sent = notify(recipients=[visit.followup_owner], kind=NotificationKind.FOLLOW_UP,
                          title=_("Overdue follow-up: the visit to %(target)s on %(date)s") % values,
                          body=_("The follow-up of the visit to %(target)s on %(date)s was due on %(due)s and is "
                                 "%(days)s days overdue. Please follow it up and record the outcome.") % values,
                          url=reverse("visits:visit_detail", args=[visit.pk]),
                          key=f"visits.followup.{visit.pk}.{period}", obj=visit)
            followups += bool(sent.notifications or sent.mails)
        for duty in overdue_duties(with_last_contact(ContactDuty.objects.all()), today):
            values = {"name": duty.person.name, "due": duty.due_on.isoformat(), "days": duty.days_over,
                      "cadence": duty.cadence_days}
            sent = notify(recipients=[duty.owner], kind=NotificationKind.CONTACT_DUE,
                          title=_("Contact due: %(name)s") % values,
                          body=_("You keep in touch with %(name)s every %(cadence)s days; the next contact was due "
                                 "on %(due)s (%(days)s days ago). Please get in touch and record the contact.")
                          % values,
                          url=reverse("visits:contacts"), key=f"visits.contact.{duty.pk}.{period}", obj=duty)
            contacts += bool(sent.notifications or sent.mails)
        result = {"day": today.isoformat(), "followups": followups, "contacts": contacts}
        audit_record(action="remind", detail="visit reminders", new=result)
    return result
