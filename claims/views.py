"""Server-rendered pages: article list, upload, a read-only article view, the profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from claims import selectors, services
from claims.forms import ArticleUploadForm
from claims.ingest.errors import IngestError
from claims.models import Article, Tag

PAGE_SIZE = 50


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    page = Paginator(selectors.article_list(search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "claims/article_list.html", {"page": page, "search": search})


@login_required
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


@login_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    sentences = selectors.article_sentences(article=article)
    return render(
        request, "claims/article_detail.html", {"article": article, "sentences": sentences}
    )


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
