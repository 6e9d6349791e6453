"""Official-document layout: the .docx the writer produces, opened again with python-docx."""

import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image

from kexie.core.officialdoc import OfficialDocument, chinese_date, chinese_number, east_asian_font


def reopen(doc: OfficialDocument):
    return Document(io.BytesIO(doc.to_bytes()))


def paragraph_starting(document, text):
    return next(p for p in document.paragraphs if p.text.startswith(text))


def png(width=40, height=20):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#c62828").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2026, 5, 15), "2026年5月15日"),
    (dt.date(2026, 1, 5), "2026年1月5日"),
    (dt.date(2026, 12, 31), "2026年12月31日"),
])
def test_a_date_is_written_without_zero_padding(day, text):
    assert chinese_date(day) == text


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五")])
def test_heading_numbers_are_chinese_numerals(n, text):
    assert chinese_number(n) == text


def test_the_page_is_a4_with_the_standard_margins():
    section = reopen(OfficialDocument()).sections[0]
    def mm(*lengths):
        return [round(length.mm, 1) for length in lengths]

    assert mm(section.page_width, section.page_height) == [210, 297]
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == [37, 35, 28, 26]


def test_headings_are_numbered_by_the_writer_and_restart_below_a_higher_level():
    doc = OfficialDocument()
    doc.heading(1, "总体情况")
    doc.heading(2, "进度")
    doc.heading(3, "细目")
    doc.heading(4, "小项")
    doc.heading(4, "小项")
    doc.heading(3, "细目")
    doc.heading(4, "小项")
    doc.heading(2, "问题")
    doc.heading(1, "下一步")
    doc.heading(2, "建议")
    texts = [p.text for p in reopen(doc).paragraphs if p.text]
    assert texts == ["一、总体情况", "（一）进度", "1.细目", "（1）小项", "（2）小项", "2.细目", "（1）小项",
                     "（二）问题", "二、下一步", "（一）建议"]


def test_fonts_and_sizes_follow_the_conventions_on_the_east_asian_slot():
    doc = OfficialDocument()
    doc.title("关于改革任务推进情况的报告")
    doc.heading(1, "总体情况")
    doc.heading(2, "进度")
    doc.heading(3, "细目")
    doc.paragraph("截至目前，任务推进顺利。")
    document = reopen(doc)

    def font_of(text):
        run = paragraph_starting(document, text).runs[0]
        return east_asian_font(run), run.font.name, run.font.size

    assert font_of("关于") == ("方正小标宋简体", "方正小标宋简体", Pt(22))
    assert font_of("一、") == ("黑体", "黑体", Pt(16))
    assert font_of("（一）") == ("楷体_GB2312", "楷体_GB2312", Pt(16))
    assert font_of("1.") == ("仿宋_GB2312", "仿宋_GB2312", Pt(16))
    assert font_of("截至") == ("仿宋_GB2312", "仿宋_GB2312", Pt(16))
    title = paragraph_starting(document, "关于")
    assert title.alignment == 1  # centred
    body = paragraph_starting(document, "截至")
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    # The Normal style itself is 仿宋 3号, so text added without a run font still reads right.
    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)


def test_a_table_has_a_repeating_header_row_and_the_values():
    doc = OfficialDocument()
    doc.table(["牵头单位", "任务数"], [["科普部", 3], ["学会部", None]])
    table = reopen(doc).tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [["牵头单位", "任务数"], ["科普部", "3"],
                                                                   ["学会部", ""]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert east_asian_font(table.rows[1].cells[0].paragraphs[0].runs[0]) == "仿宋_GB2312"


def test_an_image_is_embedded_with_a_numbered_caption():
    doc = OfficialDocument()
    doc.image(png(), caption="任务亮灯情况")
    doc.image(png(30, 30), caption="各牵头单位")
    document = reopen(doc)
    images = [rel for rel in document.part.rels.values() if "image" in rel.reltype]
    assert len(images) == 2
    assert Image.open(io.BytesIO(images[0].target_part.blob)).size == (40, 20)
    assert [p.text for p in document.paragraphs if p.text.startswith("图")] == ["图1 任务亮灯情况", "图2 各牵头单位"]


def test_the_signature_gives_the_organisation_and_the_chinese_date_right_aligned():
    doc = OfficialDocument()
    doc.signature("中国科学技术协会", dt.date(2026, 5, 15))
    document = reopen(doc)
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[-2:] == ["中国科学技术协会", "2026年5月15日"]
    assert paragraph_starting(document, "2026年").alignment == 2  # right


def test_the_footer_carries_a_page_number_field_between_dashes():
    footer = reopen(OfficialDocument()).sections[0].footer
    paragraph = footer.paragraphs[0]
    assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
    instructions = [el.text.strip() for el in paragraph._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]


def test_the_document_number_stands_centred_over_a_red_rule_and_the_addressee_ends_in_a_colon():
    doc = OfficialDocument()
    doc.document_number("督办〔2026〕3号")
    doc.title("督办通知单")
    doc.addressee("甲省科学技术协会")
    doc.section_title("督办回复")
    document = reopen(doc)
    number = paragraph_starting(document, "督办〔2026〕3号")
    assert number.alignment == 1 and east_asian_font(number.runs[0]) == "仿宋_GB2312"
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert (rule.get(qn("w:val")), rule.get(qn("w:color"))) == ("single", "FF0000")
    # The border sits where the schema wants it: before the alignment.
    names = [child.tag for child in number._p.pPr]
    assert names.index(qn("w:pBdr")) < names.index(qn("w:jc"))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts == ["督办〔2026〕3号", "督办通知单", "甲省科学技术协会：", "督办回复"]
    reply = paragraph_starting(document, "督办回复")
    assert reply.alignment == 1 and east_asian_font(reply.runs[0]) == "黑体"
