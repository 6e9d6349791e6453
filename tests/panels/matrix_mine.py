"""Objects for the permission matrix (tests/test_permission_matrix.py): an expert whose account is
linked to their person record, with an invited seat and an assigned item in a round under review,
and another expert's seat and item (what the first must not reach)."""

from django.utils import timezone

from kexie.panels.models import Assignment, PanelSeat, ReviewItem, ReviewRound
from kexie.people import services
from kexie.people.models import ExpertEntry, Person
from tests.personas import make_user

FORM = [{"code": "innovation", "name": "创新性", "max": "60"}, {"code": "benefit", "name": "效益", "max": "40"}]


def _mine(world) -> dict:
    """Built once per world: the persona and its objects are asked for separately."""
    if getattr(world, "_matrix_mine", None) is None:
        org = world.prov_a
        library = services.library_of(org)
        round = ReviewRound.objects.create(organization=org, library=library, title="矩阵专家评审", form=FORM,
                                           status="reviewing")
        built = {}
        for key, name in (("mine", "矩阵专家"), ("other", "另一专家")):
            person = Person.objects.create(organization=org, name=name, name_key=name, name_pinyin=key)
            seat = PanelSeat.objects.create(round=round, entry=ExpertEntry.objects.create(library=library, person=person),
                                            how="manual", state="invited", invited_at=timezone.now())
            item = ReviewItem.objects.create(round=round, title=f"{name}的评审项目")
            Assignment.objects.create(item=item, seat=seat, how="manual")
            built[key] = {"person": person, "seat": seat, "item": item}
        built["expert"] = make_user("matrix_expert", org)
        Person.objects.filter(pk=built["mine"]["person"].pk).update(account=built["expert"])
        world._matrix_mine = built
    return world._matrix_mine


def expert(world):
    return _mine(world)["expert"]


def seat_of(key: str):
    return lambda w: {"pk": _mine(w)[key]["seat"].pk}


def item_of(key: str):
    return lambda w: {"pk": _mine(w)[key]["item"].pk}
