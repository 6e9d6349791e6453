"""The audit chain becomes keyed: rows chained with a plain SM3/SHA-256 digest are chained again
with the HMAC of ``KEXIE_AUDIT_KEY``, provided the plain chain still verifies. A chain already
broken is left as it is, so the re-keying cannot launder tampering: ``kexie audit verify`` goes
on reporting it."""

from django.db import migrations, models

BATCH = 2000


def _rows(AuditLog):
    last_id = 0
    while True:
        batch = list(AuditLog.objects.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def rekey(apps, schema_editor):
    from kexie.audit.services import compute_hash, hash_algorithm, is_keyed

    AuditLog = apps.get_model("audit", "AuditLog")
    Head = apps.get_model("audit", "AuditChainHead")
    head = Head.objects.filter(pk=1).first()
    if head is None:
        return
    expected = head.anchor_hash
    for row in _rows(AuditLog):
        if is_keyed(row.alg) or row.prev_hash != expected or compute_hash(row) != row.hash:
            return
        expected = row.hash
    if head.last_hash != expected:
        return
    alg, renamed, previous = hash_algorithm(), {}, head.anchor_hash
    for row in _rows(AuditLog):
        old = row.hash
        row.alg, row.prev_hash = alg, previous
        row.hash = compute_hash(row)
        AuditLog._base_manager.filter(pk=row.pk).update(alg=row.alg, prev_hash=row.prev_hash, hash=row.hash)
        if old in (head.last_hash, head.change_hash):
            renamed[old] = row.hash
        previous = row.hash
    Head.objects.filter(pk=1).update(last_hash=renamed.get(head.last_hash, head.last_hash),
                                     change_hash=renamed.get(head.change_hash, head.change_hash))


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0007_action_rate_limited'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditlog',
            name='alg',
            field=models.CharField(default='hmac-sm3', max_length=16),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
