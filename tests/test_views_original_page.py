"""/articles/{id}/original/page/: the uploaded HTML page, sanitised, for the frame beside the
text: for every role that reads the article, inert, framable only by our own pages."""

import pytest
from django.test import Client

from claims import original_page
from claims.services.articles import Upload, article_ingest

pytestmark = pytest.mark.django_db

PAGE = (
    "<html><head><meta charset='windows-1252'><title>RegenWell</title>"
    "<script>document.cookie</script></head><body>"
    "<h1>Knee cells</h1><p onclick='x()'>No side effects, from €650.</p>"
    "<img src='https://tracker.example/p.gif'></body></html>"
).encode("cp1252")


@pytest.fixture
def html_article(reviewer):
    return article_ingest(
        upload=Upload(data=PAGE, filename="regenwell.html"), user=reviewer, publisher="RegenWell"
    )


def url(article) -> str:
    return f"/articles/{article.pk}/original/page/"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_role_sees_the_page_sanitised_in_its_declared_charset(
    html_article, reviewer, other_reviewer, editor, reader
):
    for user in (reviewer, other_reviewer, editor, reader):
        response = client_for(user).get(url(html_article))
        assert response.status_code == 200
        body = response.text
        assert "<h1>Knee cells</h1>" in body
        assert "<p>No side effects, from €650.</p>" in body
        for gone in ("<script", "document.cookie", "onclick", "<img", "tracker"):
            assert gone not in body


def test_it_runs_nothing_and_is_framed_only_by_our_pages(html_article, reviewer):
    response = client_for(reviewer).get(url(html_article))
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'self'" in csp
    assert "sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox" in csp
    assert "script-src" not in csp  # default-src 'none' covers scripts
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_other_pages_may_still_not_be_framed(html_article, reviewer):
    response = client_for(reviewer).get(f"/articles/{html_article.pk}/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_it_refuses_the_anonymous_and_users_without_a_role(html_article, outsider):
    assert client_for(None).get(url(html_article)).status_code == 302
    assert client_for(outsider).get(url(html_article)).status_code == 403


def test_it_answers_404_for_a_missing_article_or_one_not_uploaded_as_html(make_article, reviewer):
    text = make_article("Plain words about knees.\n")
    assert client_for(reviewer).get(url(text)).status_code == 404
    assert client_for(reviewer).get("/articles/999999/original/page/").status_code == 404


def test_it_explains_a_page_too_large_to_show(html_article, reviewer, monkeypatch):
    monkeypatch.setattr("claims.views.RENDER_MAX_BYTES", 10)
    response = client_for(reviewer).get(url(html_article))
    assert response.status_code == 422
    assert "The page is too large to show here" in response.text
    assert "download the original instead" in response.text


def test_it_explains_markup_too_costly_to_sanitise(reviewer, monkeypatch):
    nested = b"<html><body><p>Cells heal knees.</p>" + b"<span>" * 200 + b"</body></html>"
    article = article_ingest(upload=Upload(data=nested, filename="n.html"), user=reviewer)
    monkeypatch.setattr(
        "claims.views.sanitised_bounded",
        lambda html: original_page.sanitised_bounded(html, seconds=0.001),
    )
    response = client_for(reviewer).get(url(article))
    assert response.status_code == 422
    assert "too complex to show" in response.text
