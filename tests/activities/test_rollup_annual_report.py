"""A society's annual report pre-fills its academic and popular-science activity counts from the
activity registry — the rollup of the society's subtree (its branches too) for the report's year —
notes where they come from, and keeps them editable."""

import datetime as dt

from django.urls import reverse

from kexie.activities import rollups, selectors
from kexie.societies.models import AnnualReport, ReportYear, SocietyProfile
from tests.activities.helpers import activity


def _setup(world):
    profile = SocietyProfile.objects.create(organization=world.society, individual_members=800)
    ReportYear.objects.create(organization=world.cast, year=2025, due_on=dt.date(2026, 3, 31))
    day = dt.date(2025, 6, 1)
    activity(world, org=world.society, kind="conference", starts_on=day)
    activity(world, org=world.society, kind="salon", starts_on=day)
    activity(world, org=world.branch, kind="lecture", starts_on=day)
    activity(world, org=world.branch, kind="popsci", starts_on=day)
    activity(world, org=world.society, kind="popsci", starts_on=day, held=False)  # planned: not counted
    activity(world, org=world.society, kind="popsci", starts_on=dt.date(2026, 1, 5))  # another year
    activity(world, org=world.prov_a, kind="conference", starts_on=day)  # outside the society
    return profile


def test_the_prefilled_counts_are_the_rollups(world):
    _setup(world)
    figures = selectors.rollup(world.society, since=dt.date(2025, 1, 1), until=dt.date(2025, 12, 31))
    counts = rollups.annual_counts(world.society, 2025)
    by_kind = {value: n for value, _label, n in figures["by_kind"]}
    assert counts == {"academic_events": by_kind["conference"] + by_kind["lecture"] + by_kind["salon"],
                      "popsci_events": by_kind["popsci"]}
    assert counts == {"academic_events": 3, "popsci_events": 1}


def test_the_report_form_is_prefilled_noted_and_editable(world, signed_in):
    profile = _setup(world)
    client = signed_in(world.society_secretary)
    url = reverse("societies:report_form", args=[profile.pk, 2025])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    counts = rollups.annual_counts(world.society, 2025)
    assert form["academic_events"].value() == counts["academic_events"] == 3
    assert form["popsci_events"].value() == counts["popsci_events"] == 1
    assert "来自活动登记：3" in page.text and "来自活动登记：1" in page.text
    assert client.post(url, {"academic_events": "5", "popsci_events": "1", "action": "save"}).status_code == 302
    report = AnnualReport.objects.get(society=profile, year=2025)
    assert report.academic_events == 5  # the secretary's own figure is kept
    again = client.get(url)
    assert again.context["form"]["academic_events"].value() == 5
    assert "来自活动登记：3" in again.text  # the registry's figure stays noted next to it
