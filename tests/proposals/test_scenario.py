"""A proposal from submission to adoption: valuation, selection, the bulletin .docx (opened and
checked: masthead, issue number, date, headings, fonts, author credit), its sending, a leader's
instruction (批示) recorded as a tracking Instruction, adoption, and the author's credits."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from docx.shared import RGBColor

from kexie.audit.models import AuditLog
from kexie.core.officialdoc import BODY_FONT, HEI_FONT, east_asian_font
from kexie.proposals import selectors, services
from kexie.tracking.models import Instruction
from tests.proposals.helpers import TODAY, open_campaign, person, submit


def _texts(document):
    return [p.text for p in document.paragraphs]


def test_a_proposal_from_submission_to_adoption_with_its_bulletin_and_instruction(world):
    clerk = world.provincial_clerk
    campaign = open_campaign(world)
    author = person(clerk, world.prov_a, "李文博", unit="甲省农业科学院")
    first = submit(world, campaign, authors=[author])
    society = services.submission_create(
        by=world.provincial_clerk, campaign=campaign, organization=world.prov_a, source_kind="society",
        authors=[], today=TODAY, data={"title": "关于完善科技成果转化激励的建议", "text": "建议完善激励机制。"})
    services.valuation_record(by=clerk, submission=first, grade="A", summary="建议具体，可报送")
    services.note_add(by=clerk, submission=first, text="数据需核实")
    services.valuation_record(by=clerk, submission=society, score=62)
    first = services.submission_decide(by=clerk, submission=first, selected=True)
    assert first.status == "selected"
    assert services.submission_decide(by=clerk, submission=society, selected=False).status == "not_selected"

    bulletin = services.bulletin_create(by=clerk, organization=world.prov_a, data={
        "series": "科技智库建言", "year": 2026, "editor": "王编辑", "sent_to": "省委、省政府",
        "copied_to": "中国科协调研宣传部"})
    assert bulletin.number == 1
    with pytest.raises(ValidationError, match="未入选专报"):
        services.bulletin_entries_set(by=clerk, bulletin=bulletin, entries=[{"submission": society}])
    services.bulletin_entries_set(by=clerk, bulletin=bulletin, entries=[
        {"submission": first, "title": "建设县域科技服务站 助力乡村振兴", "text": "建立县域科技服务站。\n配备专职人员。"}])
    bulletin = services.bulletin_issue(by=clerk, bulletin=bulletin, issued_on=dt.date(2026, 5, 15))
    assert bulletin.status == "issued" and bulletin.file.name.endswith(".docx")

    name, content = services.bulletin_export(by=clerk, bulletin=bulletin)
    assert name == "科技智库建言〔2026〕第1期.docx"
    document = Document(io.BytesIO(content))
    paragraphs = document.paragraphs
    masthead = paragraphs[0].runs[0]
    assert masthead.text == "科技智库建言" and masthead.font.color.rgb == RGBColor(0xFF, 0, 0)
    texts = _texts(document)
    assert "〔2026〕第1期" in texts
    assert "甲省科学技术协会　　　　2026年5月15日" in texts
    heading = next(p for p in paragraphs if p.text == "一、建设县域科技服务站 助力乡村振兴")
    assert east_asian_font(heading.runs[0]) == HEI_FONT
    credit = next(p for p in paragraphs if p.text.startswith("作者："))
    assert credit.text == "作者：李文博　单位：甲省农业科学院"
    assert east_asian_font(credit.runs[0]) == BODY_FONT
    assert "配备专职人员。" in texts and "报送：省委、省政府" in texts and "抄送：中国科协调研宣传部" in texts

    sending = services.sending_record(by=clerk, bulletin=bulletin, recipient_kind="party", recipient="甲省省委办公厅",
                                      sent_on=dt.date(2026, 5, 16))
    instruction = services.instruction_record(by=clerk, subject=sending, leader="省委副书记 张某",
                                              text="建议很好，请省科技厅研究落实。", day=dt.date(2026, 5, 20))
    instruction = Instruction.objects.get(pk=instruction.pk)
    assert instruction.item is None and instruction.subject == sending and instruction.leader == "省委副书记 张某"
    assert instruction.given_on == dt.date(2026, 5, 20) and instruction.author == clerk
    assert list(selectors.instructions_on(first)) == [instruction]
    assert list(selectors.instructions_on(society)) == []

    first = services.adoption_record(by=clerk, submission=first, note="纳入省政府2026年工作要点",
                                     day=dt.date(2026, 6, 1))
    assert first.status == "adopted"

    credits = selectors.credits_for(author)
    assert credits["submissions"] == [first] and credits["adopted"] == [first]
    assert credits["bulletins"] == [bulletin] and credits["instructions"] == [instruction]

    actions = set(AuditLog.objects.filter(object_type__startswith="proposals.").values_list("action", flat=True))
    assert {"create", "submit", "score", "status", "update", "publish", "export", "approve"} <= actions
    assert AuditLog.objects.filter(action="instruct", object_id=str(instruction.pk)).exists()


def test_an_instruction_on_a_proposal_itself(world):
    clerk = world.provincial_clerk
    campaign = open_campaign(world)
    submission = submit(world, campaign)
    services.valuation_record(by=clerk, submission=submission, grade="B")
    instruction = services.instruction_record(by=clerk, subject=submission, leader="副省长 李某", text="阅。",
                                              day=dt.date(2026, 5, 20))
    assert list(selectors.instructions_on(submission)) == [instruction]
    with pytest.raises(ValidationError):
        services.instruction_record(by=clerk, subject=submission, leader="", text="阅。", day=dt.date(2026, 5, 20))


def test_a_closed_campaign_takes_no_submission_and_nothing_is_saved(world):
    campaign = open_campaign(world)
    services.campaign_close(by=world.provincial_clerk, campaign=campaign)
    with pytest.raises(ValidationError, match="未在征集中"):
        submit(world, campaign)
    assert not campaign.submissions.exists()


def test_the_issue_number_is_unique_per_series_and_year(world):
    clerk = world.provincial_clerk
    services.bulletin_create(by=clerk, organization=world.prov_a, data={"series": "科技智库建言", "year": 2026})
    second = services.bulletin_create(by=clerk, organization=world.prov_a, data={"series": "《科技智库建言》", "year": 2026})
    assert second.number == 2 and second.series == "科技智库建言"
    with pytest.raises(ValidationError):
        services.bulletin_create(by=clerk, organization=world.prov_a,
                                 data={"series": "科技智库建言", "year": 2026, "number": 2})
    assert services.bulletin_create(by=clerk, organization=world.prov_a,
                                    data={"series": "科技智库建言", "year": 2027}).number == 1


def test_a_campaign_outside_the_scope_is_not_found(world):
    from django.http import Http404

    campaign = open_campaign(world)
    submission = submit(world, campaign)
    with pytest.raises(Http404):
        services.valuation_record(by=world.other_provincial_clerk, submission=submission, grade="A")
    assert not submission.valuations.exists()


def test_the_person_page_shows_the_credit_to_those_who_may_view_proposals(world, signed_in):
    clerk = world.provincial_clerk
    campaign = open_campaign(world)
    author = person(clerk, world.prov_a, "李文博")
    others = person(clerk, world.prov_a, "赵敏")
    submission = submit(world, campaign, authors=[author])
    services.valuation_record(by=clerk, submission=submission, grade="A")
    services.instruction_record(by=clerk, subject=submission, leader="副省长 李某", text="请研究。",
                                day=dt.date(2026, 5, 20))

    page = signed_in(clerk).get(reverse("people:detail", args=[author.pk])).content.decode()

    assert 'id="proposal-credits"' in page and submission.title in page and "副省长 李某：请研究。" in page
    # No section on the page of a person with no proposal, nor for a user who may not view proposals.
    assert 'id="proposal-credits"' not in signed_in(clerk).get(
        reverse("people:detail", args=[others.pk])).content.decode()
    assert selectors.person_section(world.county_clerk, author) is None
