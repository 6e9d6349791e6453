"""The S&T worker's home (科技工作者之家, ``accounts:me``): every service's section lists the
account's own records only — through its linked person or what it filed — with a card per section
at the top; another account's records never show, on the page or in the sections."""

import lxml.html
import pytest
from django.urls import reverse

from kexie.accounts.home import home_for, sections
from tests.home.helpers import build_records
from tests.personas import make_external

KEYS = {"panels.reviews", "awards.nominations", "proposals.mine", "demands.mine", "demands.applications",
        "people.libraries"}


@pytest.fixture
def records(world):
    return build_records(world)


def _titles(user) -> dict[str, list[str]]:
    return {block["section"].key: [item.title for item in block["items"]] for block in home_for(user)}


def test_the_services_register_their_sections():
    assert KEYS <= {section.key for section in sections()}


def test_each_section_lists_the_workers_own_records(records):
    titles = _titles(records.worker)
    assert titles["panels.reviews"] == [records.round.title]
    assert titles["awards.nominations"] == [records.nomination.call.title]
    assert titles["proposals.mine"] == [records.proposal.title]
    assert titles["demands.mine"] == [records.demand.title]
    assert titles["demands.applications"] == [records.application.demand.title]
    assert len(titles["people.libraries"]) == 1


def test_another_accounts_records_never_show(records):
    mine = _titles(records.worker)
    flat = [title for titles in mine.values() for title in titles]
    assert records.other_proposal.title not in flat and records.other_demand.title not in flat
    assert len(mine["awards.nominations"]) == 1  # not the other person's nomination in the same call
    theirs = _titles(records.other)
    other_flat = [title for titles in theirs.values() for title in titles]
    assert records.proposal.title not in other_flat and records.demand.title not in other_flat
    assert "demands.applications" not in theirs and "panels.reviews" not in theirs
    # An account with no person record and nothing filed has no sections at all.
    assert home_for(make_external("nobody@example.cn", full_name="路人")) == []


def test_the_page_shows_the_name_the_cards_and_the_sections(records, signed_in):
    client = signed_in(records.worker)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:me")
    page = response.content.decode()
    tree = lxml.html.fromstring(page)
    assert tree.xpath("string(//div[@id='home-head']/h1)").strip() == "冯自由1"
    cards = {a.get("data-section"): a for a in tree.xpath("//ul[@id='home-cards']//a")}
    assert KEYS <= set(cards)
    for key, card in cards.items():
        assert card.get("href") == f"#home-{key}"
        assert tree.xpath(f"//section[@id='home-{key}']"), key
    assert cards["proposals.mine"].xpath("string(.//span[@class='home-count'])") == "1"
    for title in (records.proposal.title, records.demand.title, records.round.title, records.nomination.call.title):
        assert title in page
    assert records.other_proposal.title not in page and records.other_demand.title not in page
    assert reverse("demands:my_detail", args=[records.demand.pk]) in page
    assert reverse("demands:my_detail", args=[records.other_demand.pk]) not in page
    # The profile block and sign-out-everywhere stay.
    assert 'id="my-profile"' in page and 'value="sign_out_everywhere"' in page
    # The pending panel invitation offers its answer.
    assert "待答复邀请" in page


def test_an_account_without_records_sees_the_empty_page(world, signed_in):
    page = signed_in(make_external("nobody@example.cn", full_name="路人")).get(reverse("accounts:me")).content.decode()
    assert "路人" in page and 'id="home-cards"' not in page and 'value="sign_out_everywhere"' in page
