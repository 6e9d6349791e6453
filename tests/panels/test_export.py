"""A review round's workbook: the ranking (once scoring is closed) exactly as the page shows it,
every score sheet and the conflicts with their reasons; scope and codes as the page."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.panels import selectors, services
from kexie.panels.models import Assignment
from tests.panels.helpers import TODAY, build


def _sheets(response) -> dict:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                    else response.content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def _scored(world):
    round, a, b, x = build(world)
    by = world.provincial_clerk
    for key in ("free1", "free2", "same"):
        services.seat_add(by=by, round=round, entry=x[key])
    services.assignment_run(by=by, round=round, today=TODAY)
    for n, assignment in enumerate(Assignment.objects.filter(item__round=round).select_related("item", "seat")):
        services.score_submit(by=by, item=assignment.item, entry=assignment.seat.entry,
                              values={"innovation": 40 + n, "benefit": 30}, comment="意见" if n == 0 else "")
    return round, a, b, x


def test_the_workbook_holds_the_pages_ranking_scores_and_conflicts(world, signed_in):
    round, a, b, x = _scored(world)
    client = signed_in(world.provincial_clerk)
    url = reverse("panels:export", args=[round.pk])

    before = _sheets(client.get(url))
    assert before["排名"][2][1] == "评审专家仍在评分，评分结束后显示排名。"

    services.scoring_close(by=world.provincial_clerk, round=round)
    sheets = _sheets(client.get(url))
    page = client.get(reverse("panels:detail", args=[round.pk])).context["ranking"]
    assert sheets["排名"][1] == ["名次", "评审对象", "评审得分", "所用总分的平均分", "采用的评分数"]
    assert [tuple(r[:3]) for r in sheets["排名"][2:]] == [(r.rank, r.title, float(r.score)) for r in page]
    assert [r.rank for r in page] == [r.rank for r in selectors.ranking(round)]
    scores = sheets["评分情况"][1:]
    assert len(scores) == Assignment.objects.filter(item__round=round).count()
    assert sheets["评分情况"][0] == ["评审对象", "专家", "创新性", "效益", "总分", "评语"]
    assert sorted(row[2] for row in scores) == [40, 41, 42, 43] and all(row[4] == row[2] + 30 for row in scores)
    conflicts = sheets["回避情形"][1:]
    assert ["电网储能调度技术", "孙同单", "专家与被评对象同一单位"] in conflicts
    assert AuditLog.objects.filter(action="export", object_id=str(round.pk)).count() == 2


def test_the_workbook_keeps_to_the_scope_and_the_code(world, signed_in):
    round, *_rest = build(world)
    url = reverse("panels:export", args=[round.pk])
    assert signed_in(world.other_provincial_clerk).get(url).status_code == 404
    assert signed_in(world.county_clerk).get(url).status_code == 403
