"""Reading and checking a spreadsheet of many societies' annual reports for one year.

One row per society: its unified social credit code, its name, then every report value.
``read_report_file`` turns the upload into plain text rows (kept in the session between the
preview and the confirmation); ``validate_rows`` says for each row what is wrong, by column.
Nothing here writes: ``services.reports_import`` does, after validating again.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kexie.core.excel import read_rows
from kexie.organizations.models import OrganizationClosure

from .models import REPORT_FIELDS, AnnualReport, AnnualReportStatus, SocietyProfile

MAX_IMPORT_ROWS = 5000
DECIMAL_FIELDS = {"income", "expenditure"}


def columns() -> list[tuple[str, object]]:
    """(key, header) of every column, in the template's order."""
    result = [("credit_code", gettext_lazy("Unified social credit code")),
              ("society_name", gettext_lazy("Society name"))]
    for name in (*REPORT_FIELDS, "narrative"):
        result.append((name, AnnualReport._meta.get_field(name).verbose_name))
    return result


def _normalise(text) -> str:
    return re.sub(r"\s+", "", str(text or "")).rstrip("*＊").lower()


def header_aliases() -> dict[str, str]:
    """Every accepted spelling of a header (Chinese, English or the field name) -> column key."""
    aliases = {}
    for key, label in columns():
        aliases[key] = key
        for language in ("zh-hans", "en"):
            with translation.override(language):
                aliases[_normalise(label)] = key
    aliases[_normalise("信用代码")] = "credit_code"
    aliases[_normalise("学会")] = "society_name"
    return aliases


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_report_file(uploaded_file) -> list[dict]:
    """The file's data rows as ``{"row": n, "values": {column key: text}}``."""
    aliases = header_aliases()
    header, rows = read_rows(uploaded_file, header_names=set(aliases) | {str(label) for _k, label in columns()})
    keys = [aliases.get(_normalise(h)) for h in header]
    if "credit_code" not in keys and "society_name" not in keys:
        raise ValidationError(_("The header row has neither a credit code nor a society name column. Download the "
                                "template to see the expected columns."), code="missing_columns")
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(_("The file has more than %(max)d rows; split it into smaller files.")
                              % {"max": MAX_IMPORT_ROWS}, code="too_many_rows")
    if not rows:
        raise ValidationError(_("The file contains no data rows below the header."), code="no_rows")
    result = []
    for number, values in rows:
        row = {key: "" for key, _label in columns()}
        for key, value in zip(keys, values):
            if key:
                row[key] = _cell_text(value)
        result.append({"row": number, "values": row})
    return result


@dataclass
class RowResult:
    row: int
    values: dict
    errors: list = field(default_factory=list)
    society: SocietyProfile | None = None
    round: object = None
    report_values: dict = field(default_factory=dict)

    def error(self, column: str, message: str) -> None:
        labels = dict(columns())
        self.errors.append({"column": str(labels[column]), "message": message})

    @property
    def ok(self) -> bool:
        return not self.errors


def _number(text: str, key: str):
    """The cell's value, or raise ValueError for anything that is not a non-negative number."""
    text = text.replace(",", "").replace("，", "").strip()
    if key in DECIMAL_FIELDS:
        value = Decimal(text)
        if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")) or value >= 10 ** 10:
            raise ValueError(text)
        return value
    value = Decimal(text)
    if not value.is_finite() or value < 0 or value != value.to_integral_value() or value > 2_000_000_000:
        raise ValueError(text)
    return int(value)


def validate_rows(rows: list[dict], *, by, year: int) -> list[RowResult]:
    """Check every row of an import of ``year``'s reports made by ``by`` (annual_report.review)."""
    from .services import closed_message, round_for

    scope = SocietyProfile.objects.restrict(by, "annual_report.review").select_related("organization")
    codes = {r["values"].get("credit_code", "").strip().upper() for r in rows} - {""}
    names = {r["values"].get("society_name", "").strip() for r in rows} - {""}
    visible = list(scope.filter(Q(organization__credit_code__in=codes) | Q(organization__name__in=names)))
    by_code = {p.organization.credit_code: p for p in visible if p.organization.credit_code}
    by_name: dict[str, list[SocietyProfile]] = {}
    for profile in visible:
        by_name.setdefault(profile.organization.name, []).append(profile)
    statuses = dict(AnnualReport.objects.filter(society__in=visible, year=year).values_list("society_id", "status"))
    above = set(OrganizationClosure.objects.filter(ancestor_id=by.organization_id)
                .values_list("descendant_id", flat=True)) if by.organization_id else set()
    seen: dict[int, int] = {}
    rounds: dict[int, object] = {}
    results = []
    for raw in rows:
        values = raw["values"]
        result = RowResult(row=raw["row"], values=values)
        results.append(result)
        code = values.get("credit_code", "").strip().upper()
        name = values.get("society_name", "").strip()
        society = _match_society(result, code, name, by_code, by_name)
        if society is not None:
            if society.pk in seen:
                result.error("society_name", _("%(name)s is already on row %(row)d of this file.")
                             % {"name": society.organization.name, "row": seen[society.pk]})
            else:
                seen[society.pk] = result.row
            parent_id = society.organization.parent_id
            if parent_id not in rounds:  # societies under the same association report to the same round
                rounds[parent_id] = round_for(society, year)
            round_ = rounds[parent_id]
            if round_ is None:
                result.error("society_name", _("No association has opened a round of annual reports for %(year)s.")
                             % {"year": year})
            elif round_.closed:
                result.error("society_name", closed_message(year))
            elif round_.organization_id not in above:
                result.error("society_name", _("%(society)s reports to %(org)s, which is not your organisation "
                                               "or below it.") % {"society": society.organization.name,
                                                                  "org": round_.organization.name})
            if statuses.get(society.pk) == AnnualReportStatus.ACCEPTED:
                result.error("society_name", _("The %(year)s report of %(name)s has already been accepted.")
                             % {"year": year, "name": society.organization.name})
            result.society, result.round = society, round_
        for key in (*REPORT_FIELDS, "narrative"):
            text = values.get(key, "").strip()
            if not text:
                result.error(key, _("This column is required."))
            elif key == "narrative":
                result.report_values[key] = text
            else:
                try:
                    result.report_values[key] = _number(text, key)
                except (ValueError, InvalidOperation):
                    hint = (_("a number of 10,000 yuan with at most two decimals") if key in DECIMAL_FIELDS
                            else _("a whole number of 0 or more, in digits"))
                    result.error(key, _("“%(value)s” is not %(expected)s.") % {"value": text, "expected": hint})
    return results


def _match_society(result: RowResult, code: str, name: str, by_code, by_name) -> SocietyProfile | None:
    """The society the row names; errors when the code or name is unknown or they disagree."""
    if not code and not name:
        result.error("credit_code", _("Give the society's credit code or its name."))
        return None
    if code:
        society = by_code.get(code)
        if society is None:
            result.error("credit_code", _("No society with the credit code %(code)s in the registry within your "
                                          "data scope.") % {"code": code})
            return None
        if name and name not in (society.organization.name, society.organization.short_name):
            result.error("society_name", _("The credit code %(code)s belongs to %(society)s, not to %(name)s.")
                         % {"code": code, "society": society.organization.name, "name": name})
            return None
        return society
    matches = by_name.get(name, [])
    if len(matches) != 1:
        message = (_("No society named %(name)s in the registry within your data scope.") if not matches
                   else _("More than one society is named %(name)s; give its credit code."))
        result.error("society_name", message % {"name": name})
        return None
    return matches[0]
