"""What every page's navigation needs to know about the signed-in user."""

from django.http import HttpRequest

from claims.models import EDITOR
from claims.selectors import user_roles


def roles(request: HttpRequest) -> dict[str, bool]:
    # Roles are read once per request and kept on the user; anonymous visitors cost no query.
    return {"nav_is_editor": request.user.is_authenticated and EDITOR in user_roles(request.user)}
