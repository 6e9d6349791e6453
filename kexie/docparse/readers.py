"""Reading documents from disk: .txt (any of the usual Chinese encodings), .docx, .pdf, .xlsx,
.html and .md, with clear errors for files that are not documents at all.

``read_document(path)`` gives the text and the tables the file holds (``tables.Table``: rows of
cells with where each was read, merged cells filled in, a PDF table continued over pages joined);
``read_file(path)`` the text alone. Tables are written into the text too, one tab-separated line
per row, where they stand."""

from __future__ import annotations

import codecs
import os
import re
import zipfile
from html.parser import HTMLParser
from typing import Any

from kexie.docparse.tables import Cell, Table, caption_before, clean_header, join_lines, task_columns

MAX_BYTES = 20 * 1024 * 1024
# A .docx expands to a few times its size; anything far beyond is a zip bomb.
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 200


class DocParseError(Exception):
    """A file that cannot be parsed; ``zh`` and ``en`` are one-line messages for the user."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en

    def line(self) -> str:
        return f"错误：{self.zh} / error: {self.en}"


def _err(code: str) -> DocParseError:
    zh, en = ERRORS[code]
    return DocParseError(code, zh, en)


ERRORS: dict[str, tuple[str, str]] = {
    "missing": ("文件不存在", "the file does not exist"),
    "empty": ("文件为空", "the file is empty"),
    "binary": ("文件不是文本文档（可能是二进制文件）", "the file is not a text document (binary data)"),
    "too_large": ("文件超过 20 MB", "the file is larger than 20 MB"),
    "encrypted": ("PDF 已加密，无法读取", "the PDF is encrypted"),
    "bad_docx": ("不是有效的 Word(.docx) 文件", "not a valid .docx file"),
    "zip_bomb": ("Word 文件解压后过大（疑似压缩炸弹）", "the .docx expands to an excessive size (zip bomb)"),
    "bad_xlsx": ("不是有效的 Excel(.xlsx) 文件", "not a valid .xlsx file"),
    "xlsx_bomb": ("Excel 文件解压后过大（疑似压缩炸弹）", "the .xlsx expands to an excessive size (zip bomb)"),
    "old_office": ("不支持旧版 Office 文件（.doc、.xls），请另存为 .docx 或 .xlsx 后上传",
                   "old Office files (.doc, .xls) are not supported: save as .docx or .xlsx first"),
    "bad_pdf": ("不是有效的 PDF 文件", "not a valid PDF file"),
    "no_text": ("PDF 没有文本层（可能是扫描件）", "the PDF has no text layer (scanned image?)"),
    "no_structure": ("未识别到文档结构（没有编号标题或条目）", "no recognisable structure (no numbered headings or items)"),
    "unsupported": ("不支持的文件类型", "unsupported file type"),
}

_COMMON = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\n\r\t“”‘’《》…—·]")


def _plausibility(text: str) -> float:
    """Share of characters a Chinese document is made of; random bytes decode to far less."""
    if not text:
        return 0.0
    sample = text[:20000]
    return len(_COMMON.findall(sample)) / len(sample)


def decode_bytes(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 (with or without BOM), GB18030/GBK."""
    if not data.strip():
        raise _err("empty")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _non_empty(data.decode(enc))
            except UnicodeDecodeError:
                raise _err("binary") from None
    if b"\x00" not in data:
        try:
            return _checked(data.decode("utf-8"))
        except UnicodeDecodeError:
            pass
    candidates: list[tuple[float, str]] = []
    encodings = ("utf-16-le", "utf-16-be", "gb18030") if len(data) % 2 == 0 else ("gb18030",)
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), text))
    if not candidates:
        raise _err("binary")
    score, text = max(candidates, key=lambda c: c[0])
    if score < 0.9 or "\x00" in text:
        raise _err("binary")
    return _non_empty(text)


def _checked(text: str) -> str:
    if "\x00" in text or _plausibility(text) < 0.8:
        raise _err("binary")
    return _non_empty(text)


def _non_empty(text: str) -> str:
    if not text.strip():
        raise _err("empty")
    return text


def _check_zip(path: str, member: str, bad: str, bomb: str) -> None:
    """A zip package judged before anything is decompressed: ``member`` must be in it, and its
    sizes must not add up to a zip bomb."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = 0
            for info in zf.infolist():
                total += info.file_size
                if info.file_size > MAX_UNZIPPED or total > MAX_UNZIPPED or (
                        info.compress_size and info.file_size > 1024 * 1024
                        and info.file_size / info.compress_size > MAX_RATIO):
                    raise _err(bomb)
            if member not in zf.namelist():
                raise _err(bad)
    except zipfile.BadZipFile:
        raise _err(bad) from None


def _joined(lines: list[str], table_rows: list[tuple[Table, int, int]]) -> tuple[str, list[Table]]:
    """The text of ``lines``, with each table's span and row spans set from the line each of its
    rows was written on (``table_rows``: table, row index, line index)."""
    offsets, at = [], 0
    for line in lines:
        offsets.append(at)
        at += len(line) + 1
    tables: list[Table] = []
    for table, row, line in table_rows:
        if not tables or tables[-1] is not table:
            tables.append(table)
            table.row_spans = [None] * len(table.rows)
        table.row_spans[row] = [offsets[line], offsets[line] + len(lines[line])]
    for table in tables:
        spans = [s for s in table.row_spans if s]
        table.span = [spans[0][0], spans[-1][1]] if spans else None
    return "\n".join(lines), tables


def _docx_rows(tbl: Any, document: Any, number: int) -> tuple[list[list[Cell]], list[str]]:
    """The cells of a .docx table on its layout grid (a cell spanning columns or merged down
    rows is one Cell repeated wherever it lies), and each row's text line as the text shows it."""
    from docx.text.paragraph import Paragraph

    rows: list[list[Cell]] = []
    lines: list[str] = []
    above: dict[int, Cell] = {}
    for r, tr in enumerate(tbl.tr_lst, 1):
        col = tr.grid_before
        row: list[Cell] = [Cell("", f"表{number} 第{r}行") for _ in range(col)]
        values: list[str] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue" and col in above:
                cell = above[col]
            else:
                paragraphs = [Paragraph(p, document).text.strip() for p in tc.p_lst]
                cell = Cell("\n".join(p for p in paragraphs if p), f"表{number} 第{r}行", origin=(number, r, col))
            for k in range(span):
                above[col + k] = cell
                row.append(cell)
                value = " ".join(cell.text.split("\n"))
                if not values or value != values[-1]:  # merged cells repeat their text
                    values.append(value)
            col += span
        rows.append(row)
        lines.append("\t".join(values))
    return rows, lines


def _docx_document(path: str) -> tuple[str, list[Table]]:
    """Paragraphs and table rows of a .docx in document order, one line each (cells tab-separated),
    and its tables."""
    _check_zip(path, "word/document.xml", "bad_docx", "zip_bomb")
    import docx  # python-docx; imported here so .txt parsing does not pay for it
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(path)
    except Exception:  # python-docx raises several kinds on damaged packages
        raise _err("bad_docx") from None
    from kexie.docparse.docx_numbering import Numbering

    numbering = Numbering(document)
    lines: list[str] = []
    table_rows: list[tuple[Table, int, int]] = []
    number = 0
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, document)
            lines.append(numbering.marker(paragraph) + paragraph.text)
        elif tag == "tbl":
            number += 1
            rows, row_lines = _docx_rows(block, document, number)
            table = Table("docx", number, rows, caption=caption_before(lines, len(lines)), where=f"表{number}")
            for r, line in enumerate(row_lines):
                table_rows.append((table, r, len(lines)))
                lines.append(line)
    text, tables = _joined(lines, table_rows)
    return _non_empty(text), tables


def read_docx(path: str) -> str:
    """Paragraphs and table rows of a .docx in document order, one line each (cells tab-separated)."""
    return _docx_document(path)[0]


def _pdf_document(path: str) -> tuple[str, list[Table]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(path) as pdf:
            if getattr(pdf.doc, "encryption", None):
                raise _err("encrypted")
            text, tables = _pdf_layout(pdf.pages)
    except DocParseError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise _err("encrypted") from None
    except (PDFSyntaxError, ValueError, TypeError, KeyError):
        raise _err("bad_pdf") from None
    except Exception as exc:  # pdfplumber wraps pdfminer's errors, which share no base class
        if _caused_by_encryption(exc, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise _err("encrypted") from None
        raise _err("bad_pdf") from None
    if not text.strip():
        raise _err("no_text")
    return text, tables


def read_pdf(path: str) -> str:
    """The text layer of a PDF, page by page."""
    return _pdf_document(path)[0]


def _caused_by_encryption(exc: BaseException, kinds: tuple[type, ...]) -> bool:
    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or e in seen:
            continue
        seen.append(e)
        if isinstance(e, kinds) or "password" in str(e).lower() or "encrypt" in str(e).lower():
            return True
        todo.extend([e.__cause__, e.__context__, *e.args])
    return False


def _pdf_cells(found: Any, page: int, number: int) -> list[list[Cell]]:
    """A PDF table's rows as cells. pdfplumber leaves None where a merged cell lies over a grid
    position; the merged cell is found by geometry (the cell to the left reaching across, or the
    one above reaching down) and repeated there."""
    raw = found.extract()
    geometry = [row.cells for row in found.rows]
    rows: list[list[Cell]] = []
    for r, values in enumerate(raw):
        where = f"第{page}页 表{number} 第{r + 1}行"
        row: list[Cell] = []
        top = found.rows[r].bbox[1]
        for c, value in enumerate(values):
            if value is not None:
                # Line breaks inside a PDF cell are where it wrapped.
                row.append(Cell(join_lines(value), where, origin=(page, number, r, c)))
                continue
            left = next((k for k in range(c - 1, -1, -1) if geometry[r][k] is not None), None)
            column_x1 = next((g[c][2] for g in geometry if c < len(g) and g[c] is not None), None)
            if left is not None and column_x1 is not None and geometry[r][left][2] >= column_x1 - 1:
                row.append(row[left])
                continue
            up = next((k for k in range(r - 1, -1, -1) if c < len(geometry[k]) and geometry[k][c] is not None), None)
            if up is not None and geometry[up][c][3] > top + 1 and c < len(rows[up]):
                row.append(rows[up][c])
            elif row and left is not None:
                row.append(row[-1])
            else:
                row.append(Cell("", where))
        rows.append(row)
    return rows


def _continue_row(last: list[Cell], first: list[Cell]) -> None:
    """A row the page break cut: the part on the new page (its first cell empty) is joined to
    the part above it, cell by cell, as a cell wrapped onto another line."""
    for c, cell in enumerate(first):
        if c < len(last) and cell.text.strip() and cell is not last[c]:
            last[c] = Cell(join_lines(last[c].text + "\n" + cell.text), last[c].where, last[c].origin)


def _same_header(a: list[Cell], b: list[Cell]) -> bool:
    return [clean_header(c.text) for c in a] == [clean_header(c.text) for c in b]


def _pdf_layout(pages: list) -> tuple[str, list[Table]]:  # a list of pdfplumber Page objects
    """The document's text with hard wraps already joined, using the layout the text layer
    keeps: a line continues the one above (across a page break too) unless it is indented
    (a new paragraph), the line above stops short of the right margin (a paragraph's last
    line), or it starts with a numbering marker. Page-number lines are left out.

    Ruled tables are read as tables: their rows go into the text as tab-separated lines where
    the table starts, and a table that continues on the next page (with its header repeated, or
    with no header and as many columns) is one table; a row cut by the page break is one row."""
    from kexie.docparse.normalise import MARKER_START, PAGE_MARKER

    out: list[Any] = []  # paragraphs (str) and tables, in reading order
    table_rows: list[tuple[Table, int, int]] = []
    tables: list[Table] = []
    open_table: Table | None = None  # the table that ended the previous page, if one did
    prev_short = True
    for page_no, page in enumerate(pages, 1):
        found = page.find_tables()
        boxes = [t.bbox for t in found]
        lines = [l for l in page.extract_text_lines() if l["text"].strip()]

        def in_table(line: dict) -> bool:
            mid = (line["top"] + line["bottom"]) / 2
            return any(x0 - 1 <= line["x0"] and line["x1"] <= x1 + 1 and top <= mid <= bottom
                       for x0, top, x1, bottom in boxes)

        text_lines = [l for l in lines if not in_table(l)]
        sizes = sorted(c["x1"] - c["x0"] for l in text_lines for c in l["chars"] if ord(c["text"]) > 0x2E80)
        em = sizes[len(sizes) // 2] if sizes else 10.0
        body = [l for l in text_lines if not PAGE_MARKER.match(l["text"].strip())]
        left = min((l["x0"] for l in body), default=0)
        right = max((l["x1"] for l in body), default=0)
        blocks: list[tuple[float, str, Any]] = [(l["top"], "line", l) for l in body]
        blocks += [(t.bbox[1], "table", t) for t in found]
        blocks.sort(key=lambda b: b[0])
        for at, (_, kind, obj) in enumerate(blocks):
            if kind == "line":
                open_table = None
                text = obj["text"].strip()
                if not out or prev_short or obj["x0"] > left + 1.2 * em or MARKER_START.match(text):
                    out.append(text)
                else:
                    out[-1] += text
                prev_short = obj["x1"] < right - 1.5 * em
                continue
            # The first block of a page, after a table that ended the page before: perhaps its continuation.
            go_on = open_table is not None and at == 0
            number = open_table.number if go_on else len(tables) + 1
            rows = _pdf_cells(obj, page_no, number)
            if go_on and rows:
                width = max(len(r) for r in open_table.rows)
                if _same_header(rows[0], open_table.rows[0]) or (
                        len(rows[0]) == width and task_columns([c.text for c in rows[0]]) is None):
                    if _same_header(rows[0], open_table.rows[0]):
                        rows = rows[1:]
                    if rows and not rows[0][0].text.strip() and len(open_table.rows) > 1:
                        _continue_row(open_table.rows[-1], rows[0])
                        rows = rows[1:]
                    open_table.rows.extend(rows)
                    open_table = open_table if at == len(blocks) - 1 else None
                    continue
                number = len(tables) + 1  # not a continuation: a table of its own
                rows = _pdf_cells(obj, page_no, number)
            paragraphs = [e for e in out if isinstance(e, str)]
            table = Table("pdf", number, rows, caption=caption_before(paragraphs, len(paragraphs)),
                          where=f"第{page_no}页 表{number}")
            tables.append(table)
            out.append(table)  # written out once complete, below
            prev_short = True
            open_table = table if at == len(blocks) - 1 else None
    lines: list[str] = []
    for entry in out:
        if isinstance(entry, Table):
            for r, row in enumerate(entry.rows):
                values: list[str] = []
                for cell in row:
                    value = join_lines(cell.text)
                    if not values or value != values[-1]:
                        values.append(value)
                table_rows.append((entry, r, len(lines)))
                lines.append("\t".join(values))
        else:
            lines.append(entry)
    text, _ = _joined(lines, table_rows)
    return text, tables


def _pdf_paragraphs(pages: list) -> str:  # a list of pdfplumber Page objects
    """The text of the pages (see ``_pdf_layout``)."""
    return _pdf_layout(pages)[0]


class _HTMLText(HTMLParser):
    """Visible text of a page, block elements on their own lines, chrome elements dropped."""

    SKIP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "template", "iframe",
            "select", "button", "form"}
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
             "article", "ul", "ol", "dd", "dt", "blockquote", "pre", "hr", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data.replace("\n", " "))


def html_to_text(html: str) -> str:
    """Strip tags from an HTML page, keeping paragraphs as lines."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = []
    for line in "".join(parser.parts).split("\n"):
        # Each cell opened a tab: an empty cell keeps its tab, so the columns stay in place.
        line = re.sub(r"[ \t]+", lambda m: "\t" * m.group(0).count("\t") or " ", line).strip(" ")
        lines.append(line[1:].rstrip("\t ") if line.startswith("\t") else line.rstrip("\t "))
    return "\n".join(l for l in lines if l.strip())


def markdown_to_text(text: str) -> str:
    """Markdown headings and emphasis removed; the numbering inside stays as written."""
    out = []
    for line in text.split("\n"):
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)
        line = re.sub(r"^\s*[-*+]\s+(?=\S)", "", line)
        line = re.sub(r"(\*\*|__|\*|`)", "", line)
        out.append(line)
    return "\n".join(out)


def _xlsx_merges(archive: zipfile.ZipFile, member: str | None) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet (min_row, min_col, max_row, max_col), read from its XML
    without loading the sheet: openpyxl's read-only mode does not keep them."""
    from openpyxl.utils.cell import range_boundaries

    if not member:
        return []
    found: list[tuple[int, int, int, int]] = []
    tail = ""
    with archive.open(member.lstrip("/")) as fh:
        while chunk := fh.read(1 << 20):
            text = tail + chunk.decode("utf-8", "ignore")
            for ref in re.findall(r"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+\d+:[A-Z]+\d+)\"", text):
                min_col, min_row, max_col, max_row = range_boundaries(ref)
                found.append((min_row, min_col, max_row, max_col))
            tail = text[-200:]
    return list(dict.fromkeys(found))


def _xlsx_value(value: Any) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if not (value.hour or value.minute) else value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_document(path: str) -> tuple[str, list[Table]]:
    """The sheets of a workbook: each row a line (cells tab-separated, a title row alone), and
    each sheet as a table whose merged ranges carry their value to every cell they cover."""
    _check_zip(path, "xl/workbook.xml", "bad_xlsx", "xlsx_bomb")
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds on damaged packages
        raise _err("bad_xlsx") from None
    lines: list[str] = []
    table_rows: list[tuple[Table, int, int]] = []
    try:
        with zipfile.ZipFile(path) as archive:
            for number, sheet in enumerate(workbook.worksheets, 1):
                if sheet.sheet_state != "visible":
                    continue
                merges = _xlsx_merges(archive, getattr(sheet, "_worksheet_path", None))
                sheet.reset_dimensions()  # the stored dimension is often wrong; read what is there
                values = [[_xlsx_value(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                width = max((len(r) for r in values), default=0)
                name = sheet.title
                prefix = f"'{name}'" if re.search(r"[^\w]", name) else name
                grid = [[Cell(v, f"{prefix}!{get_column_letter(c)}{r}", origin=(number, r, c))
                         for c, v in enumerate(row + [""] * (width - len(row)), 1)]
                        for r, row in enumerate(values, 1)]
                for min_row, min_col, max_row, max_col in merges:
                    if min_row > len(grid) or min_col > width:
                        continue
                    top = grid[min_row - 1][min_col - 1]
                    for r in range(min_row, min(max_row, len(grid)) + 1):
                        for c in range(min_col, min(max_col, width) + 1):
                            grid[r - 1][c - 1] = top
                table = Table("xlsx", number, grid, where=name)
                for r, row in enumerate(grid):
                    cells: list[str] = []
                    for cell in row:
                        value = " ".join(cell.text.split())
                        if value and (not cells or value != cells[-1]):
                            cells.append(value)
                        elif not value and cells:
                            cells.append("")
                    while cells and not cells[-1]:
                        cells.pop()
                    if cells:
                        table_rows.append((table, r, len(lines)))
                        lines.append("\t".join(cells))
    except DocParseError:
        raise
    except Exception:
        raise _err("bad_xlsx") from None
    finally:
        workbook.close()
    text, tables = _joined(lines, table_rows)
    return _non_empty(text), tables


def read_document(path: str) -> tuple[str, list[Table]]:
    """The text of a document file and the tables in it, by extension; raises DocParseError with
    a clear message. Text files carry their tables in the text: the list is empty for them."""
    if not os.path.isfile(path):
        raise _err("missing")
    size = os.path.getsize(path)
    if size == 0:
        raise _err("empty")
    if size > MAX_BYTES:
        raise _err("too_large")
    ext = os.path.splitext(path)[1].lower()
    if ext == ".docx":
        return _docx_document(path)
    if ext == ".xlsx":
        return _xlsx_document(path)
    if ext == ".pdf":
        return _pdf_document(path)
    with open(path, "rb") as fh:
        data = fh.read()
    if ext in (".doc", ".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _err("old_office")
    if ext in (".html", ".htm"):
        return _non_empty(html_to_text(decode_bytes(data))), []
    if ext in (".md", ".markdown"):
        return markdown_to_text(decode_bytes(data)), []
    if ext in (".txt", ".text", ""):
        return decode_bytes(data), []
    # Another extension: go by the content.
    if data[:4] == b"%PDF":
        return _pdf_document(path)
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise _err("binary") from None
        if "word/document.xml" in names:
            return _docx_document(path)
        if "xl/workbook.xml" in names:
            return _xlsx_document(path)
        raise _err("unsupported")
    return decode_bytes(data), []


def read_file(path: str) -> str:
    """The text of a document file, by extension; raises DocParseError with a clear message."""
    return read_document(path)[0]
