"""Create the demo users and articles; safe to run again (it adds only what is missing)."""

import secrets
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from claims import services
from claims.models import EDITOR, REVIEWER

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo" / "articles"
DEMO_USERS = [("reviewer", REVIEWER), ("reviewer2", REVIEWER), ("editor", EDITOR)]
DEMO_ARTICLES = [
    ("regenwell-knee.html", "RegenWell Institute", "https://regenwell.example.com/knee"),
    ("vitacell-supplement.md", "VitaCell Labs", "https://vitacell.example.com/"),
    ("novastem-clinic.txt", "NovaStem Clinic", "https://novastem.example.org/treatments"),
    ("purelife-ozone.html", "PureLife Ozone Centre", "https://purelife.example.com/ozone"),
]


class Command(BaseCommand):
    help = "Create demo users (passwords printed once) and import the demo articles."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            created = [_demo_user(username, role) for username, role in DEMO_USERS]
        for username, password in filter(None, created):
            self.stdout.write(f"demo user {username:<10} password {password}")
        if any(created):
            self.stdout.write(
                "These passwords are shown only now; `manage.py changepassword` resets one."
            )
        uploader = get_user_model().objects.get(username="editor")
        for filename, publisher, url in DEMO_ARTICLES:
            self.stdout.write(_demo_article(filename, publisher=publisher, url=url, user=uploader))


def _demo_user(username: str, role: str) -> tuple[str, str] | None:
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return None
    password = secrets.token_urlsafe(9)
    user = User.objects.create_user(username=username, password=password, is_staff=role == EDITOR)
    user.groups.add(Group.objects.get(name=role))
    if role == EDITOR:
        # So the demo editor can also manage the vocabulary in the admin site.
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="claims"))
    return username, password


def _demo_article(filename: str, *, publisher: str, url: str, user) -> str:
    path = DEMO_DIR / filename
    try:
        article = services.article_ingest(
            upload=services.Upload(data=path.read_bytes(), filename=filename),
            user=user,
            publisher=publisher,
            source_url=url,
        )
    except services.DuplicateArticleError as error:
        return f"demo article {filename}: already loaded as article {error.article.pk}"
    return f"demo article {filename}: article {article.pk}, {article.sentences.count()} sentences"
