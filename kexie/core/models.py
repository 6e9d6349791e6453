"""Models of the core: the record of scheduled job runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One firing of a scheduled job for one day. Unique per (job, day): whichever worker inserts
    the row first enqueues the job, so a job fires once a day however many workers are up."""

    job = models.CharField(_("job"), max_length=60)
    day = models.DateField(_("day"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled run")
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="scheduled_run_once_a_day")]

    def __str__(self):
        return f"{self.job} {self.day}"
