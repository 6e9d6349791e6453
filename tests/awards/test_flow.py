"""A call from nomination to winners through the panels engine: the recommender on the panel is
kept off the nominee (the reason in a ConflictRecord), scores, the ranking, the notice, an
objection handled, the winners, 托举 follow-up reports, an audit row for each step, and a merge
of the nominee's record moving the nomination."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kexie.audit.models import AuditLog
from kexie.awards import selectors, services
from kexie.awards.models import FollowUp, Nomination
from kexie.panels import services as panels
from kexie.panels.models import Assignment, ConflictRecord, Decision
from kexie.people import services as people
from tests.awards.helpers import FORM, TODAY, expert, open_call, person


def _reviewed(world):
    call = open_call(world)
    clerk, other, boss = world.provincial_clerk, world.other_provincial_clerk, world.national_clerk
    backer = person(clerk, world.prov_a, "王推荐", born="1960-01-01", unit="己大学")
    first = services.nominate(by=clerk, call=call, organization=world.prov_a,
                              nominee=person(clerk, world.prov_a, "赵一鸣"), recommenders=[backer],
                              materials=[{"title": "推荐书", "text": "……"}], summary="新型储能材料")
    late = services.nominate(by=clerk, call=call, organization=world.prov_a,
                             nominee=person(clerk, world.prov_a, "孙过龄", born="1979-06-01"))
    second = services.nominate(by=other, call=call, organization=world.prov_b,
                               nominee=person(other, world.prov_b, "钱二林", born="1991-02-03"))
    services.formal_close(by=boss, call=call)
    for n in (first, late, second):
        services.formal_check(by=boss, nomination=n)
    round = services.review_start(by=boss, call=call, data={"form": FORM, "reviewers_per_item": 2, "load_cap": 2})
    x = {"recommender": expert(world, "王推荐", backer), "free1": expert(world, "冯自由"),
         "free2": expert(world, "陈公正")}
    for entry in x.values():
        panels.seat_add(by=boss, round=round, entry=entry)
    panels.conflicts_compute(by=boss, round=round, today=TODAY)
    panels.assignment_run(by=boss, round=round, today=TODAY)
    first.refresh_from_db(), late.refresh_from_db(), second.refresh_from_db()
    return call, round, first, late, second, x


def test_the_whole_flow_through_the_panel_engine(world):
    call, round, first, late, second, x = _reviewed(world)
    boss = world.national_clerk
    assert late.status == "formally_rejected" and late.review_item is None
    items = list(round.items.all())
    assert round.kind == "award" and items == [first.review_item, second.review_item]
    assert first.review_item.source_id == str(first.pk) and first.review_item.organization == world.prov_a
    assert list(first.review_item.recommenders.values_list("name", flat=True)) == ["王推荐"]

    conflict = ConflictRecord.objects.get(item=first.review_item, entry=x["recommender"])
    assert conflict.reason_code == "recommender" and conflict.message == "专家是赵一鸣的推荐人"
    assert not Assignment.objects.filter(item=first.review_item, seat__entry=x["recommender"]).exists()

    points = {first.review_item_id: 50, second.review_item_id: 40}
    for a in Assignment.objects.filter(item__round=round).select_related("seat"):
        panels.score_submit(by=boss, item=a.item, entry=a.seat.entry,
                            values={"merit": points[a.item_id], "promise": 30})
    panels.scoring_close(by=boss, round=round)
    call.refresh_from_db()
    ranked = selectors.call_ranking(call)
    assert [(r["rank"], r["nomination"]) for r in ranked] == [(1, first), (2, second)]

    services.notice_start(by=boss, call=call, start=dt.date(2026, 12, 3), end=dt.date(2026, 12, 10))
    objection = panels.objection_raise(by=boss, item=first.review_item, text="论文署名存疑", name="匿名")
    with pytest.raises(ValidationError):
        services.winners_decide(by=boss, call=call, top=1)
    panels.objection_handle(by=boss, objection=objection, decision="经核实署名无误，异议不成立", upheld=False)
    winners = services.winners_decide(by=boss, call=call, top=1)
    assert winners == [first]
    first.refresh_from_db(), second.refresh_from_db(), call.refresh_from_db()
    assert (first.status, second.status, call.status) == ("winner", "not_selected", "decided")
    assert Decision.objects.get(item=first.review_item).outcome == "approved"

    # 托举: a report per winner per programme year, submitted by the channel and reviewed.
    rows = services.followups_plan(by=boss, call=call, years=3)
    assert [(r.person.name, r.programme_year, r.due_on) for r in rows] == [
        ("赵一鸣", 1, dt.date(2027, 12, 31)), ("赵一鸣", 2, dt.date(2028, 12, 31)), ("赵一鸣", 3, dt.date(2029, 12, 31))]
    with pytest.raises(Exception):
        services.followup_submit(by=world.other_provincial_clerk, followup=rows[0], text="越权")
    services.followup_submit(by=world.provincial_clerk, followup=rows[0], text="第一年完成储能材料中试")
    services.followup_review(by=boss, followup=rows[0], note="进展良好")
    assert FollowUp.objects.get(pk=rows[0].pk).reviewed_at is not None

    awards_actions = set(AuditLog.objects.filter(object_type__startswith="awards").values_list("action", flat=True))
    assert {"create", "status", "submit", "accept", "reject", "decide", "schedule", "review"} <= awards_actions
    panel_actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"panel_add", "assign", "score", "publish", "objection", "objection_handle"} <= panel_actions


def test_winners_by_hand_and_a_merge_moves_the_nomination(world):
    call, round, first, late, second, x = _reviewed(world)
    boss = world.national_clerk
    for a in Assignment.objects.filter(item__round=round).select_related("seat"):
        panels.score_submit(by=boss, item=a.item, entry=a.seat.entry, values={"merit": 40, "promise": 30})
    panels.scoring_close(by=boss, round=round)
    services.notice_start(by=boss, call=call, start=dt.date(2026, 12, 3), end=dt.date(2026, 12, 10))
    assert services.winners_decide(by=boss, call=call, winners=[second]) == [second]

    twin = person(world.other_provincial_clerk, world.prov_b, "钱二林", born="1991-02-03")
    merge = people.person_merge(by=boss, kept=twin, absorbed=second.nominee)
    assert Nomination.objects.get(pk=second.pk).nominee == twin
    people.merge_undo(by=boss, merge=merge)
    assert Nomination.objects.get(pk=second.pk).nominee_id == second.nominee_id


def test_the_ranking_is_shown_nowhere_until_scoring_closes_then_the_same_everywhere(world, signed_in):
    from django.urls import reverse

    call, round, first, _late, second, _x = _reviewed(world)
    boss = world.national_clerk
    client = signed_in(boss)
    a = Assignment.objects.filter(item__round=round).select_related("seat").first()
    panels.score_submit(by=boss, item=a.item, entry=a.seat.entry, values={"merit": 50, "promise": 30})
    call.refresh_from_db()

    page = client.get(reverse("awards:detail", args=[call.pk]))
    api = client.get(reverse("api:awardcall-ranking", args=[call.pk])).json()
    assert selectors.call_ranking(call) == [] and api["ranking"] == [] and api["ranked"] is False
    assert page.context["ranking"] == [] and 'id="notice-form"' not in page.content.decode()
    assert "评分结束后显示排名" in page.content.decode()
    workspace = client.get(reverse("panels:detail", args=[round.pk]))
    assert workspace.context["ranking"] == [] and "评分结束后显示排名" in workspace.content.decode()
    assert client.get(reverse("api:reviewround-detail", args=[round.pk])).json()["ranking"] is None

    for a in Assignment.objects.filter(item__round=round).select_related("seat"):
        panels.score_submit(by=boss, item=a.item, entry=a.seat.entry,
                            values={"merit": 50 if a.item_id == first.review_item_id else 40, "promise": 30})
    panels.scoring_close(by=boss, round=round)
    call.refresh_from_db()

    page = client.get(reverse("awards:detail", args=[call.pk]))
    api = client.get(reverse("api:awardcall-ranking", args=[call.pk])).json()
    shown = [(r["rank"], r["nomination"].nominee.name, r["score"]) for r in page.context["ranking"]]
    assert shown == [(r["rank"], r["nomination"].nominee.name, r["score"]) for r in selectors.call_ranking(call)]
    assert [(r["rank"], str(r["score"])) for r in api["ranking"]] == [(rank, str(score)) for rank, _n, score in shown]
    assert [name for _r, name, _s in shown] == ["赵一鸣", "钱二林"]
    workspace = client.get(reverse("panels:detail", args=[round.pk]))
    assert [(r.rank, r.score) for r in workspace.context["ranking"]] == [(rank, score) for rank, _n, score in shown]
    assert 'id="notice-form"' in page.content.decode()
