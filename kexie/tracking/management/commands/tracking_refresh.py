"""Refresh every task snapshot: run daily (e.g. from cron shortly after midnight).

Expected progress and the overdue flag move with the calendar even when nobody reports, so the
snapshots the dashboards read are recomputed once a day. Safe to run again: it only recomputes.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kexie.tracking.services import snapshots_refresh


class Command(BaseCommand):
    help = "Recompute the progress snapshots (expected progress, colour, overdue) of all tracked tasks."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="compute as of this day (YYYY-MM-DD) instead of today")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        count = snapshots_refresh(today=today)
        self.stdout.write(f"refreshed {count} task snapshot(s)")
