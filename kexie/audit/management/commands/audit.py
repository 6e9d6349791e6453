"""``kexie audit verify``, ``kexie audit checkpoint`` and ``kexie audit purge [--dry-run]``."""

from django.core.management.base import BaseCommand, CommandError

from kexie.audit.checkpoints import checkpoint_path, write_checkpoint
from kexie.audit.selectors import verify_chain
from kexie.audit.services import RetentionTooShort, audit_purge


class Command(BaseCommand):
    help = ("Check the audit trail's keyed hash chain against its last checkpoint (verify), write a checkpoint "
            "(checkpoint) or apply the retention policy (purge).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,checkpoint,purge}")
        verify = sub.add_parser("verify", help="recompute every hash and link of the chain; exit 1 if broken")
        verify.add_argument("--batch-size", type=int, default=2000, help="rows read per query (default 2000)")
        sub.add_parser("checkpoint", help="append the chain's length and head to the checkpoint file "
                                          "(the worker does it on its own every few minutes)")
        purge = sub.add_parser("purge", help="delete records older than the security policy's retention period")
        purge.add_argument("--dry-run", action="store_true", help="only report what would be deleted")

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            self.verify(options["batch_size"])
        elif options["subcommand"] == "checkpoint":
            checkpoint = write_checkpoint(reason="command")
            self.stdout.write(f"Checkpoint written to {checkpoint_path()}: {checkpoint.count} records, "
                              f"last id {checkpoint.last_id}.")
        else:
            self.purge(options["dry_run"])

    def verify(self, batch_size: int) -> None:
        report = verify_chain(batch_size=max(1, batch_size))
        if report.ok:
            self.stdout.write(f"OK: audit chain intact, {report.count} records verified.")
            checkpoint = report.checkpoint
            if checkpoint is None:
                self.stdout.write(f"No checkpoint in {checkpoint_path()} yet: run the worker or "
                                  "`kexie audit checkpoint`.")
            else:
                self.stdout.write(f"The last checkpoint ({checkpoint.at}, {checkpoint.count} records up to id "
                                  f"{checkpoint.last_id}) matches.")
            return
        where = f"at record id {report.broken_id}" if report.broken_id is not None else "at the chain head"
        raise CommandError(f"audit chain BROKEN {where}: {report.problem} "
                           f"({report.count} records before it verified).", returncode=1)

    def purge(self, dry_run: bool) -> None:
        try:
            result = audit_purge(by=None, dry_run=dry_run)
        except RetentionTooShort as exc:
            raise CommandError(f"refusing to purge: {exc}.", returncode=2) from None
        cutoff = result.cutoff.isoformat(timespec="seconds")
        if dry_run:
            self.stdout.write(f"Dry run: {result.deleted} audit records older than {cutoff} "
                              f"(retention {result.retention_days} days) would be deleted.")
        else:
            self.stdout.write(f"Purged {result.deleted} audit records older than {cutoff} "
                              f"(retention {result.retention_days} days).")
