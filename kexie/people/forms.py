"""Forms of the person and expert-library pages. They parse and present; services validate and write."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import codes
from .models import EntryStatus, Gender, RelationKind

PROVINCE_CHOICES = [("", "—"), *codes.PROVINCES.items()]
DISCIPLINE_CHOICES = [("", _("All disciplines")), *((c, f"{c} {n}") for c, (_g, n) in codes.DISCIPLINES_FIRST.items())]


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("Name, pinyin initials or unit")}))
    discipline = forms.ChoiceField(label=_("discipline"), required=False, choices=DISCIPLINE_CHOICES)


class PersonForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50)
    gender = forms.ChoiceField(label=_("gender"), required=False, choices=[("", "—"), *Gender.choices])
    birth_date = forms.DateField(label=_("birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    id_number = forms.CharField(label=_("ID card number"), required=False, max_length=18,
                                help_text=_("Leave empty to keep the number on record."))
    phone = forms.CharField(label=_("phone"), required=False, max_length=20,
                            help_text=_("Leave empty to keep the number on record."))
    email = forms.CharField(label=_("e-mail"), required=False, max_length=254,
                            help_text=_("Leave empty to keep the address on record."))
    title = forms.CharField(label=_("professional title"), required=False, max_length=50)
    disciplines = forms.CharField(label=_("disciplines"), required=False,
                                  help_text=_("GB/T 13745 codes separated by semicolons, e.g. 520;52020"))
    industries = forms.CharField(label=_("industries"), required=False,
                                 help_text=_("GB/T 4754 codes separated by semicolons, e.g. I;65"))
    region_code = forms.ChoiceField(label=_("province"), required=False, choices=PROVINCE_CHOICES)
    city = forms.CharField(label=_("city"), required=False, max_length=50)
    positions = forms.CharField(label=_("positions"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("One per line: unit|position"))
    honours = forms.CharField(label=_("honours"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One per line: honour:year"))

    def person_data(self, *, keep_personal: bool) -> dict:
        data = {k: self.cleaned_data[k] for k in ("name", "gender", "birth_date", "title", "disciplines", "industries",
                                                  "region_code", "city")}
        for field in ("id_number", "phone", "email"):
            if self.cleaned_data[field] or not keep_personal:
                data[field] = self.cleaned_data[field]
        return data

    def position_list(self) -> list[dict]:
        result = []
        for line in self.cleaned_data["positions"].splitlines():
            unit, _sep, role = line.partition("|")
            if unit.strip():
                result.append({"unit_name": unit.strip(), "role": role.strip()})
        return result

    def honour_list(self) -> list[dict]:
        result = []
        for line in self.cleaned_data["honours"].splitlines():
            m = re.match(r"^(.*?)[:：]\s*((?:19|20)\d\d)\s*$", line.strip())
            if m:
                result.append({"name": m.group(1).strip(), "year": int(m.group(2))})
            elif line.strip():
                result.append({"name": line.strip(), "year": None})
        return result


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))


class LibraryImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook exported from a library (.xlsx)"))


class RelationForm(forms.Form):
    other = forms.IntegerField(label=_("related person (record number)"), min_value=1)
    kind = forms.ChoiceField(label=_("relation"), choices=RelationKind.choices)
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class EntryAddForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("expert library"), coerce=int, choices=())

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class EntryForm(forms.Form):
    categories = forms.CharField(label=_("categories"), required=False, help_text=_("Separated by semicolons"))
    keywords = forms.CharField(label=_("keywords"), required=False, help_text=_("Separated by semicolons"))
    avoidances = forms.CharField(label=_("units to avoid"), required=False, help_text=_("Separated by semicolons"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=EntryStatus.choices)
    reason = forms.CharField(label=_("reason"), required=False, max_length=200)


class WorksImportForm(forms.Form):
    file = forms.FileField(label=_("List of works (.bib, .ris or .csv)"))


class ReviewForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    service = forms.CharField(label=_("service"), max_length=200)
    rating = forms.TypedChoiceField(label=_("rating"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)])
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EntryFilterForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("person", "name"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("Name or pinyin initials")}))
    discipline = forms.ChoiceField(label=_("discipline"), required=False, choices=DISCIPLINE_CHOICES)
    region = forms.ChoiceField(label=_("province"), required=False, choices=[("", _("All provinces")),
                                                                              *codes.PROVINCES.items()])
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", _("All statuses")),
                                                                          *EntryStatus.choices])
    keyword = forms.CharField(label=_("keywords"), required=False)


class AccountLinkForm(forms.Form):
    address = forms.CharField(label=_("E-mail, mobile number or user name of the account"), max_length=254)
