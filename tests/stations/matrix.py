"""The stations pages and endpoints in the permission matrix (tests/test_permission_matrix.py merges
``REGISTRY`` into its own, and ``EXTERNAL_REACHES`` into the external persona's pages).

Objects: stations registered by 甲省 (in the provincial clerk's scope) or 乙省 (outside it), an
expert serving at one, and a submitted annual report."""

from kexie.people.models import Person
from kexie.stations.models import Station, StationExpert, StationReport
from tests.matrix_kit import api, page


def _station(world, org_attr: str) -> Station:
    return Station.objects.create(organization=getattr(world, org_attr), type="backyard", name="矩阵科技小院",
                                  host_unit="矩阵合作社")


def station_of(org_attr: str):
    return lambda world: {"pk": _station(world, org_attr).pk}


def expert_of(org_attr: str):
    def build(world):
        station = _station(world, org_attr)
        person = Person.objects.create(organization=station.organization, name="矩阵专家")
        return {"pk": StationExpert.objects.create(station=station, person=person, level="city").pk}
    return build


def report_of(org_attr: str):
    def build(world):
        station = _station(world, org_attr)
        return {"pk": StationReport.objects.create(station=station, year=2025, status="submitted").pk}
    return build


def _post(code, kwargs, outside, ok=400):
    return page(code, method="post", ok=ok, data=lambda w: {}, kwargs=kwargs, outside=outside)


_A, _B = station_of("prov_a"), station_of("prov_b")
_TYPE = lambda world: {"station_type": "backyard"}  # noqa: E731 - the rules page of one type

REGISTRY: dict = {
    "stations:list": [page("station.view")],
    "stations:export": [page("station.view")],
    "stations:create": [page("station.manage"), page("station.manage", method="post", ok=400, data=lambda w: {})],
    "stations:detail": [page("station.view", kwargs=_A, outside=_B)],
    "stations:edit": [page("station.manage", kwargs=_A, outside=_B), _post("station.manage", _A, _B)],
    "stations:expert_add": [_post("station.manage", _A, _B)],
    "stations:expert_remove": [_post("station.manage", expert_of("prov_a"), expert_of("prov_b"), ok=302)],
    "stations:report_submit": [_post("station.manage", _A, _B)],
    "stations:report_evaluate": [_post("station.manage", report_of("prov_a"), report_of("prov_b"))],
    # The rules are changed by the national office only (a provincial clerk's post is refused with
    # a 403: tests/stations/test_pages.py).
    "stations:rules": [page("station.view", kwargs=_TYPE),
                       page("station.manage", method="post", ok=400, user="national_clerk", kwargs=_TYPE,
                            data=lambda w: {})],
    "api:station-list": [api("station.view")],
    "api:station-detail": [api("station.view", kwargs=_A, outside=_B)],
}
EXTERNAL_REACHES: dict = {}
