"""A person record linked to its platform account: found by address or user name, never two
persons on one account, linked on accepting an invitation, kept through a merge and its undo."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from kexie.accounts import public
from kexie.accounts.models import Invitation
from kexie.audit.models import AuditLog
from kexie.notifications.models import MailMessage
from kexie.people import services
from kexie.people.models import Person
from tests.people.helpers import person
from tests.personas import make_external, make_user


def test_an_external_account_is_found_by_its_address_and_a_staff_account_by_its_user_name(world):
    by = world.provincial_clerk
    wang, li = person(world, "王专家"), person(world, "李专家")
    external = make_external("Wang.Zhuanjia@example.cn")
    staff = make_user("li_zhuanjia", world.city_a)

    services.person_link_account(by=by, person=wang, address=" wang.zhuanjia@EXAMPLE.cn ")
    services.person_link_account(by=by, person=li, address="LI_ZHUANJIA")

    assert Person.objects.get(pk=wang.pk).account == external and external.person == wang
    assert Person.objects.get(pk=li.pk).account == staff
    row = AuditLog.objects.filter(action="update", object_type="people.person", object_id=str(wang.pk)).get()
    assert row.user_id == by.pk and row.new_values == {"account": external.pk}


def test_linking_is_refused_with_a_message_naming_the_field_when_no_account_or_it_is_taken(world):
    by = world.provincial_clerk
    wang, li = person(world, "王专家"), person(world, "李专家")
    with pytest.raises(ValidationError) as refused:
        services.person_link_account(by=by, person=wang, address="nobody@example.cn")
    assert refused.value.message_dict == {"address": ["没有使用该电子邮箱、手机号或用户名的有效账号。"]}

    make_external("wang@example.cn")
    services.person_link_account(by=by, person=wang, address="wang@example.cn")
    with pytest.raises(ValidationError) as refused:
        services.person_link_account(by=by, person=li, address="wang@example.cn")
    assert refused.value.message_dict == {"address": ["该账号已关联其他人员记录。"]}
    assert Person.objects.get(pk=li.pk).account is None


def test_linking_needs_person_manage_within_the_scope(world):
    wang = person(world, "王专家")
    make_external("wang@example.cn")
    with pytest.raises((PermissionDenied, Http404)):
        services.person_link_account(by=world.county_clerk, person=wang, address="wang@example.cn")
    assert Person.objects.get(pk=wang.pk).account is None


def test_accepting_the_invitation_links_the_new_account_to_the_person(world):
    wang = person(world, "王专家", email="wang.new@example.cn")
    invited = services.person_invite_account(by=world.provincial_clerk, person=wang)
    assert MailMessage.objects.filter(to="wang.new@example.cn").exists()
    assert Person.objects.get(pk=wang.pk).account_invitation == invited.invitation

    token = re.search(r"/([^/]+)/$", invited.link).group(1)
    account = public.invitation_accept(token=token, full_name="王专家", password="Kexie@2026pass")

    assert Person.objects.get(pk=wang.pk).account == account
    row = AuditLog.objects.filter(action="update", object_type="people.person", user_id=account.pk).get()
    assert row.new_values == {"account": account.pk}


def test_an_invitation_is_refused_without_an_address_or_when_the_address_has_an_account(world):
    by = world.provincial_clerk
    with pytest.raises(ValidationError) as refused:
        services.person_invite_account(by=by, person=person(world, "无邮箱"))
    assert "没有电子邮箱或手机号" in str(refused.value)
    make_external("taken@example.cn")
    with pytest.raises(ValidationError) as refused:
        services.person_invite_account(by=by, person=person(world, "已有账号", email="taken@example.cn"))
    assert "无法发送邀请" in str(refused.value)
    assert not Invitation.objects.exists()


def test_a_merge_keeps_the_account_with_the_surviving_record_and_undo_gives_it_back(world):
    by = world.provincial_clerk
    kept, absorbed = person(world, "张伟"), person(world, "张伟", unit="乙大学")
    account = make_external("zhangwei@example.cn")
    services.person_link_account(by=by, person=absorbed, address="zhangwei@example.cn")

    merge = services.person_merge(by=by, kept=kept, absorbed=absorbed)
    assert Person.objects.get(pk=kept.pk).account == account
    assert Person.objects.get(pk=absorbed.pk).account is None

    services.merge_undo(by=by, merge=merge)
    assert Person.objects.get(pk=absorbed.pk).account == account
    assert Person.objects.get(pk=kept.pk).account is None


def test_records_linked_to_two_different_accounts_are_not_merged(world):
    by = world.provincial_clerk
    kept, absorbed = person(world, "张伟"), person(world, "张伟", unit="乙大学")
    make_external("a@example.cn")
    make_external("b@example.cn")
    services.person_link_account(by=by, person=kept, address="a@example.cn")
    services.person_link_account(by=by, person=absorbed, address="b@example.cn")
    with pytest.raises(ValidationError) as refused:
        services.person_merge(by=by, kept=kept, absorbed=absorbed)
    assert "请先解除其中一条的关联" in str(refused.value)
    assert Person.objects.get(pk=absorbed.pk).merged_into is None


def test_the_person_page_links_and_unlinks_the_account(world, signed_in):
    wang = person(world, "王专家")
    make_external("wang@example.cn")
    client = signed_in(world.provincial_clerk)
    page = client.get(reverse("people:detail", args=[wang.pk])).content.decode()
    assert 'id="account-link"' in page and 'id="account-invite"' in page

    response = client.post(reverse("people:account_link", args=[wang.pk]), {"address": "nobody@example.cn"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["没有使用该电子邮箱、手机号或用户名的有效账号。"]
    client.post(reverse("people:account_link", args=[wang.pk]), {"address": "wang@example.cn"})
    page = client.get(reverse("people:detail", args=[wang.pk])).content.decode()
    assert 'id="account-linked"' in page and "w***@example.cn" in page

    client.post(reverse("people:account_unlink", args=[wang.pk]))
    assert Person.objects.get(pk=wang.pk).account is None
