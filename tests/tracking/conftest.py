"""A national plan with one task, cascaded to 甲省 and 乙省, for the tracking tests.

The plan is built through the reviewed import (as the national reform office would), its
reporting cycles are monthly over 2026, and "today" is always passed in, never read from a clock.
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from kexie.plans.models import Plan, PlanItem, Target
from kexie.tracking.models import ReportingCycle
from kexie.tracking.services import cycles_schedule, task_cascade
from kexie.tracking.statistics import statistics_day_record
from tests.plans.ledger_world import confirmed_plan

NATIONAL_TASKS_2026 = """关于印发《中国科协2026年深化改革重点任务》的通知

各省级科协，中国科协各部门：
现将《中国科协2026年深化改革重点任务》印发给你们，请认真贯彻落实。

中国科学技术协会
2026年1月10日

中国科协2026年深化改革重点任务

一、提升科普能力
1.建设科普基地。新建全国科普教育基地100个，9月底前完成。（科普部牵头）
二、强化学会治理
2.开展学会评估。完成不少于20家全国学会的综合评估。（学会部牵头）
"""

APRIL_1 = dt.date(2026, 4, 1)


@dataclass
class National:
    plan: Plan
    task: PlanItem  # 建设科普基地: due 2026-09-30, target 新建 100 个
    target: Target
    other_task: PlanItem  # 开展学会评估, led by 学会部, not cascaded
    april: ReportingCycle  # 2026-04-01 .. 2026-04-30, due 2026-05-05
    may: ReportingCycle


@pytest.fixture
def national(world) -> National:
    # The statistics date the plan's tasks get their first lights for (instead of the day the
    # tests run); every later refresh in a test names its own day.
    statistics_day_record(APRIL_1, tasks=0)
    plan = confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, text=NATIONAL_TASKS_2026)
    cycles = cycles_schedule(by=world.national_clerk, plan=plan)
    task = plan.items.get(key="1.1")
    return National(plan=plan, task=task, target=task.targets.get(), other_task=plan.items.get(key="2.1"),
                    april=cycles[3], may=cycles[4])


@dataclass
class Cascaded:
    upper: PlanItem
    jia: PlanItem  # 甲省's task: 60 bases
    yi: PlanItem  # 乙省's task: 40 bases
    jia_target: Target
    yi_target: Target


@pytest.fixture
def cascaded(world, national) -> Cascaded:
    cascades = task_cascade(by=world.national_clerk, item=national.task, organizations=[world.prov_a, world.prov_b],
                            shares={world.prov_a: {national.target: 60}, world.prov_b: {national.target: "40"}},
                            today=APRIL_1)
    jia, yi = (c.child for c in cascades)
    return Cascaded(upper=national.task, jia=jia, yi=yi, jia_target=jia.targets.get(), yi_target=yi.targets.get())
