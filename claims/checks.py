"""System checks for a deployment of several processes or servers: what one process keeps
to itself, two would disagree on."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register(deploy=True)  # `manage.py check --deploy`
def shared_cache_check(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Without REDIS_URL, request-rate limits are counted per process: with several workers
    or servers a client gets that many times the limit."""
    if settings.DEBUG or settings.REDIS_URL:
        return []
    return [
        Warning(
            "REDIS_URL is not set: request-rate limits are counted in each process's own "
            "memory, so every gunicorn worker and every server allows the full rate.",
            hint="Set REDIS_URL=redis://host:6379/0 (docker-compose.yml does).",
            id="claims.W001",
        )
    ]
