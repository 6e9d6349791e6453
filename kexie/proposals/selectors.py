"""Reads of proposals work: campaigns, submissions and bulletins a user sees, the instructions
recorded on a proposal, an S&T worker's own submissions, and the credit a person holds."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from kexie.organizations.models import OrganizationClosure
from kexie.tracking.models import Instruction

from .models import Bulletin, BulletinEntry, Campaign, CampaignStatus, Sending, Study, Submission, SubmissionStatus

VIEW = "proposal.view"
MANAGE = "proposal.manage"


def campaigns_for(user, action: str = VIEW):
    """Campaigns kept in the user's scope, with their counts of submissions by status."""
    return Campaign.objects.restrict(user, action).select_related("organization").annotate(
        submitted=Count("submissions"),
        valuated=Count("submissions", filter=~Q(submissions__status=SubmissionStatus.SUBMITTED)),
        selected=Count("submissions", filter=Q(submissions__status__in=[SubmissionStatus.SELECTED,
                                                                        SubmissionStatus.ADOPTED]))).order_by("-pk")


def open_campaigns():
    """Campaigns taking submissions: the list an S&T worker picks from."""
    return Campaign.objects.filter(status=CampaignStatus.OPEN).select_related("organization").order_by("closes_on", "pk")


def submissions_for(user, action: str = VIEW, campaign=None):
    rows = Submission.objects.restrict(user, action).select_related("campaign", "organization").prefetch_related(
        "authors")
    return rows.filter(campaign=campaign) if campaign is not None else rows


def submissions_run_by(user):
    """Submissions to campaigns ``user`` runs (valuation, notes, bulletins, instructions)."""
    return Submission.objects.filter(campaign__in=Campaign.objects.restrict(user, MANAGE).values("pk"))


def selected_for_bulletin(user, organization=None):
    """Selected (or adopted) submissions of the campaigns ``user`` runs: what a bulletin is made of."""
    rows = submissions_run_by(user).filter(status__in=[SubmissionStatus.SELECTED, SubmissionStatus.ADOPTED])
    if organization is not None:
        rows = rows.filter(campaign__organization=organization)
    return rows.select_related("campaign").prefetch_related("authors").order_by("campaign_id", "pk")


def bulletins_for(user, action: str = VIEW):
    return Bulletin.objects.restrict(user, action).select_related("organization")


def studies_for(user, action: str = VIEW):
    return Study.objects.restrict(user, action).select_related("organization", "campaign")


def my_submissions(user):
    """An S&T worker's own submissions: sent from their account or crediting their person record."""
    if not getattr(user, "is_authenticated", False):
        return Submission.objects.none()
    return (Submission.objects.filter(Q(submitted_by=user) | Q(authors__account=user)).distinct()
            .select_related("campaign").order_by("-created_at", "-pk"))


def instructions_on(submission: Submission):
    """The leaders' instructions on a proposal: on it, on its own sendings and on the sendings of
    the bulletins it appears in; oldest first."""
    sendings = Sending.objects.filter(Q(submission=submission) | Q(bulletin__entries__submission=submission))
    return _instructions(Q(subject_type=ContentType.objects.get_for_model(Submission), subject_id=submission.pk)
                         | Q(subject_type=ContentType.objects.get_for_model(Sending),
                             subject_id__in=sendings.values("pk")))


def instructions_on_bulletin(bulletin: Bulletin):
    return _instructions(Q(subject_type=ContentType.objects.get_for_model(Sending),
                           subject_id__in=bulletin.sendings.values("pk")))


def _instructions(q: Q):
    return Instruction.objects.filter(q).order_by("given_on", "pk")


def credits_for(person) -> dict:
    """What a person is credited with: the proposals they wrote, those adopted, the bulletin issues
    they appear in, and the leaders' instructions on their proposals."""
    submissions = list(Submission.objects.filter(authors=person).select_related("campaign").order_by("-created_at"))
    ids = [s.pk for s in submissions]
    bulletins = list(Bulletin.objects.filter(entries__submission__in=ids, status="issued").distinct()
                     .select_related("organization"))
    sendings = Sending.objects.filter(Q(submission__in=ids) | Q(bulletin__entries__submission__in=ids))
    instructions = list(_instructions(
        Q(subject_type=ContentType.objects.get_for_model(Submission), subject_id__in=ids)
        | Q(subject_type=ContentType.objects.get_for_model(Sending), subject_id__in=sendings.values("pk"))))
    return {"submissions": submissions,
            "adopted": [s for s in submissions if s.status == SubmissionStatus.ADOPTED],
            "bulletins": bulletins, "instructions": instructions}


def entries_of(bulletin: Bulletin):
    return BulletinEntry.objects.filter(bulletin=bulletin).select_related("submission").order_by("position")


# --- figures for plan targets (kexie.plans.measures) ----------------------------------------------

def _dated(rows, field: str, since: dt.date | None, until: dt.date | None):
    if since is not None:
        rows = rows.filter(**{f"{field}__gte": since})
    if until is not None:
        rows = rows.filter(**{f"{field}__lte": until})
    return rows


def _below(organization):
    return OrganizationClosure.objects.filter(ancestor=organization).values("descendant_id")


def submissions_count(organization, since: dt.date | None, until: dt.date | None) -> int:
    """Proposals received by the campaigns of the organisation's subtree in the period (also the
    plan measure ``proposals.submitted``)."""
    return _dated(Submission.objects.filter(campaign__organization__in=_below(organization)),
                  "created_at__date", since, until).count()


def adopted_count(organization, since: dt.date | None, until: dt.date | None) -> int:
    """Proposals of the subtree's campaigns adopted in the period (``proposals.adopted``)."""
    return _dated(Submission.objects.filter(campaign__organization__in=_below(organization),
                                            status=SubmissionStatus.ADOPTED), "adopted_on", since, until).count()


def bulletins_count(organization, since: dt.date | None, until: dt.date | None) -> int:
    """Bulletin issues the subtree issued in the period (``proposals.bulletins``)."""
    return _dated(Bulletin.objects.filter(organization__in=_below(organization), status="issued"),
                  "issued_on", since, until).count()


def person_section(user, person) -> dict | None:
    """The person page's proposals section (kexie.people.sections): the credits, for users who may
    view proposals, when the person has any; None otherwise."""
    if not user.is_authenticated or not user.has_code(VIEW):
        return None
    credits = credits_for(person)
    return credits if credits["submissions"] else None
