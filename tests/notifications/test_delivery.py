"""Delivering the outbox: a worker killed mid-job, a mail server that fails, retries, leases.

The notifications are raised with ``notify`` and the delivery job is run by hand
(``mail_deliver``), as the worker would, with a mail backend standing in for the server.
"""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from kexie.notifications.models import MailMessage, MailStatus, Notification
from kexie.core.leases import leases_expire
from kexie.notifications.services import mail_deliver, mail_leases_expire, message_id_for, notify
from tests.personas import make_user

from .mailbackends import DyingBackend, RefusingBackend, WorkerKilled

DYING = "tests.notifications.mailbackends.DyingBackend"
REFUSING = "tests.notifications.mailbackends.RefusingBackend"


@pytest.fixture
def five_people(world):
    return [make_user(f"person{n}", world.county_a, ["county_clerk"], email=f"person{n}@example.cn")
            for n in range(5)]


def _reset_backends():
    DyingBackend.survive, DyingBackend.after_handing_over = 0, False
    RefusingBackend.down, RefusingBackend.refused = False, set()


@pytest.fixture
def backend(settings):
    """backend(path, **attributes): send through that backend, steered by those attributes."""
    def use(path, **attributes):
        settings.MAILERS = {"default": {"BACKEND": path}}
        _reset_backends()
        for name, value in attributes.items():
            setattr(DyingBackend if path == DYING else RefusingBackend, name, value)
    yield use
    _reset_backends()


def tell(people, key="event:1"):
    return notify(recipients=people, kind="instruction", title="领导批示：建设科普基地", body="请抓紧推进。",
                  url="/plans/1/", key=key)


def test_a_notification_and_its_mail_are_written_once_whatever_the_number_of_calls(five_people):
    first = tell(five_people)
    second = tell(five_people)
    assert (first.notifications, first.mails) == (5, 5)
    assert (second.notifications, second.mails) == (0, 0)
    assert Notification.objects.count() == 5 and MailMessage.objects.count() == 5
    message = MailMessage.objects.get(to="person0@example.cn")
    assert message.notification.recipient == five_people[0]
    assert message.message_id == message_id_for(message.dedupe_key) == message_id_for(message.dedupe_key)
    assert len({m.message_id for m in MailMessage.objects.all()}) == 5


def _lease(settings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.KEXIE_TASK_LEASE_SECONDS)


def test_a_worker_killed_before_handing_a_message_over_loses_none_and_repeats_none(five_people, backend, settings):
    tell(five_people)
    backend(DYING, survive=2)
    now = timezone.now()
    with pytest.raises(WorkerKilled):
        mail_deliver(now=now)
    # Two went out and were recorded; the third was claimed (recorded as being sent, its attempt
    # counted) and the worker died before handing it over; two were never touched.
    assert len(mail.outbox) == 2
    assert MailMessage.objects.filter(status=MailStatus.SENT).count() == 2
    third = MailMessage.objects.get(status=MailStatus.SENDING)
    assert third.attempts == 1 and third.next_attempt_at == now + _lease(settings)
    assert MailMessage.objects.filter(status=MailStatus.PENDING, attempts=0).count() == 2
    # The worker comes back at once: the untouched two go; the third waits for its lease.
    backend(DYING, survive=100)
    assert mail_deliver(now=now + dt.timedelta(seconds=1)).sent == 2
    assert MailMessage.objects.get(pk=third.pk).status == MailStatus.SENDING
    # Past its lease it goes too, once.
    assert mail_deliver(now=now + _lease(settings)).sent == 1
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.cn" for n in range(5)]
    assert not MailMessage.objects.exclude(status=MailStatus.SENT).exists()
    assert MailMessage.objects.get(pk=third.pk).attempts == 2
    assert mail_deliver(now=now + 2 * _lease(settings)).sent == 0 and len(mail.outbox) == 5


def test_a_worker_killed_after_the_server_took_a_message_sends_it_again_with_the_same_message_id(
        five_people, backend, settings):
    tell(five_people)
    backend(DYING, survive=2, after_handing_over=True)
    now = timezone.now()
    with pytest.raises(WorkerKilled):
        mail_deliver(now=now)
    # The server has three messages, the database records two sent and the third being sent.
    assert len(mail.outbox) == 3
    assert MailMessage.objects.filter(status=MailStatus.SENT).count() == 2
    in_flight = MailMessage.objects.get(status=MailStatus.SENDING)
    assert in_flight.message_id == mail.outbox[2].extra_headers["Message-ID"]
    backend(DYING, survive=100)
    assert mail_deliver(now=now + dt.timedelta(seconds=1)).sent == 2
    assert mail_deliver(now=now + _lease(settings)).sent == 1
    # The one message in the window between the server's acceptance and the record of it is sent
    # twice, with one Message-ID, so the receiving side can drop the copy; nothing else repeats.
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == 6 and len(set(ids)) == 5
    assert ids.count(in_flight.message_id) == 2
    assert set(ids) == set(MailMessage.objects.values_list("message_id", flat=True))
    assert Notification.objects.count() == 5


def test_a_message_whose_worker_dies_every_time_is_given_up_after_the_last_attempt(five_people, backend, settings):
    settings.KEXIE_EMAIL_MAX_ATTEMPTS = 2
    tell(five_people[:1])
    now = timezone.now()
    for attempt in range(2):
        backend(DYING, survive=attempt, after_handing_over=True)
        with pytest.raises(WorkerKilled):
            mail_deliver(now=now + attempt * _lease(settings))
    backend(DYING, survive=100)
    result = mail_deliver(now=now + 2 * _lease(settings))
    message = MailMessage.objects.get()
    assert result.sent == 0 and len(mail.outbox) == 2
    assert (message.status, message.attempts) == (MailStatus.FAILED, 2)
    assert "Interrupted while being sent" in message.last_error


def test_the_worker_tick_puts_back_what_a_killed_worker_left_being_sent_once_and_queues_the_delivery(
        db, backend, settings, django_capture_on_commit_callbacks):
    # Written as ``notify`` would, without the delivery it queues: what is queued below is the tick's.
    keys = [f"tick-test|m:person{n}@example.cn" for n in range(2)]
    MailMessage.objects.bulk_create([
        MailMessage(dedupe_key=key, to=f"person{n}@example.cn", subject="催办", body="请立即报送。",
                    message_id=message_id_for(key)) for n, key in enumerate(keys)])
    backend(DYING, survive=0, after_handing_over=True)
    now = timezone.now()
    with pytest.raises(WorkerKilled):
        mail_deliver(now=now)
    backend(DYING, survive=100)
    assert mail_leases_expire(now + dt.timedelta(seconds=1)) == 0  # not yet past the lease
    # Two workers ticking after the lease: the message is put back once, the delivery queued once,
    # and it goes (the test backend runs a job as soon as it is queued).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert leases_expire(now + _lease(settings)) is not None
        assert mail_leases_expire(now + _lease(settings)) == 0
    assert len(callbacks) == 1
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == 3 and len(set(ids)) == 2
    assert not MailMessage.objects.exclude(status=MailStatus.SENT).exists()


def test_a_mail_server_that_is_down_is_tried_again_later_and_each_failure_recorded(five_people, backend, settings):
    settings.KEXIE_EMAIL_MAX_ATTEMPTS = 3
    tell(five_people[:2])
    backend(REFUSING, down=True)
    now = timezone.now()
    result = mail_deliver(now=now)
    # The server cannot be reached: the run stops at the first message instead of failing all.
    assert (result.sent, result.failed) == (0, 1)
    first = MailMessage.objects.order_by("id").first()
    assert first.attempts == 1 and "Connection refused" in first.last_error
    assert first.next_attempt_at == now + dt.timedelta(minutes=5)
    # Not yet due again: the second message goes, the first waits.
    backend(REFUSING, down=True)
    assert mail_deliver(now=now + dt.timedelta(minutes=1)).failed == 1
    second = MailMessage.objects.order_by("id").last()
    assert second.attempts == 1
    # Ten minutes on, the server is back: both go.
    backend(REFUSING)
    assert mail_deliver(now=now + dt.timedelta(minutes=10)).sent == 2
    first.refresh_from_db()
    assert first.status == MailStatus.SENT and first.attempts == 2 and len(mail.outbox) == 2


def test_a_message_refused_every_time_is_given_up_after_the_last_attempt(five_people, backend, settings):
    settings.KEXIE_EMAIL_MAX_ATTEMPTS = 2
    tell(five_people[:2])
    backend(REFUSING, refused={"person0@example.cn"})
    now = timezone.now()
    result = mail_deliver(now=now)
    # A refused recipient does not hold up the others.
    assert (result.sent, result.failed) == (1, 1)
    assert mail_deliver(now=now + dt.timedelta(hours=1)).given_up == 1
    refused = MailMessage.objects.get(to="person0@example.cn")
    assert refused.status == MailStatus.FAILED and refused.attempts == 2
    assert "SMTPRecipientsRefused" in refused.last_error
    assert mail_deliver(now=now + dt.timedelta(days=1)).failed == 0
    # The notification itself is there, whatever happened to the e-mail.
    assert Notification.objects.filter(recipient=five_people[0]).exists()


def test_a_user_without_an_address_and_an_inactive_user(world, five_people):
    five_people[1].is_active = False
    five_people[1].save(update_fields=["is_active"])
    sent = tell([world.county_clerk, five_people[0], five_people[1]])
    assert (sent.notifications, sent.mails) == (2, 1)
    assert not Notification.objects.filter(recipient=five_people[1]).exists()


def test_the_mail_is_queued_once_per_transaction_and_sent_after_commit(five_people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tell(five_people[:2], key="event:a")
        tell(five_people[2:], key="event:b")
    assert len(callbacks) == 1
    assert len(mail.outbox) == 5
    assert mail.outbox[0].body.startswith("请抓紧推进。") and "/plans/1/" in mail.outbox[0].body
