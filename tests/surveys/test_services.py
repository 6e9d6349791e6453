"""Stations, rounds, codes and the anonymous answer: quotas, one use per code, closed rounds,
completion counted exactly, refusals in Chinese on the field, audit rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from kexie.audit.models import AuditLog
from kexie.notifications.models import Notification
from kexie.people.models import Person
from kexie.surveys import selectors, services
from kexie.surveys.models import Response, ResponseCode
from tests.surveys.helpers import DEFN, answer, codes, station, survey_round


def test_a_station_with_its_investigators_and_the_audit_row(world):
    person = Person.objects.create(organization=world.prov_a, name="李调查")
    made = station(world, investigators=[person])
    assert list(made.investigators.all()) == [person] and made.region_code == "410000"
    assert AuditLog.objects.filter(object_type__icontains="surveystation", object_id=str(made.pk)).count() == 1
    with pytest.raises(ValidationError) as error:
        station(world, name=" ")
    assert error.value.message_dict == {"name": ["请填写调查站点名称。"]}
    with pytest.raises(Http404):
        station(world, org=world.prov_b, by=world.provincial_clerk)


def test_a_round_needs_a_valid_questionnaire(world):
    with pytest.raises(ValidationError) as error:
        survey_round(world, definition={"questions": [DEFN["questions"][0], DEFN["questions"][0]]})
    assert list(error.value.message_dict) == ["definition"]
    assert "unit" in error.value.message_dict["definition"][0]


def test_codes_are_unique_short_and_unambiguous(world):
    one = station(world)
    made = survey_round(world, stations=[(one, 5)])
    values = codes(world, made, one, n=50)
    assert len(set(values)) == 50
    assert all(len(v) == 8 and set(v) <= set(services.CODE_ALPHABET) for v in values)
    assert not set("01OIL") & set("".join(values))
    row = ResponseCode.objects.get(code=values[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponseCode.objects.create(participation=row.participation, code=values[0])


def test_a_code_is_used_once_and_typing_is_forgiving(world):
    one = station(world)
    made = survey_round(world, stations=[(one, 5)])
    code = codes(world, made, one, n=1)[0]
    typed = f" {code[:4].lower()}-{code[4:]} "
    response = answer(typed)
    assert response.answers == {"unit": "uni", "pressure": 3}
    assert ResponseCode.objects.get(code=code).used_at is not None
    with pytest.raises(ValidationError) as error:
        answer(code)
    assert error.value.message_dict == {"code": ["该填答码已使用，每个填答码只能使用一次。"]}
    assert Response.objects.count() == 1
    # The database itself refuses a second response on the same code.
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(round=made, station=one, code=response.code, answers={}, submitted_at=response.submitted_at)


def test_a_response_carries_no_identity():
    names = {f.name for f in Response._meta.get_fields()}
    assert names == {"id", "round", "station", "code", "answers", "submitted_at"}


def test_unknown_code_and_closed_round_are_refused(world):
    one = station(world)
    made = survey_round(world, stations=[(one, 5)])
    code = codes(world, made, one, n=1)[0]
    with pytest.raises(ValidationError) as error:
        answer("ABCDEFGH")
    assert error.value.message_dict == {"code": ["填答码无效，请核对后重新输入。"]}
    services.round_set_status(by=world.national_clerk, survey_round=made, status="closed")
    with pytest.raises(ValidationError) as error:
        answer(code)
    assert error.value.message_dict == {"code": ["本次调查未开放填答：已经结束或尚未开始。"]}
    assert not Response.objects.exists() and ResponseCode.objects.get(code=code).used_at is None


def test_a_station_stops_at_its_quota(world):
    one, two = station(world), station(world, name="甲医院调查站点", kind="health")
    made = survey_round(world, stations=[(one, 2), (two, 1)])
    first = codes(world, made, one, n=4)
    answer(first[0])
    answer(first[1])
    with pytest.raises(ValidationError) as error:
        answer(first[2])
    assert list(error.value.message_dict) == ["code"] and "已收集" in error.value.message_dict["code"][0]
    assert ResponseCode.objects.get(code=first[2]).used_at is None
    # The other station still takes answers; a quota cannot go below what was given.
    answer(codes(world, made, two, n=1)[0])
    with pytest.raises(ValidationError) as error:
        services.round_set_station(by=world.national_clerk, survey_round=made, station=one, quota=1)
    assert list(error.value.message_dict) == ["quota"]
    services.round_set_station(by=world.national_clerk, survey_round=made, station=one, quota=3)
    answer(first[2])
    assert Response.objects.filter(station=one).count() == 3


def test_skip_logic_on_submit(world):
    one = station(world)
    made = survey_round(world, stations=[(one, 5)])
    a, b, c = codes(world, made, one, n=3)
    with pytest.raises(ValidationError) as error:
        answer(a, unit="ent", pressure="4")
    assert error.value.message_dict == {"rd": ["请回答此题。"]}
    assert answer(a, unit="ent", rd="yes", pressure="4").answers == {"unit": "ent", "rd": "yes", "pressure": 4}
    # An answer left behind in a question hidden by the skip logic is dropped.
    assert answer(b, unit="uni", rd="yes", pressure="2").answers == {"unit": "uni", "pressure": 2}
    with pytest.raises(ValidationError) as error:
        answer(c, unit="uni", pressure="9")
    assert error.value.message_dict == {"pressure": ["请选择1到5之间的整数。"]}


def test_completion_per_station_and_per_level(world):
    prov, city, county = station(world, name="省站"), station(world, org=world.city_a, name="市站"), \
        station(world, org=world.county_a, name="县站")
    other = station(world, org=world.prov_b, name="乙省站")
    made = survey_round(world, stations=[(prov, 4), (city, 3), (county, 10), (other, 5)])
    for code in codes(world, made, prov, n=3):
        answer(code)
    answer(codes(world, made, city, n=1)[0])
    for code in codes(world, made, other, n=5):
        answer(code)
    rows = {row["station"].name: (row["responses"], row["quota"], row["percent"])
            for row in selectors.completion(made)}
    assert rows == {"省站": (3, 4, 75), "市站": (1, 3, 33), "县站": (0, 10, 0), "乙省站": (5, 5, 100)}
    children, own, total = selectors.rollup_by_child(made, world.prov_a)
    assert own == {"stations": 1, "quota": 4, "responses": 3, "percent": 75}
    assert dict((c.name, f) for c, f in children)["甲市科学技术协会"] == {
        "stations": 2, "quota": 13, "responses": 1, "percent": 7}
    assert total == {"stations": 3, "quota": 17, "responses": 4, "percent": 23}
    children, own, total = selectors.rollup_by_child(made, world.cast)
    assert dict((c.name, f["responses"]) for c, f in children)["乙省科学技术协会"] == 5
    assert total["responses"] == 9
    # The province's clerk sees only its own stations.
    mine = selectors.completion(made, selectors.participations_for(world.provincial_clerk, made))
    assert {row["station"].name for row in mine} == {"省站", "市站", "县站"}


def test_measures_count_active_stations_and_responses(world):
    one = station(world, org=world.city_a)
    station(world, org=world.county_a, active=False, name="停用站")
    station(world, org=world.prov_b, name="乙省站")
    made = survey_round(world, stations=[(one, 5)])
    answer(codes(world, made, one, n=1)[0])
    assert selectors.count_stations(world.prov_a) == 1
    assert selectors.count_stations(world.cast) == 2
    assert selectors.count_responses(world.prov_a) == 1 and selectors.count_responses(world.prov_b) == 0
    from kexie.plans import measures

    assert measures.get("surveys.stations") and measures.get("surveys.responses")


def test_reminders_go_to_investigators_with_accounts_below_the_threshold(world, django_user_model):
    from kexie.accounts.models import User

    account = User.objects.create_user(username="diaocha", password="x-Very-long-1", organization=world.prov_a)
    person = Person.objects.create(organization=world.prov_a, name="王调查", account=account)
    silent = Person.objects.create(organization=world.prov_a, name="无账号调查员")
    low = station(world, investigators=[person, silent], name="低站")
    high = station(world, investigators=[person], name="高站")
    made = survey_round(world, stations=[(low, 10), (high, 1)])
    answer(codes(world, made, high, n=1)[0])
    assert services.reminders_send(by=world.national_clerk, survey_round=made, below_percent=50) == 1
    notes = Notification.objects.filter(recipient=account)
    assert notes.count() == 1 and "低站" in notes.get().title
    # Once a day per station.
    services.reminders_send(by=world.national_clerk, survey_round=made, below_percent=50)
    assert notes.count() == 1


def test_hand_out_and_reports(world):
    one = station(world)
    made = survey_round(world, stations=[(one, 5)])
    code = ResponseCode.objects.get(code=codes(world, made, one, n=1)[0])
    services.code_hand_out(by=world.provincial_clerk, code=code, handed_to="甲大学物理学院")
    code.refresh_from_db()
    assert code.handed_to == "甲大学物理学院" and code.handed_by == world.provincial_clerk and code.handed_at
    report = services.report_file(by=world.provincial_clerk, station=one, data={
        "period": "2026年上半年", "respondents_reached": 120, "activities_held": 3, "notes": "组织座谈会两次"})
    assert report.submitted_by == world.provincial_clerk
    with pytest.raises(ValidationError) as error:
        services.report_file(by=world.provincial_clerk, station=one, data={"period": "2026年上半年"})
    assert list(error.value.message_dict) == ["period"]
    with pytest.raises(Http404):
        services.report_file(by=world.other_provincial_clerk, station=one, data={"period": "2026年下半年"})


def test_the_daily_command_reminds_each_station_once_a_day(world):
    import io

    from django.core.management import call_command

    from kexie.accounts.models import User

    account = User.objects.create_user(username="zhao", password="x-Very-long-1", organization=world.prov_a)
    person = Person.objects.create(organization=world.prov_a, name="赵调查", account=account)
    low = station(world, investigators=[person], name="低站")
    survey_round(world, stations=[(low, 10)])
    out = io.StringIO()
    call_command("survey_remind", "--below", "50", stdout=out)
    call_command("survey_remind", "--below", "50", stdout=out)
    assert out.getvalue().splitlines() == ["1 station(s) reminded", "0 station(s) reminded"]
    assert Notification.objects.filter(recipient=account).count() == 1


def test_the_questionnaire_messages_are_in_the_catalogue():
    from django.utils import translation

    from kexie.questionnaire import MESSAGES
    from kexie.surveys.questionnaire_messages import MESSAGES as LISTED

    assert LISTED == MESSAGES
    with translation.override("zh-hans"):
        untranslated = [m for m in MESSAGES.values() if translation.gettext(m) == m]
    assert untranslated == []
