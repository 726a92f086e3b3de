"""Server-rendered pages: article list, upload, the annotation page, the profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from claims import selectors, services
from claims.forms import ArticleListForm, ArticleUploadForm
from claims.ingest.errors import IngestError
from claims.models import Tag
from claims.permissions import ANNOTATORS, EVERY_ROLE, role_required

PAGE_SIZE = 50


@role_required(EVERY_ROLE)
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleListForm(
        request.GET,
        tags=list(Tag.objects.order_by("order", "name")),
        publishers=selectors.article_publishers(),
    )
    # A filter value that is no longer valid (an old link, a renamed publisher) is dropped,
    # and said so next to its field, while the valid ones still apply.
    form.is_valid()
    filters = form.cleaned_data
    rows = selectors.article_rows(
        user=request.user,
        search=filters.get("q", "").strip(),
        status=filters.get("status", ""),
        tag=filters.get("tag", ""),
        publisher=filters.get("publisher", ""),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "sees_everyone": selectors.user_sees_all_annotations(request.user),
    }
    return render(request, "claims/article_list.html", context)


@role_required(ANNOTATORS)
def article_upload(request: HttpRequest) -> HttpResponse:
    form = ArticleUploadForm(request.POST or None, request.FILES or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_ingest(
                upload=_upload_from(form.cleaned_data),
                user=request.user,
                title=form.cleaned_data["title"],
                publisher=form.cleaned_data["publisher"],
                source_url=form.cleaned_data["source_url"],
            )
        except services.DuplicateArticleError as error:
            duplicate = error.article
            form.add_error(None, error.message)
        except IngestError as error:
            form.add_error("file" if form.cleaned_data.get("file") else "text", error.message)
        else:
            return redirect("claims:article_detail", article_id=article.pk)
    status = 400 if form.errors else 200
    return render(
        request, "claims/article_upload.html", {"form": form, "duplicate": duplicate}, status=status
    )


def _upload_from(cleaned: dict) -> services.Upload:
    uploaded = cleaned.get("file")
    if uploaded:
        return services.upload_read(stream=uploaded, filename=uploaded.name, size=uploaded.size)
    return services.Upload(data=cleaned["text"].encode("utf-8"), filename="pasted.txt")


@role_required(EVERY_ROLE)
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    """The annotation page: the article rendered from its sentences; annotate.js loads the
    annotations and saves every change through the REST API."""
    article = selectors.article_detail(user=request.user, pk=article_id)
    roles = selectors.user_roles(request.user)
    sees_everyone = selectors.user_sees_all_annotations(request.user)
    page_data = {
        "article": {"id": article.pk, "status": article.status, "title": article.title},
        "user": {"username": request.user.get_username(), "can_annotate": bool(roles & ANNOTATORS)},
        "tags": list(
            Tag.objects.filter(archived=False)
            .order_by("order", "name")
            .values("slug", "name", "colour", "shortcut", "definition")
        ),
        "reviewers": selectors.article_reviewers(article=article) if sees_everyone else [],
        "api": {
            "annotations": reverse("api:annotation-list"),
            "article": reverse("api:article-detail", args=[article.pk]),
        },
        "csrf_token": get_token(request),
    }
    context = {
        "article": article,
        "blocks": selectors.article_blocks(article=article),
        "page_data": page_data,
        "sees_everyone": sees_everyone,
    }
    return render(request, "claims/article_detail.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    roles = sorted(selectors.user_roles(request.user))
    return render(request, "claims/profile.html", {"token": token, "roles": roles})


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    services.token_regenerate(user=request.user)
    messages.success(request, "A new API token is ready; any earlier one no longer works.")
    return redirect("claims:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    if services.token_revoke(user=request.user):
        messages.success(request, "Your API token is revoked.")
    return redirect("claims:profile")


def vocabulary(request: HttpRequest) -> HttpResponse:
    """The tag vocabulary, public: W3C annotations name tags by IRIs that resolve here."""
    return render(request, "claims/vocabulary.html", {"tags": Tag.objects.order_by("order")})


def vocabulary_tag(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    return render(request, "claims/vocabulary_tag.html", {"tag": tag})
