"""Objects for the permission matrix (tests/test_permission_matrix.py): person records, merges and
expert entries kept by an organisation, in or outside a persona's scope."""

from kexie.people import services
from kexie.people.models import Person, PersonMerge


def _person(world, org_attr, name="矩阵人员"):
    org = getattr(world, org_attr)
    return Person.objects.create(organization=org, name=name, name_key=name, name_pinyin="juzhenrenyuan")


def person_of(org_attr: str):
    return lambda w: {"pk": _person(w, org_attr).pk}


def library_of(org_attr: str):
    return lambda w: {"pk": services.library_of(getattr(w, org_attr)).pk}


def entry_of(org_attr: str):
    def build(world):
        from kexie.people.models import ExpertEntry

        library = services.library_of(getattr(world, org_attr))
        return {"pk": ExpertEntry.objects.create(library=library, person=_person(world, org_attr)).pk}
    return build


def merge_of(org_attr: str):
    def build(world):
        a, b = _person(world, org_attr), _person(world, org_attr)
        b.merged_into = a
        b.save()
        return {"pk": PersonMerge.objects.create(kept=a, absorbed=b, before={}, moved={}).pk}
    return build


def person_body(world):
    return {"name": "矩阵接口人员", "phone": "13800000000"}


def entry_body(world):
    return {"organization": world.prov_a.pk, "person": _person(world, "prov_a").pk}


