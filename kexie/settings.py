"""Django settings for kexie, all read from the environment.

KEXIE_ENV=production turns on the production profile: every secret must then come from the
environment and a missing one stops start-up with a message naming it.
"""

import ipaddress
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from kexie.core.env import MissingSetting, env_bool, env_int, env_list, env_str, parse_database_url, sqlite_database

BASE_DIR = Path(__file__).resolve().parent
KEXIE_ENV = env_str("KEXIE_ENV", "development")
PRODUCTION = KEXIE_ENV == "production"
DATA_DIR = Path(env_str("KEXIE_DATA_DIR", str(Path.cwd() / "var")))

if PRODUCTION:
    SECRET_KEY = env_str("KEXIE_SECRET_KEY")
    ALLOWED_HOSTS = env_list("KEXIE_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        env_str("KEXIE_ALLOWED_HOSTS")  # raises with the variable's name
    FIELD_ENCRYPTION_KEY = env_str("KEXIE_FIELD_KEY")
    AUDIT_KEY = env_str("KEXIE_AUDIT_KEY")
    DATABASES = {"default": parse_database_url(env_str("KEXIE_DATABASE_URL"))}
    DEBUG = False
else:
    # Development and test defaults: an embedded SQLite database and throw-away keys.
    SECRET_KEY = env_str("KEXIE_SECRET_KEY", "dev-only-secret-key-not-for-production-use-0123456789abcdef")
    ALLOWED_HOSTS = env_list("KEXIE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    FIELD_ENCRYPTION_KEY = env_str("KEXIE_FIELD_KEY", "00112233445566778899aabbccddeeff")
    AUDIT_KEY = env_str("KEXIE_AUDIT_KEY", "dev-only-audit-key-not-for-production-use")
    _db_url = env_str("KEXIE_DATABASE_URL", "")
    DATABASES = {
        "default": parse_database_url(_db_url) if _db_url else sqlite_database(str(DATA_DIR / "kexie.sqlite3"))
    }
    if not _db_url:
        # A fresh checkout has no var/ yet, and SQLite cannot create the folder of its file.
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    # Off by default, the demo included: a wrong address shows our own error page, not Django's
    # debug page with the URL map. A developer turns it on with KEXIE_DEBUG=true.
    DEBUG = env_bool("KEXIE_DEBUG", False)
    # Outside production whitenoise finds static files in the apps themselves: no collectstatic.
    WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "kexie.core",
    "kexie.audit",
    "kexie.organizations",
    "kexie.accounts",
    "kexie.plans",
    "kexie.tracking",
    "kexie.societies",
    "kexie.evaluation",
    "kexie.selection",
    "kexie.people",
    "kexie.panels",
    "kexie.awards",
    "kexie.demands",
    "kexie.stations",
    "kexie.activities",
    "kexie.coverage",
    "kexie.volunteers",
    "kexie.surveys",
    "kexie.visits",
    "kexie.proposals",
    "kexie.notifications",
    "kexie.dashboard",
    "kexie.workbench",
    "kexie.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files from the app itself: intranet installations have no CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kexie.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kexie.audit.refusals.RefusalAuditMiddleware",
    "kexie.core.middleware.RequestContextMiddleware",
    "kexie.accounts.middleware.AccountSecurityMiddleware",
    "kexie.accounts.middleware.ExternalAccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kexie.core.errors.MethodNotAllowedPageMiddleware",
]
# A failed CSRF check shows our 403 page in the user's language, not Django's English one.
CSRF_FAILURE_VIEW = "kexie.core.errors.csrf_failure"

ROOT_URLCONF = "kexie.urls"
WSGI_APPLICATION = "kexie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kexie.core.context_processors.navigation",
                "kexie.notifications.context_processors.unread_notifications",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "kexie.accounts.passwords.ComplexityValidator"},
]

# Sessions: the idle timeout is enforced by AccountSecurityMiddleware from the security policy;
# the cookie itself dies with the browser and never outlives a working day.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it from the cookie

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("KEXIE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The shared layout's CSS, JS and vendored htmx live in kexie/static, outside any app.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("KEXIE_STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_ROOT = Path(env_str("KEXIE_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: requests are capped here; each importer checks its own file type and size too.
KEXIE_UPLOAD_MAX_BYTES = env_int("KEXIE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = KEXIE_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kexie.api.authentication.TokenAuthentication",  # first, so anonymous calls get 401
        "kexie.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "kexie.api.schema.KexieAutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "kexie.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kexie API",
    "DESCRIPTION": "科协工作平台 REST API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "kexie.plans.models.PlanStatus",
        "PlanItemStatusEnum": "kexie.plans.models.ItemStatus",
        "PlanItemKindEnum": "kexie.plans.models.ItemKind",
        "PlanImportStatusEnum": "kexie.plans.models.ImportStatus",
        "LedgerKindEnum": "kexie.api.plans.LEDGER_KINDS",
        "OrganizationKindEnum": "kexie.organizations.models.OrgKind",
        "OrganizationStatusEnum": "kexie.organizations.models.OrgStatus",
        "AnnualReportStatusEnum": "kexie.societies.models.AnnualReportStatus",
        "SelectionRoundStatusEnum": "kexie.selection.models.RoundStatus",
        "SelectionApplicationStatusEnum": "kexie.selection.models.ApplicationStatus",
        "SocietyFlagStatusEnum": "kexie.selection.models.FlagStatus",
        "SocietyFlagKindEnum": "kexie.selection.models.FlagKind",
        "FlagDecisionActionEnum": "kexie.selection.models.DecisionAction",
        "ExpertEntryStatusEnum": "kexie.people.models.EntryStatus",
        "AwardCallStatusEnum": "kexie.awards.models.CallStatus",
        "AwardCallKindEnum": "kexie.awards.models.CallKind",
        "NominationStatusEnum": "kexie.awards.models.NominationStatus",
        "ReviewRoundStatusEnum": "kexie.panels.models.RoundStatus",
        "ReviewRoundKindEnum": "kexie.panels.models.RoundKind",
        "DemandStatusEnum": "kexie.demands.models.DemandStatus",
        "ProposalStatusEnum": "kexie.proposals.models.SubmissionStatus",
    },
}

TASKS = {
    "default": {
        "BACKEND": env_str("KEXIE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A job still marked running this long after it started is taken for dead (its worker was killed)
# and queued again, until it has been tried this many times; an e-mail still being handed to the
# mail server this long after it was claimed is sent again, with the same Message-ID. Keep the
# lease longer than the longest job (kexie/core/leases.py).
KEXIE_TASK_LEASE_SECONDS = env_int("KEXIE_TASK_LEASE_SECONDS", 30 * 60)
KEXIE_TASK_MAX_ATTEMPTS = env_int("KEXIE_TASK_MAX_ATTEMPTS", 3)
if KEXIE_TASK_LEASE_SECONDS < 1 or KEXIE_TASK_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("KEXIE_TASK_LEASE_SECONDS and KEXIE_TASK_MAX_ATTEMPTS must be at least 1")

# Outgoing mail (notifications, reminders, urging notices) goes through SMTP: KEXIE_EMAIL_HOST, or
# in production without it the local mail relay on localhost. In development and the demo without
# a host, messages are printed to the console. Delivery is a background job that keeps every
# message in an outbox table until sent.
_EMAIL_HOST = env_str("KEXIE_EMAIL_HOST", "")
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_EMAIL_BACKEND = env_str("KEXIE_EMAIL_BACKEND", _SMTP if _EMAIL_HOST or PRODUCTION
                         else "django.core.mail.backends.console.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            "host": _EMAIL_HOST or "localhost",
            "port": env_int("KEXIE_EMAIL_PORT", 25),
            "username": env_str("KEXIE_EMAIL_USER", ""),
            "password": env_str("KEXIE_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("KEXIE_EMAIL_USE_TLS", False),
            "use_ssl": env_bool("KEXIE_EMAIL_USE_SSL", False),
            "timeout": env_int("KEXIE_EMAIL_TIMEOUT", 20),
        } if _EMAIL_BACKEND == _SMTP else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("KEXIE_EMAIL_FROM", "kexie@localhost")
# A failed message is tried again on later runs of the delivery job, at most this many times.
KEXIE_EMAIL_MAX_ATTEMPTS = env_int("KEXIE_EMAIL_MAX_ATTEMPTS", 5)
# The address of the site as users reach it, for links in e-mails (e.g. https://kexie.example.cn).
KEXIE_SITE_URL = env_str("KEXIE_SITE_URL", "").rstrip("/")
# Reminders (提醒) go this many days before a cycle's filing due date; the urging notice (催办) the
# day after it, and this many days after the first urging notice a second one to the unit's head.
KEXIE_REMIND_DAYS_BEFORE = env_int("KEXIE_REMIND_DAYS_BEFORE", 3)
KEXIE_URGE_ESCALATE_DAYS = env_int("KEXIE_URGE_ESCALATE_DAYS", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "kexie.core.masking.MaskingLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_pii"]},
    },
    "root": {"handlers": ["console"], "level": env_str("KEXIE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Content-Security-Policy, in every environment (the browser tests fail on a violation): the app
# serves every script, style, font and image itself; no inline script, handler or style attribute.
# data: images are the second-factor QR code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The audit chain is keyed (HMAC) with a key kept apart from the database, so whoever can write to
# the database cannot recompute it; keys it was keyed with before stay readable for verification.
# Checkpoints of its length and head go to an append-only file outside the database (and the log).
AUDIT_PREVIOUS_KEYS = env_list("KEXIE_AUDIT_PREVIOUS_KEYS", [])
if len(AUDIT_KEY) < 16:
    raise MissingSetting("Environment variable KEXIE_AUDIT_KEY must be at least 16 characters long.")
AUDIT_CHECKPOINT_FILE = Path(env_str("KEXIE_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.log")))
AUDIT_CHECKPOINT_MINUTES = env_int("KEXIE_AUDIT_CHECKPOINT_MINUTES", 10)

# The cache: per process (local memory) unless KEXIE_REDIS_URL names a Redis server, which every
# gunicorn worker then shares. The rate limits count in it (kexie.core.ratelimit), so production
# needs the shared one: with a per-process cache each worker counts apart and a limit of N lets
# N per worker through (`kexie check --deploy` warns).
KEXIE_REDIS_URL = env_str("KEXIE_REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": KEXIE_REDIS_URL,
                "KEY_PREFIX": env_str("KEXIE_CACHE_PREFIX", "kexie")}
    if KEXIE_REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Public users (external accounts: S&T workers, enterprise contacts). Self sign-up with a verified
# e-mail address or mobile number: on in development and the demo, off in production unless an
# installation opens it (invitations work either way).
KEXIE_PUBLIC_SIGNUP = env_bool("KEXIE_PUBLIC_SIGNUP", not PRODUCTION)
# Text messages go through a gateway class (dotted path): none by default, so the mobile option is
# not offered. kexie.accounts.sms.ConsoleBackend prints them (development);
# kexie.accounts.sms.HttpGatewayBackend posts them to KEXIE_SMS_URL with KEXIE_SMS_KEY.
KEXIE_SMS_BACKEND = env_str("KEXIE_SMS_BACKEND", "")
KEXIE_SMS_URL = env_str("KEXIE_SMS_URL", "")
KEXIE_SMS_KEY = env_str("KEXIE_SMS_KEY", "")
KEXIE_SMS_TIMEOUT = env_int("KEXIE_SMS_TIMEOUT", 10)
# An invitation link works this many days, once.
KEXIE_INVITATION_DAYS = env_int("KEXIE_INVITATION_DAYS", 7)
# django-ratelimit counts by the address kexie.core.middleware.client_ip gives (trusted proxies only).
RATELIMIT_IP_META_KEY = "kexie.core.middleware.client_ip"

# The OpenAPI schema and its docs page: open in development, for signed-in users in production.
API_DOCS_PUBLIC = env_bool("KEXIE_API_DOCS_PUBLIC", not PRODUCTION)

# Addresses (or networks) whose X-Real-IP header names the client: the reverse proxy. By default
# this machine only, where nginx runs in front of gunicorn (docs/production.md).
TRUSTED_PROXIES = env_list("KEXIE_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"KEXIE_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network") from None

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("KEXIE_SSL_REDIRECT", True)
    # A load balancer probes each application server directly over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("KEXIE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("KEXIE_HSTS_PRELOAD", False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    CSRF_TRUSTED_ORIGINS = env_list("KEXIE_CSRF_TRUSTED_ORIGINS", [])
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    # Hashed, pre-compressed names so browsers may cache static files for good (needs collectstatic).
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
