"""Request-rate limit per API token (or per signed-in user, or per address)."""

import hashlib

from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle


class PerTokenThrottle(SimpleRateThrottle):
    """Counts requests per token; the rate is read from settings on every request, so
    `API_THROTTLE_RATE` can change without a restart of the class (and in tests)."""

    scope = "api"

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATE or None

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, Token):
            # The key is a credential: keep only a digest of it in the cache.
            ident = "token:" + hashlib.sha256(request.auth.key.encode()).hexdigest()[:32]
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"addr:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
