"""A plan document becomes a ledger only through a reviewed, confirmed import."""

import pytest
from django.core.exceptions import ValidationError

from kexie.audit.models import AuditLog
from kexie.docparse import parse_text
from kexie.organizations.models import Organization
from kexie.plans import tree
from kexie.plans.matching import suggest_organizations
from kexie.plans.models import Assignment, ImportStatus, Plan, PlanItem, PlanStatus, Target
from kexie.plans.selectors import plan_diff, plan_to_json
from kexie.plans.services import (
    assignable_organizations,
    plan_import_confirm,
    plan_import_edit,
    plan_import_map_unit,
    plan_import_start,
    unmapped_units,
    validate_plan_json,
)
from kexie.organizations.services import organization_create
from tests.plans.sample import KEY_TASKS_2026, KEY_TASKS_2026_REVISED


@pytest.fixture
def province(world):
    """甲省科协 with the departments its plans name."""
    for name, aliases in [("学会学术部", ["学会部"]), ("组织人事部", ["组人部"]), ("科学技术普及部", ["科普部"])]:
        organization_create(by=None, parent=world.prov_a, name=f"甲省科协{name}", kind="department",
                            short_name=name, aliases=aliases)
    return world


def _start(world, text=KEY_TASKS_2026, base_plan=None):
    return plan_import_start(by=world.provincial_clerk, organization=world.prov_a, source_text=text,
                             parsed=parse_text(text), source_name="要点.txt", base_plan=base_plan)


def _map_all(world, plan_import):
    candidates = assignable_organizations(user=world.provincial_clerk, owner=world.prov_a)
    for unit in unmapped_units(plan_import):
        found = suggest_organizations(unit, candidates, owner=world.prov_a)
        plan_import = plan_import_map_unit(by=world.provincial_clerk, plan_import=plan_import, unit=unit,
                                           organization=found[0].organization if found else None)
    return plan_import


def test_lead_unit_strings_are_suggested_from_names_and_aliases(province):
    candidates = assignable_organizations(user=province.provincial_clerk, owner=province.prov_a)
    assert suggest_organizations("学会部", candidates, owner=province.prov_a)[0].organization.name == "甲省科协学会学术部"
    assert suggest_organizations("省科协组人部", candidates, owner=province.prov_a)[0].organization.short_name == "组织人事部"
    assert suggest_organizations("办公室", candidates, owner=province.prov_a)[0].organization == province.prov_a_office
    assert suggest_organizations("省委宣传部", candidates, owner=province.prov_a) == []


def test_nothing_is_a_plan_until_confirmed_and_every_unit_must_be_mapped(province):
    plan_import = _start(province)
    assert not Plan.objects.exists()
    assert set(unmapped_units(plan_import)) == {"办公室", "学会部", "组人部", "科普部", "各市科协"}
    with pytest.raises(ValidationError) as error:
        plan_import_confirm(by=province.provincial_clerk, plan_import=plan_import,
                            allowed_organizations=Organization.objects.all())
    assert "各市科协" in str(error.value)
    assert not Plan.objects.exists() and not PlanItem.objects.exists()


def test_a_confirmed_import_creates_items_targets_and_assignments(province):
    plan_import = _map_all(province, _start(province))
    assert plan_import.unit_mapping["各市科协"] == {"unassigned": True}
    plan = plan_import_confirm(by=province.provincial_clerk, plan_import=plan_import,
                               allowed_organizations=Organization.objects.restrict(province.provincial_clerk, "org.view"))
    assert plan.title == "甲省科协2026年深化改革重点任务"
    assert str(plan.period_start) == "2026-01-01" and plan.organization == province.prov_a
    assert plan.items.count() == 8
    task = plan.items.get(key="1.2")
    assert task.parent.key == "1" and task.kind == "task" and str(task.due) == "2026-06-30"
    assert plan.source_text[task.span_start:task.span_end].startswith("2.推进学会党建")
    lead = Assignment.objects.get(item=task, role="lead")
    assert lead.unit_name == "学会部" and lead.organization.name == "甲省科协学会学术部"
    assert Assignment.objects.get(item__key="3.1", item__plan=plan, role="co").organization is None
    assert Target.objects.get(item__key="2.1", item__plan=plan).min_value == 20
    plan_import.refresh_from_db()
    assert plan_import.status == ImportStatus.CONFIRMED and plan_import.plan == plan
    assert AuditLog.objects.filter(action="import", object_type="plans.plan", object_id=str(plan.pk)).exists()


def test_a_mapping_outside_the_users_scope_is_refused_and_nothing_saved(province):
    plan_import = _map_all(province, _start(province))
    plan_import_map_unit(by=province.provincial_clerk, plan_import=plan_import, unit="办公室",
                         organization=province.prov_b)
    with pytest.raises(ValidationError):
        plan_import_confirm(by=province.provincial_clerk, plan_import=plan_import,
                            allowed_organizations=Organization.objects.restrict(province.provincial_clerk, "org.view"))
    assert not Plan.objects.exists()


def test_review_edits_rename_merge_split_move_and_change_targets(province):
    plan_import = _start(province)
    items = plan_import.parsed["items"]
    uid = {i["key"]: i["uid"] for i in items}
    edit = lambda op, key, **kw: plan_import_edit(by=province.provincial_clerk, plan_import=plan_import,  # noqa: E731
                                                  operation=op, uid=uid[key], **kw)
    plan_import = edit("edit", "1.1", title="深化理论学习（修订）", kind="goal")
    plan_import = edit("merge", "2.2")  # 整治休眠学会 folds into 开展学会评估
    keys = [(i["key"], i["title"]) for i in plan_import.parsed["items"]]
    assert ("2.1", "开展学会评估") in keys and all(t != "整治休眠学会" for _k, t in keys)
    plan_import = edit("indent", "3", levels=1)  # 提升科普能力 becomes 2.2 with its task at 2.2.1
    assert [i["key"] for i in plan_import.parsed["items"]][-2:] == ["2.2", "2.2.1"]
    plan_import = edit("add_target", "1.2", target={"metric": "党建联络员", "verb": "配备", "min": 30, "max": None,
                                                    "unit": "名"})
    plan_import = edit("remove_target", "1.1", index=0)
    by_uid = {i["uid"]: i for i in plan_import.parsed["items"]}
    assert by_uid[uid["1.1"]]["kind"] == "goal" and by_uid[uid["1.1"]]["targets"] == []
    assert by_uid[uid["1.2"]]["targets"][0]["min"] == 30
    with pytest.raises(ValidationError):
        edit("add_target", "1.2", target={"min": 5, "max": 3})
    text = by_uid[uid["2.1"]]["text"]
    plan_import = edit("split", "2.1", at=text.index("整治"))
    assert [i["title"] for i in plan_import.parsed["items"]].count("整治休眠学会") == 1


def test_tree_renumbering_keeps_children_under_parents():
    items = [{"key": k, "title": k} for k in ["1", "1.1", "1.2", "2", "2.1"]]
    parsed = tree.with_uids({"items": items})
    parsed = tree.move_item(parsed, parsed["items"][3]["uid"], direction=-1)
    assert [(i["key"], i["title"]) for i in parsed["items"]] == [
        ("1", "2"), ("1.1", "2.1"), ("2", "1"), ("2.1", "1.1"), ("2.2", "1.2")]
    with pytest.raises(tree.TreeEditError):
        tree.indent_item(parsed, parsed["items"][0]["uid"], levels=1)


def test_a_revised_document_shows_what_changed_and_supersedes_the_old_version(province):
    first = plan_import_confirm(by=province.provincial_clerk, plan_import=_map_all(province, _start(province)),
                                allowed_organizations=Organization.objects.all())
    revision = _start(province, KEY_TASKS_2026_REVISED, base_plan=first)
    diff = plan_diff(plan_to_json(first)["items"], revision.parsed["items"])
    assert [i["title"] for i in diff["added"]] == ["加强组织保障", "完善督查机制"]
    assert [i["title"] for i in diff["removed"]] == ["整治休眠学会"]
    assert {(c["old"]["title"], c["new"]["title"]) for c in diff["reworded"]} >= {("深化理论学习", "深化理论武装")}
    assert any(c["new"]["title"] == "建设科普基地" for c in diff["reworded"] + diff["moved"])
    second = plan_import_confirm(by=province.provincial_clerk, plan_import=_map_all(province, revision),
                                 allowed_organizations=Organization.objects.all())
    first.refresh_from_db()
    assert second.version == 2 and second.previous == first and first.status == PlanStatus.SUPERSEDED


def test_the_exported_json_round_trips_through_validation(province):
    plan = plan_import_confirm(by=province.provincial_clerk, plan_import=_map_all(province, _start(province)),
                               allowed_organizations=Organization.objects.all())
    exported = plan_to_json(plan)
    assert exported["format"] == "kexie.plan/1" and exported["unit_mapping"]["各市科协"] == {"unassigned": True}
    parsed = validate_plan_json(exported)
    assert [i["title"] for i in parsed["items"]] == [i.title for i in plan.items.order_by("position")]
    bad = dict(exported, items=[dict(exported["items"][0], kind="nonsense")])
    with pytest.raises(ValidationError):
        validate_plan_json(bad)
