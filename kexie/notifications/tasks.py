"""Background jobs of notifications, run by ``kexie worker`` (or at once, in tests)."""

import datetime as dt

from django.tasks import task, task_backends

from .reminders import reminders_send
from .services import mail_deliver, next_retry_at


@task
def deliver_mail() -> dict:
    """Send the pending e-mails (see :func:`kexie.notifications.services.mail_deliver`). Queued
    after every transaction that wrote an outbox message, and by a worker's tick when it puts back
    a message whose worker was killed while sending it; safe to run any number of times, in
    parallel too. When a message failed and waits for its next try, the job queues itself for
    that moment (on backends that can defer a job) — once, from the run that saw it fail, so that
    retries do not pile up in the queue."""
    result = mail_deliver()
    retry_at = next_retry_at() if result.failed else None
    if retry_at is not None and task_backends[deliver_mail.backend].supports_defer:
        deliver_mail.using(run_after=retry_at).enqueue()
    return result.as_dict()


@task
def send_reminders(today: str | None = None) -> dict:
    """The daily reminders and urging notices (``today`` as YYYY-MM-DD, default the current day);
    idempotent, so a retry or a second run the same day sends nothing twice."""
    run = reminders_send(today=dt.date.fromisoformat(today) if today else None)
    return run.as_dict()
