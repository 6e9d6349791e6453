"""三员分立: the system, security and audit administrators are separate, in the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse

from kexie.accounts.models import DataScope, Role
from kexie.accounts.permissions import ADMIN_CODES, AdminKind
from kexie.accounts.services import role_create, role_update, user_create, user_set_roles
from kexie.audit.models import AuditLog
from kexie.organizations.models import Organization
from tests.personas import make_user


def _roles(*codes):
    return list(Role.objects.filter(code__in=codes))


def test_no_account_can_hold_all_three_administrator_roles(world):
    with pytest.raises(ValidationError) as exc:
        user_set_roles(by=world.system_admin, user=world.county_clerk,
                       roles=_roles("system_admin", "security_admin", "audit_admin"))
    assert "三员分立" in exc.value.message_dict["roles"][0]
    assert not world.county_clerk.roles.filter(admin_kind__gt="").exists()


@pytest.mark.parametrize("codes", [("system_admin", "audit_admin"), ("security_admin", "audit_admin"),
                                   ("system_admin", "security_admin"), ("audit_admin", "county_clerk"),
                                   ("security_admin", "viewer")])
def test_an_administrator_role_does_not_combine_with_another_kind_or_a_business_role(world, codes):
    with pytest.raises(ValidationError):
        user_set_roles(by=world.system_admin, user=world.no_role_user, roles=_roles(*codes))


def test_a_new_user_cannot_be_created_with_mixed_administrator_roles(world):
    with pytest.raises(ValidationError):
        user_create(by=world.system_admin, username="mixed", full_name="混合", organization=world.cast,
                    roles=_roles("security_admin", "audit_admin"))
    assert not Role.objects.filter(users__username="mixed").exists()


def test_two_roles_of_the_same_administrator_kind_may_combine(world):
    extra = role_create(by=world.system_admin, code="audit_reader", name="审计查阅", permissions=["audit.view"],
                        data_scope=DataScope.ALL, admin_kind=AdminKind.AUDIT)
    user_set_roles(by=world.system_admin, user=world.no_role_user, roles=[*_roles("audit_admin"), extra])
    assert world.no_role_user.roles.count() == 2


def test_role_changes_are_audited_with_old_and_new_codes(world):
    user_set_roles(by=world.system_admin, user=world.county_clerk, roles=_roles("county_clerk", "viewer"))
    row = AuditLog.objects.filter(action="permission").latest("id")
    assert row.old_values == {"roles": ["county_clerk"]}
    assert row.new_values == {"roles": ["county_clerk", "viewer"]}
    assert row.user_id == world.system_admin.pk


def test_an_administrator_cannot_change_their_own_roles(world):
    with pytest.raises(ValidationError):
        user_set_roles(by=world.system_admin, user=world.system_admin, roles=[])


@pytest.mark.parametrize("kind, code", [(AdminKind.SYSTEM, "audit.view"), (AdminKind.SYSTEM, "security.manage"),
                                        (AdminKind.SECURITY, "org.add"), (AdminKind.SECURITY, "org.change"),
                                        (AdminKind.AUDIT, "user.manage"), (AdminKind.AUDIT, "org.view"),
                                        (AdminKind.NONE, "audit.view"), (AdminKind.NONE, "user.manage")])
def test_a_role_cannot_hold_codes_outside_its_administrator_kind(world, kind, code):
    with pytest.raises(ValidationError) as exc:
        role_create(by=world.system_admin, code="bad", name="越权角色", permissions=[code],
                    data_scope=DataScope.ALL, admin_kind=kind)
    assert "不能拥有" in exc.value.message_dict["permissions"][0]
    assert not Role.objects.filter(code="bad").exists()


def test_the_built_in_administrator_roles_cannot_be_widened(world):
    role = Role.objects.get(code="system_admin")
    with pytest.raises(ValidationError):
        role_update(by=world.system_admin, role=role, name=role.name, data_scope=role.data_scope,
                    permissions=[*role.permissions, "audit.view"], require_totp=True)
    role.refresh_from_db()
    assert "audit.view" not in role.permissions


def test_the_system_admin_cannot_read_audit_records(world, signed_in):
    assert not world.system_admin.has_code("audit.view")
    assert AuditLog.objects.exists()  # building the world wrote audit rows
    assert not AuditLog.objects.restrict(world.system_admin, "audit.view").exists()
    client = signed_in(world.system_admin)
    assert client.get(reverse("accounts:login_log")).status_code == 403
    try:
        url = reverse("audit:list")
    except NoReverseMatch:  # the audit pages belong to another module
        return
    assert client.get(url).status_code == 403


def test_the_security_admin_cannot_create_or_edit_organisations(world, signed_in):
    admin = world.security_admin
    for code in ("org.add", "org.change", "org.move", "org.deactivate", "org.import", "user.manage", "role.manage"):
        assert not admin.has_code(code)
    assert not Organization.objects.restrict(admin, "org.change").exists()
    client = signed_in(admin)
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.get(reverse("accounts:role_list")).status_code == 403
    assert client.get(reverse("accounts:security_policy")).status_code == 200


def test_the_audit_admin_can_only_read_the_audit_log_and_the_login_log(world, signed_in):
    admin = world.audit_admin
    assert admin.permission_codes() == {"audit.view", "loginlog.view"} == ADMIN_CODES[AdminKind.AUDIT]
    client = signed_in(admin)
    assert client.get(reverse("accounts:login_log")).status_code == 200
    for name in ("accounts:user_list", "accounts:role_list", "accounts:security_policy", "accounts:user_create"):
        assert client.get(reverse(name)).status_code == 403, name


def test_a_business_user_cannot_manage_users_even_in_a_custom_role(world):
    user = make_user("tricky", world.prov_a, ["provincial_clerk"])
    with pytest.raises(PermissionDenied):
        user_set_roles(by=user, user=world.county_clerk, roles=[])


def test_a_provincial_system_admin_cannot_grant_a_nationwide_role(world):
    role = role_create(by=world.system_admin, code="prov_sys", name="甲省系统管理员",
                       permissions=sorted(ADMIN_CODES[AdminKind.SYSTEM]), data_scope=DataScope.ORG_AND_BELOW,
                       admin_kind=AdminKind.SYSTEM)
    prov_admin = make_user("prov_sys_user", world.prov_a, ["prov_sys"])
    with pytest.raises(ValidationError) as exc:
        user_set_roles(by=prov_admin, user=world.no_role_user, roles=_roles("system_admin"))
    assert "数据范围" in exc.value.message_dict["roles"][0]
    watch_b = Role.objects.create(code="watch_b", name="乙省观察", permissions=["org.view"],
                                  data_scope=DataScope.CUSTOM)
    watch_b.custom_organizations.set([world.county_b])
    with pytest.raises(ValidationError):
        user_set_roles(by=prov_admin, user=world.no_role_user, roles=[watch_b])
    user_set_roles(by=prov_admin, user=world.no_role_user, roles=[role])
    assert list(world.no_role_user.roles.all()) == [role]
