"""The audit writer keeps one unbroken chain: concurrent writers, a missing head, awkward values."""

import threading

import pytest
from django.db import connection, connections, transaction

from kexie.audit.models import AuditChainHead, AuditLog
from kexie.audit.selectors import verify_chain
from kexie.audit.services import GENESIS, audit_record, compute_hash


def test_it_chains_each_row_to_the_one_before(db):
    first = audit_record(action=AuditLog.Action.LOGIN, username="a")
    second = audit_record(action=AuditLog.Action.LOGOUT, username="a")

    assert second.prev_hash == first.hash
    assert AuditChainHead.objects.get(pk=1).last_hash == second.hash


def test_it_creates_the_head_on_first_use(db):
    AuditChainHead.objects.all().delete()

    row = audit_record(action=AuditLog.Action.LOGIN, username="a")

    head = AuditChainHead.objects.get(pk=1)
    assert row.prev_hash == head.anchor_hash == GENESIS
    assert head.last_hash == row.hash


def test_a_row_rolled_back_with_its_change_leaves_the_chain_intact(db):
    audit_record(action=AuditLog.Action.LOGIN, username="a")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action=AuditLog.Action.DELETE, username="a")
        raise RuntimeError("the change failed")
    audit_record(action=AuditLog.Action.LOGOUT, username="a")

    assert not AuditLog.objects.filter(action=AuditLog.Action.DELETE).exists()
    assert verify_chain().ok


def test_values_read_back_from_the_database_hash_the_same(db):
    values = {"big": 1e20, "huge": 1.5e300, "nan": float("nan"), "small": 1e-7, "half": 0.5, "whole": 2.0, "text": "甲省科协", "nested": [{"b": 1, "a": None}],
              "when": __import__("datetime").date(2026, 1, 2)}
    row = audit_record(action=AuditLog.Action.UPDATE, username="a", old=values, new={"x": True})

    stored = AuditLog.objects.get(pk=row.pk)

    assert compute_hash(stored) == stored.hash
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE; the row lock is PostgreSQL's")
    AuditChainHead.objects.all().delete()  # the racers also have to agree on who creates the head
    errors = []
    start = threading.Barrier(4)

    def writer(n):
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    audit_record(action=AuditLog.Action.UPDATE, username=f"writer{n}", new={"i": i})
        except Exception as exc:  # reported below; a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert AuditLog.objects.count() == 40
    report = verify_chain()
    assert report.ok, report
    assert AuditLog.objects.values("prev_hash").distinct().count() == 40
