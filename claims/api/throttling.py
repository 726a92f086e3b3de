"""Request-rate limits: per API token (or signed-in user, or address), and on wrong tokens per
address. Counters live in the cache, which REDIS_URL shares across workers and servers."""

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:  # DRF's views import this module through its settings
    from rest_framework.views import APIView


class AtomicRateThrottle(SimpleRateThrottle):
    """Counts requests in fixed windows of the rate's duration with the cache's atomic
    increment (INCR on Redis), where DRF's own throttles read a list of timestamps, add one and
    write it back: two servers answering one client at the same instant would both read the
    same list and count one request between them. Here every request counts once, whichever
    server or worker answers it."""

    num_requests: int
    duration: int

    def counter_key(self, request: Request, view: "APIView", now: float) -> str | None:
        key = self.get_cache_key(request, view)
        return None if key is None else f"{key}:{int(now // self.duration)}"

    def allow_request(self, request: Request, view: "APIView") -> bool:
        if self.rate is None:
            return True
        self.now = self.timer()
        key = self.counter_key(request, view, self.now)
        if key is None:
            return True
        # The window's counter expires with the window (plus a second for clock skew).
        self.cache.add(key, 0, timeout=self.duration + 1)
        try:
            count = self.cache.incr(key)
        except ValueError:  # expired between the two calls: this request opens a new one
            self.cache.add(key, 1, timeout=self.duration + 1)
            count = 1
        return count <= self.num_requests

    def wait(self) -> float:
        """Seconds until the current window ends (at least one)."""
        window_end = (int(self.now // self.duration) + 1) * self.duration
        return max(1.0, window_end - self.now)


class PerTokenThrottle(AtomicRateThrottle):
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


class FailedAuthenticationThrottle(SimpleRateThrottle):
    """Counts requests whose API token was wrong, per address (`API_AUTH_FAILURE_RATE`)."""

    scope = "auth-failure"
    num_requests: int  # set from the rate, as SimpleRateThrottle does
    duration: int

    def get_rate(self) -> str | None:
        return settings.API_AUTH_FAILURE_RATE or None

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def exceeded(self, request: Request) -> bool:
        """Whether the address is over its rate of failures, without counting this request."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def record(self, request: Request) -> None:
        if self.rate is not None:
            self.exceeded(request)  # reads the history as it is now
            self.throttle_success()


class ThrottledTokenAuthentication(TokenAuthentication):
    """Token authentication whose wrong guesses are rate-limited per address: once an address
    has sent API_AUTH_FAILURE_RATE wrong tokens, its requests get 429 until the window passes,
    so a key cannot be guessed at the server's full speed. (DRF's throttles run only after
    authentication succeeds, so they never see these requests.)"""

    def authenticate(self, request: Request):
        if not request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("token "):
            return None  # no token: the next authentication class decides
        failures = FailedAuthenticationThrottle()
        if failures.exceeded(request):
            raise Throttled(failures.wait())
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            failures.record(request)
            raise
