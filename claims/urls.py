"""HTML routes of the claims app."""

from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/new/", views.article_upload, name="article_upload"),
    path("articles/<int:article_id>/", views.article_detail, name="article_detail"),
    path("profile/", views.profile, name="profile"),
    # Tag IRIs (CLAIMSCOPE_TAG_IRI_BASE + slug) resolve to these pages.
    path("vocabulary/", views.vocabulary, name="vocabulary"),
    path("vocabulary/<slug:slug>", views.vocabulary_tag, name="vocabulary_tag"),
    path("profile/token/", views.token_create, name="token_create"),
    path("profile/token/revoke/", views.token_revoke, name="token_revoke"),
]
