"""Forms of the evaluation pages, and reading the short text formats of the rubric editor:
grades as "优秀:90, 良好:75, 合格:60, 不合格:0", size bands as "0, 500, 2000, 10000" and tiers as
"600:3, 200:2, 50:1" (threshold:points)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kexie.selection.forms import expert_label, experts_queryset
from kexie.societies.models import REGISTRY_FIELDS, REPORT_FIELDS, AnnualReport, SocietyProfile

from .models import Rule

_SEPARATORS = re.compile(r"[,，;；、\n]+")
_PAIR = re.compile(r"^\s*(.+?)\s*[:：=]\s*(.+?)\s*$")

REGISTRY_LABELS = {
    "has_party_organization": gettext_lazy("Has a party organisation"),
    "journals": gettext_lazy("Journals sponsored"),
    "branches": gettext_lazy("Active branches"),
    "council_term_overdue": gettext_lazy("Council term overdue (1 if so)"),
    "inspection_qualified": gettext_lazy("Latest annual inspection qualified"),
}


def source_choices() -> list[tuple[str, str]]:
    """Every data source an indicator may read, labelled for people."""
    report = [(f"report.{name}", _("Annual report: %(field)s") % {
        "field": AnnualReport._meta.get_field(name).verbose_name}) for name in REPORT_FIELDS]
    registry = []
    for name in REGISTRY_FIELDS:
        label = REGISTRY_LABELS.get(name) or SocietyProfile._meta.get_field(name).verbose_name
        registry.append((f"registry.{name}", _("Registry: %(field)s") % {"field": label}))
    return report + registry


def source_label(source: str) -> str:
    if source == "reviewer":
        return _("Reviewer")
    return dict(source_choices()).get(source, source)


def parse_pairs(text: str, *, field: str, message: str) -> list[tuple[str, str]]:
    pairs = []
    for part in _SEPARATORS.split(text or ""):
        if not part.strip():
            continue
        match = _PAIR.match(part)
        if not match:
            raise ValidationError({field: message})
        pairs.append((match.group(1), match.group(2)))
    return pairs


def parse_grades(text: str) -> list[dict]:
    message = _("Write the grades as label:minimum score, e.g. 优秀:90, 良好:75, 合格:60, 不合格:0.")
    return [{"label": label, "minimum": minimum}
            for label, minimum in parse_pairs(text, field="grade_thresholds", message=message)]


def parse_bands(text: str) -> list[int]:
    try:
        return [int(part) for part in _SEPARATORS.split(text or "") if part.strip()]
    except ValueError:
        raise ValidationError({"size_bands": _("Write the size bands as whole numbers, e.g. 0, 500, 2000, "
                                               "10000.")}) from None


def parse_tiers(text: str, indicator: str) -> list[list[str]]:
    message = _("Indicator “%(indicator)s”: write the tiers as threshold:points, e.g. 600:3, 200:2, 50:1.") % {
        "indicator": indicator}
    return [[threshold, points] for threshold, points in parse_pairs(text, field="params", message=message)]


def grades_text(grades: list[dict]) -> str:
    return ", ".join(f"{g['label']}:{g['minimum']}" for g in grades)


def tiers_text(params: dict) -> str:
    return ", ".join(f"{t}:{p}" for t, p in (params or {}).get("tiers", []))


def rule_params(data, rule: str, indicator: str) -> dict:
    """The parameters of ``rule`` from the editor's fields ``tiers`` and ``per_unit``."""
    if rule == Rule.TIERS:
        return {"tiers": parse_tiers(data.get("tiers", ""), indicator)}
    if rule in (Rule.CAPPED_COUNT, Rule.DEDUCTION):
        return {"per_unit": (data.get("per_unit") or "").strip() or None}
    return {}


class RubricForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Rubric name"), max_length=200)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    grades = forms.CharField(label=gettext_lazy("Grade thresholds"), initial="优秀:90, 良好:75, 合格:60, 不合格:0",
                             help_text=gettext_lazy("label:minimum score, highest first, the last one from 0"))
    bands = forms.CharField(label=gettext_lazy("Member size bands"), initial="0, 500, 2000, 10000",
                            help_text=gettext_lazy("lower bounds of individual members; peer groups are "
                                                   "discipline × band"))


class ReviewerForm(forms.Form):
    """The expert to whom the chosen evaluations are assigned for review."""

    reviewer = forms.ModelChoiceField(label=gettext_lazy("reviewer"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = experts_queryset().select_related("organization")
        self.fields["reviewer"].label_from_instance = expert_label
