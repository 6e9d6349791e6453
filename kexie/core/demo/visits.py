"""Expert service teams and visits in the demo, logged by 河南省科协 through the visit services.

* 河南省农业科技服务团 (a 科技服务团 of experts in agronomy from the Henan library) went to
  中牟县 about garlic (its follow-up closed in time), to 栾川县 about medicinal herbs (its
  follow-up is past its date and still open: the overdue one) and to 原阳县 about rice (its
  follow-up not due yet).
* 河南省企业义诊专家团 (an enterprise clinic of engineering experts) saw two enterprises: an
  agricultural machinery maker near 新郑 (its follow-up closed, late) and a bearing works (no
  follow-up needed).
* The provincial clerk keeps in touch with three experts of the Henan library (联系服务制度);
  one of them has not been contacted within the cadence: the overdue contact.

The enterprises, problems and advice are written for the demo; no real company is meant.
Dates count back from the load day. Idempotent: built only when no demo team exists.
"""

import datetime as dt

from kexie.people.models import EntryStatus, ExpertEntry, ExpertLibrary
from kexie.visits import services
from kexie.visits.models import ServiceTeam

_HENAN = ("中国科学技术协会", "河南省科学技术协会")
_ZHENGZHOU = _HENAN + ("郑州市科学技术协会",)
_LUOYANG = _HENAN + ("洛阳市科学技术协会",)
_XINXIANG = _HENAN + ("新乡市科学技术协会",)
AGRI_TEAM = "河南省农业科技服务团"
CLINIC_TEAM = "河南省企业义诊专家团"


def _experts(library, discipline_prefixes: tuple[str, ...], count: int, *, skip=()) -> list:
    """``count`` active experts of the library in the disciplines, others when too few."""
    rows = list(ExpertEntry.objects.filter(library=library, status=EntryStatus.ACTIVE).select_related("person")
                .exclude(person__in=skip).order_by("pk"))
    chosen = [e.person for e in rows if any(str(c).startswith(discipline_prefixes) for c in e.person.disciplines)]
    chosen += [e.person for e in rows if e.person not in chosen]
    return chosen[:count]


def ensure_demo_visits(*, organization_at, user_named, calendar) -> bool:
    """Create the demo's visits when missing; True when something was created."""
    henan = organization_at(_HENAN)
    if ServiceTeam.objects.filter(organization=henan, name__in=[AGRI_TEAM, CLINIC_TEAM]).exists():
        return False
    clerk = user_named("provincial_clerk")
    today = calendar.today
    library = ExpertLibrary.objects.get(organization=henan)

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    agri = _experts(library, ("210", "180"), 4)
    team = services.team_create(by=clerk, organization=henan, data={
        "name": AGRI_TEAM, "kind": "service", "disciplines": ["210"], "industries": ["01", "05"],
        "mission": "围绕小麦、大蒜、中药材和稻米等特色产业，组织农业专家深入县域开展技术指导和培训，"
                   "帮助解决生产中的关键技术问题。",
        "starts_on": dt.date(today.year, 1, 1), "ends_on": dt.date(today.year, 12, 31)})
    for person, role in zip(agri, ("leader", "member", "member", "liaison")):
        services.member_add(by=clerk, team=team, person=person, role=role)

    def log(days, county_path, place, problem, advice, persons, *, team, enterprise="", due=None):
        """A visit ``days`` ago; its follow-up due ``due`` days ago (negative: still ahead), if any."""
        return services.visit_log(by=clerk, organization=henan, team=team, persons=persons, today=today, data={
            "date": ago(days), "place": place, "county": organization_at(county_path) if county_path else None,
            "enterprise": enterprise, "problem": problem, "advice": advice, "staff_present": "郑晓岚",
            "followup_owner": clerk if due is not None else None, "followup_due": ago(due) if due is not None else None})

    garlic = log(62, _ZHENGZHOU + ("中牟县科学技术协会",), "中牟县大蒜产业技术协会示范基地",
                 "大蒜连作多年，根腐病和蒜蛆危害加重，部分地块减产两成以上。",
                 "推行蒜麦轮作和土壤消毒，选用脱毒蒜种；在蒜蛆成虫期统一开展绿色防控，县农技站配合监测。",
                 agri[:3], team=team, due=32)
    services.followup_done(by=clerk, visit=garlic, done_on=ago(35), today=today,
                           outcome="县农技站已在三个乡镇建立轮作示范片，专家二次回访时根腐病发病率明显下降。")
    log(26, _LUOYANG + ("栾川县科学技术协会",), "栾川县中药材种植技术协会",
        "连翘、山茱萸种植户缺少规范化种植技术，采收和初加工方法不统一，药材品质不稳定。",
        "编写规范化种植和采收技术要点，联系省农科院开展一次集中培训，并对接初加工设备。",
        agri[1:4], team=team, due=6)
    log(9, _XINXIANG + ("原阳县科学技术协会",), "原阳县稻米产业园", "部分稻田盐碱化，优质稻品种推广缓慢。",
        "开展土壤检测，分区施用改良剂；引进两个耐盐碱优质稻品种开展对比试验。",
        [agri[0], agri[3]] if len(agri) > 3 else agri, team=team, enterprise="原阳县金穗米业有限公司", due=-21)

    engineers = _experts(library, ("460", "430"), 3, skip=agri)
    clinic = services.team_create(by=clerk, organization=henan, data={
        "name": CLINIC_TEAM, "kind": "clinic", "disciplines": ["460", "430"], "industries": ["34", "35"],
        "mission": "组织装备制造和材料领域专家走进中小企业，现场“问诊”工艺和质量难题，提出改进方案。",
        "starts_on": dt.date(today.year, 3, 1), "ends_on": dt.date(today.year, 12, 31)})
    for person, role in zip(engineers, ("leader", "member", "member")):
        services.member_add(by=clerk, team=clinic, person=person, role=role)
    machinery = log(41, _ZHENGZHOU + ("新郑市科学技术协会",), "新郑市龙湖镇",
                    "小型联合收割机液压系统故障率偏高，用户投诉集中在作业季。",
                    "更换密封件供应商并增加出厂前满负荷试验；建立作业季故障快速反馈机制。",
                    engineers[:2], team=clinic, enterprise="郑州恒达农机装备有限公司", due=20)
    services.followup_done(by=clerk, visit=machinery, done_on=ago(14), today=today,
                           outcome="企业已完成密封件替换和试验流程改造，作业季返修率下降约四成。")
    log(12, None, "洛阳市伊川县产业集聚区", "轴承套圈热处理后变形超差，废品率高。",
        "调整淬火工艺参数，增加回火工序的温度监控，建议与洛阳装备研究所开展联合攻关。",
        engineers[1:], team=clinic, enterprise="中原精工轴承有限公司")

    contacts = _experts(library, ("210", "460", "320"), 3, skip=agri[:1])
    for person, cadence, started, contacted, mode in (
            (contacts[0], 60, 150, (110, 70), "visit"),  # last contact 70 days ago, due every 60: overdue
            (contacts[1], 90, 120, (40,), "phone"),
            (contacts[2], 30, 45, (20, 5), "meeting")):
        duty = services.duty_create(by=clerk, organization=henan, person=person, owner=clerk, cadence_days=cadence,
                                    started_on=ago(started))
        for days in contacted:
            services.contact_log(by=clerk, duty=duty, date=ago(days), mode=mode, today=today,
                                 note="了解近期科研进展和服务需求，通报本会重点工作。")
    return True
