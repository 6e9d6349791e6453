"""A task 甲省 handed down to 甲县, for the tracking page tests: the county files, the province reviews.

Reporting cycles are quarterly over 2026. Pages read the real clock for "today", so the tests
name the cycle they file for and never assert anything that depends on the date they run.
"""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from kexie.plans.models import PlanItem, Target
from kexie.tracking.models import ReportingCycle
from kexie.tracking.services import cycles_schedule, task_cascade
from tests.plans.ledger_world import confirmed_plan


@dataclass
class CountyTask:
    upper: PlanItem  # 甲省's 建设科普基地 (新建 10 个)
    task: PlanItem  # the same task in 甲县's ledger
    target: Target
    q1: ReportingCycle
    q2: ReportingCycle


@pytest.fixture
def county_task(world) -> CountyTask:
    plan = confirmed_plan(world)  # 甲省科协2026年深化改革重点任务
    cycles = cycles_schedule(by=world.provincial_clerk, plan=plan, start=dt.date(2026, 1, 1),
                             end=dt.date(2026, 12, 31), frequency="quarterly")
    upper = plan.items.get(title="建设科普基地")
    [cascade] = task_cascade(by=world.provincial_clerk, item=upper, organizations=[world.county_a],
                             today=dt.date(2026, 4, 1))
    return CountyTask(upper=upper, task=cascade.child, target=cascade.child.targets.get(), q1=cycles[0],
                      q2=cycles[1])


def docx_upload(name: str = "科普基地建设进展.docx", text: str = "已建成科普教育基地3个。") -> SimpleUploadedFile:
    """A real Word document, as a browser would send it."""
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def report_data(county_task: CountyTask, world, **overrides) -> dict:
    data = {"organization": world.county_a.pk, "cycle": county_task.q1.pk, "progress": "in_progress",
            "percent": "30", "narrative": "已建成3个。", f"actual_{county_task.target.pk}": "3"}
    data.update(overrides)
    return data
