"""Reviewing reports through the pages: the 待审核 queue, accepting, returning and filing again."""

from django.urls import reverse

from kexie.plans.models import ItemStatus
from kexie.tracking.models import ProgressReport, ReportStatus, TargetActual, TaskSnapshot
from tests.personas import make_user
from tests.tracking.pages_world import county_task, docx_upload, report_data  # noqa: F401 (fixture)


def _file(client, county_task, world, **overrides):
    data = {**report_data(county_task, world, **overrides), "evidence": docx_upload()}
    response = client.post(reverse("tracking:report_file", args=[county_task.task.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return ProgressReport.objects.get(item=county_task.task, organization=world.county_a, cycle=county_task.q1)


def test_the_province_accepts_a_completed_report_and_the_task_turns_green(world, signed_in, county_task):
    report = _file(signed_in(world.county_clerk), county_task, world, progress="completed", percent="100",
                   **{f"actual_{county_task.target.pk}": "10"})
    province = signed_in(world.provincial_clerk)
    queue = province.get(reverse("tracking:reviews"))
    assert list(queue.context["reports"]) == [report]
    detail = province.get(reverse("tracking:report", args=[report.pk])).content.decode()
    assert 'id="report-accept"' in detail and "审核通过并确认办结" in detail

    response = province.post(reverse("tracking:report_accept", args=[report.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tracking:reviews")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.reviewed_by == world.provincial_clerk
    assert TargetActual.objects.get(target=county_task.target).value == 10
    snapshot = TaskSnapshot.objects.get(item=county_task.task)
    assert (snapshot.completed, snapshot.colour, snapshot.percent) == (True, "green", 100)
    county_task.task.refresh_from_db()
    assert county_task.task.status == ItemStatus.COMPLETED
    assert list(province.get(reverse("tracking:reviews")).context["reports"]) == []

    # The province's task page shows the county's child with its light, and the rolled-up progress.
    page = province.get(reverse("tracking:task", args=[county_task.upper.pk])).content.decode()
    assert f'<tr data-organization="{world.county_a.pk}">' in page
    assert 'data-colour="green"' in page and "甲县科学技术协会" in page
    assert TaskSnapshot.objects.get(item=county_task.upper).percent == 100


def test_a_returned_report_is_filed_again_through_the_form(world, signed_in, county_task):
    county = signed_in(world.county_clerk)
    report = _file(county, county_task, world)
    province = signed_in(world.provincial_clerk)
    empty = province.post(reverse("tracking:report_return", args=[report.pk]), {"reason": "  "})
    assert "请填写退回理由" in " ".join(empty.context["return_form"].errors["reason"])
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED

    response = province.post(reverse("tracking:report_return", args=[report.pk]), {"reason": "请补充基地名单。"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "请补充基地名单。")

    county = signed_in(world.county_clerk)
    listing = county.get(reverse("tracking:filing"))  # returned reports wait whatever the cycle
    assert any(r["report"] == report and r["status"] == "returned" for r in listing.context["rows"])
    form_page = county.get(reverse("tracking:report_file", args=[county_task.task.pk]),
                           {"cycle": county_task.q1.pk, "unit": world.county_a.pk})
    html = form_page.content.decode()
    assert "请补充基地名单。" in html and "重新填报" in html
    assert form_page.context["form"].initial["percent"] == 30
    _file(county, county_task, world, percent="40", narrative="已建成4个，名单附后。")
    report.refresh_from_db()
    assert (report.status, report.percent) == (ReportStatus.SUBMITTED, 40)
    assert report.evidence.count() == 2


def test_the_county_cannot_accept_its_own_report_and_another_province_cannot_see_it(world, signed_in, county_task):
    report = _file(signed_in(world.county_clerk), county_task, world)
    county = signed_in(world.county_clerk)
    assert county.get(reverse("tracking:reviews")).status_code == 403  # reviewing is not a county's job
    assert 'id="report-accept"' not in county.get(reverse("tracking:report", args=[report.pk])).content.decode()
    assert county.post(reverse("tracking:report_accept", args=[report.pk])).status_code == 403
    other = signed_in(world.other_provincial_clerk)
    assert other.get(reverse("tracking:report", args=[report.pk])).status_code == 404
    assert other.post(reverse("tracking:report_accept", args=[report.pk])).status_code == 404
    evidence = report.evidence.get()
    assert other.get(reverse("tracking:evidence", args=[evidence.pk])).status_code == 404
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_the_report_page_names_the_filer_and_the_reviewer_else_by_their_user_names(world, signed_in, county_task):
    duty_officer = make_user("jia_county_duty", world.county_a, ["county_clerk"], full_name="")
    report = _file(signed_in(duty_officer), county_task, world)
    province = signed_in(world.provincial_clerk)
    province.post(reverse("tracking:report_return", args=[report.pk]), {"reason": "请补充照片。"})
    props = province.get(reverse("tracking:report", args=[report.pk])).content.decode()
    props = props[props.index('id="report-props"'):props.index("</dl>")]
    assert "jia_county_duty" in props and "甲省干事" in props
