"""The 待审核 list filtered by plan, unit (with the units under it) and cycle, and several reports
accepted at once: confirmed first, then all of them or none, each with its own audit row."""

import pytest
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.plans.models import Plan
from kexie.tracking.models import ProgressReport, ReportStatus, TaskSnapshot
from kexie.tracking.services import report_accept
from tests.tracking.review_queue import Queue, review_queue


@pytest.fixture
def queue(world) -> Queue:
    return review_queue(world)


def _listed(response) -> set[int]:
    assert response.status_code == 200
    return {report.pk for report in response.context["reports"]}


def _accept_audits(reports) -> list[str]:
    return sorted(AuditLog.objects.filter(action="accept", object_id__in=[str(r.pk) for r in reports])
                  .values_list("object_id", flat=True))


def _statuses(reports) -> set[str]:
    return set(ProgressReport.objects.filter(pk__in=[r.pk for r in reports]).values_list("status", flat=True))


def test_the_review_list_filters_by_plan_by_unit_with_the_units_under_it_and_by_cycle(queue, world, signed_in):
    client = signed_in(world.provincial_clerk)
    url = reverse("tracking:reviews")
    everything = {r.pk for r in [*queue.society, queue.late_one, queue.county, queue.office]}
    assert _listed(client.get(url)) == everything
    assert _listed(client.get(url, {"plan": queue.other_plan.pk})) == {queue.office.pk}
    # A unit takes in the units under it: 甲市 holds 甲县.
    assert _listed(client.get(url, {"unit": world.city_a.pk})) == {queue.county.pk}
    assert _listed(client.get(url, {"unit": world.prov_a.pk})) == everything
    assert _listed(client.get(url, {"plan": queue.plan.pk, "cycle": queue.q2.pk})) == {queue.late_one.pk}
    page = client.get(url, {"plan": queue.plan.pk}).content.decode()
    assert "全部周期" in page and queue.q2.label in page
    # Another province's plan is not among the choices, and choosing it shows an error, not its reports.
    b_plan = Plan.objects.get(title="乙省科协要点")
    refused = client.get(url, {"plan": b_plan.pk})
    assert refused.context["form"].errors.get("plan")
    assert queue.elsewhere.pk not in _listed(refused)


def test_several_reports_are_accepted_after_a_confirmation_each_with_its_audit_row(queue, world, signed_in):
    client = signed_in(world.provincial_clerk)
    chosen = [*queue.society, queue.county]
    back = reverse("tracking:reviews") + f"?plan={queue.plan.pk}"
    listing = client.get(back).content.decode()
    assert 'data-select-all="report"' in listing and 'id="bulk-accept"' in listing
    data = {"report": [r.pk for r in chosen], "next": back}

    confirm = client.post(reverse("tracking:reviews_accept"), data)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "确认审核通过以下 4 份填报" in page and "确认审核通过 4 份" in page
    assert {r.pk for r in confirm.context["reports"]} == {r.pk for r in chosen}
    assert _statuses(chosen) == {ReportStatus.SUBMITTED}  # nothing accepted before the confirmation
    assert _accept_audits(chosen) == []

    done = client.post(reverse("tracking:reviews_accept"), {**data, "confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == back
    assert _statuses(chosen) == {ReportStatus.ACCEPTED}
    assert _accept_audits(chosen) == sorted(str(r.pk) for r in chosen)  # once per report
    assert ProgressReport.objects.get(pk=queue.society[0].pk).reviewed_by == world.provincial_clerk
    # Each acceptance did what accepting it alone does: the task's status snapshot moved.
    assert TaskSnapshot.objects.get(item=queue.society[1].item).percent == 40
    after = client.get(done["Location"])
    assert "已审核通过 4 份" in after.content.decode()
    assert _listed(after) == {queue.late_one.pk}
    assert _statuses([queue.late_one, queue.office]) == {ReportStatus.SUBMITTED}


def test_another_provinces_report_in_the_request_is_not_found_and_nothing_is_accepted(queue, world, signed_in):
    client = signed_in(world.provincial_clerk)
    chosen = [*queue.society, queue.elsewhere]
    response = client.post(reverse("tracking:reviews_accept"),
                           {"report": [r.pk for r in chosen], "confirmed": "1"})
    assert response.status_code == 404
    assert _statuses(chosen) == {ReportStatus.SUBMITTED}
    assert _accept_audits(chosen) == []


def test_one_report_that_cannot_be_accepted_leaves_them_all_unaccepted_and_says_why(queue, world, signed_in):
    client = signed_in(world.provincial_clerk)
    # A colleague accepted this one after the list was read.
    report_accept(by=world.provincial_clerk, report=queue.society[2])
    chosen = [*queue.society, queue.county]
    back = reverse("tracking:reviews")
    response = client.post(reverse("tracking:reviews_accept"),
                           {"report": [r.pk for r in chosen], "confirmed": "1", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert _statuses([*queue.society[:2], queue.county]) == {ReportStatus.SUBMITTED}
    assert _accept_audits([*queue.society[:2], queue.county]) == []
    page = client.get(back).content.decode()
    assert "未审核通过任何填报" in page
    assert "整治休眠学会" in page and "只能审核已提交的填报" in page, page[page.find("messages"):][:800]


def test_a_unit_cannot_accept_its_own_reports_in_bulk(queue, world, signed_in):
    # A reviewer at the county (a role with report.review there) is still not the task's issuer.
    from tests.personas import make_user

    client = signed_in(make_user("county_reviewer", world.county_a, ["city_clerk"]))
    response = client.post(reverse("tracking:reviews_accept"), {"report": [queue.county.pk], "confirmed": "1"})
    assert response.status_code == 302
    assert _statuses([queue.county]) == {ReportStatus.SUBMITTED}
    assert _accept_audits([queue.county]) == []
    # The same rule as accepting it on its page: only the issuer (甲省) or a level above it.
    assert "只有下达此任务的甲省科学技术协会或其上级可以" in client.get(response["Location"]).content.decode()


def test_accepting_with_nothing_selected_says_so(queue, world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("tracking:reviews_accept"), {"confirmed": "1"})
    assert response.status_code == 302
    assert "请先勾选要审核通过的填报" in client.get(response["Location"]).content.decode()
