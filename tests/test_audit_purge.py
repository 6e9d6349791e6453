"""The retention purge removes old audit rows, keeps the chain verifiable and audits itself."""

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kexie.accounts.models import SecurityPolicy
from kexie.audit.models import AuditChainHead, AuditLog
from kexie.audit.selectors import verify_chain
from kexie.audit.services import RetentionTooShort, audit_purge, audit_record
from kexie.audit.tasks import purge_audit_log


def _write_at(when: dt.datetime, n: int, **fields) -> list[AuditLog]:
    # The clock is outside the system: rows "written 400 days ago" are written with it set back.
    with mock.patch("django.utils.timezone.now", return_value=when):
        return [audit_record(action=AuditLog.Action.UPDATE, username="clerk", new={"n": i}, **fields)
                for i in range(n)]


@pytest.fixture
def aged_trail(db):
    now = timezone.now()
    old = _write_at(now - dt.timedelta(days=400), 5)
    recent = _write_at(now - dt.timedelta(days=10), 3)
    return old, recent


def test_it_deletes_rows_older_than_the_policy_and_the_chain_still_verifies(aged_trail, capsys):
    old, recent = aged_trail
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"audit_retention_days": 365})

    call_command("audit", "purge")

    assert "Purged 5 audit records" in capsys.readouterr().out
    assert not AuditLog.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert AuditLog.objects.filter(pk__in=[r.pk for r in recent]).count() == 3
    assert AuditChainHead.objects.get(pk=1).anchor_hash == old[-1].hash
    assert verify_chain().ok


def test_it_writes_its_own_audit_row_with_the_count_and_the_cutoff(aged_trail):
    result = audit_purge(by=None)

    row = AuditLog.objects.order_by("-id").first()
    assert row.action == AuditLog.Action.PURGE
    assert row.username == "system"
    assert row.new_values["deleted"] == 5 == result.deleted
    assert row.new_values["cutoff"] == result.cutoff.isoformat()
    assert row.new_values["retention_days"] == 365


def test_a_dry_run_reports_and_changes_nothing(aged_trail, capsys):
    before = AuditLog.objects.count()
    anchor = AuditChainHead.objects.get(pk=1).anchor_hash

    call_command("audit", "purge", "--dry-run")

    assert "Dry run: 5 audit records" in capsys.readouterr().out
    assert AuditLog.objects.count() == before
    assert AuditChainHead.objects.get(pk=1).anchor_hash == anchor


def test_running_it_twice_removes_nothing_more_and_writes_nothing(aged_trail):
    audit_purge(by=None)
    rows = list(AuditLog.objects.values_list("id", flat=True))

    second = audit_purge(by=None)

    assert second.deleted == 0
    assert list(AuditLog.objects.values_list("id", flat=True)) == rows
    assert verify_chain().ok


def test_it_follows_a_longer_retention_from_the_policy(aged_trail):
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"audit_retention_days": 500})

    assert audit_purge(by=None).deleted == 0


def test_it_refuses_a_retention_below_the_legal_floor(aged_trail):
    before = AuditLog.objects.count()

    with pytest.raises(RetentionTooShort, match="184"):
        audit_purge(by=None, retention_days=183)

    assert AuditLog.objects.count() == before


def test_the_command_refuses_a_policy_below_the_floor_without_a_traceback(aged_trail):
    # The database's check constraint stops such a policy being saved; an unsaved one is the
    # only way to get past it, as a future migration or a manual edit might.
    with mock.patch.object(SecurityPolicy, "current", return_value=SecurityPolicy(audit_retention_days=30)):
        with pytest.raises(CommandError, match="refusing to purge.*30 days.*184"):
            call_command("audit", "purge")


def test_an_old_row_written_after_a_newer_one_is_kept_so_the_chain_stays_whole(db):
    now = timezone.now()
    old = _write_at(now - dt.timedelta(days=400), 2)
    recent = _write_at(now - dt.timedelta(days=1), 1)
    late = _write_at(now - dt.timedelta(days=399), 1)  # a clock set back: old time, newer id

    result = audit_purge(by=None)

    assert result.deleted == 2
    assert AuditLog.objects.filter(pk__in=[recent[0].pk, late[0].pk]).count() == 2
    assert not AuditLog.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert verify_chain().ok


def test_purging_everything_leaves_a_chain_of_the_purge_row_alone(db):
    _write_at(timezone.now() - dt.timedelta(days=400), 3)

    audit_purge(by=None)

    assert list(AuditLog.objects.values_list("action", flat=True)) == [AuditLog.Action.PURGE]
    assert verify_chain().ok


def test_the_task_applies_the_policy_and_is_idempotent(aged_trail):
    first = purge_audit_log.enqueue()
    second = purge_audit_log.enqueue()

    assert first.return_value["deleted"] == 5
    assert second.return_value["deleted"] == 0
    assert verify_chain().ok
