"""The data's generation moves with every change and with the recomputations, and stays across
audited events that change nothing (sign-ins, exports)."""

from kexie.audit.services import audit_record
from kexie.audit.freshness import generation, recomputed


def test_a_change_moves_the_generation_a_sign_in_or_an_export_does_not(world):
    start = generation()
    audit_record(action="login", by=world.county_clerk)
    audit_record(action="export", by=world.county_clerk, obj=world.county_a, new={"rows": 3})
    assert generation() == start
    audit_record(action="update", by=world.county_clerk, obj=world.county_a, old={"name": "甲"}, new={"name": "乙"})
    changed = generation()
    assert changed != start
    recomputed()
    assert generation() not in (start, changed)


def test_an_answer_is_remembered_until_the_data_changes(world):
    from kexie.audit.freshness import remembered

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert remembered(("count", 1), compute, seconds=60) == 1
    assert remembered(("count", 1), compute, seconds=60) == 1
    assert remembered(("count", 2), compute, seconds=60) == 2  # another question, another answer
    audit_record(action="update", by=world.county_clerk, obj=world.county_a, old={"name": "甲"}, new={"name": "乙"})
    assert remembered(("count", 1), compute, seconds=60) == 3
