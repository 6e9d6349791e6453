"""The ledger (台账) as an Excel sheet in the shape offices use, and reading that sheet back.

The sheet: the title in a merged first row, a two-row merged header (序号 / 任务 / 牵头单位 /
配合单位 / 完成时限 / 目标 (指标 / 目标值 / 单位) / 状态 / 系统编号), then the items in document
order with the sections above them as group rows. It is written with openpyxl's write-only mode
into a temporary file, so a ledger of a hundred thousand rows never sits in memory as cells.

The last column, 系统编号, holds each item's id (hidden): a corrected sheet is matched back to
the items by it, and by 序号 within the plan where a user's own sheet has no such column.
"""

import datetime as dt
import itertools
import tempfile
from copy import copy

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from kexie.core.excel import escape_cell

from .models import TRACKED_KINDS, AssignmentRole, PlanItem
from .selectors import target_value

# (key, header label, sub-header label under 目标 or None, column width)
COLUMNS = [
    ("key", pgettext_lazy("ledger column", "No."), None, 9),
    ("title", pgettext_lazy("ledger column", "Task"), None, 48),
    ("lead", pgettext_lazy("ledger column", "Lead units"), None, 22),
    ("co", pgettext_lazy("ledger column", "Co-responsible units"), None, 22),
    ("due", pgettext_lazy("ledger column", "Deadline"), None, 13),
    ("metric", pgettext_lazy("ledger column", "Target"), pgettext_lazy("ledger column", "Metric"), 22),
    ("value", pgettext_lazy("ledger column", "Target"), pgettext_lazy("ledger column", "Target value"), 11),
    ("unit", pgettext_lazy("ledger column", "Target"), pgettext_lazy("ledger column", "Unit"), 8),
    ("status", pgettext_lazy("ledger column", "Status"), None, 10),
    ("id", pgettext_lazy("ledger column", "System ID"), None, 10),
]
KEYS = [key for key, *_rest in COLUMNS]
TITLE_ROW, HEADER_ROWS, FIRST_DATA_ROW = 1, (2, 3), 4
UNASSIGNED_MARK = gettext_lazy("(not assigned)")

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F4")
_GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
_BOLD = Font(bold=True)
CHUNK = 2000


def unit_label(assignment) -> str:
    """A unit as the ledger shows it: the mapped organisation's short name, or the name as
    written marked “not assigned”."""
    if assignment.organization_id:
        org = assignment.organization
        return org.short_name or org.name
    return f"{assignment.unit_name}{UNASSIGNED_MARK}"


def units_text(item, role: str) -> str:
    return "、".join(unit_label(a) for a in item.assignments.all() if a.role == role)


def item_cells(item) -> dict:
    """One ledger row's values, keyed like COLUMNS (targets one per line)."""
    targets = list(item.targets.all())
    return {
        "key": item.key, "title": item.title,
        "lead": units_text(item, AssignmentRole.LEAD), "co": units_text(item, AssignmentRole.CO),
        "due": item.due, "metric": "\n".join(t.metric for t in targets),
        "value": "\n".join(target_value(t) for t in targets), "unit": "\n".join(t.unit for t in targets),
        "status": item.get_status_display(), "id": item.pk,
    }


def _cell(sheet, value, *, font=None, fill=None, alignment=_WRAP, number_format=None):
    cell = WriteOnlyCell(sheet, value=escape_cell(value))
    # Setting a style looks it up in the workbook's style lists by hashing it, which costs more
    # than writing the cell: the first cell of each combination does it, the rest copy the result.
    styles = sheet.__dict__.setdefault("_kexie_styles", {})
    key = (id(font), id(fill), id(alignment), number_format)
    if key in styles:
        cell._style = copy(styles[key])
        return cell
    cell.border = _BORDER
    cell.alignment = alignment
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    styles[key] = copy(cell._style)
    return cell


def _header(sheet, title: str) -> None:
    last = get_column_letter(len(COLUMNS))
    title_cell = WriteOnlyCell(sheet, value=escape_cell(title))
    title_cell.font = Font(bold=True, size=14)
    title_cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append([title_cell])
    sheet.merged_cells.add(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    bold = _BOLD
    top, bottom = [], []
    for key, label, sub, _width in COLUMNS:
        top.append(_cell(sheet, str(label), font=bold, fill=_HEADER_FILL, alignment=_CENTER))
        bottom.append(_cell(sheet, str(sub) if sub else None, font=bold, fill=_HEADER_FILL, alignment=_CENTER))
    sheet.append(top)
    sheet.append(bottom)
    first_target = KEYS.index("metric") + 1
    last_target = KEYS.index("unit") + 1
    for index, (key, _label, sub, _width) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        if sub is None:  # a header without sub-headers spans both header rows
            sheet.merged_cells.add(f"{letter}{HEADER_ROWS[0]}:{letter}{HEADER_ROWS[1]}")
    sheet.merged_cells.add(f"{get_column_letter(first_target)}{HEADER_ROWS[0]}:"
                           f"{get_column_letter(last_target)}{HEADER_ROWS[0]}")


def _group_row(sheet, key: str, title: str, pk=None):
    bold = _BOLD
    # A section keeps its id too, so that a corrected sheet is read back without guessing which
    # rows are groups; a plan's title row has neither number nor id.
    return [_cell(sheet, key, font=bold, fill=_GROUP_FILL), _cell(sheet, title, font=bold, fill=_GROUP_FILL)] + [
        _cell(sheet, None, fill=_GROUP_FILL) for _column in COLUMNS[2:-1]] + [_cell(sheet, pk, fill=_GROUP_FILL)]


def _data_row(sheet, item) -> list:
    values = item_cells(item)
    row = []
    for key in KEYS:
        value = values[key]
        if key == "due":
            row.append(_cell(sheet, value, number_format="yyyy-mm-dd"))
        elif key in ("key", "status", "id", "value", "unit"):
            row.append(_cell(sheet, value, alignment=_CENTER))
        else:
            row.append(_cell(sheet, value))
    return row


class _Groups:
    """Emits, once each, the untracked ancestors (sections) of the rows about to be written,
    and the plan's title when the sheet spans several plans."""

    def __init__(self, sheet, several_plans: bool):
        self.sheet, self.several_plans = sheet, several_plans
        self.plan_id, self.sections, self.done = None, {}, set()
        self.sections_of: dict[int, dict] = {}

    def load(self, plan_ids) -> None:
        """Read the sections of these plans (one query per thousand plans, not one per plan)."""
        missing = sorted({pk for pk in plan_ids if pk not in self.sections_of})
        for start in range(0, len(missing), 1000):
            chunk = missing[start:start + 1000]
            for pk in chunk:
                self.sections_of[pk] = {}
            for section in PlanItem.objects.filter(plan_id__in=chunk).exclude(kind__in=TRACKED_KINDS).only(
                    "pk", "plan_id", "parent_id", "key", "title", "kind"):
                self.sections_of[section.plan_id][section.pk] = section

    def rows_before(self, item) -> list:
        rows = []
        if item.plan_id != self.plan_id:
            self.plan_id, self.done = item.plan_id, set()
            self.load([item.plan_id])
            self.sections = self.sections_of[item.plan_id]
            if self.several_plans:
                rows.append(_group_row(self.sheet, "", item.plan.title))
        chain, parent_id = [], item.parent_id
        while parent_id in self.sections:
            section = self.sections[parent_id]
            chain.append(section)
            parent_id = section.parent_id
        for section in reversed(chain):
            if section.pk not in self.done:
                self.done.add(section.pk)
                rows.append(_group_row(self.sheet, section.key, section.title, section.pk))
        return rows


def write_ledger(items, *, title: str, several_plans: bool = False):
    """Write ``items`` (a queryset from ``selectors.ledger_items``) to a temporary .xlsx file.

    Returns (file object positioned at 0, number of item rows). Group rows are written only for
    sections in the same order as the items, which is document order when sorted by 序号.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_name(title))
    for index, (_key, _label, _sub, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.column_dimensions[get_column_letter(KEYS.index("id") + 1)].hidden = True
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROWS[0]}:{HEADER_ROWS[1]}"
    _header(sheet, title)
    groups = _Groups(sheet, several_plans)
    count = 0
    for chunk in itertools.batched(items.iterator(chunk_size=CHUNK), CHUNK):
        groups.load(item.plan_id for item in chunk)
        for item in chunk:
            for row in groups.rows_before(item):
                sheet.append(row)
            sheet.append(_data_row(sheet, item))
            count += 1
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output, count


def _sheet_name(title: str) -> str:
    import re

    return re.sub(r"[\[\]:*?/\\]", "", str(title or ""))[:31].strip() or _("Ledger")


# --- reading a corrected sheet back -----------------------------------------------------------

def header_names() -> dict[str, str]:
    """Header text (in Chinese and English, whichever the sheet was exported in) -> column key."""
    from django.utils import translation

    names = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for key, label, sub, _width in COLUMNS:
                names[str(sub if sub else label)] = key
    return names


def sheet_rows(uploaded_file) -> list[dict]:
    """The rows of an uploaded ledger sheet as dicts {"row": n, <column key>: value, ...}.

    Finds the header by its labels (the 目标 sub-headers are on the row below), skips group
    rows and blank rows. Raises ValidationError for a file that is not a ledger sheet.
    """
    from django.core.exceptions import ValidationError

    from kexie.core.excel import read_rows

    names = header_names()
    header, rows = read_rows(uploaded_file, header_names=list(names))
    columns = {}
    for index, text in enumerate(header):
        key = names.get(str(text).strip().rstrip("*"))
        if key and key not in columns:
            columns[key] = index
    # The two-row header: 目标 spans 指标 / 目标值 / 单位 written on the next row.
    if rows and "metric" not in columns:
        first_number, first_values = rows[0]
        for index, text in enumerate(first_values):
            key = names.get(str(text).strip()) if isinstance(text, str) else None
            if key in ("metric", "value", "unit"):
                columns[key] = index
        if any(k in columns for k in ("metric", "value", "unit")):
            rows = rows[1:]
    if "key" not in columns and "id" not in columns:
        raise ValidationError(_("This is not a ledger sheet: no “No.” column was found. Export the ledger and "
                                "correct that file."))
    result = []
    for number, values in rows:
        row = {"row": number}
        for key, index in columns.items():
            value = values[index] if index < len(values) else None
            row[key] = _jsonable(value)
        result.append(row)
    return result


def _jsonable(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def ledger_export(*, by, items, title: str, filters: dict, several_plans: bool = False):
    """Write the ledger sheet of ``items`` (already scoped to plan.export and filtered) and audit
    the export with its filters and row count. Returns (file, row count)."""
    from django.db import transaction

    from kexie.audit.services import audit_record

    output, count = write_ledger(items, title=title, several_plans=several_plans)
    with transaction.atomic():
        audit_record(action="export", by=by, object_type=PlanItem._meta.label_lower, object_repr=title[:300],
                     new={"filters": filters, "count": count},
                     detail=_("Exported %(count)d ledger rows.") % {"count": count})
    return output, count
