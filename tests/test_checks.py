"""The deployment checks (`check --deploy`): a production process without a shared cache is
warned about."""

from django.core.checks import run_checks


def _ids(settings, *, debug: bool, redis_url: str) -> set[str]:
    settings.DEBUG, settings.REDIS_URL = debug, redis_url
    return {message.id for message in run_checks(include_deployment_checks=True)}


def test_it_warns_when_production_counts_limits_per_process(settings):
    assert "claims.W001" in _ids(settings, debug=False, redis_url="")


def test_it_is_quiet_with_redis_or_in_development(settings):
    assert "claims.W001" not in _ids(settings, debug=False, redis_url="redis://127.0.0.1:6379/0")
    assert "claims.W001" not in _ids(settings, debug=True, redis_url="")
