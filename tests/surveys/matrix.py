"""The surveys pages and endpoints in the permission matrix (tests/test_permission_matrix.py
merges ``REGISTRY`` into its own, ``EXTERNAL_REACHES`` into the external persona's pages and
``PUBLIC`` into what an anonymous visitor gets).

Objects: stations registered under 甲省 (in the provincial clerk's scope) or 乙省 (outside it);
rounds launched by each province with one of its stations taking part; that station's place in
the round (its codes)."""

import datetime as dt
from dataclasses import dataclass

from kexie.surveys.models import RoundStation, SurveyRound, SurveyStation
from tests.matrix_kit import api, page

DEFN = {"questions": [{"key": "unit", "kind": "single", "text": "单位类型", "required": True,
                       "options": [{"value": "uni", "label": "高校"}, {"value": "ent", "label": "企业"}]}]}


def _station(world, org_attr):
    return SurveyStation.objects.create(organization=getattr(world, org_attr), name="矩阵调查站点", kind="university",
                                        host_unit="矩阵大学")


def station_of(org_attr: str):
    return lambda world: {"pk": _station(world, org_attr).pk}


def _participation(world, org_attr):
    survey_round = SurveyRound.objects.create(organization=getattr(world, org_attr), title="矩阵调查", year=2026,
                                              definition=DEFN, opens_on=dt.date(2026, 1, 1),
                                              closes_on=dt.date(2099, 12, 31), status="open")
    return RoundStation.objects.create(round=survey_round, station=_station(world, org_attr), quota=10)


def round_of(org_attr: str):
    return lambda world: {"pk": _participation(world, org_attr).round_id}


def participation_of(org_attr: str):
    return lambda world: {"pk": _participation(world, org_attr).pk}


def _post(code, kwargs=None, outside=None, ok=400):
    return page(code, method="post", ok=ok, data=lambda w: {}, kwargs=kwargs, outside=outside)


_S, _SB = station_of("prov_a"), station_of("prov_b")
_R, _RB = round_of("prov_a"), round_of("prov_b")
_P, _PB = participation_of("prov_a"), participation_of("prov_b")

REGISTRY: dict = {
    "surveys:list": [page("survey.view")],
    "surveys:create": [page("survey.manage"), _post("survey.manage")],
    "surveys:detail": [page("survey.view", kwargs=_S, outside=_SB)],
    "surveys:edit": [page("survey.manage", kwargs=_S, outside=_SB), _post("survey.manage", _S, _SB)],
    "surveys:report": [_post("survey.manage", _S, _SB)],
    "surveys:rounds": [page("survey.view")],
    "surveys:round_create": [page("survey.manage"), _post("survey.manage")],
    "surveys:round_detail": [page("survey.view", kwargs=_R, outside=_RB)],
    "surveys:round_edit": [page("survey.manage", kwargs=_R, outside=_RB), _post("survey.manage", _R, _RB)],
    "surveys:round_status": [_post("survey.manage", _R, _RB)],
    "surveys:round_station": [_post("survey.manage", _R, _RB)],
    "surveys:round_remind": [_post("survey.manage", _R, _RB)],
    "surveys:round_export": [page("survey.view", kwargs=_R, outside=_RB)],
    "surveys:participation": [page("survey.view", kwargs=_P, outside=_PB)],
    "surveys:codes_generate": [_post("survey.manage", _P, _PB)],
    "surveys:code_hand_out": [_post("survey.manage", _P, _PB)],
    "surveys:codes_export": [page("survey.manage", kwargs=_P, outside=_PB)],
    "api:surveystation-list": [api("survey.view")],
    "api:surveystation-detail": [api("survey.view", kwargs=_S, outside=_SB)],
    "api:surveyround-list": [api("survey.view")],
    "api:surveyround-detail": [api("survey.view", kwargs=_R, outside=_RB)],
}
INVESTIGATOR = "matrix.investigator@example.cn"


def investigator(world):
    """An investigator's external account, linked to a person record (made once per test)."""
    from kexie.accounts.models import User
    from kexie.people.models import Person
    from tests.personas import make_external

    user = User.objects.filter(username=INVESTIGATOR).first() or make_external(INVESTIGATOR, full_name="矩阵调查员")
    if not Person.objects.filter(account=user).exists():
        Person.objects.create(organization=world.prov_a, name="矩阵调查员", account=user)
    return user


def own_participation(world):
    participation = _participation(world, "prov_a")
    participation.station.investigators.add(investigator(world).person)
    return {"pk": participation.pk}


REGISTRY.update({
    # An investigator's own stations and codes: any signed-in account, through its person record.
    "surveys:mine": [page(None), page(None, user=investigator)],
    "surveys:my_codes_export": [page(None, user=investigator, kwargs=own_participation, outside=_PB)],
})
# The external persona (an S&T worker) opens its own investigator page (empty when it is none).
EXTERNAL_REACHES: dict = {"surveys:mine": 200}


@dataclass(frozen=True)
class Public:
    """What an anonymous visitor gets (the same fields as the matrix's own ``Public``)."""

    method: str = "get"
    status: int = 200
    data: dict | None = None
    kwargs: dict | None = None


# A respondent answers without an account: the code page and the thank-you page are open to all.
PUBLIC: dict = {"surveys:answer": Public(), "surveys:answer_done": Public()}
