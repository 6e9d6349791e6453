"""The "四个一批" rules flag exactly the societies whose facts meet them, with the facts that fired;
recomputing is idempotent and resolves flags that no longer hold."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.audit.models import AuditLog
from kexie.selection.models import FlagRule, FlagStatus, SocietyFlag
from kexie.selection.services import flags_compute
from kexie.societies.models import AnnualReport, SocietyProfile
from tests.selection.world import GOOD, TODAY, YEAR, council, record, report_years, society

NO_ACTIVITY = {"inspection": "qualified", "report": "accepted", "events": 0}
BUSY = {"inspection": "qualified", "report": "accepted", "events": 44}


@pytest.fixture
def cast_of_societies(world):
    rounds = report_years(world)
    made = {
        # Busy, inspected and reported both years: well run, nothing negative.
        "busy": society(world, "中国活跃学会", rounds, {2024: BUSY, 2025: BUSY}),
        # An accepted 2025 report with no event: dormant.
        "idle": society(world, "中国沉寂学会", rounds, {2024: GOOD, 2025: NO_ACTIVITY}),
        # One popular-science event is enough: a near miss.
        "one_event": society(world, "中国一次学会", rounds, {2024: GOOD, 2025: {**GOOD, "events": 1}}),
        # Council term over at the end of 2025, no election since: dormant.
        "overdue": society(world, "中国逾期学会", rounds),
        # Term over but the next council was elected: a near miss.
        "renewed": society(world, "中国换届学会", rounds),
        # 2024 not inspected, 2025 no report: zombie (and no accepted report for 2025: dormant).
        "zombie": society(world, "中国僵尸学会", rounds, {
            2024: {"inspection": "not_inspected", "report": "accepted", "events": 3},
            2025: {"inspection": "qualified", "report": None}}),
        # Missed only 2024: a near miss for the two-year rule.
        "missed_once": society(world, "中国漏检学会", rounds, {
            2024: {"inspection": None, "report": "accepted", "events": 3}, 2025: GOOD}),
        # Registered in October 2024, nothing done since: zombie (and its years unfiled and unactive).
        "stillborn": society(world, "中国新设学会", rounds, {2025: NO_ACTIVITY}, registered_on=dt.date(2024, 10, 1)),
        # Registered in October 2025: its first year has not run out yet.
        "newborn": society(world, "中国初创学会", rounds, {2025: {**GOOD, "events": 2}},
                           registered_on=dt.date(2025, 10, 8)),
        # Cannot be reached.
        "lost": society(world, "中国失联学会", rounds, reachable=False, unreachable_since=dt.date(2025, 5, 1)),
    }
    council(made["overdue"], 3, dt.date(2020, 12, 1), dt.date(2025, 12, 31))
    council(made["renewed"], 3, dt.date(2020, 12, 1), dt.date(2025, 12, 31))
    council(made["renewed"], 4, dt.date(2026, 1, 10), dt.date(2031, 1, 10))
    council(made["busy"], 5, dt.date(2023, 6, 1), dt.date(2028, 6, 1))
    return made


def flagged(status=FlagStatus.OPEN) -> dict[tuple[str, str], dict]:
    return {(f.society.organization.name, f.rule.code): f.facts
            for f in SocietyFlag.objects.filter(status=status).select_related("society__organization", "rule")}


def test_the_rules_flag_exactly_the_societies_whose_facts_meet_them(cast_of_societies):
    summary = flags_compute(year=YEAR, today=TODAY)

    assert flagged() == {
        ("中国活跃学会", "well_run"): {"2024": "年检合格", "2025": "年检合格，学术和科普活动44次"},
        ("中国沉寂学会", "no_activity"): {"2025": "无学术和科普活动"},
        ("中国逾期学会", "council_overdue"): {"第3届理事会": "任期已于2025-12-31届满，未换届"},
        ("中国僵尸学会", "missed_inspection_or_report"): {"2024": "未参检", "2025": "未报年报"},
        ("中国僵尸学会", "no_activity"): {"2025": "未报年报"},
        ("中国新设学会", "no_activity_after_registration"): {
            "登记日期": "2024-10-01", "2024": "未报年报", "2025": "无学术和科普活动"},
        ("中国新设学会", "no_activity"): {"2025": "无学术和科普活动"},
        ("中国失联学会", "unreachable"): {"失联": "自2025-05-01起"},
    }
    assert summary["opened"] == 8 and summary["resolved"] == 0


def test_recomputing_changes_nothing_and_writes_no_new_flag(cast_of_societies):
    flags_compute(year=YEAR, today=TODAY)
    before = list(SocietyFlag.objects.order_by("pk").values_list("pk", "facts", "status"))

    summary = flags_compute(year=YEAR, today=TODAY)

    assert (summary["opened"], summary["updated"], summary["resolved"]) == (0, 0, 0)
    assert list(SocietyFlag.objects.order_by("pk").values_list("pk", "facts", "status")) == before


def test_a_flag_no_longer_true_is_resolved_not_deleted_and_fires_anew_later(cast_of_societies):
    flags_compute(year=YEAR, today=TODAY)
    idle = cast_of_societies["idle"]
    flag = SocietyFlag.objects.get(society=idle, rule__code="no_activity")
    AnnualReport.objects.filter(society=idle, year=2025).update(academic_events=4)

    summary = flags_compute(year=YEAR, today=TODAY)

    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED and flag.resolved_at is not None
    assert flag.facts == {"2025": "无学术和科普活动"}  # what fired then stays on record
    assert summary["resolved"] == 1
    AnnualReport.objects.filter(society=idle, year=2025).update(academic_events=0)
    flags_compute(year=YEAR, today=TODAY)
    assert SocietyFlag.objects.filter(society=idle, rule__code="no_activity").count() == 2
    assert SocietyFlag.objects.get(society=idle, rule__code="no_activity", status=FlagStatus.OPEN).pk != flag.pk


def test_changed_facts_update_the_open_flag_in_place(cast_of_societies):
    flags_compute(year=YEAR, today=TODAY)
    lost = cast_of_societies["lost"]
    flag = SocietyFlag.objects.get(society=lost, rule__code="unreachable")
    SocietyProfile.objects.filter(pk=lost.pk).update(unreachable_since=dt.date(2025, 8, 1))

    summary = flags_compute(year=YEAR, today=TODAY)

    assert summary["updated"] == 1
    assert SocietyFlag.objects.get(pk=flag.pk).facts == {"失联": "自2025-08-01起"}


def test_a_rule_switched_off_resolves_its_flags_and_parameters_are_data(cast_of_societies):
    flags_compute(year=YEAR, today=TODAY)
    FlagRule.objects.filter(code="unreachable").update(active=False)
    FlagRule.objects.filter(code="no_activity").update(parameters={"min_events": 2})

    flags_compute(year=YEAR, today=TODAY)

    assert ("中国失联学会", "unreachable") in flagged(FlagStatus.RESOLVED)
    assert flagged()[("中国一次学会", "no_activity")] == {"2025": "学术和科普活动1次"}


def test_a_dissolved_society_fires_nothing(cast_of_societies):
    from kexie.organizations.models import Organization

    Organization.objects.filter(pk=cast_of_societies["lost"].pk).update(status="dissolved")
    flags_compute(year=YEAR, today=TODAY)
    assert not any(name == "中国失联学会" for name, _code in flagged())


def test_a_dormant_society_is_not_counted_as_well_run(cast_of_societies):
    from kexie.organizations.models import Organization

    Organization.objects.filter(pk=cast_of_societies["busy"].pk).update(status="dormant")
    flags_compute(year=YEAR, today=TODAY)
    assert ("中国活跃学会", "well_run") not in flagged()


def test_the_query_count_does_not_grow_with_the_number_of_societies(world):
    rounds = report_years(world)
    for index in range(2):
        society(world, f"中国小规模学会{index}", rounds, {2024: GOOD, 2025: NO_ACTIVITY})
    with CaptureQueriesContext(connection) as few:
        flags_compute(year=YEAR, today=TODAY)
    for index in range(8):
        made = society(world, f"中国大规模学会{index}", rounds, {2024: GOOD, 2025: NO_ACTIVITY})
        record(made, rounds, {2023: GOOD})
    with CaptureQueriesContext(connection) as many:
        flags_compute(year=YEAR, today=TODAY)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert SocietyFlag.objects.filter(status=FlagStatus.OPEN).count() == 10


def test_computing_is_audited_and_limited_to_the_users_scope(world, cast_of_societies):
    from kexie.organizations.services import organization_create
    from kexie.societies.models import Discipline

    provincial = organization_create(by=None, parent=world.prov_a, name="甲省失联学会", kind="provincial_society")
    SocietyProfile.objects.create(organization=provincial, discipline=Discipline.SCIENCE, reachable=False)

    summary = flags_compute(year=YEAR, today=TODAY, by=world.provincial_clerk)

    assert summary["societies"] == 1
    assert {name for name, _code in flagged()} == {"甲省失联学会"}
    assert ("甲省失联学会", "unreachable") in flagged()
    row = AuditLog.objects.filter(action="flags_compute").latest("id")
    assert row.username == "provincial_clerk" and row.new_values["opened"] == summary["opened"] == 3


def test_the_daily_command_refreshes_the_flags_and_can_run_again(cast_of_societies):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("four_batch_flags", "--year", "2025", "--date", "2026-03-15", stdout=out)
    call_command("four_batch_flags", "--year", "2025", "--date", "2026-03-15", stdout=out)
    first, second = out.getvalue().splitlines()
    assert first == "2025: 10 societies, 8 flags opened, 0 updated, 0 resolved, 8 open"
    assert second == "2025: 10 societies, 0 flags opened, 0 updated, 0 resolved, 8 open"


def test_a_report_not_yet_due_is_not_missing_and_a_submitted_one_counts(world):
    rounds = report_years(world)  # the 2025 reports are due on 2026-02-28
    society(world, "中国未报学会", rounds, {2024: GOOD, 2025: {"inspection": "qualified", "report": None}})
    society(world, "中国待审学会", rounds, {2024: GOOD, 2025: {**GOOD, "report": "submitted"}})

    flags_compute(year=YEAR, today=dt.date(2026, 2, 20))
    assert flagged() == {}

    flags_compute(year=YEAR, today=dt.date(2026, 3, 1))
    assert flagged() == {("中国未报学会", "no_activity"): {"2025": "未报年报"}}
