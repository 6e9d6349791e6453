"""Changes to coverage records: the import of denominators from an Excel file. All or nothing:
every row is checked first, and one bad row saves nothing; one audit row per import."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kexie.accounts.scope import require_code
from kexie.audit.services import audit_record
from kexie.core.excel import read_rows
from kexie.core.validators import validate_region_code
from kexie.organizations.models import Organization

from .models import Category, Denominator
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
