"""REST routes under /api/v1/ (namespace `api`)."""

from django.urls import path

from claims.api import (
    annotations,
    articles,
    bulk_articles,
    clusters,
    counts,
    originals,
    review,
    search,
    similar,
    suggestions,
    tags,
    threads,
)

app_name = "api"

urlpatterns = [
    path("articles/", articles.ArticleListView.as_view(), name="article-list"),
    path("articles/bulk/", bulk_articles.ArticleBulkView.as_view(), name="article-bulk"),
    path("articles/<int:article_id>/", articles.ArticleDetailView.as_view(), name="article-detail"),
    path(
        "articles/<int:article_id>/original/",
        originals.ArticleOriginalView.as_view(),
        name="article-original",
    ),
    path(
        "articles/<int:article_id>/sentences/",
        articles.SentenceListView.as_view(),
        name="article-sentences",
    ),
    path(
        "sentences/<int:article_id>/<int:index>/similar/",
        similar.SimilarSentenceListView.as_view(),
        name="sentence-similar",
    ),
    path("search/", search.SearchView.as_view(), name="search"),
    path("claims/clusters/", clusters.ClusterListView.as_view(), name="cluster-list"),
    path("claims/clusters/export/", clusters.ClusterExportView.as_view(), name="cluster-export"),
    path("claims/clusters/jobs/", clusters.ClusterJobListView.as_view(), name="cluster-jobs"),
    path(
        "claims/clusters/jobs/<int:job_id>/",
        clusters.ClusterJobDetailView.as_view(),
        name="cluster-job",
    ),
    path(
        "claims/clusters/<int:cluster_id>/",
        clusters.ClusterDetailView.as_view(),
        name="cluster-detail",
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
    path(
        "annotations/<int:annotation_id>/replies/",
        threads.AnnotationReplyListView.as_view(),
        name="annotation-replies",
    ),
    path("replies/<int:reply_id>/", threads.ReplyDetailView.as_view(), name="reply-detail"),
    path(
        "articles/<int:article_id>/reply-counts/",
        threads.ArticleReplyCountsView.as_view(),
        name="article-reply-counts",
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
        "articles/<int:article_id>/read-through/",
        review.ReadThroughView.as_view(),
        name="article-read-through",
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
    path(
        "articles/<int:article_id>/suggestions/",
        suggestions.SuggestionListView.as_view(),
        name="article-suggestions",
    ),
    path(
        "articles/<int:article_id>/suggestions/accept/",
        suggestions.SuggestionTagAcceptView.as_view(),
        name="article-suggestions-accept",
    ),
    path(
        "articles/<int:article_id>/suggestions/reopen/",
        suggestions.SuggestionBulkReopenView.as_view(),
        name="article-suggestions-reopen",
    ),
    path(
        "suggestions/<int:suggestion_id>/accept/",
        suggestions.SuggestionAcceptView.as_view(),
        name="suggestion-accept",
    ),
    path(
        "suggestions/<int:suggestion_id>/dismiss/",
        suggestions.SuggestionDismissView.as_view(),
        name="suggestion-dismiss",
    ),
    path(
        "suggestions/<int:suggestion_id>/reopen/",
        suggestions.SuggestionReopenView.as_view(),
        name="suggestion-reopen",
    ),
    path(
        "suggester/versions/",
        suggestions.SuggesterVersionListView.as_view(),
        name="suggester-versions",
    ),
    path(
        "suggester/versions/<str:version>/activate/",
        suggestions.SuggesterActivateView.as_view(),
        name="suggester-activate",
    ),
    path("suggester/runs/", suggestions.SuggestionRunListView.as_view(), name="suggestion-runs"),
    path(
        "suggester/runs/<int:run_id>/",
        suggestions.SuggestionRunDetailView.as_view(),
        name="suggestion-run",
    ),
]
