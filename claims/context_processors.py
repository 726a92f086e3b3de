"""What every page's navigation needs to know about the signed-in user."""

from django.http import HttpRequest

from claims.models import EDITOR, READER
from claims.selectors import user_roles


def roles(request: HttpRequest) -> dict[str, bool]:
    # Roles are read once per request and kept on the user; anonymous visitors cost no query.
    held = user_roles(request.user) if request.user.is_authenticated else frozenset()
    return {"nav_is_editor": EDITOR in held, "nav_reads_corpus": bool(held & {EDITOR, READER})}
