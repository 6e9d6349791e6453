"""Every list pages the same way (the shared include and ``kexie.core.paging``): page numbers, a
field to jump to a page and a choice of page size, kept through filters and sorting."""

import re

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from kexie.core.templatetags.kexie import pager
from kexie.organizations.services import organization_create
from tests.plans.ledger_world import confirmed_plan
from tests.plans.test_ledger_pages import MANY_TASKS


def _nav(response) -> str:
    return re.search(r'<nav class="pagination".*?</nav>', response.content.decode(), re.S).group(0)


def _size_options(nav) -> tuple[list[str], str]:
    select = re.search(r'<select name="page_size".*?</select>', nav, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select), re.search(r'<option value="(\d+)" selected>', select).group(1)


@pytest.fixture
def many_units(world):
    for n in range(30):
        organization_create(by=None, parent=world.prov_a, name=f"甲省科协第{n + 1:02d}部", kind="department")
    return world  # 甲省's subtree: itself, its office, 甲市, 甲县 and these 30


def test_a_list_offers_page_sizes_and_keeps_the_one_chosen_through_filters_and_sorting(many_units, signed_in):
    client = signed_in(many_units.provincial_clerk)
    url = reverse("organizations:list")
    first = client.get(url)
    assert len(first.context["organizations"]) == 25  # the list's own size until one is chosen
    assert _size_options(_nav(first)) == (["20", "25", "50", "100"], "25")

    chosen = client.get(url, {"page_size": 50})
    assert len(chosen.context["organizations"]) == 34 and chosen.context["page_obj"].paginator.num_pages == 1
    # A filter form that knows nothing of the size, a sort link, another page: the size stays.
    assert len(client.get(url, {"kind": "department"}).context["organizations"]) == 31
    assert len(client.get(url, {"sort": "-name"}).context["organizations"]) == 34
    assert _size_options(_nav(client.get(url)))[1] == "50"
    # A size not offered is not taken.
    assert len(client.get(url, {"page_size": 100000}).context["organizations"]) == 34
    smaller = client.get(url, {"page_size": 20, "page": 2})
    assert len(smaller.context["organizations"]) == 14 and smaller.context["page_obj"].number == 2


def test_page_numbers_and_the_jump_field_keep_the_filters_and_the_sort(world, signed_in):
    plan = confirmed_plan(world, text=MANY_TASKS)  # 30 tasks
    client = signed_in(world.provincial_clerk)
    url = reverse("ledger:plan", args=[plan.pk])
    nav = _nav(client.get(url, {"q": "专项", "sort": "-key", "page_size": 20}))
    assert '<span class="pagination-current" aria-current="page">1</span>' in nav
    [link] = re.findall(r'<a href="\?([^"]*)">2</a>', nav)
    assert "q=%E4%B8%93%E9%A1%B9" in link and "sort=-key" in link and "page=2" in link
    jump = re.search(r'<form method="get" class="pagination-jump">.*?</form>', nav, re.S).group(0)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', jump))
    assert hidden == {"q": "专项", "sort": "-key"}  # the page and its size come from the form's own fields
    assert 'name="page" value="1" min="1" max="2"' in jump
    second = client.get(url, {"q": "专项", "sort": "-key", "page": 2})
    assert [row["item"].title for row in second.context["rows"]][-1] == "专项任务第1项"
    assert len(second.context["rows"]) == 10


def test_a_long_list_links_the_first_the_last_and_the_pages_around_the_current_one():
    paginator = Paginator(range(200), 10)
    assert pager(paginator.page(6))["pages"] == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert pager(paginator.page(1))["pages"] == [1, 2, 3, None, 20]
    assert pager(paginator.page(4))["pages"] == [1, 2, 3, 4, 5, 6, None, 20]  # no gap for one page
    assert pager(paginator.page(20))["pages"] == [1, None, 18, 19, 20]
    assert pager(Paginator(range(5), 10).page(1))["several"] is False
