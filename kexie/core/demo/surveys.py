"""Survey stations in the demo: five stations of the Henan branch (a university, an institute, a
hospital and an enterprise under 河南省科协 and 郑州市科协, a township station under 中牟县科协) with
their investigators; the national round "2026年科技工作者状况调查" launched by 中国科协 with a short
questionnaire (one follow-up question shown only to those working in enterprises), each station's
quota, codes generated and some answered; one station's report. One investigator signs in with an
external account and sees the round of her station on her home page. Everything goes through the
survey services; the texts are written for the project.

Idempotent: each step looks for what it would create (stations and the round by name, codes and
answers per station) and leaves existing rows alone, on any later day too.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

_CAST = ("中国科学技术协会",)
_HENAN = _CAST + ("河南省科学技术协会",)
_ZHENGZHOU = _HENAN + ("郑州市科学技术协会",)
_ZHONGMU = _ZHENGZHOU + ("中牟县科学技术协会",)

ROUND_TITLE = "2026年科技工作者状况调查"
INVESTIGATOR_ADDRESS = "investigator@kexie.example.cn"

# (registered under, clerk, station name, kind, host unit, region, investigators, quota, answered)
STATIONS = [
    (_HENAN, "provincial_clerk", "郑州大学科技工作者状况调查站点", "university", "郑州大学", "410102",
     ["孙慧敏"], 40, 26),
    (_HENAN, "provincial_clerk", "河南省农业科学院调查站点", "institute", "河南省农业科学院", "410105",
     ["马立群"], 30, 12),
    (_ZHENGZHOU, "provincial_clerk", "郑州市中心医院调查站点", "health", "郑州市中心医院", "410102",
     ["高雅琴"], 25, 20),
    (_ZHENGZHOU, "provincial_clerk", "郑州高新区企业调查站点", "enterprise", "郑州高新技术产业开发区某智能装备公司",
     "410171", ["杜明哲"], 30, 7),
    (_ZHONGMU, "provincial_clerk", "中牟县官渡镇基层调查站点", "grassroots", "中牟县官渡镇农业服务中心", "410122",
     ["韩春燕"], 15, 3),
]

QUESTIONNAIRE = {"questions": [
    {"key": "unit", "kind": "single", "text": "您目前的工作单位属于哪一类？", "required": True,
     "options": [{"value": "uni", "label": "高等院校"}, {"value": "inst", "label": "科研院所"},
                 {"value": "hosp", "label": "医疗卫生机构"}, {"value": "ent", "label": "企业"},
                 {"value": "other", "label": "其他"}]},
    {"key": "rd_share", "kind": "single", "text": "您在企业中的工作有多大比例用于研发？", "required": True,
     "show_if": {"question": "unit", "in": ["ent"]},
     "options": [{"value": "low", "label": "不到三成"}, {"value": "mid", "label": "三成到七成"},
                 {"value": "high", "label": "七成以上"}]},
    {"key": "hours", "kind": "scale", "text": "您平均每周工作多少小时？", "min": 20, "max": 90, "required": True},
    {"key": "satisfaction", "kind": "scale", "text": "您对目前科研环境的总体满意度（1为很不满意，5为很满意）",
     "min": 1, "max": 5, "required": True},
    {"key": "burdens", "kind": "multiple", "text": "下列哪些事项占用您较多时间？（可多选）",
     "options": [{"value": "forms", "label": "填表报材料"}, {"value": "meetings", "label": "各类会议"},
                 {"value": "reimburse", "label": "经费报销"}, {"value": "evaluation", "label": "考核评价"}]},
    {"key": "needs", "kind": "multiple", "text": "您最希望科协组织提供哪些服务？（可多选）", "required": True,
     "options": [{"value": "exchange", "label": "学术交流"}, {"value": "training", "label": "继续教育"},
                 {"value": "rights", "label": "权益维护"}, {"value": "awards", "label": "人才举荐"}]},
    {"key": "advice", "kind": "text", "text": "您对改善科技工作者工作条件还有哪些建议？"},
]}

_UNITS = {"university": "uni", "institute": "inst", "health": "hosp", "enterprise": "ent", "grassroots": "other"}
_ADVICE = ["希望进一步减少各类填表和检查。", "建议增加青年科技人员的学术交流机会。", "", "希望简化科研经费报销流程。", ""]


def _answers(kind: str, n: int) -> dict:
    """A plausible set of answers, varied with ``n``."""
    unit = _UNITS[kind] if n % 4 else "other"
    answers = {"unit": unit, "hours": 40 + (n * 7) % 30, "satisfaction": 2 + n % 4,
               "burdens": [["forms", "meetings"], ["reimburse"], ["forms", "evaluation"], []][n % 4],
               "needs": [["exchange"], ["training", "rights"], ["exchange", "awards"]][n % 3]}
    if unit == "ent":
        answers["rd_share"] = ["low", "mid", "high"][n % 3]
    advice = _ADVICE[n % len(_ADVICE)]
    if advice:
        answers["advice"] = advice
    return answers


def ensure_demo_surveys(*, organization_at, calendar, user_named) -> bool:
    """Create the demo's stations, round, codes, answers and report when missing; True when
    something was created."""
    from kexie.people import services as people_services
    from kexie.people.models import Person
    from kexie.surveys import services
    from kexie.surveys.models import StationReport, SurveyRound, SurveyStation

    created = False
    national = user_named("national_clerk")
    stations = []
    with transaction.atomic():
        for path, clerk, name, kind, host, region, investigators, quota, answered in STATIONS:
            station = SurveyStation.objects.filter(name=name).first()
            if station is None:
                by, organization = user_named(clerk), organization_at(path)
                persons = []
                for person_name in investigators:
                    person = Person.objects.filter(name=person_name, organization=organization,
                                                   merged_into__isnull=True).first() or \
                        people_services.person_create(by=user_named("provincial_clerk"), organization=organization,
                                                      data={"name": person_name, "title": "调查员"})
                    persons.append(person)
                station = services.station_create(by=by, organization=organization, data={
                    "name": name, "kind": kind, "host_unit": host, "region_code": region,
                    "investigators": persons, "active": True})
                created = True
            stations.append((station, quota, answered))

        survey_round = SurveyRound.objects.filter(title=ROUND_TITLE).first()
        if survey_round is None:
            survey_round = services.round_create(by=national, organization=organization_at(_CAST), data={
                "title": ROUND_TITLE, "year": 2026, "definition": QUESTIONNAIRE,
                "opens_on": dt.date(2026, 3, 1), "closes_on": dt.date(2026, 12, 31)})
            created = True
        for station, quota, _answered in stations:
            if not survey_round.participations.filter(station=station).exists():
                services.round_set_station(by=national, survey_round=survey_round, station=station, quota=quota)
                created = True
        if survey_round.status == "draft":
            survey_round = services.round_set_status(by=national, survey_round=survey_round, status="open")
            created = True

        # Codes for every station, some handed out and answered within the round's dates.
        start = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
        for index, (station, quota, answered) in enumerate(stations):
            participation = survey_round.participations.get(station=station)
            if participation.codes.exists():
                continue
            clerk = user_named(STATIONS[index][1])
            codes = services.codes_generate(by=clerk, participation=participation, count=quota)
            for n, code in enumerate(codes[:answered]):
                answered_at = start + dt.timedelta(days=3 * n + index, hours=n % 8)
                services.code_hand_out(by=clerk, code=code, handed_to=f"{station.host_unit}第{n // 10 + 1}批",
                                       at=answered_at - dt.timedelta(days=1))
                services.response_submit(code=code.code, answers=_answers(station.kind, n), now=answered_at)
            created = True

        first = stations[0][0]
        if not StationReport.objects.filter(station=first, period="2026年上半年").exists():
            services.report_file(by=user_named("provincial_clerk"), station=first, data={
                "period": "2026年上半年", "respondents_reached": 180, "activities_held": 2,
                "notes": "在校内召开两次青年教师座谈会，介绍调查目的与匿名填答方式。"})
            created = True

    created = _ensure_investigator_account(first, user_named) or created
    return created


def _ensure_investigator_account(station, user_named) -> bool:
    """The demo investigator 孙慧敏 signs in with her own external account."""
    from kexie.accounts.models import User
    from kexie.accounts.public import _create_external
    from kexie.people import services as people_services

    from .data import DEMO_PASSWORD

    person = station.investigators.order_by("pk").first()
    if person is None or person.account_id:
        return False
    with transaction.atomic():
        account = User.objects.filter(username=INVESTIGATOR_ADDRESS).first() or _create_external(
            address=INVESTIGATOR_ADDRESS, full_name=person.name, password=DEMO_PASSWORD, how="demo")
        if hasattr(account, "person"):
            return False
        people_services.person_link_account(by=user_named("provincial_clerk"), person=person,
                                            address=INVESTIGATOR_ADDRESS)
    return True
