"""The facts rubrics and four-batch rules read: ``facts_for`` and the registry's derived values."""

import datetime as dt

from kexie.organizations.services import organization_create
from kexie.societies.models import (
    REGISTRY_FIELDS,
    REPORT_FIELDS,
    AnnualInspection,
    AnnualReport,
    GoverningBody,
    Journal,
    SocietyProfile,
)
from kexie.societies.selectors import facts_for, terms_overdue

from .conftest import make_society


def test_facts_hold_the_accepted_report_and_the_registry(world, societies):
    AnnualReport.objects.create(society=societies.physics, round=societies.round_2025, year=2025, status="accepted",
                                academic_events=12, income="35.50", council_meetings=1)
    AnnualReport.objects.create(society=societies.crops, round=societies.round_2025, year=2025, status="submitted",
                                academic_events=40)
    Journal.objects.create(society=societies.physics, title="甲物理学报")
    Journal.objects.create(society=societies.physics, title="甲物理进展")
    organization_create(by=None, parent=societies.physics.organization, name="凝聚态物理分会", kind="society_branch")
    dormant = organization_create(by=None, parent=societies.physics.organization, name="旧分会",
                                  kind="society_branch")
    dormant.status = "dormant"
    dormant.save()
    AnnualInspection.objects.create(society=societies.physics, year=2024, result="basically_qualified")
    AnnualInspection.objects.create(society=societies.physics, year=2025, result="qualified")
    AnnualInspection.objects.create(society=societies.crops, year=2025, result="unqualified")
    AnnualInspection.objects.create(society=societies.crops, year=2026, result="qualified")  # after the year

    facts = facts_for(SocietyProfile.objects.all(), 2025)

    physics, crops, testing = (facts[s.pk] for s in (societies.physics, societies.crops, societies.testing))
    assert set(physics) == {f"report.{f}" for f in REPORT_FIELDS} | {f"registry.{f}" for f in REGISTRY_FIELDS}
    assert physics["report.academic_events"] == 12 and str(physics["report.income"]) == "35.50"
    assert physics["registry.journals"] == 2 and physics["registry.branches"] == 1
    assert physics["registry.inspection_qualified"] is True and physics["registry.individual_members"] == 2500
    # a submitted but not yet accepted report does not count
    assert crops["report.academic_events"] is None and crops["registry.inspection_qualified"] is False
    assert testing["registry.secretary_general_full_time"] is True and testing["registry.journals"] == 0
    assert testing["registry.council_term_overdue"] is False  # the 8th council runs to 2026-06-01


def test_council_term_overdue_counts_only_the_latest_term(world, societies):
    GoverningBody.objects.create(society=societies.physics, kind="council", term_number=3,
                                 elected_on=dt.date(2015, 1, 1), term_ends_on=dt.date(2020, 1, 1))
    GoverningBody.objects.create(society=societies.crops, kind="council", term_number=5,
                                 elected_on=dt.date(2015, 1, 1), term_ends_on=dt.date(2020, 1, 1))
    GoverningBody.objects.create(society=societies.crops, kind="council", term_number=6,
                                 elected_on=dt.date(2020, 1, 1), term_ends_on=dt.date(2025, 1, 1))
    # an overdue supervisory board is not a council
    GoverningBody.objects.create(society=societies.testing, kind="supervisory_board", term_number=1,
                                 elected_on=dt.date(2015, 1, 1), term_ends_on=dt.date(2020, 1, 1))

    facts = facts_for([societies.physics, societies.crops.pk, societies.testing], 2024)
    assert [s for s, values in facts.items() if values["registry.council_term_overdue"]] == [societies.physics.pk]

    late = set(terms_overdue(world.national_clerk, dt.date(2026, 7, 1)))
    assert late == {societies.physics, societies.crops, societies.testing}
    assert set(terms_overdue(world.national_clerk, dt.date(2025, 6, 1))) == {societies.physics, societies.crops}
    assert list(terms_overdue(world.society_secretary, dt.date(2026, 7, 1))) == [societies.testing]


def test_facts_take_the_same_number_of_queries_for_one_or_twenty_societies(world, societies,
                                                                            django_assert_max_num_queries):
    for n in range(20):
        profile = make_society(world.cast, f"中国第{n}测试学会")
        AnnualReport.objects.create(society=profile, round=societies.round_2025, year=2025, status="accepted")
        Journal.objects.create(society=profile, title=f"期刊{n}")
        AnnualInspection.objects.create(society=profile, year=2025, result="qualified")
        GoverningBody.objects.create(society=profile, kind="council", term_number=1, elected_on=dt.date(2019, 1, 1),
                                     term_ends_on=dt.date(2024, 1, 1))
    one = SocietyProfile.objects.filter(pk=societies.physics.pk)
    with django_assert_max_num_queries(6):
        assert len(facts_for(one, 2025)) == 1
    with django_assert_max_num_queries(6):
        facts = facts_for(SocietyProfile.objects.all(), 2025)
    assert len(facts) == 23
    assert sum(values["registry.council_term_overdue"] for values in facts.values()) == 20
