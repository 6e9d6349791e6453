"""The chosen team's pages and the staff's new steps: the team finds its applications from the
menu, reports a milestone (an empty report refused next to it), the clerk accepts or returns it,
and the team sees the result and the note; the named staff of a confidential demand changed on
its page; the station on the staff form, the demand's page and the list's export."""

import io

import openpyxl
from django.urls import reverse

from kexie.demands import services
from kexie.demands.models import Demand
from kexie.stations.models import Station
from tests.demands.test_team import DATA, contracted
from tests.personas import make_external, make_user


def _text(response) -> str:
    return response.content.decode()


def _row(response, pk) -> str:
    return _text(response).split(f'id="team-milestone-{pk}"', 1)[1].split("</tr>", 1)[0]


def test_the_team_reports_from_its_own_page_and_sees_the_decision(world, signed_in):
    team, other, demand = contracted(world)
    first, second = demand.milestones.order_by("position")
    client = signed_in(team)
    menu = _text(client.get(reverse("demands:board")))
    assert f'href="{reverse("demands:my_applications")}"' in menu and "我的揭榜" in menu
    page = client.get(reverse("demands:my_applications"))
    assert page.status_code == 200 and "挂帅" in _text(page).split(f"id=\"my-application-", 1)[1]
    assert 'class="team-report"' in _row(page, first.pk) and "样机" in _row(page, first.pk)

    empty = client.post(reverse("demands:team_report", args=[first.pk]), {"report": ""})
    assert empty.status_code == 400 and "该字段是必填项。" in _row(empty, first.pk)
    done = client.post(reverse("demands:team_report", args=[first.pk]), {"report": "样机完成，热漂移4微米"})
    assert done.status_code == 302 and done["Location"] == reverse("demands:my_applications")
    page = client.get(reverse("demands:my_applications"))
    assert "已报告" in _row(page, first.pk) and 'class="team-report"' not in _row(page, first.pk)

    staff = signed_in(world.provincial_clerk)
    staff.post(reverse("demands:milestone_accept", args=[first.pk]), {"accept": "1"})
    staff.post(reverse("demands:team_report", args=[second.pk]), {"report": "不是团队"})  # staff: not theirs
    second.refresh_from_db()
    assert second.status == "planned"

    client = signed_in(team)
    page = client.get(reverse("demands:my_applications"))
    assert "已验收" in _row(page, first.pk)
    again = client.post(reverse("demands:team_report", args=[first.pk]), {"report": "再报"})
    assert again.status_code == 400 and "该里程碑已验收，不能再次报告。" in _row(again, first.pk)

    client.post(reverse("demands:team_report", args=[second.pk]), {"report": "中试完成"})
    signed_in(world.provincial_clerk).post(reverse("demands:milestone_accept", args=[second.pk]),
                                           {"accept": "0", "note": "缺少测试数据"})
    row = _row(signed_in(team).get(reverse("demands:my_applications")), second.pk)
    assert "已退回" in row and "缺少测试数据" in row and 'class="team-report"' in row


def test_another_account_neither_sees_nor_reports_the_teams_milestones(world, signed_in):
    team, other, demand = contracted(world)
    milestone = demand.milestones.order_by("position").first()
    client = signed_in(other)
    page = _text(client.get(reverse("demands:my_applications")))
    assert "二队" in page and "未入选" in page and f'id="team-milestone-{milestone.pk}"' not in page
    assert client.post(reverse("demands:team_report", args=[milestone.pk]), {"report": "冒名"}).status_code == 404
    stranger = signed_in(make_external("stranger@example.cn"))
    assert stranger.post(reverse("demands:team_report", args=[milestone.pk]), {"report": "冒名"}).status_code == 404
    assert stranger.get(reverse("demands:team_report", args=[milestone.pk])).status_code == 405
    milestone.refresh_from_db()
    assert milestone.status == "planned"


def test_the_named_staff_are_changed_on_the_confidential_demands_page(world, signed_in):
    colleague = make_user("county_colleague", world.county_a, ["county_clerk"], full_name="甲县同事")
    demand = services.demand_create(by=world.county_clerk, organization=world.county_a,
                                    data={**DATA, "confidential": True, "named_staff": [world.provincial_clerk]})
    client = signed_in(world.provincial_clerk)
    page = _text(client.get(reverse("demands:detail", args=[demand.pk])))
    assert 'id="staff-form"' in page and "甲省干事" in page.split('id="named-staff"', 1)[1].split("</p>", 1)[0]
    empty = client.post(reverse("demands:set_staff", args=[demand.pk]), {})
    assert empty.status_code == 400
    assert "请至少指定一名可查看该需求的工作人员。" in _text(empty).split('id="staff-form"', 1)[1]
    done = client.post(reverse("demands:set_staff", args=[demand.pk]),
                       {"named_staff": [world.provincial_clerk.pk, colleague.pk]})
    assert done.status_code == 302 and done["Location"] == reverse("demands:detail", args=[demand.pk])
    assert set(demand.named_staff.all()) == {world.provincial_clerk, colleague}
    # Taking oneself off: the demand is no longer seen, so back to the list.
    gone = client.post(reverse("demands:set_staff", args=[demand.pk]), {"named_staff": [colleague.pk]})
    assert gone["Location"] == reverse("demands:list")
    assert client.get(reverse("demands:detail", args=[demand.pk])).status_code == 404
    open_demand = services.demand_create(by=world.county_clerk, organization=world.county_a, data=DATA)
    assert 'id="staff-form"' not in _text(client.get(reverse("demands:detail", args=[open_demand.pk])))


def test_the_station_on_the_staff_form_the_page_and_the_export(world, signed_in):
    station = Station.objects.create(type="society_service", name="甲县电子学会服务站", organization=world.county_a,
                                     host_unit="甲县高新区")
    Station.objects.create(type="society_service", name="乙县学会服务站", organization=world.county_b,
                           host_unit="乙县")
    client = signed_in(world.county_clerk)
    form = _text(client.get(reverse("demands:create")))
    assert "甲县电子学会服务站" in form and "乙县学会服务站" not in form
    assert f"{station.get_type_display()} · 甲县电子学会服务站" in form
    response = client.post(reverse("demands:create"), {
        "organization": world.county_a.pk, **DATA, "contact_name": "周敏", "contact_phone": "13900000002",
        "station": station.pk})
    demand = Demand.objects.get()
    assert response.status_code == 302 and demand.station == station
    detail = _text(client.get(reverse("demands:detail", args=[demand.pk])))
    assert "甲县电子学会服务站" in detail.split('id="demand-station"', 1)[1].split("</dd>", 1)[0]
    assert "甲县电子学会服务站" in _text(client.get(reverse("demands:list")))

    export = client.get(reverse("demands:list_export"), {"q": "主轴"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "收集站点" and rows[1][0] == DATA["title"]
    assert rows[1][3] == f"{station.get_type_display()} · 甲县电子学会服务站"
    assert len(list(openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("demands:list_export"), {"q": "没有这个"}).content)).active.iter_rows())) == 1
