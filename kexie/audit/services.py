"""Writing and checking the audit trail.

Every service that changes state calls :func:`audit_record` inside its own transaction, so the
change and its audit row commit or roll back together.
"""

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.utils import timezone

from kexie.core.middleware import client_ip, current_request

from .models import AuditChainHead, AuditLog

GENESIS = "0" * 64


def hash_algorithm() -> str:
    return "sm3" if "sm3" in hashlib.algorithms_available else "sha256"


def _digest(alg: str, data: bytes) -> str:
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


def compute_hash(row: AuditLog) -> str:
    return _digest(row.alg, _canonical(row))


def _jsonable(values):
    if values is None:
        return None
    return json.loads(json.dumps(values, ensure_ascii=False, default=str))


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
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    user = by if (by is not None and getattr(by, "is_authenticated", False)) else None
    org = getattr(user, "organization", None) if user else None
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS, anchor_hash=GENESIS)
        row = AuditLog(
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
            prev_hash=head.last_hash,
        )
        row.hash = compute_hash(row)
        row.save()
        AuditChainHead.objects.filter(pk=1).update(last_hash=row.hash)
    return row


def diff_values(old: dict, new: dict) -> tuple[dict, dict]:
    """The changed keys only, as (old, new) dicts for an update audit row."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}
