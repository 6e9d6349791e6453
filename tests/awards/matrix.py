"""Objects for the permission matrix (tests/test_permission_matrix.py): award calls kept by an
organisation, in or outside a persona's scope."""

from kexie.awards.models import AwardCall


def call_of(org_attr: str):
    def build(world):
        return {"pk": AwardCall.objects.create(organization=getattr(world, org_attr), title="矩阵评选", year=2026).pk}
    return build
