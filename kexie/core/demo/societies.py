"""The society registry in the demo: 30 societies and three years of annual reports.

The six societies of the organisation tree (中国电子学会 and the others) get a profile, and 24
more national societies are added under 中国科协, spread over the five discipline groups and
over sizes from a few hundred to tens of thousands of members. The registry (profiles, council
terms, journals, annual inspections, reachability) and the report rounds go through the society
services as the national reform office would enter them; the accepted reports of past years are
loaded in bulk, as historical records. The years are the three before the load day's (see
:attr:`~kexie.core.demo.calendar.DemoCalendar.report_year`); the latest round is still open: most
reports are accepted, a few wait for review, one was returned, and 中国电子学会's (the demo
secretary's) is a draft. Once its due date (31 March) has passed, one more came in late and waits
for the association's acceptance (:func:`late_filed_on`).

Some societies are given the facts the four-batch rules look for: one whose council term ran out
the year before the open one without re-election, one that reported no activity in the open year,
one with neither report nor annual inspection in the last two years that cannot be reached, and
one that is dormant.

Idempotent: when 中国电子学会 already has a profile nothing is done.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from kexie.organizations.models import Organization

_CAST = ("中国科学技术协会",)


def report_years(calendar) -> tuple[int, int, int]:
    """The three years of annual reports, the last one open for filing."""
    year = calendar.report_year
    return year - 2, year - 1, year


# name, discipline, individual members; the first six exist in the organisation tree already.
SOCIETIES = [
    ("中国电子学会", "engineering", 98000, _CAST),
    ("中国农学会", "agriculture", 46000, _CAST),
    ("中国药学会", "medicine", 120000, _CAST),
    ("河南省农学会", "agriculture", 3200, _CAST + ("河南省科学技术协会",)),
    ("浙江省电子学会", "engineering", 2600, _CAST + ("浙江省科学技术协会",)),
    ("四川省药学会", "medicine", 5400, _CAST + ("四川省科学技术协会",)),
    ("中国数学会", "science", 16000, None),
    ("中国物理学会", "science", 48000, None),
    ("中国化学会", "science", 150000, None),
    ("中国天文学会", "science", 3100, None),
    ("中国地理学会", "science", 25000, None),
    ("中国气象学会", "science", 22000, None),
    ("中国植物学会", "science", 12000, None),
    ("中国动物学会", "science", 10500, None),
    ("中国机械工程学会", "engineering", 180000, None),
    ("中国计算机学会", "engineering", 80000, None),
    ("中国自动化学会", "engineering", 60000, None),
    ("中国土木工程学会", "engineering", 70000, None),
    ("中国汽车工程学会", "engineering", 45000, None),
    ("中国通信学会", "engineering", 62000, None),
    ("中国林学会", "agriculture", 90000, None),
    ("中国水产学会", "agriculture", 14000, None),
    ("中国畜牧兽医学会", "agriculture", 52000, None),
    ("中国植物保护学会", "agriculture", 26000, None),
    ("中华护理学会", "medicine", 400, None),
    ("中华中医药学会", "medicine", 135000, None),
    ("中华预防医学会", "medicine", 88000, None),
    ("中国科学技术史学会", "interdisciplinary", 1500, None),
    ("中国系统工程学会", "interdisciplinary", 6800, None),
    ("中国灾害防御协会", "interdisciplinary", 350, None),
]
TERM_OVERDUE = "中国天文学会"       # council term ran out on 30 June of the year before the open one
NO_ACTIVITY = "中国水产学会"        # its accepted report of the open year has no activity at all
ZOMBIE = "中国灾害防御协会"          # no report nor inspection in the last two years, unreachable
DORMANT = "中国科学技术史学会"       # the organisation is dormant
# The reports of the open year that are not accepted yet.
RETURNED = "中国植物学会"
SUBMITTED = ("中国计算机学会", "中国林学会", "中华预防医学会")
DRAFT = "中国电子学会"
LATE = "中国系统工程学会"  # files the open year's report after the due date, when the load day is past it
POSTS = ("理事长", "副理事长", "副理事长", "秘书长")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国志明海燕晓东立新文华振宇秀英国平红梅永强玉兰德胜"


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _report_values(rng: random.Random, members: int, year: int, growth: int, *, idle: bool = False) -> dict:
    """One year's report figures; ``growth`` is the year's rank among the three (0, 1, 2)."""
    scale = max(members / 10000, 0.05) * (1 + growth * 0.08)
    events = 0 if idle else max(1, round(rng.uniform(4, 12) * scale ** 0.5))
    income = Decimal(round(rng.uniform(60, 140) * scale ** 0.6, 2)).quantize(Decimal("0.01"))
    return {
        "academic_events": events,
        "academic_participants": events * rng.randint(80, 400),
        "popsci_events": 0 if idle else rng.randint(1, 30),
        "popsci_audience": 0 if idle else rng.randint(2000, 200000),
        "consulting_projects": 0 if idle else rng.randint(0, 12),
        "policy_proposals": 0 if idle else rng.randint(0, 8),
        "proposals_adopted": 0 if idle else rng.randint(0, 3),
        "awards": rng.randint(0, 6),
        "journals_published": rng.randint(0, 4),
        "standards_drafted": 0 if idle else rng.randint(0, 10),
        "individual_members": round(members * (0.96 + growth * 0.02)),
        "group_members": max(5, members // rng.randint(300, 900)),
        "new_members": round(members * rng.uniform(0.01, 0.08)),
        "income": income,
        "expenditure": (income * Decimal(str(rng.uniform(0.8, 1.05)))).quantize(Decimal("0.01")),
        "council_meetings": 1 if not idle else 0,
        "standing_council_meetings": rng.randint(1, 4) if not idle else 0,
        "supervisory_meetings": rng.randint(1, 3) if not idle else 0,
        "narrative": f"{year}年度，学会围绕学术交流、科学普及和决策咨询开展工作。" if not idle
        else f"{year}年度未开展业务活动。",
    }


def _organization(name, path, organization_at, clerk) -> Organization:
    from kexie.societies.services import society_create

    from .loader import NATIONAL_REGION, demo_credit_code

    if path is not None:
        return organization_at(path + (name,))
    cast = organization_at(_CAST)
    existing = Organization.objects.filter(parent=cast, name=name).first()
    if existing is not None:
        return existing
    return society_create(by=clerk, parent=cast, name=name, kind="national_society", organization_fields={
        "credit_code": demo_credit_code(name=name, registration="51", region=NATIONAL_REGION)},
        profile={"discipline": "science"}).organization


def _filed_on(rng: random.Random, year: int, calendar) -> dt.date:
    """The day a report for ``year`` was filed: in March of the next year, or before the load day
    when that March has not come yet (the open round)."""
    day = dt.date(year + 1, 3, rng.randint(1, 28))
    return day if day < calendar.today else calendar.today - dt.timedelta(days=rng.randint(2, 12))


def late_filed_on(calendar) -> dt.date | None:
    """The day :data:`LATE` filed its report of the open year after the round's due date (31
    March), or None when the load day is not past the due date (no report is late yet)."""
    due = dt.date(calendar.report_year + 1, 3, 31)
    day = min(due + dt.timedelta(days=75), calendar.today - dt.timedelta(days=3))
    return day if day > due else None


def ensure_demo_societies(*, organization_at, user_named, calendar) -> int:
    """Build the society registry and reports unless 中国电子学会 has a profile; the number built."""
    from kexie.organizations.services import organization_set_status
    from kexie.societies import services
    from kexie.societies.models import AnnualReport, AnnualReportStatus, SocietyProfile

    if SocietyProfile.objects.filter(organization=organization_at(_CAST + (DRAFT,))).exists():
        return 0
    years = report_years(calendar)
    first, previous, open_year = years
    now = _at(calendar.today)
    rng = random.Random(2026)
    clerk, secretary = user_named("national_clerk"), user_named("society_secretary")
    cast = organization_at(_CAST)
    rounds = {}
    for year in years:
        rounds[(cast.pk, year)] = services.report_year_open(by=clerk, organization=cast, year=year,
                                                            due_on=dt.date(year + 1, 3, 31))
    profiles = {}
    for name, discipline, members, path in SOCIETIES:
        organization = _organization(name, path, organization_at, clerk)
        supervisor = organization.parent
        profiles[name] = services.profile_save(by=clerk, organization=organization, data={
            "discipline": discipline, "supervising_body": supervisor, "legal_status": "registered",
            "registered_on": dt.date(rng.randint(1980, 2005), rng.randint(1, 12), rng.randint(1, 28)),
            "registration_number": f"社证字第{rng.randint(1000, 9999)}号", "secretary_general": _person(rng),
            "secretary_general_full_time": members >= 5000 or rng.random() < 0.3,
            "secretary_general_appointed": rng.random() < 0.4,
            "secretariat_staff": max(2, members // 4000 + rng.randint(0, 6)),
            "individual_members": members, "group_members": max(5, members // rng.randint(300, 900)),
            "party_organization": "none" if name == ZOMBIE else rng.choice(["committee", "general_branch", "branch"]),
        })
        if path is not None and (supervisor.pk, open_year) not in rounds:
            for year in years:
                rounds[(supervisor.pk, year)] = services.report_year_open(
                    by=clerk, organization=supervisor, year=year, due_on=dt.date(year + 1, 3, 31))

    reports = []
    for name, _discipline, members, _path in SOCIETIES:
        profile = profiles[name]
        overdue = name == TERM_OVERDUE
        elected = (dt.date(previous - 5, 6, 30) if overdue
                   else dt.date(rng.randint(first - 1, previous), rng.randint(1, 12), 15))
        size = max(15, min(300, members // 300))
        services.body_term_create(
            by=clerk, society=profile, kind="council", term_number=rng.randint(5, 11), elected_on=elected,
            term_ends_on=elected.replace(year=elected.year + 5), size=size,
            members=[{"name": _person(rng), "post": post, "affiliation": "某大学"} for post in POSTS])
        if members >= 5000:
            services.body_term_create(by=clerk, society=profile, kind="supervisory_board", term_number=1,
                                      elected_on=elected, term_ends_on=elected.replace(year=elected.year + 5),
                                      size=3, members=[{"name": _person(rng), "post": "监事长"}])
        for index in range(rng.randint(0, 3) if members >= 3000 else 0):
            services.journal_save(by=clerk, society=profile, data={
                "title": f"{name.removesuffix('学会').removesuffix('协会')}{('学报', '通讯', '进展')[index]}",
                "indexed_in": rng.choice(["CSCD", "北大核心", "EI, CSCD", ""])})
        for year in years:
            if name == ZOMBIE and year >= previous:
                continue
            result = "basically_qualified" if rng.random() < 0.1 else "qualified"
            services.inspection_record(by=clerk, society=profile, year=year, result=result)
        for growth, year in enumerate(years):
            if name == ZOMBIE and year >= previous:
                continue
            if year == open_year and name in (DRAFT, RETURNED, *SUBMITTED):
                continue
            round_ = rounds[(profile.organization.parent_id, year)]
            submitted = _at(_filed_on(rng, year, calendar))
            reviewed = min(submitted + dt.timedelta(days=rng.randint(3, 20)), now)
            values = _report_values(rng, members, year, growth, idle=(name == NO_ACTIVITY and year == open_year))
            if year == open_year and name == LATE and late_filed_on(calendar) is not None:
                continue  # filed late, below (the figures drawn all the same, so the others stay as they are)
            reports.append(AnnualReport(
                society=profile, round=round_, year=year, status=AnnualReportStatus.ACCEPTED,
                submitted_at=submitted, reviewed_by=clerk, reviewed_at=reviewed, **values))
    AnnualReport.objects.bulk_create(reports)

    # The story of the open round, through the services.
    members_of = {name: members for name, _d, members, _p in SOCIETIES}
    services.report_save_draft(by=secretary, society=profiles[DRAFT], year=open_year, values={
        k: v for k, v in _report_values(rng, members_of[DRAFT], open_year, 2).items()
        if k in ("academic_events", "academic_participants", "popsci_events")})
    for name in (*SUBMITTED, RETURNED):
        report = AnnualReport.objects.create(
            society=profiles[name], round=rounds[(cast.pk, open_year)], year=open_year,
            status=AnnualReportStatus.SUBMITTED, submitted_at=_at(_filed_on(rng, open_year, calendar)),
            **_report_values(rng, members_of[name], open_year, 2))
        if name == RETURNED:
            services.report_return(by=clerk, report=report, reason="会员人数与上年相比变化较大，请核实后重新提交。",
                                   today=calendar.today)
    late_on = late_filed_on(calendar)
    if late_on is not None:
        AnnualReport.objects.create(
            society=profiles[LATE], round=rounds[(cast.pk, open_year)], year=open_year,
            status=AnnualReportStatus.SUBMITTED, submitted_at=_at(late_on), late=True,
            **_report_values(rng, members_of[LATE], open_year, 2))
    for year in (first, previous):
        services.report_year_close(by=clerk, report_year=rounds[(cast.pk, year)])

    services.society_set_reachable(by=clerk, society=profiles[ZOMBIE], reachable=False,
                                   since=dt.date(previous, 9, 1), note="登记地址和联系人均无法取得联系。")
    organization_set_status(by=clerk, organization=profiles[DORMANT].organization, status="dormant",
                            reason="连续两年未开展学术活动，理事会未按期换届前暂停活动。")
    return len(profiles)
