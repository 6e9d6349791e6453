"""Handing a task down must not wipe its progress.

The national task 建设科普基地 (科普部 leads) is at 55% with 30 of its 100 bases, from the
department's accepted April report. The reform office then hands it down to 甲省 and 乙省. Each
province starts from 55%; the national task stays at 55% and green on its page, in the API, on the
dashboard and in its history, keeps its 30 bases, and from then on moves with the provinces.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kexie.dashboard.models import SnapshotHistory
from kexie.plans.models import ItemStatus
from kexie.tracking.models import ProgressReport, TaskSnapshot
from kexie.tracking.services import report_accept, report_submit, task_cascade

APRIL_20 = dt.date(2026, 4, 20)


def accepted(world, *, item, organization, cycle, percent, actuals=None, by=None, on=APRIL_20):
    report = report_submit(by=by or world.national_clerk, report=ProgressReport(
        item=item, organization=organization, cycle=cycle, progress=ItemStatus.IN_PROGRESS, percent=percent,
        narrative="按计划推进。"), actuals=actuals, now=timezone.make_aware(dt.datetime.combine(on, dt.time(9))))
    return report_accept(by=world.national_clerk, report=report, today=on)


@pytest.fixture
def at_55(world, national):
    accepted(world, item=national.task, organization=world.popsci_dept, cycle=national.april, percent=55,
             actuals={national.target: 30})
    snapshot = TaskSnapshot.objects.get(item=national.task)
    assert (snapshot.percent, snapshot.colour) == (55, "green")
    return snapshot


def handed_down(world, national):
    return {c.organization_id: c.child for c in task_cascade(
        by=world.national_clerk, item=national.task, organizations=[world.prov_a, world.prov_b],
        shares={world.prov_a: {national.target: 40}, world.prov_b: {national.target: 30}}, today=APRIL_20)}


def test_the_task_keeps_its_percent_light_and_actuals_when_handed_down(world, national, at_55):
    children = handed_down(world, national)
    snapshot = TaskSnapshot.objects.get(item=national.task)
    assert (snapshot.percent, snapshot.colour, snapshot.completed) == (55, "green", False)
    assert snapshot.actuals == {str(national.target.pk): "30.0000"}
    for child in children.values():
        assert TaskSnapshot.objects.get(item=child).percent == 55
    # The dashboards' history of the cycle keeps the state too.
    row = SnapshotHistory.objects.get(item=national.task, cycle=national.april)
    assert (row.percent, row.colour) == (55, "green")


def test_the_roll_up_takes_over_from_there(world, national, at_55):
    children = handed_down(world, national)
    jia_target = children[world.prov_a.pk].targets.get()
    accepted(world, item=children[world.prov_a.pk], organization=world.prov_a, cycle=national.april, percent=75,
             actuals={jia_target: 12}, by=world.provincial_clerk)
    snapshot = TaskSnapshot.objects.get(item=national.task)
    # 甲省 at 75, 乙省 still at the 55 it started from: the national task at 65; 30 bases of its
    # own and 12 of 甲省's; the April actual filed by 科普部 is kept, not replaced by the roll-up.
    assert snapshot.percent == 65
    assert snapshot.actuals == {str(national.target.pk): "42.0000"}
    assert national.target.actuals.get(cycle=national.april).source == "report"


def test_every_page_shows_the_kept_progress_with_a_note(world, national, at_55, signed_in):
    client = signed_in(world.national_clerk)
    before = client.get("/api/v1/dashboard/", {"org": world.cast.pk}).json()["counts"]
    children = handed_down(world, national)
    page = client.get(reverse("tracking:task", args=[national.task.pk])).content.decode()
    assert 'id="task-percent">55%' in page
    assert "已下达：本任务的进度为各接收单位进度的平均值" in page
    assert "科学技术普及部" in page  # the department's report stays listed
    api = client.get("/api/v1/task-snapshots/", {"plan": national.plan.pk}).json()
    by_item = {row["item"]: row for row in api["results"]}
    assert (by_item[national.task.pk]["percent"], by_item[national.task.pk]["colour"]) == (55, "green")
    after = client.get("/api/v1/dashboard/", {"org": world.cast.pk}).json()["counts"]
    # The dashboard gains the provinces' two tasks, green at 55% like the national one; nothing turned red.
    assert (after["green"], after["red"]) == (before["green"] + 2, before["red"])
    child_page = signed_in(world.provincial_clerk).get(
        reverse("tracking:task", args=[children[world.prov_a.pk].pk])).content.decode()
    assert 'id="task-percent">55%' in child_page and "下达时上级任务的进度为55%" in child_page


def test_the_hand_down_form_says_what_will_happen_first(world, national, at_55, signed_in):
    page = signed_in(world.national_clerk).get(reverse("tracking:cascade", args=[national.task.pk]))
    assert "本任务本级已审核进度为55%" in page.content.decode()


def test_a_completed_task_is_not_handed_down(world, national):
    national.task.status = ItemStatus.COMPLETED
    national.task.save(update_fields=["status"])
    with pytest.raises(ValidationError) as error:
        task_cascade(by=world.national_clerk, item=national.task, organizations=[world.prov_a], today=APRIL_20)
    assert "已办结" in error.value.message_dict["item"][0]
