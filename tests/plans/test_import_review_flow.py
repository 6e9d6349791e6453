"""A plan document goes through the web pages: upload, review, edits, unit mapping, confirmation."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.organizations.services import organization_create
from kexie.plans.models import Assignment, ImportStatus, Plan, PlanImport
from tests.plans.sample import KEY_TASKS_2026


@pytest.fixture
def province(world):
    """甲省科协 with the departments its plans name."""
    for name, aliases in [("学会学术部", ["学会部"]), ("组织人事部", ["组人部"]), ("科学技术普及部", ["科普部"])]:
        organization_create(by=None, parent=world.prov_a, name=f"甲省科协{name}", kind="department",
                            short_name=name, aliases=aliases)
    return world


def _upload(client, text=KEY_TASKS_2026, name="要点.txt", **extra):
    return client.post(reverse("plans:import"), {
        "file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain"), **extra})


def _uid(plan_import, title):
    return next(i["uid"] for i in plan_import.parsed["items"] if i["title"] == title)


def _edit(client, plan_import, **data):
    return client.post(reverse("plans:review_edit", args=[plan_import.pk]), data, HTTP_HX_REQUEST="true")


def test_an_uploaded_document_opens_a_review_beside_its_source_text(province, signed_in):
    client = signed_in(province.provincial_clerk)
    response = _upload(client, organization=province.prov_a.pk)
    plan_import = PlanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:review", args=[plan_import.pk])
    assert plan_import.organization == province.prov_a and plan_import.source_file
    page = client.get(response["Location"]).content.decode()
    assert "深化理论学习" in page and 'id="review-source"' in page and "kexie/plans.js" in page
    first = plan_import.parsed["items"][1]
    assert f'data-start="{first["span"][0]}"' in page
    assert "确认导入" in page and "放弃" in page and "尚未对应" in page
    assert not Plan.objects.exists()


def test_the_import_form_defaults_to_the_users_own_organisation(province, signed_in):
    page = signed_in(province.provincial_clerk).get(reverse("plans:import")).content.decode()
    assert re.search(rf'<option value="{province.prov_a.pk}" selected data-search="[^"]*">甲省科学技术协会</option>', page)


def test_review_edits_go_through_htmx_and_rerender_the_tree(province, signed_in):
    client = signed_in(province.provincial_clerk)
    _upload(client, organization=province.prov_a.pk)
    plan_import = PlanImport.objects.get()
    response = _edit(client, plan_import, operation="edit", uid=_uid(plan_import, "深化理论学习"),
                     title="深化理论武装", kind="goal", due="2026-09-30")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="review-tree"' in fragment and "深化理论武装" in fragment and 'hx-swap-oob="true"' in fragment
    plan_import.refresh_from_db()
    item = next(i for i in plan_import.parsed["items"] if i["title"] == "深化理论武装")
    assert item["kind"] == "goal" and item["due"] == "2026-09-30"
    _edit(client, plan_import, operation="merge", uid=_uid(plan_import, "整治休眠学会"))
    plan_import.refresh_from_db()
    assert "整治休眠学会" not in [i["title"] for i in plan_import.parsed["items"]]
    _edit(client, plan_import, operation="add_target", uid=_uid(plan_import, "推进学会党建"), verb="配备", min="30",
          unit="名", metric="党建联络员")
    _edit(client, plan_import, operation="units", uid=_uid(plan_import, "推进学会党建"), lead_units="学会部、办公室",
          co_units="组人部")
    _edit(client, plan_import, operation="move", uid=_uid(plan_import, "推进学会党建"), direction="-1")
    plan_import.refresh_from_db()
    items = plan_import.parsed["items"]
    moved = next(i for i in items if i["title"] == "推进学会党建")
    assert moved["key"] == "1.1" and moved["lead_units"] == ["学会部", "办公室"]
    assert moved["targets"][-1]["min"] == 30 and moved["targets"][-1]["unit"] == "名"
    text = next(i for i in items if i["title"] == "开展学会评估")["text"]
    _edit(client, plan_import, operation="split", uid=_uid(plan_import, "开展学会评估"), at=text.index("对连续"))
    _edit(client, plan_import, operation="indent", uid=_uid(plan_import, "提升科普能力"), levels="1")
    plan_import.refresh_from_db()
    assert [i["key"] for i in plan_import.parsed["items"]][-2:] == ["2.3", "2.3.1"]
    assert AuditLog.objects.filter(object_type="plans.planimport", action="update").count() == 7


def test_a_bad_edit_is_shown_in_chinese_next_to_the_item_and_changes_nothing(province, signed_in):
    client = signed_in(province.provincial_clerk)
    _upload(client, organization=province.prov_a.pk)
    plan_import = PlanImport.objects.get()
    before = plan_import.parsed
    uid = _uid(plan_import, "推进学会党建")
    response = _edit(client, plan_import, operation="add_target", uid=uid, min="50", max="10")
    fragment = response.content.decode()
    assert response.status_code == 200 and "最小值不能大于最大值" in fragment
    assert f'id="item-{uid}"' in fragment.split("最小值不能大于最大值")[0]
    response = _edit(client, plan_import, operation="add_target", uid=uid, min="很多")
    assert "最小值" in response.content.decode() and "不是数字" in response.content.decode()
    response = _edit(client, plan_import, operation="edit", uid=uid, title="  ", kind="task")
    assert "标题不能为空" in response.content.decode()
    first = plan_import.parsed["items"][0]["uid"]
    assert "没有可合并" in _edit(client, plan_import, operation="merge", uid=first).content.decode()
    plan_import.refresh_from_db()
    assert plan_import.parsed == before


def test_units_are_mapped_from_suggestions_or_left_unassigned_then_confirmed(province, signed_in):
    client = signed_in(province.provincial_clerk)
    _upload(client, organization=province.prov_a.pk)
    plan_import = PlanImport.objects.get()
    page = client.get(reverse("plans:review", args=[plan_import.pk])).content.decode()
    assert "甲省科协学会学术部" in page and "1.00" in page  # a suggestion with its score
    refused = client.post(reverse("plans:review_confirm", args=[plan_import.pk]))
    assert refused["Location"] == reverse("plans:review", args=[plan_import.pk])
    message = client.get(refused["Location"]).content.decode()
    assert "各市科协" in message and "学会部" in message and not Plan.objects.exists()
    url = reverse("plans:review_map_unit", args=[plan_import.pk])
    society_dept = province.prov_a.children.get(short_name="学会学术部")
    response = client.post(url, {"unit": "学会部", "organization": society_dept.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="review-units"' in response.content.decode()
    client.post(url, {"unit": "各市科协", "unassigned": "1"}, HTTP_HX_REQUEST="true")
    for unit, org in [("办公室", province.prov_a_office), ("组人部", province.prov_a.children.get(short_name="组织人事部")),
                      ("科普部", province.prov_a.children.get(short_name="科学技术普及部"))]:
        client.post(url, {"unit": unit, "organization": org.pk})
    confirmed = client.post(reverse("plans:review_confirm", args=[plan_import.pk]))
    plan = Plan.objects.get()
    assert confirmed["Location"] == reverse("plans:detail", args=[plan.pk])
    assert Assignment.objects.get(item__plan=plan, item__title="推进学会党建", role="lead").organization == society_dept
    assert plan.source_file.name == PlanImport.objects.get().source_file.name
    detail = client.get(confirmed["Location"]).content.decode()
    assert "甲省科协学会学术部" in detail and "未指定" in detail and "各市科协" in detail
    plan_import.refresh_from_db()
    assert plan_import.status == ImportStatus.CONFIRMED


def test_a_unit_mapped_outside_the_scope_is_refused(province, signed_in):
    client = signed_in(province.provincial_clerk)
    _upload(client, organization=province.prov_a.pk)
    plan_import = PlanImport.objects.get()
    response = client.post(reverse("plans:review_map_unit", args=[plan_import.pk]),
                           {"unit": "学会部", "organization": province.prov_b.pk}, HTTP_HX_REQUEST="true")
    assert "学会部" not in PlanImport.objects.get().unit_mapping
    assert "error" in response.content.decode()


def test_the_plan_metadata_is_corrected_during_review(province, signed_in):
    client = signed_in(province.provincial_clerk)
    _upload(client, organization=province.prov_a.pk)
    plan_import = PlanImport.objects.get()
    url = reverse("plans:review_metadata", args=[plan_import.pk])
    bad = client.post(url, {"title": "新标题", "period_start": "2026-12-31", "period_end": "2026-01-01"},
                      HTTP_HX_REQUEST="true")
    assert "结束" in bad.content.decode() and PlanImport.objects.get().parsed["title"] != "新标题"
    client.post(url, {"title": "甲省科协2026年改革要点", "issuer": "甲省科协", "doc_number": "甲科协发〔2026〕3号",
                      "issued_on": "2026-02-10", "period_start": "2026-01-01", "period_end": "2026-12-31"},
                HTTP_HX_REQUEST="true")
    parsed = PlanImport.objects.get().parsed
    assert parsed["title"] == "甲省科协2026年改革要点" and parsed["doc_number"] == "甲科协发〔2026〕3号"
    assert parsed["period"] == {"start": "2026-01-01", "end": "2026-12-31"}


def test_discarding_an_import_saves_no_plan(province, signed_in):
    client = signed_in(province.provincial_clerk)
    client.post(reverse("plans:import"), {"text": KEY_TASKS_2026, "organization": province.prov_a.pk})
    plan_import = PlanImport.objects.get()
    assert plan_import.source_name == "" and not plan_import.source_file
    response = client.post(reverse("plans:review_discard", args=[plan_import.pk]))
    assert response["Location"] == reverse("plans:list")
    plan_import.refresh_from_db()
    assert plan_import.status == ImportStatus.DISCARDED and not Plan.objects.exists()
    again = client.post(reverse("plans:review_confirm", args=[plan_import.pk]))
    assert again.status_code == 302 and not Plan.objects.exists()


def test_accept_all_suggestions_maps_every_unit_that_has_one_in_one_step(province, signed_in):
    client = signed_in(province.provincial_clerk)
    _upload(client, organization=province.prov_a.pk)
    plan_import = PlanImport.objects.get()
    page = client.get(reverse("plans:review", args=[plan_import.pk])).content.decode()
    assert 'id="accept-suggestions"' in page and "采用全部建议" in page
    before = AuditLog.objects.count()
    response = client.post(reverse("plans:review_accept_suggestions", args=[plan_import.pk]), follow=True)
    plan_import.refresh_from_db()
    departments = {o.short_name: o.pk for o in province.prov_a.children.filter(kind="department")}
    assert plan_import.unit_mapping["学会部"] == {"organization": departments["学会学术部"]}
    assert plan_import.unit_mapping["组人部"] == {"organization": departments["组织人事部"]}
    assert plan_import.unit_mapping["科普部"] == {"organization": departments["科学技术普及部"]}
    assert "各市科协" not in plan_import.unit_mapping  # no suggestion: still the clerk's to decide
    assert AuditLog.objects.count() == before + 1  # one change, one audit row
    html = response.content.decode()
    assert "按第一条建议对应" in html and "甲省科协 / 甲省科协学会学术部" in html


def test_the_owners_own_departments_are_suggested_first(world, signed_in):
    """A national clerk imports 甲省's plan: its own 科普 department is suggested before the national
    one, though the national one's alias matches the text exactly."""
    own = organization_create(by=None, parent=world.prov_a, name="甲省科协科学普及部", kind="department")
    client = signed_in(world.national_clerk)
    _upload(client, organization=world.prov_a.pk)
    plan_import = PlanImport.objects.get()
    response = client.get(reverse("plans:review", args=[plan_import.pk]))
    row = next(r for r in response.context["units"] if r["unit"] == "科普部")
    assert [s["organization"] for s in row["suggestions"]][:2] == [own, world.popsci_dept]
    # The list to choose from starts with the owner's own departments too.
    options = re.findall(r'<option value="(\d+)"', str(row["form"]["organization"]))
    assert options[0] in {str(o.pk) for o in world.prov_a.children.filter(kind="department")}


def test_accepting_suggestions_on_a_confirmed_import_changes_nothing(province, signed_in):
    client = signed_in(province.provincial_clerk)
    _upload(client, organization=province.prov_a.pk)
    plan_import = PlanImport.objects.get()
    PlanImport.objects.filter(pk=plan_import.pk).update(status=ImportStatus.DISCARDED)
    response = client.post(reverse("plans:review_accept_suggestions", args=[plan_import.pk]), follow=True)
    assert PlanImport.objects.get().unit_mapping == {}
    assert "该导入已确认或已放弃。" in response.content.decode()
