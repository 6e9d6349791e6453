"""Notifications (站内通知), their e-mail outbox, and the record of urging notices (催办).

* ``Notification``: one message to one user, shown in the inbox. ``dedupe_key`` is unique: it
  names the event and the recipient, so the code that raises an event may run again (a retried
  job, a re-run after a crash) without telling anyone twice.
* ``MailMessage``: the outbox. One row per message to be e-mailed — a notification's copy for a
  user with an address, or a mail-only message to an organisation's contact address when it has
  nobody to notify in the application. The delivery job claims rows one at a time, recording the
  claim (``sending``) before it hands the message to the mail server; its ``message_id`` is
  derived from the dedupe key, so a message sent again after a crash carries the same Message-ID
  and the receiving server can drop the duplicate.
* ``Urging``: that a unit was urged (level 1) or its head was told (level 2) about a task not
  filed in a cycle — the "已催办 N 次" on task pages.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    URGE = "urge", _("Urging notice")
    URGE_ESCALATED = "urge_escalated", _("Urging notice to the unit's head")
    REPORT_SUBMITTED = "report_submitted", _("Report to review")
    REPORT_RETURNED = "report_returned", _("Report returned")
    DEFERRAL_DECIDED = "deferral_decided", _("Deferral request decided")
    SUPERVISION_ISSUED = "supervision_issued", _("Supervision notice issued")
    SUPERVISION_REPLIED = "supervision_replied", _("Supervision notice answered")
    INSTRUCTION = "instruction", _("Leader's instruction")
    REVIEW_INVITATION = "review_invitation", _("Review invitation")
    DEMAND = "demand", _("Technical demand")
    FOLLOW_UP = "follow_up", _("Visit follow-up")
    CONTACT_DUE = "contact_due", _("Regular contact due")
    PROPOSAL = "proposal", _("Proposal")
    ACTIVITY = "activity", _("Activity registration")
    ABSTRACT = "abstract", _("Call for abstracts")
    VOLUNTEER = "volunteer", _("Volunteer service")


class Notification(models.Model):
    """A message to one user in the application (站内通知), read or not."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What it is about, as plain values: the object may belong to any app, or be gone by now.
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            # The count badge on every page: unread rows of one user, nothing else.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None


class MailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    # Claimed by a delivery run and being handed to the mail server; back to pending if that run's
    # worker is killed before it records the outcome (after KEXIE_TASK_LEASE_SECONDS).
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MailMessage(models.Model):
    """One e-mail in the outbox, sent by the delivery job (:func:`kexie.notifications.services.mail_deliver`)."""

    notification = models.OneToOneField(Notification, null=True, blank=True, on_delete=models.CASCADE,
                                        related_name="mail")
    dedupe_key = models.CharField(max_length=255, unique=True)
    to = models.EmailField(_("recipient address"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=MailStatus.choices, default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When a failed message may be tried again; while it is being sent, when its lease runs out.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("e-mail message")
        indexes = [
            models.Index(fields=["id"], condition=Q(status="pending"), name="mail_pending_idx"),
            # Each worker tick looks for messages left being sent past their lease: a handful at most.
            models.Index(fields=["next_attempt_at"], condition=Q(status="sending"), name="mail_sending_idx"),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class Urging(models.Model):
    """An urging notice sent for a task a unit has not filed in a cycle: level 1 to the unit's
    reporters, level 2 (escalated) to its head. At most one of each level per (cycle, task, unit)."""

    LEVELS = [(1, _("Urged")), (2, _("Escalated to the unit's head"))]

    cycle = models.ForeignKey("tracking.ReportingCycle", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey("plans.PlanItem", verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="urgings")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("unit"), on_delete=models.CASCADE,
                                     related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVELS)
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["cycle_id", "item_id", "organization_id", "level"]
        verbose_name = _("urging notice")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "item", "organization", "level"], name="urging_unique_level"),
            models.CheckConstraint(condition=Q(level__in=[1, 2]), name="urging_level_range"),
        ]

    def __str__(self):
        return f"{self.cycle_id}/{self.item_id}/{self.organization_id} L{self.level}"
