"""manage.py export_corpus: the same exports as the downloads, for the whole corpus or a part."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from claims.models import Article
from tests.helpers import adjudicate, annotate_phrase

pytestmark = pytest.mark.django_db


def _export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_corpus", *args, stdout=out)
    return out.getvalue()


def _records(*args: str) -> list[dict]:
    return [json.loads(line) for line in _export(*args).splitlines()]


def _of_type(records: list[dict], kind: str) -> list[dict]:
    return [r for r in records if r.get("type") == kind]


@pytest.fixture
def corpus(make_article, reviewer, other_reviewer) -> dict[str, Article]:
    knees = make_article(title="Knees")
    ozone = make_article(text="Ozone cures all. Call now.", title="Ozone", publisher="PureLife")
    untagged = make_article(text="Nobody has read this. Not yet.", title="Untagged")
    annotate_phrase(reviewer, knees, "overstated", "no side effects", 'A note, with "quotes"')
    annotate_phrase(other_reviewer, knees, "price-claim", "$10,000")
    annotate_phrase(other_reviewer, ozone, "overstated", "Ozone cures all.")
    return {"knees": knees, "ozone": ozone, "untagged": untagged}


def test_without_filters_it_exports_everything_as_json_lines(corpus):
    records = _records()

    assert records[0] == {"format": "claimscope", "version": 1}
    assert [a["title"] for a in _of_type(records, "article")] == ["Knees", "Ozone", "Untagged"]
    assert len(_of_type(records, "annotation")) == 3


def test_its_csv_is_the_editors_download(client, editor, corpus):
    client.force_login(editor)
    download = client.get(reverse("claims:corpus_export", args=["csv"])).getvalue()

    assert _export("--format", "csv") == download.decode("utf-8")


def test_a_filter_on_articles_keeps_their_unannotated_ones(corpus):
    Article.objects.filter(pk=corpus["ozone"].pk).update(publisher="RegenWell Institute")

    records = _records("--publisher", "RegenWell Institute")

    assert [a["title"] for a in _of_type(records, "article")] == ["Knees", "Ozone", "Untagged"]


def test_a_filter_on_annotations_keeps_only_the_articles_it_covers(corpus):
    records = _records("--tag", "overstated", "--reviewer", "omar")

    assert [a["title"] for a in _of_type(records, "article")] == ["Ozone"]
    assert [(a["tag"], a["author"]) for a in _of_type(records, "annotation")] == [
        ("overstated", "omar")
    ]


def test_it_takes_several_tags(corpus):
    records = _records("--tag", "overstated", "--tag", "price-claim")

    assert len(_of_type(records, "annotation")) == 3


def test_it_filters_by_status_and_article(corpus):
    Article.objects.filter(pk=corpus["ozone"].pk).update(status=Article.Status.REVIEWED)

    by_status = _records("--status", "reviewed")
    by_article = _records("--article", str(corpus["knees"].pk))

    assert [a["title"] for a in _of_type(by_status, "article")] == ["Ozone"]
    assert [a["title"] for a in _of_type(by_article, "article")] == ["Knees"]
    assert len(_of_type(by_article, "annotation")) == 2


def test_it_filters_by_date(corpus):
    assert len(_of_type(_records("--created-after", "2000-01-01"), "annotation")) == 3
    assert _of_type(_records("--created-before", "2000-01-01"), "annotation") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tag", "miracle"], "miracle"),
        (["--created-after", "2025-02-01", "--created-before", "2025-01-01"], "end date"),
        (["--created-after", "yesterday"], "Enter a valid date"),
        (["--status", "lost"], "status"),
        (["--article", "9999"], "There is no article 9999."),
    ],
)
def test_it_refuses_invalid_filters_with_the_reason(corpus, args, message):
    with pytest.raises(CommandError, match=message):
        _export(*args)


def test_it_names_the_w3c_collection_after_the_matching_download(corpus, settings):
    settings.CLAIMSCOPE_BASE_URL = "https://claimscope.example"

    collection = json.loads(_export("--format", "w3c", "--tag", "overstated"))

    assert collection["id"] == "https://claimscope.example/reports/export.w3c?tag=overstated"
    assert collection["total"] == 2
    item = collection["first"]["items"][0]
    assert item["id"].startswith("https://claimscope.example/api/v1/annotations/")


def test_it_writes_claimreview_with_links_to_the_site(corpus, settings):
    settings.CLAIMSCOPE_BASE_URL = "https://claimscope.example"

    reviews = json.loads(_export("--format", "claimreview"))["@graph"]

    assert len(reviews) == 3
    assert reviews[0]["url"].startswith(
        f"https://claimscope.example/articles/{corpus['knees'].pk}/"
    )


def test_it_writes_markdown(corpus):
    assert _export("--format", "md").count("\n## ") == 2


def test_it_writes_to_a_file_when_asked(corpus, tmp_path):
    path = tmp_path / "corpus.csv"

    printed = _export("--format", "csv", "--output", str(path))

    assert printed == ""
    assert path.read_bytes().decode("utf-8") == _export("--format", "csv")
    assert path.read_bytes().count(b"\r\n") == 4


# --- The final annotations --------------------------------------------------------------------


@pytest.fixture
def adjudicated(corpus, editor) -> dict[str, Article]:
    """Edna accepted Omar's price on the knee article and finished; nothing on the others."""
    knees = corpus["knees"]
    price = knees.sentences.get(text__contains="$10,000").index
    adjudicate(editor, knees, accept={(price, "price-claim")})
    return corpus


def test_with_final_it_exports_the_final_annotations_and_their_articles_only(adjudicated):
    records = _records("--final")

    assert [a["title"] for a in _of_type(records, "article")] == ["Knees"]
    [annotation] = _of_type(records, "annotation")
    assert (annotation["tag"], annotation["author"], annotation["final"]) == (
        "price-claim",
        "edna",
        True,
    )
    assert annotation["quote"] == adjudicated["knees"].sentences.get(text__contains="$10,000").text
    assert _of_type(records, "article")[0]["adjudicated_by"] == "edna"


def test_without_final_the_native_formats_carry_both_kinds_marked(adjudicated):
    annotations = _of_type(_records(), "annotation")

    # In document order: Edna's final price claim spans the sentence Omar's starts inside.
    assert [(a["author"], a["final"]) for a in annotations] == [
        ("rita", False),
        ("edna", True),
        ("omar", False),
        ("omar", False),
    ]


def test_without_final_the_other_formats_carry_the_reviewers_annotations(adjudicated):
    rows = list(csv.DictReader(io.StringIO(_export("--format", "csv"))))

    assert [row["reviewer"] for row in rows] == ["rita", "omar", "omar"]


def test_a_reviewer_filter_leaves_out_the_final_annotations_of_the_native_formats(adjudicated):
    annotations = _of_type(_records("--reviewer", "omar"), "annotation")

    assert [(a["author"], a["final"]) for a in annotations] == [("omar", False)] * 2


def test_its_final_csv_is_the_editors_final_download(client, editor, adjudicated):
    client.force_login(editor)
    url = reverse("claims:corpus_export", args=["csv"])
    download = client.get(url, {"scope": "final"}).getvalue()

    assert _export("--format", "csv", "--final") == download.decode("utf-8")


def test_it_refuses_final_together_with_one_reviewer(adjudicated):
    with pytest.raises(CommandError, match="Choose one reviewer or the final annotations"):
        _export("--final", "--reviewer", "omar")


def test_it_names_a_final_w3c_collection_after_the_matching_download(adjudicated, settings):
    settings.CLAIMSCOPE_BASE_URL = "https://claimscope.example"

    collection = json.loads(_export("--format", "w3c", "--final"))

    assert collection["id"] == "https://claimscope.example/reports/export.w3c?scope=final"
    assert collection["label"] == "Claimscope final annotations"
    assert collection["total"] == 1
    assert collection["first"]["items"][0]["creator"]["nickname"] == "edna"


def test_it_warns_on_stderr_when_the_base_url_is_unset(corpus, settings):
    settings.CLAIMSCOPE_BASE_URL = ""
    out, err = io.StringIO(), io.StringIO()

    call_command("export_corpus", "--format", "w3c", stdout=out, stderr=err)

    assert "CLAIMSCOPE_BASE_URL is not set" in err.getvalue()
    assert "CLAIMSCOPE_BASE_URL" not in out.getvalue()
    item = json.loads(out.getvalue())["first"]["items"][0]
    assert item["id"].startswith("http://127.0.0.1:8000/api/v1/annotations/")
    assert item["body"][0]["source"].startswith("http://127.0.0.1:8000/vocabulary/")


def test_it_writes_every_iri_under_the_base_url_without_a_warning(corpus, settings):
    settings.CLAIMSCOPE_BASE_URL = "https://claimscope.example"
    err = io.StringIO()

    call_command("export_corpus", "--format", "w3c", stdout=io.StringIO(), stderr=err)
    collection = json.loads(_export("--format", "w3c"))
    reviews = json.loads(_export("--format", "claimreview"))["@graph"]

    assert err.getvalue() == ""
    item = collection["first"]["items"][0]
    assert item["body"][0]["source"].startswith("https://claimscope.example/vocabulary/")
    assert item["target"]["source"].startswith("https://claimscope.example/api/v1/articles/")
    assert reviews[0]["author"]["url"] == "https://claimscope.example/"
    assert reviews[0]["reviewRating"]["url"].startswith("https://claimscope.example/vocabulary/")
