"""Reminders to experts (the daily job ``panel_reminders``, beside the reporting reminders):

* an expert invited to a panel who has not answered for ``REMIND_EVERY_DAYS`` days is reminded
  to accept or decline, again every ``REMIND_EVERY_DAYS`` days while the round still forms its
  panel or is being scored;
* an expert with items assigned and not yet scored in a round being scored is reminded of how
  many are left, on the same rhythm.

The message goes where the invitation went (the expert's account, else the person's address)
with the link to 「我的评审」. Idempotent: a reminder's key names the seat and the period of
``REMIND_EVERY_DAYS`` days, so a second run the same day sends nothing twice. One audit row sums
up each run.
"""

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kexie.audit.services import audit_record
from kexie.notifications.models import Kind as NotificationKind
from kexie.notifications.services import notify

from .models import Assignment, ItemScore, PanelSeat, RoundStatus, SeatState
from .services import expert_recipients

REMIND_EVERY_DAYS = 3
FORMING = (RoundStatus.DRAFT, RoundStatus.DRAWING, RoundStatus.REVIEWING)


def panel_reminders_send(*, today: dt.date | None = None) -> dict:
    """Send the day's reminders to experts (see the module docstring), in one transaction."""
    today = today or timezone.localdate()
    period = today.toordinal() // REMIND_EVERY_DAYS
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=REMIND_EVERY_DAYS - 1), dt.time.min))
    answer = score = 0
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        waiting = (PanelSeat.objects.filter(state=SeatState.INVITED, invited_at__lt=cutoff, round__status__in=FORMING,
                                            sealed=False)
                   .select_related("entry__person__account", "round__organization").order_by("pk"))
        for seat in waiting:
            values = {"name": seat.entry.person.name, "round": seat.round.title,
                      "organization": seat.round.organization.name}
            sent = notify(recipients=expert_recipients(seat.entry.person), kind=NotificationKind.REVIEW_INVITATION,
                          title=_("Reminder: please answer the invitation to review “%(round)s”") % values,
                          body=_("%(name)s, you were invited to the review panel of “%(round)s” (%(organization)s) "
                                 "and have not answered yet. Please accept or decline on your review page.") % values,
                          url=reverse("panels:mine"), key=f"panels.remind.answer.{seat.pk}.{period}", obj=seat)
            answer += bool(sent.notifications or sent.mails)
        scored = set(ItemScore.objects.filter(item__round__status=RoundStatus.REVIEWING)
                     .values_list("item_id", "entry_id"))
        left = Counter(a.seat_id for a in Assignment.objects.filter(
            item__round__status=RoundStatus.REVIEWING, seat__state__in=(SeatState.INVITED, SeatState.CONFIRMED))
            .select_related("seat") if (a.item_id, a.seat.entry_id) not in scored)
        seats = PanelSeat.objects.select_related("entry__person__account", "round").in_bulk(left.keys())
        for seat_id in sorted(left):
            seat = seats[seat_id]
            values = {"name": seat.entry.person.name, "round": seat.round.title, "n": left[seat_id]}
            sent = notify(recipients=expert_recipients(seat.entry.person), kind=NotificationKind.REMINDER,
                          title=_("Reminder: %(n)s items of “%(round)s” wait for your scores") % values,
                          body=_("%(name)s, %(n)s items assigned to you in “%(round)s” are not scored yet. "
                                 "Please score them on your review page.") % values,
                          url=reverse("panels:mine"), key=f"panels.remind.score.{seat.pk}.{period}", obj=seat)
            score += bool(sent.notifications or sent.mails)
        result = {"day": today.isoformat(), "answer": answer, "score": score}
        audit_record(action="remind", detail="panel reminders", new=result)
    return result
