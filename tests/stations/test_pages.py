"""The station pages: the list with counts by type and region and the "below threshold" filter,
a station's page with its facts against the rules, experts and reports, the forms (a refusal is a
400 with the message, nothing saved), the rules page and the Excel export; the API gives the same
facts and check."""

import io
import re

import openpyxl
from django.urls import reverse

from kexie.people.models import ExpertEntry, ExpertLibrary, Person
from kexie.stations import selectors
from kexie.stations.models import Station, StationRule
from tests.stations.helpers import collected, experts, report, station


def _two(world):
    low = station(world, name="甲省电子学会服务站")
    experts(world, low, national=2)
    report(world, low, demands=4, activities=6)
    collected(world, low, 4)
    ok = station(world, name="甲市机械学会服务站", org=world.city_a, region_code="410100")
    experts(world, ok, national=5)
    collected(world, ok, 12)
    return low, ok


def test_the_list_flags_the_station_below_threshold_with_its_facts(world, signed_in):
    low, ok = _two(world)
    client = signed_in(world.provincial_clerk)
    page = client.get(reverse("stations:list")).content.decode()
    assert 'id="station-%s" class="below-threshold"' % low.pk in page
    assert 'id="station-%s" class="below-threshold"' % ok.pk not in page
    assert "国家级专家数 2／5" in page and "收集需求数 4／10" in page
    assert "共2个站点，其中1个未达准入标准。" in page
    below = client.get(reverse("stations:list"), {"below": "on"}).content.decode()
    assert low.name in below and ok.name not in below
    assert '<tr data-region="410100"><td>410100</td><td class="count">1</td>' in page


def test_the_station_page_shows_each_fact_with_threshold_source_and_result(world, signed_in):
    low, _ok = _two(world)
    page = signed_in(world.provincial_clerk).get(reverse("stations:detail", args=[low.pk])).content.decode()
    assert 'id="below-threshold"' in page
    assert "学会服务站应有国家级专家不少于5名" in page
    assert page.count('class="failed"') == 2
    # The demands collected come from the records; the report's other figures from the report.
    demands = re.search(r'<tr class="failed" data-fact="demands_collected"><td>[^<]*</td><td class="value">(\d+)</td>'
                        r'<td>[^<]*</td><td>([^<]*)</td>', page)
    assert demands.groups() == ("4", "平台记录")
    assert '<tr data-fact="activities"><td>开展活动数</td><td>6</td><td>2025年度报告（年报填报）</td>' in page


def test_register_a_station_and_a_refusal_is_a_400_with_the_message(world, signed_in):
    client = signed_in(world.provincial_clerk)
    data = {"organization": world.prov_a.pk, "type": "backyard", "name": "甲县花生科技小院", "host_unit": "甲县花生合作社",
            "status": "operating", "agreement_start": "2026-05-01", "agreement_end": "2026-01-01"}
    response = client.post(reverse("stations:create"), data)
    assert response.status_code == 400 and "协议截止日期不能早于起始日期。" in response.content.decode()
    assert not Station.objects.exists()
    data["agreement_end"] = "2029-04-30"
    response = client.post(reverse("stations:create"), data)
    created = Station.objects.get()
    assert response.status_code == 302 and created.region_code == "410000"


def test_add_and_remove_an_expert_and_submit_and_evaluate_a_report(world, signed_in):
    st = station(world)
    person = Person.objects.create(organization=world.prov_a, name="周立新")
    client = signed_in(world.provincial_clerk)
    assert client.post(reverse("stations:expert_add", args=[st.pk]), {
        "person": person.pk, "level": "national", "role": "首席专家"}).status_code == 302
    again = client.post(reverse("stations:expert_add", args=[st.pk]), {"person": person.pk, "level": "national"})
    assert again.status_code == 400 and "周立新已在本站服务。" in again.content.decode()
    expert = st.experts.get()
    assert client.post(reverse("stations:expert_remove", args=[expert.pk])).status_code == 302
    expert.refresh_from_db()
    assert expert.left_on is not None
    assert client.post(reverse("stations:report_submit", args=[st.pk]), {
        "year": 2025, "demands_collected": 11, "activities": 6, "people_served": 400}).status_code == 302
    filed = st.reports.get()
    wrong = client.post(reverse("stations:report_evaluate", args=[filed.pk]), {f"r{filed.pk}-achievements": 12})
    assert wrong.status_code == 400
    assert client.post(reverse("stations:report_evaluate", args=[filed.pk]),
                       {f"r{filed.pk}-achievements": 6}).status_code == 302
    filed.refresh_from_db()
    assert filed.status == "evaluated" and filed.score is not None
    assert str(filed.score) in client.get(reverse("stations:detail", args=[st.pk])).content.decode()


def test_the_national_office_changes_a_threshold_and_the_others_only_read_the_rules(world, signed_in, client):
    url = reverse("stations:rules", args=["society_service"])
    for reader in (world.society_secretary, world.provincial_clerk):
        page = signed_in(reader).get(url).content.decode()
        assert "学会服务站应有国家级专家不少于5名" in page and 'id="rules-read-only"' in page
        assert 'id="rule-form"' not in page and 'name="delete"' not in page
        refused = client.post(url, {"fact": "national_experts", "operator": "gte", "threshold": "1"})
        assert refused.status_code == 403
        client.logout()
    rule = StationRule.objects.get(type="society_service", fact="national_experts")
    assert signed_in(world.provincial_clerk).post(url, {"delete": rule.pk}).status_code == 403
    assert "只有中国科协机关可以修改" in client.post(url, {"delete": rule.pk}).content.decode()
    client.logout()
    office = signed_in(world.national_clerk)
    assert 'id="rule-form"' in office.get(url).content.decode()
    assert office.post(url, {"fact": "national_experts", "operator": "gte", "threshold": "3",
                             "message": "国家级专家不少于3名"}).status_code == 302
    assert StationRule.objects.get(pk=rule.pk).threshold == 3


def test_the_export_lists_the_stations_with_the_same_counts(world, signed_in):
    low, ok = _two(world)
    export = signed_in(world.provincial_clerk).get(reverse("stations:export"))
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    rows = list(book["站点基地"].values)
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {low.name, ok.name}
    assert by_name[ok.name][-1] == "达标" and "国家级专家数 2／5" in by_name[low.name][-1]
    counts = dict(list(book["按类型统计"].values)[1:])
    assert counts["学会服务站"] == 2 and counts["合计"] == 2


def test_the_api_gives_the_facts_and_the_check(world, signed_in):
    low, _ok = _two(world)
    client = signed_in(world.provincial_clerk)
    body = client.get(reverse("api:station-detail", args=[low.pk])).json()
    assert body["below_threshold"] is True
    check = {r["fact"]: r for r in body["check"]}
    assert check["national_experts"]["value"] == 2 and check["national_experts"]["passed"] is False
    assert {f["code"] for f in body["facts"]} >= {"national_experts", "demands_collected"}
    listed = client.get(reverse("api:station-list"), {"region": "4101"}).json()["results"]
    assert [(s["name"], s["below_threshold"]) for s in listed] == [("甲市机械学会服务站", False)]


def test_a_society_sees_the_stations_it_partners_but_cannot_change_them(world, signed_in):
    st = station(world, partner_society=world.society)
    station(world, name="甲省无合作学会服务站")
    client = signed_in(world.society_secretary)
    page = client.get(reverse("stations:list")).content.decode()
    assert st.name in page and "甲省无合作学会服务站" not in page
    assert client.get(reverse("stations:detail", args=[st.pk])).status_code == 200
    assert client.get(reverse("stations:edit", args=[st.pk])).status_code == 403


def _many(world, n, prefix):
    """``n`` stations of several types with experts, reports and collected demands."""
    for i in range(n):
        st = station(world, type=("society_service", "backyard", "popsci")[i % 3], name=f"{prefix}{i}")
        experts(world, st, national=i % 2, other=1)
        report(world, st, activities=i)
        if i % 3 == 0:
            collected(world, st, 1)


def test_the_list_reads_the_facts_of_all_its_stations_in_a_few_queries(world, django_assert_max_num_queries):
    def listed():
        stations, flagged = selectors.listing(world.provincial_clerk)
        return {s.name: [r.fact for r in flagged.get(s.pk, [])] for s in stations}

    _many(world, 5, "甲省站点")
    with django_assert_max_num_queries(10) as five:
        assert len(listed()) == 5
    _many(world, 25, "甲省更多站点")
    with django_assert_max_num_queries(len(five.captured_queries)):
        rows = listed()
    assert len(rows) == 30
    # Backyards: two experts and one activity, one expert and four activities.
    assert rows["甲省站点1"] == ["activities"] and rows["甲省更多站点4"] == ["experts_total"]
    assert rows["甲省站点3"] == ["demands_collected", "national_experts"]


def test_the_expert_picker_offers_the_clerks_persons_and_the_experts_of_its_libraries(world, signed_in):
    st = station(world)
    library = ExpertLibrary.objects.create(organization=world.prov_a, name="甲省科协专家库")
    national = Person.objects.create(organization=world.cast, name="钟国栋")  # kept by 中国科协
    withdrawn = Person.objects.create(organization=world.cast, name="费启明")
    ExpertEntry.objects.create(library=library, person=national)
    ExpertEntry.objects.create(library=library, person=withdrawn, status="withdrawn")
    elsewhere = Person.objects.create(organization=world.prov_b, name="乙省专家")
    Person.objects.create(organization=world.city_a, name="甲市专家")
    client = signed_in(world.provincial_clerk)
    page = client.get(reverse("stations:detail", args=[st.pk])).content.decode()
    assert "data-pick-url" in page and "甲市专家" not in page  # a search box, not a list of everyone

    def found(q):
        return [r["id"] for r in client.get(reverse("people:pick"), {"field": "stations.expert", "q": q}).json()["results"]]

    assert found("钟国栋") == [national.pk] and len(found("甲市专家")) == 1
    assert found("费启明") == [] and found("乙省专家") == []
    assert client.post(reverse("stations:expert_add", args=[st.pk]), {
        "person": national.pk, "level": "national"}).status_code == 302
    refused = client.post(reverse("stations:expert_add", args=[st.pk]), {"person": elsewhere.pk, "level": "city"})
    assert refused.status_code == 400
    assert list(st.experts.values_list("person", flat=True)) == [national.pk]
