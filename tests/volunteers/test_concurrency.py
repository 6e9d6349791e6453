"""Races on PostgreSQL: eight volunteers signing up at once for a role with three slots fill it
exactly; eight check-outs of the same sign-up at once write one hours record."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from kexie.volunteers import services
from kexie.volunteers.models import HoursRecord, SignUp
from tests.volunteers.helpers import START, opportunity, volunteer


def _race(n, work):
    barrier, results = threading.Barrier(n), []

    def attempt(i):
        try:
            barrier.wait()
            try:
                results.append(work(i))
            except ValidationError:
                results.append(None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _world():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections need PostgreSQL")
    from kexie.accounts.roles import ensure_builtin_roles
    from tests.personas import build_world

    ensure_builtin_roles()
    return build_world()


@pytest.mark.django_db(transaction=True)
def test_eight_sign_ups_at_once_fill_three_slots_exactly():
    world = _world()
    opp = opportunity(world, roles=(("讲解员", 3),))
    role = opp.roles.get()
    users = [volunteer(world, name=f"志愿者{i}", address=f"v{i}@example.cn")[0] for i in range(8)]
    results = _race(8, lambda i: services.sign_up_mine(by=users[i], role=role, now=START - dt.timedelta(days=1)))
    assert sum(r is not None for r in results) == 3
    assert SignUp.objects.filter(role=role, status="active").count() == 3


@pytest.mark.django_db(transaction=True)
def test_eight_check_outs_at_once_write_one_hours_record():
    world = _world()
    opp = opportunity(world)
    user, _person = volunteer(world)
    signup = services.sign_up_mine(by=user, role=opp.roles.get(), now=START - dt.timedelta(days=1))
    later = START + dt.timedelta(days=1)
    services.check_in(by=world.provincial_clerk, signup=signup, at=START, now=later)
    _race(8, lambda i: services.check_out(by=world.provincial_clerk, signup=signup,
                                          at=START + dt.timedelta(hours=2, minutes=i), now=later))
    assert HoursRecord.objects.filter(signup=signup).count() == 1
    assert str(HoursRecord.objects.get(signup=signup).hours) == "2.0"
