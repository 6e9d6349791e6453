"""People, roles with data scope, positions, the security policy and the login log."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kexie.core import crypto
from kexie.core.querysets import ScopedQuerySet
from kexie.core.masking import mask_email, mask_id_number, mask_phone
from kexie.core.validators import validate_mobile

from .permissions import AdminKind


class DataScope(models.TextChoices):
    ALL = "all", _("All data")
    ORG = "org", _("Own organisation")
    ORG_AND_BELOW = "org_and_below", _("Own organisation and below")
    SELF = "self", _("Own records only")
    CUSTOM = "custom", _("Custom set of organisations")


class Role(models.Model):
    """A named set of permission codes with a data scope. A user's roles combine as a union."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)
    data_scope = models.CharField(_("data scope"), max_length=16, choices=DataScope.choices,
                                  default=DataScope.ORG_AND_BELOW)
    custom_organizations = models.ManyToManyField("organizations.Organization", blank=True,
                                                  verbose_name=_("custom organisations"), related_name="+")
    admin_kind = models.CharField(_("administrator kind"), max_length=16, choices=AdminKind.choices,
                                  blank=True, default=AdminKind.NONE)
    require_totp = models.BooleanField(_("require a second factor (TOTP)"), default=False)
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.name

    @property
    def needs_totp(self) -> bool:
        return self.require_totp or bool(self.admin_kind)


class KexieUserManager(UserManager):
    def get_queryset(self):
        return UserQuerySet(self.model, using=self._db)

    def restrict(self, user, action: str):
        return self.get_queryset().restrict(user, action)


class UserQuerySet(ScopedQuerySet):
    pass


class UserKind(models.TextChoices):
    """Staff of the associations work in the platform; external accounts (S&T workers, enterprise
    contacts) sign up themselves or by invitation and see only their own records."""

    STAFF = "staff", _("Staff")
    EXTERNAL = "external", _("External user")


class User(AbstractUser):
    """A person who signs in. Staff belong to one organisation and may hold positions in others;
    an external account has no organisation, no role and no staff flag (a database constraint and
    the roles' m2m guard below), so no data scope reaches beyond its own records."""

    kind = models.CharField(_("kind of account"), max_length=16, choices=UserKind.choices, default=UserKind.STAFF,
                            db_index=True)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    roles = models.ManyToManyField(Role, blank=True, verbose_name=_("roles"), related_name="users")
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    # "Sign out everywhere": sessions signed in before this moment end at their next request.
    sessions_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    must_change_password = models.BooleanField(_("must change password at next login"), default=True)
    totp_secret_encrypted = models.TextField(blank=True, editable=False)
    totp_confirmed = models.BooleanField(_("second factor enrolled"), default=False)
    # The last accepted TOTP time step: a code is accepted once, so an observed code cannot be replayed.
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey("self", null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = KexieUserManager()

    scope_org_field = "organization"
    scope_owner_field = "id"

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="staff") | Q(kind="external", organization__isnull=True, is_staff=False,
                                               is_superuser=False),
                name="user_external_no_staff_rights"),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_external(self) -> bool:
        return self.kind == UserKind.EXTERNAL

    # --- personal data: stored encrypted or shown masked -------------------------------
    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted)

    def set_id_number(self, value: str) -> None:
        value = (value or "").strip().upper()
        self.id_number_encrypted = crypto.encrypt(value)
        self.id_number_digest = crypto.digest(value)

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)

    @property
    def masked_email(self) -> str:
        return mask_email(self.email)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number_encrypted else ""

    @property
    def totp_secret(self) -> str:
        return crypto.decrypt(self.totp_secret_encrypted)

    # --- permissions ------------------------------------------------------------------------
    def permission_codes(self) -> set[str]:
        """Union of the codes of every role. Cached on the instance for the request."""
        if not self.is_active or self.is_external:
            return set()
        if not hasattr(self, "_kexie_codes"):
            codes = set()
            for role in self.cached_roles():
                codes.update(role.permissions)
            self._kexie_codes = codes
        return self._kexie_codes

    def cached_roles(self) -> list[Role]:
        if self.pk is None or self.is_external:
            return []
        if not hasattr(self, "_kexie_roles"):
            self._kexie_roles = list(self.roles.all())
        return self._kexie_roles

    def has_code(self, code: str) -> bool:
        return code in self.permission_codes()

    @property
    def admin_kind(self) -> str:
        kinds = {r.admin_kind for r in self.cached_roles() if r.admin_kind}
        return next(iter(kinds)) if kinds else ""

    @property
    def needs_totp(self) -> bool:
        return any(r.needs_totp for r in self.cached_roles())


class Position(models.Model):
    """A post a user holds in an organisation other than (or besides) their own."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="positions")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                     related_name="positions", verbose_name=_("organisation"))
    title = models.CharField(_("post"), max_length=100)
    # The unit's head (单位负责人): escalated urging notices go to whoever holds such a position.
    is_head = models.BooleanField(_("head of the unit"), default=False)
    started_on = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["organization_id", "title"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return f"{self.organization} {self.title}"


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords, so that the last N cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    encoded = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class SecurityPolicy(models.Model):
    """The one row of security settings the security administrator maintains."""

    password_min_length = models.PositiveSmallIntegerField(_("minimum password length"), default=8,
                                                           validators=[MinValueValidator(8)])
    password_expiry_days = models.PositiveSmallIntegerField(_("password expires after (days)"), default=90,
                                                            validators=[MinValueValidator(1)])
    password_history = models.PositiveSmallIntegerField(_("recent passwords that cannot be reused"),
                                                        default=5, validators=[MinValueValidator(1)])
    lockout_threshold = models.PositiveSmallIntegerField(_("failed logins before lockout"), default=5,
                                                         validators=[MinValueValidator(1)])
    lockout_minutes = models.PositiveSmallIntegerField(_("lockout duration (minutes)"), default=15,
                                                       validators=[MinValueValidator(1)])
    idle_timeout_minutes = models.PositiveSmallIntegerField(_("idle session timeout (minutes)"), default=30,
                                                            validators=[MinValueValidator(1)])
    audit_retention_days = models.PositiveIntegerField(_("audit retention (days)"), default=365,
                                                       validators=[MinValueValidator(184)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("security policy")
        constraints = [
            models.CheckConstraint(condition=Q(audit_retention_days__gte=184), name="policy_retention_floor"),
            models.CheckConstraint(condition=Q(password_min_length__gte=8), name="policy_password_min_length"),
        ]

    @classmethod
    def current(cls) -> "SecurityPolicy":
        policy = cls.objects.filter(pk=1).first()
        return policy or cls(pk=1)


class LoginLog(models.Model):
    """Every sign-in attempt, sign-out and forced sign-out."""

    class Event(models.TextChoices):
        SUCCESS = "success", _("Signed in")
        BAD_PASSWORD = "bad_password", _("Wrong username or password")
        LOCKED = "locked", _("Refused: account locked")
        BAD_OTP = "bad_otp", _("Wrong second-factor code")
        INACTIVE = "inactive", _("Refused: account disabled")
        LOGOUT = "logout", _("Signed out")
        IDLE_TIMEOUT = "idle_timeout", _("Signed out after inactivity")
        UNLOCKED = "unlocked", _("Unlocked by the security administrator")

    time = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(_("username"), max_length=150, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ip = models.CharField(_("IP address"), max_length=64, blank=True, db_index=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    event = models.CharField(_("event"), max_length=16, choices=Event.choices)
    success = models.BooleanField(_("success"))

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "user__organization"
    scope_owner_field = "user"

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("login record")
        verbose_name_plural = _("login log")


class TokenUse(models.Model):
    """When an API token was last used, for its idle timeout (the security policy's, as for a
    session). Written at most once a minute per token; goes with the token."""

    token = models.OneToOneField("authtoken.Token", primary_key=True, on_delete=models.CASCADE,
                                 related_name="use")
    last_used_at = models.DateTimeField()


EXTERNAL_NO_ROLES = _("An external account cannot hold roles: roles and data scopes are for staff only.")


@receiver(m2m_changed, sender=User.roles.through)
def _external_accounts_hold_no_roles(sender, instance, action, reverse, pk_set, **kwargs):
    """Whatever the code path (a service, a form, a shell), no role reaches an external account."""
    if action != "pre_add" or not pk_set:
        return
    if not reverse:
        external = isinstance(instance, User) and instance.is_external
    else:
        external = User.objects.filter(pk__in=pk_set, kind=UserKind.EXTERNAL).exists()
    if external:
        raise ValidationError({"roles": EXTERNAL_NO_ROLES})


class Invitation(models.Model):
    """A staff member's invitation to an external person: a single-use link that expires. Only the
    token's digest is stored; the link itself is in the message sent to the address."""

    email = models.EmailField(_("e-mail"), blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    account = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("account"))

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "created_by__organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(condition=~Q(email="") | ~Q(mobile=""), name="invitation_has_address"),
        ]

    def __str__(self):
        return mask_email(self.email) if self.email else mask_phone(self.mobile)

    @property
    def masked_address(self) -> str:
        return str(self)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        return "expired" if self.expires_at <= timezone.now() else "pending"


class VerificationCode(models.Model):
    """A six-digit code sent to an e-mail address or a mobile number, to prove it belongs to whoever
    signs up or resets a password with it. The code and the address are stored as keyed digests
    (the address also encrypted, to create the account with); a code expires, allows a few wrong
    tries, and is verified once and used once."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        RESET = "reset", _("Password reset")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message")

    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    address_digest = models.CharField(max_length=64, db_index=True)
    address_encrypted = models.TextField()
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def address(self) -> str:
        return crypto.decrypt(self.address_encrypted)
