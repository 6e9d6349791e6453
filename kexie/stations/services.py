"""Registering stations, their experts, entry rules, annual reports and the annual evaluation. Each
state change is one transaction with its audit row; every one needs ``station.manage`` in the
station's organisation. The entry rules hold for every station of a type across the network: only
the national office (``station.manage`` at the national association or one of its departments)
changes them.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie import rubric as rb
from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.organizations.models import SOCIETY_KINDS, Organization
from kexie.people.models import Person

from . import facts as station_facts
from . import rubric as station_rubric
from . import selectors
from .models import (ExpertLevel, Operator, ReportStatus, Station, StationExpert, StationReport, StationRule,
                     StationStatus, StationType)

MANAGE = "station.manage"
STATION_FIELDS = ("type", "name", "host_unit", "host_credit_code", "region_code", "partner_society",
                  "agreement_start", "agreement_end", "status", "established_on", "address", "contact")


def _station(by, station, *, lock: bool = True) -> Station:
    _require(by, MANAGE)
    queryset = Station.objects.select_for_update() if lock else Station.objects.all()
    return access_object(queryset, by, MANAGE, pk=getattr(station, "pk", station))


def snapshot(station: Station) -> dict:
    return {"organization": station.organization_id, **{
        name: (station.partner_society_id if name == "partner_society" else getattr(station, name))
        for name in STATION_FIELDS}}


def _clean(data: dict) -> dict:
    """The station's fields from ``data``, checked; refusals name the field."""
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the name of the station.")})
    if data.get("type") not in StationType.values:
        raise ValidationError({"type": _("Choose the type of station.")})
    host_unit = str(data.get("host_unit") or "").strip()
    if not host_unit:
        raise ValidationError({"host_unit": _("Enter the host unit of the station.")})
    status = data.get("status") or StationStatus.PREPARING
    if status not in StationStatus.values:
        raise ValidationError({"status": _("Choose the status of the station.")})
    start, end = data.get("agreement_start"), data.get("agreement_end")
    if start and end and end < start:
        raise ValidationError({"agreement_end": _("The agreement cannot end before it starts.")})
    partner = data.get("partner_society")
    if partner is not None:
        partner = Organization.objects.filter(pk=getattr(partner, "pk", partner)).first()
        if partner is None or partner.kind not in SOCIETY_KINDS:
            raise ValidationError({"partner_society": _("The partner must be a society of the network.")})
    region = str(data.get("region_code") or "").strip()
    if region and (not region.isdigit() or len(region) != 6):
        raise ValidationError({"region_code": _("The region code has six digits, e.g. 410100.")})
    return {"type": data["type"], "name": name[:200], "host_unit": host_unit[:200],
            "host_credit_code": str(data.get("host_credit_code") or "").strip()[:18], "region_code": region,
            "partner_society": partner, "agreement_start": start, "agreement_end": end, "status": status,
            "established_on": data.get("established_on"), "address": str(data.get("address") or "")[:200],
            "contact": str(data.get("contact") or "")[:100]}


def station_create(*, by, organization: Organization, data: dict) -> Station:
    """Register a station under ``organization`` (the association whose tree it belongs to)."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=getattr(organization, "pk", organization))
    fields = _clean(data)
    if not fields["region_code"]:
        fields["region_code"] = organization.region_code
    with transaction.atomic():
        station = Station.objects.create(organization=organization, created_by=by, **fields)
        audit_record(action="create", by=by, obj=station, new=snapshot(station))
    return station


def station_update(*, by, station: Station, data: dict) -> Station:
    """Change a station's record (its type, host, partner, agreement, status, dates, contact)."""
    with transaction.atomic():
        station = _station(by, station)
        old = snapshot(station)
        for name, value in _clean(data).items():
            setattr(station, name, value)
        station.save()
        audit_record(action="update", by=by, obj=station, old=old, new=snapshot(station))
    return station


# --- experts --------------------------------------------------------------------------------------

def expert_add(*, by, station: Station, person: Person, level: str, role: str = "",
               joined_on: dt.date | None = None) -> StationExpert:
    """Put ``person`` on the station's experts at ``level``."""
    if level not in ExpertLevel.values:
        raise ValidationError({"level": _("Choose the level of the expert.")})
    with transaction.atomic():
        station = _station(by, station)
        person = Person.objects.filter(pk=getattr(person, "pk", person), merged_into__isnull=True).first()
        if person is None:
            raise ValidationError({"person": _("Choose a person record.")})
        if station.experts.filter(person=person, left_on__isnull=True).exists():
            raise ValidationError({"person": _("%(name)s already serves at this station.") % {"name": person.name}})
        expert = StationExpert.objects.create(station=station, person=person, level=level, role=str(role)[:100],
                                              joined_on=joined_on or timezone.localdate())
        audit_record(action="create", by=by, obj=expert, new={
            "station": station.pk, "person": person.pk, "level": level, "role": expert.role,
            "joined_on": expert.joined_on})
    return expert


def expert_remove(*, by, expert: StationExpert, left_on: dt.date | None = None) -> StationExpert:
    """Record that an expert left the station (the row stays, with the date)."""
    with transaction.atomic():
        station = _station(by, expert.station_id)
        expert = StationExpert.objects.select_for_update().get(pk=expert.pk, station=station)
        if expert.left_on is not None:
            raise ValidationError(_("This expert has already left the station."))
        expert.left_on = left_on or timezone.localdate()
        expert.save(update_fields=["left_on"])
        audit_record(action="update", by=by, obj=expert, old={"left_on": None}, new={"left_on": expert.left_on})
    return expert


# --- entry rules ----------------------------------------------------------------------------------

def _threshold(value) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if number is None or not number.is_finite() or number < 0 or number >= Decimal("1e8"):
        raise ValidationError({"threshold": _("The threshold is a number of at least 0.")})
    return number.quantize(Decimal("0.01"))


def _rules_office(by) -> None:
    """Refuse anyone but the national office: the rules are the same for every association."""
    _require(by, MANAGE)
    if not selectors.may_change_rules(by):
        raise PermissionDenied(_("The entry rules are set by the national association: only its office may change "
                                 "them."))


def rule_set(*, by, station_type: str, fact: str, operator: str, threshold, message: str = "") -> StationRule:
    """Add the entry rule on ``fact`` to a station type, or change it (the national office only)."""
    _rules_office(by)
    if station_type not in StationType.values:
        raise ValidationError({"type": _("Choose the type of station.")})
    if fact not in dict(station_facts.fact_choices()):
        raise ValidationError({"fact": _("Choose one of the facts the registry computes.")})
    if operator not in Operator.values:
        raise ValidationError({"operator": _("Choose how the fact is compared.")})
    threshold = _threshold(threshold)
    with transaction.atomic():
        rule = StationRule.objects.select_for_update().filter(type=station_type, fact=fact).first()
        old = {"operator": rule.operator, "threshold": rule.threshold, "message": rule.message} if rule else None
        if rule is None:
            position = StationRule.objects.filter(type=station_type).count() + 1
            rule = StationRule(type=station_type, fact=fact, position=position)
        rule.operator, rule.threshold, rule.message = operator, threshold, str(message or "").strip()[:200]
        rule.save()
        audit_record(action="update" if old else "create", by=by, obj=rule, old=old, new={
            "type": station_type, "fact": fact, "operator": operator, "threshold": threshold,
            "message": rule.message})
    return rule


def rule_delete(*, by, rule: StationRule) -> None:
    """Remove an entry rule from its station type (the national office only)."""
    _rules_office(by)
    with transaction.atomic():
        audit_record(action="delete", by=by, obj=rule, old={
            "type": rule.type, "fact": rule.fact, "operator": rule.operator, "threshold": rule.threshold,
            "message": rule.message})
        rule.delete()


# --- annual reports and evaluation ----------------------------------------------------------------

def _count(data: dict, name: str) -> int:
    try:
        value = int(data.get(name) or 0)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= 10_000_000:
        raise ValidationError({name: _("Enter a whole number of at least 0.")})
    return value


def report_submit(*, by, station: Station, year: int, data: dict) -> StationReport:
    """File the station's annual report for ``year`` (demands collected, activities, people served,
    achievements); a report already evaluated cannot be filed again."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter the year, e.g. 2026.")})
    figures = {name: _count(data, name) for name in station_rubric.REPORT_FIGURES}
    achievements = str(data.get("achievements") or "").strip()
    with transaction.atomic():
        station = _station(by, station)
        report = StationReport.objects.select_for_update().filter(station=station, year=year).first()
        if report is not None and report.status == ReportStatus.EVALUATED:
            raise ValidationError({"year": _("The report of %(year)s is already evaluated.") % {"year": year}})
        old = None if report is None else {**{n: getattr(report, n) for n in figures}, "status": report.status}
        report = report or StationReport(station=station, year=year)
        for name, value in figures.items():
            setattr(report, name, value)
        report.achievements = achievements
        report.status, report.submitted_at, report.submitted_by = ReportStatus.SUBMITTED, timezone.now(), by
        report.save()
        audit_record(action="submit", by=by, obj=report, old=old, new={
            "station": station.pk, "year": year, **figures, "status": report.status})
    return report


def report_evaluate(*, by, report: StationReport, judged_scores: dict) -> StationReport:
    """Score a submitted report on the station rubric (:mod:`kexie.stations.rubric`) with the
    reviewer's points for the judged indicators; the breakdown, total and grade are kept on it."""
    with transaction.atomic():
        station = _station(by, report.station_id)
        report = StationReport.objects.select_for_update().select_related("station").get(pk=report.pk,
                                                                                          station=station)
        if report.status == ReportStatus.DRAFT:
            raise ValidationError(_("The report has not been submitted yet."))
        judged = {code: points for code, points in (judged_scores or {}).items() if points not in (None, "")}
        try:
            breakdown = station_rubric.evaluate(report, judged)
        except (rb.ScoreOutOfRange, InvalidOperation, ValueError) as error:
            indicator = getattr(error, "indicator", None)
            field = indicator.code if indicator else "judged"
            raise ValidationError({field: _("The points for “%(name)s” are from 0 to %(max)s.") % {
                "name": indicator.name if indicator else field,
                "max": indicator.max_points if indicator else "—"}}) from None
        old = {"status": report.status, "score": report.score, "grade": report.grade}
        report.judged_scores = {code: str(points) for code, points in judged.items()}
        report.breakdown = breakdown.as_json()
        report.score, report.grade = breakdown.total, station_rubric.grade(breakdown.total)
        report.status, report.evaluated_at, report.evaluated_by = ReportStatus.EVALUATED, timezone.now(), by
        report.save()
        audit_record(action="score", by=by, obj=report, old=old, new={
            "status": report.status, "score": report.score, "grade": report.grade})
    return report
