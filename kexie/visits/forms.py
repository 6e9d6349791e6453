"""Forms of the service team, visit and contact pages. They collect and shape input; the services
decide (and say what is wrong, naming the field)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization
from kexie.people.picker import STAFF, PersonChoiceField, PersonMultipleChoiceField, StaffChoiceField, register_picker

from . import selectors
from .models import ContactMode, MemberRole, ServiceTeam, TeamKind, TeamStatus

# The searches behind the person and staff pickers: the same querysets the views give the forms
# (``selectors.persons_for`` and ``selectors.staff_for``), so a user finds only whom they may pick.
register_picker("visits.person", selectors.persons_for)
register_picker("visits.staff", lambda user: selectors.staff_for(user), kind=STAFF)


def _items(text: str) -> list[str]:
    """A list typed into one box, separated by 、，,；; or spaces."""
    return [part for part in re.split(r"[、，,；;\s]+", text or "") if part]


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TeamForm(forms.Form):
    organization = OrgChoiceField(label=_("Organisation keeping the team"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("team name"), max_length=200)
    kind = forms.ChoiceField(label=_("team kind"), choices=TeamKind.choices)
    mission = forms.CharField(label=_("mission"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    disciplines = forms.CharField(label=_("Discipline codes"), required=False, max_length=500,
                                  help_text=_("GB/T 13745 codes separated by 、 or spaces, e.g. 210 230."))
    industries = forms.CharField(label=_("Industry codes"), required=False, max_length=500,
                                 help_text=_("GB/T 4754 codes separated by 、 or spaces, e.g. 01 13."))
    starts_on = forms.DateField(label=_("period from"), required=False, widget=_DateInput)
    ends_on = forms.DateField(label=_("period until"), required=False, widget=_DateInput)
    status = forms.ChoiceField(label=_("status"), choices=TeamStatus.choices, initial=TeamStatus.ACTIVE)

    def __init__(self, *args, organizations, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()
        if editing:
            del self.fields["organization"]
        else:
            del self.fields["status"]

    def team_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["disciplines"] = _items(data.get("disciplines"))
        data["industries"] = _items(data.get("industries"))
        data.pop("organization", None)
        return data


class MemberForm(forms.Form):
    person = PersonChoiceField(label=_("person"), picker="visits.person")
    role = forms.ChoiceField(label=_("role in the team"), choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons


class VisitForm(forms.Form):
    team = forms.ModelChoiceField(label=_("service team"), queryset=ServiceTeam.objects.none(), required=False,
                                  empty_label=_("— no team: a visit of the organisation —"))
    organization = OrgChoiceField(label=_("organisation"), queryset=Organization.objects.none(), required=False,
                                  help_text=_("Needed only for a visit without a team."))
    date = forms.DateField(label=_("visit date"), widget=_DateInput)
    place = forms.CharField(label=_("place"), max_length=200)
    county = forms.ModelChoiceField(label=_("county served"), queryset=Organization.objects.none(), required=False)
    enterprise = forms.CharField(label=_("enterprise served"), required=False, max_length=200)
    problem = forms.CharField(label=_("problem found"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    advice = forms.CharField(label=_("advice given"), required=False, max_length=20000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    persons = PersonMultipleChoiceField(label=_("experts who went"), required=False, picker="visits.person")
    staff_present = forms.CharField(label=_("staff present"), required=False, max_length=300)
    followup_owner = StaffChoiceField(label=_("follow-up owner"), picker="visits.staff", required=False,
                                      empty_label=_("— no follow-up needed —"),
                                      help_text=_("With a due date when something is to be followed up."))
    followup_due = forms.DateField(label=_("follow-up due"), required=False, widget=_DateInput)

    def __init__(self, *args, teams, organizations, counties, persons, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()
        self.fields["county"].queryset = counties
        self.fields["persons"].queryset = persons
        self.fields["followup_owner"].queryset = staff

    def clean(self):
        data = super().clean()
        if not data.get("team") and not data.get("organization") and not self.has_error("organization"):
            self.add_error("organization", _("Choose the team or the organisation that made the visit."))
        return data

    def visit_data(self) -> dict:
        keys = ("date", "place", "county", "enterprise", "problem", "advice", "staff_present", "followup_owner",
                "followup_due")
        return {key: self.cleaned_data.get(key) for key in keys}


class FollowupDoneForm(forms.Form):
    outcome = forms.CharField(label=_("outcome of the follow-up"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    done_on = forms.DateField(label=_("follow-up done on"), required=False, widget=_DateInput,
                              help_text=_("Leave empty for today."))


class DutyForm(forms.Form):
    organization = OrgChoiceField(label=_("organisation"), queryset=Organization.objects.none())
    person = PersonChoiceField(label=_("academician or expert"), picker="visits.person")
    owner = StaffChoiceField(label=_("staff member in charge"), picker="visits.staff")
    cadence_days = forms.IntegerField(label=_("contact every (days)"), min_value=1, max_value=3650, initial=90)
    started_on = forms.DateField(label=_("started on"), required=False, widget=_DateInput,
                                 help_text=_("Leave empty for today."))

    def __init__(self, *args, organizations, persons, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()
        self.fields["person"].queryset = persons
        self.fields["owner"].queryset = staff


class ReassignForm(forms.Form):
    owner = StaffChoiceField(label=_("staff member in charge"), picker="visits.staff")
    cadence_days = forms.IntegerField(label=_("contact every (days)"), min_value=1, max_value=3650, required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff


class ContactLogForm(forms.Form):
    date = forms.DateField(label=_("contact date"), widget=_DateInput)
    mode = forms.ChoiceField(label=_("contact mode"), choices=ContactMode.choices)
    note = forms.CharField(label=_("note"), required=False, max_length=5000)


class PeriodForm(forms.Form):
    """The period of the figures and the export (GET)."""

    since = forms.DateField(label=_("period from"), widget=_DateInput)
    until = forms.DateField(label=_("period until"), widget=_DateInput)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end of the period cannot be before its start."))
        return data
