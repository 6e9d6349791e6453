"""The coverage pages and endpoints in the permission matrix (tests/test_permission_matrix.py
merges ``REGISTRY`` into its own, and ``EXTERNAL_REACHES`` into the external persona's pages)."""

REGISTRY = {}
EXTERNAL_REACHES = {}
