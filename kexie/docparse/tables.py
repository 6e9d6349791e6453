"""Task-division tables (任务分工表): the accountable part of a plan, often in its attachment.

A table reaches this module as plain rows of :class:`Cell` objects, whatever it was read from
(a .docx table, an .xlsx sheet, a PDF table, or text: tab-separated rows or one cell per line).
:func:`task_columns` recognises a task-division table by its header row (序号 / 重点任务 / 牵头单位 /
配合单位 / 完成时限 and their synonyms); :func:`merge_tables` turns each data row into a plan item
and merges the rows with the items parsed from the text: a row detailing a body item (same
number, or same wording) fills that item's units, deadline and targets; any other row becomes an
item of its own, under the heading the table stands in, or under a section named after the
table's caption when the table is an attachment.

Plain Python, no Django. Items made or enriched from a table carry ``source_cells``: the cells
they come from, each with its column header and where a reader finds it (``表1 第3行``,
``Sheet1!B4``, ``第2页 表1 第3行``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Hashable

from kexie.docparse.deadlines import latest_deadline
from kexie.docparse.normalise import PAGE_MARKER, map_chars
from kexie.docparse.structure import ROW_RANK, cut_title, match_marker
from kexie.docparse.targets import find_targets
from kexie.docparse.units import find_units, split_units, strip_unit_bracket

DEFAULT_CAPTION = "重点任务分工表"


@dataclass
class Cell:
    """One cell as read. ``text`` is the cell's text as written (for a merged cell, the text of
    the cell it is part of); ``origin`` identifies that merged cell, so copies are recognised."""

    text: str
    where: str
    origin: Hashable = None


@dataclass
class Table:
    """A table as a reader found it: rows of cells, and where it stands.

    ``span`` is the [start, end) of the table's lines in the extracted text and ``row_spans``
    each row's, when the reader wrote the table into the text (None otherwise)."""

    format: str  # docx / xlsx / pdf / text
    number: int  # 表N: the table's number in the document
    rows: list[list[Cell]]
    caption: str = ""
    where: str = ""  # "表1", "Sheet1", "第2页 表1"
    span: list[int] | None = None
    row_spans: list[list[int] | None] = field(default_factory=list)
    # What recognise() found, kept so that parsing the text again does not read the rows again.
    recognised: Any = field(default=None, repr=False, compare=False)


# --- recognising the header ---------------------------------------------------------------------

_HEADER_CLEAN = re.compile(r"[\s*＊:：、/]+")
# Column roles by header words, tried in this order; the first that matches a cell names it.
_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("num", re.compile(r"^(?:序号|编号|序|No\.?|NO\.?|排序)$")),
    ("leader", re.compile(r"领导|责任人|负责人|联系人|分管")),
    ("category", re.compile(r"类别|类型|分类|板块|^领域$|^方面$|^专项$")),
    ("task", re.compile(r"重点任务|工作任务|任务内容|主要任务|具体任务|任务名称|任务事项|项目名称|工作内容|"
                        r"工作事项|重点工作|重点事项|主要工作|工作项目|改革事项|任务清单")),
    ("co", re.compile(r"配合|协办|参与|协同|协作|参加|支持单位")),
    ("lead", re.compile(r"牵头|主责|主办|责任单位|责任部门|责任处室|责任科室|负责单位|负责部门|承办单位|承担单位|实施单位")),
    ("target", re.compile(r"目标|指标|预期成果|预期效果|成果形式|考核标准|完成标准")),
    ("due", re.compile(r"时限|时间|期限|截止|进度|节点|完成日期|日期")),
    ("detail", re.compile(r"措施|举措|具体内容|工作要求|要求|内容|路径")),
    ("task", re.compile(r"任务|事项|工作|项目|名称")),
    ("remark", re.compile(r"备注|说明")),
]
_MAX_HEADER = 14  # a header cell is a label, never a sentence


def clean_header(text: str) -> str:
    """A header cell without spaces, line breaks and full-width brackets: 牵头科室（单位） → 牵头科室(单位)."""
    return _HEADER_CLEAN.sub("", map_chars(text or "").text)


def _role(text: str) -> str | None:
    for role, rx in _ROLES:
        if rx.search(text):
            return role
    return None


def task_columns(texts: list[str], *, loose: bool = False) -> dict[str, int] | None:
    """Column roles of a task-division table's header row, or None when the row is no such header.

    Roles: num, task, lead, co, due, target, detail, category, leader (a person), remark. A header
    needs a task column and one that says who or when (lead, co, leader or due); ``loose``, any
    second column (a table of tasks and measures written into the body)."""
    roles: dict[str, int] = {}
    raw: list[tuple[int, str, str]] = []
    filled = 0
    for i, text in enumerate(texts):
        label = clean_header(text)
        if not label:
            continue
        filled += 1
        if len(label) > _MAX_HEADER:
            return None
        role = _role(label)
        if role is None:
            continue
        raw.append((i, role, label))
    has_lead_word = any(role == "lead" and "牵头" in label for _, role, label in raw)
    for i, role, label in raw:
        if role == "lead" and not has_lead_word and roles.get("lead") is not None:
            role = "co"
        elif role == "lead" and has_lead_word and "牵头" not in label:
            role = "co"  # 牵头单位 beside 责任单位: the latter shares the work
        if role == "task" and "task" in roles:
            role = "detail"
        if role not in roles:
            roles[role] = i
    # 目标和进度计划: one column holds the target and the schedule ("新建8个，12月完成").
    target_label = next((label for i, role, label in raw if role == "target" and roles.get("target") == i), "")
    if "due" not in roles and re.search(r"进度|时限|时间|节点|计划", target_label):
        roles["due"] = roles["target"]
    if "task" not in roles or not (loose or {"lead", "co", "due", "leader"} & set(roles)):
        return None
    if filled < 2 or len(roles) < 2:
        return None
    return roles


# --- cell text ----------------------------------------------------------------------------------

_CJK_END = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》—…，。；：、]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》—…，。；：、)]")


def join_lines(text: str) -> str:
    """A cell's lines on one line: a break inside Chinese text is where the cell wrapped (no
    space), between Latin words a space."""
    out = ""
    for piece in (p.strip() for p in (text or "").split("\n")):
        if not piece:
            continue
        if out and not (_CJK_END.search(out) or _CJK_START.search(piece)):
            out += " "
        out += piece
    return re.sub(r"[ \t]+", " ", out).strip()


def flat(text: str) -> str:
    """A cell's text on one line (see ``join_lines``), normalised like the body text (full
    width to ASCII, traditional script to simplified)."""
    return join_lines(map_chars(text or "").text)


def units_of(text: str) -> list[str]:
    """Unit names in a 牵头单位 / 配合单位 cell: split on 、，,；; and spaces or line breaks."""
    names: list[str] = []
    for part in re.split(r"[\s]+", map_chars(text or "").text.strip()):
        for unit in split_units(part):
            unit = unit.strip("()（） ")
            if len(unit) >= 2 and unit not in names and not re.fullmatch(r"[\d.、]+|无|/|-+|—+", unit):
                names.append(unit)
    return names


_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}
_FULL_DATE = re.compile(r"(?<!\d)(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?")
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*月?(?![\d日])")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH = re.compile(r"(?<![\d年\-/.])(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?:份)?")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年(?!\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月)")
_ONGOING = re.compile(r"长期|持续|常态|经常性|全年|贯穿|每年|每季度|每月|逐年|定期|适时")


def _month_end(year: int, month: int) -> str | None:
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        return None
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _exact(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def due_of(text: str, *, plan_year: int | None, period_end: str | None) -> str | None:
    """The deadline a 完成时限 cell gives: the latest date written in it. In a deadline column a
    bare month counts (12月完成, 5月底前 → that month's end in the plan's year; 2025年6月 → June
    30), a bare year is its end, and 长期坚持 / 持续推进 runs to the end of the plan's period."""
    cell = map_chars(text or "").text
    if not cell.strip():
        return None
    found: list[str] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, iso: str | None) -> None:
        if iso and not any(a < m.end() and m.start() < b for a, b in taken):
            found.append(iso)
            taken.append((m.start(), m.end()))

    for m in _FULL_DATE.finditer(cell):
        add(m, _exact(int(m[1]), int(m[2]), int(m[3])))
    for m in _YEAR_MONTH.finditer(cell):
        add(m, _month_end(int(m[1]), int(m[2])))
    if plan_year:
        for m in _MONTH_DAY.finditer(cell):
            add(m, _exact(plan_year, int(m[1]), int(m[2])))
        for m in _MONTH.finditer(cell):
            month = int(m[1]) if m[1].isdigit() else _CN_MONTH.get(m[1], 0)
            add(m, _month_end(plan_year, month))
    for m in _YEAR.finditer(cell):
        add(m, _month_end(int(m[1]), 12))
    written = latest_deadline(cell, plan_year)
    if written:
        found.append(written)
    if found:
        return max(found)
    if _ONGOING.search(cell):
        return period_end or (f"{plan_year}-12-31" if plan_year else None)
    return None


# --- rows ---------------------------------------------------------------------------------------

@dataclass
class Row:
    """A data row of a recognised table, its cells by role."""

    table: "TaskTable"
    index: int  # position among the table's rows (0-based)
    cells: list[Cell]
    number: int | None
    category: str = ""
    category_cell: Cell | None = None

    def cell(self, role: str) -> Cell | None:
        i = self.table.columns.get(role)
        if i is None or i >= len(self.cells):
            return None
        cell = self.cells[i]
        if not cell.text.strip():
            return None
        # A cell merged across from the column on its left belongs to that column.
        if i > 0 and cell.origin is not None and i - 1 < len(self.cells) \
                and self.cells[i - 1].origin == cell.origin:
            return None
        return cell

    def text(self, role: str) -> str:
        c = self.cell(role)
        return flat(c.text) if c else ""

    @property
    def span(self) -> list[int] | None:
        spans = self.table.table.row_spans
        return spans[self.index] if self.index < len(spans) else None


@dataclass
class TaskTable:
    """A table recognised as a task-division table: its header and data rows."""

    table: Table
    header_at: int
    columns: dict[str, int]
    headers: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def caption(self) -> str:
        return self.table.caption or DEFAULT_CAPTION


_NUMBER = re.compile(r"^[(（]?\s*(\d{1,3})\s*[)）.、．]?$")
_CN_NUMBER = re.compile(r"^[(（]?([一二三四五六七八九十]{1,3})[)）、.．]?$")


def row_number(text: str) -> int | None:
    """The number in a 序号 cell: 3, 3., (3), 三、."""
    t = map_chars(text or "").text.strip()
    m = _NUMBER.match(t)
    if m:
        return int(m[1])
    m = _CN_NUMBER.match(t)
    if m:
        hit = match_marker(m[1] + "、")
        return hit[2] if hit else None
    return None


def _same_as_header(texts: list[str], headers: list[str]) -> bool:
    if any(len(t) > 3 * _MAX_HEADER for t in texts):
        return False  # a sentence: no header cell is that long
    cleaned = [clean_header(t) for t in texts]
    return [c for c in cleaned if c] == [h for h in headers if h]


def recognise(table: Table) -> TaskTable | None:
    """The table as a task-division table (header found in its first rows), or None."""
    if table.recognised is None:
        table.recognised = [_recognise(table)]
    return table.recognised[0]


def _recognise(table: Table) -> TaskTable | None:
    for at, row in enumerate(table.rows[:6]):
        texts = [c.text for c in row]
        columns = task_columns(texts)
        if columns is None:
            continue
        headers = [clean_header(t) for t in texts]
        start = at + 1
        # A two-row header: a group cell (责任单位) above 牵头单位 / 配合单位.
        if start < len(table.rows):
            below = [c.text for c in table.rows[start]]
            if all(len(clean_header(t)) <= _MAX_HEADER for t in below) and any(
                    _role(clean_header(t)) in ("lead", "co", "due") for t in below if clean_header(t)) \
                    and not any(row_number(t) for t in below):
                merged = [clean_header(b) or h for h, b in zip(headers, below)] + headers[len(below):]
                better = task_columns(merged)
                if better:
                    columns, headers, start = better, merged, start + 1
        found = TaskTable(table, at, columns, headers)
        if not table.caption and at:
            # Rows above the header of a sheet hold its title: the first of them.
            titles = (flat(c.text) for row_above in table.rows[:at] for c in row_above)
            table.caption = next((t for t in titles if t), "")
        _collect_rows(found, start)
        return found
    return None


def _collect_rows(found: TaskTable, start: int) -> None:
    table, columns = found.table, found.columns
    category, category_cell = "", None
    task_col = columns["task"]
    for index in range(start, len(table.rows)):
        cells = table.rows[index]
        texts = [c.text for c in cells]
        if not any(t.strip() for t in texts):
            continue
        if _same_as_header(texts, found.headers):
            continue  # the header repeated on the next page
        nonempty = [c for c in cells if c.text.strip()]
        values = {c.text.strip() for c in nonempty}
        task_text = cells[task_col].text.strip() if task_col < len(cells) else ""
        if len(values) == 1 and (len(nonempty) > 1 or not task_text):
            # A row merged across the table, or one holding only a group's name: a group heading.
            name = flat(values.pop())
            if row_number(name) is None and not PAGE_MARKER.match(name) and len(name) <= 40:
                category, category_cell = name, nonempty[0]
            continue
        row = Row(found, index, cells, None)
        num = row.cell("num")
        row.number = row_number(num.text) if num else None
        cat = row.cell("category")
        if "category" in columns:
            if cat is not None:
                category, category_cell = flat(cat.text), cat
            # An empty category cell continues the group above (a merge the reader did not see).
        row.category, row.category_cell = category, category_cell
        if not row.text("task"):
            continue
        found.rows.append(row)


# --- text tables ------------------------------------------------------------------------------

def _line_offsets(lines: list[str]) -> list[int]:
    offsets, at = [], 0
    for line in lines:
        offsets.append(at)
        at += len(line) + 1
    return offsets


def caption_before(lines: list[str], at: int) -> str:
    """The caption a table has in the lines before it: 重点任务分工表, 附件 2025年重点任务清单."""
    for j in range(at - 1, max(-1, at - 4), -1):
        text = flat(lines[j])
        if not text or PAGE_MARKER.match(text):
            continue
        text = re.sub(r"^附件\s*\d*\s*[:：]?\s*", "", text).strip()
        if not text:
            continue  # a bare 附件 line: the caption, if any, follows it
        if len(text) <= 40 and not text.endswith(("。", "；", ";")) and match_marker(text) is None:
            return text.strip("：: ")
        return ""
    return ""


def split_text_tables(lines: list[str]) -> tuple[list[str], list[Table]]:
    """Task-division tables written into text: tab-separated rows, or one cell per line (a header
    of short label lines 序号 / 重点任务 / 牵头单位 / … then each row's cells, each row opened by
    the next number).

    Returns the lines with each table's lines blanked (spaces of the same length, so offsets in
    the joined text stay those of the original) and the tables found. No side effects: callers
    may run it before parsing the body."""
    body = list(lines)
    tables: list[Table] = []
    offsets = _line_offsets(lines)
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        found: tuple[Table, int] | None = None
        if "\t" in line:
            found = _tab_table(lines, i, offsets, len(tables) + 1)
        elif len(line.strip()) <= _MAX_HEADER + 4 and line.strip():
            found = _column_table(lines, i, offsets, len(tables) + 1)
        if found is None:
            i += 1
            continue
        table, end = found
        tables.append(table)
        for j in range(i, end):
            body[j] = " " * len(lines[j])
        i = end
    return body, tables


def _tab_table(lines: list[str], i: int, offsets: list[int], number: int) -> tuple[Table, int] | None:
    if task_columns(lines[i].split("\t")) is None:
        return None
    rows: list[list[Cell]] = []
    spans: list[list[int] | None] = []
    j = last = i
    while j < len(lines):
        line = lines[j]
        if "\t" not in line:
            if not line.strip() or PAGE_MARKER.match(line.strip()):
                j += 1  # a blank line or a page number between rows: the table goes on
                continue
            break
        where = f"表{number} 第{len(rows) + 1}行"
        rows.append([Cell(t.strip(), where) for t in line.split("\t")])
        spans.append([offsets[j], offsets[j] + len(line)])
        last = j
        j += 1
    table = Table("text", number, rows, caption=caption_before(lines, i), where=f"表{number}",
                  span=[offsets[i], offsets[last] + len(lines[last])], row_spans=spans)
    return table, last + 1


_AFTER_TABLE = re.compile(r"^(?:附件|抄送|印发|主送|联系人)")


def _chunked_table(lines: list[str], i: int, j: int, labels: list[str], offsets: list[int],
                   number: int) -> tuple[Table, int] | None:
    """One cell per line with the number not first (项目类别 / 序号 / 项目名称 / …): each row is
    as many lines as the header has labels, and its number cell counts 1, 2, 3…"""
    width = len(labels)
    at = [_role(x) for x in labels].index("num")
    rows: list[list[Cell]] = [[Cell(lines[k].strip(), f"表{number} 第1行") for k in range(i, j)]]
    spans: list[list[int] | None] = [[offsets[i], offsets[j - 1] + len(lines[j - 1])]]
    k, expect = j, 1
    while k + width <= len(lines):
        chunk = [lines[m].strip() for m in range(k, k + width)]
        if chunk[at] != str(expect) or any(not c for c in chunk):
            break
        where = f"表{number} 第{len(rows) + 1}行"
        rows.append([Cell(c, where) for c in chunk])
        spans.append([offsets[k], offsets[k + width - 1] + len(lines[k + width - 1])])
        k += width
        expect += 1
    if len(rows) < 2:
        return None
    table = Table("text", number, rows, caption=caption_before(lines, i), where=f"表{number}",
                  span=[spans[0][0], spans[-1][1]], row_spans=spans)
    return table, k


def _column_table(lines: list[str], i: int, offsets: list[int], number: int) -> tuple[Table, int] | None:
    """One cell per line: header labels first (序号 first), then rows opened by 1, 2, 3…"""
    labels: list[str] = []
    j = i
    while j < len(lines) and len(labels) < 12:
        label = clean_header(lines[j])
        if not label or len(label) > _MAX_HEADER or _role(label) is None:
            break
        labels.append(label)
        j += 1
    if len(labels) < 3 or task_columns(labels) is None or "num" not in [_role(x) for x in labels]:
        return None
    width = len(labels)
    if _role(labels[0]) != "num":
        return _chunked_table(lines, i, j, labels, offsets, number)

    def header_at(k: int) -> bool:
        return [clean_header(lines[m]) for m in range(k, min(k + width, len(lines)))] == labels

    def opens(k: int, number_: int) -> bool:
        t = lines[k].strip()
        return t.isdigit() and int(t) == number_

    rows: list[list[Cell]] = [[Cell(lines[k].strip(), f"表{number} 第1行") for k in range(i, j)]]
    spans: list[list[int] | None] = [[offsets[i], offsets[j - 1] + len(lines[j - 1])]]
    expect, k, last = 1, j, j - 1
    while k < len(lines):
        t = lines[k].strip()
        if header_at(k):
            k += width  # the header repeated after a page break
            continue
        if not opens(k, expect):
            if not t or PAGE_MARKER.match(t):
                k += 1
                continue
            break
        start = k
        k += 1
        cells: list[tuple[int, str]] = []  # blank lines too: an empty cell may be one
        while k < len(lines):
            t = lines[k].strip()
            if opens(k, expect + 1) or header_at(k) or _AFTER_TABLE.match(t):
                break
            filled = sum(1 for _, c in cells if c)
            if t and filled >= width - 1 and not any(opens(m, expect + 1) for m in range(k, min(k + 3, len(lines)))):
                break  # a full row and no next number in sight: the table has ended
            if not t and filled >= width - 1:
                break
            if not PAGE_MARKER.match(t) or not t:
                cells.append((k, t))
            k += 1
        while cells and not cells[-1][1]:
            cells.pop()
        if not cells:
            break
        where = f"表{number} 第{len(rows) + 1}行"
        if len(cells) == width - 1:
            values = [t for _, t in cells]  # every cell on its line, the empty ones blank
        else:
            values = _fit_cells([t for _, t in cells if t], labels)
        rows.append([Cell(lines[start].strip(), where)] + [Cell(v, where) for v in values])
        last = cells[-1][0]
        spans.append([offsets[start], offsets[last] + len(lines[last])])
        k = last + 1
        expect += 1
    if len(rows) < 2:
        return None
    table = Table("text", number, rows, caption=caption_before(lines, i), where=f"表{number}",
                  span=[offsets[i], offsets[last] + len(lines[last])], row_spans=spans)
    return table, last + 1


def _looks_due(text: str) -> bool:
    return len(text) <= 20 and bool(due_of(text, plan_year=2000, period_end="2000-12-31"))


def _fit_cells(values: list[str], labels: list[str]) -> list[str]:
    """The cells of a flattened row in column order (序号 excluded). Extra lines are a cell
    that wrapped, joined to the line before; with lines missing, empty cells were left out: a
    date goes to the deadline column, the rest fill the columns in order."""
    want = len(labels) - 1
    values = list(values)
    while len(values) > want:
        k = max(range(len(values) - 1), key=lambda x: len(values[x]))  # the wrapped task cell
        values[k:k + 2] = [values[k] + values[k + 1]]
    if len(values) == want:
        return values
    roles = [_role(label) for label in labels[1:]]
    out = [""] * want
    due_at = roles.index("due") if "due" in roles else None
    if due_at is not None and values and _looks_due(values[-1]):
        out[due_at] = values.pop()
    slots = [p for p in range(want) if not out[p]]
    for slot, value in zip(slots, values):
        out[slot] = value
    return out


# --- turning rows into items and merging them with the body ---------------------------------------

_PUNCT = re.compile(r"[\s\W_]+")


def norm_title(text: str) -> str:
    """A title for comparison: normalised script and width, no spaces or punctuation."""
    return _PUNCT.sub("", map_chars(text or "").text)


_DIGITS = re.compile(r"\d+")


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def similarity(row_title: str, item_title: str, item_text: str = "") -> float:
    """How surely a row details an item: 1 for the same title, high for a prefix or containment,
    else the character-bigram overlap (Dice) of the two titles."""
    a, b = norm_title(row_title), norm_title(item_title)
    return _similarity(a, b, norm_title(item_title + item_text), _bigrams(a), _bigrams(b))


def _similarity(a: str, b: str, full: str, x: set[str], y: set[str], shared: int | None = None) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short = min(len(a), len(b))
    if short >= 6 and (a.startswith(b) or b.startswith(a)):
        return 0.95
    if short >= 8 and (a in b or b in a):
        return 0.9
    if len(a) >= 8 and a in full:
        return 0.85
    if shared is None:
        shared = len(x & y)
    dice = 2 * shared / (len(x) + len(y)) if x and y else 0.0
    # Alike but for their numbers (第14项 / 第1014项, 3场 / 5场): not the same task by wording.
    numbers_a, numbers_b = _DIGITS.findall(a), _DIGITS.findall(b)
    return min(dice, LINK_AT - 0.01) if numbers_a and numbers_b and numbers_a != numbers_b else dice


LINK_AT = 0.6
_TASK_LIST = re.compile(r"重点任务|主要任务|工作任务|重点工作|主要工作|任务分工|具体任务|工作重点|重点举措|主要举措")
_TRACKED = ("task", "goal", "safeguard")


def _source_cells(row: Row) -> list[dict[str, str]]:
    out = []
    for i, cell in enumerate(row.cells):
        if not cell.text.strip():
            continue
        if i > 0 and cell.origin is not None and row.cells[i - 1].origin == cell.origin:
            continue  # merged across: shown once
        header = row.table.headers[i] if i < len(row.table.headers) else ""
        out.append({"column": header, "text": cell.text.strip(), "where": cell.where})
    return out


@dataclass
class _RowItem:
    row: Row
    title: str
    marker: str
    text: str
    lead: list[str]
    co: list[str]
    due: str | None
    targets: list[dict[str, Any]]


def _row_item(row: Row, plan_year: int | None, period_end: str | None) -> _RowItem:
    task = row.text("task")
    marker = f"{row.number}." if row.number is not None else ""
    hit = match_marker(task)
    rest = task
    if hit:
        marker = hit[3]
        rest = task[hit[4]:].lstrip()
    title_end, text_start = cut_title(rest)
    title = strip_unit_bracket(rest[:title_end].strip().rstrip("。；;：:，, ")) or rest.strip()
    text_parts = [rest[text_start:].strip().lstrip("。；;：:，, ")]
    for role in ("detail", "target", "remark"):
        if row.text(role):
            text_parts.append(row.text(role))
    lead_cell, co_cell = row.cell("lead"), row.cell("co")
    lead, co = [], []
    if lead_cell is not None:
        # "学会部牵头，科普部配合" in one cell names both roles; a plain list is all leads.
        a, b = find_units("（" + flat(lead_cell.text) + "）")
        lead, co = (a, b) if a or b else (units_of(lead_cell.text), [])
    if co_cell is not None:
        co += [u for u in units_of(co_cell.text) if u not in co and u not in lead]
    if not lead and not co:
        lead, co = find_units(task)
    due_text = row.text("due")
    due = due_of(due_text, plan_year=plan_year, period_end=period_end) if due_text else None
    if due is None:
        due = latest_deadline(task, plan_year)
    targets = find_targets(task, goal=False, due=due, plan_year=plan_year)
    for role, goal in (("target", True), ("detail", False)):
        extra = row.text(role)
        if extra:
            seen = {(t["min"], t["max"], t["unit"]) for t in targets}
            targets += [t for t in find_targets(extra, goal=goal, due=due, plan_year=plan_year)
                        if (t["min"], t["max"], t["unit"]) not in seen]
    return _RowItem(row, title, marker, "\n".join(p for p in text_parts if p), lead, co, due, targets)


def _renumber(items: list[dict[str, Any]], depths: list[int]) -> None:
    counters: list[int] = []
    for item, depth in zip(items, depths):
        del counters[depth:]
        while len(counters) < depth:
            counters.append(0)
        counters[depth - 1] += 1
        item["key"] = ".".join(str(n) for n in counters)


def _depth(item: dict[str, Any]) -> int:
    return item["key"].count(".") + 1


def _parents(items: list[dict[str, Any]]) -> list[int | None]:
    """Each item's parent index (None at the top level), from the depths of the keys."""
    out: list[int | None] = []
    stack: list[int] = []
    for i, item in enumerate(items):
        depth = _depth(item)
        del stack[depth - 1:]
        out.append(stack[-1] if stack else None)
        stack.append(i)
    return out


def _marker_value(marker: str) -> int | None:
    hit = match_marker(marker) if marker else None
    return hit[2] if hit else None


def _wording_pairs(rows: list[_RowItem], items: list[dict[str, Any]], candidates: list[int]) -> list[tuple]:
    """(score, row, item) for every row and body item alike enough to be linked. Items are
    looked up through their title bigrams, and only those sharing enough of them (for the
    overlap, or for one title to start or contain the other) are scored, so a long table
    against a long plan stays fast."""
    index: dict[str, list[int]] = {}
    prepared: dict[int, tuple[str, str, set[str]]] = {}
    for i in candidates:
        title = norm_title(items[i]["title"])
        grams = _bigrams(title)
        prepared[i] = (title, norm_title(items[i]["title"] + (items[i].get("text") or "")), grams)
        for g in grams:
            index.setdefault(g, []).append(i)
    pairs = []
    for r, row in enumerate(rows):
        a = norm_title(row.title)
        x = _bigrams(a)
        shared: dict[int, int] = {}
        for g in x:
            for i in index.get(g, ()):
                shared[i] = shared.get(i, 0) + 1
        look = {i for i, k in shared.items()
                if 2 * k >= LINK_AT * (len(x) + len(prepared[i][2])) or k >= min(len(x), len(prepared[i][2])) - 1}
        if len(a) >= 8:  # the row's task written out in an item's text
            look |= {i for i in candidates if i not in look and a in prepared[i][1]}
        for i in look:
            b, full, y = prepared[i]
            score = _similarity(a, b, full, x, y, shared.get(i, 0))
            if score >= LINK_AT:
                pairs.append((score, -r, -i, r, i))
    pairs.sort(reverse=True)
    return pairs


def _link(rows: list[_RowItem], items: list[dict[str, Any]]) -> dict[int, int]:
    """row position → item index: rows that detail a body item, by wording, then by number."""
    candidates = [i for i, item in enumerate(items) if item["kind"] in _TRACKED and "source_cells" not in item]
    links: dict[int, int] = {}
    used: set[int] = set()
    for _score, _r, _i, r, i in _wording_pairs(rows, items, candidates):
        if r not in links and i not in used:
            links[r] = i
            used.add(i)
    numbers = [row.row.number for row in rows if row.row.number is not None]
    if len(numbers) != len(set(numbers)):
        return links  # numbering restarts within the table: a number names no one item
    # The list the table numbers: the sibling group whose wording links agree with the numbers,
    # else the tasks under the one 重点任务 heading.
    all_parents = _parents(items)
    parents = {i: all_parents[i] for i in candidates}
    groups: dict[int | None, list[int]] = {}
    for i in candidates:
        groups.setdefault(parents[i], []).append(i)

    def position(i: int) -> int:
        return _marker_value(items[i]["marker"]) or groups[parents[i]].index(i) + 1

    votes: dict[int | None, int] = {}
    for r, i in links.items():
        if rows[r].row.number is not None and position(i) == rows[r].row.number:
            votes[parents[i]] = votes.get(parents[i], 0) + 1
    if votes:
        group = max(votes, key=lambda g: votes[g])
    else:
        named = [g for g in groups if g is not None and _TASK_LIST.search(items[g]["title"])]
        if len(named) != 1:
            return links
        group = named[0]
        if len(groups[group]) != len(numbers):
            return links  # without a wording to agree, only a list the table numbers one for one
    by_position = {position(i): i for i in groups.get(group, []) if i not in used}
    for r, row in enumerate(rows):
        i = by_position.get(row.row.number) if r not in links and row.row.number is not None else None
        if i is not None and i not in used:
            links[r] = i
            used.add(i)
    return links


def _enrich(items: list[dict[str, Any]], index: int, row: _RowItem) -> None:
    """Fill a body item from the row that details it: the table's units and deadline win (it is
    the accountable source); its targets are added to the body's."""
    item = items[index]
    old = (list(item["lead_units"]), list(item["co_units"]), item["due"])
    if row.lead:
        item["lead_units"] = list(row.lead)
    if row.co:
        item["co_units"] = list(row.co)
    if row.due:
        item["due"] = row.due
    seen = {(t["min"], t["max"], t["unit"]) for t in item["targets"]}
    item["targets"] = item["targets"] + [t for t in row.targets if (t["min"], t["max"], t["unit"]) not in seen]
    item["source_cells"] = _source_cells(row.row)
    # Children that inherited the old values inherit the table's.
    depth = _depth(item)
    for child in items[index + 1:]:
        if _depth(child) <= depth:
            break
        if row.lead and child["lead_units"] == old[0] and not child.get("source_cells"):
            child["lead_units"] = list(row.lead)
            if child["co_units"] == old[1]:
                child["co_units"] = list(item["co_units"])
        if row.due and child["due"] == old[2] and child["due"] is not None:
            child["due"] = row.due


def _new_items(rows: list[_RowItem], depth: int, kind: str, inherited: tuple[list[str], list[str], str | None],
               ) -> tuple[list[dict[str, Any]], list[int]]:
    """Items for rows with no body counterpart, grouped under their category sections."""
    out: list[dict[str, Any]] = []
    depths: list[int] = []
    category = None
    for row in rows:
        row_depth = depth
        if row.row.category:
            if row.row.category != category:
                category = row.row.category
                hit = match_marker(category)
                title = category[hit[4]:].strip() if hit else category
                cell = row.row.category_cell
                out.append({"key": "", "marker": hit[3] if hit else "", "kind": "section",
                            "title": title.rstrip("。；;：: ") or category, "text": "",
                            "lead_units": [], "co_units": [], "due": None, "targets": [], "span": None,
                            "source_cells": [{"column": row.row.table.headers[row.row.table.columns["category"]]
                                              if "category" in row.row.table.columns else "",
                                              "text": cell.text.strip(), "where": cell.where}] if cell else []})
                depths.append(depth)
            row_depth = depth + 1
        lead, co = (row.lead, row.co) if row.lead or row.co else inherited[:2]
        due = row.due or inherited[2]
        item_kind = kind
        out.append({
            "key": "", "marker": row.marker, "kind": item_kind, "title": row.title, "text": row.text,
            "lead_units": list(lead), "co_units": list(co),
            "due": None if item_kind == "context" else due,
            "targets": [] if item_kind == "context" else row.targets,
            "span": list(row.row.span) if row.row.span else None,
            "source_cells": _source_cells(row.row),
        })
        depths.append(row_depth)
    return out, depths


def _in_body(table: Table, items: list[dict[str, Any]], text: str) -> int | None:
    """Where an in-body table's rows go: the index of the heading it stands under (-1 for the top
    level), or None for a table outside the body (an attachment, after 附件)."""
    if table.span is None:
        return None
    start, end = table.span
    before = [i for i, item in enumerate(items) if item.get("span") and item["span"][0] < start]
    after = any(item.get("span") and item["span"][0] >= end for item in items)
    last = before[-1] if before else None
    gap_from = items[last]["span"][1] if last is not None else 0
    if re.search(r"(?m)^\s*附\s*件", text[gap_from:start]):
        return None
    if not after and (last is None or _has_children(items, last) or (items[last].get("text") or "").strip()):
        return None  # at the end of the text and not under an empty heading: an attachment
    if last is None:
        return -1
    # Rows sit where a 1. item would: under the nearest heading above that level.
    parents = _parents(items)
    i: int | None = last
    while i is not None:
        hit = match_marker(items[i]["marker"]) if items[i]["marker"] else None
        if hit and hit[1] < ROW_RANK:
            return i
        i = parents[i]
    return -1


def _has_children(items: list[dict[str, Any]], index: int) -> bool:
    return index + 1 < len(items) and _depth(items[index + 1]) > _depth(items[index])


def merge_tables(plan: dict[str, Any], *, text: str, tables: list[Table] | None, plan_year: int | None,
                 reparse: Callable[[str, list[Table]], dict[str, Any]] | None = None) -> dict[str, Any]:
    """The plan with its task-division tables merged in (see the module docstring).

    ``tables`` are the tables a reader found in the file; text tables (tab-separated or one cell
    per line) are found in ``text`` besides, unless they are the reader's tables written out.
    When the text still holds a table's lines, ``reparse(text_without_tables, tables)`` parses
    it again with those lines blanked (offsets unchanged), and the merge happens on that."""
    given = list(tables or [])
    _, in_text = split_text_tables(text.split("\n"))
    for t in in_text:
        if not any(g.span and t.span and g.span[0] < t.span[1] and t.span[0] < g.span[1] for g in given):
            t.number = len(given) + 1
            t.where = f"表{t.number}"
            for r, row in enumerate(t.rows, 1):
                for cell in row:
                    cell.where = f"表{t.number} 第{r}行"
            given.append(t)
    found = [(t, r) for t in given for r in [recognise(t)] if r is not None and r.rows]
    if not found:
        return plan
    items: list[dict[str, Any]] = plan["items"]
    # The table's own lines, from its header on (a sheet's title rows above it stay text).
    blanks = [[(t.row_spans[r.header_at] or t.span)[0] if len(t.row_spans) > r.header_at else t.span[0], t.span[1]]
              for t, r in found if t.span]
    # The body is parsed without the tables' lines: they are neither items, nor an item's text,
    # nor the plan's title or date.
    if reparse is not None and any(text[s:e].strip() for s, e in blanks):
        blank = text
        for s, e in blanks:
            blank = blank[:s] + re.sub(r"[^\n]", " ", blank[s:e]) + blank[e:]
        return reparse(blank, given)
    period_end = (plan.get("period") or {}).get("end")
    summaries = []
    for table, task_table in found:
        rows = [_row_item(row, plan_year, period_end) for row in task_table.rows]
        links = _link(rows, items)
        for r, i in links.items():
            _enrich(items, i, rows[r])
        unlinked = [row for r, row in enumerate(rows) if r not in links]
        if unlinked:
            items = _place(items, unlinked, table, task_table, text, period_end)
        summaries.append({"caption": task_table.caption, "format": table.format, "where": table.where,
                          "rows": len(rows), "linked": len(links)})
    plan["items"] = items
    plan["tables"] = summaries
    return plan


def _place(items: list[dict[str, Any]], rows: list[_RowItem], table: Table, task_table: TaskTable,
           text: str, period_end: str | None) -> list[dict[str, Any]]:
    """Insert items for unlinked rows: under the heading an in-body table stands in, or under a
    new top-level section named after an attachment table's caption."""
    depths = [_depth(i) for i in items]
    where = _in_body(table, items, text)
    if where is None:
        section = {"key": "", "marker": "", "kind": "section", "title": task_table.caption, "text": "",
                   "lead_units": [], "co_units": [], "due": None, "targets": [], "span": None}
        new, new_depths = _new_items(rows, 2, "task", ([], [], period_end))
        items = items + [section] + new
        depths = depths + [1] + new_depths
        _renumber(items, depths)
        return items
    if where >= 0:
        parent = items[where]
        depth = depths[where] + 1
        kind = parent["kind"] if parent["kind"] in ("goal", "safeguard") else "task"
        inherited = (parent["lead_units"], parent["co_units"], parent["due"] or period_end)
        if parent["kind"] == "task" and not (parent.get("text") or "").strip() and not _has_children(items, where):
            parent.update(kind="section", due=None, targets=[])  # a heading whose content is the table
        end = where + 1
        while end < len(items) and depths[end] > depths[where]:
            end += 1
        lo = where + 1
    else:
        depth, kind, inherited = 1, "task", ([], [], period_end)
        lo, end = 0, len(items)
    new, new_depths = _new_items(rows, depth, kind, inherited)
    start = table.span[0] if table.span else len(text)
    at = next((i for i in range(lo, end) if items[i].get("span") and items[i]["span"][0] >= start), end)
    items = items[:at] + new + items[at:]
    depths = depths[:at] + new_depths + depths[at:]
    _renumber(items, depths)
    return items
