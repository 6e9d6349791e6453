"""Evaluate the "四个一批" rules on every society and refresh their flags: run once a day or after
the year's reports and inspections are in (e.g. from cron). Safe to run again: a flag that still
holds is kept, one that no longer holds is resolved, nothing is deleted.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kexie.selection.rules import flag_year
from kexie.selection.services import flags_compute


class Command(BaseCommand):
    help = "Evaluate the four-batch rules on every society for a year and refresh the flags."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="the year evaluated (default: last year)")
        parser.add_argument("--date", help="evaluate as of this day (YYYY-MM-DD) instead of today")

    def handle(self, *args, year=None, date=None, **options):
        today = timezone.localdate()
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        summary = flags_compute(year=year or flag_year(today), today=today)
        self.stdout.write("{year}: {societies} societies, {opened} flags opened, {updated} updated, "
                          "{resolved} resolved, {open} open".format(**summary))
