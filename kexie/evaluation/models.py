"""Society evaluation (学会年度工作评价): rubrics, each society's evaluation and the leaderboard.

A :class:`Rubric` (指标体系) is published by an association for a year: dimensions with weights
adding up to 100, each with indicators that carry a scoring rule of :mod:`kexie.rubric`. A rubric
is edited while a draft; once frozen it is in use and nothing in it changes — next year's rubric
is a new version cloned from it.

An :class:`Evaluation` is one society's evaluation against one rubric for a year: the society's
self-score (data-sourced indicators computed from its facts, judged ones its claim), the
reviewer's score, and the final score, grade and ranks stored when the year is finalised.
:class:`ReviewAssignment` says which expert reviews it. :class:`IndicatorScore` holds what people entered per indicator (the society's claim and
evidence, the reviewer's points and comment). The published :class:`Leaderboard` keeps its rows
as they were at publication.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet
from kexie.rubric import CAPPED_COUNT, DEDUCTION, DEFAULT_GRADES, DEFAULT_SIZE_BANDS, JUDGED, TIERS, YES_NO


def default_grades() -> list[dict]:
    return [{"label": g.label, "minimum": str(g.minimum)} for g in DEFAULT_GRADES]


def default_size_bands() -> list[int]:
    return list(DEFAULT_SIZE_BANDS)


class RubricStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("rubric", "Draft")
    FROZEN = "frozen", pgettext_lazy("rubric", "Frozen")


class Rule(models.TextChoices):
    TIERS = TIERS, _("Threshold tiers")  # 分档计分
    CAPPED_COUNT = CAPPED_COUNT, _("Points per unit, capped")  # 按数量计分（封顶）
    DEDUCTION = DEDUCTION, _("Deduction")  # 扣分
    YES_NO = YES_NO, _("Yes / no")  # 是否
    JUDGED = JUDGED, _("Judged by a reviewer")  # 评审打分


class FrozenRubricError(ValidationError):
    """A change to a frozen rubric, refused."""


class Rubric(models.Model):
    """An association's rubric (指标体系) for one year, in one version."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("publishing association"),
                                     on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("rubric name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=RubricStatus.choices, default=RubricStatus.DRAFT)
    grade_thresholds = models.JSONField(_("grade thresholds"), default=default_grades)
    size_bands = models.JSONField(_("member size bands"), default=default_size_bands)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("previous version"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = None

    class Meta:
        ordering = ["-year", "-version", "id"]
        verbose_name = _("rubric")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "version"], name="rubric_version_unique"),
            models.CheckConstraint(condition=Q(status="draft") | Q(frozen_at__isnull=False),
                                   name="rubric_frozen_has_time"),
        ]

    def __str__(self):
        return f"{self.name}（{self.year}，v{self.version}）"

    @property
    def frozen(self) -> bool:
        return self.status == RubricStatus.FROZEN


class _RubricPart(models.Model):
    """A row of a rubric: refuses to be saved or deleted once the rubric is frozen.

    The services check first and say so in the user's language; this is the last line for any
    code path that bypasses them.
    """

    class Meta:
        abstract = True

    def _rubric_status(self):
        return Rubric.objects.filter(pk=self.rubric_id).values_list("status", flat=True).first()

    def save(self, *args, **kwargs):
        if self._rubric_status() == RubricStatus.FROZEN:
            raise FrozenRubricError(_("The rubric is frozen and cannot change."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._rubric_status() == RubricStatus.FROZEN:
            raise FrozenRubricError(_("The rubric is frozen and cannot change."))
        return super().delete(*args, **kwargs)


class Dimension(_RubricPart):
    """A dimension (一级指标) of a rubric, e.g. 内部治理, with its weight out of 100."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="dimensions")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("dimension"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rubric_id", "position", "id"]
        verbose_name = _("rubric dimension")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="dimension_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="dimension_weight_positive"),
        ]

    def __str__(self):
        return self.name


class Indicator(_RubricPart):
    """An indicator (指标) with its scoring rule, maximum points, data source and evidence flag."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="indicators")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("indicator"), max_length=200)
    rule = models.CharField(_("scoring rule"), max_length=20, choices=Rule.choices)
    params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    source = models.CharField(_("data source"), max_length=60)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    description = models.TextField(_("scoring notes"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rubric_id", "dimension__position", "position", "id"]
        verbose_name = _("rubric indicator")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="indicator_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="indicator_max_positive"),
        ]

    def __str__(self):
        return self.name


class EvaluationStatus(models.TextChoices):
    SELF_SCORING = "self_scoring", _("Self-scoring")  # 自评中
    SUBMITTED = "submitted", pgettext_lazy("evaluation", "Submitted")  # 已提交
    REVIEWED = "reviewed", pgettext_lazy("evaluation", "Reviewed")  # 已评审
    FINAL = "final", pgettext_lazy("evaluation", "Final")  # 已定级


class Evaluation(models.Model):
    """One society's evaluation against a rubric for a year."""

    society = models.ForeignKey("societies.SocietyProfile", on_delete=models.CASCADE, related_name="evaluations",
                                verbose_name=_("society"))
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=14, choices=EvaluationStatus.choices,
                              default=EvaluationStatus.SELF_SCORING, db_index=True)
    self_total = models.DecimalField(_("self-score"), max_digits=6, decimal_places=2, default=0)
    reviewer_total = models.DecimalField(_("reviewer's score"), max_digits=6, decimal_places=2, null=True, blank=True)
    final_total = models.DecimalField(_("final score"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    # The computed breakdowns (kexie.rubric.Breakdown.as_json): the self-score, and the score with
    # the reviewer's points where given (final once the year is finalised).
    self_breakdown = models.JSONField(default=dict, blank=True)
    final_breakdown = models.JSONField(default=dict, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    peer_group = models.CharField(_("peer group"), max_length=60, blank=True)
    peer_rank = models.PositiveIntegerField(_("rank in peer group"), null=True, blank=True)
    previous_rank = models.PositiveIntegerField(_("last year's rank"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    # A society profile's key is its organisation's id.
    scope_org_field = "society_id"
    scope_owner_field = None

    class Meta:
        ordering = ["-year", "rank", "society_id"]
        verbose_name = _("evaluation")
        constraints = [
            models.UniqueConstraint(fields=["society", "rubric", "year"], name="evaluation_per_rubric_year"),
        ]
        indexes = [models.Index(fields=["rubric", "year", "status"], name="evaluation_rubric_year_idx")]

    def __str__(self):
        return f"{self.society} {self.year}"


class IndicatorScore(models.Model):
    """What people entered for one indicator of one evaluation: the society's claim and evidence,
    the reviewer's points and comment."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    self_points = models.DecimalField(_("self-score points"), max_digits=6, decimal_places=2, null=True, blank=True)
    reviewer_points = models.DecimalField(_("reviewer's points"), max_digits=6, decimal_places=2, null=True,
                                          blank=True)
    reviewer_comment = models.TextField(_("reviewer's comment"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="evaluation/%Y/", blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["evaluation_id", "indicator_id"]
        verbose_name = _("indicator score")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="indicator_score_unique"),
            models.CheckConstraint(condition=Q(self_points__isnull=True) | Q(self_points__gte=0),
                                   name="indicator_self_points_not_negative"),
            models.CheckConstraint(condition=Q(reviewer_points__isnull=True) | Q(reviewer_points__gte=0),
                                   name="indicator_reviewer_points_not_negative"),
        ]

    def __str__(self):
        return f"{self.evaluation} {self.indicator}"


class ReviewAssignment(models.Model):
    """Who reviews an evaluation (评审分配): the expert the association assigned to score it.

    One reviewer per evaluation; the association may reassign it until the year is finalised.
    Only the assigned reviewer sees the evaluation among their reviews to do and may score it;
    an expert in conflict of interest with the society is never assigned.
    """

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="assignment",
                                      verbose_name=_("evaluation"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT,
                                 related_name="evaluation_reviews")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"))

    class Meta:
        ordering = ["evaluation_id"]
        verbose_name = _("review assignment")
        indexes = [models.Index(fields=["reviewer", "evaluation"], name="review_assignment_reviewer_idx")]

    def __str__(self):
        return f"{self.evaluation} · {self.reviewer}"


class Leaderboard(models.Model):
    """A published ranking (学会创新工作排行榜) of a rubric's year, its rows frozen at publication.

    Each row: society id and name, discipline, peer group, total, grade, rank, rank in the peer
    group, last year's rank and the movement.
    """

    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="leaderboards")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    rows = models.JSONField(default=list)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(_("published at"))

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "rubric__organization"
    scope_owner_field = None

    class Meta:
        ordering = ["-year", "-published_at"]
        verbose_name = _("leaderboard")
        constraints = [models.UniqueConstraint(fields=["rubric", "year"], name="leaderboard_per_rubric_year")]

    def __str__(self):
        return self.title
