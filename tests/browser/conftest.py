"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against live_server.

Browser tests are marked ``browser``. They skip when /usr/bin/chromium is missing, except in CI
(CI=true), where a missing browser is a failure. Playwright's own browser downloads are never
used. A failing test leaves a screenshot in test-results/.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KEXIE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Remembered per phase so that the page fixture can tell, at teardown, whether the test failed.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def chromium():
    """One browser for the browser tests. Package-scoped, so that Playwright (and the switch
    below) ends with them and never reaches the rest of the suite."""
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread; Django then refuses the
    # database calls of fixtures and teardown in that thread unless told this is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, request):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Every page must keep to the Content-Security-Policy: a refused script, style or image fails
    # the test that showed it (Chromium reports each refusal on the console).
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    reports = [getattr(request.node, f"report_{when}", None) for when in ("setup", "call")]
    if any(report is not None and report.failed for report in reports):
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
    context.close()
    assert not refused, f"the page broke its Content-Security-Policy: {refused}"


@pytest.fixture
def browser_world(transactional_db):
    """The shared personas and organisation tree, in a database the live server can see.

    Transactional tests start from an emptied database, so the built-in roles that a migration
    created may be gone: put them back first."""
    from kexie.accounts.roles import ensure_builtin_roles
    from tests.personas import build_world

    ensure_builtin_roles()
    return build_world()
