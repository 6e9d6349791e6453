"""Chinese is the default UI language; English is a choice the user makes."""

from django.conf import settings


def test_pages_are_chinese_even_for_a_browser_that_prefers_english(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_the_language_switch_turns_pages_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "en"
    assert "登录" not in response.content.decode()


def test_api_clients_may_ask_for_english(client, db):
    response = client.get("/api/v1/organizations/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"


def test_every_permission_has_a_chinese_name():
    """The role form lists every permission by name: none may show in English on a Chinese page."""
    import re

    from django.utils import translation

    from kexie.accounts.permissions import PERMISSIONS

    with translation.override("zh-hans"):
        untranslated = [code for code, label in PERMISSIONS.items() if not re.search(r"[\u4e00-\u9fff]", str(label))]
    assert untranslated == []
