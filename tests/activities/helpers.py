"""Activities built through the services for the tests."""

import datetime as dt

from kexie.activities import services

DAY = dt.date(2026, 9, 20)


def activity(world, *, org=None, by=None, kind="popsci", title="科普进社区", starts_on=DAY, ends_on=None,
             held=True, audience=100, **data):
    """An activity hosted by ``org`` (default 甲省科协), recorded as held unless ``held`` is False."""
    org = org or world.prov_a
    return services.activity_create(by=by or world.national_clerk, organization=org,
                                    status="held" if held else "planned", data={
                                        "kind": kind, "title": title, "starts_on": starts_on,
                                        "ends_on": ends_on or starts_on, "audience": audience, **data})


def campaign(world, *, org=None, by=None, name="2026年全国科普日", kind="science_day", year=2026):
    return services.campaign_create(by=by or world.national_clerk, organization=org or world.cast, data={
        "name": name, "kind": kind, "year": year, "starts_on": dt.date(2026, 9, 15),
        "ends_on": dt.date(2026, 9, 25)})
