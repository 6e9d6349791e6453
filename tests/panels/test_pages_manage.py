"""The round manager's workspace: every step of a review through the pages, each refusal shown
on the page with the service's message (a field's next to the field), nothing saved when the input
is wrong."""

import re

import pytest
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.awards.models import AwardCall
from kexie.panels import services
from kexie.panels.models import (Assignment, Decision, DrawRecord, ItemScore, Objection, PanelSeat, ReviewItem,
                                 ReviewRound, RoundStatus, SeatState)
from tests.panels.helpers import TODAY, build


def detail(round):
    return reverse("panels:detail", args=[round.pk])


def url(name, round):
    return reverse(f"panels:{name}", args=[round.pk])


def page(client, round) -> str:
    return client.get(detail(round)).content.decode()


def reviewing(world, **round_data):
    """A round with a panel of the four free experts, assigned (k=2, cap=2), under review."""
    round, a, b, x = build(world, **round_data)
    by = world.provincial_clerk
    for n in range(1, 5):
        services.seat_add(by=by, round=round, entry=x[f"free{n}"])
    services.assignment_run(by=by, round=round, today=TODAY)
    round.refresh_from_db()
    return round, a, b, x


def score_all(world, round):
    for assignment in Assignment.objects.filter(item__round=round).select_related("seat"):
        services.score_submit(by=world.provincial_clerk, item=assignment.item, entry=assignment.seat.entry,
                              values={"innovation": 50, "benefit": 30 if assignment.item.title.startswith("电网")
                                      else 20})


# --- creating a round and its items ----------------------------------------------------------------

def test_a_manager_creates_a_standalone_round_with_its_criteria_as_rows(world, signed_in):
    client = signed_in(world.provincial_clerk)
    assert "round-create" in client.get(reverse("panels:list")).content.decode()
    data = {"title": "2026年度建言献策评审", "kind": "proposal", "library": "", "reviewers_per_item": 2,
            "load_cap": 5, "method": "mean", "c1_code": "value", "c1_name": "价值", "c1_max": "70",
            "c2_code": "feasible", "c2_name": "可行性", "c2_max": "30"}

    response = client.post(reverse("panels:create"), data)

    round = ReviewRound.objects.get(title="2026年度建言献策评审")
    assert response.status_code == 302 and response["Location"] == detail(round)
    assert round.form == [{"code": "value", "name": "价值", "max": "70"},
                          {"code": "feasible", "name": "可行性", "max": "30"}]
    assert round.organization == world.prov_a and round.reviewers_per_item == 2 and round.load_cap == 5
    assert "价值" in page(client, round)


def test_criteria_not_adding_up_to_100_are_refused_and_nothing_is_created(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("panels:create"), {
        "title": "错误的评审", "kind": "other", "reviewers_per_item": 3, "load_cap": 10, "method": "mean",
        "c1_code": "a", "c1_name": "甲", "c1_max": "60", "c2_code": "b", "c2_name": "乙", "c2_max": "30"})
    assert response.status_code == 400
    assert "之和" in response.content.decode() and "90" in response.content.decode()
    assert not ReviewRound.objects.filter(title="错误的评审").exists()


def test_items_are_added_with_persons_by_record_number_and_a_wrong_number_is_refused(world, signed_in):
    round, a, b, x = build(world)
    client = signed_in(world.provincial_clerk)
    nominee = a.persons.get()

    ok = client.post(url("items_add", round), {"item-title": "城市储能政策建议", "item-text": "建议",
                                               "item-persons": f"{nominee.pk}"})
    bad = client.post(url("items_add", round), {"item-title": "无效", "item-persons": "abc"})

    assert ok.status_code == 302
    item = ReviewItem.objects.get(title="城市储能政策建议")
    assert list(item.persons.all()) == [nominee]
    assert bad.status_code == 400 and "记录号" in bad.content.decode()
    assert not ReviewItem.objects.filter(title="无效").exists()


# --- conflicts, draw, panel ------------------------------------------------------------------------

def test_checking_conflicts_lists_each_with_its_expert_item_and_reason(world, signed_in):
    round, a, b, x = build(world)
    client = signed_in(world.provincial_clerk)

    response = client.post(url("conflicts", round), {})

    assert response.status_code == 302
    html = page(client, round)
    assert 'id="conflicts-form"' in html
    assert "孙同单" in html and "同一单位" in html and "电网储能调度技术" in html
    assert "吴亲属" in html


def test_the_draw_is_sealed_then_opened_and_verified(world, signed_in):
    round, a, b, x = build(world)
    client = signed_in(world.provincial_clerk)

    response = client.post(url("draw", round), {"draw-d1_count": 2, "draw-alternates": 1, "draw-seed": 4242})

    assert response.status_code == 302
    html = page(client, round)
    assert "密封" in html and "4242" not in html and "冯自由" not in html
    assert "抽取条件" in html and "× 2" in html
    assert 'id="draw-form"' not in html and 'id="draw-open-form"' in html
    again = client.post(url("draw", round), {"draw-d1_count": 2, "draw-alternates": 1})
    assert again.status_code == 400 and "已抽取专家" in again.content.decode()
    assert DrawRecord.objects.filter(round=round).count() == 1

    assert client.post(url("draw_open", round), {}).status_code == 302
    html = page(client, round)
    assert 'id="draw-seed">4242<' in html
    verified = client.post(url("draw_verify", round), {}, follow=True).content.decode()
    assert "复核一致" in verified


def test_a_draw_without_a_number_of_experts_names_the_row(world, signed_in):
    round, a, b, x = build(world)
    response = signed_in(world.provincial_clerk).post(url("draw", round), {"draw-d1_discipline": "520",
                                                                           "draw-alternates": 1})
    assert response.status_code == 400
    assert "条件1" in response.content.decode() and not DrawRecord.objects.exists()


def test_a_declined_drawn_expert_is_replaced_by_the_alternate_called_in(world, signed_in):
    round, a, b, x = build(world)
    client = signed_in(world.provincial_clerk)
    client.post(url("draw", round), {"draw-d1_count": 2, "draw-alternates": 1, "draw-seed": 7})
    client.post(url("draw_open", round), {})
    assert client.post(url("invite", round), {}).status_code == 302
    seat = PanelSeat.objects.filter(round=round, state=SeatState.INVITED).first()
    alternate = PanelSeat.objects.get(round=round, state=SeatState.ALTERNATE)

    response = client.post(url("respond", round), {"seat": seat.pk, "answer": "decline"}, follow=True)

    assert f"候补专家{alternate.entry.person.name}" in response.content.decode()
    seat.refresh_from_db(), alternate.refresh_from_db()
    assert seat.state == SeatState.REPLACED and alternate.state == SeatState.INVITED
    again = client.post(url("respond", round), {"seat": seat.pk, "answer": "accept"})
    assert again.status_code == 400


def test_an_expert_is_put_on_the_panel_by_hand_only_once(world, signed_in):
    round, a, b, x = build(world)
    client = signed_in(world.provincial_clerk)
    entry = x["free1"]

    assert client.post(url("seat_add", round), {"seat-entry": entry.pk}).status_code == 302
    again = client.post(url("seat_add", round), {"seat-entry": entry.pk})

    assert PanelSeat.objects.filter(round=round, entry=entry).count() == 1
    assert again.status_code == 400 and 'class="error"' in again.content.decode()
    assert client.post(url("respond", round), {"seat": PanelSeat.objects.get(entry=entry).pk,
                                               "answer": "accept"}).status_code == 302
    assert PanelSeat.objects.get(entry=entry).state == SeatState.CONFIRMED


# --- assignment -----------------------------------------------------------------------------------

def test_the_best_assignment_shows_the_loads_and_keeps_a_conflicted_expert_off_the_item(world, signed_in):
    round, a, b, x = build(world)
    by = world.provincial_clerk
    client = signed_in(by)
    for key in ("free1", "free2", "free3", "same"):
        services.seat_add(by=by, round=round, entry=x[key])

    response = client.post(url("assign", round), {})

    assert response.status_code == 302
    assert not Assignment.objects.filter(item=a, seat__entry=x["same"]).exists()
    html = page(client, round)
    assert "共4对" in html
    assert "在专家组中，不分配此项" in html
    refused = client.post(url("assign_add", round), {"pair-item": a.pk,
                                                     "pair-seat": PanelSeat.objects.get(entry=x["same"]).pk})
    assert refused.status_code == 400 and "同一单位" in refused.content.decode()
    assert AuditLog.objects.filter(action="assign", success=False).exists()


# --- scores, close, notice, objections, decision --------------------------------------------------

def test_a_paper_score_sheet_is_typed_in_and_a_wrong_point_names_the_criterion(world, signed_in):
    round, a, b, x = reviewing(world)
    client = signed_in(world.provincial_clerk)
    sheet = Assignment.objects.filter(item=a).first()

    bad = client.post(url("score", round), {"score-sheet": sheet.pk, "score-c_innovation": "70",
                                            "score-c_benefit": "30"})
    assert bad.status_code == 400 and "创新性" in bad.content.decode()
    assert not ItemScore.objects.exists()

    ok = client.post(url("score", round), {"score-sheet": sheet.pk, "score-c_innovation": "55",
                                           "score-c_benefit": "30", "score-comment": "好"})
    assert ok.status_code == 302
    assert ItemScore.objects.get(item=a, entry=sheet.seat.entry).total == 85
    assert "85" in page(client, round)


def test_scoring_closes_only_when_every_score_is_in(world, signed_in):
    round, a, b, x = reviewing(world)
    client = signed_in(world.provincial_clerk)
    assert 'id="close-form"' in page(client, round)

    refused = client.post(url("close", round), {})
    assert refused.status_code == 400 and "未提交" in refused.content.decode()

    score_all(world, round)
    assert client.post(url("close", round), {}).status_code == 302
    round.refresh_from_db()
    assert round.status == RoundStatus.SCORED
    assert 'id="notice-form"' in page(client, round)


def test_notice_objection_and_final_decision_of_a_standalone_round(world, signed_in):
    round, a, b, x = reviewing(world)
    client = signed_in(world.provincial_clerk)
    score_all(world, round)
    services.scoring_close(by=world.provincial_clerk, round=round)

    wrong = client.post(url("notice", round), {"notice-notice_start": "2026-12-10", "notice-notice_end": "2026-12-01"})
    assert wrong.status_code == 400 and "公示" in wrong.content.decode()
    assert client.post(url("notice", round), {"notice-notice_start": "2026-12-01",
                                              "notice-notice_end": "2026-12-07"}).status_code == 302
    html = page(client, round)
    assert 'id="objection-form"' in html and 'id="decide-form"' in html
    # The top item of the ranking is preselected for approval.
    assert re.search(rf'value="{a.pk}" id="id_decide-approved_\d+" checked', html)
    assert re.search(rf'value="{b.pk}" id="id_decide-approved_\d+">', html)

    assert client.post(url("objection_add", round), {"objection-item": b.pk, "objection-name": "某单位",
                                                     "objection-text": "成果归属有争议"}).status_code == 302
    objection = Objection.objects.get()
    refused = client.post(url("decide", round), {"decide-approved": [a.pk]})
    assert refused.status_code == 400 and "异议" in refused.content.decode()

    missing = client.post(url("objection_handle", round), {"objection": objection.pk, "decision": "",
                                                           "upheld": "no"})
    assert missing.status_code == 400
    assert client.post(url("objection_handle", round), {"objection": objection.pk, "decision": "经核实，成果归属清楚",
                                                        "upheld": "no"}).status_code == 302
    objection.refresh_from_db()
    assert objection.upheld is False and objection.handled_at

    assert client.post(url("decide", round), {"decide-approved": [a.pk]}).status_code == 302
    assert {d.item_id: d.outcome for d in Decision.objects.all()} == {a.pk: "approved", b.pk: "not_approved"}
    round.refresh_from_db()
    assert round.status == RoundStatus.DECIDED


def test_an_award_calls_round_sends_notice_and_decision_to_the_calls_page(world, signed_in):
    round, a, b, x = reviewing(world)
    call = AwardCall.objects.create(organization=world.prov_a, title="甲省科技奖", year=2026, review_round=round)
    client = signed_in(world.provincial_clerk)
    score_all(world, round)
    services.scoring_close(by=world.provincial_clerk, round=round)

    html = page(client, round)
    assert 'id="notice-form"' not in html and reverse("awards:detail", args=[call.pk]) in html
    refused = client.post(url("notice", round), {"notice-notice_start": "2026-12-01",
                                                 "notice-notice_end": "2026-12-07"})
    assert refused.status_code == 400
    round.refresh_from_db()
    assert round.status == RoundStatus.SCORED


# --- who may act ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["conflicts", "draw", "assign", "close", "notice", "decide"])
def test_without_the_code_a_step_is_forbidden_and_outside_the_scope_it_is_not_found(world, signed_in, name):
    round, a, b, x = build(world)
    assert signed_in(world.county_clerk).post(url(name, round), {}).status_code == 403
    assert signed_in(world.other_provincial_clerk).post(url(name, round), {}).status_code == 404
    assert not AuditLog.objects.filter(action__in=["assign", "publish", "decide"]).exists()


def test_a_step_is_refused_in_the_wrong_status_with_the_status_named(world, signed_in):
    round, a, b, x = build(world)
    response = signed_in(world.provincial_clerk).post(url("close", round), {})
    assert response.status_code == 400 and "“准备中”" in response.content.decode()
    round.refresh_from_db()
    assert round.status == RoundStatus.DRAFT


def test_the_forms_follow_the_status(world, signed_in):
    round, a, b, x = build(world)
    html = page(signed_in(world.provincial_clerk), round)
    assert 'id="draw-form"' in html and 'id="items-form"' in html
    assert 'id="close-form"' not in html and 'id="notice-form"' not in html and 'id="decide-form"' not in html
