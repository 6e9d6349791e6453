"""Send the day's reminders and urging notices, then the e-mails waiting in the outbox.

Run daily from a systemd timer or cron (docs/production.md). Safe to run again the same day, or
after a crash: nothing is sent twice.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kexie.notifications.reminders import reminders_send
from kexie.notifications.services import mail_deliver


class Command(BaseCommand):
    help = "Send reminders before reporting cycles are due and urging notices after, then deliver pending e-mail."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="act as of this day (YYYY-MM-DD) instead of today")
        parser.add_argument("--no-mail", action="store_true", help="leave the e-mails to the worker")

    def handle(self, *args, date=None, no_mail=False, **options):
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        run = reminders_send(today=today)
        self.stdout.write(f"{run.day}: {run.reminded} reminder(s), {run.urged} urging notice(s), "
                          f"{run.escalated} escalated; {run.notifications} notification(s), {run.mails} e-mail(s)")
        if not no_mail:
            delivery = mail_deliver()
            self.stdout.write(f"e-mail: {delivery.sent} sent, {delivery.failed} to retry, {delivery.given_up} failed")
