"""``kexie restore FILE``: load a ``kexie backup`` archive into a freshly migrated database.

Refuses when the archive is damaged (a table's checksum or row count is off), when the database
schema is not the one the backup was taken from, or when the database is already in use. The
whole load is one transaction: it ends with every table restored and re-checked against the
manifest, or with nothing changed.
"""

import hashlib
import io
import json
import tarfile
import types
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models.sql import InsertQuery
from django.utils.translation import gettext as _

from .backup import FORMAT, MANIFEST, backup_models, columns, decode_value, schema_state, table_digest

# A database holding any of these is in use; one that is only migrated holds none of them (the
# migrations do seed roles, content types and permissions: the restore replaces those).
IN_USE_MODELS = ("accounts.user", "audit.auditlog", "organizations.organization")


class RestoreRefused(CommandError):
    """The archive or the target database is not fit for a restore; nothing was changed."""


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError) as exc:
        raise RestoreRefused(f"not a kexie backup: no readable {MANIFEST} ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise RestoreRefused(f"unsupported backup format {manifest.get('format')!r} (expected {FORMAT}).")
    return manifest


def check_archive(archive: tarfile.TarFile, manifest: dict) -> None:
    """Every table file's row count and SHA-256 must match the manifest."""
    for entry in manifest["tables"]:
        digest, count = hashlib.sha256(), 0
        try:
            member = archive.extractfile(entry["file"])
        except KeyError:
            raise RestoreRefused(f"the archive is damaged: {entry['file']} is missing.") from None
        for line in member:
            digest.update(line)
            count += 1
        if count != entry["rows"] or digest.hexdigest() != entry["sha256"]:
            raise RestoreRefused(f"the archive is damaged: table {entry['table']} does not match its checksum "
                                 f"({count} rows read, {entry['rows']} expected).")


def check_target(manifest: dict) -> list:
    """The models to load, in manifest order, once the database is shown to be a fit target."""
    expected = manifest["migrations"]
    actual = schema_state(set(expected) | {m._meta.app_label for m in backup_models()})
    if actual != expected:
        differing = sorted(label for label in set(actual) | set(expected) if actual.get(label) != expected.get(label))
        raise RestoreRefused("the database schema differs from the backup's in app(s) " + ", ".join(differing)
                             + ": install the release the backup was made with and run `kexie migrate` first.")
    for label in IN_USE_MODELS:
        model = apps.get_model(label)
        count = model._base_manager.count()
        if count:
            raise RestoreRefused(f"the database is not empty ({count} rows in {model._meta.db_table}); "
                                 "restore only into a freshly migrated database.")
    models = []
    for entry in manifest["tables"]:
        try:
            model = apps.get_model(entry["model"])
        except LookupError:
            raise RestoreRefused(f"the backup has table {entry['table']} that this release does not know.") from None
        if [f.attname for f in columns(model)] != entry["columns"]:
            raise RestoreRefused(f"the columns of {entry['table']} differ from the backup's.")
        models.append(model)
    missing = {m._meta.label_lower for m in backup_models()} - {m._meta.label_lower for m in models}
    if missing:
        raise RestoreRefused("the backup lacks table(s) for " + ", ".join(sorted(missing)) + ".")
    return models


def _insert(model, fields, rows, using) -> None:
    # A raw insert, as loaddata does: no save(), no auto_now, no signals; values go in as read.
    query = InsertQuery(model)
    query.insert_values(fields, rows, raw=True)
    query.get_compiler(using=using).execute_sql()


def load_table(model, lines, *, batch_rows: int = 500) -> int:
    fields = columns(model)
    names = [f.attname for f in fields]
    batch_size = max(1, min(batch_rows, connection.ops.bulk_batch_size(fields, [None] * batch_rows) or batch_rows))
    batch, count = [], 0
    for line in lines:
        values = json.loads(line)
        batch.append(types.SimpleNamespace(**{name: decode_value(field, value)
                                              for name, field, value in zip(names, fields, values, strict=True)}))
        if len(batch) >= batch_size:
            _insert(model, fields, batch, connection.alias)
            count, batch = count + len(batch), []
    if batch:
        _insert(model, fields, batch, connection.alias)
        count += len(batch)
    return count


def restore_backup(path: Path) -> dict:
    """Load the archive at ``path``; returns its manifest. Raises RestoreRefused before changing
    anything if the archive or the database is not fit, and rolls back if a re-check fails."""
    from django.contrib.contenttypes.models import ContentType

    from kexie.audit.models import AuditLog
    from kexie.audit.presentation import date_text
    from kexie.audit.services import audit_record

    try:
        archive = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise RestoreRefused(f"cannot read {path}: {exc}") from None
    with archive:
        manifest = read_manifest(archive)
        check_archive(archive, manifest)
        models = check_target(manifest)
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Foreign keys are checked at commit (Django creates them deferrable), so tables
                # can be emptied and filled in any order.
                for model in reversed(models):
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            for model, entry in zip(models, manifest["tables"], strict=True):
                load_table(model, io.BufferedReader(archive.extractfile(entry["file"])))
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            for model, entry in zip(models, manifest["tables"], strict=True):
                if table_digest(model) != (entry["rows"], entry["content_sha256"]):
                    raise CommandError(f"table {entry['table']} does not read back as backed up; nothing was restored.")
            ContentType.objects.clear_cache()
            audit_record(action=AuditLog.Action.SECURITY, username="system", object_type="backup",
                         object_repr=Path(path).name[:300],
                         detail=_("Database restored from a backup taken at %(time)s.")
                         % {"time": date_text(manifest["created_at"]) or manifest["created_at"]},
                         new={"file": Path(path).name, "snapshot": manifest["created_at"],
                              "rows": sum(t["rows"] for t in manifest["tables"])})
    return manifest


class Command(BaseCommand):
    help = "Restore a `kexie backup` archive into a freshly migrated, empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive written by `kexie backup`")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        manifest = restore_backup(path)
        # The restored chain is the one to compare with from now on: an operator's act, recorded.
        from kexie.audit.checkpoints import write_checkpoint

        write_checkpoint(reason="restore")
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(f"Restored {len(manifest['tables'])} tables, {rows} rows, from the backup taken at "
                          f"{manifest['created_at']}. Run `kexie audit verify` to check the audit trail.")
