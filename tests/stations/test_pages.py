"""The station pages: the list with counts by type and region and the "below threshold" filter,
a station's page with its facts against the rules, experts and reports, the forms (a refusal is a
400 with the message, nothing saved), the rules page and the Excel export; the API gives the same
facts and check."""

import io

import openpyxl
from django.urls import reverse

from kexie.people.models import Person
from kexie.stations.models import Station, StationRule
from tests.stations.helpers import experts, report, station


def _two(world):
    low = station(world, name="甲省电子学会服务站")
    experts(world, low, national=2)
    report(world, low, demands=4)
    ok = station(world, name="甲市机械学会服务站", org=world.city_a, region_code="410100")
    experts(world, ok, national=5)
    report(world, ok, demands=12)
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
    assert "2025年度报告（年报填报）" in page and "学会服务站应有国家级专家不少于5名" in page
    assert page.count('class="failed"') == 2


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


def test_the_rules_page_changes_a_threshold_and_a_society_only_reads_it(world, signed_in):
    url = reverse("stations:rules", args=["society_service"])
    society = signed_in(world.society_secretary)
    assert 'id="rule-form"' not in society.get(url).content.decode()
    assert society.post(url, {"fact": "national_experts", "operator": "gte", "threshold": "1"}).status_code == 403
    society.logout()
    client = signed_in(world.provincial_clerk)
    assert "学会服务站应有国家级专家不少于5名" in client.get(url).content.decode()
    assert client.post(url, {"fact": "national_experts", "operator": "gte", "threshold": "3",
                             "message": "国家级专家不少于3名"}).status_code == 302
    assert StationRule.objects.get(type="society_service", fact="national_experts").threshold == 3


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
