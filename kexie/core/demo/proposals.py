"""Proposals and think-tank work in the demo."""


def ensure_demo_proposals(*, organization_at, user_named, calendar) -> bool:
    """Create the demo's proposals when missing; True when something was created."""
    return False
