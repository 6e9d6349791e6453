"""Spreadsheets in and out: exports with a title row and formula-injection escaping, and reading
the rows of an uploaded .xlsx or .csv with their row numbers.

openpyxl parses the workbook XML through defusedxml when it is installed (it is a dependency),
so external entities and entity expansion are refused; ``read_rows`` turns that refusal into an
ordinary validation error.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .downloads import content_disposition
from .uploads import check_upload, decode_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is run as a formula by Excel/WPS (CSV and xlsx alike).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 20000


def escape_cell(value):
    """Make text that would start a formula inert by prefixing a quote; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _display_width(value) -> int:
    text = "" if value is None else str(value)
    # CJK characters take two columns.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_workbook(*, headers: Sequence[str], rows: Iterable[Sequence], title: str = "",
                   sheet_name: str = "", widths: Sequence[int] | None = None) -> Workbook:
    """A one-sheet workbook: optional merged title row, bold header row, data, sized columns.

    Every text cell goes through :func:`escape_cell`.
    """
    workbook = Workbook()
    fill_sheet(workbook.active, headers=headers, rows=rows, title=title, sheet_name=sheet_name, widths=widths)
    return workbook


def add_sheet(workbook: Workbook, *, headers: Sequence[str], rows: Iterable[Sequence], title: str = "",
              sheet_name: str = "", widths: Sequence[int] | None = None):
    """Another sheet laid out like :func:`write_workbook`'s, at the end of ``workbook``."""
    return fill_sheet(workbook.create_sheet(), headers=headers, rows=rows, title=title, sheet_name=sheet_name,
                      widths=widths)


def fill_sheet(sheet, *, headers: Sequence[str], rows: Iterable[Sequence], title: str = "",
               sheet_name: str = "", widths: Sequence[int] | None = None):
    """Write the title row, the header row and ``rows`` into an empty ``sheet``."""
    # Excel forbids []:*?/\ in sheet names and cuts them at 31 characters.
    sheet.title = re.sub(r"[\[\]:*?/\\]", "", str(sheet_name or title or ""))[:31].strip() or "Sheet1"
    header_fill = PatternFill("solid", fgColor="DDE6F4")
    bold = Font(bold=True)
    measured = [_display_width(h) for h in headers]
    if title:
        sheet.append([escape_cell(str(title))])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
        if len(headers) > 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append([escape_cell(str(h)) for h in headers])
    header_row = sheet.max_row
    for column in range(1, len(headers) + 1):
        cell = sheet.cell(row=header_row, column=column)
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center")
    for row in rows:
        values = [escape_cell(v) for v in row]
        sheet.append(values)
        for i, value in enumerate(values[: len(measured)]):
            measured[i] = max(measured[i], _display_width(value))
    for i in range(len(headers)):
        width = widths[i] if widths and i < len(widths) else min(max(measured[i] + 2, 8), 60)
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    return sheet


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    """An attachment download; the file name may be Chinese (see :mod:`kexie.core.downloads`)."""
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    return attachment_response(workbook_bytes(workbook), filename, content_type=XLSX_CONTENT_TYPE)


def attachment_response(content: bytes, filename: str, *, content_type: str) -> HttpResponse:
    """A file download under ``filename``, which may be Chinese (see :mod:`kexie.core.downloads`)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def _cell_value(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _is_blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_rows(uploaded_file, *, header_names: Iterable[str] = (), max_bytes: int | None = None,
              max_rows: int = MAX_ROWS) -> tuple[list[str], list[tuple[int, list]]]:
    """(header, [(row number, values), ...]) from an uploaded .xlsx (first sheet) or .csv.

    The header is the first row (within the first five) that contains one of ``header_names``,
    or the first non-blank row; this skips a title row above it. Row numbers are those the user
    sees in Excel. Blank rows are left out. Raises ValidationError for anything unreadable.
    """
    ext = check_upload(uploaded_file, allowed={"xlsx", "csv"}, max_bytes=max_bytes)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    if ext == "xlsx":
        raw = _xlsx_rows(data, max_rows=max_rows)
    else:
        raw = _csv_rows(data, max_rows=max_rows)
    wanted = {str(h).strip() for h in header_names}
    header_index = None
    for index, (_number, values) in enumerate(raw[:5]):
        if wanted and any(isinstance(v, str) and v.strip().rstrip("*") in wanted for v in values):
            header_index = index
            break
    if header_index is None:
        header_index = next((i for i, (_n, values) in enumerate(raw) if not _is_blank(values)), None)
    if header_index is None:
        raise ValidationError(_("The file contains no rows."), code="no_rows")
    header = ["" if v is None else str(v).strip() for v in raw[header_index][1]]
    while header and not header[-1]:
        header.pop()
    rows = []
    for number, values in raw[header_index + 1:]:
        values = list(values[: len(header)]) + [None] * (len(header) - len(values))
        if not _is_blank(values):
            rows.append((number, values))
    return header, rows


def _too_many_rows(max_rows: int) -> ValidationError:
    return ValidationError(_("The file has more than %(max)d rows; split it into smaller files.")
                           % {"max": max_rows}, code="too_many_rows")


def _xlsx_rows(data: bytes, *, max_rows: int) -> list[tuple[int, list]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, defusedxml, KeyError) on bad files
        raise ValidationError(_("The file could not be read as an Excel workbook (.xlsx); it may be damaged."),
                              code="bad_xlsx") from None
    try:
        sheet = workbook.worksheets[0]
        rows, filled = [], 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = [_cell_value(v) for v in values]
            # Formatted but empty rows (a template styles a thousand of them) do not count.
            if _is_blank(values):
                continue
            filled += 1
            if filled > max_rows + 5:
                raise _too_many_rows(max_rows)
            rows.append((number, values))
        return rows
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(_("The file could not be read as an Excel workbook (.xlsx); it may be damaged."),
                              code="bad_xlsx") from None
    finally:
        workbook.close()


def _csv_rows(data: bytes, *, max_rows: int) -> list[tuple[int, list]]:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            values = [_cell_value(v) for v in values]
            if _is_blank(values):
                continue
            if len(rows) >= max_rows + 5:
                raise _too_many_rows(max_rows)
            rows.append((number, values))
    except csv.Error:
        raise ValidationError(_("The CSV file is malformed."), code="bad_csv") from None
    return rows
