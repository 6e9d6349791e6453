"""The visits API: the teams with their rosters and the visits with their experts and follow-up,
only within the caller's scope, answering as its schema says."""

import datetime as dt

from django.urls import reverse

from tests.api_conformance import assert_documented
from tests.visits.helpers import build, visit


def test_teams_and_visits_are_read_within_the_scope(world, signed_in):
    s = build(world)
    late = visit(world, s, due=dt.date(2026, 6, 1))
    client = signed_in(world.provincial_clerk)

    teams = client.get(reverse("api:serviceteam-list"))
    assert_documented(teams)
    [team] = teams.json()["results"]
    assert team["name"] == "甲省农业科技服务团" and team["disciplines"] == ["210"]
    assert {m["name"]: m["role"] for m in team["members"]} == {"岳明川": "leader", "宁知秋": "member"}

    detail = client.get(reverse("api:visit-detail", args=[late.pk]))
    assert_documented(detail)
    body = detail.json()
    assert body["overdue"] is True and body["county_name"] == "甲县科学技术协会"
    assert {e["name"] for e in body["experts"]} == {"岳明川", "宁知秋"}

    other = signed_in(world.other_provincial_clerk)
    assert other.get(reverse("api:visit-list")).json()["results"] == []
    assert other.get(reverse("api:serviceteam-detail", args=[s.team.pk])).status_code == 404
