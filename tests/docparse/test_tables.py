"""Task-division tables (任务分工表): one plan's attachment table written as .docx, .xlsx, .pdf
and flattened text (tests/docparse/tables/build.py) is read into the same items in every format;
rows complete the body tasks they detail (by wording or by number) and the others become items
of their own; each such item names the cells it comes from."""

from pathlib import Path

import pytest

from kexie.docparse import DocParseError, parse_file, parse_text, read_document
from kexie.docparse.tables import due_of, split_text_tables, task_columns
from tests.docparse.tables import build

docx = pytest.importorskip("docx")
pytest.importorskip("reportlab")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tables")
    return {
        "plan.docx": build.write_docx(folder / "plan.docx"),
        "plan.pdf": build.write_pdf(folder / "plan.pdf"),
        "plan.txt": build.write_text(folder / "plan.txt"),
        "table.docx": build.write_docx(folder / "table.docx", body=False),
        "table.xlsx": build.write_xlsx(folder / "table.xlsx"),
        "table.pdf": build.write_pdf(folder / "table.pdf", body=False, repeat_header=False, split_row=False),
        "table.txt": build.write_text(folder / "table.txt", body=False),
    }


def outline(plan: dict) -> list[tuple]:
    return [(i["key"], i["marker"], i["kind"], i["title"], i["lead_units"], i["co_units"], i["due"],
             [(t["min"], t["max"], t["unit"]) for t in i["targets"]]) for i in plan["items"]]


def cells(item: dict) -> list[tuple[str, str]]:
    """An item's source cells without where they are (that differs by format)."""
    return [(c["column"], c["text"]) for c in item.get("source_cells", [])]


def by_title(plan: dict) -> dict[str, dict]:
    return {i["title"]: i for i in plan["items"]}


PLAN = [
    ("1", "一、", "context", "总体要求", [], [], None, []),
    ("2", "二、", "section", "重点任务", [], [], None, []),
    # Row 1: the same wording; the body's own lead agrees, the table adds the rest.
    ("2.1", "1.", "task", "实施基层科普阵地提升行动", ["科普部"], ["各乡镇科协"], "2025-10-31", [(6, 6, "个")]),
    # Row 2: other words, the same number.
    ("2.2", "2.", "task", "办好全国科普日县级主场活动", ["科普部"], ["县科技馆", "各乡镇科协"], "2025-09-30",
     [(20, None, "场")]),
    # Row 3: the body's title starts the row's task.
    ("2.3", "3.", "task", "深化县级学会改革", ["学会部"], ["办公室"], "2025-06-30", [(5, None, "家")]),
    # Row 4: 长期坚持 runs to the end of the plan's year.
    ("2.4", "4.", "task", "开展科技志愿服务", ["组织人事部"], ["各学会"], "2025-12-31", [(200, 200, "名")]),
    ("3", "三、", "safeguard", "保障措施", [], [], "2025-12-31", []),
    ("3.1", "1.", "safeguard", "加强组织领导", [], [], "2025-12-31", []),
    # Rows 5 and 6 detail no body task: items of their own, under the table's caption and their category.
    ("4", "", "section", "重点工作任务分工表", [], [], None, []),
    ("4.1", "", "section", "人才服务", [], [], None, []),
    ("4.1.1", "5.", "task", "举荐优秀科技工作者参评省级奖项", ["组织人事部"], ["各学会"], "2025-11-30", []),
    ("4.1.2", "6.", "task", "建设院士专家工作站", ["组织人事部", "学会部"], ["县工信局"], "2025-12-31", [(2, 2, "家")]),
]


@pytest.mark.parametrize("name", ["plan.docx", "plan.pdf", "plan.txt"])
def test_a_plan_with_its_task_table_attached_gives_the_tables_units_deadlines_and_targets(files, name):
    plan = parse_file(str(files[name]))
    assert plan["title"] == "某县科协2025年重点工作任务"
    assert outline(plan) == PLAN
    assert plan["tables"] == [{"caption": "重点工作任务分工表", "format": name.rsplit(".", 1)[1].replace("txt", "text"),
                               "where": {"plan.pdf": "第2页 表1"}.get(name, "表1"), "rows": 6, "linked": 4}]


def test_the_same_table_gives_the_same_items_in_every_format(files):
    plans = {name: parse_file(str(path)) for name, path in files.items()}
    reference = plans["plan.docx"]
    for name in ("plan.pdf", "plan.txt"):
        assert outline(plans[name]) == outline(reference), name
        assert [cells(i) for i in plans[name]["items"]] == [cells(i) for i in reference["items"]], name
    alone = plans["table.xlsx"]
    assert alone["title"] == "某县科协2025年重点工作任务分工表"
    assert [(i["key"], i["kind"], i["title"]) for i in alone["items"][:3]] == [
        ("1", "section", "某县科协2025年重点工作任务分工表"), ("1.1", "section", "科普服务"),
        ("1.1.1", "task", "实施基层科普阵地提升行动")]
    for name in ("table.docx", "table.pdf", "table.txt"):
        assert outline(plans[name]) == outline(alone), name
        assert [cells(i) for i in plans[name]["items"]] == [cells(i) for i in alone["items"]], name


def test_each_item_from_a_row_names_its_cells_and_where_they_are(files):
    item = by_title(parse_file(str(files["plan.docx"])))["办好全国科普日县级主场活动"]
    assert cells(item) == [
        ("序号", "2"), ("项目类别", "科普服务"), ("重点任务", "组织科普日系列活动，推动优质科普资源下沉到村（社区）"),
        ("责任领导", "王志远"), ("牵头单位(部门)", "科普部"), ("配合单位", "县科技馆、各乡镇科协"),
        ("工作目标", "举办科普活动20场以上"), ("完成时限", "9月完成")]
    where = {c["column"]: c["where"] for c in item["source_cells"]}
    # 项目类别 and 牵头单位 are merged down from row 1 (the table's 2nd row): the text is there.
    assert where == {"序号": "表1 第3行", "项目类别": "表1 第2行", "重点任务": "表1 第3行", "责任领导": "表1 第3行",
                     "牵头单位(部门)": "表1 第2行", "配合单位": "表1 第3行", "工作目标": "表1 第3行", "完成时限": "表1 第3行"}
    sheet = by_title(parse_file(str(files["table.xlsx"])))["建设院士专家工作站"]
    assert [c["where"] for c in sheet["source_cells"]] == [f"分工表!{col}8" for col in "ABCDEFGH"][:1] + \
        ["分工表!B6"] + [f"分工表!{col}8" for col in "CDEFGH"]
    pdf = by_title(parse_file(str(files["plan.pdf"])))
    assert {c["where"] for c in pdf["开展科技志愿服务"]["source_cells"]} == {"第3页 表1 第3行"}


def test_a_pdf_table_continues_over_pages_with_or_without_its_header_and_a_cut_row_is_one_row(files):
    text, tables = read_document(str(files["plan.pdf"]))
    assert len(tables) == 1 and tables[0].where == "第2页 表1"
    task = [row[2].text for row in tables[0].rows]
    assert task.count("重点任务") == 1  # the header repeated on page 3 is not a row
    assert build.ROWS[2][2] in task  # row 3, cut by the page break, joined again
    assert [row[0].text for row in tables[0].rows] == ["序号", "1", "2", "3", "4", "5", "6"]
    _, alone = read_document(str(files["table.pdf"]))
    assert len(alone) == 1 and [row[0].text for row in alone[0].rows] == ["序号", "1", "2", "3", "4", "5", "6"]
    assert alone[0].rows[4][0].where.startswith("第2页")  # row 4 opens page 2, with no header there


def test_merged_cells_carry_their_value_down_and_across(files):
    for name in ("plan.docx", "table.xlsx", "plan.pdf"):
        _, tables = read_document(str(files[name]))
        rows = [[c.text.replace("\n", "") for c in row] for row in tables[-1].rows]
        start = next(i for i, row in enumerate(rows) if row[0] == "序号")
        data = rows[start + 1:]
        assert [row[1] for row in data] == ["科普服务", "科普服务", "学会建设", "人才服务", "人才服务", "人才服务"], name
        assert data[1][4] == "科普部", name  # 牵头单位 merged down from row 1
        assert data[4][4] == data[4][5] == "组织人事部牵头，各学会配合", name  # merged across


def test_a_responsible_leader_is_a_person_never_a_unit(files):
    for name in ("plan.docx", "table.xlsx", "plan.pdf", "plan.txt"):
        units = {u for i in parse_file(str(files[name]))["items"] for u in i["lead_units"] + i["co_units"]}
        assert not units & {"王志远", "李清", "张敏"}, name


def test_rows_from_the_table_point_at_their_lines_in_the_text(files):
    for name in ("plan.docx", "plan.txt", "table.xlsx", "plan.pdf"):
        text, tables = read_document(str(files[name]))
        items = by_title(parse_text(text, tables=tables))
        start, end = items["建设院士专家工作站"]["span"]
        row = text[start:end]
        assert row.startswith("6") and "建设院士专家工作站" in row and "县工信局" in row, name
        # One line a row where cells are tab-separated; one line a cell where the text is flattened.
        assert row.count("\n") == (7 if name == "plan.txt" else 0), name
        if name.startswith("plan"):
            start, end = items["开展科技志愿服务"]["span"]  # a body item keeps its span in the body
            assert text[start:end].startswith("4.开展科技志愿服务"), name


def test_header_cells_are_recognised_with_spaces_breaks_and_full_width_brackets():
    header = ["序 号", "项目类别", "重点\n任务", "牵头科室（单位）", "协办单位", "时间节点", "责任领导"]
    assert task_columns(header) == {"num": 0, "category": 1, "task": 2, "lead": 3, "co": 4, "due": 5, "leader": 6}
    assert task_columns(["序号", "项目名称", "责任单位", "完成时间"]) == {"num": 0, "task": 1, "lead": 2, "due": 3}
    # Beside a 牵头 column, 责任单位 shares the work.
    assert task_columns(["序号", "工作任务", "牵头部门", "责任单位"]) == {"num": 0, "task": 1, "lead": 2, "co": 3}
    assert task_columns(["序号", "任务内容", "目标和进度计划", "参与单位"])["target"] == 2
    assert task_columns(["一、加强组织领导，各部门要高度重视", "牵头单位"]) is None  # a sentence is no header
    assert task_columns(["序号", "姓名", "单位"]) is None  # a table, but not of tasks


@pytest.mark.parametrize("cell, year, period_end, due", [
    ("12月完成", 2025, "2025-12-31", "2025-12-31"),
    ("5月底前", 2025, "2025-12-31", "2025-05-31"),
    ("2025年6月", 2024, None, "2025-06-30"),
    ("2026年6月15日前", 2026, None, "2026-06-15"),
    ("三季度", 2025, None, "2025-09-30"),
    ("2024年6月—12月", 2024, None, "2024-12-31"),
    ("长期坚持", 2023, "2025-12-31", "2025-12-31"),  # a 十四五 plan: its period's end
    ("持续推进", 2023, None, "2023-12-31"),
    ("十二月", 2025, None, "2025-12-31"),
    ("2025-06-30", None, None, "2025-06-30"),  # a date cell of a workbook
    ("", 2025, None, None),
])
def test_a_deadline_cell_is_read_as_a_date(cell, year, period_end, due):
    assert due_of(cell, plan_year=year, period_end=period_end) == due


FLAT = """某市科协2026年重点任务分工

序号
重点任务
牵头单位
配合单位
完成时限
1
举办科技工作者日系列活动
组织人事部
各学会
5月底前
2
建设科普示范社区10个
科普部

2026年10月
3
编制学会发展报告
学会部
调研宣传部、办公室
12月完成
"""


def test_a_table_flattened_one_cell_per_line_is_found_and_its_lines_taken_from_the_body():
    lines = FLAT.split("\n")
    before = list(lines)
    body, tables = split_text_tables(lines)
    assert lines == before  # no side effect on the caller's lines
    assert len(body) == len(lines) and [len(b) for b in body] == [len(line) for line in lines]
    assert "\n".join(body).strip() == "某市科协2026年重点任务分工"
    assert [[c.text for c in row] for row in tables[0].rows] == [
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "举办科技工作者日系列活动", "组织人事部", "各学会", "5月底前"],
        ["2", "建设科普示范社区10个", "科普部", "", "2026年10月"],
        ["3", "编制学会发展报告", "学会部", "调研宣传部、办公室", "12月完成"]]
    plan = parse_text(FLAT)
    assert outline(plan) == [
        ("1", "", "section", "某市科协2026年重点任务分工", [], [], None, []),
        ("1.1", "1.", "task", "举办科技工作者日系列活动", ["组织人事部"], ["各学会"], "2026-05-31", []),
        ("1.2", "2.", "task", "建设科普示范社区10个", ["科普部"], [], "2026-10-31", [(10, 10, "个")]),
        ("1.3", "3.", "task", "编制学会发展报告", ["学会部"], ["调研宣传部", "办公室"], "2026-12-31", [])]


def test_a_workbook_date_cell_and_a_hidden_sheet(tmp_path):
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["某市科协2026年科普工作任务清单"])
    sheet.append(["序号", "工作任务", "牵头单位", "完成时间"])
    sheet.append([1, "举办全国科普日主场活动", "科普部", dt.datetime(2026, 9, 20)])
    sheet.append([2.0, "开展科普讲解大赛", "科技馆", "10月底前"])
    hidden = workbook.create_sheet("草稿")
    hidden.append(["序号", "工作任务", "牵头单位"])
    hidden.append([1, "不应读取的任务", "办公室"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "清单.xlsx"
    workbook.save(path)
    plan = parse_file(str(path))
    assert [(i["title"], i["marker"], i["due"]) for i in plan["items"]] == [
        ("某市科协2026年科普工作任务清单", "", None), ("举办全国科普日主场活动", "1.", "2026-09-20"),
        ("开展科普讲解大赛", "2.", "2026-10-31")]
    assert plan["items"][1]["source_cells"][-1] == {"column": "完成时间", "text": "2026-09-20", "where": "Sheet!D3"}


@pytest.mark.parametrize("name, content, code, words", [
    ("清单.xlsx", b"PK\x03\x04 not really a workbook", "bad_xlsx", "Excel"),
    ("清单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old_office", ".xlsx"),
    ("方案.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old_office", ".docx"),
])
def test_a_bad_workbook_or_an_old_office_file_is_refused_in_both_languages(tmp_path, name, content, code, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocParseError) as info:
        parse_file(str(path))
    assert info.value.code == code and words in info.value.zh + info.value.en
    assert info.value.zh and info.value.en and info.value.zh != info.value.en


def test_an_html_table_with_an_empty_cell_keeps_its_columns(tmp_path):
    path = tmp_path / "分工.html"
    path.write_text("<html><body><p>重点任务分工表</p><table>"
                    "<tr><th>序号</th><th>重点任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>"
                    "<tr><td>1</td><td>举办科普讲解大赛</td><td>科普部</td><td></td><td>2026年6月底前</td></tr>"
                    "<tr><td>2</td><td>开展学会评估</td><td>学会部</td><td>办公室</td><td>2026年10月</td></tr>"
                    "</table></body></html>", encoding="utf-8")
    rows = [(i["title"], i["lead_units"], i["co_units"], i["due"]) for i in parse_file(str(path))["items"][1:]]
    assert rows == [("举办科普讲解大赛", ["科普部"], [], "2026-06-30"), ("开展学会评估", ["学会部"], ["办公室"], "2026-10-31")]


def test_a_two_row_header_with_a_group_cell_over_lead_and_co_columns(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "责任单位", None, "完成时限"])
    sheet.append([None, None, "牵头单位", "配合单位", None])
    sheet.append([1, "推进企业科协组织建设", "组织人事部", "各县区科协", "2026年11月"])
    for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):
        sheet.merge_cells(cells)
    path = tmp_path / "双行表头.xlsx"
    workbook.save(path)
    item = parse_file(str(path))["items"][-1]
    assert (item["title"], item["lead_units"], item["co_units"], item["due"]) == (
        "推进企业科协组织建设", ["组织人事部"], ["各县区科协"], "2026-11-30")
    assert [c["column"] for c in item["source_cells"]] == ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]


def test_a_table_flattened_one_cell_per_line_with_the_number_second_and_a_schedule_column():
    """项目类别 / 序号 / 项目名称 / 目标和进度计划, each cell on its own line: the number is not the
    first cell, and one column holds both the target and the month it is due."""
    from kexie.docparse import parse_text

    rows = [("科普阵地", "1", "建设乡镇科普e站", "新建科普e站8个，12月完成"),
            ("科普阵地", "2", "改造村级科普活动室", "改造活动室15个，5月底前完成"),
            ("学会建设", "3", "指导县级学会换届", "完成换届学会3家，9月完成")]
    text = "\n".join(["某县科协2025年重点工作计划", "一、重点任务", "（一）加强学会治理。", "附件",
                      "2025年重点工作任务表", "项目类别", "序号", "项目名称", "目标和进度计划"]
                     + [cell for row in rows for cell in row]) + "\n"
    plan = parse_text(text)
    items = {i["title"]: i for i in plan["items"]}
    assert items["改造村级科普活动室"]["due"] == "2025-05-31"
    assert [(t["min"], t["unit"]) for t in items["改造村级科普活动室"]["targets"]] == [(15, "个")]
    assert items["指导县级学会换届"]["due"] == "2025-09-30"
    assert items["建设乡镇科普e站"]["due"] == "2025-12-31"
    groups = [i["title"] for i in plan["items"] if i["kind"] == "section"]
    assert "科普阵地" in groups and "学会建设" in groups
    cells = {c["column"]: c["text"] for c in items["改造村级科普活动室"]["source_cells"]}
    assert cells["目标和进度计划"] == "改造活动室15个，5月底前完成"
