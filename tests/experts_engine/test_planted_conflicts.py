"""Property check over seeded rounds: conflicts of every kind are planted in a generated library;
every one is reported with its reason, no draw or assignment seats a conflicted expert, every
draw re-runs identically from its seed. ``kexie bench run --only experts_draws`` runs 1,000."""

import random

from kexie.experts_engine.bench import PLANTED, TODAY, draws_round, planted_case
from kexie.experts_engine.conflicts import check
from kexie.experts_engine.match import ExpertIndex
from kexie.experts_engine.synthetic import generate

ROUNDS = 100


def test_every_planted_conflict_is_reported_with_its_reason():
    lib = generate(300, seed=7, today=TODAY, units_per_province=2)
    experts, targets, planted = planted_case(lib, random.Random(1))
    reported = {(c.expert_id, c.target_id, c.reason_code) for c in check(experts, targets, today=TODAY)}
    assert {code for _e, _t, code in planted} == set(PLANTED)
    assert planted <= reported


def test_seeded_rounds_never_seat_a_conflicted_expert():
    lib = generate(300, seed=7, today=TODAY, units_per_province=2)
    index = ExpertIndex(lib.experts, today=TODAY)
    rng = random.Random(2026)
    for _ in range(ROUNDS):
        r = draws_round(lib, index, rng)
        assert r["missing"] == 0
        assert r["drawn_conflicted"] == 0 and r["assigned_conflicted"] == 0
        assert r["rerun_same"]
        assert r["even"] and r["spread"] <= 1
