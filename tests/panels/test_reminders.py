"""The daily reminders to experts: an unanswered invitation after three days, items left to score
while the round is being scored; once per period, and nothing once the expert has done it."""

import datetime as dt

from django.utils import timezone

from kexie.audit.models import AuditLog
from kexie.notifications.models import Notification
from kexie.panels import services
from kexie.panels.models import Assignment, PanelSeat
from kexie.panels.reminders import panel_reminders_send
from kexie.people import services as people
from tests.panels.helpers import TODAY, build
from tests.personas import make_external


def _invited(world):
    round, a, b, x = build(world)
    by = world.provincial_clerk
    mine = services.seat_add(by=by, round=round, entry=x["free1"])
    other = services.seat_add(by=by, round=round, entry=x["free2"])
    account = make_external("feng1@example.cn", full_name="冯自由1")
    people.person_link_account(by=by, person=x["free1"].person, address="feng1@example.cn")
    services.seats_invite(by=by, round=round)
    invited = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10)))
    PanelSeat.objects.filter(round=round).update(invited_at=invited)
    return round, mine, other, account


def test_an_unanswered_invitation_is_recalled_after_three_days_once_a_period(world):
    round, mine, other, account = _invited(world)
    services.seat_respond(by=world.provincial_clerk, seat=other, accept=True)

    assert panel_reminders_send(today=TODAY + dt.timedelta(days=1))["answer"] == 0
    assert panel_reminders_send(today=TODAY + dt.timedelta(days=3))["answer"] == 1
    assert panel_reminders_send(today=TODAY + dt.timedelta(days=3))["answer"] == 0  # the same day again

    reminder = Notification.objects.get(recipient=account, title__startswith="提醒")
    assert round.title in reminder.title and reminder.url.endswith("/panels/mine/")
    assert AuditLog.objects.filter(action="remind", detail="panel reminders").count() == 3


def test_items_left_to_score_are_recalled_until_scored(world):
    round, mine, other, account = _invited(world)
    by = world.provincial_clerk
    services.seat_respond(by=account, seat=mine, accept=True)
    services.seat_respond(by=by, seat=other, accept=True)
    services.assignment_run(by=by, round=round, today=TODAY)
    left = Assignment.objects.filter(seat=mine).count()
    assert left >= 1

    result = panel_reminders_send(today=TODAY + dt.timedelta(days=3))
    assert result == {"day": (TODAY + dt.timedelta(days=3)).isoformat(), "answer": 0, "score": 2}
    assert Notification.objects.filter(recipient=account, title__contains=f"{left}项").exists()

    for a in Assignment.objects.filter(seat=mine).select_related("item"):
        services.score_submit(by=account, item=a.item, entry=mine.entry, values={"innovation": 50, "benefit": 30})
    result = panel_reminders_send(today=TODAY + dt.timedelta(days=6))
    assert result["score"] == 1  # only the other expert still has items to score
