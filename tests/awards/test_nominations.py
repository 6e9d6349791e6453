"""Nominating through a channel: the quota, organisations that are no channel, nothing half-saved,
the eligibility rules at the formal check (with the failed rule's reason), a rejection by hand,
and what each organisation sees."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie.audit.models import AuditLog
from kexie.awards import selectors, services
from kexie.awards.models import Nomination
from kexie.awards.rules import evaluate
from kexie.people.models import Person
from tests.awards.helpers import open_call, person


def test_the_quota_refusal_names_the_channel_and_its_quota_and_saves_nothing(world):
    call = open_call(world, quota_a=1)
    by = world.provincial_clerk
    services.nominate(by=by, call=call, organization=world.prov_a, nominee={"name": "陈青年", "birth_date": "1990-01-01"})
    persons = Person.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.nominate(by=by, call=call, organization=world.prov_a, nominee={"name": "林超额"})
    assert "推荐渠道“甲省科学技术协会”的名额为1名，已全部用完" in str(refused.value)
    assert Person.objects.count() == persons and Nomination.objects.count() == 1


def test_an_organisation_that_is_no_channel_is_refused(world):
    call = open_call(world)
    with pytest.raises(ValidationError) as refused:
        services.nominate(by=world.provincial_clerk, call=call, organization=world.city_a, nominee={"name": "何市级"})
    assert "“甲市科学技术协会”不是“2026年青年人才托举工程”的推荐渠道" in str(refused.value)
    assert not Nomination.objects.exists()


def test_a_refusal_after_the_nominee_is_created_leaves_nothing_behind(world):
    call = open_call(world)
    persons = Person.objects.count()
    with pytest.raises(ValidationError):
        services.nominate(by=world.provincial_clerk, call=call, organization=world.prov_a,
                          nominee={"name": "许半存"}, materials=[{"title": ""}])
    assert Person.objects.count() == persons and not Nomination.objects.exists()


def test_the_age_rule_rejects_with_its_reason_and_a_clerk_rejects_by_hand(world):
    call = open_call(world)
    by = world.provincial_clerk
    old = services.nominate(by=by, call=call, organization=world.prov_a,
                            nominee=person(by, world.prov_a, "欧年长", born="1980-03-02"))
    young = services.nominate(by=by, call=call, organization=world.prov_a,
                              nominee=person(by, world.prov_a, "韩年轻", born="1990-03-02"))
    with pytest.raises(ValidationError):  # still open
        services.formal_check(by=world.national_clerk, nomination=old)
    services.formal_close(by=world.national_clerk, call=call)
    old = services.formal_check(by=world.national_clerk, nomination=old)
    assert old.status == "formally_rejected"
    assert old.check_reasons == ["年龄上限：截至2025-12-31被推荐人45周岁，超过40周岁。"]
    young = services.formal_check(by=world.national_clerk, nomination=young, reject_reason="推荐书未盖章")
    assert young.status == "formally_rejected" and young.check_reasons == ["形式审查退回：推荐书未盖章"]
    assert AuditLog.objects.filter(action="reject", object_id=str(old.pk)).exists()


def test_the_other_rules_give_their_reasons():
    reasons = evaluate([{"rule": "disciplines", "prefixes": ["430"]}, {"rule": "channel_kinds", "kinds": ["全国学会"]},
                        {"rule": "materials", "titles": ["推荐书", "代表性论文"]}],
                       birth_date=None, disciplines=["520"], channel_kind="省级科协", material_titles=["推荐书"])
    assert reasons == ["学科范围：被推荐人的学科不在430范围内。", "推荐渠道：须经全国学会推荐，本推荐渠道为“省级科协”。",
                       "必备材料：缺少代表性论文。"]


def test_a_province_sees_the_calls_it_nominates_in_and_its_own_nominations(world):
    call = open_call(world)
    mine = services.nominate(by=world.provincial_clerk, call=call, organization=world.prov_a, nominee={"name": "甲一"})
    theirs = services.nominate(by=world.other_provincial_clerk, call=call, organization=world.prov_b,
                               nominee={"name": "乙一"})
    assert list(selectors.calls_for(world.provincial_clerk)) == [call]
    assert list(selectors.nominations_for(world.provincial_clerk)) == [mine]
    assert list(selectors.nominations_for(world.other_provincial_clerk)) == [theirs]
    assert set(selectors.nominations_for(world.national_clerk)) == {mine, theirs}
    # A call of 甲省 alone is not seen by 乙省.
    own = services.call_create(by=world.provincial_clerk, organization=world.prov_a,
                               data={"title": "甲省青年科技奖", "kind": "youth", "year": 2026})
    assert own in selectors.calls_for(world.provincial_clerk)
    assert own not in selectors.calls_for(world.other_provincial_clerk)
    with pytest.raises(Exception):
        services.nominate(by=world.other_provincial_clerk, call=call, organization=world.prov_a, nominee={"name": "越权"})


def test_a_call_out_of_sight_cannot_be_nominated_to(world):
    own = services.call_create(by=world.provincial_clerk, organization=world.prov_a,
                               data={"title": "甲省青年科技奖", "kind": "youth", "year": 2026})
    services.channel_set(by=world.provincial_clerk, call=own, organization=world.city_a, quota=1)
    services.call_open(by=world.provincial_clerk, call=own)
    with pytest.raises(Http404):
        services.nominate(by=world.other_provincial_clerk, call=own, organization=world.prov_b, nominee={"name": "越界"})
    assert not Nomination.objects.exists()
