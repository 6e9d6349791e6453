"""Whether an answer computed earlier is still current, so that it can be served again without
recomputing it: the dashboards (:func:`kexie.dashboard.selectors.dashboard_for`) and the ledger's
counts and lists keep their answers in Django's cache under the key this module gives.

Everything a dashboard shows changes only through a state change, and every state change appends
to the audit chain in its own transaction, moving the chain head's ``change_hash`` (unique: it
hashes the row's time and content; sign-ins, exports and other audited events that change no
data leave it where it is). The recomputations that write no audit row — the daily
snapshot refresh, rebuilds after a load — count themselves in :class:`RecomputeEpoch`. The pair
is the data's generation: read before a dashboard is computed, it keys the answer, so a change
committed while the answer was being computed leaves it under the old key, never the new one.
"""

import hashlib

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from .models import AuditChainHead, RecomputeEpoch


def recomputed() -> None:
    """Record, inside the recomputing job's transaction, that snapshots or tallies were rewritten."""
    if RecomputeEpoch.objects.filter(pk=1).update(value=F("value") + 1):
        return
    try:
        with transaction.atomic():
            RecomputeEpoch.objects.create(pk=1, value=1)
    except IntegrityError:  # a concurrent first job created it: count on it
        RecomputeEpoch.objects.filter(pk=1).update(value=F("value") + 1)


def generation() -> str:
    """The data's generation: changes whenever anything a dashboard shows may have changed.
    One round trip (it is read on every cached request): both single-row tables in one SELECT."""
    head = AuditChainHead.objects.filter(pk=1).values("change_hash")
    epoch = RecomputeEpoch.objects.filter(pk=1).values("value")
    with connection.cursor() as cursor:
        head_sql, head_params = head.query.sql_with_params()
        epoch_sql, epoch_params = epoch.query.sql_with_params()
        cursor.execute(f"SELECT ({head_sql}), ({epoch_sql})", (*head_params, *epoch_params))
        change_hash, value = cursor.fetchone()
    return f"{change_hash or ''}:{value or 0}"


def remembered(key_parts: tuple, compute, *, seconds: int, now: str | None = None):
    """``compute()``, kept in Django's cache under ``key_parts`` and the data's generation (``now``
    when the caller has already read it) for at most ``seconds``: answered again from the cache
    until anything it may show changes. ``key_parts`` must name everything the answer depends on
    besides the data (who asks, what, in which language). ``None`` is never kept."""
    parts = (now if now is not None else generation(), *key_parts)
    key = "kexie:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    answer = cache.get(key)
    if answer is None:
        answer = compute()
        if answer is not None:
            cache.set(key, answer, seconds)
    return answer
