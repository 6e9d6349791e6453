"""Pages under the Content-Security-Policy (self only, no inline script or style): the API docs
start from a script file and a style sheet of ours. The page fixture fails any browser test whose
page was refused something, so every page the browser tests visit is checked."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_provincial_clerk_browses_the_tree import sign_in

pytestmark = pytest.mark.browser


def test_the_policy_is_sent_and_the_api_docs_still_run_under_it(page, live_server, browser_world):
    world, base_url = browser_world, live_server.url
    sign_in(page, base_url, world.national_clerk.username)
    response = page.goto(base_url + reverse("api:docs"))
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()

