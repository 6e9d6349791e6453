"""The selection pages and API as their users meet them: a secretary applies with a Word file and
sees only their own application, an expert scores and meets 回避 where conflicted, the office sees
the ranking with the recusals, and the four-batch page lists, filters, exports and decides."""

import datetime as dt
import io

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kexie.organizations.models import OrgStatus
from kexie.selection import services
from kexie.selection.models import Application, FlagDecision, SocietyFlag
from tests.selection.world import TODAY, YEAR, report_years, society


def word_file(name: str, text: str) -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@pytest.fixture
def fresh_round(world):
    """An open round of 中国科协 with 中国测试学会 (the secretary's) registered and one other society applied."""
    from kexie.societies.models import Discipline, SocietyProfile

    rounds = report_years(world)
    SocietyProfile.objects.create(organization=world.society, discipline=Discipline.ENGINEERING)
    other = society(world, "中国甲物理学会", rounds)
    selection_round = services.round_create(by=world.national_clerk, organization=world.cast, year=2026,
                                            title="2026年度一流学会建设遴选", quota=2, min_score="80")
    services.round_open(by=world.national_clerk, selection_round=selection_round)
    from tests.selection.rounds_world import secretary_of

    services.application_submit(by=secretary_of(other, "physics_secretary"), selection_round=selection_round,
                                society=other, statement="物理学会申报书")
    return selection_round


def test_a_secretary_applies_with_a_word_file_and_sees_the_eligibility_reasons(world, signed_in, fresh_round):
    client = signed_in(world.society_secretary)
    page = client.get(reverse("selection:round_detail", args=[fresh_round.pk]))
    assert "申报" in page.content.decode()
    assert "中国甲物理学会" not in page.content.decode()  # another society's application

    response = client.post(reverse("selection:apply", args=[fresh_round.pk]), {
        "society": world.society.pk, "statement": "本会近三年工作成效显著。",
        "attachments": [word_file("申报书.docx", "中国测试学会一流学会申报书")]})

    application = Application.objects.get(society_id=world.society.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("selection:application_detail", args=[application.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "申报书.docx" in detail
    assert "无 2025 年度最终评价结果。" in detail and "2025 年度无审核通过的年报。" in detail
    download = client.get(reverse("selection:attachment", args=[application.attachments.get().pk]))
    assert docx.Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs[0].text == "中国测试学会一流学会申报书"
    other = Application.objects.exclude(pk=application.pk).get()
    assert client.get(reverse("selection:application_detail", args=[other.pk])).status_code == 404


def test_an_application_without_a_statement_is_refused_with_a_message(world, signed_in, fresh_round):
    client = signed_in(world.society_secretary)
    response = client.post(reverse("selection:apply", args=[fresh_round.pk]), {"society": world.society.pk,
                                                                               "statement": " "})
    assert response.status_code == 400
    assert "请填写申报书。" in response.content.decode()
    assert not Application.objects.filter(society_id=world.society.pk).exists()


def test_the_api_gives_a_secretary_only_their_application_and_no_ranking(world, signed_in, fresh_round):
    client = signed_in(world.society_secretary)
    services.application_submit(by=world.society_secretary, selection_round=fresh_round,
                                society=world.society.society_profile, statement="申报")
    listed = client.get(reverse("api:selectionround-list"), HTTP_ACCEPT="application/json").json()
    assert [r["title"] for r in listed["results"]] == ["2026年度一流学会建设遴选"]
    detail = client.get(reverse("api:selectionround-detail", args=[fresh_round.pk]),
                        HTTP_ACCEPT="application/json").json()
    assert [a["society_name"] for a in detail["applications"]] == ["中国测试学会"]
    assert detail["ranking"] is None
    office = signed_in(world.national_clerk).get(reverse("api:selectionround-detail", args=[fresh_round.pk]),
                                                 HTTP_ACCEPT="application/json").json()
    assert len(office["applications"]) == 2 and len(office["ranking"]) == 2


def test_the_expert_page_shows_recused_applications_as_recused(round_world, signed_in):
    w = round_world
    services.round_start_review(by=_clerk(), selection_round=w.round)
    client = signed_in(w.zhang)

    reviews = client.get(reverse("selection:my_reviews")).content.decode()
    row = reviews.split(f'id="review-{w.testing.pk}"')[1].split("</tr>")[0]
    assert "回避" in row
    page = client.get(reverse("selection:score", args=[w.testing.pk])).content.decode()
    assert "专家所在单位为该学会或其分支机构" in page and 'id="score-form"' not in page

    refused = client.post(reverse("selection:score", args=[w.testing.pk]), {"score": "95"})
    assert refused.status_code == 400
    assert "您应回避 中国测试学会" in refused.content.decode()
    accepted = client.post(reverse("selection:score", args=[w.physics.pk]), {"score": "95", "comment": "好"})
    assert accepted.status_code == 302


def test_the_office_sees_the_scores_with_recusals_and_the_ranking(round_world, signed_in):
    w = round_world
    services.round_start_review(by=_clerk(), selection_round=w.round)
    services.score_submit(by=w.wang, application=w.testing, score=90)
    page = signed_in(_clerk()).get(reverse("selection:round_detail", args=[w.round.pk])).content.decode()
    row = page.split(f'id="application-{w.testing.pk}"')[1].split("</tr>")[0]
    assert "回避" in row and "90" in row
    assert "中国丙弱学会" in page and "不符合条件" in page


def test_a_round_goes_on_notice_and_takes_an_objection_from_its_page(round_world, signed_in):
    w = round_world
    clerk = _clerk()
    services.round_start_review(by=clerk, selection_round=w.round)
    services.score_submit(by=w.wang, application=w.physics, score=90)
    client = signed_in(clerk)
    start = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(reverse("selection:round_advance", args=[w.round.pk]), {
        "step": "notice", "starts_on": start.isoformat(), "ends_on": (start + dt.timedelta(days=6)).isoformat()})
    assert response.status_code == 302
    client.post(reverse("selection:objection_add", args=[w.round.pk]), {
        "application": w.physics.pk, "text": "对学术活动数据有异议", "received_on": start.isoformat()})
    page = client.get(reverse("selection:round_detail", args=[w.round.pk])).content.decode()
    assert "公示中" in page and "对学术活动数据有异议" in page and "尚未处理" not in page  # the form is offered


def _clerk():
    from kexie.accounts.models import User

    return User.objects.get(username="national_clerk")


# --- four batches -----------------------------------------------------------------------------------

@pytest.fixture
def flagged(world):
    rounds = report_years(world)
    lost = society(world, "中国失联学会", rounds, reachable=False)
    society(world, "中国沉寂学会", rounds, {2024: {"inspection": "qualified", "report": "accepted", "events": 3},
                                           2025: {"inspection": "qualified", "report": "accepted", "events": 0}})
    services.flags_compute(year=YEAR, today=TODAY)
    return lost


def test_the_four_batch_page_lists_flags_by_kind_with_their_facts_and_filters(world, signed_in, flagged):
    client = signed_in(world.national_clerk)
    page = client.get(reverse("selection:flags")).content.decode()
    assert "中国失联学会" in page and "失联" in page and "中国沉寂学会" in page and "无学术和科普活动" in page
    zombies = client.get(reverse("selection:flags"), {"kind": "zombie"}).content.decode()
    assert "中国失联学会" in zombies and "中国沉寂学会" not in zombies


def test_the_four_batch_export_is_a_spreadsheet_of_the_filtered_flags(world, signed_in, flagged):
    response = signed_in(world.national_clerk).get(reverse("selection:flags_export"), {"kind": "dormant"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row[0] == "学会")
    assert [row[0] for row in rows[header + 1:]] == ["中国沉寂学会"]
    assert rows[header + 1][3] == "2025：无学术和科普活动"


def test_winding_up_dissolves_the_society_only_when_confirmed(world, signed_in, flagged):
    flag = SocietyFlag.objects.get(society=flagged, rule__code="unreachable")
    client = signed_in(world.national_clerk)
    url = reverse("selection:flag_detail", args=[flag.pk])
    unconfirmed = client.post(url, {"action": "wind_up", "note": "失联两年，决定注销。", "dissolve": "on"})
    assert unconfirmed.status_code == 400
    assert "请确认注销 中国失联学会。" in unconfirmed.content.decode()
    assert not FlagDecision.objects.exists()
    flagged.organization.refresh_from_db()
    assert flagged.organization.status == OrgStatus.ACTIVE

    confirmed = client.post(url, {"action": "wind_up", "note": "失联两年，决定注销。", "dissolve": "on",
                                  "confirmed": "on"})

    assert confirmed.status_code == 302
    flagged.organization.refresh_from_db()
    assert flagged.organization.status == OrgStatus.DISSOLVED
    assert flagged.organization.status_history.get().reason == "“四个一批”处理决定：注销。失联两年，决定注销。"
    decision = FlagDecision.objects.get()
    assert decision.dissolved and decision.decided_by == world.national_clerk


def test_a_rectification_needs_a_deadline_through_the_api(world, signed_in, flagged):
    flag = SocietyFlag.objects.get(society__organization__name="中国沉寂学会")
    client = signed_in(world.national_clerk)
    url = reverse("api:societyflag-decide", args=[flag.pk])
    refused = client.post(url, {"action": "rectify", "note": "限期整改"}, content_type="application/json")
    assert refused.status_code == 400 and "deadline" in refused.json()
    done = client.post(url, {"action": "rectify", "note": "限期整改", "deadline": "2026-06-30"},
                       content_type="application/json")
    assert done.status_code == 200
    assert done.json()["decisions"][0]["action"] == "rectify"


def test_another_provinces_clerk_sees_no_national_flag(world, signed_in, flagged):
    page = signed_in(world.other_provincial_clerk).get(reverse("selection:flags")).content.decode()
    assert "中国失联学会" not in page
    flag = SocietyFlag.objects.filter(society=flagged).first()
    response = signed_in(world.other_provincial_clerk).get(reverse("selection:flag_detail", args=[flag.pk]))
    assert response.status_code == 404
