"""Production settings: `kexie check --deploy` is clean, a missing variable stops start-up with a
one-line message naming it, and static files are served by the app itself (whitenoise)."""

import secrets

import pytest
from django.conf import settings

from tests.test_cli import run_kexie


def production_env(tmp_path, **overrides) -> dict:
    env = {
        "KEXIE_ENV": "production",
        "KEXIE_SECRET_KEY": secrets.token_urlsafe(50),
        "KEXIE_ALLOWED_HOSTS": "kexie.example.cn,testserver",
        "KEXIE_FIELD_KEY": secrets.token_hex(16),
        "KEXIE_AUDIT_KEY": secrets.token_urlsafe(32),
        "KEXIE_DATABASE_URL": "postgres://kexie:secret@db.example.cn:5432/kexie",
        "KEXIE_CSRF_TRUSTED_ORIGINS": "https://kexie.example.cn",
        "KEXIE_DATA_DIR": str(tmp_path),
        "KEXIE_STATIC_ROOT": str(tmp_path / "static"),
        "KEXIE_REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_kexie("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_the_rate_limits_would_count_per_worker(tmp_path):
    result = run_kexie("check", "--deploy", "--fail-level", "WARNING",
                       env=production_env(tmp_path, KEXIE_REDIS_URL=None))

    assert result.returncode != 0 and "kexie.W001" in result.stderr and "KEXIE_REDIS_URL" in result.stderr


def test_check_deploy_would_catch_an_insecure_setting(tmp_path):
    # Proves the check above can fail: a short secret key is reported.
    result = run_kexie("check", "--deploy", "--fail-level", "WARNING",
                       env=production_env(tmp_path, KEXIE_SECRET_KEY="short"))

    assert result.returncode != 0 and "security.W009" in result.stderr


@pytest.mark.parametrize("name", ["KEXIE_SECRET_KEY", "KEXIE_ALLOWED_HOSTS", "KEXIE_FIELD_KEY", "KEXIE_AUDIT_KEY",
                                  "KEXIE_DATABASE_URL"])
def test_a_missing_required_variable_fails_fast_naming_it(tmp_path, name):
    result = run_kexie("check", env=production_env(tmp_path, **{name: None}))

    assert result.returncode != 0
    assert name in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_short_audit_key_is_refused_naming_it(tmp_path):
    result = run_kexie("check", env=production_env(tmp_path, KEXIE_AUDIT_KEY="short"))

    assert result.returncode != 0
    assert "KEXIE_AUDIT_KEY" in result.stderr and "Traceback" not in result.stderr


def test_a_malformed_database_url_is_named(tmp_path):
    result = run_kexie("check", env=production_env(tmp_path, KEXIE_DATABASE_URL="mysql://x@y/z"))

    assert result.returncode != 0
    assert "KEXIE_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_whitenoise_comes_right_after_the_security_middleware():
    position = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    assert settings.MIDDLEWARE[position + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"


def test_production_serves_collected_static_files_from_the_app(tmp_path):
    env = production_env(tmp_path)
    collected = run_kexie("collectstatic", "--no-input", "-v", "0", env=env)
    assert collected.returncode == 0, collected.stderr

    fetch = ("from django.test import Client\n"
             "from django.templatetags.static import static\n"
             "url = static('kexie/kexie.css')\n"
             "r = Client().get(url, secure=True, HTTP_HOST='kexie.example.cn')\n"
             "print(url, r.status_code, r.headers.get('Cache-Control'), sep='|')\n")
    result = run_kexie("shell", "-v", "0", "-c", fetch, env=env)

    url, status, cache_control = result.stdout.strip().split("|")
    assert status == "200", result.stdout + result.stderr
    assert url.startswith("/static/kexie/kexie.") and url != "/static/kexie/kexie.css"  # hashed name
    assert "immutable" in cache_control
    assert (tmp_path / "static" / "vendor" / "htmx.min.js").exists()
