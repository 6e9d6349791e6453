"""``kexie demo``: load the demo organisation network and accounts, then list the accounts."""

import datetime as dt
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kexie.core.demo.data import DEMO_PASSWORD
from kexie.core.demo.loader import load_demo


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """Columns separated by at least two spaces, aligned for a terminal."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, ["-" * w for w in widths], *rows]:
        lines.append("  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--date", default="", help="the day the demo story is dated from, YYYY-MM-DD "
                                                       "(default: today)")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(_("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-07-10.")
                                   % {"value": options["date"]}) from None
        result = load_demo(today=today)
        if result.organizations_created or result.users_created or result.plans_created:
            self.stdout.write(_("Demo data loaded: %(orgs)d organisations, %(users)d accounts and %(plans)d plans "
                                "created.") % {"orgs": result.organizations_created, "users": result.users_created,
                                               "plans": result.plans_created})
        else:
            self.stdout.write(_("Demo data already present: nothing changed."))
        rows = []
        for account, user in result.accounts:
            role = user.roles.first()
            note = _("Enrols a TOTP second factor at first sign-in") if role and role.needs_totp else ""
            rows.append([user.username, DEMO_PASSWORD, role.name if role else "",
                         user.organization.name if user.organization else "", note])
        from kexie.people.models import Person

        from kexie.core.demo.activities import AUTHOR_ADDRESS
        from kexie.core.demo.surveys import INVESTIGATOR_ADDRESS
        from kexie.core.demo.volunteers import VOLUNTEER_ADDRESS

        # The external accounts whose demo job is not reviewing, each with its own line.
        described = {
            AUTHOR_ADDRESS: (_("Conference author (external account)"),
                             _("Submits abstracts to a conference's call under My abstracts")),
            INVESTIGATOR_ADDRESS: (_("Survey station investigator (external account)"),
                                   _("Hands out response codes and follows completion under My survey stations")),
        }
        for person in Person.objects.filter(account__kind="external").exclude(account__username=VOLUNTEER_ADDRESS) \
                .select_related("account").order_by("pk"):
            role, note = described.get(person.account.username, (
                _("Review expert (external account)"), _("Scores the assigned nominations under My reviews")))
            rows.append([person.account.username, DEMO_PASSWORD, role, "", note])
        from kexie.accounts.models import User
        from kexie.core.demo.demands import ENTERPRISE_ADDRESS, TEAM_ADDRESS

        if User.objects.filter(username=ENTERPRISE_ADDRESS).exists():
            rows.append([ENTERPRISE_ADDRESS, DEMO_PASSWORD, _("Enterprise contact (external account)"), "",
                         _("Files technical demands and sees the experts released to it under My demands")])
        if User.objects.filter(username=TEAM_ADDRESS).exists():
            rows.append([TEAM_ADDRESS, DEMO_PASSWORD, _("Open-call team lead (external account)"), "",
                         _("Reports the chosen team's milestones under My open-call applications")])
        if User.objects.filter(username=VOLUNTEER_ADDRESS).exists():
            rows.append([VOLUNTEER_ADDRESS, DEMO_PASSWORD, _("S&T volunteer (external account)"), "",
                         _("Signs up for volunteer service, reports hours and downloads the certificate under "
                           "My volunteer service")])
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (the same password for all):"))
        self.stdout.write(format_table(
            [_("Username"), _("Password"), _("Role"), _("Organisation"), _("Note")], rows))
