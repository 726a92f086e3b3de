"""A reviewer's read-through of an article: how far they have read it, sentence by sentence
from the first, so that "read, nothing to flag" is told apart from "not read yet"."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Greatest
from django.utils import timezone

from claims.models import Article, ReadThrough, Sentence
from claims.services.annotations import no_such_sentence


def read_through_mark(*, article: Article, reviewer: User, read_up_to: int) -> ReadThrough:
    """The reviewer has read the article up to sentence `read_up_to`. The mark only moves on:
    an earlier sentence (a late request, a second tab) leaves it where it is, so the page may
    send its latest position whenever it likes."""
    if read_up_to < 0 or not Sentence.objects.filter(article=article, index=read_up_to).exists():
        raise no_such_sentence("read_up_to", article=article, index=read_up_to)
    rows = ReadThrough.objects.filter(article=article, reviewer=reviewer)
    with transaction.atomic():
        if not _moved_on(rows, read_up_to):
            try:
                with transaction.atomic():
                    ReadThrough.objects.create(
                        article=article, reviewer=reviewer, read_up_to=read_up_to
                    )
            except IntegrityError:
                # Another request made the row first: move it on instead.
                _moved_on(rows, read_up_to)
        return rows.get()


def _moved_on(rows, read_up_to: int) -> int:
    # One UPDATE taking the larger of the two, so that concurrent marks cannot lower it.
    return rows.update(
        read_up_to=Greatest("read_up_to", Value(read_up_to)), updated_at=timezone.now()
    )
