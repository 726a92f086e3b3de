"""REST routes under /api/v1/ (namespace `api`)."""

from django.urls import path

from claims import api

app_name = "api"

urlpatterns = [
    path("articles/", api.ArticleListView.as_view(), name="article-list"),
    path("articles/<int:article_id>/", api.ArticleDetailView.as_view(), name="article-detail"),
    path(
        "articles/<int:article_id>/sentences/",
        api.SentenceListView.as_view(),
        name="article-sentences",
    ),
    path("tags/", api.TagListView.as_view(), name="tag-list"),
    path("tags/<slug:slug>/", api.TagDetailView.as_view(), name="tag-detail"),
    path("annotations/", api.AnnotationListView.as_view(), name="annotation-list"),
    path("annotations/bulk/", api.AnnotationBulkView.as_view(), name="annotation-bulk"),
    path(
        "annotations/<int:annotation_id>/",
        api.AnnotationDetailView.as_view(),
        name="annotation-detail",
    ),
    path("stats/tags/", api.TagCountsView.as_view(), name="stats-tags"),
]
