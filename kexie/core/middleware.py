"""Request context for code that runs below the views (services, the audit writer)."""

from contextvars import ContextVar

_current_request: ContextVar = ContextVar("kexie_current_request", default=None)


def current_request():
    """The request being served on this thread, or None in commands and jobs."""
    return _current_request.get()


def client_ip(request) -> str:
    if request is None:
        return ""
    # Behind nginx the real address arrives in X-Real-IP (see README, Production).
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "") or ""


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
