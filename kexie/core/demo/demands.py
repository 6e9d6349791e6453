"""Enterprise demands and open calls in the demo."""


def ensure_demo_demands(*, organization_at, user_named, calendar) -> bool:
    """Create the demo's demands when missing; True when something was created."""
    return False
