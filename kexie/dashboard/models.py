"""What the dashboards keep besides the task snapshots: each task's state per reporting cycle, and
those states summed per (owner organisation, cycle), so that the trend over cycles is one indexed
query over a few rows per organisation rather than a walk over reports.

``SnapshotHistory`` is written by :func:`kexie.dashboard.history.snapshots_recorded`, which
``kexie.tracking.services.snapshot_update`` calls after every snapshot change: the row of the
cycle whose period contains the day of the change takes the task's state (so a cycle's row
ends as the task stood on the last day of its period), and every row of the task takes the
reports filed for its cycle so far. ``CycleTally`` is the sum of the history rows of one
owner organisation and cycle, moved by the same call by the difference each row makes.

``OrgTally`` is the current snapshots one organisation owns, summed: the same call brings the
owner's row up to date after each snapshot change (and ``snapshots_refresh`` after it drops the
snapshots of plans no longer in force), so that a subtree's counts are a sum over its
organisations' rows rather than over its tasks.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.core.querysets import ScopedQuerySet


class SnapshotHistory(models.Model):
    """One tracked task as it stood in one reporting cycle, and how its reports for the cycle came in."""

    item = models.ForeignKey("plans.PlanItem", on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey("tracking.ReportingCycle", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    colour = models.CharField(_("colour"), max_length=8)
    percent = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    completed = models.BooleanField(_("completed"), default=False)
    overdue = models.BooleanField(_("overdue"), default=False)
    expected_reports = models.PositiveSmallIntegerField(_("reports expected"), default=0)
    filed_reports = models.PositiveSmallIntegerField(_("reports filed"), default=0)
    late_reports = models.PositiveSmallIntegerField(_("reports filed late"), default=0)
    recorded_on = models.DateField(_("recorded on"))

    class Meta:
        verbose_name = _("task state in a cycle")
        constraints = [models.UniqueConstraint(fields=["item", "cycle"], name="snapshot_history_per_cycle")]
        # The dashboards' list of units that did not file looks only at tasks short of reports.
        indexes = [models.Index(fields=["cycle", "item"], condition=models.Q(filed_reports__lt=models.F(
            "expected_reports")), name="history_short_idx")]

    def __str__(self):
        return f"{self.item_id} @ {self.cycle_id}: {self.colour} {self.percent}%"


class ColourTally(models.Model):
    """Snapshots summed: how many, by colour, completed and overdue, and their percents added up.

    Both tallies below are kept current by delta at each snapshot change and rebuilt by
    ``kexie.dashboard.history.tallies_rebuild``; the subtree's numbers are sums of them.
    """

    tasks = models.IntegerField(default=0)
    green = models.IntegerField(default=0)
    amber = models.IntegerField(default=0)
    red = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    percent_sum = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "organization__created_by"

    class Meta:
        abstract = True


class CycleTally(ColourTally):
    """The history rows of one owner organisation in one cycle, summed (kept current, never walked)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey("tracking.ReportingCycle", on_delete=models.CASCADE, related_name="+")
    expected_reports = models.IntegerField(default=0)
    filed_reports = models.IntegerField(default=0)
    late_reports = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("cycle tally")
        constraints = [models.UniqueConstraint(fields=["organization", "cycle"], name="cycle_tally_per_org")]
        # The trend reads the few cycles of one plan across a subtree: cycle first.
        indexes = [models.Index(fields=["cycle", "organization"], name="cycle_tally_cycle_idx")]

    def __str__(self):
        return f"{self.organization_id} @ {self.cycle_id}: {self.tasks}"


class OrgTally(ColourTally):
    """The current snapshots owned by one organisation, summed (kept current, never walked)."""

    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("organisation tally")

    def __str__(self):
        return f"{self.organization_id}: {self.tasks}"
