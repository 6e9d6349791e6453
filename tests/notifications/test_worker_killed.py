"""The real worker (``kexie worker``) killed with SIGKILL while it sends the outbox.

PostgreSQL only: the worker runs in another process against the test database, so the rows must
be committed (a transactional test) and the row locks real. The second worker runs with a lease
of one second (``KEXIE_TASK_LEASE_SECONDS``), so that what the first one left in flight — its job
and the message it was sending — is taken back at once.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kexie.notifications.models import MailMessage, MailStatus
from kexie.notifications.services import message_id_for

from .smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
WORKER = ("import django; django.setup(); "
          "from kexie.notifications.tasks import deliver_mail; deliver_mail.enqueue(); "
          "from django.core.management import call_command; "
          "call_command('worker', '--batch', '--no-schedule', '--no-startup-delay', '--interval', '0.1')")

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")


def start_worker(**env) -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kexie.settings", "KEXIE_ENV": "development",
           "KEXIE_DEBUG": "false", "KEXIE_DATABASE_URL": url, "KEXIE_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
           "KEXIE_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT), **env}
    return subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def file_backend(mail_dir: Path) -> dict:
    return {"KEXIE_EMAIL_BACKEND": "tests.notifications.mailbackends.SlowFileBackend",
            "KEXIE_TEST_MAIL_DIR": str(mail_dir)}


def smtp(sink: SmtpSink) -> dict:
    return {"KEXIE_EMAIL_HOST": "127.0.0.1", "KEXIE_EMAIL_PORT": str(sink.port), "KEXIE_EMAIL_TIMEOUT": "60"}


def delivered(mail_dir: Path) -> list[str]:
    return [path.read_text(encoding="utf-8").split("\n")[0] for path in mail_dir.glob("*.eml")]


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.05)


def kill(worker: subprocess.Popen) -> None:
    assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
    worker.send_signal(signal.SIGKILL)
    worker.wait()


def leases_run_out() -> bool:
    """Nothing the killed worker left in flight is still within a lease of one second."""
    cutoff = timezone.now() - dt.timedelta(seconds=1)
    return (not MailMessage.objects.filter(status=MailStatus.SENDING, next_attempt_at__gt=timezone.now()).exists()
            and not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__gte=cutoff).exists())


def outbox(keys: list[str]) -> None:
    MailMessage.objects.bulk_create([
        MailMessage(dedupe_key=key, to=f"person{n}@example.cn", subject="催办", body="请立即报送。",
                    message_id=message_id_for(key)) for n, key in enumerate(keys)])


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_loses_nothing_and_repeats_at_most_the_message_in_flight(tmp_path):
    keys = [f"worker-test|m:person{n}@example.cn" for n in range(8)]
    outbox(keys)

    worker = start_worker(**file_backend(tmp_path), KEXIE_TASK_LEASE_SECONDS="1")
    wait_for(lambda: len(delivered(tmp_path)) >= 3 or worker.poll() is not None, 15)
    kill(worker)

    handed_over = len(delivered(tmp_path))
    recorded = MailMessage.objects.filter(status=MailStatus.SENT).count()
    in_flight = MailMessage.objects.filter(status=MailStatus.SENDING).count()
    # What the server took is what the database recorded — give or take the one in flight, which
    # the database knows as being sent.
    assert recorded <= handed_over <= recorded + in_flight and in_flight <= 1 and recorded < 8
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 1

    # Once the lease of what was in flight has run out, a new worker takes the job back and ends it.
    wait_for(leases_run_out, 5)
    again = start_worker(**file_backend(tmp_path), KEXIE_TASK_LEASE_SECONDS="1")
    assert again.wait(timeout=60) == 0, again.stderr.read().decode()[-2000:]

    ids = delivered(tmp_path)
    assert sorted(set(ids)) == sorted(message_id_for(key) for key in keys)  # none lost
    assert len(ids) - len(set(ids)) == handed_over - recorded  # only the one in flight, if any, twice
    assert not MailMessage.objects.exclude(status=MailStatus.SENT).exists()
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


@pytest.mark.django_db(transaction=True)
def test_a_message_the_smtp_server_took_just_before_the_kill_goes_again_with_the_same_message_id():
    keys = [f"smtp-test|m:person{n}@example.cn" for n in range(5)]
    outbox(keys)
    # The server takes the third message and the worker is killed before it hears so.
    sink = SmtpSink(hold_at=3)
    try:
        worker = start_worker(**smtp(sink), KEXIE_TASK_LEASE_SECONDS="1")
        wait_for(lambda: sink.held.is_set() or worker.poll() is not None, 30)
        kill(worker)
        third = MailMessage.objects.get(dedupe_key=keys[2])
        # Recorded before it was handed over: being sent, its attempt counted.
        assert (third.status, third.attempts) == (MailStatus.SENDING, 1)
        assert MailMessage.objects.filter(status=MailStatus.SENT).count() == 2
        assert sink.message_ids() == [message_id_for(key) for key in keys[:3]]

        wait_for(leases_run_out, 5)
        again = start_worker(**smtp(sink), KEXIE_TASK_LEASE_SECONDS="1")
        assert again.wait(timeout=60) == 0, again.stderr.read().decode()[-2000:]
    finally:
        sink.close()

    ids = sink.message_ids()
    # Every message went; the one the server took just before the kill went twice, with the same
    # Message-ID (never a new one), so the receiving side can drop the copy.
    assert sorted(set(ids)) == sorted(message_id_for(key) for key in keys)
    assert len(ids) == 6 and ids.count(message_id_for(keys[2])) == 2
    third.refresh_from_db()
    assert (third.status, third.attempts) == (MailStatus.SENT, 2)
    assert not MailMessage.objects.exclude(status=MailStatus.SENT).exists()
