"""Server-rendered pages: article list (with the editors' assignment form), upload, the
annotation page, the profile and the public vocabulary pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from claims import selectors
from claims.forms import ArticleListForm, ArticleUploadForm, AssignmentForm, form_rejected
from claims.ingest.decode import decode_text
from claims.ingest.formats.html_page import declared_charset
from claims.ingest.types import MediaType
from claims.iris import tag_iri
from claims.models import EDITOR, REVIEWER, Article, Assignment, Tag
from claims.original_page import RENDER_MAX_BYTES, RenderError, sanitised_bounded
from claims.permissions import (
    ANNOTATORS,
    CORPUS_READERS,
    EDITORS,
    EVERY_ROLE,
    acting_user,
    role_required,
)
from claims.review.selectors import (
    open_disagreements_per_article,
    read_up_to,
    sentences_read,
    user_assignment,
)
from claims.services import tokens
from claims.services.articles import (
    DuplicateArticleError,
    NearDuplicateError,
    Upload,
    article_ingest,
    upload_held,
    upload_hold,
    upload_read,
    upload_release,
)
from claims.services.errors import Rejected
from claims.services.originals import original_bytes
from claims.services.review import assignments_create

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
        assigned=filters.get("assigned", False),
    )
    is_editor = EDITOR in selectors.user_roles(request.user)
    if is_editor:
        rows = _with_assignees(rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if is_editor:
        _with_open_disagreements(page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        # The assignment form comes back to the page it was sent from, page number included.
        "list_query": request.GET.urlencode(),
        "sees_everyone": selectors.user_sees_all_annotations(request.user),
        "assign_form": AssignmentForm() if is_editor else None,
        "assignment_open": selectors.ASSIGNMENT_OPEN,
        "assignment_done": selectors.ASSIGNMENT_DONE,
    }
    return render(request, "claims/article_list.html", context)


def _with_assignees(rows: QuerySet[Article]) -> QuerySet[Article]:
    """Each article's assignments as `assignees`, each with how many sentences its reviewer
    has read (`sentences_read`): one query for the whole page."""
    assignments = (
        Assignment.objects.select_related("reviewer")
        .annotate(
            sentences_read=sentences_read(
                article_ref=OuterRef("article_id"), reviewer_ref=OuterRef("reviewer_id")
            )
        )
        .order_by("reviewer__username")
    )
    return rows.prefetch_related(Prefetch("assignments", assignments, to_attr="assignees"))


def _with_open_disagreements(page: Page) -> None:
    """Each listed article's open disagreements, as the adjudication grid counts them: one
    query for the whole page."""
    counts = open_disagreements_per_article([article.pk for article in page])
    for article in page:
        article.open_disagreements = counts.get(article.pk, 0)


@role_required(EDITORS)
@require_POST
def assign(request: HttpRequest) -> HttpResponse:
    """Assign the articles ticked on the list page to the reviewers chosen there."""
    form = AssignmentForm(request.POST)
    back = f"{reverse('claims:article_list')}?{request.GET.urlencode()}".rstrip("?")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Nothing was assigned: {error}")
        return redirect(back)
    articles = list(form.cleaned_data["articles"])
    reviewers = list(form.cleaned_data["reviewers"])
    try:
        created = assignments_create(
            articles=articles,
            reviewers=reviewers,
            editor=acting_user(request),
            blind=form.cleaned_data["blind"],
        )
    except Rejected as error:
        messages.error(request, f"Nothing was assigned: {error.message}")
        return redirect(back)
    names = [reviewer.get_username() for reviewer in reviewers]
    who = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    blind = ", blind: no suggestions shown" if form.cleaned_data["blind"] else ""
    messages.success(
        request,
        f"Assigned {_counted(len(articles), 'article')} to {who} "
        f"({_counted(len(created), 'new assignment')}{blind}).",
    )
    return redirect(back)


def _counted(count: int, noun: str) -> str:
    """ "1 article", "2 articles"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


@role_required(ANNOTATORS)
def article_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file or pasted text. An upload that nearly duplicates a stored article is
    held, and the page asks whether to store it anyway; confirming sends the held one."""
    form = ArticleUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "duplicate": None, "near_duplicate": None, "held": ""}
    if request.method == "POST" and form.is_valid():
        try:
            upload = _upload_from(request, form.cleaned_data)
            article = article_ingest(
                upload=upload,
                user=acting_user(request),
                title=form.cleaned_data["title"],
                publisher=form.cleaned_data["publisher"],
                source_url=form.cleaned_data["source_url"],
                allow_near_duplicate=form.cleaned_data["allow_near_duplicate"],
            )
        except NearDuplicateError as error:
            context |= {"near_duplicate": error, "held": _held_for_confirming(request, upload)}
            form_rejected(form, error)
        except DuplicateArticleError as error:
            context["duplicate"] = error.article
            form_rejected(form, error)
        except Rejected as error:
            form_rejected(form, error)
        else:
            _held_forget(request, form.cleaned_data["held"])
            return redirect("claims:article_detail", article_id=article.pk)
    status = 400 if form.errors else 200
    return render(request, "claims/article_upload.html", context, status=status)


# The session remembers which held uploads are this user's, with the names they came under.
_HELD_SESSION_KEY = "held_uploads"


def _upload_from(request: HttpRequest, cleaned: dict) -> Upload:
    if cleaned["held"]:
        mine = request.session.get(_HELD_SESSION_KEY, {})
        held = cleaned["held"] in mine and upload_held(key=cleaned["held"], **mine[cleaned["held"]])
        if not held:
            raise Rejected("file", "The upload waiting to be stored has expired; choose it again.")
        return held
    uploaded = cleaned.get("file")
    if uploaded:
        return upload_read(stream=uploaded, filename=uploaded.name, size=uploaded.size)
    return Upload.pasted(cleaned["text"])


def _held_for_confirming(request: HttpRequest, upload: Upload) -> str:
    key = upload_hold(upload=upload)
    mine = request.session.get(_HELD_SESSION_KEY, {})
    mine[key] = {"filename": upload.filename, "field": upload.field}
    request.session[_HELD_SESSION_KEY] = mine
    return key


def _held_forget(request: HttpRequest, key: str) -> None:
    mine = request.session.get(_HELD_SESSION_KEY, {})
    if key and mine.pop(key, None) is not None:
        request.session[_HELD_SESSION_KEY] = mine
        upload_release(key=key)


@role_required(EVERY_ROLE)
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    """The annotation page: the article rendered from its sentences; annotate.js loads the
    annotations and saves every change through the REST API."""
    article = selectors.article_detail(user=request.user, pk=article_id)
    roles = selectors.user_roles(request.user)
    sees_everyone = selectors.user_sees_all_annotations(request.user)
    # Only reviewers are assigned: no query for anyone else.
    assignment = user_assignment(article=article, user=request.user) if REVIEWER in roles else None
    context = {
        "article": article,
        "blocks": selectors.article_blocks(article=article),
        "page_data": _page_data(request, article=article, assignment=assignment),
        "sees_everyone": sees_everyone,
        # Reviewers see the final tags once the adjudication is finished; editors and
        # readers watch them grow during it.
        "shows_final": sees_everyone or article.adjudicated_at is not None,
        "is_editor": EDITOR in roles,
        "assignment": assignment,
    }
    return render(request, "claims/article_detail.html", context)


def _page_data(request: HttpRequest, *, article: Article, assignment: Assignment | None) -> dict:
    """What annotate.js reads from the page (json_script "article-data")."""
    roles = selectors.user_roles(request.user)
    sees_everyone = selectors.user_sees_all_annotations(request.user)
    return {
        "article": {
            "id": article.pk,
            "status": article.status,
            "title": article.title,
            "suggestions_blind": article.suggestions_blind,
        },
        "user": {
            "username": request.user.get_username(),
            "can_annotate": bool(roles & ANNOTATORS),
            "can_see_history": EDITOR in roles,
            # Who reads and writes the threads under annotations (claims.selectors_threads).
            "sees_all": sees_everyone,
            "is_editor": EDITOR in roles,
            "is_reviewer": REVIEWER in roles,
        },
        "tags": list(
            Tag.objects.filter(archived=False)
            .order_by("order", "name")
            .values("slug", "name", "colour", "shortcut", "definition")
        ),
        "reviewers": selectors.article_reviewers(article=article) if sees_everyone else [],
        "api": _api_urls(article),
        "assignment": _assignment_data(assignment),
        "read_through": _read_through_data(request, article=article, roles=roles),
        "csrf_token": get_token(request),
    }


def _api_urls(article: Article) -> dict:
    # One suggestion's actions share a shape: annotate.js fills in the id and the action.
    one_suggestion = reverse("api:suggestion-accept", args=[0]).replace(
        "/0/accept/", "/{id}/{action}/"
    )
    return {
        "annotations": reverse("api:annotation-list"),
        "article": reverse("api:article-detail", args=[article.pk]),
        "suggestions": reverse("api:article-suggestions", args=[article.pk]),
        "suggestions_accept": reverse("api:article-suggestions-accept", args=[article.pk]),
        "suggestions_reopen": reverse("api:article-suggestions-reopen", args=[article.pk]),
        "suggestion": one_suggestion,
        "reply_counts": reverse("api:article-reply-counts", args=[article.pk]),
        "replies": reverse("api:reply-detail", args=[0]).removesuffix("0/"),
    }


def _assignment_data(assignment: Assignment | None) -> dict | None:
    """What the page's "Mark my review done" button needs: none without an assignment."""
    if assignment is None:
        return None
    return {
        "id": assignment.pk,
        "done": assignment.done_at is not None,
        "url": reverse("api:assignment-detail", args=[assignment.pk]),
    }


def _read_through_data(
    request: HttpRequest, *, article: Article, roles: frozenset[str]
) -> dict | None:
    """How far the user has read the article, for those who annotate (readers keep none)."""
    if not roles & ANNOTATORS:
        return None
    return {
        "url": reverse("api:article-read-through", args=[article.pk]),
        "read_up_to": read_up_to(article=article, reviewer=request.user),
    }


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=acting_user(request)).first()
    roles = sorted(selectors.user_roles(request.user))
    return render(request, "claims/profile.html", {"token": token, "roles": roles})


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    tokens.token_regenerate(user=acting_user(request))
    messages.success(request, "A new API token is ready; any earlier one no longer works.")
    return redirect("claims:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    if tokens.token_revoke(user=acting_user(request)):
        messages.success(request, "Your API token is revoked.")
    return redirect("claims:profile")


def vocabulary(request: HttpRequest) -> HttpResponse:
    """The tag vocabulary, public: W3C annotations name tags by IRIs that resolve here."""
    return render(request, "claims/vocabulary.html", {"tags": Tag.objects.order_by("order")})


@role_required(EDITORS)
def vocabulary_edit(request: HttpRequest) -> HttpResponse:
    """Editors' page for the vocabulary: vocabulary.js creates, edits, archives and restores
    tags through the REST API, which checks every change."""
    page_data = {
        "csrf": get_token(request),
        "tags_url": reverse("api:tag-list"),
        "tag_url": reverse("api:tag-detail", args=["--slug--"]),
    }
    return render(request, "claims/vocabulary_edit.html", {"page_data": page_data})


def vocabulary_tag(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    context = {"tag": tag, "iri": tag_iri(tag.slug, request=request)}
    return render(request, "claims/vocabulary_tag.html", context)


@role_required(EDITORS)
def suggester(request: HttpRequest) -> HttpResponse:
    """Editors' page for suggested tags: the model versions with their figures, which one is
    active, and corpus-wide runs with their progress (suggester.js drives it via the API)."""
    versions = list(selectors.suggester_versions())
    runs = selectors.suggestion_runs()[:10]
    return render(
        request,
        "claims/suggester.html",
        {
            "versions": versions,
            "runs": runs,
            "tags": list(Tag.objects.order_by("order", "name")),
            "csrf_token_value": get_token(request),
        },
    )


@role_required(EVERY_ROLE)
def corpus_search(request: HttpRequest) -> HttpResponse:
    """Search every article's sentences and the notes on them (search.js calls the REST API
    with the form's fields), with the publishers and tags to narrow it by."""
    context = {
        "publishers": selectors.article_publishers(),
        "tags": list(Tag.objects.filter(archived=False).order_by("order", "name")),
    }
    return render(request, "claims/search.html", context)


# The sanitised page loads our stylesheet and nothing else, runs nothing (the sandbox also
# covers it when opened on its own) and may be framed only by our own pages.
_ORIGINAL_PAGE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
    "sandbox": ["allow-same-origin", "allow-popups", "allow-popups-to-escape-sandbox"],
}


@role_required(EVERY_ROLE)
@xframe_options_sameorigin
@csp_override(_ORIGINAL_PAGE_CSP)
def article_original_page(request: HttpRequest, article_id: int) -> HttpResponse:
    """The uploaded HTML page, sanitised (claims.original_page), for the frame beside the
    text on the annotation page; 404 for an article whose original is not an HTML page."""
    article = selectors.article_original(pk=article_id)
    if article.media_type != MediaType.HTML:
        raise Http404(f"Article {article.pk}'s original is not an HTML page: download it instead.")
    context: dict[str, object] = {"article": article}
    if article.original_size > RENDER_MAX_BYTES:
        context["problem"] = (
            f"The page is too large to show here ({article.original_size:,} bytes; at most "
            f"{RENDER_MAX_BYTES:,}): download the original instead."
        )
        return render(request, "claims/original_page.html", context, status=422)
    assert article.original_id is not None
    data = original_bytes(article.original_id)
    try:
        body = sanitised_bounded(decode_text(data, declared=declared_charset(data)))
    except RenderError as error:
        context["problem"] = str(error)
        return render(request, "claims/original_page.html", context, status=422)
    # nh3 has left only inert markup (claims.original_page.TAGS and ATTRIBUTES).
    context["body"] = mark_safe(body)
    response = render(request, "claims/original_page.html", context)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@role_required(CORPUS_READERS)
def claim_clusters(request: HttpRequest) -> HttpResponse:
    """The claims several articles make, most publishers first, each opening on its sentences
    (clusters.js calls the REST API); editors tag a listed sentence as the others are tagged
    and start a rebuild."""
    is_editor = EDITOR in selectors.user_roles(request.user)
    page_data = {
        "csrf": get_token(request),
        "can_annotate": is_editor,
        "clusters_url": reverse("api:cluster-list"),
        "export_url": reverse("api:cluster-export"),
        "jobs_url": reverse("api:cluster-jobs"),
        "annotations_url": reverse("api:annotation-list"),
    }
    context = {
        "page_data": page_data,
        "is_editor": is_editor,
        "tags": Tag.objects.filter(archived=False).order_by("order", "name"),
        "publishers": selectors.article_publishers(),
    }
    return render(request, "claims/clusters.html", context)
