"""Forms of the award call pages. They collect and shape input; the services decide."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization
from kexie.people.models import ExpertLibrary, Gender
from kexie.people.picker import PersonChoiceField, PersonMultipleChoiceField, register_picker

from . import selectors
from .models import CallKind

MATERIAL_ROWS = 3  # material rows on the nomination form

# The search behind the nominee and recommender pickers: the persons the view gives the form
# (``selectors.nominee_choices`` of the call's nominating organisations, fixed by the form).
register_picker("awards.nominee", lambda user, organizations: selectors.nominee_choices(
    user, Organization.objects.filter(pk__in=organizations)), params=("organizations",))


def _items(text: str) -> list[str]:
    """A list typed into one box, separated by 、，,；; or spaces."""
    return [part for part in re.split(r"[、，,；;\s]+", text or "") if part]


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CallForm(forms.Form):
    """A new call and its eligibility rules, each rule a plain field (left empty: no such rule)."""

    organization = OrgChoiceField(label=_("Organisation running the call"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("award kind"), choices=CallKind.choices)
    title = forms.CharField(label=_("call title"), max_length=200)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("opens on"), required=False, widget=_DateInput)
    closes_on = forms.DateField(label=_("closes on"), required=False, widget=_DateInput)
    max_age = forms.IntegerField(label=_("Maximum age"), required=False, min_value=1, max_value=120,
                                 help_text=_("Not older than this on the date below; leave empty for no age limit."))
    age_on = forms.DateField(label=_("Age counted on"), required=False, widget=_DateInput)
    discipline_prefixes = forms.CharField(
        label=_("Discipline code prefixes"), required=False, max_length=500,
        help_text=_("GB/T 13745 codes or their beginnings, separated by 、 or spaces, e.g. 430 520."))
    channel_kinds = forms.CharField(label=_("Channel kinds admitted"), required=False, max_length=500,
                                    help_text=_("e.g. 省级科协、全国学会; leave empty to admit every channel."))
    required_materials = forms.CharField(label=_("Required materials"), required=False, max_length=1000,
                                         help_text=_("Material titles, e.g. 推荐书、代表性论文."))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()

    def clean(self):
        data = super().clean()
        if (data.get("max_age") is None) != (data.get("age_on") is None) and not self.has_error("max_age") \
                and not self.has_error("age_on"):
            self.add_error("age_on" if data.get("max_age") is not None else "max_age",
                           _("An age limit needs both the age and the date it is counted on."))
        return data

    def rules(self) -> list[dict]:
        """The eligibility rules as rules.py keeps them."""
        data, rules = self.cleaned_data, []
        if data.get("max_age") is not None and data.get("age_on"):
            rules.append({"rule": "max_age", "age": data["max_age"], "on": data["age_on"].isoformat()})
        for field, rule, key in (("discipline_prefixes", "disciplines", "prefixes"),
                                 ("channel_kinds", "channel_kinds", "kinds"),
                                 ("required_materials", "materials", "titles")):
            values = _items(data.get(field))
            if values:
                rules.append({"rule": rule, key: values})
        return rules

    def call_data(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "kind": data["kind"], "year": data["year"], "opens_on": data.get("opens_on"),
                "closes_on": data.get("closes_on"), "rules": self.rules()}


class ChannelForm(forms.Form):
    """A nominating organisation of the call, its kind and quota (a second save changes them)."""

    organization = OrgChoiceField(label=_("nominating organisation"), queryset=Organization.objects.none())
    kind = forms.CharField(label=_("channel kind"), required=False, max_length=30,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. 省级科协")}))
    quota = forms.IntegerField(label=_("quota"), min_value=1, max_value=1000)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()


class NominateForm(forms.Form):
    """A nominee chosen from the organisation's person records or entered, recommenders, a
    summary and materials."""

    organization = forms.ModelChoiceField(label=_("Nominating channel"), queryset=Organization.objects.none(),
                                          empty_label=None)
    person = PersonChoiceField(label=_("Nominee from the person records"), required=False,
                               empty_label=_("— enter a new person below —"))
    name = forms.CharField(label=_("Nominee's name"), required=False, max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", "—"), *Gender.choices])
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=_DateInput)
    unit = forms.CharField(label=_("Work unit"), required=False, max_length=200)
    disciplines = forms.CharField(label=_("Discipline codes"), required=False, max_length=500,
                                  help_text=_("GB/T 13745 codes separated by 、 or spaces."))
    recommender_persons = PersonMultipleChoiceField(label=_("Recommenders from the person records"), required=False)
    recommender_names = forms.CharField(label=_("Other recommenders (names)"), required=False, max_length=500,
                                        help_text=_("Names separated by 、; a person record is kept for each."))
    summary = forms.CharField(label=_("Reasons for the nomination"), required=False, max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, organizations, persons, material_titles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["person"].queryset = persons
        self.fields["recommender_persons"].queryset = persons
        # ``persons`` are those of these organisations: the picker searches the same.
        nominating = sorted(organizations.values_list("pk", flat=True))
        self.fields["person"].use_picker("awards.nominee", organizations=nominating)
        self.fields["recommender_persons"].use_picker("awards.nominee", organizations=nominating)
        titles = list(material_titles)
        for n in range(1, MATERIAL_ROWS + 1):
            self.fields[f"material_title_{n}"] = forms.CharField(
                label=_("Material %(n)s title") % {"n": n}, required=False, max_length=200,
                initial=titles[n - 1] if n <= len(titles) else "")
            self.fields[f"material_text_{n}"] = forms.CharField(label=_("Text"), required=False, max_length=200000,
                                                                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"material_file_{n}"] = forms.FileField(label=_("Or a file"), required=False)

    def material_rows(self):
        """The bound fields of each material row, for the template."""
        return [(self[f"material_title_{n}"], self[f"material_text_{n}"], self[f"material_file_{n}"])
                for n in range(1, MATERIAL_ROWS + 1)]

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("name") or "").strip() and not self.has_error("person"):
            self.add_error("name", _("Choose the nominee from the person records or enter their name."))
        for n in range(1, MATERIAL_ROWS + 1):
            if (data.get(f"material_text_{n}") or data.get(f"material_file_{n}")) \
                    and not (data.get(f"material_title_{n}") or "").strip():
                self.add_error(f"material_title_{n}", _("Give this material a title."))
        return data

    def nominee(self):
        data = self.cleaned_data
        if data.get("person"):
            return data["person"]
        nominee = {"name": data["name"].strip(), "gender": data.get("gender") or "",
                   "birth_date": data.get("birth_date"), "disciplines": _items(data.get("disciplines"))}
        if (data.get("unit") or "").strip():
            nominee["positions"] = [{"unit_name": data["unit"].strip()}]
        return nominee

    def recommenders(self) -> list:
        data = self.cleaned_data
        return [*data.get("recommender_persons", ()), *({"name": n} for n in _items(data.get("recommender_names")))]

    def materials(self) -> list[dict]:
        data, rows = self.cleaned_data, []
        for n in range(1, MATERIAL_ROWS + 1):
            title, text, upload = (data.get(f"material_title_{n}") or "").strip(), data.get(f"material_text_{n}"), \
                data.get(f"material_file_{n}")
            # A row left with only its suggested title is no material.
            if text or upload:
                rows.append({"title": title, "text": text or "", "file": upload})
        return rows


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=500)


class ReviewStartForm(forms.Form):
    """The panel round of the call: library, reviewers per item, load cap and the criteria."""

    library = forms.ModelChoiceField(label=_("expert library"), queryset=ExpertLibrary.objects.none(),
                                     empty_label=None)
    reviewers_per_item = forms.IntegerField(label=_("reviewers per item"), min_value=1, max_value=50, initial=3)
    load_cap = forms.IntegerField(label=_("most items per reviewer"), min_value=1, max_value=1000, initial=10)
    criteria = forms.CharField(
        label=_("Criteria"), widget=forms.Textarea(attrs={"rows": 4}), initial="学术水平 60\n发展潜力 40",
        help_text=_("One criterion a line: its name and its maximum score; the maxima add up to 100."))

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries

    def clean_criteria(self):
        rows = []
        for n, line in enumerate((self.cleaned_data["criteria"] or "").splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            parts = re.split(r"[\s:：,，]+", line)
            if len(parts) < 2:
                raise ValidationError(_("Line %(n)s: write the criterion's name and then its maximum score.")
                                      % {"n": n})
            rows.append({"code": f"c{len(rows) + 1}", "name": " ".join(parts[:-1]), "max": parts[-1]})
        return rows

    def round_data(self) -> dict:
        data = self.cleaned_data
        return {"form": data["criteria"], "reviewers_per_item": data["reviewers_per_item"],
                "load_cap": data["load_cap"]}


class NoticeForm(forms.Form):
    start = forms.DateField(label=_("notice from"), widget=_DateInput)
    end = forms.DateField(label=_("notice until"), widget=_DateInput)


class WinnersForm(forms.Form):
    winners = forms.MultipleChoiceField(label=_("Winners"), widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": _("Choose at least one winner.")})

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["winners"].choices = choices


class FollowupsPlanForm(forms.Form):
    years = forms.IntegerField(label=_("Programme years"), min_value=1, max_value=10, initial=3)
    first_due = forms.DateField(label=_("First report due"), required=False, widget=_DateInput)


class FollowupSubmitForm(forms.Form):
    text = forms.CharField(label=_("report"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))


class FollowupReviewForm(forms.Form):
    note = forms.CharField(label=_("review"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
