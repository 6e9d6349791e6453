"""Every form of the proposals pages, refused: the page is drawn again (400) with the Chinese message
next to the field concerned (or on the form, where no one field is), and nothing was saved."""

import datetime as dt

import pytest
from django.urls import reverse

from kexie.proposals import services
from kexie.proposals.models import Bulletin, Campaign, Milestone, Sending, Study, Submission
from kexie.tracking.models import Instruction
from tests.personas import make_external
from tests.proposals.helpers import field_errors, form_errors, open_campaign, submit

REQUIRED = "该字段是必填项。"


@pytest.fixture
def clerk(world, signed_in):
    return signed_in(world.provincial_clerk)


def _selected(world):
    submission = submit(world, open_campaign(world))
    services.valuation_record(by=world.provincial_clerk, submission=submission, grade="A")
    return services.submission_decide(by=world.provincial_clerk, submission=submission, selected=True)


def _bulletin(world, *, issued=False):
    submission = _selected(world)
    bulletin = services.bulletin_create(by=world.provincial_clerk, organization=world.prov_a,
                                        data={"series": "科技智库建言", "year": 2026})
    services.bulletin_entries_set(by=world.provincial_clerk, bulletin=bulletin,
                                  entries=[{"submission": submission}])
    if issued:
        services.bulletin_issue(by=world.provincial_clerk, bulletin=bulletin, issued_on=dt.date(2026, 5, 15))
    return bulletin


def _study(world):
    return services.study_create(by=world.provincial_clerk, organization=world.prov_a, data={"title": "县域调研"})


# --- campaigns ------------------------------------------------------------------------------------

def test_a_campaign_closing_before_it_opens_is_refused_on_its_closing_date(world, clerk):
    response = clerk.post(reverse("proposals:campaign_create"), {
        "organization": world.prov_a.pk, "kind": "themed", "title": "专题征集",
        "opens_on": "2026-06-01", "closes_on": "2026-05-01"})
    assert response.status_code == 400
    assert field_errors(response, "proposals-form", "closes_on") == ["截止日期不能早于开始日期。"]
    assert not Campaign.objects.exists()


def test_opening_an_open_campaign_is_refused_on_its_page(world, clerk):
    campaign = open_campaign(world)
    response = clerk.post(reverse("proposals:campaign_open", args=[campaign.pk]))
    assert response.status_code == 400
    assert "征集活动已在进行中。" in form_errors(response)
    assert response.context["campaign"] == campaign


# --- submitting -----------------------------------------------------------------------------------

def test_a_proposal_without_an_author_is_refused_on_its_authors(world, clerk):
    campaign = open_campaign(world)
    response = clerk.post(reverse("proposals:submit"), {
        "campaign": campaign.pk, "title": "无作者的建议", "text": "……", "source_kind": "person"})
    assert response.status_code == 400
    assert field_errors(response, "proposals-form", "authors") == ["请至少填写一位作者。"]
    assert not Submission.objects.exists()


def test_a_worker_cannot_submit_after_the_closing_date_and_is_told_on_the_campaign(world, signed_in):
    campaign = open_campaign(world)
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=dt.date.today() - dt.timedelta(days=1))
    response = signed_in(make_external()).post(reverse("proposals:my_submit"), {
        "campaign": campaign.pk, "title": "迟到的建议", "text": "……"})
    assert response.status_code == 400
    [message] = field_errors(response, "my-submit-form", "campaign")
    assert message.startswith("征集活动“2026年度软科学课题征集”已于") and message.endswith("截止。")
    assert not Submission.objects.exists()


# --- one proposal's page --------------------------------------------------------------------------

def test_a_valuation_without_grade_or_score_is_refused_on_the_grade(world, clerk):
    submission = submit(world, open_campaign(world))
    response = clerk.post(reverse("proposals:valuate", args=[submission.pk]), {"summary": "尚可"})
    assert response.status_code == 400
    assert field_errors(response, "valuation-form", "grade") == ["请给出等级或分数。"]
    assert not submission.valuations.exists()


def test_a_score_above_100_is_refused_on_the_score(world, clerk):
    submission = submit(world, open_campaign(world))
    response = clerk.post(reverse("proposals:valuate", args=[submission.pk]), {"score": "120"})
    assert response.status_code == 400
    assert field_errors(response, "valuation-form", "score") == ["确保该值小于或等于100。"]
    assert not submission.valuations.exists()


def test_a_reply_to_a_note_of_another_proposal_is_refused_on_the_note_form(world, clerk):
    campaign = open_campaign(world)
    submission, other = submit(world, campaign), submit(world, campaign, title="另一条建议")
    note = services.note_add(by=world.provincial_clerk, submission=other, text="别处的批注")
    response = clerk.post(reverse("proposals:note_add", args=[submission.pk]), {"text": "回复", "parent": note.pk})
    assert response.status_code == 400
    assert form_errors(response, "note-form") == ["所回复的批注不属于本建议。"]
    assert not submission.notes.exists()


def test_deciding_before_any_valuation_is_refused_next_to_the_decision(world, clerk):
    submission = submit(world, open_campaign(world))
    response = clerk.post(reverse("proposals:decide", args=[submission.pk]), {"selected": "1"})
    assert response.status_code == 400
    assert "请先评价再决定是否入选。" in form_errors(response)
    submission.refresh_from_db()
    assert submission.status == "submitted"


def test_an_instruction_without_its_leader_is_refused_on_the_leader(world, clerk):
    submission = submit(world, open_campaign(world))
    response = clerk.post(reverse("proposals:instruct", args=[submission.pk]),
                          {"leader": "", "text": "请研究。", "day": "2026-05-20"})
    assert response.status_code == 400
    assert field_errors(response, "instruction-form", "leader") == [REQUIRED]
    assert not Instruction.objects.exists()


def test_an_adoption_without_saying_how_is_refused_on_its_note(world, clerk):
    submission = _selected(world)
    response = clerk.post(reverse("proposals:adopt", args=[submission.pk]), {"note": "", "day": "2026-06-01"})
    assert response.status_code == 400
    assert field_errors(response, "adoption-form", "note") == [REQUIRED]
    submission.refresh_from_db()
    assert submission.status == "selected" and submission.adopted_on is None


def test_sending_a_proposal_on_a_date_that_is_no_date_is_refused_on_the_date(world, clerk):
    submission = _selected(world)
    response = clerk.post(reverse("proposals:submission_send", args=[submission.pk]), {
        "recipient_kind": "party", "recipient": "省委办公厅", "sent_on": "2026-13-45"})
    assert response.status_code == 400
    assert field_errors(response, "sending-form", "sent_on") == ["输入一个有效的日期。"]
    assert not Sending.objects.exists()


# --- bulletins ------------------------------------------------------------------------------------

def test_a_bulletin_number_already_taken_is_refused_on_the_number(world, clerk):
    bulletin = _bulletin(world)
    submission = bulletin.entries.get().submission
    response = clerk.post(reverse("proposals:bulletin_create"), {
        "organization": world.prov_a.pk, "series": "科技智库建言", "year": 2026, "number": 1,
        f"include-{submission.pk}": "1", f"title-{submission.pk}": "保留的编辑标题"})
    assert response.status_code == 400
    assert field_errors(response, "bulletin-form", "number") == ["《科技智库建言》已有〔2026〕第1期。"]
    assert Bulletin.objects.count() == 1
    # The proposals ticked stay ticked, with their edits.
    assert 'value="保留的编辑标题"' in response.content.decode()


def test_entries_with_no_proposal_ticked_are_refused_on_the_entries_form(world, clerk):
    bulletin = _bulletin(world)
    response = clerk.post(reverse("proposals:bulletin_entries", args=[bulletin.pk]), {})
    assert response.status_code == 400
    assert form_errors(response, "entries-form") == ["请至少选择一条已入选的建议。"]
    assert bulletin.entries.count() == 1


def test_issuing_without_a_date_is_refused_on_the_date(world, clerk):
    bulletin = _bulletin(world)
    response = clerk.post(reverse("proposals:bulletin_issue", args=[bulletin.pk]), {"issued_on": ""})
    assert response.status_code == 400
    assert field_errors(response, "issue-form", "issued_on") == [REQUIRED]
    bulletin.refresh_from_db()
    assert bulletin.status == "draft" and not bulletin.file


def test_sending_a_draft_bulletin_is_refused_on_the_sending_form(world, clerk):
    bulletin = _bulletin(world)
    response = clerk.post(reverse("proposals:bulletin_send", args=[bulletin.pk]), {
        "recipient_kind": "party", "recipient": "省委办公厅", "sent_on": "2026-05-16"})
    assert response.status_code == 400
    assert form_errors(response, "sending-form") == ["专报印发后才能报送。"]
    assert not Sending.objects.exists()


def test_an_instruction_on_a_sending_without_its_text_is_refused_under_that_sending(world, clerk):
    bulletin = _bulletin(world, issued=True)
    sending = services.sending_record(by=world.provincial_clerk, bulletin=bulletin, recipient_kind="party",
                                      recipient="省委办公厅", sent_on=dt.date(2026, 5, 16))
    response = clerk.post(reverse("proposals:sending_instruct", args=[sending.pk]),
                          {"leader": "省长 王某", "text": "", "day": "2026-05-20"})
    assert response.status_code == 400
    assert field_errors(response, f"sending-{sending.pk}-instruction", "text") == [REQUIRED]
    assert not Instruction.objects.exists()


# --- studies --------------------------------------------------------------------------------------

def test_a_study_without_a_title_is_refused_on_its_title(world, clerk):
    response = clerk.post(reverse("proposals:study_create"), {"organization": world.prov_a.pk, "title": " "})
    assert response.status_code == 400
    assert field_errors(response, "proposals-form", "title") == [REQUIRED]
    assert not Study.objects.exists()


def test_a_milestone_added_to_a_reported_study_is_refused_on_the_milestone_form(world, clerk):
    study = _study(world)
    services.study_report(by=world.provincial_clerk, study=study, report="报告", day=dt.date(2026, 10, 1))
    response = clerk.post(reverse("proposals:milestone_add", args=[study.pk]),
                          {"title": "补充调研", "due_on": "2026-11-30"})
    assert response.status_code == 400
    assert form_errors(response, "milestone-form") == ["课题已“已结题”。"]
    assert not Milestone.objects.exists()


def test_a_milestone_done_without_its_report_is_refused_in_its_row(world, clerk):
    study = _study(world)
    milestone = services.milestone_add(by=world.provincial_clerk, study=study, title="开题",
                                       due_on=dt.date(2026, 6, 30))
    response = clerk.post(reverse("proposals:milestone_done", args=[milestone.pk]),
                          {"report": "", "day": "2026-06-20"})
    assert response.status_code == 400
    assert field_errors(response, f"milestone-{milestone.pk}-done", "report") == [REQUIRED]
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_a_final_report_that_is_empty_is_refused_on_the_report(world, clerk):
    study = _study(world)
    response = clerk.post(reverse("proposals:study_report", args=[study.pk]), {"report": "  ", "day": "2026-10-01"})
    assert response.status_code == 400
    assert field_errors(response, "report-form", "report") == [REQUIRED]
    study.refresh_from_db()
    assert study.status == "underway" and not study.report
