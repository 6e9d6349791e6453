"""The entry check: a station's facts (registry experts, the annual report's figures or a
provider's count, such as the demands the station collected on the platform) against the rules of
its type, each with value, threshold, source and result."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kexie.demands import services as demand_services
from kexie.stations import facts, services
from kexie.stations.models import StationRule
from tests.personas import make_user
from tests.stations.helpers import collected, experts, report, station


def _by_fact(results):
    return {r.fact: r for r in results}


def test_a_society_service_station_below_both_seeded_thresholds_shows_its_facts(world):
    st = station(world)
    experts(world, st, national=3, other=4)
    report(world, st, demands=12)  # the report says more than the records show
    collected(world, st, 6)
    results = _by_fact(facts.check(st))
    assert set(results) == {"demands_collected", "national_experts"}
    national, demands = results["national_experts"], results["demands_collected"]
    assert (national.value, national.threshold, national.passed) == (3, Decimal(5), False)
    assert (demands.value, demands.threshold, demands.passed) == (6, Decimal(10), False)
    assert demands.source == "平台记录"
    assert national.message == "学会服务站应有国家级专家不少于5名"


def test_meeting_the_thresholds_passes_and_a_departed_expert_no_longer_counts(world):
    st = station(world)
    added = experts(world, st, national=5)
    collected(world, st, 10)
    assert facts.failures(st) == []
    services.expert_remove(by=world.provincial_clerk, expert=added[0])
    assert [r.fact for r in facts.failures(st)] == ["national_experts"]
    assert facts.facts(st)["experts_total"] == 4


def test_without_a_report_the_report_facts_fail_with_nothing_to_read(world):
    st = station(world, type="popsci", name="甲市科技馆科普教育基地")
    results = _by_fact(facts.check(st))
    assert results["activities"].value is None and not results["activities"].passed
    assert "年报填报" in results["people_served"].source


def test_a_draft_report_is_not_read_the_latest_submitted_one_is(world):
    st = station(world, type="backyard", name="甲县小麦科技小院")
    experts(world, st, other=2)
    report(world, st, year=2024, activities=2)
    report(world, st, year=2025, activities=6)
    assert facts.facts(st)["activities"] == 6
    assert facts.facts(st, year=2024)["activities"] == 2
    assert facts.failures(st) == []


def test_a_provider_replaces_the_reports_figure(world, monkeypatch):
    monkeypatch.setattr(facts, "_PROVIDERS", dict(facts._PROVIDERS))
    monkeypatch.setattr(facts, "_DEFAULTS", dict(facts._DEFAULTS))
    st = station(world, type="backyard", name="甲县小麦科技小院")
    experts(world, st, other=2)
    report(world, st, activities=2)
    asked = []
    facts.register_provider("activities", "活动数", lambda ids, year: asked.append(year) or {st.pk: 12})
    result = _by_fact(facts.check(st, year=2025))["activities"]
    assert result.value == 12 and result.passed and "年报填报" not in result.source and asked == [2025]


def test_the_demands_collected_are_counted_from_the_records_of_the_year(world):
    st = station(world)
    kept, duplicate, vague, *_rest = collected(world, st, 5, year=2025)
    collected(world, st, 2, year=2026)
    demand_services.demand_accept(by=world.provincial_clerk, demand=kept)
    demand_services.demand_merge(by=world.provincial_clerk, demand=duplicate, into=kept)
    demand_services.demand_return(by=world.provincial_clerk, demand=vague, reason="属于设备采购，不是技术需求")
    other = station(world, name="甲市机械学会服务站", org=world.city_a)
    collected(world, other, 1, year=2025)
    assert facts.facts(st, year=2025)["demands_collected"] == 3
    assert facts.facts(st, year=2026)["demands_collected"] == 2
    assert facts.facts(st)["demands_collected"] == 5
    assert facts.facts(station(world, name="甲县新建学会服务站"))["demands_collected"] == 0


def test_rules_are_data_a_changed_threshold_changes_the_check(world):
    st = station(world, type="expert", name="甲市装备专家工作站")
    experts(world, st, other=3)
    assert facts.failures(st) == []
    services.rule_set(by=world.national_clerk, station_type="expert", fact="experts_total", operator="gte",
                      threshold=4, message="专家不少于4名")
    assert [(r.value, r.threshold, r.message) for r in facts.failures(st)] == [(3, Decimal(4), "专家不少于4名")]
    rule = StationRule.objects.get(type="expert", fact="experts_total")
    services.rule_delete(by=world.national_clerk, rule=rule)
    assert facts.check(st) == []


def test_a_rule_on_an_unknown_fact_or_a_negative_threshold_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.rule_set(by=world.national_clerk, station_type="expert", fact="nonsense", operator="gte", threshold=1)
    assert "fact" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.rule_set(by=world.national_clerk, station_type="expert", fact="activities", operator="gte",
                          threshold=-1)
    assert "threshold" in error.value.message_dict


def test_only_the_national_office_changes_the_rules(world):
    with pytest.raises(PermissionDenied) as refused:
        services.rule_set(by=world.provincial_clerk, station_type="expert", fact="experts_total", operator="gte",
                          threshold=1)
    assert "中国科协" in str(refused.value)
    rule = StationRule.objects.get(type="expert", fact="experts_total")
    with pytest.raises(PermissionDenied):
        services.rule_delete(by=world.provincial_clerk, rule=rule)
    assert rule.threshold == Decimal(3) and StationRule.objects.filter(pk=rule.pk).exists()
    department = make_user("society_dept_stations", world.society_dept, ["national_clerk"])
    services.rule_set(by=department, station_type="expert", fact="experts_total", operator="gte", threshold=4)
    assert StationRule.objects.get(pk=rule.pk).threshold == Decimal(4)
