"""Claimscope settings, all read from the environment (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def mailer_from_url(url: str) -> dict[str, Any]:
    """The default mailer from one URL: `smtp://user:password@host:587` (STARTTLS),
    `smtps://user:password@host:465` (TLS), or empty for the console (printed, not sent)."""
    if not url:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL must start with smtp:// or smtps://, not {url!r}.")
    options = {
        "host": parts.hostname or "localhost",
        "port": parts.port or (465 if parts.scheme == "smtps" else 587),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": parts.scheme == "smtp",
        "use_ssl": parts.scheme == "smtps",
    }
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "axes",
    "django_tasks_db",
    "claims",
]

MIDDLEWARE = [
    "claims.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

# Article text and notes are untrusted: no inline script may run, scripts and styles come only
# from our own static files, and pages make requests only to this origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "annotator.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "annotator.wsgi.application"
ASGI_APPLICATION = "annotator.asgi.application"

# SQLite under var/ is the zero-setup default for `make run`; production and CI use PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'claimscope.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A reused connection the server has dropped (a restart, a killed backend) is
        # replaced at the start of the next request instead of failing it.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Throttle counters, sign-in lockouts and anything else cached. With REDIS_URL every worker
# and server shares them; without it each process keeps its own (so limits are per process).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background work (suggested tags after an upload, corpus-wide suggestion runs) goes through
# Django's tasks framework. Tasks are rows in the database (django-tasks-db), run by
# `manage.py db_worker`: as many workers as you like, on any server sharing the database.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Sign-in protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username,
# or from one address, further attempts are refused for AXES_COOLOFF_MINUTES. Attempts and
# lockouts are recorded in the database and listed in the admin site.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy, the client's address is the first in X-Forwarded-For.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if env_bool("TRUST_X_FORWARDED_FOR", False)
    else ["REMOTE_ADDR"]
)

# Password reset mails: printed on the console unless EMAIL_URL names an SMTP server.
MAILERS = {"default": mailer_from_url(os.environ.get("EMAIL_URL", ""))}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "claimscope@localhost")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Uploaded originals: in the database by default (every app server reads them; written in the
# article's transaction). ORIGINALS_STORAGE=files keeps them through Django's storage API
# instead: STORAGES["originals"], a folder under MEDIA_ROOT unless ORIGINALS_STORAGE_BACKEND
# names another backend (object storage through django-storages: docs/configuration.md).
ORIGINALS_STORAGE = os.environ.get("ORIGINALS_STORAGE", "database")
if ORIGINALS_STORAGE not in ("database", "files"):
    raise ImproperlyConfigured(
        f"ORIGINALS_STORAGE is {ORIGINALS_STORAGE!r}; it must be 'database' or 'files'."
    )
STORAGES["originals"] = {
    "BACKEND": os.environ.get(
        "ORIGINALS_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
    )
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "claims:article_list"
LOGOUT_REDIRECT_URL = "login"

# Uploads: anything larger is refused before it is read in full.
MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "10"))
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# What reading one upload may cost (claims/ingest/limits.py); over any of them is a 400.
MAX_UNPACKED_MB = int(os.environ.get("MAX_UNPACKED_MB", str(20 * MAX_UPLOAD_MB)))
MAX_COMPRESSION_RATIO = int(os.environ.get("MAX_COMPRESSION_RATIO", "100"))
MAX_PDF_PAGES = int(os.environ.get("MAX_PDF_PAGES", "1000"))
MAX_TEXT_CHARS = int(os.environ.get("MAX_TEXT_CHARS", str(MAX_UPLOAD_BYTES)))
MAX_HTML_ELEMENTS = int(os.environ.get("MAX_HTML_ELEMENTS", "100000"))
# Let Django stream large files to disk instead of memory; our own check refuses them.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024

# This site's public address, the base of the IRIs it publishes (claims/iris.py). Unset, pages
# and the API build them from the address each request came to; commands need it set.
CLAIMSCOPE_BASE_URL = os.environ.get("CLAIMSCOPE_BASE_URL", "").rstrip("/")
# Tags are published with stable IRIs (W3C tagging bodies point at them); unset, each is its
# vocabulary page on this site.
CLAIMSCOPE_TAG_IRI_BASE = os.environ.get("CLAIMSCOPE_TAG_IRI_BASE", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header turns "not signed in" into a 401.
        "claims.api.throttling.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claims.permissions.HasRole"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # JSON bodies only (415 otherwise); the article upload also takes a multipart file.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["claims.api.throttling.PerTokenThrottle"],
    "DEFAULT_SCHEMA_CLASS": "claims.api.schema.ApiSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "claims.api.params.ContentNegotiation",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "claims.api.errors.api_exception_handler",
}

# Requests per caller (API token, else user, else address), e.g. "600/min"; empty turns it off.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "1200/min")
# Requests with a wrong API token, per address; past it, even a right one waits.
API_AUTH_FAILURE_RATE = os.environ.get("API_AUTH_FAILURE_RATE", "30/min")
API_PAGE_SIZE = int(os.environ.get("API_PAGE_SIZE", "100"))
API_MAX_PAGE_SIZE = 500
API_BULK_MAX = int(os.environ.get("API_BULK_MAX", "10000"))
# Articles in one bulk import request (POST /api/v1/articles/bulk/); the request body is
# bounded by DATA_UPLOAD_MAX_MEMORY_SIZE too.
MAX_BULK_ARTICLES = int(os.environ.get("MAX_BULK_ARTICLES", "1000"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Claimscope API",
    "DESCRIPTION": (
        "Articles split into sentences, the tag vocabulary, reviewers' annotations and counts. "
        "Authenticate with `Authorization: Token KEY` (create a token on your "
        "[profile page](/profile/)) or a browser session. "
        "Offsets are Unicode code points into the article's `text`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "claims.models.Article.Status",
        # Corpus suggestion runs and cluster rebuilds go through the same states.
        "JobStateEnum": "claims.models.ClusterJob.State",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims.api.schema.w3c_components",
    ],
}

# The organisation that publishes the reviews (ClaimReview `author`): its name and home page
# (unset: this site's address). CLAIMSCOPE_ORGANISATION is the name's older spelling.
CLAIMSCOPE_ORGANIZATION_NAME = os.environ.get(
    "CLAIMSCOPE_ORGANIZATION_NAME",
    os.environ.get("CLAIMSCOPE_ORGANISATION", "Claimscope reviewers"),
)
CLAIMSCOPE_ORGANIZATION_URL = os.environ.get("CLAIMSCOPE_ORGANIZATION_URL", "")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Behind a TLS-terminating proxy. Trust X-Forwarded-Proto only when a proxy sets it: a client
# could send it otherwise.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
# /healthz answers load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "claims.middleware.RequestIdFilter"}},
    "formatters": {
        "with_request_id": {"format": "%(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "with_request_id",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"trafilatura": {"level": "ERROR"}},
}
