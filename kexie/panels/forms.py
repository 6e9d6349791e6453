"""Forms of the review-round manager's pages. They collect and shape input; the services decide
(and say what is wrong, in messages that name the field)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kexie.core.forms import apply_service_errors
from kexie.people.models import EntryStatus, ExpertEntry, ExpertLibrary

from .models import ACTIVE_SEAT_STATES, Assignment, Method, Objection, PanelSeat, RoundKind

CRITERIA_ROWS = 6
CONDITION_ROWS = 4


def _number(**attrs):
    return forms.NumberInput(attrs={"inputmode": "numeric", **attrs})


class ActionForm(forms.Form):
    """A button without fields: carries the service's refusal back to the page next to it."""


class RoundForm(forms.Form):
    """A standalone review round: title, library, k, load cap, method and the criteria as rows."""

    title = forms.CharField(label=_("title"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=[c for c in RoundKind.choices if c[0] != RoundKind.AWARD],
                             initial=RoundKind.OTHER)
    library = forms.ModelChoiceField(label=_("expert library"), queryset=ExpertLibrary.objects.none(), required=False,
                                     empty_label=_("The library of my organisation"))
    reviewers_per_item = forms.IntegerField(label=_("reviewers per item"), min_value=1, max_value=1000, initial=3,
                                            widget=_number(size=4))
    load_cap = forms.IntegerField(label=_("most items per reviewer"), min_value=1, max_value=1000, initial=10,
                                  widget=_number(size=4))
    method = forms.ChoiceField(label=_("combining method"), choices=Method.choices, initial=Method.MEAN)
    drop_extremes = forms.BooleanField(label=_("drop the highest and lowest score"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = ExpertLibrary.objects.restrict(user, "expert.view").select_related(
            "organization").order_by("organization__name")
        for n in range(1, CRITERIA_ROWS + 1):
            self.fields[f"c{n}_code"] = forms.CharField(label=_("criterion code"), required=False, max_length=40)
            self.fields[f"c{n}_name"] = forms.CharField(label=_("criterion name"), required=False, max_length=100)
            self.fields[f"c{n}_max"] = forms.DecimalField(label=_("maximum points (weight)"), required=False,
                                                          min_value=0, max_digits=6, decimal_places=2,
                                                          widget=_number(size=5))

    def main_fields(self):
        return [self[name] for name in ("title", "kind", "library", "reviewers_per_item", "load_cap", "method",
                                        "drop_extremes")]

    def criteria_rows(self):
        """The criteria rows as (code, name, max) bound fields, for the template's table."""
        return [(self[f"c{n}_code"], self[f"c{n}_name"], self[f"c{n}_max"]) for n in range(1, CRITERIA_ROWS + 1)]

    def criteria(self) -> list[dict]:
        rows = []
        for n in range(1, CRITERIA_ROWS + 1):
            code, name, maximum = (self.cleaned_data.get(f"c{n}_{k}") for k in ("code", "name", "max"))
            if code or name or maximum is not None:
                rows.append({"code": code, "name": name, "max": maximum})
        return rows

    def service_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("title", "kind", "reviewers_per_item", "load_cap", "method",
                                                  "drop_extremes")}
        return {**data, "form": self.criteria()}


def _record_numbers(value: str) -> list[int]:
    parts = [p for p in re.split(r"[\s,，;；、]+", value or "") if p]
    if any(not p.isdigit() for p in parts):
        raise ValidationError(_("Give record numbers separated by semicolons, e.g. 12；15."))
    return sorted({int(p) for p in parts})


class ItemForm(forms.Form):
    """One item to review in a standalone round."""

    title = forms.CharField(label=_("title"), max_length=300)
    text = forms.CharField(label=_("text"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    units = forms.CharField(label=_("units involved"), required=False, max_length=500,
                            help_text=_("Names of the units under review, separated by semicolons."))
    persons = forms.CharField(label=_("persons under review"), required=False, max_length=500,
                              help_text=_("Record numbers of the person records, separated by semicolons."))

    def clean_persons(self):
        return _record_numbers(self.cleaned_data["persons"])

    def item(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("title", "text", "units", "persons")}


class DrawForm(forms.Form):
    """The draw's conditions as rows (discipline code prefix, region, number), alternates, seed."""

    alternates = forms.IntegerField(label=_("alternates per condition"), min_value=0, max_value=20, initial=2,
                                    widget=_number(size=4))
    seed = forms.IntegerField(label=_("seed (optional)"), required=False, min_value=0, max_value=2 ** 62,
                              help_text=_("Leave empty for a fresh random seed; it stays sealed with the draw."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, CONDITION_ROWS + 1):
            self.fields[f"d{n}_discipline"] = forms.RegexField(
                label=_("discipline code prefix"), required=False, regex=r"^[0-9A-Za-z]{1,10}$",
                error_messages={"invalid": _("Enter the beginning of a discipline code, e.g. 520.")},
                widget=forms.TextInput(attrs={"size": 8}))
            self.fields[f"d{n}_region"] = forms.CharField(label=_("region"), required=False, max_length=40,
                                                          widget=forms.TextInput(attrs={"size": 8}))
            self.fields[f"d{n}_count"] = forms.IntegerField(label=_("number of experts"), required=False, min_value=1,
                                                            max_value=1000, widget=_number(size=4))

    def condition_rows(self):
        return [(self[f"d{n}_discipline"], self[f"d{n}_region"], self[f"d{n}_count"])
                for n in range(1, CONDITION_ROWS + 1)]

    def clean(self):
        data = super().clean()
        conditions = []
        for n in range(1, CONDITION_ROWS + 1):
            discipline, region, count = (data.get(f"d{n}_{k}") for k in ("discipline", "region", "count"))
            if count is None:
                if (discipline or region) and f"d{n}_count" not in self.errors:
                    self.add_error(f"d{n}_count", _("Give the number of experts of condition %(n)s.") % {"n": n})
                continue
            conditions.append({"discipline": discipline or "", "region": (region or "").strip(), "count": count})
        if not conditions and not self.errors:
            self.add_error("d1_count", _("Give at least one condition with a number of experts."))
        data["conditions"] = conditions
        return data


class SeatAddForm(forms.Form):
    """An expert of the round's library put on the panel by hand."""

    entry = forms.ModelChoiceField(label=_("expert"), queryset=ExpertEntry.objects.none())

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["entry"]
        field.queryset = (ExpertEntry.objects.filter(library_id=round.library_id, status=EntryStatus.ACTIVE)
                          .exclude(pk__in=round.seats.values("entry_id")).select_related("person")
                          .order_by("person__name"))
        field.label_from_instance = lambda e: f"{e.person.name}（{e.person.pk}）"


class RespondForm(forms.Form):
    """The answer an expert gave, recorded by the manager."""

    seat = forms.ModelChoiceField(queryset=PanelSeat.objects.none(), widget=forms.HiddenInput)
    answer = forms.ChoiceField(choices=[("accept", _("Accepts")), ("decline", _("Declines"))])

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = round.seats.filter(state__in=ACTIVE_SEAT_STATES, sealed=False)


def _seat_label(seat) -> str:
    return f"{seat.entry.person.name}（{seat.get_state_display()}）"


class AssignAddForm(forms.Form):
    """One expert of the panel assigned to one item by hand."""

    item = forms.ModelChoiceField(label=_("review item"), queryset=None)
    seat = forms.ModelChoiceField(label=_("expert"), queryset=None)

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = round.items.all()
        self.fields["seat"].queryset = round.seats.filter(state__in=ACTIVE_SEAT_STATES, sealed=False).select_related(
            "entry__person")
        self.fields["seat"].label_from_instance = _seat_label


class ScoreForm(forms.Form):
    """An expert's paper score sheet typed in by the manager: the pair, the points per
    criterion of the round's form, the comment."""

    sheet = forms.ModelChoiceField(label=_("item and expert"), queryset=None)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(round.form)
        self.fields["sheet"].queryset = (Assignment.objects.filter(item__round=round, seat__state__in=ACTIVE_SEAT_STATES,
                                                                   seat__sealed=False)
                                         .select_related("item", "seat__entry__person").order_by("item_id", "seat_id"))
        self.fields["sheet"].label_from_instance = lambda a: f"{a.item.title} — {a.seat.entry.person.name}"
        for c in self.criteria:
            # Text, not a number field: the service checks the points and its message names the criterion.
            self.fields[f"c_{c['code']}"] = forms.CharField(
                label=f"{c['name']}（0–{c['max']}）", required=False, max_length=12,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))
        self.order_fields(["sheet", *(f"c_{c['code']}" for c in self.criteria), "comment"])

    def values(self) -> dict:
        return {c["code"]: self.cleaned_data.get(f"c_{c['code']}") or "" for c in self.criteria}

    def apply_errors(self, error: ValidationError) -> None:
        """The service names a criterion by its code; the field is ``c_<code>``."""
        if hasattr(error, "error_dict"):
            error = ValidationError({(f"c_{k}" if f"c_{k}" in self.fields else k): v
                                     for k, v in error.message_dict.items()})
        apply_service_errors(self, error)


class NoticeForm(forms.Form):
    """The days of the public notice (公示)."""

    notice_start = forms.DateField(label=_("notice from"), widget=forms.DateInput(attrs={"type": "date"}))
    notice_end = forms.DateField(label=_("notice until"), widget=forms.DateInput(attrs={"type": "date"}))


class ObjectionForm(forms.Form):
    """An objection received during the notice."""

    item = forms.ModelChoiceField(label=_("review item"), queryset=None)
    name = forms.CharField(label=_("raised by"), required=False, max_length=100)
    text = forms.CharField(label=_("objection"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = round.items.all()


class HandleForm(forms.Form):
    """How an objection was handled: the decision in words, upheld or not."""

    objection = forms.ModelChoiceField(queryset=Objection.objects.none(), widget=forms.HiddenInput)
    decision = forms.CharField(label=_("handling"), widget=forms.Textarea(attrs={"rows": 2}))
    upheld = forms.TypedChoiceField(label=_("upheld"), choices=[("yes", _("Upheld")), ("no", _("Not upheld"))],
                                    coerce=lambda v: v == "yes", widget=forms.RadioSelect)

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objection"].queryset = Objection.objects.filter(item__round=round, handled_at__isnull=True)


class DecideForm(forms.Form):
    """The items approved in the final decision (the others are not approved)."""

    approved = forms.ModelMultipleChoiceField(label=_("approved items"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved"].queryset = round.items.all()


class MatchForm(forms.Form):
    """A text to find experts for, in one library, with optional code and region prefixes."""

    library = forms.ModelChoiceField(label=_("expert library"), queryset=ExpertLibrary.objects.none(), empty_label=None)
    text = forms.CharField(label=_("What the experts are needed for"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("An enterprise demand, a nomination, a proposal or an award category, "
                                       "in your own words."),
                           error_messages={"required": _("Describe what the experts are needed for.")})
    discipline = forms.RegexField(label=_("discipline code"), required=False, regex=r"^\d{1,7}$", max_length=7,
                                  error_messages={"invalid": _("A discipline code has digits only, e.g. 520.")})
    industry = forms.RegexField(label=_("industry code"), required=False, regex=r"^[A-T]?\d{0,4}$", max_length=5,
                                error_messages={"invalid": _("An industry code is a letter and/or digits, e.g. 38.")})
    region = forms.CharField(label=_("region"), required=False, max_length=40)

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
