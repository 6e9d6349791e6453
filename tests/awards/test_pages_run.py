"""Running a call from its pages: create it with its eligibility rules, set channels, open it,
the formal check (the rules' reasons beside each nomination, a rejection by hand), start the
review, publish the notice, decide the winners (refused while an objection is unhandled) and keep
the 托举 follow-up reports; each refusal shown in Chinese, a user without the code refused, a
call outside the scope not found."""

import datetime as dt

from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.awards import services
from kexie.awards.models import AwardCall, Channel, FollowUp
from kexie.panels import services as panels
from kexie.panels.models import Assignment
from tests.awards.helpers import TODAY, expert, open_call, person


def _page(response) -> str:
    return response.content.decode()


def test_a_clerk_creates_a_call_with_its_rules_as_fields(world, signed_in):
    client = signed_in(world.provincial_clerk)
    assert 'id="call-create"' in _page(client.get(reverse("awards:list")))
    response = client.post(reverse("awards:create"), {
        "organization": world.prov_a.pk, "kind": "youth", "title": "甲省青年科技奖", "year": 2026,
        "opens_on": "2026-12-01", "closes_on": "2026-12-31", "max_age": 40, "age_on": "2026-12-31",
        "discipline_prefixes": "430、520", "channel_kinds": "市级科协", "required_materials": "推荐书、代表性论文"})
    call = AwardCall.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("awards:detail", args=[call.pk])
    assert (call.organization, call.status, call.kind) == (world.prov_a, "draft", "youth")
    assert call.rules == [{"rule": "max_age", "age": 40, "on": "2026-12-31"},
                          {"rule": "disciplines", "prefixes": ["430", "520"]},
                          {"rule": "channel_kinds", "kinds": ["市级科协"]},
                          {"rule": "materials", "titles": ["推荐书", "代表性论文"]}]
    assert AuditLog.objects.filter(action="create", object_id=str(call.pk), object_type__startswith="awards").exists()


def test_an_age_limit_without_its_date_is_refused_next_to_the_field_and_nothing_is_saved(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("awards:create"), {
        "organization": world.prov_a.pk, "kind": "youth", "title": "甲省青年科技奖", "year": 2026, "max_age": 40,
        "opens_on": "2026-12-31", "closes_on": "2026-12-01"})
    page = _page(response)
    assert response.status_code == 200 and "年龄上限须同时填写年龄和计算截止日期。" in page
    assert not AwardCall.objects.exists()
    # The service's refusal lands on its field too: the closing date before the opening date.
    response = client.post(reverse("awards:create"), {
        "organization": world.prov_a.pk, "kind": "youth", "title": "甲省青年科技奖", "year": 2026,
        "opens_on": "2026-12-31", "closes_on": "2026-12-01"})
    assert "截止日期不能早于开始日期。" in _page(response)
    assert not AwardCall.objects.exists()


def test_channels_are_set_then_the_call_is_opened(world, signed_in):
    call = services.call_create(by=world.provincial_clerk, organization=world.prov_a,
                                data={"title": "甲省青年科技奖", "kind": "youth", "year": 2026})
    client = signed_in(world.provincial_clerk)
    page = _page(client.get(reverse("awards:detail", args=[call.pk])))
    assert 'id="channel-form"' in page and 'id="call-open"' in page

    refused = client.post(reverse("awards:open", args=[call.pk]), follow=True)
    assert "请先设置推荐渠道和名额。" in _page(refused)
    call.refresh_from_db()
    assert call.status == "draft"

    bad = client.post(reverse("awards:channel_set", args=[call.pk]), {"organization": world.city_a.pk, "quota": 0})
    assert bad.status_code == 200 and not Channel.objects.exists()
    client.post(reverse("awards:channel_set", args=[call.pk]),
                {"organization": world.city_a.pk, "quota": 2, "kind": "市级科协"})
    assert list(Channel.objects.values_list("organization", "quota", "kind")) == [(world.city_a.pk, 2, "市级科协")]
    channel = Channel.objects.get()
    form = _page(client.get(reverse("awards:detail", args=[call.pk]), {"channel": channel.pk}))
    assert 'name="quota" value="2"' in form.split('id="channel-form"', 1)[1].split("</form>", 1)[0]
    client.post(reverse("awards:channel_set", args=[call.pk]),
                {"organization": world.city_a.pk, "quota": 3, "kind": "市级科协"})
    assert list(Channel.objects.values_list("pk", "quota")) == [(channel.pk, 3)]
    client.post(reverse("awards:open", args=[call.pk]))
    call.refresh_from_db()
    assert call.status == "open"
    page = _page(client.get(reverse("awards:detail", args=[call.pk])))
    assert 'id="call-open"' not in page and 'id="formal-close"' in page


def test_the_call_is_run_only_with_award_manage_and_inside_the_scope(world, signed_in):
    call = open_call(world)
    client = signed_in(world.society_secretary)  # award.view and award.nominate, not award.manage
    assert client.post(reverse("awards:formal_close", args=[call.pk])).status_code == 403
    page = _page(signed_in(world.provincial_clerk).get(reverse("awards:detail", args=[call.pk])))
    assert 'id="formal-close"' not in page and 'id="channel-form"' not in page  # the call is the nation's
    assert signed_in(world.provincial_clerk).post(reverse("awards:formal_close", args=[call.pk])).status_code == 404
    call.refresh_from_db()
    assert call.status == "open"


def test_the_formal_check_shows_the_rules_reasons_and_takes_a_rejection_by_hand(world, signed_in):
    call = open_call(world)
    by = world.provincial_clerk
    old = services.nominate(by=by, call=call, organization=world.prov_a,
                            nominee=person(by, world.prov_a, "欧年长", born="1980-03-02"))
    young = services.nominate(by=by, call=call, organization=world.prov_a,
                              nominee=person(by, world.prov_a, "韩年轻", born="1990-03-02"))
    client = signed_in(world.national_clerk)
    client.post(reverse("awards:formal_close", args=[call.pk]))
    page = _page(client.get(reverse("awards:detail", args=[call.pk])))
    row = page.split(f'id="nomination-{old.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "超过40周岁" in row  # the rules' reason beside the nomination, before the check
    assert "超过40周岁" not in page.split(f'id="nomination-{young.pk}"', 1)[1].split("</tr>", 1)[0]

    client.post(reverse("awards:formal_check", args=[old.pk]), {"pass": "1"})
    empty = client.post(reverse("awards:formal_check", args=[young.pk]), {"reject": "1", "reason": ""}, follow=True)
    assert "请填写退回韩年轻的理由。" in _page(empty)
    client.post(reverse("awards:formal_check", args=[young.pk]), {"reject": "1", "reason": "推荐书未盖章"})
    old.refresh_from_db(), young.refresh_from_db()
    assert old.status == young.status == "formally_rejected"
    assert young.check_reasons == ["形式审查退回：推荐书未盖章"]
    refused = client.post(reverse("awards:review_start", args=[call.pk]), {
        "library": expert(world, "冯自由").library_id, "reviewers_per_item": 2, "load_cap": 2,
        "criteria": "学术水平 60\n发展潜力 40"})
    assert "没有通过形式审查的推荐，无法开始评审。" in _page(refused) and not AwardCall.objects.get(pk=call.pk).review_round_id


def _to_review(world, client):
    call = open_call(world)
    clerk, other = world.provincial_clerk, world.other_provincial_clerk
    first = services.nominate(by=clerk, call=call, organization=world.prov_a, nominee=person(clerk, world.prov_a, "赵一鸣"))
    second = services.nominate(by=other, call=call, organization=world.prov_b,
                               nominee=person(other, world.prov_b, "钱二林", born="1991-02-03"))
    services.formal_close(by=world.national_clerk, call=call)
    for n in (first, second):
        services.formal_check(by=world.national_clerk, nomination=n)
    entries = [expert(world, "冯自由"), expert(world, "陈公正")]
    library = entries[0].library
    bad = client.post(reverse("awards:review_start", args=[call.pk]), {
        "library": library.pk, "reviewers_per_item": 2, "load_cap": 2, "criteria": "学术水平 60\n发展潜力 30"})
    assert "各评审指标满分之和必须为100（现为90）。" in _page(bad) and AwardCall.objects.get(pk=call.pk).review_round_id is None
    client.post(reverse("awards:review_start", args=[call.pk]), {
        "library": library.pk, "reviewers_per_item": 2, "load_cap": 2, "criteria": "学术水平 60\n发展潜力 40"})
    call.refresh_from_db()
    round = call.review_round
    for entry in entries:
        panels.seat_add(by=world.national_clerk, round=round, entry=entry)
    panels.conflicts_compute(by=world.national_clerk, round=round, today=TODAY)
    panels.assignment_run(by=world.national_clerk, round=round, today=TODAY)
    points = {first.pk: 50, second.pk: 40}
    first.refresh_from_db(), second.refresh_from_db()
    by_item = {first.review_item_id: points[first.pk], second.review_item_id: points[second.pk]}
    for a in Assignment.objects.filter(item__round=round).select_related("seat"):
        panels.score_submit(by=world.national_clerk, item=a.item, entry=a.seat.entry,
                            values={"c1": by_item[a.item_id], "c2": 30})
    panels.scoring_close(by=world.national_clerk, round=round)
    return call, first, second


def test_review_notice_winners_and_follow_ups_from_the_call_page(world, signed_in):
    client = signed_in(world.national_clerk)
    call, first, second = _to_review(world, client)
    page = _page(client.get(reverse("awards:detail", args=[call.pk])))
    assert reverse("panels:detail", args=[call.review_round_id]) in page and 'id="panel-link"' in page
    assert [c["name"] for c in call.review_round.form] == ["学术水平", "发展潜力"]
    assert 'id="notice-form"' in page

    client.post(reverse("awards:notice", args=[call.pk]), {"start": "2026-12-03", "end": "2026-12-10"})
    call.refresh_from_db()
    assert call.status == "notice"
    page = _page(client.get(reverse("awards:detail", args=[call.pk])))
    form = page.split('id="winners-form"', 1)[1].split("</form>", 1)[0]
    checked = [line for line in form.split("<input")[1:] if "checked" in line.split(">", 1)[0]]
    assert len(checked) == 1 and f'value="{first.pk}"' in checked[0]  # the top of the ranking, preselected
    assert form.index("赵一鸣") < form.index("钱二林")

    objection = panels.objection_raise(by=world.national_clerk, item=first.review_item, text="论文署名存疑", name="匿名")
    refused = client.post(reverse("awards:winners", args=[call.pk]), {"winners": [first.pk]})
    assert refused.status_code == 200 and "请先处理全部异议再作决定。" in _page(refused)
    call.refresh_from_db()
    assert call.status == "notice"
    panels.objection_handle(by=world.national_clerk, objection=objection, decision="经核实署名无误", upheld=False)
    none = client.post(reverse("awards:winners", args=[call.pk]), {})
    assert "请至少选择一名人选。" in _page(none)
    client.post(reverse("awards:winners", args=[call.pk]), {"winners": [first.pk]})
    call.refresh_from_db(), first.refresh_from_db(), second.refresh_from_db()
    assert (call.status, first.status, second.status) == ("decided", "winner", "not_selected")
    page = _page(client.get(reverse("awards:detail", args=[call.pk])))
    assert "赵一鸣" in page.split('id="winners"', 1)[1].split("</ul>", 1)[0]

    client.post(reverse("awards:followups_plan", args=[call.pk]), {"years": 2, "first_due": "2027-12-31"})
    rows = list(FollowUp.objects.order_by("programme_year"))
    assert [(r.person.name, r.programme_year, r.due_on) for r in rows] == [
        ("赵一鸣", 1, dt.date(2027, 12, 31)), ("赵一鸣", 2, dt.date(2028, 12, 31))]
    province = signed_in(world.provincial_clerk)
    assert "followup-submit" in _page(province.get(reverse("awards:detail", args=[call.pk])))
    assert signed_in(world.other_provincial_clerk).post(reverse("awards:followup_submit", args=[rows[0].pk]),
                                                        {"text": "越权"}).status_code == 404
    signed_in(world.provincial_clerk).post(reverse("awards:followup_submit", args=[rows[0].pk]),
                                           {"text": "第一年完成中试"})
    boss = signed_in(world.national_clerk)
    boss.post(reverse("awards:followup_review", args=[rows[0].pk]), {"note": "进展良好"})
    rows[0].refresh_from_db()
    assert (rows[0].text, rows[0].review_note) == ("第一年完成中试", "进展良好") and rows[0].reviewed_at
    refused = boss.post(reverse("awards:followup_review", args=[rows[1].pk]), {"note": "未交"}, follow=True)
    assert "该年度报告尚未提交。" in _page(refused)
