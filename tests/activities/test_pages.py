"""The activity pages: the list and its export (the same rows), recording an activity (a refusal is
a 400 with the Chinese message on the field, nothing saved), the detail page's mark-held and cancel
forms, campaigns, and the rollup page and its export (the same figures); scope: a county sees its
own, a province its subtree, another province gets a 404."""

import io

import openpyxl
from django.urls import reverse

from kexie.activities.models import Activity
from tests.activities.helpers import DAY, activity, campaign


def _sheet(response):
    assert response.status_code == 200
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_list_and_its_export_show_the_same_activities_in_scope(world, signed_in):
    mine = activity(world, org=world.county_a, title="甲县科普进校园")
    above = activity(world, org=world.prov_a, title="甲省学术年会", kind="conference")
    other = activity(world, org=world.prov_b, title="乙省科普日主场")
    province = signed_in(world.provincial_clerk)
    page = province.get(reverse("activities:list")).content.decode()
    assert mine.title in page and above.title in page and other.title not in page
    rows = _sheet(province.get(reverse("activities:export")))
    assert rows[0][0] == "活动名称"
    assert sorted(r[0] for r in rows[1:]) == sorted([mine.title, above.title])
    filtered = _sheet(province.get(reverse("activities:export"), {"kind": "conference"}))
    assert [r[0] for r in filtered[1:]] == [above.title]
    assert above.title in province.get(reverse("activities:list"), {"kind": "conference"}).content.decode()
    assert mine.title not in province.get(reverse("activities:list"), {"kind": "conference"}).content.decode()


def test_a_county_sees_its_own_and_another_province_gets_404(world, signed_in):
    mine = activity(world, org=world.county_a, title="甲县科普进校园")
    above = activity(world, org=world.prov_a, title="甲省学术年会")
    county = signed_in(world.county_clerk)
    page = county.get(reverse("activities:list")).content.decode()
    assert mine.title in page and above.title not in page
    assert county.get(reverse("activities:detail", args=[above.pk])).status_code == 404
    other = signed_in(world.other_provincial_clerk)
    assert other.get(reverse("activities:detail", args=[mine.pk])).status_code == 404


def test_a_co_host_sees_the_activity(world, signed_in):
    shared = activity(world, org=world.prov_b, title="两省联合科普周", co_hosts=[world.county_a])
    page = signed_in(world.county_clerk).get(reverse("activities:detail", args=[shared.pk]))
    assert page.status_code == 200 and "两省联合科普周" in page.content.decode()


def test_record_an_activity_and_a_refusal_is_a_400_on_the_field(world, signed_in):
    client = signed_in(world.county_clerk)
    data = {"organization": world.county_a.pk, "kind": "popsci", "setting": "school", "title": "科学小实验进课堂",
            "starts_on": "2026-09-20", "ends_on": "2026-09-19", "audience": "300", "staff_involved": "6",
            "status": "planned"}
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 400 and "活动结束日期不能早于开始日期。" in response.content.decode()
    assert not Activity.objects.exists()
    response = client.post(reverse("activities:create"), {**data, "ends_on": "2026-09-20"})
    created = Activity.objects.get()
    assert response.status_code == 302 and response.url == reverse("activities:detail", args=[created.pk])
    assert created.organization == world.county_a and created.region_code == "410122"
    # A county may not record for its province.
    response = client.post(reverse("activities:create"), {**data, "ends_on": "2026-09-20",
                                                          "organization": world.prov_a.pk})
    assert response.status_code == 400 and Activity.objects.count() == 1


def test_mark_held_and_cancel_from_the_detail_page(world, signed_in):
    planned = activity(world, org=world.county_a, held=False, audience=0)
    client = signed_in(world.county_clerk)
    page = client.get(reverse("activities:detail", args=[planned.pk])).content.decode()
    assert 'id="held-form"' in page and 'id="cancel-form"' in page
    response = client.post(reverse("activities:held", args=[planned.pk]), {"audience": "-3"})
    assert response.status_code == 400
    response = client.post(reverse("activities:held", args=[planned.pk]), {"audience": "420"})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.status, planned.audience) == ("held", 420)
    response = client.post(reverse("activities:cancel", args=[planned.pk]), {"reason": "天气原因"})
    assert response.status_code == 400 and "只有计划中的活动可以取消。" in response.content.decode()


def test_the_campaign_page_rolls_up_by_child(world, signed_in):
    day = campaign(world)
    activity(world, org=world.county_a, campaign=day, audience=300)
    activity(world, org=world.city_a, campaign=day, audience=200)
    activity(world, org=world.prov_b, campaign=day, audience=50)
    activity(world, org=world.prov_a, audience=999)  # not in the campaign
    page = signed_in(world.provincial_clerk).get(reverse("activities:campaign_detail", args=[day.pk])).content.decode()
    assert f'<tr data-org="{world.city_a.pk}"><td>甲市科学技术协会</td>' in page
    assert 'id="campaign-rollup-total">2<' in page and 'id="campaign-rollup-audience">500<' in page


def test_the_rollup_page_and_its_export_agree(world, signed_in):
    day = campaign(world)
    activity(world, org=world.county_a, campaign=day, audience=300)
    activity(world, org=world.city_a, kind="lecture", audience=80)
    activity(world, org=world.prov_a, kind="conference", audience=500)
    activity(world, org=world.prov_a, held=False, audience=1000)
    client = signed_in(world.national_clerk)
    query = {"org": world.prov_a.pk, "since": "2026-01-01", "until": "2026-12-31"}
    page = client.get(reverse("activities:rollup"), query).content.decode()
    assert 'id="rollup-total">3<' in page and 'id="rollup-audience">880<' in page
    rows = _sheet(client.get(reverse("activities:rollup_export"), query))
    assert rows[0][0] == "组织" and rows[0][-2:] == ("合计", "受众（人次）")
    assert rows[-1][-2:] == (3, 880)
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["甲市科学技术协会"][-2:] == (2, 380)
    assert by_name["甲省科学技术协会（本级）"][-2:] == (1, 500)
    other = client.get(reverse("activities:rollup"), {**query, "until": str(DAY.replace(day=1))}).content.decode()
    assert 'id="rollup-total">0<' in other
    # Another province's organisation is not offered to a provincial clerk: the form falls back.
    response = signed_in(world.other_provincial_clerk).get(reverse("activities:rollup"), {"org": world.prov_a.pk})
    assert response.status_code == 200 and "乙省科学技术协会" in response.content.decode()


def test_the_api_lists_the_activities_in_scope_with_the_list_filters(world, signed_in):
    mine = activity(world, org=world.county_a, title="甲县科普进校园", kind="popsci")
    activity(world, org=world.prov_a, title="甲省学术年会", kind="conference")
    activity(world, org=world.prov_b, title="乙省科普日主场")
    client = signed_in(world.county_clerk)
    listed = client.get(reverse("api:activity-list")).json()["results"]
    assert [row["title"] for row in listed] == [mine.title]
    body = client.get(reverse("api:activity-detail", args=[mine.pk])).json()
    assert (body["kind_label"], body["status"], body["audience"]) == ("科普活动", "held", 100)
    province = signed_in(world.provincial_clerk).get(reverse("api:activity-list"), {"kind": "conference"}).json()
    assert [row["title"] for row in province["results"]] == ["甲省学术年会"]
