"""Calls for abstracts: a conference opens a call, S&T workers submit and see only their own
abstracts, the review goes through the panels engine (a round with one item per abstract, the
author's record on the item so the conflict checks keep an author's relative off it), and the
decision takes the round's score and rank and notifies the submitter."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kexie.activities import abstracts
from kexie.activities.models import AbstractSubmission
from kexie.audit.models import AuditLog
from kexie.notifications.models import Notification
from kexie.panels import services as panels
from kexie.panels.models import Assignment, ConflictRecord
from kexie.people import services as people
from kexie.people.models import Person
from tests.activities.helpers import activity
from tests.personas import make_external

FORM = [{"code": "merit", "name": "学术水平", "max": 60}, {"code": "novelty", "name": "创新性", "max": 40}]


def _today():
    return timezone.localdate()


def conference(world, **data):
    return activity(world, kind="conference", title="2026年甲省电子学会学术年会", held=False,
                    starts_on=_today() + dt.timedelta(days=30), place="甲省会议中心", **data)


def open_call(world, conf=None, topics="人工智能\n集成电路"):
    conf = conf or conference(world)
    return abstracts.call_open(by=world.provincial_clerk, activity=conf, data={
        "opens_on": _today() - dt.timedelta(days=1), "closes_on": _today() + dt.timedelta(days=10),
        "topics": topics})


def author(world, name, email):
    """An external account with its person record (kept by 甲省科协)."""
    person = people.person_create(by=world.provincial_clerk, organization=world.prov_a, data={"name": name},
                                  positions=[{"unit_name": f"{name}所在大学"}])
    account = make_external(email, full_name=name)
    Person.objects.filter(pk=person.pk).update(account=account)
    return account, person


def submit(call, account, title, topic="人工智能"):
    return abstracts.submission_submit_mine(by=account, call=call, data={
        "title": title, "authors": f"{account.full_name}（某大学）", "abstract": "本文提出……", "topic": topic})


def test_only_a_planned_conference_opens_one_call(world):
    lecture = activity(world, kind="lecture", held=False, starts_on=_today() + dt.timedelta(days=5))
    with pytest.raises(ValidationError) as refused:
        abstracts.call_open(by=world.provincial_clerk, activity=lecture, data={
            "opens_on": _today(), "closes_on": _today()})
    assert "activity" in refused.value.message_dict
    call = open_call(world)
    with pytest.raises(ValidationError):
        open_call(world, conf=call.activity)
    with pytest.raises(ValidationError) as late:
        abstracts.call_open(by=world.provincial_clerk, activity=conference(world), data={
            "opens_on": _today(), "closes_on": _today() + dt.timedelta(days=60)})
    assert "closes_on" in late.value.message_dict
    assert AuditLog.objects.filter(action="create", object_type="activities.abstractcall").count() == 1


def test_a_submission_is_credited_to_the_accounts_person_and_checked(world):
    call = open_call(world)
    account, person = author(world, "张伟", "zhang.wei@example.cn")
    s = submit(call, account, "基于深度学习的芯片缺陷检测")
    assert s.person == person and s.status == "submitted" and s.submitted_by == account
    with pytest.raises(ValidationError) as refused:
        submit(call, account, "另一篇", topic="生物医药")
    assert "topic" in refused.value.message_dict
    with pytest.raises(ValidationError) as closed:
        abstracts.submission_submit_mine(by=account, call=call, today=call.closes_on + dt.timedelta(days=1), data={
            "title": "迟到", "authors": "张伟", "abstract": "……", "topic": "人工智能"})
    assert "call" in closed.value.message_dict
    assert AbstractSubmission.objects.count() == 1


def test_an_external_account_submits_from_its_pages_and_sees_only_its_own(world, signed_in, client):
    call = open_call(world)
    account, person = author(world, "张伟", "zhang.wei@example.cn")
    other, _p = author(world, "李娜", "li.na@example.cn")
    submit(call, other, "李娜的摘要")
    page = signed_in(account).get(reverse("activities:my_abstracts"))
    assert page.status_code == 200 and call.activity.title in page.content.decode()
    assert "李娜的摘要" not in page.content.decode()
    assert "我的论文摘要" in page.content.decode()  # the external menu's entry
    response = client.post(reverse("activities:my_abstract_submit", args=[call.pk]), {
        "title": "面向边缘计算的低功耗芯片", "authors": "张伟（甲大学）", "topic": "集成电路", "abstract": "摘要正文"})
    assert response.status_code == 302
    mine = AbstractSubmission.objects.get(title="面向边缘计算的低功耗芯片")
    assert mine.submitted_by == account and mine.person == person
    page = client.get(reverse("activities:my_abstracts")).content.decode()
    assert "面向边缘计算的低功耗芯片" in page and "李娜的摘要" not in page
    refused = client.post(reverse("activities:my_abstract_submit", args=[call.pk]), {
        "title": "", "authors": "张伟", "topic": "集成电路", "abstract": "正文"})
    assert refused.status_code == 400
    # Staff pages stay closed to the external account.
    assert client.get(reverse("activities:abstract_call", args=[call.activity.pk])).status_code == 404
    abstracts.call_close(by=world.provincial_clerk, call=call)
    assert client.get(reverse("activities:my_abstract_submit", args=[call.pk])).status_code == 404


def _reviewed(world):
    """A closed call with two abstracts sent to review, a panel of three, one of them the first
    author's relative; assignment run."""
    clerk = world.provincial_clerk
    call = open_call(world)
    first_account, first_person = author(world, "赵一鸣", "zhao@example.cn")
    second_account, _second = author(world, "钱二林", "qian@example.cn")
    first = submit(call, first_account, "新型储能材料的界面调控")
    second = submit(call, second_account, "碳化硅功率器件可靠性")
    with pytest.raises(ValidationError):
        abstracts.review_send(by=clerk, call=call)  # still open
    abstracts.call_close(by=clerk, call=call)
    round = abstracts.review_send(by=clerk, call=call, data={"form": FORM, "reviewers_per_item": 2, "load_cap": 2})
    experts = {}
    for name in ("吴亲属", "冯自由", "陈公正"):
        p = people.person_create(by=clerk, organization=world.prov_a, data={"name": name},
                                 positions=[{"unit_name": f"{name}研究院"}])
        experts[name] = people.entry_add(by=clerk, organization=world.prov_a, person=p, data={"keywords": "材料"})
    people.relation_add(by=clerk, person=experts["吴亲属"].person, other=first_person, kind="kin")
    for entry in experts.values():
        panels.seat_add(by=clerk, round=round, entry=entry)
    panels.conflicts_compute(by=clerk, round=round)
    panels.assignment_run(by=clerk, round=round)
    first.refresh_from_db(), second.refresh_from_db(), call.refresh_from_db()
    return call, round, first, second, experts


def test_sending_to_review_makes_a_panels_round_and_the_engine_keeps_conflicts_off(world):
    call, round, first, second, experts = _reviewed(world)
    assert call.status == "review" and call.review_round == round and round.organization == world.prov_a
    assert list(round.items.order_by("pk")) == [first.review_item, second.review_item]
    assert first.status == "under_review" and first.review_item.source_id == str(first.pk)
    assert list(first.review_item.persons.values_list("name", flat=True)) == ["赵一鸣"]
    conflict = ConflictRecord.objects.get(item=first.review_item, entry=experts["吴亲属"])
    assert conflict.reason_code  # the engine's own reason
    assert not Assignment.objects.filter(item=first.review_item, seat__entry=experts["吴亲属"]).exists()
    with pytest.raises(ValidationError):
        abstracts.review_send(by=world.provincial_clerk, call=call)  # once only


def test_the_decision_takes_the_panel_result_and_notifies_the_submitter(world):
    call, round, first, second, _experts = _reviewed(world)
    clerk = world.provincial_clerk
    with pytest.raises(ValidationError):
        abstracts.submission_decide(by=clerk, submission=first, accept=True)  # not scored yet
    points = {first.review_item_id: 55, second.review_item_id: 30}
    for a in Assignment.objects.filter(item__round=round).select_related("seat"):
        panels.score_submit(by=clerk, item=a.item, entry=a.seat.entry,
                            values={"merit": points[a.item_id], "novelty": 30})
    panels.scoring_close(by=clerk, round=round)
    decided = abstracts.submission_decide(by=clerk, submission=first, accept=True)
    assert decided.status == "accepted" and decided.panel_rank == 1 and decided.panel_score == 85
    assert decided.decided_by == clerk
    rejected = abstracts.submission_decide(by=clerk, submission=second, accept=False, note="与会议主题关联较弱")
    assert rejected.status == "rejected" and rejected.panel_rank == 2
    notes = Notification.objects.filter(recipient=first.submitted_by)
    assert [(n.kind, n.title) for n in notes] == [("abstract", "您投给2026年甲省电子学会学术年会的论文摘要已录用")]
    assert Notification.objects.filter(recipient=second.submitted_by, body__contains="与会议主题关联较弱").exists()
    with pytest.raises(ValidationError):
        abstracts.submission_decide(by=clerk, submission=first, accept=False)  # already decided
    assert AuditLog.objects.filter(action="decide", object_type="activities.abstractsubmission").count() == 2


def test_going_against_the_panels_decision_needs_a_reason(world):
    call, round, first, second, _experts = _reviewed(world)
    clerk = world.provincial_clerk
    for a in Assignment.objects.filter(item__round=round).select_related("seat"):
        panels.score_submit(by=clerk, item=a.item, entry=a.seat.entry, values={"merit": 40, "novelty": 30})
    panels.scoring_close(by=clerk, round=round)
    panels.notice_publish(by=clerk, round=round, start=_today(), end=_today())
    panels.decisions_record(by=clerk, round=round, approved=[first.review_item])
    with pytest.raises(ValidationError) as refused:
        abstracts.submission_decide(by=clerk, submission=second, accept=True)
    assert "note" in refused.value.message_dict
    assert abstracts.submission_decide(by=clerk, submission=second, accept=True, note="大会增设专题").status == "accepted"


def test_the_staff_pages_open_a_call_send_it_to_review_and_decide(world, signed_in):
    client = signed_in(world.provincial_clerk)
    conf = conference(world)
    page = client.get(reverse("activities:abstract_call", args=[conf.pk]))
    assert page.status_code == 200 and 'id="call-form"' in page.content.decode()
    bad = client.post(reverse("activities:abstract_call_open", args=[conf.pk]), {
        "opens_on": "2026-10-10", "closes_on": "2026-10-01"})
    assert bad.status_code == 400 and "征集截止日期不能早于开始日期" in bad.content.decode()
    ok = client.post(reverse("activities:abstract_call_open", args=[conf.pk]), {
        "opens_on": _today().isoformat(), "closes_on": (_today() + dt.timedelta(days=3)).isoformat(),
        "topics": "人工智能"})
    assert ok.status_code == 302
    call = conf.abstract_call
    account, _person = author(world, "张伟", "zhang.wei@example.cn")
    s = submit(call, account, "大模型推理加速")
    empty = client.post(reverse("activities:abstract_review_send", args=[conf.pk]))
    assert empty.status_code == 400  # still open
    assert client.post(reverse("activities:abstract_call_close", args=[conf.pk])).status_code == 302
    sent = client.post(reverse("activities:abstract_review_send", args=[conf.pk]))
    assert sent.status_code == 302, sent.content.decode()[-3000:]
    s.refresh_from_db()
    assert s.status == "under_review"
    detail = client.get(reverse("activities:abstract_detail", args=[s.pk]))
    assert detail.status_code == 200 and 'id="decide-form"' in detail.content.decode()
    early = client.post(reverse("activities:abstract_decide", args=[s.pk]), {"decision": "accept"})
    assert early.status_code == 400
    # Outside the clerk's scope: 404.
    other = signed_in(world.other_provincial_clerk)
    assert other.get(reverse("activities:abstract_detail", args=[s.pk])).status_code == 404


def test_the_demo_call_is_built_once_with_its_abstracts_under_review(world):
    from kexie.core.demo.activities import ABSTRACTS, ABSTRACTS_ON, AUTHOR_ADDRESS, ensure_demo_abstracts

    users = {"society_secretary": world.society_secretary, "national_clerk": world.national_clerk}
    activity(world, org=world.society, kind="conference", title=ABSTRACTS_ON, by=world.society_secretary,
             starts_on=_today() - dt.timedelta(days=30))
    assert ensure_demo_abstracts(user_named=users.__getitem__) is True
    submissions = AbstractSubmission.objects.order_by("pk")
    assert [s.title for s in submissions] == [row[3] for row in ABSTRACTS]
    assert {s.status for s in submissions} == {"under_review"}
    assert submissions[0].person.account.username == AUTHOR_ADDRESS
    call = submissions[0].call
    assert call.review_round.items.count() == len(ABSTRACTS) and call.status == "review"
    assert ensure_demo_abstracts(user_named=users.__getitem__) is False
    assert AbstractSubmission.objects.count() == len(ABSTRACTS)


def test_a_cancelled_conference_opens_no_call(world):
    from kexie.activities import services

    conf = conference(world)
    services.activity_cancel(by=world.provincial_clerk, activity=conf, reason="延期举办")
    with pytest.raises(ValidationError) as refused:
        open_call(world, conf=conf)
    assert "已取消的会议" in refused.value.message_dict["activity"][0]


def test_the_home_page_of_the_account_lists_its_own_abstracts(world, signed_in):
    call = open_call(world)
    account, _person = author(world, "张伟", "zhang.wei@example.cn")
    other, _p = author(world, "李娜", "li.na@example.cn")
    submit(call, account, "张伟的摘要")
    submit(call, other, "李娜的摘要")
    page = signed_in(account).get(reverse("accounts:me")).text
    assert "我的论文摘要" in page and "张伟的摘要" in page and "李娜的摘要" not in page


def test_only_a_conference_has_a_call_page(world, signed_in):
    lecture = activity(world, kind="lecture", held=False, starts_on=_today() + dt.timedelta(days=5))
    client = signed_in(world.provincial_clerk)
    assert client.get(reverse("activities:abstract_call", args=[lecture.pk])).status_code == 404
    page = client.get(reverse("activities:detail", args=[lecture.pk])).text
    assert reverse("activities:abstract_call", args=[lecture.pk]) not in page
