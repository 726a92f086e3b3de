"""Database constraints hold even when the services are bypassed."""

import pytest
from django.db import IntegrityError, transaction

from claims.models import Annotation, Article, Sentence, Tag

pytestmark = pytest.mark.django_db


def _annotation(article, author, **overrides) -> Annotation:
    start, end = overrides.pop("start", 0), overrides.pop("end", 2)
    fields = {
        "article": article,
        "author": author,
        "tag": Tag.objects.get(slug="overstated"),
        "start": start,
        "end": end,
        "quote": article.text[start:end],
        **overrides,
    }
    return Annotation.objects.create(**fields)


def _refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_migrations_create_the_four_default_tags_with_definitions():
    tags = list(Tag.objects.order_by("order"))
    assert [t.slug for t in tags] == [
        "unsupported",
        "overstated",
        "cited-case-report",
        "price-claim",
    ]
    assert [t.shortcut for t in tags] == ["1", "2", "3", "4"]
    assert all(t.definition and t.colour.startswith("#") and not t.archived for t in tags)


def test_migrations_create_the_role_groups():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"reviewer", "editor", "reader"}


def test_an_annotation_inside_the_text_is_stored(make_article, reviewer):
    article = make_article()
    end = len(article.text)
    annotation = _annotation(article, reviewer, start=end - 5, end=end)
    assert article.text[annotation.start : annotation.end] == annotation.quote


def test_it_refuses_an_annotation_past_the_end_of_the_text(make_article, reviewer):
    article = make_article()
    length = len(article.text)
    _refused(
        lambda: Annotation.objects.create(
            article=article,
            author=reviewer,
            tag=Tag.objects.get(slug="overstated"),
            start=length - 1,
            end=length + 1,
            quote="xx",
        )
    )
    assert Annotation.objects.count() == 0


def test_it_refuses_moving_an_annotation_past_the_end_of_the_text(make_article, reviewer):
    article = make_article()
    annotation = _annotation(article, reviewer)
    length = len(article.text)
    _refused(
        lambda: Annotation.objects.filter(pk=annotation.pk).update(
            start=length, end=length + 3, quote="abc"
        )
    )


def test_it_refuses_an_empty_or_reversed_span(make_article, reviewer):
    article = make_article()
    _refused(lambda: _annotation(article, reviewer, start=4, end=4))
    _refused(
        lambda: Annotation.objects.create(
            article=article,
            author=reviewer,
            tag=Tag.objects.get(slug="overstated"),
            start=5,
            end=3,
            quote="",
        )
    )


def test_it_refuses_a_quote_that_does_not_match_the_span_length(make_article, reviewer):
    article = make_article()
    _refused(lambda: _annotation(article, reviewer, start=0, end=5, quote="Is"))


def test_it_refuses_the_same_span_tag_and_author_twice(make_article, reviewer, other_reviewer):
    article = make_article()
    _annotation(article, reviewer)
    _refused(lambda: _annotation(article, reviewer))
    _annotation(article, other_reviewer)
    _annotation(article, reviewer, tag=Tag.objects.get(slug="unsupported"))
    assert Annotation.objects.count() == 3


def test_it_refuses_a_sentence_whose_text_does_not_match_its_span(make_article):
    article = make_article()
    _refused(
        lambda: Sentence.objects.create(article=article, index=99, start=0, end=3, text="Is st")
    )


def test_it_keeps_the_stored_text_length_in_step_with_the_text(make_article):
    article = make_article()
    assert article.text_length == len(article.text)
    _refused(lambda: Article.objects.filter(pk=article.pk).update(text_length=3))
    _refused(lambda: Article.objects.filter(pk=article.pk).update(text=article.text + "!"))


def test_it_refuses_two_tags_with_one_shortcut_but_allows_many_without():
    _refused(
        lambda: Tag.objects.create(
            slug="miracle", name="Miracle", definition="d", colour="#123456", shortcut="1"
        )
    )
    Tag.objects.create(slug="a", name="A", definition="d", colour="#123456", shortcut="")
    Tag.objects.create(slug="b", name="B", definition="d", colour="#654321", shortcut="")


def test_it_refuses_a_colour_that_is_not_hex():
    _refused(lambda: Tag.objects.create(slug="c", name="C", definition="d", colour="red"))
