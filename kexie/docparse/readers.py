"""Reading documents from disk: .txt (any of the usual Chinese encodings), .docx, .pdf,
.html and .md, with clear errors for files that are not documents at all."""

from __future__ import annotations

import codecs
import os
import re
import zipfile
from html.parser import HTMLParser

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


def read_docx(path: str) -> str:
    """Paragraphs and table rows of a .docx in document order, one line each (cells tab-separated)."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = 0
            for info in zf.infolist():
                total += info.file_size
                if info.file_size > MAX_UNZIPPED or total > MAX_UNZIPPED or (
                        info.compress_size and info.file_size > 1024 * 1024
                        and info.file_size / info.compress_size > MAX_RATIO):
                    raise _err("zip_bomb")
            if "word/document.xml" not in zf.namelist():
                raise _err("bad_docx")
    except zipfile.BadZipFile:
        raise _err("bad_docx") from None
    import docx  # python-docx; imported here so .txt parsing does not pay for it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(path)
    except Exception:  # python-docx raises several kinds on damaged packages
        raise _err("bad_docx") from None
    from kexie.docparse.docx_numbering import Numbering

    numbering = Numbering(document)
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, document)
            lines.append(numbering.marker(paragraph) + paragraph.text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(p.text.strip() for p in cell.paragraphs).strip()
                    if not cells or value != cells[-1]:  # merged cells repeat their text
                        cells.append(value)
                lines.append("\t".join(cells))
    return _non_empty("\n".join(lines))


def read_pdf(path: str) -> str:
    """The text layer of a PDF, page by page."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(path) as pdf:
            if getattr(pdf.doc, "encryption", None):
                raise _err("encrypted")
            text = _pdf_paragraphs(pdf.pages)
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
    return text


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


def _pdf_paragraphs(pages: list) -> str:  # a list of pdfplumber Page objects
    """The document's text with hard wraps already joined, using the layout the text layer
    keeps: a line continues the one above (across a page break too) unless it is indented
    (a new paragraph), the line above stops short of the right margin (a paragraph's last
    line), or it starts with a numbering marker. Page-number lines are left out."""
    from kexie.docparse.normalise import MARKER_START, PAGE_MARKER

    out: list[str] = []
    prev_short = True
    for page in pages:
        lines = [l for l in page.extract_text_lines() if l["text"].strip()]
        if not lines:
            continue
        sizes = sorted(c["x1"] - c["x0"] for l in lines for c in l["chars"] if ord(c["text"]) > 0x2E80)
        em = sizes[len(sizes) // 2] if sizes else 10.0
        body = [l for l in lines if not PAGE_MARKER.match(l["text"].strip())]
        if not body:
            continue
        left = min(l["x0"] for l in body)
        right = max(l["x1"] for l in body)
        for line in body:
            text = line["text"].strip()
            if not out or prev_short or line["x0"] > left + 1.2 * em or MARKER_START.match(text):
                out.append(text)
            else:
                out[-1] += text
            prev_short = line["x1"] < right - 1.5 * em
    return "\n".join(out)


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
    lines = [re.sub(r"[ \t]+", lambda m: "\t" if "\t" in m.group(0) else " ", l).strip(" \t")
             for l in "".join(parser.parts).split("\n")]
    return "\n".join(l for l in lines if l)


def markdown_to_text(text: str) -> str:
    """Markdown headings and emphasis removed; the numbering inside stays as written."""
    out = []
    for line in text.split("\n"):
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)
        line = re.sub(r"^\s*[-*+]\s+(?=\S)", "", line)
        line = re.sub(r"(\*\*|__|\*|`)", "", line)
        out.append(line)
    return "\n".join(out)


def read_file(path: str) -> str:
    """The text of a document file, by extension; raises DocParseError with a clear message."""
    if not os.path.isfile(path):
        raise _err("missing")
    size = os.path.getsize(path)
    if size == 0:
        raise _err("empty")
    if size > MAX_BYTES:
        raise _err("too_large")
    ext = os.path.splitext(path)[1].lower()
    if ext == ".docx":
        return read_docx(path)
    if ext == ".pdf":
        return read_pdf(path)
    with open(path, "rb") as fh:
        data = fh.read()
    if ext in (".html", ".htm"):
        return _non_empty(html_to_text(decode_bytes(data)))
    if ext in (".md", ".markdown"):
        return markdown_to_text(decode_bytes(data))
    if ext in (".txt", ".text", ""):
        return decode_bytes(data)
    # Another extension: go by the content.
    if data[:4] == b"%PDF":
        return read_pdf(path)
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as zf:
                is_docx = "word/document.xml" in zf.namelist()
        except zipfile.BadZipFile:
            raise _err("binary") from None
        if is_docx:
            return read_docx(path)
        raise _err("unsupported")
    return decode_bytes(data)
