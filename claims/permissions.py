"""Who may open which page and call which API method: roles come from the groups created by
migration."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from claims.models import EDITOR, READER, REVIEWER
from claims.selectors import user_roles

EVERY_ROLE = frozenset({REVIEWER, EDITOR, READER})
ANNOTATORS = frozenset({REVIEWER, EDITOR})
EDITORS = frozenset({EDITOR})
# The roles that see every reviewer's annotations, and so what is made of all of them.
CORPUS_READERS = frozenset({EDITOR, READER})


def role_required(roles: frozenset[str]) -> Callable:
    """Signed-in users holding one of `roles` get the page; anyone else signed in gets 403,
    as the API answers them."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not user_roles(request.user) & roles:
                raise PermissionDenied("Your account has no role that may open this page.")
            return view(request, *args, **kwargs)

        return checked

    return decorate


def acting_user(request: HttpRequest | Request) -> User:
    """The signed-in user behind a request that a role check let through: the one a service
    records as author, editor or actor."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


_SAFE_ALIASES = {"HEAD": "GET", "OPTIONS": "GET"}


class HasRole(BasePermission):
    """Let a method through when the caller holds one of the roles the view lists for it.

    Views declare `roles = {"GET": EVERY_ROLE, "POST": ANNOTATORS, ...}`; a method the view does
    not list is let through so that DRF can answer 405. A user in no role group is refused
    everything.
    """

    message = "Your account has no Claimscope role (reviewer, editor or reader)."

    def has_permission(self, request: Request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        held = user_roles(request.user)
        if not held:
            return False
        method = _SAFE_ALIASES.get(request.method or "", request.method or "")
        allowed = getattr(view, "roles", {"GET": EVERY_ROLE}).get(method)
        if allowed is None:
            return True
        if held & allowed:
            return True
        self.message = _refusal(method, allowed)
        return False


def _refusal(method: str, allowed: frozenset[str]) -> str:
    needed = " or ".join(sorted(allowed))
    article = "an" if needed[0] in "aeiou" else "a"
    return f"Only {article} {needed} may {method} here."
