"""Word documents laid out as Chinese official documents (党政机关公文格式, GB/T 9704).

Plain python-docx, no Django: A4 with the standard margins, the title in 小标宋 2号 centred, the
body in 仿宋_GB2312 3号 with a two-character first-line indent, headings numbered by the writer
(一、 in 黑体, （一） in 楷体_GB2312, 1. and （1） in 仿宋), tables with a header row, images with
a caption, the signature block and page numbers "— 1 —" in the footer.

Every run gets its font on both the western (ascii/hAnsi) and the East Asian slot, because Word
and WPS pick the East Asian font for Chinese characters and would otherwise fall back to 宋体.

    doc = OfficialDocument()
    doc.document_number("督办〔2026〕1号")   # optional: over the red rule of the header
    doc.title("关于……的报告")
    doc.addressee("各省级科协")           # -> "各省级科协："
    doc.heading(1, "总体情况")          # -> "一、总体情况"
    doc.paragraph("截至……")
    doc.signature("中国科学技术协会", dt.date(2026, 5, 15))
    data = doc.to_bytes()
"""

import datetime as dt
import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# Font names as installed with the standard Chinese office font sets.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

# Chinese type sizes (号) in points.
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The red rule under the header (版头中的分隔线): as wide as the text block.
RULE_COLOUR = "FF0000"
RULE_EIGHTHS_OF_A_POINT = 12  # 1.5 pt
# What may follow a paragraph border in a paragraph's properties (ECMA-376 CT_PPrBase): the schema
# fixes their order, and Word reports a file with a border after, say, the alignment as damaged.
_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                 "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                 "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                 "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                 "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")

# 22 lines of 28 characters on a page: a fixed line pitch of about 28.9 pt.
LINE_PITCH = Pt(28.9)

HEADING_FONTS = {1: HEI_FONT, 2: KAI_FONT, 3: BODY_FONT, 4: BODY_FONT}

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (enough for heading numbers)."""
    if not 0 < n < 100:
        raise ValueError(f"heading number out of range: {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def chinese_date(day: dt.date) -> str:
    """The date as official documents write it: 2026年5月15日 (Arabic numerals, no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"


def heading_number(level: int, n: int) -> str:
    """The numbering prefix of the ``n``-th heading at ``level``: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading level must be 1 to 4, not {level}")


def set_run_font(run, name: str, size, *, bold: bool | None = None) -> None:
    """Set ``run``'s font on the ascii, hAnsi and eastAsia slots, and its size."""
    run.font.name = name
    run.font.size = size
    if bold is not None:
        run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def east_asian_font(run) -> str | None:
    """The East Asian font a run asks for (what a reader of the document sees for Chinese)."""
    rpr = run._element.rPr
    if rpr is None or rpr.rFonts is None:
        return None
    return rpr.rFonts.get(qn("w:eastAsia"))


def _add_field(paragraph, instruction: str, *, font: str, size) -> None:
    """A field such as PAGE: begin, instruction, separate, a placeholder result, end."""
    def run_with(element):
        run = paragraph.add_run()
        set_run_font(run, font, size)
        run._element.append(element)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run_with(text)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    placeholder = paragraph.add_run("1")
    set_run_font(placeholder, font, size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


class OfficialDocument:
    """A document written top to bottom in official-document conventions."""

    def __init__(self):
        self.document = Document()
        self._counters = [0, 0, 0, 0]
        self._images = 0
        self._setup_page()
        self._setup_normal_style()
        self._setup_footer()

    # --- page set-up ---------------------------------------------------------------------------

    def _setup_page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28) - Mm(7)  # the page number sits 7 mm below the text block

    def _setup_normal_style(self) -> None:
        style = self.document.styles["Normal"]
        style.font.name = BODY_FONT
        style.font.size = SIZE_3
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), BODY_FONT)
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
        fmt.space_before = fmt.space_after = Pt(0)

    def _setup_footer(self) -> None:
        footer = self.document.sections[0].footer
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        dash = paragraph.add_run("— ")
        set_run_font(dash, PAGE_NUMBER_FONT, SIZE_4)
        _add_field(paragraph, "PAGE", font=PAGE_NUMBER_FONT, size=SIZE_4)
        dash = paragraph.add_run(" —")
        set_run_font(dash, PAGE_NUMBER_FONT, SIZE_4)

    # --- content -------------------------------------------------------------------------------

    def _paragraph(self, text: str, *, font: str, size, align=None, indent: bool = False, bold=None):
        paragraph = self.document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if indent:
            self._indent_two_characters(paragraph, size)
        run = paragraph.add_run(text)
        set_run_font(run, font, size, bold=bold)
        return paragraph

    @staticmethod
    def _indent_two_characters(paragraph, size) -> None:
        paragraph.paragraph_format.first_line_indent = size * 2
        # firstLineChars keeps the indent at two characters if the reader changes the font size.
        ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
        ind.set(qn("w:firstLineChars"), "200")

    def document_number(self, text: str):
        """The document number (发文字号) centred in 仿宋 3号, with the red rule that closes the
        header (版头) under it; the title follows."""
        paragraph = self._paragraph(text, font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for name, value in (("val", "single"), ("sz", str(RULE_EIGHTHS_OF_A_POINT)), ("space", "4"),
                            ("color", RULE_COLOUR)):
            bottom.set(qn(f"w:{name}"), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_BORDER)
        self.document.add_paragraph()
        return paragraph

    def addressee(self, text: str):
        """The main recipient (主送机关): flush left under the title, ending in a full-width colon."""
        return self._paragraph(text.rstrip("：:") + "：", font=BODY_FONT, size=SIZE_3)

    def section_title(self, text: str):
        """An unnumbered heading in 黑体 3号, centred, after an empty line: a part of the document
        that stands apart from the body, such as the reply recorded under a notice."""
        self.document.add_paragraph()
        paragraph = self._paragraph(text, font=HEI_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, bold=False)
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), "0")
        paragraph._p.get_or_add_pPr().append(outline)
        return paragraph

    def title(self, text: str):
        """The title: 小标宋 2号, centred, followed by an empty line."""
        paragraph = self._paragraph(text, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
        paragraph.paragraph_format.line_spacing = Pt(35)
        self.document.add_paragraph()
        return paragraph

    def heading(self, level: int, text: str):
        """A numbered heading; the writer counts, so callers only give the level and the text.

        A heading restarts the numbering of every level below it. Level-1 and level-2 headings
        stand on their own line; levels 3 and 4 are run-in headings of a body paragraph in
        practice, but here each is its own indented paragraph so that a caller may follow it
        with body text.
        """
        number = heading_number(level, self._counters[level - 1] + 1)
        self._counters[level - 1] += 1
        for lower in range(level, len(self._counters)):
            self._counters[lower] = 0
        paragraph = self._paragraph(number + text, font=HEADING_FONTS[level], size=SIZE_3, indent=True,
                                    bold=False)
        # The outline level makes the headings show in the navigation pane of Word and WPS.
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level - 1))
        paragraph._p.get_or_add_pPr().append(outline)
        return paragraph

    def paragraph(self, text: str, *, indent: bool = True):
        """A body paragraph in 仿宋_GB2312 3号 with a two-character first-line indent."""
        return self._paragraph(text, font=BODY_FONT, size=SIZE_3, indent=indent)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence], *, widths_mm: Sequence[float] | None = None):
        """A grid table with a bold header row that repeats on every page; cells in 仿宋 小四."""
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header_row = table.rows[0]
        tr_pr = header_row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for cell, text in zip(header_row.cells, headers):
            self._cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values):
                numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
                self._cell_text(cell, "" if value is None else str(value),
                                align=WD_ALIGN_PARAGRAPH.CENTER if numeric else None)
        if widths_mm:
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm):
                    cell.width = Mm(width)
        # An empty paragraph after the table keeps the next heading off its bottom border.
        self.document.add_paragraph()
        return table

    @staticmethod
    def _cell_text(cell, text: str, *, bold: bool = False, align=None) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align is not None:
            paragraph.alignment = align
        run = paragraph.add_run(text)
        set_run_font(run, HEI_FONT if bold else BODY_FONT, SIZE_SMALL_4, bold=False)

    def image(self, png: bytes, *, caption: str, width_mm: float = 150):
        """A centred picture and its numbered caption ("图1 …") under it, in 仿宋 四号."""
        picture = self.document.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        picture.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        self._images += 1
        return self._paragraph(f"图{self._images} {caption}", font=BODY_FONT, size=SIZE_4,
                               align=WD_ALIGN_PARAGRAPH.CENTER)

    def signature(self, organization: str, day: dt.date):
        """The issuing organisation and the date, right-aligned, the date four characters in
        from the right margin and the organisation centred over it."""
        self.document.add_paragraph()
        self.document.add_paragraph()
        date_text = chinese_date(day)
        name = self._paragraph(organization, font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
        date = self._paragraph(date_text, font=BODY_FONT, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
        date.paragraph_format.right_indent = SIZE_3 * 4
        # Centre the name over the date: shift it by half the difference of their lengths.
        offset = 4 + (len(date_text) - len(organization)) / 2
        name.paragraph_format.right_indent = Pt(SIZE_3.pt * max(offset, 0))
        return date

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
