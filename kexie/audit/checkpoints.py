"""Checkpoints of the audit chain kept outside the database.

A keyed chain shows any change to a row, and any row removed from its middle; what it cannot show
by itself is its newest rows removed, or the whole table emptied, together with the chain head —
the head lives in the same database. So the worker writes, every ``KEXIE_AUDIT_CHECKPOINT_MINUTES``
when the chain has moved, one line with the chain's length and head to an append-only file
(``KEXIE_AUDIT_CHECKPOINT_FILE``; make it append-only for the service user, ``chattr +a``) and the
same line to the log stream (logger ``kexie.audit.checkpoint``, which a syslog or journald
collector keeps). ``kexie audit verify`` compares the database with the file's last line: the row
the checkpoint ended at must still be there with the same hash (or have been removed by the
retention purge, which the chain records). Each line carries the HMAC of the audit key, so a
line written by someone without the key is found out too.

The rows appended after the last checkpoint are what a database writer could still remove
unnoticed: the interval bounds that window.
"""

import datetime as dt
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from .models import AuditChainHead, AuditLog
from .services import GENESIS, audit_keys, hash_algorithm

logger = logging.getLogger("kexie.audit.checkpoint")


class CheckpointForged(Exception):
    """The checkpoint file's last line does not carry a valid MAC."""


@dataclass(frozen=True)
class Checkpoint:
    """The chain as seen at ``at``: ``count`` rows up to ``last_id`` whose hash is ``head_hash``,
    starting from ``anchor_hash``. ``reason`` says what wrote it (schedule, command, restore)."""

    at: str
    count: int
    last_id: int | None
    head_hash: str
    anchor_hash: str
    reason: str = "schedule"

    @property
    def time(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.at)

    def _payload(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()

    def mac(self, key: bytes) -> str:
        return hmac.new(key, self._payload(), hash_algorithm().removeprefix("hmac-")).hexdigest()

    def line(self) -> str:
        return json.dumps({**asdict(self), "mac": self.mac(audit_keys()[0])}, sort_keys=True) + "\n"

    @classmethod
    def parse(cls, line: str) -> "Checkpoint":
        try:
            values = json.loads(line)
            mac = values.pop("mac")
            checkpoint = cls(**values)
        except (ValueError, TypeError, KeyError) as exc:
            raise CheckpointForged(f"the line cannot be read: {exc}") from None
        if not any(hmac.compare_digest(checkpoint.mac(key), str(mac)) for key in audit_keys()):
            raise CheckpointForged("its MAC is not the audit key's")
        return checkpoint


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def current_state(reason: str = "schedule") -> Checkpoint:
    """The chain as it stands (call it inside one snapshot for a consistent answer)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    totals = AuditLog.objects.aggregate(count=Count("id"), last_id=Max("id"))
    last_hash = ""
    if totals["last_id"] is not None:
        last_hash = AuditLog.objects.filter(id=totals["last_id"]).values_list("hash", flat=True).first()
    return Checkpoint(at=timezone.now().isoformat(timespec="seconds"), count=totals["count"],
                      last_id=totals["last_id"], head_hash=last_hash or GENESIS,
                      anchor_hash=head.anchor_hash if head else GENESIS, reason=reason)


def write_checkpoint(reason: str = "schedule") -> Checkpoint:
    """Append the chain's current length and head to the checkpoint file and the log."""
    from .selectors import read_snapshot

    with read_snapshot():
        checkpoint = current_state(reason)
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = checkpoint.line()
    # O_APPEND: concurrent writers (several worker threads) each add whole lines.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    logger.info("audit checkpoint %s", line.strip())
    return checkpoint


def _last_line(path: Path) -> str | None:
    """The file's last non-empty line, read from its end (the file grows for years)."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        handle.seek(0, os.SEEK_END)
        end = position = handle.tell()
        tail = b""
        while position > 0:
            step = min(4096, position)
            position -= step
            handle.seek(position)
            tail = handle.read(step) + tail
            lines = tail.rstrip(b"\n").split(b"\n")
            if len(lines) > 1 or position == 0:
                last = lines[-1].strip()
                return last.decode("utf-8", "replace") if last else None
        return None if end == 0 else tail.decode("utf-8", "replace").strip() or None


def last_checkpoint() -> Checkpoint | None:
    """The newest checkpoint, None when none was written yet; CheckpointForged when its line is
    not authentic."""
    line = _last_line(checkpoint_path())
    return Checkpoint.parse(line) if line else None


def checkpoint_if_due(now: dt.datetime | None = None) -> Checkpoint | None:
    """Write a checkpoint when the interval has passed since the last one and the chain moved."""
    now = now or timezone.now()
    try:
        last = last_checkpoint()
    except CheckpointForged:
        last = None  # a fresh, authentic line after it; verify still reports the bad one it finds first
    if last is not None:
        if now - last.time < dt.timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES):
            return None
        current = current_state()
        if (current.last_id, current.head_hash, current.count) == (last.last_id, last.head_hash, last.count):
            return None
    return write_checkpoint()


def compare(checkpoint: Checkpoint) -> str:
    """Why the database does not match ``checkpoint`` ("" when it does). Call it after the chain
    itself verified, in the same snapshot: the rows are then authentic and linked."""
    if checkpoint.last_id is None:
        return ""
    saw = (f"the checkpoint of {checkpoint.at} saw {checkpoint.count} records ending at id "
           f"{checkpoint.last_id}")
    row_hash = AuditLog.objects.filter(id=checkpoint.last_id).values_list("hash", flat=True).first()
    if row_hash is not None:
        if row_hash != checkpoint.head_hash:
            return f"{saw}, and that record has been replaced: the records were rewritten"
        head = AuditChainHead.objects.filter(pk=1).first()
        if head and head.anchor_hash == checkpoint.anchor_hash:
            kept = AuditLog.objects.filter(id__lte=checkpoint.last_id).count()
            if kept != checkpoint.count:
                return f"{saw}; {kept} of them are left"
        return ""
    first_id = AuditLog.objects.order_by("id").values_list("id", flat=True).first()
    if first_id is not None and first_id > checkpoint.last_id:
        purged_to = max((row.get("last_deleted_id") or 0 for row in
                         AuditLog.objects.filter(action=AuditLog.Action.PURGE).values_list("new_values", flat=True)
                         if isinstance(row, dict)), default=0)
        if purged_to >= checkpoint.last_id:
            return ""  # the retention purge removed them, and recorded it in the chain
    return f"{saw}, and that record is gone: the newest records were deleted or the table was emptied"
