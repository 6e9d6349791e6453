"""The audit log page's filter form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditLog


class AuditFilterForm(forms.Form):
    """Filters of the audit log page. Every field is optional; dates are whole local days."""

    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("All actions"))] + list(AuditLog.Action.choices))
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64,
                                  widget=forms.TextInput(attrs={"list": "audit-object-types"}))
    object_id = forms.CharField(label=_("Object ID"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From date"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To date"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    success = forms.ChoiceField(label=_("Result"), required=False,
                                choices=[("", _("All results")), ("1", _("Succeeded")), ("0", _("Failed"))])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def search_filters(self) -> dict:
        """The cleaned values as keyword arguments for ``selectors.audit_search``."""
        data = self.cleaned_data
        success = {"1": True, "0": False}.get(data.get("success") or "")
        return {
            "username": data.get("user", "").strip(),
            "action": data.get("action", ""),
            "object_type": data.get("object_type", "").strip(),
            "object_id": data.get("object_id", "").strip(),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "success": success,
        }

    def description(self) -> dict:
        """The filters as written, for the audit row of an export (empty ones left out)."""
        if not self.is_valid():
            return {}
        return {key: value.isoformat() if hasattr(value, "isoformat") else value
                for key, value in self.search_filters().items() if value not in (None, "")}
