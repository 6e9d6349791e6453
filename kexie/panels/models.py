"""Review panels (评审): one engine for every review — award nominations, open calls, proposals,
content review.

A ``ReviewRound`` is kept by an organisation and draws its experts from one expert library. Its
``ReviewItem`` rows are what is reviewed (an award's nomination, an open call's application …;
``source`` points back at it). Experts sit on the panel through ``PanelSeat`` (drawn, assigned
or added by hand), are checked against every item (``ConflictRecord``, one row per reason, from
``kexie.experts_engine.conflicts``), assigned items (``Assignment``) and score them on the
round's form (``ItemScore``). The panel's figures come from ``kexie.rubric.panel``; then come the
notice (公示), objections and the final ``Decision``.

Expert ids handed to the engines are ``Person`` ids: conflicts are about humans (relations,
co-authors, recommenders are persons), and a person is in a library at most once.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kexie.core.querysets import ScopedQuerySet


class RoundKind(models.TextChoices):
    AWARD = "award", _("Award nominations")  # 奖项提名
    OPEN_CALL = "open_call", _("Open call")  # 揭榜挂帅
    PROPOSAL = "proposal", _("Proposals")  # 建言献策
    CONTENT = "content", _("Content review")  # 内容审核
    OTHER = "other", _("Other review")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    DRAWING = "drawing", _("Panel being formed")
    REVIEWING = "reviewing", _("Under review")
    SCORED = "scored", _("Scored")
    NOTICE = "notice", _("Public notice")
    DECIDED = "decided", _("Decided")


class Method(models.TextChoices):
    MEAN = "mean", _("Plain mean")
    ZSCORE = "zscore", _("Per-reviewer standardised (z-score)")


class ReviewRound(models.Model):
    """One review: its items, its panel, its form (criteria with maxima) and its rules."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    library = models.ForeignKey("people.ExpertLibrary", verbose_name=_("expert library"), on_delete=models.PROTECT,
                                related_name="+")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=RoundKind.choices, default=RoundKind.OTHER)
    status = models.CharField(_("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT,
                              db_index=True)
    # The review form: [{"code", "name", "max"}, ...], maxima adding up to 100 (see forms.py).
    form = models.JSONField(_("review form"), default=list)
    reviewers_per_item = models.PositiveSmallIntegerField(_("reviewers per item"), default=3)
    load_cap = models.PositiveSmallIntegerField(_("most items per reviewer"), default=10)
    method = models.CharField(_("combining method"), max_length=8, choices=Method.choices, default=Method.MEAN)
    drop_extremes = models.BooleanField(_("drop the highest and lowest score"), default=False)
    coauthor_years = models.PositiveSmallIntegerField(_("co-authorship counts for (years)"), default=5)
    notice_start = models.DateField(_("notice from"), null=True, blank=True)
    notice_end = models.DateField(_("notice until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review round")
        constraints = [
            models.CheckConstraint(condition=Q(reviewers_per_item__gte=1), name="panels_round_k_positive"),
            models.CheckConstraint(condition=Q(notice_start__isnull=True) | Q(notice_end__isnull=True)
                                   | Q(notice_end__gte=models.F("notice_start")), name="panels_round_notice_order"),
        ]

    def __str__(self):
        return self.title


class ReviewItem(models.Model):
    """What is reviewed: a nomination, an application, a proposal, a text."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    disciplines = models.JSONField(_("disciplines"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    region_code = models.CharField(_("region"), max_length=6, blank=True)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation under review"),
                                     null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    units = models.JSONField(_("units involved"), default=list, blank=True)  # names of outside units
    persons = models.ManyToManyField("people.Person", blank=True, related_name="+",
                                     verbose_name=_("persons under review"))
    recommenders = models.ManyToManyField("people.Person", blank=True, related_name="+",
                                          verbose_name=_("recommenders"))
    avoid_units = models.JSONField(_("units to avoid"), default=list, blank=True)
    avoid_persons = models.ManyToManyField("people.Person", blank=True, related_name="+",
                                           verbose_name=_("experts to avoid"))
    # Where the item comes from (an award nomination, an open-call application …), when it does.
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "round__organization"
    scope_owner_field = "round__created_by"

    class Meta:
        ordering = ["round_id", "pk"]
        verbose_name = _("review item")

    def __str__(self):
        return self.title


class SeatHow(models.TextChoices):
    DRAW = "draw", _("Random draw")
    ASSIGNMENT = "assignment", _("Assignment")
    MANUAL = "manual", _("Added by hand")


class SeatState(models.TextChoices):
    ALTERNATE = "alternate", _("Alternate")  # 候补
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    REPLACED = "replaced", _("Replaced")


ACTIVE_SEAT_STATES = (SeatState.INVITED, SeatState.CONFIRMED)


class PanelSeat(models.Model):
    """An expert's place on a round's panel; a drawn seat is sealed until the draw is opened."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="seats")
    entry = models.ForeignKey("people.ExpertEntry", verbose_name=_("expert"), on_delete=models.PROTECT,
                              related_name="+")
    how = models.CharField(_("chosen by"), max_length=12, choices=SeatHow.choices)
    condition = models.PositiveSmallIntegerField(_("condition"), null=True, blank=True)
    alternate_order = models.PositiveSmallIntegerField(_("alternate order"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=SeatState.choices, default=SeatState.INVITED)
    sealed = models.BooleanField(_("sealed"), default=False)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round_id", "condition", "alternate_order", "pk"]
        verbose_name = _("panel seat")
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="panels_seat_unique")]

    def __str__(self):
        return str(self.entry.person)


class Assignment(models.Model):
    """An expert (by seat) reviewing an item."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="assignments")
    seat = models.ForeignKey(PanelSeat, on_delete=models.CASCADE, related_name="assignments")
    how = models.CharField(_("chosen by"), max_length=12, choices=SeatHow.choices, default=SeatHow.ASSIGNMENT)

    class Meta:
        ordering = ["item_id", "seat_id"]
        verbose_name = _("assignment")
        constraints = [models.UniqueConstraint(fields=["item", "seat"], name="panels_assignment_unique")]


class ConflictRecord(models.Model):
    """One reason why an expert may not review an item, as the conflict engine gave it."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="conflicts")
    entry = models.ForeignKey("people.ExpertEntry", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="conflicts")
    reason_code = models.CharField(_("reason"), max_length=32)
    message = models.CharField(_("message"), max_length=500)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["round_id", "item_id", "entry_id", "pk"]
        verbose_name = _("conflict of interest")
        indexes = [models.Index(fields=["item", "entry"], name="panels_conflict_pair_idx")]


class DrawRecord(models.Model):
    """A random draw: seed, conditions, the pool's size and hash, and what it gave (sealed)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="draws")
    seed = models.BigIntegerField(_("seed"))
    conditions = models.JSONField(_("conditions"), default=list)
    alternates = models.PositiveSmallIntegerField(_("alternates per condition"), default=2)
    excluded_ids = models.JSONField(default=list, blank=True)  # person ids already on the panel
    pool_size = models.PositiveIntegerField(_("pool size"))
    pool_hash = models.CharField(_("pool hash"), max_length=64)
    result = models.JSONField(default=dict)  # experts_engine.draw.Draw.to_dict(), replacements included
    sealed = models.BooleanField(_("sealed"), default=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "-created_at", "-pk"]
        verbose_name = _("draw")


class ItemScore(models.Model):
    """One expert's scores for one item: points per criterion, the total, a comment."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="scores")
    entry = models.ForeignKey("people.ExpertEntry", verbose_name=_("expert"), on_delete=models.PROTECT,
                              related_name="+")
    values = models.JSONField(_("points per criterion"), default=dict)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["item_id", "entry_id"]
        verbose_name = _("score")
        constraints = [models.UniqueConstraint(fields=["item", "entry"], name="panels_score_unique"),
                       models.CheckConstraint(condition=Q(total__gte=0) & Q(total__lte=100),
                                              name="panels_score_total_range")]


class Objection(models.Model):
    """An objection (异议) raised during the notice, and how it was handled."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("objection"))
    raised_by_name = models.CharField(_("raised by"), max_length=100, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    decision = models.TextField(_("handling"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item_id", "raised_at", "pk"]
        verbose_name = _("objection")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    NOT_APPROVED = "not_approved", _("Not approved")


class Decision(models.Model):
    """The final result for one item, with the panel's figures it was taken on."""

    item = models.OneToOneField(ReviewItem, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    score = models.DecimalField(_("panel score"), max_digits=7, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item_id"]
        verbose_name = _("decision")
