"""The demo's coverage data on the demo organisations: Henan's denominators and the 三长/四长
roster of 中牟县 (and a park director on 郑州市科协's committee); a second run, also on a later day,
creates nothing."""

import datetime as dt

from kexie.accounts.models import User
from kexie.accounts.roles import ensure_builtin_roles
from kexie.audit.models import AuditLog
from kexie.core.demo import loader
from kexie.core.demo.calendar import DemoCalendar
from kexie.core.demo.coverage import ensure_demo_coverage
from kexie.core.demo.data import ACCOUNTS, NATIONAL
from kexie.coverage import selectors
from kexie.coverage.models import Denominator, RosterEntry


def test_the_demo_roster_is_loaded_once(db):
    ensure_builtin_roles()
    loader._ensure_organization(NATIONAL, parent=None, region=loader.NATIONAL_REGION, position=0,
                                result=loader.DemoResult())
    for account in ACCOUNTS:
        loader._ensure_user(account, loader.DemoResult())
    options = {"organization_at": loader._organization_at, "calendar": DemoCalendar(dt.date(2026, 9, 15)),
               "user_named": lambda username: User.objects.get(username=username)}
    assert ensure_demo_coverage(**options) is True
    assert Denominator.objects.exists()
    henan = loader._organization_at(("中国科学技术协会", "河南省科学技术协会"))
    assert selectors.roster_totals(henan) == {"hospital": 1, "school": 1, "agri_station": 1, "enterprise": 1,
                                              "park": 1}
    led = {row.entry.person.name: row.activities_led for row in selectors.roster_rows(henan)}
    assert led["马国庆"] == 1 and led["刘建华"] == 0

    counts = (RosterEntry.objects.count(), AuditLog.objects.count())
    options["calendar"] = DemoCalendar(dt.date(2027, 1, 15))
    assert ensure_demo_coverage(**options) is False
    assert (RosterEntry.objects.count(), AuditLog.objects.count()) == counts
