"""Forms of the survey pages. They collect and shape input; the services and the questionnaire
package decide."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.forms import AnonymousForm
from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization
from kexie.people.models import Person
from kexie.people.picker import PersonMultipleChoiceField, register_picker

from .models import RoundStatus, StationKind, SurveyStation


def investigator_choices(user):
    """The persons a clerk may name as a station's investigators: those in the clerk's scope."""
    return Person.objects.current().filter(pk__in=Person.objects.restrict(user, "person.view").values("pk")) \
        .select_related("organization").order_by("name", "pk")


register_picker("surveys.investigator", investigator_choices)


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class StationForm(forms.Form):
    organization = OrgChoiceField(label=_("registered under"), queryset=Organization.objects.none())
    name = forms.CharField(label=pgettext_lazy("survey station", "name"), max_length=200)
    kind = forms.ChoiceField(label=_("station kind"), choices=StationKind.choices)
    host_unit = forms.CharField(label=_("host unit"), max_length=200)
    region_code = forms.CharField(label=_("region code"), max_length=6, required=False,
                                  help_text=_("Six digits; left empty: the region of the association."))
    investigators = PersonMultipleChoiceField(label=_("investigators"), required=False,
                                              picker="surveys.investigator")
    active = forms.BooleanField(label=pgettext_lazy("survey station", "active"), required=False, initial=True)

    def __init__(self, *args, organizations, persons, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].use_text_input_if_large()
        self.fields["investigators"].queryset = persons


class ReportForm(forms.Form):
    period = forms.CharField(label=_("period"), max_length=20, help_text=_("e.g. 2026年上半年"))
    respondents_reached = forms.IntegerField(label=_("respondents reached"), min_value=0, initial=0)
    activities_held = forms.IntegerField(label=_("activities held"), min_value=0, initial=0)
    notes = forms.CharField(label=_("notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class DefinitionField(forms.CharField):
    """The questionnaire as JSON text; the service checks its content."""

    widget = forms.Textarea(attrs={"rows": 16, "class": "mono", "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise forms.ValidationError(_("The questionnaire is not valid JSON.")) from None


class RoundForm(forms.Form):
    organization = OrgChoiceField(label=_("launched by"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("title"), max_length=200)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("opens on"), widget=_DateInput)
    closes_on = forms.DateField(label=_("closes on"), widget=_DateInput)
    definition = DefinitionField(label=_("questionnaire"), max_length=200_000, help_text=_(
        "Questions as JSON: key, kind (single, multiple, scale, text), text, options with value and label, "
        "min and max for a scale, required, and show_if with an earlier question and its values."))

    def __init__(self, *args, organizations, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].use_text_input_if_large()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=RoundStatus.choices)


class ParticipationForm(forms.Form):
    station = forms.ModelChoiceField(label=_("survey station"), queryset=SurveyStation.objects.none())
    quota = forms.IntegerField(label=_("quota"), min_value=1, max_value=100_000)

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations


class RemindForm(forms.Form):
    below_percent = forms.IntegerField(label=_("Remind stations below (%)"), min_value=1, max_value=100, initial=60)


class GenerateForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=2000, initial=10)


class HandOutForm(forms.Form):
    code = forms.IntegerField(widget=forms.HiddenInput)
    handed_to = forms.CharField(label=_("handed to"), max_length=100)


# --- the public answering pages ----------------------------------------------------------------------

class CodeForm(AnonymousForm):
    code = forms.CharField(label=_("response code"), max_length=32, widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text",
        "class": "code-input"}))


def field_name(key: str) -> str:
    return f"q_{key}"


class AnswerForm(AnonymousForm):
    """The questionnaire of a round as a form: one field per question (named ``q_<key>``), all
    optional here — which are required depends on the skip logic, which the questionnaire package
    applies to the whole set of answers."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=32)
    step = forms.CharField(widget=forms.HiddenInput, initial="answers")

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        for question in definition.get("questions", ()):
            self.fields[field_name(question["key"])] = self._field(question)

    @staticmethod
    def _field(question: dict):
        options = [(o["value"], o["label"]) for o in question.get("options") or ()]
        common = {"label": question["text"], "required": False,
                  "help_text": question.get("help", "")}
        kind = question["kind"]
        if kind == "single":
            field = forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        elif kind == "multiple":
            field = forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
        elif kind == "scale":
            low, high = question["min"], question["max"]
            if high - low <= 10:
                field = forms.ChoiceField(choices=[(str(n), str(n)) for n in range(low, high + 1)],
                                          widget=forms.RadioSelect(attrs={"class": "scale"}), **common)
            else:
                field = forms.IntegerField(min_value=low, max_value=high, widget=forms.NumberInput(
                    attrs={"inputmode": "numeric", "placeholder": f"{low}–{high}"}), **common)
        else:
            field = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common)
        field.question = question
        field.widget.attrs["data-question"] = question["key"]
        rule = question.get("show_if")
        if rule:
            field.show_if = rule
        return field

    def answers(self) -> dict:
        """The answers keyed by question (what the questionnaire package checks)."""
        out = {}
        for question in self.definition.get("questions", ()):
            value = self.cleaned_data.get(field_name(question["key"]))
            if value not in (None, "", []):
                out[question["key"]] = value
        return out

    def rules(self) -> str:
        """The skip logic as JSON for the page's script: {key: {question, in}}."""
        return json.dumps({q["key"]: q["show_if"] for q in self.definition.get("questions", ()) if q.get("show_if")},
                          ensure_ascii=False)
