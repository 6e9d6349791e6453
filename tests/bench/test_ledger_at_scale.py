"""The ledger page when thousands of plans are in scope (found by the ledger benchmark at national
scale: a select of every plan made the page 1.6 MB and over a second to render)."""

import re

import pytest

from kexie.organizations import forms as organization_forms
from tests.plans.ledger_world import confirmed_plan


def plan_options(response) -> list[str]:
    select = re.search(r'<select name="plan".*?</select>', response.content.decode(), re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select)


@pytest.fixture
def plans(world):
    own = confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, title="中国科协重点任务")
    lower = confirmed_plan(world, clerk=world.provincial_clerk, organization=world.prov_a, title="甲省科协工作要点")
    return own, lower


def test_with_more_plans_than_a_select_holds_the_list_offers_the_users_own(plans, signed_in, monkeypatch):
    own, lower = plans
    client = signed_in(own.created_by)
    monkeypatch.setattr(organization_forms, "SELECT_LIMIT", 1)
    assert plan_options(client.get("/ledger/")) == [str(own.pk)]
    # A plan in scope but not listed is still accepted, and shown once chosen.
    chosen = client.get("/ledger/", {"plan": lower.pk})
    assert chosen.status_code == 200
    assert plan_options(chosen) == [str(own.pk), str(lower.pk)] or plan_options(chosen) == [str(lower.pk), str(own.pk)]
    assert [row["item"].plan_id for row in chosen.context["rows"]] == [lower.pk] * len(chosen.context["rows"])
    assert chosen.context["rows"]


def test_below_the_limit_every_plan_in_scope_is_listed(plans, signed_in):
    own, _lower = plans
    assert sorted(plan_options(signed_in(own.created_by).get("/ledger/"))) == sorted([str(own.pk), str(_lower.pk)])
