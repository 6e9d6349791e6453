"""Deferral requests (延期申请): asked by a responsible unit, decided by the issuer, baseline kept."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kexie.audit.models import AuditLog
from kexie.tracking.models import DeferralRequest, DeferralStatus, TaskSnapshot
from kexie.tracking.services import deferral_approve, deferral_reject, deferral_request
from tests.personas import make_user

MAY_12 = dt.date(2026, 5, 12)


def ask(world, cascaded, due=dt.date(2026, 10, 31)):
    return deferral_request(by=world.provincial_clerk, item=cascaded.jia, organization=world.prov_a,
                            requested_due=due, reason="场地改造推迟。")


def test_a_second_approved_deferral_keeps_the_first_baseline_and_counts_two_slips(world, national, cascaded):
    deferral_approve(by=world.national_clerk, deferral=ask(world, cascaded), today=MAY_12)
    deferral_approve(by=world.national_clerk, deferral=ask(world, cascaded, dt.date(2026, 12, 31)), today=MAY_12)
    snapshot = TaskSnapshot.objects.get(item=cascaded.jia)
    assert (snapshot.baseline_due, snapshot.due, snapshot.slips) == (dt.date(2026, 9, 30), dt.date(2026, 12, 31), 2)
    assert list(DeferralRequest.objects.values_list("previous_due", flat=True).order_by("id")) == [
        dt.date(2026, 9, 30), dt.date(2026, 10, 31)]


def test_a_rejected_deferral_leaves_the_deadline(world, national, cascaded):
    deferral = ask(world, cascaded)
    with pytest.raises(ValidationError) as error:
        deferral_reject(by=world.national_clerk, deferral=deferral, reason="")
    assert error.value.message_dict["reason"] == ["请填写不予延期的理由。"]
    deferral_reject(by=world.national_clerk, deferral=deferral, reason="不影响全年目标，请按期完成。")
    deferral.refresh_from_db()
    cascaded.jia.refresh_from_db()
    assert (deferral.status, cascaded.jia.due) == (DeferralStatus.REJECTED, dt.date(2026, 9, 30))
    assert AuditLog.objects.filter(action="reject", object_id=str(deferral.pk)).exists()
    with pytest.raises(ValidationError):
        deferral_approve(by=world.national_clerk, deferral=deferral, today=MAY_12)


def test_the_unit_asking_cannot_approve_its_own_deferral(world, national, cascaded):
    deferral = ask(world, cascaded)
    with pytest.raises(PermissionDenied):
        deferral_approve(by=world.provincial_clerk, deferral=deferral, today=MAY_12)
    deferral.refresh_from_db()
    assert deferral.status == DeferralStatus.PENDING


def test_one_pending_request_at_a_time_and_only_later_deadlines(world, national, cascaded):
    ask(world, cascaded)
    with pytest.raises(ValidationError) as error:
        ask(world, cascaded, dt.date(2026, 11, 30))
    assert "正在等待审批" in error.value.message_dict["item"][0]
    with pytest.raises(ValidationError) as error:
        deferral_request(by=world.other_provincial_clerk, item=cascaded.yi, organization=world.prov_b,
                         requested_due=dt.date(2026, 9, 1), reason="提前")
    assert error.value.message_dict["requested_due"] == ["申请的新期限必须晚于现有期限（2026年9月30日）。"]
    with pytest.raises(ValidationError) as error:
        deferral_request(by=world.other_provincial_clerk, item=cascaded.yi, organization=world.prov_b,
                         requested_due=dt.date(2026, 11, 1), reason=" ")
    assert error.value.message_dict["reason"] == ["请填写延期理由。"]
    assert DeferralRequest.objects.count() == 1


def ask_for_popsci(world, national, by=None):
    # 科普部 leads the national task; the national reform office may file for it, and decides its deferrals.
    return deferral_request(by=by or world.national_clerk, item=national.task, organization=world.popsci_dept,
                            requested_due=dt.date(2026, 11, 30), reason="展馆改造工期顺延。")


def test_the_user_who_asked_for_a_deferral_cannot_decide_it_though_their_office_may(world, national):
    deferral = ask_for_popsci(world, national)
    with pytest.raises(PermissionDenied) as approving:
        deferral_approve(by=world.national_clerk, deferral=deferral, today=MAY_12)
    with pytest.raises(PermissionDenied) as refusing:
        deferral_reject(by=world.national_clerk, deferral=deferral, reason="不同意。")
    for error in (approving, refusing):
        assert str(error.value) == ("延期申请由您本人提出，不能由您审批；请由中国科学技术协会或其上级的其他工作人员审批。")
    deferral.refresh_from_db()
    national.task.refresh_from_db()
    assert (deferral.status, national.task.due) == (DeferralStatus.PENDING, dt.date(2026, 9, 30))
    assert not AuditLog.objects.filter(action__in=["approve", "reject"]).exists()

    colleague = make_user("national_colleague", world.cast, ["national_clerk"], full_name="国家改革办副处长")
    deferral_approve(by=colleague, deferral=deferral, today=MAY_12)
    deferral.refresh_from_db()
    assert (deferral.status, deferral.decided_by) == (DeferralStatus.APPROVED, colleague)
