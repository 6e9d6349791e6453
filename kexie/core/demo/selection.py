"""一流学会 selection and "四个一批" in the demo.

The four-batch rules are evaluated on the demo societies for the open report year as of the load
day, and the association decides on two of the flags. 中国科协 runs the load day's year's
一流学会建设遴选 (three places; :func:`round_title`): nine societies apply, the office enters
their final evaluation results of the open report year, four experts score the eligible ones —
one works for a society, one sits on another's council, one declares a conflict, so the ranking
shows 回避 — and the top three are on public notice from the day the demo is loaded, with one
objection received and not yet handled.

Its second batch (:func:`second_round_title`, two places) is under expert review: six societies
applied; 中国水产学会 (an open dormant flag) and 中国林学会 (its report of the open year not yet
accepted) did not pass the eligibility check and are not scored; three experts have scored, and the demo's expert (钱学林,
``review_expert``) has the eligible ones still to score. The four review experts are shared with
the evaluation demo (:func:`ensure_demo_experts`).

Idempotent: each round is built only when no demo round of its kind exists (of whatever year).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from .calendar import month_end, month_index


def round_title(year: int) -> str:
    """The selection round of ``year``, the year after the open report year."""
    return f"{year}年度一流学会建设遴选"


def second_round_title(year: int) -> str:
    """The second batch of the selection of ``year``, under expert review in the demo."""
    return f"{round_title(year)}（第二批）"


_CAST = ("中国科学技术协会",)
# society, final evaluation of the open report year (score, grade) as the office enters it
APPLICANTS = [
    ("中国机械工程学会", "90", "A"),
    ("中国药学会", "91.5", "A"),
    ("中国自动化学会", "88", "A"),
    ("中国物理学会", "86", "A"),
    ("中国通信学会", "84.5", "B"),
    ("中国化学会", "92.5", "A"),     # its latest annual inspection was only basically qualified
    ("中国计算机学会", "91", "A"),   # its latest report is not accepted yet
    ("中国天文学会", "81", "B"),     # its council term is overdue (an open flag)
    ("中国电子学会", "89", "A"),     # the demo secretary's; its latest report is still a draft
]
# society, rule, action, note ({year}: the open report year), deadline (months after the load day)
DECISIONS = [
    ("中国水产学会", "no_activity", "rectify", "{year}年度未开展学术和科普活动，责令限期整改并报送整改报告。", 3),
    ("中国灾害防御协会", "missed_inspection_or_report", "wind_up",
     "连续两年未参加年检、未报送年报且无法取得联系，拟按程序注销，报登记管理机关。", None),
]
SECRETARY_SOCIETY = "中国电子学会"
# username, name; the first one signs in as the demo's review expert (data.ACCOUNTS)
EXPERTS = [("review_expert", "钱学林"), ("expert_sun", "孙立平"), ("expert_he", "何振宇"), ("expert_xu", "徐海燕")]
WORKS_FOR = ("expert_sun", "中国机械工程学会")  # holds a position there: recused from it
DECLARES = ("expert_xu", "中国物理学会", "曾担任该学会学术委员会委员，申请回避。")
# The experts' scores: the society's base less or plus the expert's own leaning.
BASE_SCORE = {"中国机械工程学会": 91, "中国药学会": 90, "中国自动化学会": 89, "中国物理学会": 88, "中国通信学会": 86}
COUNCIL_SEAT = ("expert_he", "中国通信学会")  # the expert is on its current council
LEANING = {"review_expert": 1, "expert_sun": -2, "expert_he": 0, "expert_xu": 2}
# The second batch: society, final evaluation of the open report year (score, grade).
SECOND_APPLICANTS = [
    ("中国农学会", "90", "A"),
    ("中国地理学会", "88", "A"),
    ("中国数学会", "87", "A"),
    ("中国气象学会", "85", "A"),
    ("中国水产学会", "82", "B"),   # no activity in the open year: an open dormant flag
    ("中国林学会", "86", "A"),     # its report of the open year is submitted, not accepted yet
]
# Who has scored the second batch so far: the demo's expert has not.
SECOND_SCORERS = ("expert_sun", "expert_he", "expert_xu")


def _expert(username: str, full_name: str, organization, role) -> object:
    from kexie.accounts.models import User
    from kexie.accounts.services import user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        user, _temporary = user_create(by=None, username=username, full_name=full_name, organization=organization,
                                       roles=[role])
    return user


def ensure_demo_experts(*, organization_at) -> dict:
    """The four review experts of the demo (username -> user), created when missing, with the ties
    that make them recuse: one holds a position in a society, one sits on another's council."""
    from kexie.accounts.models import Position, Role
    from kexie.societies.models import BodyMember, SocietyProfile

    cast = organization_at(_CAST)
    role = Role.objects.get(code="evaluation_expert")
    info_center = organization_at(_CAST + ("信息中心",)) if cast.children.filter(name="信息中心").exists() else cast
    experts = {username: _expert(username, name, info_center, role) for username, name in EXPERTS}
    works_for = SocietyProfile.objects.filter(organization__parent=cast, organization__name=WORKS_FOR[1]).first()
    if works_for is not None:
        Position.objects.get_or_create(user=experts[WORKS_FOR[0]], organization=works_for.organization,
                                       defaults={"title": "常务理事"})
    # One expert is a member of a society's current council: the registry lists them by name.
    council_member = BodyMember.objects.filter(
        body__society__organization__parent=cast, body__society__organization__name=COUNCIL_SEAT[1],
        body__kind="council").order_by("-body__term_number", "position", "id").first()
    expert = experts[COUNCIL_SEAT[0]]
    if council_member is not None and expert.full_name != council_member.name:
        expert.full_name = council_member.name
        expert.save(update_fields=["full_name"])
    return experts


def ensure_demo_selection(*, organization_at, user_named, calendar) -> bool:
    """Compute the demo's four-batch flags and build the selection rounds that are missing;
    whether anything was built."""
    from kexie.selection.models import SelectionRound

    cast = organization_at(_CAST)
    year = calendar.report_year
    rounds = SelectionRound.objects.filter(organization=cast)
    built = False
    if not rounds.filter(title__endswith=round_title(year + 1)[4:]).exists():
        _first_round(organization_at=organization_at, user_named=user_named, calendar=calendar)
        built = True
    if not rounds.filter(title__endswith=second_round_title(year + 1)[4:]).exists():
        _second_round(organization_at=organization_at, user_named=user_named, calendar=calendar)
        built = True
    return built


def _profiles(cast, names) -> dict:
    from kexie.societies.models import SocietyProfile

    return {p.organization.name: p for p in SocietyProfile.objects.filter(
        organization__parent=cast, organization__name__in=names).select_related("organization")}


def _first_round(*, organization_at, user_named, calendar) -> None:
    from kexie.selection import services
    from kexie.selection.models import SocietyFlag
    from kexie.selection.rules import ensure_default_rules

    cast = organization_at(_CAST)
    year, today = calendar.report_year, calendar.today
    clerk = user_named("national_clerk")
    ensure_default_rules()
    services.flags_compute(year=year, today=today, by=clerk)
    for name, rule, action, note, months in DECISIONS:
        note = note.format(year=year)
        deadline = month_end(month_index(today) + months) if months else None
        flag = SocietyFlag.objects.filter(society__organization__parent=cast, society__organization__name=name,
                                          rule__code=rule, status="open").first()
        if flag is not None:
            services.flag_decide(by=clerk, flag=flag, action=action, note=note, deadline=deadline)

    profiles = _profiles(cast, [name for name, *_ in APPLICANTS])
    experts = ensure_demo_experts(organization_at=organization_at)

    selection_round = services.round_create(by=clerk, organization=cast, year=year + 1, title=round_title(year + 1),
                                            quota=3,
                                            min_score="80", inspection_years=2)
    for expert in experts.values():
        services.panel_add(by=clerk, selection_round=selection_round, expert=expert)
    services.round_open(by=clerk, selection_round=selection_round)
    applications = []
    secretary = user_named("society_secretary")
    for name, score, grade in APPLICANTS:
        profile = profiles.get(name)
        if profile is None:
            continue
        application = _apply(services, selection_round, profile, secretary if name == SECRETARY_SOCIETY else None)
        applications.append(services.application_set_evaluation(by=clerk, application=application,
                                                                score=Decimal(score), grade=grade))
    services.round_start_review(by=clerk, selection_round=selection_round)

    eligible = [a for a in applications if a.eligible]
    services.conflict_declare(by=experts[DECLARES[0]], application=next(
        (a for a in eligible if a.society.organization.name == DECLARES[1]), eligible[0]), reason=DECLARES[2])
    for username, leaning in LEANING.items():
        for application in eligible:
            base = BASE_SCORE.get(application.society.organization.name, 80)
            try:
                services.score_submit(by=experts[username], application=application, score=base + leaning)
            except ValidationError:
                pass  # a recused expert is refused, as on the scoring page
    # The notice cannot start before the real day (a demo dated in the past starts it then).
    starts_on = max(today, timezone.localdate())
    services.round_start_notice(by=clerk, selection_round=selection_round, starts_on=starts_on,
                                ends_on=starts_on + dt.timedelta(days=9))
    on_notice = selection_round.applications.filter(on_notice=True).order_by("id").last()
    if on_notice is not None:
        services.objection_record(by=clerk, application=on_notice, received_on=starts_on,
                                  text=f"来信反映该学会{year}年度部分学术会议参会人数统计有误，请予核查。")


def _second_round(*, organization_at, user_named, calendar) -> None:
    """The second batch, under expert review: the demo's expert has applications to score."""
    from kexie.selection import services

    cast = organization_at(_CAST)
    year = calendar.report_year
    clerk = user_named("national_clerk")
    profiles = _profiles(cast, [name for name, *_ in SECOND_APPLICANTS])
    experts = ensure_demo_experts(organization_at=organization_at)
    selection_round = services.round_create(by=clerk, organization=cast, year=year + 1,
                                            title=second_round_title(year + 1), quota=2, min_score="80",
                                            inspection_years=2)
    for expert in experts.values():
        services.panel_add(by=clerk, selection_round=selection_round, expert=expert)
    services.round_open(by=clerk, selection_round=selection_round)
    for name, score, grade in SECOND_APPLICANTS:
        profile = profiles.get(name)
        if profile is not None:
            services.application_set_evaluation(by=clerk, application=_apply(services, selection_round, profile, None),
                                                score=Decimal(score), grade=grade)
    services.round_start_review(by=clerk, selection_round=selection_round)
    for username in SECOND_SCORERS:
        for application in selection_round.applications.filter(eligible=True).select_related("society__organization"):
            base = BASE_SCORE.get(application.society.organization.name, 84)
            try:
                services.score_submit(by=experts[username], application=application,
                                      score=base + LEANING[username])
            except ValidationError:
                pass  # a recused expert is refused, as on the scoring page


def _apply(services, selection_round, profile, secretary):
    """The demo secretary applies for their society through the form's service; the other
    societies' applications were received on paper and are entered as they came."""
    from kexie.selection.models import Application

    statement = (f"{profile.organization.name}近三年围绕学术交流、科学普及、决策咨询和团体标准建设开展工作，"
                 "学术影响力和服务能力持续提升，现申报一流学会建设。")
    if secretary is not None:
        return services.application_submit(by=secretary, selection_round=selection_round, society=profile,
                                           statement=statement)
    return Application.objects.create(round=selection_round, society=profile, statement=statement)
