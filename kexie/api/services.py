"""Signing in through the API: the same lockout, second factor, password-age rules and login log
as the sign-in page (kexie.accounts), ending in a token instead of a session."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from kexie.accounts import selectors as account_selectors
from kexie.accounts import services as account_services
from kexie.accounts.models import LoginLog, SecurityPolicy, User
from kexie.audit.services import audit_record
from kexie.core.middleware import client_ip


@dataclass
class LoginRefused(Exception):
    """Sign-in refused. ``field`` names the input at fault ("" for the request as a whole);
    ``status`` is 400 for wrong input and 403 for a refusal of a known account."""

    message: str
    field: str = ""
    status: int = 400


def _log(*, request, username: str, user: User | None, event: str, detail: str) -> None:
    """A failed attempt: its login-log row and audit row, committed together before the refusal."""
    with transaction.atomic():
        LoginLog.objects.create(
            username=username[:150], user=user, ip=client_ip(request)[:64],
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300], event=event, success=False,
        )
        audit_record(action="login_failed", username=username, obj=user, object_type="accounts.user",
                     object_repr=username, success=False, detail=detail, request=request)


def api_authenticate(*, request, username: str, password: str, otp: str = "") -> User:
    """Check a username, password and, when the user's roles require it, a TOTP code.

    Raises :class:`LoginRefused`. Every failure is a login-log row that counts towards the
    lockout, exactly as on the sign-in page.
    """
    username = (username or "").strip()
    policy = SecurityPolicy.current()
    ip = client_ip(request)
    until = account_selectors.locked_until(username=username, ip=ip, policy=policy)
    if until is not None:
        _log(request=request, username=username, user=None, event=LoginLog.Event.LOCKED, detail="locked (API)")
        raise LoginRefused(account_services.lock_message(until), status=403)
    user = User.objects.filter(username=username).first()
    if user is None:
        User().set_password(password)  # hash anyway: the answer time does not tell which users exist
        password_ok = False
    else:
        password_ok = user.check_password(password)
    if not password_ok:
        _log(request=request, username=username, user=user, event=LoginLog.Event.BAD_PASSWORD,
             detail="wrong username or password (API)")
        account_services.revoke_token_if_locked(user, policy=policy)
        raise LoginRefused(_("Wrong username or password."))
    if not user.is_active:
        _log(request=request, username=username, user=user, event=LoginLog.Event.INACTIVE,
             detail="account disabled (API)")
        raise LoginRefused(_("This account is disabled."), status=403)
    if user.is_external:
        raise LoginRefused(_("External accounts cannot use the API."), status=403)
    # As on the sign-in page: a second factor once enrolled is always asked for, required or not.
    if user.needs_totp or user.totp_confirmed:
        if not user.totp_confirmed:
            raise LoginRefused(_("Your role requires a second factor. Enrol it on the web first."),
                               field="otp", status=403)
        if not otp:
            raise LoginRefused(_("Enter the six-digit code from your authenticator app."), field="otp")
        # Logs a wrong code as a failed sign-in and refuses a code already used.
        if not account_services.totp_verify(request=request, user=user, code=otp):
            raise LoginRefused(_("The second-factor code is wrong or has expired."), field="otp")
    if account_selectors.password_change_required(user, policy):
        raise LoginRefused(_("Your password must be changed. Change it on the web first."), status=403)
    return user


def token_issue(*, request, username: str, password: str, otp: str = "") -> Token:
    """Sign in through the API and return a fresh token (any older one of the user stops working)."""
    user = api_authenticate(request=request, username=username, password=password, otp=otp)
    with transaction.atomic():
        token = account_services.api_token_create(user=user)
        User.objects.filter(pk=user.pk).update(last_login=token.created)
        LoginLog.objects.create(username=user.get_username(), user=user, ip=client_ip(request)[:64],
                                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                                event=LoginLog.Event.SUCCESS, success=True)
        audit_record(action="login", by=user, obj=user, detail="API token", request=request)
    return token
