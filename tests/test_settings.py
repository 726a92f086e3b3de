"""Settings come from the environment, and production refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _settings_value(expression: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", f"import annotator.settings as s; print({expression})"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _settings_value("s.SECRET_KEY", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_reads_upload_limit_hosts_and_database_from_the_environment():
    result = _settings_value(
        "s.MAX_UPLOAD_BYTES, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE']",
        SECRET_KEY="x",
        MAX_UPLOAD_MB="3",
        ALLOWED_HOSTS="claims.example.org, localhost",
        DATABASE_URL="postgres://u:p@db.example.org:5432/claimscope",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "3145728 ['claims.example.org', 'localhost'] django.db.backends.postgresql"
    )


def test_it_defaults_to_sqlite_under_var_and_ten_megabytes():
    clean_env = {"SECRET_KEY": "x", "DATABASE_URL": ""}
    result = _settings_value("s.MAX_UPLOAD_MB, s.DATABASES['default']['NAME']", **clean_env)
    assert result.returncode == 0, result.stderr
    limit, name = result.stdout.strip().split(" ", 1)
    assert limit == "10"
    assert name.endswith("var/claimscope.sqlite3")


def _printed(expression: str, **env: str) -> str:
    result = _settings_value(expression, SECRET_KEY="x", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_sets_the_tls_proxy_settings_only_when_told():
    tls = (
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS"
    )
    assert _printed(tls) == "None False 0"
    behind_proxy = {"SECURE_PROXY_SSL_HEADER": "1", "SECURE_SSL_REDIRECT": "1"}
    assert _printed(tls, **behind_proxy, SECURE_HSTS_SECONDS="31536000") == (
        "('HTTP_X_FORWARDED_PROTO', 'https') True 31536000"
    )


def test_it_shares_the_cache_through_redis_when_given_a_url():
    cache = "s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION')"
    assert _printed(cache, REDIS_URL="redis://cache.internal:6379/1") == (
        "django.core.cache.backends.redis.RedisCache redis://cache.internal:6379/1"
    )
    assert _printed(cache, REDIS_URL="") == "django.core.cache.backends.locmem.LocMemCache None"


def test_it_prints_mails_unless_given_an_smtp_url():
    mailer = "s.MAILERS['default']"
    assert _printed(mailer, EMAIL_URL="") == (
        "{'BACKEND': 'django.core.mail.backends.console.EmailBackend'}"
    )
    assert _printed(mailer, EMAIL_URL="smtps://mailer%40example.org:p%40ss@smtp.example.org") == (
        "{'BACKEND': 'django.core.mail.backends.smtp.EmailBackend', 'OPTIONS': "
        "{'host': 'smtp.example.org', 'port': 465, 'username': 'mailer@example.org', "
        "'password': 'p@ss', 'use_tls': False, 'use_ssl': True}}"
    )
    wrong = _settings_value(mailer, SECRET_KEY="x", EMAIL_URL="http://mail.example.org")
    assert "EMAIL_URL must start with smtp:// or smtps://" in wrong.stderr


def test_it_reads_the_reviewing_organisation_under_either_spelling():
    names = "s.CLAIMSCOPE_ORGANIZATION_NAME, repr(s.CLAIMSCOPE_ORGANIZATION_URL)"

    assert _printed(names) == "Claimscope reviewers ''"
    assert _printed(names, CLAIMSCOPE_ORGANISATION="Health Claims Watch") == (
        "Health Claims Watch ''"
    )
    assert (
        _printed(
            names,
            CLAIMSCOPE_ORGANISATION="Old name",
            CLAIMSCOPE_ORGANIZATION_NAME="Health Claims Watch",
            CLAIMSCOPE_ORGANIZATION_URL="https://healthclaims.example/",
        )
        == "Health Claims Watch 'https://healthclaims.example/'"
    )


def test_it_builds_iris_from_the_request_unless_a_base_url_is_set():
    bases = "repr(s.CLAIMSCOPE_BASE_URL), repr(s.CLAIMSCOPE_TAG_IRI_BASE)"

    assert _printed(bases) == "'' ''"
    assert _printed(bases, CLAIMSCOPE_BASE_URL="https://claims.example.org/") == (
        "'https://claims.example.org' ''"
    )
