"""Seeded draws: reproducible from the seed, pool recorded, alternates in order, serialisable."""

import datetime as dt
import json

import pytest

from kexie.experts_engine import Expert, NoAlternate, Target, call_alternate, draw, pool_hash, rerun

POOL = [Expert(f"E{i:03d}", disciplines=("4801" if i % 3 else "5201",), region="410100" if i % 2 else "110000")
        for i in range(60)]
CONDITIONS = [{"discipline": "48", "region": "41", "count": 3}, {"discipline": "52", "count": 2}]


def test_the_same_seed_gives_the_same_panel_whatever_the_pool_order():
    a = draw(POOL, CONDITIONS, seed=42)
    b = draw(list(reversed(POOL)), CONDITIONS, seed=42)
    assert a == b
    assert draw(POOL, CONDITIONS, seed=43).members != a.members


def test_members_meet_their_condition_and_appear_once():
    d = draw(POOL, CONDITIONS, seed=1, alternates=3)
    by_id = {e.id: e for e in POOL}
    first, second = d.panels
    assert len(first.members) == 3 and len(first.alternates) == 3 and len(second.members) == 2
    assert all(by_id[m].disciplines[0].startswith("48") and by_id[m].region.startswith("41")
               for m in first.members + first.alternates)
    assert all(by_id[m].disciplines[0].startswith("52") for m in second.members + second.alternates)
    everyone = first.members + first.alternates + second.members + second.alternates
    assert len(set(everyone)) == len(everyone)


def test_the_pool_size_and_hash_are_recorded_and_a_rerun_proves_the_same_pool():
    d = draw(POOL, CONDITIONS, seed=9)
    assert d.pool_size == 60 and d.pool_hash == pool_hash(e.id for e in POOL)
    again, same = rerun(d, POOL)
    assert same and again == d
    _other, same = rerun(d, POOL[:-1])
    assert not same


def test_conflicted_experts_are_not_in_the_pool():
    target = Target("t", person_ids=("E001",), recommender_ids=("E002",))
    d = draw(POOL, [{"count": 58}], seed=3, targets=[target], today=dt.date(2026, 1, 1))
    assert d.pool_size == 58 and d.excluded == 2
    assert {"E001", "E002"}.isdisjoint(d.members)


def test_call_alternate_replaces_the_declined_member_with_the_next_alternate():
    d = draw(POOL, CONDITIONS, seed=5, alternates=2)
    declined = d.panels[1].members[0]
    first_alt, second_alt = d.panels[1].alternates
    d2, called = call_alternate(d, declined)
    assert called == first_alt and declined not in d2.members and first_alt in d2.members
    d3, called = call_alternate(d2, first_alt)
    assert called == second_alt
    with pytest.raises(NoAlternate):
        call_alternate(d3, second_alt)
    with pytest.raises(KeyError):
        call_alternate(d3, "nobody")
    # replacements do not change what the seed gave
    assert rerun(d3, POOL, alternates=2)[1]


def test_a_draw_survives_json_and_back():
    d, _ = call_alternate(draw(POOL, CONDITIONS, seed=8), draw(POOL, CONDITIONS, seed=8).members[0])
    assert type(d).from_dict(json.loads(json.dumps(d.to_dict()))) == d


def test_a_condition_that_cannot_be_filled_is_said():
    d = draw(POOL, [{"discipline": "52", "region": "41", "count": 50}], seed=1)
    assert d.shortages() == [f"第1组条件可抽专家{d.panels[0].available}人，少于所需50人"]
