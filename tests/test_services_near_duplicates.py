"""Near-duplicates: an upload most of whose sentences a stored article has is refused unless
the uploader confirms, and the look-up goes through the fingerprint index."""

from importlib import import_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import claims.services.articles
from claims.ingest.fingerprints import fingerprints, sentence_fingerprint, sentence_words
from claims.models import Article, SentenceFingerprint
from claims.services.articles import (
    NEAR_DUPLICATE_SHARE,
    DuplicateArticleError,
    NearDuplicateError,
    Upload,
    article_delete,
    article_ingest,
    near_duplicate_of,
)

pytestmark = pytest.mark.django_db

# Twenty sentences of one clinic page, each a line of its own.
PAGE = [
    "How much does knee therapy cost?",
    *(f"Package {n} includes {n} injections of your own cells for ${n},500." for n in range(1, 19)),
    "Book a free consultation today.",
]


def _upload(lines: list[str], filename: str = "page.txt") -> Upload:
    return Upload(data="\n".join(lines).encode(), filename=filename)


def _store(lines: list[str], user, **options) -> Article:
    return article_ingest(upload=_upload(lines), user=user, **options)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("- No surgery.", "No surgery"),
        ("“It works,” she said.", '"It works" she said'),
        ("Starter | 2 | €450 |", "Starter | 2 | €450"),
        ("STEM CELLS  cure\u00a0knees", "stem cells cure knees"),
        ("ﬁne print", "fine print"),
    ],
)
def test_sentences_that_differ_only_in_marks_share_a_fingerprint(a, b):
    assert sentence_fingerprint(a) == sentence_fingerprint(b)


def test_a_fingerprint_fits_a_bigint_and_a_sentence_of_no_words_has_none():
    assert sentence_words("✅ 9(23):6798, e.g. Dr.") == "9 23 6798 e g dr"
    assert all(-(2**63) <= h < 2**63 for h in fingerprints(PAGE))
    assert sentence_fingerprint("... ✅ |") is None
    assert sentence_fingerprint("Knees.") != sentence_fingerprint("Hips.")


def test_it_indexes_each_distinct_sentence_of_a_stored_article(reviewer):
    article = _store([*PAGE, PAGE[1]], reviewer)  # a repeated sentence counts once
    stored = set(article.fingerprints.values_list("hash", flat=True))
    assert stored == fingerprints(PAGE)
    assert article.fingerprints.count() == len(PAGE)


def test_it_refuses_an_upload_whose_sentences_are_nearly_all_stored(reviewer):
    stored = _store(PAGE, reviewer)
    # 20 of these 21 sentences (95%) are the stored article's; the text differs in its marks.
    upload = [f"- {line}" for line in PAGE] + ["Call +1 555 0199."]
    with pytest.raises(NearDuplicateError) as refused:
        article_ingest(upload=_upload(upload), user=reviewer)
    assert refused.value.code == "near_duplicate"
    assert refused.value.details == {"article": stored.pk, "share": 0.952}
    assert str(stored.pk) in refused.value.message and "95%" in refused.value.message
    assert Article.objects.count() == 1


def test_it_stores_an_upload_that_shares_less_than_the_threshold(reviewer):
    _store(PAGE, reviewer)
    # 17 of 20 sentences (85%) are stored ones: another page of the same clinic.
    other = [*PAGE[:17], "Hip therapy is new.", "It costs more.", "Ask us about it."]
    article = _store(other, reviewer)
    assert Article.objects.count() == 2
    assert article.fingerprints.count() == 20


def test_the_threshold_is_inclusive(reviewer):
    _store(PAGE, reviewer)
    exactly = [*PAGE[:18], "A new sentence.", "Another new one."]  # 18 of 20: 90%
    with pytest.raises(NearDuplicateError) as refused:
        _store(exactly, reviewer)
    assert refused.value.share == NEAR_DUPLICATE_SHARE


def test_it_stores_a_near_duplicate_when_the_uploader_confirms(reviewer):
    stored = _store(PAGE, reviewer)
    upload = [f"• {line}" for line in PAGE] + ["Call +1 555 0199."]
    again = _store(upload, reviewer, allow_near_duplicate=True)
    assert again.pk != stored.pk
    assert again.fingerprints.count() == len(PAGE) + 1


def test_the_same_text_is_still_a_duplicate_whatever_the_flag(reviewer):
    stored = _store(PAGE, reviewer)
    with pytest.raises(DuplicateArticleError) as refused:
        _store(PAGE, reviewer, allow_near_duplicate=True)
    assert refused.value.code == "duplicate" and refused.value.article == stored


def test_an_excerpt_of_a_stored_article_is_a_near_duplicate_of_it(reviewer):
    stored = _store(PAGE, reviewer)
    with pytest.raises(NearDuplicateError) as refused:
        _store(PAGE[2:8], reviewer)
    assert refused.value.article == stored and refused.value.share == 1.0


def test_it_names_the_article_with_the_largest_share(reviewer):
    _store(PAGE[:10] + [f"Other {n}." for n in range(10)], reviewer)
    closest = _store([*PAGE[:19], "A last line of its own."], reviewer, allow_near_duplicate=True)
    match = near_duplicate_of(fingerprints(PAGE))
    assert match is not None
    assert match[0] == closest and match[1] == pytest.approx(19 / 20)


def test_the_look_up_is_one_grouped_query_on_the_index(reviewer):
    _store(PAGE, reviewer)
    with CaptureQueriesContext(connection) as queries:
        match = near_duplicate_of(fingerprints([*PAGE[:19], "New."]))
    assert match is not None
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and "claims_sentencefingerprint" in grouped[0]
    assert len(queries.captured_queries) == 2  # the grouped look-up, then the article found


def test_a_large_upload_is_looked_up_by_a_sample_and_counted_exactly(reviewer, monkeypatch):
    monkeypatch.setattr(claims.services.articles, "_PROBE_SIZE", 10)
    _store(PAGE, reviewer)
    # Whichever 10 fingerprints are sampled, at most one is new: a candidate, then 19 of 20.
    near = [*PAGE[:19], "One new line."]
    match = near_duplicate_of(fingerprints(near))
    assert match is not None and match[1] == pytest.approx(0.95)
    assert near_duplicate_of(fingerprints([*PAGE[:17], "x y", "y z", "z x"])) is None


def test_fingerprints_go_with_their_article(reviewer):
    article = _store(PAGE, reviewer)
    article_delete(article=article)
    assert not SentenceFingerprint.objects.exists()
    _store([f"- {line}" for line in PAGE], reviewer)  # no longer a near-duplicate of anything


def test_an_upload_with_no_words_is_no_near_duplicate(reviewer):
    _store(PAGE, reviewer)
    assert near_duplicate_of(set()) is None
    article = article_ingest(upload=Upload(data=b"... !!! ???", filename="p.txt"), user=reviewer)
    assert article.fingerprints.count() == 0


def test_the_migration_indexes_the_articles_stored_before_it(reviewer):
    article = _store(PAGE, reviewer)
    SentenceFingerprint.objects.all().delete()
    migration = import_module("claims.migrations.0009_sentence_fingerprints")
    from django.apps import apps

    migration.fingerprints_fill(apps, None)
    assert set(article.fingerprints.values_list("hash", flat=True)) == fingerprints(PAGE)
