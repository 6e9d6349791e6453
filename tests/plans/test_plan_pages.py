"""The plan list and detail pages, the JSON export and the original document, within the user's scope."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.docparse import parse_text
from kexie.organizations.models import Organization
from kexie.organizations.services import organization_create
from kexie.plans.models import PlanStatus
from kexie.plans.services import (
    plan_import_confirm,
    plan_import_map_unit,
    plan_import_start,
    unmapped_units,
    validate_plan_json,
)
from tests.plans.sample import KEY_TASKS_2026


def _confirmed_plan(world, owner, by, *, departments=None, text=KEY_TASKS_2026, name="要点.txt"):
    departments = departments or {}
    plan_import = plan_import_start(by=by, organization=owner, source_text=text, parsed=parse_text(text),
                                    source_name=name, uploaded_file=SimpleUploadedFile(name, text.encode()))
    for unit in unmapped_units(plan_import):
        plan_import = plan_import_map_unit(by=by, plan_import=plan_import, unit=unit,
                                           organization=departments.get(unit))
    return plan_import_confirm(by=by, plan_import=plan_import, allowed_organizations=Organization.objects.all())


@pytest.fixture
def plans(world):
    society_dept = organization_create(by=None, parent=world.prov_a, name="甲省科协学会学术部", kind="department",
                                       short_name="学会学术部", aliases=["学会部"])
    mine = _confirmed_plan(world, world.prov_a, world.provincial_clerk,
                           departments={"学会部": society_dept, "办公室": world.prov_a_office})
    other = _confirmed_plan(world, world.prov_b, world.other_provincial_clerk,
                            text=KEY_TASKS_2026.replace("甲省", "乙省"), name="乙省要点.txt")
    return mine, other, society_dept


def test_the_list_shows_the_plans_in_scope_with_item_and_task_counts(plans, world, signed_in):
    mine, other, _dept = plans
    page = signed_in(world.provincial_clerk).get(reverse("plans:list")).content.decode()
    assert mine.title in page and other.title not in page
    row = page.split(mine.title)[1].split("</tr>")[0]
    assert "<td>8</td>" in row and "<td>5</td>" in row  # 8 items, of which 5 tasks
    assert "现行" in row and "v1" in row and "甲省科协" in row
    assert "导入文件" in page and "粘贴文本" in page


def test_the_list_is_searched_by_title_and_status(plans, world, signed_in):
    mine, _other, _dept = plans
    client = signed_in(world.national_clerk)
    assert "乙省科协2026年" in client.get(reverse("plans:list")).content.decode()
    found = client.get(reverse("plans:list"), {"q": "乙省"}).content.decode()
    assert "乙省科协2026年" in found and mine.title not in found
    none = client.get(reverse("plans:list"), {"status": PlanStatus.SUPERSEDED}).content.decode()
    assert mine.title not in none and "没有符合条件的规划" in none


def test_the_detail_shows_the_item_tree_units_deadlines_and_targets(plans, world, signed_in):
    mine, _other, society_dept = plans
    page = signed_in(world.provincial_clerk).get(reverse("plans:detail", args=[mine.pk])).content.decode()
    assert mine.title in page and "2026-01-01" in page and "要点.txt" in page
    row = page.split("推进学会党建")[1].split("</tr>")[0]
    assert society_dept.name in row and "2026-06-30" in row and "任务" in row
    assert "（学会部）" in row  # the unit as written beside the organisation it was mapped to
    unassigned = page.split("建设科普基地")[1].split("</tr>")[0]
    assert "各市科协" in unassigned and "未指定" in unassigned and "科普部" in unassigned
    assert "10" in unassigned  # the target
    for url in (reverse("ledger:plan", args=[mine.pk]), reverse("plans:export_json", args=[mine.pk]),
                reverse("plans:revise", args=[mine.pk]), reverse("plans:source_file", args=[mine.pk])):
        assert f'href="{url}"' in page
    assert "本规划台账" in page and "导出JSON" in page and "修订" in page


def test_a_viewer_sees_the_plan_without_the_import_and_export_actions(plans, world, signed_in):
    from tests.personas import make_user

    mine, _other, _dept = plans
    viewer = make_user("plan_viewer", world.prov_a, ["viewer"])
    client = signed_in(viewer)
    page = client.get(reverse("plans:detail", args=[mine.pk])).content.decode()
    assert mine.title in page and reverse("plans:revise", args=[mine.pk]) not in page
    assert reverse("plans:export_json", args=[mine.pk]) not in page
    assert "导入文件" not in client.get(reverse("plans:list")).content.decode()
    assert client.get(reverse("plans:import")).status_code == 403


def test_the_json_export_is_a_kexie_plan_file_that_validates_and_is_audited(plans, world, signed_in):
    mine, _other, society_dept = plans
    response = signed_in(world.provincial_clerk).get(reverse("plans:export_json", args=[mine.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"] and ".json" in response["Content-Disposition"]
    data = json.loads(response.content.decode("utf-8"))
    assert data["format"] == "kexie.plan/1" and data["title"] == mine.title
    assert data["unit_mapping"]["学会部"] == {"organization": society_dept.pk}
    assert len(validate_plan_json(data)["items"]) == 8
    assert AuditLog.objects.filter(action="export", object_type="plans.plan", object_id=str(mine.pk)).exists()


def test_the_uploaded_document_is_downloaded_as_it_was_uploaded(plans, world, signed_in):
    mine, _other, _dept = plans
    response = signed_in(world.provincial_clerk).get(reverse("plans:source_file", args=[mine.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).decode() == KEY_TASKS_2026


def test_another_provinces_plan_and_import_are_not_found(plans, world, signed_in):
    _mine, other, _dept = plans
    client = signed_in(world.provincial_clerk)
    for name in ("plans:detail", "plans:export_json", "plans:source_file", "plans:revise"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404, name
    draft = plan_import_start(by=world.other_provincial_clerk, organization=world.prov_b,
                              source_text=KEY_TASKS_2026, parsed=parse_text(KEY_TASKS_2026))
    assert client.get(reverse("plans:review", args=[draft.pk])).status_code == 404
    for name in ("plans:review_edit", "plans:review_map_unit", "plans:review_confirm", "plans:review_discard",
                 "plans:review_metadata"):
        assert client.post(reverse(name, args=[draft.pk]), {"uid": 1, "operation": "delete"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft" and len(draft.parsed["items"]) == 8


def test_a_plan_cannot_be_imported_for_an_organisation_outside_the_scope(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("plans:import"), {"organization": world.prov_b.pk, "text": KEY_TASKS_2026})
    assert response.status_code == 200
    page = response.content.decode()
    assert "error" in page.split('name="organization"')[1].split("</div>")[0]
    from kexie.plans.models import PlanImport

    assert not PlanImport.objects.exists()


def test_the_pages_are_in_chinese_with_the_plans_menu_entry(plans, world, signed_in):
    page = signed_in(world.provincial_clerk).get(reverse("plans:list")).content.decode()
    assert f'<a href="{reverse("plans:list")}" class="active"' in page and ">规划<" in page


def test_the_paste_button_opens_the_import_form_with_the_text_box_first(world, signed_in):
    client = signed_in(world.provincial_clerk)
    pasted = client.get(reverse("plans:import"), {"mode": "paste"}).content.decode()
    assert pasted.index('name="text"') < pasted.index('name="file"')
    uploaded = client.get(reverse("plans:import")).content.decode()
    assert uploaded.index('name="file"') < uploaded.index('name="text"')
