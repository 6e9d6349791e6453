"""Changing the society registry and the annual reports. Each function checks the permission,
runs in one transaction and writes its audit row; a refusal is a ValidationError naming the field.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.audit.services import audit_record, diff_values
from kexie.core.excel import write_workbook
from kexie.organizations.models import SOCIETY_KINDS, Organization, OrganizationClosure
from kexie.organizations.services import ImportRejected, organization_create
from kexie.accounts.scope import require_code as _require

from .models import (
    REPORT_FIELDS,
    AnnualInspection,
    AnnualReport,
    AnnualReportStatus,
    BodyKind,
    BodyMember,
    GoverningBody,
    InspectionResult,
    Journal,
    MemberKind,
    MemberRecord,
    ReportYear,
    SocietyProfile,
)
from .selectors import levels_reviewed_by

PROFILE_FIELDS = (
    "discipline", "supervising_body", "supervising_body_name", "legal_status", "registered_on",
    "registration_number", "secretary_general", "secretary_general_full_time", "secretary_general_appointed",
    "secretariat_staff", "individual_members", "group_members", "party_organization",
)
# Every value of a report a society fills in (the numbers rubrics read, and the narrative).
REPORT_VALUE_FIELDS = (*REPORT_FIELDS, "narrative")
EDITABLE_REPORT_STATUSES = {AnnualReportStatus.DRAFT, AnnualReportStatus.RETURNED}


def _society(by, society, code: str = "society.manage") -> SocietyProfile:
    """The society if ``by`` may ``code`` it (404 outside the scope)."""
    _require(by, code)
    return access_object(SocietyProfile.objects.select_related("organization"), by, code, pk=society.pk)


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Organization):
        return value.pk
    return value


def profile_snapshot(profile: SocietyProfile) -> dict:
    data = {field: _jsonable(getattr(profile, field)) for field in PROFILE_FIELDS}
    data["supervising_body"] = profile.supervising_body_id
    data["reachable"] = profile.reachable
    return data


# --- profiles ------------------------------------------------------------------------------------

def profile_save(*, by, organization: Organization, data: dict) -> SocietyProfile:
    """Create or change the registry profile (学会档案) of an existing society organisation."""
    _require(by, "society.manage")
    organization = access_object(Organization, by, "society.manage", pk=organization.pk)
    if organization.kind not in SOCIETY_KINDS:
        raise ValidationError({"organization": _("%(name)s is not a society.") % {"name": organization.name}})
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    with transaction.atomic():
        profile = SocietyProfile.objects.select_for_update().filter(organization=organization).first()
        created = profile is None
        if created:
            profile = SocietyProfile(organization=organization)
        old = {} if created else profile_snapshot(profile)
        for field, value in data.items():
            setattr(profile, field, value)
        profile.full_clean(exclude=["organization"])
        profile.save()
        if created:
            audit_record(action="create", by=by, obj=profile, new=profile_snapshot(profile))
        else:
            before, after = diff_values(old, profile_snapshot(profile))
            if after:
                audit_record(action="update", by=by, obj=profile, old=before, new=after)
    return profile


def society_create(*, by, parent: Organization, name: str, kind: str, organization_fields: dict | None = None,
                   profile: dict) -> SocietyProfile:
    """Create a society's organisation under ``parent`` and its registry profile, together."""
    _require(by, "society.manage")
    _require(by, "org.add")
    parent = access_object(Organization, by, "org.add", pk=parent.pk)
    if kind not in SOCIETY_KINDS:
        raise ValidationError({"kind": _("Choose a kind of society.")})
    with transaction.atomic():
        organization = organization_create(by=by, parent=parent, name=name, kind=kind, **(organization_fields or {}))
        return profile_save(by=by, organization=organization, data=profile)


def society_set_reachable(*, by, society: SocietyProfile, reachable: bool, since: dt.date | None = None,
                          note: str = "") -> SocietyProfile:
    """Mark a society reachable again, or unreachable (失联) since a date (today by default)."""
    with transaction.atomic():
        profile = _society(by, society)
        profile = SocietyProfile.objects.select_for_update().get(pk=profile.pk)
        old = {"reachable": profile.reachable, "unreachable_since": _jsonable(profile.unreachable_since)}
        profile.reachable = reachable
        profile.unreachable_since = None if reachable else (since or timezone.localdate())
        profile.save(update_fields=["reachable", "unreachable_since", "updated_at"])
        audit_record(action="reachable" if reachable else "unreachable", by=by, obj=profile, old=old,
                     new={"reachable": reachable, "unreachable_since": _jsonable(profile.unreachable_since)},
                     detail=note)
    return profile


# --- governing bodies, journals, members, inspections -------------------------------------------------

def body_term_create(*, by, society: SocietyProfile, kind: str, term_number: int, elected_on: dt.date,
                     term_ends_on: dt.date, size: int = 0, members: list[dict] = ()) -> GoverningBody:
    """Record a term of a council, standing council or supervisory board (换届: a newer term).

    ``members`` are dicts with name, post and (optionally) affiliation, in order.
    """
    with transaction.atomic():
        profile = _society(by, society)
        if kind not in BodyKind.values:
            raise ValidationError({"kind": _("Unknown governing body.")})
        if elected_on and term_ends_on and term_ends_on <= elected_on:
            raise ValidationError({"term_ends_on": _("The term must end after the election date.")})
        latest = GoverningBody.objects.filter(society=profile, kind=kind).order_by("-term_number").first()
        if latest is not None and term_number <= latest.term_number:
            raise ValidationError({"term_number": _("The %(body)s already has term %(number)d; a new term must "
                                                    "have a higher number.")
                                   % {"body": BodyKind(kind).label, "number": latest.term_number}})
        if latest is not None and elected_on < latest.elected_on:
            raise ValidationError({"elected_on": _("A new term cannot be elected before the previous one "
                                                   "(%(date)s).") % {"date": latest.elected_on.isoformat()}})
        body = GoverningBody(society=profile, kind=kind, term_number=term_number, elected_on=elected_on,
                             term_ends_on=term_ends_on, size=size or len(members))
        body.full_clean(exclude=["society"])
        body.save()
        rows = []
        for position, member in enumerate(members):
            name, post = (member.get("name") or "").strip(), (member.get("post") or "").strip()
            if not name or not post:
                raise ValidationError({"members": _("Member %(number)d needs a name and a post.")
                                       % {"number": position + 1}})
            rows.append(BodyMember(body=body, name=name, post=post, affiliation=(member.get("affiliation") or "")
                                   .strip(), position=position))
        BodyMember.objects.bulk_create(rows)
        audit_record(action="create", by=by, obj=body, new={
            "kind": kind, "term_number": term_number, "elected_on": elected_on.isoformat(),
            "term_ends_on": term_ends_on.isoformat(), "size": body.size, "members": len(rows)})
    return body


def journal_save(*, by, society: SocietyProfile, data: dict, journal: Journal | None = None) -> Journal:
    """Add a journal the society sponsors, or change one."""
    with transaction.atomic():
        profile = _society(by, society)
        if journal is not None:
            journal = Journal.objects.select_for_update().get(pk=journal.pk, society=profile)
            old = {f: getattr(journal, f) for f in ("title", "issn", "cn", "indexed_in")}
        else:
            journal, old = Journal(society=profile), None
        for field in ("title", "issn", "cn", "indexed_in"):
            if field in data:
                setattr(journal, field, (data[field] or "").strip())
        journal.full_clean(exclude=["society"])
        journal.save()
        new = {f: getattr(journal, f) for f in ("title", "issn", "cn", "indexed_in")}
        if old is None:
            audit_record(action="create", by=by, obj=journal, new=new)
        else:
            before, after = diff_values(old, new)
            if after:
                audit_record(action="update", by=by, obj=journal, old=before, new=after)
    return journal


def journal_delete(*, by, journal: Journal) -> None:
    with transaction.atomic():
        _society(by, journal.society)
        audit_record(action="delete", by=by, obj=journal, old={"title": journal.title})
        journal.delete()


def member_record_add(*, by, society: SocietyProfile, kind: str, name: str, member_number: str = "",
                      joined_on: dt.date | None = None) -> MemberRecord:
    """Put a member on the society's member list."""
    with transaction.atomic():
        profile = _society(by, society)
        if kind not in MemberKind.values:
            raise ValidationError({"kind": _("Choose individual or group member.")})
        member_number = (member_number or "").strip()
        if member_number and MemberRecord.objects.filter(society=profile, member_number=member_number).exists():
            raise ValidationError({"member_number": _("Member number %(number)s is already on the list.")
                                   % {"number": member_number}})
        record = MemberRecord(society=profile, kind=kind, name=(name or "").strip(), member_number=member_number,
                              joined_on=joined_on)
        record.full_clean(exclude=["society"])
        record.save()
        audit_record(action="create", by=by, obj=record, new={"kind": kind, "name": record.name,
                                                              "member_number": member_number})
    return record


def member_record_delete(*, by, record: MemberRecord) -> None:
    with transaction.atomic():
        _society(by, record.society)
        audit_record(action="delete", by=by, obj=record, old={"name": record.name})
        record.delete()


def inspection_record(*, by, society: SocietyProfile, year: int, result: str, note: str = "") -> AnnualInspection:
    """Record (or correct) the result of a year's annual inspection (年检)."""
    with transaction.atomic():
        profile = _society(by, society)
        if result not in InspectionResult.values:
            raise ValidationError({"result": _("Unknown inspection result.")})
        if not 1990 <= int(year) <= timezone.localdate().year:
            raise ValidationError({"year": _("Enter a year between 1990 and this year.")})
        inspection = AnnualInspection.objects.filter(society=profile, year=year).first()
        old = {"result": inspection.result, "note": inspection.note} if inspection else None
        inspection = inspection or AnnualInspection(society=profile, year=year)
        inspection.result, inspection.note = result, (note or "").strip()
        inspection.full_clean(exclude=["society"], validate_constraints=False)
        inspection.save()
        audit_record(action="update" if old else "create", by=by, obj=inspection, old=old,
                     new={"year": year, "result": result, "note": inspection.note})
    return inspection


def _audited_export(*, by, code: str, model, queryset, filters: dict, headers, row_for, title: str, detail: str):
    """An export workbook of an already scoped and filtered list, with its audit row."""
    _require(by, code)
    rows = list(queryset)
    workbook = write_workbook(title=title, headers=headers, rows=(row_for(row) for row in rows))
    with transaction.atomic():
        audit_record(action="export", by=by, object_type=model._meta.label_lower, object_repr=title,
                     new={"filters": filters, "count": len(rows)}, detail=detail % {"count": len(rows)})
    return workbook


def societies_export(*, by, queryset, filters: dict, headers, row_for, title: str):
    """The export workbook of the (already scoped and filtered) society list, audited."""
    return _audited_export(by=by, code="society.view", model=SocietyProfile, queryset=queryset, filters=filters,
                           headers=headers, row_for=row_for, title=title,
                           detail=_("Exported %(count)d societies."))


def reports_export(*, by, queryset, filters: dict, headers, row_for, title: str):
    """The export workbook of the (already scoped and filtered) annual reports, late mark included,
    audited."""
    return _audited_export(by=by, code="annual_report.review", model=AnnualReport, queryset=queryset,
                           filters=filters, headers=headers, row_for=row_for, title=title,
                           detail=_("Exported %(count)d annual reports."))


# --- annual-report rounds ----------------------------------------------------------------------------

def _require_level(by, organization: Organization, message: str) -> None:
    """``by`` belongs to ``organization`` or a level above it."""
    if not levels_reviewed_by(by).filter(descendant_id=organization.pk).exists():
        raise PermissionDenied(message % {"org": organization.name})


def report_year_open(*, by, organization: Organization, year: int, due_on: dt.date) -> ReportYear:
    """Open an association's round of annual reports for ``year`` (reports due on ``due_on``)."""
    _require(by, "annual_report.review")
    organization = access_object(Organization, by, "annual_report.review", pk=organization.pk)
    with transaction.atomic():
        if ReportYear.objects.filter(organization=organization, year=year).exists():
            raise ValidationError({"year": _("%(org)s has already opened the %(year)s round.")
                                   % {"org": organization.name, "year": year}})
        if due_on.year < year:
            raise ValidationError({"due_on": _("Reports for %(year)s cannot be due before the year ends.")
                                   % {"year": year}})
        round_ = ReportYear.objects.create(organization=organization, year=year, due_on=due_on)
        audit_record(action="create", by=by, obj=round_, new={"year": year, "due_on": due_on.isoformat()})
    return round_


def report_year_close(*, by, report_year: ReportYear) -> ReportYear:
    """Close a round: no report of the year can be saved, submitted or imported any more."""
    _require(by, "annual_report.review")
    with transaction.atomic():
        round_ = access_object(ReportYear.objects.select_for_update(), by, "annual_report.review", pk=report_year.pk)
        if not round_.closed:
            round_.closed, round_.closed_at = True, timezone.now()
            round_.save(update_fields=["closed", "closed_at"])
            audit_record(action="close", by=by, obj=round_, new={"closed": True})
    return round_


def round_for(society: SocietyProfile, year: int) -> ReportYear | None:
    """The round a society reports to for ``year``: that of its nearest association above it."""
    links = list(OrganizationClosure.objects.filter(descendant_id=society.pk, depth__gt=0)
                 .order_by("depth").values_list("ancestor_id", flat=True))
    rounds = {r.organization_id: r for r in ReportYear.objects.select_related("organization")
              .filter(year=year, organization_id__in=links)}
    for ancestor_id in links:
        if ancestor_id in rounds:
            return rounds[ancestor_id]
    return None


def closed_message(year: int) -> str:
    return _("The %(year)s annual reports are closed: the round no longer takes reports or changes.") % {
        "year": year}


def past_due(round_: ReportYear, today: dt.date | None = None) -> bool:
    """The round's due date has passed: a report submitted now is late (逾期) and counts as filed
    only once the association accepts it."""
    return (today or timezone.localdate()) > round_.due_on


def late_message(round_: ReportYear) -> str:
    return _("The %(year)s reports were due on %(due)s: a report submitted now is marked late and counts only "
             "once %(org)s accepts it.") % {"year": round_.year, "due": _date(round_.due_on),
                                            "org": round_.organization.name}


def _date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _refresh_flags(by, society_ids, today: dt.date | None = None) -> None:
    """A report filed, returned or accepted changes the facts of the four-batch rules: bring the
    societies' flags up to date now rather than at the next daily run."""
    from kexie.selection.services import flags_refresh

    flags_refresh(society_ids=set(society_ids), by=by, today=today)


def _open_round(society: SocietyProfile, year: int) -> ReportYear:
    round_ = round_for(society, year)
    if round_ is None:
        raise ValidationError({"year": _("No association has opened a round of annual reports for %(year)s.")
                               % {"year": year}})
    if round_.closed:
        raise ValidationError({"year": closed_message(year)})
    return round_


# --- annual reports ----------------------------------------------------------------------------------

def report_values_snapshot(report: AnnualReport) -> dict:
    return {field: _jsonable(getattr(report, field)) for field in REPORT_VALUE_FIELDS}


def missing_report_values(values: dict) -> dict[str, str]:
    """field -> message for every value a submitted report must have and ``values`` lacks."""
    missing = {}
    for field in REPORT_VALUE_FIELDS:
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            label = AnnualReport._meta.get_field(field).verbose_name
            missing[field] = _("Fill in “%(field)s” before submitting.") % {"field": label}
    return missing


def _apply_values(report: AnnualReport, values: dict) -> None:
    unknown = set(values) - set(REPORT_VALUE_FIELDS)
    if unknown:
        raise ValueError(f"not report fields: {sorted(unknown)}")
    errors = {}
    for field, value in values.items():
        if field == "narrative":
            setattr(report, field, (value or "").strip())
            continue
        label = AnnualReport._meta.get_field(field).verbose_name
        try:
            value = AnnualReport._meta.get_field(field).to_python(value if value != "" else None)
        except ValidationError:
            errors[field] = _("“%(field)s” must be a number.") % {"field": label}
            continue
        if value is not None and value < 0:
            errors[field] = _("“%(field)s” cannot be negative.") % {"field": label}
        setattr(report, field, value)
    if errors:
        raise ValidationError(errors)
    report.full_clean(exclude=["society", "round", "submitted_by", "reviewed_by"], validate_constraints=False)


def _editable_report(by, society: SocietyProfile, year: int) -> AnnualReport:
    """The society's report for ``year`` ready to be written: a new draft, a draft or a returned one."""
    _require(by, "annual_report.submit")
    profile = access_object(SocietyProfile.objects.select_related("organization"), by, "annual_report.submit",
                            pk=society.pk)
    round_ = _open_round(profile, year)
    report = AnnualReport.objects.select_for_update().filter(society=profile, year=year).first()
    if report is None:
        return AnnualReport(society=profile, round=round_, year=year, **{f: None for f in REPORT_FIELDS})
    if report.status not in EDITABLE_REPORT_STATUSES:
        raise ValidationError({"status": _("The %(year)s report is %(status)s and can no longer be changed.")
                               % {"year": year, "status": report.get_status_display()}})
    return report


def report_save_draft(*, by, society: SocietyProfile, year: int, values: dict) -> AnnualReport:
    """Save what the secretary has filled in so far; any value may still be empty."""
    with transaction.atomic():
        report = _editable_report(by, society, year)
        old = None if report.pk is None else report_values_snapshot(report)
        _apply_values(report, values)
        report.save()
        before, after = diff_values(old or {}, report_values_snapshot(report))
        audit_record(action="update" if old is not None else "create", by=by, obj=report,
                     old=before if old is not None else None, new=after)
    return report


def report_submit(*, by, society: SocietyProfile, year: int, values: dict | None = None,
                  today: dt.date | None = None) -> AnnualReport:
    """Submit the year's report (with ``values`` saved first): every value must be filled in.

    Submitted after the round's due date, the report is marked late (逾期) and counts as filed
    only once the association accepts it. The society's four-batch flags are recomputed at once.
    """
    with transaction.atomic():
        report = _editable_report(by, society, year)
        _apply_values(report, values or {})
        missing = missing_report_values(report_values_snapshot(report))
        if missing:
            raise ValidationError(missing)
        if report.status != AnnualReportStatus.RETURNED:
            # First filing; a returned report submitted again keeps the mark of its first filing.
            report.late = past_due(report.round, today)
        report.status = AnnualReportStatus.SUBMITTED
        report.submitted_by, report.submitted_at = by, timezone.now()
        report.save()
        audit_record(action="submit", by=by, obj=report, new={**report_values_snapshot(report), "late": report.late})
        _refresh_flags(by, [report.society_id], today)
    return report


def _report_for_review(by, report: AnnualReport) -> AnnualReport:
    _require(by, "annual_report.review")
    report = access_object(AnnualReport.objects.select_for_update().select_related("round__organization", "society"),
                           by, "annual_report.review", pk=report.pk)
    _require_level(by, report.round.organization,
                   _("Only %(org)s (which collects these reports) or a level above it may review them."))
    # A closed round takes no report from the societies, but what came in before is still reviewed.
    if report.status != AnnualReportStatus.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted report can be reviewed; this one is %(status)s.")
                               % {"status": report.get_status_display()}})
    return report


def report_accept(*, by, report: AnnualReport, today: dt.date | None = None) -> AnnualReport:
    """Accept a submitted report: its values become the year's facts for evaluation. Accepting a
    late report is the association's approval of the late filing; the late mark stays. The
    society's four-batch flags are recomputed at once."""
    with transaction.atomic():
        report = _report_for_review(by, report)
        report.status, report.reviewed_by, report.reviewed_at = AnnualReportStatus.ACCEPTED, by, timezone.now()
        report.return_reason = ""
        report.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason", "updated_at"])
        audit_record(action="accept", by=by, obj=report, new={"status": report.status, "late": report.late})
        _refresh_flags(by, [report.society_id], today)
    return report


def report_return(*, by, report: AnnualReport, reason: str, today: dt.date | None = None) -> AnnualReport:
    """Return a submitted report to the society with a reason (退回); it can be changed and submitted again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for returning the report.")})
    with transaction.atomic():
        report = _report_for_review(by, report)
        report.status, report.return_reason = AnnualReportStatus.RETURNED, reason
        report.reviewed_by, report.reviewed_at = by, timezone.now()
        report.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at", "updated_at"])
        audit_record(action="return", by=by, obj=report, new={"reason": reason})
        _refresh_flags(by, [report.society_id], today)
    return report




def reports_import(*, by, year: int, rows: list[dict], filename: str) -> list[AnnualReport]:
    """Save many societies' reports for ``year`` from a checked spreadsheet, all or nothing.

    Imported reports are saved as SUBMITTED (not accepted): the collecting office reviews them
    like any other, so a typing error in a spreadsheet is still caught at review. The rows are
    validated again here, inside the transaction.
    """
    from .importers import validate_rows

    _require(by, "annual_report.review")
    with transaction.atomic():
        results = validate_rows(rows, by=by, year=year)
        if any(not result.ok for result in results):
            raise ImportRejected(results)
        if not results:
            raise ValidationError(_("The file contains no data rows below the header."))
        saved = []
        now = timezone.now()
        for result in results:
            report = AnnualReport.objects.select_for_update().filter(society_id=result.society.pk, year=year).first()
            if report is None:
                report = AnnualReport(society=result.society, round=result.round, year=year)
            for field, value in result.report_values.items():
                setattr(report, field, value)
            if report.status != AnnualReportStatus.RETURNED:
                report.late = past_due(result.round)
            report.status = AnnualReportStatus.SUBMITTED
            report.submitted_by, report.submitted_at = by, now
            report.return_reason = ""
            report.save()
            saved.append(report)
        audit_record(action="import", by=by, object_type=AnnualReport._meta.label_lower, object_repr=filename[:300],
                     new={"file": filename, "year": year, "count": len(saved), "ids": [r.pk for r in saved]},
                     detail=_("Imported %(count)d annual reports for %(year)s from %(file)s.")
                     % {"count": len(saved), "year": year, "file": filename})
        _refresh_flags(by, [report.society_id for report in saved])
    return saved
