"""A provincial clerk signs in through the real login page, walks the organisation tree down to a
county (children load with htmx) and cannot open an organisation of another province."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.personas import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, base_url, username):
    page.goto(base_url + reverse("accounts:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: reverse("accounts:login") not in url)


def expand(page, base_url, org):
    """Click the node's toggle and wait for its children to arrive from the server."""
    children_url = base_url + reverse("organizations:children", args=[org.pk])
    node = page.locator("li", has=page.get_by_role("link", name=org.name, exact=True)).last
    with page.expect_response(lambda response: response.url == children_url) as response:
        node.get_by_role("button").first.click()
    assert response.value.status == 200


def test_a_provincial_clerk_walks_down_to_a_county_and_cannot_open_another_province(
        page, live_server, browser_world):
    world, base_url = browser_world, live_server.url
    sign_in(page, base_url, world.provincial_clerk.username)

    page.goto(base_url + reverse("organizations:tree"))
    tree = page.locator(".tree")
    expect(tree.get_by_role("link", name=world.prov_a.name, exact=True)).to_be_visible()
    # Nothing of the other province is offered.
    expect(page.get_by_text(world.prov_b.name)).to_have_count(0)

    expand(page, base_url, world.prov_a)
    expect(tree.get_by_role("link", name=world.city_a.name, exact=True)).to_be_visible()
    expand(page, base_url, world.city_a)
    county_link = tree.get_by_role("link", name=world.county_a.name, exact=True)
    expect(county_link).to_be_visible()

    county_link.click()
    page.wait_for_url(base_url + reverse("organizations:detail", args=[world.county_a.pk]))
    expect(page.locator("h1")).to_contain_text(world.county_a.name)

    response = page.goto(base_url + reverse("organizations:detail", args=[world.prov_b.pk]))
    assert response.status == 404
    expect(page.locator("h1")).to_have_text(re.compile("未找到"))
    expect(page.get_by_text(world.prov_b.name)).to_have_count(0)
