"""The surveys pages and endpoints in the permission matrix (tests/test_permission_matrix.py
merges ``REGISTRY`` into its own, ``EXTERNAL_REACHES`` into the external persona's pages and
``PUBLIC`` into what an anonymous visitor gets)."""

REGISTRY: dict = {}
EXTERNAL_REACHES: dict = {}
PUBLIC: dict = {}
