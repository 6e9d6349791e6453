"""Rate limits on sign-in, sign-up, codes and every form an anonymous visitor may send.

Each guarded action (a *group*) has a limit per client address and, where the request names an
account (a username, an e-mail address, a mobile number, a code being entered), a limit per
account too. The counters are django-ratelimit's: fixed windows in Django's default cache, counted
with ``cache.add`` and ``cache.incr``, which are atomic — within one process for the local-memory
cache (development, tests), across every worker for the shared Redis cache (``KEXIE_REDIS_URL``)
that production needs: with a per-process cache each gunicorn worker would count apart.

The address is the one :func:`kexie.core.middleware.client_ip` gives (``X-Real-IP`` only from a
trusted proxy), so a client cannot escape its limit by sending a header.

Over a limit the request is not processed: the answer is 429 with a message in the user's
language that says when to try again (and a ``Retry-After`` header), and one audit row
(``rate_limited``) is written for the limit and window that was exceeded — not one per refused
request, and at most ``AUDIT_PER_MINUTE`` a minute per address, so a flood cannot fill the table.

Views use the :func:`rate_limited` decorator (POSTs count by default); code that is not a view
calls :func:`hit`.
"""

import datetime as dt
import functools
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from kexie.core.middleware import client_ip


# group -> {"ip": rate, "account": rate}. A rate is django-ratelimit's "count/period" ("5/10m").
RATES: dict[str, dict[str, str]] = {
    # Sign-in: on top of the lockout after five wrong passwords (accounts.selectors.locked_until),
    # which counts failures only; this caps every attempt, the refused ones included.
    "login": {"ip": "30/10m", "account": "10/10m"},
    "totp": {"ip": "30/10m", "account": "10/10m"},
    # Self sign-up and password reset: sending a code (an e-mail or a text message that costs).
    "signup": {"ip": "10/h", "account": "3/10m"},
    "password_reset": {"ip": "10/h", "account": "3/10m"},
    # Entering a code (each code also dies after CODE_MAX_ATTEMPTS wrong tries).
    "code": {"ip": "30/10m", "account": "10/10m"},
    # Completing a sign-up, accepting an invitation.
    "signup_complete": {"ip": "20/10m", "account": "10/10m"},
    "invitation": {"ip": "20/10m", "account": "10/10m"},
    # Anonymous forms to come (survey answers by code, check-in codes): the default for
    # rate_limited(...) with a group not listed here.
    "anonymous_form": {"ip": "30/10m", "account": "10/10m"},
    # Survey answers by code: a station surveys a room of respondents behind one address, and a code
    # (31⁸ possibilities) is not guessed at this pace; each code is counted on its own too.
    "survey_answer": {"ip": "300/10m", "account": "20/10m"},
}
AUDIT_PER_MINUTE = 20


@dataclass(frozen=True)
class Limited:
    """A limit that a request went over: which, and for how long more."""

    group: str
    scope: str  # "ip" or "account"
    rate: str
    time_left: int  # seconds until the window ends

    @property
    def until(self):
        return timezone.now() + dt.timedelta(seconds=max(self.time_left, 1))

    def message(self) -> str:
        minutes = max(math.ceil(self.time_left / 60), 1)
        return _("Too many requests: please try again after %(time)s (in about %(minutes)d minutes).") % {
            "time": timezone.localtime(self.until).strftime("%H:%M"), "minutes": minutes}


def _normalise(value: str) -> str:
    return " ".join(str(value or "").split()).lower()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def hit(request, group: str, *, account: str = "") -> Limited | None:
    """Count this request against ``group``'s limits: per address, and per ``account`` when one is
    given. Returns the limit it went over (its audit row written), or None to go ahead."""
    rates = RATES.get(group) or RATES["anonymous_form"]
    account = _normalise(account)
    values = {"ip": client_ip(request) or "unknown"}
    if account:
        values["account"] = _digest(account)
    over = []
    for scope, value in values.items():
        usage = get_usage(request, group=f"kexie:{group}:{scope}", key=lambda _g, _r, v=value: v,
                          rate=rates[scope], increment=True)
        if usage is not None and usage["should_limit"]:
            over.append((Limited(group, scope, rates[scope], usage["time_left"]), value))
    if not over:
        return None
    limited, value = max(over, key=lambda item: item[0].time_left)
    _audit(request, limited, value, account)
    return limited


def _audit(request, limited: Limited, value: str, account: str) -> None:
    """One audit row per exceeded limit and window, at most AUDIT_PER_MINUTE a minute per address."""
    # The marker lives until the window ends: the first refusal of the window writes the row.
    first = cache.add(f"kexie:rl-audit:{limited.group}:{limited.scope}:{limited.rate}:{value}", 1,
                      max(limited.time_left, 1))
    if not first:
        return
    from kexie.audit.refusals import record_refusal
    from kexie.core.masking import mask_email, mask_phone

    if "@" in account:
        who = mask_email(account)
    elif account.isdigit():
        who = mask_phone(account)
    else:
        who = "" if account.startswith("user:") else account
    record_refusal(request, action="rate_limited", username=who, limit=AUDIT_PER_MINUTE,
                   detail=f"{limited.group}: {limited.scope} over {limited.rate} ({request.method} {request.path})")


def too_many(request, limited: Limited) -> HttpResponse:
    """The 429 answer: JSON for the API, our own page otherwise; the form is not processed."""
    message = limited.message()
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(max(limited.time_left, 1))
    return response


def post_field(name: str) -> Callable:
    """The account a form names in one of its fields (a username, an e-mail address, a mobile)."""
    return lambda request: request.POST.get(name, "")


def signed_in_user(request) -> str:
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else ""


def rate_limited(group: str = "anonymous_form", *, account: Callable | None = None, methods=("POST",)):
    """View decorator: requests of ``methods`` count against ``group``'s limits (per address, and
    per the account ``account(request)`` names); over a limit the view is not called and the
    answer is 429. Every form an anonymous visitor may send goes through it."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                limited = hit(request, group, account=account(request) if account else "")
                if limited is not None:
                    return too_many(request, limited)
            return view(request, *args, **kwargs)

        wrapped.rate_limit_group = group
        return wrapped

    return decorator
