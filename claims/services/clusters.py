"""Claim clusters: rebuilding them all (a background job with its progress), and bringing
them up to date for one article whose sentences were tagged, joining existing clusters or
forming new ones.

Candidate pairs come from the database: on PostgreSQL pg_trgm's `%` operator over claim keys,
answered by a trigram index (over each cluster's key, over the sentences' keys, or over the
rebuild's distinct keys); on SQLite only sentences with the same claim key are alike, as with
similar sentences there.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims.bulk_rows import rows_insert
from claims.models import Annotation, ClaimCluster, ClusterJob, ClusterMember, Sentence
from claims.selectors_similar import ClaimKey
from claims.services.errors import Conflict
from claims.similar.clusters import (
    TaggedSentence,
    clusters_formed,
    key_groups,
)
from claims.similar.quality import DEFAULT_MIN_SCORE

THRESHOLD = DEFAULT_MIN_SCORE
# The steps of a rebuild, which its progress counts.
STEPS = (
    "Reading the tagged sentences",
    "Finding alike claims",
    "Clustering",
    "Storing the clusters",
)
_LOCK = 1_616  # pg_advisory_xact_lock key: one writer of clusters at a time


def tagged_sentences() -> QuerySet[Sentence]:
    """Sentences with a claim text and at least one annotation (review or final) on them."""
    on_it = Annotation.objects.filter(
        article_id=OuterRef("article_id"), start__lt=OuterRef("end"), end__gt=OuterRef("start")
    )
    return Sentence.objects.exclude(claim_text="").filter(Exists(on_it))


def _tagged_rows(rows: QuerySet[Sentence], *, keys: set[str] | None = None) -> list[TaggedSentence]:
    rows = rows.annotate(key=ClaimKey(F("claim_text")))
    if keys is not None:
        rows = rows.filter(key__in=keys)
    values = rows.values_list("id", "article_id", "key")
    return [TaggedSentence(*row) for row in values.order_by("id")]


def _writer_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])


def _threshold_set(cursor) -> None:
    """`%` compares with this setting; local to the transaction the caller holds."""
    cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(THRESHOLD)])


@contextmanager
def _trigram_index_preferred(cursor) -> Iterator[None]:
    """The planner takes `%` on claim keys to be cheap and compares every key with every
    other (a nested loop over a sequential scan: 220 ms for 20 keys against 2,400 clusters);
    through the trigram index it reads a few rows per key (31 ms). Inside the caller's
    transaction only."""
    cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
    try:
        yield
    finally:
        cursor.execute("SELECT set_config('enable_seqscan', 'on', true)")


# ---- Rebuild ----------------------------------------------------------------------------------


def cluster_job_start(*, user: User | None) -> ClusterJob:
    """Queue a rebuild of every cluster, unless one is queued or running already."""
    from claims.tasks import clusters_rebuild  # the task module imports this one

    under_way = ClusterJob.objects.filter(
        state__in=[ClusterJob.State.QUEUED, ClusterJob.State.RUNNING]
    )
    if under_way.exists():
        raise Conflict("A cluster rebuild is already under way.", code="job_in_progress")
    job = ClusterJob.objects.create(
        total=len(STEPS), step="Waiting for the worker", started_by=user
    )
    transaction.on_commit(lambda: clusters_rebuild.enqueue(job.pk))
    return job


def cluster_job_execute(*, job: ClusterJob) -> ClusterJob:
    """Rebuild every cluster, saving each step as it starts so editors can watch; a failure
    is recorded on the job."""
    ClusterJob.objects.filter(pk=job.pk).update(
        state=ClusterJob.State.RUNNING, started_at=timezone.now(), total=len(STEPS)
    )

    def step(done: int) -> None:
        ClusterJob.objects.filter(pk=job.pk).update(done=done, step=STEPS[done])

    try:
        made = clusters_rebuild(progress=step)
    except Exception as error:
        ClusterJob.objects.filter(pk=job.pk).update(
            state=ClusterJob.State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ClusterJob.objects.filter(pk=job.pk).update(
        state=ClusterJob.State.FINISHED,
        done=len(STEPS),
        step="Finished",
        clusters=made,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def clusters_rebuild(*, progress=None) -> int:
    """Replace every cluster with those the tagged sentences form now; the number made.
    Reading and comparing run before the one transaction that swaps the clusters."""
    report = progress or (lambda done: None)
    report(0)
    groups = key_groups(_tagged_rows(tagged_sentences()))
    report(1)
    alike = _alike_keys(sorted(groups))
    report(2)
    clusters = clusters_formed(groups, alike)
    report(3)
    with transaction.atomic():
        _writer_lock()
        ClusterMember.objects.all().delete()
        ClaimCluster.tags.through.objects.all().delete()
        ClaimCluster.objects.all().delete()
        made = ClaimCluster.objects.bulk_create(
            [ClaimCluster(representative_id=c.representative, claim_key=c.key) for c in clusters],
            batch_size=2_000,
        )
        rows_insert(
            model=ClusterMember,
            columns=("cluster_id", "sentence_id"),
            rows=((row.pk, pk) for row, c in zip(made, clusters, strict=True) for pk in c.members),
        )
        cluster_figures_refresh(ids=None)
    return len(made)


def _alike_keys(keys: list[str]) -> list[tuple[str, str]]:
    """Pairs of distinct claim keys at least THRESHOLD alike: a self-join of the keys through a
    trigram index on a temporary table of them."""
    if connection.vendor != "postgresql" or len(keys) < 2:
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        _threshold_set(cursor)
        cursor.execute("CREATE TEMP TABLE cluster_keys (key text PRIMARY KEY) ON COMMIT DROP")
        cursor.execute("INSERT INTO cluster_keys SELECT unnest(%s::text[])", [keys])
        cursor.execute("CREATE INDEX ON cluster_keys USING gin (key gin_trgm_ops)")
        cursor.execute("ANALYZE cluster_keys")
        with _trigram_index_preferred(cursor):
            cursor.execute(
                "SELECT a.key, b.key FROM cluster_keys a JOIN cluster_keys b"
                " ON b.key %% a.key AND a.key < b.key WHERE similarity(a.key, b.key) >= %s",
                [THRESHOLD],
            )
            return cursor.fetchall()


# ---- One article ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    sentence: int  # the new sentence's id
    other: TaggedSentence


def clusters_article_update(*, article_id: int) -> list[int]:
    """Bring the clusters up to date with an article's tagged sentences: each one in no
    cluster yet joins the cluster whose representative it is most alike, or leads a new one
    with the unclustered tagged sentences of other articles alike to it. The ids of the
    clusters touched (their counts and tags are refreshed)."""
    with transaction.atomic():
        _writer_lock()
        touched = set(
            ClusterMember.objects.filter(sentence__article_id=article_id).values_list(
                "cluster_id", flat=True
            )
        )
        new = _tagged_rows(
            tagged_sentences().filter(article_id=article_id, cluster_membership=None)
        )
        joined = _clusters_alike(new)
        ClusterMember.objects.bulk_create(
            ClusterMember(cluster_id=cluster, sentence_id=pk) for pk, cluster in joined.items()
        )
        touched.update(joined.values())
        rest = [sentence for sentence in new if sentence.id not in joined]
        made = _clusters_led(rest, _unclustered_alike(rest, article_id=article_id))
        touched.update(made)
        # Only this article's sentences and the new clusters' can bring a tag.
        tagging = Q(sentence__article_id=article_id) | Q(cluster_id__in=made)
        cluster_figures_refresh(ids=sorted(touched), tags_from=tagging)
    return sorted(touched)


def _clusters_alike(sentences: list[TaggedSentence]) -> dict[int, int]:
    """For each sentence, the cluster whose key is the most alike to its own (at least
    THRESHOLD), in two queries for all of them (the same key, then alike ones)."""
    if not sentences:
        return {}
    # Most often a sentence says its claim in a cluster's own words: found by the hash index.
    same = ClaimCluster.objects.filter(claim_key__in={s.key for s in sentences})
    by_key = dict(same.order_by("-pk").values_list("claim_key", "pk"))  # the oldest wins
    found = {s.id: by_key[s.key] for s in sentences if s.key in by_key}
    rest = [s for s in sentences if s.id not in found]
    if connection.vendor != "postgresql" or not rest:
        return found
    with transaction.atomic(), connection.cursor() as cursor, _trigram_index_preferred(cursor):
        _threshold_set(cursor)
        cursor.execute(
            "SELECT DISTINCT ON (n.id) n.id, c.id"
            " FROM unnest(%s::bigint[], %s::text[]) AS n(id, key)"
            " JOIN claims_claimcluster c ON c.claim_key %% n.key"
            " WHERE similarity(c.claim_key, n.key) >= %s"
            " ORDER BY n.id, similarity(c.claim_key, n.key) DESC, c.id",
            [[s.id for s in rest], [s.key for s in rest], THRESHOLD],
        )
        return found | dict(cursor.fetchall())


def _unclustered_alike(sentences: list[TaggedSentence], *, article_id: int) -> list[_Candidate]:
    """Tagged sentences of other articles, in no cluster, alike to each of `sentences`, in one
    query for all of them."""
    if not sentences:
        return []
    if connection.vendor != "postgresql":
        others = tagged_sentences().exclude(article_id=article_id).filter(cluster_membership=None)
        found = _tagged_rows(others, keys={s.key for s in sentences})
        return [_Candidate(s.id, o) for s in sentences for o in found if o.key == s.key]
    with connection.cursor() as cursor:
        _threshold_set(cursor)
        cursor.execute(
            "SELECT n.id, s.id, s.article_id, replace(s.claim_text, ' ', '')"
            " FROM unnest(%s::bigint[], %s::text[]) AS n(id, key)"
            " JOIN claims_sentence s ON replace(s.claim_text, ' ', '') %% n.key"
            " WHERE s.article_id <> %s AND s.claim_text <> ''"
            " AND similarity(replace(s.claim_text, ' ', ''), n.key) >= %s"
            " AND NOT EXISTS (SELECT 1 FROM claims_clustermember m WHERE m.sentence_id = s.id)"
            " AND EXISTS (SELECT 1 FROM claims_annotation a WHERE a.article_id = s.article_id"
            ' AND a.start < s."end" AND a."end" > s.start)'
            " ORDER BY n.id, s.id",
            [[s.id for s in sentences], [s.key for s in sentences], article_id, THRESHOLD],
        )
        return [_Candidate(row[0], TaggedSentence(*row[1:])) for row in cursor.fetchall()]


def _clusters_led(sentences: list[TaggedSentence], candidates: list[_Candidate]) -> list[int]:
    """New clusters, each led by one of `sentences` with the candidates alike to it that no
    earlier one took (and the article's other sentences of the same key)."""
    taken: set[int] = set()
    made: list[int] = []
    for leader in sentences:
        if leader.id in taken:
            continue
        others = [c.other.id for c in candidates if c.sentence == leader.id]
        others = [pk for pk in others if pk not in taken]
        if not others:
            continue
        same_key = [s.id for s in sentences if s.key == leader.key and s.id not in taken]
        members = sorted({*same_key, *others})
        taken.update(members)
        cluster = ClaimCluster.objects.create(representative_id=leader.id, claim_key=leader.key)
        ClusterMember.objects.bulk_create(
            ClusterMember(cluster=cluster, sentence_id=pk) for pk in members
        )
        made.append(cluster.pk)
    return made


# ---- Stored figures ---------------------------------------------------------------------------


def cluster_figures_refresh(*, ids: list[int] | None, tags_from: Q | None = None) -> None:
    """Recount the clusters (all of them with `ids=None`) from their members and drop those
    left with fewer than two articles (after a deletion); set their tags again from every
    member, or with `tags_from` add those of the members it selects (tags then only grow
    until the next rebuild: a deleted annotation's tag stays until then)."""
    clusters = (
        ClaimCluster.objects.all() if ids is None else ClaimCluster.objects.filter(pk__in=ids)
    )
    members = ClusterMember.objects.filter(cluster_id=OuterRef("pk")).order_by()

    def figure(aggregate) -> Subquery:
        return Subquery(members.values("cluster_id").annotate(v=aggregate).values("v"))

    def count(aggregate) -> Coalesce:
        return Coalesce(figure(aggregate), Value(0), output_field=IntegerField())

    publisher = "sentence__article__publisher"
    clusters.update(
        member_count=count(Count("pk")),
        article_count=count(Count("sentence__article_id", distinct=True)),
        publisher_count=count(Count(publisher, distinct=True, filter=~Q(**{publisher: ""}))),
        first_seen=figure(Min("sentence__article__created_at")),
        last_seen=figure(Max("sentence__article__created_at")),
        updated_at=timezone.now(),
    )
    clusters.filter(article_count__lt=2).delete()
    _cluster_tags_set(ids, tags_from=tags_from)


def _cluster_tags_set(ids: list[int] | None, *, tags_from: Q | None) -> None:
    through = ClaimCluster.tags.through
    members = ClusterMember.objects.all()
    if ids is not None:
        members = members.filter(cluster_id__in=ids)
    if tags_from is None:
        links = through.objects.all()
        if ids is not None:
            links = links.filter(claimcluster_id__in=ids)
        links.delete()
    else:
        members = members.filter(tags_from)
    pairs = (
        members.filter(
            sentence__article__annotations__start__lt=F("sentence__end"),
            sentence__article__annotations__end__gt=F("sentence__start"),
        )
        .values_list("cluster_id", "sentence__article__annotations__tag_id")
        .distinct()
        .order_by()
    )
    through.objects.bulk_create(
        [through(claimcluster_id=cluster, tag_id=tag) for cluster, tag in pairs],
        batch_size=5_000,
        ignore_conflicts=tags_from is not None,
    )
