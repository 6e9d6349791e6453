"""Talent nominations and awards (人才举荐与奖项): the first service on the people and panels engines.

An ``AwardCall`` is kept by an organisation; nominating organisations take part through a
``Channel`` (推荐渠道) with a quota (名额). A ``Nomination`` names a nominee (a ``people.Person``)
and recommenders, carries materials, passes a formal check against the call's eligibility rules
and, once accepted, becomes a ``panels.ReviewItem`` of the call's review round. 托举 cohorts
report yearly through ``FollowUp``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kexie.core.querysets import ScopedQuerySet


class CallKind(models.TextChoices):
    ACADEMICIAN = "academician", _("Academician candidates")  # 院士候选人推荐
    YOUTH = "youth", _("Young scientist award")  # 青年科技奖
    LIFT = "lift", _("Young talent lift programme")  # 托举工程
    SOCIETY = "society", _("Society award")
    OTHER = "other", _("Other award")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for nominations")
    FORMAL_CHECK = "formal_check", _("Formal check")
    REVIEW = "review", _("Being reviewed by the panel")
    NOTICE = "notice", _("Ranking on public notice")
    DECIDED = "decided", _("Winners decided")


class AwardCall(models.Model):
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("award kind"), max_length=12, choices=CallKind.choices, default=CallKind.OTHER)
    title = models.CharField(_("call title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CallStatus.choices, default=CallStatus.DRAFT,
                              db_index=True)
    # [{"rule": "max_age", "age": 40, "on": "2025-12-31"}, {"rule": "disciplines", "prefixes": [...]}, ...]
    rules = models.JSONField(_("eligibility rules"), default=list, blank=True)
    review_round = models.OneToOneField("panels.ReviewRound", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="award_call", verbose_name=_("panel review round"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("award call")
        constraints = [models.CheckConstraint(
            condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
            name="awards_call_dates_order")]

    def __str__(self):
        return self.title


class Channel(models.Model):
    """A nominating organisation of a call and its quota (名额)."""

    call = models.ForeignKey(AwardCall, on_delete=models.CASCADE, related_name="channels")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("nominating organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("channel kind"), max_length=30, blank=True)  # e.g. 省级科协, 全国学会
    quota = models.PositiveSmallIntegerField(_("quota"))

    class Meta:
        ordering = ["call_id", "pk"]
        verbose_name = _("nominating channel")
        constraints = [models.UniqueConstraint(fields=["call", "organization"], name="awards_channel_unique")]

    def __str__(self):
        return str(self.organization)


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Nominated")
    REJECTED = "formally_rejected", _("Rejected at the formal check")
    ACCEPTED = "accepted", _("Passed the formal check")
    REVIEWED = "reviewed", _("Reviewed")
    WINNER = "winner", _("Winner")
    NOT_SELECTED = "not_selected", _("Not selected")


class NominationQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str):
        """Nominations made through a channel in the user's scope, or in a call the user's scope keeps."""
        from kexie.accounts.scope import scope_q

        by_channel = scope_q(user, action, org_field="channel__organization", owner_field="created_by")
        by_call = scope_q(user, action, org_field="call__organization", owner_field="call__created_by")
        parts = [q for q in (by_channel, by_call) if q is not None]
        if not parts:
            return self.none()
        q = parts[0]
        for part in parts[1:]:
            q |= part
        return self.filter(q)


class Nomination(models.Model):
    call = models.ForeignKey(AwardCall, on_delete=models.CASCADE, related_name="nominations")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="nominations")
    nominee = models.ForeignKey("people.Person", verbose_name=_("nominee"), on_delete=models.PROTECT,
                                related_name="+")
    recommenders = models.ManyToManyField("people.Person", blank=True, related_name="+",
                                          verbose_name=_("recommenders"))
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=NominationStatus.choices,
                              default=NominationStatus.SUBMITTED, db_index=True)
    check_reasons = models.JSONField(_("formal check reasons"), default=list, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    review_item = models.OneToOneField("panels.ReviewItem", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NominationQuerySet.as_manager()

    scope_org_field = "channel__organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["call_id", "pk"]
        verbose_name = _("nomination")

    def __str__(self):
        return f"{self.nominee} ({self.call})"


class Material(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("material title"), max_length=200)
    file = models.FileField(_("file"), upload_to="awards/%Y/", blank=True)
    text = models.TextField(_("material text"), blank=True)

    class Meta:
        ordering = ["nomination_id", "pk"]
        verbose_name = _("material")


class FollowUp(models.Model):
    """A 托举 cohort member's report for one programme year."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="followups")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    programme_year = models.PositiveSmallIntegerField(_("programme year"))
    due_on = models.DateField(_("due on"))
    text = models.TextField(_("report"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_note = models.TextField(_("review"), blank=True)
    reviewed_at = models.DateTimeField(_("report reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["nomination_id", "programme_year"]
        verbose_name = _("follow-up report")
        constraints = [models.UniqueConstraint(fields=["nomination", "programme_year"], name="awards_followup_once")]
