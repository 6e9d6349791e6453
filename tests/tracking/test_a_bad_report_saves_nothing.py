"""Reports refused: outside one's scope, bad actuals or percent, evidence failing the upload checks,
a completion without evidence — each with a clear message and nothing saved."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook

from kexie.audit.models import AuditLog
from kexie.plans.models import ItemStatus
from kexie.tracking.models import Evidence, ProgressReport, ReportActual, TaskSnapshot
from kexie.tracking.services import report_accept, report_return, report_submit

NOW = timezone.make_aware(dt.datetime(2026, 5, 3, 10))


def jia_report(national, cascaded, world, **fields):
    return ProgressReport(item=cascaded.jia, organization=world.prov_a, cycle=national.april,
                          **{"percent": 40, "narrative": "进展顺利。", **fields})


def xlsx_file(name="基地名单.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(["基地名称", "所在地"])
    book.active.append(["甲市科技馆", "甲市"])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def assert_nothing_saved(audit_before: int):
    assert not ProgressReport.objects.exists()
    assert not ReportActual.objects.exists()
    assert not Evidence.objects.exists()
    assert AuditLog.objects.count() == audit_before


def test_an_actual_that_is_not_a_number_is_refused_naming_the_indicator(world, national, cascaded):
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as error:
        report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world),
                      actuals={cascaded.jia_target: "二十五个"}, evidence=[xlsx_file()], now=NOW)
    message = error.value.message_dict["actuals"][0]
    assert "新建全国科普教育基地100个" in message and "二十五个" in message and "必须是数字" in message
    assert_nothing_saved(before)


def test_a_percent_outside_0_to_100_is_refused(world, national, cascaded):
    before = AuditLog.objects.count()
    for bad in (101, -1, "四十", "40.5"):
        with pytest.raises(ValidationError) as error:
            report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world, percent=bad), now=NOW)
        assert "完成百分比" in error.value.message_dict["percent"][0]
    assert_nothing_saved(before)


def test_an_actual_for_a_target_of_another_task_is_refused(world, national, cascaded):
    with pytest.raises(ValidationError) as error:
        report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world),
                      actuals={cascaded.yi_target: 5}, now=NOW)
    assert "不属于该任务" in error.value.message_dict["actuals"][0]
    assert not ProgressReport.objects.exists()


def test_a_report_for_an_organisation_outside_ones_scope_is_not_found(world, national, cascaded):
    before = AuditLog.objects.count()
    # 乙省's clerk files for 甲省 on 甲省's task: 甲省 is outside 乙省's scope.
    with pytest.raises(Http404):
        report_submit(by=world.other_provincial_clerk, report=jia_report(national, cascaded, world), now=NOW)
    # A county clerk of 甲省 cannot file for the province above it either.
    with pytest.raises(Http404):
        report_submit(by=world.county_clerk, report=jia_report(national, cascaded, world), now=NOW)
    assert_nothing_saved(before)


def test_a_report_by_a_unit_not_responsible_for_the_task_is_refused(world, national, cascaded):
    with pytest.raises(ValidationError) as error:
        report_submit(by=world.national_clerk, now=NOW, report=ProgressReport(
            item=cascaded.jia, organization=world.prov_b, cycle=national.april, percent=10))
    assert "乙省科学技术协会不是任务“建设科普基地”的责任单位" in error.value.message_dict["organization"][0]
    # 乙省's clerk does not see 甲省's task at all: not found, and its title is not told.
    with pytest.raises(Http404):
        report_submit(by=world.other_provincial_clerk, now=NOW, report=ProgressReport(
            item=cascaded.jia, organization=world.prov_b, cycle=national.april, percent=10))
    assert not ProgressReport.objects.exists()


def test_a_user_without_the_code_is_refused(world, national, cascaded):
    with pytest.raises(PermissionDenied):
        report_submit(by=world.no_role_user, report=jia_report(national, cascaded, world), now=NOW)


def test_evidence_that_fails_the_upload_checks_is_refused_with_the_file_named(world, national, cascaded):
    before = AuditLog.objects.count()
    fake = SimpleUploadedFile("照片.png", b"this is not an image")
    with pytest.raises(ValidationError) as error:
        report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world),
                      actuals={cascaded.jia_target: 25}, evidence=[xlsx_file(), fake], now=NOW)
    assert "照片.png" in error.value.message_dict["evidence"][0]
    exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00")
    with pytest.raises(ValidationError) as error:
        report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world), evidence=[exe], now=NOW)
    assert "setup.exe" in error.value.message_dict["evidence"][0]
    assert_nothing_saved(before)


def test_evidence_files_that_pass_the_checks_are_kept(world, national, cascaded):
    png = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    report = report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world),
                           evidence=[xlsx_file(), png], now=NOW)
    assert sorted(report.evidence.values_list("name", flat=True)) == ["基地名单.xlsx", "现场.png"]


def test_a_completion_needs_full_progress_and_evidence(world, national, cascaded):
    with pytest.raises(ValidationError) as error:
        report_submit(by=world.provincial_clerk, now=NOW,
                      report=jia_report(national, cascaded, world, percent=100, progress="completed"))
    assert "证明材料" in error.value.message_dict["progress"][0]
    with pytest.raises(ValidationError):
        report_submit(by=world.provincial_clerk, now=NOW, evidence=[xlsx_file()],
                      report=jia_report(national, cascaded, world, percent=90, progress="completed"))
    assert not ProgressReport.objects.exists()


def test_accepting_a_completion_is_the_issuers_sign_off(world, national, cascaded):
    report = report_submit(by=world.provincial_clerk, now=NOW, evidence=[xlsx_file()],
                           report=jia_report(national, cascaded, world, percent=100, progress="completed"),
                           actuals={cascaded.jia_target: 60})
    report_accept(by=world.national_clerk, report=report, today=dt.date(2026, 5, 10))
    cascaded.jia.refresh_from_db()
    assert cascaded.jia.status == ItemStatus.COMPLETED
    snapshot = TaskSnapshot.objects.get(item=cascaded.jia)
    assert (snapshot.completed, snapshot.percent, snapshot.colour) == (True, 100, "green")
    # The upper task is complete only when every province is.
    upper = TaskSnapshot.objects.get(item=cascaded.upper)
    assert (upper.percent, upper.completed) == (50, False)


def test_a_report_is_filed_once_per_cycle_and_reviewed_once(world, national, cascaded):
    report = report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world), now=NOW)
    # The same filing sent again (its answer lost) is answered with the saved report; another is refused.
    again = report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world), now=NOW)
    assert (again.pk, again.replayed, report.replayed) == (report.pk, True, False)
    with pytest.raises(ValidationError) as error:
        report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world, percent=50), now=NOW)
    assert "已填报" in error.value.message_dict["cycle"][0]
    report_accept(by=world.national_clerk, report=report, today=dt.date(2026, 5, 10))
    with pytest.raises(ValidationError):
        report_return(by=world.national_clerk, report=report, reason="再看看")
    report.refresh_from_db()
    assert report.status == "accepted"


def test_a_return_needs_a_reason(world, national, cascaded):
    report = report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world), now=NOW)
    with pytest.raises(ValidationError) as error:
        report_return(by=world.national_clerk, report=report, reason="  ")
    assert error.value.message_dict["reason"] == ["请填写退回理由。"]
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_reviewer_outside_the_reports_scope_does_not_find_it(world, national, cascaded):
    report = report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world), now=NOW)
    with pytest.raises(Http404):
        report_accept(by=world.other_provincial_clerk, report=report, today=dt.date(2026, 5, 10))


def test_an_actual_too_large_to_store_is_refused_naming_the_indicator(world, national, cascaded):
    with pytest.raises(ValidationError) as error:
        report_submit(by=world.provincial_clerk, report=jia_report(national, cascaded, world),
                      actuals={cascaded.jia_target: "1e20"}, now=NOW)
    assert error.value.message_dict["actuals"] == ["指标“新建全国科普教育基地100个”：“1e20”数值过大。"]
    assert not ProgressReport.objects.exists()


def test_a_task_handed_down_is_not_reported_on_directly(world, national, cascaded):
    with pytest.raises(ValidationError) as error:
        report_submit(by=world.national_clerk, now=NOW, report=ProgressReport(
            item=national.task, organization=world.popsci_dept, cycle=national.april, percent=50))
    assert error.value.message_dict["item"] == ["任务“建设科普基地”已下达，其进度由承接单位的填报汇总而来。"]
    assert not ProgressReport.objects.exists()
