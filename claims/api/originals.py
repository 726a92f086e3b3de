"""An article's uploaded original, as it was handed in, streamed from wherever it is kept."""

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

from claims import selectors
from claims.ingest.types import MediaType
from claims.permissions import EVERY_ROLE
from claims.services.originals import original_chunks


class ArticleOriginalView(GenericAPIView):
    """The bytes that were uploaded (HTML, PDF, DOCX, Markdown, text), as a download."""

    roles = {"GET": EVERY_ROLE}

    @extend_schema(
        operation_id="articles_original",
        responses={
            # Declared under each media type an original can have (its Content-Type).
            **{
                (200, media_type.value): OpenApiResponse(
                    OpenApiTypes.BINARY,
                    description="The uploaded file; Content-Type is its media type, "
                    "Content-Disposition names it as uploaded.",
                )
                for media_type in MediaType
            },
            404: OpenApiResponse(description="No such article, or it has no original."),
        },
    )
    def get(self, request: Request, article_id: int) -> StreamingHttpResponse:
        article = selectors.article_original(pk=article_id)
        assert article.original_id is not None
        response = StreamingHttpResponse(
            original_chunks(article.original_id), content_type=article.media_type
        )
        response["Content-Length"] = str(article.original_size)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=article.original_filename or f"article-{article.pk}"
        )
        response["ETag"] = f'"{article.original_id}"'
        response["Cache-Control"] = "private, max-age=3600"
        return response
