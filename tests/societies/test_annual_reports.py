"""Annual reports (年报): drafts, submission with every value, return and acceptance by the
collecting association, closed rounds, and the same through the pages and the API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.societies import services
from kexie.societies.models import AnnualReport, ReportYear
from kexie.societies.selectors import facts_for

from .matrix import FILLED


def _submit(world, societies, **values):
    return services.report_submit(by=world.society_secretary, society=societies.testing, year=2025,
                                  values={**FILLED, **values})


def test_a_draft_may_be_partial_and_submitting_names_every_missing_value(world, societies):
    draft = services.report_save_draft(by=world.society_secretary, society=societies.testing, year=2025,
                                       values={"academic_events": 7})
    assert draft.status == "draft" and draft.academic_events == 7 and draft.income is None
    with pytest.raises(ValidationError) as refused:
        services.report_submit(by=world.society_secretary, society=societies.testing, year=2025,
                               values={"income": "12.5"})
    missing = refused.value.message_dict
    assert "academic_events" not in missing and "income" not in missing
    assert "popsci_events" in missing and "narrative" in missing
    assert "“" in missing["expenditure"][0] and "”" in missing["expenditure"][0]  # names the field
    report = AnnualReport.objects.get(pk=draft.pk)
    assert report.status == "draft" and report.income is None  # nothing of the refused submission kept


def test_submit_return_resubmit_accept(world, societies):
    report = _submit(world, societies)
    assert report.status == "submitted" and report.submitted_by == world.society_secretary
    with pytest.raises(PermissionDenied):
        services.report_accept(by=world.society_secretary, report=report)
    with pytest.raises(ValidationError):
        services.report_return(by=world.national_clerk, report=report, reason=" ")
    services.report_return(by=world.national_clerk, report=report, reason="会员数与上年差异过大，请核实")
    report.refresh_from_db()
    assert report.status == "returned" and "会员数" in report.return_reason
    assert facts_for([societies.testing], 2025)[societies.testing.pk]["report.academic_events"] is None
    _submit(world, societies, individual_members=820)
    services.report_accept(by=world.national_clerk, report=report)
    report.refresh_from_db()
    assert report.status == "accepted" and report.reviewed_by == world.national_clerk
    assert facts_for([societies.testing], 2025)[societies.testing.pk]["report.individual_members"] == 820
    with pytest.raises(ValidationError):  # an accepted report is final
        _submit(world, societies, individual_members=1)
    actions = list(AuditLog.objects.filter(object_type="societies.annualreport").order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["submit", "return", "submit", "accept"]


def test_only_the_collecting_association_or_above_reviews(world, societies):
    """A provincial clerk cannot review a national society's report (outside the scope: not found),
    nor can a clerk of a lower level review a report its level does not collect."""
    report = _submit(world, societies)
    with pytest.raises(Exception) as refused:
        services.report_accept(by=world.provincial_clerk, report=report)
    assert refused.type.__name__ in {"Http404", "PermissionDenied"}
    assert AnnualReport.objects.get(pk=report.pk).status == "submitted"


def test_a_closed_year_takes_nothing_and_says_which_year(world, societies):
    services.report_save_draft(by=world.society_secretary, society=societies.testing, year=2025,
                               values={"academic_events": 2})
    services.report_year_close(by=world.national_clerk, report_year=societies.round_2025)
    for call in (services.report_save_draft, services.report_submit):
        with pytest.raises(ValidationError) as refused:
            call(by=world.society_secretary, society=societies.testing, year=2025, values={**FILLED})
        assert "2025年度年报已关闭" in " ".join(refused.value.messages)
    report = AnnualReport.objects.get(society=societies.testing, year=2025)
    assert report.status == "draft" and report.academic_events == 2


def test_a_year_without_a_round_is_refused(world, societies):
    with pytest.raises(ValidationError) as refused:
        services.report_save_draft(by=world.society_secretary, society=societies.testing, year=2019, values={})
    assert "2019" in " ".join(refused.value.messages)
    assert not AnnualReport.objects.filter(year=2019).exists()


def test_rounds_open_once_per_year_and_close(world, societies):
    round_ = services.report_year_open(by=world.provincial_clerk, organization=world.prov_a, year=2025,
                                       due_on=dt.date(2026, 3, 31))
    with pytest.raises(ValidationError):
        services.report_year_open(by=world.provincial_clerk, organization=world.prov_a, year=2025,
                                  due_on=dt.date(2026, 3, 31))
    services.report_year_close(by=world.provincial_clerk, report_year=round_)
    assert ReportYear.objects.get(pk=round_.pk).closed


def test_the_secretary_fills_in_and_submits_on_the_page(world, societies, signed_in):
    client = signed_in(world.society_secretary)
    mine = client.get(reverse("societies:my_reports"))
    assert "中国测试学会" in mine.text and "2025" in mine.text
    url = reverse("societies:report_form", args=[societies.testing.pk, 2025])
    page = client.get(url)
    for legend in ("业务工作", "会员", "财务", "内部治理"):
        assert f"<legend>{legend}</legend>" in page.text
    response = client.post(url, {"academic_events": "5", "action": "save"})
    assert response.status_code == 302
    refused = client.post(url, {"academic_events": "5", "action": "submit"})
    assert refused.status_code == 400 and "提交前请填写" in refused.text
    response = client.post(url, {**FILLED, "action": "submit"})
    assert response.status_code == 302
    assert AnnualReport.objects.get(society=societies.testing, year=2025).status == "submitted"


def test_the_closed_message_is_shown_on_the_page_and_nothing_saved(world, societies, signed_in):
    services.report_year_close(by=world.national_clerk, report_year=societies.round_2025)
    client = signed_in(world.society_secretary)
    url = reverse("societies:report_form", args=[societies.testing.pk, 2025])
    response = client.post(url, {**FILLED, "action": "submit"})
    assert "2025年度年报已关闭" in response.text
    assert not AnnualReport.objects.filter(society=societies.testing).exists()


def test_the_office_reviews_on_the_report_page(world, societies, signed_in):
    report = _submit(world, societies)
    client = signed_in(world.national_clerk)
    queue = client.get(reverse("societies:review_queue"))
    assert "中国测试学会" in queue.text
    client.post(reverse("societies:report_return", args=[report.pk]), {"reason": "请补充财务数据"})
    assert AnnualReport.objects.get(pk=report.pk).status == "returned"
    _submit(world, societies)
    client.post(reverse("societies:report_accept", args=[report.pk]))
    assert AnnualReport.objects.get(pk=report.pk).status == "accepted"
    assert "120.50" in client.get(reverse("societies:report_detail", args=[report.pk])).text


def test_the_api_drafts_submits_returns_and_accepts(world, societies, signed_in):
    """One test client: signing in as another user replaces the session."""
    client = signed_in(world.society_secretary)
    created = client.post("/api/v1/annual-reports/", {"society": societies.testing.pk, "year": 2025,
                                                      "academic_events": 3}, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    incomplete = client.post(f"/api/v1/annual-reports/{pk}/submit/", {}, content_type="application/json")
    assert incomplete.status_code == 400 and "popsci_events" in incomplete.json()
    done = client.post(f"/api/v1/annual-reports/{pk}/submit/", FILLED, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    assert [row["name"] for row in client.get("/api/v1/societies/").json()["results"]] == ["中国测试学会"]

    client = signed_in(world.national_clerk)
    returned = client.post(f"/api/v1/annual-reports/{pk}/return/", {"reason": "请核实"},
                           content_type="application/json")
    assert returned.json()["status"] == "returned"
    client = signed_in(world.society_secretary)
    assert client.post(f"/api/v1/annual-reports/{pk}/submit/", {}, content_type="application/json").status_code == 200
    client = signed_in(world.national_clerk)
    assert client.post(f"/api/v1/annual-reports/{pk}/accept/").json()["status"] == "accepted"
    listed = client.get("/api/v1/societies/", {"discipline": "engineering"}).json()
    assert [row["name"] for row in listed["results"]] == ["中国测试学会"]
