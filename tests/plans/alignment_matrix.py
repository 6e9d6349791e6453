"""Builders for the permission matrix entries of the alignment pages and API
(tests/test_permission_matrix.py): a plan of ``org_attr`` aligned to a plan of its parent, with
one item alignment suggested — bare rows, because the matrix checks access, not content."""

from tests.personas import World


def _alignment(world: World, org_attr: str):
    from kexie.plans.models import AlignmentSuggestion, ItemAlignment, Plan, PlanAlignment, PlanItem

    organization = getattr(world, org_attr)
    upper = Plan.objects.create(organization=organization.parent, title=f"矩阵测试上级规划{org_attr}")
    upper_item = PlanItem.objects.create(plan=upper, key="1", position=1, depth=1, kind="task", title="上级任务")
    plan = Plan.objects.create(organization=organization, title=f"矩阵测试对标规划{org_attr}")
    item = PlanItem.objects.create(plan=plan, key="1", position=1, depth=1, kind="task", title="本级任务")
    alignment = PlanAlignment.objects.create(plan=plan, upper_plan=upper, threshold=0.28)
    row = ItemAlignment.objects.create(alignment=alignment, item=item, upper_item=upper_item, score=0.5, rank=1)
    AlignmentSuggestion.objects.create(item_alignment=row, upper_item=upper_item, rank=1, score=0.5)
    return plan, upper, alignment, row


def aligned_plan(org_attr: str):
    """URL arguments of the alignment pages: the lower plan."""
    return lambda world: {"pk": _alignment(world, org_attr)[0].pk}


def aligned_item(org_attr: str):
    """URL arguments of a page about one item alignment: the lower plan and the row."""
    def build(world):
        plan, _upper, _alignment_row, row = _alignment(world, org_attr)
        return {"pk": plan.pk, "item_pk": row.pk}
    return build


def alignment_of(org_attr: str):
    return lambda world: {"pk": _alignment(world, org_attr)[2].pk}


def item_alignment_of(org_attr: str):
    return lambda world: {"pk": _alignment(world, org_attr)[3].pk}


def new_alignment(world: World):
    """The body that aligns a plan of 甲市 to a plan of 甲省 (its parent)."""
    from kexie.plans.models import Plan, PlanItem

    upper = Plan.objects.create(organization=world.prov_a, title="矩阵测试甲省规划")
    PlanItem.objects.create(plan=upper, key="1", position=1, depth=1, kind="task", title="加强学会建设")
    plan = Plan.objects.create(organization=world.city_a, title="矩阵测试甲市规划")
    PlanItem.objects.create(plan=plan, key="1", position=1, depth=1, kind="task", title="加强学会组织建设")
    return {"plan": plan.pk, "upper_plan": upper.pk}


def decision_for(world: World):
    """Marks the row 无对应 (works for any row, in scope or not)."""
    return {"no_counterpart": True}
