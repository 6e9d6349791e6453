"""Remind the investigators of survey stations behind on their quota.

Run daily from a systemd timer or cron, like ``tracking_remind``: every open round within its
dates notifies the investigators (those with an account) of each station whose completion is below
the threshold. Safe to run again the same day: nothing is sent twice.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kexie.surveys.services import reminders_send_due


class Command(BaseCommand):
    help = "Remind the investigators of survey stations whose completion is below a threshold."

    def add_arguments(self, parser):
        parser.add_argument("--below", type=int, default=60, help="completion threshold in percent (default 60)")
        parser.add_argument("--date", help="act as of this day (YYYY-MM-DD) instead of today")

    def handle(self, *args, below=60, date=None, **options):
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        if not 1 <= below <= 100:
            raise CommandError("--below must be between 1 and 100")
        reminded = reminders_send_due(below_percent=below, today=today)
        self.stdout.write(f"{reminded} station(s) reminded")
