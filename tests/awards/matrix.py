"""Objects for the permission matrix (tests/test_permission_matrix.py): award calls, nominations
and follow-up reports kept by an organisation, in or outside a persona's scope."""

import datetime as dt

from kexie.awards.models import AwardCall, Channel, FollowUp, Nomination
from kexie.people.models import Person


def call_of(org_attr: str):
    def build(world):
        return {"pk": AwardCall.objects.create(organization=getattr(world, org_attr), title="矩阵评选", year=2026).pk}
    return build


def _nomination(world, org_attr: str) -> Nomination:
    org = getattr(world, org_attr)
    call = AwardCall.objects.create(organization=org, title="矩阵评选", year=2026, status="formal_check")
    channel = Channel.objects.create(call=call, organization=org, quota=1)
    nominee = Person.objects.create(organization=org, name="矩阵人选")
    return Nomination.objects.create(call=call, channel=channel, nominee=nominee)


def nomination_of(org_attr: str):
    return lambda world: {"pk": _nomination(world, org_attr).pk}


def followup_of(org_attr: str):
    def build(world):
        n = _nomination(world, org_attr)
        return {"pk": FollowUp.objects.create(nomination=n, person=n.nominee, programme_year=1,
                                              due_on=dt.date(2027, 12, 31)).pk}
    return build
