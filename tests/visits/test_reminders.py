"""The daily job ``visit_reminders``: the owner of an overdue follow-up and the staff member of an
overdue contact duty are told, once a period; nothing once the follow-up is closed or the
contact made; one audit row per run."""

import datetime as dt

from kexie.audit.models import AuditLog
from kexie.notifications.models import Kind, Notification
from kexie.visits import services
from kexie.visits.reminders import visit_reminders_send
from tests.visits.helpers import build, visit


def test_an_overdue_follow_up_is_recalled_to_its_owner_once_a_period(world):
    s = build(world)
    late = visit(world, s, due=dt.date(2026, 6, 1))
    visit(world, s, due=dt.date(2026, 6, 30))  # not due yet

    assert visit_reminders_send(today=dt.date(2026, 6, 1))["followups"] == 0  # due today is not late
    assert visit_reminders_send(today=dt.date(2026, 6, 15))["followups"] == 1
    assert visit_reminders_send(today=dt.date(2026, 6, 15))["followups"] == 0  # the same day again

    notice = Notification.objects.get(recipient=s.city_clerk, kind=Kind.FOLLOW_UP)
    assert "甲县科学技术协会" in notice.title and notice.url == f"/visits/{late.pk}/"
    assert notice.object_id == str(late.pk)

    services.followup_done(by=s.city_clerk, visit=late, outcome="已回访", done_on=dt.date(2026, 6, 15))
    assert visit_reminders_send(today=dt.date(2026, 7, 1))["followups"] == 1  # only the other one, now late
    assert AuditLog.objects.filter(action="remind", detail="visit reminders").count() == 4


def test_an_overdue_contact_is_recalled_until_the_contact_is_made(world):
    s = build(world)
    duty = services.duty_create(by=world.provincial_clerk, organization=world.prov_a, person=s.academician,
                                owner=s.city_clerk, cadence_days=30, started_on=dt.date(2026, 4, 1))
    assert visit_reminders_send(today=dt.date(2026, 5, 1))["contacts"] == 0
    result = visit_reminders_send(today=dt.date(2026, 5, 10))
    assert result == {"day": "2026-05-10", "followups": 0, "contacts": 1}
    notice = Notification.objects.get(recipient=s.city_clerk, kind=Kind.CONTACT_DUE)
    assert "程远山" in notice.title and notice.url == "/visits/contacts/"

    services.contact_log(by=s.city_clerk, duty=duty, date=dt.date(2026, 5, 12), mode="visit")
    assert visit_reminders_send(today=dt.date(2026, 5, 20))["contacts"] == 0
    # A closed duty is nobody's business any more.
    services.duty_close(by=world.provincial_clerk, duty=duty)
    assert visit_reminders_send(today=dt.date(2026, 9, 1))["contacts"] == 0
