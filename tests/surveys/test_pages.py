"""The survey pages: stations in scope (another province's are 404), a round's page with its
completion and rollup, the responses export without any identity column, the codes export, and
the public answering pages (code, questionnaire with skip logic, thank-you, a reused code refused)."""

import io

import openpyxl
from django.core.cache import cache
from django.urls import reverse

from kexie.accounts.home import home_for
from kexie.people.models import Person
from kexie.surveys.models import Response, ResponseCode, StationReport, SurveyStation
from tests.surveys.helpers import answer, codes, station, survey_round


def _sheet(response):
    assert response.status_code == 200
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_stations_in_scope_and_404_outside(world, signed_in):
    mine = station(world, org=world.county_a, name="甲县乡镇调查站点", kind="grassroots")
    other = station(world, org=world.prov_b, name="乙省医院调查站点", kind="health")
    province = signed_in(world.provincial_clerk)
    page = province.get(reverse("surveys:list")).content.decode()
    assert mine.name in page and other.name not in page
    assert province.get(reverse("surveys:detail", args=[mine.pk])).status_code == 200
    assert province.get(reverse("surveys:detail", args=[other.pk])).status_code == 404
    assert province.get(reverse("surveys:edit", args=[other.pk])).status_code == 404


def test_register_a_station_with_investigators_and_file_a_report(world, signed_in):
    person = Person.objects.create(organization=world.prov_a, name="赵调查")
    province = signed_in(world.provincial_clerk)
    response = province.post(reverse("surveys:create"), {
        "organization": world.city_a.pk, "name": "甲市企业调查站点", "kind": "enterprise", "host_unit": "甲市某科技公司",
        "investigators": [person.pk], "active": "on"})
    made = SurveyStation.objects.get(name="甲市企业调查站点")
    assert response.status_code == 302 and list(made.investigators.all()) == [person]
    bad = province.post(reverse("surveys:create"), {"organization": world.city_a.pk, "name": "x", "kind": "enterprise",
                                                    "host_unit": "y", "region_code": "41"})
    assert bad.status_code == 400 and "六位数字" in bad.content.decode()
    filed = province.post(reverse("surveys:report", args=[made.pk]), {
        "period": "2026年上半年", "respondents_reached": 80, "activities_held": 2, "notes": "开展座谈"})
    assert filed.status_code == 302 and StationReport.objects.filter(station=made).count() == 1
    page = province.get(reverse("surveys:detail", args=[made.pk])).content.decode()
    assert "2026年上半年" in page and "赵调查" in page


def test_the_round_page_shows_completion_and_the_rollup(world, signed_in):
    city = station(world, org=world.city_a, name="甲市站")
    other = station(world, org=world.prov_b, name="乙省站")
    made = survey_round(world, stations=[(city, 4), (other, 2)])
    answer(codes(world, made, city, n=1)[0])
    page = signed_in(world.provincial_clerk).get(reverse("surveys:round_detail", args=[made.pk])).content.decode()
    assert "甲市站" in page and "乙省站" not in page and "25%" in page
    assert 'id="rollup-%d"' % world.city_a.pk in page


def test_the_export_has_one_column_per_question_and_no_identity(world, signed_in):
    one = station(world, name="甲大学站")
    other = station(world, org=world.prov_b, name="乙省站")
    made = survey_round(world, stations=[(one, 5), (other, 5)])
    code = codes(world, made, one, n=1)[0]
    ResponseCode.objects.filter(code=code).update(handed_to="物理学院张老师")
    answer(code, unit="ent", rd="yes", pressure="4", needs=["train", "talk"], advice="多办交流活动")
    answer(codes(world, made, other, n=1)[0])
    rows = _sheet(signed_in(world.provincial_clerk).get(reverse("surveys:round_export", args=[made.pk])))
    header = [str(cell) for cell in rows[0]]
    assert header[:4] == ["站点", "站点类型", "地区代码", "所属组织"]
    assert [h.split(" ")[0] for h in header[5:]] == ["unit", "rd", "pressure", "needs", "advice"]
    joined = " ".join(header)
    for word in ("填答码", "code", "姓名", "name", "账号", "account", "用户", "IP", "发放"):
        assert word not in joined
    assert len(rows) == 2  # the other province's response is outside the clerk's scope
    assert rows[1][:2] == ("甲大学站", "高校") and rows[1][5:] == ("企业", "是", "4", "继续教育培训；学术交流", "多办交流活动")
    values = " ".join(str(v) for v in rows[1])
    assert code not in values and "张老师" not in values


def test_the_codes_export_for_the_investigator(world, signed_in):
    one = station(world)
    made = survey_round(world, stations=[(one, 5)])
    values = codes(world, made, one, n=3)
    participation = made.participations.get()
    province = signed_in(world.provincial_clerk)
    hand = province.post(reverse("surveys:code_hand_out", args=[participation.pk]), {
        "code": ResponseCode.objects.get(code=values[0]).pk, "handed_to": "化学院"})
    assert hand.status_code == 302
    rows = _sheet(province.get(reverse("surveys:codes_export", args=[participation.pk])))
    assert rows[0][:4] == ("填答码", "调查", "站点", "发放对象")
    assert sorted(r[0] for r in rows[1:4]) == sorted(values)
    assert ("化学院" in [r[3] for r in rows[1:4]])
    generated = province.post(reverse("surveys:codes_generate", args=[participation.pk]), {"count": 5})
    assert generated.status_code == 302 and participation.codes.count() == 8


def _answer_page(client, code):
    return client.post(reverse("surveys:answer"), {"code": code})


def test_a_respondent_answers_by_code_and_the_code_is_then_refused(world, client):
    cache.clear()
    one = station(world)
    made = survey_round(world, stations=[(one, 5)])
    code = codes(world, made, one, n=1)[0]
    first = client.get(reverse("surveys:answer"))
    assert first.status_code == 200 and "填答码" in first.content.decode()
    page = _answer_page(client, code.lower())
    assert page.status_code == 200
    body = page.content.decode()
    assert "您的工作单位类型" in body and 'id="question-rd" hidden' in body
    # The follow-up question is required once its gate says so: the server is the authority.
    missing = client.post(reverse("surveys:answer"), {"code": code, "step": "answers", "q_unit": "ent",
                                                      "q_pressure": "3"})
    assert missing.status_code == 400 and "请回答此题" in missing.content.decode()
    assert 'id="question-rd" hidden' not in missing.content.decode()
    done = client.post(reverse("surveys:answer"), {"code": code, "step": "answers", "q_unit": "ent", "q_rd": "no",
                                                   "q_pressure": "3", "q_needs": ["talk"]})
    assert done.status_code == 302 and done["Location"] == reverse("surveys:answer_done")
    assert Response.objects.get().answers == {"unit": "ent", "rd": "no", "pressure": 3, "needs": ["talk"]}
    again = _answer_page(client, code)
    assert again.status_code == 400 and "该填答码已使用" in again.content.decode()
    twice = client.post(reverse("surveys:answer"), {"code": code, "step": "answers", "q_unit": "uni",
                                                    "q_pressure": "3"})
    assert twice.status_code == 400 and Response.objects.count() == 1


def test_the_answer_form_takes_no_undeclared_field(world, client):
    cache.clear()
    one = station(world)
    made = survey_round(world, stations=[(one, 5)])
    code = codes(world, made, one, n=1)[0]
    sneaky = client.post(reverse("surveys:answer"), {"code": code, "step": "answers", "q_unit": "uni",
                                                     "q_pressure": "3", "phone": "13800000000"})
    assert sneaky.status_code == 400 and not Response.objects.exists()


def test_the_answer_page_is_rate_limited(world, client):
    cache.clear()
    statuses = {client.post(reverse("surveys:answer"), {"code": "AAAAAAAA"}).status_code for _i in range(21)}
    assert 429 in statuses
    cache.clear()


def test_the_home_section_shows_an_investigators_open_rounds(world):
    from kexie.accounts.models import User

    account = User.objects.create_user(username="wang.inv@example.cn", password="x-Very-long-1", kind="external")
    person = Person.objects.create(organization=world.prov_a, name="王调查", account=account)
    one = station(world, investigators=[person], name="甲大学站")
    station(world, name="别的站")
    made = survey_round(world, stations=[(one, 4)])
    answer(codes(world, made, one, n=2)[0])
    sections = {s["section"].key: s for s in home_for(account)}
    items = sections["surveys"]["items"]
    assert len(items) == 1 and "甲大学站" in items[0].title and "25%" in items[0].status
    stranger = User.objects.create_user(username="li@example.cn", password="x-Very-long-1", kind="external")
    assert "surveys" not in {s["section"].key for s in home_for(stranger)}


def test_the_api_lists_stations_and_rounds_with_completion_in_scope(world, signed_in):
    mine = station(world, org=world.city_a, name="甲市站")
    other = station(world, org=world.prov_b, name="乙省站")
    made = survey_round(world, stations=[(mine, 4), (other, 2)])
    answer(codes(world, made, mine, n=1)[0])
    province = signed_in(world.provincial_clerk)
    names = [row["name"] for row in province.get(reverse("api:surveystation-list")).json()["results"]]
    assert names == ["甲市站"]
    assert province.get(reverse("api:surveystation-detail", args=[other.pk])).status_code == 404
    body = province.get(reverse("api:surveyround-detail", args=[made.pk])).json()
    assert body["completion"] == [{"station": mine.pk, "station_name": "甲市站", "quota": 4, "responses": 1,
                                   "percent": 25}]
    national = signed_in(world.national_clerk).get(reverse("api:surveyround-list")).json()["results"]
    assert len(national[0]["completion"]) == 2


def test_launch_a_round_on_its_page_add_stations_and_open_it(world, signed_in):
    import json

    from kexie.surveys.models import SurveyRound
    from tests.surveys.helpers import DEFN

    one = station(world, org=world.city_a, name="甲市站")
    province = signed_in(world.provincial_clerk)
    data = {"organization": world.prov_a.pk, "title": "甲省科技工作者调查", "year": 2026, "opens_on": "2026-01-01",
            "closes_on": "2099-12-31"}
    bad = province.post(reverse("surveys:round_create"), {**data, "definition": json.dumps(
        {"questions": [{**DEFN["questions"][1]}]})})
    assert bad.status_code == 400 and "但问卷中没有这道题" in bad.content.decode()
    assert province.post(reverse("surveys:round_create"), {**data, "definition": "{"}).status_code == 400
    made = province.post(reverse("surveys:round_create"), {**data, "definition": json.dumps(DEFN)})
    assert made.status_code == 302
    survey_round = SurveyRound.objects.get(title="甲省科技工作者调查")
    early = province.post(reverse("surveys:round_status", args=[survey_round.pk]), {"status": "open"})
    assert early.status_code == 400 and "请先添加参与站点" in early.content.decode()
    added = province.post(reverse("surveys:round_station", args=[survey_round.pk]), {"station": one.pk, "quota": 20})
    assert added.status_code == 302
    opened = province.post(reverse("surveys:round_status", args=[survey_round.pk]), {"status": "open"})
    assert opened.status_code == 302
    survey_round.refresh_from_db()
    assert survey_round.status == "open" and survey_round.participations.get().quota == 20
    # Another province's clerk does not see the round.
    assert signed_in(world.other_provincial_clerk).get(
        reverse("surveys:round_detail", args=[survey_round.pk])).status_code == 404


def test_an_investigator_sees_and_exports_only_the_codes_of_their_stations(world, signed_in):
    from tests.personas import make_external

    account = make_external("inv@example.cn", full_name="钱调查")
    person = Person.objects.create(organization=world.prov_a, name="钱调查", account=account)
    mine, other = station(world, investigators=[person], name="我的站"), station(world, name="别人的站")
    made = survey_round(world, stations=[(mine, 5), (other, 5)])
    my_codes, other_codes = codes(world, made, mine, n=2), codes(world, made, other, n=2)
    answer(my_codes[0])
    client = signed_in(account)
    response = client.get(reverse("surveys:mine"))
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = response.content.decode()
    assert "我的站" in page and "别人的站" not in page and my_codes[1] in page and my_codes[0] not in page
    assert other_codes[0] not in page
    rows = _sheet(client.get(reverse("surveys:my_codes_export", args=[made.participations.get(station=mine).pk])))
    assert sorted(r[0] for r in rows[1:3]) == sorted(my_codes)
    assert client.get(reverse("surveys:my_codes_export", args=[made.participations.get(station=other).pk])) \
        .status_code == 404
    # The external menu offers the page to an account linked to a person record.
    assert 'href="%s"' % reverse("surveys:mine") in client.get(reverse("accounts:me")).content.decode()


def test_the_round_page_drills_down_the_tree(world, signed_in):
    city = station(world, org=world.city_a, name="甲市站")
    county = station(world, org=world.county_a, name="甲县站")
    made = survey_round(world, stations=[(city, 4), (county, 2)])
    answer(codes(world, made, county, n=1)[0])
    province = signed_in(world.provincial_clerk)
    url = reverse("surveys:round_detail", args=[made.pk])
    page = province.get(url, {"org": world.city_a.pk}).content.decode()
    assert 'id="rollup-%d"' % world.county_a.pk in page and "50%" in page
    # An organisation outside the clerk's scope is ignored: the rollup stays at the clerk's own.
    page = province.get(url, {"org": world.prov_b.pk}).content.decode()
    assert 'id="rollup-%d"' % world.city_a.pk in page
