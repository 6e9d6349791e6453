"""Jobs left running by a worker that died: taken back after a lease and run again, or given up.

django-tasks-db marks a job RUNNING when a worker claims it and SUCCESSFUL or FAILED when the job
returns. A worker killed in between (SIGKILL, the machine lost, the out-of-memory killer) leaves
the row RUNNING for ever: nothing else would run it again. A job's *lease* is
``KEXIE_TASK_LEASE_SECONDS`` (30 minutes by default) from its start; a job still RUNNING after
its lease is taken for dead. :func:`leases_expire`, which every ``kexie worker`` runs when it
starts and at every tick of its schedule thread, then

* puts it back in the queue (READY), to be run again by whichever worker is free, while it has
  been tried fewer than ``KEXIE_TASK_MAX_ATTEMPTS`` times (each claim by a worker is an attempt:
  django-tasks-db records the claiming worker's id in ``worker_ids``);
* marks it FAILED with :class:`LeaseExpired` as its error otherwise — a job that kills its worker
  every time is not run for ever.

Running a job again is safe because every job of the platform is idempotent and runs in its own
transaction (see each ``kexie/*/tasks.py``): a job killed mid-run rolled back, and a job that
finished its work but died before being marked successful does nothing new the second time. A
new job must keep that rule. The lease must be longer than the longest job: a job that is slow
but alive past its lease is run a second time alongside, which idempotence makes harmless but
wasteful.

Several workers may expire leases at the same moment: the rows are claimed with
``SELECT … FOR UPDATE SKIP LOCKED`` and changed with an UPDATE conditional on their being still
RUNNING and past the lease, in one transaction, so each row is taken back once. Other leases
(e-mail being handed to the mail server) are expired by the functions named in
:data:`EXPIRERS`, in the same pass.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

logger = logging.getLogger(__name__)

# Other leases, expired in the same pass: dotted paths of functions taking ``now``.
EXPIRERS = ["kexie.notifications.services.mail_leases_expire"]


class LeaseExpired(Exception):
    """The error recorded on a job given up: its worker died while running it, too many times."""


LEASE_EXPIRED = f"{LeaseExpired.__module__}.{LeaseExpired.__qualname__}"


@dataclass
class Expired:
    """What one pass did to jobs: put back in the queue, and given up."""

    retried: int = 0
    failed: int = 0


def lease() -> dt.timedelta:
    """How long a job (or an e-mail being handed over) may stay in flight before it is taken for dead."""
    return dt.timedelta(seconds=settings.KEXIE_TASK_LEASE_SECONDS)


def jobs_expire(now: dt.datetime | None = None) -> Expired:
    """Put back in the queue, or give up, the jobs RUNNING since before the lease — in one
    transaction, each row claimed with SKIP LOCKED and changed only while still RUNNING."""
    now = now or timezone.now()
    max_attempts = settings.KEXIE_TASK_MAX_ATTEMPTS
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - lease())
    result = Expired()
    with exclusive_transaction(stale.db):
        rows = list(stale.select_for_update(skip_locked=True).order_by()
                    .values_list("id", "task_path", "started_at", "worker_ids"))
        for pk, path, started, workers in rows:
            attempts, running = len(workers or []), now - started
            if attempts < max_attempts:
                if stale.filter(pk=pk).update(status=TaskResultStatus.READY):
                    result.retried += 1
                    logger.warning("job %s (%s) still marked running %s after it started, past its lease: its "
                                   "worker stopped; queued again (%s of %s attempts made)",
                                   pk, path, running, attempts, max_attempts)
                continue
            message = (f"The job was still marked running {int(running.total_seconds())} s after it started, past "
                       f"its lease of {settings.KEXIE_TASK_LEASE_SECONDS} s (KEXIE_TASK_LEASE_SECONDS): its worker "
                       f"stopped while running it. Given up after {attempts} attempts (KEXIE_TASK_MAX_ATTEMPTS); "
                       f"workers: {', '.join(workers or [])}.")
            if stale.filter(pk=pk).update(status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
                                          exception_class_path=LEASE_EXPIRED,
                                          traceback=f"{LEASE_EXPIRED}: {message}\n"):
                result.failed += 1
                logger.error("job %s (%s) still marked running %s after it started, past its lease: its worker "
                             "stopped; given up after %s attempts", pk, path, running, attempts)
    return result


def leases_expire(now: dt.datetime | None = None) -> Expired:
    """Expire every lease run out at ``now``: the jobs', then those of :data:`EXPIRERS`."""
    now = now or timezone.now()
    result = jobs_expire(now)
    for path in EXPIRERS:
        import_string(path)(now)
    return result
