"""The award calls and review rounds API: what each organisation sees, nominating through the
service (its refusals as 400s, nothing saved), and the ranking — the selector's, and only once
scoring is closed."""

import datetime as dt

from django.urls import reverse

from kexie.awards import selectors, services
from kexie.awards.models import Nomination
from kexie.panels import selectors as panel_selectors
from kexie.panels import services as panels
from kexie.panels.models import Assignment
from kexie.people.models import Person
from tests.api_conformance import assert_documented
from tests.awards.helpers import FORM, TODAY, expert, open_call, person

JSON = {"content_type": "application/json"}


def _nominated(world):
    """An open call with two nominations through 甲省 (one with a recommender) and one through 乙省."""
    call = open_call(world, quota_a=2, quota_b=2)
    clerk, other = world.provincial_clerk, world.other_provincial_clerk
    backer = person(clerk, world.prov_a, "王推荐", born="1960-01-01", unit="己大学")
    first = services.nominate(by=clerk, call=call, organization=world.prov_a, recommenders=[backer],
                              nominee=person(clerk, world.prov_a, "赵一鸣"), summary="新型储能材料")
    second = services.nominate(by=other, call=call, organization=world.prov_b,
                               nominee=person(other, world.prov_b, "钱二林", born="1991-02-03"))
    return call, first, second, backer


def _in_review(world):
    call, first, second, backer = _nominated(world)
    boss = world.national_clerk
    services.formal_close(by=boss, call=call)
    for n in (first, second):
        services.formal_check(by=boss, nomination=n)
    round = services.review_start(by=boss, call=call, data={"form": FORM, "reviewers_per_item": 2, "load_cap": 2})
    for entry in (expert(world, "王推荐", backer), expert(world, "冯自由"), expert(world, "陈公正")):
        panels.seat_add(by=boss, round=round, entry=entry)
    panels.assignment_run(by=boss, round=round, today=TODAY)
    call.refresh_from_db()
    return call, round, first, second


def _score_all(world, round, points):
    for a in Assignment.objects.filter(item__round=round).select_related("seat__entry", "item"):
        panels.score_submit(by=world.national_clerk, item=a.item, entry=a.seat.entry,
                            values={"merit": points[a.item_id], "promise": 30})


# --- award calls -----------------------------------------------------------------------------------

def test_a_call_shows_its_channels_with_the_quota_used_to_the_keeper_and_the_channels(world, signed_in):
    call, first, second, backer = _nominated(world)

    response = signed_in(world.national_clerk).get(reverse("api:awardcall-detail", args=[call.pk]))

    assert response.status_code == 200
    assert_documented(response)
    body = response.json()
    assert body["status"] == "open" and body["organization_name"] == "中国科学技术协会"
    assert [(c["organization_name"], c["quota"], c["used"]) for c in body["channels"]] == [
        ("甲省科学技术协会", 2, 1), ("乙省科学技术协会", 2, 1)]
    listed = signed_in(world.provincial_clerk).get(reverse("api:awardcall-list"))
    assert [c["id"] for c in listed.json()["results"]] == [call.pk]
    assert_documented(listed)


def test_a_call_without_a_channel_in_scope_is_not_found(world, signed_in):
    call, *_ = _nominated(world)
    client = signed_in(world.society_secretary)  # award.view, but no channel of this call

    assert client.get(reverse("api:awardcall-list")).json()["count"] == 0
    assert client.get(reverse("api:awardcall-detail", args=[call.pk])).status_code == 404


def test_a_nominating_organisation_sees_only_its_own_nominations(world, signed_in):
    call, first, second, backer = _nominated(world)
    url = reverse("api:awardcall-nominations", args=[call.pk])

    own = signed_in(world.provincial_clerk).get(url)

    assert_documented(own)
    assert [(n["nominee_name"], n["recommender_names"]) for n in own.json()["results"]] == [("赵一鸣", ["王推荐"])]
    everything = signed_in(world.national_clerk).get(url).json()["results"]
    assert [n["nominee_name"] for n in everything] == ["赵一鸣", "钱二林"]


def test_nominating_creates_the_nominee_kept_by_the_channel(world, signed_in):
    call = open_call(world)
    response = signed_in(world.provincial_clerk).post(reverse("api:awardcall-nominate", args=[call.pk]), {
        "organization": world.prov_a.pk, "nominee_person": {"name": "陈青年", "birth_date": "1990-01-01",
                                                    "positions": [{"unit_name": "甲省农科院", "role": "研究员"}]},
        "materials": [{"title": "推荐书", "text": "……"}], "summary": "智能农机"}, **JSON)

    assert response.status_code == 201, response.content
    assert_documented(response)
    nomination = Nomination.objects.get(pk=response.json()["id"])
    assert (nomination.nominee.name, nomination.nominee.organization, nomination.channel.organization) == (
        "陈青年", world.prov_a, world.prov_a)
    assert response.json()["materials"] == ["推荐书"]
    assert [p.unit_name for p in nomination.nominee.positions.all()] == ["甲省农科院"]


def test_a_used_up_quota_is_a_400_with_the_services_message_and_saves_nothing(world, signed_in):
    call = open_call(world, quota_a=1)
    client = signed_in(world.provincial_clerk)
    url = reverse("api:awardcall-nominate", args=[call.pk])
    client.post(url, {"organization": world.prov_a.pk, "nominee_person": {"name": "陈青年"}}, **JSON)
    persons, nominations = Person.objects.count(), Nomination.objects.count()

    response = client.post(url, {"organization": world.prov_a.pk, "nominee_person": {"name": "林超额"}}, **JSON)

    assert response.status_code == 400
    assert_documented(response)
    assert "名额为1名，已全部用完" in response.json()["detail"]
    assert (Person.objects.count(), Nomination.objects.count()) == (persons, nominations)


def test_a_bad_field_of_the_new_nominee_is_a_400_naming_it_and_saves_nothing(world, signed_in):
    call = open_call(world)
    persons = Person.objects.count()

    response = signed_in(world.provincial_clerk).post(reverse("api:awardcall-nominate", args=[call.pk]), {
        "organization": world.prov_a.pk, "nominee_person": {"name": "陈青年", "disciplines": ["999"]}}, **JSON)

    assert response.status_code == 400
    assert "nominee_person" in response.json() and "999" in response.json()["detail"]
    assert Person.objects.count() == persons and not Nomination.objects.exists()


def test_nominating_needs_a_nominee_and_a_channel_of_the_call(world, signed_in):
    call = open_call(world)
    client = signed_in(world.provincial_clerk)
    url = reverse("api:awardcall-nominate", args=[call.pk])

    missing = client.post(url, {"organization": world.prov_a.pk}, **JSON)
    assert missing.status_code == 400 and "nominee" in missing.json()

    no_channel = client.post(url, {"organization": world.city_a.pk, "nominee_person": {"name": "陈青年"}}, **JSON)
    assert no_channel.status_code == 400 and "不是" in no_channel.json()["detail"]
    assert not Nomination.objects.exists()


def test_nominating_without_the_nominate_code_is_refused(world, signed_in):
    call = open_call(world)
    response = signed_in(world.county_clerk).post(reverse("api:awardcall-nominate", args=[call.pk]), {
        "organization": world.county_a.pk, "nominee_person": {"name": "陈青年"}}, **JSON)
    assert response.status_code == 403 and not Nomination.objects.exists()


def test_the_ranking_is_the_selectors_once_scoring_is_closed_and_the_winners_follow(world, signed_in):
    call, round, first, second = _in_review(world)
    first.refresh_from_db(), second.refresh_from_db()
    url = reverse("api:awardcall-ranking", args=[call.pk])
    client = signed_in(world.provincial_clerk)
    _score_all(world, round, {first.review_item_id: 50, second.review_item_id: 40})

    while_scoring = client.get(url).json()
    assert (while_scoring["ranked"], while_scoring["ranking"]) == (False, [])

    panels.scoring_close(by=world.national_clerk, round=round)
    response = client.get(url)
    assert_documented(response)
    expected = [(r["rank"], f"{r['score']:.2f}", r["reviewers"], r["nomination"].pk)
                for r in selectors.call_ranking(call)]
    got = [(r["rank"], r["score"], r["reviewers"], r["nomination"]) for r in response.json()["ranking"]]
    assert got == expected and [g[3] for g in got] == [first.pk, second.pk]

    services.notice_start(by=world.national_clerk, call=call, start=dt.date(2026, 12, 3), end=dt.date(2026, 12, 10))
    services.winners_decide(by=world.national_clerk, call=call, top=1)
    winners = client.get(url).json()["winners"]
    assert [(w["nomination"], w["nominee_name"]) for w in winners] == [(first.pk, "赵一鸣")]


# --- review rounds ---------------------------------------------------------------------------------

def test_a_round_shows_items_seats_and_conflicts_with_their_reasons(world, signed_in):
    call, round, first, second = _in_review(world)
    first.refresh_from_db()

    response = signed_in(world.national_clerk).get(reverse("api:reviewround-detail", args=[round.pk]))

    assert response.status_code == 200
    assert_documented(response)
    body = response.json()
    assert body["award_call"] == call.pk and body["ranking"] is None
    assert [i["person_names"] for i in body["items"]] == [["赵一鸣"], ["钱二林"]]
    assert sorted(s["name"] for s in body["seats"]) == sorted(["王推荐", "冯自由", "陈公正"])
    assert {s["state"] for s in body["seats"]} == {"已邀请"}
    assert [(c["item"], c["expert_name"], c["reason_code"], c["message"]) for c in body["conflicts"]] == [
        (first.review_item_id, "王推荐", "recommender", "专家是赵一鸣的推荐人")]


def test_a_rounds_ranking_appears_when_scoring_is_closed_and_equals_the_selectors(world, signed_in):
    call, round, first, second = _in_review(world)
    first.refresh_from_db(), second.refresh_from_db()
    _score_all(world, round, {first.review_item_id: 35, second.review_item_id: 55})
    panels.scoring_close(by=world.national_clerk, round=round)

    body = signed_in(world.national_clerk).get(reverse("api:reviewround-detail", args=[round.pk])).json()

    assert [(r["item"], r["rank"], r["score"]) for r in body["ranking"]] == [
        (r.item, r.rank, f"{r.score:.2f}") for r in panel_selectors.ranking(round)]
    assert [r["item"] for r in body["ranking"]] == [second.review_item_id, first.review_item_id]


def test_rounds_outside_the_scope_are_not_listed_nor_found(world, signed_in):
    call, round, *_ = _in_review(world)
    client = signed_in(world.other_provincial_clerk)

    listed = client.get(reverse("api:reviewround-list"))

    assert_documented(listed)
    assert listed.json()["count"] == 0
    assert client.get(reverse("api:reviewround-detail", args=[round.pk])).status_code == 404
    assert signed_in(world.national_clerk).get(reverse("api:reviewround-list"), {"status": "reviewing"}).json()[
        "count"] == 1
