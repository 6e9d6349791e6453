"""Teams, rosters, visits with their follow-ups, and contact duties: what the services accept,
what they refuse (in Chinese, naming the field, nothing saved), and the audit rows they leave."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kexie.audit.models import AuditLog
from kexie.visits import selectors, services
from kexie.visits.models import ContactDuty, FollowUpStatus, ServiceTeam, TeamMember, Visit
from tests.visits.helpers import TODAY, build, visit


def test_a_team_keeps_its_codes_and_roster_with_one_leader(world):
    s = build(world)
    by = world.provincial_clerk
    assert s.team.disciplines == ["210"] and s.team.industries == ["01"]
    assert [m.person.name for m in s.team.members.order_by("role")] == ["岳明川", "宁知秋"]

    with pytest.raises(ValidationError) as error:
        services.member_add(by=by, team=s.team, person=s.academician, role="leader")
    assert "role" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.member_add(by=by, team=s.team, person=s.expert)
    assert "person" in error.value.message_dict
    # A person of another province's records is not one the clerk may name.
    with pytest.raises(ValidationError) as error:
        services.member_add(by=by, team=s.team, person=s.outsider)
    assert "person" in error.value.message_dict

    services.member_remove(by=by, member=s.team.members.get(person=s.leader))
    services.member_add(by=by, team=s.team, person=s.academician, role="leader")
    assert TeamMember.objects.filter(team=s.team).count() == 2
    assert AuditLog.objects.filter(action="delete", object_type="visits.teammember").count() == 1


def test_a_team_needs_a_name_and_real_codes(world):
    by = world.provincial_clerk
    with pytest.raises(ValidationError) as error:
        services.team_create(by=by, organization=world.prov_a, data={"name": " "})
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.team_create(by=by, organization=world.prov_a, data={"name": "服务团", "disciplines": ["999999"]})
    assert "999999" in error.value.message_dict["disciplines"][0]
    with pytest.raises(ValidationError) as error:
        services.team_create(by=by, organization=world.prov_a, data={
            "name": "服务团", "starts_on": dt.date(2026, 5, 1), "ends_on": dt.date(2026, 4, 1)})
    assert "ends_on" in error.value.message_dict
    assert not ServiceTeam.objects.exists()


def test_only_a_manager_of_the_organisation_keeps_teams(world):
    with pytest.raises(PermissionDenied):
        services.team_create(by=world.county_clerk, organization=world.county_a, data={"name": "县服务团"})
    with pytest.raises(Http404):  # another province is outside the clerk's scope
        services.team_create(by=world.provincial_clerk, organization=world.prov_b, data={"name": "乙省服务团"})
    s = build(world)
    with pytest.raises(Http404):
        services.team_update(by=world.other_provincial_clerk, team=s.team, data={"name": "改名"})


def test_a_visit_is_logged_with_its_experts_and_follow_up(world):
    s = build(world)
    v = visit(world, s)
    assert v.organization == world.prov_a and v.team == s.team
    assert v.followup_status == FollowUpStatus.OPEN and v.target == "甲县科学技术协会"
    assert set(v.persons.values_list("name", flat=True)) == {"岳明川", "宁知秋"}
    row = AuditLog.objects.get(action="create", object_type="visits.visit")
    assert row.new_values["followup_owner"] == s.city_clerk.pk


@pytest.mark.parametrize(("change", "field"), [
    ({"county": None, "enterprise": ""}, "enterprise"),
    ({"problem": ""}, "problem"),
    ({"place": ""}, "place"),
    ({"date": dt.date(2026, 7, 1)}, "date"),          # after TODAY: not yet taken place
    ({"followup_due": None}, "followup_due"),         # an owner without a date
    ({"followup_due": dt.date(2026, 5, 1)}, "followup_due"),  # before the visit
])
def test_a_visit_with_missing_or_wrong_parts_is_refused(world, change, field):
    s = build(world)
    with pytest.raises(ValidationError) as error:
        visit(world, s, **change)
    assert field in error.value.message_dict
    assert not Visit.objects.exists()


def test_the_county_is_under_the_organisation_and_the_owner_in_scope(world):
    s = build(world)
    with pytest.raises(ValidationError) as error:
        visit(world, s, county=world.county_b)
    assert "county" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        visit(world, s, owner=world.other_provincial_clerk)
    assert "followup_owner" in error.value.message_dict
    # A county clerk cannot see visits, so cannot own a follow-up.
    with pytest.raises(ValidationError):
        visit(world, s, owner=world.county_clerk)
    v = visit(world, s, county=None, enterprise="甲县面粉厂", owner=False)
    assert v.followup_status == "" and v.target == "甲县面粉厂"


def test_the_owner_closes_the_follow_up_once(world):
    s = build(world)
    v = visit(world, s)
    with pytest.raises(ValidationError) as error:
        services.followup_done(by=s.city_clerk, visit=v, outcome=" ")
    assert "outcome" in error.value.message_dict
    # Someone else without visit.manage cannot close it.
    with pytest.raises(PermissionDenied):
        services.followup_done(by=world.county_clerk, visit=v, outcome="已回访")
    done = services.followup_done(by=s.city_clerk, visit=v, outcome="已回访，病害得到控制", done_on=dt.date(2026, 5, 30))
    assert done.followup_status == FollowUpStatus.DONE and done.done_at == dt.date(2026, 5, 30)
    with pytest.raises(ValidationError):
        services.followup_done(by=world.provincial_clerk, visit=v, outcome="再次关闭")
    assert AuditLog.objects.filter(action="close", object_type="visits.visit").count() == 1


def test_overdue_follow_ups_are_the_open_ones_past_their_date(world):
    s = build(world)
    late = visit(world, s, due=dt.date(2026, 6, 1))
    visit(world, s, due=dt.date(2026, 6, 20))
    closed = visit(world, s, due=dt.date(2026, 5, 20))
    services.followup_done(by=s.city_clerk, visit=closed, outcome="已完成", done_on=dt.date(2026, 5, 20))
    assert list(selectors.overdue_followups(Visit.objects.all(), TODAY)) == [late]


def test_the_figures_count_the_subtree_and_the_period(world):
    s = build(world)
    on_time = visit(world, s, due=dt.date(2026, 5, 20), enterprise="甲县面粉厂")
    visit(world, s, due=dt.date(2026, 5, 25), enterprise="甲县面粉厂")
    visit(world, s, date=dt.date(2025, 12, 1), due=dt.date(2025, 12, 20), enterprise="甲县种业公司")
    services.followup_done(by=s.city_clerk, visit=on_time, outcome="已完成", done_on=dt.date(2026, 5, 20))
    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert selectors.visits_count(world.prov_a, *year) == 2
    assert selectors.visits_count(world.cast, *year) == 2
    assert selectors.visits_count(world.city_a, *year) == 0  # the province's visits are not the city's
    assert selectors.enterprises_served(world.prov_a, *year) == 1
    assert selectors.followups_closed_on_time(world.prov_a, *year) == (1, 2)


def test_a_contact_duty_is_overdue_after_its_cadence_until_a_contact(world):
    s = build(world)
    by = world.provincial_clerk
    duty = services.duty_create(by=by, organization=world.prov_a, person=s.academician, owner=s.city_clerk,
                                cadence_days=30, started_on=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError) as error:  # one active duty per person and organisation
        services.duty_create(by=by, organization=world.prov_a, person=s.academician, owner=by, cadence_days=30)
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.duty_create(by=by, organization=world.prov_a, person=s.leader, owner=by, cadence_days=0)
    assert "cadence_days" in error.value.message_dict

    def overdue(today):
        return [d.pk for d in selectors.overdue_duties(selectors.duties_for(by), today)]

    assert overdue(dt.date(2026, 5, 1)) == []
    assert overdue(dt.date(2026, 5, 2)) == [duty.pk]
    with pytest.raises(ValidationError) as error:
        services.contact_log(by=s.city_clerk, duty=duty, date=dt.date(2026, 3, 1), mode="phone")
    assert "date" in error.value.message_dict
    services.contact_log(by=s.city_clerk, duty=duty, date=dt.date(2026, 5, 20), mode="phone", note="电话问候")
    assert overdue(dt.date(2026, 6, 19)) == []
    assert overdue(dt.date(2026, 6, 20)) == [duty.pk]

    services.duty_reassign(by=by, duty=duty, owner=by, cadence_days=60)
    duty.refresh_from_db()
    assert duty.owner == by and duty.cadence_days == 60
    with pytest.raises(PermissionDenied):  # no longer theirs, and they cannot manage
        services.contact_log(by=s.city_clerk, duty=duty, date=dt.date(2026, 6, 1), mode="phone")
    services.duty_close(by=by, duty=duty)
    assert overdue(dt.date(2027, 1, 1)) == []
    assert not ContactDuty.objects.filter(active=True).exists()
    assert list(AuditLog.objects.filter(object_type="visits.contactduty").values_list("action", flat=True)
                .order_by("pk")) == ["create", "update", "close"]


def test_plan_targets_count_visits_and_enterprises_with_the_same_selectors(world):
    from kexie.plans import measures

    s = build(world)
    visit(world, s, enterprise="甲县面粉厂")
    visit(world, s, enterprise="甲县面粉厂", date=dt.date(2025, 3, 1), due=dt.date(2025, 4, 1))
    assert measures.value("visits.visits", world.prov_a) == 2
    assert measures.value("visits.visits", world.prov_a, dt.date(2026, 1, 1), None) == 1
    assert measures.value("visits.enterprises", world.cast) == 1
    assert measures.value("visits.visits", world.prov_b) == 0
