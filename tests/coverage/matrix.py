"""The coverage pages and endpoints in the permission matrix (tests/test_permission_matrix.py
merges ``REGISTRY`` into its own, and ``EXTERNAL_REACHES`` into the external persona's pages).

The pages take the organisation from ``?org=``; another province's is refused with a 404
(tests/coverage/test_coverage.py)."""

from kexie.coverage.models import RosterEntry
from kexie.people.models import Person
from tests.matrix_kit import page


def roster_entry_of(org_attr: str):
    def build(world):
        org = getattr(world, org_attr)
        person = Person.objects.create(name="矩阵院长", organization=org)
        return {"pk": RosterEntry.objects.create(organization=org, person=person, post_kind="hospital",
                                                 post_unit="矩阵县人民医院", post_title="院长").pk}
    return build


_RA, _RB = roster_entry_of("prov_a"), roster_entry_of("prov_b")

REGISTRY = {
    "coverage:overview": [page("org.view")],
    "coverage:export": [page("org.view")],
    "coverage:denominators": [page("org.view"), page("org.import", method="post", ok=400, data=lambda w: {})],
    "coverage:template": [page("org.import")],
    "coverage:roster": [page("org.view")],
    "coverage:roster_export": [page("org.view")],
    "coverage:roster_add": [page("org.change"), page("org.change", method="post", ok=400, data=lambda w: {})],
    "coverage:roster_end": [page("org.change", kwargs=_RA, outside=_RB),
                            page("org.change", method="post", ok=400, data=lambda w: {}, kwargs=_RA, outside=_RB)],
}
EXTERNAL_REACHES = {}
