"""API tokens: one per user, regenerated or revoked from the profile page."""

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token


def token_regenerate(*, user: User) -> Token:
    """Give the user a new API token, revoking the old one."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def token_revoke(*, user: User) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
