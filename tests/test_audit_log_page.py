"""The audit log page: only the audit administrator reads it; filters, pages, masked values."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kexie.audit.models import AuditLog
from kexie.audit.selectors import history_for
from kexie.audit.services import audit_record
from kexie.organizations.models import Organization

LIST = reverse("audit:list")


@pytest.fixture
def trail(world):
    audit_record(action=AuditLog.Action.UPDATE, by=world.provincial_clerk, obj=world.city_a,
                 old={"phone": "13812345678", "name": "甲市科协"}, new={"phone": "13987654321", "name": "甲市新科协"})
    audit_record(action=AuditLog.Action.LOGIN_FAILED, username="intruder", success=False,
                 detail="wrong password for 110101199003071234")
    audit_record(action=AuditLog.Action.UNMASK, by=world.system_admin, obj=world.provincial_clerk,
                 new={"email": "jia.clerk@example.cn"})
    return world


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "national_clerk", "no_role_user"])
def test_anyone_but_the_audit_administrator_is_refused(trail, signed_in, persona):
    client = signed_in(getattr(trail, persona))
    row = AuditLog.objects.first()
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("audit:detail", args=[row.pk])).status_code == 403


def test_the_audit_administrator_sees_every_row_in_chinese(trail, signed_in):
    response = signed_in(trail.audit_admin).get(LIST)

    assert response.status_code == 200
    page = response.content.decode()
    assert "审计日志" in page and "登录失败" in page and "失败" in page
    assert response.context["page_obj"].paginator.count == AuditLog.objects.count()


def test_personal_data_in_values_and_details_is_masked(trail, signed_in):
    client = signed_in(trail.audit_admin)
    page = client.get(LIST).content.decode()
    assert "13812345678" not in page and "13987654321" not in page
    assert "138****5678" in page

    unmask = AuditLog.objects.get(action=AuditLog.Action.UNMASK)
    detail = client.get(reverse("audit:detail", args=[unmask.pk])).content.decode()
    assert "jia.clerk@example.cn" not in detail and "j***@example.cn" in detail

    failed = AuditLog.objects.get(action=AuditLog.Action.LOGIN_FAILED)
    detail = client.get(reverse("audit:detail", args=[failed.pk])).content.decode()
    assert "110101199003071234" not in detail and "110101********1234" in detail


def test_the_detail_shows_old_and_new_values_side_by_side(trail, signed_in):
    row = AuditLog.objects.get(action=AuditLog.Action.UPDATE, object_id=str(trail.city_a.pk))

    response = signed_in(trail.audit_admin).get(reverse("audit:detail", args=[row.pk]))

    changes = {item["key"]: item for item in response.context["changes"]}
    assert changes["name"]["old"] == "甲市科协" and changes["name"]["new"] == "甲市新科协"
    assert changes["phone"]["old"] == "138****5678"
    with translation.override("zh-hans"):  # the organisation's own field label, in the user's language
        assert changes["name"]["label"] == str(Organization._meta.get_field("name").verbose_name)
    assert changes["name"]["label"] != "name"
    assert "原值" in response.content.decode()


def test_a_missing_record_is_not_found(trail, signed_in):
    assert signed_in(trail.audit_admin).get(reverse("audit:detail", args=[10**9])).status_code == 404


@pytest.mark.parametrize("query, expected", [
    ({"action": "login_failed"}, {"intruder"}),
    ({"user": "provincial"}, {"provincial_clerk"}),
    ({"object_type": "accounts.user"}, {"sysadmin"}),
    ({"success": "0"}, {"intruder"}),
])
def test_each_filter_narrows_the_list(trail, signed_in, query, expected):
    response = signed_in(trail.audit_admin).get(LIST, query)

    assert {r["row"].username for r in response.context["records"]} == expected


def test_the_object_id_filter_finds_one_objects_rows(trail, signed_in):
    response = signed_in(trail.audit_admin).get(LIST, {"object_type": "organizations.organization",
                                                          "object_id": str(trail.city_a.pk)})

    rows = [r["row"] for r in response.context["records"]]
    assert rows and all(r.object_id == str(trail.city_a.pk) for r in rows)


def test_the_date_range_includes_both_whole_days(trail, signed_in):
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - dt.timedelta(days=30)):
        old = audit_record(action=AuditLog.Action.EXPORT, username="old_export")
    day = timezone.localdate(old.time)
    client = signed_in(trail.audit_admin)

    same_day = client.get(LIST, {"date_from": day.isoformat(), "date_to": day.isoformat()}).context["records"]
    later = client.get(LIST, {"date_from": (day + dt.timedelta(days=1)).isoformat()}).context["records"]

    assert [r["row"].pk for r in same_day] == [old.pk]
    assert old.pk not in [r["row"].pk for r in later]


def test_a_bad_date_is_reported_on_its_field_in_chinese_and_shows_no_rows(trail, signed_in):
    response = signed_in(trail.audit_admin).get(LIST, {"date_from": "2026-13-45"})

    assert response.context["records"] == []
    assert "date_from" in response.context["form"].errors
    assert "有效的日期" in response.content.decode()


def test_an_end_date_before_the_start_date_is_refused(trail, signed_in):
    response = signed_in(trail.audit_admin).get(LIST, {"date_from": "2026-05-02", "date_to": "2026-05-01"})

    assert "结束日期不能早于开始日期" in response.content.decode()
    assert response.context["records"] == []


def test_it_pages_fifty_rows_at_a_time(trail, signed_in):
    for n in range(60):
        audit_record(action=AuditLog.Action.EXPORT, username=f"u{n}")
    client = signed_in(trail.audit_admin)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert len(first.context["records"]) == 50
    assert first.context["records"][0]["row"].username == "u59"  # newest first
    assert second.context["page_obj"].number == 2
    assert not {r["row"].pk for r in first.context["records"]} & {r["row"].pk for r in second.context["records"]}


def test_history_for_returns_one_objects_rows_newest_first(trail):
    for n in range(3):
        audit_record(action=AuditLog.Action.UPDATE, obj=trail.city_a, new={"n": n})

    rows = list(history_for(trail.city_a))

    assert rows and all(r.object_type == "organizations.organization" and r.object_id == str(trail.city_a.pk)
                        for r in rows)
    assert [r.pk for r in rows] == sorted((r.pk for r in rows), reverse=True)
    assert rows[0].new_values == {"n": 2}
    assert len(list(history_for(trail.city_a, limit=2))) == 2
    assert not [r for r in history_for(trail.city_b) if r.object_id == str(trail.city_a.pk)]
