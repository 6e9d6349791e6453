"""The tracking API: filing, reviewing and reading reports and snapshots, in the user's scope and language."""

from kexie.tracking.models import ProgressReport, TaskSnapshot

JSON = {"content_type": "application/json", "HTTP_ACCEPT": "application/json"}


def test_a_province_files_through_the_api_and_the_nation_accepts(world, national, cascaded, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post("/api/v1/progress-reports/", {
        "item": cascaded.jia.pk, "organization": world.prov_a.pk, "cycle": national.april.pk, "percent": "40",
        "narrative": "已新建25个。", "actuals": {str(cascaded.jia_target.pk): "25"}}, **JSON)
    assert response.status_code == 201, response.content
    report = response.json()
    assert (report["status"], report["percent"], report["actuals"]) == (
        "submitted", 40, {str(cascaded.jia_target.pk): "25.0000"})
    # The province may not review it: only the issuer may.
    assert client.post(f"/api/v1/progress-reports/{report['id']}/accept/", **JSON).status_code == 403

    client = signed_in(world.national_clerk)
    response = client.post(f"/api/v1/progress-reports/{report['id']}/accept/", **JSON)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert TaskSnapshot.objects.get(item=cascaded.jia).percent == 40
    snapshots = client.get(f"/api/v1/task-snapshots/?under={world.prov_a.pk}", HTTP_ACCEPT="application/json")
    assert [row["item"] for row in snapshots.json()["results"]] == [cascaded.jia.pk]
    counts = client.get(f"/api/v1/task-snapshots/counts/?under={world.cast.pk}", HTTP_ACCEPT="application/json")
    assert counts.json()["total"] == 4  # the two provinces', the national task and 学会部's own


def test_bad_actuals_get_a_400_in_chinese_naming_the_indicator(world, national, cascaded, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post("/api/v1/progress-reports/", {
        "item": cascaded.jia.pk, "organization": world.prov_a.pk, "cycle": national.april.pk, "percent": "40",
        "actuals": {str(cascaded.jia_target.pk): "很多"}}, **JSON)
    assert response.status_code == 400
    assert response.json()["actuals"] == ["指标“新建全国科普教育基地100个”：实际值必须是数字，不能是“很多”。"]
    assert not ProgressReport.objects.exists()


def test_a_report_for_a_unit_outside_scope_is_refused_and_others_reports_are_not_found(
        world, national, cascaded, signed_in):
    client = signed_in(world.other_provincial_clerk)
    response = client.post("/api/v1/progress-reports/", {
        "item": cascaded.jia.pk, "organization": world.prov_a.pk, "cycle": national.april.pk, "percent": "40"},
        **JSON)
    assert response.status_code == 400 and "organization" in response.json()
    assert not ProgressReport.objects.exists()
    jia = signed_in(world.provincial_clerk).post("/api/v1/progress-reports/", {
        "item": cascaded.jia.pk, "organization": world.prov_a.pk, "cycle": national.april.pk, "percent": "40"},
        **JSON).json()
    client = signed_in(world.other_provincial_clerk)
    assert client.get(f"/api/v1/progress-reports/{jia['id']}/", HTTP_ACCEPT="application/json").status_code == 404
    assert client.get("/api/v1/progress-reports/", HTTP_ACCEPT="application/json").json()["results"] == []


def test_the_filing_rate_of_a_cycle(world, national, cascaded, signed_in):
    signed_in(world.provincial_clerk).post("/api/v1/progress-reports/", {
        "item": cascaded.jia.pk, "organization": world.prov_a.pk, "cycle": national.april.pk, "percent": "40"},
        **JSON)
    response = signed_in(world.national_clerk).get(f"/api/v1/reporting-cycles/{national.april.pk}/filing/",
                                                   HTTP_ACCEPT="application/json")
    assert (response.json()["expected"], response.json()["filed"]) == (3, 1)


def test_evidence_goes_up_as_multipart_and_a_bad_file_is_named(world, national, cascaded, signed_in):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["基地名称"])
    buffer = io.BytesIO()
    book.save(buffer)
    client = signed_in(world.provincial_clerk)
    form = {"item": cascaded.jia.pk, "organization": world.prov_a.pk, "cycle": national.april.pk,
            "percent": "100", "progress": "completed", f"actuals.{cascaded.jia_target.pk}": "60"}
    response = client.post("/api/v1/progress-reports/", {
        **form, "evidence": [SimpleUploadedFile("名单.xlsx", buffer.getvalue()),
                             SimpleUploadedFile("照片.jpg", b"GIF89a not a jpeg")]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "照片.jpg" in response.json()["evidence"][0]
    assert not ProgressReport.objects.exists()
    response = client.post("/api/v1/progress-reports/", {
        **form, "evidence": [SimpleUploadedFile("名单.xlsx", buffer.getvalue())]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["evidence"], response.json()["actuals"]) == (
        ["名单.xlsx"], {str(cascaded.jia_target.pk): "60.0000"})


def test_a_deferral_through_the_api_earlier_than_the_deadline_is_refused_then_one_past_the_period_approved(
        world, national, cascaded, signed_in):
    from kexie.tracking.models import DeferralRequest

    client = signed_in(world.other_provincial_clerk)
    body = {"item": cascaded.yi.pk, "organization": world.prov_b.pk, "reason": "施工推迟。"}
    response = client.post("/api/v1/deferral-requests/", {**body, "requested_due": "2026-08-01"}, **JSON)
    assert response.status_code == 400
    assert "2026年9月30日" in response.json()["requested_due"][0] and response.json()["detail"].startswith(
        "申请的新期限")
    assert not DeferralRequest.objects.exists()
    # After the plan period (which ends on 31 December): allowed.
    created = client.post("/api/v1/deferral-requests/", {**body, "requested_due": "2027-02-01"}, **JSON)
    assert created.status_code == 201, created.content
    # 乙省 cannot decide its own request; the national office can.
    assert client.post(f"/api/v1/deferral-requests/{created.json()['id']}/approve/", **JSON).status_code == 403
    approved = signed_in(world.national_clerk).post(
        f"/api/v1/deferral-requests/{created.json()['id']}/approve/", {"note": "同意"}, **JSON)
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["previous_due"]) == ("approved", "2026-09-30")
    assert TaskSnapshot.objects.get(item=cascaded.yi).baseline_due.isoformat() == "2026-09-30"


def test_the_api_refuses_the_requester_the_decision_on_their_own_deferral(world, national, signed_in):
    from kexie.tracking.models import DeferralRequest, DeferralStatus

    client = signed_in(world.national_clerk)
    created = client.post("/api/v1/deferral-requests/", {
        "item": national.task.pk, "organization": world.popsci_dept.pk, "requested_due": "2026-11-30",
        "reason": "展馆改造工期顺延。"}, **JSON)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    for verb, body in (("approve", {"note": "同意"}), ("reject", {"reason": "不同意"})):
        response = client.post(f"/api/v1/deferral-requests/{pk}/{verb}/", body, **JSON)
        assert response.status_code == 403
        assert response.json()["detail"].startswith("延期申请由您本人提出，不能由您审批")
    assert DeferralRequest.objects.get(pk=pk).status == DeferralStatus.PENDING
