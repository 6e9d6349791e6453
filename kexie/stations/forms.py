"""Forms of the station pages. They collect and shape input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import SOCIETY_KINDS, Organization
from kexie.people.picker import PersonChoiceField, register_picker

from . import facts as station_facts
from . import selectors
from .models import ExpertLevel, Operator, StationStatus, StationType

# The search behind the expert picker: the same queryset the view gives the form.
register_picker("stations.expert", selectors.expert_choices)


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class FilterForm(forms.Form):
    """The filters above the list (GET); the same ones shape the export."""

    type = forms.ChoiceField(label=_("station type"), required=False,
                             choices=[("", pgettext_lazy("filter", "All"))] + StationType.choices)
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", pgettext_lazy("filter", "All"))] + StationStatus.choices)
    region = forms.CharField(label=_("region code"), required=False, max_length=6,
                             help_text=_("A region code or its beginning, e.g. 4101."))
    organization = OrgChoiceField(label=_("registering association"), required=False,
                                  queryset=Organization.objects.none())
    since = forms.DateField(label=_("Established from"), required=False, widget=_DateInput)
    until = forms.DateField(label=_("Established until"), required=False, widget=_DateInput)
    below = forms.BooleanField(label=_("Below threshold only"), required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()

    def filters(self) -> dict:
        """The keyword arguments of :func:`kexie.stations.selectors.stations_filtered`."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"organization": data.get("organization"), "station_type": data.get("type") or "",
                "status": data.get("status") or "", "region": (data.get("region") or "").strip(),
                "since": data.get("since"), "until": data.get("until")}

    def below_only(self) -> bool:
        return self.is_valid() and self.cleaned_data["below"]


class StationForm(forms.Form):
    organization = OrgChoiceField(label=_("registering association"), queryset=Organization.objects.none())
    type = forms.ChoiceField(label=_("station type"), choices=StationType.choices)
    name = forms.CharField(label=pgettext_lazy("station", "name"), max_length=200)
    host_unit = forms.CharField(label=_("host unit"), max_length=200)
    host_credit_code = forms.CharField(label=_("host unit credit code"), max_length=18, required=False)
    region_code = forms.CharField(label=_("region code"), max_length=6, required=False,
                                  help_text=_("Six digits; left empty: the association's region."))
    partner_society = forms.ModelChoiceField(label=_("partner society"), required=False,
                                             queryset=Organization.objects.filter(kind__in=SOCIETY_KINDS))
    agreement_start = forms.DateField(label=_("agreement starts"), required=False, widget=_DateInput)
    agreement_end = forms.DateField(label=_("agreement ends"), required=False, widget=_DateInput)
    status = forms.ChoiceField(label=_("status"), choices=StationStatus.choices)
    established_on = forms.DateField(label=_("established on"), required=False, widget=_DateInput)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    contact = forms.CharField(label=_("contact"), max_length=100, required=False)

    def __init__(self, *args, organizations, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].use_text_input_if_large()


class ExpertForm(forms.Form):
    person = PersonChoiceField(label=_("expert"), picker="stations.expert")
    level = forms.ChoiceField(label=_("expert level"), choices=ExpertLevel.choices)
    role = forms.CharField(label=_("role at the station"), max_length=100, required=False)
    joined_on = forms.DateField(label=pgettext_lazy("station", "joined on"), required=False, widget=_DateInput)

    def __init__(self, *args, persons, **kwargs):
        """``persons``: the choices, which are also what the form accepts
        (:func:`kexie.stations.selectors.expert_choices`)."""
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    demands_collected = forms.IntegerField(label=_("demands collected"), min_value=0)
    activities = forms.IntegerField(label=_("activities held"), min_value=0)
    people_served = forms.IntegerField(label=_("people served"), min_value=0)
    achievements = forms.CharField(label=_("achievements"), required=False, max_length=5000, widget=forms.Textarea)


class EvaluateForm(forms.Form):
    """The reviewer's points for each judged indicator of the station rubric (one field each)."""

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            self.fields[indicator.code] = forms.DecimalField(
                label=f"{indicator.name}：0–{indicator.max_points}", min_value=0, max_value=indicator.max_points,
                decimal_places=2)


class RuleForm(forms.Form):
    fact = forms.ChoiceField(label=_("fact"), choices=())
    operator = forms.ChoiceField(label=_("operator"), choices=Operator.choices, initial=Operator.GTE)
    threshold = forms.DecimalField(label=_("threshold"), min_value=0, max_digits=10, decimal_places=2)
    message = forms.CharField(label=_("message when not met"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = station_facts.fact_choices()
