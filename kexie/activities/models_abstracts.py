"""Calls for abstracts (论文摘要征集) of academic conferences and the abstracts submitted to them.

A conference of the registry (kind ``conference``) may open one call with its dates and topics.
S&T workers submit abstracts from their own pages, credited to the person record linked to their
account. The review goes through the panels engine: sending the call to review makes one
``panels.ReviewRound`` with one ``panels.ReviewItem`` per abstract (its author as the item's
person, for the conflict checks); the organisers then accept or reject each abstract in view of
the round's scores and ranking, and the submitter is notified."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class CallStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("abstract call", "Open")
    CLOSED = "closed", pgettext_lazy("abstract call", "Closed")
    REVIEW = "review", pgettext_lazy("abstract call", "Under review")


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("abstract", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("abstract", "Under review")
    ACCEPTED = "accepted", pgettext_lazy("abstract", "Accepted")
    REJECTED = "rejected", pgettext_lazy("abstract", "Rejected")


class AbstractCall(models.Model):
    """A conference's call for abstracts."""

    activity = models.OneToOneField("activities.Activity", verbose_name=_("conference"), on_delete=models.CASCADE,
                                    related_name="abstract_call")
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"))
    topics = models.TextField(_("topics"), blank=True, help_text=_("One topic a line."))
    status = models.CharField(_("status"), max_length=12, choices=CallStatus.choices, default=CallStatus.OPEN,
                              db_index=True)
    review_round = models.OneToOneField("panels.ReviewRound", verbose_name=_("review round"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "activity__organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-opens_on", "pk"]
        verbose_name = _("call for abstracts")
        verbose_name_plural = _("calls for abstracts")
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                              name="activities_abstract_call_dates")]

    def __str__(self):
        return str(self.activity)

    def topic_list(self) -> list[str]:
        return [line.strip() for line in self.topics.splitlines() if line.strip()]


class AbstractSubmission(models.Model):
    """One abstract submitted to a call."""

    call = models.ForeignKey(AbstractCall, verbose_name=_("call for abstracts"), on_delete=models.CASCADE,
                             related_name="submissions")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("person record"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    authors = models.CharField(_("authors"), max_length=500)
    abstract = models.TextField(_("abstract"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.SUBMITTED, db_index=True)
    review_item = models.OneToOneField("panels.ReviewItem", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    panel_score = models.DecimalField(_("panel score"), max_digits=7, decimal_places=2, null=True, blank=True)
    panel_rank = models.PositiveIntegerField(_("panel rank"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=500, blank=True)
    decided_at = models.DateTimeField(pgettext_lazy("abstract", "decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "call__activity__organization"
    scope_owner_field = None

    class Meta:
        ordering = ["call_id", "pk"]
        verbose_name = _("abstract")
        verbose_name_plural = _("abstracts")

    def __str__(self):
        return self.title
