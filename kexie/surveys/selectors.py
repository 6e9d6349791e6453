"""Reads of the survey stations, rounds and responses. The pages, the exports, the API, the home
section and the plan measures all count through these functions, so a station's completion is the
same number everywhere: its responses against its quota."""

from kexie.organizations.models import OrganizationClosure

from .models import SurveyStation

VIEW = "survey.view"
MANAGE = "survey.manage"


def subtree_ids(organization):
    return OrganizationClosure.objects.filter(ancestor_id=getattr(organization, "pk", organization)).values(
        "descendant_id")


def stations_for(user, action: str = VIEW):
    """The stations ``user`` may ``action``: registered under an organisation of their scope."""
    return SurveyStation.objects.restrict(user, action).select_related("organization")
