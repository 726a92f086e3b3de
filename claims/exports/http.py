"""An export as an HTTP download: streamed, with its media type and a file name."""

from django.http import Http404, StreamingHttpResponse
from django.utils.http import content_disposition_header

from claims.exports import FORMATS, ExportFormat
from claims.exports.rows import ExportSource


def export_format_get(name: str) -> ExportFormat:
    """The format called `name`, or 404 naming the ones there are."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise Http404(f"There is no export format “{name}”; there are {known}.") from None


def export_response(
    *, export_format: ExportFormat, source: ExportSource, filename: str
) -> StreamingHttpResponse:
    """The download of `source` in `export_format`, saved as `filename` + the format's suffix.
    Nothing is read from the database until the server starts sending the body."""
    response = StreamingHttpResponse(
        export_format.write(source=source), content_type=export_format.content_type
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}{export_format.suffix}"
    )
    return response
