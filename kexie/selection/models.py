"""一流学会 selection rounds and the "四个一批" flags.

A ``SelectionRound`` is run by an association for the societies under it: societies apply, each
application is checked against the round's eligibility criteria, an expert panel scores the
eligible ones (an expert with a conflict of interest is recused from that application), the
ranking's top ``quota`` go on public notice (公示), objections are recorded and handled, and the
round is decided.

``FlagRule`` rows are the "四个一批" rules as data (kind, parameters, on/off); the code of a rule
names the check that evaluates it (:mod:`kexie.selection.rules`). ``SocietyFlag`` is one rule
firing on one society, with the facts that made it fire; it is resolved, never deleted, when the
facts no longer hold. ``FlagDecision`` records what the association decided to do about it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class RoundStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("selection round", "Draft")
    OPEN = "open", pgettext_lazy("selection round", "Open for applications")
    REVIEW = "review", pgettext_lazy("selection round", "Expert review")
    NOTICE = "notice", pgettext_lazy("selection round", "Public notice")  # 公示
    DECIDED = "decided", pgettext_lazy("selection round", "Decided")


class SelectionRound(models.Model):
    """One 一流学会 selection round (一流学会建设遴选) run by an association.

    The eligibility criteria are data of the round: a minimum final evaluation score and the
    grades accepted for the evaluation year (the year before the round's), annual inspections
    qualified in each of the last ``inspection_years`` years, no open dormant or zombie flag, and
    an accepted annual report for the evaluation year.
    """

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organising association"),
                                     on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    quota = models.PositiveSmallIntegerField(_("quota"))
    min_score = models.DecimalField(_("minimum evaluation score"), max_digits=6, decimal_places=2, null=True,
                                    blank=True)
    grades = models.JSONField(_("evaluation grades accepted"), default=list, blank=True)
    inspection_years = models.PositiveSmallIntegerField(_("years of qualified annual inspection"), default=2)
    require_no_flag = models.BooleanField(_("no open dormant or zombie flag"), default=True)
    require_report = models.BooleanField(_("annual report accepted"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    notice_starts_on = models.DateField(_("public notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = None

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("selection round")
        constraints = [
            models.CheckConstraint(condition=Q(quota__gte=1), name="selection_round_quota_positive"),
            models.CheckConstraint(condition=Q(notice_starts_on__isnull=True) | Q(notice_ends_on__isnull=True)
                                   | Q(notice_starts_on__lte=models.F("notice_ends_on")),
                                   name="selection_round_notice_dates"),
        ]

    def __str__(self):
        return self.title

    @property
    def basis_year(self) -> int:
        """The year whose evaluation, report and inspection the eligibility reads."""
        return self.year - 1


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("selection application", "Submitted")
    SELECTED = "selected", pgettext_lazy("selection application", "Selected")
    NOT_SELECTED = "not_selected", pgettext_lazy("selection application", "Not selected")


class Application(models.Model):
    """A society's application to a round (申报), with its eligibility check and expert result."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="applications")
    society = models.ForeignKey("societies.SocietyProfile", verbose_name=_("society"), on_delete=models.PROTECT,
                                related_name="selection_applications")
    statement = models.TextField(_("application statement"))
    status = models.CharField(_("status"), max_length=14, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    # The final evaluation result of the basis year: copied from the platform's finalised evaluation
    # at each eligibility check, or entered by the organising association for a society that was
    # not evaluated on the platform.
    evaluation_score = models.DecimalField(_("final evaluation score"), max_digits=6, decimal_places=2, null=True,
                                           blank=True)
    evaluation_grade = models.CharField(_("final evaluation grade"), max_length=20, blank=True)
    eligible = models.BooleanField(_("eligible"), default=False)
    # [{"criterion": code, "passed": bool, "reason": text}], in the order of the round's criteria.
    eligibility = models.JSONField(_("eligibility check"), default=list, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    on_notice = models.BooleanField(_("on public notice"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "society__organization"
    scope_owner_field = "submitted_by"

    class Meta:
        ordering = ["round_id", "id"]
        verbose_name = _("selection application")
        constraints = [models.UniqueConstraint(fields=["round", "society"], name="selection_application_once")]

    def __str__(self):
        return f"{self.society} · {self.round}"


class Attachment(models.Model):
    """A file attached to an application (申报材料)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="selection/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("application attachment")

    def __str__(self):
        return self.name


class PanelMember(models.Model):
    """An expert assigned to a round's review panel (评审专家组)."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="panel")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT,
                               related_name="selection_panels")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "id"]
        verbose_name = _("panel expert")
        constraints = [models.UniqueConstraint(fields=["round", "expert"], name="selection_panel_once")]

    def __str__(self):
        return str(self.expert)


class DeclaredConflict(models.Model):
    """A conflict of interest an expert declared on one application (主动申报回避)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="declared_conflicts")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason for recusal"), max_length=300)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="selection_conflict_once")]


class ExpertScore(models.Model):
    """One expert's score (0–100) of one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("expert score"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("expert score")
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="selection_score_once"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="selection_score_range"),
        ]


class Objection(models.Model):
    """An objection (异议) received during the public notice, and how it was handled."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="objections")
    application = models.ForeignKey(Application, verbose_name=_("application objected to"),
                                    on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("objection"))
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    handling = models.TextField(_("handling"), blank=True)
    upheld = models.BooleanField(_("objection upheld"), null=True, blank=True)  # None: not handled yet
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["round_id", "received_on", "id"]
        verbose_name = _("objection")

    def __str__(self):
        return f"{self.application} {self.received_on}"


# --- "四个一批" --------------------------------------------------------------------------------

class FlagKind(models.TextChoices):
    DORMANT = "dormant", _("Dormant (休眠型)")
    ZOMBIE = "zombie", _("Zombie (僵尸型)")
    WELL_RUN = "well_run", _("Well run: to admit as group member")


NEGATIVE_KINDS = (FlagKind.DORMANT, FlagKind.ZOMBIE)


class FlagRule(models.Model):
    """A "四个一批" rule: its ``code`` names the check (see :mod:`kexie.selection.rules`), its
    ``parameters`` tune it, ``active`` switches it off without losing its history."""

    code = models.SlugField(_("rule code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=FlagKind.choices)
    name = models.CharField(_("rule"), max_length=200)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("four-batch rule")

    def __str__(self):
        return self.name


class FlagStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("four-batch flag", "Open")
    RESOLVED = "resolved", pgettext_lazy("four-batch flag", "Resolved")


class SocietyFlag(models.Model):
    """One rule firing on one society, with the facts that fired (``{"2024": "未参检", …}``).

    At most one open flag per society and rule; a recomputation updates it, or resolves it when
    the facts no longer hold. A flag that fires again after being resolved is a new row.
    """

    society = models.ForeignKey("societies.SocietyProfile", verbose_name=_("society"), on_delete=models.CASCADE,
                                related_name="flags")
    rule = models.ForeignKey(FlagRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="flags")
    year = models.PositiveSmallIntegerField(_("year"))
    facts = models.JSONField(_("facts"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    flagged_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    computed_at = models.DateTimeField(_("last computed at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "society__organization"
    scope_owner_field = None

    class Meta:
        ordering = ["society_id", "rule_id", "-id"]
        verbose_name = _("four-batch flag")
        constraints = [models.UniqueConstraint(fields=["society", "rule"], condition=Q(status="open"),
                                               name="society_flag_open_once")]
        indexes = [models.Index(fields=["status", "rule"], name="society_flag_status_idx")]

    def __str__(self):
        return f"{self.society} · {self.rule}"


class DecisionAction(models.TextChoices):
    RECTIFY = "rectify", _("Rectify (整改)")
    WIND_UP = "wind_up", _("Wind up (注销)")
    KEEP = "keep", _("Keep (保留)")
    ADMIT = "admit", _("Admit as group member (吸纳为团体会员)")


class FlagDecision(models.Model):
    """What the association decided about a flag, with a note and a deadline."""

    flag = models.ForeignKey(SocietyFlag, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("decision"), max_length=10, choices=DecisionAction.choices)
    note = models.TextField(_("note"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    dissolved = models.BooleanField(_("society dissolved"), default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["flag_id", "-id"]
        verbose_name = _("four-batch decision")

    def __str__(self):
        return f"{self.flag} {self.get_action_display()}"
