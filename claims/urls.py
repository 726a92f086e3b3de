"""HTML routes of the claims app."""

from django.urls import path

from claims import views
from claims.reports import downloads
from claims.reports import views as report_views
from claims.review import views as review_views

app_name = "claims"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/new/", views.article_upload, name="article_upload"),
    path("articles/<int:article_id>/", views.article_detail, name="article_detail"),
    path("articles/assign/", views.assign, name="assign"),
    # The uploaded HTML page, sanitised, for the frame beside the text (original.js).
    path(
        "articles/<int:article_id>/original/page/",
        views.article_original_page,
        name="article_original_page",
    ),
    path(
        "articles/<int:article_id>/history/", review_views.article_history, name="article_history"
    ),
    # The editor's adjudication of an article's tags (adjudicate.js calls the REST API).
    path(
        "articles/<int:article_id>/adjudicate/",
        review_views.article_adjudicate,
        name="article_adjudicate",
    ),
    path("profile/", views.profile, name="profile"),
    # Tag IRIs (CLAIMSCOPE_TAG_IRI_BASE + slug) resolve to these pages.
    path("vocabulary/", views.vocabulary, name="vocabulary"),
    path("vocabulary/edit/", views.vocabulary_edit, name="vocabulary_edit"),
    path("suggestions/", views.suggester, name="suggester"),
    path("search/", views.corpus_search, name="search"),
    path("claims/clusters/", views.claim_clusters, name="clusters"),
    path("vocabulary/<slug:slug>", views.vocabulary_tag, name="vocabulary_tag"),
    path("profile/token/", views.token_create, name="token_create"),
    path("profile/token/revoke/", views.token_revoke, name="token_revoke"),
    # Downloads of the annotations a report covers; fmt is one of claims.exports' formats.
    path(
        "articles/<int:article_id>/export.<str:fmt>",
        downloads.article_export,
        name="article_export",
    ),
    path("reports/export.<str:fmt>", downloads.corpus_export, name="corpus_export"),
    # The prices quoted in price claims, one CSV row per price, with the report filters.
    path("reports/prices.csv", downloads.price_export, name="price_export"),
    # Reports: pages and the PDF and XLSX downloads built from them.
    path("articles/<int:article_id>/report/", report_views.article_report, name="article_report"),
    path(
        "articles/<int:article_id>/report.pdf",
        report_views.article_report_pdf,
        name="article_report_pdf",
    ),
    path(
        "articles/<int:article_id>/report.xlsx",
        report_views.article_report_xlsx,
        name="article_report_xlsx",
    ),
    path("reports/", report_views.corpus_report, name="corpus_report"),
    path("reports/report.pdf", report_views.corpus_report_pdf, name="corpus_report_pdf"),
    path("reports/report.xlsx", report_views.corpus_report_xlsx, name="corpus_report_xlsx"),
]
