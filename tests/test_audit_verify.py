"""`kexie audit verify` finds every kind of tampering with the hash chain, and passes an intact one."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kexie.audit.models import AuditChainHead, AuditLog
from kexie.audit.selectors import verify_chain
from kexie.audit.services import audit_record, compute_hash

TABLE = AuditLog._meta.db_table


@pytest.fixture
def chain(world):
    """The world's own audit rows plus a few with personal data and JSON values."""
    for n in range(6):
        audit_record(action=AuditLog.Action.UPDATE, by=world.system_admin, obj=world.prov_a,
                     old={"name": f"old {n}", "phone": "13812345678"}, new={"name": f"new {n}", "score": 1.5 * n})
    return list(AuditLog.objects.order_by("id"))


def _sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=connection.ops.quote_name(TABLE)), params)


def _verify_fails(batch_size=2000) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify", f"--batch-size={batch_size}")
    assert excinfo.value.returncode == 1
    return str(excinfo.value)


def test_an_untouched_chain_passes(chain, capsys):
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert out.startswith("OK")
    assert f"{len(chain)} records" in out
    assert len(chain) > 10  # the world's organisations are audited too


def test_it_gives_the_same_answer_whatever_the_batch_size(chain):
    assert verify_chain(batch_size=1) == verify_chain(batch_size=3) == verify_chain()
    assert verify_chain(batch_size=1).ok


def test_a_row_changed_with_raw_sql_is_detected(chain):
    victim = chain[5]
    _sql("UPDATE {table} SET detail = %s WHERE id = %s", ["nothing happened here", victim.id])

    message = _verify_fails()

    assert f"record id {victim.id}" in message
    assert "does not match its content" in message


def test_a_changed_json_value_is_detected_in_any_batch(chain):
    victim = chain[-2]
    _sql("UPDATE {table} SET username = %s WHERE id = %s", ["someone_else", victim.id])

    report = verify_chain(batch_size=2)

    assert not report.ok and report.broken_id == victim.id


def test_a_row_changed_and_rehashed_breaks_the_link_to_the_next_row(chain):
    victim, after = chain[3], chain[4]
    victim.detail = "forged"
    forged_hash = compute_hash(victim)
    _sql("UPDATE {table} SET detail = %s, hash = %s WHERE id = %s", ["forged", forged_hash, victim.id])

    report = verify_chain()

    assert not report.ok
    assert report.broken_id == after.id
    assert f"record {victim.id}" in report.problem


def test_a_row_deleted_in_the_middle_is_detected(chain):
    victim, after = chain[7], chain[8]
    _sql("DELETE FROM {table} WHERE id = %s", [victim.id])

    message = _verify_fails()

    assert f"record id {after.id}" in message
    assert "deleted or inserted" in message


def test_a_row_inserted_in_the_middle_is_detected(chain):
    before, after = chain[4], chain[5]
    # Make room in the id sequence (ids are not hashed), then slip a well-formed forgery in.
    _sql("UPDATE {table} SET id = id + 100000 WHERE id > %s", [before.id])
    forged = AuditLog(id=before.id + 1, time=before.time, username="intruder", action=AuditLog.Action.DELETE,
                      object_type="organizations.organization", object_id="1", alg=before.alg, prev_hash=before.hash)
    forged.hash = compute_hash(forged)
    AuditLog.objects.bulk_create([forged])

    report = verify_chain(batch_size=4)

    assert not report.ok
    assert report.broken_id == after.id + 100000
    assert f"record {forged.id}" in report.problem


def test_a_forged_row_appended_without_moving_the_head_is_detected(chain):
    last = chain[-1]
    forged = AuditLog(time=last.time, username="intruder", action=AuditLog.Action.LOGIN, alg=last.alg,
                      prev_hash=last.hash)
    forged.hash = compute_hash(forged)
    AuditLog.objects.bulk_create([forged])

    report = verify_chain()

    assert not report.ok and report.broken_id is None
    assert "chain head" in report.problem


def test_the_last_row_deleted_is_detected(chain):
    _sql("DELETE FROM {table} WHERE id = %s", [chain[-1].id])

    message = _verify_fails()

    assert "at the chain head" in message
    assert "newest records were deleted" in message


def test_the_first_row_deleted_is_detected(chain):
    _sql("DELETE FROM {table} WHERE id = %s", [chain[0].id])

    report = verify_chain()

    assert not report.ok and report.broken_id == chain[1].id
    assert "anchor" in report.problem


def test_every_row_deleted_is_detected(chain):
    _sql("DELETE FROM {table}")

    report = verify_chain()

    assert not report.ok and report.count == 0


def test_an_empty_trail_with_no_head_passes(db):
    AuditChainHead.objects.all().delete()
    assert verify_chain().ok


def test_rows_without_a_head_are_reported(chain):
    AuditChainHead.objects.all().delete()

    report = verify_chain()

    assert not report.ok and "head is missing" in report.problem


def test_the_application_cannot_change_or_delete_rows(chain):
    from kexie.audit.models import AuditImmutable

    row = chain[0]
    row.detail = "changed"
    with pytest.raises(AuditImmutable):
        row.save()
    with pytest.raises(AuditImmutable):
        row.delete()
    with pytest.raises(AuditImmutable):
        AuditLog.objects.filter(pk=row.pk).update(detail="changed")
    with pytest.raises(AuditImmutable):
        AuditLog.objects.all().delete()
    assert verify_chain().ok


def test_rows_written_together_chain_in_order_and_verify(chain, world):
    from kexie.audit.services import audit_record_many

    before = AuditLog.objects.count()
    rows = audit_record_many([{"action": AuditLog.Action.CREATE, "obj": world.city_a, "new": {"n": n}}
                              for n in range(5)], by=world.system_admin)
    audit_record(action=AuditLog.Action.UPDATE, by=world.system_admin, obj=world.prov_a, new={"after": True})

    stored = list(AuditLog.objects.order_by("id")[before:])
    assert [r.new_values for r in stored] == [{"n": n} for n in range(5)] + [{"after": True}]
    assert [r.prev_hash for r in stored[1:]] == [r.hash for r in stored[:-1]]
    assert stored[0].prev_hash == chain[-1].hash
    assert [r.pk for r in rows] == [r.pk for r in stored[:5]]
    assert verify_chain().ok
    assert AuditChainHead.objects.get(pk=1).last_hash == stored[-1].hash
