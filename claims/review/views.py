"""The review workflow's pages: the editor's adjudication page (the sentence × reviewer grid of
an article's tags, rendered whole on the server; adjudicate.js records the decisions through
the REST API) and an article's history."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims import selectors
from claims.models import Article, Assignment
from claims.permissions import EDITORS, role_required
from claims.reports import contents
from claims.review.history import history_rows
from claims.review.selectors import adjudication_grid, article_assignments, article_events

HISTORY_PAGE_SIZE = 100


@dataclass(frozen=True)
class ReviewerState:
    """One reviewer of the article and where their review stands, in words."""

    username: str
    state: str
    done: bool


@role_required(EDITORS)
@require_safe
def article_adjudicate(request: HttpRequest, article_id: int) -> HttpResponse:
    article = selectors.article_get(pk=article_id)
    grid = adjudication_grid(article=article)
    assignments = list(article_assignments(article=article))
    # The report's agreement table, over this one article.
    figures = contents.agreement_section(
        user=request.user, filters=selectors.ReportFilters(article_id=article.pk)
    )
    context = {
        "article": article,
        "adjudicated_by": _adjudicator(article),
        "grid": grid,
        "reviewers": _reviewer_states(grid.coders, assignments),
        "still_reviewing": [a.reviewer.get_username() for a in assignments if a.done_at is None],
        # (None only for someone who sees no one else's annotations: not an editor.)
        "agreement": figures.figures if figures else None,
        "agreement_rows": figures.lines if figures else [],
        "agreement_overall": figures.overall if figures else None,
        "page_data": _page_data(request, article),
    }
    return render(request, "claims/adjudicate.html", context)


def _adjudicator(article: Article) -> str:
    if article.adjudicated_by_id is None:  # no query for an article still in adjudication
        return ""
    editor = article.adjudicated_by
    return editor.get_username() if editor else ""


def _reviewer_states(coders: list[str], assignments: list[Assignment]) -> list[ReviewerState]:
    """Every assigned reviewer and every coder (someone may have tagged the article unasked)."""
    states = {
        a.reviewer.get_username(): ReviewerState(
            username=a.reviewer.get_username(),
            state="Review done" if a.done_at else "Still reviewing",
            done=a.done_at is not None,
        )
        for a in assignments
    }
    for coder in coders:
        states.setdefault(coder, ReviewerState(username=coder, state="Not assigned", done=False))
    return sorted(states.values(), key=lambda reviewer: reviewer.username)


def _page_data(request: HttpRequest, article: Article) -> dict:
    """What adjudicate.js needs besides the grid it reads from the page."""
    return {
        "article": {"id": article.pk, "status": article.status},
        "user": {"username": request.user.get_username()},
        "status_labels": dict(Article.Status.choices),
        "api": {
            "grid": reverse("api:adjudication", args=[article.pk]),
            "decisions": reverse("api:adjudication-decide", args=[article.pk]),
            "unanimous": reverse("api:adjudication-unanimous", args=[article.pk]),
            "finish": reverse("api:adjudication-finish", args=[article.pk]),
        },
        "csrf_token": get_token(request),
    }


@role_required(EDITORS)
@require_safe
def article_history(request: HttpRequest, article_id: int) -> HttpResponse:
    """Everything that happened to an article, oldest first, deleted annotations included."""
    article = selectors.article_get(pk=article_id)
    events = article_events(article=article)
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "article": article,
        "page": page,
        "rows": history_rows(article=article, events=list(page)),
    }
    return render(request, "claims/article_history.html", context)
