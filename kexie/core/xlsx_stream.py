"""The rows of a large sheet written straight into the .xlsx archive, next to what openpyxl writes.

openpyxl's write-only mode still makes a cell object for every value, looks its style up by
hashing it and passes it through an XML serializer: a hundred thousand rows of ten styled cells
take over a minute. Here openpyxl writes the whole workbook except the bulk rows (styles, column
widths, merged cells, frozen panes, print titles and any rows already appended, such as a title
and a header), and the rows are then spliced into that sheet's XML as text in the form openpyxl
writes them itself: inline strings, numbers, dates as Excel serials, one style index per cell.

No Django here: the caller gives plain values and the style indexes of its columns (``style_id``
of an openpyxl cell styled as the column should be, which also registers the style).
"""

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

# Characters XML 1.0 cannot hold (openpyxl refuses them; a sheet is better without them than not
# written), and those that must be escaped. A carriage return is written as a reference, as
# openpyxl does, or the parser would fold \r\n into \n.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")
_FLUSH_ROWS = 500


def _text(value: str) -> str:
    if _SPECIAL.search(value):
        value = _ILLEGAL.sub("", value)
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return value


def row_xml(number: int, values: Sequence, styles: Sequence[int], letters: Sequence[str]) -> str:
    """One ``<row>`` of the sheet XML: ``values`` from column A on, each with its style index.

    A value is None, a str, an int or float, or a date; an empty cell keeps its style (borders).
    ``letters`` are the column letters from A, at least as many as the values.
    """
    if len(values) != len(styles):
        raise ValueError(f"row {number}: {len(values)} values but {len(styles)} styles")
    cells = [f'<row r="{number}">']
    append = cells.append
    for letter, value, style in zip(letters, values, styles):
        if value is None or value == "":
            append(f'<c r="{letter}{number}" s="{style}"/>')
        elif type(value) is str:
            space = ' xml:space="preserve"' if value != value.strip() else ""
            append(f'<c r="{letter}{number}" s="{style}" t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>')
        elif type(value) in (int, float):
            append(f'<c r="{letter}{number}" s="{style}" t="n"><v>{value:.16g}</v></c>')
        elif type(value) is dt.date:
            append(f'<c r="{letter}{number}" s="{style}" t="n"><v>{to_excel(value):.16g}</v></c>')
        else:
            raise TypeError(f"cannot write {type(value).__name__} values: {value!r}")
    append("</row>")
    return "".join(cells)


def save_with_rows(workbook, sheet, rows: Iterable[tuple[Sequence, Sequence[int]]], *, first_row: int,
                   output) -> int:
    """Save the write-only ``workbook`` into the binary file ``output`` with ``rows`` added to
    ``sheet`` from row ``first_row`` on (the rows appended through openpyxl come before it).

    ``rows`` yields (values, style indexes) pairs, both from column A on; the styles must be
    registered in ``workbook`` before this is called. Returns the number of rows written.
    """
    skeleton = io.BytesIO()
    workbook.save(skeleton)
    name = sheet.path.lstrip("/")
    letters = [get_column_letter(index) for index in range(1, 16385)]
    number = first_row
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
                continue
            xml = source.read(info).decode()
            if "</sheetData>" in xml:
                head, tail = xml.rsplit("</sheetData>", 1)
            else:
                head, tail = xml.split("<sheetData/>", 1)
                head += "<sheetData>"
            entry = zipfile.ZipInfo(name, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with target.open(entry, "w") as stream:
                stream.write(head.encode())
                pending = []
                for values, styles in rows:
                    pending.append(row_xml(number, values, styles, letters))
                    number += 1
                    if len(pending) >= _FLUSH_ROWS:
                        stream.write("".join(pending).encode())
                        pending = []
                stream.write("".join(pending).encode())
                stream.write(("</sheetData>" + tail).encode())
    return number - first_row
