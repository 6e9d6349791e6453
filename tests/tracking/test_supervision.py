"""Supervision notices (督办单) and leaders' instructions (批示): issue → reply → close, numbering
per issuer and year, overdue from the calendar, refusals that save nothing, and scope."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook

from kexie.accounts.models import Position
from kexie.audit.models import AuditLog
from kexie.tracking.models import Instruction, NoticeStatus, SupervisionEvidence, SupervisionNotice
from kexie.tracking.services import task_cascade
from kexie.tracking.supervision import (
    instruction_add,
    instructions_for,
    notices_in_subtree,
    open_notices,
    overdue_notices,
    supervision_close,
    supervision_issue,
    supervision_reply,
)
from tests.personas import make_user

APRIL_1 = dt.date(2026, 4, 1)
APRIL_10 = dt.date(2026, 4, 10)
APRIL_8_NOON = timezone.make_aware(dt.datetime(2026, 4, 8, 12))


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def xlsx_file(name="整改台账.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(["问题", "整改措施"])
    book.active.append(["进度滞后", "增派人员"])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def issue_to_jia(world, cascaded, *, today=APRIL_1, reply_due=APRIL_10, reason="科普基地建设进度滞后，请说明原因。"):
    return supervision_issue(by=world.national_clerk, item=cascaded.jia, organization=world.prov_a,
                             reason=reason, reply_due=reply_due, today=today)


def test_a_notice_is_issued_replied_with_evidence_and_closed_by_the_issuer(world, national, cascaded):
    notice = issue_to_jia(world, cascaded)
    assert (notice.number, notice.status, notice.issuer) == ("督办〔2026〕1号", NoticeStatus.ISSUED, world.cast)

    supervision_reply(by=world.provincial_clerk, notice=notice, text="已增派人员，9月底前完成。",
                      evidence=[xlsx_file()], now=APRIL_8_NOON)
    notice.refresh_from_db()
    assert (notice.status, notice.replied_by, notice.replied_late) == (
        NoticeStatus.REPLIED, world.provincial_clerk, False)
    assert list(notice.evidence.values_list("name", flat=True)) == ["整改台账.xlsx"]

    supervision_close(by=world.national_clerk, notice=notice)
    notice.refresh_from_db()
    assert (notice.status, notice.closed_by) == (NoticeStatus.CLOSED, world.national_clerk)
    history = list(AuditLog.objects.filter(object_id=str(notice.pk), object_type__icontains="supervision")
                   .order_by("id").values_list("action", flat=True))
    assert history == ["issue", "reply", "close"]


def test_a_reply_after_the_deadline_is_taken_but_recorded_as_late(world, national, cascaded):
    notice = issue_to_jia(world, cascaded)
    supervision_reply(by=world.provincial_clerk, notice=notice, text="已整改。",
                      now=timezone.make_aware(dt.datetime(2026, 4, 12, 9)))
    notice.refresh_from_db()
    assert (notice.status, notice.replied_late) == (NoticeStatus.REPLIED, True)


def test_notices_are_numbered_in_sequence_per_issuer_and_year(world, national, cascaded):
    numbers = [issue_to_jia(world, cascaded).number for _n in range(3)]
    assert numbers == ["督办〔2026〕1号", "督办〔2026〕2号", "督办〔2026〕3号"]
    next_year = issue_to_jia(world, cascaded, today=dt.date(2027, 1, 4), reply_due=dt.date(2027, 1, 15))
    assert next_year.number == "督办〔2027〕1号"

    # 甲省 hands its task on to 甲市 and supervises it: its own numbering starts at 1.
    [to_city] = task_cascade(by=world.provincial_clerk, item=cascaded.jia, organizations=[world.city_a],
                             shares={world.city_a.pk: {cascaded.jia_target.pk: "12"}}, today=APRIL_1)
    by_province = supervision_issue(by=world.provincial_clerk, item=to_city.child, organization=world.city_a,
                                    reason="请加快进度。", reply_due=APRIL_10, today=APRIL_1)
    assert (by_province.issuer, by_province.number) == (world.prov_a, "督办〔2026〕1号")


def test_the_database_refuses_a_second_notice_with_the_same_number(world, national, cascaded):
    notice = issue_to_jia(world, cascaded)
    duplicate = SupervisionNotice(item=notice.item, organization=notice.organization, issuer=notice.issuer,
                                  year=2026, sequence=1, number=notice.number, reason="重复", reply_due=APRIL_10)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_unanswered_notice_becomes_overdue_after_its_reply_deadline(world, national, cascaded):
    waiting = issue_to_jia(world, cascaded)
    answered = issue_to_jia(world, cascaded)
    supervision_reply(by=world.provincial_clerk, notice=answered, text="已整改。", now=APRIL_8_NOON)
    answered.refresh_from_db()

    assert waiting.status_on(APRIL_10) == NoticeStatus.ISSUED
    assert waiting.status_on(dt.date(2026, 4, 11)) == NoticeStatus.OVERDUE
    assert answered.status_on(dt.date(2026, 4, 11)) == NoticeStatus.REPLIED
    assert list(overdue_notices(user=world.national_clerk, organization=world.cast, today=APRIL_10)) == []
    assert list(overdue_notices(user=world.national_clerk, organization=world.cast,
                                today=dt.date(2026, 4, 11))) == [waiting]
    supervision_close(by=world.national_clerk, notice=answered)
    assert list(open_notices(user=world.national_clerk, organization=world.cast)) == [waiting]


def test_a_reply_deadline_not_in_the_future_is_refused_naming_the_field(world, national, cascaded):
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as error:
        issue_to_jia(world, cascaded, reply_due=APRIL_1)
    assert error.value.message_dict["reply_due"] == ["回复期限必须晚于今天（2026年4月1日）。"]
    with pytest.raises(ValidationError) as error:
        issue_to_jia(world, cascaded, reason="  ")
    assert error.value.message_dict["reason"] == ["请填写督办事由。"]
    assert not SupervisionNotice.objects.exists()
    assert AuditLog.objects.count() == before


def test_issuing_is_refused_outside_the_issuers_reach_and_saves_nothing(world, national, cascaded):
    before = AuditLog.objects.count()
    # 甲省 cannot supervise a task the national office handed it: it is not the issuer.
    with pytest.raises(PermissionDenied):
        supervision_issue(by=world.provincial_clerk, item=cascaded.jia, organization=world.prov_a,
                          reason="自我督办", reply_due=APRIL_10, today=APRIL_1)
    # 乙省 cannot even see 甲省's task.
    with pytest.raises(Http404):
        supervision_issue(by=world.other_provincial_clerk, item=cascaded.jia, organization=world.prov_b,
                          reason="越权", reply_due=APRIL_10, today=APRIL_1)
    # 乙省 is not responsible for 甲省's task.
    with pytest.raises(ValidationError) as error:
        supervision_issue(by=world.national_clerk, item=cascaded.jia, organization=world.prov_b,
                          reason="发错单位", reply_due=APRIL_10, today=APRIL_1)
    assert "乙省科学技术协会" in error.value.message_dict["organization"][0]
    # A clerk without the supervision permission.
    with pytest.raises(PermissionDenied):
        supervision_issue(by=world.no_role_user, item=cascaded.jia, organization=world.prov_a,
                          reason="无权限", reply_due=APRIL_10, today=APRIL_1)
    assert not SupervisionNotice.objects.exists()
    assert AuditLog.objects.count() == before


def test_a_reply_refused_saves_nothing(world, national, cascaded):
    notice = issue_to_jia(world, cascaded)
    before = AuditLog.objects.count()
    with pytest.raises(Http404):
        supervision_reply(by=world.other_provincial_clerk, notice=notice, text="不是我们的", now=APRIL_8_NOON)
    with pytest.raises(ValidationError) as error:
        supervision_reply(by=world.provincial_clerk, notice=notice, text="", now=APRIL_8_NOON)
    assert error.value.message_dict["text"] == ["请填写对督办单督办〔2026〕1号的回复内容。"]
    fake = SimpleUploadedFile("照片.png", b"not really a png")
    with pytest.raises(ValidationError) as error:
        supervision_reply(by=world.provincial_clerk, notice=notice, text="见附件。", evidence=[fake],
                          now=APRIL_8_NOON)
    assert "照片.png" in error.value.message_dict["evidence"][0]
    with pytest.raises(ValidationError) as error:
        supervision_close(by=world.national_clerk, notice=notice)
    assert "督办〔2026〕1号" in error.value.message_dict["status"][0]
    with pytest.raises(PermissionDenied):
        supervision_close(by=world.provincial_clerk, notice=notice)
    notice.refresh_from_db()
    assert (notice.status, notice.reply_text, notice.replied_at) == (NoticeStatus.ISSUED, "", None)
    assert not SupervisionEvidence.objects.exists()
    assert AuditLog.objects.count() == before


def test_the_issuer_cannot_answer_its_own_notice_unless_it_reports_for_the_unit(world, national, cascaded):
    notice = issue_to_jia(world, cascaded)
    # The national office files for 甲省 when it must (甲省 is in its scope), but it sent this notice.
    with pytest.raises(PermissionDenied) as error:
        supervision_reply(by=world.national_clerk, notice=notice, text="已整改。", now=APRIL_8_NOON)
    assert str(error.value) == "督办单督办〔2026〕1号由中国科学技术协会下发，应由甲省科学技术协会回复。"
    notice.refresh_from_db()
    assert (notice.status, notice.replied_at) == (NoticeStatus.ISSUED, None)
    assert not AuditLog.objects.filter(action="reply").exists()
    # Someone at the national office who also holds a post in 甲省 reports for it, and may answer.
    seconded = make_user("seconded_official", world.cast, ["national_clerk"], full_name="挂职干部")
    Position.objects.create(user=seconded, organization=world.prov_a, title="挂职副主席")
    supervision_reply(by=seconded, notice=notice, text="已整改。", now=APRIL_8_NOON)
    notice.refresh_from_db()
    assert (notice.status, notice.replied_by) == (NoticeStatus.REPLIED, seconded)


def test_a_closed_notice_takes_no_further_reply(world, national, cascaded):
    notice = issue_to_jia(world, cascaded)
    supervision_reply(by=world.provincial_clerk, notice=notice, text="已整改。", now=APRIL_8_NOON)
    supervision_close(by=world.national_clerk, notice=notice)
    with pytest.raises(ValidationError) as error:
        supervision_reply(by=world.provincial_clerk, notice=notice, text="补充说明", now=APRIL_8_NOON)
    assert error.value.message_dict["status"] == ["督办单督办〔2026〕1号当前状态为“已办结”，不能再回复。"]


def test_each_unit_sees_only_the_notices_addressed_within_its_scope(world, national, cascaded):
    to_jia = issue_to_jia(world, cascaded)
    to_yi = supervision_issue(by=world.national_clerk, item=cascaded.yi, organization=world.prov_b,
                              reason="请报送进展。", reply_due=APRIL_10, today=APRIL_1)
    assert set(notices_in_subtree(user=world.national_clerk, organization=world.cast)) == {to_jia, to_yi}
    assert list(notices_in_subtree(user=world.national_clerk, organization=world.prov_b)) == [to_yi]
    assert list(notices_in_subtree(user=world.provincial_clerk, organization=world.cast)) == [to_jia]
    assert list(SupervisionNotice.objects.restrict(world.other_provincial_clerk, "plan.view")) == [to_yi]
    assert list(notices_in_subtree(user=world.county_clerk, organization=world.cast)) == []


def test_an_instruction_is_seen_by_the_responsible_units_and_no_one_else(world, national, cascaded):
    # The national task is led by 科普部: its staff see the instruction though not the national plan.
    popsci_clerk = make_user("popsci_clerk", world.popsci_dept, ["provincial_clerk"])
    instruction = instruction_add(by=world.national_clerk, item=national.task, text="请科普部抓紧推进，确保按期完成。")
    assert list(instructions_for(national.task, popsci_clerk)) == [instruction]
    assert list(instructions_for(national.task, world.national_clerk)) == [instruction]
    with pytest.raises(Http404):
        instructions_for(national.task, world.provincial_clerk)

    on_jia = instruction_add(by=world.national_clerk, item=cascaded.jia, text="甲省要加大力度。")
    assert list(instructions_for(cascaded.jia, world.provincial_clerk)) == [on_jia]
    with pytest.raises(Http404):
        instructions_for(cascaded.jia, world.other_provincial_clerk)
    assert AuditLog.objects.filter(action="instruct", object_id=str(on_jia.pk)).exists()


def test_an_instruction_refused_saves_nothing(world, national, cascaded):
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as error:
        instruction_add(by=world.national_clerk, item=cascaded.jia, text=" ")
    assert error.value.message_dict["text"] == ["请填写对任务“建设科普基地”的批示内容。"]
    with pytest.raises(Http404):
        instruction_add(by=world.other_provincial_clerk, item=cascaded.jia, text="越权批示")
    with pytest.raises(PermissionDenied):
        instruction_add(by=world.no_role_user, item=cascaded.jia, text="无权限")
    assert not Instruction.objects.exists()
    assert AuditLog.objects.count() == before
