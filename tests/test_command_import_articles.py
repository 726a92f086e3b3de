"""manage.py import_articles: one JSON line per file, non-zero exit after trying them all."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "knee.md"
    good.write_text(
        "# Knee therapy\n\nOur injections completely cure arthritis. No side effects.\n",
        encoding="utf-8",
    )
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    image = tmp_path / "photo.txt"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return good, empty, image


def _json_lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_it_imports_a_file_and_prints_json(files, capsys, reviewer):
    good, _, _ = files
    call_command(
        "import_articles",
        str(good),
        "--json",
        "--publisher",
        "RegenWell Institute",
        "--url",
        "https://regenwell.example.com/knee",
        "--user",
        reviewer.username,
    )
    [line] = _json_lines(capsys)
    article = Article.objects.get()
    assert line == {
        "file": str(good),
        "status": "created",
        "article_id": article.pk,
        "title": "Knee therapy",
        "sentences": article.sentences.count(),
        "error": None,
        "share": None,
    }
    assert line["sentences"] == 3
    assert article.publisher == "RegenWell Institute"
    assert article.source_url == "https://regenwell.example.com/knee"
    assert article.created_by == reviewer


def test_it_reports_every_file_then_exits_non_zero_when_any_failed(files, capsys):
    good, empty, image = files
    missing = good.parent / "missing.html"
    with pytest.raises(CommandError) as raised:
        call_command("import_articles", str(empty), str(good), str(image), str(missing), "--json")
    assert raised.value.returncode == 1
    lines = _json_lines(capsys)
    assert [line["status"] for line in lines] == ["error", "created", "error", "error"]
    assert lines[0]["error"] == "The file is empty."
    assert "PNG" in lines[2]["error"]
    assert "Cannot read the file" in lines[3]["error"]
    assert Article.objects.count() == 1


def test_it_reports_a_duplicate_with_the_existing_article(files, capsys):
    good, _, _ = files
    call_command("import_articles", str(good), "--json")
    call_command("import_articles", str(good), "--json")
    first, second = _json_lines(capsys)
    assert second["status"] == "duplicate"
    assert second["article_id"] == first["article_id"]
    assert str(first["article_id"]) in second["error"]
    assert Article.objects.count() == 1


def test_it_refuses_an_unknown_user_before_importing(files):
    good, _, _ = files
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("import_articles", str(good), "--user", "nobody")
    assert Article.objects.count() == 0


def test_it_refuses_a_file_over_the_upload_limit(files, settings, capsys, tmp_path):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    big = tmp_path / "big.txt"
    big.write_bytes(b"Stem cells cure all. " * 60_000)
    with pytest.raises(CommandError):
        call_command("import_articles", str(big), "--json")
    [line] = _json_lines(capsys)
    assert line["status"] == "error"
    assert "limit is 1 MB" in line["error"]


@pytest.fixture
def two_renderings(tmp_path):
    """One clinic page saved as HTML and as the text a reviewer copied out of it."""
    lines = [
        "How much does the therapy cost?",
        "Prices range from $1,500 (2 injections) to $10,000 for both knees.",
        "Payment plans start at $99 per month.",
        "Is it safe?",
        "Our treatment has no side effects and targets the root cause.",
        "In one case series, 9 of 12 patients reported less pain within a month.",
        "Who treats me?",
        "Dr. Alvarez has treated more than 4,000 patients since 2012.",
        "Her team trained in Madrid and in Panama City.",
        "Every patient gets a follow-up call after three months.",
    ]
    html = tmp_path / "knee.html"
    html.write_text(
        "<html><body><article>"
        + "".join(f"<h2>{line}</h2>" if line.endswith("?") else f"<p>{line}</p>" for line in lines)
        + "</article></body></html>",
        encoding="utf-8",
    )
    text = tmp_path / "knee.txt"
    text.write_text("\n".join([*lines, "Book a free consultation today."]), encoding="utf-8")
    return html, text


def test_it_reports_a_near_duplicate_and_leaves_it_out(two_renderings, capsys):
    html, text = two_renderings
    call_command("import_articles", str(html), "--json")
    call_command("import_articles", str(text), "--json")
    first, second = _json_lines(capsys)
    assert second["status"] == "near_duplicate"
    assert second["article_id"] == first["article_id"]
    assert second["share"] == 0.909  # 10 of the text's 11 sentences are in the HTML's article
    assert "nearly duplicates" in second["error"]
    assert Article.objects.count() == 1


def test_it_says_how_to_store_a_near_duplicate_anyway(two_renderings, capsys):
    html, text = two_renderings
    call_command("import_articles", str(html), str(text))
    output = capsys.readouterr().out
    assert "near-duplicate" in output and "--allow-near-duplicates" in output


def test_it_stores_a_near_duplicate_when_allowed(two_renderings, capsys):
    html, text = two_renderings
    call_command("import_articles", str(html), str(text), "--json", "--allow-near-duplicates")
    assert [line["status"] for line in _json_lines(capsys)] == ["created", "created"]
    assert Article.objects.count() == 2


def clinic_file(folder, number: int, text: str | None = None):
    path = folder / f"clinic-{number}.txt"
    path.write_text(
        text
        or (
            f"What does treatment {number} cost?\n"
            f"Treatment {number} costs ${number},900 for three sessions.\n"
            f"Patient {number} walked again after {number + 2} injections.\n"
        ),
        encoding="utf-8",
    )
    return path


def test_it_imports_files_in_batches_and_reports_each_in_order(tmp_path, capsys):
    paths = [clinic_file(tmp_path, number) for number in range(5)]
    again = clinic_file(tmp_path, 99, paths[0].read_text(encoding="utf-8"))  # a later batch
    twin = clinic_file(tmp_path, 98, paths[4].read_text(encoding="utf-8"))  # the same batch
    missing = tmp_path / "missing.txt"
    files = [*paths[:4], again, paths[4], twin, missing]
    with pytest.raises(CommandError):
        call_command("import_articles", *map(str, files), "--json", "--batch-size", "3")
    lines = _json_lines(capsys)
    assert [line["file"] for line in lines] == [str(path) for path in files]
    assert [line["status"] for line in lines] == [
        *["created"] * 4,
        "duplicate",
        "created",
        "duplicate",
        "error",
    ]
    assert lines[4]["article_id"] == lines[0]["article_id"]
    assert lines[4]["sentences"] == 3 and lines[4]["title"] == lines[0]["title"]
    assert lines[6]["article_id"] == lines[5]["article_id"]
    assert Article.objects.count() == 5
    assert all(a.sentences.count() == 3 for a in Article.objects.all())


def test_it_refuses_a_batch_size_below_one(files):
    good, _, _ = files
    with pytest.raises(CommandError, match="--batch-size"):
        call_command("import_articles", str(good), "--batch-size", "0")
    assert Article.objects.count() == 0


def test_its_query_count_does_not_grow_with_the_files(tmp_path, capsys):
    def queries_for(numbers) -> int:
        paths = [str(clinic_file(tmp_path, number)) for number in numbers]
        with CaptureQueriesContext(connection) as captured:
            call_command("import_articles", *paths, "--json")
        return len(captured)

    assert queries_for(range(2)) == queries_for(range(100, 140))
    assert Article.objects.count() == 42


def test_it_imports_a_batch_within_a_fixed_number_of_queries(
    tmp_path, capsys, django_assert_max_num_queries
):
    paths = [str(clinic_file(tmp_path, number)) for number in range(30)]
    with django_assert_max_num_queries(8):
        call_command("import_articles", *paths, "--json")
    assert Article.objects.count() == 30
