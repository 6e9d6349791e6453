"""The coverage pages and endpoints in the permission matrix (tests/test_permission_matrix.py
merges ``REGISTRY`` into its own, and ``EXTERNAL_REACHES`` into the external persona's pages).

The pages take the organisation from ``?org=``; another province's is refused with a 404
(tests/coverage/test_coverage.py)."""

from tests.matrix_kit import page

REGISTRY = {
    "coverage:overview": [page("org.view")],
    "coverage:export": [page("org.view")],
    "coverage:denominators": [page("org.view"), page("org.import", method="post", ok=400, data=lambda w: {})],
    "coverage:template": [page("org.import")],
}
EXTERNAL_REACHES = {}
