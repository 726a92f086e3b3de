"""manage.py load_demo: demo users with printed passwords, demo articles, idempotent."""

import re
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory

from claims.models import Annotation, Article, Assignment, Event
from claims.review.selectors import adjudication_grid

pytestmark = pytest.mark.django_db


def test_it_creates_demo_users_whose_printed_passwords_work(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    passwords = dict(re.findall(r"demo user (\S+)\s+password (\S+)", out))
    assert set(passwords) == {"reviewer", "reviewer2", "editor"}
    for username, password in passwords.items():
        # As the sign-in page does: with the request (the sign-in lockout counts per address).
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password=password)
        assert user is not None
        assert user.groups.filter(name=username.rstrip("2")).exists()


def test_it_loads_at_least_three_demo_articles_from_different_publishers(capsys):
    call_command("load_demo")
    articles = Article.objects.all()
    assert articles.count() >= 3
    assert len({a.publisher for a in articles}) == articles.count()
    assert all(a.sentences.count() >= 30 for a in articles)
    assert {a.media_type for a in articles} >= {"text/html", "text/markdown", "text/plain"}


def test_running_it_twice_adds_nothing_and_prints_no_password(capsys):
    call_command("load_demo")
    capsys.readouterr()
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "password" not in out
    assert "already loaded" in out
    assert Article.objects.count() == 4


def test_it_gives_the_two_demo_reviewers_annotations_that_partly_disagree(capsys):
    call_command("load_demo")
    call_command("load_demo")
    mine = set(
        Annotation.objects.filter(author__username="reviewer").values_list(
            "article", "start", "end", "tag__slug"
        )
    )
    theirs = set(
        Annotation.objects.filter(author__username="reviewer2").values_list(
            "article", "start", "end", "tag__slug"
        )
    )
    assert len(mine) == 7
    assert len(theirs) == 8
    assert len(mine & theirs) == 4
    assert all(a.quote == a.article.text[a.start : a.end] for a in Annotation.objects.all())


def test_it_leaves_one_article_with_both_reviews_done_and_disagreements_to_adjudicate(capsys):
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    article = Article.objects.get(original_filename="novastem-clinic.txt")
    assert f"demo adjudication: article {article.pk} (novastem-clinic.txt)" in out
    assignments = Assignment.objects.filter(article=article).order_by("reviewer__username")
    assert [
        (a.reviewer.username, a.assigned_by.username, bool(a.done_at)) for a in assignments
    ] == [
        ("reviewer", "editor", True),
        ("reviewer2", "editor", True),
    ]
    grid = adjudication_grid(article=article)
    assert grid.coders == ["reviewer", "reviewer2"]
    assert grid.unanimous_pending == 2
    assert grid.disagreements == 4
    assert grid.decided == 0
    assert article.adjudicated_at is None
    # Made through the services, once: the history has every step and no repeat.
    kinds = Counter(Event.objects.filter(article=article).values_list("kind", flat=True))
    assert kinds == {"created": 10, "assigned": 2, "review_done": 2}


def test_the_demo_editor_sees_the_failed_sign_ins_in_the_admin_site(client, capsys):
    call_command("load_demo")
    client.force_login(User.objects.get(username="editor"))

    assert client.get("/admin/axes/accessattempt/").status_code == 200
    assert client.get("/admin/axes/accesslog/").status_code == 200
