"""A draw is sealed until opened, re-runs identically from its seed, and a decline calls the
next alternate."""

import pytest
from django.core.exceptions import ValidationError

from kexie.audit.models import AuditLog
from kexie.notifications.models import MailMessage
from kexie.panels import selectors, services
from kexie.panels.models import PanelSeat
from tests.panels.helpers import TODAY, build, expert

CONFLICTED = {"孙同单", "李上级", "周回避", "吴亲属", "郑合作", "王推荐"}


@pytest.fixture
def drawn(world):
    round, a, b, x = build(world)
    record = services.draw_run(by=world.provincial_clerk, round=round, conditions=[{"count": 2}], seed=20261207,
                               alternates=2, today=TODAY)
    return round, record, x


def test_the_panel_is_sealed_until_the_draw_is_opened(world, drawn):
    round, record, x = drawn
    assert record.sealed and record.pool_size == 4 and len(record.pool_hash) == 64
    assert [(r["sealed"], r["name"]) for r in selectors.panel(round)] == [(True, "")] * 4
    created = AuditLog.objects.get(action="create", object_type="panels.drawrecord")
    assert "seed" not in created.new_values and "result" not in created.new_values

    services.draw_open(by=world.provincial_clerk, round=round)

    seated = {r["name"] for r in selectors.panel(round)}
    assert len(seated) == 4 and not seated & CONFLICTED  # conflicted experts are never in the pool
    opened = AuditLog.objects.get(action="status", object_type="panels.drawrecord")
    assert opened.new_values["seed"] == 20261207
    with pytest.raises(ValidationError):
        services.draw_open(by=world.provincial_clerk, round=round)


def test_the_draw_reruns_identically_from_its_seed_and_says_when_the_pool_changed(world, drawn):
    round, record, x = drawn
    same, again = services.draw_verify(by=world.provincial_clerk, round=round)
    assert same and again["panels"] == record.result["panels"]

    expert(world, "褚新进", unit="辛大学")  # the library has changed since the draw
    same, again = services.draw_verify(by=world.provincial_clerk, round=round)
    assert not same and again["pool_hash"] != record.pool_hash
    assert AuditLog.objects.filter(object_type="panels.drawrecord", detail="draw differs", success=False).exists()


def test_a_second_draw_is_refused(world, drawn):
    round, record, x = drawn
    with pytest.raises(ValidationError):
        services.draw_run(by=world.provincial_clerk, round=round, conditions=[{"count": 2}])


def test_a_decline_calls_the_next_alternate_and_invites_them(world, drawn):
    round, record, x = drawn
    by = world.provincial_clerk
    assert services.seats_invite(by=by, round=round) == 2
    members = list(PanelSeat.objects.filter(state="invited").order_by("pk"))
    first_alternate = PanelSeat.objects.get(state="alternate", alternate_order=1)

    called = services.seat_respond(by=by, seat=members[0], accept=False)

    assert called == first_alternate
    called.refresh_from_db()
    members[0].refresh_from_db()
    assert called.state == "invited" and called.replaces == members[0] and members[0].state == "replaced"
    assert MailMessage.objects.filter(to=called.entry.person.email).exists()
    record.refresh_from_db()
    assert record.result["panels"][0]["replaced"] == [[members[0].entry.person_id, called.entry.person_id]]
    assert services.seat_respond(by=by, seat=members[1], accept=True) is None
    members[1].refresh_from_db()
    assert members[1].state == "confirmed"
    # The replacement does not change what a re-run of the seed must give.
    assert services.draw_verify(by=by, round=round)[0]
