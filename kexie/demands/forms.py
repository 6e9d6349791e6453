"""Forms of the demand pages: the demand itself (staff and enterprise), the triage and routing
steps, the open call's applications and the milestones. They collect and shape input; the
services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.accounts.models import User
from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization
from kexie.people.codes import INDUSTRY_DIVISIONS, INDUSTRY_SECTIONS
from kexie.people.models import ExpertLibrary

from kexie.stations.models import Station

from .models import Application, Demand

MILESTONE_ROWS = 4  # milestone rows on the demand form


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def industry_choices() -> list:
    """GB/T 4754 divisions grouped under their sections, as a select shows them."""
    groups = []
    for section, name in INDUSTRY_SECTIONS.items():
        rows = [(code, f"{code} {label}") for code, (sec, label) in INDUSTRY_DIVISIONS.items() if sec == section]
        if rows:
            groups.append((f"{section} {name}", rows))
    return groups


class _DemandFields(forms.Form):
    """The demand's own fields and its milestone rows, shared by the staff and the enterprise form."""

    enterprise_name = forms.CharField(label=_("Enterprise"), max_length=200)
    enterprise_credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    title = forms.CharField(label=pgettext_lazy("demand", "Demand title"), max_length=200)
    industry = forms.ChoiceField(label=_("Industry (GB/T 4754)"), choices=[("", "—"), *industry_choices()])
    field = forms.CharField(label=_("Technical field"), max_length=200)
    problem = forms.CharField(label=_("The problem to solve"), max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    goal = forms.CharField(label=_("Goal and indicators"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("Budget (10,000 yuan)"), required=False, min_value=0, max_digits=12,
                                decimal_places=2)
    deadline = forms.DateField(label=_("Wanted by"), required=False, widget=_DateInput)
    confidential = forms.BooleanField(label=_("Confidential"), required=False,
                                      help_text=_("Seen only by the staff who hold it and the staff named for it; "
                                                  "never published on the open-call board."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MILESTONE_ROWS + 1):
            self.fields[f"milestone_title_{n}"] = forms.CharField(
                label=_("Milestone %(n)s") % {"n": n}, required=False, max_length=200)
            self.fields[f"milestone_due_{n}"] = forms.DateField(label=pgettext_lazy("milestone", "due on"),
                                                                required=False, widget=_DateInput)

    def clean(self):
        data = super().clean()
        for n in range(1, MILESTONE_ROWS + 1):
            title, due = (data.get(f"milestone_title_{n}") or "").strip(), data.get(f"milestone_due_{n}")
            if due and not title:
                self.add_error(f"milestone_title_{n}", _("Name the milestone."))
        return data

    def milestone_rows(self):
        """(title, due) bound fields, for the template."""
        return [(self[f"milestone_title_{n}"], self[f"milestone_due_{n}"]) for n in range(1, MILESTONE_ROWS + 1)]

    def demand_fields(self):
        return [self[name] for name in ("enterprise_name", "enterprise_credit_code", "contact_name", "contact_phone",
                                        "title", "industry", "field", "problem", "goal", "budget", "deadline",
                                        "confidential")]

    def demand_data(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in (
            "enterprise_name", "enterprise_credit_code", "contact_name", "contact_phone", "title", "industry",
            "field", "problem", "goal", "budget", "deadline", "confidential")}

    def milestones(self) -> list[dict]:
        data, rows = self.cleaned_data, []
        for n in range(1, MILESTONE_ROWS + 1):
            title = (data.get(f"milestone_title_{n}") or "").strip()
            if title:
                rows.append({"title": title, "due": data.get(f"milestone_due_{n}")})
        return rows


class _StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name}（{obj.organization.short_name or obj.organization.name}）"


class _StationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_type_display()} · {obj.name}"


class DemandForm(_DemandFields):
    """A demand recorded by staff for an organisation of their scope; a confidential one names the
    staff who may see it besides the one who records it. ``stations``: the service stations that
    may have collected it (the services check it is registered under the holding association)."""

    organization = OrgChoiceField(label=_("Holding association"), queryset=Organization.objects.none())
    named_staff = _StaffChoice(label=_("Staff who may see it"), queryset=User.objects.none(), required=False,
                               help_text=_("For a confidential demand: the colleagues who handle it."))
    station = _StationChoice(label=_("Collected by station"), queryset=Station.objects.none(), required=False,
                             empty_label=_("— not collected by a station —"),
                             help_text=_("The service station that brought the demand in, if one did."))
    field_order = ["organization"]

    def __init__(self, *args, organizations, staff, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].use_text_input_if_large()
        self.fields["named_staff"].queryset = staff
        self.fields["station"].queryset = stations if stations is not None else Station.objects.none()

    def demand_fields(self):
        return [*super().demand_fields(), self["named_staff"], self["station"]]

    def demand_data(self) -> dict:
        return {**super().demand_data(), "named_staff": list(self.cleaned_data.get("named_staff") or ()),
                "station": self.cleaned_data.get("station")}


class NamedStaffForm(forms.Form):
    """The staff named on a confidential demand (who may see it besides whoever recorded it)."""

    named_staff = _StaffChoice(label=_("Staff who may see it"), queryset=User.objects.none(),
                               widget=forms.CheckboxSelectMultiple,
                               error_messages={"required": _("Name at least one staff member who may see the "
                                                             "demand.")})

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_staff"].queryset = staff


class _ReceiverChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parent = obj.parent.short_name or obj.parent.name if obj.parent_id else ""
        return f"{obj.name}（{parent}）" if parent else obj.name


class EnterpriseDemandForm(_DemandFields):
    """A demand an enterprise files from its own account to the association it picks."""

    organization = _ReceiverChoice(label=_("Receiving association"), queryset=Organization.objects.none(),
                                   help_text=_("The county, city or park association that takes up your demand."))
    field_order = ["organization"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["confidential"].help_text = _(
            "Seen only by the association's staff who handle it; never published on the open-call board.")


class FilterForm(forms.Form):
    """The filters above the staff list (GET)."""

    q = forms.CharField(label=_("Keywords"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    route = forms.ChoiceField(label=_("Route"), required=False)
    industry = forms.ChoiceField(label=_("Industry (GB/T 4754)"), required=False)

    def __init__(self, *args, statuses, routes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *statuses]
        self.fields["route"].choices = [("", _("All routes")), *[(v, label) for v, label in routes if v]]
        self.fields["industry"].choices = [("", _("All industries")), *industry_choices()]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Demand.objects.none(),
                                  empty_label=_("— the demand it duplicates —"))

    def __init__(self, *args, demands, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = demands
        self.fields["into"].label_from_instance = lambda d: f"#{d.pk} {d.title}（{d.enterprise_name}）"


class LibraryForm(forms.Form):
    library = forms.ModelChoiceField(label=_("expert library"), queryset=ExpertLibrary.objects.none(),
                                     empty_label=None)

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries


class ReleaseForm(forms.Form):
    candidates = forms.MultipleChoiceField(label=_("Candidates to release"), widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": _("Choose at least one candidate.")})

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].choices = choices


class PublishForm(forms.Form):
    apply_until = forms.DateField(label=_("Applications until"), widget=_DateInput)
    reward = forms.CharField(label=_("What the call offers"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CheckForm(forms.Form):
    """The formal check of one application: eligible, or not (the service asks for the reason)."""

    eligible = forms.TypedChoiceField(label=_("Formal check"), coerce=lambda v: v == "1",
                                      choices=[("1", _("Eligible")), ("0", _("Not eligible"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class ChooseForm(forms.Form):
    application = forms.ModelChoiceField(label=_("Team chosen"), queryset=Application.objects.none(),
                                         empty_label=None)
    amount = forms.DecimalField(label=_("Contract amount (10,000 yuan)"), min_value=0, max_digits=12,
                                decimal_places=2)

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: f"{a.team_name}（{a.lead_name}，{a.lead_unit}）"


class MilestoneReportForm(forms.Form):
    report = forms.CharField(label=pgettext_lazy("milestone", "Report"), max_length=20000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneAcceptForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("Acceptance"), coerce=lambda v: v == "1",
                                    choices=[("1", pgettext_lazy("milestone", "Accept")), ("0", _("Return"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ApplicationForm(forms.Form):
    """A team's application to an open call (揭榜)."""

    team_name = forms.CharField(label=_("Team"), max_length=200)
    lead_name = forms.CharField(label=_("Team lead"), max_length=50)
    lead_unit = forms.CharField(label=_("Lead's unit"), max_length=200)
    members = forms.CharField(label=_("Members"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Names, units and roles, one member a line."))
    proposal = forms.CharField(label=pgettext_lazy("open call", "Plan"), max_length=50000,
                               widget=forms.Textarea(attrs={"rows": 6}),
                               help_text=_("The technical route, the schedule against the milestones, the team's "
                                           "record in the field."))
    quoted_amount = forms.DecimalField(label=_("Quote (10,000 yuan)"), required=False, min_value=0, max_digits=12,
                                       decimal_places=2)

    def application_data(self) -> dict:
        return dict(self.cleaned_data)


class BoardSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the open calls"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Title, field, enterprise or industry")}))


class FunnelForm(forms.Form):
    since = forms.DateField(label=_("Received from"), required=False, widget=_DateInput)
    until = forms.DateField(label=_("Received before"), required=False, widget=_DateInput)
