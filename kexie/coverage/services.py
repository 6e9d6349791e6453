"""Changes to coverage records: the import of denominators from an Excel file (all or nothing:
every row is checked first, and one bad row saves nothing; one audit row per import), and the
三长/四长 roster (an entry added, an entry ended; each audited)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object, require_code
from kexie.audit.services import audit_record
from kexie.core.excel import read_rows
from kexie.core.validators import validate_region_code
from kexie.organizations.models import Organization
from kexie.people.models import Person

from .models import Category, CommitteeRole, Denominator, PostKind, RosterEntry
from .selectors import IMPORT, prefix_of

COLUMNS = ("地区代码", "地区名称", "类别", "年度", "数量", "来源")
REQUIRED = ("地区代码", "类别", "年度", "数量")

# The words a file may use for each category (the labels in either language are accepted too).
CATEGORY_WORDS = {
    "高校": Category.UNIVERSITY, "高等学校": Category.UNIVERSITY, "普通高校": Category.UNIVERSITY,
    "规上企业": Category.ENTERPRISE, "规模以上企业": Category.ENTERPRISE, "规模以上工业企业": Category.ENTERPRISE,
    "园区": Category.PARK, "开发区": Category.PARK,
    "乡镇（街道）": Category.TOWNSHIP, "乡镇(街道)": Category.TOWNSHIP, "乡镇": Category.TOWNSHIP,
    "街道": Category.TOWNSHIP, "乡镇街道": Category.TOWNSHIP,
    "科研院所": Category.INSTITUTE, "研究院所": Category.INSTITUTE,
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _category(text: str) -> str | None:
    if text in CATEGORY_WORDS:
        return CATEGORY_WORDS[text]
    for value, label in Category.choices:
        if text in (value, str(label)):
            return value
    return None


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _error(number: int, column: str, message: str) -> str:
    return _("Row %(row)d, column “%(column)s”: %(message)s") % {"row": number, "column": column, "message": message}


def parse_file(uploaded_file, *, prefix: str) -> list[dict]:
    """The file's rows as clean values; ValidationError listing every bad row and column."""
    header, rows = read_rows(uploaded_file, header_names=COLUMNS)
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError(_("The header row is missing the column(s) %(columns)s. Download the template to see "
                                "the expected columns.") % {"columns": "、".join(missing)}, code="missing_columns")
    if not rows:
        raise ValidationError(_("The file contains no data rows below the header."), code="no_rows")
    index = {name: header.index(name) for name in COLUMNS if name in header}
    errors, clean, seen = [], [], {}
    for number, values in rows:
        cell = {name: _text(values[i]) for name, i in index.items()}
        row_errors = []
        code = cell.get("地区代码", "")
        try:
            validate_region_code(code)
            if not code:
                raise ValidationError("")
        except ValidationError:
            row_errors.append(_error(number, "地区代码", _("a 6-digit administrative region code is required.")))
        else:
            if not code.startswith(prefix):
                row_errors.append(_error(number, "地区代码", _("the region %(code)s is outside your association's "
                                                              "region.") % {"code": code}))
        category = _category(cell.get("类别", ""))
        if category is None:
            row_errors.append(_error(number, "类别", _("use one of 高校, 规上企业, 园区, 乡镇（街道）, 科研院所.")))
        year = _integer(cell.get("年度", ""))
        if year is None or not 1949 <= year <= 2100:
            row_errors.append(_error(number, "年度", _("a year such as 2026 is required.")))
        count = _integer(cell.get("数量", ""))
        if count is None or count < 0:
            row_errors.append(_error(number, "数量", _("a whole number of zero or more is required.")))
        source = cell.get("来源", "")
        if len(source) > 200:
            row_errors.append(_error(number, "来源", _("at most 200 characters.")))
        if not row_errors:
            key = (code, category, year)
            if key in seen:
                row_errors.append(_error(number, "类别", _("the same region, category and year is already on row "
                                                          "%(row)d.") % {"row": seen[key]}))
            seen[key] = number
        errors.extend(row_errors)
        clean.append({"region_code": code, "region_name": cell.get("地区名称", "")[:100], "category": category,
                      "year": year, "count": count, "source": source})
    if errors:
        raise ValidationError(errors, code="bad_rows")
    return clean


def import_denominators(*, by, organization: Organization, uploaded_file) -> dict:
    """Create or update the denominators of the file for ``organization`` (which ``by`` must hold
    ``org.import`` over). Returns {"created": n, "updated": n}."""
    require_code(by, IMPORT)
    if not Organization.objects.restrict(by, IMPORT).filter(pk=organization.pk).exists():
        raise ValidationError(_("You may not import figures for this organisation."), code="scope")
    rows = parse_file(uploaded_file, prefix=prefix_of(organization))
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            _obj, was_created = Denominator.objects.update_or_create(
                region_code=row["region_code"], category=row["category"], year=row["year"],
                defaults={"organization": organization, "region_name": row["region_name"], "count": row["count"],
                          "source": row["source"], "updated_by": by})
            created += was_created
            updated += not was_created
        audit_record(action="import", by=by, obj=organization, detail="coverage_denominators",
                     new={"file": getattr(uploaded_file, "name", ""), "rows": len(rows), "created": created,
                          "updated": updated})
    return {"created": created, "updated": updated}


# --- the 三长/四长 roster ---------------------------------------------------------------------------

CHANGE = "org.change"


def roster_snapshot(entry: RosterEntry) -> dict:
    return {"organization": entry.organization_id, "person": entry.person_id, "post_kind": entry.post_kind,
            "post_unit": entry.post_unit, "post_title": entry.post_title, "committee_role": entry.committee_role,
            "term_starts_on": entry.term_starts_on.isoformat() if entry.term_starts_on else None,
            "term_ends_on": entry.term_ends_on.isoformat() if entry.term_ends_on else None,
            "active": entry.active, "ended_on": entry.ended_on.isoformat() if entry.ended_on else None,
            "end_reason": entry.end_reason}


def _date(value, field: str):
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [_("Enter a date such as 2026-01-01.")]}) from None


def roster_add(*, by, organization: Organization, person, data: dict) -> RosterEntry:
    """Put a grassroots leader on the roster of ``organization``'s committee. ``by`` needs
    ``org.change`` over the organisation and must see the person record (``person.view``)."""
    require_code(by, CHANGE)
    organization = access_object(Organization, by, CHANGE, pk=getattr(organization, "pk", organization))
    errors: dict[str, list] = {}
    person = Person.objects.restrict(by, "person.view").current().filter(pk=getattr(person, "pk", person)).first()
    if person is None:
        errors["person"] = [_("Choose a person record you may see.")]
    post_kind = (data.get("post_kind") or "").strip()
    if post_kind not in PostKind.values:
        errors["post_kind"] = [_("Choose the kind of post.")]
    unit = " ".join(str(data.get("post_unit") or "").split())
    title = " ".join(str(data.get("post_title") or "").split())
    if not unit:
        errors["post_unit"] = [_("Enter the unit, e.g. 中牟县人民医院.")]
    elif len(unit) > 200:
        errors["post_unit"] = [_("At most 200 characters.")]
    if not title:
        errors["post_title"] = [_("Enter the post, e.g. 院长.")]
    elif len(title) > 100:
        errors["post_title"] = [_("At most 100 characters.")]
    role = (data.get("committee_role") or CommitteeRole.MEMBER).strip()
    if role not in CommitteeRole.values:
        errors["committee_role"] = [_("Choose the role on the committee.")]
    starts, ends = None, None
    try:
        starts = _date(data.get("term_starts_on"), "term_starts_on")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        ends = _date(data.get("term_ends_on"), "term_ends_on")
    except ValidationError as error:
        errors.update(error.message_dict)
    if starts and ends and ends < starts:
        errors["term_ends_on"] = [_("The term cannot end before it starts.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if RosterEntry.objects.filter(organization=organization, person=person, post_kind=post_kind,
                                      active=True).exists():
            raise ValidationError({"person": [_("%(name)s is already on this committee's roster for this kind of "
                                                "post.") % {"name": person.name}]})
        entry = RosterEntry.objects.create(
            organization=organization, person=person, post_kind=post_kind, post_unit=unit, post_title=title,
            committee_role=role, term_starts_on=starts, term_ends_on=ends, created_by=by)
        audit_record(action="create", by=by, obj=entry, new=roster_snapshot(entry))
    return entry


def roster_end(*, by, entry, ended_on, reason: str = "") -> RosterEntry:
    """End an active entry (the leader left the post or the committee) on ``ended_on``."""
    require_code(by, CHANGE)
    entry = access_object(RosterEntry, by, CHANGE, pk=getattr(entry, "pk", entry))
    ended_on = _date(ended_on, "ended_on")
    if ended_on is None:
        raise ValidationError({"ended_on": [_("Enter the day the entry ends.")]})
    reason = " ".join(str(reason or "").split())
    if len(reason) > 200:
        raise ValidationError({"end_reason": [_("At most 200 characters.")]})
    with transaction.atomic():
        entry = RosterEntry.objects.select_for_update().get(pk=entry.pk)
        if not entry.active:
            raise ValidationError({"ended_on": [_("This entry has ended already.")]})
        if entry.term_starts_on and ended_on < entry.term_starts_on:
            raise ValidationError({"ended_on": [_("The entry cannot end before its term starts.")]})
        old = roster_snapshot(entry)
        entry.active, entry.ended_on, entry.end_reason = False, ended_on, reason
        entry.save(update_fields=["active", "ended_on", "end_reason", "updated_at"])
        audit_record(action="status", by=by, obj=entry, old=old, new=roster_snapshot(entry))
    return entry
