"""Reads of the audit trail: the log page's search, an object's history, and chain verification."""

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .checkpoints import Checkpoint, CheckpointForged, compare, last_checkpoint
from .models import AuditChainHead, AuditLog
from .services import GENESIS, hash_matches, is_keyed


@contextlib.contextmanager
def read_snapshot(using: str = "default"):
    """One transaction that sees a single, consistent state of the database.

    PostgreSQL: REPEATABLE READ, READ ONLY, so concurrent writers neither block nor show
    through. SQLite: a plain transaction; the connection begins it IMMEDIATE, which keeps
    writers out until it ends. Inside an enclosing transaction (tests, callers that already
    hold one), that transaction is the snapshot.
    """
    conn = connections[using]
    outermost = not conn.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield conn


def history_for(obj, limit: int = 50, *, actions=None) -> QuerySet:
    """The newest audit rows about one object, newest first; only ``actions`` when given (a
    handling record leaves out, say, the object's downloads).

    It does not check ``audit.view``: the caller has already shown the object is in the user's
    scope, and an object's own history is part of its detail page. Served by audit_object_idx.
    """
    rows = AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if actions is not None:
        rows = rows.filter(action__in=list(actions))
    return rows.order_by("-id")[:limit]


def with_person_names(rows) -> list[AuditLog]:
    """``rows`` as a list, each with ``person``: the name people know the actor by — the full
    name, else the user name — as the account has it now (one query for all the rows), or the user
    name recorded at the time when the account is gone."""
    rows = list(rows)
    users = get_user_model().objects.in_bulk({row.user_id for row in rows if row.user_id})
    for row in rows:
        user = users.get(row.user_id)
        row.person = (user.full_name or user.username) if user else row.username
    return rows


def audit_search(
    *,
    user,
    username: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    success: bool | None = None,
) -> QuerySet:
    """The audit rows ``user`` may read (``audit.view``), filtered, newest first.

    Dates are whole days in the installation's time zone; both ends are included.
    """
    rows = AuditLog.objects.restrict(user, "audit.view")
    if username:
        rows = rows.filter(username__icontains=username)
    if action:
        rows = rows.filter(action=action)
    if object_type:
        rows = rows.filter(object_type=object_type)
    if object_id:
        rows = rows.filter(object_id=object_id)
    if date_from:
        rows = rows.filter(time__gte=_start_of_day(date_from))
    if date_to:
        rows = rows.filter(time__lt=_start_of_day(date_to + dt.timedelta(days=1)))
    if success is not None:
        rows = rows.filter(success=success)
    return rows.order_by("-id")


def audit_object_types() -> list[str]:
    """Suggestions for the object-type filter: every model label the platform may record.

    Taken from the installed models rather than ``SELECT DISTINCT`` over the trail, which
    would scan millions of rows on every page view.
    """
    labels = {model._meta.label_lower for model in apps.get_models()
              if model.__module__.startswith(("kexie.", "django.contrib.auth"))}
    return sorted(labels | {"backup"})


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class ChainReport:
    """What ``verify_chain`` found. ``broken_id`` is the first row that does not check out
    (None when the fault is not in a row, e.g. a missing head or missing newest rows)."""

    ok: bool
    count: int
    broken_id: int | None = None
    problem: str = ""
    checkpoint: Checkpoint | None = None  # the checkpoint the database was compared with (None: none yet)


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Walk the whole chain in id order and recompute every link.

    Checks that each row is keyed and its hash is the MAC of its content under the audit key (or
    a previous one), that each row's prev_hash is the hash of the row before it (the first row's,
    the head's anchor_hash), that the head's last_hash is the hash of the last row, and that the
    last checkpoint written outside the database (:mod:`kexie.audit.checkpoints`) still matches. Rows are read in keyset batches of ``batch_size``, so memory
    stays flat however long the chain is; the whole walk sees one snapshot of the database.
    """
    fields = ["id", "time", "user_id", "username", "organization_id", "organization_name", "ip", "action",
              "object_type", "object_id", "object_repr", "old_values", "new_values", "success", "detail",
              "alg", "prev_hash", "hash"]
    with read_snapshot():
        head = AuditChainHead.objects.filter(pk=1).first()
        expected_prev = head.anchor_hash if head else GENESIS
        last_id, count, previous_id = 0, 0, None
        while True:
            batch = list(AuditLog.objects.filter(id__gt=last_id).order_by("id").only(*fields)[:batch_size])
            if not batch:
                break
            for row in batch:
                if row.prev_hash != expected_prev:
                    if previous_id is None:
                        problem = ("its prev_hash is not the chain's anchor: older records were deleted "
                                   "outside the retention job, or a record was inserted before it")
                    else:
                        problem = (f"its prev_hash does not match the hash of record {previous_id} before it: "
                                   "records between them were deleted or inserted, or that record was changed")
                    return ChainReport(False, count, row.id, problem)
                if not is_keyed(row.alg):
                    return ChainReport(False, count, row.id, f"it is not keyed ({row.alg!r}): anyone able to write "
                                       "to the database could have computed its hash")
                try:
                    matches = hash_matches(row)
                except ValueError:
                    return ChainReport(False, count, row.id, f"unknown hash algorithm {row.alg!r}")
                if not matches:
                    return ChainReport(False, count, row.id, "its hash does not match its content under the audit "
                                       "key: the record was changed")
                expected_prev, previous_id = row.hash, row.id
                count += 1
            last_id = batch[-1].id
        if head is None and count:
            return ChainReport(False, count, None, "the chain head is missing")
        if head is not None and head.last_hash != expected_prev:
            if count == 0:
                problem = "the chain head names a last record but there are no records: they were deleted"
            else:
                problem = (f"the chain head's last hash is not the hash of the last record {previous_id}: "
                           "the newest records were deleted, or the head was changed")
            return ChainReport(False, count, None, problem)
        try:
            checkpoint = last_checkpoint()
        except CheckpointForged as exc:
            return ChainReport(False, count, None, f"the last line of the checkpoint file is not authentic: {exc}")
        problem = compare(checkpoint) if checkpoint else ""
        if problem:
            return ChainReport(False, count, None, problem, checkpoint)
    return ChainReport(True, count, checkpoint=checkpoint)

