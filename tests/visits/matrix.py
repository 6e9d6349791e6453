"""The visits pages and endpoints in the permission matrix (tests/test_permission_matrix.py merges
``REGISTRY`` into its own, and ``EXTERNAL_REACHES`` into the external persona's pages): service
teams, visits and contact duties kept by an organisation, in or outside a persona's scope."""

import datetime as dt

from kexie.people.models import Person
from kexie.visits.models import ContactDuty, ServiceTeam, TeamMember, Visit
from tests.matrix_kit import api, page


def _team(world, org_attr: str) -> ServiceTeam:
    return ServiceTeam.objects.create(organization=getattr(world, org_attr), name="矩阵服务团")


def team_of(org_attr: str):
    return lambda world: {"pk": _team(world, org_attr).pk}


def member_of(org_attr: str):
    def build(world):
        team = _team(world, org_attr)
        person = Person.objects.create(organization=team.organization, name="矩阵专家")
        return {"pk": TeamMember.objects.create(team=team, person=person).pk}
    return build


def visit_of(org_attr: str):
    def build(world):
        org = getattr(world, org_attr)
        return {"pk": Visit.objects.create(organization=org, date=dt.date(2026, 5, 1), place="矩阵县",
                                           enterprise="矩阵企业", problem="矩阵问题").pk}
    return build


def duty_of(org_attr: str):
    def build(world):
        org = getattr(world, org_attr)
        person = Person.objects.create(organization=org, name="矩阵院士")
        owner = world.provincial_clerk if org_attr == "prov_a" else world.other_provincial_clerk
        return {"pk": ContactDuty.objects.create(organization=org, person=person, owner=owner, cadence_days=30,
                                                 started_on=dt.date(2026, 1, 1)).pk}
    return build


def _empty(world):
    return {}


REGISTRY: dict = {
    "visits:list": [page("visit.view")],
    "visits:export": [page("visit.view")],
    "visits:team_detail": [page("visit.view", kwargs=team_of("prov_a"), outside=team_of("prov_b"))],
    "visits:team_create": [page("visit.manage"), page("visit.manage", method="post", ok=400, data=_empty)],
    "visits:team_edit": [page("visit.manage", kwargs=team_of("prov_a"), outside=team_of("prov_b")),
                         page("visit.manage", method="post", ok=400, data=_empty, kwargs=team_of("prov_a"),
                              outside=team_of("prov_b"))],
    "visits:member_add": [page("visit.manage", method="post", ok=400, data=_empty, kwargs=team_of("prov_a"),
                               outside=team_of("prov_b"))],
    "visits:member_remove": [page("visit.manage", method="post", ok=302, kwargs=member_of("prov_a"),
                                  outside=member_of("prov_b"))],
    "visits:visit_create": [page("visit.manage"), page("visit.manage", method="post", ok=400, data=_empty)],
    "visits:visit_detail": [page("visit.view", kwargs=visit_of("prov_a"), outside=visit_of("prov_b"))],
    "visits:followup_done": [page("visit.view", method="post", ok=400, data=_empty, kwargs=visit_of("prov_a"),
                                  outside=visit_of("prov_b"))],
    "visits:contacts": [page("visit.view")],
    "visits:duty_create": [page("visit.manage"), page("visit.manage", method="post", ok=400, data=_empty)],
    "visits:contact_log": [page("visit.view", method="post", ok=400, data=_empty, kwargs=duty_of("prov_a"),
                                outside=duty_of("prov_b"))],
    "visits:duty_reassign": [page("visit.manage", method="post", ok=400, data=_empty, kwargs=duty_of("prov_a"),
                                  outside=duty_of("prov_b"))],
    "visits:duty_close": [page("visit.manage", method="post", ok=302, kwargs=duty_of("prov_a"),
                               outside=duty_of("prov_b"))],
    "api:serviceteam-list": [api("visit.view")],
    "api:serviceteam-detail": [api("visit.view", kwargs=team_of("prov_a"), outside=team_of("prov_b"))],
    "api:visit-list": [api("visit.view")],
    "api:visit-detail": [api("visit.view", kwargs=visit_of("prov_a"), outside=visit_of("prov_b"))],
}
EXTERNAL_REACHES: dict = {}
