"""Changes to survey stations, rounds, codes and reports, and the anonymous answer.

Each state change is one transaction with its audit row; staff changes need ``survey.manage`` in
the organisation concerned. The anonymous answer (:func:`response_submit`) locks the code and the
station's place in the round, so a code is used once and a station stops at its quota even when
answers arrive together; its audit row records neither address nor account."""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie import questionnaire
from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.core.forms import audit_anonymous
from kexie.notifications.models import Kind as NotificationKind
from kexie.notifications.services import notify
from kexie.organizations.models import Organization
from kexie.people.models import Person

from . import selectors
from .models import (
    ResponseCode, Response, RoundStation, RoundStatus, StationKind, StationReport, SurveyRound, SurveyStation,
)

MANAGE = "survey.manage"
STATION_FIELDS = ("name", "kind", "host_unit", "region_code", "active")
ROUND_FIELDS = ("title", "year", "definition", "opens_on", "closes_on")
# Codes: eight characters from an alphabet without look-alikes (no 0/O, 1/I/L): 31⁸ ≈ 8.5×10¹¹.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODES_PER_BATCH = 2000
QUOTA_LIMIT = 100_000
COUNT_LIMIT = 100_000_000


def _text(data: dict, name: str, limit: int) -> str:
    return str(data.get(name) or "").strip()[:limit]


def _count(data: dict, name: str, *, limit: int = COUNT_LIMIT, minimum: int = 0) -> int:
    value = data.get(name)
    try:
        value = int(value if value not in (None, "") else 0)
    except (TypeError, ValueError):
        value = -1
    if not minimum <= value <= limit:
        raise ValidationError({name: _("Enter a whole number of at least %(min)s.") % {"min": minimum}})
    return value


# --- stations ------------------------------------------------------------------------------------

def _clean_station(data: dict) -> dict:
    name = _text(data, "name", 200)
    if not name:
        raise ValidationError({"name": _("Enter the name of the survey station.")})
    if data.get("kind") not in StationKind.values:
        raise ValidationError({"kind": _("Choose the kind of station.")})
    host = _text(data, "host_unit", 200)
    if not host:
        raise ValidationError({"host_unit": _("Enter the unit hosting the station.")})
    region = _text(data, "region_code", 6)
    if region and (not region.isdigit() or len(str(data.get("region_code")).strip()) != 6):
        raise ValidationError({"region_code": _("The region code has six digits, e.g. 410100.")})
    return {"name": name, "kind": data["kind"], "host_unit": host, "region_code": region,
            "active": bool(data.get("active", True))}


def _investigators(data: dict) -> list:
    ids = [getattr(p, "pk", p) for p in data.get("investigators") or ()]
    persons = list(Person.objects.filter(pk__in=ids, merged_into__isnull=True))
    if len(persons) != len(set(ids)):
        raise ValidationError({"investigators": _("Choose the investigators among the person records.")})
    return persons


def station_snapshot(station: SurveyStation) -> dict:
    return {"organization": station.organization_id, **{name: getattr(station, name) for name in STATION_FIELDS},
            "investigators": sorted(station.investigators.values_list("pk", flat=True)) if station.pk else []}


def station_create(*, by, organization: Organization, data: dict) -> SurveyStation:
    """Register a survey station under ``organization``."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=getattr(organization, "pk", organization))
    fields = _clean_station(data)
    investigators = _investigators(data)
    if not fields["region_code"]:
        fields["region_code"] = organization.region_code or ""
    with transaction.atomic():
        station = SurveyStation.objects.create(organization=organization, created_by=by, **fields)
        station.investigators.set(investigators)
        audit_record(action="create", by=by, obj=station, new=station_snapshot(station))
    return station


def station_update(*, by, station: SurveyStation, data: dict) -> SurveyStation:
    """Change a station's name, kind, host unit, region, investigators or whether it is active."""
    _require(by, MANAGE)
    with transaction.atomic():
        station = access_object(SurveyStation.objects.select_for_update(), by, MANAGE,
                                pk=getattr(station, "pk", station))
        old = station_snapshot(station)
        fields = _clean_station(data)
        investigators = _investigators(data)
        for name, value in fields.items():
            setattr(station, name, value)
        station.save()
        station.investigators.set(investigators)
        audit_record(action="update", by=by, obj=station, old=old, new=station_snapshot(station))
    return station


def report_file(*, by, station: SurveyStation, data: dict) -> StationReport:
    """File a station's report for a period (one per station and period)."""
    _require(by, MANAGE)
    period = _text(data, "period", 20)
    if not period:
        raise ValidationError({"period": _("Enter the period of the report, e.g. 2026年上半年.")})
    fields = {"period": period, "respondents_reached": _count(data, "respondents_reached"),
              "activities_held": _count(data, "activities_held"), "notes": _text(data, "notes", 5000)}
    with transaction.atomic():
        station = access_object(SurveyStation, by, MANAGE, pk=getattr(station, "pk", station))
        if StationReport.objects.filter(station=station, period=period).exists():
            raise ValidationError({"period": _("This station already has a report for this period.")})
        report = StationReport.objects.create(station=station, submitted_by=by, **fields)
        audit_record(action="submit", by=by, obj=report, new={"station": station.pk, **fields})
    return report


# --- rounds --------------------------------------------------------------------------------------

def _clean_round(data: dict) -> dict:
    title = _text(data, "title", 200)
    if not title:
        raise ValidationError({"title": _("Enter the title of the survey round.")})
    try:
        year = int(data.get("year"))
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter the year, e.g. 2026.")})
    opens, closes = data.get("opens_on"), data.get("closes_on")
    if not isinstance(opens, dt.date):
        raise ValidationError({"opens_on": _("Enter the date the round opens.")})
    if not isinstance(closes, dt.date):
        raise ValidationError({"closes_on": _("Enter the date the round closes.")})
    if closes < opens:
        raise ValidationError({"closes_on": _("The round cannot close before it opens.")})
    definition = data.get("definition")
    errors = questionnaire.validate_definition(definition, translate=_)
    if errors:
        raise ValidationError({"definition": errors})
    return {"title": title, "year": year, "definition": definition, "opens_on": opens, "closes_on": closes}


def _round(by, survey_round, action=MANAGE) -> SurveyRound:
    _require(by, action)
    return access_object(SurveyRound.objects.select_for_update(), by, action,
                         pk=getattr(survey_round, "pk", survey_round))


def round_create(*, by, organization: Organization, data: dict) -> SurveyRound:
    """Launch a survey round (a draft) from ``organization`` with its questionnaire."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=getattr(organization, "pk", organization))
    fields = _clean_round(data)
    with transaction.atomic():
        survey_round = SurveyRound.objects.create(organization=organization, created_by=by, **fields)
        audit_record(action="create", by=by, obj=survey_round, new={"organization": organization.pk, **fields})
    return survey_round


def round_update(*, by, survey_round: SurveyRound, data: dict) -> SurveyRound:
    """Change a round's title, year, dates or questionnaire; the questionnaire only while no
    response has been given (the answers already stored follow it)."""
    with transaction.atomic():
        survey_round = _round(by, survey_round)
        old = {name: getattr(survey_round, name) for name in ROUND_FIELDS}
        fields = _clean_round(data)
        if fields["definition"] != survey_round.definition and survey_round.responses.exists():
            raise ValidationError({"definition": _("The questionnaire cannot change once responses were given.")})
        for name, value in fields.items():
            setattr(survey_round, name, value)
        survey_round.save()
        audit_record(action="update", by=by, obj=survey_round, old=old, new=fields)
    return survey_round


_MOVES = {RoundStatus.DRAFT: {RoundStatus.OPEN}, RoundStatus.OPEN: {RoundStatus.CLOSED},
          RoundStatus.CLOSED: {RoundStatus.OPEN}}


def round_set_status(*, by, survey_round: SurveyRound, status: str) -> SurveyRound:
    """Open a draft round for answers, close an open one, or open a closed one again."""
    with transaction.atomic():
        survey_round = _round(by, survey_round)
        if status not in _MOVES.get(survey_round.status, ()):
            raise ValidationError({"status": _("The round cannot move from “%(old)s” to this status.") % {
                "old": survey_round.get_status_display()}})
        if status == RoundStatus.OPEN and not survey_round.participations.exists():
            raise ValidationError({"status": _("Add the participating stations before opening the round.")})
        old = {"status": survey_round.status}
        survey_round.status = status
        survey_round.save(update_fields=["status"])
        audit_record(action="status", by=by, obj=survey_round, old=old, new={"status": status})
    return survey_round


def round_set_station(*, by, survey_round: SurveyRound, station: SurveyStation, quota) -> RoundStation:
    """Have ``station`` take part in the round with ``quota`` responses to collect (or change its
    quota; never below the responses it already has)."""
    quota = _count({"quota": quota}, "quota", limit=QUOTA_LIMIT, minimum=1)
    with transaction.atomic():
        survey_round = _round(by, survey_round)
        if survey_round.status == RoundStatus.CLOSED:
            raise ValidationError({"station": _("The round is closed.")})
        station = SurveyStation.objects.restrict(by, MANAGE).filter(pk=getattr(station, "pk", station)).first()
        if station is None:
            raise ValidationError({"station": _("Choose a station in your scope.")})
        participation = RoundStation.objects.select_for_update().filter(round=survey_round, station=station).first()
        if participation is None:
            if not station.active:
                raise ValidationError({"station": _("The station is not active.")})
            participation = RoundStation.objects.create(round=survey_round, station=station, quota=quota)
            audit_record(action="create", by=by, obj=participation, new={"round": survey_round.pk,
                                                                         "station": station.pk, "quota": quota})
            return participation
        given = Response.objects.filter(round=survey_round, station=station).count()
        if quota < given:
            raise ValidationError({"quota": _("The quota cannot be below the %(n)s responses already given.") % {
                "n": given}})
        old = {"quota": participation.quota}
        participation.quota = quota
        participation.save(update_fields=["quota"])
        audit_record(action="update", by=by, obj=participation, old=old, new={"quota": quota})
    return participation


# --- response codes ------------------------------------------------------------------------------

def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """A code as typed: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in str(text or "").upper() if ch not in " -\t\u3000")[:32]


def codes_generate(*, by, participation: RoundStation, count) -> list[ResponseCode]:
    """Generate ``count`` new one-time codes for a station's place in a round."""
    count = _count({"count": count}, "count", limit=CODES_PER_BATCH, minimum=1)
    _require(by, MANAGE)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                participation = access_object(RoundStation.objects.select_for_update(), by, MANAGE,
                                              pk=getattr(participation, "pk", participation))
                if participation.round.status == RoundStatus.CLOSED:
                    raise ValidationError({"count": _("The round is closed.")})
                codes: set[str] = set()
                while len(codes) < count:
                    codes |= {new_code() for _i in range(count - len(codes))}
                    codes -= set(ResponseCode.objects.filter(code__in=codes).values_list("code", flat=True))
                rows = ResponseCode.objects.bulk_create(
                    [ResponseCode(participation=participation, code=code) for code in sorted(codes)])
                audit_record(action="create", by=by, obj=participation, detail=f"codes: {count}",
                             new={"codes": count})
                return rows
        except IntegrityError:  # a code drawn at the same moment elsewhere: draw again
            continue
    raise ValidationError({"count": _("The codes could not be generated; please try again.")})


def code_hand_out(*, by, code: ResponseCode, handed_to: str, at: dt.datetime | None = None) -> ResponseCode:
    """Record to whom a code was handed (a unit, a group or a person, as the investigator notes)
    and when (``at``, now by default)."""
    _require(by, MANAGE)
    handed_to = str(handed_to or "").strip()[:100]
    if not handed_to:
        raise ValidationError({"handed_to": _("Enter to whom the code was handed.")})
    with transaction.atomic():
        code = access_object(ResponseCode.objects.select_for_update(), by, MANAGE, pk=getattr(code, "pk", code))
        old = {"handed_to": code.handed_to}
        code.handed_to, code.handed_by, code.handed_at = handed_to, by, at or timezone.now()
        code.save(update_fields=["handed_to", "handed_by", "handed_at"])
        audit_record(action="update", by=by, obj=code, old=old, new={"handed_to": handed_to})
    return code


# --- the anonymous answer ------------------------------------------------------------------------

def _refuse(message: str):
    raise ValidationError({"code": [message]})


def code_check(text: str, *, today: dt.date | None = None, lock: bool = False) -> ResponseCode:
    """The code a respondent typed, if it may still be used: known, not used, its round open and
    within its dates, its station below quota. Refusals are on ``code``."""
    value = normalise_code(text)
    if not value:
        _refuse(_("Enter the response code you were given."))
    queryset = ResponseCode.objects.select_related("participation__round", "participation__station")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    code = queryset.filter(code=value).first()
    if code is None:
        _refuse(_("This response code is not valid. Please check it and try again."))
    if code.used_at is not None:
        _refuse(_("This response code has already been used; each code can be used only once."))
    survey_round = code.participation.round
    today = today or timezone.localdate()
    if survey_round.status != RoundStatus.OPEN or not survey_round.opens_on <= today <= survey_round.closes_on:
        _refuse(_("This survey is not open for answers: it is closed or not yet open."))
    participation = code.participation
    if lock:
        participation = RoundStation.objects.select_for_update().get(pk=participation.pk)
    given = Response.objects.filter(round_id=participation.round_id, station_id=participation.station_id).count()
    if given >= participation.quota:
        _refuse(_("This station has collected all the responses it needs; thank you for your willingness "
                  "to take part."))
    return code


def response_submit(*, code: str, answers: dict, now: dt.datetime | None = None) -> Response:
    """Store an anonymous response given with ``code``: in one transaction, the code locked and
    checked (unused, round open, station below quota), the answers cleaned by the questionnaire
    (questions hidden by the skip logic dropped), the response stored and the code marked used.
    Refusals: ``code`` for the code, the question's key for an answer."""
    now = now or timezone.now()
    with transaction.atomic():
        row = code_check(code, today=timezone.localdate(now), lock=True)
        survey_round = row.participation.round
        cleaned, errors = questionnaire.clean_answers(survey_round.definition, answers, translate=_)
        if errors:
            raise ValidationError({key: [message] for key, message in errors.items()})
        try:
            with transaction.atomic():
                response = Response.objects.create(round=survey_round, station=row.participation.station,
                                                   code=row, answers=cleaned, submitted_at=now)
        except IntegrityError:  # the same code at the same moment: the one-to-one key refuses it
            _refuse(_("This response code has already been used; each code can be used only once."))
        row.used_at = now
        row.save(update_fields=["used_at"])
        audit_anonymous(action="submit", obj=response, new={"round": survey_round.pk,
                                                            "station": row.participation.station_id})
    return response


# --- reminders -----------------------------------------------------------------------------------

def _remind(survey_round: SurveyRound, participations, threshold: int, today: dt.date) -> int:
    """Notify the investigators with an account of the stations among ``participations`` whose
    completion is below ``threshold``; the notification key holds the day, so once a day. Returns
    the stations whose investigators got a new notification."""
    reminded = 0
    for row in selectors.completion(survey_round, participations):
        if row["percent"] >= threshold:
            continue
        station = row["station"]
        users = [p.account for p in station.investigators.filter(account__isnull=False).select_related("account")]
        if not users:
            continue
        title = _("Survey “%(round)s”: %(station)s has %(done)s of %(quota)s responses") % {
            "round": survey_round.title, "station": station.name, "done": row["responses"], "quota": row["quota"]}
        body = _("The station's completion is %(percent)s%%. Please hand out the remaining response codes "
                 "and encourage the respondents to answer before %(closes)s.") % {
            "percent": row["percent"], "closes": survey_round.closes_on.isoformat()}
        notified = notify(recipients=users, kind=NotificationKind.REMINDER, title=title, body=body,
                          url=reverse("surveys:mine"), key=f"surveys.remind:{survey_round.pk}:{station.pk}:{today}",
                          obj=row["participation"])
        reminded += 1 if notified.notifications else 0
    return reminded


def reminders_send(*, by, survey_round: SurveyRound, below_percent, today: dt.date | None = None) -> int:
    """Notify the investigators (those with an account) of the stations in ``by``'s scope whose
    completion is below ``below_percent``; once a day per station. Returns the stations reminded."""
    threshold = _count({"below_percent": below_percent}, "below_percent", limit=100, minimum=1)
    _require(by, MANAGE)
    survey_round = access_object(SurveyRound, by, "survey.view", pk=getattr(survey_round, "pk", survey_round))
    if survey_round.status != RoundStatus.OPEN:
        raise ValidationError({"below_percent": _("Reminders are sent only while the round is open.")})
    today = today or timezone.localdate()
    with transaction.atomic():
        reminded = _remind(survey_round, RoundStation.objects.restrict(by, MANAGE).filter(round=survey_round),
                           threshold, today)
        audit_record(action="remind", by=by, obj=survey_round, new={"below_percent": threshold,
                                                                    "stations": reminded})
    return reminded


def reminders_send_due(*, below_percent: int = 60, today: dt.date | None = None) -> int:
    """The daily run (``kexie survey_remind``): every open round within its dates reminds the
    investigators of its stations below ``below_percent``. Returns the stations reminded."""
    threshold = _count({"below_percent": below_percent}, "below_percent", limit=100, minimum=1)
    today = today or timezone.localdate()
    reminded = 0
    for survey_round in SurveyRound.objects.filter(status=RoundStatus.OPEN, opens_on__lte=today,
                                                   closes_on__gte=today):
        with transaction.atomic():
            count = _remind(survey_round, RoundStation.objects.filter(round=survey_round), threshold, today)
            if count:
                audit_record(action="remind", obj=survey_round, detail="daily run",
                             new={"below_percent": threshold, "stations": count})
        reminded += count
    return reminded
