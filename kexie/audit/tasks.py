"""Background jobs of the audit trail, run by ``kexie worker``."""

from django.tasks import task

from .services import audit_purge


@task
def purge_audit_log() -> dict:
    """Apply the audit retention policy (daily). Idempotent: a retry or a second run the same
    day finds nothing more to delete and writes nothing; a worker killed mid-job rolls back."""
    result = audit_purge(by=None)
    return {"deleted": result.deleted, "cutoff": result.cutoff.isoformat(), "retention_days": result.retention_days}
