"""Stations and bases in the demo: a station of every type under 中国科协, 河南省科协 and its cities,
registered, staffed and reported through the station services.

Some meet the entry rules of their type and some fall short, with the experts, report figures and
demand records that make it so: 中国农学会原阳服务站 has three national-level experts (five are
needed) and six demands collected on the platform (ten; 中国电子学会郑州服务站 eleven, both recorded
by :func:`kexie.core.demo.demands.ensure_station_demands`); the 中原智库基地 one national-level
expert (two); 洛阳装备专家工作站 two experts (three); 官渡西瓜科技小院 is being set up with one expert
and no report yet; 栾川中药材科技小院 reported two activities (four); 嵩县科普教育基地 eight
activities and 600 people served (12 and 1000). Last year's reports of two stations are evaluated
on the station rubric (one 良好, one 合格). 官渡西瓜科技小院 was set up this year, which a plan target
"新建科技小院" counts.

Experts are the demo's person records (:mod:`kexie.core.demo.people`): those kept by 中国科协 serve
as national-level experts, those of 河南省科协 at provincial level. Station names, hosts and figures
are written for the project. Idempotent: a station whose name exists is left alone.
"""

import datetime as dt

from kexie.people.models import Person
from kexie.stations import services
from kexie.stations.models import Station

from .demands import ensure_station_demands

_CAST = ("中国科学技术协会",)
_HENAN = _CAST + ("河南省科学技术协会",)
_ZHENGZHOU = _HENAN + ("郑州市科学技术协会",)
_LUOYANG = _HENAN + ("洛阳市科学技术协会",)

# (organisation path, registering user, type, name, host unit, region, partner path, status,
#  established (years ago, or "this year"), national experts, provincial experts,
#  last year's report (demands, activities, people served) or None, reviewer's points or None)
STATIONS = [
    (_CAST, "national_clerk", "society_service", "中国电子学会郑州服务站", "郑州高新技术产业开发区管委会", "410100",
     _CAST + ("中国电子学会",), "operating", 2, 5, 1, (14, 9, 620), 8),
    (_CAST, "national_clerk", "society_service", "中国农学会原阳服务站", "原阳县农业农村局", "410725",
     _CAST + ("中国农学会",), "operating", 1, 3, 2, (6, 5, 380), None),
    (_CAST, "national_clerk", "haizhi", "中国科协海智计划河南工作站", "河南省科学院", "410100", None, "operating", 3,
     2, 2, (4, 3, 150), None),
    (_CAST, "national_clerk", "think_tank", "中原科技创新智库基地", "郑州理工大学", "410100", None, "operating", 2,
     1, 5, (2, 6, 240), None),
    (_HENAN, "provincial_clerk", "academician", "中原重机院士专家工作站", "中原重型机械股份有限公司", "410100", None,
     "operating", 3, 2, 4, (8, 12, 300), 9),
    (_HENAN, "provincial_clerk", "expert", "洛阳装备专家工作站", "洛阳装备研究所", "410300", None, "operating", 1,
     0, 2, (3, 4, 90), None),
    (_HENAN, "provincial_clerk", "popsci", "河南省科学技术馆科普教育基地", "河南省科学技术馆", "410100", None,
     "operating", 4, 0, 2, (0, 36, 52000), None),
    (_HENAN, "provincial_clerk", "society_work", "河南省农学会新乡学会工作站", "新乡市农业科学院", "410700",
     _HENAN + ("河南省农学会",), "operating", 2, 0, 3, (5, 6, 420), None),
    (_ZHENGZHOU, "provincial_clerk", "backyard", "中牟大蒜科技小院", "中牟县大蒜产业技术协会", "410122", None,
     "operating", 1, 0, 2, (9, 8, 260), None),
    (_ZHENGZHOU, "provincial_clerk", "backyard", "官渡西瓜科技小院", "官渡镇西瓜种植技术协会", "410122", None,
     "preparing", "this year", 0, 1, None, None),
    (_LUOYANG, "provincial_clerk", "backyard", "栾川中药材科技小院", "栾川县中药材种植技术协会", "410324", None,
     "operating", 1, 0, 2, (4, 2, 110), None),
    (_LUOYANG, "provincial_clerk", "popsci", "嵩县青少年科普教育基地", "嵩县第一高级中学", "410325", None,
     "operating", 2, 0, 1, (0, 8, 600), None),
]

ACHIEVEMENTS = "组织专家开展技术诊断和对接服务，举办培训与现场观摩，形成一批可推广的技术方案。"


def _established(calendar, ago) -> dt.date:
    today = calendar.today
    if ago == "this year":
        return max(dt.date(today.year, 1, 1), today - dt.timedelta(days=20))
    return dt.date(today.year - ago, 4, 18)


def ensure_demo_stations(*, organization_at, user_named, calendar) -> bool:
    """Create the demo's stations when missing; True when something was created."""
    missing = [row for row in STATIONS if not Station.objects.filter(name=row[3]).exists()]
    if not missing:
        return False
    national_pool = iter(Person.objects.current().filter(organization=organization_at(_CAST)).order_by("pk"))
    provincial_pool = iter(Person.objects.current().filter(organization=organization_at(_HENAN)).order_by("pk"))
    year = calendar.today.year - 1
    for (path, username, station_type, name, host, region, partner, status, ago, national, provincial, figures,
         judged) in missing:
        by = user_named(username)
        established = _established(calendar, ago)
        station = services.station_create(by=by, organization=organization_at(path), data={
            "type": station_type, "name": name, "host_unit": host, "region_code": region, "status": status,
            "partner_society": organization_at(partner) if partner else None, "established_on": established,
            "agreement_start": established, "agreement_end": established.replace(year=established.year + 3),
            "contact": "站点联络员"})
        for pool, level, count in ((national_pool, "national", national), (provincial_pool, "provincial", provincial)):
            for _n in range(count):
                services.expert_add(by=by, station=station, person=next(pool), level=level, role="进站专家",
                                    joined_on=established)
        if figures is not None:
            demands, activities, served = figures
            report = services.report_submit(by=by, station=station, year=year, data={
                "demands_collected": demands, "activities": activities, "people_served": served,
                "achievements": ACHIEVEMENTS})
            if judged is not None:
                services.report_evaluate(by=by, report=report, judged_scores={"achievements": judged})
        ensure_station_demands(station, calendar=calendar)
    _link_plan_targets(user_named("provincial_clerk"), organization_at(_HENAN))
    return True


def _link_plan_targets(clerk, henan) -> None:
    """The Henan plans' targets on stations (e.g. 新建市级科普教育基地15个) count from the registry:
    each is linked to the measure its wording suggests, as a clerk does on the task page."""
    from kexie.organizations.models import OrganizationClosure
    from kexie.plans import measures
    from kexie.plans import services as plan_services
    from kexie.plans.models import Target

    subtree = OrganizationClosure.objects.filter(ancestor=henan).values("descendant")
    for target in Target.objects.filter(item__plan__organization__in=subtree, measure=""):
        code = measures.suggest(target)
        if code.startswith("stations."):
            plan_services.target_set_measure(by=clerk, target_id=target.pk, measure=code)
