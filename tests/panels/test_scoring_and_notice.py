"""Scores checked against the form, the panel's ranking (mean and z-score), the notice,
objections and the decision, each step audited; a round is seen only within its scope."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie.audit.models import AuditLog
from kexie.panels import selectors, services
from kexie.panels.models import Decision, ItemScore
from tests.panels.helpers import TODAY, build


def _scored(world, method):
    round, a, b, x = build(world, method=method)
    by = world.provincial_clerk
    s1 = services.seat_add(by=by, round=round, entry=x["free1"])
    s2 = services.seat_add(by=by, round=round, entry=x["free2"])
    services.assignment_run(by=by, round=round, today=TODAY)
    return round, a, b, s1.entry, s2.entry


def test_bad_points_are_refused_naming_the_criterion_and_nothing_is_saved(world):
    round, a, b, e1, e2 = _scored(world, "mean")
    by = world.provincial_clerk
    for values, words in [({"innovation": 70, "benefit": 30}, "创新性"), ({"innovation": 50}, "效益"),
                          ({"innovation": "很好", "benefit": 30}, "创新性"), ({"innovation": -1, "benefit": 3}, "创新性"),
                          ({"innovation": 50, "benefit": 30, "bonus": 5}, "bonus")]:
        with pytest.raises(ValidationError) as refused:
            services.score_submit(by=by, item=a, entry=e1, values=values)
        assert words in str(refused.value)
    assert not ItemScore.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.score_submit(by=by, item=a, entry=e1, values={"innovation": 61, "benefit": 30})
    assert "“创新性”的得分必须是0至60之间的数。" in str(refused.value)

    row = services.score_submit(by=by, item=a, entry=e1, values={"innovation": "55.5", "benefit": 30})
    assert row.total == Decimal("85.50")


def test_the_ranking_follows_the_rounds_method(world):
    for method, expected in [("mean", [1, 2]), ("zscore", [1, 1])]:
        round, a, b, e1, e2 = _scored(world, method)
        by = world.provincial_clerk
        # A strict and a lenient reviewer who each put a first and b second, or b first.
        services.score_submit(by=by, item=a, entry=e1, values={"innovation": 50, "benefit": 40})
        services.score_submit(by=by, item=b, entry=e1, values={"innovation": 45, "benefit": 35})
        services.score_submit(by=by, item=a, entry=e2, values={"innovation": 40, "benefit": 30})
        services.score_submit(by=by, item=b, entry=e2, values={"innovation": 42, "benefit": 30})
        ranked = selectors.ranking(round)
        assert [r.rank for r in ranked] == expected, method
        assert ranked[0].reviewers == 2
        if method == "mean":
            assert [(r.title, r.score) for r in ranked] == [(a.title, Decimal("80.00")), (b.title, Decimal("76.00"))]
        ItemScore.objects.all().delete()


def test_notice_objection_and_decision_each_audited(world):
    round, a, b, e1, e2 = _scored(world, "mean")
    by = world.provincial_clerk
    for item, entry, points in [(a, e1, 50), (a, e2, 55), (b, e1, 40), (b, e2, 35)]:
        services.score_submit(by=by, item=item, entry=entry, values={"innovation": points, "benefit": 30})
    services.scoring_close(by=by, round=round)
    with pytest.raises(ValidationError):
        services.notice_publish(by=by, round=round, start=dt.date(2026, 12, 10), end=dt.date(2026, 12, 3))
    services.notice_publish(by=by, round=round, start=dt.date(2026, 12, 3), end=dt.date(2026, 12, 10))
    objection = services.objection_raise(by=by, item=a, text="成果完成人排序有误", name="匿名")

    with pytest.raises(ValidationError):
        services.decisions_record(by=by, round=round, approved=[a])
    services.objection_handle(by=by, objection=objection, decision="经核实排序无误，异议不成立", upheld=False)
    services.decisions_record(by=by, round=round, approved=[a])

    assert {(d.item_id, d.outcome, d.rank) for d in Decision.objects.all()} == {
        (a.pk, "approved", 1), (b.pk, "not_approved", 2)}
    round.refresh_from_db()
    assert round.status == "decided"
    actions = set(AuditLog.objects.filter(success=True).values_list("action", flat=True))
    assert {"create", "panel_add", "assign", "score", "status", "publish", "objection",
            "objection_handle", "decide"} <= actions
    published = AuditLog.objects.get(action="publish")
    assert [r["rank"] for r in published.new_values["ranking"]] == [1, 2]


def test_an_organisation_sees_its_own_rounds_only(world):
    round, a, b, x = build(world)
    assert list(selectors.rounds_for(world.provincial_clerk)) == [round]
    assert list(selectors.rounds_for(world.national_clerk)) == [round]  # above it
    assert list(selectors.rounds_for(world.other_provincial_clerk)) == []
    with pytest.raises(Http404):
        services.conflicts_compute(by=world.other_provincial_clerk, round=round)
    with pytest.raises(Http404):
        services.items_add(by=world.other_provincial_clerk, round=round, items=[{"title": "越权"}])
