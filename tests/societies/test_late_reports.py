"""Late annual reports (逾期报送): after the due date a society may still submit, the report is
marked late wherever reports are shown, and it counts as filed — for the four-batch flags too —
only once the collecting association accepts it; the flags follow at once, not at the next run.
A closed round takes nothing, late or not."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.selection.models import SocietyFlag
from kexie.selection.rules import ensure_default_rules, flag_year
from kexie.selection.services import flags_compute
from kexie.societies import services
from kexie.societies.models import AnnualReport, ReportYear
from kexie.societies.selectors import annual_reports_to_review

from tests.personas import make_user

from .matrix import FILLED

ON_TIME = dt.date(2026, 3, 31)   # the fixture round's due date: still on time
LATE = dt.date(2026, 11, 30)     # eight months after it


def _submit(world, society, today, **values):
    return services.report_submit(by=world.society_secretary, society=society, year=2025,
                                  values={**FILLED, **values}, today=today)


def test_a_report_submitted_after_the_due_date_is_marked_late_and_one_on_the_due_date_is_not(world, societies):
    on_time = _submit(world, societies.testing, ON_TIME)
    assert on_time.status == "submitted" and on_time.late is False
    services.report_return(by=world.national_clerk, report=on_time, reason="请核实会员数", today=LATE)
    again = _submit(world, societies.testing, LATE)
    assert again.late is False  # a correction after a return keeps the mark of the first filing


def test_a_late_filing_is_taken_marked_late_and_kept_late_through_a_return(world, societies):
    report = _submit(world, societies.testing, LATE)
    assert report.status == "submitted" and report.late is True
    assert AuditLog.objects.filter(action="submit", object_id=str(report.pk)).get().new_values["late"] is True
    services.report_return(by=world.national_clerk, report=report, reason="请补充财务数据", today=LATE)
    assert _submit(world, societies.testing, LATE).late is True
    accepted = services.report_accept(by=world.national_clerk, report=report, today=LATE)
    assert accepted.status == "accepted" and accepted.late is True


def test_a_closed_round_refuses_even_a_late_filing(world, societies):
    services.report_year_close(by=world.national_clerk, report_year=societies.round_2025)
    with pytest.raises(ValidationError) as refused:
        _submit(world, societies.testing, LATE)
    assert "2025年度年报已关闭" in " ".join(refused.value.messages)
    assert not AnnualReport.objects.filter(society=societies.testing).exists()


# --- the four-batch flags follow the filing ---------------------------------------------------------

def _open_flags(society):
    return dict(SocietyFlag.objects.filter(society=society, status="open").values_list("rule__code", "facts"))


def test_the_no_report_flag_stays_on_a_late_filing_until_accepted_and_is_resolved_at_acceptance(world, societies):
    ensure_default_rules()
    flags_compute(year=2025, today=dt.date(2026, 4, 15))
    assert _open_flags(societies.testing)["no_activity"] == {"2025": "未报年报"}

    report = _submit(world, societies.testing, LATE)
    # Filed late but not accepted: the flag stays, and says why.
    assert _open_flags(societies.testing)["no_activity"] == {"2025": "年报逾期报送，待审核"}

    services.report_accept(by=world.national_clerk, report=report, today=LATE)
    assert "no_activity" not in _open_flags(societies.testing)
    resolved = SocietyFlag.objects.get(society=societies.testing, rule__code="no_activity")
    assert resolved.status == "resolved" and resolved.resolved_at is not None
    refresh = AuditLog.objects.filter(action="flags_refresh").order_by("id").last()
    assert refresh.user_id == world.national_clerk.pk and refresh.new_values["resolved"] >= 1


def test_an_on_time_filing_counts_at_once_and_a_return_brings_the_flag_back(world, societies):
    ensure_default_rules()
    report = _submit(world, societies.testing, ON_TIME)
    flags_compute(year=2025, today=dt.date(2026, 4, 15))
    assert "no_activity" not in _open_flags(societies.testing)  # submitted on time: filed
    services.report_return(by=world.national_clerk, report=report, reason="请核实", today=dt.date(2026, 4, 20))
    assert _open_flags(societies.testing)["no_activity"] == {"2025": "未报年报"}


def _secretary_of(profile):
    return make_user(f"secretary_{profile.pk}", profile.organization, ["society_secretary"])


# --- pages, export, API --------------------------------------------------------------------------

@pytest.fixture
def late_round(world, societies):
    """中国科协's round of the year the daily flag run evaluates, due yesterday: whatever is
    submitted today is late."""
    today = timezone.localdate()
    year = flag_year(today)
    societies.round_2025.delete()
    return ReportYear.objects.create(organization=world.cast, year=year, due_on=today - dt.timedelta(days=1))


def test_the_secretary_is_told_before_submitting_late_and_the_report_shows_it(world, societies, late_round,
                                                                               signed_in):
    client = signed_in(world.society_secretary)
    url = reverse("societies:report_form", args=[societies.testing.pk, late_round.year])
    form = client.get(url)
    assert 'id="late-notice"' in form.text and "逾期" in form.text
    assert client.post(url, {**FILLED, "action": "submit"}).status_code == 302
    report = AnnualReport.objects.get(society=societies.testing, year=late_round.year)
    assert report.late
    mine = client.get(reverse("societies:my_reports"))
    assert "late-tag" in mine.text


def test_the_office_sees_the_late_mark_in_the_queue_detail_export_and_api(world, societies, late_round, signed_in):
    ensure_default_rules()
    late = services.report_submit(by=world.society_secretary, society=societies.testing, year=late_round.year,
                                  values=FILLED)
    on_time_round = ReportYear.objects.create(organization=world.cast, year=late_round.year - 1,
                                              due_on=timezone.localdate() + dt.timedelta(days=30))
    on_time = services.report_submit(by=_secretary_of(societies.physics), society=societies.physics,
                                     year=on_time_round.year, values=FILLED)
    assert late.late and not on_time.late
    client = signed_in(world.national_clerk)

    queue = client.get(reverse("societies:review_queue"))
    assert queue.text.count("late-tag") == 1 and "只看逾期（1）" in queue.text
    only_late = client.get(reverse("societies:review_queue"), {"status": "submitted", "late": "1"})
    assert [r.pk for r in only_late.context["reports"]] == [late.pk]

    detail = client.get(reverse("societies:report_detail", args=[late.pk]))
    assert 'id="late-notice"' in detail.text and "late-tag" in detail.text

    export = client.get(reverse("societies:reports_export"), {"status": "submitted"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if "逾期报送" in row)
    column = header.index("逾期报送")
    by_name = {row[0]: row[column] for row in rows[rows.index(header) + 1:]}
    assert by_name == {"中国测试学会": "是", "中国甲物理学会": "否"}
    assert AuditLog.objects.filter(action="export", object_type="societies.annualreport").exists()

    listed = client.get("/api/v1/annual-reports/", {"late": "true"}).json()["results"]
    assert [(row["id"], row["late"], row["due_on"]) for row in listed] == [
        (late.pk, True, late_round.due_on.isoformat())]
    assert client.get(f"/api/v1/annual-reports/{on_time.pk}/").json()["late"] is False

    # Accepting it through the API is the association's approval; the flag follows at once.
    assert SocietyFlag.objects.filter(society=societies.testing, rule__code="no_activity", status="open").exists()
    assert client.post(f"/api/v1/annual-reports/{late.pk}/accept/").json()["late"] is True
    assert not SocietyFlag.objects.filter(society=societies.testing, rule__code="no_activity", status="open").exists()


def test_annual_reports_to_review_lists_the_submitted_reports_the_users_level_collects_late_first(
        world, societies, late_round):
    on_time_round = ReportYear.objects.create(organization=world.cast, year=late_round.year - 1,
                                              due_on=timezone.localdate() + dt.timedelta(days=30))
    first = services.report_submit(by=_secretary_of(societies.physics), society=societies.physics,
                                   year=on_time_round.year, values=FILLED)
    late = services.report_submit(by=world.society_secretary, society=societies.testing, year=late_round.year,
                                  values=FILLED)
    services.report_submit(by=_secretary_of(societies.crops), society=societies.crops, year=on_time_round.year,
                           values=FILLED)
    services.report_accept(by=world.national_clerk, report=AnnualReport.objects.get(society=societies.crops))
    assert list(annual_reports_to_review(world.national_clerk)) == [late, first]
    assert annual_reports_to_review(world.national_clerk).count() == 2
    # A provincial clerk does not collect national societies' reports; a secretary reviews nothing.
    assert not annual_reports_to_review(world.provincial_clerk).exists()
    assert not annual_reports_to_review(world.society_secretary).exists()
