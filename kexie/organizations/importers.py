"""Reading and checking an organisation import file (.xlsx or .csv).

``read_import_file`` turns the upload into plain rows (strings only, so they can be stored as
JSON between preview and confirmation); ``validate_rows`` checks every row against the database
and against the rows above it, and says for each row what is wrong, by column, in the user's
language. Nothing here writes: ``services.organization_import`` does, after validating again.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kexie.core.excel import read_rows
from kexie.core.validators import is_valid_credit_code, validate_region_code

from .models import Organization, OrgKind, OrgStatus, kind_may_sit_under

# (key, column header, required, max length)
COLUMNS = [
    ("name", gettext_lazy("Name"), True, 200),
    ("short_name", gettext_lazy("Short name"), False, 100),
    ("aliases", gettext_lazy("Aliases"), False, 500),
    ("kind", gettext_lazy("Kind"), True, 64),
    ("parent", gettext_lazy("Parent organisation (full name or credit code)"), False, 200),
    ("credit_code", gettext_lazy("Unified social credit code"), False, 18),
    ("region_code", gettext_lazy("Administrative region code"), False, 6),
    ("founded_on", gettext_lazy("Founding date"), False, 20),
    ("status", gettext_lazy("Status"), False, 16),
    ("contact_person", gettext_lazy("Contact person"), False, 50),
    ("contact_phone", gettext_lazy("Contact phone"), False, 30),
    ("contact_email", gettext_lazy("Contact e-mail"), False, 254),
    ("address", gettext_lazy("Address"), False, 200),
]
COLUMN_LABELS = {key: label for key, label, _req, _max in COLUMNS}
EXAMPLE_ROW = {
    "name": "示例市科学技术协会", "short_name": "示例市科协", "aliases": "示例科协",
    "kind": OrgKind.CITY_ASSOCIATION.label, "parent": "甲省科学技术协会", "credit_code": "",
    "region_code": "410300", "founded_on": "1980-05-01", "status": OrgStatus.ACTIVE.label,
    "contact_person": "张三", "contact_phone": "0371-12345678", "contact_email": "office@example.cn",
    "address": "示例市示例路1号",
}
MAX_IMPORT_ROWS = 5000


def _labels_in_all_languages(label) -> set[str]:
    names = {str(label)}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.add(str(label))
    return names


def header_aliases() -> dict[str, str]:
    """Every accepted spelling of a column header (Chinese or English) -> column key."""
    result = {}
    for key, label, _req, _max in COLUMNS:
        for name in _labels_in_all_languages(label):
            result[_normalise_header(name)] = key
        result[key] = key
    # Short forms people type by hand.
    for name in ("上级组织", "上级", "上级单位", "parent"):
        result[name] = "parent"
    return result


def _normalise_header(text) -> str:
    return re.sub(r"\s+", "", str(text or "")).rstrip("*＊").lower()


def _choice_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[value.lower()] = value
        for name in _labels_in_all_languages(label):
            lookup[name.strip().lower()] = value
    return lookup


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_import_file(uploaded_file) -> list[dict]:
    """The file's data rows as ``{"row": n, "values": {column key: text}}``."""
    aliases = header_aliases()
    header, rows = read_rows(uploaded_file, header_names=set(aliases))
    keys = [aliases.get(_normalise_header(h)) for h in header]
    missing = [str(label) for key, label, required, _max in COLUMNS if required and key not in keys]
    if missing:
        raise ValidationError(
            _("The header row is missing the column(s) %(columns)s. Download the template to see the expected "
              "columns.") % {"columns": "、".join(missing)}, code="missing_columns")
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(_("The file has more than %(max)d rows; split it into smaller files.")
                              % {"max": MAX_IMPORT_ROWS}, code="too_many_rows")
    if not rows:
        raise ValidationError(_("The file contains no data rows below the header."), code="no_rows")
    result = []
    for number, values in rows:
        row = {key: "" for key, *_rest in COLUMNS}
        for key, value in zip(keys, values):
            if key:
                row[key] = _cell_text(value)
        result.append({"row": number, "values": row})
    return result


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    text = text.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass
class RowResult:
    row: int
    values: dict
    errors: list = field(default_factory=list)
    # Where the parent comes from: ("db", pk), ("row", index into the rows) or None for a root.
    parent_ref: tuple | None = None
    parent_label: str = ""
    kind: str = ""
    status: str = OrgStatus.ACTIVE
    founded_on: dt.date | None = None

    def error(self, column: str, message: str) -> None:
        self.errors.append({"column": str(COLUMN_LABELS[column]), "message": message})

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_rows(rows: list[dict], *, scope_queryset, may_create_root: bool) -> list[RowResult]:
    """Check every row; ``scope_queryset`` holds the organisations new rows may be put under."""
    kinds = _choice_lookup(OrgKind.choices)
    statuses = _choice_lookup(OrgStatus.choices)
    kind_labels = dict(OrgKind.choices)
    results: list[RowResult] = []
    by_name: dict[str, list[int]] = {}
    by_code: dict[str, int] = {}
    names_under: set[tuple] = set()

    for index, raw in enumerate(rows):
        values = raw["values"]
        result = RowResult(row=raw["row"], values=values)
        results.append(result)

        for key, _label, required, max_length in COLUMNS:
            if required and not values.get(key):
                result.error(key, _("This column is required."))
            elif len(values.get(key, "")) > max_length:
                result.error(key, _("At most %(max)d characters.") % {"max": max_length})
        name = values.get("name", "")

        kind_text = values.get("kind", "")
        if kind_text:
            result.kind = kinds.get(kind_text.strip().lower(), "")
            if not result.kind:
                result.error("kind", _("Unknown kind “%(value)s”.") % {"value": kind_text})

        status_text = values.get("status", "")
        if status_text:
            result.status = statuses.get(status_text.strip().lower(), "")
            if not result.status:
                result.error("status", _("Unknown status “%(value)s”; use one of %(choices)s.") % {
                    "value": status_text, "choices": "、".join(str(label) for _v, label in OrgStatus.choices)})

        code = values.get("credit_code", "").upper()
        values["credit_code"] = code
        if code:
            if not is_valid_credit_code(code):
                result.error("credit_code", _("“%(value)s” is not a valid unified social credit code (18 "
                                              "characters, check digit must match).") % {"value": code})
            elif code in by_code:
                result.error("credit_code", _("The same credit code is already on row %(row)d of this file.")
                             % {"row": results[by_code[code]].row})
            elif Organization.objects.filter(credit_code=code).exists():
                result.error("credit_code", _("The credit code %(code)s is already used by another organisation.")
                             % {"code": code})

        region = values.get("region_code", "")
        if region:
            try:
                validate_region_code(region)
            except ValidationError as error:
                result.error("region_code", " ".join(str(m) for m in error.messages))

        try:
            result.founded_on = parse_date(values.get("founded_on", ""))
        except ValueError:
            result.error("founded_on", _("“%(value)s” is not a date; write it as 2024-05-01.")
                         % {"value": values.get("founded_on", "")})

        email = values.get("contact_email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                result.error("contact_email", _("“%(value)s” is not an e-mail address.") % {"value": email})

        _resolve_parent(result, index, results, by_name, by_code, scope_queryset, may_create_root)

        parent_kind, parent_name = _parent_kind_and_name(result, results)
        if result.kind and parent_kind is not False and not kind_may_sit_under(result.kind, parent_kind):
            if parent_kind is None:
                result.error("kind", _("A %(kind)s cannot be a top-level organisation.")
                             % {"kind": kind_labels[result.kind]})
            else:
                result.error("kind", _("A %(kind)s cannot sit under %(parent)s (a %(parent_kind)s).") % {
                    "kind": kind_labels[result.kind], "parent": parent_name,
                    "parent_kind": kind_labels[parent_kind]})

        parent_known = result.parent_ref is not None or not values.get("parent")
        if name and parent_known:
            key = (result.parent_ref, name)
            if key in names_under:
                result.error("name", _("%(name)s appears twice under the same parent in this file.")
                             % {"name": name})
            elif result.parent_ref is None or result.parent_ref[0] == "db":
                parent_id = result.parent_ref[1] if result.parent_ref else None
                if Organization.objects.filter(parent_id=parent_id, name=name).exists():
                    result.error("name", _("%(parent)s already has an organisation named %(name)s.") % {
                        "parent": parent_name or _("The top level"), "name": name})
            names_under.add(key)

        if name:
            by_name.setdefault(name, []).append(index)
        if code and code not in by_code:
            by_code[code] = index
    return results


def _resolve_parent(result, index, results, by_name, by_code, scope_queryset, may_create_root) -> None:
    reference = result.values.get("parent", "").strip()
    if not reference:
        if not may_create_root:
            result.error("parent", _("A parent organisation is required."))
        return
    upper = reference.upper()
    in_file = []
    if upper in by_code:
        in_file = [by_code[upper]]
    elif reference in by_name:
        in_file = by_name[reference]
    if len(upper) == 18 and is_valid_credit_code(upper):
        in_db = list(scope_queryset.filter(credit_code=upper)[:2])
    else:
        in_db = list(scope_queryset.filter(name=reference)[:2])
    if len(in_file) + len(in_db) > 1:
        result.error("parent", _("“%(value)s” names more than one organisation; give its credit code instead.")
                     % {"value": reference})
        return
    if in_file:
        result.parent_ref = ("row", in_file[0])
        result.parent_label = reference
        if not results[in_file[0]].ok:
            result.error("parent", _("The parent on row %(row)d has errors.") % {"row": results[in_file[0]].row})
        return
    if in_db:
        result.parent_ref = ("db", in_db[0].pk)
        result.parent_label = in_db[0].name
        return
    result.error("parent", _("Unknown parent organisation “%(value)s” (not found within your data scope, nor on "
                             "an earlier row of this file).") % {"value": reference})


def _parent_kind_and_name(result, results):
    """(kind, name) of the row's parent; (None, "") for a root; (False, "") if unknown."""
    if result.parent_ref is None:
        return (None, "") if not result.values.get("parent") else (False, "")
    source, key = result.parent_ref
    if source == "row":
        parent = results[key]
        return (parent.kind or False), parent.values.get("name", "")
    org = Organization.objects.filter(pk=key).values_list("kind", "name").first()
    return (org[0], org[1]) if org else (False, "")
