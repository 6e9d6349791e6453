"""Science and technology volunteers in the demo: 河南省科技志愿服务支队 with 郑州市's 大队 under it
and 中牟县's 队 under that, a few volunteers on person records, and three opportunities — the
science-day booth service tied to the Henan 科普日 demo activity (when it exists), a Zhengzhou youth
innovation contest, both served with check-in and check-out, and an upcoming farm-technology day in
中牟县 open for sign-up. The demo volunteer (external account :data:`VOLUNTEER_ADDRESS`, linked to
her person record) has check-in hours, one report approved and one awaiting approval; the demo
expert's account (when the awards demo made it) has hours too, so both home pages show the
section. Everything through the volunteer services. Idempotent: nothing is created once the
detachment exists."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from kexie.volunteers import services
from kexie.volunteers.models import Opportunity, VolunteerTeam

_CAST = ("中国科学技术协会",)
_HENAN = _CAST + ("河南省科学技术协会",)
_ZHENGZHOU = _HENAN + ("郑州市科学技术协会",)
_ZHONGMU = _ZHENGZHOU + ("中牟县科学技术协会",)

DETACHMENT = "河南省科技志愿服务支队"
# The demo volunteer's external account: signs up, reports hours and downloads the certificate.
VOLUNTEER_ADDRESS = "volunteer@kexie.example.cn"
EXPERT_ADDRESS = "expert@kexie.example.cn"

# (keeper, name, gender, professional title, skills, service areas)
VOLUNTEERS = [
    (_ZHENGZHOU, "刘晓梅", "female", "中学高级教师", "物理实验演示、青少年科技辅导", "校园科普、青少年科技创新"),
    (_ZHONGMU, "陈建国", "male", "农业技术推广研究员", "大蒜栽培、病虫害绿色防控", "科技助农"),
    (_HENAN, "杨帆", "male", "高级工程师", "人工智能科普、网络安全", "社区科普、应急科普"),
    (_ZHONGMU, "韩雪", "female", "主治医师", "急救技能培训、健康科普", "应急科普、卫生健康"),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _serve(clerk, opportunity, role, person, start, minutes):
    """Sign ``person`` up for ``role`` and check them in and out ``minutes`` apart."""
    signup = services.sign_up_add(by=clerk, opportunity=opportunity, role=role, person=person)
    after = opportunity.ends_at + dt.timedelta(days=1)
    services.check_in(by=clerk, signup=signup, at=start, now=after)
    services.check_out(by=clerk, signup=signup, at=start + dt.timedelta(minutes=minutes), now=after)
    return signup


def ensure_demo_volunteers(*, organization_at, calendar, user_named) -> bool:
    """Create the demo's volunteer teams, volunteers, opportunities and hours when missing; True
    when something was created."""
    if VolunteerTeam.objects.filter(name=DETACHMENT).exists():
        return False
    from kexie.accounts.models import User
    from kexie.accounts.public import _create_external
    from kexie.activities.models import Activity
    from kexie.people import services as people_services

    from .data import DEMO_PASSWORD

    province, county = user_named("provincial_clerk"), user_named("county_clerk")
    henan, zhengzhou, zhongmu = organization_at(_HENAN), organization_at(_ZHENGZHOU), organization_at(_ZHONGMU)
    today = calendar.today

    people = []
    for path, name, gender, title, skills, areas in VOLUNTEERS:
        person = people_services.person_create(by=province, organization=organization_at(path),
                                               data={"name": name, "gender": gender, "title": title})
        people.append((person, skills, areas))
    (liu, _s1, _a1), (chen, _s2, _a2), (yang, _s3, _a3), (han, _s4, _a4) = people

    detachment = services.team_create(by=province, organization=henan, data={
        "name": DETACHMENT, "level": "detachment", "leader": yang,
        "founded_on": dt.date(today.year - 3, 5, 30)})
    brigade = services.team_create(by=province, organization=zhengzhou, data={
        "name": "郑州市科技志愿服务大队", "level": "brigade", "parent": detachment, "leader": liu,
        "founded_on": dt.date(today.year - 2, 9, 15)})
    squad = services.team_create(by=county, organization=zhongmu, data={
        "name": "中牟县科技助农志愿服务队", "level": "squad", "leader": chen,
        "founded_on": dt.date(today.year - 1, 3, 12)})
    services.team_update(by=province, team=squad, data={
        "name": squad.name, "level": "squad", "parent": brigade, "leader": chen, "founded_on": squad.founded_on})
    joined = today - dt.timedelta(days=200)
    for team, (person, skills, areas) in [(detachment, people[2]), (brigade, people[0]), (squad, people[1]),
                                          (squad, people[3])]:
        services.member_add(by=province, team=team, person=person, joined_on=joined,
                            data={"skills": skills, "service_areas": areas})

    # The demo volunteer: 刘晓梅 signs in with her own external account.
    account = User.objects.filter(username=VOLUNTEER_ADDRESS).first() or _create_external(
        address=VOLUNTEER_ADDRESS, full_name=liu.name, password=DEMO_PASSWORD, how="demo")
    if not liu.account_id and not hasattr(account, "person"):
        people_services.person_link_account(by=province, person=liu, address=VOLUNTEER_ADDRESS)
    account = User.objects.get(pk=account.pk)
    expert = User.objects.filter(username=EXPERT_ADDRESS).first()
    expert_person = getattr(expert, "person", None) if expert is not None else None

    # The science-day booth service, tied to Henan's 科普日 main event when the activities demo made it.
    main_event = Activity.objects.filter(title="河南省科普日主场：科技点亮生活").first()
    day = main_event.starts_on if main_event is not None else today - dt.timedelta(days=40)
    science_day = services.opportunity_create(by=province, organization=henan, data={
        "title": "科普日主场活动展位讲解志愿服务", "team": detachment, "activity": main_event,
        "place": main_event.place if main_event is not None else "郑州市紫荆山公园",
        "description": "在科普日主场活动的人工智能、应急避险、健康生活展区为市民讲解展品，引导青少年参与互动实验。",
        "starts_at": _at(day, 8, 30), "ends_at": _at(day, 17, 30)}, roles=[("展区讲解员", 4), ("现场引导员", 2)])
    guide, usher = science_day.roles.order_by("pk")
    _serve(province, science_day, guide, liu, _at(day, 8, 40), 4 * 60 + 50)  # 4.8 h -> 5.0
    _serve(province, science_day, guide, yang, _at(day, 8, 30), 7 * 60 + 40)  # 7.7 h -> 7.5
    _serve(province, science_day, usher, han, _at(day, 13, 0), 3 * 60 + 20)  # 3.3 h -> 3.5
    if expert_person is not None and expert_person.merged_into_id is None:
        try:
            _serve(province, science_day, guide, expert_person, _at(day, 9, 0), 3 * 60)
        except ValidationError:  # an expert kept outside Henan's scope
            pass

    # The Zhengzhou youth innovation contest, three weeks ago.
    contest_day = today - dt.timedelta(days=21)
    contest = services.opportunity_create(by=province, organization=zhengzhou, data={
        "title": "郑州市青少年科技创新大赛现场服务", "team": brigade, "place": "郑州市科技馆",
        "description": "协助评审组织、作品布展和参赛学生引导。",
        "starts_at": _at(contest_day, 8, 0), "ends_at": _at(contest_day, 16, 0)}, roles=[("赛务志愿者", 6)])
    _serve(province, contest, contest.roles.get(), liu, _at(contest_day, 8, 0), 6 * 60 + 10)  # 6.2 h -> 6.0
    services.opportunity_set_status(by=province, opportunity=contest, status="closed")

    # 刘晓梅 reports two services given on her own: one approved, one awaiting approval.
    real_today = timezone.localdate()
    approved = services.hours_report(
        by=account, served_on=min(today - dt.timedelta(days=12), real_today), hours="2", team=brigade,
        note="在郑州市第十一中学为初二学生开设“家庭小实验”科普课一节并指导实验。")
    services.hours_decide(by=province, record=approved, approve=True)
    services.hours_report(by=account, served_on=min(today - dt.timedelta(days=3), real_today), hours="1.5",
                          team=brigade, note="线上为乡村学校科技辅导员答疑，讲解科技创新大赛申报要求。")

    # An upcoming farm-technology day in 中牟县, open for sign-up (after the real today, so it
    # stays on the board whatever day the story is loaded for).
    upcoming = max(today, real_today) + dt.timedelta(days=10)
    farm_day = services.opportunity_create(by=county, organization=zhongmu, data={
        "title": "科技助农志愿服务：大蒜病虫害绿色防控现场指导", "team": squad, "place": "中牟县官渡镇大蒜种植示范基地",
        "description": "到田间为种植户讲解大蒜叶枯病、蓟马的绿色防控措施，发放技术明白纸。",
        "starts_at": _at(upcoming, 8, 30), "ends_at": _at(upcoming, 12, 0)}, roles=[("技术指导员", 3), ("资料发放员", 2)])
    services.sign_up_add(by=county, opportunity=farm_day, role=farm_day.roles.order_by("pk").first(), person=chen)
    return Opportunity.objects.filter(team=detachment).exists()
