"""Plans (规划、方案、要点) and their ledger (台账): items, targets and responsible units.

A plan is created from a document through a reviewed import (``PlanImport``): the parser's
``kexie.plan/1`` tree is corrected by a person, each lead-unit string is mapped to an organisation,
and only then does the plan exist. Every item keeps the character span of its source text.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kexie.core.querysets import ScopedQuerySet


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    SUPERSEDED = "superseded", _("Superseded by a revision")


class Plan(models.Model):
    """One plan document of one organisation, turned into a ledger of items."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    doc_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    source_file = models.FileField(_("uploaded file"), upload_to="plans/%Y/%m/", blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey("self", verbose_name=_("previous version"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="revisions")
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(condition=Q(period_start__isnull=True) | Q(period_end__isnull=True)
                                   | Q(period_start__lte=F("period_end")), name="plan_period_ordered"),
        ]

    def __str__(self):
        return self.title


class ItemKind(models.TextChoices):
    SECTION = "section", _("Section")
    TASK = "task", _("Task")
    GOAL = "goal", _("Goal")
    CONTEXT = "context", _("Context")
    SAFEGUARD = "safeguard", _("Safeguard")


# Items someone must carry out and report on; sections and context are read, not tracked.
TRACKED_KINDS = (ItemKind.TASK, ItemKind.GOAL, ItemKind.SAFEGUARD)


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class PlanItem(models.Model):
    """A section, task, goal, context paragraph or safeguard of a plan, in document order."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    key = models.CharField(_("number"), max_length=60)
    position = models.PositiveIntegerField(_("position"))
    depth = models.PositiveSmallIntegerField(_("depth"))
    marker = models.CharField(_("marker"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    text = models.TextField(_("text"), blank=True)
    due = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices,
                              default=ItemStatus.NOT_STARTED, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "plan__organization"
    scope_owner_field = "plan__created_by"

    class Meta:
        ordering = ["plan_id", "position"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plan_item_unique_key"),
            models.UniqueConstraint(fields=["plan", "position"], name="plan_item_unique_position"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="plan_item_kind_valid"),
        ]
        indexes = [models.Index(fields=["status", "due"], name="plan_item_status_due_idx")]

    def __str__(self):
        return f"{self.key} {self.title}"


class TargetDirection(models.TextChoices):
    INCREASE = "increase", _("More is better")
    DECREASE = "decrease", _("Less is better")


class Target(models.Model):
    """A quantified commitment (指标) of an item: e.g. 建设 10 个 科学家精神教育基地."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("as written"), max_length=300, blank=True)
    metric = models.CharField(_("metric"), max_length=200, blank=True)
    verb = models.CharField(_("verb"), max_length=20, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=18, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=18, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    direction = models.CharField(_("direction"), max_length=16, choices=TargetDirection.choices,
                                 default=TargetDirection.INCREASE)
    due = models.DateField(_("deadline"), null=True, blank=True)
    # A registry measure (kexie.plans.measures) counting this target's progress from the platform's
    # own records, e.g. the 科技小院 of the stations registry; blank for targets only reports measure.
    measure = models.CharField(_("counted from"), max_length=80, blank=True)

    class Meta:
        ordering = ["item_id", "position", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=Q(min_value__isnull=True) | Q(max_value__isnull=True)
                                   | Q(min_value__lte=F("max_value")), name="target_range_ordered"),
        ]

    def __str__(self):
        return self.text or f"{self.verb}{self.min_value}{self.unit}{self.metric}"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-responsible unit")


class Assignment(models.Model):
    """A unit responsible for an item, as named in the document and as mapped to an organisation.

    ``organization`` is null when the person reviewing the import explicitly left the name
    unassigned (e.g. a collective name like 各成员单位).
    """

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=8, choices=AssignmentRole.choices)
    unit_name = models.CharField(_("unit as written"), max_length=200)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="assignments")

    class Meta:
        ordering = ["item_id", "role", "id"]
        verbose_name = _("assignment")
        constraints = [
            models.UniqueConstraint(fields=["item", "role", "unit_name"], name="assignment_unique_unit"),
        ]
        indexes = [models.Index(fields=["organization", "role"], name="assignment_org_idx")]

    def __str__(self):
        return f"{self.get_role_display()}: {self.organization or self.unit_name}"


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Under review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISCARDED = "discarded", _("Discarded")


class PlanImport(models.Model):
    """A plan document under review: the parsed tree as the reviewer corrects it.

    ``parsed`` is a ``kexie.plan/1`` dict edited in place; ``unit_mapping`` maps each unit string
    found in it to ``{"organization": id}`` or ``{"unassigned": true}``. Nothing becomes a Plan until
    the reviewer confirms.
    """

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    source_file = models.FileField(_("uploaded file"), upload_to="plan-imports/%Y/%m/", blank=True)
    source_text = models.TextField(_("source text"))
    parsed = models.JSONField(_("parsed plan"))
    unit_mapping = models.JSONField(_("unit mapping"), default=dict, blank=True)
    base_plan = models.ForeignKey(Plan, verbose_name=_("revises plan"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.DRAFT)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("plan import")

    def __str__(self):
        return self.parsed.get("title") or self.source_name


# --- alignment (对标) ------------------------------------------------------------------------------

class PlanAlignment(models.Model):
    """A lower plan aligned item by item to an upper plan (对标), as chosen by a user.

    One per (lower plan, upper plan). The suggestions are computed once by ``kexie.textsim`` when
    the alignment starts and stored with each :class:`ItemAlignment`, so the screen reads them
    instead of recomputing. ``threshold`` is the score from which a suggestion counts as a
    counterpart in the coverage report and the "below threshold" filter.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="alignments")
    upper_plan = models.ForeignKey(Plan, verbose_name=_("upper plan"), on_delete=models.CASCADE,
                                   related_name="aligned_from")
    threshold = models.FloatField(_("threshold"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    # Who may see an alignment is decided by the lower plan: it is that plan's work.
    scope_org_field = "plan__organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["plan_id", "id"]
        verbose_name = _("plan alignment")
        verbose_name_plural = _("plan alignments")
        constraints = [
            models.UniqueConstraint(fields=["plan", "upper_plan"], name="plan_alignment_unique_pair"),
            models.CheckConstraint(condition=~Q(plan=F("upper_plan")), name="plan_alignment_not_itself"),
            models.CheckConstraint(condition=Q(threshold__gte=0) & Q(threshold__lte=1),
                                   name="plan_alignment_threshold_range"),
        ]

    def __str__(self):
        return f"{self.plan} → {self.upper_plan}"


class AlignmentStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested, not decided")
    ACCEPTED = "accepted", _("Suggestion accepted")
    CHANGED = "changed", _("Another item chosen")
    NONE = "none", _("No counterpart")


DECIDED_STATUSES = (AlignmentStatus.ACCEPTED, AlignmentStatus.CHANGED, AlignmentStatus.NONE)


class ItemAlignment(models.Model):
    """One lower item's counterpart in the upper plan: the best suggestion until someone decides,
    then the item they accepted or chose, or explicitly none (无对应).

    ``score`` and ``rank`` describe ``upper_item`` as the similarity computed it (rank 1 = the
    first suggestion); both are empty for an item a person picked outside the suggestions.
    """

    alignment = models.ForeignKey(PlanAlignment, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(PlanItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="alignments")
    # RESTRICT: an upper item goes only with its plan, which takes the alignment with it.
    upper_item = models.ForeignKey(PlanItem, verbose_name=_("upper item"), null=True, blank=True,
                                   on_delete=models.RESTRICT, related_name="+")
    score = models.FloatField(_("score"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("suggested rank"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AlignmentStatus.choices,
                              default=AlignmentStatus.SUGGESTED, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "alignment__plan__organization"
    scope_owner_field = "alignment__created_by"

    class Meta:
        ordering = ["alignment_id", "item__position"]
        verbose_name = _("item alignment")
        verbose_name_plural = _("item alignments")
        constraints = [
            models.UniqueConstraint(fields=["alignment", "item"], name="item_alignment_unique_item"),
            models.CheckConstraint(condition=Q(status__in=AlignmentStatus.values), name="item_alignment_status_valid"),
            # 无对应 names no upper item; an accepted or chosen counterpart always names one.
            models.CheckConstraint(
                condition=~Q(status=AlignmentStatus.NONE) | Q(upper_item__isnull=True),
                name="item_alignment_none_has_no_item"),
            models.CheckConstraint(
                condition=~Q(status__in=[AlignmentStatus.ACCEPTED, AlignmentStatus.CHANGED])
                | Q(upper_item__isnull=False),
                name="item_alignment_decision_has_item"),
        ]

    def __str__(self):
        return f"{self.item.key} → {self.upper_item.key if self.upper_item_id else '—'}"

    @property
    def decided(self) -> bool:
        return self.status in DECIDED_STATUSES


class AlignmentSuggestion(models.Model):
    """One of the upper items suggested for a lower item, with its similarity score, best first."""

    item_alignment = models.ForeignKey(ItemAlignment, on_delete=models.CASCADE, related_name="suggestions")
    upper_item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))

    class Meta:
        ordering = ["item_alignment_id", "rank"]
        verbose_name = _("alignment suggestion")
        constraints = [
            models.UniqueConstraint(fields=["item_alignment", "rank"], name="alignment_suggestion_unique_rank"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.upper_item_id} ({self.score:.2f})"
