"""The proposals API: the same campaigns, proposals, bulletin issues and studies as the pages show
each user, with the authors' credit and adoption but never the reviewers' private notes; nothing
for an S&T worker's external account; answering as its schema says."""

import datetime as dt

import pytest
from django.urls import reverse

from kexie.people.models import Person
from kexie.proposals import services
from kexie.proposals.models import Submission
from tests.api_conformance import assert_documented
from tests.personas import make_external
from tests.proposals.helpers import open_campaign, person, submit


def _campaign(world, organization, title):
    by = world.national_clerk
    campaign = services.campaign_create(by=by, organization=organization, data={"title": title})
    return services.campaign_open(by=by, campaign=campaign)


@pytest.fixture
def spread(world):
    """Campaigns, proposals, issues and studies held by 甲省, 甲市 and 乙省, and a proposal the
    national society sends to 甲省's campaign."""
    jia = open_campaign(world)
    city = _campaign(world, world.city_a, "甲市建言")
    yi = _campaign(world, world.prov_b, "乙省建言")
    author = person(world.national_clerk, world.prov_a, "李文博")
    for campaign in (jia, city, yi):
        services.submission_create(by=world.national_clerk, campaign=campaign, authors=[author],
                                   data={"title": f"{campaign.title}的建议", "text": "……"})
    services.submission_create(by=world.national_clerk, campaign=jia, organization=world.society, source_kind="society",
                               data={"title": "学会的建议", "text": "……"})
    for organization in (world.prov_a, world.prov_b):
        services.bulletin_create(by=world.national_clerk, organization=organization,
                                 data={"series": "科技智库建言", "year": 2026})
        services.study_create(by=world.national_clerk, organization=organization, data={"title": "调研课题"})
    return jia


def _ids(response) -> list[int]:
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("who", ["provincial_clerk", "other_provincial_clerk", "national_clerk", "society_secretary"])
def test_the_api_lists_what_the_pages_list(world, signed_in, spread, who):
    client = signed_in(getattr(world, who))
    for page, key, endpoint in (("proposals:list", "campaigns", "api:proposalcampaign-list"),
                                ("proposals:bulletins", "bulletins", "api:bulletin-list"),
                                ("proposals:studies", "studies", "api:study-list")):
        shown = [row.pk for row in client.get(reverse(page)).context[key]]
        assert _ids(client.get(reverse(endpoint))) == shown, endpoint
    # Proposals: the API's, those the campaign pages list and the proposal pages open.
    listed = _ids(client.get(reverse("api:proposal-list")))
    assert sorted(listed) == sorted(s.pk for s in Submission.objects.all()
                                    if client.get(reverse("proposals:submission", args=[s.pk])).status_code == 200)
    for campaign_id in {s.campaign_id for s in Submission.objects.all()}:
        page = client.get(reverse("proposals:campaign", args=[campaign_id]))
        if page.status_code == 200:
            assert _ids(client.get(reverse("api:proposal-list"), {"campaign": campaign_id})) == [
                s.pk for s in page.context["submissions"]]
    if who == "society_secretary":  # its own society's proposal to a campaign it does not see
        assert [r["title"] for r in client.get(reverse("api:proposal-list")).json()["results"]] == ["学会的建议"]


def test_a_proposal_gives_its_credit_and_adoption_but_never_the_private_notes(world, signed_in):
    campaign = open_campaign(world)
    submission = submit(world, campaign)
    clerk = world.provincial_clerk
    services.valuation_record(by=clerk, submission=submission, grade="A", summary="评价摘要")
    services.note_add(by=clerk, submission=submission, text="内部意见：数据待核")
    services.submission_decide(by=clerk, submission=submission, selected=True)
    services.adoption_record(by=clerk, submission=submission, note="纳入省政府工作要点", day=dt.date(2026, 6, 1))
    services.instruction_record(by=clerk, subject=submission, leader="副省长 赵某", text="请研究落实。",
                                day=dt.date(2026, 6, 3))
    client = signed_in(clerk)

    listed = client.get(reverse("api:proposal-list"))
    assert_documented(listed)
    detail = client.get(reverse("api:proposal-detail", args=[submission.pk]))
    assert_documented(detail)
    body = detail.json()
    assert body["status"] == "adopted" and body["adopted_on"] == "2026-06-01"
    assert body["adoption_note"] == "纳入省政府工作要点" and body["campaign"] == campaign.pk
    assert [a["name"] for a in body["authors"]] == ["李文博"]
    assert body["instructions"] == [{"leader": "副省长 赵某", "text": "请研究落实。", "given_on": "2026-06-03"}]
    for answer in (listed, detail):
        assert "内部意见" not in answer.content.decode() and "notes" not in answer.content.decode()


def test_an_external_author_has_no_proposals_api(world, signed_in):
    campaign = open_campaign(world)
    external = make_external()
    author = Person.objects.create(organization=world.prov_a, name="张伟")
    Person.objects.filter(pk=author.pk).update(account=external)
    submission = services.submission_submit_mine(by=external, campaign=campaign, data={"title": "我的建议",
                                                                                        "text": "……"})
    client = signed_in(external)
    assert "我的建议" in client.get(reverse("proposals:mine")).content.decode()
    for url in (reverse("api:proposal-list"), reverse("api:proposal-detail", args=[submission.pk]),
                reverse("api:proposalcampaign-list"), reverse("api:bulletin-list")):
        assert client.get(url).status_code == 404, url


def test_proposals_are_filtered_by_campaign_status_and_year(world, signed_in, spread):
    client = signed_in(world.national_clerk)
    first = Submission.objects.filter(campaign=spread).order_by("pk").first()
    services.valuation_record(by=world.national_clerk, submission=first, grade="B")
    url = reverse("api:proposal-list")
    assert _ids(client.get(url, {"status": "valuation"})) == [first.pk]
    assert len(_ids(client.get(url, {"campaign": spread.pk}))) == 2
    year = first.created_at.year
    assert len(_ids(client.get(url, {"year": year}))) == 4 and _ids(client.get(url, {"year": year - 1})) == []
    for bad in ({"year": "99999"}, {"year": "1"}, {"status": "lost"}, {"campaign": "x"}):
        response = client.get(url, bad)
        assert_documented(response)
        assert response.status_code == 400 and set(bad) <= set(response.json())


def test_a_bulletin_lists_its_proposals_and_links_its_word_document_once_issued(world, signed_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clerk = world.provincial_clerk
    submission = submit(world, open_campaign(world))
    services.valuation_record(by=clerk, submission=submission, grade="A")
    services.submission_decide(by=clerk, submission=submission, selected=True)
    bulletin = services.bulletin_create(by=clerk, organization=world.prov_a,
                                        data={"series": "科技智库建言", "year": 2026})
    services.bulletin_entries_set(by=clerk, bulletin=bulletin, entries=[{"submission": submission,
                                                                          "title": "编辑后的标题"}])
    client = signed_in(clerk)
    url = reverse("api:bulletin-detail", args=[bulletin.pk])
    draft = client.get(url)
    assert_documented(draft)
    assert draft.json()["document"] is None
    assert draft.json()["entries"] == [{"position": 1, "submission": submission.pk, "title": "编辑后的标题",
                                        "authors": [{"person": submission.authors.get().pk, "name": "李文博"}]}]

    services.bulletin_issue(by=clerk, bulletin=bulletin, issued_on=dt.date(2026, 5, 15))
    issued = client.get(url).json()
    assert issued["issue_label"] == "〔2026〕第1期" and issued["issued_on"] == "2026-05-15"
    assert issued["document"].endswith(reverse("proposals:bulletin_docx", args=[bulletin.pk]))
    assert client.get(issued["document"]).status_code == 200


def test_a_study_gives_its_team_and_milestones(world, signed_in):
    clerk = world.provincial_clerk
    member = person(clerk, world.prov_a, "王立群")
    study = services.study_create(by=clerk, organization=world.prov_a, team=[member], data={"title": "县域调研"})
    services.milestone_add(by=clerk, study=study, title="开题", due_on=dt.date(2026, 6, 30))
    response = signed_in(clerk).get(reverse("api:study-detail", args=[study.pk]))
    assert_documented(response)
    body = response.json()
    assert body["team"] == [{"person": member.pk, "name": "王立群"}] and body["status"] == "underway"
    assert [(m["title"], m["due_on"], m["done_on"]) for m in body["milestones"]] == [("开题", "2026-06-30", None)]
