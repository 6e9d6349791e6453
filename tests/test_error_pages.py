"""Errors show our own pages, in Chinese, in the demo too: never Django's debug page with the URL
map, never a blank page; and the site icon comes from the app itself."""

import textwrap

import pytest
from django.test import Client
from django.urls import path, reverse

from tests.test_cli import fresh_env, migrated_db, run_kexie  # noqa: F401 - fixtures

URL_MAP_MARKERS = ("Using the URLconf", "kexie.urls", "URL patterns", "DEBUG = True", "api/v1/")

PROBE = textwrap.dedent("""
    from django.conf import settings
    from django.test import Client
    response = Client().get("/no-such-page/")
    print("DEBUG", settings.DEBUG)
    print("STATUS", response.status_code)
    print(response.content.decode())
""")


def test_the_demo_settings_show_the_chinese_not_found_page_not_the_url_map(fresh_env):
    result = run_kexie("shell", "-c", PROBE, env=fresh_env())

    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout and "STATUS 404" in result.stdout
    assert "未找到" in result.stdout
    assert not [marker for marker in URL_MAP_MARKERS if marker in result.stdout]


def test_a_developer_may_still_turn_debugging_on(fresh_env):
    result = run_kexie("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                       env={**fresh_env(), "KEXIE_DEBUG": "true"})

    assert result.stdout.strip().splitlines()[-1] == "True"


def test_a_wrong_address_shows_the_chinese_page_to_a_visitor_and_to_a_signed_in_user(world, client, signed_in):
    anonymous = client.get("/no-such-page/")
    assert anonymous.status_code == 404
    assert "未找到" in anonymous.content.decode() and reverse("accounts:login") in anonymous.content.decode()

    page = signed_in(world.county_clerk).get("/no-such-page/").content.decode()
    assert "未找到" in page and "返回首页" in page
    assert not [marker for marker in URL_MAP_MARKERS if marker in page]


def test_a_refused_method_has_a_page_with_the_allowed_methods_kept(world, client, signed_in):
    anonymous = client.get(reverse("accounts:logout"))  # sign-out takes POST only
    assert anonymous.status_code == 405 and anonymous["Allow"] == "POST"
    assert "无法以这种方式操作" in anonymous.content.decode()

    page = signed_in(world.audit_admin).post(reverse("audit:list"))
    assert page.status_code == 405 and page["Allow"] == "GET"
    assert "无法以这种方式操作" in page.content.decode() and "审计管理员" in page.content.decode()


def test_the_api_keeps_its_own_json_answer_to_a_refused_method(world, signed_in):
    response = signed_in(world.national_clerk).delete("/api/v1/me/")

    assert response.status_code == 405 and response["Content-Type"].startswith("application/json")


def test_a_bad_request_shows_the_chinese_page(db):
    response = Client().get("/", HTTP_HOST="not-our-host.example")

    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_an_expired_form_shows_the_chinese_page_not_the_english_csrf_one(db):
    response = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "表单已过期" in page and "CSRF verification failed" not in page


def _broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", _broken_view)]


def test_a_server_error_shows_the_chinese_page(db, settings):
    settings.ROOT_URLCONF = __name__

    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器错误" in page and "a bug" not in page and "Traceback" not in page


# --- the site icon ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/favicon.ico", "/static/kexie/favicon.ico"])
def test_the_site_icon_is_served_by_the_app(db, client, url):
    response = client.get(url)

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_names_the_icon(db, client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert 'rel="icon" href="/static/kexie/favicon.ico"' in page
