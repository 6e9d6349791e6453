"""The user pages: list with search and masking, detail with audited unmasking, create and edit."""

import pytest
from django.urls import reverse

from kexie.accounts.models import DataScope, Position, Role, User
from kexie.audit.models import AuditLog
from kexie.core.validators import id_number_check_char

ID_17 = "11010519491231002"
ID_NUMBER = ID_17 + id_number_check_char(ID_17)


@pytest.fixture
def clerk_with_pii(world):
    user = world.provincial_clerk  # mobile 13812345678, e-mail jia.clerk@example.cn
    user.set_id_number(ID_NUMBER)
    user.save()
    return user


def test_the_list_masks_mobile_numbers_and_e_mail_addresses(world, signed_in, clerk_with_pii):
    body = signed_in(world.system_admin).get(reverse("accounts:user_list")).content.decode()
    assert "138****5678" in body and "j***@example.cn" in body
    assert "13812345678" not in body and "jia.clerk@" not in body
    assert ID_NUMBER not in body


def test_the_list_searches_by_name_and_filters_by_organisation_subtree_and_role(world, signed_in):
    client = signed_in(world.system_admin)
    page = client.get(reverse("accounts:user_list"), {"q": "甲县"}).context["page_obj"]
    assert [u.username for u in page] == ["county_clerk"]
    page = client.get(reverse("accounts:user_list"), {"organization": world.prov_a.pk}).context["page_obj"]
    assert {u.username for u in page} == {"provincial_clerk", "county_clerk", "no_role_user"}
    role = world.provincial_clerk.roles.get()
    page = client.get(reverse("accounts:user_list"), {"role": role.pk}).context["page_obj"]
    assert {u.username for u in page} == {"provincial_clerk", "other_provincial_clerk"}


def test_a_user_viewer_sees_only_users_in_their_scope_and_others_are_not_found(world, signed_in):
    # The built-in provincial clerk does not see users (an administrator's job): a role of 甲省 that does.
    viewer = Role.objects.create(code="people_a", name="甲省人员查看", permissions=["user.view"],
                                 data_scope=DataScope.ORG_AND_BELOW)
    world.provincial_clerk.roles.add(viewer)
    client = signed_in(world.provincial_clerk)
    page = client.get(reverse("accounts:user_list")).context["page_obj"]
    assert {u.username for u in page} == {"provincial_clerk", "county_clerk", "no_role_user"}
    assert client.get(reverse("accounts:user_detail", args=[world.other_provincial_clerk.pk])).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[world.county_clerk.pk])).status_code == 200


def test_the_user_pages_need_the_permission(world, signed_in, client):
    assert client.get(reverse("accounts:user_list"))["Location"].startswith(reverse("accounts:login"))
    client = signed_in(world.no_role_user)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_detail", args=[world.county_clerk.pk])).status_code == 403


def test_the_detail_shows_a_masked_id_number(world, signed_in, clerk_with_pii):
    body = signed_in(world.system_admin).get(
        reverse("accounts:user_detail", args=[clerk_with_pii.pk])).content.decode()
    assert "110105********" + ID_NUMBER[-4:] in body
    assert ID_NUMBER not in body


def test_unmasking_needs_the_permission(world, signed_in, clerk_with_pii):
    client = signed_in(world.system_admin)
    response = client.post(reverse("accounts:unmask", args=[clerk_with_pii.pk]), {"field": "id_number"})
    assert response.status_code == 403
    assert not AuditLog.objects.filter(action="unmask").exists()
    page = client.get(reverse("accounts:user_detail", args=[clerk_with_pii.pk])).content.decode()
    assert reverse("accounts:unmask", args=[clerk_with_pii.pk]) not in page


def test_unmasking_shows_the_value_and_writes_an_audit_row(world, signed_in, clerk_with_pii):
    client = signed_in(world.national_clerk)
    page = client.get(reverse("accounts:user_detail", args=[clerk_with_pii.pk])).content.decode()
    assert reverse("accounts:unmask", args=[clerk_with_pii.pk]) in page and "查看" in page
    response = client.post(reverse("accounts:unmask", args=[clerk_with_pii.pk]), {"field": "id_number"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert ID_NUMBER in response.content.decode()
    row = AuditLog.objects.get(action="unmask")
    assert row.user_id == world.national_clerk.pk
    assert row.object_id == str(clerk_with_pii.pk) and row.detail == "id_number"
    assert ID_NUMBER not in str(row.new_values) + row.detail + row.object_repr
    mobile = client.post(reverse("accounts:unmask", args=[clerk_with_pii.pk]), {"field": "mobile"})
    assert "13812345678" in mobile.content.decode()


def test_unmasking_outside_the_scope_is_not_found(world, signed_in):
    client = signed_in(world.national_clerk)
    outsider = User.objects.create(username="floating", organization=None)
    assert client.post(reverse("accounts:unmask", args=[outsider.pk]), {"field": "mobile"}).status_code == 404


def test_a_system_admin_creates_a_user_with_an_encrypted_id_number(world, signed_in):
    client = signed_in(world.system_admin)
    response = client.post(reverse("accounts:user_create"), {
        "username": "zhangsan", "full_name": "张三", "organization": world.county_a.pk,
        "roles": [world.county_clerk.roles.get().pk], "mobile": "13900001111", "email": "zs@example.cn",
        "id_number": ID_NUMBER.lower()})
    user = User.objects.get(username="zhangsan")
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.id_number == ID_NUMBER and ID_NUMBER not in user.id_number_encrypted
    assert user.must_change_password and user.created_by == world.system_admin
    create = AuditLog.objects.get(action="create", object_type="accounts.user", object_id=str(user.pk))
    assert "13900001111" not in str(create.new_values) and ID_NUMBER not in str(create.new_values)
    assert AuditLog.objects.get(action="permission", object_id=str(user.pk)).new_values == {"roles": ["county_clerk"]}


def test_a_bad_id_number_is_a_400_that_names_the_field_in_chinese_and_saves_nothing(world, signed_in):
    client = signed_in(world.system_admin)
    wrong = ID_17 + ("0" if ID_NUMBER[-1] != "0" else "1")
    response = client.post(reverse("accounts:user_create"), {
        "username": "lisi", "full_name": "李四", "organization": world.county_a.pk, "id_number": wrong,
        "mobile": "12345"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "身份证号码" in body and "校验位" in body
    assert "手机号码" in body
    assert not User.objects.filter(username="lisi").exists()


def test_a_missing_required_field_is_named(world, signed_in):
    response = signed_in(world.system_admin).post(reverse("accounts:user_create"), {"username": "wangwu"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"full_name", "organization"}
    body = response.content.decode()
    # Each error sits in the field's own box, under its Chinese label.
    for label in ("姓名", "所属组织"):
        box = body.split(f'>{label}<span class="req">')[0].rsplit('<div class="field', 1)[1]
        assert box.startswith(" has-error")
    assert body.count("该字段是必填项") == 2


def test_a_clerk_without_user_manage_cannot_create_users(world, signed_in):
    assert signed_in(world.provincial_clerk).get(reverse("accounts:user_create")).status_code == 403


def test_editing_keeps_the_id_number_when_left_blank_and_audits_the_change(world, signed_in, clerk_with_pii):
    client = signed_in(world.system_admin)
    response = client.post(reverse("accounts:user_edit", args=[clerk_with_pii.pk]), {
        "full_name": "甲省干事（改）", "organization": world.prov_a.pk,
        "roles": [r.pk for r in clerk_with_pii.roles.all()], "mobile": "13812345678", "email": "", "id_number": ""})
    assert response.status_code == 302
    clerk_with_pii.refresh_from_db()
    assert clerk_with_pii.full_name == "甲省干事（改）" and clerk_with_pii.id_number == ID_NUMBER
    row = AuditLog.objects.filter(action="update", object_id=str(clerk_with_pii.pk)).get()
    assert row.new_values == {"full_name": "甲省干事（改）", "email": ""}


def test_disabling_and_enabling_a_user_is_audited(world, signed_in):
    client = signed_in(world.system_admin)
    client.post(reverse("accounts:user_action", args=[world.county_clerk.pk]), {"action": "deactivate"})
    world.county_clerk.refresh_from_db()
    assert not world.county_clerk.is_active
    client.post(reverse("accounts:user_action", args=[world.county_clerk.pk]), {"action": "activate"})
    world.county_clerk.refresh_from_db()
    assert world.county_clerk.is_active
    assert AuditLog.objects.filter(action="status", object_id=str(world.county_clerk.pk)).count() == 2


def test_positions_in_other_organisations_are_added_and_removed(world, signed_in):
    client = signed_in(world.system_admin)
    url = reverse("accounts:position_add", args=[world.county_clerk.pk])
    client.post(url, {"organization": world.society.pk, "title": "理事"})
    position = Position.objects.get(user=world.county_clerk)
    assert position.organization == world.society
    assert AuditLog.objects.filter(action="create", object_type="accounts.position").exists()
    client.post(reverse("accounts:position_remove", args=[world.county_clerk.pk, position.pk]))
    assert not Position.objects.filter(user=world.county_clerk).exists()
    assert AuditLog.objects.filter(action="delete", object_type="accounts.position").exists()


def test_a_password_reset_gives_a_temporary_password_shown_once(world, signed_in):
    client = signed_in(world.system_admin)
    client.post(reverse("accounts:user_action", args=[world.county_clerk.pk]), {"action": "reset_password"})
    page = client.get(reverse("accounts:user_detail", args=[world.county_clerk.pk]))
    raw = page.context["temporary_password"]
    world.county_clerk.refresh_from_db()
    assert world.county_clerk.check_password(raw) and world.county_clerk.must_change_password
    again = client.get(reverse("accounts:user_detail", args=[world.county_clerk.pk]))
    assert again.context["temporary_password"] is None
