"""Forms for accounts. They parse and check input; the services do the rest and may add errors."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kexie.core.forms import AnonymousForm, keep_masked
from kexie.core.masking import mask_email, mask_phone
from kexie.organizations.forms import OrgChoiceField, OrgMultipleChoiceField
from kexie.organizations.models import Organization

from .models import DataScope, LoginLog, Role
from .permissions import PERMISSIONS, AdminKind


class LoginForm(AnonymousForm):
    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("External users: your e-mail address or mobile number."),
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean_username(self):
        # External accounts sign in with their e-mail address, stored in lower case.
        value = self.cleaned_data["username"].strip()
        return value.lower() if "@" in value else value


# --- public users: sign-up, codes, password reset, invitations ---------------------------------

PASSWORD_HELP = _("At least 8 characters with three of: lower-case letters, upper-case letters, digits and "
                  "symbols; not one of your recent passwords.")


class AddressForm(AnonymousForm):
    """An e-mail address or a mobile number to send a code to."""

    address = forms.CharField(label=_("E-mail or mobile number"), max_length=254,
                              widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email"}))

    def __init__(self, *args, sms_enabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sms_enabled:
            self.fields["address"].label = _("E-mail")
            self.fields["address"].help_text = _("Text messages are not available on this installation: use an "
                                                 "e-mail address.")

    def clean_address(self):
        from .public import parse_address

        return parse_address(self.cleaned_data["address"])[1]


class CodeForm(AnonymousForm):
    code = forms.CharField(label=_("Verification code"), max_length=8,
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}))


class NewPasswordMixin:
    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords do not match."))
        return data


class AccountDetailsForm(NewPasswordMixin, AnonymousForm):
    """What a new external account chooses: the name shown to staff, and the password."""

    full_name = forms.CharField(label=_("Full name"), max_length=50,
                                widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "name"}))
    password1 = forms.CharField(label=_("Password"), strip=False, help_text=PASSWORD_HELP,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class ResetConfirmForm(NewPasswordMixin, AnonymousForm):
    code = CodeForm.base_fields["code"]
    password1 = forms.CharField(label=_("New password"), strip=False, help_text=PASSWORD_HELP,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("New password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class InvitationForm(forms.Form):
    address = forms.CharField(label=_("E-mail or mobile number"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=50, required=False)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label=_("New password"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _(
            "At least 8 characters with three of: lower-case letters, upper-case letters, digits and symbols; "
            "not one of your recent passwords.")

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise ValidationError(_("The current password is wrong."))
        return value

    def clean(self):
        data = super().clean()
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("The two new passwords do not match."))
        return data


class OTPForm(forms.Form):
    code = forms.CharField(label=_("Six-digit code"), max_length=8,
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}))


# The one organisation picker (searchable, labelled by full path) serves the account forms too.
OrganizationChoiceField = OrgChoiceField
OrganizationMultipleChoiceField = OrgMultipleChoiceField


CHOOSE = _("Choose…")


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, username or organisation"), required=False)
    organization = OrganizationChoiceField(label=_("Organisation (and below)"), required=False, queryset=None,
                                          empty_label=_("All"))
    role = forms.ModelChoiceField(label=_("Role"), required=False, queryset=Role.objects.all(), empty_label=_("All"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.restrict(user, "user.view")


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    organization = OrganizationChoiceField(label=_("Organisation"), queryset=None, empty_label=CHOOSE)
    roles = forms.ModelMultipleChoiceField(label=_("Assigned roles"), queryset=Role.objects.all(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    mobile = forms.CharField(label=_("Mobile"), max_length=11, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    id_number = forms.CharField(label=_("ID card number"), max_length=18, required=False)

    def __init__(self, by, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.restrict(by, "user.manage")
        if editing:
            del self.fields["username"]
            self.fields["id_number"].help_text = _("Leave blank to keep the stored number.")
            keep_masked(self, {"mobile": self.initial.get("mobile"), "email": self.initial.get("email")},
                        {"mobile": mask_phone, "email": mask_email})


class PositionForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Organisation"), queryset=None, empty_label=CHOOSE)
    title = forms.CharField(label=_("Post"), max_length=100)
    started_on = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ended_on = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    is_head = forms.BooleanField(label=_("Head of the unit"), required=False)

    def __init__(self, by, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.restrict(by, "user.manage")


# Permission checkboxes are shown in these groups, by code prefix.
PERMISSION_GROUPS = [
    (_("Organisations"), "org."),
    (_("People"), ("user.view", "user.manage", "role.manage", "pii.unmask")),
    (_("Security"), ("security.manage", "user.unlock", "loginlog.view")),
    (_("Audit"), ("audit.",)),
]


def grouped_permissions(selected=()):
    """[(group label, [(code, label, checked), ...]), ...] for the role form."""
    groups, seen = [], set()
    for label, match in PERMISSION_GROUPS:
        match = (match,) if isinstance(match, str) else match
        items = [(code, PERMISSIONS[code], code in selected) for code in PERMISSIONS
                 if code not in seen and any(code == m or (m.endswith(".") and code.startswith(m)) for m in match)]
        seen.update(code for code, _label, _checked in items)
        groups.append((label, items))
    rest = [(code, PERMISSIONS[code], code in selected) for code in PERMISSIONS if code not in seen]
    if rest:
        groups.append((_("Other"), rest))
    return groups


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(label=_("Code"), max_length=50,
                           help_text=_("Letters, digits, underscores and hyphens, e.g. city_clerk."))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    admin_kind = forms.ChoiceField(label=_("Administrator kind"), choices=AdminKind.choices, required=False)
    permissions = forms.MultipleChoiceField(label=_("Permissions"), required=False,
                                            choices=[(code, label) for code, label in PERMISSIONS.items()],
                                            widget=forms.CheckboxSelectMultiple)
    data_scope = forms.ChoiceField(label=_("Data scope"), choices=DataScope.choices)
    custom_organizations = OrganizationMultipleChoiceField(
        label=_("Custom organisations"), required=False, queryset=Organization.objects.all(),
        help_text=_("Only for the custom data scope."))
    require_totp = forms.BooleanField(label=_("Require a second factor (TOTP)"), required=False)

    def __init__(self, *args, role=None, **kwargs):
        super().__init__(*args, **kwargs)
        if role is not None and role.is_builtin:
            # A built-in role keeps its code and kind: other code and the migrations refer to them.
            for name in ("code", "admin_kind"):
                self.fields[name].disabled = True
                self.fields[name].required = False


class SecurityPolicyForm(forms.Form):
    """The policy's fields. The audit-retention floor is checked by the service, which says why."""

    password_min_length = forms.IntegerField(label=_("Minimum password length"), min_value=8, max_value=64)
    password_expiry_days = forms.IntegerField(label=_("Password expires after (days)"), min_value=1,
                                              max_value=3650)
    password_history = forms.IntegerField(label=_("Recent passwords that cannot be reused"), min_value=1,
                                          max_value=24)
    lockout_threshold = forms.IntegerField(label=_("Failed logins before lockout"), min_value=1, max_value=100)
    lockout_minutes = forms.IntegerField(label=_("Lockout duration (minutes)"), min_value=1, max_value=1440)
    idle_timeout_minutes = forms.IntegerField(label=_("Idle session timeout (minutes)"), min_value=1,
                                              max_value=720)
    audit_retention_days = forms.IntegerField(label=_("Audit retention (days)"), min_value=1, max_value=36500,
                                              help_text=_("At least 184 days (six months)."))


class LoginLogFilterForm(forms.Form):
    username = forms.CharField(label=_("Username"), required=False)
    ip = forms.CharField(label=_("IP address"), required=False)
    success = forms.TypedChoiceField(label=_("Result"), required=False, empty_value=None,
                                     coerce=lambda value: value == "1",
                                     choices=[("", _("All")), ("1", _("Succeeded")), ("0", _("Failed"))])
    event = forms.ChoiceField(label=_("Event"), required=False, choices=[("", _("All")), *LoginLog.Event.choices])
    date_from = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
