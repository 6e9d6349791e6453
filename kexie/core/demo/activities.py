"""Activities in the demo: the national science-popularisation day (全国科普日) of the demo year,
launched by 中国科协, with held activities at every level of the Henan branch of the tree — the
national main event, 河南省科协's provincial one, 郑州市科协's and 中牟县科协's events in schools and
villages (one still planned, which the rollups leave out) — and, outside the campaign, 中国电子学会's
academic annual conference and a 学会大讲堂 lecture. Recorded through the activity services by the
demo's clerks; titles, places and figures are written for the project. Idempotent: an activity (or
campaign) whose title exists is left alone.
"""

import datetime as dt

from kexie.activities import services
from kexie.activities.models import Activity, ActivityCampaign

_CAST = ("中国科学技术协会",)
_HENAN = _CAST + ("河南省科学技术协会",)
_ZHENGZHOU = _HENAN + ("郑州市科学技术协会",)
_ZHONGMU = _ZHENGZHOU + ("中牟县科学技术协会",)
_SOCIETY = _CAST + ("中国电子学会",)

# (host path, recording user, kind, setting, in the campaign?, title, place, region, day of the
#  campaign week (0 = its first day) or a (month, day), days, audience, online views, S&T workers,
#  held?, outputs)
ACTIVITIES = [
    (_CAST, "national_clerk", "popsci", "", True, "全国科普日主场活动", "北京·中国科学技术馆", "110105", 0, 3, 18000,
     520000, 260, True, "发布年度科普主题，组织互动展区与院士科普报告。"),
    (_HENAN, "provincial_clerk", "popsci", "community", True, "河南省科普日主场：科技点亮生活", "郑州市紫荆山公园",
     "410105", 1, 2, 6500, 86000, 120, True, "设置科普展位40个，发放科普读物3000册。"),
    (_ZHENGZHOU, "provincial_clerk", "popsci", "school", True, "郑州市科学家进校园报告会", "郑州市第十一中学",
     "410102", 2, 1, 1200, None, 18, True, "组织12场校园科普报告，建立两个校园科普角。"),
    (_ZHONGMU, "county_clerk", "popsci", "village", True, "中牟县科技助农大集", "中牟县官渡镇文化广场", "410122", 3, 1,
     800, None, 15, True, "现场解答大蒜种植技术问题60余个，发放明白纸1500份。"),
    (_ZHONGMU, "county_clerk", "popsci", "community", True, "中牟县应急科普进社区", "中牟县城关镇建设路社区",
     "410122", 5, 1, 0, None, 6, False, ""),
    (_SOCIETY, "society_secretary", "conference", "", False, "中国电子学会学术年会", "郑州国际会展中心", "410100",
     (6, 12), 2, 1500, 30000, 420, True, "收录论文260篇，设立8个分论坛，发布年度十大技术进展。"),
    (_SOCIETY, "society_secretary", "lecture", "online", False, "学会大讲堂：芯片设计的下一个十年",
     "线上直播", "", (4, 18), 1, 300, 45000, 3, True, "形成讲座视频与图文纪要各一份。"),
]


def _year(calendar) -> int:
    """The demo's science day: this year's once held (it falls in the third week of September),
    else last year's."""
    today = calendar.today
    return today.year if today >= dt.date(today.year, 9, 30) else today.year - 1


def ensure_demo_activities(*, organization_at, user_named, calendar) -> bool:
    """Create the demo's activities (and the registrations of one) when missing; True when
    something was created."""
    created = _ensure_activities(organization_at=organization_at, user_named=user_named, calendar=calendar)
    created = ensure_demo_abstracts(user_named=user_named) or created
    return ensure_demo_registrations(user_named=user_named) or created


def _ensure_activities(*, organization_at, user_named, calendar) -> bool:
    missing = [row for row in ACTIVITIES if not Activity.objects.filter(title=row[5]).exists()]
    if not missing:
        return False
    # A later run (another day, another year) keeps the campaign first loaded.
    campaign = ActivityCampaign.objects.filter(organization=organization_at(_CAST), kind="science_day",
                                               name__endswith="年全国科普日").order_by("pk").first()
    year = campaign.year if campaign is not None else _year(calendar)
    starts = campaign.starts_on if campaign is not None and campaign.starts_on else dt.date(year, 9, 16)
    if campaign is None:
        campaign = services.campaign_create(by=user_named("national_clerk"), organization=organization_at(_CAST),
                                            data={"name": f"{year}年全国科普日", "kind": "science_day", "year": year,
                                                  "starts_on": starts, "ends_on": starts + dt.timedelta(days=6)})
    for (path, username, kind, setting, in_campaign, title, place, region, day, days, audience, views, staff, held,
         outputs) in missing:
        first = starts + dt.timedelta(days=day) if isinstance(day, int) else dt.date(year, *day)
        services.activity_create(by=user_named(username), organization=organization_at(path),
                                 status="held" if held else "planned", data={
                                     "kind": kind, "setting": setting, "campaign": campaign if in_campaign else None,
                                     "title": title, "place": place, "region_code": region, "starts_on": first,
                                     "ends_on": first + dt.timedelta(days=days - 1), "audience": audience,
                                     "online_views": views, "staff_involved": staff, "outputs": outputs})
    return True


# Registration and check-in on 中牟县's planned community event: registered by the county's clerk on
# the residents' behalf (names, units and numbers written for the demo), three of them checked in
# at the door, one ticked on the printed list, the last two on the waiting list.
REGISTRATION_ON = "中牟县应急科普进社区"
REGISTRANTS = [
    ("刘建国", "城关镇建设路社区居委会", "13803710001", "scan"),
    ("王秀兰", "城关镇建设路社区居委会", "13803710002", "scan"),
    ("张志强", "中牟县第一中学", "13803710003", "scan"),
    ("李桂芳", "中牟县人民医院", "13803710004", "list"),
    ("赵明", "中牟县消防救援大队", "13803710005", ""),
    ("陈晓燕", "城关镇建设路社区居委会", "13803710006", ""),
    ("孙卫东", "中牟县应急管理局", "13803710007", ""),
    ("周丽", "中牟县第一中学", "13803710008", ""),
]
CAPACITY = 6


def ensure_demo_registrations(*, user_named) -> bool:
    """Open registration on the planned community event and register, check in and wait-list the
    demo's residents; True when something was created (nothing when registrations exist)."""
    import datetime as dt_

    from django.utils import timezone

    from kexie.activities import registration
    from kexie.activities.models import Registration

    activity = Activity.objects.filter(title=REGISTRATION_ON).first()
    if activity is None or Registration.objects.filter(activity=activity).exists():
        return False
    clerk = user_named("county_clerk")
    registration.registration_settings(by=clerk, activity=activity, open=True, capacity=CAPACITY,
                                       closes_on=activity.starts_on)
    door = timezone.make_aware(dt_.datetime.combine(activity.starts_on, dt_.time(9, 0)))
    for n, (name, unit, mobile, came) in enumerate(REGISTRANTS):
        r = registration.register_for(by=clerk, activity=activity, name=name, unit=unit, mobile=mobile)
        if came == "scan":
            registration.check_in(by=clerk, activity=activity, code=r.ticket, at=door + dt_.timedelta(minutes=3 * n))
        elif came == "list":
            registration.check_in_list(by=clerk, activity=activity, registration_ids=[r.pk])
    return True


# The call for abstracts of 中国电子学会's annual conference: opened by the society's secretariat
# some three months before it, three abstracts submitted by S&T workers from their own accounts
# (the first with the demo password and a person record of the society, so that one can sign in
# and see 「我的论文摘要」), then sent by the national office to review on the panels engine — a round
# being prepared, its three abstracts under review. Titles, authors and abstracts are written for
# the demo.
ABSTRACTS_ON = "中国电子学会学术年会"
AUTHOR_ADDRESS = "author@kexie.example.cn"
ABSTRACT_TOPICS = ["集成电路与芯片设计", "人工智能与智能计算", "新一代通信网络", "电子测量与仪器"]
ABSTRACTS = [
    (AUTHOR_ADDRESS, "林书远", "郑州大学", "面向存算一体架构的低功耗神经网络加速器设计", "林书远（郑州大学）、周亦凡（郑州大学）",
     "集成电路与芯片设计", "针对端侧设备的推理能耗问题，提出一种基于静态随机存储器阵列的存算一体加速器结构，"
     "以位串行方式完成乘累加运算，在28纳米工艺下实测能效较传统架构提高约3倍。"),
    ("author2@kexie.example.cn", "韩若溪", "中原电子技术研究所", "毫米波相控阵天线的快速波束赋形方法",
     "韩若溪（中原电子技术研究所）、马骁（中原电子技术研究所）", "新一代通信网络",
     "提出一种基于码本分层搜索的毫米波波束赋形算法，将波束对准所需的训练开销降低至穷举搜索的十分之一，"
     "并在64单元相控阵样机上完成验证。"),
    ("author3@kexie.example.cn", "邓启明", "国网河南省电力公司电力科学研究院", "基于深度学习的变电设备红外图像缺陷识别",
     "邓启明（国网河南省电力公司电力科学研究院）", "人工智能与智能计算",
     "构建包含1.2万张标注图像的变电设备红外数据集，提出融合温度先验的缺陷检测网络，"
     "在现场巡检数据上的识别准确率达到94.6%。"),
]


def ensure_demo_abstracts(*, user_named) -> bool:
    """Open the annual conference's call for abstracts, submit the demo's abstracts and send them
    to review; True when something was created (nothing once the conference has its call)."""
    from kexie.accounts.models import User
    from kexie.accounts.public import _create_external
    from kexie.activities import abstracts
    from kexie.activities.models import AbstractCall
    from kexie.people import services as people_services

    from .data import DEMO_PASSWORD

    conference = Activity.objects.filter(title=ABSTRACTS_ON).first()
    if conference is None or AbstractCall.objects.filter(activity=conference).exists():
        return False
    secretary, boss = user_named("society_secretary"), user_named("national_clerk")
    call = abstracts.call_open(by=secretary, activity=conference, data={
        "opens_on": conference.starts_on - dt.timedelta(days=100),
        "closes_on": conference.starts_on - dt.timedelta(days=21), "topics": "\n".join(ABSTRACT_TOPICS)})
    for n, (address, name, unit, title, authors, topic, text) in enumerate(ABSTRACTS):
        account = User.objects.filter(username=address).first() or _create_external(
            address=address, full_name=name, password=DEMO_PASSWORD, how="demo")
        if n == 0 and not _has_person(account):
            person = people_services.person_create(by=boss, organization=conference.organization,
                                                   data={"name": name}, positions=[{"unit_name": unit}])
            people_services.person_link_account(by=boss, person=person, address=address)
        abstracts.submission_submit_mine(by=account, call=call, today=call.opens_on + dt.timedelta(days=20 + n * 9),
                                         data={"title": title, "authors": authors, "topic": topic, "abstract": text})
    abstracts.review_send(by=boss, call=call, data={"title": f"{ABSTRACTS_ON}论文摘要评审"})
    return True


def _has_person(account) -> bool:
    from kexie.people.models import Person

    return Person.objects.filter(account=account).exists()
