"""The audit log reads in the user's language: actions, field names and values through their
labels (never the codes the trail stores), the same on the page, the detail and the Excel export."""

import ast
import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

import kexie
from kexie.audit.models import AuditLog
from kexie.audit.services import audit_record
from kexie.organizations.services import organization_set_status

LIST = reverse("audit:list")
EXPORT = reverse("audit:export")


def _action_codes_written() -> dict[str, str]:
    """Every action code a call of ``audit_record`` in the platform's code passes, with its file."""
    codes = {}
    for path in Path(kexie.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "audit_record"):
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                for part in ast.walk(keyword.value):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        codes[part.value] = str(path)
                    elif isinstance(part, ast.Attribute) and getattr(part.value, "attr", "") == "Action":
                        codes[AuditLog.Action[part.attr].value] = str(path)
    return codes


def test_every_action_code_the_platform_writes_has_a_label():
    codes = _action_codes_written()

    assert {"submit", "apply", "cascade", "issue", "decide", "login", "export"} <= set(codes)
    assert {code: path for code, path in codes.items() if code not in AuditLog.Action.values} == {}


@pytest.fixture
def trail(world):
    organization_set_status(by=world.national_clerk, organization=world.city_a, status="dormant",
                            reason="连续两年未开展活动")
    audit_record(action="submit", by=world.provincial_clerk, obj=world.city_a, old={"late": False},
                 new={"parent": world.prov_a.pk, "founded_on": "2026-05-01", "late": True})
    audit_record(action="security", by=world.system_admin, obj=world.system_admin, detail="second factor reset")
    return world


def test_the_list_shows_the_action_field_and_value_labels_not_the_codes(trail, signed_in):
    page = signed_in(trail.audit_admin).get(LIST).content.decode()

    assert "状态变更" in page and "提交" in page and "安全事件" in page
    assert "状态：正常 → 休眠" in page
    assert "上级组织：甲省科学技术协会" in page  # a foreign key shown as the object's name
    assert "成立日期：2026年5月1日" in page  # a date as Chinese writes it
    assert "逾期：否 → 是" in page
    for code in (">submit<", "status:", "→ dormant", "founded_on", ">True", "late:"):
        assert code not in page


def test_a_fixed_detail_of_a_security_event_reads_in_chinese(trail, signed_in):
    row = AuditLog.objects.get(action="security")

    page = signed_in(trail.audit_admin).get(reverse("audit:detail", args=[row.pk])).content.decode()

    assert "已重置动态口令" in page and "second factor reset" not in page


def test_the_detail_labels_every_recorded_key_and_value(trail, signed_in):
    row = AuditLog.objects.get(action="submit")

    response = signed_in(trail.audit_admin).get(reverse("audit:detail", args=[row.pk]))

    changes = {item["key"]: item for item in response.context["changes"]}
    assert changes["parent"]["label"] == "上级组织" and changes["parent"]["new"] == "甲省科学技术协会"
    assert changes["late"]["old"] == "否" and changes["late"]["new"] == "是"
    assert changes["founded_on"]["new"] == "2026年5月1日"
    page = response.content.decode()
    assert "<dd>提交</dd>" in page and "founded_on" not in page


def test_the_labels_follow_the_user_language(trail, signed_in):
    client = signed_in(trail.audit_admin)
    client.post(reverse("set_language"), {"language": "en", "next": LIST})

    page = client.get(LIST).content.decode()

    assert "Status change" in page and "Submit" in page
    assert "status: Active → Dormant" in page
    assert "parent organisation: 甲省科学技术协会" in page.lower()


def test_a_system_job_shows_as_the_system_not_a_username(world, signed_in):
    audit_record(action="remind", username="system", object_type="notifications.urging", new={"count": 2})

    records = signed_in(world.audit_admin).get(LIST).context["records"]

    assert [(r["username"], r["action"]) for r in records if r["row"].action == "remind"] == [("系统", "提醒催办")]


# --- the Excel export -----------------------------------------------------------------------


def _sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_the_export_holds_the_filtered_rows_labelled_as_on_the_page(trail, signed_in):
    response = signed_in(trail.audit_admin).get(EXPORT, {"object_type": "organizations.organization"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(_sheet(response).iter_rows(values_only=True))
    assert rows[0][0] == "审计日志"
    assert list(rows[1][:5]) == ["时间", "用户", "所属组织", "IP地址", "操作"]
    assert {row[4] for row in rows[2:]} >= {"状态变更", "提交"}
    assert {row[5] for row in rows[2:]} == {"组织"}  # the filter held: no security rows
    changes = " ".join(str(row[8]) for row in rows[2:])
    assert "状态：正常 → 休眠" in changes and "成立日期：2026年5月1日" in changes and "dormant" not in changes


def test_the_export_is_audited_with_its_filters_and_count(trail, signed_in):
    signed_in(trail.audit_admin).get(EXPORT, {"action": "submit"})

    row = AuditLog.objects.filter(action="export").get()
    assert row.username == "auditadmin" and row.object_type == "audit.auditlog"
    assert row.new_values == {"filters": {"action": "submit"}, "count": 1}


def test_the_export_escapes_a_formula_written_into_a_record(world, signed_in):
    audit_record(action="update", by=world.provincial_clerk, obj=world.city_a, object_repr='=HYPERLINK("http://x")')

    sheet = _sheet(signed_in(world.audit_admin).get(EXPORT, {"action": "update"}))

    assert sheet.cell(row=3, column=8).value == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "national_clerk"])
def test_only_the_audit_administrator_may_export(trail, signed_in, persona):
    response = signed_in(getattr(trail, persona)).get(EXPORT)

    assert response.status_code == 403
    assert not AuditLog.objects.filter(action="export").exists()


def test_an_export_too_large_is_refused_with_a_message_and_nothing_recorded(trail, signed_in, monkeypatch):
    monkeypatch.setattr("kexie.audit.excel.EXPORT_MAX_ROWS", 2)
    client = signed_in(trail.audit_admin)

    response = client.get(EXPORT, {"user": "a"}, follow=True)

    assert response.redirect_chain[-1][0].startswith(LIST + "?user=a")
    assert "单次导出最多 2 条" in response.content.decode()
    assert not AuditLog.objects.filter(action="export").exists()


def test_the_list_links_to_the_export_with_its_filters(trail, signed_in):
    page = signed_in(trail.audit_admin).get(LIST, {"action": "submit", "page": "1"}).content.decode()

    assert f'href="{EXPORT}?action=submit"' in page


def test_the_labels_are_the_same_in_english_when_asked(trail):
    from kexie.audit.presentation import AuditPresenter

    row = AuditLog.objects.get(action="status")
    with translation.override("en"):
        assert AuditPresenter([row]).record(row)["summary"] == "status: Active → Dormant"
    with translation.override("zh-hans"):
        assert AuditPresenter([row]).record(row)["summary"] == "状态：正常 → 休眠"
