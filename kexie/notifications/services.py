"""Writes of notifications: telling people (in the application and by e-mail), delivering the
outbox, reminders and urging notices, and marking notifications read.

Idempotence is the rule here. Every notification names its event with a ``key`` (the kind, the
objects it is about and, for urging, the level); with the recipient it becomes a unique
``dedupe_key``. Raising an event again — a retried job, a re-run after a crash, the reminder
job run twice the same day — finds the key taken and creates nothing. The e-mail copy is written
in the same transaction as the notification, so the two exist together or not at all, and it is
sent after the transaction commits by the delivery job.

Delivery records the send before handing over: a message is claimed (status ``sending``, its
attempt counted, its lease — ``KEXIE_TASK_LEASE_SECONDS`` — started) in a transaction that
commits *before* the message goes to the mail server, and marked sent in a second transaction
after the server accepted it. SMTP has no way to take a message back or to ask whether it was
received, so this is as far as the mail server allows: delivery is at least once, and a message
goes twice only when its worker is killed between the server's acceptance and that second
commit. The message is then found still ``sending`` after its lease, put back in the outbox
(:func:`mail_leases_expire`, run by every worker's tick and at the start of every delivery run)
and sent again — with the same Message-ID, derived from the dedupe key when the message was
written and never changed, so the receiving server or mail client can drop the copy. A worker
killed before handing the message over leaves it ``sending`` too: it goes after the lease, once.
A worker killed between messages loses nothing and repeats nothing. Parallel workers never take
the same message (``SKIP LOCKED``, and a claim conditional on the row being unchanged). A message
left ``sending`` by workers killed ``KEXIE_EMAIL_MAX_ATTEMPTS`` times is marked failed. The
in-application notification is never duplicated.
"""

import datetime as dt
import hashlib
import logging
import smtplib
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import MailMessage, MailStatus, Notification

logger = logging.getLogger(__name__)

# Waits before trying a failed message again: 5, 10, 20, 40 … minutes.
RETRY_BASE_MINUTES = 5


# --- telling people --------------------------------------------------------------------------

@dataclass
class Notified:
    """What one call of :func:`notify` created: notifications and outbox messages."""

    notifications: int = 0
    mails: int = 0

    def __iadd__(self, other: "Notified") -> "Notified":
        self.notifications += other.notifications
        self.mails += other.mails
        return self


def dedupe_key(key: str, recipient) -> str:
    """The unique key of one event for one recipient (a user, or a bare e-mail address)."""
    who = f"u{recipient.pk}" if hasattr(recipient, "pk") else f"m:{recipient.strip().lower()}"
    value = f"{key}|{who}"
    if len(value) > 255:
        value = "h:" + hashlib.sha256(value.encode()).hexdigest()
    return value


def message_id_for(key: str) -> str:
    """A Message-ID that depends only on the dedupe key: a message sent twice is recognisably one."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "kexie.localdomain"
    return f"<kexie.{digest}@{domain}>"


def _mail_body(body: str, url: str) -> str:
    lines = [body]
    if url:
        lines += ["", (settings.KEXIE_SITE_URL + url) if url.startswith("/") else url]
    lines += ["", "—", _("Sent by the S&T Association Work Platform. Do not reply to this e-mail.")]
    return "\n".join(lines)


def notify(*, recipients, kind: str, title: str, body: str = "", url: str = "", key: str, mail: bool = True,
           obj=None) -> Notified:
    """Tell ``recipients`` about an event, in the application and (``mail``) by e-mail.

    ``recipients`` are users, or e-mail addresses for a mail-only message (an organisation's
    contact address when it has nobody in the application). Inactive users are skipped; a user
    without an e-mail address gets the notification only. ``key`` names the event: with each
    recipient it is the notification's unique ``dedupe_key``, so calling this again with the same
    key creates nothing new. Runs inside the caller's transaction (or its own); after commit, the
    delivery job is queued. ``obj`` (optional) is what the notification is about.
    """
    users, addresses = {}, {}
    for recipient in recipients:
        if isinstance(recipient, str):
            if recipient.strip():
                addresses[recipient.strip().lower()] = recipient.strip()
        elif recipient is not None and recipient.is_active:
            users[recipient.pk] = recipient
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    with translation.override(settings.LANGUAGE_CODE):
        mail_body = _mail_body(body, url)
    subject = " ".join(title.split())[:255]  # a header: no line breaks
    notified = Notified()
    with transaction.atomic():
        rows = [Notification(recipient=user, kind=kind, title=title[:200], body=body, url=url[:300],
                             object_type=object_type, object_id=object_id, dedupe_key=dedupe_key(key, user))
                for user in users.values()]
        taken = set(Notification.objects.filter(dedupe_key__in=[r.dedupe_key for r in rows])
                    .values_list("dedupe_key", flat=True))
        new = [row for row in rows if row.dedupe_key not in taken]
        # A concurrent run raising the same event waits on the unique key and then inserts nothing.
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        notified.notifications = len(new)
        if not mail:
            return notified
        ids = dict(Notification.objects.filter(dedupe_key__in=[row.dedupe_key for row in new])
                   .values_list("dedupe_key", "pk"))
        mails = [MailMessage(notification_id=ids.get(row.dedupe_key), dedupe_key=row.dedupe_key,
                             to=row.recipient.email, subject=subject, body=mail_body,
                             message_id=message_id_for(row.dedupe_key))
                 for row in new if row.recipient.email]
        for address in addresses.values():
            key_for = dedupe_key(key, address)
            mails.append(MailMessage(dedupe_key=key_for, to=address, subject=subject, body=mail_body,
                                     message_id=message_id_for(key_for)))
        taken = set(MailMessage.objects.filter(dedupe_key__in=[m.dedupe_key for m in mails])
                    .values_list("dedupe_key", flat=True))
        mails = [m for m in mails if m.dedupe_key not in taken]
        MailMessage.objects.bulk_create(mails, ignore_conflicts=True)
        notified.mails = len(mails)
    if notified.mails:
        _deliver_after_commit()
    return notified


def _enqueue_delivery() -> None:
    from .tasks import deliver_mail

    deliver_mail.enqueue()


def _deliver_after_commit() -> None:
    """Queue the delivery job once per transaction, however many notifications it raised."""
    connection = transaction.get_connection()
    open_savepoints = set(connection.savepoint_ids)
    # One already registered at this level or an outer one fires on the same commit (one in a
    # savepoint since released may not survive a rollback of its parent, so it does not count).
    if any(func is _enqueue_delivery and sids <= open_savepoints
           for sids, func, _robust in connection.run_on_commit):
        return
    # robust: if queueing fails, the change stands and the mail waits for the next delivery run.
    transaction.on_commit(_enqueue_delivery, robust=True)


# --- the inbox -------------------------------------------------------------------------------

def _own(by, pk) -> Notification:
    """The user's own notification; any other (someone else's, or none) is not found."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionDenied
    notification = Notification.objects.filter(pk=pk, recipient_id=by.pk).first()
    if notification is None:
        raise Http404
    return notification


def notification_read(*, by, notification) -> Notification:
    """Mark one of the user's notifications read. The user's own reading state: not audited."""
    notification = _own(by, getattr(notification, "pk", notification))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, by) -> int:
    """Mark all the user's unread notifications read; returns how many were unread."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionDenied
    return Notification.objects.filter(recipient_id=by.pk, read_at__isnull=True).update(read_at=timezone.now())


# --- delivery --------------------------------------------------------------------------------

@dataclass
class Delivery:
    """One run of the delivery job: messages sent, failed (to be tried again) and given up."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


# Refusals that concern one message; anything else (connection refused, timeout, authentication)
# means the server is unusable now, and the run stops rather than fail every message in turn.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def _email(message: MailMessage) -> EmailMessage:
    return EmailMessage(subject=message.subject, body=message.body, to=[message.to],
                        headers={"Message-ID": message.message_id})


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.KEXIE_TASK_LEASE_SECONDS)


def mail_leases_expire(now: dt.datetime | None = None, *, enqueue: bool = True) -> int:
    """Put back in the outbox the messages left ``sending`` past their lease — their worker was
    killed after claiming them, before recording what the mail server answered — to be sent again
    with their Message-ID; a message that has had its ``KEXIE_EMAIL_MAX_ATTEMPTS`` is marked
    failed instead. One transaction; each row changed only while still ``sending`` and past its
    lease, so workers expiring at once take each back once. ``enqueue``: queue the delivery job
    after commit when something was put back. Returns how many messages were put back or given up."""
    now = now or timezone.now()
    stale = MailMessage.objects.filter(status=MailStatus.SENDING, next_attempt_at__lte=now)
    max_attempts = settings.KEXIE_EMAIL_MAX_ATTEMPTS
    with transaction.atomic():
        rows = list(stale.select_for_update(skip_locked=True).order_by("id").values_list("id", "attempts")[:1000])
        back = stale.filter(pk__in=[pk for pk, attempts in rows if attempts < max_attempts]).update(
            status=MailStatus.PENDING, next_attempt_at=None)  # due at once
        given_up = stale.filter(pk__in=[pk for pk, attempts in rows if attempts >= max_attempts]).update(
            status=MailStatus.FAILED, next_attempt_at=None,
            last_error="Interrupted while being sent (the worker stopped); it may have reached the mail server.")
        if back or given_up:
            logger.warning("e-mail left being sent past its lease (a worker stopped while sending): %s put back to "
                           "be sent again with the same Message-ID, %s given up", back, given_up)
        if back and enqueue:
            _deliver_after_commit()
    return back + given_up


def _claim(*, at: dt.datetime, after_id: int) -> MailMessage | None:
    """The next message due after ``after_id``, claimed for sending: marked ``sending``, its attempt
    counted and its lease started, committed before it is handed over. None when none is due."""
    while True:
        with transaction.atomic():
            message = (MailMessage.objects.select_for_update(skip_locked=True)
                       .filter(status=MailStatus.PENDING, id__gt=after_id)
                       .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at))
                       .order_by("id").first())
            if message is None:
                return None
            # Conditional: on a database without row locks another worker may have claimed it since.
            claimed = (MailMessage.objects.filter(pk=message.pk, status=MailStatus.PENDING, attempts=message.attempts)
                       .update(status=MailStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=at + _lease()))
        if claimed:
            message.status, message.attempts = MailStatus.SENDING, message.attempts + 1
            return message
        after_id = message.pk


def mail_deliver(*, now: dt.datetime | None = None, limit: int | None = None) -> Delivery:
    """Send the pending outbox messages due now, one at a time; call it outside any transaction.

    Each message is claimed and committed ``sending`` before it is handed to the mail server, then
    marked sent (see the module's docstring: what a kill in between does). A failed message
    records the error and its attempt count and waits ``RETRY_BASE_MINUTES × 2^(attempts-1)``
    before the next try; after ``KEXIE_EMAIL_MAX_ATTEMPTS`` attempts it is marked failed. Each
    message is tried at most once per run. Messages left ``sending`` past their lease by a killed
    worker are put back first (:func:`mail_leases_expire`).
    """
    result = Delivery()
    max_attempts = settings.KEXIE_EMAIL_MAX_ATTEMPTS
    mail_leases_expire(now, enqueue=False)
    connection = mailers.default
    last_id, handled = 0, 0
    try:
        while limit is None or handled < limit:
            at = now or timezone.now()
            message = _claim(at=at, after_id=last_id)
            if message is None:
                break
            last_id, handled = message.pk, handled + 1
            try:
                connection.send_messages([_email(message)])
            except Exception as error:  # noqa: BLE001 - any failure is recorded on the message
                connection.close()
                last_error = f"{type(error).__name__}: {error}"[:2000]
                if message.attempts >= max_attempts:
                    status, next_attempt_at = MailStatus.FAILED, None
                    result.given_up += 1
                else:
                    wait = dt.timedelta(minutes=RETRY_BASE_MINUTES * 2 ** (message.attempts - 1))
                    status, next_attempt_at = MailStatus.PENDING, at + wait
                    result.failed += 1
                # Still ours: sending under this attempt (not put back and claimed again since).
                MailMessage.objects.filter(pk=message.pk, status=MailStatus.SENDING, attempts=message.attempts).update(
                    status=status, next_attempt_at=next_attempt_at, last_error=last_error)
                logger.warning("mail %s failed (attempt %s): %s", message.pk, message.attempts, last_error)
                if not isinstance(error, _MESSAGE_ERRORS):
                    break
                continue
            # Sent, whatever became of the claim meanwhile (a lease run out while the server was slow).
            MailMessage.objects.filter(pk=message.pk).exclude(status=MailStatus.SENT).update(
                status=MailStatus.SENT, sent_at=at, next_attempt_at=None)
            result.sent += 1
    finally:
        connection.close()
    return result


def next_retry_at() -> dt.datetime | None:
    """When the earliest failed message may be tried again (None when nothing waits)."""
    return (MailMessage.objects.filter(status=MailStatus.PENDING, next_attempt_at__isnull=False)
            .order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first())
