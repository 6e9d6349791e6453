"""Create, edit, move and status change through the pages, with their refusals."""

from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.organizations.models import Organization
from kexie.organizations.services import organization_create
from kexie.core.validators import credit_code_check_char

VALID_CODE = "51100000500010993" + credit_code_check_char("51100000500010993")


def test_a_clerk_creates_a_city_under_their_province(world, signed_in):
    response = signed_in(world.provincial_clerk).post(reverse("organizations:create"), {
        "parent": world.prov_a.pk, "name": "丙市科学技术协会", "short_name": "丙市科协", "aliases": "丙科协、丙市",
        "kind": "city_association", "region_code": "410300", "credit_code": VALID_CODE.lower(),
        "founded_on": "1985-03-01", "sort_order": "3"})
    org = Organization.objects.get(name="丙市科学技术协会")
    assert response.status_code == 302 and response["Location"] == reverse("organizations:detail", args=[org.pk])
    assert org.parent == world.prov_a and org.aliases == ["丙科协", "丙市"] and org.credit_code == VALID_CODE
    assert AuditLog.objects.filter(action="create", object_id=str(org.pk), username="provincial_clerk").exists()


def test_the_kind_rule_is_refused_with_a_message_naming_the_kinds(world, signed_in):
    response = signed_in(world.provincial_clerk).post(reverse("organizations:create"), {
        "parent": world.prov_a.pk, "name": "甲省某县科协", "kind": "township_association"})
    assert response.status_code == 200
    assert not Organization.objects.filter(name="甲省某县科协").exists()
    assert "乡镇（街道）科协不能隶属于甲省科学技术协会（省级科协）" in response.text


def test_the_parent_must_be_within_scope(world, signed_in):
    response = signed_in(world.provincial_clerk).post(reverse("organizations:create"), {
        "parent": world.prov_b.pk, "name": "越权市科协", "kind": "city_association"})
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Organization.objects.filter(name="越权市科协").exists()


def test_a_clerk_cannot_create_a_top_level_organisation(world, signed_in):
    response = signed_in(world.national_clerk).post(reverse("organizations:create"), {
        "name": "另一个全国科协", "kind": "national_association"})
    assert "parent" in response.context["form"].errors
    assert not Organization.objects.filter(name="另一个全国科协").exists()


def test_bad_input_gets_chinese_messages_naming_the_field(world, signed_in):
    response = signed_in(world.provincial_clerk).post(reverse("organizations:create"), {
        "parent": world.prov_a.pk, "name": "甲市科学技术协会", "kind": "city_association",
        "credit_code": "91110000600037341X", "region_code": "12", "founded_on": "昨天"})
    errors = response.context["form"].errors
    assert "甲省科学技术协会下已有名为“甲市科学技术协会”的组织" in errors["name"][0]
    assert "统一社会信用代码" in errors["credit_code"][0]
    assert "行政区划代码" in errors["region_code"][0] and "founded_on" in errors
    assert Organization.objects.filter(name="甲市科学技术协会").count() == 1


def test_a_clerk_edits_an_organisation(world, signed_in):
    client = signed_in(world.provincial_clerk)
    form = client.get(reverse("organizations:edit", args=[world.city_a.pk]))
    assert form.context["form"].initial["name"] == "甲市科学技术协会"
    response = client.post(reverse("organizations:edit", args=[world.city_a.pk]), {
        "name": "甲市科学技术协会", "short_name": "甲市科协", "kind": "city_association", "region_code": "410100",
        "address": "甲市人民路1号", "aliases": "", "sort_order": "0"})
    assert response.status_code == 302
    world.city_a.refresh_from_db()
    assert world.city_a.address == "甲市人民路1号"
    row = AuditLog.objects.get(action="update", object_id=str(world.city_a.pk))
    assert row.new_values == {"address": "甲市人民路1号"}


def test_changing_a_kind_that_would_break_a_child_is_refused(world, signed_in):
    response = signed_in(world.provincial_clerk).post(reverse("organizations:edit", args=[world.city_a.pk]), {
        "name": "甲市科学技术协会", "kind": "enterprise_association", "sort_order": "0"})
    assert response.status_code == 200
    world.city_a.refresh_from_db()
    assert world.city_a.kind == "city_association"


def test_editing_outside_scope_or_without_permission_is_refused(world, signed_in):
    assert signed_in(world.provincial_clerk).get(
        reverse("organizations:edit", args=[world.prov_b.pk])).status_code == 404
    assert signed_in(world.no_role_user).get(
        reverse("organizations:edit", args=[world.prov_a.pk])).status_code == 403


def test_a_county_moves_straight_under_its_province(world, signed_in):
    response = signed_in(world.provincial_clerk).post(reverse("organizations:move", args=[world.county_a.pk]),
                                                      {"new_parent": world.prov_a.pk})
    assert response.status_code == 302
    world.county_a.refresh_from_db()
    assert world.county_a.parent == world.prov_a and world.county_a.depth == 2
    assert AuditLog.objects.filter(action="move", object_id=str(world.county_a.pk)).exists()


def test_a_move_under_its_own_descendant_is_refused(world, signed_in):
    organization_create(by=None, parent=world.county_a, name="甲县某镇科协", kind="township_association")
    response = signed_in(world.national_clerk).post(reverse("organizations:move", args=[world.city_a.pk]),
                                                    {"new_parent": world.county_a.pk})
    assert response.status_code == 200
    assert "不能把甲市科学技术协会移动到它自身或其下级组织之下" in response.text
    world.city_a.refresh_from_db()
    assert world.city_a.parent == world.prov_a


def test_a_move_breaking_the_kind_rule_is_refused(world, signed_in):
    response = signed_in(world.national_clerk).post(reverse("organizations:move", args=[world.city_a.pk]),
                                                    {"new_parent": world.society.pk})
    assert response.status_code == 200
    assert "市级科协不能隶属于中国测试学会（全国学会）" in response.text
    world.city_a.refresh_from_db()
    assert world.city_a.parent == world.prov_a


def test_a_move_to_a_parent_outside_scope_is_refused(world, signed_in):
    response = signed_in(world.provincial_clerk).post(reverse("organizations:move", args=[world.county_a.pk]),
                                                      {"new_parent": world.city_b.pk})
    assert "new_parent" in response.context["form"].errors
    world.county_a.refresh_from_db()
    assert world.county_a.parent == world.city_a


def test_status_changes_dormant_then_dissolved_with_a_reason(world, signed_in):
    client = signed_in(world.provincial_clerk)
    url = reverse("organizations:status", args=[world.county_a.pk])
    assert client.post(url, {"status": "dormant", "reason": "无活动"}).status_code == 302
    refused = client.post(url, {"status": "dissolved", "reason": ""})
    assert refused.status_code == 200 and "撤销组织时必须填写原因" in refused.text
    assert client.post(url, {"status": "dissolved", "reason": "注销登记"}).status_code == 302
    world.county_a.refresh_from_db()
    assert world.county_a.status == "dissolved"
    assert list(world.county_a.status_history.values_list("to_status", flat=True)) == ["dissolved", "dormant"]


def test_dissolving_an_organisation_with_live_children_is_refused(world, signed_in):
    response = signed_in(world.provincial_clerk).post(reverse("organizations:status", args=[world.city_a.pk]),
                                                      {"status": "dissolved", "reason": "撤并"})
    assert response.status_code == 200
    assert "甲市科学技术协会还有 1 个下级组织未撤销" in response.text
    world.city_a.refresh_from_db()
    assert world.city_a.status == "active"


def test_form_pages_need_their_permission_codes(world, signed_in):
    from kexie.accounts.models import Role
    from tests.personas import make_user

    Role.objects.create(code="org_viewer_below", name="只看", permissions=["org.view"], data_scope="org_and_below")
    viewer = make_user("org_viewer", world.prov_a, ["org_viewer_below"])
    client = signed_in(viewer)
    assert client.get(reverse("organizations:create")).status_code == 403
    for name in ("edit", "move", "status"):
        assert client.get(reverse(f"organizations:{name}", args=[world.city_a.pk])).status_code == 403


def test_a_parent_can_be_typed_as_its_full_name_or_credit_code(world, signed_in):
    world.city_a.credit_code = VALID_CODE
    world.city_a.save()
    client = signed_in(world.provincial_clerk)
    client.post(reverse("organizations:create"), {"parent": "甲省科学技术协会", "name": "丙市科学技术协会",
                                                  "kind": "city_association"})
    client.post(reverse("organizations:create"), {"parent": VALID_CODE, "name": "甲市某高校科协",
                                                  "kind": "university_association"})
    assert Organization.objects.get(name="丙市科学技术协会").parent == world.prov_a
    assert Organization.objects.get(name="甲市某高校科协").parent == world.city_a
    refused = client.post(reverse("organizations:create"), {"parent": "乙省科学技术协会", "name": "越权市科协",
                                                            "kind": "city_association"})
    assert "您的数据范围内没有组织“乙省科学技术协会”" in refused.context["form"].errors["parent"][0]


def test_a_large_scope_gets_a_text_box_instead_of_a_select(world, signed_in, monkeypatch):
    from kexie.organizations import forms

    monkeypatch.setattr(forms, "SELECT_LIMIT", 1)
    response = signed_in(world.provincial_clerk).get(reverse("organizations:move", args=[world.county_a.pk]))
    assert '<select name="new_parent"' not in response.text
    assert 'value="甲省科协 / 甲市科学技术协会"' in response.text  # the full path, which the server also takes
