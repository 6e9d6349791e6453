"""Survey stations in the demo."""


def ensure_demo_surveys(*, organization_at, calendar, user_named) -> bool:
    """Idempotent; True when something was created."""
    return False
