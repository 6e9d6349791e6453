"""Tracking's events tell the people concerned, once per event, in the application and by e-mail."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kexie.notifications import events
from kexie.notifications.models import MailMessage, Notification
from kexie.tracking.models import ProgressReport
from kexie.tracking.services import deferral_approve, deferral_reject, deferral_request, report_return, report_submit
from kexie.tracking.supervision import instruction_add, supervision_issue, supervision_reply
from tests.personas import make_user
from tests.tracking.pages_world import county_task  # noqa: F401 (fixture)

APRIL_1 = dt.date(2026, 4, 1)


def told(kind):
    return sorted(n.recipient.username for n in Notification.objects.filter(kind=kind))


def file_april(world, national, cascaded, day=3):
    return report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=cascaded.jia, organization=world.prov_a, cycle=national.april, percent=40),
        now=timezone.make_aware(dt.datetime(2026, 5, day, 9)))


def test_a_returned_report_tells_its_filer_once_per_return(world, national, cascaded,
                                                           django_capture_on_commit_callbacks):
    report = file_april(world, national, cascaded)
    with django_capture_on_commit_callbacks(execute=True):
        report_return(by=world.national_clerk, report=report, reason="佐证材料不全。")
    notification = Notification.objects.get(kind="report_returned")
    assert notification.recipient == world.provincial_clerk
    assert notification.title == "报告退回：“建设科普基地”2026年4月"
    assert "佐证材料不全。" in notification.body and "中国科学技术协会退回了" in notification.body
    assert [m.to for m in mail.outbox] == [["jia.clerk@example.cn"]]
    # Filed again and returned again: a second event, a second notification.
    report = file_april(world, national, cascaded)
    report_return(by=world.national_clerk, report=report, reason="数据有误。")
    assert told("report_returned") == ["provincial_clerk", "provincial_clerk"]


def test_a_filed_report_tells_the_reviewers_at_the_issuer_once_and_again_when_filed_anew(world, national, cascaded):
    deputy = make_user("national_deputy", world.cast, ["national_clerk"], full_name="改革办副处长",
                       email="deputy@example.cn")
    make_user("national_reader", world.cast, ["viewer"])  # reads, does not review
    report = file_april(world, national, cascaded)
    # 甲省's task was handed down by the national office: the reviewers there are told, not the filer.
    assert told("report_submitted") == ["national_clerk", "national_deputy"]
    notification = Notification.objects.filter(kind="report_submitted").first()
    assert notification.title == "待审核：甲省科学技术协会报送的“建设科普基地”2026年4月进度报告"
    assert notification.body == "甲省科学技术协会报送了“建设科普基地”2026年4月的进度报告，完成40%。"
    assert notification.url == reverse("tracking:report", args=[report.pk])
    # Written with the report, e-mail included (the deputy has an address).
    assert list(MailMessage.objects.values_list("to", flat=True)) == ["deputy@example.cn"]
    # The same event raised again (a retried job) tells nobody twice.
    events.report_submitted(by=world.provincial_clerk, report=report)
    assert told("report_submitted") == ["national_clerk", "national_deputy"]
    # Returned and filed again: a new event, told again, and said so.
    report_return(by=world.national_clerk, report=report, reason="佐证材料不全。")
    file_april(world, national, cascaded, day=4)
    assert told("report_submitted") == ["national_clerk", "national_clerk", "national_deputy", "national_deputy"]
    again = Notification.objects.filter(kind="report_submitted", recipient=deputy).order_by("-id").first()
    assert again.body.endswith("该报告为退回后重新报送。")


def test_reviewers_above_the_issuer_are_not_told_nor_the_filer_nor_anyone_for_a_refused_report(
        world, county_task):
    county_deputy = make_user("county_deputy", world.county_a, ["county_clerk"])
    report = report_submit(by=world.county_clerk, report=ProgressReport(
        item=county_task.task, organization=world.county_a, cycle=county_task.q1, percent=30))
    # 甲省 handed the task to 甲县: 甲省 reviews it; the national office above it is not told, nor 甲县.
    assert told("report_submitted") == ["provincial_clerk"]
    assert not Notification.objects.filter(recipient__in=[world.national_clerk, county_deputy]).exists()
    # A filing refused saves nothing and tells nobody.
    with pytest.raises(ValidationError):
        report_submit(by=world.county_clerk, report=ProgressReport(
            item=county_task.task, organization=world.county_a, cycle=county_task.q2, percent=100,
            progress="completed"))
    assert told("report_submitted") == ["provincial_clerk"]


def test_a_deferral_decision_tells_the_requester(world, cascaded):
    asked = deferral_request(by=world.provincial_clerk, item=cascaded.jia, organization=world.prov_a,
                             requested_due=dt.date(2026, 11, 30), reason="场地改造推迟。")
    deferral_approve(by=world.national_clerk, deferral=asked, note="同意。", today=APRIL_1)
    approved = Notification.objects.get(kind="deferral_decided")
    assert approved.recipient == world.provincial_clerk
    assert approved.body == "“建设科普基地”的完成时限由2026年9月30日调整为2026年11月30日。说明：同意。"
    asked = deferral_request(by=world.other_provincial_clerk, item=cascaded.yi, organization=world.prov_b,
                             requested_due=dt.date(2026, 12, 15), reason="经费未到位。")
    deferral_reject(by=world.national_clerk, deferral=asked, reason="时限不能调整。")
    refused = Notification.objects.get(kind="deferral_decided", recipient=world.other_provincial_clerk)
    assert refused.title.startswith("延期申请未获批准") and "时限不能调整。" in refused.body


def test_a_supervision_notice_tells_the_units_reporters_and_the_reply_tells_the_issuer(world, cascaded):
    city_clerk = make_user("jia_city_clerk", world.city_a, ["city_clerk"])
    notice = supervision_issue(by=world.national_clerk, item=cascaded.jia, organization=world.prov_a,
                               reason="进度滞后。", reply_due=dt.date(2026, 4, 10), today=APRIL_1)
    # 甲省's reporter, not 甲市's (a unit below) nor 甲省's user without report.submit.
    assert told("supervision_issued") == ["provincial_clerk"]
    issued = Notification.objects.get(kind="supervision_issued")
    assert issued.title.startswith("督办〔2026〕1号：") and "请于2026年4月10日前回复" in issued.body
    assert not Notification.objects.filter(recipient__in=[city_clerk, world.no_role_user]).exists()
    supervision_reply(by=world.provincial_clerk, notice=notice, text="已整改。",
                      now=timezone.make_aware(dt.datetime(2026, 4, 12, 9)))
    replied = Notification.objects.get(kind="supervision_replied")
    assert replied.recipient == world.national_clerk
    assert replied.body == "甲省科学技术协会就“建设科普基地”回复督办单督办〔2026〕1号：已整改。该回复晚于回复期限。"


def test_an_instruction_tells_the_responsible_units_but_not_its_author(world, national, cascaded):
    instruction_add(by=world.national_clerk, item=national.task, text="务必按期完成。")
    # The upper task is led by 科普部, where nobody reports: nothing to tell.
    assert told("instruction") == []
    instruction_add(by=world.national_clerk, item=cascaded.jia, text="甲省要加快进度。")
    assert told("instruction") == ["provincial_clerk"]
    # A reporter of 甲省 writing an instruction on 甲省's task is not told about it.
    writer = make_user("jia_leader", world.prov_a, ["provincial_clerk"])
    instruction_add(by=writer, item=cascaded.jia, text="本级抓落实。")
    assert told("instruction") == ["provincial_clerk", "provincial_clerk"]
    assert not Notification.objects.filter(recipient=writer).exists()
