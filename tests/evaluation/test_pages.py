"""The evaluation pages and API: who sees what, the editor's messages, scoring forms, the leaderboard."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.evaluation.models import Dimension, Evaluation, EvaluationStatus, IndicatorScore, Rubric, RubricStatus
from kexie.evaluation.services import evaluate_all, evaluations_finalise, leaderboard_publish

from .evaluation_world import accept_report, assign, build_rubric


def texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def evaluated(world, societies, rubric_2025):
    accept_report(societies.testing, societies.round_2025, council_meetings=1, academic_events=7,
                  supervisory_meetings=1)
    accept_report(societies.physics, societies.round_2025, council_meetings=3, academic_events=20)
    evaluate_all(by=world.national_clerk, rubric=rubric_2025)
    return {e.society_id: e for e in Evaluation.objects.filter(rubric=rubric_2025)}


def test_a_secretary_sees_only_their_society(world, societies, evaluated, signed_in):
    client = signed_in(world.society_secretary)
    page = client.get(reverse("evaluation:index"))
    assert page.status_code == 200
    assert [e.society_id for e in page.context["page"]] == [societies.testing.pk]
    own = evaluated[societies.testing.pk]
    response = client.get(reverse("evaluation:evaluation", args=[own.pk]))
    assert response.status_code == 200
    assert "距下一等级（合格）还差13.14分。" in response.content.decode()
    assert client.get(reverse("evaluation:evaluation", args=[evaluated[societies.physics.pk].pk])).status_code == 404
    api = client.get(reverse("api:evaluation-list"), HTTP_ACCEPT="application/json").json()
    assert [row["society"] for row in api["results"]] == [societies.testing.pk]


def test_the_breakdown_shows_each_indicator_and_its_contribution(world, societies, evaluated, signed_in):
    response = signed_in(world.national_clerk).get(
        reverse("evaluation:evaluation", args=[evaluated[societies.testing.pk].pk]))
    events = next(row for part in response.context["table"] for row in part["rows"]
                  if row["indicator"].code == "events")
    assert (events["raw"], events["self_points"], events["contribution"]) == (7, "3.50", "14.00")
    assert [part["subtotal"] for part in response.context["table"]] == ["22.86", "24.00", "0.00"]


def test_a_reviewer_score_above_the_maximum_gets_a_message_and_nothing_is_saved(world, societies, evaluated,
                                                                               signed_in, expert):
    evaluation = evaluated[societies.testing.pk]
    Evaluation.objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.SUBMITTED)
    assign(world, expert, evaluation)
    reform = Rubric.objects.get(pk=evaluation.rubric_id).indicators.get(code="reform")
    events = Rubric.objects.get(pk=evaluation.rubric_id).indicators.get(code="events")
    client = signed_in(expert)
    response = client.post(reverse("evaluation:review", args=[evaluation.pk]), {
        f"points_{reform.pk}": "12", f"comment_{reform.pk}": "材料不足", f"points_{events.pk}": "4"})
    assert response.status_code == 200
    assert texts(response) == ["指标“改革成效”：12分超出0至满分10的范围。"]
    assert 'value="材料不足"' in response.content.decode()  # what was typed stays in the form
    assert not IndicatorScore.objects.filter(evaluation=evaluation).exists()

    response = client.post(reverse("evaluation:review", args=[evaluation.pk]), {
        f"points_{reform.pk}": "7", f"comment_{reform.pk}": "改革举措扎实", f"points_{events.pk}": ""})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.reviewer_total) == (EvaluationStatus.REVIEWED, D("60.86"))


def test_the_editor_adds_a_dimension_and_refuses_weights_that_do_not_add_up(world, societies, signed_in):
    rubric = build_rubric(world.national_clerk, world.cast, freeze=False)
    client = signed_in(world.national_clerk)
    edit = reverse("evaluation:rubric_edit", args=[rubric.pk])
    added = client.post(edit, {"operation": "add_dimension", "code": "society", "name": "社会评价", "weight": "10"},
                        follow=True)
    assert texts(added) == ["指标体系已保存。"]
    assert rubric.dimensions.filter(code="society", weight=10).exists()
    response = client.post(reverse("evaluation:rubric_freeze", args=[rubric.pk]), follow=True)
    assert texts(response)[0] == "维度权重之和必须为100：内部治理 40、业务工作 40、改革创新 20、社会评价 10 合计 110。"
    assert "社会评价”还没有指标" in " ".join(texts(response))
    assert Rubric.objects.get(pk=rubric.pk).status == RubricStatus.DRAFT

    response = client.post(edit, {"operation": "add_indicator", "dimension": rubric.dimensions.get(code="society").pk,
                                  "code": "awards", "name": "奖励", "rule": "tiers", "tiers": "5:一", "max_points": "3",
                                  "source": "report.awards"}, follow=True)
    assert texts(response) == ["指标“奖励”：每个档位由门槛值和分值组成，均须为数字。"]
    assert not rubric.indicators.filter(code="awards").exists()


def test_the_rubric_page_writes_weights_and_points_as_people_do(world, rubric_2025, signed_in):
    html = signed_in(world.national_clerk).get(reverse("evaluation:rubric", args=[rubric_2025.pk])).content.decode()
    assert '<dd id="rubric-weights">100 / 100' in html
    assert "权重 40 · governance" in html
    assert "分档 600:3, 200:2, 50:1" in html
    assert "每单位0.5分，封顶满分" in html
    assert "E+" not in html


def test_editing_a_frozen_rubric_gets_a_message_and_changes_nothing(world, rubric_2025, signed_in):
    governance = rubric_2025.dimensions.get(code="governance")
    response = signed_in(world.national_clerk).post(
        reverse("evaluation:rubric_edit", args=[rubric_2025.pk]),
        {"operation": "edit_dimension", "dimension": governance.pk, "name": "治理", "weight": "50"}, follow=True)
    assert texts(response) == [f"指标体系“{rubric_2025}”已冻结，不能修改；如需修改，请生成新版本。"]
    assert Dimension.objects.get(pk=governance.pk).weight == 40


def test_the_society_self_scores_with_a_word_file_and_submits(world, societies, evaluated, signed_in):
    from docx import Document

    evaluation = evaluated[societies.testing.pk]
    reform = evaluation.rubric.indicators.get(code="reform")
    document = Document()
    document.add_paragraph("本年度完成章程修订、秘书处改革和会员服务平台建设。")
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    buffer.name = "改革成效.docx"
    response = signed_in(world.society_secretary).post(
        reverse("evaluation:self_score", args=[evaluation.pk]),
        {f"claim_{reform.pk}": "8", f"evidence_{reform.pk}": buffer, "submit": "1"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.self_total) == (EvaluationStatus.SUBMITTED, D("62.86"))
    score = IndicatorScore.objects.get(evaluation=evaluation, indicator=reform)
    download = signed_in(world.national_clerk).get(reverse("evaluation:evidence", args=[score.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_the_leaderboard_by_peer_group_and_its_audited_export(world, societies, evaluated, signed_in, rubric_2025):
    evaluations_finalise(by=world.national_clerk, rubric=rubric_2025)
    board = leaderboard_publish(by=world.national_clerk, rubric=rubric_2025)
    client = signed_in(world.provincial_clerk)  # a publication: readable by every holder of society.view
    page = client.get(reverse("evaluation:leaderboard", args=[board.pk]))
    assert [(r["name"], r["rank"], r["movement_label"]) for r in page.context["rows"]] == [
        ("中国甲物理学会", 1, "新上榜"), ("中国测试学会", 2, "新上榜"), ("中国乙作物学会", 3, "新上榜")]
    group = client.get(reverse("evaluation:leaderboard", args=[board.pk]), {"group": "engineering:500–1999"})
    assert [r["name"] for r in group.context["rows"]] == ["中国测试学会"]

    export = client.get(reverse("evaluation:leaderboard_export", args=[board.pk]))
    workbook = load_workbook(io.BytesIO(export.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[2]][:3] == ["排名", "学会", "学科"]
    assert [c.value for c in sheet[3]][:2] == [1, "中国甲物理学会"]
    assert AuditLog.objects.filter(action="export", object_type="evaluation.leaderboard",
                                   object_id=str(board.pk), username="provincial_clerk").exists()


def test_the_review_api_names_the_indicator_above_its_maximum(world, societies, evaluated, signed_in, expert):
    evaluation = evaluated[societies.testing.pk]
    Evaluation.objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.SUBMITTED)
    assign(world, expert, evaluation)
    reform = evaluation.rubric.indicators.get(code="reform")
    response = signed_in(expert).post(reverse("api:evaluation-review", args=[evaluation.pk]),
                                      {"scores": [{"indicator": reform.pk, "points": "11", "comment": ""}]},
                                      content_type="application/json", HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "指标“改革成效”：11分超出0至满分10的范围。" in response.json()["detail"]
    assert not IndicatorScore.objects.filter(evaluation=evaluation).exists()
