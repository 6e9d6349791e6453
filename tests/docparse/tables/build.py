"""Test documents with a task-division table (任务分工表), written in .docx, .xlsx, .pdf and text.

One plan, written for these tests: a county association's key tasks for 2025, whose attachment
is the table that says who leads each task, who helps, by when and to what target. The table
has what real ones have: a 项目类别 column merged down over its rows, a 牵头单位 cell merged down
over two rows, a lead and co-responsible cell merged across, a 责任领导 column naming a person, a
工作目标 column with the figures, month deadlines and "长期坚持". Rows 1, 3 and 4 detail body
tasks by their wording, row 2 by its number only, rows 5 and 6 have no body counterpart.

Run ``python -m tests.docparse.tables.build DIR`` to write every variant into DIR for a look.
"""

from __future__ import annotations

import sys
from pathlib import Path

TITLE = "某县科协2025年重点工作任务"
CAPTION = "重点工作任务分工表"
BODY = [
    TITLE,
    "一、总体要求",
    "坚持面向基层、服务群众，以科普阵地建设和学会改革为抓手，推动全县科协工作提质增效。",
    "二、重点任务",
    "1.实施基层科普阵地提升行动。新建乡镇科普e站6个，改造提升村级科普活动室。（科普部牵头）",
    "2.办好全国科普日县级主场活动。围绕科学家精神主题，组织科普展览和科学实验秀。",
    "3.深化县级学会改革。指导县级学会按期完成换届，规范财务和会员管理。",
    "4.开展科技志愿服务。组建科技志愿服务队伍，深入田间地头开展技术指导。",
    "三、保障措施",
    "1.加强组织领导。各部室要明确责任人，细化工作措施，确保各项任务按期完成。",
]
HEADER = ["序号", "项目类别", "重点任务", "责任领导", "牵头单位\n（部门）", "配合单位", "工作目标", "完成 时限"]
ROWS = [
    ["1", "科普服务", "实施基层科普阵地提升行动", "王志远", "科普部", "各乡镇科协", "新建乡镇科普e站6个", "10月底前"],
    ["2", "科普服务", "组织科普日系列活动，推动优质科普资源下沉到村（社区）", "王志远", "科普部",
     "县科技馆、各乡镇科协", "举办科普活动20场以上", "9月完成"],
    ["3", "学会建设", "深化县级学会改革，完善学会治理结构，推动学会承接政府转移职能，提升学会服务能力和社会公信力",
     "李清", "学会部", "办公室", "完成换届的学会不少于5家", "2025年6月"],
    ["4", "人才服务", "开展科技志愿服务", "张敏", "组织人事部", "各学会", "新增注册科技志愿者200名", "长期坚持"],
    ["5", "人才服务", "举荐优秀科技工作者参评省级奖项", "张敏", "组织人事部牵头，各学会配合", "", "", "11月完成"],
    ["6", "人才服务", "建设院士专家工作站", "张敏", "组织人事部、学会部", "县工信局", "建成院士专家工作站2家", "持续推进"],
]
# Merged ranges (first row, first column, last row, last column) in table coordinates, the header
# being row 0: 项目类别 down rows 1–2 and 4–6, 牵头单位 down rows 1–2, 牵头+配合 across in row 5.
MERGES = [(1, 1, 2, 1), (4, 1, 6, 1), (1, 4, 2, 4), (5, 4, 5, 5)]


def grid() -> list[list[str]]:
    """The table as a grid; a cell covered by a merged range holds "" (its text is the range's first)."""
    cells = [list(HEADER)] + [list(r) for r in ROWS]
    for r0, c0, r1, c1 in MERGES:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    cells[r][c] = ""
    return cells


def write_docx(path: Path, *, body: bool = True) -> Path:
    import docx

    document = docx.Document()
    for line in BODY if body else [TITLE + "分工表"]:
        document.add_paragraph(line)
    if body:
        document.add_paragraph("附件")
        document.add_paragraph(CAPTION)
    cells = grid()
    table = document.add_table(rows=len(cells), cols=len(HEADER))
    table.style = "Table Grid"
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if value:
                table.cell(r, c).text = value
    for r0, c0, r1, c1 in MERGES:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    # A table nested in a cell is layout, not content: it must not disturb the reading.
    inner = table.cell(3, 6).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "附注"
    document.save(str(path))
    return path


def write_xlsx(path: Path) -> Path:
    """The table alone, as a sheet: a title row merged across, then the header and the rows."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "分工表"
    sheet.append([TITLE + "分工表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    for row in grid():
        sheet.append([int(v) if v.isdigit() else (v or None) for v in row])
    for r0, c0, r1, c1 in MERGES:
        sheet.merge_cells(start_row=r0 + 2, start_column=c0 + 1, end_row=r1 + 2, end_column=c1 + 1)
    workbook.save(str(path))
    return path


def write_text(path: Path, *, body: bool = True) -> Path:
    """The table flattened one cell per line, as copying it out of a viewer gives: a merged cell
    down the rows repeats its text, one merged across leaves the next cell empty (a blank line)."""
    lines = list(BODY) + ["附件", CAPTION] if body else [TITLE + "分工表"]
    lines += [h.replace("\n", "") for h in HEADER]
    for r, row in enumerate(ROWS, 1):
        for c, value in enumerate(row):
            covered = next(((r0, c0) for r0, c0, r1, c1 in MERGES
                            if r0 <= r <= r1 and c0 <= c <= c1 and (r, c) != (r0, c0)), None)
            if covered and covered[1] == c:
                value = ROWS[covered[0] - 1][c]  # merged down: the text repeats
            elif covered:
                value = ""  # merged across: the cell is empty
            lines.append(value)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_pdf(path: Path, *, body: bool = True, repeat_header: bool = True, split_row: bool = True) -> Path:
    """The table on small pages so that it continues on the next page: with the header repeated
    there or not, and with row 3 cut by the page break (its first cell empty on the new page) or
    the break falling between rows 3 and 4."""
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # built-in CJK font, no file needed
    text = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK",
                          firstLineIndent=21)
    heading = ParagraphStyle("heading", parent=text, firstLineIndent=0)
    small = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    doc = SimpleDocTemplate(str(path), pagesize=A5, leftMargin=28, rightMargin=28, topMargin=36, bottomMargin=36)
    story: list = []
    if body:
        for line in BODY:
            story.append(Paragraph(line, heading if line == TITLE or line[:2] in ("一、", "二、", "三、") else text))
        story.append(PageBreak())
        lead_in = [Paragraph("附件", heading), Paragraph(CAPTION, heading)]
    else:
        lead_in = [Paragraph(TITLE + "分工表", heading)]
    widths = [22, 34, 110, 34, 50, 50, 62, 34]
    cells = [[Paragraph(v.replace("\n", "<br/>"), small) for v in row] for row in grid()]
    table = Table(cells, colWidths=widths, repeatRows=1 if repeat_header else 0,
                  splitByRow=0 if split_row else 1, splitInRow=1 if split_row else 0)
    # A row cut by the page break keeps its borders on both pages, as word processors print it.
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 0.5, "black"),
                               ("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), 0.5, "black")]
                              + [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in MERGES]))
    # Where the page breaks: a spacer after the caption pushes the table down so that the page
    # ends inside row 3 (split) or just after it.
    room = doc.height - 12  # the frame's padding
    used = sum(p.wrap(doc.width, room)[1] for p in lead_in)
    table.wrap(doc.width, room)
    heights = table._rowHeights
    before = sum(heights[:3])
    fill = before + (heights[3] * 0.5 if split_row else heights[3] + heights[4] * 0.5)
    story += lead_in + [Spacer(1, max(1, room - used - fill)), table]
    doc.build(story)
    return path


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else ".")
    out.mkdir(parents=True, exist_ok=True)
    write_docx(out / "plan.docx")
    write_docx(out / "table.docx", body=False)
    write_xlsx(out / "table.xlsx")
    write_text(out / "plan.txt")
    write_text(out / "table.txt", body=False)
    write_pdf(out / "plan.pdf")
    write_pdf(out / "table.pdf", body=False, repeat_header=False, split_row=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
