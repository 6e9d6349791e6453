"""Filing progress through the pages: the 待填报 list, the report form, its errors."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.tracking.models import Evidence, ProgressReport, ReportActual, ReportStatus
from tests.tracking.pages_world import county_task, docx_upload, report_data  # noqa: F401 (fixture)


def _form_url(county_task):
    return reverse("tracking:report_file", args=[county_task.task.pk])


def test_a_county_clerk_files_a_report_with_an_actual_and_a_word_document(world, signed_in, county_task):
    client = signed_in(world.county_clerk)
    listing = client.get(reverse("tracking:filing"), {"cycle": county_task.q1.pk})
    row = next(r for r in listing.context["rows"] if r["item"] == county_task.task)
    assert row["organization"] == world.county_a and row["report"] is None
    assert row["status"] in ("to_file", "missing")
    assert "建设科普基地" in listing.content.decode()

    form_page = client.get(_form_url(county_task), {"cycle": county_task.q1.pk, "unit": world.county_a.pk})
    html = form_page.content.decode()
    for label in ("填报单位", "填报周期", "完成百分比", "进展说明", "证明材料"):
        assert label in html, label
    assert f'id="id_actual_{county_task.target.pk}"' in html

    response = client.post(_form_url(county_task), {**report_data(county_task, world), "evidence": docx_upload()})
    report = ProgressReport.objects.get(item=county_task.task, organization=world.county_a, cycle=county_task.q1)
    assert response.status_code == 302 and response["Location"] == reverse("tracking:report", args=[report.pk])
    assert (report.status, report.percent, report.narrative) == (ReportStatus.SUBMITTED, 30, "已建成3个。")
    assert ReportActual.objects.get(report=report).value == 3
    evidence = Evidence.objects.get(report=report)
    assert evidence.name == "科普基地建设进展.docx"

    detail = client.get(response["Location"]).content.decode()
    assert "科普基地建设进展.docx" in detail and "已提交" in detail
    download = client.get(reverse("tracking:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"

    listing = client.get(reverse("tracking:filing"), {"cycle": county_task.q1.pk})
    row = next(r for r in listing.context["rows"] if r["item"] == county_task.task)
    assert row["report"] == report and row["status"] in ("filed", "late")


def _assert_nothing_saved():
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()


def test_words_in_a_number_field_show_the_message_next_to_it_and_save_nothing(world, signed_in, county_task):
    client = signed_in(world.county_clerk)
    field = f"actual_{county_task.target.pk}"
    for value in ("十二", "abc"):
        response = client.post(_form_url(county_task), {**report_data(county_task, world, **{field: value}),
                                                         "evidence": docx_upload()})
        assert response.status_code == 200
        [message] = response.context["form"].errors[field]
        assert f"实际值必须是数字，不能是“{value}”" in message
        assert message in response.content.decode()
        _assert_nothing_saved()


def test_a_percent_that_is_not_a_whole_number_is_refused_naming_the_field(world, signed_in, county_task):
    response = signed_in(world.county_clerk).post(_form_url(county_task),
                                                  report_data(county_task, world, percent="三十"))
    assert "完成百分比必须是0到100之间的整数" in " ".join(response.context["form"].errors["percent"])
    _assert_nothing_saved()


def test_evidence_that_fails_the_upload_checks_is_refused_and_nothing_is_saved(world, signed_in, county_task):
    client = signed_in(world.county_clerk)
    fake = SimpleUploadedFile("进展.docx", "这不是Word文件".encode(), content_type="application/octet-stream")
    response = client.post(_form_url(county_task), {**report_data(county_task, world), "evidence": [docx_upload(), fake]})
    assert response.status_code == 200
    errors = response.context["form"].errors["evidence"]
    assert any("进展.docx" in e for e in errors), errors
    _assert_nothing_saved()
    program = SimpleUploadedFile("工具.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(_form_url(county_task), {**report_data(county_task, world), "evidence": program})
    assert any("工具.exe" in e for e in response.context["form"].errors["evidence"])
    _assert_nothing_saved()


def test_completion_without_evidence_is_refused(world, signed_in, county_task):
    response = signed_in(world.county_clerk).post(_form_url(county_task), report_data(
        county_task, world, progress="completed", percent="100"))
    assert "至少一个证明材料" in " ".join(response.context["form"].errors["progress"]) or \
        "证明材料" in response.content.decode()
    _assert_nothing_saved()


def test_a_task_outside_ones_scope_is_not_found(world, signed_in, county_task):
    # 乙省 does not see 甲县's task; filing, the form and the task page are all "not found".
    client = signed_in(world.other_provincial_clerk)
    assert client.get(_form_url(county_task)).status_code == 404
    data = report_data(county_task, world, organization=world.county_a.pk)
    assert client.post(_form_url(county_task), data).status_code == 404
    assert client.get(reverse("tracking:task", args=[county_task.task.pk])).status_code == 404
    _assert_nothing_saved()
    # Nor does the county file for a unit that is not its own, even by posting its id.
    client = signed_in(world.county_clerk)
    response = client.post(_form_url(county_task), report_data(county_task, world, organization=world.county_b.pk))
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    _assert_nothing_saved()


def test_a_task_handed_down_is_not_filed_directly(world, signed_in, national, cascaded):
    client = signed_in(world.national_clerk)
    response = client.get(reverse("tracking:report_file", args=[national.task.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tracking:task", args=[national.task.pk])
    page = client.get(response["Location"]).content.decode()
    assert "已下达，其进度由承接单位的填报汇总而来" in page
    assert 'id="task-file"' not in page
