"""Fixtures of the selection tests (built in rounds_world.py)."""

from tests.selection.rounds_world import round_world  # noqa: F401
