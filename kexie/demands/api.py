"""The demands API. ``register`` adds its routes to the API router (kexie.api.urls)."""


def register(router) -> None:
    """Add this app's viewsets to ``router``."""
