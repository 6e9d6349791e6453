"""The volunteers demo on the test tree: teams on three levels, hours from check-in/out, one
report approved and one waiting, the demo volunteer's home section; a second run (also on a
later day) creates nothing. The plan measures count the same hours."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kexie.accounts.home import home_for
from kexie.accounts.models import User
from kexie.core.demo.volunteers import DETACHMENT, VOLUNTEER_ADDRESS, ensure_demo_volunteers
from kexie.plans import measures
from kexie.volunteers import selectors
from kexie.volunteers.models import HoursRecord, Opportunity, VolunteerTeam


@dataclass
class _Calendar:
    today: dt.date


def _hooks(world, day):
    places = {"河南省科学技术协会": world.prov_a, "郑州市科学技术协会": world.city_a,
              "中牟县科学技术协会": world.county_a}
    users = {"provincial_clerk": world.provincial_clerk, "county_clerk": world.county_clerk}
    return {"organization_at": lambda path: places[path[-1]], "user_named": users.__getitem__,
            "calendar": _Calendar(day)}


def test_the_demo_builds_teams_hours_and_the_volunteers_home_once(world):
    day = dt.date(2026, 10, 10)
    assert ensure_demo_volunteers(**_hooks(world, day)) is True
    detachment = VolunteerTeam.objects.get(name=DETACHMENT)
    assert [(t.level, depth) for t, depth in selectors.team_tree(VolunteerTeam.objects.all())] == [
        ("detachment", 0), ("brigade", 1), ("squad", 2)]
    assert detachment.organization == world.prov_a
    statuses = sorted(HoursRecord.objects.values_list("source", "status"))
    assert ("report", "approved") in statuses and ("report", "pending") in statuses
    assert statuses.count(("attendance", "approved")) == 4
    total = selectors.total_hours(selectors.counted_hours(organization=world.prov_a))
    assert total == Decimal("24.0")
    assert measures.value("volunteers.hours", world.prov_a) == 24
    assert measures.value("volunteers.active", world.prov_a) == 3
    account = User.objects.get(username=VOLUNTEER_ADDRESS)
    section = next(s for s in home_for(account) if s["section"].key == "volunteers")
    assert "13.0" in section["summary"] and "1" in section["summary"]
    counts = (VolunteerTeam.objects.count(), Opportunity.objects.count(), HoursRecord.objects.count())
    assert ensure_demo_volunteers(**_hooks(world, day + dt.timedelta(days=30))) is False
    assert (VolunteerTeam.objects.count(), Opportunity.objects.count(), HoursRecord.objects.count()) == counts
