"""An S&T worker opens the login page, follows 外部用户注册, gets a code by e-mail, chooses a name and a
password, and lands on their own page 「我的主页」 with only their own menu; the staff workbench is
not theirs. The same pages fit a phone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kexie.notifications.models import MailMessage

pytestmark = pytest.mark.browser

PASSWORD = "Kexie#2027word"


def test_an_external_person_signs_up_from_the_login_page_and_lands_on_their_page(page, live_server,
                                                                                  transactional_db):
    base_url = live_server.url
    page.goto(base_url + reverse("accounts:login"))
    page.get_by_role("link", name="外部用户注册").click()
    page.wait_for_url(base_url + reverse("accounts:signup"))
    expect(page.get_by_text("本系统未开通短信验证")).to_be_visible()

    page.get_by_label("电子邮箱").fill("Liu.Yang@example.cn")
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_url(base_url + reverse("accounts:signup_verify"))
    expect(page.get_by_text("l***@example.cn")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", MailMessage.objects.get(to="liu.yang@example.cn").body).group(1)

    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="继续").click()
    page.wait_for_url(base_url + reverse("accounts:signup_complete"))
    page.get_by_label("姓名").fill("刘洋")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="创建账号").click()

    page.wait_for_url(base_url + reverse("accounts:me"))
    # Their home (科技工作者之家), headed with their own name.
    expect(page.locator("#home-head h1")).to_have_text("刘洋")
    expect(page.locator("#home-head")).to_contain_text("科技工作者之家")
    expect(page.get_by_text("账号已创建，您已登录。")).to_be_visible()
    expect(page.locator("nav.sidemenu")).to_contain_text("我的主页")
    expect(page.locator("nav.sidemenu")).not_to_contain_text("工作台")
    # The staff home sends them back to their page; a staff page is not found.
    page.goto(base_url + reverse("home"))
    page.wait_for_url(base_url + reverse("accounts:me"))
    response = page.goto(base_url + reverse("plans:list"))
    assert response.status == 404
