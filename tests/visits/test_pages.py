"""The service team pages as a clerk uses them: the overview with what is overdue, a team and its
roster, logging a visit (a refusal comes back with its message, status 400), closing a
follow-up as its owner, the contact duties with the overdue ones first, and the export."""

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from kexie.visits import services
from kexie.visits.models import TeamMember, Visit
from tests.visits.helpers import build, visit


def test_the_overview_shows_teams_visits_and_what_is_overdue(world, signed_in):
    s = build(world)
    visit(world, s, due=dt.date(2026, 6, 1))
    services.duty_create(by=world.provincial_clerk, organization=world.prov_a, person=s.academician,
                         owner=s.city_clerk, cadence_days=30, started_on=dt.date(2026, 1, 1))
    page = signed_in(world.provincial_clerk).get(reverse("visits:list")).content.decode()
    assert "甲省农业科技服务团" in page.split('id="teams"')[1].split("</table>")[0]
    overdue = page.split('id="overdue-followups"')[1].split("</table>")[0]
    assert "甲县科学技术协会" in overdue and "2026-06-01" in overdue
    contacts = page.split('id="overdue-contacts"')[1].split("</table>")[0]
    assert "程远山" in contacts and "甲市干事" in contacts
    # Another province sees none of it.
    other = signed_in(world.other_provincial_clerk).get(reverse("visits:list")).content.decode()
    assert "甲省农业科技服务团" not in other and "程远山" not in other


def test_a_team_is_created_and_its_roster_kept_from_its_page(world, signed_in):
    s = build(world)
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("visits:team_create"), {
        "organization": world.prov_a.pk, "name": "甲省企业义诊团", "kind": "clinic", "industries": "13、14"})
    team = s.team.__class__.objects.get(name="甲省企业义诊团")
    assert response.status_code == 302 and team.industries == ["13", "14"]
    response = client.post(reverse("visits:team_create"), {
        "organization": world.prov_a.pk, "name": "坏编码", "kind": "clinic", "industries": "ZZ"})
    assert response.status_code == 400 and "ZZ" in response.content.decode()

    assert client.post(reverse("visits:member_add", args=[team.pk]),
                       {"person": s.academician.pk, "role": "leader"}).status_code == 302
    response = client.post(reverse("visits:member_add", args=[team.pk]), {"person": s.leader.pk, "role": "leader"})
    assert response.status_code == 400 and "团长" in response.content.decode()
    member = TeamMember.objects.get(team=team)
    assert client.post(reverse("visits:member_remove", args=[member.pk])).status_code == 302
    assert not TeamMember.objects.filter(team=team).exists()


def test_a_visit_is_logged_from_the_form_and_refused_with_its_reason(world, signed_in):
    s = build(world)
    client = signed_in(world.provincial_clerk)
    form = {"team": s.team.pk, "date": "2026-05-10", "place": "甲县", "county": world.county_a.pk,
            "problem": "玉米螟虫害", "persons": [s.leader.pk, s.expert.pk], "followup_owner": s.city_clerk.pk}
    response = client.post(reverse("visits:visit_create"), form)
    assert response.status_code == 400 and "责任人和完成期限" in response.content.decode()
    assert not Visit.objects.exists()
    response = client.post(reverse("visits:visit_create"), form | {"followup_due": "2026-06-01"})
    v = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("visits:visit_detail", args=[v.pk])
    page = client.get(reverse("visits:visit_detail", args=[v.pk])).content.decode()
    assert "玉米螟虫害" in page and "岳明川" in page and 'id="followup-overdue"' in page


def test_the_owner_closes_a_follow_up_with_view_rights_alone(world, signed_in):
    s = build(world)
    v = visit(world, s)
    client = signed_in(s.city_clerk)
    page = client.get(reverse("visits:visit_detail", args=[v.pk])).content.decode()
    assert 'id="followup-form"' in page
    assert client.post(reverse("visits:followup_done", args=[v.pk]), {"outcome": ""}).status_code == 400
    assert client.post(reverse("visits:followup_done", args=[v.pk]),
                       {"outcome": "已回访，虫害得到控制"}).status_code == 302
    v.refresh_from_db()
    assert v.followup_status == "done" and v.outcome == "已回访，虫害得到控制"


def test_contact_duties_list_the_overdue_first_and_take_a_contact(world, signed_in):
    s = build(world)
    by = world.provincial_clerk
    late = services.duty_create(by=by, organization=world.prov_a, person=s.academician, owner=by, cadence_days=30,
                                started_on=dt.date(2026, 1, 1))
    services.duty_create(by=by, organization=world.prov_a, person=s.leader, owner=by, cadence_days=3650)
    client = signed_in(by)
    page = client.get(reverse("visits:contacts")).content.decode()
    overdue = page.split('id="overdue-duties"')[1].split("</table>")[0]
    rest = page.split('id="duties"')[1].split("</table>")[0]
    assert "程远山" in overdue and "岳明川" in rest and "岳明川" not in overdue
    response = client.post(reverse("visits:contact_log", args=[late.pk]),
                           {"date": dt.date.today().isoformat(), "mode": "meeting", "note": "座谈交流"})
    assert response.status_code == 302
    page = client.get(reverse("visits:contacts")).content.decode()
    assert "程远山" not in page.split('id="overdue-duties"')[1].split("</table>")[0]
    refused = client.post(reverse("visits:contact_log", args=[late.pk]), {"date": "2020-01-01", "mode": "phone"})
    assert refused.status_code == 400
    assert "联系日期不能早于任务开始日期" in refused.content.decode().split('id="refused"')[1].split("</div>")[0]


def test_the_export_lists_the_visits_of_the_period_with_the_figures(world, signed_in):
    s = build(world)
    visit(world, s, enterprise="甲县面粉厂")
    visit(world, s, date=dt.date(2025, 11, 3), due=dt.date(2025, 12, 1))
    response = signed_in(world.provincial_clerk).get(reverse("visits:export") + "?since=2026-01-01&until=2026-12-31")
    book = load_workbook(io.BytesIO(response.content))
    visits, figures = book.worksheets
    rows = list(visits.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1 and rows[0][5] == "甲县面粉厂"
    values = {row[0]: row[1] for row in figures.iter_rows(min_row=3, values_only=True)}
    assert list(values.values()) == [1, 1, "0 / 1"]


def test_a_period_ending_before_it_starts_is_said_and_the_year_shown(world, signed_in):
    build(world)
    page = signed_in(world.provincial_clerk).get(reverse("visits:list") + "?since=2026-05-01&until=2026-04-01")
    assert page.status_code == 200 and "截止日期不能早于起始日期" in page.content.decode()
