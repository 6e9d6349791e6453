"""Forms of the proposals pages. They collect and shape input; the services decide."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization
from kexie.people.models import Person
from kexie.people.picker import PersonMultipleChoiceField, register_picker

from .models import Campaign, CampaignKind, Grade, RecipientKind, SourceKind

# The search behind the authors' and study teams' pickers: the person records the user may see,
# the same queryset the views give the forms.
register_picker("proposals.person", lambda user: persons_for(user))


def persons_for(user):
    """The person records a proposal's authors or a study's team are chosen from."""
    return Person.objects.current().restrict(user, "person.view").order_by("name")


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


class CampaignForm(forms.Form):
    organization = OrgChoiceField(label=_("Organisation running the campaign"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("campaign kind"), choices=CampaignKind.choices)
    title = forms.CharField(label=_("campaign title"), max_length=200)
    theme = forms.CharField(label=_("theme"), required=False, widget=_textarea(3))
    opens_on = forms.DateField(label=_("opens on"), required=False, widget=_DateInput)
    closes_on = forms.DateField(label=_("closes on"), required=False, widget=_DateInput)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()


class SubmitForm(forms.Form):
    """A proposal submitted by staff for its authors, a society or a station."""

    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=Campaign.objects.none())
    title = forms.CharField(label=_("proposal title"), max_length=200)
    text = forms.CharField(label=_("proposal text"), widget=_textarea(10))
    source_kind = forms.ChoiceField(label=_("submitted by"), choices=SourceKind.choices)
    authors = PersonMultipleChoiceField(label=_("authors"), required=False, picker="proposals.person")
    organization = OrgChoiceField(label=_("submitting organisation"), queryset=Organization.objects.none(),
                                  required=False)

    def __init__(self, *args, campaigns, persons, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["authors"].queryset = persons
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()


class MySubmitForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=Campaign.objects.none())
    title = forms.CharField(label=_("proposal title"), max_length=200)
    text = forms.CharField(label=_("proposal text"), widget=_textarea(10))

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class ValuationForm(forms.Form):
    grade = forms.ChoiceField(label=_("grade"), required=False, choices=[("", "—"), *Grade.choices])
    score = forms.IntegerField(label=_("score"), required=False, min_value=0, max_value=100)
    summary = forms.CharField(label=_("valuation summary"), required=False, widget=_textarea(3))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("note"), widget=_textarea(2))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InstructionForm(forms.Form):
    leader = forms.CharField(label=_("Leader (name and title)"), max_length=100)
    text = forms.CharField(label=pgettext_lazy("leader", "Instruction"), widget=_textarea(3))
    day = forms.DateField(label=_("instruction date"), widget=_DateInput)


class AdoptionForm(forms.Form):
    note = forms.CharField(label=_("How it was adopted"), widget=_textarea(2))
    day = forms.DateField(label=_("adopted on"), widget=_DateInput)


class SendingForm(forms.Form):
    recipient_kind = forms.ChoiceField(label=_("recipient kind"), choices=RecipientKind.choices)
    recipient = forms.CharField(label=_("recipient"), max_length=200)
    sent_on = forms.DateField(label=_("sent on"), widget=_DateInput)


class BulletinForm(forms.Form):
    organization = OrgChoiceField(label=_("issuing organisation"), queryset=Organization.objects.none())
    series = forms.CharField(label=_("series"), max_length=60, initial="科技智库建言")
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("issue number"), required=False, min_value=1,
                                help_text=_("Leave empty for the next free number."))
    title = forms.CharField(label=_("issue title"), max_length=200, required=False)
    editor = forms.CharField(label=_("editor"), max_length=50, required=False)
    sent_to = forms.CharField(label=_("sent to (报送)"), max_length=300, required=False)
    copied_to = forms.CharField(label=_("copied to (抄送)"), max_length=300, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()


class IssueForm(forms.Form):
    issued_on = forms.DateField(label=_("issue date"), widget=_DateInput)


class StudyForm(forms.Form):
    organization = OrgChoiceField(label=_("organisation"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("study title"), max_length=200)
    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=Campaign.objects.none(), required=False)
    source = forms.CharField(label=_("what produced it"), max_length=300, required=False)
    team = PersonMultipleChoiceField(label=_("team"), required=False, picker="proposals.person")

    def __init__(self, *args, organizations, campaigns, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()
        self.fields["campaign"].queryset = campaigns
        self.fields["team"].queryset = persons


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("milestone"), max_length=200)
    due_on = forms.DateField(label=_("due on"), widget=_DateInput)


class ReportForm(forms.Form):
    report = forms.CharField(label=_("report"), widget=_textarea(4))
    day = forms.DateField(label=_("date"), widget=_DateInput)


class StepForm(forms.Form):
    """A button that moves a record on (open or close a campaign): no input, but the service's
    refusal is shown on it like any other form's."""


class DecideForm(forms.Form):
    selected = forms.TypedChoiceField(label=pgettext_lazy("proposal", "Decision"), coerce=lambda value: value == "1",
                                      choices=[("1", _("Select for a bulletin")), ("0", _("Leave out"))])


class EntriesForm(forms.Form):
    """The proposals ticked for an issue, read from the rows of the entries editor (``include-<id>``,
    ``position-<id>``, ``title-<id>``, ``text-<id>`` for each candidate): ``cleaned_data["entries"]``
    in the order of their positions. The service decides what may go in."""

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean(self):
        data = super().clean()
        data["entries"] = entries_from(self.data, self.candidates)
        return data


def entries_from(post, candidates) -> list[dict]:
    """The entries ticked on the editor, in the order of their position numbers."""
    chosen = []
    for submission in candidates:
        if post.get(f"include-{submission.pk}"):
            position = post.get(f"position-{submission.pk}", "").strip()
            chosen.append((int(position) if re.fullmatch(r"[0-9]{1,4}", position) else 9999, submission.pk, {
                "submission": submission, "title": post.get(f"title-{submission.pk}", ""),
                "text": post.get(f"text-{submission.pk}", "")}))
    return [entry for _position, _pk, entry in sorted(chosen, key=lambda c: c[:2])]
