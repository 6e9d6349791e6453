"""The ledger page at scale: the count stops at a cap ("1,000+") and paging goes on past it; the
plan and unit lists are written without a query or a template per option."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kexie.organizations import forms as organization_forms
from kexie.plans import ledger_views
from tests.plans.ledger_world import add_departments, confirmed_plan
from tests.plans.test_ledger_pages import MANY_TASKS


@pytest.fixture
def ledger(world):
    world.departments = add_departments(world)
    world.plan = confirmed_plan(world)  # 5 tracked items
    world.many = confirmed_plan(world, text=MANY_TASKS)  # 30 more
    return world


def _titles(response):
    return [row["item"].title for row in response.context["rows"]]


def _pagination(response) -> str:
    return re.search(r'<nav class="pagination".*?</nav>', response.content.decode(), re.S).group(0)


def test_below_the_cap_the_page_shows_the_exact_count(ledger, signed_in):
    response = signed_in(ledger.provincial_clerk).get(reverse("ledger:all"))
    assert not response.context["page_obj"].paginator.capped
    assert "共 35 条" in _pagination(response)
    assert "1 / 2" in _pagination(response)


def test_beyond_the_cap_the_page_shows_a_lower_bound_and_paging_goes_on(ledger, signed_in, monkeypatch):
    monkeypatch.setattr(ledger_views, "COUNT_CAP", 25)
    client = signed_in(ledger.provincial_clerk)
    first = client.get(reverse("ledger:all"))
    assert first.context["page_obj"].paginator.capped
    nav = _pagination(first)
    assert "共 25+ 条" in nav and "1 / 1+" in nav
    assert "page=2" in nav  # the next page is reachable although the count stopped
    assert len(first.context["rows"]) == 25
    # The second page counts further: the end is in reach, so the count is exact again.
    second = client.get(reverse("ledger:all"), {"page": 2})
    assert not second.context["page_obj"].paginator.capped
    assert len(second.context["rows"]) == 10
    assert "共 35 条" in _pagination(second) and "2 / 2" in _pagination(second)
    assert set(_titles(first)).isdisjoint(_titles(second))
    assert len(set(_titles(first)) | set(_titles(second))) == 35


def test_a_page_past_the_end_shows_the_last_page_with_its_exact_count(ledger, signed_in, monkeypatch):
    monkeypatch.setattr(ledger_views, "COUNT_CAP", 25)
    response = signed_in(ledger.provincial_clerk).get(reverse("ledger:all"), {"page": 99})
    assert response.context["page_obj"].number == 2
    assert "共 35 条" in _pagination(response)


def test_the_capped_count_keeps_the_filters_and_sort_in_the_page_links(ledger, signed_in, monkeypatch):
    monkeypatch.setattr(ledger_views, "COUNT_CAP", 25)
    client = signed_in(ledger.provincial_clerk)
    response = client.get(reverse("ledger:all"), {"unit": ledger.prov_a.pk, "sort": "-key"})
    nav = _pagination(response)
    assert f"unit={ledger.prov_a.pk}" in nav and "sort=-key" in nav
    assert _titles(response)[0] == "专项任务第30项"


def _queries(client, *args) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(*args).status_code == 200
    return [query["sql"] for query in queries]


def _counts_items(queries) -> bool:
    return any(sql.startswith("SELECT COUNT(") and "plans_planitem" in sql for sql in queries)


def test_the_query_count_does_not_grow_with_the_page_size_or_the_number_of_plans(ledger, signed_in, monkeypatch):
    client = signed_in(ledger.provincial_clerk)
    url = reverse("ledger:all")
    client.get(url)
    counts = []
    for size in (5, 25):
        monkeypatch.setattr(ledger_views, "PAGE_SIZE", size)
        cache.clear()
        counts.append(len(_queries(client, url, {"unit": ledger.prov_a.pk})))
    confirmed_plan(ledger, title="甲省科协另一份要点")
    counts.append(len(_queries(client, url, {"unit": ledger.prov_a.pk})))
    assert counts[0] == counts[1] == counts[2]


def test_the_count_is_kept_until_the_data_changes(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    url = reverse("ledger:all")
    assert _counts_items(_queries(client, url, {"unit": ledger.prov_a.pk}))
    # Another page, or the same one again: counted already.
    assert not _counts_items(_queries(client, url, {"unit": ledger.prov_a.pk, "page": 2}))
    # Other filters are counted for themselves.
    response = client.get(url, {"unit": ledger.prov_a.pk, "q": "专项任务第1"})
    assert response.context["page_obj"].paginator.count == 11  # 第1项 and 第10–19项
    # A change (through a service, with its audit row) is counted at the next request.
    confirmed_plan(ledger, text=MANY_TASKS.replace("专项任务清单", "专项任务清单（二）"), title="另一份清单")
    response = client.get(url, {"unit": ledger.prov_a.pk})
    assert response.context["page_obj"].paginator.count == 65
    assert "共 65 条" in _pagination(response)


def test_the_api_counts_exactly_and_keeps_its_count_until_the_data_changes(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    url = "/api/v1/ledger/"
    first = client.get(url, {"unit": ledger.prov_a.pk})
    assert first.json()["count"] == 35
    assert not _counts_items(_queries(client, url, {"unit": ledger.prov_a.pk, "page": 2}))
    confirmed_plan(ledger, text=MANY_TASKS.replace("专项任务清单", "专项任务清单（二）"), title="另一份清单")
    assert client.get(url, {"unit": ledger.prov_a.pk}).json()["count"] == 65
    assert client.get(url, {"unit": ledger.prov_a.pk, "kind": "goal"}).json()["count"] == 0


def test_the_plan_list_is_a_select_with_the_chosen_plan_selected(ledger, signed_in):
    response = signed_in(ledger.provincial_clerk).get(reverse("ledger:all"), {"plan": ledger.many.pk})
    select = re.search(r'<select name="plan"[^>]*>.*?</select>', response.content.decode(), re.S).group(0)
    assert '<option value="">全部规划</option>' in select
    assert f'<option value="{ledger.many.pk}" selected>' in select
    assert f'<option value="{ledger.plan.pk}">' in select
    assert "甲省科协" in select  # "title（organisation）"
    assert {row["item"].plan_id for row in response.context["rows"]} == {ledger.many.pk}


def test_a_small_scope_picks_the_unit_from_a_searchable_list_of_full_paths(ledger, signed_in):
    department = ledger.departments["学会学术部"]
    response = signed_in(ledger.provincial_clerk).get(reverse("ledger:all"), {"unit": department.pk})
    select = re.search(r'<select name="unit"[^>]*>.*?</select>', response.content.decode(),
                       re.S).group(0)
    assert "data-picker=" in select
    assert re.search(rf'<option value="{department.pk}" selected data-search="[^"]*">', select)
    labels = dict(re.findall(r'<option value="(\d+)"[^>]*>(.*?)</option>', select))
    # The department reads as its place in the tree and comes right after its province.
    assert labels[str(department.pk)] == f"甲省科协 / {department.name}"
    assert labels[str(ledger.prov_a.pk)] == ledger.prov_a.name  # the national root is not repeated
    order = list(labels)
    assert order.index(str(ledger.prov_a.pk)) < order.index(str(department.pk))
    search = re.search(rf'<option value="{department.pk}"[^>]*data-search="([^"]*)"', select).group(1)
    assert "甲省科协" in search and department.name in search
    assert _titles(response) == ["推进学会党建", "开展学会评估", "整治休眠学会"]


def test_a_large_scope_types_the_unit_and_sees_its_name_back(ledger, signed_in, monkeypatch):
    monkeypatch.setattr(organization_forms, "SELECT_LIMIT", 1)
    department = ledger.departments["学会学术部"]
    client = signed_in(ledger.provincial_clerk)
    by_id = client.get(reverse("ledger:all"), {"unit": department.pk})
    path = f"甲省科协 / {department.name}"
    assert f'name="unit" value="{path}"' in by_id.content.decode()
    by_name = client.get(reverse("ledger:all"), {"unit": department.name})
    assert f'name="unit" value="{path}"' in by_name.content.decode()
    by_path = client.get(reverse("ledger:all"), {"unit": path})
    assert f'name="unit" value="{path}"' in by_path.content.decode()
    assert _titles(by_id) == _titles(by_name) == _titles(by_path) == ["推进学会党建", "开展学会评估", "整治休眠学会"]


def test_the_plan_list_escapes_titles(ledger, signed_in):
    confirmed_plan(ledger, title="<b>甲省</b>“要点”&附件")
    response = signed_in(ledger.provincial_clerk).get(reverse("ledger:all"))
    select = re.search(r'<select name="plan"[^>]*>.*?</select>', response.content.decode(), re.S).group(0)
    assert "&lt;b&gt;甲省&lt;/b&gt;“要点”&amp;附件（甲省科协）" in select
    assert "<b>" not in select


def test_the_filter_lists_are_kept_until_the_data_changes(ledger, signed_in):
    client = signed_in(ledger.provincial_clerk)
    url = reverse("ledger:all")
    first = _queries(client, url)
    again = _queries(client, url)
    # Neither the plans nor the organisations in scope are asked for again.
    assert len(again) < len(first)
    assert not [sql for sql in again if 'FROM "plans_plan"' in sql.split(" WHERE ")[0]]
    added = confirmed_plan(ledger, title="甲省科协新增要点")
    select = re.search(r'<select name="plan"[^>]*>.*?</select>', client.get(url).content.decode(), re.S).group(0)
    assert f'<option value="{added.pk}">' in select


def test_a_plan_outside_the_scope_is_refused_even_with_the_lists_kept(ledger, signed_in):
    client = signed_in(ledger.other_provincial_clerk)
    client.get(reverse("ledger:all"))
    response = client.get(reverse("ledger:all"), {"plan": ledger.plan.pk})
    assert response.context["form"].errors.get("plan")
    assert _titles(response) == []


def test_sorted_by_lead_the_count_reads_ids_only(ledger, signed_in):
    with CaptureQueriesContext(connection) as queries:
        response = signed_in(ledger.provincial_clerk).get(reverse("ledger:all"), {"sort": "lead"})
    (count,) = [sql for sql in (q["sql"] for q in queries.captured_queries) if _counts_items([sql])]
    # The lead unit orders the rows shown; counting them has no use for it.
    assert "unit_name" not in count
    assert response.context["page_obj"].paginator.count == 35
