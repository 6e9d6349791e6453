"""The audit trail: one append-only, hash-chained row per change or security event."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class AuditImmutable(Exception):
    """Audit rows are never changed or deleted through the application."""


class AuditLogQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise AuditImmutable("audit rows cannot be updated")

    def delete(self):
        raise AuditImmutable("audit rows cannot be deleted; use the retention job")


class AuditLog(models.Model):
    """One audited event. Rows form a keyed chain: ``hash = HMAC(key, canonical row incl. prev_hash)``."""

    class Action(models.TextChoices):
        """Every action code that ``audit_record`` is called with anywhere in the platform.

        The trail stores the code; pages and exports show the label (a test keeps this list
        complete). The labels carry a context: a verb here must not take the translation of
        the same English on a button elsewhere.
        """

        # Generic changes and security events.
        CREATE = "create", pgettext_lazy("audit action", "Create")
        UPDATE = "update", pgettext_lazy("audit action", "Update")
        DELETE = "delete", pgettext_lazy("audit action", "Delete")
        MOVE = "move", pgettext_lazy("audit action", "Move")
        STATUS = "status", pgettext_lazy("audit action", "Status change")
        IMPORT = "import", pgettext_lazy("audit action", "Import")
        EXPORT = "export", pgettext_lazy("audit action", "Export")
        LOGIN = "login", pgettext_lazy("audit action", "Login")
        LOGOUT = "logout", pgettext_lazy("audit action", "Logout")
        LOGIN_FAILED = "login_failed", pgettext_lazy("audit action", "Failed login")
        PERMISSION = "permission", pgettext_lazy("audit action", "Permission change")
        UNMASK = "unmask", pgettext_lazy("audit action", "View unmasked personal data")
        PASSWORD = "password", pgettext_lazy("audit action", "Password change")
        SECURITY = "security", pgettext_lazy("audit action", "Security event")
        PURGE = "purge", pgettext_lazy("audit action", "Audit retention purge")
        REFUSED = "refused", pgettext_lazy("audit action", "Refused request")
        RATE_LIMITED = "rate_limited", pgettext_lazy("audit action", "Rate limited")
        # Workflows: reports, deferrals, supervision, reminders.
        SUBMIT = "submit", pgettext_lazy("audit action", "Submit")
        ACCEPT = "accept", pgettext_lazy("audit action", "Accept")
        RETURN = "return", pgettext_lazy("audit action", "Return for revision")
        APPROVE = "approve", pgettext_lazy("audit action", "Approve")
        REJECT = "reject", pgettext_lazy("audit action", "Reject")
        SCHEDULE = "schedule", pgettext_lazy("audit action", "Set the reporting schedule")
        CASCADE = "cascade", pgettext_lazy("audit action", "Hand down a task")
        ISSUE = "issue", pgettext_lazy("audit action", "Issue a supervision notice")
        REPLY = "reply", pgettext_lazy("audit action", "Reply")
        CLOSE = "close", pgettext_lazy("audit action", "Close")
        INSTRUCT = "instruct", pgettext_lazy("audit action", "Leader's instruction")
        REMIND = "remind", pgettext_lazy("audit action", "Reminder")
        # Societies and their evaluation.
        REACHABLE = "reachable", pgettext_lazy("audit action", "Mark as reachable")
        UNREACHABLE = "unreachable", pgettext_lazy("audit action", "Mark as unreachable")
        FREEZE = "freeze", pgettext_lazy("audit action", "Freeze the rubric")
        NEW_VERSION = "new_version", pgettext_lazy("audit action", "New rubric version")
        EVALUATE = "evaluate", pgettext_lazy("audit action", "Start an evaluation")
        SELF_SCORE = "self_score", pgettext_lazy("audit action", "Save the self-score")
        REVIEW = "review", pgettext_lazy("audit action", "Review the scores")
        FINALISE = "finalise", pgettext_lazy("audit action", "Finalise grades and ranks")
        PUBLISH = "publish", pgettext_lazy("audit action", "Publish")
        ASSIGN = "assign", pgettext_lazy("audit action", "Assign a reviewer")
        # Selection rounds and the four-batch review.
        APPLY = "apply", pgettext_lazy("audit action", "Apply")
        PANEL_ADD = "panel_add", pgettext_lazy("audit action", "Add an expert to the panel")
        EVALUATION = "evaluation", pgettext_lazy("audit action", "Take in the evaluation result")
        ELIGIBILITY = "eligibility", pgettext_lazy("audit action", "Eligibility check")
        RECUSE = "recuse", pgettext_lazy("audit action", "Recusal")
        SCORE = "score", pgettext_lazy("audit action", "Score")
        OBJECTION = "objection", pgettext_lazy("audit action", "Raise an objection")
        OBJECTION_HANDLE = "objection_handle", pgettext_lazy("audit action", "Handle an objection")
        FLAGS_COMPUTE = "flags_compute", pgettext_lazy("audit action", "Compute the four-batch flags")
        FLAGS_REFRESH = "flags_refresh", pgettext_lazy("audit action", "Refresh the four-batch flags")
        DECIDE = "decide", pgettext_lazy("audit action", "Decide on a flag")
        # People and the expert library.
        MERGE = "merge", pgettext_lazy("audit action", "Merge person records")
        UNMERGE = "unmerge", pgettext_lazy("audit action", "Undo a merge of person records")
        # Activities and volunteers: a ticket or a volunteer checked in or out at the door.
        CHECKIN = "checkin", pgettext_lazy("audit action", "Check in")
        CHECKOUT = "checkout", pgettext_lazy("audit action", "Check out")

    time = models.DateTimeField(_("time"), db_index=True)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("user"), max_length=150, blank=True)
    organization_id = models.BigIntegerField(_("organisation id"), null=True, blank=True)
    organization_name = models.CharField(_("organisation"), max_length=200, blank=True)
    ip = models.CharField(_("IP address"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    old_values = models.JSONField(_("old values"), null=True, blank=True)
    new_values = models.JSONField(_("new values"), null=True, blank=True)
    success = models.BooleanField(_("success"), default=True)
    detail = models.TextField(_("detail"), blank=True)
    alg = models.CharField(max_length=16, default="hmac-sm3")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditLogQuerySet.as_manager()

    scope_org_field = "organization_id"
    scope_owner_field = "user_id"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditImmutable("audit rows cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("audit rows cannot be deleted; use the retention job")


class AuditChainHead(models.Model):
    """A single row that serialises appends and remembers where the chain starts.

    ``anchor_hash`` is the prev_hash the oldest surviving row must carry; the retention purge
    moves it forward when it removes old rows. ``change_hash`` is the hash of the latest row that
    records a change (not a sign-in, sign-out, export or unmasking, which change nothing shown):
    answers kept in the cache are current while it stays (``kexie.audit.freshness``).
    """

    last_hash = models.CharField(max_length=64)
    anchor_hash = models.CharField(max_length=64)
    change_hash = models.CharField(max_length=64, default="", blank=True)

    class Meta:
        verbose_name = _("audit chain head")


class RecomputeEpoch(models.Model):
    """One row counting the recomputations of derived data that write no audit row (the daily
    refresh, a rebuild). With the audit chain's head, which moves with every other change, it tells
    whether an answer kept in the cache is still current (:mod:`kexie.audit.freshness`)."""

    value = models.BigIntegerField(default=0)

    class Meta:
        # Created by the dashboard app, where it started; the table kept its name.
        db_table = "dashboard_recomputeepoch"
        verbose_name = _("recomputation epoch")

    def __str__(self):
        return str(self.value)
