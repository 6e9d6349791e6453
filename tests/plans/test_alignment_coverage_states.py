"""Coverage a clerk can trust: each upper task covered (a decision or a strong suggestion), partly
answered and to be confirmed (weak suggestions only) or not covered; 接受全部强对应 in one step;
the 待确认 list for the rest; the same counts on the page, in the export and through the API."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.plans.alignment import alignment_accept_strong, alignment_coverage, alignment_decide, alignment_start
from kexie.plans.models import AlignmentStatus, AlignmentSuggestion, ItemAlignment
from kexie.textsim import STRONG_THRESHOLD
from tests.plans.ledger_world import confirmed_plan
from tests.plans.sample import KEY_TASKS_2026
from tests.plans.test_alignment import NATIONAL_2026

pytestmark = pytest.mark.django_db

STRONG, WEAK = STRONG_THRESHOLD + 0.1, STRONG_THRESHOLD - 0.02


@pytest.fixture
def alignment(world):
    """甲省's plan aligned to the national one, its first suggestions set to known strengths:
    2.1 开展学会评估 → 1.1 推进学会综合评估 strong, 2.2 整治休眠学会 → 1.2 清理整顿休眠学会 weak,
    3.1 建设科普基地 → 2.1 加强科普基地建设 strong, 1.1 and 1.2 (党建, 学习) below the threshold."""
    upper = confirmed_plan(world, clerk=world.national_clerk, organization=world.cast, text=NATIONAL_2026)
    lower = confirmed_plan(world, clerk=world.provincial_clerk, organization=world.prov_a, text=KEY_TASKS_2026)
    alignment = alignment_start(by=world.provincial_clerk, plan=lower, upper_plan=upper)
    wanted = {"2.1": ("1.1", STRONG), "2.2": ("1.2", WEAK), "3.1": ("2.1", STRONG), "1.1": (None, 0.1),
              "1.2": (None, 0.1), "1": (None, 0.1), "2": (None, 0.1), "3": (None, 0.1)}
    for row in ItemAlignment.objects.filter(alignment=alignment).select_related("item"):
        key, score = wanted[row.item.key]
        first = upper.items.get(key=key) if key else row.upper_item
        row.suggestions.all().delete()
        if first is not None:
            AlignmentSuggestion.objects.create(item_alignment=row, upper_item=first, rank=1, score=score)
        row.upper_item, row.score, row.rank = first, score if first else None, 1 if first else None
        row.save()
    return alignment


def _keys(items):
    return [it.key for it in items]


def _rows(alignment):
    return {r.item.key: r for r in ItemAlignment.objects.filter(alignment=alignment).select_related("item")}


def test_strong_suggestions_cover_weak_ones_are_partial_and_the_rest_is_not_covered(alignment):
    report = alignment_coverage(alignment)
    assert _keys(report.covered) == ["1", "1.1", "2", "2.1"]
    assert _keys(report.partial) == ["1.2"]
    assert _keys(report.uncovered) == ["3", "3.1"]
    assert report.tentative == report.covered  # nobody has confirmed anything yet
    assert (report.undecided, report.strong_undecided) == (8, 2)
    assert report.summary().startswith("上级任务7项：已覆盖4项，部分对应待确认1项，未覆盖2项：3 深化国际交流")
    weak = report.answers[alignment.upper_plan.items.get(key="1.2").pk]
    assert [(a.item.key, a.how) for a in weak] == [("2.2", "weak")]


def test_accepting_all_strong_suggestions_is_one_step_with_one_audit_row(alignment, world):
    before = alignment_coverage(alignment)
    audit_rows = AuditLog.objects.count()
    assert alignment_accept_strong(by=world.provincial_clerk, alignment=alignment) == 2
    rows = _rows(alignment)
    assert {k for k, r in rows.items() if r.status == AlignmentStatus.ACCEPTED} == {"2.1", "3.1"}
    assert rows["2.2"].status == AlignmentStatus.SUGGESTED
    assert rows["2.1"].decided_by == world.provincial_clerk
    assert AuditLog.objects.count() == audit_rows + 1
    audit = AuditLog.objects.latest("id")
    assert (audit.action, audit.object_type, audit.object_id) == ("update", "plans.planalignment", str(alignment.pk))
    assert audit.new_values["accepted"] == 2 and audit.new_values["threshold"] == STRONG_THRESHOLD
    # What was covered stays covered, now confirmed; the weak one still waits for a person.
    after = alignment_coverage(alignment)
    assert (after.covered, after.partial, after.uncovered) == (before.covered, before.partial, before.uncovered)
    assert after.tentative == [] and after.strong_undecided == 0
    assert alignment_accept_strong(by=world.provincial_clerk, alignment=alignment) == 0


def test_a_decision_settles_a_partial_task_either_way(alignment, world):
    rows = _rows(alignment)
    partial = alignment.upper_plan.items.get(key="1.2")
    alignment_decide(by=world.provincial_clerk, item_alignment=rows["2.2"], upper_item=partial)
    assert "1.2" in _keys(alignment_coverage(alignment).covered)
    alignment_decide(by=world.provincial_clerk, item_alignment=rows["2.2"], upper_item=None)
    report = alignment_coverage(alignment)
    assert "1.2" in _keys(report.uncovered) and report.partial == []


def test_the_screen_accepts_the_strong_ones_and_lists_the_rest_to_be_confirmed(alignment, world, signed_in):
    client = signed_in(world.provincial_clerk)
    plan = alignment.plan
    screen = client.get(reverse("plans:alignment", args=[plan.pk]), {"upper": alignment.upper_plan_id})
    page = screen.content.decode()
    assert "接受全部强对应（2项）" in page and "待确认（6）" in page and page.count("tag-alignment-strong") == 2
    response = client.post(reverse("plans:alignment_accept", args=[plan.pk]), {"upper": alignment.upper_plan_id})
    assert response.status_code == 302 and "show=review" in response["Location"]
    review = client.get(response["Location"]).content.decode()
    rows = _rows(alignment)
    assert "已接受2项强对应" in review
    assert f'id="row-{rows["2.2"].pk}"' in review and f'id="row-{rows["2.1"].pk}"' not in review
    assert "接受全部强对应" not in review  # nothing strong is left to accept
    # Confirming one from the list takes it off the list.
    client.post(reverse("plans:alignment_decide", args=[plan.pk, rows["2.2"].pk]), {"none": "1"})
    review = client.get(response["Location"]).content.decode()
    assert f'id="row-{rows["2.2"].pk}"' not in review


def test_the_page_the_export_and_the_api_give_the_same_counts(alignment, world, signed_in):
    report = alignment_coverage(alignment)
    expected = {"upper": 7, "covered": 4, "partial": 1, "uncovered": 2}
    assert {"upper": len(report.upper_tasks), "covered": report.covered_count, "partial": report.partial_count,
            "uncovered": report.uncovered_count} == expected
    client = signed_in(world.provincial_clerk)
    plan, query = alignment.plan, {"upper": alignment.upper_plan_id}

    page = client.get(reverse("plans:alignment_coverage", args=[plan.pk]), query).content.decode()
    on_page = {name: int(page.split(f'data-count="{name}">')[1].split("<")[0]) for name in expected}
    assert "已覆盖" in page and "部分对应，待确认" in page and "未覆盖" in page

    response = client.get(reverse("plans:alignment_coverage_export", args=[plan.pk]), query)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                        else response.content))
    sheet = list(workbook.worksheets[0].iter_rows(values_only=True))
    tasks = [r for r in sheet if r and r[0] in {it.key for it in report.upper_tasks} and r[2]]
    in_export = {"upper": len(tasks), **{name: sum(r[2] == label for r in tasks) for name, label in (
        ("covered", "已覆盖"), ("partial", "部分对应，待确认"), ("uncovered", "未覆盖"))}}
    totals = {r[0]: r[1] for r in sheet if r and r[0] in ("已覆盖", "部分对应，待确认", "未覆盖")}
    assert totals == {"已覆盖": 4, "部分对应，待确认": 1, "未覆盖": 2}
    partial_row = next(r for r in tasks if r[0] == "1.2")
    assert partial_row[3] is None and partial_row[4].startswith("2.2 整治休眠学会（")

    api = client.get(reverse("api:planalignment-coverage", args=[alignment.pk])).json()
    in_api = {"upper": api["upper_task_count"], "covered": api["covered_count"], "partial": api["partial_count"],
              "uncovered": api["uncovered_count"]}
    assert [i["key"] for i in api["partial_upper"]] == ["1.2"] and api["strong_undecided"] == 2

    assert on_page == in_export == in_api == expected


def test_accept_strong_through_the_api(alignment, world, signed_in):
    client = signed_in(world.provincial_clerk)
    url = reverse("api:planalignment-accept-strong", args=[alignment.pk])
    data = client.post(url, content_type="application/json", HTTP_ACCEPT="application/json").json()
    accepted = {i["key"] for i in data["items"] if i["status"] == "accepted"}
    assert accepted == {"2.1", "3.1"} and data["undecided_count"] == 6
    assert signed_in(world.other_provincial_clerk).post(url).status_code == 404
