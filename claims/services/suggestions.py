"""Suggested tags: computing them with the active model version, a reviewer accepting (the
suggestion becomes their own annotation) or dismissing them, undoing either, and editors
switching versions and running the whole corpus in the background."""

from functools import lru_cache
from typing import cast

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from claims.bulk_rows import rows_insert
from claims.models import (
    EDITOR,
    Annotation,
    Article,
    Assignment,
    Sentence,
    SuggesterVersion,
    Suggestion,
    SuggestionReview,
    SuggestionRun,
    Tag,
)
from claims.selectors import user_roles
from claims.services.annotations import (
    AnnotationDraft,
    DuplicateAnnotationError,
    annotation_create,
    annotation_delete,
    annotations_bulk_create,
)
from claims.services.errors import Conflict, Forbidden, Rejected
from claims.suggest.corpus import LabelledSentence
from claims.suggest.features import SentenceIn
from claims.suggest.model import SuggesterModel
from claims.suggest.suggest import suggest

# ---- Model versions ---------------------------------------------------------------------------


def suggester_active() -> SuggesterVersion:
    """The version whose suggestions reviewers see (migration 0008 installs the default)."""
    version = SuggesterVersion.objects.defer("weights").filter(active=True).first()
    if version is None:
        raise Conflict("No suggestion model is active: an editor activates one.", code="no_model")
    return version


def suggester_version(name: str = "") -> SuggesterVersion:
    """The version called `name`, or the active one."""
    if not name:
        return suggester_active()
    found = SuggesterVersion.objects.defer("weights").filter(version=name).first()
    if found is None:
        raise Rejected("model", f"There is no model version {name!r}.", code="does_not_exist")
    return found


def suggester_model(version: SuggesterVersion) -> SuggesterModel:
    """The version's model, parsed once per process: a version's weights never change."""
    return _parsed_model(version.pk, version.version)


@lru_cache(maxsize=4)
def _parsed_model(pk: int, version: str) -> SuggesterModel:
    weights = SuggesterVersion.objects.values_list("weights", flat=True).get(pk=pk)
    return SuggesterModel.from_json(weights)


def suggester_store(*, model: SuggesterModel, figures: dict, user: User | None) -> SuggesterVersion:
    """Keep a newly trained version (inactive until an editor activates it)."""
    if SuggesterVersion.objects.filter(version=model.version).exists():
        raise Conflict(f"There is already a model version {model.version!r}.", code="duplicate")
    return SuggesterVersion.objects.create(
        version=model.version, weights=model.to_json(), figures=figures, trained_by=user
    )


@transaction.atomic
def suggester_activate(*, version: SuggesterVersion, user: User | None) -> SuggestionRun:
    """Make `version` the one whose suggestions are shown, and have the articles it has not
    read yet suggested for in the background: the run under way for it, or a new one."""
    SuggesterVersion.objects.filter(active=True).exclude(pk=version.pk).update(active=False)
    SuggesterVersion.objects.filter(pk=version.pk).update(active=True)
    version.active = True
    under_way = _runs_under_way(version).first()
    return under_way or suggestion_run_start(user=user, version=version)


def _runs_under_way(version: SuggesterVersion):
    states = [SuggestionRun.State.QUEUED, SuggestionRun.State.RUNNING]
    return SuggestionRun.objects.filter(model=version, state__in=states)


# ---- Computing suggestions --------------------------------------------------------------------


SUGGESTION_COLUMNS = (
    *("article_id", "model_id", "sentence", "start", "end", "tag_id"),
    *("score", "reason", "shown", "created_at"),
)


def suggestions_compute(*, article: Article, version: SuggesterVersion | None = None) -> int:
    """Store the version's suggestions for the article (every tag scoring above the model's
    floor; `shown` marks those at or above the tag's threshold). A version's suggestions for
    an article never change (the text does not), so an article that has them is left alone.
    Returns how many are stored."""
    version = version or suggester_active()
    if Suggestion.objects.filter(article=article, model=version).exists():
        return 0
    sentences = list(
        Sentence.objects.filter(article=article)
        .order_by("index")
        .values_list("index", "start", "end", "text", "kind", "block")
    )
    proposed = suggest(
        suggester_model(version),
        [SentenceIn(text=text, kind=kind, block=block) for _, _, _, text, kind, block in sentences],
        include_hidden=True,
    )
    tags = dict(Tag.objects.filter(archived=False).values_list("slug", "pk"))
    now = timezone.now()
    rows = [
        (
            article.pk,
            version.pk,
            sentences[s.sentence][0],
            sentences[s.sentence][1],
            sentences[s.sentence][2],
            tags[s.tag],
            s.score,
            s.reason[:200],
            s.shown,
            now,
        )
        for s in proposed
        if s.tag in tags
    ]
    try:
        # COPY (a fifth of the time of the ORM's INSERTs for an article's ~800 rows); a
        # concurrent run that stored them meanwhile trips the unique constraint: keep its set.
        with transaction.atomic():
            rows_insert(model=Suggestion, columns=SUGGESTION_COLUMNS, rows=rows)
    except IntegrityError:
        if Suggestion.objects.filter(article=article, model=version).exists():
            return 0
        raise
    return len(rows)


def articles_without_suggestions(version: SuggesterVersion):
    """Ids of the articles the version has not suggested for yet, oldest first."""
    return (
        Article.objects.filter(
            ~Exists(Suggestion.objects.filter(article=OuterRef("pk"), model=version))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def suggestion_run_start(
    *, user: User | None, version: SuggesterVersion | None = None
) -> SuggestionRun:
    """Queue a background run over every article the version has no suggestions for yet."""
    from claims.tasks import suggest_corpus  # the task module imports this one

    version = version or suggester_active()
    if _runs_under_way(version).exists():
        raise Conflict(
            f"A run for model {version.version} is already under way.", code="run_in_progress"
        )
    run = SuggestionRun.objects.create(
        model=version, total=articles_without_suggestions(version).count(), started_by=user
    )
    transaction.on_commit(lambda: suggest_corpus.enqueue(run.pk))
    return run


def suggestion_run_execute(*, run: SuggestionRun, progress_every: int = 10) -> SuggestionRun:
    """Compute suggestions for every article the run's version lacks, saving progress as it
    goes so editors can watch it; a failure is recorded on the run."""
    SuggestionRun.objects.filter(pk=run.pk).update(state=SuggestionRun.State.RUNNING)
    done = 0
    try:
        for article_id in list(articles_without_suggestions(run.model)):
            article = Article.objects.only("pk").get(pk=article_id)
            suggestions_compute(article=article, version=run.model)
            done += 1
            if done % progress_every == 0:
                SuggestionRun.objects.filter(pk=run.pk).update(done=done)
    except Exception as error:
        SuggestionRun.objects.filter(pk=run.pk).update(
            done=done, state=SuggestionRun.State.FAILED, error=str(error)[:2000]
        )
        raise
    SuggestionRun.objects.filter(pk=run.pk).update(
        done=done,
        total=max(run.total, done),
        state=SuggestionRun.State.FINISHED,
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


# ---- Who sees them ----------------------------------------------------------------------------


def suggestions_hidden_for(*, article: Article, user: User) -> bool:
    """A blind pass: the reviewer's assignment says so, or the article does (editors still
    see an article's suggestions, unless their own assignment is blind)."""
    if Assignment.objects.filter(article=article, reviewer=user, blind=True).exists():
        return True
    return article.suggestions_blind and EDITOR not in user_roles(user)


@transaction.atomic
def article_suggestions_blind(*, article: Article, blind: bool) -> Article:
    """An editor hides (or shows again) suggested tags for every reviewer of the article."""
    article.suggestions_blind = blind
    article.save(update_fields=["suggestions_blind", "updated_at"])
    return article


@transaction.atomic
def assignment_blind(*, assignment: Assignment, blind: bool, user: User) -> Assignment:
    """An editor makes one reviewer's pass blind (or not): a reviewer cannot lift it."""
    if EDITOR not in user_roles(user):
        raise Forbidden("Only an editor decides whether a reviewer sees suggestions.")
    assignment.blind = blind
    assignment.save(update_fields=["blind"])
    return assignment


def _visible_check(suggestion: Suggestion, *, user: User) -> None:
    if suggestions_hidden_for(article=suggestion.article, user=user):
        raise Forbidden(
            "Suggestions are hidden for you on this article (a blind review).", code="blind"
        )


# ---- Accepting, dismissing, undoing -----------------------------------------------------------


def _reviews_of(suggestion: Suggestion, *, user: User):
    """The user's answers to this suggestion, under any model version: a sentence and tag
    dismissed once stays dismissed when a new version suggests it again."""
    return SuggestionReview.objects.filter(
        reviewer=user,
        suggestion__article_id=suggestion.article_id,
        suggestion__sentence=suggestion.sentence,
        suggestion__tag_id=suggestion.tag_id,
    )


def _open_check(suggestion: Suggestion, *, user: User) -> None:
    state = _reviews_of(suggestion, user=user).values_list("state", flat=True).first()
    if state is not None:
        raise Conflict(f"You have already {state} this suggestion.", code=f"already_{state}")


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, user: User) -> Annotation:
    """The suggestion becomes the user's own annotation of the sentence, marked as accepted
    from a suggestion. If they had already given the sentence that tag, that annotation is
    kept as it is and linked instead."""
    _visible_check(suggestion, user=user)
    _open_check(suggestion, user=user)
    draft = AnnotationDraft(
        article_id=suggestion.article_id,
        tag=suggestion.tag.slug,
        start=suggestion.start,
        end=suggestion.end,
        from_suggestion=True,
    )
    try:
        with transaction.atomic():
            annotation = annotation_create(author=user, draft=draft)
    except DuplicateAnnotationError as duplicate:  # a single create always names the other
        annotation = Annotation.objects.get(pk=cast(int, duplicate.existing_id))
    SuggestionReview.objects.create(
        suggestion=suggestion,
        reviewer=user,
        state=SuggestionReview.State.ACCEPTED,
        annotation=annotation,
    )
    return annotation


@transaction.atomic
def suggestion_dismiss(*, suggestion: Suggestion, user: User) -> SuggestionReview:
    _visible_check(suggestion, user=user)
    _open_check(suggestion, user=user)
    return SuggestionReview.objects.create(
        suggestion=suggestion, reviewer=user, state=SuggestionReview.State.DISMISSED
    )


@transaction.atomic
def suggestion_reopen(*, suggestion: Suggestion, user: User) -> None:
    """Undo the user's accept or dismiss: an annotation the accept made is deleted (one that
    was there before, made by hand, stays)."""
    reviews = list(_reviews_of(suggestion, user=user).select_related("annotation__tag"))
    if not reviews:
        raise Conflict("You have neither accepted nor dismissed this suggestion.", code="open")
    for review in reviews:
        made = review.annotation
        review.delete()
        if made is not None and made.from_suggestion and not made.final:
            annotation_delete(annotation=made, user=user)


@transaction.atomic
def suggestions_accept_tag(
    *, article: Article, tag: Tag, user: User, min_score: float | None = None
) -> list[tuple[Suggestion, Annotation]]:
    """Accept, in one go, every suggestion of `tag` the user sees open on the article."""
    if suggestions_hidden_for(article=article, user=user):
        raise Forbidden(
            "Suggestions are hidden for you on this article (a blind review).", code="blind"
        )
    version = suggester_active()
    answered = SuggestionReview.objects.filter(
        reviewer=user,
        suggestion__article_id=OuterRef("article_id"),
        suggestion__sentence=OuterRef("sentence"),
        suggestion__tag_id=OuterRef("tag_id"),
    )
    tagged = Annotation.objects.filter(
        article_id=OuterRef("article_id"),
        start=OuterRef("start"),
        end=OuterRef("end"),
        tag_id=OuterRef("tag_id"),
        author=user,
        final=False,
    )
    rows = Suggestion.objects.filter(article=article, model=version, tag=tag, shown=True)
    if min_score is not None:
        rows = rows.filter(score__gte=min_score)
    pending = list(rows.filter(~Exists(answered), ~Exists(tagged)).order_by("sentence"))
    drafts = [
        AnnotationDraft(
            article_id=article.pk, tag=tag.slug, start=s.start, end=s.end, from_suggestion=True
        )
        for s in pending
    ]
    created = annotations_bulk_create(author=user, drafts=drafts) if drafts else []
    SuggestionReview.objects.bulk_create(
        SuggestionReview(
            suggestion=s, reviewer=user, state=SuggestionReview.State.ACCEPTED, annotation=a
        )
        for s, a in zip(pending, created, strict=True)
    )
    return list(zip(pending, created, strict=True))


@transaction.atomic
def suggestions_reopen(*, article: Article, ids: list[int], user: User) -> int:
    """Undo several accepts or dismisses at once (the undo of accepting a whole tag)."""
    found = list(Suggestion.objects.filter(article=article, pk__in=ids).select_related("tag"))
    missing = sorted(set(ids) - {s.pk for s in found})
    if missing:
        raise Rejected(
            "suggestions",
            f"Article {article.pk} has no suggestion {', '.join(map(str, missing))}.",
            code="does_not_exist",
        )
    for suggestion in found:
        suggestion_reopen(suggestion=suggestion, user=user)
    return len(found)


# ---- Training data from this instance ---------------------------------------------------------


def instance_training_data() -> tuple[list[LabelledSentence], list[tuple[LabelledSentence, str]]]:
    """What this instance's people have settled, as labelled sentences: every sentence of an
    adjudicated article with its final tags; elsewhere, the sentences two or more reviewers
    gave the same tag (with the tags they agree on); and, as negatives for their tag only,
    the sentences of dismissed suggestions."""
    adjudicated = set(
        Article.objects.filter(adjudicated_at__isnull=False).values_list("pk", flat=True)
    )
    final = _sentence_tags(Annotation.objects.filter(final=True, article_id__in=adjudicated))
    agreed = _sentence_tags(
        Annotation.objects.filter(final=False).exclude(article_id__in=adjudicated),
        reviewers=2,
    )
    dismissed = list(
        SuggestionReview.objects.filter(state=SuggestionReview.State.DISMISSED)
        .values_list("suggestion__article_id", "suggestion__sentence", "suggestion__tag__slug")
        .distinct()
    )
    wanted = adjudicated | {a for a, _ in agreed} | {a for a, _, _ in dismissed}
    sentences = {
        (row.article_id, row.index): row
        for row in Sentence.objects.filter(article_id__in=wanted).only(
            "article_id", "index", "block", "kind", "text"
        )
    }

    def labelled(key: tuple[int, int], tags: frozenset[str]) -> LabelledSentence:
        row = sentences[key]
        return LabelledSentence(f"article-{row.article_id}", row.block, row.kind, row.text, tags)

    examples = [
        labelled(key, final.get(key, frozenset()))
        for key in sorted(sentences)
        if key[0] in adjudicated
    ]
    examples += [labelled(key, tags) for key, tags in sorted(agreed.items())]
    negatives = [(labelled((a, i), frozenset()), slug) for a, i, slug in sorted(dismissed)]
    return examples, negatives


def _sentence_tags(
    annotations: QuerySet[Annotation], *, reviewers: int = 1
) -> dict[tuple[int, int], frozenset[str]]:
    """(article, sentence) -> the tags at least `reviewers` distinct authors gave spans
    starting in that sentence; grouped in the database."""
    sentence_of = Sentence.objects.filter(
        article_id=OuterRef("article_id"), start__lte=OuterRef("start"), end__gt=OuterRef("start")
    ).values("index")[:1]
    rows = (
        annotations.annotate(sentence=Subquery(sentence_of))
        .values("article_id", "sentence", "tag__slug")
        .annotate(authors=Count("author", distinct=True))
        .filter(authors__gte=reviewers)
        .values_list("article_id", "sentence", "tag__slug")
        .order_by()
    )
    tags: dict[tuple[int, int], set[str]] = {}
    for article_id, sentence, slug in rows:
        tags.setdefault((article_id, sentence), set()).add(slug)
    return {key: frozenset(value) for key, value in tags.items()}
