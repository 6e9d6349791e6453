"""A provincial clerk uploads a plan document as a Word file, reviews it, maps its lead units
(one chosen from the list, one left unassigned, the rest from the suggestions), confirms, finds
the tasks in the ledger and downloads the ledger as Excel, which opens with openpyxl."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kexie.core.demo.plans import docx_bytes
from kexie.organizations.services import organization_create
from kexie.plans.models import Assignment, Plan, PlanImport
from tests.browser.test_provincial_clerk_browses_the_tree import sign_in
from tests.plans.sample import KEY_TASKS_2026

pytestmark = pytest.mark.browser

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def province(browser_world):
    """甲省科协 with the departments the sample document names by their short forms."""
    world = browser_world
    world.departments = {
        short: organization_create(by=None, parent=world.prov_a, name=f"甲省科协{name}", kind="department",
                                   short_name=name, aliases=[short])
        for short, name in [("学会部", "学会学术部"), ("组人部", "组织人事部"), ("科普部", "科学技术普及部")]
    }
    return world


def unit_row(page, unit: str):
    return page.locator(f"#review-units tr[data-unit='{unit}']")


def map_with(page, unit: str, action):
    """Run ``action`` on the unit's row and wait for the htmx answer to replace the unit table.
    The previous swap must have settled first: a button htmx has not yet taken over would submit
    the form as a plain page request."""
    page.wait_for_function("() => window.htmx && !document.querySelector("
                           "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")
    with page.expect_response(lambda r: "/units/" in r.url and r.request.method == "POST") as answer:
        action(unit_row(page, unit))
    assert answer.value.status == 200


def test_a_provincial_clerk_imports_a_word_document_and_exports_its_ledger(page, live_server, province):
    world, base_url = province, live_server.url
    sign_in(page, base_url, world.provincial_clerk.username)

    # Upload.
    page.goto(base_url + reverse("plans:import"))
    page.locator("input[name=file]").set_input_files(
        {"name": "2026年深化改革重点任务.docx", "mimeType": DOCX, "buffer": docx_bytes(KEY_TASKS_2026)})
    page.locator("#plan-import-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/plans/import/" in url and url.rstrip("/").split("/")[-1].isdigit())
    plan_import = PlanImport.objects.get()
    assert plan_import.organization == world.prov_a and plan_import.source_name.endswith(".docx")
    assert not Plan.objects.exists()

    # The review shows the parsed tree and the units still to map.
    expect(page.get_by_text("开展学会评估").first).to_be_visible()
    for unit in ["办公室", "学会部", "组人部", "科普部", "各市科协"]:
        expect(unit_row(page, unit)).to_have_count(1)
    expect(page.locator("#review-unmapped")).to_contain_text("各市科协")

    # 学会部 chosen from the list, 各市科协 explicitly unassigned, the others from the suggestions.
    society_dept = world.departments["学会部"]
    map_with(page, "学会部", lambda row: (
        row.locator("select[name=organization]").select_option(value=str(society_dept.pk)),
        row.locator("form.unit-chooser button:not([name])").click()))
    expect(unit_row(page, "学会部")).to_contain_text(society_dept.name)
    map_with(page, "各市科协", lambda row: row.locator("button[name=unassigned]").click())
    expect(unit_row(page, "各市科协").locator(".tag-unassigned")).to_have_count(1)
    for unit, org in [("办公室", world.prov_a_office), ("组人部", world.departments["组人部"]),
                      ("科普部", world.departments["科普部"])]:
        map_with(page, unit, lambda row, org=org: row.get_by_role("button", name=org.name).click())
        expect(unit_row(page, unit)).to_contain_text(org.name)
    expect(page.locator("#review-unmapped")).to_have_count(0)

    # Confirm: the plan exists, with the mappings chosen in the browser.
    page.locator("#review-confirm button[type=submit]").click()
    page.wait_for_url(lambda url: "/plans/import/" not in url)
    plan = Plan.objects.get()
    assert page.url.rstrip("/").endswith(reverse("plans:detail", args=[plan.pk]).rstrip("/"))
    assert plan.source_name == "2026年深化改革重点任务.docx" and plan.organization == world.prov_a
    assert {(a.unit_name, a.organization_id) for a in Assignment.objects.filter(
        item__plan=plan, unit_name__in=["学会部", "各市科协"])} == {("学会部", society_dept.pk), ("各市科协", None)}

    # The ledger of the plan lists the tasks with their lead units.
    page.goto(base_url + reverse("ledger:plan", args=[plan.pk]))
    ledger = page.locator("#ledger")
    for task in ["深化理论学习", "推进学会党建", "开展学会评估", "整治休眠学会", "建设科普基地"]:
        expect(ledger.locator(".ledger-task", has_text=task)).to_have_count(1)
    expect(ledger.locator("tr", has_text="开展学会评估")).to_contain_text("学会学术部")
    expect(ledger.locator("tr", has_text="建设科普基地").locator(".ledger-unit.unassigned")).to_contain_text("各市科协")

    # Export to Excel and read the download back.
    with page.expect_download() as download_info:
        page.locator("#ledger-export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    # Playwright keeps the download under a name without extension: read it as bytes.
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet = workbook.active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert plan.title in str(rows[0][0])
    header = [str(c or "") for c in rows[1]]
    assert header[:5] == ["序号", "任务", "牵头单位", "配合单位", "完成时限"]
    by_task = {row[1]: row for row in rows[3:] if row[1]}
    assert set(by_task) >= {"深化理论学习", "推进学会党建", "开展学会评估", "整治休眠学会", "建设科普基地"}
    assert by_task["开展学会评估"][0] == "2.1" and "学会学术部" in by_task["开展学会评估"][2]
    assert "组织人事部" in by_task["推进学会党建"][3]
    assert "各市科协" in by_task["建设科普基地"][3]  # left unassigned: shown as written
    assert "10" in str(by_task["建设科普基地"][6]) and by_task["建设科普基地"][7] == "个"
