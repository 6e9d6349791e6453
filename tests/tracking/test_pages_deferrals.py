"""Deferral requests through the task page, decided on the deferrals list."""

import datetime as dt

from django.urls import reverse

from kexie.tracking.models import DeferralRequest, DeferralStatus, TaskSnapshot
from tests.personas import make_user


def _ask(client, item, unit, due, reason="基地选址调整，需延期。"):
    return client.post(reverse("tracking:deferral_create", args=[item.pk]), {
        "deferral-organization": unit.pk, "deferral-requested_due": due, "deferral-reason": reason})


def test_a_deadline_past_the_plan_period_can_be_asked_for_and_approved(world, signed_in, national, cascaded):
    # Most tasks are due on the plan's last day: the end of the period is no limit for a late task.
    province = signed_in(world.provincial_clerk)
    page = province.get(reverse("tracking:task", args=[cascaded.jia.pk])).content.decode()
    assert "也可以晚于规划期末" in page  # the form says so
    response = _ask(province, cascaded.jia, world.prov_a, "2027-03-31")
    assert response.status_code == 302
    deferral = DeferralRequest.objects.get()
    assert deferral.requested_due == dt.date(2027, 3, 31)
    response = signed_in(world.national_clerk).post(reverse("tracking:deferral_approve", args=[deferral.pk]))
    assert response.status_code == 302
    cascaded.jia.refresh_from_db()
    assert cascaded.jia.due == dt.date(2027, 3, 31)
    assert TaskSnapshot.objects.get(item=cascaded.jia).due == dt.date(2027, 3, 31)


def test_a_refresh_after_an_error_goes_back_to_the_task_page(world, signed_in, national, cascaded):
    province = signed_in(world.provincial_clerk)
    response = _ask(province, cascaded.jia, world.prov_a, "2026-01-31")  # earlier than the deadline
    assert response.status_code == 200
    assert response.context["deferral_form"].errors["requested_due"]
    assert not DeferralRequest.objects.exists()
    # The browser's address is now the form's URL: loading it again is a GET, not a blank 405.
    response = province.get(reverse("tracking:deferral_create", args=[cascaded.jia.pk]))
    assert response.status_code == 302
    assert response.url == reverse("tracking:task", args=[cascaded.jia.pk]) + "#deferral-form"


def test_a_request_is_approved_by_the_issuer_and_the_deadline_moves(world, signed_in, national, cascaded):
    province = signed_in(world.provincial_clerk)
    page = province.get(reverse("tracking:task", args=[cascaded.jia.pk])).content.decode()
    assert 'id="deferral-form"' in page
    response = _ask(province, cascaded.jia, world.prov_a, "2026-11-30")
    assert response.status_code == 302
    deferral = DeferralRequest.objects.get()
    assert (deferral.status, deferral.previous_due) == (DeferralStatus.PENDING, dt.date(2026, 9, 30))
    # 甲省 asked: it cannot decide its own request; the national office, which handed the task down, can.
    listing = province.get(reverse("tracking:deferrals"))
    assert [d.decidable for d in listing.context["deferrals"]] == [False]
    assert province.post(reverse("tracking:deferral_approve", args=[deferral.pk])).status_code == 403

    national_office = signed_in(world.national_clerk)
    listing = national_office.get(reverse("tracking:deferrals"))
    assert [d.decidable for d in listing.context["deferrals"]] == [True]
    assert f'id="approve-{deferral.pk}"' in listing.content.decode()
    response = national_office.post(reverse("tracking:deferral_approve", args=[deferral.pk]),
                                    {"note": "同意。", "next": reverse("tracking:deferrals")})
    assert response.status_code == 302
    deferral.refresh_from_db()
    cascaded.jia.refresh_from_db()
    assert deferral.status == DeferralStatus.APPROVED and cascaded.jia.due == dt.date(2026, 11, 30)
    snapshot = TaskSnapshot.objects.get(item=cascaded.jia)
    assert (snapshot.baseline_due, snapshot.slips) == (dt.date(2026, 9, 30), 1)
    page = signed_in(world.provincial_clerk).get(reverse("tracking:task", args=[cascaded.jia.pk])).content.decode()
    assert "2026-11-30" in page and "原定 2026-09-30，已延期 1 次" in page


def test_a_refusal_needs_a_reason(world, signed_in, national, cascaded):
    _ask(signed_in(world.provincial_clerk), cascaded.jia, world.prov_a, "2026-11-30")
    deferral = DeferralRequest.objects.get()
    national_office = signed_in(world.national_clerk)
    response = national_office.post(reverse("tracking:deferral_reject", args=[deferral.pk]), {"reason": ""},
                                    follow=True)
    assert "请填写不予延期的理由" in response.content.decode()
    assert DeferralRequest.objects.get().status == DeferralStatus.PENDING
    national_office.post(reverse("tracking:deferral_reject", args=[deferral.pk]), {"reason": "不符合延期条件。"})
    assert DeferralRequest.objects.get().status == DeferralStatus.REJECTED


def test_the_requester_is_offered_no_decision_on_their_own_request_and_a_posted_one_is_refused(
        world, signed_in, national):
    # The national reform office files for 科普部, which leads the task, and decides deferrals on it.
    office = signed_in(world.national_clerk)
    assert _ask(office, national.task, world.popsci_dept, "2026-11-30").status_code == 302
    deferral = DeferralRequest.objects.get()
    listing = office.get(reverse("tracking:deferrals"))
    assert [d.decidable for d in listing.context["deferrals"]] == [False]
    assert f'id="approve-{deferral.pk}"' not in listing.content.decode()
    # The requester's name stands on the list, so whoever decides sees who asked.
    assert "国家改革办干事" in listing.content.decode()
    task_page = office.get(reverse("tracking:task", args=[national.task.pk]))
    assert [d.decidable for d in task_page.context["deferrals"]] == [False]
    assert "deferral-decide" not in task_page.content.decode()
    assert office.post(reverse("tracking:deferral_approve", args=[deferral.pk]), {"note": "同意。"}).status_code == 403
    assert office.post(reverse("tracking:deferral_reject", args=[deferral.pk]), {"reason": "不同意。"}).status_code == 403
    deferral.refresh_from_db()
    assert deferral.status == DeferralStatus.PENDING

    colleague = make_user("national_colleague", world.cast, ["national_clerk"], full_name="国家改革办副处长")
    listing = signed_in(colleague).get(reverse("tracking:deferrals"))
    assert [d.decidable for d in listing.context["deferrals"]] == [True]
