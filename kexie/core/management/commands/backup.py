"""``kexie backup FILE``: a consistent, verifiable copy of every table the platform owns.

The archive is a gzip-compressed tar file:

    manifest.json               format, time, schema (applied migrations), and per table:
                                model, columns, row count, the SHA-256 of its data file and
                                of its content in canonical form (JSON keys sorted)
    tables/<db_table>.jsonl     one JSON array per row, values in the manifest's column order,
                                rows in primary-key order

Everything is read in one snapshot (REPEATABLE READ on PostgreSQL, one transaction on SQLite),
so the tables agree with each other and the audit chain is whole. Values are written so that
they read back to the same Python values: audit rows come back identical and still verify.
``kexie restore`` (restore.py) reads the format back; the helpers here are shared by both.
"""

import base64
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import tarfile
import tempfile
import uuid
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext as _

FORMAT = "kexie-backup/1"
MANIFEST = "manifest.json"
# Besides every kexie app: Django's auth and content types, and the API tokens. Sessions and
# finished background jobs are left out on purpose: both are disposable.
EXTRA_APP_LABELS = ("contenttypes", "auth", "authtoken")


def backup_models() -> list:
    """The models whose tables a backup holds, including many-to-many link tables."""
    chosen = []
    for app_config in apps.get_app_configs():
        if not (app_config.name.startswith("kexie.") or app_config.label in EXTRA_APP_LABELS):
            continue
        for model in app_config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                chosen.append(model)
    return sorted(chosen, key=lambda m: m._meta.db_table)


def columns(model) -> list:
    """The fields stored in the model's own table (a child's parent fields live elsewhere)."""
    return list(model._meta.local_concrete_fields)


def schema_state(app_labels) -> dict[str, list[str]]:
    """The applied migrations of the given apps, which a restore target must match exactly."""
    applied = MigrationRecorder(connection).applied_migrations()
    state: dict[str, list[str]] = {}
    for app_label, name in applied:
        if app_label in app_labels:
            state.setdefault(app_label, []).append(name)
    return {label: sorted(names) for label, names in sorted(state.items())}


def encode_value(field, value):
    """A column value as JSON that ``decode_value`` turns back into the same Python value."""
    if value is None or field.get_internal_type() == "JSONField":
        return value
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.UTC) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decode_value(field, value):
    if value is None or field.get_internal_type() == "JSONField":
        return value
    return field.to_python(value)


def row_line(values, *, canonical: bool = False) -> bytes:
    # The archive keeps JSON values' key order, so they are stored back exactly as they were;
    # the canonical form sorts keys, as PostgreSQL's jsonb does, to compare across databases.
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=canonical).encode() + b"\n"


def table_rows(model, *, chunk_size: int = 2000):
    """Every row of the model's table, encoded, in primary-key order, memory-flat."""
    fields = columns(model)
    rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
    for row in rows.iterator(chunk_size=chunk_size):
        yield [encode_value(field, value) for field, value in zip(fields, row, strict=True)]


def table_lines(model):
    """Every row of the model's table as archive lines."""
    for values in table_rows(model):
        yield row_line(values)


def table_digest(model) -> tuple[int, str]:
    """(row count, content SHA-256) of a table as the database holds it now.

    The content digest is over canonical lines, so a table restored into another database
    engine (SQLite to PostgreSQL) compares equal to the one that was backed up."""
    digest, count = hashlib.sha256(), 0
    for values in table_rows(model):
        digest.update(row_line(values, canonical=True))
        count += 1
    return count, digest.hexdigest()


def write_backup(path: Path) -> dict:
    """Write the archive to ``path`` (atomically: a partial file never takes its name)."""
    from kexie.audit.selectors import read_snapshot

    models = backup_models()
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="kexie-backup-") as workdir:
        entries = []
        with read_snapshot():
            for model in models:
                member = f"tables/{model._meta.db_table}.jsonl"
                digest, content, count = hashlib.sha256(), hashlib.sha256(), 0
                with open(Path(workdir) / f"{model._meta.db_table}.jsonl", "wb") as out:
                    for values in table_rows(model):
                        line = row_line(values)
                        out.write(line)
                        digest.update(line)
                        content.update(row_line(values, canonical=True))
                        count += 1
                entries.append({"model": model._meta.label_lower, "table": model._meta.db_table,
                                "columns": [f.attname for f in columns(model)], "rows": count,
                                "sha256": digest.hexdigest(), "content_sha256": content.hexdigest(),
                                "file": member})
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().astimezone(dt.UTC).isoformat(),
                "database_vendor": connection.vendor,
                "migrations": schema_state({m._meta.app_label for m in models}),
                "tables": entries,
            }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(dt.datetime.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            for entry in entries:
                archive.add(Path(workdir) / f"{entry['table']}.jsonl", arcname=entry["file"], recursive=False)
        os.chmod(partial, 0o600)  # it holds password hashes and personal data
        os.replace(partial, path)
    return manifest


class Command(BaseCommand):
    help = "Write a consistent backup of the database to FILE (a .tar.gz of JSON lines with checksums)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the archive, e.g. kexie-2026-11-21.tar.gz")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if path.is_dir():
            raise CommandError(f"{path} is a directory; give a file name.")
        if not path.parent.exists():
            raise CommandError(f"directory {path.parent} does not exist.")
        manifest = write_backup(path)
        rows = sum(t["rows"] for t in manifest["tables"])
        self._audit(path, manifest, rows)
        self.stdout.write(f"Backup written to {path}: {len(manifest['tables'])} tables, {rows} rows.")

    def _audit(self, path: Path, manifest: dict, rows: int) -> None:
        # A backup is an export of everything, so it is audited — after the read-only snapshot.
        from kexie.audit.models import AuditLog
        from kexie.audit.presentation import date_text
        from kexie.audit.services import audit_record

        detail = _("Database backup: %(tables)d tables, %(rows)d rows, snapshot at %(time)s.") % {
            "tables": len(manifest["tables"]), "rows": rows,
            "time": date_text(manifest["created_at"]) or manifest["created_at"]}
        audit_record(action=AuditLog.Action.EXPORT, username="system", object_type="backup",
                     object_repr=path.name[:300], detail=detail,
                     new={"file": path.name, "tables": len(manifest["tables"]), "rows": rows})
