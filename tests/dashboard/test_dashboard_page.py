"""The dashboard page, its exports and its API: the same numbers everywhere, and nothing
outside the user's scope."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.dashboard.selectors import dashboard_for
from kexie.tracking.services import snapshots_refresh
from kexie.dashboard.tables import PARTS
from tests.dashboard.conftest import MAY_31


def _cell(value):
    """A value as the workbook gives it back: numbers as floats, dates without a time, no time zone."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
        return value.date() if value.time() == dt.time(0) else value
    return value


@pytest.fixture
def today_is_may_31(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: MAY_31)


def test_the_page_shows_the_colour_counts_charts_and_tables(world, reported, signed_in, today_is_may_31):
    response = signed_in(world.national_clerk).get(reverse("dashboard:home"))
    assert response.status_code == 200
    page = response.content.decode()
    dashboard = response.context["dashboard"]
    assert dashboard.organization_id == world.cast.pk  # the user's own organisation by default
    assert (dashboard.counts.amber, dashboard.counts.red) == (1, 3)
    charts = json.loads(page.split('id="dashboard-charts" type="application/json">')[1].split("</script>")[0])
    assert charts["counts"] == {"green": 0, "amber": 1, "red": 3}
    assert charts["level"]["labels"] == ["全国", "省级"] and charts["level"]["average"] == [14.0, 27.5]
    assert "vendor/echarts.min.js" in page and "kexie/dashboard.js" in page
    for part in ("lead", "level", "trend", "targets"):
        assert f'id="chart-{part}"' in page and f'id="table-{part}"' in page
    assert "<td>27.5</td>" in page and "<td>66.7</td>" in page  # the table views
    assert "未报送" in page and "学会学术部" in page  # the late-filing list
    assert "仪表盘" in page  # the menu entry


def test_the_picker_opens_a_lower_unit_and_the_overdue_list_links_to_the_task(world, reported, signed_in,
                                                                               monkeypatch):
    snapshots_refresh(today=dt.date(2026, 10, 5))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: dt.date(2026, 10, 5))
    response = signed_in(world.national_clerk).get(reverse("dashboard:home"), {"org": world.prov_a.pk})
    dashboard = response.context["dashboard"]
    assert dashboard.organization == "甲省科学技术协会" and dashboard.overdue_total == 1
    assert f'href="/tracking/tasks/{dashboard.overdue[0].item_id}/"' in response.content.decode()


def test_a_county_clerk_cannot_open_the_provincial_dashboard(world, reported, signed_in):
    client = signed_in(world.county_clerk)
    assert client.get(reverse("dashboard:home"), {"org": world.prov_a.pk}).status_code == 404
    assert client.get(reverse("dashboard:export", args=["counts"]), {"org": world.prov_a.pk}).status_code == 404
    assert client.get(reverse("api:dashboard"), {"org": world.prov_a.pk}).status_code == 404
    assert client.get(reverse("dashboard:home")).status_code == 200  # their own county


def test_a_plan_outside_the_scope_is_not_found(world, reported, signed_in):
    client = signed_in(world.other_provincial_clerk)
    response = client.get(reverse("dashboard:home"), {"org": world.prov_b.pk, "plan": reported.plan.pk})
    assert response.status_code == 404


def test_each_export_opens_and_holds_the_numbers_of_the_page(world, reported, signed_in, today_is_may_31):
    client = signed_in(world.national_clerk)
    page = client.get(reverse("dashboard:home"), {"org": world.cast.pk}).context["tables"]
    for part in PARTS:
        response = client.get(reverse("dashboard:export", args=[part]), {"org": world.cast.pk})
        assert response.status_code == 200, part
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert rows[0][0].startswith("中国科学技术协会 " + page[part].title)
        assert rows[1] == page[part].headers
        assert [[_cell(c) for c in r] for r in rows[2:]] == [[_cell(c) for c in r] for r in page[part].rows], part
    level = load_workbook(io.BytesIO(client.get(reverse("dashboard:export", args=["level"]),
                                                {"org": world.cast.pk}).content)).active
    assert [list(r) for r in level.iter_rows(min_row=3, values_only=True)] == [
        ["全国", 0, 0, 2, 2, 0, 0, 14.0, 0.0], ["省级", 0, 1, 1, 2, 0, 0, 27.5, 100.0]]
    assert AuditLog.objects.filter(action="export", object_repr__contains="分层级进展").exists()
    assert client.get(reverse("dashboard:export", args=["nonsense"])).status_code == 404


def test_the_api_returns_the_numbers_of_the_page(world, reported, signed_in, today_is_may_31):
    client = signed_in(world.national_clerk)
    dashboard = client.get(reverse("dashboard:home"), {"org": world.cast.pk}).context["dashboard"]
    data = client.get(reverse("api:dashboard"), {"org": world.cast.pk}, HTTP_ACCEPT="application/json").json()
    assert data["counts"] == {"green": 0, "amber": 1, "red": 3, "completed": 0, "overdue": 0, "total": 4}
    assert [(r["level"], r["average_percent"], r["filing_rate"]) for r in data["by_level"]] == [
        (r.level, r.average_percent, r.filing_rate) for r in dashboard.by_level]
    assert [(r["name"], r["counts"]["red"]) for r in data["by_lead"]] == [
        (r.name, r.counts.red) for r in dashboard.by_lead]
    assert [(p["label"], p["counts"]["red"], p["average_percent"], p["filing_rate"]) for p in data["trend"]] == [
        (p.label, p.counts.red, p.average_percent, p.filing_rate) for p in dashboard.trend]
    assert [(t["task"], t["attainment"]) for t in data["targets"]] == [
        (t.task, None if t.attainment is None else str(t.attainment)) for t in dashboard.targets]
    assert data["late_total"] == 2 and [r["submitted_at"] is None for r in data["late"]] == [True, False]
    # Without ?org= it is the user's own organisation; the whole result is the selector's.
    assert client.get(reverse("api:dashboard")).json()["organization_id"] == world.cast.pk
    assert dashboard == dashboard_for(user=world.national_clerk, organization=world.cast, today=MAY_31, rows=20)


def test_the_api_refuses_a_bad_number_of_rows_naming_the_field(world, signed_in):
    response = signed_in(world.national_clerk).get(reverse("api:dashboard"), {"rows": "9999"},
                                                    HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "rows" in response.json()


def test_the_home_page_shows_the_colour_counts_of_the_users_organisation(world, reported, signed_in):
    page = signed_in(world.provincial_clerk).get(reverse("home")).content.decode()
    card = page.split('id="home-task-counts"')[1].split("</a>")[0]
    assert ">0</span> / <" in card and ">1</span> / <" in card  # 甲省: one amber task, none green or red
    assert "home-task-counts" not in signed_in(world.no_role_user).get(reverse("home")).content.decode()
