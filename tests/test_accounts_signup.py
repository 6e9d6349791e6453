"""Public users get their accounts by invitation or by a verified e-mail address or mobile number
(text messages only through a configured gateway), and reset a forgotten password the same way.
Codes are six digits, stored as digests, expire, allow a few wrong tries and work once; each step
is limited per address and per account; every account made is external and audited."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from kexie.accounts import sms
from kexie.accounts.models import Invitation, User, VerificationCode
from kexie.audit.models import AuditLog
from kexie.core import ratelimit
from kexie.notifications.models import MailMessage
from tests.personas import PASSWORD, make_external, sign_in

NEW_PASSWORD = "Kexie#2027word"


def mailed_code(address: str) -> str:
    body = MailMessage.objects.filter(to__iexact=address).order_by("-id").first().body
    return re.search(r"\b(\d{6})\b", body).group(1)


def sign_up(client, address="li.na@example.cn", *, name="李娜", password=NEW_PASSWORD, code=None):
    assert client.post(reverse("accounts:signup"), {"address": address}).status_code == 302
    response = client.post(reverse("accounts:signup_verify"), {"code": code or mailed_code(address)})
    if response.status_code != 302 or response["Location"] != reverse("accounts:signup_complete"):
        return response
    return client.post(reverse("accounts:signup_complete"),
                       {"full_name": name, "password1": password, "password2": password})


# --- self sign-up -------------------------------------------------------------------------------

def test_a_person_signs_up_with_a_verified_e_mail_and_lands_on_their_page(db, client):
    response = sign_up(client, "Li.Na@Example.cn")

    assert response.status_code == 302 and response["Location"] == reverse("accounts:me")
    user = User.objects.get(username="li.na@example.cn")
    assert user.is_external and user.email == "li.na@example.cn" and user.full_name == "李娜"
    assert user.check_password(NEW_PASSWORD) and not user.must_change_password
    assert not user.roles.exists() and user.organization_id is None
    # Signed in, on their own page.
    assert "李娜" in client.get(reverse("accounts:me")).content.decode()
    actions = list(AuditLog.objects.filter(object_type="accounts.user", object_id=str(user.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions[:3] == ["create", "password", "login"]
    # The recorded values mask the address (the account signs in with it: that is its username).
    created = AuditLog.objects.get(action="create", object_id=str(user.pk))
    assert created.new_values["email"] == "l***@example.cn" and created.new_values["kind"] == "external"


def test_the_code_is_stored_as_a_digest_and_the_address_encrypted(db, client):
    client.post(reverse("accounts:signup"), {"address": "li.na@example.cn"})

    row = VerificationCode.objects.get()
    code = mailed_code("li.na@example.cn")
    assert code not in row.code_digest and "li.na" not in row.address_encrypted
    assert row.address == "li.na@example.cn"
    assert row.expires_at - row.created_at == dt.timedelta(minutes=10)
    assert "验证码" in MailMessage.objects.get().subject


def test_a_wrong_code_counts_and_five_kill_it(db, client):
    client.post(reverse("accounts:signup"), {"address": "li.na@example.cn"})
    right = mailed_code("li.na@example.cn")
    wrong = "000000" if right != "000000" else "111111"

    pages = [client.post(reverse("accounts:signup_verify"), {"code": wrong}).content.decode() for _ in range(5)]

    assert "还可尝试 4 次" in pages[0] and "已无剩余尝试次数" in pages[4]
    late = client.post(reverse("accounts:signup_verify"), {"code": right})
    assert late.status_code == 400 and "已过期或尝试次数过多" in late.content.decode()
    assert not User.objects.filter(kind="external").exists()


def test_an_expired_code_is_refused(db, client):
    client.post(reverse("accounts:signup"), {"address": "li.na@example.cn"})
    VerificationCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = client.post(reverse("accounts:signup_verify"), {"code": mailed_code("li.na@example.cn")})

    assert response.status_code == 400 and "已过期" in response.content.decode()


def test_a_verified_code_makes_one_account_only(db, client):
    sign_up(client)
    client.logout()

    # The same session data replayed: the code was used.
    session = client.session
    session["kexie_signup"] = {"code": VerificationCode.objects.get().pk, "verified": True}
    session.save()
    response = client.post(reverse("accounts:signup_complete"),
                           {"full_name": "冒名", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:signup")
    assert User.objects.filter(kind="external").count() == 1


def test_an_address_with_an_account_gets_no_second_one(db, client):
    make_external("li.na@example.cn")

    response = sign_up(client)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert User.objects.filter(username="li.na@example.cn").count() == 1


def test_the_password_follows_the_project_rules(db, client):
    response = sign_up(client, password="short")

    assert response.status_code == 400
    assert "至少" in response.content.decode()
    assert not User.objects.filter(kind="external").exists()


def test_without_an_sms_gateway_the_mobile_option_is_not_offered(db, client):
    page = client.get(reverse("accounts:signup")).content.decode()
    assert "未开通短信验证" in page

    response = client.post(reverse("accounts:signup"), {"address": "13912345678"})
    assert response.status_code == 400 and "未开通短信验证" in response.content.decode()
    assert not VerificationCode.objects.exists()


def test_with_a_gateway_a_person_signs_up_by_text_message(db, client, settings):
    settings.KEXIE_SMS_BACKEND = "kexie.accounts.sms.LocmemBackend"
    sms.outbox.clear()

    assert "手机号" in client.get(reverse("accounts:signup")).content.decode()
    client.post(reverse("accounts:signup"), {"address": "139 1234 5678"})
    (mobile, text), = sms.outbox
    code = re.search(r"\d{6}", text).group(0)
    client.post(reverse("accounts:signup_verify"), {"code": code})
    response = client.post(reverse("accounts:signup_complete"),
                           {"full_name": "王芳", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert mobile == "13912345678" and response["Location"] == reverse("accounts:me")
    user = User.objects.get(username="13912345678")
    assert user.is_external and user.mobile == "13912345678" and user.email == ""


def test_self_sign_up_can_be_turned_off(db, client, settings):
    settings.KEXIE_PUBLIC_SIGNUP = False

    assert client.get(reverse("accounts:signup")).status_code == 404
    assert client.post(reverse("accounts:signup"), {"address": "li.na@example.cn"}).status_code == 404
    assert "外部用户注册" not in client.get(reverse("accounts:login")).content.decode()


def test_a_sign_up_carrying_fields_it_does_not_ask_for_is_refused(db, client):
    response = client.post(reverse("accounts:signup"), {"address": "li.na@example.cn", "id_number": "110101199003074578"})

    assert response.status_code == 400 and "未要求填写的项目" in response.content.decode()
    assert not VerificationCode.objects.exists()


# --- rate limits on sign-up, codes and reset ----------------------------------------------------

@pytest.fixture
def rates(monkeypatch):
    def set_rates(group, **limits):
        monkeypatch.setitem(ratelimit.RATES, group, {"ip": "1000/h", "account": "1000/h", **limits})
    return set_rates


def test_codes_sent_to_one_address_are_limited(db, client, rates):
    rates("signup", account="2/10m")

    answers = [client.post(reverse("accounts:signup"), {"address": "li.na@example.cn"}).status_code
               for _ in range(3)]

    assert answers == [302, 302, 429]
    assert VerificationCode.objects.count() == 2 and MailMessage.objects.count() == 2
    assert AuditLog.objects.filter(action="rate_limited", detail__startswith="signup: account").count() == 1


def test_codes_sent_from_one_address_are_limited(db, client, rates):
    rates("signup", ip="2/h")

    answers = [client.post(reverse("accounts:signup"), {"address": f"p{i}@example.cn"}).status_code
               for i in range(3)]

    assert answers == [302, 302, 429]


def test_code_entry_is_limited_per_code_and_per_address(db, client, rates):
    rates("code", account="3/10m")
    client.post(reverse("accounts:signup"), {"address": "li.na@example.cn"})

    answers = [client.post(reverse("accounts:signup_verify"), {"code": "999999"}).status_code for _ in range(4)]

    assert answers[:3] == [400, 400, 400] and answers[3] == 429
    assert VerificationCode.objects.get().attempts == 3


def test_password_reset_requests_are_limited(db, client, rates):
    rates("password_reset", account="1/10m")

    answers = [client.post(reverse("accounts:password_reset"), {"address": "li.na@example.cn"}).status_code
               for _ in range(2)]

    assert answers == [302, 429]


# --- password reset -----------------------------------------------------------------------------

def test_an_external_person_resets_the_password_by_code_and_every_session_ends(db, client, settings):
    user = make_external("li.na@example.cn")
    other = type(client)()
    sign_in(other, user)
    Token.objects.create(user=user)

    client.post(reverse("accounts:password_reset"), {"address": "li.na@example.cn"})
    response = client.post(reverse("accounts:password_reset_confirm"), {
        "code": mailed_code("li.na@example.cn"), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and user.sessions_revoked_at is not None
    assert not Token.objects.filter(user=user).exists()
    # The session signed in before the reset is over.
    assert other.get(reverse("accounts:me"))["Location"].startswith(reverse("accounts:login"))
    assert AuditLog.objects.filter(action="password", object_id=str(user.pk)).exists()
    assert client.post(reverse("accounts:login"), {"username": "li.na@example.cn", "password": NEW_PASSWORD})[
        "Location"] == reverse("accounts:me")


def test_a_reset_for_an_unknown_or_staff_address_answers_the_same_and_sends_nothing(world, client):
    world.county_clerk.email = "county@example.cn"
    world.county_clerk.save()

    for address in ("nobody@example.cn", "county@example.cn"):
        response = client.post(reverse("accounts:password_reset"), {"address": address})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_confirm")
    assert not MailMessage.objects.exists()
    response = client.post(reverse("accounts:password_reset_confirm"), {
        "code": "123456", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 400
    world.county_clerk.refresh_from_db()
    assert world.county_clerk.check_password(PASSWORD)


# --- invitations --------------------------------------------------------------------------------

def invite(client, address="zhao.lei@example.cn", name="赵磊"):
    return client.post(reverse("accounts:invitations"), {"address": address, "full_name": name})


def invitation_link(address="zhao.lei@example.cn") -> str:
    body = MailMessage.objects.filter(to=address).get().body
    return re.search(r"/accounts/invitation/[\w-]+/", body).group(0)


def test_a_provincial_clerk_invites_a_person_who_opens_an_account_once(world, client, signed_in):
    staff = signed_in(world.provincial_clerk)
    assert invite(staff).status_code == 302
    link = invitation_link()
    invitation = Invitation.objects.get()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_digest and invitation.created_by == world.provincial_clerk
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)
    assert "z***@example.cn" in staff.get(reverse("accounts:invitations")).content.decode()
    staff.logout()

    page = client.get(link).content.decode()
    assert "赵磊" in page and "甲省干事" in page
    response = client.post(link, {"full_name": "赵磊", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response["Location"] == reverse("accounts:me")
    user = User.objects.get(username="zhao.lei@example.cn")
    assert user.is_external and user.created_by == world.provincial_clerk
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.account == user
    client.logout()
    again = client.post(link, {"full_name": "别人", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert again.status_code == 404 and User.objects.filter(kind="external").count() == 1


def test_an_expired_invitation_is_refused(world, client, signed_in):
    invite(signed_in(world.provincial_clerk))
    link = invitation_link()
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    client.logout()

    response = client.post(link, {"full_name": "赵磊", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 404 and "已过期或已被使用" in response.content.decode()
    assert not User.objects.filter(kind="external").exists()


def test_only_holders_of_the_invite_code_invite(world, signed_in):
    assert invite(signed_in(world.county_clerk)).status_code == 403
    assert not Invitation.objects.exists()


def test_an_address_with_an_account_is_not_invited(world, signed_in):
    make_external("zhao.lei@example.cn")

    response = invite(signed_in(world.provincial_clerk))

    assert response.status_code == 400 and "已有账号" in response.content.decode()
