"""The demo's registrations: made once on the planned community event, some checked in, two
waiting; a second run creates nothing."""

import datetime as dt

from kexie.activities import registration as reg
from kexie.activities.models import Registration
from kexie.core.demo.activities import CAPACITY, REGISTRANTS, REGISTRATION_ON, ensure_demo_registrations
from tests.activities.helpers import activity


def test_the_demo_registers_checks_in_and_wait_lists_once(world):
    a = activity(world, org=world.county_a, by=world.county_clerk, title=REGISTRATION_ON, held=False,
                 starts_on=dt.date(2026, 9, 21))
    users = {"county_clerk": world.county_clerk}
    assert ensure_demo_registrations(user_named=users.__getitem__) is True
    figures = reg.attendance(a)
    assert figures["confirmed"] == CAPACITY and figures["waiting"] == len(REGISTRANTS) - CAPACITY
    assert figures["checked_in"] == 4
    assert set(Registration.objects.filter(activity=a).values_list("checkin_source", flat=True)) == {
        "scan", "list", ""}
    assert ensure_demo_registrations(user_named=users.__getitem__) is False
    assert Registration.objects.filter(activity=a).count() == len(REGISTRANTS)
