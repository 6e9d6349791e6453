"""The volunteers pages and endpoints in the permission matrix (tests/test_permission_matrix.py
merges ``REGISTRY`` into its own, ``EXTERNAL_REACHES`` into the external persona's pages and
``PUBLIC`` into what an anonymous visitor gets).

Objects: teams, opportunities, sign-ups, volunteers and hours of 甲省 (in the provincial clerk's
scope) or 乙省 (outside it). The volunteer's own pages are open to any signed-in account."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kexie.people.models import Person
from kexie.volunteers.models import (
    HoursRecord,
    Opportunity,
    OpportunityRole,
    SignUp,
    VolunteerProfile,
    VolunteerTeam,
)
from tests.matrix_kit import api, page

START = timezone.make_aware(dt.datetime(2026, 9, 20, 9, 0))


def _team(world, org_attr):
    return VolunteerTeam.objects.create(organization=getattr(world, org_attr), name="矩阵志愿服务队", level="squad")


def _opportunity(world, org_attr):
    opportunity = Opportunity.objects.create(organization=getattr(world, org_attr), title="矩阵服务项目",
                                             starts_at=START, ends_at=START + dt.timedelta(hours=4))
    OpportunityRole.objects.create(opportunity=opportunity, name="讲解员", slots=3)
    return opportunity


def _profile(world, org_attr):
    person = Person.objects.create(organization=getattr(world, org_attr), name="矩阵志愿者")
    return VolunteerProfile.objects.create(person=person, organization=getattr(world, org_attr),
                                           registered_on=START.date())


def team_of(org_attr):
    return lambda world: {"pk": _team(world, org_attr).pk}


def opportunity_of(org_attr):
    return lambda world: {"pk": _opportunity(world, org_attr).pk}


def profile_of(org_attr):
    return lambda world: {"pk": _profile(world, org_attr).pk}


def signup_of(org_attr):
    def build(world):
        opportunity = _opportunity(world, org_attr)
        return {"pk": SignUp.objects.create(opportunity=opportunity, role=opportunity.roles.get(),
                                            volunteer=_profile(world, org_attr)).pk}
    return build


def hours_of(org_attr):
    def build(world):
        return {"pk": HoursRecord.objects.create(
            volunteer=_profile(world, org_attr), organization=getattr(world, org_attr), source="report",
            served_on=START.date(), hours=Decimal("2.0"), note="矩阵", status="pending").pk}
    return build


def role_of_open_opportunity(world):
    return {"pk": _opportunity(world, "prov_a").roles.get().pk}


def _post(code, kwargs, outside, ok=400):
    return page(code, method="post", ok=ok, data=lambda w: {}, kwargs=kwargs, outside=outside)


_T, _TB = team_of("prov_a"), team_of("prov_b")
_O, _OB = opportunity_of("prov_a"), opportunity_of("prov_b")
_P, _PB = profile_of("prov_a"), profile_of("prov_b")
_S, _SB = signup_of("prov_a"), signup_of("prov_b")
_H, _HB = hours_of("prov_a"), hours_of("prov_b")

REGISTRY: dict = {
    "volunteers:list": [page("volunteer.view")],
    "volunteers:team_create": [page("volunteer.manage"), page("volunteer.manage", method="post", ok=400,
                                                              data=lambda w: {})],
    "volunteers:team": [page("volunteer.view", kwargs=_T, outside=_TB)],
    "volunteers:team_edit": [page("volunteer.manage", kwargs=_T, outside=_TB), _post("volunteer.manage", _T, _TB)],
    "volunteers:member_add": [_post("volunteer.manage", _T, _TB)],
    "volunteers:volunteers": [page("volunteer.view")],
    "volunteers:volunteer": [page("volunteer.view", kwargs=_P, outside=_PB)],
    "volunteers:volunteer_certificate": [page("volunteer.view", kwargs=_P, outside=_PB)],
    "volunteers:opportunities": [page("volunteer.view")],
    "volunteers:opportunity_create": [page("volunteer.manage"), page("volunteer.manage", method="post", ok=400,
                                                                     data=lambda w: {})],
    "volunteers:opportunity": [page("volunteer.view", kwargs=_O, outside=_OB)],
    "volunteers:role_add": [_post("volunteer.manage", _O, _OB)],
    "volunteers:signup_add": [_post("volunteer.manage", _O, _OB)],
    "volunteers:opportunity_status": [_post("volunteer.manage", _O, _OB)],
    "volunteers:checkin": [page("volunteer.manage", kwargs=_O, outside=_OB)],
    # A check-in with no time is "now", outside the opportunity's hours: refused on the page.
    "volunteers:check": [_post("volunteer.manage", _S, _SB)],
    "volunteers:signup_cancel": [_post("volunteer.manage", _S, _SB, ok=302)],
    "volunteers:hours": [page("volunteer.view")],
    "volunteers:hours_decide": [_post("volunteer.manage", _H, _HB, ok=302)],
    "volunteers:report": [page("volunteer.view")],
    "volunteers:report_export": [page("volunteer.view")],
    # The volunteer's own pages: any signed-in account, external ones included.
    "volunteers:board": [page(None)],
    "volunteers:mine": [page(None)],
    "volunteers:my_report": [page(None)],
    "volunteers:my_certificate": [page(None, ok=404)],
    "volunteers:my_signup": [page(None, method="post", ok=302, kwargs=role_of_open_opportunity)],
    "volunteers:my_cancel": [page(None, method="post", ok=404, kwargs=_S)],
    "api:volunteerteam-list": [api("volunteer.view")],
    "api:volunteerteam-detail": [api("volunteer.view", kwargs=_T, outside=_TB)],
    "api:volunteeropportunity-list": [api("volunteer.view")],
    "api:volunteeropportunity-detail": [api("volunteer.view", kwargs=_O, outside=_OB)],
    "api:volunteerhours-list": [api("volunteer.view")],
    "api:volunteerhours-detail": [api("volunteer.view", kwargs=_H, outside=_HB)],
}
EXTERNAL_REACHES: dict = {"volunteers:board": 200, "volunteers:mine": 200, "volunteers:my_report": 200,
                          "volunteers:my_certificate": 404, "volunteers:my_signup": 302, "volunteers:my_cancel": 404}
PUBLIC: dict = {}
