"""Proposals and think-tank work in the demo.

河南省科协 runs this year's 软课题征集 on science and technology for county economies: three
S&T workers and 河南省农学会 submitted; the clerk graded each, kept a private note, selected two
and left one out; the two selected went into 《科技智库建言》 issue 1 of the year, issued and sent to
the provincial party committee, where a deputy secretary's 批示 was recorded; one proposal was
adopted. A commissioned study (调研课题) came out of the campaign, with two milestones.

Authors, units, texts and the leader are written for the project; no real person is meant. The
campaign is created without dates so that the services take submissions whatever the load day,
then dated from the demo calendar. Idempotent: built only when no demo campaign exists (of whatever
year).
"""

import datetime as dt

from kexie.people import services as people_services
from kexie.proposals import services
from kexie.proposals.models import Campaign

_HENAN = ("中国科学技术协会", "河南省科学技术协会")
_SOCIETY = _HENAN + ("河南省农学会",)
SERIES = "科技智库建言"

# author, unit, title, text, grade, selected
PROPOSALS = [
    ("韩知远", "河南省农业科学院", "关于以县域科技服务站带动特色产业升级的建议",
     "一、基本情况\n我省多数县域特色产业仍以初级加工为主，科技服务力量分散。\n"
     "二、主要建议\n以县级科协为依托建设县域科技服务站，统筹专家服务团和农技推广力量，按产业链配备服务专家。",
     "A", True),
    ("苏明远", "郑州中原大学", "关于完善县域科技成果转化激励机制的建议",
     "一、存在问题\n县域企业承接高校院所成果的渠道少、风险高。\n"
     "二、对策建议\n设立县域成果转化风险补偿资金，对首次承接成果的中小企业给予补助。",
     "A", True),
    ("庞清和", "洛阳装备研究所", "关于举办县域科技集市的建议",
     "建议每季度在县城举办科技集市，集中展示适用技术。", "C", False),
]
SOCIETY_PROPOSAL = ("关于加强小麦主产区土壤健康监测的建议",
                    "建议在小麦主产县布设土壤健康监测点，由学会专业委员会提供技术支持，监测结果按年发布。")


def campaign_title(year: int) -> str:
    return f"{year}年度河南省科协软科学课题征集"


def ensure_demo_proposals(*, organization_at, user_named, calendar) -> bool:
    """Create the demo's proposals when missing; True when something was created."""
    henan = organization_at(_HENAN)
    year, today = calendar.today.year, calendar.today
    if Campaign.objects.filter(organization=henan, title__endswith=campaign_title(0)[1:]).exists():
        return False
    clerk = user_named("provincial_clerk")
    campaign = services.campaign_create(by=clerk, organization=henan, data={
        "title": campaign_title(year), "kind": "soft_topic",
        "theme": "围绕科技赋能县域经济高质量发展，征集对策建议和软科学研究选题。"})
    services.campaign_open(by=clerk, campaign=campaign)

    selected = []
    for author, unit, title, text, grade, chosen in PROPOSALS:
        person = people_services.person_create(by=clerk, organization=henan, data={"name": author, "title": "研究员"},
                                               positions=[{"unit_name": unit}])
        submission = services.submission_create(by=clerk, campaign=campaign, authors=[person], today=today,
                                                data={"title": title, "text": text})
        services.valuation_record(by=clerk, submission=submission, grade=grade,
                                  summary="建议具体、可操作。" if chosen else "建议较为笼统，暂不采用。")
        services.submission_decide(by=clerk, submission=submission, selected=chosen)
        if chosen:
            selected.append(submission)
    society = services.submission_create(by=clerk, campaign=campaign, organization=organization_at(_SOCIETY),
                                         source_kind="society", today=today,
                                         data={"title": SOCIETY_PROPOSAL[0], "text": SOCIETY_PROPOSAL[1]})
    services.valuation_record(by=clerk, submission=society, score=78, summary="有价值，需补充监测点布局测算。")
    services.note_add(by=clerk, submission=society, text="请学会补充监测点数量和经费测算后再议。")

    issued_on = calendar.day(today - dt.timedelta(days=20))
    bulletin = services.bulletin_create(by=clerk, organization=henan, data={
        "series": SERIES, "year": year, "title": "科技赋能县域经济专题", "editor": "郑晓岚",
        "sent_to": "省委、省政府", "copied_to": "中国科协调研宣传部"})
    services.bulletin_entries_set(by=clerk, bulletin=bulletin, entries=[{"submission": s} for s in selected])
    services.bulletin_issue(by=clerk, bulletin=bulletin, issued_on=issued_on)
    sending = services.sending_record(by=clerk, bulletin=bulletin, recipient_kind="party",
                                      recipient="中共河南省委办公厅", sent_on=issued_on + dt.timedelta(days=1))
    services.instruction_record(by=clerk, subject=sending, leader="省委副书记",
                                text="建议很有针对性，请省科技厅会同省科协研究落实。",
                                day=calendar.day(issued_on + dt.timedelta(days=8)))
    services.adoption_record(by=clerk, submission=selected[0], note="纳入省科技厅县域科技服务体系建设方案",
                             day=calendar.day(issued_on + dt.timedelta(days=15)))

    study = services.study_create(by=clerk, organization=henan, campaign=campaign, team=selected[0].authors.all(),
                                  data={"title": "县域科技服务体系建设路径调研",
                                        "source": f"{campaign_title(year)}选题"})
    services.milestone_add(by=clerk, study=study, title="开题论证", due_on=issued_on)
    services.milestone_add(by=clerk, study=study, title="实地调研", due_on=today + dt.timedelta(days=60))
    services.milestone_done(by=clerk, milestone=study.milestones.order_by("due_on").first(),
                            report="完成开题论证，确定郑州、洛阳、新乡三地调研点。", day=issued_on)
    Campaign.objects.filter(pk=campaign.pk).update(opens_on=calendar.day(today - dt.timedelta(days=60)),
                                                   closes_on=today + dt.timedelta(days=30))
    return True
