"""The demands pages and endpoints in the permission matrix (tests/test_permission_matrix.py merges
``REGISTRY`` into its own, and ``EXTERNAL_REACHES`` into the external persona's pages).

Objects: demands held by 甲省 (in the provincial clerk's scope) or 乙省 (outside it); an
enterprise's external account and the demand it filed; an open call published on the board, and a
demand that is not (not found on the board); a contracted call whose chosen team (an external
account) reports its milestones, and one chosen for another team (not found for it)."""

import datetime as dt

from kexie.accounts.models import User
from kexie.demands.models import Application, ApplicationStatus, Demand, DemandMilestone, DemandStatus, Route
from tests.matrix_kit import api, page
from tests.personas import make_external

ENTERPRISE = "enterprise.matrix@example.cn"
TEAM = "team.matrix@example.cn"


def _demand(org, **fields) -> Demand:
    return Demand.objects.create(organization=org, enterprise_name="矩阵企业", title="矩阵需求", **fields)


def demand_of(org_attr: str, **fields):
    return lambda world: {"pk": _demand(getattr(world, org_attr), **fields).pk}


def _published(org, **fields) -> Demand:
    return _demand(org, status=DemandStatus.PUBLISHED, route=Route.OPEN_CALL,
                   apply_until=dt.date.today() + dt.timedelta(days=30), **fields)


def published_of(org_attr: str, **fields):
    return lambda world: {"pk": _published(getattr(world, org_attr), **fields).pk}


def application_of(org_attr: str):
    def build(world):
        demand = _published(getattr(world, org_attr))
        return {"pk": Application.objects.create(demand=demand, team_name="矩阵团队", lead_name="矩阵").pk}
    return build


def milestone_of(org_attr: str):
    def build(world):
        demand = _demand(getattr(world, org_attr), status=DemandStatus.CONTRACTED, route=Route.OPEN_CALL)
        return {"pk": DemandMilestone.objects.create(demand=demand, title="中试", due=dt.date(2027, 6, 30)).pk}
    return build


def enterprise(world) -> User:
    """The enterprise contact's external account (made once per test)."""
    return User.objects.filter(username=ENTERPRISE).first() or make_external(ENTERPRISE, full_name="矩阵企业联系人")


def team(world) -> User:
    """The chosen team's external account (made once per test)."""
    return User.objects.filter(username=TEAM).first() or make_external(TEAM, full_name="矩阵揭榜团队")


def chosen_milestone(applicant):
    """A milestone of a contracted open call whose chosen application ``applicant(world)`` filed."""
    def build(world):
        demand = _demand(world.county_a, status=DemandStatus.CONTRACTED, route=Route.OPEN_CALL)
        Application.objects.create(demand=demand, team_name="矩阵团队", lead_name="矩阵", applicant=applicant(world),
                                   status=ApplicationStatus.CHOSEN)
        return {"pk": DemandMilestone.objects.create(demand=demand, title="中试", due=dt.date(2027, 6, 30)).pk}
    return build


def own_demand(world):
    return {"pk": _demand(world.county_a, submitted_by=enterprise(world)).pk}


def others_demand(world):
    return {"pk": _demand(world.county_a, submitted_by=world.county_clerk).pk}


def _post(code, kwargs, outside, ok=400):
    return page(code, method="post", ok=ok, data=lambda w: {}, kwargs=kwargs, outside=outside)


_A, _B = demand_of("prov_a"), demand_of("prov_b")

REGISTRY: dict = {
    "demands:list": [page("demand.view")],
    "demands:list_export": [page("demand.view")],
    "demands:create": [page("demand.submit"), page("demand.submit", method="post", ok=400, data=lambda w: {})],
    "demands:detail": [page("demand.view", kwargs=_A, outside=_B)],
    "demands:accept": [_post("demand.manage", _A, _B, ok=302)],
    "demands:return": [_post("demand.manage", _A, _B)],
    "demands:merge": [_post("demand.manage", _A, _B)],
    "demands:match": [_post("demand.manage", _A, _B)],
    "demands:release": [_post("demand.manage", _A, _B)],
    "demands:publish": [_post("demand.manage", _A, _B)],
    "demands:review": [_post("demand.manage", _A, _B)],
    "demands:choose": [_post("demand.manage", _A, _B)],
    "demands:set_staff": [_post("demand.manage", _A, _B)],
    "demands:app_check": [_post("demand.manage", application_of("prov_a"), application_of("prov_b"))],
    "demands:milestone_report": [_post("demand.submit", milestone_of("prov_a"), milestone_of("prov_b"))],
    "demands:milestone_accept": [_post("demand.manage", milestone_of("prov_a"), milestone_of("prov_b"))],
    "demands:funnel": [page("demand.view")],
    "api:demand-list": [api("demand.view")],
    "api:demand-detail": [api("demand.view", kwargs=_A, outside=_B)],
    "api:demandfunnel-own": [api("demand.view")],
    "api:demandfunnel-detail": [api("demand.view", kwargs=lambda w: {"pk": w.prov_a.pk},
                                    outside=lambda w: {"pk": w.prov_b.pk})],
    "demands:funnel_export": [page("demand.view")],
    # An enterprise contact's own pages and the open-call board: any signed-in account.
    "demands:mine": [page(None)],
    "demands:my_new": [page(None)],
    "demands:my_detail": [page(None, user=enterprise, kwargs=own_demand, outside=others_demand)],
    "demands:board": [page(None)],
    "demands:board_detail": [page(None, kwargs=published_of("county_b"),
                                  outside=published_of("county_b", confidential=True))],
    "demands:apply": [page(None, kwargs=published_of("county_b"), outside=demand_of("county_b"))],
    # The team's own applications, and the chosen team reporting its milestone (another's: not found).
    "demands:my_applications": [page(None)],
    "demands:team_report": [page(None, method="post", ok=400, data=lambda w: {}, user=team,
                                 kwargs=chosen_milestone(team), outside=chosen_milestone(enterprise))],
}

# What the external persona (an account of its own, not the enterprise's) gets: its own lists and
# forms and the board; another account's demand is not found.
EXTERNAL_REACHES: dict = {
    "demands:mine": 200, "demands:my_new": 200, "demands:my_detail": 404, "demands:board": 200,
    "demands:board_detail": 200, "demands:apply": 200, "demands:my_applications": 200,
    "demands:team_report": 404,  # not the chosen team
}
