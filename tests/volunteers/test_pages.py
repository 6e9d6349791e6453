"""Volunteer pages: the report page, its export and the selector agree; another province's
objects are not found; the volunteer's own pages sign up, report hours and give the certificate."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pdfplumber
from django.urls import reverse
from django.utils import timezone

from kexie.accounts.home import home_for
from kexie.volunteers import selectors, services
from kexie.volunteers.models import HoursRecord, Opportunity, SignUp
from tests.volunteers.helpers import START, opportunity, team, volunteer


def _served(world, user, opp, minutes):
    signup = services.sign_up_mine(by=user, role=opp.roles.first(), now=START - dt.timedelta(days=1))
    start = opp.starts_at
    later = start + dt.timedelta(days=1)
    services.check_in(by=world.provincial_clerk, signup=signup, at=start, now=later)
    services.check_out(by=world.provincial_clerk, signup=signup, at=start + dt.timedelta(minutes=minutes), now=later)
    return signup


def _setting(world):
    detachment = team(world)
    brigade = team(world, org=world.city_a, name="甲市科技志愿服务大队", level="brigade", parent=detachment)
    first, _p = volunteer(world)
    second, _q = volunteer(world, name="王志愿", address="wang@example.cn", org=world.city_a)
    _served(world, first, opportunity(world, team=detachment, roles=(("讲解员", 5),)), 150)
    _served(world, second, opportunity(world, org=world.city_a, title="进社区科普", team=brigade,
                                       starts=START + dt.timedelta(days=2)), 200)
    pending = services.hours_report(by=first, served_on=dt.date(2026, 9, 25), hours="3", note="线上答疑")
    outside = opportunity(world, org=world.prov_b, by=world.other_provincial_clerk, title="乙省项目")
    third, _r = volunteer(world, name="乙志愿", address="yi@example.cn", org=world.prov_b)
    signup = services.sign_up_mine(by=third, role=outside.roles.get(), now=START - dt.timedelta(days=1))
    later = START + dt.timedelta(days=1)
    services.check_in(by=world.other_provincial_clerk, signup=signup, at=START, now=later)
    services.check_out(by=world.other_provincial_clerk, signup=signup, at=START + dt.timedelta(hours=5), now=later)
    return detachment, brigade, pending


def _export_total(client, query):
    response = client.get(reverse("volunteers:report_export") + query)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "合计"
    return rows, Decimal(str(rows[-1][3]))


def test_report_page_export_and_selector_agree(world, signed_in):
    detachment, brigade, _pending = _setting(world)
    client = signed_in(world.provincial_clerk)
    for query, expected in [("", Decimal("6.0")), (f"?team={brigade.pk}", Decimal("3.5")),
                            (f"?team={detachment.pk}&group=team", Decimal("6.0")),
                            (f"?org={world.city_a.pk}&group=organization", Decimal("3.5")),
                            ("?since=2026-09-21&until=2026-09-30", Decimal("3.5"))]:
        page = client.get(reverse("volunteers:report") + query)
        assert page.status_code == 200
        summary = page.context["summary"]
        rows, total = _export_total(client, query)
        params = {"team": brigade if "team=" + str(brigade.pk) in query else detachment if "team=" in query else None,
                  "organization": world.city_a if "org=" in query else None,
                  "since": dt.date(2026, 9, 21) if "since" in query else None,
                  "until": dt.date(2026, 9, 30) if "until" in query else None}
        selected = selectors.total_hours(selectors.counted_hours(
            selectors.hours_for(world.provincial_clerk), **params))
        assert summary["total"] == total == selected == expected, query
        assert len(rows) == len(summary["rows"]) + 2
        assert f'id="report-total">{expected}<' in page.content.decode()
    # 乙省's hours are not in 甲省's report, and 乙省 sees only its own.
    assert signed_in(world.other_provincial_clerk).get(reverse("volunteers:report")).context["summary"]["total"] \
        == Decimal("5.0")


def test_another_provinces_objects_are_not_found(world, signed_in):
    detachment, _brigade, pending = _setting(world)
    client = signed_in(world.other_provincial_clerk)
    opp = detachment.opportunities.get()
    for name, pk in [("volunteers:team", detachment.pk), ("volunteers:opportunity", opp.pk),
                     ("volunteers:checkin", opp.pk), ("volunteers:volunteer", pending.volunteer_id),
                     ("volunteers:volunteer_certificate", pending.volunteer_id)]:
        assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 404, name
    assert client.post(reverse("volunteers:hours_decide", kwargs={"pk": pending.pk}),
                       {"decision": "approve"}).status_code == 404
    assert client.get(reverse("api:volunteerteam-detail", kwargs={"pk": detachment.pk})).status_code == 404
    listed = client.get(reverse("api:volunteerhours-list"), HTTP_ACCEPT="application/json").json()
    assert [row["hours"] for row in listed["results"]] == [5.0]


def test_staff_pages_team_tree_checkin_and_approval(world, signed_in):
    detachment, brigade, pending = _setting(world)
    client = signed_in(world.provincial_clerk)
    page = client.get(reverse("volunteers:list")).content.decode()
    assert "甲省科技志愿服务支队" in page and "└ " in page
    opp = detachment.opportunities.get()
    page = client.get(reverse("volunteers:checkin", kwargs={"pk": opp.pk})).content.decode()
    assert "李志愿" in page and "2.5" in page
    assert client.get(reverse("volunteers:hours")).context["page_obj"].paginator.count == 1
    response = client.post(reverse("volunteers:hours_decide", kwargs={"pk": pending.pk}), {"decision": "approve"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "approved"
    assert client.get(reverse("volunteers:team", kwargs={"pk": detachment.pk})).context["hours"] == Decimal("6.0")
    page = client.get(reverse("volunteers:volunteer", kwargs={"pk": pending.volunteer_id})).content.decode()
    assert "科普日科技馆讲解服务" in page and "已服务" in page and "线上答疑" in page


def test_staff_open_an_opportunity_and_sign_a_person_up(world, signed_in):
    from kexie.people.models import Person

    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("volunteers:opportunity_create"), {
        "organization": world.prov_a.pk, "title": "科技馆周末讲解", "starts_at": "2026-10-10T09:00",
        "ends_at": "2026-10-10T12:00", "roles": "讲解员 2\n引导员×1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    opp = Opportunity.objects.get()
    assert [(r.name, r.slots) for r in opp.roles.all()] == [("讲解员", 2), ("引导员", 1)]
    person = Person.objects.create(organization=world.prov_a, name="孙志愿")
    response = client.post(reverse("volunteers:signup_add", kwargs={"pk": opp.pk}),
                           {"role": opp.roles.get(name="引导员").pk, "person": person.pk})
    assert response.status_code == 302
    other = Person.objects.create(organization=world.prov_a, name="周志愿")
    response = client.post(reverse("volunteers:signup_add", kwargs={"pk": opp.pk}),
                           {"role": opp.roles.get(name="引导员").pk, "person": other.pk})
    assert response.status_code == 400 and "名额已满" in response.content.decode()


def test_the_volunteers_own_pages(world, signed_in):
    user, person = volunteer(world)
    opp = opportunity(world, starts=timezone.now() + dt.timedelta(days=3))
    client = signed_in(user)
    board = client.get(reverse("volunteers:board")).content.decode()
    assert opp.title in board
    response = client.post(reverse("volunteers:my_signup", kwargs={"pk": opp.roles.get().pk}))
    assert response.status_code == 302 and SignUp.objects.filter(volunteer__person=person).count() == 1
    mine = client.get(reverse("volunteers:mine")).content.decode()
    assert opp.title in mine
    response = client.post(reverse("volunteers:my_report"), {
        "served_on": timezone.localdate().isoformat(), "hours": "2.5", "note": "为社区老人讲解防诈骗知识"})
    assert response.status_code == 302
    record = HoursRecord.objects.get()
    services.hours_decide(by=world.provincial_clerk, record=record, approve=True)
    section = next(s for s in home_for(user) if s["section"].key == "volunteers")
    assert "2.5" in section["summary"] and any(opp.title in item.title for item in section["items"])
    response = client.get(reverse("volunteers:my_certificate"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "李志愿" in text and "2.5" in text
    # Someone else's sign-up is not found; an account with no person record has nothing to certify.
    other, _p = volunteer(world, name="王志愿", address="wang@example.cn")
    signup = SignUp.objects.get()
    assert signed_in(other).post(reverse("volunteers:my_cancel", kwargs={"pk": signup.pk})).status_code == 404


def test_staff_edit_a_team_and_find_volunteers(world, signed_in):
    detachment, brigade, _pending = _setting(world)
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("volunteers:team_edit", kwargs={"pk": brigade.pk}), {
        "name": "甲市青年科技志愿服务大队", "level": "brigade", "parent": detachment.pk, "active": "on"})
    assert response.status_code == 302
    brigade.refresh_from_db()
    assert brigade.name == "甲市青年科技志愿服务大队" and brigade.active
    # A team cannot go under its own sub-team.
    response = client.post(reverse("volunteers:team_edit", kwargs={"pk": detachment.pk}), {
        "name": detachment.name, "level": "detachment", "parent": brigade.pk})
    assert response.status_code == 400 and "下级队伍" in response.content.decode()
    page = client.get(reverse("volunteers:volunteers") + "?q=王").content.decode()
    assert "王志愿" in page and "李志愿" not in page and "乙志愿" not in page


def test_a_cancelled_opportunity_leaves_the_board(world, signed_in):
    opp = opportunity(world, starts=timezone.now() + dt.timedelta(days=3))
    user, _person = volunteer(world)
    assert opp.title in signed_in(user).get(reverse("volunteers:board")).content.decode()
    clerk = signed_in(world.provincial_clerk)
    assert "取消服务项目" in clerk.get(reverse("volunteers:opportunity", kwargs={"pk": opp.pk})).content.decode()
    assert clerk.post(reverse("volunteers:opportunity_status", kwargs={"pk": opp.pk}),
                      {"status": "cancelled"}).status_code == 302
    assert clerk.post(reverse("volunteers:opportunity_status", kwargs={"pk": opp.pk}),
                      {"status": "open"}).status_code == 400
    assert opp.title not in signed_in(user).get(reverse("volunteers:board")).content.decode()
