"""A provincial clerk composes an issue of the bulletin from the selected proposals, starting from
the home page, issues it and downloads its Word document, which opens with the issue's masthead,
number, date, the edited heading and the author credit."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document

from kexie.proposals import services
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in
from tests.proposals.helpers import open_campaign, person

pytestmark = pytest.mark.browser


def test_a_clerk_composes_a_bulletin_from_selected_proposals_and_downloads_it(page, live_server, browser_world,
                                                                             settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world, base_url, clerk = browser_world, live_server.url, browser_world.provincial_clerk
    campaign = open_campaign(world)
    chosen = services.submission_create(by=clerk, campaign=campaign, authors=[person(clerk, world.prov_a, "李文博")],
                                        data={"title": "关于建设县域科技服务站的建议", "text": "建立县域科技服务站。"})
    left_out = services.submission_create(by=clerk, campaign=campaign, authors=[person(clerk, world.prov_a, "赵敏")],
                                          data={"title": "关于举办科普集市的建议", "text": "每季度举办科普集市。"})
    for submission in (chosen, left_out):
        services.valuation_record(by=clerk, submission=submission, grade="A")
        services.submission_decide(by=clerk, submission=submission, selected=True)

    sign_in(page, base_url, clerk.username)
    page.goto(base_url + reverse("home"))
    page.locator("#sidemenu").get_by_role("link", name="建言献策").click()
    page.locator("#bulletin-compose").click()
    page.locator("#bulletin-form input[name=series]").fill("科技智库建言")
    page.locator("#bulletin-form input[name=sent_to]").fill("省委、省政府")
    page.locator(f"input[name=include-{chosen.pk}]").check()
    page.locator(f"input[name=title-{chosen.pk}]").fill("建设县域科技服务站 助力乡村振兴")
    page.locator("#bulletin-save").click()
    page.locator("#issue-form input[name=issued_on]").fill("2026-05-15")
    page.locator("#bulletin-issue").click()
    assert page.locator("#bulletin-status").inner_text() == "已印发"

    with page.expect_download() as download:
        page.locator("#bulletin-download").click()
    assert download.value.suggested_filename == "科技智库建言〔2026〕第1期.docx"
    texts = [p.text for p in Document(io.BytesIO(Path(download.value.path()).read_bytes())).paragraphs]
    assert texts[0] == "科技智库建言" and "〔2026〕第1期" in texts
    assert "一、建设县域科技服务站 助力乡村振兴" in texts and "作者：李文博　单位：甲省农业科学院" in texts
    assert "报送：省委、省政府" in texts and not any("科普集市" in text for text in texts)
