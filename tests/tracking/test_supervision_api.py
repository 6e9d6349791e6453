"""The supervision API: issue → reply with a .docx (multipart) → close; overdue from the calendar;
the unit reads the 批示 on its task; scope and refusals in Chinese that save nothing."""

import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kexie.audit.models import AuditLog
from kexie.tracking.models import Instruction, NoticeStatus, SupervisionNotice
from kexie.tracking.supervision import instruction_add, supervision_issue
from tests.personas import make_user, sign_in

JSON = {"content_type": "application/json", "HTTP_ACCEPT": "application/json"}
ACCEPT = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def docx_file(name="整改情况报告.docx") -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph("关于科普基地建设进度的整改情况报告")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_a_notice_is_issued_answered_with_a_docx_and_closed_through_the_api(world, national, cascaded):
    office, province = client_for(world.national_clerk), client_for(world.provincial_clerk)
    response = office.post("/api/v1/supervision-notices/", {
        "item": cascaded.jia.pk, "organization": world.prov_a.pk, "reason": "科普基地建设进度滞后，请说明原因。",
        "reply_due": in_days(10)}, **JSON)
    assert response.status_code == 201, response.content
    notice = response.json()
    assert (notice["number"], notice["status"], notice["organization_name"]) == (
        f"督办〔{timezone.localdate().year}〕1号", "issued", "甲省科学技术协会")
    # The unit may not close its own notice; the issuer may not close one not yet answered.
    assert province.post(f"/api/v1/supervision-notices/{notice['id']}/close/", **JSON).status_code == 403
    early = office.post(f"/api/v1/supervision-notices/{notice['id']}/close/", **JSON)
    assert early.status_code == 400 and notice["number"] in early.json()["detail"]

    response = province.post(f"/api/v1/supervision-notices/{notice['id']}/reply/", {
        "text": "已增派人员，9月底前完成。", "evidence": [docx_file()]}, **ACCEPT)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["evidence"]) == ("replied", ["整改情况报告.docx"])
    stored = SupervisionNotice.objects.get().evidence.get()
    assert docx.Document(stored.file.open("rb")).paragraphs[0].text.startswith("关于科普基地")

    response = office.post(f"/api/v1/supervision-notices/{notice['id']}/close/", **JSON)
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert list(AuditLog.objects.filter(object_type="tracking.supervisionnotice", object_id=str(notice["id"]))
                .order_by("id").values_list("action", flat=True)) == ["issue", "reply", "close"]


def test_overdue_notices_are_listed_as_overdue_after_the_reply_deadline(world, national, cascaded):
    today = timezone.localdate()
    late = supervision_issue(by=world.national_clerk, item=cascaded.jia, organization=world.prov_a, reason="请说明原因。",
                             reply_due=today - dt.timedelta(days=1), today=today - dt.timedelta(days=10))
    waiting = supervision_issue(by=world.national_clerk, item=cascaded.yi, organization=world.prov_b,
                                reason="请报送进展。", reply_due=today + dt.timedelta(days=5), today=today)
    office = client_for(world.national_clerk)
    rows = office.get("/api/v1/supervision-notices/", **ACCEPT).json()["results"]
    assert {row["id"]: row["status"] for row in rows} == {late.pk: "overdue", waiting.pk: "issued"}
    overdue = office.get("/api/v1/supervision-notices/?status=overdue", **ACCEPT).json()["results"]
    assert [row["id"] for row in overdue] == [late.pk]
    under = office.get(f"/api/v1/supervision-notices/?under={world.prov_b.pk}", **ACCEPT).json()["results"]
    assert [row["id"] for row in under] == [waiting.pk]
    year = office.get(f"/api/v1/supervision-notices/?year={today.year + 1}", **ACCEPT).json()["results"]
    assert year == []


def test_bad_issues_get_a_message_in_chinese_and_save_nothing(world, national, cascaded):
    office = client_for(world.national_clerk)
    before = AuditLog.objects.count()
    past = office.post("/api/v1/supervision-notices/", {
        "item": cascaded.jia.pk, "organization": world.prov_a.pk, "reason": "请说明原因。", "reply_due": in_days(-1)},
        **JSON)
    assert past.status_code == 400
    assert past.json()["reply_due"][0].startswith("回复期限必须晚于今天")
    blank = office.post("/api/v1/supervision-notices/", {
        "item": cascaded.jia.pk, "organization": world.prov_a.pk, "reason": " ", "reply_due": in_days(5)}, **JSON)
    assert blank.status_code == 400 and blank.json()["reason"] == ["请填写督办事由。"]
    assert "督办事由" in blank.json()["detail"]
    wrong_unit = office.post("/api/v1/supervision-notices/", {
        "item": cascaded.jia.pk, "organization": world.prov_b.pk, "reason": "请说明原因。", "reply_due": in_days(5)},
        **JSON)
    assert wrong_unit.status_code == 400 and "乙省科学技术协会" in wrong_unit.json()["organization"][0]
    assert not SupervisionNotice.objects.exists() and AuditLog.objects.count() == before


def test_a_notice_outside_scope_is_not_found_and_another_unit_cannot_reply(world, national, cascaded):
    notice = supervision_issue(by=world.national_clerk, item=cascaded.jia, organization=world.prov_a,
                               reason="请说明原因。", reply_due=timezone.localdate() + dt.timedelta(days=5))
    other = client_for(world.other_provincial_clerk)
    assert other.get(f"/api/v1/supervision-notices/{notice.pk}/", **ACCEPT).status_code == 404
    assert other.get("/api/v1/supervision-notices/", **ACCEPT).json()["results"] == []
    response = other.post(f"/api/v1/supervision-notices/{notice.pk}/reply/",
                          {"text": "不是我们的任务", "evidence": [docx_file()]}, **ACCEPT)
    assert response.status_code == 404
    notice.refresh_from_db()
    assert (notice.status, notice.reply_text) == (NoticeStatus.ISSUED, "") and not notice.evidence.exists()
    empty = client_for(world.provincial_clerk).post(f"/api/v1/supervision-notices/{notice.pk}/reply/",
                                                    {"text": ""}, **JSON)
    assert empty.status_code == 400 and empty.json()["text"] == [f"请填写对督办单{notice.number}的回复内容。"]


def test_the_issuer_cannot_reply_to_its_own_notice_through_the_api(world, national, cascaded):
    notice = supervision_issue(by=world.national_clerk, item=cascaded.jia, organization=world.prov_a,
                               reason="进度滞后。", reply_due=timezone.localdate() + dt.timedelta(days=5))
    response = client_for(world.national_clerk).post(f"/api/v1/supervision-notices/{notice.pk}/reply/",
                                                     {"text": "已整改。"}, **JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == f"督办单{notice.number}由中国科学技术协会下发，应由甲省科学技术协会回复。"
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED


def test_the_unit_reads_the_instruction_on_its_task(world, national, cascaded):
    office = client_for(world.national_clerk)
    response = office.post("/api/v1/instructions/", {"item": cascaded.jia.pk, "text": "甲省要加大力度。"}, **JSON)
    assert response.status_code == 201, response.content
    blank = office.post("/api/v1/instructions/", {"item": cascaded.jia.pk, "text": ""}, **JSON)
    assert blank.status_code == 400 and blank.json()["text"] == ["请填写对任务“建设科普基地”的批示内容。"]
    assert Instruction.objects.count() == 1

    rows = client_for(world.provincial_clerk).get(f"/api/v1/instructions/?item={cascaded.jia.pk}", **ACCEPT)
    assert [(r["text"], r["organization_name"]) for r in rows.json()["results"]] == [("甲省要加大力度。", "中国科学技术协会")]
    assert client_for(world.other_provincial_clerk).get("/api/v1/instructions/", **ACCEPT).json()["results"] == []


def test_a_responsible_department_reads_the_instruction_on_a_plan_it_cannot_see(world, national):
    # The national task is led by 科普部, whose staff do not see the national plan itself.
    popsci_clerk = make_user("popsci_clerk", world.popsci_dept, ["provincial_clerk"])
    instruction_add(by=world.national_clerk, item=national.task, text="请科普部抓紧推进。")
    instruction_add(by=world.national_clerk, item=national.other_task, text="请学会部按期完成评估。")
    rows = client_for(popsci_clerk).get("/api/v1/instructions/", **ACCEPT).json()["results"]
    assert [r["text"] for r in rows] == ["请科普部抓紧推进。"]
