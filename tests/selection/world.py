"""Builders for the selection and four-batch tests: societies with reports and inspections by
year, a selection round of 中国科协 with experts.

Rows are created directly (the registry and report services are tested on their own); the
selection services under test are called as a user would.
"""

import datetime as dt

from kexie.accounts.models import Role
from kexie.societies.models import AnnualInspection, AnnualReport, GoverningBody, ReportYear, SocietyProfile
from tests.personas import make_user
from tests.societies.conftest import make_society

TODAY = dt.date(2026, 3, 15)
YEAR = 2025  # the year the four-batch rules evaluate
GOOD = {"inspection": "qualified", "report": "accepted", "events": 5}


def report_years(world) -> dict[int, ReportYear]:
    return {year: ReportYear.objects.get_or_create(organization=world.cast, year=year,
                                                   defaults={"due_on": dt.date(year + 1, 2, 28)})[0]
            for year in (2023, 2024, 2025)}


def record(society: SocietyProfile, rounds: dict, years: dict[int, dict]) -> SocietyProfile:
    """Give ``society`` an inspection result and a report per year: ``{2025: {"inspection":
    "qualified" | "not_inspected" | None, "report": "accepted" | "submitted" | None, "events": n}}``
    (``events`` split between academic and popular-science events)."""
    for year, facts in years.items():
        if facts.get("inspection"):
            AnnualInspection.objects.create(society=society, year=year, result=facts["inspection"])
        if facts.get("report"):
            events = facts.get("events", 0)
            AnnualReport.objects.create(society=society, round=rounds[year], year=year, status=facts["report"],
                                        academic_events=events // 2, popsci_events=events - events // 2)
    return society


def society(world, name: str, rounds: dict, years: dict[int, dict] | None = None, **profile) -> SocietyProfile:
    """A national society under 中国科协 with the given facts (good facts for 2024 and 2025 by default)."""
    profile.setdefault("registered_on", dt.date(2010, 5, 1))
    made = make_society(world.cast, name, **profile)
    return record(made, rounds, years if years is not None else {2024: GOOD, 2025: GOOD})


def council(society: SocietyProfile, term: int, elected: dt.date, ends: dt.date) -> GoverningBody:
    return GoverningBody.objects.create(society=society, kind="council", term_number=term, elected_on=elected,
                                        term_ends_on=ends, size=50)


def expert(world, username: str, organization=None, full_name: str = "") -> object:
    """A user with the built-in review expert role (评审专家)."""
    Role.objects.filter(code="evaluation_expert").get()
    return make_user(username, organization or world.cast, ["evaluation_expert"], full_name=full_name or username)
