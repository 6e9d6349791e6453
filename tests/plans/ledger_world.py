"""Plans built through the reviewed import, for the ledger and plans API tests."""

from kexie.docparse import parse_text
from kexie.organizations.models import Organization
from kexie.organizations.services import organization_create
from kexie.plans.matching import suggest_organizations
from kexie.plans.services import (
    assignable_organizations,
    plan_import_confirm,
    plan_import_map_unit,
    plan_import_start,
    unmapped_units,
)
from tests.plans.sample import KEY_TASKS_2026

DEPARTMENTS = [("学会学术部", ["学会部"]), ("组织人事部", ["组人部"]), ("科学技术普及部", ["科普部"])]


def add_departments(world, province_attr="prov_a", prefix="甲省科协"):
    """The departments a provincial plan names (学会部, 组人部, 科普部), under that province."""
    province = getattr(world, province_attr)
    return {name: organization_create(by=None, parent=province, name=f"{prefix}{name}", kind="department",
                                      short_name=name, aliases=aliases)
            for name, aliases in DEPARTMENTS}


def confirmed_plan(world, *, clerk=None, organization=None, text=KEY_TASKS_2026, title=None):
    """A plan confirmed through the import, each unit mapped to its best suggestion (or left
    unassigned when nothing matches)."""
    clerk = clerk or world.provincial_clerk
    organization = organization or world.prov_a
    parsed = parse_text(text)
    if title:
        parsed["title"] = title
    plan_import = plan_import_start(by=clerk, organization=organization, source_text=text, parsed=parsed,
                                    source_name="要点.txt")
    candidates = assignable_organizations(user=clerk, owner=organization)
    for unit in unmapped_units(plan_import):
        found = suggest_organizations(unit, candidates, owner=organization)
        plan_import = plan_import_map_unit(by=clerk, plan_import=plan_import, unit=unit,
                                           organization=found[0].organization if found else None)
    return plan_import_confirm(by=clerk, plan_import=plan_import,
                               allowed_organizations=Organization.objects.restrict(clerk, "org.view"))
