"""The role pages: grouped permission checkboxes, data scope, second factor; checked by the services."""

from django.urls import reverse

from kexie.accounts.models import Role
from kexie.audit.models import AuditLog


def test_the_role_list_needs_role_manage(world, signed_in):
    assert signed_in(world.provincial_clerk).get(reverse("accounts:role_list")).status_code == 403
    body = signed_in(world.system_admin).get(reverse("accounts:role_list")).content.decode()
    assert "系统管理员" in body and "审计管理员" in body and "只读用户" in body


def test_the_form_groups_the_permission_checkboxes(world, signed_in):
    body = signed_in(world.system_admin).get(reverse("accounts:role_create")).content.decode()
    for group in ("组织机构", "人员", "安全", "审计"):
        assert f"<strong>{group}</strong>" in body
    assert 'value="org.view"' in body and "查看组织" in body
    assert "本组织及下级" in body and "自定义组织" in body


def test_a_role_is_created_with_a_custom_scope_and_audited(world, signed_in):
    client = signed_in(world.system_admin)
    response = client.post(reverse("accounts:role_create"), {
        "name": "学会观察员", "code": "society_watch", "description": "", "admin_kind": "",
        "permissions": ["org.view", "pii.unmask"], "data_scope": "custom",
        "custom_organizations": [world.society.pk], "require_totp": "on"})
    assert response.status_code == 302
    role = Role.objects.get(code="society_watch")
    assert role.permissions == ["org.view", "pii.unmask"] and role.require_totp
    assert list(role.custom_organizations.all()) == [world.society]
    assert AuditLog.objects.filter(action="create", object_type="accounts.role", object_id=str(role.pk)).exists()


def test_a_custom_scope_without_organisations_is_refused_naming_the_field(world, signed_in):
    response = signed_in(world.system_admin).post(reverse("accounts:role_create"), {
        "name": "空范围", "code": "empty_scope", "permissions": ["org.view"], "data_scope": "custom"})
    assert response.status_code == 400
    assert "自定义组织" in response.context["form"].errors["custom_organizations"][0]
    assert not Role.objects.filter(code="empty_scope").exists()


def test_a_business_role_with_an_administrator_permission_is_refused_on_the_page(world, signed_in):
    response = signed_in(world.system_admin).post(reverse("accounts:role_create"), {
        "name": "越权", "code": "overreach", "permissions": ["org.view", "audit.view"], "data_scope": "all"})
    assert response.status_code == 400
    assert "查看审计日志" in response.content.decode()
    assert not Role.objects.filter(code="overreach").exists()


def test_editing_a_built_in_role_keeps_its_code_and_audits_the_permission_change(world, signed_in):
    role = Role.objects.get(code="viewer")
    response = signed_in(world.system_admin).post(reverse("accounts:role_edit", args=[role.pk]), {
        "name": role.name, "code": "renamed", "admin_kind": "audit", "permissions": ["org.view", "org.export"],
        "data_scope": "org"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.code == "viewer" and role.admin_kind == ""
    assert role.permissions == ["org.export", "org.view"]
    row = AuditLog.objects.get(action="permission", object_type="accounts.role")
    assert row.old_values == {"permissions": ["org.view", "plan.view", "society.view"]}
    assert row.new_values == {"permissions": ["org.export", "org.view"]}


def test_the_staff_holding_a_code_are_found_in_the_database_as_has_code_finds_them(world):
    from kexie.accounts.models import User
    from kexie.accounts.selectors import staff_holding
    from tests.personas import make_external, make_user

    make_user("roles_no_code", world.county_a, [])
    make_user("roles_gone", world.county_a, ["county_clerk"], is_active=False)
    make_external("roles_outsider@example.cn")
    in_county = User.objects.filter(organization=world.county_a)
    everyone = User.objects.all()
    for code in ("demand.view", "demand.manage", "plan.import", "no.such.code"):
        expected = sorted(u.username for u in everyone if u.is_active and not u.is_external and u.has_code(code))
        assert sorted(staff_holding(code).values_list("username", flat=True)) == expected
    found = list(staff_holding("demand.submit", users=in_county).values_list("username", flat=True))
    assert found == ["county_clerk"]
