"""Forms of the tracking pages. They collect and shape input; the services check and decide.

Numbers a person types (percent complete, indicator actuals, shares) are taken as text and
handed to the service, which says in the user's language what is wrong with a value and names
the indicator — a browser-side number check would only say "enter a number".
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from kexie.core.forms import apply_service_errors
from kexie.organizations.forms import (
    OrgChoiceField,
    OrgMultipleChoiceField,
    OrgPickerCheckboxes,
    picker_search,
)
from kexie.organizations.models import Organization, OrganizationClosure, OrgKind
from kexie.organizations.selectors import KIND_RANK
from kexie.plans.models import ItemStatus, Plan
from kexie.plans.selectors import target_label

from .models import Frequency, ProgressReport, ReportingCycle

__all__ = ["ReportForm", "DeferralForm", "DecisionForm", "ReasonForm", "ScheduleForm", "ThresholdsForm",
           "CascadeForm", "ReviewFilterForm", "apply_service_errors", "apply_report_errors"]

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def _number_input(**attrs):
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


class CycleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label}（{obj.opens_on:%Y-%m-%d} – {obj.closes_on:%Y-%m-%d}）"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service's upload checks."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(one, initial) for one in data if one]
        return [super().clean(data, initial)] if data else []


def target_field_name(target) -> str:
    return f"actual_{target.pk}"


class ReportForm(forms.Form):
    """A progress report on one task: the reporting unit, the cycle, progress, indicator actuals
    (one input per target) and evidence files."""

    organization = OrgChoiceField(label=_("Reporting unit"), queryset=None, empty_label=None)
    cycle = CycleChoiceField(label=_("Reporting cycle"), queryset=ReportingCycle.objects.none(), empty_label=None)
    progress = forms.ChoiceField(label=_("Progress"), choices=ItemStatus.choices, initial=ItemStatus.IN_PROGRESS)
    percent = forms.CharField(label=_("Percent complete"), max_length=20,
                              help_text=_("A whole number from 0 to 100."), widget=_number_input(size=6))
    narrative = forms.CharField(label=_("Progress narrative"), required=False,
                                widget=forms.Textarea(attrs={"rows": 5}))
    evidence = MultipleFileField(label=_("Evidence files"), required=False, help_text=_(
        "pdf, docx, xlsx, txt, png or jpg; several may be chosen. A task reported as completed needs at least "
        "one."))

    def __init__(self, *args, organizations, cycles, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["cycle"].queryset = cycles
        self.targets = list(targets)
        for target in self.targets:
            label = f"{target.metric or target.text or _('Indicator')}（{target_label(target)}）"
            self.fields[target_field_name(target)] = forms.CharField(
                label=label, required=False, max_length=40, widget=_number_input(size=12))

    def target_fields(self):
        return [self[target_field_name(t)] for t in self.targets]

    def actuals(self) -> dict:
        return {t.pk: self.cleaned_data.get(target_field_name(t), "") for t in self.targets}


def apply_report_errors(form: ReportForm, error: ValidationError) -> None:
    """Put the service's errors next to the fields: a message about an indicator goes next to
    that indicator's input (the service names it in quotes), the rest where the service says."""
    if not hasattr(error, "error_dict"):
        apply_service_errors(form, error)
        return
    for field, messages in error.message_dict.items():
        for message in messages:
            target_field = None
            if field == "actuals":
                target_field = next((target_field_name(t) for t in form.targets if f"“{t}”" in message), None)
            if target_field:
                form.add_error(target_field, message)
            elif field in form.fields:
                form.add_error(field, message)
            else:
                form.add_error(None, message)


class DeferralForm(forms.Form):
    """A request for a later deadline, by one of the task's responsible units."""

    organization = OrgChoiceField(label=_("Requesting unit"), queryset=None, empty_label=None)
    requested_due = forms.DateField(
        label=_("Requested deadline"), **DATE_WIDGET,
        help_text=_("Any day later than the current deadline, also after the end of the plan period: a late task "
                    "is still owed when the plan ends."))
    reason = forms.CharField(label=_("Reason for the deferral"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, prefix="deferral", **kwargs)
        self.fields["organization"].queryset = organizations


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Decision note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    """Why a report is returned or a deferral refused; the service insists on it."""

    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


def _gap_field(label):
    return forms.IntegerField(label=label, min_value=0, max_value=100, widget=forms.NumberInput(attrs={"size": 4}),
                              help_text=_("Percentage points behind the expected progress."))


class ThresholdsForm(forms.Form):
    amber_gap = _gap_field(_("Amber threshold"))
    red_gap = _gap_field(_("Red threshold"))


class ScheduleForm(ThresholdsForm):
    """The reporting frequency, the filing window and the colour thresholds of a plan; custom
    periods one per line as “start end due” dates."""

    frequency = forms.ChoiceField(label=_("Reporting frequency"), choices=Frequency.choices)
    filing_days = forms.IntegerField(label=_("Days to file after a period closes"), min_value=0, max_value=90)
    start = forms.DateField(label=_("First day"), required=False, help_text=_("The plan period's start if empty."),
                            **DATE_WIDGET)
    end = forms.DateField(label=_("Last day"), required=False, help_text=_("The plan period's end if empty."),
                          **DATE_WIDGET)
    periods = forms.CharField(label=_("Custom periods"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Only for a custom schedule: one period per line, “start end filing-due”, "
                                          "e.g. 2026-01-01 2026-03-31 2026-04-10."))

    field_order = ["frequency", "filing_days", "start", "end", "amber_gap", "red_gap", "periods"]

    def clean_periods(self):
        rows = []
        for n, line in enumerate((self.cleaned_data.get("periods") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.replace(",", " ").replace("，", " ").split()
            try:
                if len(parts) != 3:
                    raise ValueError
                rows.append(tuple(dt.date.fromisoformat(part) for part in parts))
            except ValueError:
                raise ValidationError(_("Line %(line)d: write three dates, start, end and filing due, as "
                                        "YYYY-MM-DD.") % {"line": n}) from None
        return rows


class CascadeForm(forms.Form):
    """Subordinate organisations to hand a task down to, each with its share of every target.

    The organisations come grouped by kind (机关部门, 省级科协, 全国学会 …); each group has an
    "all of them" box (全部省级科协), which counts on the server too, so it works without script."""

    organizations = OrgMultipleChoiceField(label=_("Hand down to"), queryset=None, required=False,
                                           widget=OrgPickerCheckboxes)
    all_of_kind = forms.MultipleChoiceField(required=False, choices=OrgKind.choices)

    def __init__(self, *args, organizations, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = organizations
        self.targets = list(targets)
        candidates = sorted(organizations, key=lambda org: (KIND_RANK.get(org.kind, 99), org.sort_order, org.name))
        self.groups = []
        for org in candidates:
            org.picker_search = picker_search(org.name, org.search_text)
            cells = []
            for target in self.targets:
                name = f"share_{org.pk}_{target.pk}"
                self.fields[name] = forms.CharField(required=False, max_length=40, label=f"{org.name} · {target}",
                                                    widget=_number_input(size=8))
                cells.append(self[name])
            if not self.groups or self.groups[-1]["kind"] != org.kind:
                self.groups.append({"kind": org.kind, "label": OrgKind(org.kind).label, "rows": []})
            self.groups[-1]["rows"].append((org, cells))
        self.share_rows = [row for group in self.groups for row in group["rows"]]

    def clean(self):
        data = super().clean()
        kinds = set(data.get("all_of_kind") or [])
        chosen = list(data.get("organizations") or [])
        if kinds:
            chosen += [org for org, _cells in self.share_rows if org.kind in kinds and org not in chosen]
        if not chosen and "organizations" not in self.errors:
            self.add_error("organizations", _("Choose at least one organisation to hand the task down to."))
        data["organizations"] = chosen
        return data

    def shares(self) -> dict:
        chosen = self.cleaned_data.get("organizations") or []
        result = {}
        for org in chosen:
            values = {t.pk: self.cleaned_data.get(f"share_{org.pk}_{t.pk}", "").strip() for t in self.targets}
            values = {pk: value for pk, value in values.items() if value}
            if values:
                result[org.pk] = values
        return result


class ReviewCycleField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label}（{obj.plan.title}）"


class ReviewFilterForm(forms.Form):
    """The filters above 待审核 (GET): the plan whose reporting cycles the reports are filed in
    (a task handed down reports in the cycles of the plan at the top of its chain), the reporting
    unit with every unit under it, the cycle.

    The plans and cycles offered are those with a report in the user's review scope — reviewed
    ones too, so that a filter stays valid once its reports have all been accepted.
    """

    plan = forms.ModelChoiceField(label=_("Plan"), required=False, queryset=Plan.objects.none(),
                                  empty_label=_("All plans"))
    unit = OrgChoiceField(label=_("Reporting unit"), required=False, queryset=Organization.objects.none(),
                          empty_label=_("All units"), help_text=_("The unit or any unit under it."))
    cycle = ReviewCycleField(label=_("Reporting cycle"), required=False, queryset=ReportingCycle.objects.none(),
                             empty_label=_("All cycles"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # One probe per cycle on the (cycle, organization) index, not a pass over every report in scope.
        in_scope = ReportingCycle.objects.filter(Exists(
            ProgressReport.objects.restrict(user, "report.review").filter(cycle=OuterRef("pk"))))
        self.fields["plan"].queryset = Plan.objects.filter(pk__in=in_scope.values("plan_id")).order_by("-pk")
        cycles = in_scope.select_related("plan").order_by("-plan_id", "sequence")
        chosen = str(self.data.get("plan") or "")
        if chosen.isdigit():
            cycles = cycles.filter(plan_id=int(chosen))
        self.fields["cycle"].queryset = cycles
        unit = self.fields["unit"]
        unit.queryset = Organization.objects.restrict(user, "report.review").order_by("depth", "sort_order", "name")
        unit.use_text_input_if_large()

    def apply(self, reports):
        """``reports`` narrowed to the filters (all of them when the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return reports
        data = self.cleaned_data
        if data.get("plan"):
            reports = reports.filter(cycle__plan=data["plan"])
        if data.get("unit"):
            below = OrganizationClosure.objects.filter(ancestor=data["unit"]).values("descendant_id")
            reports = reports.filter(organization_id__in=below)
        if data.get("cycle"):
            reports = reports.filter(cycle=data["cycle"])
        return reports
