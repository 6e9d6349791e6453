"""What the API does beyond the organisation services: signing in for a token, and revealing a
user's personal data. Each function is one transaction with its audit row."""

from dataclasses import dataclass
from datetime import timedelta

import pyotp
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from kexie.accounts.models import LoginLog, SecurityPolicy, User
from kexie.audit.services import audit_record
from kexie.core.middleware import client_ip

# The events that count towards a lockout.
_FAILURES = (LoginLog.Event.BAD_PASSWORD, LoginLog.Event.BAD_OTP)


@dataclass
class LoginRefused(Exception):
    """Sign-in refused. ``field`` names the input at fault ("" for the request as a whole);
    ``status`` is 400 for wrong input and 403 for a refusal of a known account."""

    message: str
    field: str = ""
    status: int = 400


def _failures_since_last_success(q: Q, since) -> int:
    last_success = LoginLog.objects.filter(q, success=True, time__gte=since).aggregate(t=Max("time"))["t"]
    failures = LoginLog.objects.filter(q, event__in=_FAILURES, time__gte=last_success or since)
    if last_success:
        failures = failures.filter(time__gt=last_success)
    return failures.count()


def login_is_locked(*, username: str, ip: str, policy: SecurityPolicy | None = None) -> bool:
    """True when the username, or the address, has had ``lockout_threshold`` failures in the last
    ``lockout_minutes`` minutes (a success in between starts the count again)."""
    policy = policy or SecurityPolicy.current()
    since = timezone.now() - timedelta(minutes=policy.lockout_minutes)
    checks = [Q(username=username)]
    if ip:
        checks.append(Q(ip=ip))
    return any(_failures_since_last_success(q, since) >= policy.lockout_threshold for q in checks)


def _password_expired(user: User, policy: SecurityPolicy) -> bool:
    if user.must_change_password or user.password_changed_at is None:
        return True
    return user.password_changed_at < timezone.now() - timedelta(days=policy.password_expiry_days)


def _log(*, request, username: str, user: User | None, event: str, success: bool, detail: str = "") -> None:
    """The login-log row and its audit row, committed together."""
    with transaction.atomic():
        LoginLog.objects.create(
            username=username[:150], user=user, ip=client_ip(request)[:64],
            user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
            event=event, success=success,
        )
        audit_record(action="login" if success else "login_failed", by=user if success else None,
                     username=username, obj=user, success=success, detail=detail, request=request)


def api_authenticate(*, request, username: str, password: str, otp: str = "") -> User:
    """Check a username, password and (when the user's roles require it) a TOTP code, with the
    same lockout and login log as the sign-in page. Raises :class:`LoginRefused`."""
    policy = SecurityPolicy.current()
    ip = client_ip(request)
    if login_is_locked(username=username, ip=ip, policy=policy):
        _log(request=request, username=username, user=None, event=LoginLog.Event.LOCKED, success=False,
             detail=_("API token refused: locked"))
        raise LoginRefused(_("Too many failed sign-in attempts. Try again in %(minutes)d minutes.")
                           % {"minutes": policy.lockout_minutes}, status=403)
    user = User.objects.filter(username=username).first()
    if user is None or not user.check_password(password):
        _log(request=request, username=username, user=user, event=LoginLog.Event.BAD_PASSWORD, success=False,
             detail=_("API token refused: wrong username or password"))
        raise LoginRefused(_("Wrong username or password."))
    if not user.is_active:
        _log(request=request, username=username, user=user, event=LoginLog.Event.INACTIVE, success=False,
             detail=_("API token refused: account disabled"))
        raise LoginRefused(_("This account is disabled."), status=403)
    if user.needs_totp:
        if not user.totp_confirmed:
            raise LoginRefused(_("Your role requires a second factor. Enrol it on the web first."),
                               field="otp", status=403)
        if not otp:
            raise LoginRefused(_("Enter the six-digit code from your authenticator app."), field="otp")
        if not pyotp.TOTP(user.totp_secret).verify(otp.strip(), valid_window=1):
            _log(request=request, username=username, user=user, event=LoginLog.Event.BAD_OTP, success=False,
                 detail=_("API token refused: wrong second-factor code"))
            raise LoginRefused(_("The second-factor code is wrong or has expired."), field="otp")
    if _password_expired(user, policy):
        raise LoginRefused(_("Your password must be changed. Change it on the web first."), status=403)
    return user


def token_issue(*, request, username: str, password: str, otp: str = "") -> Token:
    """Sign in through the API and return a fresh token (any older one of the user stops working)."""
    user = api_authenticate(request=request, username=username, password=password, otp=otp)
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        LoginLog.objects.create(username=user.get_username(), user=user, ip=client_ip(request)[:64],
                                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                                event=LoginLog.Event.SUCCESS, success=True)
        audit_record(action="login", by=user, obj=user, detail=_("API token issued"), request=request)
    return token


def user_unmask(*, by: User, user: User) -> dict[str, str]:
    """The plaintext mobile, e-mail and ID number of ``user``; the viewing is audited (never the
    values themselves)."""
    values = {"mobile": user.mobile, "email": user.email, "id_number": user.id_number}
    with transaction.atomic():
        audit_record(action="unmask", by=by, obj=user,
                     detail=_("Viewed unmasked: %(fields)s") % {
                         "fields": ", ".join(name for name, value in values.items() if value) or "-"})
    return values
