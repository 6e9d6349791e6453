"""Forms of the volunteer pages. They collect and shape input; the services decide."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization
from kexie.people.picker import PersonChoiceField, register_picker

from . import selectors
from .models import HoursStatus, Opportunity, TeamLevel, VolunteerTeam

# The search behind the person pickers: the same queryset the view gives the form.
register_picker("volunteers.person", selectors.person_choices)


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _datetime_field(label, **kwargs):
    return forms.DateTimeField(label=label, widget=_DateTimeInput,
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"], **kwargs)


class TeamForm(forms.Form):
    organization = OrgChoiceField(label=_("organisation"), queryset=Organization.objects.none())
    name = forms.CharField(label=pgettext_lazy("team", "name"), max_length=200)
    level = forms.ChoiceField(label=_("team level"), choices=TeamLevel.choices)
    parent = forms.ModelChoiceField(label=_("parent team"), required=False, queryset=VolunteerTeam.objects.none())
    leader = PersonChoiceField(label=_("team leader"), required=False, picker="volunteers.person")
    founded_on = forms.DateField(label=_("founded on"), required=False, widget=_DateInput)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, organizations, teams, persons, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].use_text_input_if_large()
        self.fields["parent"].queryset = teams
        self.fields["leader"].queryset = persons


class MemberForm(forms.Form):
    person = PersonChoiceField(label=_("volunteer"), picker="volunteers.person")
    joined_on = forms.DateField(label=pgettext_lazy("team member", "joined on"), required=False, widget=_DateInput)
    skills = forms.CharField(label=_("skills"), required=False, max_length=2000)
    service_areas = forms.CharField(label=_("service areas"), required=False, max_length=2000)

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons


ROLE_LINE = re.compile(r"^(?P<name>.+?)[\s×xX*：:，,]+(?P<slots>\d+)\s*人?$")


class OpportunityForm(forms.Form):
    organization = OrgChoiceField(label=_("organisation"), queryset=Organization.objects.none())
    team = forms.ModelChoiceField(label=_("volunteer team"), required=False, queryset=VolunteerTeam.objects.none())
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), required=False, max_length=5000, widget=forms.Textarea)
    place = forms.CharField(label=_("place"), required=False, max_length=200)
    starts_at = _datetime_field(_("starts at"))
    ends_at = _datetime_field(_("ends at"))
    activity = forms.ModelChoiceField(label=_("activity"), required=False, queryset=Opportunity.objects.none())
    roles = forms.CharField(label=_("roles and slots"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("One role a line with its number of slots, e.g. “讲解员 5”."))

    def __init__(self, *args, organizations, teams, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()
        self.fields["team"].queryset = teams
        self.fields["activity"].queryset = activities

    def clean_roles(self):
        pairs = []
        for line in self.cleaned_data["roles"].splitlines():
            line = line.strip()
            if not line:
                continue
            match = ROLE_LINE.match(line)
            if match is None:
                raise forms.ValidationError(_("Write each role as its name and number of slots, e.g. “讲解员 5”."))
            pairs.append((match["name"].strip(), int(match["slots"])))
        return pairs


class RoleForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("volunteer role", "role"), max_length=100)
    slots = forms.IntegerField(label=_("slots"), min_value=1, max_value=10000)


class SignUpAddForm(forms.Form):
    role = forms.ModelChoiceField(label=pgettext_lazy("volunteer role", "role"), queryset=Opportunity.objects.none())
    person = PersonChoiceField(label=_("volunteer"), picker="volunteers.person")

    def __init__(self, *args, roles, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles
        self.fields["person"].queryset = persons


class CheckForm(forms.Form):
    at = _datetime_field(_("time"), required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("approve", pgettext_lazy("hours", "Approve")),
                                                               ("return", pgettext_lazy("hours", "Return"))])
    reason = forms.CharField(label=_("reason for returning"), required=False, max_length=300)


class ReportForm(forms.Form):
    """The hours report's filters and grouping (GET); the export takes the same."""

    group = forms.ChoiceField(label=_("group by"), required=False, choices=[
        ("volunteer", _("volunteer")), ("team", _("volunteer team")), ("organization", _("organisation"))])
    org = OrgChoiceField(label=_("organisation (with its subtree)"), required=False,
                         queryset=Organization.objects.none())
    team = forms.ModelChoiceField(label=_("team (with its sub-teams)"), required=False,
                                  queryset=VolunteerTeam.objects.none())
    person = PersonChoiceField(label=_("volunteer"), required=False, picker="volunteers.person")
    since = forms.DateField(label=_("Served from"), required=False, widget=_DateInput)
    until = forms.DateField(label=_("Served until"), required=False, widget=_DateInput)

    def __init__(self, *args, organizations, teams, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = organizations
        self.fields["org"].use_text_input_if_large()
        self.fields["team"].queryset = teams
        self.fields["person"].queryset = persons


class HoursFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", pgettext_lazy("filter", "All"))] + HoursStatus.choices)


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("Served from"), required=False, widget=_DateInput)
    until = forms.DateField(label=_("Served until"), required=False, widget=_DateInput)


class MyReportForm(forms.Form):
    served_on = forms.DateField(label=_("served on"), widget=_DateInput)
    hours = forms.DecimalField(label=_("hours"), min_value=0.5, max_value=100, decimal_places=1)
    opportunity = forms.ModelChoiceField(label=_("volunteer opportunity"), required=False,
                                         queryset=Opportunity.objects.none())
    team = forms.ModelChoiceField(label=_("volunteer team"), required=False, queryset=VolunteerTeam.objects.none())
    note = forms.CharField(label=_("note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What you did, where and for whom."))

    def __init__(self, *args, opportunities, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = opportunities
        self.fields["team"].queryset = teams

