"""Objects for the permission matrix (tests/test_permission_matrix.py): review rounds kept by an
organisation, in or outside a persona's scope."""

from kexie.panels.models import ReviewRound
from kexie.people import services


def round_of(org_attr: str):
    def build(world):
        org = getattr(world, org_attr)
        return {"pk": ReviewRound.objects.create(organization=org, library=services.library_of(org),
                                                 title="矩阵评审批次").pk}
    return build
