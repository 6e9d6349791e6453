"""Supervision pages: a notice issued from its task, answered with a .docx by the unit and closed
by the issuer; overdue after the reply deadline; the unit reads the 批示 on its task; scope and
refusals that save nothing; the filtered list exported to Excel."""

import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.tracking.models import Instruction, NoticeStatus, SupervisionNotice
from kexie.tracking.supervision import supervision_issue, supervision_reply
from tests.personas import make_user, sign_in


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def docx_file(name="整改情况报告.docx") -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph("甲省科协关于科普基地建设进度的整改情况报告")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def page_text(response) -> str:
    return response.content.decode()


def issue_on_jia(world, cascaded, *, days_ago=0, due_in=10, reason="科普基地建设进度滞后，请说明原因。"):
    today = timezone.localdate() - dt.timedelta(days=days_ago)
    return supervision_issue(by=world.national_clerk, item=cascaded.jia, organization=world.prov_a, reason=reason,
                             reply_due=today + dt.timedelta(days=due_in), today=today)


def test_a_notice_goes_from_its_task_through_the_reply_to_closing(world, national, cascaded):
    office, province = client_for(world.national_clerk), client_for(world.provincial_clerk)
    due = timezone.localdate() + dt.timedelta(days=14)

    form = office.get(reverse("supervision:issue", args=[cascaded.jia.pk]))
    # The unit chooser offers the task's responsible unit only.
    assert list(form.context["form"].fields["organization"].queryset) == [world.prov_a]
    response = office.post(reverse("supervision:issue", args=[cascaded.jia.pk]), {
        "organization": world.prov_a.pk, "reason": "科普基地建设进度滞后，请说明原因并提出整改措施。",
        "reply_due": due.isoformat()})
    notice = SupervisionNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supervision:detail", args=[notice.pk])
    year = timezone.localdate().year
    assert notice.number == f"督办〔{year}〕1号"

    detail = province.get(reverse("supervision:detail", args=[notice.pk]))
    text = page_text(detail)
    assert f"督办〔{year}〕1号" in text and "甲省科学技术协会" in text and "科普基地建设进度滞后" in text
    assert detail.context["status"] == NoticeStatus.ISSUED
    assert detail.context["can"] == {"reply": True, "close": False}

    response = province.post(reverse("supervision:reply", args=[notice.pk]), {
        "text": "已增派人员，9月底前完成。", "evidence": [docx_file()]})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.replied_by) == (NoticeStatus.REPLIED, world.provincial_clerk)
    [evidence] = notice.evidence.all()
    download = province.get(reverse("supervision:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert docx.Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs[0].text.startswith("甲省科协")

    detail = office.get(reverse("supervision:detail", args=[notice.pk]))
    assert "整改情况报告.docx" in page_text(detail) and detail.context["can"]["close"]
    response = office.post(reverse("supervision:close", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    history = office.get(reverse("supervision:detail", args=[notice.pk])).context["history"]
    assert [row["action"] for row in history] == ["下发", "回复", "办结"]
    assert [row["who"] for row in history] == ["国家改革办干事", "甲省干事", "国家改革办干事"]


def history_section(response) -> str:
    text = page_text(response)
    start = text.index('id="notice-history"')
    return text[start:text.index("</section>", start)]


def test_the_history_names_people_by_their_full_name_else_their_user_name(world, national, cascaded):
    duty_officer = make_user("jia_duty_officer", world.prov_a, ["provincial_clerk"], full_name="")
    notice = issue_on_jia(world, cascaded)
    supervision_reply(by=duty_officer, notice=notice, text="已整改。")
    detail = client_for(world.provincial_clerk).get(reverse("supervision:detail", args=[notice.pk]))
    assert [row["who"] for row in detail.context["history"]] == ["国家改革办干事", "jia_duty_officer"]
    history = history_section(detail)
    assert "国家改革办干事" in history and "national_clerk" not in history
    # A name changed since is shown as it is now.
    world.national_clerk.full_name = "周明远"
    world.national_clerk.save(update_fields=["full_name"])
    detail = client_for(world.provincial_clerk).get(reverse("supervision:detail", args=[notice.pk]))
    assert [row["who"] for row in detail.context["history"]] == ["周明远", "jia_duty_officer"]


def test_an_unanswered_notice_is_shown_overdue_after_its_reply_deadline(world, national, cascaded):
    late = issue_on_jia(world, cascaded, days_ago=20, due_in=10)
    waiting = issue_on_jia(world, cascaded)
    office = client_for(world.national_clerk)

    listing = office.get(reverse("supervision:list"))
    statuses = {row["notice"].pk: row["status"] for row in listing.context["rows"]}
    assert statuses == {late.pk: NoticeStatus.OVERDUE, waiting.pk: NoticeStatus.ISSUED}
    counts = {c["status"]: c["count"] for c in listing.context["counts"]}
    assert counts == {"issued": 1, "overdue": 1, "replied": 0, "closed": 0}
    overdue_only = office.get(reverse("supervision:list"), {"status": "overdue"})
    assert [row["notice"] for row in overdue_only.context["rows"]] == [late]
    assert "逾期未回复" in page_text(office.get(reverse("supervision:detail", args=[late.pk])))


def test_the_list_filters_by_unit_subtree_and_year(world, national, cascaded):
    to_jia = issue_on_jia(world, cascaded)
    to_yi = supervision_issue(by=world.national_clerk, item=cascaded.yi, organization=world.prov_b,
                              reason="请报送进展。", reply_due=dt.date(2025, 6, 10), today=dt.date(2025, 6, 1))
    office = client_for(world.national_clerk)
    by_unit = office.get(reverse("supervision:list"), {"unit": world.prov_a.pk})
    assert [row["notice"] for row in by_unit.context["rows"]] == [to_jia]
    by_year = office.get(reverse("supervision:list"), {"year": "2025"})
    assert [row["notice"] for row in by_year.context["rows"]] == [to_yi]
    # 甲省 sees only the notice addressed to it.
    mine = client_for(world.provincial_clerk).get(reverse("supervision:list"))
    assert [row["notice"] for row in mine.context["rows"]] == [to_jia]


def test_the_filtered_list_is_exported_to_excel(world, national, cascaded):
    to_jia = issue_on_jia(world, cascaded)
    supervision_issue(by=world.national_clerk, item=cascaded.yi, organization=world.prov_b,
                      reason="请报送进展。", reply_due=dt.date(2025, 6, 10), today=dt.date(2025, 6, 1))
    response = client_for(world.national_clerk).get(reverse("supervision:export"), {"unit": world.prov_a.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "督办单"
    assert rows[1][:3] == ("督办单编号", "任务", "被督办单位")
    assert len(rows) == 3
    assert rows[2][:3] == (to_jia.number, "建设科普基地", "甲省科学技术协会")
    assert rows[2][6] == "已下发"
    assert AuditLog.objects.filter(action="export", object_type="tracking.supervisionnotice").exists()


def test_a_notice_outside_the_users_scope_is_not_found(world, national, cascaded):
    notice = issue_on_jia(world, cascaded)
    other = client_for(world.other_provincial_clerk)
    for name in ("supervision:detail", "supervision:reply"):
        assert other.get(reverse(name, args=[notice.pk])).status_code == 404
    assert other.get(reverse("supervision:issue", args=[cascaded.jia.pk])).status_code == 404


def test_a_user_of_another_unit_cannot_reply_and_nothing_is_saved(world, national, cascaded):
    notice = issue_on_jia(world, cascaded)
    before = AuditLog.objects.exclude(action="refused").count()
    response = client_for(world.other_provincial_clerk).post(
        reverse("supervision:reply", args=[notice.pk]), {"text": "不是我们的任务", "evidence": [docx_file()]})
    assert response.status_code == 404
    notice.refresh_from_db()
    assert (notice.status, notice.reply_text) == (NoticeStatus.ISSUED, "")
    assert not notice.evidence.exists() and AuditLog.objects.exclude(action="refused").count() == before
    # What is left is the trace of the refusal.
    assert AuditLog.objects.get(action="refused").username == world.other_provincial_clerk.username


def test_the_issuer_is_not_offered_the_reply_to_its_own_notice(world, national, cascaded):
    notice = issue_on_jia(world, cascaded)
    reply_url = reverse("supervision:reply", args=[notice.pk])
    office = client_for(world.national_clerk)
    detail = office.get(reverse("supervision:detail", args=[notice.pk]))
    assert detail.context["can"] == {"reply": False, "close": False}
    assert reply_url not in page_text(detail)
    assert office.get(reply_url).status_code == 403
    assert office.post(reply_url, {"text": "已整改。"}).status_code == 403
    notice.refresh_from_db()
    assert (notice.status, notice.reply_text) == (NoticeStatus.ISSUED, "")
    # The addressed unit is offered it.
    detail = client_for(world.provincial_clerk).get(reverse("supervision:detail", args=[notice.pk]))
    assert detail.context["can"]["reply"] and reply_url in page_text(detail)


def test_a_bad_issue_form_shows_the_message_and_saves_nothing(world, national, cascaded):
    office = client_for(world.national_clerk)
    today = timezone.localdate()
    url = reverse("supervision:issue", args=[cascaded.jia.pk])
    before = AuditLog.objects.count()

    past = office.post(url, {"organization": world.prov_a.pk, "reason": "请说明原因。",
                             "reply_due": (today - dt.timedelta(days=1)).isoformat()})
    assert past.status_code == 400
    [message] = past.context["form"].errors["reply_due"]
    assert message.startswith("回复期限必须晚于今天")
    blank = office.post(url, {"organization": world.prov_a.pk, "reason": "   ",
                              "reply_due": (today + dt.timedelta(days=5)).isoformat()})
    assert blank.status_code == 400
    assert blank.context["form"].errors["reason"] == ["请填写督办事由。"]
    assert "请填写督办事由。" in page_text(blank)
    assert not SupervisionNotice.objects.exists() and AuditLog.objects.count() == before


def test_an_empty_reply_is_refused_and_the_notice_stays_waiting(world, national, cascaded):
    notice = issue_on_jia(world, cascaded)
    response = client_for(world.provincial_clerk).post(reverse("supervision:reply", args=[notice.pk]),
                                                       {"text": " ", "evidence": [docx_file()]})
    assert response.status_code == 400
    assert response.context["form"].errors["text"] == [f"请填写对督办单{notice.number}的回复内容。"]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED and not notice.evidence.exists()


def test_only_the_issuer_or_above_may_issue_or_close(world, national, cascaded):
    province = client_for(world.provincial_clerk)
    # 甲省 did not issue its cascaded task: no issue form for it.
    assert province.get(reverse("supervision:issue", args=[cascaded.jia.pk])).status_code == 403
    notice = issue_on_jia(world, cascaded)
    supervision_reply(by=world.provincial_clerk, notice=notice, text="已整改。")
    assert province.post(reverse("supervision:close", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.REPLIED


def test_the_unit_sees_the_instruction_on_its_task_and_its_notices(world, national, cascaded):
    office = client_for(world.national_clerk)
    response = office.post(reverse("supervision:instruction_add", args=[cascaded.jia.pk]),
                           {"text": "甲省要加大力度，确保按期完成。"})
    assert response.status_code == 302
    assert Instruction.objects.get().organization == world.cast
    blank = office.post(reverse("supervision:instruction_add", args=[cascaded.jia.pk]), {"text": ""})
    assert blank.status_code == 400 and Instruction.objects.count() == 1
    notice = issue_on_jia(world, cascaded)

    listing = client_for(world.provincial_clerk).get(reverse("supervision:instructions"),
                                                      {"item": cascaded.jia.pk})
    assert "甲省要加大力度，确保按期完成。" in page_text(listing)
    assert "甲省要加大力度" not in page_text(client_for(world.other_provincial_clerk).get(
        reverse("supervision:instructions")))

    # The task page's slot, as the task page includes it.
    panel = _task_panel(world.provincial_clerk, cascaded.jia)
    assert "甲省要加大力度，确保按期完成。" in panel and notice.number in panel
    assert reverse("supervision:issue", args=[cascaded.jia.pk]) not in panel
    office_panel = _task_panel(world.national_clerk, cascaded.jia)
    assert reverse("supervision:issue", args=[cascaded.jia.pk]) in office_panel
    assert reverse("supervision:instruction_add", args=[cascaded.jia.pk]) in office_panel
    assert "甲省要加大力度" not in _task_panel(world.other_provincial_clerk, cascaded.jia)


def _task_panel(user, item) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template('{% include "tracking/_task_supervision.html" %}').render(
        Context({"item": item, "request": request}))


def test_the_supervision_menu_entry_is_shown_to_plan_readers(world, signed_in):
    home = signed_in(world.provincial_clerk).get(reverse("home"))
    assert any(item["url"] == reverse("supervision:list") and item["label"] == "督查督办"
               for item in home.context["menu"])


def test_a_reply_after_the_deadline_is_marked_late_on_the_detail(world, national, cascaded):
    notice = issue_on_jia(world, cascaded, days_ago=20, due_in=10)
    client_for(world.provincial_clerk).post(reverse("supervision:reply", args=[notice.pk]), {"text": "已整改。"})
    notice.refresh_from_db()
    assert notice.replied_late
    assert "逾期" in page_text(client_for(world.national_clerk).get(reverse("supervision:detail", args=[notice.pk])))


def test_the_task_page_shows_its_notices_and_instructions_with_the_buttons_for_the_issuer(world, national, cascaded):
    from kexie.tracking.supervision import instruction_add

    notice = issue_on_jia(world, cascaded)
    instruction_add(by=world.national_clerk, item=cascaded.jia, text="甲省要加大力度，确保按期完成。")
    url = reverse("tracking:task", args=[cascaded.jia.pk])
    unit_page = page_text(client_for(world.provincial_clerk).get(url))
    assert notice.number in unit_page and "甲省要加大力度，确保按期完成。" in unit_page
    assert reverse("supervision:issue", args=[cascaded.jia.pk]) not in unit_page
    office_page = page_text(client_for(world.national_clerk).get(url))
    assert "下发督办单" in office_page and reverse("supervision:issue", args=[cascaded.jia.pk]) in office_page
