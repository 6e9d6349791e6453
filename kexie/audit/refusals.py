"""Refused requests leave a trace: a write answered 403 (no permission, a failed CSRF check) or
404 (an object outside the user's scope), and an upload refused by its checks, each become a
failed audit row ("refused"), which the audit administrator's workbench counts.

Rate-limited per user (or address) and minute, so that a flood cannot fill the table: past
``LIMIT_PER_MINUTE`` rows a minute the rest of that minute's refusals are not written."""

import logging
import time

from django.core.cache import cache

from kexie.core.middleware import REFUSAL_NOTE, client_ip

from .services import audit_record

LIMIT_PER_MINUTE = 20
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

log = logging.getLogger(__name__)


def _minute() -> int:
    return int(time.time() // 60)


def _allowed(request, action: str, limit: int) -> bool:
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else f"ip:{client_ip(request)}"
    key = f"kexie:{action}:{who}:{_minute()}"
    cache.add(key, 0, 120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        count = 1
    return count <= limit


def record_refusal(request, *, action: str = "refused", detail: str, username: str = "",
                   limit: int | None = None) -> None:
    """One failed audit row for a refused request, unless this user (or address) has had ``limit``
    (default ``LIMIT_PER_MINUTE``) rows of ``action`` this minute. Never raises: the trace must not
    turn the refusal into a server error. Used here and by the rate limits (kexie.core.ratelimit)."""
    try:
        if _allowed(request, action, LIMIT_PER_MINUTE if limit is None else limit):
            audit_record(action=action, by=getattr(request, "user", None), username=username,
                         object_repr=request.path[:300], success=False, detail=detail, request=request)
    except Exception:  # noqa: BLE001 - the trace must never break the answer
        log.exception("could not record a refused request")


class RefusalAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        detail = getattr(request, REFUSAL_NOTE, None)
        if detail is None and request.method not in SAFE_METHODS and response.status_code in (403, 404):
            detail = ""
        if detail is not None:
            record_refusal(request, detail=f"{request.method} {request.path} {response.status_code}"
                                           + (f": {detail}" if detail else ""))
        return response
