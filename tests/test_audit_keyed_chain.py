"""The audit chain is keyed and anchored outside the database: whoever can write to the database
can neither recompute it, nor shorten or empty it, without `kexie audit verify` noticing."""

import datetime as dt
import hashlib
import importlib
import json
import logging

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from kexie.audit import checkpoints
from kexie.audit.models import AuditChainHead, AuditLog
from kexie.audit.selectors import verify_chain
from kexie.audit.services import GENESIS, _canonical, audit_purge, audit_record, compute_hash

TABLE = AuditLog._meta.db_table


@pytest.fixture
def chain(world):
    for n in range(8):
        audit_record(action=AuditLog.Action.UPDATE, by=world.system_admin, obj=world.prov_a,
                     old={"name": f"old {n}"}, new={"name": f"new {n}"})
    return list(AuditLog.objects.order_by("id"))


def _sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=connection.ops.quote_name(TABLE)), params)


def _set_head(**values):
    # What a database writer can do: the head is a plain row.
    AuditChainHead.objects.filter(pk=1).update(**values)


def _verify_fails() -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert excinfo.value.returncode == 1
    return str(excinfo.value)


def _rewrite_from(rows, start: int, digest):
    """Rewrite rows[start] and recompute every later link with ``digest``, as a forger would."""
    previous = rows[start - 1].hash
    for row in rows[start:]:
        if row is rows[start]:
            row.detail = "forged"
        row.prev_hash = previous
        row.alg, row.hash = digest(row)
        _sql("UPDATE {table} SET detail = %s, prev_hash = %s, alg = %s, hash = %s WHERE id = %s",
             [row.detail, row.prev_hash, row.alg, row.hash, row.id])
        previous = row.hash
    _set_head(last_hash=previous)


def test_new_rows_are_keyed_with_hmac(chain):
    assert all(row.alg in ("hmac-sm3", "hmac-sha256") for row in chain)
    row = chain[-1]
    plain = hashlib.new(row.alg.removeprefix("hmac-"), _canonical(row)).hexdigest()
    assert row.hash != plain


def test_a_chain_recomputed_without_the_key_is_detected(chain):
    """The forger rewrites a row and recomputes the rest with the plain digest the chain used to
    carry: every link holds, the head agrees, and still the row is reported."""
    def plain(row):
        return "sm3", hashlib.new("sm3", _canonical(row)).hexdigest()

    _rewrite_from(chain, 4, plain)

    report = verify_chain()
    assert not report.ok and report.broken_id == chain[4].id
    assert "not keyed" in report.problem


def test_a_chain_recomputed_with_a_guessed_key_is_detected(chain):
    def guessed(row):
        import hmac

        return row.alg, hmac.new(b"not-the-key-at-all", _canonical(row), row.alg.removeprefix("hmac-")).hexdigest()

    _rewrite_from(chain, 4, guessed)

    message = _verify_fails()
    assert f"record id {chain[4].id}" in message
    assert "audit key" in message


def test_truncating_the_newest_rows_is_detected_by_the_checkpoint(chain):
    checkpoints.write_checkpoint()
    survivors = chain[:-3]
    _sql("DELETE FROM {table} WHERE id > %s", [survivors[-1].id])
    _set_head(last_hash=survivors[-1].hash, change_hash=survivors[-1].hash)

    message = _verify_fails()

    assert f"ending at id {chain[-1].id}" in message
    assert "newest records were deleted" in message


def test_a_wiped_table_and_head_are_detected_by_the_checkpoint(chain):
    checkpoints.write_checkpoint()
    _sql("DELETE FROM {table}")
    AuditChainHead.objects.all().delete()

    report = verify_chain()

    assert not report.ok
    assert report.count == 0
    assert f"saw {len(chain)} records" in report.problem


def test_a_wiped_table_refilled_with_a_fresh_chain_is_detected(chain):
    checkpoints.write_checkpoint()
    _sql("DELETE FROM {table}")
    _set_head(last_hash=GENESIS, anchor_hash=GENESIS, change_hash="")
    # New rows (a fresh, valid chain) may even reuse the ids on SQLite.
    for n in range(len(chain) + 2):
        audit_record(action=AuditLog.Action.LOGIN, username=f"u{n}")

    report = verify_chain()

    assert not report.ok
    assert "replaced" in report.problem or "gone" in report.problem


def test_an_intact_chain_matches_its_checkpoint_and_says_so(chain, capsys):
    checkpoints.write_checkpoint()
    audit_record(action=AuditLog.Action.LOGIN, username="later")  # rows after the checkpoint are fine

    call_command("audit", "verify")

    out = capsys.readouterr().out
    assert out.startswith("OK")
    assert f"{len(chain)} records up to id {chain[-1].id}) matches" in out


def test_verify_without_a_checkpoint_says_none_was_written(chain, capsys):
    call_command("audit", "verify")
    assert "No checkpoint" in capsys.readouterr().out


def test_the_retention_purge_does_not_trip_the_checkpoint(chain):
    checkpoints.write_checkpoint()
    future = timezone.now() + dt.timedelta(days=400)

    audit_purge(retention_days=200, now=future)

    assert AuditLog.objects.count() == 1  # only the purge's own row
    report = verify_chain()
    assert report.ok, report.problem


def test_a_checkpoint_line_written_without_the_key_is_refused(chain):
    checkpoints.write_checkpoint()
    forged = {"at": timezone.now().isoformat(timespec="seconds"), "count": 3, "last_id": chain[2].id,
              "head_hash": chain[2].hash, "anchor_hash": GENESIS, "reason": "schedule", "mac": "0" * 64}
    with checkpoints.checkpoint_path().open("a") as handle:
        handle.write(json.dumps(forged) + "\n")

    assert "not authentic" in _verify_fails()


def test_rows_chained_with_a_previous_key_verify_while_that_key_is_listed(chain, settings):
    old_key = settings.AUDIT_KEY
    settings.AUDIT_KEY = "the-new-audit-key-0123456789"
    settings.AUDIT_PREVIOUS_KEYS = []
    assert not verify_chain().ok

    settings.AUDIT_PREVIOUS_KEYS = [old_key]
    audit_record(action=AuditLog.Action.LOGIN, username="after the key change")
    assert verify_chain().ok


def test_the_worker_checkpoints_when_due_and_only_when_the_chain_moved(chain, settings, caplog):
    settings.AUDIT_CHECKPOINT_MINUTES = 10
    now = timezone.now()
    with caplog.at_level(logging.INFO, logger="kexie.audit.checkpoint"):
        first = checkpoints.checkpoint_if_due(now)
    assert first is not None and first.last_id == chain[-1].id
    assert any("audit checkpoint" in message for message in caplog.messages)  # the log stream has it too

    audit_record(action=AuditLog.Action.LOGIN, username="soon after")
    assert checkpoints.checkpoint_if_due(now + dt.timedelta(minutes=5)) is None  # not yet due

    later = now + dt.timedelta(minutes=11)
    second = checkpoints.checkpoint_if_due(later)
    assert second is not None and second.count == len(chain) + 1
    assert checkpoints.checkpoint_if_due(later + dt.timedelta(minutes=11)) is None  # nothing new
    lines = checkpoints.checkpoint_path().read_text().splitlines()
    assert len(lines) == 2
    assert checkpoints.last_checkpoint() == second


def test_the_checkpoint_command_appends_a_line(chain, capsys):
    call_command("audit", "checkpoint")
    call_command("audit", "checkpoint")
    assert len(checkpoints.checkpoint_path().read_text().splitlines()) == 2
    assert checkpoints.last_checkpoint().reason == "command"


def _legacy_chain(count: int) -> list[AuditLog]:
    """Rows as the chain held them before it was keyed: plain SM3 digests."""
    AuditLog.objects.all()._raw_delete(AuditLog.objects.db)
    AuditChainHead.objects.all().delete()
    previous, rows = GENESIS, []
    for n in range(count):
        row = AuditLog(time=timezone.now(), username=f"old{n}", action="login", alg="sm3", prev_hash=previous,
                       detail=f"before keying {n}")
        row.hash = compute_hash(row)
        row.save()
        rows.append(row)
        previous = row.hash
    AuditChainHead.objects.create(pk=1, last_hash=previous, anchor_hash=GENESIS, change_hash=previous)
    return rows


REKEY = importlib.import_module("kexie.audit.migrations.0008_keyed_chain").rekey


def test_the_migration_rekeys_an_intact_legacy_chain(db):
    _legacy_chain(5)
    assert not verify_chain().ok  # unkeyed rows are not trusted

    REKEY(django_apps, None)

    assert verify_chain().ok
    head = AuditChainHead.objects.get(pk=1)
    last = AuditLog.objects.order_by("-id").first()
    assert head.last_hash == head.change_hash == last.hash
    assert last.alg.startswith("hmac-")


def test_the_migration_leaves_a_tampered_legacy_chain_unkeyed(db):
    rows = _legacy_chain(5)
    _sql("UPDATE {table} SET detail = %s WHERE id = %s", ["changed", rows[2].id])

    REKEY(django_apps, None)

    assert set(AuditLog.objects.values_list("alg", flat=True)) == {"sm3"}
    report = verify_chain()
    assert not report.ok and report.broken_id == rows[0].id
