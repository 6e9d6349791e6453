"""File readers: .docx and .pdf built here parse like the text they were made from; HTML and
Markdown; and the one-line errors for files that are not documents."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kexie.docparse import DocParseError, parse_file, parse_text
from kexie.docparse.cli import main

DOCS = Path(__file__).parent / "docs"
REPO = Path(__file__).resolve().parents[2]


def comparable(plan: dict) -> list[tuple]:
    return [(i["key"], i["marker"], i["kind"], i["title"], i["lead_units"], i["co_units"], i["due"],
             [(t["min"], t["max"], t["unit"]) for t in i["targets"]]) for i in plan["items"]]


def test_docx_paragraphs_and_tables_parse_like_the_text(tmp_path):
    docx = pytest.importorskip("docx")
    for name in ("06_inline.txt", "14_table.txt"):
        text = (DOCS / name).read_text(encoding="utf-8")
        document = docx.Document()
        rows: list[list[str]] = []
        for line in text.split("\n") + [""]:
            if "\t" in line:
                rows.append(line.split("\t"))
                continue
            if rows:
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                for r, cells in enumerate(rows):
                    for c, value in enumerate(cells):
                        table.cell(r, c).text = value
                rows = []
            if line:
                document.add_paragraph(line)
        path = tmp_path / (name[:-4] + ".docx")
        document.save(path)
        assert comparable(parse_file(str(path))) == comparable(parse_file(str(DOCS / name))), name


def _pdf(path: Path, text: str, width: int = 24, per_page: int = 12, indent: bool = False) -> None:
    """A PDF whose text layer is ``text`` hard-wrapped at ``width`` characters, with a page
    number line at the foot of each page, as printed official documents are; ``indent``
    starts each paragraph two characters in."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # built-in CJK font, no file needed
    def fits(chunk: str, room: float) -> int:  # how many characters fill ``room`` ems
        used = 0.0
        for i, ch in enumerate(chunk):
            used += 0.5 if ch.isascii() else 1.0
            if used > room:
                return i
        return len(chunk)

    lines: list[tuple[int, str]] = []
    for para in text.split("\n"):
        room, x = (width - 2, 24) if indent else (width, 0)
        while para:
            n = fits(para, room)
            lines.append((x, para[:n]))
            para, room, x = para[n:], width, 0
    pdf = canvas.Canvas(str(path))
    for page_no, start in enumerate(range(0, len(lines), per_page), 1):
        pdf.setFont("STSong-Light", 12)
        for i, (x, line) in enumerate(lines[start:start + per_page]):
            pdf.drawString(60 + x, 780 - 18 * i, line)
        pdf.drawString(280, 60, f"—{page_no}—")
        pdf.showPage()
    pdf.save()


def test_pdf_text_layer_parses_like_the_text(tmp_path):
    pytest.importorskip("reportlab")
    text = (DOCS / "06_inline.txt").read_text(encoding="utf-8")
    path = tmp_path / "plan.pdf"
    _pdf(path, text)
    assert comparable(parse_file(str(path))) == comparable(parse_text(text))
    # Indented paragraphs, paragraphs running across pages, a plan with a page of targets.
    for name in ("06_inline.txt", "10_targets.txt", "05_topic.txt"):
        text = (DOCS / name).read_text(encoding="utf-8")
        path = tmp_path / (name + ".pdf")
        _pdf(path, text, width=20, per_page=7, indent=True)
        assert comparable(parse_file(str(path))) == comparable(parse_text(text)), name


def test_html_and_markdown(tmp_path):
    md = tmp_path / "plan.md"
    md.write_text("# 某市科协2023年工作要点\n\n## 一、加强组织建设\n\n1. **推进社区科协建设**。新建社区科协10个。\n",
                  encoding="utf-8")
    plan = parse_file(str(md))
    assert plan["title"] == "某市科协2023年工作要点"
    assert [(i["key"], i["title"]) for i in plan["items"]] == [("1", "加强组织建设"), ("1.1", "推进社区科协建设")]


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_json_and_readable_tree():
    code, out, _ = run_cli(str(DOCS / "06_inline.txt"), "--json")
    assert code == 0
    plan = json.loads(out)
    assert plan["format"] == "kexie.plan/1" and plan["source"] == "06_inline.txt"
    assert "学会部" in out  # ensure_ascii=False
    code, out, _ = run_cli(str(DOCS / "06_inline.txt"))
    assert code == 0
    assert "\n  1. [task] 加强学术交流\n" in out
    assert "    (1) [task] 培育品牌学术会议\n" in out
    assert "牵头: 学会部" in out and "时限: 2019-12-31" in out


def test_python_dash_m_entry_point():
    result = subprocess.run([sys.executable, "-m", "kexie.docparse", str(DOCS / "10_targets.txt"), "--json"],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["items"][0]["kind"] == "goal"


def _expect_error(path: Path, code: str, words: str) -> None:
    with pytest.raises(DocParseError) as info:
        parse_file(str(path))
    assert info.value.code == code
    status, out, err = run_cli(str(path))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("错误：") and words in err


def test_empty_file(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    _expect_error(tmp_path / "a.txt", "empty", "empty")
    (tmp_path / "b.txt").write_bytes(b" \n\r\n ")
    _expect_error(tmp_path / "b.txt", "empty", "empty")


def test_binary_file(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    _expect_error(path, "binary", "binary")


def test_encrypted_pdf(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "secret.pdf"
    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(60, 780, "plan")
    pdf.showPage()
    pdf.save()
    _expect_error(path, "encrypted", "encrypted")


def test_over_large_file(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(20 * 1024 * 1024 + 1)  # sparse: no need to write 20 MB
    _expect_error(path, "too_large", "20 MB")


def test_zip_bomb_named_docx(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (30 * 1024 * 1024))
    assert os.path.getsize(path) < 200_000
    _expect_error(path, "zip_bomb", "zip bomb")


def test_not_a_docx(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("一、这不是 Word 文件", encoding="utf-8")
    _expect_error(path, "bad_docx", ".docx")


def test_no_recognisable_structure():
    status, _, err = run_cli(str(DOCS / "26_no_structure.txt"))
    assert status == 2 and "no recognisable structure" in err and "未识别到文档结构" in err


def test_usage_error():
    status, _, err = run_cli()
    assert status == 2 and "usage" in err


def test_a_25_kb_document_parses_well_under_100_ms():
    import time

    text = (DOCS / "06_inline.txt").read_text(encoding="utf-8")
    body = text.split("\n", 2)[2]
    big = text + "\n".join(body.replace("一、", f"{n}、") for n in "二三四五六七八九十") * 4
    while len(big.encode("utf-8")) < 25_000:
        big += body
    parse_text(big)  # warm up imports
    best = float("inf")
    for _ in range(3):  # the best of three: other jobs share this machine
        started = time.perf_counter()
        parse_text(big)
        best = min(best, time.perf_counter() - started)
    assert best < 0.1


def test_docx_automatic_list_numbering_becomes_markers(tmp_path):
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def add(text: str, level: int | None = None) -> None:
        paragraph = document.add_paragraph(text)
        if level is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

    add("某市科协2024年工作要点")
    add("加强组织建设", 0)
    add("推进基层组织建设", 1)
    add("建设社区科协。新建社区科协15个。", 2)
    add("加强企业科协建设。", 2)
    add("提升服务能力", 0)
    add("做好人才举荐。", 2)
    path = tmp_path / "numbered.docx"
    document.save(path)
    plan = parse_file(str(path))
    assert [(i["key"], i["marker"], i["title"]) for i in plan["items"]] == [
        ("1", "一、", "加强组织建设"),
        ("1.1", "(一)", "推进基层组织建设"),
        ("1.1.1", "1.", "建设社区科协"),
        ("1.1.2", "2.", "加强企业科协建设"),
        ("2", "二、", "提升服务能力"),
        ("2.1", "1.", "做好人才举荐"),  # the deeper counter starts again under 二、
    ]


def test_unknown_extension_goes_by_content(tmp_path):
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    _expect_error(path, "bad_xlsx", "not a valid .xlsx")
    archive = tmp_path / "bundle.bin"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "x")
    _expect_error(archive, "unsupported", "unsupported")
    plain = tmp_path / "plan.dat"
    plain.write_bytes((DOCS / "02_dunhao.txt").read_bytes())
    assert parse_file(str(plain))["title"] == "某市科协2023年科普工作计划"


def test_pdf_without_a_text_layer(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(100, 100, 200, 300, fill=1)  # an image-only page, as a scan is
    pdf.showPage()
    pdf.save()
    _expect_error(path, "no_text", "text layer")
