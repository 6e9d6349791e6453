"""Conflicts of interest stored with their reasons; a conflicted pair is never assigned; the
automatic assignment spreads the load."""

import pytest
from django.core.exceptions import ValidationError

from kexie.audit.models import AuditLog
from kexie.panels import selectors, services
from kexie.panels.models import Assignment, ConflictRecord
from tests.panels.helpers import TODAY, build


@pytest.fixture
def case(world):
    return build(world)


def test_every_planted_conflict_is_stored_with_its_reason(world, case):
    round, a, b, x = case
    services.conflicts_compute(by=world.provincial_clerk, round=round, today=TODAY)

    found = {(r.entry.person.name, r.item.title, r.reason_code): r.message for r in selectors.conflicts(round)}
    assert found == {
        ("孙同单", a.title, "same_unit"): "专家与被评对象同一单位",
        ("李上级", a.title, "parent_unit"): "专家所在单位是被评对象单位的上级",
        ("周回避", b.title, "declared_avoidance"): "专家申请回避该单位：乙大学",
        ("吴亲属", b.title, "relation"): "专家与钱二林存在亲属关系",
        ("郑合作", a.title, "coauthor"): "专家与赵一鸣近5年内合作成果：储能电站调度",
        ("王推荐", a.title, "recommender"): "专家是赵一鸣的推荐人",
    }
    assert AuditLog.objects.filter(action="update", object_type="panels.reviewround", detail="conflicts").exists()


def test_an_expert_of_the_unit_under_review_by_name_is_in_the_same_unit(world, case):
    round, a, b, x = case
    from tests.panels.helpers import expert
    expert(world, "陈乙大", unit="乙大学")
    services.conflicts_compute(by=world.provincial_clerk, round=round, today=TODAY)

    assert ConflictRecord.objects.filter(entry__person__name="陈乙大", item=b, reason_code="same_unit").exists()


def test_a_conflicted_pair_cannot_be_assigned_by_hand_and_the_refusal_says_why(world, case):
    round, a, b, x = case
    by = world.provincial_clerk
    seat = services.seat_add(by=by, round=round, entry=x["same"])

    with pytest.raises(ValidationError) as refused:
        services.assignment_add(by=by, item=a, seat=seat)

    assert "孙同单" in str(refused.value) and "专家与被评对象同一单位" in str(refused.value)
    assert not Assignment.objects.exists()
    assert AuditLog.objects.filter(action="assign", success=False, object_id=str(a.pk)).exists()
    services.assignment_add(by=by, item=b, seat=seat)  # no conflict with the other item
    assert Assignment.objects.filter(item=b, seat=seat).exists()


def test_the_assignment_gives_k_reviewers_per_item_spread_evenly_and_never_a_conflicted_pair(world, case):
    round, a, b, x = case
    by = world.provincial_clerk
    for key in ("same", "parent", "avoid", "free1", "free2"):
        services.seat_add(by=by, round=round, entry=x[key])

    summary = services.assignment_run(by=by, round=round, today=TODAY)

    pairs = set(Assignment.objects.values_list("item_id", "seat__entry_id"))
    conflicted = set(ConflictRecord.objects.values_list("item_id", "entry_id"))
    assert pairs and not pairs & conflicted
    assert {item: sum(1 for i, _e in pairs if i == item) for item in (a.pk, b.pk)} == {a.pk: 2, b.pk: 2}
    assert summary["even"] and summary["spread"] <= 1 and max(summary["loads"].values()) <= 2
    round.refresh_from_db()
    assert round.status == "reviewing"
    assert AuditLog.objects.filter(action="assign", object_type="panels.reviewround").exists()


def test_an_assignment_that_cannot_be_made_is_refused_naming_the_item(world, case):
    round, a, b, x = case
    by = world.provincial_clerk
    for key in ("same", "parent", "free1"):
        services.seat_add(by=by, round=round, entry=x[key])

    with pytest.raises(ValidationError) as refused:
        services.assignment_run(by=by, round=round, today=TODAY)

    assert a.title in str(refused.value)
    assert not Assignment.objects.exists()
