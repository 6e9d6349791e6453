from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization
from kexie.people.models import Person
from kexie.people.picker import PersonChoiceField, register_picker

from .models import CommitteeRole, PostKind


def roster_person_choices(user):
    """The person records a clerk may put on the roster: those they may see, not merged away."""
    return Person.objects.restrict(user, "person.view").current().select_related("organization").order_by("name", "pk")


# The search behind the roster's person picker: the same queryset the view gives the form.
register_picker("coverage.roster_person", roster_person_choices)


class ImportForm(forms.Form):
    """The Excel file of denominators (columns 地区代码, 地区名称, 类别, 年度, 数量, 来源)."""

    file = forms.FileField(label=_("Excel file (.xlsx)"))


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RosterForm(forms.Form):
    """A grassroots leader put on an association committee's roster."""

    organization = OrgChoiceField(label=pgettext_lazy("roster", "association"), queryset=Organization.objects.none())
    person = PersonChoiceField(label=pgettext_lazy("roster", "person"), picker="coverage.roster_person")
    post_kind = forms.ChoiceField(label=pgettext_lazy("roster", "post kind"), choices=PostKind.choices)
    post_unit = forms.CharField(label=pgettext_lazy("roster", "unit"), max_length=200,
                                help_text=pgettext_lazy("roster", "e.g. 中牟县人民医院"))
    post_title = forms.CharField(label=pgettext_lazy("roster", "post"), max_length=100,
                                 help_text=pgettext_lazy("roster", "e.g. 院长"))
    committee_role = forms.ChoiceField(label=pgettext_lazy("roster", "committee role"), choices=CommitteeRole.choices,
                                       initial=CommitteeRole.MEMBER)
    term_starts_on = forms.DateField(label=pgettext_lazy("roster", "term starts on"), required=False,
                                     widget=_DateInput)
    term_ends_on = forms.DateField(label=pgettext_lazy("roster", "term ends on"), required=False, widget=_DateInput)

    def __init__(self, *args, organizations, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()
        self.fields["person"].queryset = persons


class RosterEndForm(forms.Form):
    ended_on = forms.DateField(label=pgettext_lazy("roster", "ended on"), widget=_DateInput)
    end_reason = forms.CharField(label=pgettext_lazy("roster", "reason for ending"), max_length=200, required=False)
