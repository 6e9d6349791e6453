"""The ledger sheet written row by row into the XML is, cell for cell, the sheet openpyxl wrote.

The reference below is the writer the export used before (every cell an openpyxl cell, items
as model instances with their prefetched units and targets); the sheet offices get must read
the same: values, styles, merged ranges, widths, frozen panes, print titles.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from kexie.core import xlsx_stream
from kexie.plans import ledger_excel as L
from kexie.plans.models import AssignmentRole, PlanItem, Target
from kexie.plans.selectors import ledger_items, target_value
from kexie.tracking.models import TaskSnapshot
from kexie.tracking.services import snapshots_refresh
from tests.plans.ledger_world import add_departments, confirmed_plan


def _reference_row(sheet, item) -> list:
    targets = list(item.targets.all())

    def units(role):
        return "、".join(L.unit_label(a) for a in item.assignments.all() if a.role == role)

    snapshot = TaskSnapshot.objects.filter(item=item).first()
    values = {
        "key": item.key, "title": item.title, "lead": units(AssignmentRole.LEAD), "co": units(AssignmentRole.CO),
        "due": item.due, "metric": "\n".join(t.metric for t in targets),
        "value": "\n".join(target_value(t) for t in targets), "unit": "\n".join(t.unit for t in targets),
        "status": item.get_status_display(), "light": snapshot.get_colour_display() if snapshot else None,
        "percent": snapshot.percent / 100 if snapshot else None, "id": item.pk,
    }
    row = []
    for key in L.KEYS:
        if key == "due":
            row.append(L._cell(sheet, values[key], number_format="yyyy-mm-dd"))
        elif key == "light":
            row.append(L._cell(sheet, values[key], alignment=L._CENTER,
                               fill=L.LIGHT_FILLS[snapshot.colour] if snapshot else None))
        elif key == "percent":
            row.append(L._cell(sheet, values[key], alignment=L._CENTER, number_format=L.PERCENT_FORMAT))
        elif key in ("key", "status", "id", "value", "unit"):
            row.append(L._cell(sheet, values[key], alignment=L._CENTER))
        else:
            row.append(L._cell(sheet, values[key]))
    return row


def _reference_group(sheet, key, title, pk=None) -> list:
    return [L._cell(sheet, key, font=L._BOLD, fill=L._GROUP_FILL), L._cell(sheet, title, font=L._BOLD,
                                                                             fill=L._GROUP_FILL)] + [
        L._cell(sheet, pk if column == "id" else None, fill=L._GROUP_FILL) for column in L.KEYS[2:]]


def reference_ledger(items, *, title, several_plans=False) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=L._sheet_name(title))
    for index, (_key, _label, _sub, width) in enumerate(L.COLUMNS, start=1):
        sheet.column_dimensions[L.get_column_letter(index)].width = width
    sheet.column_dimensions["J"].hidden = True
    sheet.freeze_panes = "C4"
    sheet.print_title_rows = "2:3"
    L._header(sheet, title)
    plan_id, done = None, set()
    for item in items:
        sections = {s.pk: s for s in PlanItem.objects.filter(plan_id=item.plan_id).exclude(kind__in=L.TRACKED_KINDS)}
        if item.plan_id != plan_id:
            plan_id, done = item.plan_id, set()
            if several_plans:
                sheet.append(_reference_group(sheet, "", item.plan.title))
        chain, parent_id = [], item.parent_id
        while parent_id in sections:
            chain.append(sections[parent_id])
            parent_id = sections[parent_id].parent_id
        for section in reversed(chain):
            if section.pk not in done:
                done.add(section.pk)
                sheet.append(_reference_group(sheet, section.key, section.title, section.pk))
        sheet.append(_reference_row(sheet, item))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _read(data):
    sheet = load_workbook(io.BytesIO(data)).active
    cells = {}
    for row in sheet.iter_rows():
        for c in row:
            cells[c.coordinate] = (
                c.value, c.font.b, c.font.sz, c.fill.fill_type, c.fill.fgColor.rgb, c.alignment.horizontal,
                c.alignment.vertical, c.alignment.wrap_text, c.border.left.style, c.border.bottom.style,
                c.border.left.color.rgb if c.border.left.color else None, c.number_format, type(c.value).__name__)
    layout = {
        "title": sheet.title, "size": (sheet.max_row, sheet.max_column), "freeze": sheet.freeze_panes,
        "print_titles": sheet.print_title_rows, "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
        "columns": {k: (d.width, d.hidden) for k, d in sorted(sheet.column_dimensions.items())},
    }
    return cells, layout


@pytest.fixture
def ledger(world):
    world.departments = add_departments(world)
    world.plan = confirmed_plan(world)
    world.second = confirmed_plan(world, title="甲省科协2026年重点任务（续）")
    items = {item.key: item for item in world.plan.items.all()}
    PlanItem.objects.filter(pk=items["1.1"].pk).update(title='=HYPERLINK("http://x","y")', status="in_progress")
    PlanItem.objects.filter(pk=items["1.2"].pk).update(title="  前后有空格 & <标记> \r\n第二行 ", due=None)
    task = items["2.1"]
    Target.objects.create(item=task, position=7, metric="示范学会", min_value=Decimal("3.5"),
                          max_value=Decimal("5"), unit="个")
    Target.objects.create(item=task, position=8, metric="-负面清单", max_value=Decimal("2"), unit="项")
    Target.objects.create(item=task, position=9, metric="", min_value=Decimal("7"), max_value=Decimal("7"), unit="")
    # Every light, and a task not tracked yet.
    snapshots_refresh()
    TaskSnapshot.objects.filter(item=items["1.1"]).update(colour="amber", percent=35)
    TaskSnapshot.objects.filter(item=items["1.2"]).update(colour="red", percent=100)
    TaskSnapshot.objects.filter(item=items["2.1"]).update(colour="green", percent=0)
    TaskSnapshot.objects.filter(item=items["2.2"]).delete()
    return world


@pytest.mark.parametrize(("several_plans", "sort"), [(False, None), (True, None), (True, "-due"), (True, "lead")])
def test_the_sheet_reads_cell_for_cell_as_the_one_openpyxl_wrote(ledger, several_plans, sort):
    def items():
        if several_plans:
            return ledger_items(ledger.provincial_clerk, code="plan.export", sort=sort)
        return ledger_items(ledger.provincial_clerk, code="plan.export", plan=ledger.plan, sort=sort)

    output, count = L.write_ledger(items(), title="重点任务台账", several_plans=several_plans)
    written = output.read()
    expected = reference_ledger(items(), title="重点任务台账", several_plans=several_plans)
    cells, layout = _read(written)
    expected_cells, expected_layout = _read(expected)
    assert layout == expected_layout
    assert cells == expected_cells
    assert count == items().count() >= 5
    # The sample has what could go wrong: formulas made inert, spaces, escapes, several targets.
    values = {v[0] for v in cells.values()}
    assert "'=HYPERLINK(\"http://x\",\"y\")" in values and "  前后有空格 & <标记> \r\n第二行 " in values
    assert any(isinstance(v, str) and v.endswith("\n3.5–5\n≤2\n7") for v in values)


def test_the_archive_holds_the_parts_openpyxl_writes(ledger):
    output, _count = L.write_ledger(ledger_items(ledger.provincial_clerk, plan=ledger.plan), title="台账")
    expected = reference_ledger(ledger_items(ledger.provincial_clerk, plan=ledger.plan), title="台账")
    with zipfile.ZipFile(output) as written, zipfile.ZipFile(io.BytesIO(expected)) as reference:
        assert written.testzip() is None
        assert written.namelist() == reference.namelist()
        # Not compared byte for byte: the sheet (its rows), the styles (the same styles, listed in
        # another order; the cells' resolved styles are compared above) and the creation time.
        for name in set(reference.namelist()) - {"xl/worksheets/sheet1.xml", "xl/styles.xml", "docProps/core.xml"}:
            assert written.read(name) == reference.read(name), name
        sheet, expected_sheet = written.read("xl/worksheets/sheet1.xml"), reference.read("xl/worksheets/sheet1.xml")
        assert sheet.split(b"<sheetData>")[0] == expected_sheet.split(b"<sheetData>")[0]  # widths, frozen panes
        assert sheet.split(b"</sheetData>")[1] == expected_sheet.split(b"</sheetData>")[1]  # merged cells


def test_a_row_keeps_its_text_as_written_and_drops_what_xml_cannot_hold():
    xml = xlsx_stream.row_xml(7, [" a&b<c>\r\n", "x\x07y", None, "", 12, 2.5], [1, 2, 3, 4, 5, 6],
                              ["A", "B", "C", "D", "E", "F"])
    assert xml == ('<row r="7"><c r="A7" s="1" t="inlineStr"><is><t xml:space="preserve"> a&amp;b&lt;c&gt;&#13;\n'
                   '</t></is></c><c r="B7" s="2" t="inlineStr"><is><t>xy</t></is></c><c r="C7" s="3"/>'
                   '<c r="D7" s="4"/><c r="E7" s="5" t="n"><v>12</v></c><c r="F7" s="6" t="n"><v>2.5</v></c></row>')


def test_a_value_of_another_type_or_a_row_of_another_width_is_refused():
    with pytest.raises(TypeError):
        xlsx_stream.row_xml(1, [True], [1], ["A"])
    with pytest.raises(ValueError, match="2 values but 1 styles"):
        xlsx_stream.row_xml(1, ["a", "b"], [1], ["A", "B"])
