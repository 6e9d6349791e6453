"""The real worker (django-tasks-db's ``db_worker``) killed with SIGKILL while it sends the outbox.

PostgreSQL only: the worker runs in another process against the test database, so the rows must
be committed (a transactional test) and the row locks real. The mail server is a slow backend that
leaves each accepted message as a file, so the test can kill the worker mid-run and count what
went out.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from kexie.notifications.models import MailMessage, MailStatus
from kexie.notifications.services import message_id_for

ROOT = Path(__file__).resolve().parents[2]
WORKER = ("import django; django.setup(); "
          "from kexie.notifications.tasks import deliver_mail; deliver_mail.enqueue(); "
          "from django.core.management import call_command; "
          "call_command('db_worker', '--batch', '--no-startup-delay', '--interval', '0.1')")

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")


def start_worker(mail_dir: Path) -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kexie.settings", "KEXIE_ENV": "development",
           "KEXIE_DEBUG": "false", "KEXIE_DATABASE_URL": url, "KEXIE_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
           "KEXIE_EMAIL_BACKEND": "tests.notifications.mailbackends.SlowFileBackend",
           "KEXIE_TEST_MAIL_DIR": str(mail_dir), "KEXIE_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def delivered(mail_dir: Path) -> list[str]:
    return [path.read_text(encoding="utf-8").split("\n")[0] for path in mail_dir.glob("*.eml")]


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_loses_nothing_and_repeats_at_most_the_message_in_flight(tmp_path):
    keys = [f"worker-test|m:person{n}@example.cn" for n in range(8)]
    MailMessage.objects.bulk_create([
        MailMessage(dedupe_key=key, to=f"person{n}@example.cn", subject="催办", body="请立即报送。",
                    message_id=message_id_for(key)) for n, key in enumerate(keys)])

    worker = start_worker(tmp_path)
    wait_for(lambda: len(delivered(tmp_path)) >= 3 or worker.poll() is not None, 15)
    assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
    worker.send_signal(signal.SIGKILL)
    worker.wait()

    handed_over = len(delivered(tmp_path))
    recorded = MailMessage.objects.filter(status=MailStatus.SENT).count()
    # What the server took is what the database recorded — give or take the one in flight.
    assert recorded <= handed_over <= recorded + 1 and recorded < 8

    # Once PostgreSQL has rolled back the dead worker's transaction, a new worker finishes the job.
    def unlocked():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM notifications_mailmessage WHERE status = 'pending' "
                           "FOR UPDATE SKIP LOCKED")
            return len(cursor.fetchall()) == 8 - recorded
    wait_for(unlocked, 5)
    again = start_worker(tmp_path)
    assert again.wait(timeout=30) == 0, again.stderr.read().decode()[-2000:]

    ids = delivered(tmp_path)
    assert sorted(set(ids)) == sorted(message_id_for(key) for key in keys)  # none lost
    assert len(ids) - len(set(ids)) == handed_over - recorded  # only the one in flight, if any, twice
    assert not MailMessage.objects.exclude(status=MailStatus.SENT).exists()
