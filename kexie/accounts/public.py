"""Public users: external accounts (S&T workers, enterprise contacts), how they come to exist and
how they get back in.

* An external account never holds a role, an organisation or a staff flag (the model's
  constraint and m2m guard); it sees only its own records.
* It is created by invitation — a staff member with ``external.invite`` sends a single-use link
  that expires (only the token's digest is stored) — or, where ``KEXIE_PUBLIC_SIGNUP`` is on, by
  self sign-up with a verified e-mail address or mobile number (a six-digit code: e-mail through
  the notification outbox, a text message through the configured gateway).
* It resets a forgotten password with a code sent the same way; that ends its sessions and API
  token like any password change.

Codes are stored as keyed digests, expire after ``CODE_MINUTES``, die after
``CODE_MAX_ATTEMPTS`` wrong tries, and are verified and used once each (conditional UPDATEs, so
concurrent requests with the same code succeed once). Each change is one transaction with its
audit rows. The addresses in audit rows are masked.
"""

import dataclasses
import hashlib
import hmac
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kexie.audit.services import audit_record
from kexie.core import crypto
from kexie.core.masking import mask_email, mask_phone
from kexie.core.middleware import client_ip
from kexie.core.validators import validate_mobile

from . import sms
from .models import Invitation, LoginLog, User, UserKind, VerificationCode
from .services import LOGIN_BACKEND, user_set_password, user_snapshot
from .sessionkeys import LAST_SEEN, OTP_VERIFIED, SIGNED_IN_AT

CODE_MINUTES = 10
CODE_MAX_ATTEMPTS = 5
# A verified sign-up code must be used (the account created) within this time.
VERIFIED_MINUTES = 30

EMAIL, SMS = VerificationCode.Channel.EMAIL, VerificationCode.Channel.SMS

# Sent inside the acceptance's transaction with ``invitation`` and ``account``: the app that asked
# for the invitation (a person record waiting for its account) links the new account, and a
# failure there undoes the acceptance.
invitation_accepted = Signal()


class CodeRefused(Exception):
    """A code was not accepted; the message says why (in the user's language)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- addresses ----------------------------------------------------------------------------------

def parse_address(value: str) -> tuple[str, str]:
    """(channel, normalised address) for an e-mail address or a mainland mobile number; raises a
    ValidationError in the user's language for anything else, or a mobile number when no SMS
    gateway is configured."""
    value = "".join((value or "").split())
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("Enter a valid e-mail address or mobile number.")) from None
        return EMAIL, value.lower()
    try:
        validate_mobile(value)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address or mobile number.")) from None
    if not sms.sms_enabled():
        raise ValidationError(_("Text messages are not available on this installation: use an e-mail address."))
    return SMS, value


def mask_address(address: str) -> str:
    return mask_email(address) if "@" in address else mask_phone(address)


def external_account_for(address: str) -> User | None:
    channel = EMAIL if "@" in address else SMS
    lookup = {"email__iexact": address} if channel == EMAIL else {"mobile": address}
    return User.objects.filter(kind=UserKind.EXTERNAL, **lookup).order_by("pk").first()


def _address_taken(address: str) -> bool:
    return User.objects.filter(username__iexact=address).exists() or external_account_for(address) is not None


def _deliver(channel: str, address: str, subject: str, text: str, key: str) -> None:
    """An e-mail through the notification outbox (sent by the delivery job after commit), or a
    text message through the gateway."""
    if channel == EMAIL:
        from kexie.notifications.services import notify

        notify(recipients=[address], kind="verification", title=subject, body=text, key=key)
    else:
        sms.send_sms(address, text)


# --- verification codes -------------------------------------------------------------------------

def _code_digest(row_salt: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{row_salt}:{code}".encode(), hashlib.sha256).hexdigest()


def code_send(*, purpose: str, address: str, request=None) -> VerificationCode:
    """Make a code for ``address`` and send it. For a password reset it is sent only when an
    external account has that address, but made all the same: the answer never tells whether an
    address has an account."""
    channel, address = parse_address(address)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    now = timezone.now()
    send = purpose == VerificationCode.Purpose.SIGNUP or external_account_for(address) is not None
    with transaction.atomic():
        row = VerificationCode.objects.create(
            purpose=purpose, channel=channel, address_digest=crypto.digest(address),
            address_encrypted=crypto.encrypt(address), code_digest="", created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES))
        row.code_digest = _code_digest(str(row.pk), code)
        row.save(update_fields=["code_digest"])
        audit_record(action="security", username=mask_address(address), object_type="accounts.verificationcode",
                     object_id=row.pk, object_repr=mask_address(address), request=request,
                     detail=f"verification code for {purpose} by {channel}" + ("" if send else ": no account"))
        if send:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Your verification code for the S&T Association Work Platform")
                text = _("Your verification code is %(code)s. It is valid for %(minutes)d minutes. If you did not "
                         "ask for it, ignore this message.") % {"code": code, "minutes": CODE_MINUTES}
            _deliver(channel, address, subject, text, key=f"verification:{row.pk}")
    return row


def code_check(*, code_id: int, purpose: str, code: str) -> VerificationCode:
    """Accept ``code`` for the code row ``code_id`` once, or raise :class:`CodeRefused`. A wrong
    try counts (CODE_MAX_ATTEMPTS kill the code); of concurrent right tries, one wins."""
    now = timezone.now()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    live = VerificationCode.objects.filter(pk=code_id, purpose=purpose, verified_at__isnull=True,
                                           expires_at__gt=now, attempts__lt=CODE_MAX_ATTEMPTS)
    # Every try is counted before the code is compared, so parallel guesses cannot exceed the limit.
    if not live.update(attempts=F("attempts") + 1):
        raise CodeRefused(_("This code has expired or has been tried too often. Ask for a new code."))
    row = VerificationCode.objects.get(pk=code_id)
    if len(code) == 6 and hmac.compare_digest(row.code_digest, _code_digest(str(row.pk), code)):
        if VerificationCode.objects.filter(pk=code_id, verified_at__isnull=True).update(verified_at=now):
            row.verified_at = now
            return row
    left = CODE_MAX_ATTEMPTS - row.attempts
    if left <= 0:
        raise CodeRefused(_("Wrong code, and no tries are left. Ask for a new code."))
    raise CodeRefused(_("Wrong code. %(left)d tries left.") % {"left": left})


def _claim_verified(code_id: int, purpose: str) -> VerificationCode:
    """Take a verified, unused code for good (inside the caller's transaction)."""
    now = timezone.now()
    claimed = VerificationCode.objects.filter(
        pk=code_id, purpose=purpose, verified_at__gt=now - timedelta(minutes=VERIFIED_MINUTES),
        used_at__isnull=True).update(used_at=now)
    if not claimed:
        raise CodeRefused(_("This verification has expired or was already used. Start again."))
    return VerificationCode.objects.get(pk=code_id)


# --- external accounts --------------------------------------------------------------------------

def _create_external(*, address: str, full_name: str, password: str, invited_by=None, request=None,
                     how: str) -> User:
    """The account, its password (history, audit) and its creation row, inside the caller's transaction."""
    channel = EMAIL if "@" in address else SMS
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationError({"full_name": _("Enter your name.")})
    if _address_taken(address):
        raise ValidationError(_("An account with this e-mail address or mobile number exists already: sign in, "
                                "or reset the password if you forgot it."))
    user = User(username=address, kind=UserKind.EXTERNAL, full_name=full_name[:50],
                email=address if channel == EMAIL else "", mobile=address if channel == SMS else "",
                must_change_password=False, created_by=invited_by)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from None
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(action="create", by=user, obj=user, new={**user_snapshot(user), "kind": user.kind},
                 detail=f"external account: {how}", request=request)
    user_set_password(user=user, by=user, raw=password)
    return user


def sign_in_new_account(request, user: User) -> None:
    """Start the session of an account just made (the person proved the address and chose the
    password a moment ago): a sign-in as the login page would record it."""
    auth_login(request, user, backend=LOGIN_BACKEND)
    request.session[LAST_SEEN] = request.session[SIGNED_IN_AT] = time.time()
    request.session[OTP_VERIFIED] = False
    with transaction.atomic():
        LoginLog.objects.create(username=user.username, user=user, ip=client_ip(request)[:64],
                                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                                event=LoginLog.Event.SUCCESS, success=True)
        audit_record(action="login", by=user, obj=user, request=request, detail="after sign-up")


def signup_complete(*, code_id: int, full_name: str, password: str, request=None) -> User:
    """Create the external account of a verified sign-up code (one transaction, audited)."""
    if not settings.KEXIE_PUBLIC_SIGNUP:
        raise PermissionDenied
    with transaction.atomic():
        row = _claim_verified(code_id, VerificationCode.Purpose.SIGNUP)
        return _create_external(address=row.address, full_name=full_name, password=password, request=request,
                                how=f"self sign-up, verified by {row.channel}")


def signup_address_free(row: VerificationCode) -> bool:
    return not _address_taken(row.address)


def password_reset(*, code_id: int, code: str, password: str, request=None) -> User:
    """Set a new password for the external account of a reset code: the code is checked, the
    password validated and set, every session ended and the API token revoked, all or nothing."""
    expired = _("This code has expired or has been tried too often. Ask for a new code.")
    row = VerificationCode.objects.filter(pk=code_id, purpose=VerificationCode.Purpose.RESET).first()
    user = external_account_for(row.address) if row is not None else None
    if user is not None:  # the new password is checked first: a refused one does not spend the code
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from None
    code_check(code_id=code_id, purpose=VerificationCode.Purpose.RESET, code=code)
    if user is None or not user.is_active:
        raise CodeRefused(expired)
    with transaction.atomic():
        _claim_verified(code_id, VerificationCode.Purpose.RESET)
        user_set_password(user=user, by=user, raw=password)
        user.sessions_revoked_at = timezone.now()
        user.save(update_fields=["sessions_revoked_at"])
        audit_record(action="security", by=user, obj=user, request=request,
                     detail=f"password reset with a code sent by {row.channel}; signed out of all sessions")
    return user


# --- invitations --------------------------------------------------------------------------------

@dataclasses.dataclass
class Invited:
    invitation: Invitation
    link: str  # the path with the token; shown to nobody, sent to the address


def _token_digest(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def invitation_create(*, by, address: str, full_name: str = "", request=None) -> Invited:
    """Invite an external person: a single-use link, valid ``KEXIE_INVITATION_DAYS`` days, sent to
    their e-mail address (or by text message where a gateway is configured)."""
    if by is None or not by.has_code("external.invite"):
        raise PermissionDenied(_("You do not have permission to do this."))
    try:
        channel, address = parse_address(address)
    except ValidationError as exc:
        raise ValidationError({"address": exc.messages}) from None
    if _address_taken(address):
        raise ValidationError({"address": _("An account with this e-mail address or mobile number exists already.")})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = reverse("accounts:invitation_accept", kwargs={"token": token})
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=address if channel == EMAIL else "", mobile=address if channel == SMS else "",
            full_name=" ".join((full_name or "").split())[:50], token_digest=_token_digest(token), created_by=by,
            created_at=now, expires_at=now + timedelta(days=settings.KEXIE_INVITATION_DAYS))
        audit_record(action="create", by=by, obj=invitation, request=request,
                     new={"address": mask_address(address), "expires_at": invitation.expires_at})
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Invitation to the S&T Association Work Platform")
            text = _("%(inviter)s invites you to open an account on the S&T Association Work Platform. Open the "
                     "link below within %(days)d days to choose your password; it works once.") % {
                "inviter": by, "days": settings.KEXIE_INVITATION_DAYS}
        if channel == EMAIL:
            from kexie.notifications.services import notify

            notify(recipients=[address], kind="invitation", title=subject, body=text, url=link,
                   key=f"invitation:{invitation.pk}")
        else:
            sms.send_sms(address, f"{text} {settings.KEXIE_SITE_URL}{link}")
    return Invited(invitation, link)


def invitation_find(token: str) -> Invitation | None:
    """The pending invitation of ``token`` (not accepted, not expired), or None."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.filter(token_digest=_token_digest(token), accepted_at__isnull=True,
                                     expires_at__gt=timezone.now()).select_related("created_by").first()


def invitation_accept(*, token: str, full_name: str, password: str, request=None) -> User:
    """Create the invited person's external account; the link works once (a conditional UPDATE)."""
    invitation = invitation_find(token)
    if invitation is None:
        raise CodeRefused(_("This invitation link is not valid: it has expired or was used already."))
    with transaction.atomic():
        now = timezone.now()
        if not Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now).update(
                accepted_at=now):
            raise CodeRefused(_("This invitation link is not valid: it has expired or was used already."))
        user = _create_external(address=invitation.email or invitation.mobile, full_name=full_name,
                                password=password, invited_by=invitation.created_by, request=request,
                                how=f"invitation {invitation.pk} by {invitation.created_by.username}")
        Invitation.objects.filter(pk=invitation.pk).update(account=user)
        invitation.account = user
        invitation_accepted.send(sender=Invitation, invitation=invitation, account=user)
    return user
