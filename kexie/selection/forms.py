"""Forms of the selection and four-batch pages. They only shape the input; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.accounts.models import Role, User
from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization
from kexie.tracking.forms import MultipleFileField

from .models import DecisionAction, FlagKind, FlagRule, FlagStatus, RoundStatus


class RoundForm(forms.Form):
    organization = OrgChoiceField(label=_("Organising association"), queryset=Organization.objects.none(),
                                  empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("For example: 2026年度一流学会建设遴选"))
    quota = forms.IntegerField(label=_("Quota"), min_value=1, max_value=1000)
    min_score = forms.DecimalField(label=_("Minimum evaluation score"), required=False, min_value=0,
                                   max_digits=6, decimal_places=2,
                                   help_text=_("The final evaluation score of the previous year; leave empty for none."))
    grades = forms.CharField(label=_("Evaluation grades accepted"), required=False, max_length=100,
                             help_text=_("Separated by commas, e.g. A,B; leave empty for any grade."))
    inspection_years = forms.IntegerField(label=_("Years of qualified annual inspection"), min_value=0,
                                          max_value=5, initial=2)
    require_no_flag = forms.BooleanField(label=_("No open dormant or zombie flag"), required=False, initial=True)
    require_report = forms.BooleanField(label=_("Annual report of the previous year accepted"), required=False,
                                        initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (Organization.objects.restrict(user, "evaluation.manage")
                                                .filter(kind__endswith="_association").order_by("depth", "name"))
        self.fields["year"].initial = timezone.localdate().year

    def clean_grades(self):
        text = self.cleaned_data["grades"].replace("，", ",")
        return [grade.strip() for grade in text.split(",") if grade.strip()]


class NoticeForm(forms.Form):
    starts_on = forms.DateField(label=_("Public notice from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Public notice until"), widget=forms.DateInput(attrs={"type": "date"}))


def experts_queryset():
    """Active users holding a role that carries ``evaluation.score``."""
    roles = [role.pk for role in Role.objects.all() if "evaluation.score" in (role.permissions or [])]
    return User.objects.filter(roles__in=roles, is_active=True).distinct().order_by("full_name", "username")


def expert_label(user) -> str:
    """An expert as the choice lists show them: name (organisation)."""
    name = user.full_name or user.username
    return f"{name}（{user.organization}）" if user.organization_id else name


class PanelForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts_queryset()
        self.fields["expert"].label_from_instance = expert_label


class ApplicationForm(forms.Form):
    society = forms.ModelChoiceField(label=_("Society"), queryset=Organization.objects.none(), empty_label=None)
    statement = forms.CharField(label=_("Application statement"), widget=forms.Textarea(attrs={"rows": 10}),
                                required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False,
                                    help_text=_("pdf, docx, xlsx, txt, png or jpg; several files at once."))

    def __init__(self, *args, societies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["society"].queryset = societies
        self.fields["society"].label_from_instance = lambda profile: profile.organization.name


class EvaluationForm(forms.Form):
    score = forms.DecimalField(label=_("Final evaluation score"), required=False, min_value=0, max_digits=6,
                               decimal_places=2)
    grade = forms.CharField(label=_("Final evaluation grade"), required=False, max_length=20)


class ScoreForm(forms.Form):
    score = forms.DecimalField(label=_("Expert score"), min_value=0, max_value=100, max_digits=5, decimal_places=2,
                               help_text=_("From 0 to 100."))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class RecusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for recusal"), max_length=300,
                             error_messages={"required": _("Say why you must be recused.")})


class ObjectionForm(forms.Form):
    application = forms.ModelChoiceField(label=_("Application objected to"), queryset=None, empty_label=None)
    text = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _("Write what the objection says.")})
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: a.society.organization.name


class HandleObjectionForm(forms.Form):
    handling = forms.CharField(label=_("Handling"), widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": _("Say how the objection was handled.")})
    upheld = forms.TypedChoiceField(label=_("Objection upheld"), coerce=lambda v: v == "yes",
                                    choices=[("no", _("Not upheld")), ("yes", _("Upheld"))])


class FlagFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *FlagKind.choices])
    rule = forms.ModelChoiceField(label=_("Rule"), required=False, queryset=FlagRule.objects.all(),
                                  empty_label=_("All rules"))
    status = forms.ChoiceField(label=pgettext_lazy("four-batch flag", "Status"), required=False,
                               choices=[("", _("All statuses")), *FlagStatus.choices])
    q = forms.CharField(label=_("Society"), required=False, max_length=100)

    def filtered(self, flags):
        if not self.is_bound or not self.is_valid():
            return flags.filter(status=FlagStatus.OPEN)
        data = self.cleaned_data
        if data["kind"]:
            flags = flags.filter(rule__kind=data["kind"])
        if data["rule"]:
            flags = flags.filter(rule=data["rule"])
        if data["status"]:
            flags = flags.filter(status=data["status"])
        if data["q"]:
            flags = flags.filter(society__organization__name__icontains=data["q"].strip())
        return flags

    def description(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"status": FlagStatus.OPEN}
        return {key: str(getattr(value, "pk", value)) for key, value in self.cleaned_data.items() if value}


class ComputeForm(forms.Form):
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2000, max_value=2100)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(label=pgettext_lazy("four-batch", "Decision"), choices=DecisionAction.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _("Write the reasons for the decision.")})
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    dissolve = forms.BooleanField(label=_("Dissolve the society's organisation now"), required=False)
    confirmed = forms.BooleanField(label=_("I confirm the dissolution"), required=False)


ROUND_STEPS = {
    "open": (RoundStatus.DRAFT, pgettext_lazy("selection round", "Open for applications")),
    "review": (RoundStatus.OPEN, _("Close applications and start the review")),
    "decide": (RoundStatus.NOTICE, _("Decide the round")),
}
