"""REST routes under /api/v1/ (namespace `api`)."""

from django.urls import path

from claims import api, review_api

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
    path(
        "annotations/<int:annotation_id>/history/",
        review_api.AnnotationHistoryView.as_view(),
        name="annotation-history",
    ),
    path("stats/tags/", api.TagCountsView.as_view(), name="stats-tags"),
    path("stats/agreement/", review_api.AgreementView.as_view(), name="stats-agreement"),
    path("assignments/", review_api.AssignmentListView.as_view(), name="assignment-list"),
    path(
        "assignments/<int:assignment_id>/",
        review_api.AssignmentDetailView.as_view(),
        name="assignment-detail",
    ),
    path(
        "articles/<int:article_id>/history/",
        review_api.ArticleHistoryView.as_view(),
        name="article-history",
    ),
    path(
        "articles/<int:article_id>/adjudication/",
        review_api.AdjudicationView.as_view(),
        name="adjudication",
    ),
    path(
        "articles/<int:article_id>/adjudication/decisions/",
        review_api.DecisionView.as_view(),
        name="adjudication-decide",
    ),
    path(
        "articles/<int:article_id>/adjudication/unanimous/",
        review_api.UnanimousView.as_view(),
        name="adjudication-unanimous",
    ),
    path(
        "articles/<int:article_id>/adjudication/finish/",
        review_api.FinishView.as_view(),
        name="adjudication-finish",
    ),
]
