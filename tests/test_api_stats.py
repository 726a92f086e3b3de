"""GET /api/v1/stats/tags/: annotation counts grouped as asked, as JSON or CSV.

Every expected count here is worked out by the test itself from the annotations it made."""

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from claims.models import Annotation, Article
from tests.helpers import annotate_phrase

STATS = "/api/v1/stats/tags/"

KNEES_TEXT = (
    "Knee pain? Regenerative care that works.\n\n"
    "Our stem cell injections regrow cartilage in weeks. Ninety-eight percent of our patients "
    "walk without pain after one visit. A marathon runner was back on the track after a single "
    "session.\n\n"
    "Packages start at $3,900 per knee, with financing available.\n"
)
HORMONES_TEXT = (
    "Hormone balance for men and women.\n\n"
    "Bioidentical pellets are completely safe and natural. They prevent heart disease and "
    "dementia. A patient in her fifties told us she feels thirty again.\n\n"
    "Pellet insertion costs $450, far less than other clinics charge.\n"
)
DRIPS_TEXT = (
    "IV drips for energy and immunity.\n\n"
    "Our Myers cocktail boosts immunity by 300 percent. Vitamin C drips detox the liver "
    "overnight. Celebrities swear by our glow drip.\n\n"
    "Memberships are $199 a month and include two drips.\n"
)
QUIET_TEXT = "Sports massage in the city centre.\n\nOur therapists hold recognised diplomas.\n"

# key: (title, publisher, text)
ARTICLES = {
    "knees": ("Stem cells for knees", "RegenWell Institute", KNEES_TEXT),
    "hormones": ("Pellet therapy", 'Smith, Jones & "Partners" Clinic', HORMONES_TEXT),
    "drips": ("IV drip menu", "Lakeside Vitality", DRIPS_TEXT),
    "quiet": ("Sports massage", "Quiet Clinic", QUIET_TEXT),  # never annotated
}


def _at(year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0):
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# (article, author, tag, phrase, created at, note). Two sit on month boundaries; no one uses
# the tag cited-case-report.
SPECS = [
    ("knees", "rita", "overstated", "regrow cartilage in weeks", _at(2025, 1, 14), ""),
    (
        "knees",
        "rita",
        "unsupported",
        "regrow cartilage in weeks",
        _at(2025, 1, 31, 23, 59, 59),
        "No imaging or trial is cited.",
    ),
    (
        "knees",
        "rita",
        "overstated",
        "Ninety-eight percent of our patients",
        _at(2025, 2, 3),
        "The figure comes from a patient survey.",
    ),
    ("knees", "omar", "overstated", "regrow cartilage in weeks", _at(2025, 2, 10), ""),
    ("knees", "omar", "price-claim", "Packages start at $3,900 per knee", _at(2025, 3, 1, 0), ""),
    ("hormones", "rita", "overstated", "completely safe and natural", _at(2025, 2, 11), ""),
    ("hormones", "rita", "unsupported", "prevent heart disease and dementia", _at(2025, 2, 12), ""),
    (
        "hormones",
        "omar",
        "unsupported",
        "prevent heart disease and dementia",
        _at(2025, 3, 5),
        "A survey of members, with no controls.",
    ),
    ("hormones", "edna", "price-claim", "Pellet insertion costs $450", _at(2025, 3, 6), ""),
    ("drips", "omar", "overstated", "boosts immunity by 300 percent", _at(2025, 1, 20), ""),
    ("drips", "omar", "unsupported", "detox the liver overnight", _at(2025, 3, 7), ""),
    ("drips", "edna", "price-claim", "Memberships are $199 a month", _at(2025, 3, 8), ""),
]


@dataclass(frozen=True)
class Made:
    article: Article
    author: str
    tag: str
    quote: str
    note: str
    created_at: datetime


@dataclass
class Dataset:
    articles: dict[str, Article]
    made: list[Made]


@pytest.fixture
def data(make_article, reviewer, other_reviewer, editor) -> Dataset:
    users = {u.username: u for u in (reviewer, other_reviewer, editor)}
    articles = {
        key: make_article(text=text, title=title, publisher=publisher)
        for key, (title, publisher, text) in ARTICLES.items()
    }
    made = []
    for key, author, tag, phrase, created_at, note in SPECS:
        annotation = annotate_phrase(users[author], articles[key], tag, phrase, note)
        Annotation.objects.filter(pk=annotation.pk).update(created_at=created_at)
        made.append(Made(articles[key], author, tag, annotation.quote, note, created_at))
    return Dataset(articles, made)


# --- The test's own counting ------------------------------------------------------------------

COLUMNS = {
    "publisher": ("publisher",),
    "article": ("article", "article_title"),
    "author": ("author",),
    "tag": ("tag",),
    "month": ("month",),
}


def _columns(keys) -> tuple[str, ...]:
    return tuple(column for key in sorted(keys) for column in COLUMNS[key])


def _value(made: Made, column: str):
    return {
        "publisher": made.article.publisher,
        "article": made.article.pk,
        "article_title": made.article.title,
        "author": made.author,
        "tag": made.tag,
        "month": made.created_at.strftime("%Y-%m"),
    }[column]


def _expected(made: list[Made], keys, keep=lambda m: True) -> dict[tuple, tuple[int, int]]:
    """{group values: (annotations, distinct articles)} for the annotations `keep` accepts."""
    columns = _columns(keys)
    annotations: Counter = Counter()
    articles: defaultdict = defaultdict(set)
    for m in made:
        if keep(m):
            group = tuple(_value(m, column) for column in columns)
            annotations[group] += 1
            articles[group].add(m.article.pk)
    return {group: (n, len(articles[group])) for group, n in annotations.items()}


def _counted(rows: list[dict], keys) -> dict[tuple, tuple[int, int]]:
    columns = _columns(keys)
    return {
        tuple(row[column] for column in columns): (row["annotations"], row["articles"])
        for row in rows
    }


def _stats(client, *group_by: str, **params):
    query = {**params, "group_by": list(group_by)} if group_by else params
    return client.get(STATS, query)


# --- Grouping ---------------------------------------------------------------------------------

GROUPINGS = [
    pytest.param(["tag"], {"tag"}, id="tag"),
    pytest.param(["publisher"], {"publisher"}, id="publisher"),
    pytest.param(["article"], {"article"}, id="article"),
    pytest.param(["author"], {"author"}, id="author"),
    pytest.param(["month"], {"month"}, id="month"),
    pytest.param(["publisher,tag"], {"publisher", "tag"}, id="comma-separated"),
    pytest.param(["tag,author"], {"author", "tag"}, id="comma-separated-any-order"),
    pytest.param(["month", "article"], {"month", "article"}, id="repeated"),
    pytest.param(["author", "tag,month"], {"author", "tag", "month"}, id="repeated-and-commas"),
    pytest.param(
        ["publisher,article,author,tag,month"],
        {"publisher", "article", "author", "tag", "month"},
        id="everything",
    ),
]


@pytest.mark.parametrize(("group_by", "keys"), GROUPINGS)
def test_it_counts_annotations_and_articles_per_group(api_for, editor, data, group_by, keys):
    response = _stats(api_for(editor), *group_by)

    assert response.status_code == 200
    body = response.json()
    assert set(body["group_by"]) == keys
    assert _counted(body["results"], keys) == _expected(data.made, keys)


@pytest.mark.parametrize(("group_by", "keys"), GROUPINGS)
def test_it_gives_each_row_exactly_the_group_columns_and_the_counts(
    api_for, editor, data, group_by, keys
):
    rows = _stats(api_for(editor), *group_by).json()["results"]

    assert rows
    for row in rows:
        assert set(row) == {*_columns(keys), "annotations", "articles"}


def test_it_counts_per_tag_when_no_grouping_is_asked(api_for, editor, data):
    body = _stats(api_for(editor)).json()

    assert body["group_by"] == ["tag"]
    assert _counted(body["results"], {"tag"}) == {
        ("overstated",): (5, 3),
        ("unsupported",): (4, 3),
        ("price-claim",): (3, 3),
    }


def test_it_counts_distinct_articles_not_annotations(api_for, editor, data):
    rows = _stats(api_for(editor), "author").json()["results"]

    # rita made five annotations on two articles, omar five on three, edna two on two.
    assert _counted(rows, {"author"}) == {
        ("rita",): (5, 2),
        ("omar",): (5, 3),
        ("edna",): (2, 2),
    }


def test_it_puts_boundary_times_in_their_utc_month(api_for, editor, data):
    rows = _stats(api_for(editor), "month").json()["results"]

    assert _counted(rows, {"month"}) == {
        ("2025-01",): (3, 2),
        ("2025-02",): (4, 2),
        ("2025-03",): (5, 3),
    }


def test_it_leaves_out_groups_with_no_annotations(api_for, editor, data):
    client = api_for(editor)

    publishers = {row["publisher"] for row in _stats(client, "publisher").json()["results"]}
    tags = {row["tag"] for row in _stats(client, "tag").json()["results"]}

    assert "Quiet Clinic" not in publishers
    assert "cited-case-report" not in tags
    assert all(row["annotations"] > 0 for row in _stats(client, "author,tag").json()["results"])


def test_it_answers_no_rows_when_nothing_matches(api_for, editor, data):
    response = _stats(api_for(editor), "tag", tag="cited-case-report")

    assert response.status_code == 200
    assert response.json()["results"] == []


# --- Filters ----------------------------------------------------------------------------------

FILTERS = [
    pytest.param(
        lambda d: {"publisher": 'Smith, Jones & "Partners" Clinic'},
        lambda m: m.article.publisher == 'Smith, Jones & "Partners" Clinic',
        id="publisher",
    ),
    pytest.param(
        lambda d: {"tag": ["overstated", "price-claim"]},
        lambda m: m.tag in {"overstated", "price-claim"},
        id="tag-repeated",
    ),
    pytest.param(lambda d: {"tag": "unsupported"}, lambda m: m.tag == "unsupported", id="tag"),
    pytest.param(lambda d: {"author": "omar"}, lambda m: m.author == "omar", id="author"),
    pytest.param(
        lambda d: {"created_after": "2025-02-01T00:00:00Z"},
        lambda m: m.created_at >= _at(2025, 2, 1, 0),
        id="created-after",
    ),
    pytest.param(
        lambda d: {"created_before": "2025-03-01T00:00:00Z"},
        lambda m: m.created_at < _at(2025, 3, 1, 0),
        id="created-before-is-exclusive",
    ),
    pytest.param(
        lambda d: {
            "created_after": "2025-01-31T23:59:59Z",
            "created_before": "2025-03-01T00:00:00Z",
        },
        lambda m: _at(2025, 1, 31, 23, 59, 59) <= m.created_at < _at(2025, 3, 1, 0),
        id="created-between",
    ),
    pytest.param(lambda d: {"q": "survey"}, lambda m: "survey" in m.note.lower(), id="q-in-note"),
    pytest.param(
        lambda d: {"q": "IMMUNITY"}, lambda m: "immunity" in m.quote.lower(), id="q-in-quote"
    ),
    pytest.param(
        lambda d: {"article": d.articles["knees"].pk},
        lambda m: m.article.title == "Stem cells for knees",
        id="article",
    ),
    pytest.param(
        lambda d: {"author": "omar", "tag": "unsupported"},
        lambda m: m.author == "omar" and m.tag == "unsupported",
        id="author-and-tag",
    ),
]


@pytest.mark.parametrize(("params", "keep"), FILTERS)
@pytest.mark.parametrize("keys", [{"tag"}, {"publisher", "author", "month"}], ids=["tag", "mix"])
def test_it_counts_only_the_annotations_the_filters_select(
    api_for, editor, data, params, keep, keys
):
    expected = _expected(data.made, keys, keep)
    assert expected != _expected(data.made, keys), "the filter should change the counts"

    response = _stats(api_for(editor), ",".join(sorted(keys)), **params(data))

    assert response.status_code == 200
    assert _counted(response.json()["results"], keys) == expected


def test_it_looks_for_q_only_in_quotes_and_notes(api_for, editor, data):
    # In the drips article's text, but in no annotated span and no note.
    response = _stats(api_for(editor), "tag", q="Celebrities")

    assert response.status_code == 200
    assert response.json()["results"] == []


# --- Who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("reviewer", {"rita"}),
        ("other_reviewer", {"omar"}),
        ("editor", {"rita", "omar", "edna"}),
        ("reader", {"rita", "omar", "edna"}),
    ],
)
def test_it_counts_only_the_annotations_the_caller_may_see(request, api_for, data, persona, sees):
    client = api_for(request.getfixturevalue(persona))

    for keys in ({"tag"}, {"article", "author"}):
        rows = _stats(client, ",".join(keys)).json()["results"]
        assert _counted(rows, keys) == _expected(data.made, keys, lambda m: m.author in sees)


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "group_by", [["colour"], ["tag,colour"], ["tag", "colour"]], ids=["alone", "comma", "repeat"]
)
def test_it_refuses_an_unknown_grouping_by_name(api_for, editor, data, group_by):
    response = _stats(api_for(editor), *group_by)

    assert response.status_code == 400
    message = str(response.json()["group_by"][0])
    assert "colour" in message
    assert "publisher" in message  # and says what it may be


# --- CSV --------------------------------------------------------------------------------------


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_it_writes_csv_with_a_header_row(api_for, editor, data):
    response = _stats(api_for(editor), "publisher,tag", format="csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert set(header) == {"publisher", "tag", "annotations", "articles"}
    assert len(header) == 4
    as_dicts = [dict(zip(header, row, strict=True)) for row in rows]
    expected = {
        group: (str(n), str(articles))
        for group, (n, articles) in _expected(data.made, {"publisher", "tag"}).items()
    }
    assert _counted(as_dicts, {"publisher", "tag"}) == expected


def test_it_quotes_commas_and_quotes_in_csv_values(api_for, editor, data):
    response = _stats(api_for(editor), "publisher", format="csv")

    header, *rows = _csv_rows(response)
    publishers = [dict(zip(header, row, strict=True))["publisher"] for row in rows]
    assert 'Smith, Jones & "Partners" Clinic' in publishers
    assert '"Smith, Jones & ""Partners"" Clinic"' in response.content.decode("utf-8")


def test_it_writes_article_titles_in_csv(api_for, editor, data):
    response = _stats(api_for(editor), "article", format="csv")

    header, *rows = _csv_rows(response)
    assert set(header) == {"article", "article_title", "annotations", "articles"}
    titles = {dict(zip(header, row, strict=True))["article_title"] for row in rows}
    assert titles == {"Stem cells for knees", "Pellet therapy", "IV drip menu"}


def test_it_writes_only_the_header_when_there_is_nothing_to_count(api_for, reviewer, data):
    # A reviewer sees only her own annotations, so none of edna's.
    response = _stats(api_for(reviewer), "author,tag", format="csv", author="edna")

    assert response.status_code == 200
    assert len(_csv_rows(response)) == 1
    assert set(_csv_rows(response)[0]) == {"author", "tag", "annotations", "articles"}


# --- Query count ------------------------------------------------------------------------------


def _add_more(make_article, users) -> None:
    for number, city in enumerate(["Leeds", "Bristol", "Cardiff", "Norwich"], start=1):
        article = make_article(
            text=(
                f"Stem cell clinic in {city}.\n\n"
                f"Our {city} team reverses arthritis without surgery. "
                f"Sessions cost ${number},200 each.\n"
            ),
            publisher=f"{city} Regenerative Centre",
        )
        for user in users:
            annotate_phrase(user, article, "overstated", "reverses arthritis without surgery")
            annotate_phrase(user, article, "price-claim", f"Sessions cost ${number},200 each")


def test_it_counts_in_the_same_number_of_queries_for_more_data(
    api_for, editor, reviewer, other_reviewer, data, make_article, django_assert_num_queries
):
    client = api_for(editor)
    everything = "publisher,article,author,tag,month"
    filters = {"tag": ["overstated", "price-claim"], "created_after": "2025-01-01T00:00:00Z"}
    # The token and its user, the user's roles, the tags named in the filter, the counts.
    with django_assert_num_queries(4):
        small = _stats(client, everything, **filters)

    _add_more(make_article, [reviewer, other_reviewer, editor])

    with django_assert_num_queries(4):
        larger = _stats(client, everything, **filters)
    assert sum(row["annotations"] for row in larger.json()["results"]) == 8 + 4 * 3 * 2
    assert len(larger.json()["results"]) > len(small.json()["results"])
