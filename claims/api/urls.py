"""REST routes under /api/v1/ (namespace `api`)."""

from django.urls import path

from claims.api import annotations, articles, counts, review, tags

app_name = "api"

urlpatterns = [
    path("articles/", articles.ArticleListView.as_view(), name="article-list"),
    path("articles/<int:article_id>/", articles.ArticleDetailView.as_view(), name="article-detail"),
    path(
        "articles/<int:article_id>/sentences/",
        articles.SentenceListView.as_view(),
        name="article-sentences",
    ),
    path("tags/", tags.TagListView.as_view(), name="tag-list"),
    path("tags/<slug:slug>/", tags.TagDetailView.as_view(), name="tag-detail"),
    path("annotations/", annotations.AnnotationListView.as_view(), name="annotation-list"),
    path("annotations/bulk/", annotations.AnnotationBulkView.as_view(), name="annotation-bulk"),
    path(
        "annotations/<int:annotation_id>/",
        annotations.AnnotationDetailView.as_view(),
        name="annotation-detail",
    ),
    path(
        "annotations/<int:annotation_id>/history/",
        review.AnnotationHistoryView.as_view(),
        name="annotation-history",
    ),
    path("stats/tags/", counts.TagCountsView.as_view(), name="stats-tags"),
    path("stats/agreement/", review.AgreementView.as_view(), name="stats-agreement"),
    path("assignments/", review.AssignmentListView.as_view(), name="assignment-list"),
    path(
        "assignments/<int:assignment_id>/",
        review.AssignmentDetailView.as_view(),
        name="assignment-detail",
    ),
    path(
        "articles/<int:article_id>/history/",
        review.ArticleHistoryView.as_view(),
        name="article-history",
    ),
    path(
        "articles/<int:article_id>/adjudication/",
        review.AdjudicationView.as_view(),
        name="adjudication",
    ),
    path(
        "articles/<int:article_id>/adjudication/decisions/",
        review.DecisionView.as_view(),
        name="adjudication-decide",
    ),
    path(
        "articles/<int:article_id>/adjudication/unanimous/",
        review.UnanimousView.as_view(),
        name="adjudication-unanimous",
    ),
    path(
        "articles/<int:article_id>/adjudication/finish/",
        review.FinishView.as_view(),
        name="adjudication-finish",
    ),
]
