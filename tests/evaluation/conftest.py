"""Fixtures of the evaluation tests: the societies of tests/societies and a rubric of every rule type."""

from tests.societies.conftest import make_society, societies  # noqa: F401 - fixtures shared with the registry tests

from .evaluation_world import expert, rubric_2025  # noqa: F401
