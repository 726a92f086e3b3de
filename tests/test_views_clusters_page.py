"""/claims/clusters/ (the page clusters.js drives) and the corpus report's block of the claims
quoted by the most clinics, linking to it."""

import pytest

from claims.models import ClaimCluster
from claims.services.clusters import clusters_rebuild
from tests.helpers import annotate_sentences

pytestmark = pytest.mark.django_db

CLAIM = "Our stem cell treatment has no side effects and cures arthritis for good."


@pytest.fixture
def cluster(make_article, reviewer) -> ClaimCluster:
    for n, clinic in enumerate(["RegenWell Institute", "NovaCell Clinic"]):
        text = f"Page {n} of the clinic.\n{CLAIM}\n"
        article = make_article(text, publisher=clinic, allow_near_duplicate=True)
        annotate_sentences(reviewer, article, "unsupported", 1, 1)
    clusters_rebuild()
    return ClaimCluster.objects.get()


def test_an_editor_gets_the_page_with_the_rebuild_button(client, editor):
    client.force_login(editor)
    response = client.get("/claims/clusters/")
    assert response.status_code == 200
    assert b'id="clusters-rebuild"' in response.content
    assert b'src="/static/claims/clusters.js"' in response.content
    assert b'href="/claims/clusters/">Clusters</a>' in response.content  # the nav entry


def test_a_reader_gets_the_page_without_writes(client, reader):
    client.force_login(reader)
    response = client.get("/claims/clusters/")
    assert response.status_code == 200
    assert b'id="clusters-rebuild"' not in response.content
    assert b'"can_annotate": false' in response.content


def test_a_reviewer_may_not_open_the_page_nor_sees_it_in_the_nav(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/claims/clusters/").status_code == 403
    assert b"/claims/clusters/" not in client.get("/").content


def test_the_anonymous_are_sent_to_sign_in(client, db):
    response = client.get("/claims/clusters/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_corpus_report_lists_the_claims_quoted_by_most_clinics(client, editor, cluster):
    client.force_login(editor)
    response = client.get("/reports/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Claims quoted by the most clinics" in page
    assert f'href="/claims/clusters/?cluster={cluster.pk}">{CLAIM}</a>' in page
    assert response.context["top_clusters"] == [cluster]


def test_a_reviewer_s_corpus_report_has_no_clusters(client, reviewer, cluster):
    client.force_login(reviewer)
    response = client.get("/reports/")
    assert response.status_code == 200
    assert "Claims quoted by the most clinics" not in response.content.decode()
