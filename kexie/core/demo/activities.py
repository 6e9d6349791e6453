"""Demo activities: written for the project."""


def ensure_demo_activities(*, organization_at, user_named, calendar) -> bool:
    """Create the demo's activities when missing; True when something was created."""
    return False
