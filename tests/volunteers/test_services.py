"""Volunteer services: slots, overlaps, cancelling, check-in idempotence, rounding of hours,
reported hours and their approval, each change with its audit row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kexie.audit.models import AuditLog
from kexie.notifications.models import Notification
from kexie.volunteers import selectors, services
from kexie.volunteers.models import HoursRecord, SignUp
from tests.volunteers.helpers import START, opportunity, team, volunteer


@pytest.fixture
def now():
    return START - dt.timedelta(days=1)


def test_round_hours_to_the_nearest_half_hour():
    assert services.round_hours(74 * 60) == Decimal("1.0")
    assert services.round_hours(75 * 60) == Decimal("1.5")
    assert services.round_hours(2 * 3600 + 44 * 60) == Decimal("2.5")
    assert services.round_hours(2 * 3600 + 45 * 60) == Decimal("3.0")
    assert services.round_hours(0) == Decimal("0.0")


def test_sign_up_refused_when_the_role_is_full_and_cancelling_frees_the_slot(world, now):
    opp = opportunity(world, roles=(("讲解员", 1),))
    role = opp.roles.get()
    first, _p = volunteer(world)
    second, _q = volunteer(world, name="王志愿", address="wang@example.cn")
    signup = services.sign_up_mine(by=first, role=role, now=now)
    with pytest.raises(ValidationError) as error:
        services.sign_up_mine(by=second, role=role, now=now)
    assert "role" in error.value.message_dict
    services.cancel_mine(by=first, signup=signup)
    assert services.sign_up_mine(by=second, role=role, now=now).volunteer.person.name == "王志愿"
    assert SignUp.objects.filter(role=role, status="active").count() == 1


def test_sign_up_refused_when_it_overlaps_another(world, now):
    user, _person = volunteer(world)
    morning = opportunity(world, title="上午讲解", hours=4)
    overlapping = opportunity(world, title="中午咨询", starts=START + dt.timedelta(hours=3), hours=3)
    later = opportunity(world, title="下午咨询", starts=START + dt.timedelta(hours=4), hours=3)
    services.sign_up_mine(by=user, role=morning.roles.get(), now=now)
    with pytest.raises(ValidationError) as error:
        services.sign_up_mine(by=user, role=overlapping.roles.get(), now=now)
    assert "上午讲解" in error.value.message_dict["role"][0]
    services.sign_up_mine(by=user, role=later.roles.get(), now=now)  # back to back is fine


def test_sign_up_needs_a_linked_person_and_an_open_opportunity(world, now):
    from tests.personas import make_external

    opp = opportunity(world)
    with pytest.raises(ValidationError):
        services.sign_up_mine(by=make_external("nobody@example.cn"), role=opp.roles.get(), now=now)
    user, _person = volunteer(world)
    with pytest.raises(ValidationError):
        services.sign_up_mine(by=user, role=opp.roles.get(), now=START + dt.timedelta(days=1))
    services.opportunity_set_status(by=world.provincial_clerk, opportunity=opp, status="closed")
    with pytest.raises(ValidationError):
        services.sign_up_mine(by=user, role=opp.roles.get(), now=now)


def test_staff_add_a_volunteer_within_their_scope(world):
    from kexie.people.models import Person

    opp = opportunity(world)
    person = Person.objects.create(organization=world.city_a, name="赵志愿")
    signup = services.sign_up_add(by=world.provincial_clerk, opportunity=opp, role=opp.roles.get(), person=person)
    assert signup.volunteer.person == person and signup.volunteer.organization == world.prov_a
    outsider = Person.objects.create(organization=world.prov_b, name="乙省人")
    with pytest.raises(ValidationError):
        services.sign_up_add(by=world.provincial_clerk, opportunity=opp, role=opp.roles.get(), person=outsider)
    with pytest.raises(Http404):
        services.sign_up_add(by=world.other_provincial_clerk, opportunity=opp, role=opp.roles.get(), person=person)
    with pytest.raises(PermissionDenied):
        services.sign_up_add(by=world.no_role_user, opportunity=opp, role=opp.roles.get(), person=person)


def test_check_in_is_idempotent_and_check_out_records_rounded_hours(world, now):
    user, _person = volunteer(world)
    opp = opportunity(world)
    signup = services.sign_up_mine(by=user, role=opp.roles.get(), now=now)
    clerk, later = world.provincial_clerk, START + dt.timedelta(hours=10)
    services.check_in(by=clerk, signup=signup, at=START + dt.timedelta(minutes=5), now=later)
    services.check_in(by=clerk, signup=signup, at=START + dt.timedelta(hours=2), now=later)  # no reset
    signup.refresh_from_db()
    assert signup.checked_in_at == START + dt.timedelta(minutes=5)
    services.check_out(by=clerk, signup=signup, at=START + dt.timedelta(hours=3, minutes=15), now=later)  # 3 h 10 min
    services.check_out(by=clerk, signup=signup, at=START + dt.timedelta(hours=6), now=later)  # no change
    record = HoursRecord.objects.get(signup=signup)
    assert record.hours == Decimal("3.0") and record.status == "approved" and record.source == "attendance"
    assert HoursRecord.objects.count() == 1
    assert selectors.total_hours(selectors.counted_hours(volunteer=signup.volunteer)) == Decimal("3.0")
    assert AuditLog.objects.filter(object_type__icontains="signup", object_id=str(signup.pk)).count() == 3
    with pytest.raises(ValidationError):  # a checked-in volunteer cannot cancel any more
        services.cancel_mine(by=user, signup=signup)


def test_check_out_needs_check_in_and_times_within_the_opportunity(world, now):
    user, _person = volunteer(world)
    opp = opportunity(world)
    signup = services.sign_up_mine(by=user, role=opp.roles.get(), now=now)
    later = START + dt.timedelta(hours=10)
    with pytest.raises(ValidationError) as error:
        services.check_out(by=world.provincial_clerk, signup=signup, now=later)
    assert "at" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.check_in(by=world.provincial_clerk, signup=signup, at=START - dt.timedelta(days=1), now=later)
    with pytest.raises(ValidationError):  # not in the future
        services.check_in(by=world.provincial_clerk, signup=signup, at=START + dt.timedelta(hours=1), now=START)
    with pytest.raises(Http404):
        services.check_in(by=world.other_provincial_clerk, signup=signup, now=later)


def test_reported_hours_count_once_approved(world, now):
    user, _person = volunteer(world)
    opp = opportunity(world)
    services.sign_up_mine(by=user, role=opp.roles.get(), now=now)
    record = services.hours_report(by=user, served_on=dt.date(2026, 9, 20), hours="2.5", note="在科技馆讲解",
                                   opportunity=opp)
    profile = record.volunteer
    assert record.status == "pending" and selectors.total_hours(selectors.counted_hours(volunteer=profile)) == 0
    with pytest.raises(ValidationError) as error:
        services.hours_report(by=user, served_on=dt.date(2026, 9, 20), hours="1.2", note="x")
    assert "hours" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.hours_decide(by=world.provincial_clerk, record=record, approve=False)
    assert "reason" in error.value.message_dict
    with pytest.raises(Http404):
        services.hours_decide(by=world.other_provincial_clerk, record=record, approve=True)
    services.hours_decide(by=world.provincial_clerk, record=record, approve=True)
    assert selectors.total_hours(selectors.counted_hours(volunteer=profile)) == Decimal("2.5")
    with pytest.raises(ValidationError):
        services.hours_decide(by=world.provincial_clerk, record=record, approve=False, reason="重复")
    returned = services.hours_report(by=user, served_on=dt.date(2026, 9, 21), hours=1, note="线上答疑")
    services.hours_decide(by=world.provincial_clerk, record=returned, approve=False, reason="请补充服务对象")
    assert selectors.total_hours(selectors.counted_hours(volunteer=profile)) == Decimal("2.5")
    # The volunteer hears of each decision, the return with its reason.
    told = {n.title: n.body for n in Notification.objects.filter(recipient=user, kind="volunteer")}
    assert told == {"您 2026-09-20 的 2.5 小时志愿服务时长已审核通过": "",
                    "您 2026-09-21 的 1.0 小时志愿服务时长被退回": "请补充服务对象"}


def test_team_tree_members_and_hours_with_sub_teams(world, now):
    detachment = team(world)
    brigade = team(world, org=world.city_a, name="甲市科技志愿服务大队", level="brigade", parent=detachment)
    squad = team(world, org=world.county_a, by=world.county_clerk, name="甲县科技志愿服务队", level="squad",
                 parent=None)
    services.team_update(by=world.provincial_clerk, team=squad, data={"name": squad.name, "level": "squad",
                                                                       "parent": brigade})
    with pytest.raises(ValidationError):
        services.team_update(by=world.provincial_clerk, team=detachment, data={
            "name": detachment.name, "level": "detachment", "parent": squad})
    user, person = volunteer(world)
    services.member_add(by=world.provincial_clerk, team=squad, person=person)
    with pytest.raises(ValidationError):
        services.member_add(by=world.provincial_clerk, team=squad, person=person)
    opp = opportunity(world, org=world.county_a, by=world.county_clerk, team=squad)
    signup = services.sign_up_mine(by=user, role=opp.roles.get(), now=now)
    later = START + dt.timedelta(hours=10)
    services.check_in(by=world.county_clerk, signup=signup, at=START, now=later)
    services.check_out(by=world.county_clerk, signup=signup, at=START + dt.timedelta(hours=4), now=later)
    assert selectors.total_hours(selectors.counted_hours(team=detachment)) == Decimal("4.0")
    assert selectors.total_hours(selectors.counted_hours(team=brigade)) == Decimal("4.0")
    assert selectors.measure_hours(world.prov_a) == 4 and selectors.measure_active(world.prov_a) == 1
    assert selectors.measure_hours(world.prov_b) == 0
    tree = selectors.team_tree(selectors.teams_for(world.provincial_clerk))
    assert [(t.name, depth) for t, depth in tree] == [
        ("甲省科技志愿服务支队", 0), ("甲市科技志愿服务大队", 1), ("甲县科技志愿服务队", 2)]
