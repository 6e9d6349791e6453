"""`kexie demo` imports its plan documents through the reviewed import, so the ledger has data.

Loaded for 10 July 2026 here, so the documents are those of 2026 (tests/test_demo.py loads the demo
on other days of the year)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from kexie.accounts.models import User
from kexie.audit.models import AuditLog
from kexie.core.demo.calendar import DemoCalendar
from kexie.core.demo.plans import DEMO_PLANS, docx_bytes
from kexie.docparse import parse_text
from kexie.docparse.readers import read_file
from kexie.plans.models import Assignment, ImportStatus, Plan, PlanImport, PlanItem, Target


DAY = dt.date(2026, 7, 10)


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", date=DAY.isoformat(), stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """The demo once for the module, rolled back afterwards; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_loaded, db):
    return _demo_loaded


def plan_of(organization_name: str, title_part: str) -> Plan:
    return Plan.objects.get(organization__name=organization_name, title__contains=title_part)


def leads(plan: Plan) -> dict[str, str | None]:
    """unit as written -> name of the organisation it was mapped to (None: left unassigned)."""
    rows = Assignment.objects.filter(item__plan=plan).select_related("organization")
    return {a.unit_name: a.organization.name if a.organization else None for a in rows}


def test_it_imports_each_demo_document_as_a_confirmed_plan_of_its_clerk(demo):
    # The tracking demo adds the ledgers of tasks handed down; the imported documents are the rest.
    imported = Plan.objects.filter(cascade_ledger__isnull=True)
    assert imported.count() == len(DEMO_PLANS) == 3
    owners = {plan.organization.name: plan.created_by.username for plan in imported.select_related(
        "organization", "created_by")}
    assert owners == {"中国科学技术协会": "national_clerk", "河南省科学技术协会": "provincial_clerk",
                      "郑州市科学技术协会": "provincial_clerk"}
    assert set(PlanImport.objects.values_list("status", flat=True)) == {ImportStatus.CONFIRMED}
    assert AuditLog.objects.filter(action="import", object_type="plans.plan").count() == 3


def test_the_national_notice_maps_its_bracketed_departments_to_the_national_departments(demo):
    plan = plan_of("中国科学技术协会", "深化改革重点任务")
    assert plan.issuer == "中国科协办公厅" and plan.doc_number == "科协办发改字〔2026〕3号"
    assert str(plan.period_start) == "2026-01-01" and str(plan.period_end) == "2026-12-31"
    units = leads(plan)
    for written, department in [("学会部", "学会学术部"), ("科普部", "科学技术普及部"), ("调宣部", "调研宣传部"),
                                ("组人部", "组织人事部"), ("国际部", "国际联络部"), ("计财部", "计划财务部"),
                                ("办公厅", "办公厅"), ("信息中心", "信息中心")]:
        assert units[written] == department, written
    # Collective names match no single organisation: explicitly unassigned, not guessed.
    assert units["各全国学会"] is None and units["各省级科协"] is None
    task = plan.items.get(title="做好全国科普日活动")
    lead = task.assignments.get(role="lead")
    assert lead.organization.parent == plan.organization and lead.organization.name == "科学技术普及部"
    assert task.assignments.get(role="co").organization is None
    assert plan.items.filter(kind="task").count() == 10
    # 组织保障 heads two tasks with lead departments: read as a section, not a task nobody answers for.
    assert plan.items.get(title="组织保障").kind == "section"


def test_the_national_notice_was_uploaded_as_word_and_keeps_its_file(demo):
    plan = plan_of("中国科学技术协会", "深化改革重点任务")
    assert plan.source_name == "national_key_tasks.docx" and plan.source_file.name.endswith(".docx")
    item = plan.items.get(title="开展学会综合评估")
    assert plan.source_text[item.span_start:item.span_end].startswith("2.开展学会综合评估")


def test_a_word_copy_of_a_demo_document_parses_to_the_same_items_as_its_text(tmp_path):
    demo = DEMO_PLANS[0]
    path = tmp_path / "plan.docx"
    path.write_bytes(docx_bytes(demo.text(DemoCalendar(DAY))))
    items = lambda text: [(i["key"], i["kind"], i["title"], i["lead_units"], i["co_units"], i["due"])  # noqa: E731
                          for i in parse_text(text)["items"]]
    assert items(read_file(str(path))) == items(demo.text(DemoCalendar(DAY)))


def test_the_provincial_five_year_plan_has_its_quantified_targets(demo):
    plan = plan_of("河南省科学技术协会", "十五五")
    assert str(plan.period_start) == "2026-01-01" and str(plan.period_end) == "2030-12-31"
    targets = {(t.verb, t.min_value, t.max_value, t.unit) for t in Target.objects.filter(item__plan=plan)}
    assert ("建成", 10, None, "个") in targets  # 建成省级一流学会10个以上
    assert ("培育", 3, 5, "家") in targets  # 培育农技协示范基地3—5家
    assert any(unit == "%" and low == 90 for _verb, low, _high, unit in targets)  # 覆盖率达到90%
    goal = plan.items.get(title="学会活力明显增强")
    assert goal.kind == "goal" and goal.targets.count() == 2 and str(goal.due) == "2030-12-31"
    units = leads(plan)
    assert units["学会部"] == "学会学术部" and units["组人部"] == "组织人事部" and units["办公室"] == "办公室"
    assert units["省农学会"] == "河南省农学会" and units["省农科院科协"] == "河南省农业科学研究院科学技术协会"
    assert units["各省辖市科协"] is None
    # The departments are the province's own, not the national ones of the same name.
    mapped = Assignment.objects.filter(item__plan=plan, unit_name="学会部").select_related("organization")
    assert {a.organization.parent.name for a in mapped} == {"河南省科学技术协会"}
    assert str(plan.items.get(title="推进基层组织“三长”全覆盖").due) == "2027-12-31"


def test_the_city_work_opinion_has_its_yishi_ershi_items_under_their_headings(demo):
    plan = plan_of("郑州市科学技术协会", "工作意见")
    section = plan.items.get(title="服务创新发展，助力产业升级")
    children = list(section.children.order_by("position").values_list("marker", "title"))
    assert children == [("一是", "深化“科创中国”建设"), ("二是", "推动企业科协建设"), ("三是", "办好学术交流活动")]
    units = leads(plan)
    assert units["中牟县科协"] == "中牟县科学技术协会" and units["新郑市科协"] == "新郑市科学技术协会"
    assert units["郑州高新区科协"] == "郑州高新技术产业开发区科学技术协会"
    assert units["中原重机科协"] == "中原重型机械股份有限公司科学技术协会"
    assert units["各县(市、区)科协"] is None


def test_running_the_demo_again_adds_no_plan_item_or_audit_row(demo):
    counts = lambda: [m.objects.count() for m in (Plan, PlanImport, PlanItem, Target, Assignment, AuditLog)]  # noqa: E731
    before = counts()
    run_demo()
    assert counts() == before


def test_a_demo_plan_deleted_by_hand_comes_back_on_the_next_run(demo):
    # The province's plan: the city's has reports in its cycles, which keep it from being deleted.
    plan_of("河南省科学技术协会", "十五五").delete()
    run_demo()
    assert plan_of("河南省科学技术协会", "十五五").items.filter(kind="task").count() == 8


def test_the_demo_clerks_find_their_demo_tasks_in_the_ledger_in_chinese(demo, client):
    client.force_login(User.objects.get(username="provincial_clerk"))
    page = client.get(reverse("ledger:all"), {"q": "科普"}).content.decode()
    assert "壮大科普人才队伍" in page and "做好基层科普" in page  # the province's plan and its city's
    assert "繁荣科普内容创作" not in page  # the national plan is above the province's scope
    assert "台账" in page
    client.force_login(User.objects.get(username="national_clerk"))
    plan = plan_of("中国科学技术协会", "深化改革重点任务")
    page = client.get(reverse("ledger:plan", args=[plan.pk])).content.decode()
    assert "繁荣科普内容创作" in page and "科学技术普及部" in page
