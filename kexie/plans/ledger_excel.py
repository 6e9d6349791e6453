"""The ledger (台账) as an Excel sheet in the shape offices use, and reading that sheet back.

The sheet: the title in a merged first row, a two-row merged header (序号 / 任务 / 牵头单位 /
配合单位 / 完成时限 / 目标 (指标 / 目标值 / 单位) / 状态 / 系统编号 / 亮灯 / 完成进度), then the
items in document order with the sections above them as group rows. 亮灯 and 完成进度 are the
task's status light and percent as the task page shows them (``tracking.selectors.task_lights``);
they are derived, so a corrected sheet's values there are not read. openpyxl writes the workbook and its header
(write-only mode); the rows below are read as plain values a chunk at a time and written into the
sheet's XML as they come (``kexie.core.xlsx_stream``), into a temporary file: a ledger of a
hundred thousand rows never sits in memory, as cells or as model instances.

The column 系统编号 holds each item's id (hidden): a corrected sheet is matched back to
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
from kexie.core.xlsx_stream import save_with_rows
from kexie.tracking.selectors import task_lights

from .models import TRACKED_KINDS, Assignment, AssignmentRole, ItemStatus, Plan, PlanItem, Target
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
    # After the (hidden) system ID, so that the columns offices' own sheets and tools know stay put.
    ("light", pgettext_lazy("ledger column", "Light"), None, 8),
    ("percent", pgettext_lazy("ledger column", "Progress"), None, 10),
]
KEYS = [key for key, *_rest in COLUMNS]
_ID = KEYS.index("id")
TITLE_ROW, HEADER_ROWS, FIRST_DATA_ROW = 1, (2, 3), 4
UNASSIGNED_MARK = gettext_lazy("(not assigned)")

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F4")
_GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
# The light's cell in Excel's own good / neutral / bad fills, so that a printed sheet shows it too.
LIGHT_FILLS = {"green": PatternFill("solid", fgColor="C6EFCE"), "amber": PatternFill("solid", fgColor="FFEB9C"),
               "red": PatternFill("solid", fgColor="FFC7CE")}
PERCENT_FORMAT = "0%"
_BOLD = Font(bold=True)
CHUNK = 2000


def unit_label(assignment) -> str:
    """A unit as the ledger shows it: the mapped organisation's short name, or the name as
    written marked “not assigned”."""
    if assignment.organization_id:
        org = assignment.organization
        return org.short_name or org.name
    return f"{assignment.unit_name}{UNASSIGNED_MARK}"


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


def _row_styles(sheet) -> tuple[dict[str | None, tuple[int, ...]], tuple[int, ...]]:
    """The style index of each column in an item row — by the item's light, which fills its cell
    (None: not tracked) — and in a group row (registering them)."""
    def style(**kwargs) -> int:
        return _cell(sheet, None, **kwargs).style_id

    wrap, center, date = style(), style(alignment=_CENTER), style(number_format="yyyy-mm-dd")
    percent = style(alignment=_CENTER, number_format=PERCENT_FORMAT)
    item = [date if key == "due" else percent if key == "percent"
            else center if key in ("key", "status", "id", "value", "unit", "light") else wrap for key in KEYS]
    light = KEYS.index("light")
    items = {None: tuple(item)}
    for colour, fill in LIGHT_FILLS.items():
        item[light] = style(alignment=_CENTER, fill=fill)
        items[colour] = tuple(item)
    # A group row: number and title in bold, the other cells filled, all with borders.
    bold, plain = style(font=_BOLD, fill=_GROUP_FILL), style(fill=_GROUP_FILL)
    return items, (bold, bold) + (plain,) * (len(KEYS) - 2)


def _units(item_ids) -> dict[tuple[int, str], list[str]]:
    """(item id, role) -> the unit labels in the order they were assigned (see ``unit_label``)."""
    mark = str(UNASSIGNED_MARK)
    units: dict[tuple[int, str], list[str]] = {}
    for item_id, role, unit_name, organization_id, short_name, name in (
            Assignment.objects.filter(item_id__in=item_ids).order_by("id").values_list(
                "item_id", "role", "unit_name", "organization_id", "organization__short_name",
                "organization__name")):
        label = (short_name or name) if organization_id else f"{unit_name}{mark}"
        units.setdefault((item_id, role), []).append(label)
    return units


def _targets(item_ids) -> dict[int, list]:
    """Item id -> its targets (rows with metric, min_value, max_value, unit) in order."""
    targets: dict[int, list] = {}
    for target in Target.objects.filter(item_id__in=item_ids).order_by("position", "id").values_list(
            "item_id", "metric", "min_value", "max_value", "unit", named=True):
        targets.setdefault(target.item_id, []).append(target)
    return targets


class _Rows:
    """The sheet's rows below the header as (values, styles): each item's row, preceded once each
    by its untracked ancestors (sections) and, when the sheet spans several plans, by the plan's
    title. Items, units, targets and sections are read as plain values, a chunk of items at a time
    with one query each for their units, their targets and their lights: no model instances.
    ``item_styles``: the item row's styles by the item's light."""

    def __init__(self, items, *, several_plans: bool, item_styles, group_styles):
        self.items, self.several_plans = items, several_plans
        self.item_styles, self.group_styles = item_styles, group_styles
        self.sections_of: dict[int, dict[int, tuple]] = {}  # plan id -> section id -> (parent id, key, title)
        self.plan_titles: dict[int, str] = {}
        self.count = 0

    def load(self, plan_ids) -> None:
        """Read the sections of these plans (one query per thousand plans, not one per plan)."""
        missing = sorted({pk for pk in plan_ids if pk not in self.sections_of})
        for start in range(0, len(missing), 1000):
            chunk = missing[start:start + 1000]
            for pk in chunk:
                self.sections_of[pk] = {}
            for pk, plan_id, parent_id, key, title in (
                    PlanItem.objects.filter(plan_id__in=chunk).exclude(kind__in=TRACKED_KINDS).order_by()
                    .values_list("pk", "plan_id", "parent_id", "key", "title")):
                self.sections_of[plan_id][pk] = (parent_id, key, title)
            if self.several_plans:
                self.plan_titles.update(Plan.objects.filter(pk__in=chunk).values_list("pk", "title"))

    def _group(self, key, title, pk=None):
        # A section keeps its id too, so that a corrected sheet is read back without guessing which
        # rows are groups; a plan's title row has neither number nor id.
        values = [None] * len(KEYS)
        values[0], values[1], values[_ID] = escape_cell(key), escape_cell(title), pk
        return tuple(values), self.group_styles

    def __iter__(self):
        statuses = {value: str(label) for value, label in ItemStatus.choices}
        rows = self.items.prefetch_related(None).select_related(None).values_list(
            "pk", "plan_id", "parent_id", "key", "title", "due", "status")
        plan_id, sections, done = None, {}, set()
        for chunk in itertools.batched(rows.iterator(chunk_size=CHUNK), CHUNK):
            self.load(row[1] for row in chunk)
            ids = [row[0] for row in chunk]
            units, targets, lights = _units(ids), _targets(ids), task_lights(ids)
            for pk, item_plan_id, parent_id, key, title, due, status in chunk:
                if item_plan_id != plan_id:
                    plan_id, sections, done = item_plan_id, self.sections_of[item_plan_id], set()
                    if self.several_plans:
                        yield self._group("", self.plan_titles.get(plan_id, ""))
                chain, above = [], parent_id
                while above in sections:
                    chain.append(above)
                    above = sections[above][0]
                for section_id in reversed(chain):
                    if section_id not in done:
                        done.add(section_id)
                        _parent, section_key, section_title = sections[section_id]
                        yield self._group(section_key, section_title, section_id)
                item_targets = targets.get(pk, ())
                light = lights[pk]
                values = (key, title, "、".join(units.get((pk, AssignmentRole.LEAD), ())),
                          "、".join(units.get((pk, AssignmentRole.CO), ())), due,
                          "\n".join(t.metric for t in item_targets),
                          "\n".join(target_value(t) for t in item_targets),
                          "\n".join(t.unit for t in item_targets), statuses.get(status, status), pk,
                          light.get_colour_display() or None, light.percent / 100 if light else None)
                yield tuple(map(escape_cell, values)), self.item_styles[light.colour]
                self.count += 1


def write_ledger(items, *, title: str, several_plans: bool = False):
    """Write ``items`` (a queryset from ``selectors.ledger_items``) to a temporary .xlsx file.

    Returns (file object positioned at 0, number of item rows). Group rows are written only for
    sections in the same order as the items, which is document order when sorted by 序号.
    openpyxl writes the workbook with its title and header rows; the item rows are written into
    the sheet's XML directly (``kexie.core.xlsx_stream``), which is what keeps a national export of
    a hundred thousand rows within seconds.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_name(title))
    for index, (_key, _label, _sub, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.column_dimensions[get_column_letter(KEYS.index("id") + 1)].hidden = True
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROWS[0]}:{HEADER_ROWS[1]}"
    _header(sheet, title)
    item_styles, group_styles = _row_styles(sheet)
    rows = _Rows(items, several_plans=several_plans, item_styles=item_styles, group_styles=group_styles)
    output = tempfile.TemporaryFile()
    save_with_rows(workbook, sheet, rows, first_row=FIRST_DATA_ROW, output=output)
    output.seek(0)
    return output, rows.count


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
