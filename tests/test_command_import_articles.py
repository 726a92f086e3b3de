"""manage.py import_articles: one JSON line per file, non-zero exit after trying them all."""

import json

import pytest
from django.core.management import CommandError, call_command

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
