"""The proposals pages as their users rely on them: the clerk valuates and keeps private notes,
composes and issues a bulletin and downloads its Word file, records a 批示 on a sending; an S&T
worker submits to an open campaign and follows the status of their proposals without ever seeing
the reviewers' notes."""

import datetime as dt
import io

from django.urls import reverse
from docx import Document

from kexie.people.models import Person
from kexie.proposals import services
from kexie.proposals.models import Bulletin, Submission
from kexie.tracking.models import Instruction
from tests.personas import make_external
from tests.proposals.helpers import field_errors, open_campaign, submit


def _selected(world):
    campaign = open_campaign(world)
    submission = submit(world, campaign)
    services.valuation_record(by=world.provincial_clerk, submission=submission, grade="A")
    services.submission_decide(by=world.provincial_clerk, submission=submission, selected=True)
    return campaign, submission


def test_the_clerk_valuates_and_notes_a_proposal_on_its_page(world, signed_in):
    campaign = open_campaign(world)
    submission = submit(world, campaign)
    client = signed_in(world.provincial_clerk)
    url = reverse("proposals:submission", args=[submission.pk])
    client.post(reverse("proposals:valuate", args=[submission.pk]), {"grade": "B", "summary": "可用"})
    client.post(reverse("proposals:note_add", args=[submission.pk]), {"text": "第二部分数据待核"})
    note = submission.notes.get()
    client.post(reverse("proposals:note_add", args=[submission.pk]), {"text": "已核实", "parent": note.pk})
    page = client.get(url).content.decode()
    assert "第二部分数据待核" in page and "已核实" in page and "可用" in page
    submission.refresh_from_db()
    assert submission.status == "valuation" and submission.notes.filter(parent=note).exists()

    # A refused change is shown on the page drawn again, on the field, and leaves the valuation as it was.
    response = client.post(reverse("proposals:valuate", args=[submission.pk]), {"score": "120"})
    assert response.status_code == 400
    assert field_errors(response, "valuation-form", "score") == ["确保该值小于或等于100。"]
    assert submission.valuations.get().grade == "B" and submission.valuations.get().score is None


def test_a_bulletin_is_composed_issued_downloaded_and_its_instruction_recorded(world, signed_in):
    campaign, submission = _selected(world)
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("proposals:bulletin_create"), {
        "organization": world.prov_a.pk, "series": "科技智库建言", "year": 2026, "sent_to": "省委、省政府",
        f"include-{submission.pk}": "1", f"position-{submission.pk}": "1",
        f"title-{submission.pk}": "编辑后的标题", f"text-{submission.pk}": "编辑后的正文。"})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("proposals:bulletin", args=[bulletin.pk])
    client.post(reverse("proposals:bulletin_issue", args=[bulletin.pk]), {"issued_on": "2026-05-15"})
    download = client.get(reverse("proposals:bulletin_docx", args=[bulletin.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    texts = [p.text for p in Document(io.BytesIO(download.content)).paragraphs]
    assert "一、编辑后的标题" in texts and "编辑后的正文。" in texts and "2026年5月15日" in "".join(texts)

    client.post(reverse("proposals:bulletin_send", args=[bulletin.pk]),
                {"recipient_kind": "government", "recipient": "甲省人民政府办公厅", "sent_on": "2026-05-16"})
    sending = bulletin.sendings.get()
    client.post(reverse("proposals:sending_instruct", args=[sending.pk]),
                {"leader": "省长 王某", "text": "请相关部门研究。", "day": "2026-05-20"})
    assert Instruction.objects.get().subject == sending
    assert "请相关部门研究。" in client.get(reverse("proposals:submission", args=[submission.pk])).content.decode()


def test_a_bulletin_without_a_selected_proposal_is_refused_and_nothing_is_saved(world, signed_in):
    campaign = open_campaign(world)
    submission = submit(world, campaign)
    response = signed_in(world.provincial_clerk).post(reverse("proposals:bulletin_create"), {
        "organization": world.prov_a.pk, "series": "科技智库建言", "year": 2026, f"include-{submission.pk}": "1"})
    assert response.status_code == 400 and not Bulletin.objects.exists()


def test_an_external_worker_submits_and_follows_status_but_never_sees_notes(world, signed_in):
    campaign = open_campaign(world)
    external = make_external()
    person = Person.objects.create(organization=world.prov_a, name="张伟")
    Person.objects.filter(pk=person.pk).update(account=external)
    client = signed_in(external)
    response = client.post(reverse("proposals:my_submit"), {"campaign": campaign.pk, "title": "关于科普进社区的建议",
                                                            "text": "建议……"})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.submitted_by == external and list(submission.authors.all()) == [person]

    services.valuation_record(by=world.provincial_clerk, submission=submission, grade="C")
    services.note_add(by=world.provincial_clerk, submission=submission, text="内部意见：论证不足")
    page = client.get(reverse("proposals:mine")).content.decode()
    assert "关于科普进社区的建议" in page and "内部意见" not in page
    assert client.get(reverse("proposals:submission", args=[submission.pk])).status_code == 404


def test_an_external_worker_cannot_submit_to_a_closed_campaign(world, signed_in):
    campaign = open_campaign(world)
    services.campaign_close(by=world.provincial_clerk, campaign=campaign)
    response = signed_in(make_external()).post(reverse("proposals:my_submit"), {
        "campaign": campaign.pk, "title": "迟到的建议", "text": "……"})
    assert response.status_code == 400 and not Submission.objects.exists()


def test_the_study_page_takes_milestones_and_the_final_report(world, signed_in):
    campaign = open_campaign(world)
    study = services.study_create(by=world.provincial_clerk, organization=world.prov_a, campaign=campaign,
                                  data={"title": "县域科技服务体系调研", "source": "2026年软科学课题征集"})
    client = signed_in(world.provincial_clerk)
    client.post(reverse("proposals:milestone_add", args=[study.pk]), {"title": "开题论证", "due_on": "2026-06-30"})
    milestone = study.milestones.get()
    client.post(reverse("proposals:milestone_done", args=[milestone.pk]), {"report": "已完成开题", "day": "2026-06-20"})
    client.post(reverse("proposals:study_report", args=[study.pk]), {"report": "调研报告全文", "day": "2026-10-01"})
    study.refresh_from_db()
    milestone.refresh_from_db()
    assert milestone.done_on == dt.date(2026, 6, 20) and study.status == "reported"
    assert "县域科技服务体系调研" in client.get(reverse("proposals:campaign", args=[campaign.pk])).content.decode()


def test_the_entries_of_an_issue_follow_their_positions_and_one_that_is_no_number_goes_last(world, signed_in):
    campaign = open_campaign(world)
    rows = [submit(world, campaign, title=title) for title in ("甲建议", "乙建议", "丙建议")]
    for row in rows:
        services.valuation_record(by=world.provincial_clerk, submission=row, grade="A")
        services.submission_decide(by=world.provincial_clerk, submission=row, selected=True)
    bulletin = services.bulletin_create(by=world.provincial_clerk, organization=world.prov_a,
                                        data={"series": "科技智库建言", "year": 2026})
    posted = {}
    for row, position in zip(rows, ("²", "2", "1")):
        posted.update({f"include-{row.pk}": "1", f"position-{row.pk}": position})
    response = signed_in(world.provincial_clerk).post(reverse("proposals:bulletin_entries", args=[bulletin.pk]),
                                                      posted)
    assert response.status_code == 302
    assert [e.submission.title for e in bulletin.entries.order_by("position")] == ["丙建议", "乙建议", "甲建议"]


def test_authors_and_study_teams_are_picked_by_search_within_the_clerks_person_records(world, signed_in):
    open_campaign(world)
    mine = Person.objects.create(organization=world.city_a, name="甲市作者")
    elsewhere = Person.objects.create(organization=world.prov_b, name="乙省作者")
    client = signed_in(world.provincial_clerk)
    for name in ("proposals:submit", "proposals:study_create"):
        page = client.get(reverse(name)).content.decode()
        assert "data-pick-url" in page and "甲市作者" not in page  # a search box, not a list of everyone

    def found(q):
        return [r["id"] for r in client.get(reverse("people:pick"), {"field": "proposals.person", "q": q}).json()["results"]]

    assert found("甲市作者") == [mine.pk] and found("乙省作者") == []
    refused = client.post(reverse("proposals:study_create"), {
        "organization": world.prov_a.pk, "title": "县域科技人才调研", "team": [elsewhere.pk]})
    assert refused.status_code == 400 and "team" in refused.context["form"].errors
