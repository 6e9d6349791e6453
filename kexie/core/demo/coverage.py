"""Demo grassroots coverage: written for the project."""


def ensure_demo_coverage(*, organization_at, user_named, calendar) -> bool:
    """Create the demo's coverage data when missing; True when something was created."""
    return False
