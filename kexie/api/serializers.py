"""API representations. Reads are model serializers; writes validate input and hand it to the
services, which do the work in one transaction with its audit row."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kexie.accounts.models import LoginLog, Role, User
from kexie.accounts.scope import scope_q
from kexie.audit.models import AuditLog
from kexie.core.masking import mask_email, mask_phone, mask_text
from kexie.organizations.models import Organization, OrgStatus
from kexie.organizations.services import EDITABLE_FIELDS

from .filters import BIGINT


class DatabaseIntegerField(serializers.IntegerField):
    """A whole number the database can hold (an id, an offset): beyond 64 bits it is a 400 naming
    the field, never a query (SQLite refuses such a number with a server error)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -BIGINT)
        kwargs.setdefault("max_value", BIGINT)
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An object chosen by id among those the requesting user may ``code`` (the scope choke point).

    An id outside the scope gets the same answer as an id that does not exist.
    """

    model = None

    def __init__(self, *, code: str, **kwargs):
        self.code = code
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.model.objects.none()
        return self.model.objects.restrict(request.user, self.code)


class ScopedOrganizationField(ScopedPrimaryKeyField):
    model = Organization


# --- organisations ------------------------------------------------------------------------------

# The contact's phone and e-mail are often a person's own: the API shows them masked, as the
# organisation page does, so the schema calls them strings (a masked address is no e-mail address).
ORGANIZATION_MASKS = {"contact_phone": mask_phone, "contact_email": mask_email}


class OrganizationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)
    contact_phone = serializers.SerializerMethodField(label=_("contact phone"), help_text=_(
        "Masked (139****5678); empty when none is recorded."))
    contact_email = serializers.SerializerMethodField(label=_("contact e-mail"), help_text=_(
        "Masked (o***@example.cn), so not an address to write to; empty when none is recorded."))

    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "aliases", "kind", "kind_display", "parent", "depth",
                  "credit_code", "region_code", "contact_person", "contact_phone", "contact_email",
                  "address", "status", "status_display", "founded_on", "sort_order", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def get_contact_phone(self, org) -> str:
        return mask_phone(org.contact_phone)

    def get_contact_email(self, org) -> str:
        return mask_email(org.contact_email)


class OrganizationListSerializer(OrganizationSerializer):
    """An organisation in a list (the same fields, under their own name in the schema)."""


class OrganizationWriteSerializer(serializers.ModelSerializer):
    """The editable fields of an organisation; the database constraints are checked by the
    service's ``full_clean()`` so that every message comes from one place."""

    aliases = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                    label=_("aliases"))

    class Meta:
        model = Organization
        fields = list(EDITABLE_FIELDS)
        validators = []  # uniqueness is the model's job (full_clean in the service)
        extra_kwargs = {name: {"help_text": _("Sent back as shown (masked), it keeps the stored value.")}
                        for name in ORGANIZATION_MASKS}

    def to_internal_value(self, data):
        # A client that reads an organisation and sends it back sends its contact masked: that keeps
        # the stored value instead of storing the mask (as the organisation form does).
        if self.instance is not None and hasattr(data, "copy"):
            data = data.copy()  # a dict, or a form's QueryDict (where setting a key replaces its values)
            for name, mask in ORGANIZATION_MASKS.items():
                stored = getattr(self.instance, name)
                if stored and data.get(name) == mask(stored):
                    data[name] = stored
        return super().to_internal_value(data)

    def validate(self, attrs):
        # A field that cannot be written here is refused rather than silently dropped, so that
        # a client sending {"status": ...} learns it has to use the status action.
        elsewhere = {"parent": _("Use the move action to change the parent organisation."),
                     "status": _("Use the status action to change the status.")}
        unknown = [key for key in getattr(self, "initial_data", {}) if key not in self.fields]
        if unknown:
            raise serializers.ValidationError(
                {key: elsewhere.get(key, _("This field cannot be set here.")) for key in unknown})
        return attrs


class OrganizationCreateSerializer(OrganizationWriteSerializer):
    parent = ScopedOrganizationField(code="org.add", allow_null=True, label=_("parent organisation"))

    class Meta(OrganizationWriteSerializer.Meta):
        fields = ["parent", *EDITABLE_FIELDS]
        extra_kwargs = {}  # nothing is stored yet, so nothing is shown masked

    def validate_parent(self, parent):
        if parent is None:
            # Only a user whose scope for org.add is everything may add a top-level organisation.
            user = self.context["request"].user
            q = scope_q(user, "org.add", org_field="id", owner_field="created_by")
            if q is None or q.children:
                raise serializers.ValidationError(_("Choose the parent organisation."))
        return parent


class OrganizationMoveSerializer(serializers.Serializer):
    parent = ScopedOrganizationField(code="org.move", allow_null=True, label=_("new parent organisation"))

    def validate_parent(self, parent):
        if parent is None:
            user = self.context["request"].user
            q = scope_q(user, "org.move", org_field="id", owner_field="created_by")
            if q is None or q.children:
                raise serializers.ValidationError(_("Choose the new parent organisation."))
        return parent


class OrganizationStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrgStatus.choices, label=_("status"))
    reason = serializers.CharField(max_length=300, allow_blank=True, required=False, default="",
                                   label=_("reason"))


# --- people -------------------------------------------------------------------------------------

class UserSerializer(serializers.ModelSerializer):
    """A user with personal data masked; the plaintext is only returned by ``unmask``."""

    mobile = serializers.CharField(source="masked_mobile", read_only=True, label=_("mobile"))
    email = serializers.CharField(source="masked_email", read_only=True, label=_("e-mail"))
    id_number = serializers.CharField(source="masked_id_number", read_only=True, label=_("ID card number"))
    organization_name = serializers.CharField(source="organization.name", read_only=True, default="")

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "organization", "organization_name", "mobile", "email",
                  "id_number", "is_active", "roles", "last_login", "date_joined"]
        read_only_fields = fields


UNMASKABLE = [("mobile", _("mobile")), ("email", _("e-mail")), ("id_number", _("ID card number"))]


class UnmaskRequestSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=UNMASKABLE, label=_("field"))


class UnmaskedSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=UNMASKABLE)
    value = serializers.CharField()


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "code", "name", "description", "permissions", "data_scope", "custom_organizations",
                  "admin_kind", "require_totp", "is_builtin"]
        read_only_fields = fields

    permissions = serializers.ListField(child=serializers.CharField(), read_only=True)


class RoleScopeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["code", "name", "data_scope", "custom_organizations"]
        read_only_fields = fields


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True, allow_null=True)
    permissions = serializers.SerializerMethodField()
    roles = RoleScopeSerializer(source="cached_roles", many=True, read_only=True)
    admin_kind = serializers.CharField(read_only=True)
    needs_totp = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "organization", "permissions", "roles", "admin_kind",
                  "needs_totp", "must_change_password"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_permissions(self, user) -> list[str]:
        return sorted(user.permission_codes())


# --- logs ---------------------------------------------------------------------------------------

def mask_values(value):
    """Recorded values with every mobile number, ID number and e-mail address masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_values(item) for item in value]
    return value


class MaskedTextField(serializers.CharField):
    def to_representation(self, value):
        return mask_text(super().to_representation(value))


@extend_schema_field(OpenApiTypes.ANY)
class MaskedJSONField(serializers.JSONField):
    def to_representation(self, value):
        return mask_values(value)


class AuditLogSerializer(serializers.ModelSerializer):
    """An audit row as stored, except that personal data inside it is masked on the way out
    (the stored row is never changed: its hash must keep matching)."""

    username = MaskedTextField(read_only=True)
    object_repr = MaskedTextField(read_only=True)
    detail = MaskedTextField(read_only=True)
    old_values = MaskedJSONField(read_only=True, allow_null=True)
    new_values = MaskedJSONField(read_only=True, allow_null=True)

    class Meta:
        model = AuditLog
        fields = ["id", "time", "user_id", "username", "organization_id", "organization_name", "ip", "action",
                  "object_type", "object_id", "object_repr", "old_values", "new_values", "success", "detail",
                  "alg", "prev_hash", "hash"]
        read_only_fields = fields


class LoginLogSerializer(serializers.ModelSerializer):
    # A username may be a mobile number or an e-mail address.
    username = MaskedTextField(read_only=True)

    class Meta:
        model = LoginLog
        fields = ["id", "time", "username", "user", "ip", "user_agent", "event", "success"]
        read_only_fields = fields


# --- tokens -------------------------------------------------------------------------------------

class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, label=_("username"))
    password = serializers.CharField(max_length=128, trim_whitespace=False, label=_("password"),
                                     style={"input_type": "password"})
    otp = serializers.CharField(max_length=10, required=False, allow_blank=True, default="",
                                label=_("second-factor code"))


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()

