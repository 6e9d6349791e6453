"""Progress tracking (进度跟踪): cascade, reporting cycles, progress reports, status snapshots, deferrals.

How the pieces fit:

* A plan's tracking settings (``TrackingPolicy``) say how often units report and when a gap
  between expected and actual progress turns a task amber or red. ``ReportingCycle`` rows are
  the periods generated from it.
* Cascade (下达): an upper task handed down to a subordinate organisation becomes a task in that
  organisation's own ledger — a per-(organisation, upper plan) "cascaded tasks" plan
  (``CascadeLedger``), so the lower level sees it next to its own plans. ``Cascade`` links the two
  tasks, ``TargetCascade`` links each child target to the upper target it is a share of. Cascaded
  tasks report in the cycles of the plan at the top of the chain, so one cycle covers every level.
* ``ProgressReport``: one per (task, responsible organisation, cycle), reviewed by the issuer.
  Accepted reports become ``TargetActual`` rows and update the ``TaskSnapshot``.
* ``TaskSnapshot``: the current state of one task, kept for dashboards so that they aggregate
  snapshots with a range scan over the organisation closure table, never by walking reports.
* ``DeferralRequest``: a new due date asked for; the original one stays on the snapshot as the
  baseline and slips are counted.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet
from kexie.plans.models import ItemStatus


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    CUSTOM = "custom", _("Custom")


DEFAULT_AMBER_GAP = 10
DEFAULT_RED_GAP = 25
DEFAULT_FILING_DAYS = 5


class TrackingPolicy(models.Model):
    """How a plan is tracked: its reporting frequency, filing window and colour thresholds.

    A gap is expected progress (序时进度) minus reported progress, in percentage points: above
    ``amber_gap`` the task is amber, above ``red_gap`` (or overdue) red.
    """

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="tracking_policy")
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    filing_days = models.PositiveSmallIntegerField(_("days to file after a period closes"),
                                                   default=DEFAULT_FILING_DAYS)
    amber_gap = models.PositiveSmallIntegerField(_("amber threshold (points)"), default=DEFAULT_AMBER_GAP)
    red_gap = models.PositiveSmallIntegerField(_("red threshold (points)"), default=DEFAULT_RED_GAP)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "plan__organization"
    scope_owner_field = "plan__created_by"

    class Meta:
        verbose_name = _("tracking policy")
        constraints = [
            models.CheckConstraint(condition=Q(amber_gap__lte=F("red_gap")), name="tracking_policy_gaps_ordered"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.get_frequency_display()}"


class ReportingCycle(models.Model):
    """One reporting period (填报周期) of a plan: reports cover [opens_on, closes_on] and are due by ``due_on``."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="reporting_cycles")
    sequence = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=60)
    opens_on = models.DateField(_("period start"))
    closes_on = models.DateField(_("period end"))
    due_on = models.DateField(_("filing due"))

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "plan__organization"
    scope_owner_field = "plan__created_by"

    class Meta:
        ordering = ["plan_id", "sequence"]
        verbose_name = _("reporting cycle")
        constraints = [
            models.UniqueConstraint(fields=["plan", "sequence"], name="cycle_unique_sequence"),
            models.CheckConstraint(condition=Q(opens_on__lte=F("closes_on")) & Q(closes_on__lte=F("due_on")),
                                   name="cycle_dates_ordered"),
        ]

    def __str__(self):
        return self.label


class CascadeLedger(models.Model):
    """The plan holding the tasks an upper plan handed down to one organisation (下达任务台账).

    One per (organisation, upper plan), created on the first cascade and reused after. ``root_plan``
    is the plan at the top of the chain: its reporting cycles and policy apply to every level.
    """

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    source_plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="cascade_ledgers")
    root_plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="cascade_ledger")

    class Meta:
        verbose_name = _("cascaded tasks ledger")
        constraints = [
            models.UniqueConstraint(fields=["organization", "source_plan"], name="cascade_ledger_unique"),
        ]

    def __str__(self):
        return str(self.plan)


class Cascade(models.Model):
    """An upper task handed down (下达) to a subordinate organisation as ``child`` in its ledger."""

    source = models.ForeignKey("plans.PlanItem", on_delete=models.CASCADE, related_name="cascades")
    child = models.OneToOneField("plans.PlanItem", on_delete=models.CASCADE, related_name="cascaded_from")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    # The upper task's own accepted progress when it was handed down: the child starts from it, so
    # handing a task down does not wipe its progress (kexie.tracking.rules).
    carried_percent = models.PositiveSmallIntegerField(_("progress carried over"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        verbose_name = _("cascade")
        constraints = [
            models.UniqueConstraint(fields=["source", "organization"], name="cascade_unique_org"),
        ]

    def __str__(self):
        return f"{self.source} → {self.organization}"


class TargetCascade(models.Model):
    """A child target that is a share of an upper target; actuals roll up along these links."""

    target = models.OneToOneField("plans.Target", on_delete=models.CASCADE, related_name="cascade")
    cascaded_from = models.ForeignKey("plans.Target", on_delete=models.CASCADE, related_name="cascaded")

    class Meta:
        verbose_name = _("target share")

    def __str__(self):
        return f"{self.cascaded_from_id} → {self.target_id}"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class ProgressReport(models.Model):
    """What one responsible unit reports on one task for one cycle (进度填报), and its review.

    ``progress`` is the unit's own account of the task (not started / in progress / completed);
    ``status`` is where the report stands in review. ``late`` is set at submission when it comes
    after the cycle's filing due date and stays set when a returned report is filed again.
    """

    item = models.ForeignKey("plans.PlanItem", on_delete=models.CASCADE, related_name="progress_reports")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("reporting unit"),
                                     on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(ReportingCycle, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices,
                              default=ReportStatus.SUBMITTED, db_index=True)
    progress = models.CharField(_("progress"), max_length=16, choices=ItemStatus.choices,
                                default=ItemStatus.IN_PROGRESS)
    percent = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    narrative = models.TextField(_("narrative"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True)
    late = models.BooleanField(_("late"), default=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "submitted_by"

    class Meta:
        ordering = ["cycle_id", "item_id", "organization_id"]
        verbose_name = _("progress report")
        constraints = [
            models.UniqueConstraint(fields=["item", "organization", "cycle"], name="report_unique_per_cycle"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_range"),
        ]
        indexes = [models.Index(fields=["cycle", "organization"], name="report_cycle_org_idx"),
                   # The dashboards' list of late filings: a cycle's late reports alone.
                   models.Index(fields=["cycle", "organization"], condition=Q(late=True), name="report_late_idx"),
                   # Whether a unit has filed for a task in a cycle (the dashboards' unfiled list asks it
                   # thousands of times): one probe, where the (cycle, organization) index reads every
                   # report of the unit in the cycle.
                   models.Index(fields=["item", "organization", "cycle"], condition=Q(submitted_at__isnull=False),
                                name="report_filed_idx")]

    def __str__(self):
        return f"{self.item} · {self.organization} · {self.cycle}"


class ReportActual(models.Model):
    """An indicator value as filed in a report (before review)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="actuals")
    target = models.ForeignKey("plans.Target", on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("actual value"), max_digits=18, decimal_places=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="report_actual_unique")]


class AttachedFile(models.Model):
    """What every stored supporting file records: the file, its name and size, who uploaded it."""

    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class Evidence(AttachedFile):
    """A supporting file (证明材料) attached to a report, checked on upload."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")

    class Meta:
        verbose_name = _("evidence")


class ActualSource(models.TextChoices):
    REPORT = "report", _("Accepted report")
    ROLLUP = "rollup", _("Rolled up from cascaded tasks")


class TargetActual(models.Model):
    """An indicator's actual value at one cycle: from an accepted report, or rolled up from the
    shares cascaded to lower levels."""

    target = models.ForeignKey("plans.Target", on_delete=models.CASCADE, related_name="actuals")
    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("actual value"), max_digits=18, decimal_places=4)
    source = models.CharField(max_length=8, choices=ActualSource.choices, default=ActualSource.REPORT)
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_id", "cycle_id"]
        verbose_name = _("indicator actual")
        constraints = [models.UniqueConstraint(fields=["target", "cycle"], name="target_actual_per_cycle")]


class Colour(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class TaskSnapshot(models.Model):
    """The current state of one tracked task, for dashboards (状态快照).

    Refreshed when a report on it (or on a task cascaded from it) is accepted, when a deferral
    is approved, and daily by :func:`kexie.tracking.services.snapshots_refresh` because expected
    progress moves with the calendar. ``organization`` is the ledger owner (the plan's
    organisation) and ``lead_organization`` the first lead unit: the dashboards count snapshots
    over a subtree by joining the organisation closure table on these columns, hence the indexes.
    """

    item = models.OneToOneField("plans.PlanItem", on_delete=models.CASCADE, primary_key=True, related_name="snapshot")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    lead_organization = models.ForeignKey("organizations.Organization", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    percent = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    expected = models.PositiveSmallIntegerField(_("expected progress"), null=True, blank=True)
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices, default=Colour.GREEN)
    completed = models.BooleanField(_("completed"), default=False)
    overdue = models.BooleanField(_("overdue"), default=False)
    due = models.DateField(_("deadline"), null=True, blank=True)
    baseline_due = models.DateField(_("original deadline"), null=True, blank=True)
    slips = models.PositiveSmallIntegerField(_("deadline slips"), default=0)
    actuals = models.JSONField(_("latest actuals"), default=dict, blank=True)
    last_report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    as_of = models.DateField(_("as of"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "plan__created_by"

    class Meta:
        verbose_name = _("task snapshot")
        indexes = [
            models.Index(fields=["organization", "colour"], name="snapshot_org_colour_idx"),
            models.Index(fields=["lead_organization", "colour"], name="snapshot_lead_colour_idx"),
            models.Index(fields=["organization", "overdue"], name="snapshot_org_overdue_idx"),
            # The dashboards' overdue list, longest overdue first: a page is the index's first rows.
            models.Index(fields=["due", "item"], condition=Q(overdue=True), name="snapshot_overdue_due_idx"),
        ]

    def __str__(self):
        return f"{self.item_id} {self.colour} {self.percent}%"


class StatisticsDay(models.Model):
    """A day the daily refresh computed every task's light for. The latest is the statistics date
    (统计日期) that every page, export and document shows, and the day changes made before the next
    refresh are computed for: one date for every light (``kexie.tracking.statistics``)."""

    day = models.DateField(_("statistics date"), unique=True)
    tasks = models.PositiveIntegerField(_("tasks refreshed"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"), auto_now=True)

    class Meta:
        verbose_name = _("statistics date")
        ordering = ["-day"]

    def __str__(self):
        return self.day.isoformat()


class DeferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DeferralRequest(models.Model):
    """A request (延期申请) by a responsible unit to move a task's deadline, decided by the issuer."""

    item = models.ForeignKey("plans.PlanItem", on_delete=models.CASCADE, related_name="deferral_requests")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("requesting unit"),
                                     on_delete=models.PROTECT, related_name="+")
    previous_due = models.DateField(_("deadline before"), null=True, blank=True)
    requested_due = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=DeferralStatus.choices,
                              default=DeferralStatus.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "requested_by"

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("deferral request")

    def __str__(self):
        return f"{self.item} → {self.requested_due}"


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    # Never stored: an issued notice past its reply deadline is shown as overdue (computed with today).
    OVERDUE = "overdue", pgettext_lazy("supervision notice", "Overdue")


class SupervisionNotice(models.Model):
    """A supervision notice (督办单) the reform office issues on a task to one responsible unit.

    Numbered per issuing organisation and year (督办〔2026〕3号). The unit must reply by
    ``reply_due``; the issuer then closes it. ``status`` is stored as issued / replied / closed;
    "overdue" is derived (issued and ``reply_due`` passed) so that it never goes stale.
    Its history is the audit trail of the services that changed it.
    """

    item = models.ForeignKey("plans.PlanItem", verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="supervision_notices")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("supervised unit"),
                                     on_delete=models.PROTECT, related_name="+")
    issuer = models.ForeignKey("organizations.Organization", verbose_name=_("issuing organisation"),
                               on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("notice number"), max_length=40)
    reason = models.TextField(_("reason for supervision"))
    reply_due = models.DateField(_("reply deadline"))
    status = models.CharField(_("status"), max_length=16, choices=NoticeStatus.choices,
                              default=NoticeStatus.ISSUED, db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    reply_text = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_late = models.BooleanField(_("replied late"), default=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "issued_by"

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("supervision notice")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "sequence"], name="supervision_notice_number_unique"),
        ]
        indexes = [models.Index(fields=["organization", "status", "reply_due"], name="notice_org_status_idx")]

    def __str__(self):
        return self.number

    def status_on(self, today) -> str:
        """The status as of ``today``: an issued notice past its reply deadline is overdue."""
        if self.status == NoticeStatus.ISSUED and self.reply_due < today:
            return NoticeStatus.OVERDUE
        return self.status


class SupervisionEvidence(AttachedFile):
    """A supporting file attached to the reply to a supervision notice, checked on upload."""

    notice = models.ForeignKey(SupervisionNotice, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="supervision/%Y/%m/")

    class Meta:
        verbose_name = _("reply evidence")


class Instruction(models.Model):
    """A leader's comment (领导批示) on a task, shown to the units responsible for it, or on another
    object (``subject``): a proposal or a bulletin sent to a leader (kexie.proposals). Exactly one of
    ``item`` and ``subject`` is set. ``leader`` names who wrote it when that is not the author account
    (a proposal's 批示 is recorded by the clerk who received it)."""

    item = models.ForeignKey("plans.PlanItem", verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="instructions", null=True, blank=True)
    subject_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    leader = models.CharField(_("leader"), max_length=100, blank=True)
    given_on = models.DateField(_("instruction date"), null=True, blank=True)
    text = models.TextField(_("instruction"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("author's organisation"),
                                     null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "item__plan__organization"
    scope_owner_field = "author"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("leader's instruction")
        constraints = [models.CheckConstraint(
            condition=(Q(item__isnull=False) & Q(subject_type__isnull=True) & Q(subject_id__isnull=True))
            | (Q(item__isnull=True) & Q(subject_type__isnull=False) & Q(subject_id__isnull=False)),
            name="tracking_instruction_item_or_subject")]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="tracking_instruction_subject")]

    def __str__(self):
        return f"{self.item_id or self.subject_id}: {self.text[:30]}"
