"""`kexie backup` / `kexie restore`: a restore into a fresh database gives back every row, and the
audit chain still verifies; damaged archives and databases in use are refused untouched."""

import datetime as dt
import gzip
import hashlib
import io
import json
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kexie.accounts.models import Role, SecurityPolicy, User
from kexie.accounts.roles import ensure_builtin_roles
from kexie.audit.models import AuditLog
from kexie.audit.selectors import verify_chain
from kexie.audit.services import audit_record
from kexie.core.management.commands.backup import backup_models, table_digest, table_lines
from kexie.organizations.models import Organization
from tests.personas import build_world

# Real commits: the backup's snapshot and the restore's transaction must be outermost, as in use.
pytestmark = pytest.mark.django_db(transaction=True)


def _fresh_database():
    """What `kexie migrate` leaves: empty tables, with content types, permissions and the
    built-in roles that migrations create."""
    call_command("flush", interactive=False, verbosity=0)
    ensure_builtin_roles()


def _digests() -> dict:
    return {m._meta.label_lower: table_digest(m) for m in backup_models()}


@pytest.fixture
def populated():
    ensure_builtin_roles()  # an earlier transactional test's flush may have removed the migration's roles
    world = build_world()
    world.provincial_clerk.set_id_number("11010119900307123X")
    world.provincial_clerk.save()
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"audit_retention_days": 400})
    for n in range(25):
        audit_record(action=AuditLog.Action.UPDATE, by=world.provincial_clerk, obj=world.city_a,
                     old={"z": n, "a": "旧", "phone": "13812345678"}, new={"z": n + 0.5, "list": [1, None, "x"]})
    return world


def test_a_restore_into_a_fresh_database_gives_back_every_row_and_a_verifiable_chain(populated, tmp_path, capsys):
    archive = tmp_path / "kexie.tar.gz"
    before = _digests()
    users = {u.username: (u.password, u.id_number) for u in User.objects.all()}

    call_command("backup", str(archive))
    manifest = json.load(tarfile.open(archive).extractfile("manifest.json"))
    _fresh_database()
    call_command("restore", str(archive))

    assert "Restored" in capsys.readouterr().out
    assert {t["model"]: (t["rows"], t["content_sha256"]) for t in manifest["tables"]} == before
    after = _digests()
    # The restore appends an audit row about itself (the backup's own row came after its
    # snapshot); every other table is exactly as it was, and so are the backed-up audit rows.
    audit_tables = {"audit.auditlog", "audit.auditchainhead"}
    assert {k: v for k, v in after.items() if k not in audit_tables} == \
           {k: v for k, v in before.items() if k not in audit_tables}
    # Byte for byte as in the archive, not merely equal content:
    backed_up = next(t for t in manifest["tables"] if t["model"] == "audit.auditlog")
    backed_up_rows = backed_up["rows"]
    restored_lines = list(table_lines(AuditLog))
    assert hashlib.sha256(b"".join(restored_lines[:backed_up_rows])).hexdigest() == backed_up["sha256"]
    assert len(restored_lines) == backed_up_rows + 1
    assert AuditLog.objects.order_by("-id").first().action == AuditLog.Action.SECURITY
    assert {u.username: (u.password, u.id_number) for u in User.objects.all()} == users
    assert User.objects.get(username="provincial_clerk").roles.filter(code="provincial_clerk").exists()
    call_command("audit", "verify")
    assert capsys.readouterr().out.startswith("OK")


def test_new_rows_after_a_restore_continue_the_ids_and_the_chain(populated, tmp_path):
    archive = tmp_path / "kexie.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    top_org = Organization.objects.order_by("-pk").first().pk
    _fresh_database()
    call_command("restore", str(archive), verbosity=0)

    org = Organization.objects.create(name="新组织", kind="department", parent_id=populated.cast.pk)
    audit_record(action=AuditLog.Action.CREATE, obj=org)

    assert org.pk > top_org
    assert verify_chain().ok


def test_the_archive_is_json_lines_with_a_manifest(populated, tmp_path):
    archive = tmp_path / "kexie.tar.gz"
    call_command("backup", str(archive), verbosity=0)

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        tables = {t["table"]: t for t in manifest["tables"]}
        lines = tar.extractfile(tables["audit_auditlog"]["file"]).read().decode().splitlines()
    assert {"accounts_user", "accounts_user_roles", "organizations_organization", "audit_auditchainhead",
            "auth_permission", "django_content_type"} <= set(tables)
    assert "django_session" not in tables
    assert len(lines) == tables["audit_auditlog"]["rows"]
    assert json.loads(lines[0])[tables["audit_auditlog"]["columns"].index("action")] == "create"
    assert (archive.stat().st_mode & 0o777) == 0o600


def test_a_database_in_use_is_refused_and_left_alone(populated, tmp_path):
    archive = tmp_path / "kexie.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    before = _digests()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))

    assert _digests() == before


def test_a_damaged_archive_is_refused_before_anything_changes(populated, tmp_path):
    archive, damaged = tmp_path / "kexie.tar.gz", tmp_path / "damaged.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "tables/audit_auditlog.jsonl":
                data = data.replace("旧".encode(), "新".encode(), 1)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    _fresh_database()
    roles = Role.objects.count()

    with pytest.raises(CommandError, match="audit_auditlog does not match its checksum"):
        call_command("restore", str(damaged))

    assert AuditLog.objects.count() == 0 and Role.objects.count() == roles


def test_something_that_is_not_a_backup_is_refused(db, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(gzip.compress(b"hello"))

    with pytest.raises(CommandError, match="cannot read|not a kexie backup"):
        call_command("restore", str(bogus))


def test_a_backup_from_another_schema_is_refused(populated, tmp_path):
    archive, other = tmp_path / "kexie.tar.gz", tmp_path / "other.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    with tarfile.open(archive) as source, tarfile.open(other, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"]["audit"].append("9999_from_the_future")
                data = json.dumps(manifest).encode()
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    _fresh_database()

    with pytest.raises(CommandError, match="schema differs.*audit"):
        call_command("restore", str(other))


def test_the_snapshot_time_is_recorded(populated, tmp_path):
    archive = tmp_path / "kexie.tar.gz"
    call_command("backup", str(archive), verbosity=0)

    manifest = json.load(tarfile.open(archive).extractfile("manifest.json"))

    taken = dt.datetime.fromisoformat(manifest["created_at"])
    assert abs((dt.datetime.now(dt.UTC) - taken).total_seconds()) < 120
