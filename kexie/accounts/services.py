"""Changes to accounts: sign-in and sign-out, passwords, the second factor, users, roles, positions,
API tokens and the security policy.

Each function is one transaction and writes its audit row (and for sign-in events its login-log
row) inside it. ``by`` is the acting user, or None for the system itself (commands, migrations).
"""

import dataclasses
import hmac
import math
import secrets
import string
import time

import pyotp
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from kexie.audit.services import audit_record, diff_values
from kexie.core import crypto
from kexie.core.middleware import client_ip
from kexie.core.validators import validate_id_number
from kexie.organizations.models import Organization

from . import selectors
from .models import EXTERNAL_NO_ROLES, DataScope, LoginLog, PasswordHistory, Position, Role, SecurityPolicy, User
from .permissions import PERMISSIONS, AdminKind, codes_allowed_for
from .scope import scope_q
from .sessionkeys import LAST_SEEN, OTP_VERIFIED, SIGNED_IN_AT

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
TOTP_ISSUER = "科协工作平台"


def _require(by, code: str) -> None:
    """Services check the permission themselves, so no caller can skip it (None = the system)."""
    if by is not None and not by.has_code(code):
        raise PermissionDenied


# --- sign-in, sign-out --------------------------------------------------------------------------

@dataclasses.dataclass
class LoginResult:
    user: User | None
    error: str = ""


def _login_log(request, *, username: str, user: User | None, event: str, success: bool) -> LoginLog:
    return LoginLog.objects.create(
        username=(username or "")[:150], user=user, ip=client_ip(request)[:64],
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        event=event, success=success,
    )


def lock_message(until) -> str:
    minutes = max(math.ceil((until - timezone.now()).total_seconds() / 60), 1)
    return _("Too many failed sign-in attempts: sign-in for this account or from this address is locked. "
             "Try again after %(time)s (in about %(minutes)d minutes).") % {
        "time": timezone.localtime(until).strftime("%H:%M"), "minutes": minutes}


def login_attempt(*, request, username: str, password: str) -> LoginResult:
    """Check a username and password under the lockout rules and sign the user in on success.

    Every outcome — success, wrong password, refusal while locked, disabled account — is one
    login-log row and one audit row.
    """
    username = (username or "").strip()
    policy = SecurityPolicy.current()
    ip = client_ip(request)
    with transaction.atomic():
        until = selectors.locked_until(username=username, ip=ip, policy=policy)
        if until is not None:
            _login_log(request, username=username, user=None, event=LoginLog.Event.LOCKED, success=False)
            audit_record(action="login_failed", username=username, object_type="accounts.user",
                         object_repr=username, success=False, detail="locked", request=request)
            return LoginResult(None, lock_message(until))

        user = User.objects.filter(username=username).first()
        if user is None:
            # Hash anyway, so the answer time does not tell which usernames exist.
            User().set_password(password)
            password_ok = False
        else:
            password_ok = user.check_password(password)

        if password_ok and not user.is_active:
            _login_log(request, username=username, user=user, event=LoginLog.Event.INACTIVE, success=False)
            audit_record(action="login_failed", username=username, obj=user, success=False,
                         detail="account disabled", request=request)
            return LoginResult(None, _("This account has been disabled. Please contact your administrator."))

        if not password_ok:
            _login_log(request, username=username, user=user, event=LoginLog.Event.BAD_PASSWORD, success=False)
            audit_record(action="login_failed", username=username, object_type="accounts.user",
                         object_repr=username, success=False, detail="wrong username or password",
                         request=request)
            revoke_token_if_locked(user, policy=policy)
            until = selectors.locked_until(username=username, ip=ip, policy=policy)
            if until is not None:
                return LoginResult(None, lock_message(until))
            left = selectors.attempts_left(username=username, ip=ip, policy=policy)
            return LoginResult(None, _(
                "Wrong username or password. %(left)d attempt(s) left before sign-in is locked for "
                "%(minutes)d minutes.") % {"left": left, "minutes": policy.lockout_minutes})

        auth_login(request, user, backend=LOGIN_BACKEND)
        request.session[LAST_SEEN] = request.session[SIGNED_IN_AT] = time.time()
        request.session[OTP_VERIFIED] = False
        _login_log(request, username=username, user=user, event=LoginLog.Event.SUCCESS, success=True)
        audit_record(action="login", by=user, obj=user, request=request)
    return LoginResult(user)


def logout_user(*, request, idle: bool = False) -> None:
    """Sign the session's user out, logging it as a sign-out or as an idle-timeout sign-out."""
    user = request.user
    if not user.is_authenticated:
        auth_logout(request)
        return
    event = LoginLog.Event.IDLE_TIMEOUT if idle else LoginLog.Event.LOGOUT
    with transaction.atomic():
        _login_log(request, username=user.get_username(), user=user, event=event, success=True)
        audit_record(action="logout", by=user, obj=user, detail="idle timeout" if idle else "",
                     request=request)
    auth_logout(request)


# --- passwords ----------------------------------------------------------------------------------

def generate_temporary_password() -> str:
    """Twelve random characters with all four character classes."""
    alphabet = string.ascii_letters + string.digits + "@#%+=!"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _i in range(12))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate) and any(not c.isalnum() for c in candidate)):
            return candidate


def user_set_password(*, user: User, by, raw: str, temporary: bool = False) -> None:
    """Validate and set a password, remember it in the history and audit it.

    A temporary password (set by an administrator) must be changed at the next sign-in; a
    password the user chose clears that obligation and restarts the expiry clock.
    """
    validate_password(raw, user)
    with transaction.atomic():
        user.set_password(raw)
        user.password_changed_at = timezone.now()
        user.must_change_password = temporary
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        PasswordHistory.objects.create(user=user, encoded=user.password)
        audit_record(action="password", by=by, obj=user,
                     detail="temporary password set" if temporary else "password changed")
        api_token_revoke(user=user, by=by, reason="password changed")


def user_reset_password(*, by, user: User) -> str:
    """Give an account a new temporary password (returned once, to hand over) that must be changed."""
    _require(by, "user.manage")
    raw = generate_temporary_password()
    user_set_password(user=user, by=by, raw=raw, temporary=True)
    return raw


# --- second factor (TOTP) -----------------------------------------------------------------------

def totp_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.get_username(), issuer_name=TOTP_ISSUER)


def totp_begin_enrolment(*, user: User) -> str:
    """Give the user a new, unconfirmed TOTP secret (stored encrypted) and return it."""
    secret = pyotp.random_base32()
    with transaction.atomic():
        user.totp_secret_encrypted = crypto.encrypt(secret)
        user.totp_confirmed = False
        user.totp_last_step = None
        user.save(update_fields=["totp_secret_encrypted", "totp_confirmed", "totp_last_step"])
        audit_record(action="security", by=user, obj=user, detail="second factor enrolment started")
    return secret


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code equals ``code``, allowing one step of clock drift either way."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if not secret or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time() // totp.interval)
    for step in (now_step, now_step - 1, now_step + 1):
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def totp_verify(*, request, user: User, code: str) -> bool:
    """Check a second-factor code for this session. The first right code confirms enrolment; a
    code is accepted only once; a wrong one is a failed sign-in that counts towards the lockout."""
    step = _matching_step(user.totp_secret, code)
    with transaction.atomic():
        # The code's step is claimed by one conditional UPDATE: of sessions sending the same code
        # at once, one changes the row and the others find it already claimed (the database
        # serialises the writes), whatever their copy of the user says.
        claimed = step is not None and User.objects.filter(pk=user.pk).filter(
            Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step)).update(totp_last_step=step)
        if not claimed:
            _login_log(request, username=user.get_username(), user=user, event=LoginLog.Event.BAD_OTP,
                       success=False)
            audit_record(action="login_failed", by=user, obj=user, success=False,
                         detail="wrong second-factor code", request=request)
            return False
        enrolled_now = not user.totp_confirmed
        user.totp_confirmed = True
        user.totp_last_step = step
        user.save(update_fields=["totp_confirmed"])
        audit_record(action="security" if enrolled_now else "login", by=user, obj=user, request=request,
                     detail="second factor enrolled" if enrolled_now else "second factor verified")
        request.session[OTP_VERIFIED] = True
    return True


def totp_reset(*, by, user: User) -> None:
    """Remove a user's second factor, so that they enrol again at the next sign-in."""
    _require(by, "user.unlock")
    with transaction.atomic():
        user.totp_secret_encrypted = ""
        user.totp_confirmed = False
        user.totp_last_step = None
        user.save(update_fields=["totp_secret_encrypted", "totp_confirmed", "totp_last_step"])
        audit_record(action="security", by=by, obj=user, detail="second factor reset")


def user_unlock(*, by, user: User, request=None) -> None:
    """Lift a lockout on a username before it expires (the count starts again from zero)."""
    _require(by, "user.unlock")
    with transaction.atomic():
        LoginLog.objects.create(username=user.get_username(), user=user, ip=client_ip(request)[:64],
                                event=LoginLog.Event.UNLOCKED, success=True)
        audit_record(action="security", by=by, obj=user, detail="account unlocked", request=request)


# --- API tokens ---------------------------------------------------------------------------------

def api_token_create(*, user: User) -> Token:
    """Replace the user's API token with a new one (the old one stops working)."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_record(action="security", by=user, obj=user, detail="API token created")
    return token


def sign_out_everywhere(*, by, user: User, request=None) -> None:
    """End every session of ``user`` (at its next request) and revoke the API token: the user's
    own "sign out everywhere", or a security administrator's on a lost device."""
    if by is None or (by.pk != user.pk and not by.has_code("user.unlock")):
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        user.sessions_revoked_at = timezone.now()
        user.save(update_fields=["sessions_revoked_at"])
        audit_record(action="security", by=by, obj=user, detail="signed out of all sessions", request=request)
        api_token_revoke(user=user, by=by, reason="signed out of all sessions")


def revoke_token_if_locked(user: User | None, *, policy=None) -> None:
    """After a wrong password: an account that is now locked loses its API token too (a lock of
    the address alone does not)."""
    if user is not None and selectors.locked_until(username=user.get_username(), ip="", policy=policy):
        api_token_revoke(user=user, by=user, reason="account locked")


def api_token_revoke(*, user: User, by=None, reason: str = "") -> None:
    """Delete the user's API token (asked by the user, or because the password changed, the
    account was locked or disabled): a client holding it must sign in again."""
    with transaction.atomic():
        deleted, _rows = Token.objects.filter(user=user).delete()
        if deleted:
            audit_record(action="security", by=by or user, obj=user,
                         detail="API token revoked" + (f": {reason}" if reason else ""))


# --- users --------------------------------------------------------------------------------------

def user_snapshot(user: User) -> dict:
    """What an audit row records about a user: personal data masked (logs must not hold it)."""
    return {
        "username": user.username, "full_name": user.full_name, "organization": user.organization_id,
        "mobile": user.masked_mobile, "email": user.masked_email, "id_number": user.masked_id_number,
        "is_active": user.is_active,
    }


def check_role_combination(roles) -> None:
    """三员分立: an administrator role may be combined only with roles of the same administrator
    kind; so no account holds two kinds of administrator, let alone all three."""
    kinds = {role.admin_kind or AdminKind.NONE for role in roles}
    if len(kinds) > 1 and any(kinds):
        raise ValidationError({"roles": _(
            "An administrator role cannot be combined with a role of another administrator kind or with "
            "a business role (separation of the system, security and audit administrators).")})


def _check_roles_within_scope(by, roles) -> None:
    """A manager whose own scope is limited cannot hand out a wider one: no "all data" role, and
    no custom set reaching outside their scope (else a provincial administrator could make
    national ones)."""
    if by is None or not roles:
        return
    q = scope_q(by, "user.manage", org_field="id", owner_field="created_by")
    if q is None or q == Q():
        return
    allowed = Organization.objects.filter(q).values("pk")
    for role in roles:
        if role.data_scope == DataScope.ALL or (
                role.data_scope == DataScope.CUSTOM and role.custom_organizations.exclude(pk__in=allowed).exists()):
            raise ValidationError({"roles": _(
                "You cannot grant the role “%(role)s”: its data scope reaches beyond yours.") % {"role": role.name}})


def _check_organization_in_scope(by, organization: Organization | None) -> None:
    if by is None or organization is None:
        return
    if not Organization.objects.restrict(by, "user.manage").filter(pk=organization.pk).exists():
        raise ValidationError({"organization": _(
            "You cannot place a user in an organisation outside your data scope.")})


def _set_id_number(user: User, id_number: str) -> None:
    id_number = (id_number or "").strip().upper()
    if not id_number:
        return
    try:
        validate_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    user.set_id_number(id_number)


def user_create(*, by, username: str, full_name: str, organization: Organization | None, roles=(),
                mobile: str = "", email: str = "", id_number: str = "") -> tuple[User, str]:
    """Create an account with a temporary password it must change at first sign-in.

    Returns the user and the temporary password (shown once to the administrator)."""
    _require(by, "user.manage")
    roles = list(roles)
    _check_organization_in_scope(by, organization)
    check_role_combination(roles)
    _check_roles_within_scope(by, roles)
    user = User(username=(username or "").strip(), full_name=(full_name or "").strip(), organization=organization,
                mobile=(mobile or "").strip(), email=(email or "").strip(), must_change_password=True,
                created_by=by if by is not None else None)
    _set_id_number(user, id_number)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    raw = generate_temporary_password()
    with transaction.atomic():
        user.save()
        user_set_password(user=user, by=by, raw=raw, temporary=True)
        audit_record(action="create", by=by, obj=user, new=user_snapshot(user))
        if roles:
            user.roles.set(roles)
            audit_record(action="permission", by=by, obj=user, old={"roles": []},
                         new={"roles": sorted(role.code for role in roles)})
    return user, raw


def user_update(*, by, user: User, full_name: str, organization: Organization | None, mobile: str = "",
                email: str = "", id_number: str = "") -> User:
    """Change a user's details. A blank ID number keeps the stored one."""
    _require(by, "user.manage")
    if user.is_external and organization is not None:
        raise ValidationError({"organization": _("An external account belongs to no organisation.")})
    if organization != user.organization:
        _check_organization_in_scope(by, organization)
    old = user_snapshot(user)
    user.full_name = (full_name or "").strip()
    user.organization = organization
    user.mobile = (mobile or "").strip()
    user.email = (email or "").strip()
    _set_id_number(user, id_number)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        before, after = diff_values(old, user_snapshot(user))
        if before or after:
            audit_record(action="update", by=by, obj=user, old=before, new=after)
    return user


def user_set_roles(*, by, user: User, roles) -> None:
    """Replace a user's roles; audited as a permission change with the old and new role codes."""
    _require(by, "user.manage")
    roles = list(roles)
    if user.is_external and roles:
        raise ValidationError({"roles": EXTERNAL_NO_ROLES})
    old_codes = sorted(user.roles.values_list("code", flat=True))
    new_codes = sorted(role.code for role in roles)
    if old_codes == new_codes:
        return
    if by is not None and by.pk == user.pk:
        # Nobody grants themselves rights: another administrator must do it.
        raise ValidationError({"roles": _("You cannot change your own roles.")})
    check_role_combination(roles)
    held = set(user.roles.values_list("pk", flat=True))
    _check_roles_within_scope(by, [role for role in roles if role.pk not in held])
    with transaction.atomic():
        user.roles.set(roles)
        for attr in ("_kexie_roles", "_kexie_codes"):
            user.__dict__.pop(attr, None)
        audit_record(action="permission", by=by, obj=user, old={"roles": old_codes}, new={"roles": new_codes})


def user_set_active(*, by, user: User, active: bool) -> None:
    """Disable an account (it can no longer sign in or use its API token) or enable it again."""
    _require(by, "user.manage")
    if user.is_active == active:
        return
    if by is not None and by.pk == user.pk:
        raise ValidationError(_("You cannot disable your own account."))
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(action="status", by=by, obj=user, old={"is_active": not active}, new={"is_active": active})
        if not active:
            api_token_revoke(user=user, by=by, reason="account disabled")


def user_unmask(*, by, user: User, field: str) -> str:
    """Return one personal-data field of ``user`` in clear, writing the audit row that says who saw it."""
    _require(by, "pii.unmask")
    values = {"mobile": lambda: user.mobile, "email": lambda: user.email, "id_number": lambda: user.id_number}
    if field not in values:
        raise ValidationError({"field": _("Unknown field.")})
    with transaction.atomic():
        audit_record(action="unmask", by=by, obj=user, detail=field)
    return values[field]()


def position_add(*, by, user: User, organization: Organization, title: str, started_on=None,
                 ended_on=None, is_head: bool = False) -> Position:
    """Record a post the user holds in another organisation; ``is_head`` marks the unit's head
    (单位负责人), who receives escalated urging notices."""
    _require(by, "user.manage")
    if user.is_external:
        raise ValidationError(_("An external account holds no positions: positions are for staff only."))
    _check_organization_in_scope(by, organization)
    position = Position(user=user, organization=organization, title=(title or "").strip(),
                        started_on=started_on, ended_on=ended_on, is_head=bool(is_head))
    position.full_clean()
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": _("The end date cannot be before the start date.")})
    with transaction.atomic():
        position.save()
        audit_record(action="create", by=by, obj=position, new={
            "user": user.pk, "organization": organization.pk, "title": position.title,
            "started_on": started_on, "ended_on": ended_on, "is_head": position.is_head})
    return position


def position_remove(*, by, position: Position) -> None:
    """Delete a position."""
    _require(by, "user.manage")
    with transaction.atomic():
        audit_record(action="delete", by=by, obj=position, old={
            "user": position.user_id, "organization": position.organization_id, "title": position.title})
        position.delete()


# --- roles --------------------------------------------------------------------------------------

ROLE_FIELDS = ("code", "name", "description", "permissions", "data_scope", "admin_kind", "require_totp")


def role_snapshot(role: Role) -> dict:
    data = {field: getattr(role, field) for field in ROLE_FIELDS}
    data["permissions"] = sorted(data["permissions"] or [])
    data["custom_organizations"] = sorted(role.custom_organizations.values_list("pk", flat=True)) if role.pk else []
    return data


def _check_role(role: Role, custom_organizations) -> None:
    codes = set(role.permissions or [])
    unknown = codes - set(PERMISSIONS)
    if unknown:
        raise ValidationError({"permissions": _("Unknown permission codes: %(codes)s.")
                               % {"codes": ", ".join(sorted(unknown))}})
    not_allowed = codes - codes_allowed_for(role.admin_kind)
    if not_allowed:
        kind = dict(AdminKind.choices)[role.admin_kind or AdminKind.NONE]
        raise ValidationError({"permissions": _("A role of kind “%(kind)s” cannot hold: %(perms)s.") % {
            "kind": kind, "perms": "、".join(str(PERMISSIONS[c]) for c in sorted(not_allowed))}})
    if role.data_scope == "custom" and not custom_organizations:
        raise ValidationError({"custom_organizations": _(
            "Choose at least one organisation for a custom data scope.")})


def role_create(*, by, code: str, name: str, permissions, data_scope: str, description: str = "",
                admin_kind: str = "", require_totp: bool = False, custom_organizations=()) -> Role:
    """Create a role; its codes must fit its administrator kind (三员分立)."""
    _require(by, "role.manage")
    custom_organizations = list(custom_organizations) if data_scope == "custom" else []
    role = Role(code=(code or "").strip(), name=(name or "").strip(), description=(description or "").strip(),
                permissions=sorted(set(permissions or [])), data_scope=data_scope, admin_kind=admin_kind or "",
                require_totp=require_totp)
    role.full_clean()
    _check_role(role, custom_organizations)
    with transaction.atomic():
        role.save()
        role.custom_organizations.set(custom_organizations)
        audit_record(action="create", by=by, obj=role, new=role_snapshot(role))
    return role


def role_update(*, by, role: Role, name: str, permissions, data_scope: str, description: str = "",
                code: str | None = None, admin_kind: str | None = None, require_totp: bool = False,
                custom_organizations=()) -> Role:
    """Change a role; audited as a permission change. A built-in role keeps its code and kind, and
    a role's kind can change only if no holder would then mix administrator kinds."""
    _require(by, "role.manage")
    old = role_snapshot(role)
    custom_organizations = list(custom_organizations) if data_scope == "custom" else []
    if not role.is_builtin:
        if code is not None:
            role.code = code.strip()
        if admin_kind is not None:
            role.admin_kind = admin_kind
    role.name = (name or "").strip()
    role.description = (description or "").strip()
    role.permissions = sorted(set(permissions or []))
    role.data_scope = data_scope
    role.require_totp = require_totp
    role.full_clean()
    _check_role(role, custom_organizations)
    if role.admin_kind != old["admin_kind"]:
        for holder in role.users.all():
            others = [r for r in holder.roles.all() if r.pk != role.pk]
            try:
                check_role_combination([*others, role])
            except ValidationError:
                raise ValidationError({"admin_kind": _(
                    "%(user)s holds this role together with roles of another kind; change their roles first.")
                    % {"user": holder}}) from None
    with transaction.atomic():
        role.save()
        role.custom_organizations.set(custom_organizations)
        before, after = diff_values(old, role_snapshot(role))
        if before or after:
            audit_record(action="permission", by=by, obj=role, old=before, new=after)
    return role


# --- security policy ----------------------------------------------------------------------------

POLICY_FIELDS = ("password_min_length", "password_expiry_days", "password_history", "lockout_threshold",
                 "lockout_minutes", "idle_timeout_minutes", "audit_retention_days")
AUDIT_RETENTION_FLOOR = 184


def security_policy_update(*, by, **values) -> SecurityPolicy:
    """Change the security policy (the single row pk=1, created when missing); audited."""
    _require(by, "security.manage")
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"not policy fields: {sorted(unknown)}")
    retention = values.get("audit_retention_days")
    if retention is not None and retention < AUDIT_RETENTION_FLOOR:
        raise ValidationError({"audit_retention_days": _(
            "Audit records must be kept for at least %(days)d days (six months, as the Cybersecurity Law "
            "requires).") % {"days": AUDIT_RETENTION_FLOOR}})
    with transaction.atomic():
        policy = SecurityPolicy.objects.select_for_update().filter(pk=1).first() or SecurityPolicy(pk=1)
        old = {field: getattr(policy, field) for field in POLICY_FIELDS}
        for field, value in values.items():
            setattr(policy, field, value)
        policy.full_clean()
        policy.save()
        before, after = diff_values(old, {field: getattr(policy, field) for field in POLICY_FIELDS})
        audit_record(action="security", by=by, obj=policy, object_repr=str(policy._meta.verbose_name),
                     old=before, new=after)
    return policy
