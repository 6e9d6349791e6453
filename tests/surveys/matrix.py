"""The surveys pages and endpoints in the permission matrix (tests/test_permission_matrix.py
merges ``REGISTRY`` into its own, ``EXTERNAL_REACHES`` into the external persona's pages and
``PUBLIC`` into what an anonymous visitor gets)."""

from tests.matrix_kit import page

REGISTRY: dict = {
    "surveys:list": [page("survey.view")],
}
EXTERNAL_REACHES: dict = {}
PUBLIC: dict = {}
