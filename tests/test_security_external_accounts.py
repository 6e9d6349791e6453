"""External accounts (public users: S&T workers, enterprise contacts) are a kind of their own: no
role, no organisation, no staff flag, whatever the code path; they sign in on the same page, land
on their own page, and reach nothing of the staff's — pages, forms or the API."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token

from kexie.accounts import services
from kexie.accounts.models import Role, User
from kexie.audit.models import AuditLog
from tests.personas import PASSWORD, make_external


@pytest.fixture
def external(world):
    return make_external()


def test_an_external_account_holds_no_permission_code_and_no_scope(world, external):
    assert external.is_external and external.organization_id is None
    assert external.permission_codes() == set() and external.cached_roles() == []
    assert not User.objects.restrict(external, "user.view").exists()


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}, {"organization": "city_a"}])
def test_the_database_refuses_an_external_account_with_staff_rights(world, external, flags):
    for name, value in flags.items():
        setattr(external, name, getattr(world, value) if name == "organization" else value)
    with pytest.raises(IntegrityError), transaction.atomic():
        external.save()


def test_no_code_path_gives_an_external_account_a_role(world, external):
    viewer = Role.objects.get(code="viewer")

    # The m2m guard is the last resort: it breaks the transaction it runs in, as a constraint would.
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        external.roles.add(viewer)
    assert "外部用户账号不能持有角色" in str(refused.value)
    with pytest.raises(ValidationError), transaction.atomic():
        viewer.users.add(external)
    with pytest.raises(ValidationError):
        services.user_set_roles(by=world.system_admin, user=external, roles=[viewer])
    with pytest.raises(ValidationError):
        services.user_update(by=world.system_admin, user=external, full_name="张伟", organization=world.cast)
    with pytest.raises(ValidationError):
        services.position_add(by=world.system_admin, user=external, organization=world.cast, title="委员")
    assert not external.roles.exists() and not external.positions.exists()
    assert not AuditLog.objects.filter(action="permission", object_id=str(external.pk)).exists()


def test_an_external_person_signs_in_on_the_login_page_with_the_e_mail_and_lands_on_their_page(world, client, external):
    response = client.post(reverse("accounts:login"), {"username": "Zhang.Wei@Example.cn", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("accounts:me")
    page = client.get(reverse("accounts:me")).content.decode()
    assert "张伟" in page and "z***@example.cn" in page and "zhang.wei@example.cn" not in page
    assert "我的记录" in page
    # Their menu is theirs: none of the staff's sections.
    assert "我的主页" in page and "工作台" not in page and "接口文档" not in page and "规划" not in page
    assert client.get(reverse("home"))["Location"] == reverse("accounts:me")


STAFF_PAGES = ["accounts:profile", "accounts:user_list", "organizations:tree", "plans:list", "ledger:all",
               "dashboard:home", "audit:list", "accounts:invitations", "api:docs", "api:schema"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_are_not_found_for_an_external_account(world, signed_in, external, name):
    response = signed_in(external).get(reverse(name))

    assert response.status_code == 404


def test_a_staff_form_posted_by_an_external_account_is_not_found_and_leaves_a_trace(world, signed_in, external):
    response = signed_in(external).post(reverse("organizations:create"), {"name": "外部", "kind": "department"})

    assert response.status_code == 404
    assert AuditLog.objects.filter(action="refused", user_id=external.pk).count() == 1


def test_the_api_is_closed_to_an_external_account_by_session_token_and_token_endpoint(world, client, signed_in,
                                                                                    external):
    assert signed_in(external).get(reverse("api:me"), HTTP_ACCEPT="application/json").status_code == 404
    client.logout()

    token = Token.objects.create(user=external)
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401

    response = client.post(reverse("api:token"), {"username": external.username, "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 403
    assert "外部用户账号不能使用接口" in response.json()["detail"]


@pytest.mark.parametrize("name", ["accounts:me", "accounts:password_change", "notifications:inbox"])
def test_an_external_account_reaches_its_own_pages(world, signed_in, external, name):
    assert signed_in(external).get(reverse(name)).status_code == 200


def test_an_external_account_changes_its_password_and_comes_back_to_its_page(world, signed_in, external):
    response = signed_in(external).post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "Neues@2026pass", "new_password2": "Neues@2026pass"})

    assert response.status_code == 302 and response["Location"] == reverse("accounts:me")


def test_the_system_administrators_count_of_accounts_without_a_role_leaves_external_accounts_out(world, signed_in,
                                                                                             external):
    from kexie.workbench.selectors import _users_without_role

    staff_without_role = User.objects.filter(kind="staff", roles__isnull=True, is_active=True).count()
    assert _users_without_role(world.system_admin).count == staff_without_role
