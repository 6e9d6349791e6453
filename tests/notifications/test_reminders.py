"""Reminders before a cycle is due, urging notices after, escalation to the unit's head.

The April cycle of the national plan: 甲省 and 乙省 each report on their share of 建设科普基地,
学会部 on 开展学会评估. 甲省's clerk has an e-mail address, 乙省's has none; 学会部 has nobody.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from kexie.audit.models import AuditLog
from kexie.notifications.models import MailMessage, MailStatus, Notification, Urging
from kexie.notifications.reminders import reminders_send
from kexie.notifications.selectors import urging_counts
from kexie.plans.models import ItemStatus
from kexie.tracking.models import ProgressReport
from kexie.tracking.services import report_submit

from .conftest import DUE_DAY, ESCALATE_DAY, REMIND_DAY, URGE_DAY


def run_on(day, capture):
    """Run the job on ``day`` and let the delivery job it queues run (it runs at once in tests)."""
    with capture(execute=True):
        return reminders_send(today=day)


def notices(kind):
    return sorted((n.recipient.username, n.title) for n in Notification.objects.filter(kind=kind))


def test_nothing_is_sent_before_the_reminder_day(world, cascaded, heads, django_capture_on_commit_callbacks):
    run = run_on(REMIND_DAY - dt.timedelta(days=1), django_capture_on_commit_callbacks)
    assert (run.reminded, run.urged, run.escalated) == (0, 0, 0)
    assert not Notification.objects.exists() and mail.outbox == []


def test_reminders_go_to_the_reporters_of_each_unit_three_days_before_the_due_date(
        world, national, cascaded, heads, django_capture_on_commit_callbacks):
    run = run_on(REMIND_DAY, django_capture_on_commit_callbacks)
    assert run.reminded == 2  # 甲省 and 乙省; 学会部 has nobody to tell and no contact address
    reminders = Notification.objects.filter(kind="reminder").select_related("recipient")
    assert sorted(n.recipient.username for n in reminders) == ["other_provincial_clerk", "provincial_clerk"]
    jia = reminders.get(recipient=world.provincial_clerk)
    assert "建设科普基地" in jia.title and "2026年5月5日" in jia.title
    assert "甲省科学技术协会尚未报送" in jia.body
    # Only 甲省's clerk has an address: one e-mail, sent, with the task's link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jia.clerk@example.cn"] and message.subject == jia.title
    assert jia.url in message.body
    outbox = MailMessage.objects.get()
    assert outbox.status == MailStatus.SENT and outbox.notification == jia
    assert message.extra_headers["Message-ID"] == outbox.message_id
    # The unit's head and users without report.submit are not reminded.
    assert not Notification.objects.filter(recipient__in=[heads, world.no_role_user]).exists()


def test_a_reminder_is_sent_once_however_often_the_job_runs(world, cascaded, heads,
                                                             django_capture_on_commit_callbacks):
    run_on(REMIND_DAY, django_capture_on_commit_callbacks)
    again = run_on(REMIND_DAY, django_capture_on_commit_callbacks)
    next_day = run_on(DUE_DAY, django_capture_on_commit_callbacks)
    assert (again.notifications, again.mails, next_day.notifications, next_day.mails) == (0, 0, 0, 0)
    assert Notification.objects.count() == 2 and len(mail.outbox) == 1
    # Each run leaves one summary row in the audit trail.
    runs = AuditLog.objects.filter(action="remind").order_by("id")
    assert [row.new_values["day"] for row in runs] == ["2026-05-02", "2026-05-02", "2026-05-05"]
    assert runs[0].new_values["notifications"] == 2 and runs[1].new_values["notifications"] == 0


def test_the_day_after_the_due_date_unfiled_units_are_urged_and_filed_ones_are_not(
        world, national, cascaded, heads, django_capture_on_commit_callbacks):
    report_submit(by=world.other_provincial_clerk, report=ProgressReport(
        item=cascaded.yi, organization=world.prov_b, cycle=national.april, percent=30),
        now=dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC))
    assert run_on(DUE_DAY, django_capture_on_commit_callbacks).urged == 0
    run = run_on(URGE_DAY, django_capture_on_commit_callbacks)
    assert run.urged == 2  # 甲省, and 学会部 (recorded, though nobody can be told)
    assert notices("urge") == [("provincial_clerk",
                                "催办：“建设科普基地”2026年4月进度报告已逾期未报")]
    assert [m.to for m in mail.outbox if "催办" in m.subject] == [["jia.clerk@example.cn"]]
    assert set(Urging.objects.values_list("organization_id", "level")) == {(world.prov_a.pk, 1),
                                                                           (world.society_dept.pk, 1)}
    assert urging_counts(cycle=national.april) == {(cascaded.jia.pk, world.prov_a.pk): 1,
                                                   (national.other_task.pk, world.society_dept.pk): 1}


def test_the_urging_notice_goes_to_the_units_head_three_days_later(world, national, cascaded, heads,
                                                                    django_capture_on_commit_callbacks):
    run_on(URGE_DAY, django_capture_on_commit_callbacks)
    assert run_on(ESCALATE_DAY - dt.timedelta(days=1), django_capture_on_commit_callbacks).escalated == 0
    mail.outbox.clear()
    run = run_on(ESCALATE_DAY, django_capture_on_commit_callbacks)
    assert run.escalated == 3
    # 甲省's current head (not the former one) is told in the application and by e-mail.
    escalated = Notification.objects.get(kind="urge_escalated")
    assert escalated.recipient == heads
    assert escalated.title.startswith("催办（报甲省科学技术协会负责人）")
    assert "2026年5月6日催办后仍未报送" in escalated.body
    # 乙省 has no head in the application: its contact address gets the e-mail alone.
    assert sorted(m.to[0] for m in mail.outbox) == ["jia.head@example.cn", "office@yi.example.cn"]
    mail_only = MailMessage.objects.get(to="office@yi.example.cn")
    assert mail_only.notification is None and mail_only.status == MailStatus.SENT
    assert urging_counts(items=[cascaded.jia])[(cascaded.jia.pk, world.prov_a.pk)] == 2
    # Once escalated, nothing more is sent for this cycle.
    later = run_on(ESCALATE_DAY + dt.timedelta(days=2), django_capture_on_commit_callbacks)
    assert (later.urged, later.escalated, later.notifications, later.mails) == (0, 0, 0, 0)


def test_a_day_the_job_did_not_run_is_caught_up(world, cascaded, heads, django_capture_on_commit_callbacks):
    # The server was down from the due date until a week later: the urging notice still goes,
    # the escalation three days after it.
    late = URGE_DAY + dt.timedelta(days=5)
    assert run_on(late, django_capture_on_commit_callbacks).urged == 3
    assert run_on(late, django_capture_on_commit_callbacks).escalated == 0
    assert run_on(late + dt.timedelta(days=3), django_capture_on_commit_callbacks).escalated == 3


def test_a_completed_task_is_not_chased(world, cascaded, heads, django_capture_on_commit_callbacks):
    cascaded.jia.status = ItemStatus.COMPLETED
    cascaded.jia.save(update_fields=["status"])
    run_on(URGE_DAY, django_capture_on_commit_callbacks)
    assert not Urging.objects.filter(organization=world.prov_a).exists()


def test_the_command_sends_for_the_given_day_and_delivers_the_mail(world, cascaded, heads, capsys):
    call_command("tracking_remind", "--date", URGE_DAY.isoformat())
    out = capsys.readouterr().out
    assert "2026-05-06: 0 reminder(s), 3 urging notice(s), 0 escalated" in out
    # 甲省's clerk by e-mail; 乙省's clerk has no address and is told in the application only.
    assert "2 notification(s), 1 e-mail(s)" in out and "e-mail: 1 sent" in out
    assert list(MailMessage.objects.values_list("to", "status")) == [("jia.clerk@example.cn", MailStatus.SENT)]


def test_the_command_refuses_a_malformed_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("tracking_remind", "--date", "6 May")
