"""Writing and checking the audit trail.

Every service that changes state calls :func:`audit_record` inside its own transaction, so the
change and its audit row commit or roll back together.
"""

import datetime as dt
import decimal
import hashlib
import hmac
import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kexie.core.middleware import client_ip, current_request

from .models import AuditChainHead, AuditLog

GENESIS = "0" * 64


KEYED_PREFIX = "hmac-"


def hash_algorithm() -> str:
    """The algorithm new rows are chained with: HMAC over SM3 where OpenSSL has it, else SHA-256."""
    return KEYED_PREFIX + ("sm3" if "sm3" in hashlib.algorithms_available else "sha256")


def is_keyed(alg: str) -> bool:
    return alg.startswith(KEYED_PREFIX)


def audit_keys() -> list[bytes]:
    """The chain's key (``KEXIE_AUDIT_KEY``) first, then the keys it had before, for verifying
    rows chained before a key change. None of them is kept in the database."""
    return [key.encode() for key in [settings.AUDIT_KEY, *settings.AUDIT_PREVIOUS_KEYS]]


def _digest(alg: str, data: bytes, key: bytes | None = None) -> str:
    if is_keyed(alg):
        return hmac.new(key if key is not None else audit_keys()[0], data, alg.removeprefix(KEYED_PREFIX)).hexdigest()
    return hashlib.new(alg, data).hexdigest()


def _canonical(row: AuditLog) -> bytes:
    payload = {
        "time": row.time.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "user_id": row.user_id,
        "username": row.username,
        "organization_id": row.organization_id,
        "organization_name": row.organization_name,
        "ip": row.ip,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "object_repr": row.object_repr,
        "old_values": row.old_values,
        "new_values": row.new_values,
        "success": row.success,
        "detail": row.detail,
        "prev_hash": row.prev_hash,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(row: AuditLog, key: bytes | None = None) -> str:
    """The hash a row must carry: the keyed MAC (current key unless ``key``) of its canonical
    content, which includes ``prev_hash``. Rows of an unkeyed algorithm (written before the chain
    was keyed) get the plain digest."""
    return _digest(row.alg, _canonical(row), key)


def hash_matches(row: AuditLog) -> bool:
    """Whether the row's hash is its MAC under the current key or one of the previous keys."""
    return any(hmac.compare_digest(compute_hash(row, key), row.hash) for key in audit_keys())


def _jsonable(values):
    if values is None:
        return None
    return _normalise_numbers(json.loads(json.dumps(values, ensure_ascii=False, default=str)))


def _normalise_numbers(value):
    """Whole floats become the integers they print as: PostgreSQL's jsonb hands ``1e+20`` back
    as 100000000000000000000, which would dump differently and break the row's hash. NaN and
    infinities, which JSON (and jsonb) cannot hold, become text."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return int(decimal.Decimal(repr(value)))
        return value
    if isinstance(value, dict):
        return {key: _normalise_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalise_numbers(item) for item in value]
    return value


# Audited events that change no data: answers kept in the cache stay current across them.
READ_ONLY_ACTIONS = frozenset({"login", "login_failed", "logout", "export", "unmask", "refused",
                               "rate_limited"})


def lock_chain_head() -> AuditChainHead:
    """The chain head, locked until the surrounding transaction ends; created on first use.

    Every append holds this lock from reading ``last_hash`` to committing, so two writers can
    never chain onto the same row, and ids (drawn while the lock is held) follow chain order.
    On SQLite ``select_for_update`` is a no-op, but the connection opens every transaction with
    BEGIN IMMEDIATE (settings), which takes the database's write lock up front instead.
    """
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    try:
        # Two first writers may race to create the head: the loser's INSERT waits for the
        # winner's commit, fails on the primary key, and then locks the winner's row.
        with transaction.atomic():
            AuditChainHead.objects.create(pk=1, last_hash=GENESIS, anchor_hash=GENESIS)
    except IntegrityError:
        pass
    return AuditChainHead.objects.select_for_update().get(pk=1)


def _build(*, action: str, by=None, obj=None, object_type: str = "", object_id="", object_repr: str = "",
           old=None, new=None, success: bool = True, detail: str = "", username: str = "", request=None) -> AuditLog:
    """An unsaved, unchained row (``prev_hash`` and ``hash`` are set by the writer)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    user = by if (by is not None and getattr(by, "is_authenticated", False)) else None
    org = getattr(user, "organization", None) if user else None
    return AuditLog(
        time=timezone.now(),
        user_id=user.pk if user else None,
        username=(user.get_username() if user else username)[:150],
        organization_id=org.pk if org else None,
        organization_name=(org.name if org else "")[:200],
        ip=client_ip(request)[:64],
        action=action,
        object_type=object_type[:64],
        object_id=str(object_id)[:64],
        object_repr=(object_repr or "")[:300],
        old_values=_jsonable(old),
        new_values=_jsonable(new),
        success=success,
        detail=detail,
        alg=hash_algorithm(),
    )


def _move_head(rows: list[AuditLog]) -> None:
    moved = {"last_hash": rows[-1].hash}
    changes = [r for r in rows if r.action not in READ_ONLY_ACTIONS]
    if changes:
        moved["change_hash"] = changes[-1].hash
    AuditChainHead.objects.filter(pk=1).update(**moved)


def audit_record(
    *,
    action: str,
    by=None,
    obj=None,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
    old=None,
    new=None,
    success: bool = True,
    detail: str = "",
    username: str = "",
    request=None,
) -> AuditLog:
    """Append one audit row. Call it inside the transaction of the change it describes."""
    request = request or current_request()
    row = _build(action=action, by=by, obj=obj, object_type=object_type, object_id=object_id,
                 object_repr=object_repr, old=old, new=new, success=success, detail=detail, username=username,
                 request=request)
    with transaction.atomic():
        head = lock_chain_head()
        row.prev_hash = head.last_hash
        row.hash = compute_hash(row)
        row.save()
        _move_head([row])
    return row


def audit_record_many(entries: list[dict], *, by=None, request=None) -> list[AuditLog]:
    """Append one audit row per entry (each takes :func:`audit_record`'s keywords but ``by``),
    chained in order under one lock of the chain head and inserted together: what an import of
    thousands of records writes. Call it inside the transaction of the change."""
    if not entries:
        return []
    request = request or current_request()
    rows = [_build(by=by, request=request, **entry) for entry in entries]
    with transaction.atomic():
        head = lock_chain_head()
        previous = head.last_hash
        for row in rows:
            row.prev_hash = previous
            row.hash = previous = compute_hash(row)
        # One INSERT per batch, in list order, while the head is locked: ids follow chain order.
        AuditLog.objects.bulk_create(rows, batch_size=500)
        _move_head(rows)
    return rows


def diff_values(old: dict, new: dict) -> tuple[dict, dict]:
    """The changed keys only, as (old, new) dicts for an update audit row."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}


# The Cybersecurity Law keeps network logs for at least six months; the security policy has the
# same floor as a database constraint, and the purge checks it again so no path can go lower.
RETENTION_FLOOR_DAYS = 184


class RetentionTooShort(ValueError):
    """A purge was asked to keep fewer days than the legal floor."""


@dataclass(frozen=True)
class PurgeResult:
    """What a purge removed (or, in a dry run, would remove)."""

    deleted: int
    cutoff: dt.datetime
    retention_days: int
    dry_run: bool = False


def audit_purge(*, by=None, retention_days: int | None = None, dry_run: bool = False,
                now: dt.datetime | None = None) -> PurgeResult:
    """Delete the audit rows older than the retention period and move the chain's anchor.

    ``retention_days`` defaults to the security policy's. Only a prefix of the chain is removed
    (every row before the first one young enough to keep), so the survivors still link up; the
    head's anchor becomes the hash of the last removed row and ``kexie audit verify`` still
    passes. The purge writes its own audit row with the count and the cut-off in the same
    transaction. Running it again removes nothing more and writes nothing: it is idempotent.
    """
    if retention_days is None:
        from kexie.accounts.models import SecurityPolicy

        retention_days = SecurityPolicy.current().audit_retention_days
    if retention_days < RETENTION_FLOOR_DAYS:
        raise RetentionTooShort(
            f"audit retention of {retention_days} days is below the legal floor of {RETENTION_FLOOR_DAYS} days"
        )
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days)
    with transaction.atomic():
        if not dry_run:
            lock_chain_head()  # no append may slip in between counting and moving the anchor
        first_kept = AuditLog.objects.filter(time__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        doomed = AuditLog.objects.all() if first_kept is None else AuditLog.objects.filter(id__lt=first_kept)
        last_doomed = doomed.order_by("-id").values("id", "hash").first()
        if last_doomed is None:
            return PurgeResult(0, cutoff, retention_days, dry_run)
        if dry_run:
            return PurgeResult(doomed.count(), cutoff, retention_days, dry_run)
        # The one deliberate deletion of audit rows; the model and its queryset refuse all others.
        table = connection.ops.quote_name(AuditLog._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last_doomed["id"]])  # noqa: S608
            deleted = cursor.rowcount
        AuditChainHead.objects.filter(pk=1).update(anchor_hash=last_doomed["hash"])
        audit_record(
            action=AuditLog.Action.PURGE,
            by=by,
            username="system",
            object_type=AuditLog._meta.label_lower,
            object_repr=_("%(count)d audit records before %(cutoff)s")
            % {"count": deleted, "cutoff": date_format(timezone.localtime(cutoff), "DATETIME_FORMAT")},
            new={"deleted": deleted, "cutoff": cutoff.isoformat(), "retention_days": retention_days,
                 "last_deleted_id": last_doomed["id"]},
            detail=_("Retention purge: %(count)d records older than %(days)d days removed.")
            % {"count": deleted, "days": retention_days},
        )
    return PurgeResult(deleted, cutoff, retention_days)
