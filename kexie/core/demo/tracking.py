"""Progress tracking in the demo: a few months of reporting on the national key-tasks plan.

Everything goes through the tracking services, as the clerks would do it on the pages: monthly
cycles on the national plan, two national tasks handed down to the three provinces (and 河南's
share of one further down to two of its cities), reports filed and reviewed over April, May and
June, a deferral, a supervision notice with its reply, a leader's instruction, and at the end the
daily snapshot refresh. "Today" for all of it is :data:`DEMO_TODAY`, so the colours come out the
same on every run: a mix of green, amber and red, one task overdue, one report late, one returned.

Idempotent: when the national plan already has its reporting cycles nothing is done.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .plans import docx_bytes

# Mid-July 2026: the June cycle has closed and its reports were due on 5 July.
DEMO_TODAY = dt.date(2026, 7, 10)

_CAST = ("中国科学技术协会",)
_HENAN = _CAST + ("河南省科学技术协会",)
PROVINCES = ("河南省科学技术协会", "浙江省科学技术协会", "四川省科学技术协会")
NATIONAL_SOURCE = "national_key_tasks_2026.docx"

# Key of the national task -> (percent in April, May, June) filed by its lead department; None:
# no report that month. Accepted by the national reform office a few days after filing.
DEPARTMENT_REPORTS = {
    "2.1.1": (20, 35, 55),    # green
    "2.1.2": (None, 30, 50),  # deferred from 30 September to 30 November, then green
    "2.1.3": (None, None, 30),  # amber
    "2.2.2": (5, 8, 10),      # red: a supervision notice and an instruction
    "2.3.1": (None, 40, 60),
    "2.3.2": (None, None, 50),
    "2.3.3": (None, None, 45),
    "3.1": (None, None, 50),
    "3.2": (None, None, 48),
}
NARRATIVES = {
    "2.1.1": "已指导{n}家全国学会完成章程修订备案。",
    "2.1.2": "评估指标体系已印发，正在组织首批学会自评。",
    "2.1.3": "新刊申报评审已启动，入围名单待公示。",
    "2.2.2": "短视频征集工作进展较慢，平台改版尚未完成。",
}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def ensure_demo_tracking(*, organization_at, user_named) -> bool:
    """Build the tracking story unless the national plan already has cycles; True when built."""
    from kexie.plans.models import ItemStatus, Plan
    from kexie.tracking.models import ProgressReport, ReportingCycle
    from kexie.tracking.services import (
        cycles_schedule,
        deferral_approve,
        deferral_request,
        report_accept,
        report_return,
        report_submit,
        snapshots_refresh,
        task_cascade,
    )
    from kexie.tracking.supervision import instruction_add, supervision_issue, supervision_reply

    cast = organization_at(_CAST)
    plan = Plan.objects.filter(organization=cast, source_name=NATIONAL_SOURCE).first()
    if plan is None or ReportingCycle.objects.filter(plan=plan).exists():
        return False
    national, provincial = user_named("national_clerk"), user_named("provincial_clerk")
    cycles = {cycle.opens_on.month: cycle for cycle in cycles_schedule(by=national, plan=plan)}
    april, may, june = cycles[4], cycles[5], cycles[6]
    items = {item.key: item for item in plan.items.all()}

    def lead_of(item):
        return item.assignments.get(role="lead").organization

    def file(item, organization, cycle, percent, *, by, on, narrative="", actuals=None, progress=None,
             evidence=()):
        return report_submit(by=by, report=ProgressReport(
            item=item, organization=organization, cycle=cycle, percent=percent,
            progress=progress or (ItemStatus.IN_PROGRESS if percent else ItemStatus.NOT_STARTED),
            narrative=narrative), actuals=actuals, evidence=evidence, now=_at(on))

    # 1. Hand two tasks down in April: the county science museums to the three provinces with
    # their shares of the targets, the National Science Day to 河南 and 浙江.
    henan, zhejiang, sichuan = (organization_at(_CAST + (name,)) for name in PROVINCES)
    museums = items["2.2.1"]
    county_museums, tours = museums.targets.order_by("position")
    handed = task_cascade(by=national, item=museums, organizations=[henan, zhejiang, sichuan], today=dt.date(2026, 4, 2),
                          shares={henan: {county_museums: 8, tours: 80}, zhejiang: {county_museums: 6, tours: 60},
                                  sichuan: {county_museums: 6, tours: 60}})
    museum_child = {cascade.organization_id: cascade.child for cascade in handed}
    science_day = {c.organization_id: c.child for c in task_cascade(
        by=national, item=items["2.2.3"], organizations=[henan, zhejiang], today=dt.date(2026, 4, 2))}
    # 河南 hands its share on to 郑州 and 洛阳.
    zhengzhou = organization_at(_HENAN + ("郑州市科学技术协会",))
    luoyang = organization_at(_HENAN + ("洛阳市科学技术协会",))
    henan_museums = museum_child[henan.pk]
    h_county, h_tours = henan_museums.targets.order_by("position")
    city_child = {c.organization_id: c.child for c in task_cascade(
        by=provincial, item=henan_museums, organizations=[zhengzhou, luoyang], today=dt.date(2026, 4, 10),
        shares={zhengzhou: {h_county: 4, h_tours: 40}, luoyang: {h_county: 4, h_tours: 40}})}

    # 2. The departments report on their own tasks; the reform office accepts each a few days later.
    for key, percents in DEPARTMENT_REPORTS.items():
        item = items[key]
        for cycle, percent in zip((april, may, june), percents):
            if percent is None:
                continue
            report = file(item, lead_of(item), cycle, percent, by=national, on=cycle.due_on - dt.timedelta(days=2),
                          narrative=NARRATIVES.get(key, "按计划推进。").format(n=percent // 3))
            report_accept(by=national, report=report, today=cycle.due_on + dt.timedelta(days=3))

    # The data platform is finished in June, with its evidence, and signed off (办结).
    platform = items["2.4.1"]
    report = file(platform, lead_of(platform), june, 100, by=national, on=dt.date(2026, 7, 2),
                  progress=ItemStatus.COMPLETED, narrative="数据标准已制定，省级科协数据互通已上线。",
                  evidence=[SimpleUploadedFile("科协系统数据标准.docx", docx_bytes("科协系统数据标准（试行）"))])
    report_accept(by=national, report=report, today=dt.date(2026, 7, 6))

    # 3. The provinces report on what was handed to them. 四川 files May late; 洛阳 never files.
    zj, sc = museum_child[zhejiang.pk], museum_child[sichuan.pk]
    for cycle, percent, day in ((april, 20, dt.date(2026, 5, 4)), (may, 35, dt.date(2026, 6, 3)),
                                (june, 50, dt.date(2026, 7, 3))):
        report = file(zj, zhejiang, cycle, percent, by=national, on=day, narrative="县级科技馆改造按期推进。",
                      actuals={zj.targets.order_by("position").first(): percent // 10})
        report_accept(by=national, report=report, today=day + dt.timedelta(days=3))
    for cycle, percent, day in ((april, 10, dt.date(2026, 5, 5)), (may, 20, dt.date(2026, 6, 9)),
                                (june, 30, dt.date(2026, 7, 4))):
        report = file(sc, sichuan, cycle, percent, by=national, on=day, narrative="选址论证已完成，正在招标。")
        report_accept(by=national, report=report, today=day + dt.timedelta(days=3))
    report = file(science_day[henan.pk], henan, june, 30, by=provincial, on=dt.date(2026, 7, 3),
                  narrative="全省科普日活动方案已印发。")
    report_accept(by=national, report=report, today=dt.date(2026, 7, 7))
    # 郑州: May accepted by the province; June returned for the missing list of museums.
    zz = city_child[zhengzhou.pk]
    report = file(zz, zhengzhou, may, 30, by=provincial, on=dt.date(2026, 6, 4), narrative="中牟县科技馆改造已开工。",
                  actuals={zz.targets.order_by("position").first(): 1})
    report_accept(by=provincial, report=report, today=dt.date(2026, 6, 8))
    report = file(zz, zhengzhou, june, 40, by=provincial, on=dt.date(2026, 7, 3), narrative="新郑市科技馆已完成设计。")
    report_return(by=provincial, report=report, reason="请补充各县（市）科技馆改造清单和进度照片后重新报送。")

    # 4. A deferral asked by the department that leads the task and approved by the reform
    # office; a supervision notice answered by the department it was sent to; an instruction.
    assessment = items["2.1.2"]
    deferral = deferral_request(by=user_named("society_dept_clerk"), item=assessment, organization=lead_of(assessment),
                                requested_due=dt.date(2026, 11, 30),
                                reason="部分学会换届推迟，现场评估需顺延两个月。")
    deferral_approve(by=national, deferral=deferral, note="同意延期，请确保11月底前完成。", today=dt.date(2026, 6, 20))
    videos = items["2.2.2"]
    notice = supervision_issue(by=national, item=videos, organization=lead_of(videos), today=dt.date(2026, 7, 6),
                               reason="连续三个月进度明显滞后于序时进度，请说明原因并提出整改措施。",
                               reply_due=dt.date(2026, 7, 16))
    supervision_reply(by=user_named("popsci_clerk"), notice=notice, now=_at(dt.date(2026, 7, 9)),
                      text="已调整征集方式，7月底前推出首批300部短视频，平台改版9月上线。")
    instruction_add(by=national, item=videos,
                    text="科普内容创作是今年改革重点，请科普部倒排工期，下次调度会专题汇报。")

    # 5. The daily job, run for the demo's today: expected progress and overdue move with it.
    snapshots_refresh(today=DEMO_TODAY)
    return True
