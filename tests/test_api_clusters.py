"""/api/v1/claims/clusters/: the list with its filters and paging, one cluster with its
members, the CSV and JSON exports, and the rebuild jobs; who may read and who may write."""

import csv
import io

import pytest

from claims.models import ClaimCluster, ClusterJob
from claims.services.clusters import clusters_rebuild
from tests.helpers import annotate_sentences

pytestmark = pytest.mark.django_db

LIST = "/api/v1/claims/clusters/"
JOBS = "/api/v1/claims/clusters/jobs/"
CLAIM = "Our stem cell treatment has no side effects and cures arthritis for good."
PRICE = "A full course of injections costs $4,500 at our clinic."
FORMULA = '=HYPERLINK("http://example.test") our cells regrow cartilage in every knee.'


@pytest.fixture
def corpus(make_article, reviewer):
    """Three clusters: the claim at three publishers, the price at two, a formula-like text
    at two."""

    def make(publisher: str, n: int, *sentences: str):
        text = "".join(f"{s}\n" for s in (f"Page {n} of {publisher}.", *sentences))
        return make_article(text, publisher=publisher, allow_near_duplicate=True)

    pages = [
        make("RegenWell Institute", 1, CLAIM, PRICE),
        make("NovaCell Clinic", 2, CLAIM, PRICE, FORMULA),
        make("Sunrise Cells", 3, CLAIM),
        make("Helix Clinic", 4, FORMULA),
    ]
    for page in pages[:3]:
        annotate_sentences(reviewer, page, "unsupported", 1, 1)
    for page in pages[:2]:
        annotate_sentences(reviewer, page, "price-claim", 2, 2)
    annotate_sentences(reviewer, pages[1], "overstated", 3, 3)
    annotate_sentences(reviewer, pages[3], "overstated", 1, 1)
    clusters_rebuild()
    return pages


def test_it_lists_clusters_by_publishers_most_first(api_for, editor, corpus):
    response = api_for(editor).get(LIST)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["publisher_count"] for row in results] == [3, 2, 2]
    first = results[0]
    cluster = ClaimCluster.objects.get(pk=first["id"])
    assert first["url"] == f"/api/v1/claims/clusters/{cluster.pk}/"
    assert first["representative"] == {
        "article": {
            "id": corpus[0].pk,
            "title": corpus[0].title,
            "publisher": "RegenWell Institute",
        },
        "index": 1,
        "text": CLAIM,
    }
    assert (first["article_count"], first["member_count"]) == (3, 3)
    assert [tag["slug"] for tag in first["tags"]] == ["unsupported"]
    assert first["first_seen"] and first["last_seen"]


def test_it_filters_by_tag_and_publisher(api_for, editor, corpus):
    client = api_for(editor)
    priced = client.get(LIST, {"tag": "price-claim"}).json()["results"]
    assert [row["representative"]["text"] for row in priced] == [PRICE]
    helix = client.get(LIST, {"publisher": "Helix Clinic"}).json()["results"]
    assert [row["representative"]["text"] for row in helix] == [FORMULA]
    both = client.get(LIST, {"publisher": "NovaCell Clinic", "tag": "overstated"}).json()
    assert [row["representative"]["text"] for row in both["results"]] == [FORMULA]
    assert client.get(LIST, {"tag": "no-such-tag"}).json()["results"] == []


def test_it_pages_and_orders_as_asked(api_for, editor, corpus):
    client = api_for(editor)
    page = client.get(LIST, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    rest = client.get(page["next"]).json()
    seen = [row["id"] for row in page["results"] + rest["results"]]
    assert sorted(seen) == sorted(ClaimCluster.objects.values_list("pk", flat=True))
    fewest = client.get(LIST, {"ordering": "publisher_count"}).json()["results"]
    assert [row["publisher_count"] for row in fewest] == [2, 2, 3]
    refused = client.get(LIST, {"ordering": "text"})
    assert refused.status_code == 400
    assert "ordering" in refused.json()


def test_the_list_reads_a_fixed_number_of_queries(
    api_for, editor, corpus, django_assert_num_queries
):
    client = api_for(editor)
    client.get(LIST)  # token and roles are read once per request: warm nothing else
    # token, roles, clusters with their representative, their tags
    with django_assert_num_queries(4):
        assert len(client.get(LIST).json()["results"]) == 3


def test_a_cluster_lists_its_members_with_their_tags(api_for, reader, corpus):
    cluster = ClaimCluster.objects.get(representative__text=PRICE)
    response = api_for(reader).get(f"{LIST}{cluster.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == cluster.pk
    assert [(m["article"]["publisher"], m["index"], m["text"]) for m in body["members"]] == [
        ("NovaCell Clinic", 2, PRICE),
        ("RegenWell Institute", 2, PRICE),
    ]
    member = body["members"][0]
    assert member["url"] == f"/articles/{corpus[1].pk}/#s2"
    assert member["tags"] == [
        {
            "slug": "price-claim",
            "name": "Price claim",
            "colour": member["tags"][0]["colour"],
            "count": 1,
        }
    ]


def test_a_missing_cluster_is_a_404(api_for, editor, db):
    response = api_for(editor).get(f"{LIST}999999/")
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no cluster 999999."


def test_the_csv_export_has_a_row_per_member_and_no_formulas(api_for, editor, corpus):
    response = api_for(editor).get(f"{LIST}export/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "claim-clusters.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 7  # 3 + 2 + 2 members
    formula = [row for row in rows if "HYPERLINK" in row["text"]]
    assert len(formula) == 2
    assert all(row["text"] == f"'{FORMULA}" for row in formula)
    assert all(row["representative"] == f"'{FORMULA}" for row in formula)
    assert {row["publisher"] for row in formula} == {"NovaCell Clinic", "Helix Clinic"}


def test_the_json_export_holds_the_filtered_clusters_with_members(api_for, editor, corpus):
    response = api_for(editor).get(f"{LIST}export/", {"format": "json", "tag": "unsupported"})
    assert response.status_code == 200
    [cluster] = response.json()
    assert cluster["representative"]["text"] == CLAIM
    assert len(cluster["members"]) == 3


def test_it_refuses_the_anonymous(api_for, db):
    assert api_for(None).get(LIST).status_code == 401
    assert api_for(None).post(JOBS).status_code == 401


def test_reviewers_and_outsiders_may_not_read_clusters(api_for, reviewer, outsider, corpus):
    cluster = ClaimCluster.objects.first()
    for user in (reviewer, outsider):
        client = api_for(user)
        for url in (LIST, f"{LIST}{cluster.pk}/", f"{LIST}export/", JOBS):
            assert client.get(url).status_code == 403, (user, url)


def test_only_an_editor_starts_a_rebuild(api_for, editor, reader, reviewer, db):
    assert api_for(reader).post(JOBS).status_code == 403
    assert api_for(reviewer).post(JOBS).status_code == 403
    response = api_for(editor).post(JOBS)
    assert response.status_code == 202
    body = response.json()
    assert (body["state"], body["done"], body["total"], body["started_by"]) == (
        "queued",
        0,
        4,
        editor.username,
    )
    assert ClusterJob.objects.get().pk == body["id"]


def test_a_second_rebuild_while_one_is_under_way_is_a_409(api_for, editor, db):
    client = api_for(editor)
    client.post(JOBS)
    response = client.post(JOBS)
    assert response.status_code == 409
    assert response.json()["code"] == "job_in_progress"
    assert ClusterJob.objects.count() == 1


def test_jobs_show_their_progress(api_for, editor, reader, db):
    job = ClusterJob.objects.create(state="running", done=2, total=4, step="Clustering")
    listed = api_for(reader).get(JOBS).json()
    assert [(row["id"], row["done"], row["total"], row["step"]) for row in listed] == [
        (job.pk, 2, 4, "Clustering")
    ]
    one = api_for(editor).get(f"{JOBS}{job.pk}/")
    assert one.status_code == 200 and one.json()["state"] == "running"
    assert api_for(editor).get(f"{JOBS}999999/").status_code == 404


def test_it_refuses_a_method_it_does_not_have(api_for, editor, db):
    assert api_for(editor).delete(LIST).status_code == 405
    assert api_for(editor).post(LIST).status_code == 405
