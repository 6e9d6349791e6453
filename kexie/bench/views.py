"""The HTTP benchmark's baseline: the least a signed-in JSON request can cost on this server."""

from django.http import JsonResponse


def baseline(request):
    """A minimal Django JSON view behind the same middleware (session, user) as the real ones."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "not signed in"}, status=401)
    return JsonResponse({"ok": True, "user": request.user.pk})
