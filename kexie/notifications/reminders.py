"""Reminders (提醒) before a reporting cycle's filing due date and urging notices (催办) after it.

Run once a day (``kexie tracking_remind``, a systemd timer, or the ``send_reminders`` job). For
every reporting cycle of a plan in force, each (task, responsible unit) pair not yet filed
(:func:`kexie.tracking.selectors.unfiled`) gets, by the calendar:

* from ``KEXIE_REMIND_DAYS_BEFORE`` days before ``due_on`` until ``due_on``: a reminder to the
  unit's reporters (users who hold ``report.submit`` there);
* from the day after ``due_on``: an urging notice (level 1) to the same users, recorded as an
  ``Urging`` row;
* from ``KEXIE_URGE_ESCALATE_DAYS`` after the level-1 notice: a level-2 urging notice to the
  unit's head (a current position marked ``is_head``).

A unit with nobody to tell in the application gets the e-mail at its contact address instead.
"From" rather than "on": a day the job did not run (a server down over a weekend) is caught up
the next time, for up to ``CATCH_UP_DAYS`` after the escalation would have fallen due.

Idempotent: a notice's key names the stage, cycle, task and unit (and the recipient), and an
urging level is recorded once, so running twice the same day, or again after a crash (whose
transaction rolled back), sends nothing twice. Tasks already completed are not chased.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kexie.audit.services import audit_record
from kexie.organizations.models import Organization
from kexie.plans.models import ItemStatus, PlanItem, PlanStatus
from kexie.tracking.models import ReportingCycle
from kexie.tracking.selectors import unfiled

from .events import day_label, task_url
from .models import Kind, Urging
from .selectors import unit_heads, unit_reporters
from .services import notify

CATCH_UP_DAYS = 7


@dataclass
class ReminderRun:
    """What one run sent: reminders, urging notices (level 1) and escalations (level 2) — each
    counted per (task, unit) — and the notifications and e-mails they made."""

    day: dt.date
    reminded: int = 0
    urged: int = 0
    escalated: int = 0
    notifications: int = 0
    mails: int = 0

    def as_dict(self) -> dict:
        values = asdict(self)
        values["day"] = self.day.isoformat()
        return values


def open_cycles(today: dt.date):
    """Cycles of plans in force that the job still follows on ``today``."""
    before = settings.KEXIE_REMIND_DAYS_BEFORE
    after = 1 + settings.KEXIE_URGE_ESCALATE_DAYS + CATCH_UP_DAYS
    return (ReportingCycle.objects.filter(plan__status=PlanStatus.ACTIVE,
                                          due_on__lte=today + dt.timedelta(days=before),
                                          due_on__gte=today - dt.timedelta(days=after))
            .select_related("plan").order_by("due_on", "pk"))


class _Recipients:
    """Who to tell in each unit, looked up once per run."""

    def __init__(self, today: dt.date):
        self.today, self._reporters, self._heads = today, {}, {}

    def reporters(self, org: Organization) -> list:
        if org.pk not in self._reporters:
            self._reporters[org.pk] = unit_reporters(org, self.today)
        return self._reporters[org.pk] or [org.contact_email]

    def heads(self, org: Organization) -> list:
        if org.pk not in self._heads:
            self._heads[org.pk] = unit_heads(org, self.today)
        return self._heads[org.pk] or [org.contact_email]


def _urging_recorded(cycle, item, org, level: int, today: dt.date) -> None:
    # ignore_conflicts: a second run at the same moment waits on the unique key, then adds nothing.
    Urging.objects.bulk_create([Urging(cycle=cycle, item=item, organization=org, level=level, sent_on=today)],
                               ignore_conflicts=True)


def reminders_send(*, today: dt.date | None = None) -> ReminderRun:
    """Send the day's reminders and urging notices (see the module docstring), in one transaction,
    and write one audit row summing up the run."""
    today = today or timezone.localdate()
    escalate_after = dt.timedelta(days=settings.KEXIE_URGE_ESCALATE_DAYS)
    run = ReminderRun(day=today)
    people = _Recipients(today)
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for cycle in open_cycles(today):
            pairs = unfiled(cycle=cycle)
            if not pairs:
                continue
            items = PlanItem.objects.in_bulk({item_id for item_id, _org in pairs})
            orgs = Organization.objects.in_bulk({org_id for _item, org_id in pairs})
            urged = {(u.item_id, u.organization_id, u.level): u.sent_on for u in Urging.objects.filter(cycle=cycle)}
            for item_id, org_id in pairs:
                item, org = items[item_id], orgs[org_id]
                if item.status == ItemStatus.COMPLETED:
                    continue
                params = {"task": item.title, "cycle": cycle.label, "org": org.name, "due": day_label(cycle.due_on)}
                where = f"c{cycle.pk}:i{item.pk}:o{org.pk}"
                if today <= cycle.due_on:
                    sent = notify(recipients=people.reporters(org), kind=Kind.REMINDER, obj=item, url=task_url(item),
                                  key=f"remind:{where}",
                                  title=_("Reminder: the report on “%(task)s” for %(cycle)s is due on %(due)s")
                                  % params,
                                  body=_("%(org)s has not yet filed its progress report on “%(task)s” for %(cycle)s. "
                                         "Reports are due on %(due)s.") % params)
                    run.reminded += bool(sent.notifications or sent.mails)
                elif (item_id, org_id, 1) not in urged:
                    _urging_recorded(cycle, item, org, 1, today)
                    sent = notify(recipients=people.reporters(org), kind=Kind.URGE, obj=item, url=task_url(item),
                                  key=f"urge:{where}:l1",
                                  title=_("Urging notice: the report on “%(task)s” for %(cycle)s is overdue") % params,
                                  body=_("%(org)s has not filed its progress report on “%(task)s” for %(cycle)s, "
                                         "due on %(due)s. Please file it at once.") % params)
                    run.urged += 1
                elif (item_id, org_id, 2) not in urged and urged[(item_id, org_id, 1)] + escalate_after <= today:
                    _urging_recorded(cycle, item, org, 2, today)
                    params["urged"] = day_label(urged[(item_id, org_id, 1)])
                    sent = notify(recipients=people.heads(org), kind=Kind.URGE_ESCALATED, obj=item, url=task_url(item),
                                  key=f"urge:{where}:l2",
                                  title=_("Urging notice to the head of %(org)s: the report on “%(task)s” for "
                                          "%(cycle)s is overdue") % params,
                                  body=_("%(org)s has not filed its progress report on “%(task)s” for %(cycle)s, "
                                         "due on %(due)s, although it was urged on %(urged)s. As head of the unit, "
                                         "please see that it is filed.") % params)
                    run.escalated += 1
                else:
                    continue
                run.notifications += sent.notifications
                run.mails += sent.mails
        audit_record(action="remind", by=None, username="system", object_type=Urging._meta.label_lower,
                     object_repr=_("Reminders and urging notices of %(day)s") % {"day": day_label(today)},
                     new=run.as_dict())
    return run

