"""The supervision notice in official form: the .docx download (opened again with python-docx and
read against the database) and the print view, both scoped like the notice page; the download is
audited."""

import datetime as dt
import io
from pathlib import Path
from urllib.parse import quote

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import kexie.tracking
from kexie.audit.models import AuditLog
from kexie.core.officialdoc import east_asian_font
from kexie.tracking.models import SupervisionNotice
from kexie.tracking.supervision import supervision_close, supervision_issue, supervision_reply
from tests.personas import sign_in

PRINT_CSS = Path(kexie.tracking.__file__).parent / "static" / "tracking" / "notice-print.css"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def in_chinese(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def evidence(name="整改情况报告.docx") -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph("整改情况报告")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def issue(world, cascaded) -> SupervisionNotice:
    today = timezone.localdate()
    return supervision_issue(by=world.national_clerk, item=cascaded.jia, organization=world.prov_a,
                             reason="科普基地建设进度滞后。\n请说明原因并提出整改措施。",
                             reply_due=today + dt.timedelta(days=10), today=today)


def download(client, notice):
    return client.get(reverse("supervision:docx", args=[notice.pk]))


def texts(response) -> list[str]:
    document = docx.Document(io.BytesIO(response.content))
    return [p.text for p in document.paragraphs if p.text.strip()]


def test_the_notice_downloads_as_a_word_document_in_official_form(world, national, cascaded):
    notice = issue(world, cascaded)
    province = client_for(world.provincial_clerk)
    response = download(province, notice)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert f"filename*=UTF-8''{quote(notice.number + '.docx')}" in response["Content-Disposition"]

    notice = SupervisionNotice.objects.select_related("organization", "issuer", "item").get(pk=notice.pk)
    issued_on = timezone.localdate(notice.issued_at)
    assert texts(response) == [
        notice.number,
        "督办通知单",
        f"{notice.organization.name}：",
        f"现就你单位承担的“{notice.item.title}”任务下发督办通知，督办事由如下：",
        "科普基地建设进度滞后。",
        "请说明原因并提出整改措施。",
        f"请于{in_chinese(notice.reply_due)}前将办理情况书面回复{notice.issuer.name}。",
        notice.issuer.name,
        in_chinese(issued_on),
    ]
    document = docx.Document(io.BytesIO(response.content))
    title = next(p for p in document.paragraphs if p.text == "督办通知单")
    assert east_asian_font(title.runs[0]) == "方正小标宋简体"

    audit = AuditLog.objects.get(action="export", object_type="tracking.supervisionnotice")
    assert (audit.object_id, audit.user_id, audit.new_values) == (str(notice.pk), world.provincial_clerk.pk,
                                                                   {"format": "docx"})


def test_a_replied_and_closed_notice_carries_its_reply_with_the_evidence(world, national, cascaded):
    notice = issue(world, cascaded)
    supervision_reply(by=world.provincial_clerk, notice=notice, text="已增派人员。\n9月底前完成。",
                      evidence=[evidence(), evidence("整改台账.docx")])
    supervision_close(by=world.national_clerk, notice=notice)
    notice.refresh_from_db()
    lines = texts(download(client_for(world.national_clerk), notice))
    replied_on, closed_on = timezone.localdate(notice.replied_at), timezone.localdate(notice.closed_at)
    assert lines[lines.index("督办回复"):] == [
        "督办回复",
        "回复单位：甲省科学技术协会",
        f"回复日期：{in_chinese(replied_on)}",
        f"办结日期：{in_chinese(closed_on)}",
        "已增派人员。",
        "9月底前完成。",
        "附件：1.整改情况报告.docx  2.整改台账.docx",
    ]
    # Downloading is not handling: the notice's handling record keeps to issue, reply and close.
    detail = client_for(world.national_clerk).get(reverse("supervision:detail", args=[notice.pk]))
    assert [row["action"] for row in detail.context["history"]] == ["下发", "回复", "办结"]


def test_the_word_document_and_the_print_view_are_scoped_like_the_notice(world, national, cascaded):
    notice = issue(world, cascaded)
    for name in ("supervision:docx", "supervision:print"):
        assert client_for(world.other_provincial_clerk).get(reverse(name, args=[notice.pk])).status_code == 404
        assert client_for(world.no_role_user).get(reverse(name, args=[notice.pk])).status_code == 403
    assert not AuditLog.objects.filter(action="export").exists()


def test_the_print_view_is_the_notice_alone_on_an_a4_sheet(world, national, cascaded):
    notice = issue(world, cascaded)
    province = client_for(world.provincial_clerk)
    detail = province.get(reverse("supervision:detail", args=[notice.pk])).content.decode()
    assert reverse("supervision:print", args=[notice.pk]) in detail
    assert reverse("supervision:docx", args=[notice.pk]) in detail

    response = province.get(reverse("supervision:print", args=[notice.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    sheet = page[page.index('id="notice-sheet"'):page.index("</article>")]
    for text in (notice.number, "督办通知单", "甲省科学技术协会：", in_chinese(notice.reply_due), "中国科学技术协会"):
        assert text in sheet
    assert "督办回复" not in sheet
    # No menu or top bar around it; the print style sheet leaves only the sheet, on A4.
    assert 'class="sidemenu"' not in page and 'class="topbar"' not in page
    assert "tracking/notice-print.css" in page
    css = PRINT_CSS.read_text(encoding="utf-8")
    assert "@page { size: A4;" in css
    print_rules = css[css.index("@media print"):]
    assert ".print-toolbar { display: none; }" in print_rules

    supervision_reply(by=world.provincial_clerk, notice=notice, text="已整改。")
    sheet = province.get(reverse("supervision:print", args=[notice.pk])).content.decode()
    assert "督办回复" in sheet and "已整改。" in sheet
