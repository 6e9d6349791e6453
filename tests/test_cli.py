"""The `kexie` console script: its own help, Django's commands, the worker, backup and restore,
each run as an operator would run it — in a fresh process against a fresh database file."""

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

KEXIE = str(Path(sys.executable).with_name("kexie"))


def run_kexie(*args, env: dict | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
    """Run the installed console script with a clean environment (no KEXIE_* or DJANGO_*
    variables of this process, such as the test settings) plus ``env``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KEXIE_", "DJANGO_"))}
    return subprocess.run([KEXIE, *args], env={**base, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory):
    """A freshly migrated SQLite file, made once; tests work on copies of it."""
    folder = tmp_path_factory.mktemp("kexie-cli")
    path = folder / "fresh.sqlite3"
    result = run_kexie("migrate", "--no-input", env={"KEXIE_DATA_DIR": str(folder),
                                                     "KEXIE_DATABASE_URL": f"sqlite:///{path}"}, timeout=300)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def fresh_env(migrated_db, tmp_path):
    def make(name="kexie.sqlite3") -> dict:
        target = tmp_path / name
        shutil.copyfile(migrated_db, target)
        return {"KEXIE_DATA_DIR": str(tmp_path), "KEXIE_DATABASE_URL": f"sqlite:///{target}"}

    return make


def test_the_help_is_ours_alone():
    for args in ([], ["--help"], ["-h"], ["help"]):
        result = run_kexie(*args)
        assert result.returncode == 0
        assert "kexie audit verify" in result.stdout
        assert "Type 'kexie help <subcommand>'" not in result.stdout  # Django's own help text
        assert "[django]" not in result.stdout


def test_help_for_one_command_follows_the_aliases():
    worker = run_kexie("help", "worker")
    audit = run_kexie("help", "audit")

    assert worker.returncode == 0 and "usage: kexie worker" in worker.stdout and "--no-schedule" in worker.stdout
    assert audit.returncode == 0 and "{verify,checkpoint,purge}" in audit.stdout


def test_kexie_check_runs(fresh_env):
    result = run_kexie("check", env=fresh_env())

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_kexie_audit_verify_passes_on_a_fresh_database_and_fails_on_a_tampered_one(fresh_env):
    env = fresh_env()
    write = ("from kexie.audit.services import audit_record\n"
             "for n in range(5): audit_record(action='login', username=f'u{n}')\n")
    assert run_kexie("shell", "-v", "0", "-c", write, env=env).returncode == 0

    good = run_kexie("audit", "verify", env=env)
    assert good.returncode == 0 and "OK: audit chain intact, 5 records verified." in good.stdout

    tamper = ("from django.db import connection\n"
              "connection.cursor().execute(\"UPDATE audit_auditlog SET username = 'x' WHERE id = 3\")\n")
    assert run_kexie("shell", "-v", "0", "-c", tamper, env=env).returncode == 0
    bad = run_kexie("audit", "verify", env=env)
    assert bad.returncode == 1
    assert "record id 3" in bad.stderr and "Traceback" not in bad.stderr


def test_processes_writing_audit_rows_at_once_keep_one_chain_on_sqlite(fresh_env):
    # SQLite has no row locks: the chain relies on every transaction beginning IMMEDIATE.
    env = fresh_env()
    start = time.time() + 5  # all three start writing at the same moment, after start-up
    write = ("import time\n"
             "from django.db import transaction\n"
             "from kexie.audit.services import audit_record\n"
             f"time.sleep(max(0, {start} - time.time()))\n"
             "for n in range(100):\n"
             "    with transaction.atomic():\n"
             "        audit_record(action='update', username='p', new={'n': n})\n")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KEXIE_", "DJANGO_"))}
    writers = [subprocess.Popen([KEXIE, "shell", "-v", "0", "-c", write], env={**base, **env},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outcomes = [writer.communicate(timeout=180) for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0, 0], outcomes
    verify = run_kexie("audit", "verify", env=env)
    assert verify.returncode == 0 and "300 records verified" in verify.stdout, verify.stdout + verify.stderr


def test_the_worker_runs_the_purge_task(fresh_env):
    env = fresh_env()
    enqueue = ("from kexie.audit.tasks import purge_audit_log\n"
               "print(purge_audit_log.enqueue().id)\n")
    queued = run_kexie("shell", "-v", "0", "-c", enqueue, env=env)
    assert queued.returncode == 0, queued.stderr
    result_id = queued.stdout.strip().splitlines()[-1]

    worker = run_kexie("worker", "--batch", "--no-startup-delay", env=env)
    assert worker.returncode == 0, worker.stderr

    check = (f"from kexie.audit.tasks import purge_audit_log\n"
             f"r = purge_audit_log.get_result('{result_id}')\n"
             f"print(r.status, r.return_value)\n")
    outcome = run_kexie("shell", "-v", "0", "-c", check, env=env)
    assert outcome.stdout.strip().startswith("SUCCESSFUL {'deleted': 0"), outcome.stdout + outcome.stderr


def test_the_worker_checkpoints_the_audit_chain_for_verify(fresh_env, tmp_path):
    env = fresh_env()
    write = "from kexie.audit.services import audit_record\naudit_record(action='update', username='p')\n"
    assert run_kexie("shell", "-v", "0", "-c", write, env=env).returncode == 0

    worker = run_kexie("worker", "--batch", "--no-startup-delay", env=env)

    assert worker.returncode == 0, worker.stderr
    assert len((tmp_path / "audit-checkpoints.log").read_text().splitlines()) == 1
    verify = run_kexie("audit", "verify", env=env)
    assert verify.returncode == 0 and "matches" in verify.stdout, verify.stdout + verify.stderr


def _job_row(database: Path, result_id: str) -> tuple[str, dt.datetime | None, list, object]:
    """The job's row, read from the database file directly: status, start, workers, return value."""
    with sqlite3.connect(database) as db:
        status, started, workers, value = db.execute(
            f"SELECT status, started_at, worker_ids, return_value FROM {DBTaskResult._meta.db_table} WHERE id = ?",
            [result_id.replace("-", "")]).fetchone()
    started = dt.datetime.fromisoformat(started).replace(tzinfo=dt.UTC) if started else None
    return status, started, json.loads(workers), json.loads(value) if value else None


def _poll(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.05)


def test_a_worker_killed_mid_job_leaves_it_to_the_next_worker_after_the_lease(fresh_env, tmp_path):
    # On SQLite, as tests/test_worker_leases.py does on PostgreSQL; a lease of one second.
    root = Path(__file__).resolve().parents[1]
    env = {**fresh_env(), "PYTHONPATH": str(root), "KEXIE_TASK_LEASE_SECONDS": "1"}
    database = Path(env["KEXIE_DATABASE_URL"].removeprefix("sqlite:///"))
    folder = tmp_path / "job"
    folder.mkdir()
    enqueue = f"from tests.jobs import wait_for_release\nprint(wait_for_release.enqueue({str(folder)!r}).id)\n"
    queued = run_kexie("shell", "-v", "0", "-c", enqueue, env=env)
    assert queued.returncode == 0, queued.stderr
    result_id = queued.stdout.strip().splitlines()[-1]
    batch = ["worker", "--batch", "--no-schedule", "--no-startup-delay", "--interval", "0.1"]

    base = {k: v for k, v in os.environ.items() if not k.startswith(("KEXIE_", "DJANGO_"))}
    worker = subprocess.Popen([KEXIE, *batch], env={**base, **env}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    _poll(lambda: any(folder.glob("started-*")) or worker.poll() is not None, 60)
    assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    status, started, workers, _value = _job_row(database, result_id)
    assert status == "RUNNING" and len(workers) == 1  # and so it would stay

    (folder / "release").touch()
    _poll(lambda: _job_row(database, result_id)[1] < dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1), 5)
    again = run_kexie(*batch, env=env)
    assert again.returncode == 0, again.stderr

    status, _started, workers, value = _job_row(database, result_id)
    assert (status, value, len(workers)) == ("SUCCESSFUL", "released", 2)
    assert len(list(folder.glob("started-*"))) == 2  # run twice: killed once, then to the end


def test_backup_and_restore_into_a_second_database_file(fresh_env, tmp_path):
    source, target = fresh_env("source.sqlite3"), fresh_env("target.sqlite3")
    archive = tmp_path / "backup.tar.gz"
    write = ("from kexie.organizations.services import organization_create\n"
             "root = organization_create(by=None, parent=None, name='中国科学技术协会', kind='national_association')\n"
             "organization_create(by=None, parent=root, name='甲省科学技术协会', kind='provincial_association')\n")
    assert run_kexie("shell", "-v", "0", "-c", write, env=source).returncode == 0

    backup = run_kexie("backup", str(archive), env=source)
    restore = run_kexie("restore", str(archive), env=target)
    again = run_kexie("restore", str(archive), env=target)
    verify = run_kexie("audit", "verify", env=target)
    count = run_kexie("shell", "-v", "0", "-c", "from kexie.organizations.models import Organization as O; "
                      "print(O.objects.count())", env=target)

    assert backup.returncode == 0 and "Backup written" in backup.stdout, backup.stderr
    assert restore.returncode == 0 and "Restored" in restore.stdout, restore.stderr
    assert again.returncode != 0 and "not empty" in again.stderr and "Traceback" not in again.stderr
    assert verify.returncode == 0, verify.stderr
    assert count.stdout.strip() == "2"


@pytest.fixture
def empty_postgres():
    """A new, empty PostgreSQL database on the local server (skipped when there is none)."""
    psycopg = pytest.importorskip("psycopg")
    server = os.environ.get("KEXIE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server to restore into")
    name = f"kexie_restore_{os.getpid()}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_a_sqlite_backup_restores_into_postgresql(fresh_env, tmp_path, empty_postgres):
    source = fresh_env("source.sqlite3")
    target = {"KEXIE_DATA_DIR": str(tmp_path), "KEXIE_DATABASE_URL": empty_postgres}
    archive = tmp_path / "backup.tar.gz"
    write = ("from kexie.audit.services import audit_record\n"
             "from kexie.organizations.services import organization_create\n"
             "root = organization_create(by=None, parent=None, name='中国科学技术协会', kind='national_association')\n"
             "audit_record(action='update', obj=root, old={'z': 1, 'a': [1.5, None]}, new={'b': {'y': 2, 'x': 3}})\n")
    assert run_kexie("shell", "-v", "0", "-c", write, env=source).returncode == 0
    assert run_kexie("backup", str(archive), env=source).returncode == 0
    migrated = run_kexie("migrate", "--no-input", env=target, timeout=300)
    assert migrated.returncode == 0, migrated.stderr

    restore = run_kexie("restore", str(archive), env=target)
    verify = run_kexie("audit", "verify", env=target)

    assert restore.returncode == 0, restore.stderr
    assert verify.returncode == 0 and "OK" in verify.stdout, verify.stderr


def test_the_benchmark_runs_from_kexie_without_being_an_installed_app():
    from django.conf import settings

    assert not any(app.startswith("kexie.bench") for app in settings.INSTALLED_APPS)
    listing = run_kexie("bench", "run", "--list")
    assert listing.returncode == 0, listing.stderr
    assert "dashboard_national" in listing.stdout
