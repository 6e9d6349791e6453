"""The unread-notification count in the top bar of every page."""

from .selectors import unread_count


def unread_notifications(request):
    """``unread_notifications``: evaluated only when a page shows it — one count query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: unread_count(user)}
