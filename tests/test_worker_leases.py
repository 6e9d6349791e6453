"""A job left running by a worker that died is queued again after its lease, or given up after its
last attempt; a job still within its lease is left to its worker (``kexie/core/leases.py``)."""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kexie.core.leases import LEASE_EXPIRED, LeaseExpired, jobs_expire
from tests.jobs import echo, wait_for_release

ROOT = Path(__file__).resolve().parents[1]
LEASE = 60


@pytest.fixture
def queue(settings):
    """Jobs queued in the database, as in production (the tests' default runs them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.KEXIE_TASK_LEASE_SECONDS = LEASE
    settings.KEXIE_TASK_MAX_ATTEMPTS = 3


def left_running(result, *, seconds_ago: float, workers: list[str]) -> None:
    """What a worker killed in the middle of the job leaves: the row RUNNING, since then."""
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - dt.timedelta(seconds=seconds_ago),
        worker_ids=workers)


def run_worker(*args: str) -> None:
    """``kexie worker --batch`` in this process; the signal handlers it sets are put back after."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {number: signal.getsignal(number) for number in signals}
    try:
        call_command("worker", "--batch", "--no-schedule", "--no-startup-delay", "--interval", "0", *args,
                     stdout=io.StringIO())
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
def test_a_job_left_running_past_its_lease_runs_again_and_one_within_it_is_left_alone(queue, caplog):
    dead, alive = echo.enqueue("dead"), echo.enqueue("alive")
    left_running(dead, seconds_ago=LEASE + 5, workers=["killed"])
    left_running(alive, seconds_ago=5, workers=["busy"])

    run_worker("--worker-id", "second")

    dead_row, alive_row = DBTaskResult.objects.get(pk=dead.id), DBTaskResult.objects.get(pk=alive.id)
    # Queued again when the worker started, then run by it to the end.
    assert (dead_row.status, dead_row.return_value, dead_row.worker_ids) == (
        TaskResultStatus.SUCCESSFUL, "dead", ["killed", "second"])
    assert (alive_row.status, alive_row.worker_ids) == (TaskResultStatus.RUNNING, ["busy"])
    [line] = [r.getMessage() for r in caplog.records if r.name == "kexie.core.leases"]
    assert str(dead.id) in line and "tests.jobs.echo" in line and "queued again (1 of 3 attempts made)" in line


def test_a_job_whose_worker_died_at_every_attempt_is_given_up_with_a_clear_error(db, queue, caplog):
    result = echo.enqueue("poison")
    left_running(result, seconds_ago=LEASE + 1, workers=["first", "second", "third"])
    retried = echo.enqueue("retried")
    left_running(retried, seconds_ago=LEASE + 1, workers=["first", "second"])

    expired = jobs_expire()

    assert (expired.retried, expired.failed) == (1, 1)
    assert DBTaskResult.objects.get(pk=retried.id).status == TaskResultStatus.READY
    failed = echo.get_result(result.id)
    assert failed.status == TaskResultStatus.FAILED and failed.finished_at is not None
    [error] = failed.errors
    assert error.exception_class_path == LEASE_EXPIRED and error.exception_class is LeaseExpired
    assert "past its lease of 60 s" in error.traceback and "Given up after 3 attempts" in error.traceback
    assert "first, second, third" in error.traceback
    assert any("given up after 3 attempts" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    # Nothing left to expire: a second pass changes nothing.
    assert jobs_expire() == type(expired)()


@pytest.mark.django_db(transaction=True)
def test_workers_expiring_leases_at_once_take_each_job_back_once(queue):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises the writers; the row locks are what is tested on PostgreSQL")
    results = [echo.enqueue(str(n)) for n in range(10)]
    for result in results:
        left_running(result, seconds_ago=LEASE + 1, workers=["killed"])
    retried: list[int] = []

    def expire():
        retried.append(jobs_expire().retried)
        connection.close()

    workers = [threading.Thread(target=expire) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(retried) == 10
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.READY}


# --- a real worker, killed -----------------------------------------------------------------------

WORKER = ("import django; django.setup(); from django.core.management import call_command; "
          "call_command('worker', '--batch', '--no-schedule', '--no-startup-delay', '--interval', '0.1')")


def start_worker() -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kexie.settings", "KEXIE_ENV": "development",
           "KEXIE_DEBUG": "false", "KEXIE_DATABASE_URL": url, "KEXIE_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
           "KEXIE_TASK_LEASE_SECONDS": "1", "KEXIE_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_leaves_it_to_the_next_worker_after_the_lease(queue, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker runs in another process against the test database: PostgreSQL only "
                    "(tests/test_cli.py does the same on a SQLite file)")
    result = wait_for_release.enqueue(str(tmp_path))
    worker = start_worker()
    wait_for(lambda: any(tmp_path.glob("started-*")) or worker.poll() is not None, 30)
    assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.RUNNING and len(row.worker_ids) == 1  # and so it would stay

    (tmp_path / "release").touch()
    wait_for(lambda: DBTaskResult.objects.get(pk=result.id).started_at < timezone.now() - dt.timedelta(seconds=1), 5)
    again = start_worker()
    assert again.wait(timeout=60) == 0, again.stderr.read().decode()[-2000:]

    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.return_value, len(row.worker_ids)) == (TaskResultStatus.SUCCESSFUL, "released", 2)
    assert len(list(tmp_path.glob("started-*"))) == 2  # run twice: killed once, then to the end
