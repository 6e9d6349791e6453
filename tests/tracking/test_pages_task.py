"""The task page: who sees it, and what it shows of a task's progress, targets and cascade."""

import datetime as dt
import re

from django.urls import reverse

from kexie.notifications.reminders import reminders_send
from kexie.plans.models import Assignment, AssignmentRole
from kexie.tracking.models import ProgressReport
from kexie.tracking.services import report_submit
from tests.plans.ledger_world import confirmed_plan


def test_the_task_page_shows_units_deadline_light_targets_and_the_cascade(world, signed_in, national, cascaded):
    client = signed_in(world.national_clerk)
    response = client.get(reverse("tracking:task", args=[national.task.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("建设科普基地", "科学技术普及部", "2026-09-30", "序时进度", "状态灯", "完成百分比", "100个",
                 "甲省科学技术协会", "乙省科学技术协会", "历次填报", "延期申请"):
        assert text in html, text
    assert html.count('class="tag tag-colour tag-colour-') >= 3  # the task and its two children
    assert 'id="task-cascade"' in html and 'id="task-file"' not in html  # handed down: not filed directly
    # The plan detail tree and the ledger link here.
    assert reverse("tracking:task", args=[national.task.pk]) in client.get(
        reverse("plans:detail", args=[national.plan.pk])).content.decode()
    assert reverse("tracking:task", args=[national.task.pk]) in client.get(
        reverse("ledger:plan", args=[national.plan.pk])).content.decode()


def test_a_responsible_unit_sees_the_task_without_seeing_the_plan(world, signed_in):
    plan = confirmed_plan(world)
    item = plan.items.get(title="开展学会评估")
    Assignment.objects.create(item=item, role=AssignmentRole.CO, unit_name="甲县科协", organization=world.county_a)
    client = signed_in(world.county_clerk)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    response = client.get(reverse("tracking:task", args=[item.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "开展学会评估" in html
    assert 'id="task-file"' in html and 'id="deferral-form"' in html
    assert reverse("plans:detail", args=[plan.pk]) not in html
    # Another task of the same plan, with no unit of the county, stays hidden.
    other = plan.items.get(title="整治休眠学会")
    assert client.get(reverse("tracking:task", args=[other.pk])).status_code == 404


def test_sections_have_no_task_page(world, signed_in, national):
    section = national.plan.items.filter(kind="section").first()
    assert signed_in(world.national_clerk).get(reverse("tracking:task", args=[section.pk])).status_code == 404


def test_the_task_page_counts_how_often_each_unit_was_urged(world, signed_in, national, cascaded):
    """April's cycle is due on 5 May: 乙省 files in time, 甲省 does not. 甲省 is urged on 6 May and
    the urging is escalated to its head on 9 May; each notice counts."""
    report_submit(by=world.other_provincial_clerk, report=ProgressReport(
        item=cascaded.yi, organization=world.prov_b, cycle=national.april, percent=30),
        now=dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC))
    client = signed_in(world.national_clerk)

    def urged(item) -> dict[str, str]:
        """{unit: the "已催办 N 次" mark next to it} on the task page."""
        html = client.get(reverse("tracking:task", args=[item.pk])).content.decode()
        marks = dict(re.findall(r'<span class="ledger-unit">([^<]+)</span> <span class="tag tag-urged" '
                                r'data-urged="\d+">([^<]+)</span>', html))
        assert html.count("已催办") == len(marks)
        return marks

    assert urged(cascaded.jia) == {}
    reminders_send(today=dt.date(2026, 5, 6))
    assert urged(cascaded.jia) == {"甲省科学技术协会": "已催办 1 次"}
    reminders_send(today=dt.date(2026, 5, 9))
    assert urged(cascaded.jia) == {"甲省科学技术协会": "已催办 2 次"}
    assert urged(national.other_task) == {"学会学术部": "已催办 2 次"}  # led by 学会部, not filed either
    assert urged(cascaded.yi) == {}
    assert urged(national.task) == {}  # handed down: its units are not urged on it
