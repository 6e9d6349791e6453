"""Reports waiting for 甲省's review — several plans, units, cycles — and one of 乙省's, for the
review list and bulk accept tests (pages and browser)."""

import datetime as dt
from dataclasses import dataclass

from kexie.plans.models import Plan
from kexie.tracking.models import ProgressReport, ReportingCycle
from kexie.tracking.services import cycles_schedule, report_submit, task_cascade
from tests.personas import make_user
from tests.plans.ledger_world import add_departments, confirmed_plan
from tests.plans.test_ledger_pages import MANY_TASKS

FILED = dt.datetime(2026, 4, 3, 9, 0, tzinfo=dt.UTC)


@dataclass
class Queue:
    plan: Plan
    other_plan: Plan  # another plan of 甲省, with its own cycles
    q1: ReportingCycle
    q2: ReportingCycle
    society: list[ProgressReport]  # 学会学术部's reports on the plan, q1
    county: ProgressReport  # 甲县's report on the task handed down to it, q1
    late_one: ProgressReport  # 学会学术部, q2
    office: ProgressReport  # 甲省科协办公室 on the other plan
    elsewhere: ProgressReport  # 乙县's report to 乙省


def _file(by, item, organization, cycle, percent=30) -> ProgressReport:
    return report_submit(by=by, report=ProgressReport(item=item, organization=organization, cycle=cycle,
                                                      progress="in_progress", percent=percent), now=FILED)


def _quarters(by, plan):
    return cycles_schedule(by=by, plan=plan, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
                           frequency="quarterly")


def review_queue(world) -> Queue:
    """Five reports 甲省 reviews and one 乙省 does, all filed on 3 April 2026."""
    departments = add_departments(world)
    clerk = world.provincial_clerk
    plan = confirmed_plan(world)
    q1, q2 = _quarters(clerk, plan)[:2]
    society_dept = departments["学会学术部"]
    society = [_file(clerk, plan.items.get(title=title), society_dept, q1, percent)
               for title, percent in (("推进学会党建", 30), ("开展学会评估", 40), ("整治休眠学会", 50))]
    late_one = _file(clerk, plan.items.get(title="推进学会党建"), society_dept, q2, 60)
    [cascade] = task_cascade(by=clerk, item=plan.items.get(title="建设科普基地"), organizations=[world.county_a],
                             today=dt.date(2026, 4, 1))
    county = _file(world.county_clerk, cascade.child, world.county_a, q1)
    other_plan = confirmed_plan(world, text=MANY_TASKS.replace("办公室牵头", "甲省科协办公室牵头"), title="专项任务清单")
    office = _file(clerk, other_plan.items.get(title="专项任务第1项"), world.prov_a_office, _quarters(clerk, other_plan)[0])
    # 乙省 hands a task of its own plan to 乙县, whose clerk reports on it to 乙省.
    b_plan = confirmed_plan(world, clerk=world.other_provincial_clerk, organization=world.prov_b, title="乙省科协要点")
    b_q1 = _quarters(world.other_provincial_clerk, b_plan)[0]
    [b_cascade] = task_cascade(by=world.other_provincial_clerk, item=b_plan.items.get(title="建设科普基地"),
                               organizations=[world.county_b], today=dt.date(2026, 4, 1))
    b_clerk = make_user("county_b_clerk", world.county_b, ["county_clerk"], full_name="乙县干事")
    elsewhere = _file(b_clerk, b_cascade.child, world.county_b, b_q1)
    return Queue(plan=plan, other_plan=other_plan, q1=q1, q2=q2, society=society, county=county,
                 late_one=late_one, office=office, elsewhere=elsewhere)
