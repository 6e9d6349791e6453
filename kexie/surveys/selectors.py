"""Reads of the survey stations, rounds and responses. The pages, the exports, the API, the home
section, the reminders and the plan measures all count through these functions, so a station's
completion is the same number everywhere: its responses in the round against its quota."""

import datetime as dt

from django.db.models import Count, Q, Sum

from kexie.organizations.models import Organization, OrganizationClosure

from .models import Response, RoundStation, RoundStatus, SurveyRound, SurveyStation

VIEW = "survey.view"
MANAGE = "survey.manage"


def subtree_ids(organization):
    return OrganizationClosure.objects.filter(ancestor_id=getattr(organization, "pk", organization)).values(
        "descendant_id")


def stations_for(user, action: str = VIEW):
    """The stations ``user`` may ``action``: registered under an organisation of their scope."""
    return SurveyStation.objects.restrict(user, action).select_related("organization")


def rounds_for(user, action: str = VIEW):
    """The rounds ``user`` may ``action`` (to view: also those their stations take part in)."""
    return SurveyRound.objects.restrict(user, action).select_related("organization")


def participations_for(user, survey_round, action: str = VIEW):
    """The stations of ``survey_round`` in ``user``'s scope, with their quota."""
    return RoundStation.objects.restrict(user, action).filter(round=survey_round) \
        .select_related("station", "station__organization", "round")


def responses_for(user, survey_round, action: str = VIEW):
    return Response.objects.restrict(user, action).filter(round=survey_round).select_related(
        "station", "station__organization")


def _percent(done: int, quota: int) -> int:
    return min(100, (100 * done) // quota) if quota else 0


def counts_by_station(survey_round, station_ids=None) -> dict[int, int]:
    """Responses per station in the round: ``{station_id: n}`` (one grouped query)."""
    queryset = Response.objects.filter(round=survey_round)
    if station_ids is not None:
        queryset = queryset.filter(station_id__in=station_ids)
    return dict(queryset.values("station_id").annotate(n=Count("pk")).order_by().values_list("station_id", "n"))


def completion(survey_round, participations=None) -> list[dict]:
    """One row per participating station (``participations``: a queryset of the round's
    RoundStation rows, all of them by default): ``{"participation", "station", "quota",
    "responses", "percent"}`` — responses counted from the stored responses, percent rounded down
    and capped at 100. Two queries."""
    if participations is None:
        participations = RoundStation.objects.filter(round=survey_round)
    rows = list(participations.select_related("station", "station__organization")
                .order_by("station__organization__name", "station__name", "pk"))
    counts = counts_by_station(survey_round, [row.station_id for row in rows])
    return [{"participation": row, "station": row.station, "quota": row.quota,
             "responses": counts.get(row.station_id, 0), "percent": _percent(counts.get(row.station_id, 0), row.quota)}
            for row in rows]


def _total(rows) -> dict:
    quota = sum(r["quota"] for r in rows)
    done = sum(r["responses"] for r in rows)
    return {"stations": len(rows), "quota": quota, "responses": done, "percent": _percent(done, quota)}


def summary(rows: list[dict]) -> dict:
    """The totals of :func:`completion` rows: stations, quota, responses and percent."""
    return _total(rows)


def rollup_by_child(survey_round, organization, participations=None) -> tuple[list, dict, dict]:
    """Completion for each level below ``organization``: ``([(child, totals of its subtree's
    stations) …], totals of the organisation's own stations, totals of the whole subtree)``."""
    org_pk = getattr(organization, "pk", organization)
    children = list(Organization.objects.filter(parent_id=org_pk).order_by("name", "pk"))
    child_of = dict(OrganizationClosure.objects.filter(ancestor__parent_id=org_pk)
                    .values_list("descendant_id", "ancestor_id"))
    if participations is None:
        participations = RoundStation.objects.filter(round=survey_round)
    rows = completion(survey_round, participations.filter(station__organization__in=subtree_ids(org_pk)))
    groups: dict = {child.pk: [] for child in children}
    own = []
    for row in rows:
        org_id = row["station"].organization_id
        if org_id == org_pk:
            own.append(row)
        elif child_of.get(org_id) in groups:
            groups[child_of[org_id]].append(row)
    return [(child, _total(groups[child.pk])) for child in children], _total(own), _total(rows)


# --- plan measures ---------------------------------------------------------------------------------

def count_stations(organization, since: dt.date | None = None, until: dt.date | None = None) -> int:
    """Active survey stations registered in ``organization``'s subtree (those registered by
    ``until`` when given): a plan's "培育科技工作者状况调查站点20个"."""
    queryset = SurveyStation.objects.filter(active=True, organization__in=subtree_ids(organization))
    if until is not None:
        queryset = queryset.filter(created_at__date__lte=until)
    return queryset.count()


def count_responses(organization, since: dt.date | None = None, until: dt.date | None = None) -> int:
    """Responses collected by the stations of ``organization``'s subtree within [since, until]."""
    queryset = Response.objects.filter(station__organization__in=subtree_ids(organization))
    if since is not None:
        queryset = queryset.filter(submitted_at__date__gte=since)
    if until is not None:
        queryset = queryset.filter(submitted_at__date__lte=until)
    return queryset.count()


# --- the investigator's home ------------------------------------------------------------------------

def investigator_rows(person) -> list[dict]:
    """The open rounds of the active stations ``person`` is an investigator of, with completion:
    ``[{"round", "station", "quota", "responses", "percent", "codes_left"}]``."""
    if person is None:
        return []
    participations = RoundStation.objects.filter(
        station__investigators=person, station__active=True, round__status=RoundStatus.OPEN) \
        .select_related("round", "station").annotate(
            codes_left=Count("codes", filter=Q(codes__used_at__isnull=True))).order_by("round__closes_on", "pk")
    out = []
    for row in participations:
        done = Response.objects.filter(round_id=row.round_id, station_id=row.station_id).count()
        out.append({"round": row.round, "station": row.station, "quota": row.quota, "responses": done,
                    "percent": _percent(done, row.quota), "codes_left": row.codes_left})
    return out


def participations_of_investigator(person):
    """The places in rounds (not drafts) of the active stations ``person`` is an investigator of."""
    if person is None:
        return RoundStation.objects.none()
    return RoundStation.objects.filter(station__investigators=person, station__active=True) \
        .exclude(round__status=RoundStatus.DRAFT).select_related("round", "station").order_by("-round__year", "pk")


def quota_total(survey_round) -> int:
    return RoundStation.objects.filter(round=survey_round).aggregate(n=Sum("quota"))["n"] or 0
