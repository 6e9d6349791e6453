"""Forms of the society registry and the annual reports. They collect input; the services decide."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import ASSOCIATION_KINDS, Organization, OrgKind, OrgStatus

from .models import (
    AnnualInspection,
    Discipline,
    GoverningBody,
    Journal,
    MemberRecord,
    ReportYear,
    SocietyProfile,
)
from .services import PROFILE_FIELDS, REPORT_VALUE_FIELDS

SOCIETY_KIND_CHOICES = [(k, OrgKind(k).label) for k in (OrgKind.NATIONAL_SOCIETY, OrgKind.PROVINCIAL_SOCIETY,
                                                         OrgKind.CITY_SOCIETY)]


class SocietyFilterForm(forms.Form):
    """The search form above the society list (GET)."""

    q = forms.CharField(label=pgettext_lazy("society filter", "Keywords"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, short name, alias or pinyin")}))
    discipline = forms.ChoiceField(label=_("discipline group"), required=False,
                                   choices=[("", _("All discipline groups")), *Discipline.choices])
    status = forms.ChoiceField(label=pgettext_lazy("society filter", "Status"), required=False,
                               choices=[("", _("All statuses")), *OrgStatus.choices])
    supervising = forms.CharField(label=_("supervising body"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Council term overdue only"), required=False)

    def description(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: str(value) for key, value in self.cleaned_data.items() if value}


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if isinstance(value, dt.date) else value


class ProfileForm(forms.ModelForm):
    supervising_body = OrgChoiceField(label=_("supervising body"), required=False, queryset=Organization.objects.none())

    class Meta:
        model = SocietyProfile
        fields = list(PROFILE_FIELDS)
        widgets = {"registered_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervising_body"].queryset = Organization.objects.filter(
            kind__in=ASSOCIATION_KINDS).order_by("depth", "name")
        self.fields["supervising_body"].use_text_input_if_large()

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}


class NewSocietyForm(ProfileForm):
    """A society organisation and its profile, created together."""

    name = forms.CharField(label=_("Society name"), max_length=200)
    short_name = forms.CharField(label=pgettext_lazy("society", "Short name"), max_length=100, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    kind = forms.ChoiceField(label=pgettext_lazy("society", "Kind"), choices=SOCIETY_KIND_CHOICES)
    parent = OrgChoiceField(label=_("Association it belongs to"), queryset=Organization.objects.none())

    field_order = ["name", "short_name", "credit_code", "kind", "parent"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organization.objects.restrict(user, "org.add").filter(
            kind__in=ASSOCIATION_KINDS).order_by("depth", "name")
        self.fields["parent"].use_text_input_if_large()


class TermForm(forms.ModelForm):
    members = forms.CharField(
        label=_("Members"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line: name, post, employer (separated by spaces or commas)."))

    class Meta:
        model = GoverningBody
        fields = ["kind", "term_number", "elected_on", "term_ends_on", "size"]
        widgets = {"elected_on": DateInput(), "term_ends_on": DateInput()}

    def clean_members(self):
        members = []
        for number, line in enumerate(self.cleaned_data["members"].splitlines(), start=1):
            parts = [p for p in line.replace("，", ",").replace(",", " ").replace("、", " ").split() if p]
            if not parts:
                continue
            if len(parts) < 2:
                raise forms.ValidationError(_("Line %(number)d: give at least a name and a post.")
                                            % {"number": number})
            members.append({"name": parts[0], "post": parts[1], "affiliation": " ".join(parts[2:])})
        return members


class JournalForm(forms.ModelForm):
    class Meta:
        model = Journal
        fields = ["title", "issn", "cn", "indexed_in"]


class MemberForm(forms.ModelForm):
    class Meta:
        model = MemberRecord
        fields = ["kind", "name", "member_number", "joined_on"]
        widgets = {"joined_on": DateInput()}


class InspectionForm(forms.ModelForm):
    class Meta:
        model = AnnualInspection
        fields = ["year", "result", "note"]


class ReachableForm(forms.Form):
    reachable = forms.TypedChoiceField(label=_("reachable"), coerce=lambda v: v == "1",
                                       choices=[("1", _("Reachable")), ("0", _("Unreachable"))])
    since = forms.DateField(label=_("unreachable since"), required=False, widget=DateInput())
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class RoundForm(forms.ModelForm):
    class Meta:
        model = ReportYear
        fields = ["year", "due_on"]
        widgets = {"due_on": DateInput()}


# The report form's fieldsets (业务工作 / 会员 / 财务 / 内部治理).
REPORT_FIELDSETS = [
    (_("Activities"), ["academic_events", "academic_participants", "popsci_events", "popsci_audience",
                       "consulting_projects", "policy_proposals", "proposals_adopted", "awards",
                       "journals_published", "standards_drafted"]),
    (pgettext_lazy("report fieldset", "Members"), ["individual_members", "group_members", "new_members"]),
    (_("Finances"), ["income", "expenditure"]),
    (_("Internal governance"), ["council_meetings", "standing_council_meetings", "supervisory_meetings",
                                "narrative"]),
]


class ReportForm(forms.ModelForm):
    """Every value may be left empty in a draft; the service checks completeness on submission."""

    class Meta:
        from .models import AnnualReport

        model = AnnualReport
        fields = list(REPORT_VALUE_FIELDS)
        widgets = {"narrative": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, registry: dict | None = None, **kwargs):
        """``registry``: values counted from the platform's registries (the activity counts of the
        society's subtree for the year), pre-filled where the report has no value yet and noted
        under the field; the value stays editable."""
        registry = registry or {}
        instance = kwargs.get("instance")
        initial = dict(kwargs.pop("initial", None) or {})
        for name, value in registry.items():
            if instance is None or getattr(instance, name, None) is None:
                initial.setdefault(name, value)
        super().__init__(*args, initial=initial, **kwargs)
        for field in self.fields.values():
            field.required = False
        for name, value in registry.items():
            if name in self.fields:
                self.fields[name].help_text = _("From the activity registry: %(n)s") % {"n": value}

    def fieldsets(self):
        return [(title, [self[name] for name in names]) for title, names in REPORT_FIELDSETS]

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in REPORT_VALUE_FIELDS}


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("reason for return"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class ReportImportForm(forms.Form):
    year = forms.IntegerField(label=_("Report year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))
