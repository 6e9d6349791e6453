"""Forms of the plan pages. They collect and shape input; documents.py parses, services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kexie.core.forms import apply_service_errors
from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization

from .documents import parse_pasted_text, parse_uploaded_document
from .models import ItemKind, PlanStatus

__all__ = ["PlanFilterForm", "DocumentForm", "MetadataForm", "UnitMappingForm", "apply_service_errors"]


class PlanFilterForm(forms.Form):
    """The search form above the plan list (GET)."""

    q = forms.CharField(label=_("Keywords"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Title, issuer or document number")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *PlanStatus.choices])


class DocumentForm(forms.Form):
    """A plan document, uploaded as a file or pasted as text, parsed on validation.

    With ``organizations`` the owning organisation is chosen too (a new plan); without it the
    form is a revision of an existing plan, whose organisation is fixed.
    """

    file = forms.FileField(label=_("Document file"), required=False,
                           help_text=_(".txt, .docx, .xlsx, .pdf (with a text layer), .html or .md; at most 20 MB. "
                                       "Task-division tables in the document or its attachment are read too."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.xlsx,.pdf,.html,.htm,.md"}))
    text = forms.CharField(label=_("Or paste the text"), required=False, max_length=2_000_000,
                           widget=forms.Textarea(attrs={"rows": 12}))
    organization = OrgChoiceField(label=_("Owning organisation"), queryset=Organization.objects.none(),
                                  required=True)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].use_text_input_if_large()
        self.source_text = ""
        self.parsed = None

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "")
        if upload and text.strip():
            raise ValidationError(_("Upload a file or paste text, not both."))
        if not upload and not text.strip():
            if "file" not in self.errors:
                self.add_error("file", _("Choose a document file or paste its text."))
            return data
        try:
            if upload:
                self.source_text, self.parsed = parse_uploaded_document(upload, field="file")
            else:
                self.source_text, self.parsed = parse_pasted_text(text, field="text")
        except ValidationError as error:
            apply_service_errors(self, error)
        return data


class MetadataForm(forms.Form):
    """The plan's title, issuer, number, date and period as the reviewer corrects them."""

    title = forms.CharField(label=_("Plan title"), max_length=300)
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    doc_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period_start = forms.DateField(label=_("Period start"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period_end = forms.DateField(label=_("Period end"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    @classmethod
    def initial_from(cls, parsed: dict) -> dict:
        period = parsed.get("period") or {}
        return {"title": parsed.get("title") or "", "issuer": parsed.get("issuer") or "",
                "doc_number": parsed.get("doc_number") or "", "issued_on": parsed.get("issued_on"),
                "period_start": period.get("start"), "period_end": period.get("end")}


class UnitMappingForm(forms.Form):
    """One unit string mapped to an organisation in scope, or explicitly left unassigned."""

    unit = forms.CharField(max_length=200)
    organization = OrgChoiceField(label=_("Organisation"), queryset=Organization.objects.none(), required=False,
                                  empty_label=_("Choose an organisation"))
    unassigned = forms.BooleanField(required=False)

    def __init__(self, *args, organizations, first=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].first = first  # the plan owner's own departments lead the list
        self.fields["organization"].use_text_input_if_large()

    def clean(self):
        data = super().clean()
        if not data.get("unassigned") and not data.get("organization") and "organization" not in self.errors:
            self.add_error("organization", _("Choose an organisation, or leave the unit unassigned."))
        return data


KIND_CHOICES = ItemKind.choices
