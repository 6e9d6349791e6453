"""The person and staff pickers in a real browser: on the contact duty form a clerk types part of a
name, picks the academician and the staff member in charge from what the server finds, and saves."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kexie.visits.models import ContactDuty, Visit
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in
from tests.visits.helpers import build

pytestmark = pytest.mark.browser

# Where to keep pictures of the widget for a look by eye (not kept with the tests), when asked.
SHOTS = os.environ.get("KEXIE_PICKER_SHOTS")


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_a_clerk_types_part_of_a_name_picks_the_person_and_saves(page, live_server, browser_world, viewport):
    world, base_url = browser_world, live_server.url
    s = build(world)
    page.set_viewport_size(viewport)
    sign_in(page, base_url, world.provincial_clerk.username)
    page.goto(base_url + reverse("visits:duty_create"))

    person = page.locator("select[name=person] + .pick")
    expect(page.locator("select[name=person]")).to_be_hidden()
    person.locator("input[type=search]").fill("远山")
    expect(person.locator(".pick-result")).to_have_text(["程远山（院士）"])
    expect(person.get_by_text("闻予安")).to_have_count(0)  # another province's expert
    _shot(page, f"person-results-{viewport['width']}")
    person.locator(".pick-result").click()
    expect(person.locator(".pick-chosen li")).to_have_text(["程远山（院士）×"])
    expect(person.locator(".pick-results")).to_be_hidden()

    # The owner starts as the clerk; another staff member found by their organisation replaces them.
    owner = page.locator("select[name=owner] + .pick")
    expect(owner.locator(".pick-chosen li")).to_have_count(1)
    owner.locator("input[type=search]").fill("甲市")
    owner.locator("input[type=search]").press("Enter")  # picks the first match, does not submit
    expect(owner.locator(".pick-chosen li")).to_have_text(["甲市干事（甲市科学技术协会）×"])
    _shot(page, f"chosen-{viewport['width']}")

    page.locator("#duty-form button[type=submit]").click()
    page.wait_for_url(base_url + reverse("visits:contacts"))
    duty = ContactDuty.objects.get()
    assert (duty.person, duty.owner) == (s.academician, s.city_clerk)


def test_several_experts_are_picked_one_by_one_and_one_taken_off_before_saving(page, live_server, browser_world):
    world, base_url = browser_world, live_server.url
    s = build(world)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, base_url, world.provincial_clerk.username)
    page.goto(base_url + reverse("visits:visit_create"))
    form = page.locator("#visit-form")
    form.locator("select[name=team]").select_option(str(s.team.pk))
    form.locator("input[name=date]").fill("2026-05-10")
    form.locator("input[name=place]").fill("甲县")
    form.locator("input[name=enterprise]").fill("甲县玉米合作社")
    form.locator("textarea[name=problem]").fill("玉米螟虫害")

    experts = form.locator("select[name=persons] + .pick")
    for typed, label in (("岳明", "岳明川（研究员）"), ("知秋", "宁知秋（高级农艺师）"), ("远山", "程远山（院士）")):
        experts.locator("input[type=search]").fill(typed)
        experts.locator(".pick-result", has_text=label).click()
    expect(experts.locator(".pick-chosen li")).to_have_text(
        ["岳明川（研究员）×", "宁知秋（高级农艺师）×", "程远山（院士）×"])
    _shot(page, "several-1366")
    experts.locator("input[type=search]").fill("岳明")  # already chosen: not offered again
    expect(experts.locator(".pick-results")).to_have_text("在此处可选的范围内没有匹配的记录。")
    experts.get_by_role("button", name="移除 宁知秋（高级农艺师）").click()
    expect(experts.locator(".pick-chosen li")).to_have_count(2)

    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/new/" not in url)
    visit = Visit.objects.get()
    assert set(visit.persons.all()) == {s.leader, s.academician}
