"""The ledger's light (亮灯) and percent columns — on the page, in the Excel export and in the API —
are the task's status snapshot as the task page shows it; the ledger filters and sorts by them."""

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kexie.plans import ledger_views
from kexie.tracking.models import ProgressReport, TaskSnapshot
from kexie.tracking.services import cycles_schedule, report_accept, report_submit, snapshots_refresh
from tests.plans.ledger_world import add_departments, confirmed_plan
from tests.plans.test_ledger_pages import MANY_TASKS

TODAY = dt.date(2026, 9, 1)


@pytest.fixture
def ledger(world):
    departments = add_departments(world)
    world.plan = confirmed_plan(world)
    [q1, *_rest] = cycles_schedule(by=world.provincial_clerk, plan=world.plan, start=dt.date(2026, 1, 1),
                                   end=dt.date(2026, 12, 31), frequency="quarterly")
    world.task = world.plan.items.get(title="开展学会评估")  # due 2026-12-31
    report = report_submit(by=world.provincial_clerk, report=ProgressReport(
        item=world.task, organization=departments["学会学术部"], cycle=q1, progress="in_progress", percent=30),
        now=dt.datetime(2026, 4, 3, tzinfo=dt.UTC))
    # Accepted in September: two thirds of the year gone, 30% done — far behind, so red.
    report_accept(by=world.provincial_clerk, report=report, today=TODAY)
    return world


def _row(response, item) -> str:
    return re.search(rf'<tr data-item="{item.pk}">.*?</tr>', response.content.decode(), re.S).group(0)


def _sheet_row(response, item) -> dict:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[2]]
    for row in sheet.iter_rows(min_row=4):
        if row[header.index("系统编号")].value == item.pk:
            return {"light": row[header.index("亮灯")].value, "percent": row[header.index("完成进度")],
                    "fill": row[header.index("亮灯")].fill.fgColor.rgb}
    raise AssertionError(f"item {item.pk} is not in the sheet")


def test_the_ledger_page_export_api_and_task_page_show_the_same_light_and_percent(ledger, signed_in):
    snapshot = TaskSnapshot.objects.get(item=ledger.task)
    assert (snapshot.colour, snapshot.percent, snapshot.expected) == ("red", 30, 67)
    client = signed_in(ledger.provincial_clerk)

    row = _row(client.get(reverse("ledger:plan", args=[ledger.plan.pk])), ledger.task)
    assert 'data-colour="red">红' in row
    assert '<span class="ledger-percent-value">30%</span>' in row and "序时 67%" in row

    task_page = client.get(reverse("tracking:task", args=[ledger.task.pk])).content.decode()
    assert re.search(r'id="task-light"><span class="tag tag-colour tag-colour-red" data-colour="red">红', task_page)
    assert 'id="task-percent">30%<' in task_page and 'id="task-expected">67%<' in task_page

    cells = _sheet_row(client.get(reverse("ledger:plan_export", args=[ledger.plan.pk])), ledger.task)
    assert cells["light"] == "红" and cells["fill"].endswith("FFC7CE")
    assert cells["percent"].value == 0.3 and cells["percent"].number_format == "0%"

    [item] = [i for i in client.get("/api/v1/ledger/", {"plan": ledger.plan.pk}).json()["results"]
              if i["id"] == ledger.task.pk]
    assert item["light"] == {"colour": "red", "colour_display": "红", "percent": 30, "expected": 67,
                             "overdue": False, "completed": False, "as_of": "2026-09-01"}


def test_a_task_not_tracked_yet_shows_no_light_anywhere(ledger, signed_in):
    # A confirmed plan's tasks are tracked at once; one whose snapshot is missing (data brought
    # over from elsewhere, before the next refresh) shows no light rather than a guessed one.
    untracked = ledger.plan.items.get(title="建设科普基地")
    TaskSnapshot.objects.filter(item=untracked).delete()
    client = signed_in(ledger.provincial_clerk)
    row = _row(client.get(reverse("ledger:plan", args=[ledger.plan.pk])), untracked)
    assert "尚未跟踪" in row and "data-colour" not in row
    assert "尚未跟踪" in client.get(reverse("tracking:task", args=[untracked.pk])).content.decode()
    cells = _sheet_row(client.get(reverse("ledger:plan_export", args=[ledger.plan.pk])), untracked)
    assert cells["light"] is None and cells["percent"].value is None
    [item] = [i for i in client.get("/api/v1/ledger/", {"plan": ledger.plan.pk}).json()["results"]
              if i["id"] == untracked.pk]
    assert item["light"] is None


def test_the_ledger_filters_by_light_on_the_page_in_the_export_and_in_the_api(ledger, signed_in):
    snapshots_refresh(today=dt.date(2026, 3, 1))  # every task tracked
    TaskSnapshot.objects.update(colour="green")
    TaskSnapshot.objects.filter(item__title="推进学会党建").update(colour="amber")
    TaskSnapshot.objects.filter(item=ledger.task).update(colour="red")
    client = signed_in(ledger.provincial_clerk)
    url = reverse("ledger:all")

    def titles(response):
        return [row["item"].title for row in response.context["rows"]]

    assert titles(client.get(url, {"colour": "amber"})) == ["推进学会党建"]
    assert titles(client.get(url, {"colour": "green"})) == ["深化理论学习", "整治休眠学会", "建设科普基地"]
    red = client.get(url, {"colour": "red"})
    assert titles(red) == ["开展学会评估"] and red.context["page_obj"].paginator.count == 1
    assert '<option value="red" selected>' in red.content.decode()
    sheet = load_workbook(io.BytesIO(b"".join(client.get(reverse("ledger:export"), {"colour": "amber"})
                                               .streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[2]] == ["推进学会党建"]
    api = client.get("/api/v1/ledger/", {"colour": "red"}).json()
    assert api["count"] == 1 and api["results"][0]["id"] == ledger.task.pk
    assert client.get("/api/v1/ledger/", {"colour": "purple"}).status_code == 400


def test_the_ledger_sorts_by_percent_with_untracked_tasks_last(ledger, signed_in):
    snapshots_refresh(today=dt.date(2026, 3, 1))
    TaskSnapshot.objects.filter(item__title="推进学会党建").update(percent=80)
    TaskSnapshot.objects.filter(item__title="建设科普基地").delete()
    client = signed_in(ledger.provincial_clerk)
    url = reverse("ledger:plan", args=[ledger.plan.pk])
    descending = [row["item"].title for row in client.get(url, {"sort": "-percent"}).context["rows"]]
    assert descending[:2] == ["推进学会党建", "开展学会评估"] and descending[-1] == "建设科普基地"
    ascending = [row["item"].title for row in client.get(url, {"sort": "percent"}).context["rows"]]
    assert ascending[-2:] == ["推进学会党建", "建设科普基地"]


def _queries(client, url, params) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return [query["sql"] for query in queries]


def test_the_lights_cost_one_query_a_page_whatever_its_size(ledger, signed_in, monkeypatch):
    confirmed_plan(ledger, text=MANY_TASKS)
    snapshots_refresh(today=dt.date(2026, 3, 1))
    client = signed_in(ledger.provincial_clerk)
    url = reverse("ledger:all")
    client.get(url)
    counts = []
    for size in (5, 25):
        monkeypatch.setattr(ledger_views, "PAGE_SIZE", size)
        cache.clear()
        queries = _queries(client, url, {"unit": ledger.prov_a.pk})
        assert len([sql for sql in queries if "tracking_tasksnapshot" in sql]) == 1
        counts.append(len(queries))
    assert counts[0] == counts[1]
    api = []
    for size in (5, 30):
        cache.clear()
        api.append(len(_queries(client, "/api/v1/ledger/", {"page_size": size})))
    assert api[0] == api[1]
