"""Progress tracking in the demo: three months of reporting on the national key-tasks plan.

Everything goes through the tracking services, as the clerks would do it on the pages: monthly
cycles on the national plan, two national tasks handed down to the three provinces (河南's share
of one further down to 郑州 and 洛阳), reports filed and reviewed over the story's three closed
cycles, a deferral, a supervision notice with its reply, a leader's instruction, the daily
snapshot refresh at the end of every month and on the load day. 郑州's work opinion reports
quarterly: the units leading its tasks, 中牟县 among them, reported in its last closed quarters
and have the quarter open now still to file; 新郑市 asks to defer its youth contest. The lower the
level, the further behind (上热下冷).

The dates come from the demo's calendar (:mod:`kexie.core.demo.calendar`): the story happens in
the three cycles before the load day, whatever the day. A task's percent is set from how far
it runs behind 序时进度, so the lights on the load day come out the same on every run: a mix of
green, amber and red, one task overdue (the short videos, under supervision), one report late,
one returned, reports waiting for the national and for the provincial reform office, a
deferral waiting for the province. When the story's plan year has ended (a load in January to
early April), the tasks finished on time are signed off with their evidence and the others are
deferred into the new year, so that the short videos are still the one task overdue.

Story events are gathered first and run in date order; none is later than the load day.
Idempotent: when the national plan already has its reporting cycles nothing is done.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from .calendar import FILING_DAYS, cycle_due, month_end, month_index, month_start
from .plans import NATIONAL, ZHENGZHOU, docx_bytes

_CAST = ("中国科学技术协会",)
_HENAN = _CAST + ("河南省科学技术协会",)
_ZHENGZHOU = _HENAN + ("郑州市科学技术协会",)
PROVINCES = ("河南省科学技术协会", "浙江省科学技术协会", "四川省科学技术协会")

# Key of a national task reported on by its lead department -> (the story's cycles it reports
# in: 0, 1, 2 from the oldest to the latest closed; points behind 序时进度). Accepted by the
# national reform office a few days after filing.
DEPARTMENT_REPORTS = {
    "2.1.1": ((0, 1, 2), -3),  # ahead: green, and finished when its year is over
    "2.1.2": ((1, 2), 4),  # deferred by two months, then green
    "2.1.3": ((2,), 17),  # amber
    "2.2.2": ((0, 1, 2), 40),  # red and overdue: a supervision notice and an instruction
    "2.3.1": ((1, 2), -2),
    "2.3.2": ((2,), 5),
    "2.3.3": ((2,), 6),
    "3.1": ((2,), 0),
    "3.2": ((2,), 3),
    "2.4.1": ((0, 1), 0),  # the data platform, finished in the latest cycle
}
OVERDUE = "2.2.2"
DEFERRED = "2.1.2"
NARRATIVES = {
    "2.1.1": "已指导{n}家全国学会完成章程修订备案。",
    "2.1.2": "评估指标体系已印发，正在组织首批学会自评。",
    "2.1.3": "新刊申报评审已启动，入围名单待公示。",
    "2.2.2": "短视频征集工作进展较慢，平台改版尚未完成。",
}
# Points behind 序时进度 of the units the museums and the science day were handed down to.
BEHIND = {"浙江": 0, "四川": 20, "郑州": 20, "洛阳": 30, "河南科普日": 10, "浙江科普日": 10}
# 郑州's work opinion: lead unit (short name) -> the share of 序时进度 it reports each quarter.
CITY_REPORTS = {"郑州高新区科协": 0.5, "中原重机科协": 0.4, "中牟县科协": 0.3, "新郑市科协": 0.35}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class _Story:
    """Story events gathered with their day and run in date order (the order given within a
    day), and the timestamps the services set to the moment of loading, put back to the story's
    days at the end."""

    calendar: object
    events: list = field(default_factory=list)
    stamps: list = field(default_factory=list)

    def at(self, day: dt.date, action) -> None:
        self.events.append((self.calendar.day(day), len(self.events), action))

    def stamp(self, obj, day: dt.date, *names: str) -> None:
        self.stamps.append((type(obj), obj.pk, {name: _at(self.calendar.day(day)) for name in names}))

    def run(self) -> None:
        for _day, _n, action in sorted(self.events, key=lambda event: event[:2]):
            action()
        for model, pk, values in self.stamps:
            model.objects.filter(pk=pk).update(**values)


def ensure_demo_tracking(*, organization_at, user_named, calendar) -> bool:
    """Build the tracking story unless the national plan already has cycles; True when built."""
    from kexie.organizations.models import Organization
    from kexie.plans.models import TRACKED_KINDS, ItemStatus, Plan, PlanItem, PlanStatus
    from kexie.tracking.models import Frequency, ProgressReport, ReportingCycle
    from kexie.tracking.rules import expected_progress
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
    plan = Plan.objects.filter(organization=cast, source_name=NATIONAL.source_name).first()
    if plan is None or ReportingCycle.objects.filter(plan=plan).exists():
        return False
    today = calendar.today
    national, provincial = user_named("national_clerk"), user_named("provincial_clerk")
    cycles = {month_index(cycle.opens_on): cycle
              for cycle in cycles_schedule(by=national, plan=plan, filing_days=FILING_DAYS)}
    months = calendar.story_months
    last = calendar.last_closed
    items = {item.key: item for item in plan.items.all()}
    videos = items[OVERDUE]
    henan = organization_at(_HENAN)
    in_henan = set(Organization.objects.subtree_of(henan).values_list("pk", flat=True))
    story = _Story(calendar)
    evidence_bytes = docx_bytes("完成情况报告及有关材料")
    # A task left unfinished when its deadline has passed (its plan year is over) is deferred to
    # the end of the month after next; the short videos stay overdue.
    closeout_due = month_end(month_index(today) + 2)

    def clerk_for(organization):
        return provincial if organization.pk in in_henan else national

    def lead_of(item):
        return item.assignments.get(role="lead").organization

    def percent(due: dt.date, day: dt.date, behind: int) -> int:
        expected = expected_progress(start=calendar.plan_start, due=due, today=day)
        return max(0, min(100, expected - behind))

    def plan_percents(item, cycles_filed, behind, *, due=None):
        """{story cycle: percent}: what the unit reports in each cycle, the latest reckoned on the
        load day so that its light then is as intended; 100 means finished (signed off)."""
        due = due or item.due or calendar.plan_end
        if percent(due, today, behind) < 100 and due < today and item.pk != videos.pk:
            due = closeout_due  # deferred when its year was over: reckoned against the new deadline
        return {n: percent(due, today if n == 2 else month_end(months[n]), behind) for n in cycles_filed}

    def submit(item, organization, n, value, *, day, by, narrative="", actuals=None):
        """File on ``item`` in the story's cycle ``n``; a report of 100% finishes the task, with
        its evidence."""
        done = value >= 100
        return report_submit(by=by, report=ProgressReport(
            item=item, organization=organization, cycle=cycles[months[n]], percent=value,
            progress=ItemStatus.COMPLETED if done else (ItemStatus.IN_PROGRESS if value else ItemStatus.NOT_STARTED),
            narrative="全年任务已完成，完成情况报告及有关材料已报送。" if done and not narrative else narrative),
            actuals=actuals, now=_at(calendar.day(day)),
            evidence=[SimpleUploadedFile("完成情况报告.docx", evidence_bytes)] if done else ())

    def file(item, organization, n, value, *, day, by, narrative=""):
        """:func:`submit` on ``day``; returns a holder of the report, filled when the event has run."""
        holder = {}
        story.at(day, lambda: holder.update(report=submit(item, organization, n, value, day=day, by=by,
                                                          narrative=narrative)))
        return holder

    def accept(holder, *, day, by):
        def action():
            report_accept(by=by, report=holder["report"], today=calendar.day(day))
            story.stamp(holder["report"], day, "reviewed_at")
        story.at(day, action)

    def send_back(holder, *, day, by, reason):
        def action():
            report_return(by=by, report=holder["report"], reason=reason)
            story.stamp(holder["report"], day, "reviewed_at")
        story.at(day, action)

    def handed(prefix, *, day, by, item, organizations, shares=None):
        """Hand ``item`` (a task, or the name of one handed down before) down on ``day``; the new
        tasks are kept as "prefix:unit short name"."""
        def action():
            source = handed_down[item] if isinstance(item, str) else item
            for cascade in task_cascade(by=by, item=source, organizations=organizations,
                                        shares=shares(source) if shares else None, today=calendar.day(day)):
                handed_down[f"{prefix}:{cascade.organization.short_name}"] = cascade.child
                story.stamp(cascade, day, "created_at")
        story.at(day, action)

    handed_down: dict[str, object] = {}

    # 1. Hand two tasks down at the start of the story: the county science museums to the three
    # provinces with their shares of the targets, the National Science Day to 河南 and 浙江.
    first = month_start(months[0])
    henan, zhejiang, sichuan = (organization_at(_CAST + (name,)) for name in PROVINCES)
    zhengzhou, luoyang = organization_at(_ZHENGZHOU), organization_at(_HENAN + ("洛阳市科学技术协会",))
    xinzheng = organization_at(_ZHENGZHOU + ("新郑市科学技术协会",))
    museums = items["2.2.1"]

    def shares_of(values):
        def shares(task):
            county, tours = task.targets.order_by("position")
            return {org: {county: a, tours: b} for org, (a, b) in values.items()}
        return shares

    handed("museums", day=first + _days(1), by=national, item=museums, organizations=[henan, zhejiang, sichuan],
           shares=shares_of({henan: (8, 80), zhejiang: (6, 60), sichuan: (6, 60)}))
    handed("science_day", day=first + _days(1), by=national, item=items["2.2.3"], organizations=[henan, zhejiang])
    # 河南 hands its share on to 郑州 and 洛阳.
    handed("museums", day=first + _days(9), by=provincial, item="museums:河南省科协",
           organizations=[zhengzhou, luoyang], shares=shares_of({zhengzhou: (4, 40), luoyang: (4, 40)}))

    # 2. The daily job, as it ran at the end of every month of the story and on the load day.
    for index in range(months[0], month_index(today)):
        story.at(month_end(index), lambda day=month_end(index): snapshots_refresh(today=day))

    # 3. The departments report on their own tasks; the reform office accepts each a few days later.
    for key, (filed_in, behind) in DEPARTMENT_REPORTS.items():
        item = items[key]
        due = month_end(last + 5) if key == DEFERRED else None
        for n, value in plan_percents(item, filed_in, behind, due=due).items():
            report = file(item, lead_of(item), n, value, by=national, day=cycle_due(months[n]) - _days(2),
                          narrative=NARRATIVES.get(key, "按计划推进。").format(n=max(1, value // 3)))
            accept(report, day=cycle_due(months[n]) + _days(3), by=national)
    # The data platform is finished in the latest cycle, with its evidence, and signed off (办结).
    platform = items["2.4.1"]
    report = file(platform, lead_of(platform), 2, 100, by=national, day=month_start(last + 1) + _days(1),
                  narrative="数据标准已制定，省级科协数据互通已上线。")
    accept(report, day=cycle_due(last) + _days(1), by=national)

    # 4. The units report on what was handed down to them. 四川 files late once and its latest
    # report waits for review; 郑州's latest waits for the province; 洛阳 files only in the latest
    # cycle, and is sent back for the missing list.
    def file_unit(key, name, organization, by, reviewer, filings, narrative, actuals=False):
        """Reports of a unit on the task handed down to it, ``filings`` being {story cycle: (day
        filed, what became of it: the day accepted, "return", or None while it waits)}."""
        for n, (filed_on, outcome) in filings.items():
            holder = {}

            def action(n=n, filed_on=filed_on, holder=holder):
                task = handed_down[key]
                value = plan_percents(task, (n,), BEHIND[name])[n]
                county = task.targets.order_by("position").first()
                holder["report"] = submit(task, organization, n, value, day=filed_on, by=by,
                                          narrative="" if value >= 100 else narrative,
                                          actuals={county: max(1, round(value / 25))} if actuals else None)
            story.at(filed_on, action)
            if outcome == "return":
                send_back(holder, day=cycle_due(months[n]) + _days(3), by=reviewer,
                          reason="请补充各县（市）科技馆改造清单和进度照片后重新报送。")
            elif outcome is not None:
                accept(holder, day=outcome, by=reviewer)

    def due_of(n, shift):
        return cycle_due(months[n]) + _days(shift)

    file_unit("museums:浙江省科协", "浙江", zhejiang, national, national, {
        0: (due_of(0, -1), due_of(0, 2)), 1: (due_of(1, -2), due_of(1, 1)), 2: (due_of(2, -2), due_of(2, 1))},
        "县级科技馆改造按期推进。", actuals=True)
    file_unit("museums:四川省科协", "四川", sichuan, national, national, {
        0: (due_of(0, 0), due_of(0, 3)), 1: (due_of(1, 4), due_of(1, 7)), 2: (due_of(2, -1), None)},
        "选址论证已完成，正在招标。")
    file_unit("science_day:河南省科协", "河南科普日", henan, provincial, national, {
        2: (due_of(2, -2), due_of(2, 2))}, "全省科普日活动方案已印发。")
    file_unit("science_day:浙江省科协", "浙江科普日", zhejiang, national, national, {
        1: (due_of(1, -1), due_of(1, 2)), 2: (due_of(2, -1), due_of(2, 2))}, "科普日主场活动筹备工作有序推进。")
    file_unit("museums:郑州市科协", "郑州", zhengzhou, provincial, provincial, {
        1: (due_of(1, -1), due_of(1, 3)), 2: (due_of(2, -1), None)}, "中牟县科技馆改造已开工。", actuals=True)
    file_unit("museums:洛阳市科协", "洛阳", luoyang, provincial, provincial, {
        2: (due_of(2, -2), "return")}, "栾川县科技馆已完成设计。")

    # 5. A deferral, a supervision notice with its reply, a leader's instruction.
    assessment = items[DEFERRED]
    deferred_to = month_end(last + 5)
    decided_on = month_start(last) + _days(19)

    def defer():
        # Asked by the department that leads the task, decided by the reform office: who asks never decides.
        deferral = deferral_request(by=user_named("society_dept_clerk"), item=assessment,
                                    organization=lead_of(assessment), requested_due=deferred_to,
                                    reason=f"部分学会换届推迟，现场评估需顺延至{deferred_to.month}月底。")
        deferral_approve(by=national, deferral=deferral, today=decided_on,
                         note=f"同意延期，请确保{deferred_to.year}年{deferred_to.month}月底前完成。")
        story.stamp(deferral, decided_on - _days(3), "requested_at")
        story.stamp(deferral, decided_on, "decided_at")
    story.at(decided_on, defer)

    issued_on, replied_on = calendar.day(cycle_due(last) + _days(1)), calendar.day(cycle_due(last) + _days(4))

    def supervise():
        notice = supervision_issue(by=national, item=videos, organization=lead_of(videos), today=issued_on,
                                   reason="任务已逾期，连续三个月进度明显滞后于序时进度，请说明原因并提出整改措施。",
                                   reply_due=issued_on + _days(10))
        story.stamp(notice, issued_on, "issued_at")
        next_month, launch = month_start(last + 1), month_start(last + 3)
        # Answered by the department it was sent to, not by the office that issued it.
        supervision_reply(by=user_named("popsci_clerk"), notice=notice, now=_at(replied_on),
                          text=f"已调整征集方式，{next_month.month}月底前推出首批300部短视频，"
                               f"平台改版{launch.month}月上线。")
        instruction = instruction_add(by=national, item=videos,
                                      text="科普内容创作是本年度改革重点，请科普部倒排工期，下次调度会专题汇报。")
        story.stamp(instruction, replied_on, "created_at")
    story.at(issued_on, supervise)

    # 6. 郑州's work opinion reports quarterly: the lead units filed in the last two closed
    # quarters of its year and the province accepted; 新郑市 now asks to defer its youth contest.
    city_plan = Plan.objects.filter(organization=zhengzhou, source_name=ZHENGZHOU.source_name,
                                    status=PlanStatus.ACTIVE).first()
    if city_plan is not None:
        quarters = cycles_schedule(by=provincial, plan=city_plan, frequency=Frequency.QUARTERLY, filing_days=10)
        closed = [quarter for quarter in quarters if quarter.due_on < today][-2:]
        by_unit = {}
        for item in city_plan.items.filter(kind__in=TRACKED_KINDS):
            lead = item.assignments.filter(role="lead", organization__isnull=False).first()
            if lead is not None and lead.organization.short_name in CITY_REPORTS:
                by_unit[lead.organization.short_name] = (item, lead.organization)
        for quarter in closed:
            for name, (item, organization) in by_unit.items():
                expected = expected_progress(start=city_plan.period_start, due=item.due or city_plan.period_end,
                                             today=quarter.closes_on)
                value = round(expected * CITY_REPORTS[name])
                result = {}

                def city_submit(item=item, organization=organization, quarter=quarter, value=value, result=result):
                    result["report"] = report_submit(by=provincial, report=ProgressReport(
                        item=item, organization=organization, cycle=quarter, percent=value, narrative="按计划推进。",
                        progress=ItemStatus.IN_PROGRESS if value else ItemStatus.NOT_STARTED),
                        now=_at(quarter.due_on - _days(3)))
                story.at(quarter.due_on - _days(3), city_submit)
                accept(result, day=quarter.due_on + _days(4), by=provincial)
        if "新郑市科协" in by_unit:
            youth = by_unit["新郑市科协"][0]

            def ask():
                deferral = deferral_request(by=user_named("xinzheng_clerk"), item=youth, organization=xinzheng,
                                            requested_due=month_end(month_index(youth.due) + 2),
                                            reason="市级赛事场馆改造未完工，评审需顺延两个月。")
                story.stamp(deferral, today - _days(1), "requested_at")
            story.at(today - _days(1), ask)

    # 7. The year is over for tasks whose deadline has passed: the finished ones were signed off
    # above, the others are deferred (the units below first); the short videos stay overdue.
    def close_out():
        past = (PlanItem.objects.filter(Q(due__lt=today) | Q(due__isnull=True, plan__period_end__lt=today),
                                        plan__status=PlanStatus.ACTIVE, kind__in=TRACKED_KINDS)
                .exclude(status=ItemStatus.COMPLETED).exclude(pk=videos.pk)
                .select_related("plan").order_by("-plan__organization__depth", "plan_id", "position"))
        for item in past:
            units = item.assignments.filter(organization__isnull=False)
            lead = units.filter(role="lead").order_by("id").first() or units.order_by("id").first()
            if lead is None:
                continue  # nobody answers for it: it stays overdue for the plan's owner to settle
            deferral = deferral_request(by=clerk_for(lead.organization), item=item, organization=lead.organization,
                                        requested_due=closeout_due,
                                        reason="年度任务未能按期完成，申请延期。")
            # Decided by the head of the reform office, who stands above every issuer of the story
            # and asked for none of them.
            deferral_approve(by=user_named("office_head"), deferral=deferral, today=today,
                             note=f"同意延期至{closeout_due.year}年{closeout_due.month}月底。")
            story.stamp(deferral, today, "requested_at", "decided_at")
    story.at(today, close_out)

    # 8. The daily job on the load day: expected progress and overdue as of today.
    story.at(today, lambda: snapshots_refresh(today=today))
    story.run()
    return True
