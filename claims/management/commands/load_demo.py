"""Create the demo users, articles and the two demo reviewers' annotations, and assign both
reviewers one article whose reviews are done, ready to adjudicate, and suggest tags for the
articles; safe to run again (it adds only what is missing)."""

import secrets
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from claims.models import EDITOR, REVIEWER, Annotation, Article, Sentence
from claims.review.selectors import article_assignments
from claims.services.annotations import AnnotationDraft, annotations_bulk_create
from claims.services.articles import DuplicateArticleError, Upload, article_ingest
from claims.services.review import assignment_mark, assignments_create
from claims.services.suggestions import suggestions_compute

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo" / "articles"
DEMO_USERS = [("reviewer", REVIEWER), ("reviewer2", REVIEWER), ("editor", EDITOR)]
DEMO_ARTICLES = [
    ("regenwell-knee.html", "RegenWell Institute", "https://regenwell.example.com/knee"),
    ("vitacell-supplement.md", "VitaCell Labs", "https://vitacell.example.com/"),
    ("novastem-clinic.txt", "NovaStem Clinic", "https://novastem.example.org/treatments"),
    ("purelife-ozone.html", "PureLife Ozone Centre", "https://purelife.example.com/ozone"),
]

# Both demo reviewers are assigned this article and finish their reviews, which leaves it
# waiting for the editor's adjudication: two tags they agree on, four sentences they do not.
ADJUDICATION_ARTICLE = "novastem-clinic.txt"

# The two demo reviewers agree on some sentences and not on others, as real reviewers do.
# (article file, words in the sentence, tag, note, reviewers)
BOTH = ("reviewer", "reviewer2")
DEMO_ANNOTATIONS = [
    (
        "novastem-clinic.txt",
        "halts progression in most patients",
        "overstated",
        "“Most patients” with no trial behind it; MS progression is not halted by this.",
        BOTH,
    ),
    (
        "novastem-clinic.txt",
        "never rejected by the immune system",
        "unsupported",
        "No source; donor cells can provoke immune reactions.",
        ("reviewer",),
    ),
    (
        "novastem-clinic.txt",
        "never rejected by the immune system",
        "overstated",
        "“Never” is an absolute.",
        ("reviewer2",),
    ),
    (
        "novastem-clinic.txt",
        "costs between €7,000 and €31,000",
        "price-claim",
        "Range in euros; the footnote excludes travel.",
        BOTH,
    ),
    ("novastem-clinic.txt", "A single diagnostic assessment is", "price-claim", "", ("reviewer",)),
    (
        "novastem-clinic.txt",
        "has treated more than 8,000 patients",
        "unsupported",
        "No outcome data for these patients.",
        ("reviewer2",),
    ),
    (
        "novastem-clinic.txt",
        "Most patients feel results within 48 hours",
        "overstated",
        "",
        ("reviewer",),
    ),
    (
        "novastem-clinic.txt",
        "Most patients feel results within 48 hours",
        "unsupported",
        "Which patients, measured how?",
        ("reviewer2",),
    ),
    (
        "vitacell-supplement.md",
        "boost circulating stem cells by 300%",
        "unsupported",
        "“Clinically shown” with no study named.",
        BOTH,
    ),
    (
        "vitacell-supplement.md",
        "In one case study, a 61-year-old retired teacher",
        "cited-case-report",
        "A single anecdote presented as evidence.",
        BOTH,
    ),
    (
        "vitacell-supplement.md",
        "$20,000 stem cell clinic treatment",
        "price-claim",
        "Price comparison with clinics.",
        ("reviewer2",),
    ),
]


class Command(BaseCommand):
    help = (
        "Create demo users (passwords printed once), import the demo articles and their "
        "reviews, and leave one article ready to adjudicate."
    )

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
        for username in BOTH:
            self.stdout.write(_demo_annotations(username))
        self.stdout.write(_demo_assignments(editor=uploader))
        self.stdout.write(_demo_suggestions(uploader))


def _demo_suggestions(uploader) -> str:
    """Suggested tags for the demo articles now, so the first page opened shows them (the
    worker would compute them a moment later anyway; it skips articles that have them)."""
    demo = Article.objects.filter(
        created_by=uploader, original_filename__in=[name for name, _, _ in DEMO_ARTICLES]
    ).only("pk")
    stored = sum(suggestions_compute(article=article) for article in demo)
    return f"suggested tags: {stored} new"


def _demo_user(username: str, role: str) -> tuple[str, str] | None:
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return None
    password = secrets.token_urlsafe(9)
    user = User.objects.create_user(username=username, password=password, is_staff=role == EDITOR)
    user.groups.add(Group.objects.get(name=role))
    if role == EDITOR:
        # So the demo editor can also manage the vocabulary in the admin site, and see the
        # failed sign-ins and lockouts recorded there.
        user.user_permissions.set(
            Permission.objects.filter(
                Q(content_type__app_label="claims")
                | Q(content_type__app_label="axes", codename__startswith="view_")
            )
        )
    return username, password


def _demo_article(filename: str, *, publisher: str, url: str, user) -> str:
    path = DEMO_DIR / filename
    try:
        article = article_ingest(
            upload=Upload(data=path.read_bytes(), filename=filename),
            user=user,
            publisher=publisher,
            source_url=url,
        )
    except DuplicateArticleError as error:
        return f"demo article {filename}: already loaded as article {error.article.pk}"
    return f"demo article {filename}: article {article.pk}, {article.sentences.count()} sentences"


def _demo_annotations(username: str) -> str:
    """The reviewer's demo annotations, unless they already have some on the demo articles."""
    user = get_user_model().objects.get(username=username)
    if Annotation.objects.filter(author=user).exists():
        return f"demo annotations of {username}: already there"
    drafts = [
        AnnotationDraft(
            article_id=article.pk,
            tag=tag,
            sentences=(index, index),
            note=note,
        )
        for filename, words, tag, note, who in DEMO_ANNOTATIONS
        if username in who
        for article, index in [_sentence_with(filename, words)]
    ]
    created = annotations_bulk_create(author=user, drafts=drafts)
    return f"demo annotations of {username}: {len(created)}"


def _demo_assignments(*, editor) -> str:
    """Assign both reviewers the adjudication article and mark their reviews done, once: an
    assignment that already exists is left as it is, also if its reviewer has reopened it."""
    article = Article.objects.get(original_filename=ADJUDICATION_ARTICLE)
    reviewers = list(get_user_model().objects.filter(username__in=BOTH).order_by("username"))
    created = assignments_create(articles=[article], reviewers=reviewers, editor=editor)
    # Read back: rows inserted with ignore_conflicts come without their ids.
    new = article_assignments(article=article).filter(
        reviewer_id__in=[a.reviewer_id for a in created]
    )
    for assignment in new:
        assignment_mark(assignment=assignment, done=True, user=assignment.reviewer)
    where = reverse("claims:article_adjudicate", args=[article.pk])
    if not created:
        return f"demo adjudication: article {article.pk} already assigned; adjudicate at {where}"
    return (
        f"demo adjudication: article {article.pk} ({ADJUDICATION_ARTICLE}) assigned to "
        f"{' and '.join(BOTH)}, both reviews done; sign in as editor to adjudicate at {where}"
    )


def _sentence_with(filename: str, words: str) -> tuple[Article, int]:
    article = Article.objects.get(original_filename=filename)
    index = (
        Sentence.objects.filter(article=article, text__contains=words)
        .values_list("index", flat=True)
        .first()
    )
    if index is None:
        raise CommandError(f"No sentence of {filename} contains “{words}”.")
    return article, index
