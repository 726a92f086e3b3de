"""The claim clusters page in Chromium: an editor rebuilds the clusters and watches the job
finish, opens the claim quoted by most clinics, follows a sentence to its article, and tags a
listed sentence as the others are tagged (checked in the database)."""

import re

import pytest
from playwright.sync_api import expect

from claims.models import Annotation, ClusterJob
from claims.services.clusters import cluster_job_execute

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLAIM = "Our stem cell therapy has no side effects because the cells are your own."


def page_of(clinic: str) -> str:
    return f"Welcome to {clinic}.\n{CLAIM}\nParking at {clinic} is free.\n"


def test_an_editor_rebuilds_opens_a_cluster_and_tags_a_sentence_like_the_others(
    signed_in_page, reviewer, editor, make_article, make_annotation
):
    clinics = ["RegenWell", "NovaCell", "Sunrise"]
    articles = [
        make_article(
            page_of(name),
            title=f"{name} FAQ",
            publisher=f"{name} Clinic",
            allow_near_duplicate=True,
        )
        for name in clinics
    ]
    make_annotation(author=reviewer, article=articles[0], tag="unsupported", sentences=(1, 1))
    make_annotation(author=reviewer, article=articles[1], tag="unsupported", sentences=(1, 1))
    make_annotation(author=reviewer, article=articles[2], tag="overstated", sentences=(1, 1))
    page = signed_in_page(editor)
    page.goto("/claims/clusters/")
    expect(page.locator("#clusters-status")).to_contain_text("No clusters")

    page.get_by_role("button", name="Rebuild clusters").click()
    expect(page.locator("#clusters-job")).to_contain_text("Rebuilding")
    # The worker is another process: run the queued job here, as it would.
    cluster_job_execute(job=ClusterJob.objects.get())
    expect(page.locator("#clusters-job")).to_contain_text("finished", timeout=5_000)

    cluster = page.locator("#clusters-list > li")
    expect(cluster).to_have_count(1)
    expect(cluster.locator("summary q")).to_have_text(CLAIM)
    expect(cluster.locator("p")).to_contain_text("3 publishers, 3 articles, 3 sentences")
    cluster.locator("summary").click()
    members = cluster.locator(".cluster-members > li")
    expect(members).to_have_count(3)
    sunrise = members.filter(has_text="Sunrise Clinic")
    link = sunrise.get_by_role("link", name="Sunrise Clinic")
    expect(link).to_have_attribute("href", f"/articles/{articles[2].pk}/#s1")
    expect(sunrise.locator(".seen-tag")).to_have_text(["Overstated ×1"])
    button = sunrise.locator('button[data-tag="unsupported"]')
    expect(button).to_have_text("Tag Unsupported")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/annotations/")) as tagged:
        button.click()
    assert tagged.value.status == 201
    expect(button).to_have_text("Tagged Unsupported")
    made = Annotation.objects.get(article=articles[2], author=editor, tag__slug="unsupported")
    sentence = articles[2].sentences.get(index=1)
    assert (made.start, made.end) == (sentence.start, sentence.end)

    page.locator("#clusters-form select[name=tag]").select_option("overstated")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(page.url.split("?")[0] + "?tag=overstated&ordering=-publisher_count")
    expect(page.locator("#clusters-csv")).to_have_attribute(
        "href", "/api/v1/claims/clusters/export/?format=csv&tag=overstated"
    )
    cluster.locator("summary").click()
    link.click()
    expect(page).to_have_url(re.compile(rf"/articles/{articles[2].pk}/#s1$"))
    expect(page.locator("#s1")).to_contain_text(CLAIM)
