"""Forms of the activity pages. They collect and shape input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization
from kexie.people.picker import PersonMultipleChoiceField, register_picker

from . import selectors
from .models import ActivityCampaign, ActivityKind, ActivityStatus, CampaignKind, Setting

# The search behind the experts picker: the same queryset the view gives the form.
register_picker("activities.expert", selectors.expert_choices)

_ALL = [("", pgettext_lazy("filter", "All"))]


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class FilterForm(forms.Form):
    """The filters above the list (GET); the same ones shape the export."""

    kind = forms.ChoiceField(label=_("activity kind"), required=False, choices=_ALL + ActivityKind.choices)
    status = forms.ChoiceField(label=_("status"), required=False, choices=_ALL + ActivityStatus.choices)
    campaign = forms.ModelChoiceField(label=pgettext_lazy("activity", "campaign"), required=False,
                                      queryset=ActivityCampaign.objects.none())
    region = forms.CharField(label=_("region code"), required=False, max_length=6,
                             help_text=_("A region code or its beginning, e.g. 4101."))
    organization = OrgChoiceField(label=_("host (with its subtree)"), required=False,
                                  queryset=Organization.objects.none())
    since = forms.DateField(label=_("Starting from"), required=False, widget=_DateInput)
    until = forms.DateField(label=_("Starting until"), required=False, widget=_DateInput)

    def __init__(self, *args, organizations, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()
        self.fields["campaign"].queryset = campaigns

    def filters(self) -> dict:
        """The keyword arguments of :func:`kexie.activities.selectors.activities_filtered`."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"organization": data.get("organization"), "kind": data.get("kind") or "",
                "campaign": data.get("campaign"), "status": data.get("status") or "",
                "region": (data.get("region") or "").strip(), "since": data.get("since"),
                "until": data.get("until")}


class RollupForm(forms.Form):
    """The rollup page's organisation, period and campaign (GET); the export takes the same."""

    org = OrgChoiceField(label=_("organisation"), required=False, queryset=Organization.objects.none())
    campaign = forms.ModelChoiceField(label=pgettext_lazy("activity", "campaign"), required=False,
                                      queryset=ActivityCampaign.objects.none())
    since = forms.DateField(label=_("Starting from"), required=False, widget=_DateInput)
    until = forms.DateField(label=_("Starting until"), required=False, widget=_DateInput)

    def __init__(self, *args, organizations, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = organizations
        self.fields["org"].use_text_input_if_large()
        self.fields["campaign"].queryset = campaigns


class ActivityForm(forms.Form):
    organization = OrgChoiceField(label=_("host"), queryset=Organization.objects.none())
    co_hosts = forms.ModelMultipleChoiceField(label=_("co-hosts"), required=False,
                                              queryset=Organization.objects.all(),
                                              widget=forms.SelectMultiple(attrs={"size": 6}))
    kind = forms.ChoiceField(label=_("activity kind"), choices=ActivityKind.choices)
    setting = forms.ChoiceField(label=_("setting"), required=False, choices=[("", "—")] + Setting.choices)
    campaign = forms.ModelChoiceField(label=pgettext_lazy("activity", "campaign"), required=False,
                                      queryset=ActivityCampaign.objects.none())
    title = forms.CharField(label=_("title"), max_length=200)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    region_code = forms.CharField(label=_("region code"), max_length=6, required=False,
                                  help_text=_("Six digits; left empty: the host's region."))
    starts_on = forms.DateField(label=_("starts on"), widget=_DateInput)
    ends_on = forms.DateField(label=_("ends on"), widget=_DateInput)
    audience = forms.IntegerField(label=_("audience (attendances)"), min_value=0, initial=0)
    online_views = forms.IntegerField(label=_("online views"), min_value=0, required=False)
    staff_involved = forms.IntegerField(label=_("S&T workers involved"), min_value=0, initial=0)
    experts = PersonMultipleChoiceField(label=_("experts"), required=False, picker="activities.expert")
    outputs = forms.CharField(label=_("outputs"), required=False, max_length=5000, widget=forms.Textarea)
    status = forms.ChoiceField(label=_("status"), choices=[
        (ActivityStatus.PLANNED, ActivityStatus.PLANNED.label), (ActivityStatus.HELD, ActivityStatus.HELD.label)])

    def __init__(self, *args, organizations, campaigns, persons, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organization"]
            del self.fields["status"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].use_text_input_if_large()
        self.fields["campaign"].queryset = campaigns
        self.fields["experts"].queryset = persons


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=300)


class HeldForm(forms.Form):
    audience = forms.IntegerField(label=_("actual audience (attendances)"), min_value=0)
    online_views = forms.IntegerField(label=_("online views"), min_value=0, required=False)


class CampaignForm(forms.Form):
    organization = OrgChoiceField(label=_("launched by"), queryset=Organization.objects.none())
    name = forms.CharField(label=pgettext_lazy("campaign", "name"), max_length=200)
    kind = forms.ChoiceField(label=pgettext_lazy("activity", "campaign kind"), choices=CampaignKind.choices)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    starts_on = forms.DateField(label=_("starts on"), required=False, widget=_DateInput)
    ends_on = forms.DateField(label=_("ends on"), required=False, widget=_DateInput)

    def __init__(self, *args, organizations, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].use_text_input_if_large()
