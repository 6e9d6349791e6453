"""The proposals pages and endpoints in the permission matrix (tests/test_permission_matrix.py merges
``REGISTRY`` into its own, and ``EXTERNAL_REACHES`` into the external persona's pages).

Objects are kept by 甲省科协 (in the provincial clerk's scope) or 乙省科协 (outside it)."""

import datetime as dt

from kexie.proposals.models import Bulletin, BulletinEntry, Campaign, Milestone, Sending, Study, Submission
from tests.matrix_kit import api, page


def _campaign(world, org_attr):
    return Campaign.objects.create(organization=getattr(world, org_attr), title="矩阵征集", status="open")


def _submission(world, org_attr, status="selected"):
    return Submission.objects.create(campaign=_campaign(world, org_attr), title="矩阵建议", text="……", status=status)


def _bulletin(world, org_attr, status="draft"):
    org = getattr(world, org_attr)
    return Bulletin.objects.create(organization=org, series="矩阵专报", year=2026,
                                   number=Bulletin.objects.filter(organization=org).count() + 1, status=status)


def _study(world, org_attr):
    return Study.objects.create(organization=getattr(world, org_attr), title="矩阵课题")


def campaign_of(org_attr):
    return lambda world: {"pk": _campaign(world, org_attr).pk}


def submission_of(org_attr):
    return lambda world: {"pk": _submission(world, org_attr).pk}


def bulletin_of(org_attr, status="draft"):
    def build(world):
        bulletin = _bulletin(world, org_attr, status)
        BulletinEntry.objects.create(bulletin=bulletin, submission=_submission(world, org_attr), position=1,
                                     title="矩阵建议", text="……")
        return {"pk": bulletin.pk}
    return build


def sending_of(org_attr):
    def build(world):
        sending = Sending.objects.create(bulletin=_bulletin(world, org_attr, "issued"), recipient_kind="party",
                                         recipient="省委办公厅", sent_on=dt.date(2026, 5, 1))
        return {"pk": sending.pk}
    return build


def study_of(org_attr):
    return lambda world: {"pk": _study(world, org_attr).pk}


def milestone_of(org_attr):
    def build(world):
        return {"pk": Milestone.objects.create(study=_study(world, org_attr), title="开题",
                                               due_on=dt.date(2026, 6, 1)).pk}
    return build


def _post(code, kwargs, outside, ok=400):
    """A form posted empty: refused on the page drawn again (400), or done (``ok=302``)."""
    return page(code, method="post", ok=ok, data=lambda w: {}, kwargs=kwargs, outside=outside)


REGISTRY: dict = {
    "proposals:list": [page("proposal.view")],
    "proposals:campaign_create": [page("proposal.manage"), page("proposal.manage", method="post", ok=400,
                                                                data=lambda w: {})],
    "proposals:campaign": [page("proposal.view", kwargs=campaign_of("prov_a"), outside=campaign_of("prov_b"))],
    "proposals:campaign_open": [_post("proposal.manage", campaign_of("prov_a"), campaign_of("prov_b"))],
    "proposals:campaign_close": [_post("proposal.manage", campaign_of("prov_a"), campaign_of("prov_b"), ok=302)],
    "proposals:submit": [page("proposal.submit"), page("proposal.submit", method="post", ok=400, data=lambda w: {})],
    "proposals:submission": [page("proposal.view", kwargs=submission_of("prov_a"), outside=submission_of("prov_b"))],
    "proposals:valuate": [_post("proposal.manage", submission_of("prov_a"), submission_of("prov_b"))],
    "proposals:note_add": [_post("proposal.manage", submission_of("prov_a"), submission_of("prov_b"))],
    "proposals:decide": [_post("proposal.manage", submission_of("prov_a"), submission_of("prov_b"))],
    "proposals:instruct": [_post("proposal.manage", submission_of("prov_a"), submission_of("prov_b"))],
    "proposals:adopt": [_post("proposal.manage", submission_of("prov_a"), submission_of("prov_b"))],
    "proposals:submission_send": [_post("proposal.manage", submission_of("prov_a"), submission_of("prov_b"))],
    "proposals:bulletins": [page("proposal.view")],
    "proposals:bulletin_create": [page("proposal.manage"), page("proposal.manage", method="post", ok=400,
                                                                data=lambda w: {})],
    "proposals:bulletin": [page("proposal.view", kwargs=bulletin_of("prov_a"), outside=bulletin_of("prov_b"))],
    "proposals:bulletin_docx": [page("proposal.view", kwargs=bulletin_of("prov_a"), outside=bulletin_of("prov_b"))],
    "proposals:bulletin_entries": [_post("proposal.manage", bulletin_of("prov_a"), bulletin_of("prov_b"))],
    "proposals:bulletin_issue": [_post("proposal.manage", bulletin_of("prov_a"), bulletin_of("prov_b"))],
    "proposals:bulletin_send": [_post("proposal.manage", bulletin_of("prov_a"), bulletin_of("prov_b"))],
    "proposals:sending_instruct": [_post("proposal.manage", sending_of("prov_a"), sending_of("prov_b"))],
    "proposals:studies": [page("proposal.view")],
    "proposals:study_create": [page("proposal.manage"), page("proposal.manage", method="post", ok=400,
                                                             data=lambda w: {})],
    "proposals:study": [page("proposal.view", kwargs=study_of("prov_a"), outside=study_of("prov_b"))],
    "proposals:milestone_add": [_post("proposal.manage", study_of("prov_a"), study_of("prov_b"))],
    "proposals:milestone_done": [_post("proposal.manage", milestone_of("prov_a"), milestone_of("prov_b"))],
    "proposals:study_report": [_post("proposal.manage", study_of("prov_a"), study_of("prov_b"))],
    # An S&T worker's own pages: any signed-in account, external ones included.
    "proposals:mine": [page(None)],
    "proposals:my_submit": [page(None)],
    "api:proposalcampaign-list": [api("proposal.view")],
    "api:proposalcampaign-detail": [api("proposal.view", kwargs=campaign_of("prov_a"), outside=campaign_of("prov_b"))],
    "api:proposal-list": [api("proposal.view")],
    "api:proposal-detail": [api("proposal.view", kwargs=submission_of("prov_a"), outside=submission_of("prov_b"))],
    "api:bulletin-list": [api("proposal.view")],
    "api:bulletin-detail": [api("proposal.view", kwargs=bulletin_of("prov_a"), outside=bulletin_of("prov_b"))],
    "api:study-list": [api("proposal.view")],
    "api:study-detail": [api("proposal.view", kwargs=study_of("prov_a"), outside=study_of("prov_b"))],
}
EXTERNAL_REACHES: dict = {"proposals:mine": 200, "proposals:my_submit": 200}
