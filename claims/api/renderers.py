"""Extra response formats: CSV for counts, W3C JSON-LD for annotations."""

import csv
import io

from rest_framework.renderers import BaseRenderer, JSONRenderer

from claims.exports.cells import spreadsheet_row


class W3CAnnotationRenderer(JSONRenderer):
    """Chosen by `Accept: application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"` or
    `?format=jsonld`; the view then hands it W3C-shaped data."""

    # Without the profile parameter here: DRF matches a renderer's parameters against the
    # Accept header's, so `*/*` with ?format=jsonld would otherwise be refused. Views set the
    # full media type (with the profile) on the response.
    media_type = "application/ld+json"
    format = "jsonld"


class TagCountsCSVRenderer(BaseRenderer):
    """`stats/tags/?format=csv`: one header row (the group_by columns, then the counts), with
    text a spreadsheet would run as a formula started with a '."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if not isinstance(data, dict) or "results" not in data:
            # An error body (400, 401, ...) goes out as a one-column CSV of messages.
            data = {"group_by": [], "results": [], "detail": data}
        columns = _columns(data.get("group_by", []))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if "detail" in data:
            writer.writerow(["detail"])
            writer.writerow(spreadsheet_row([str(data["detail"])]))
            return out.getvalue().encode()
        writer.writerow(columns)
        for row in data["results"]:
            writer.writerow(spreadsheet_row(row.get(column, "") for column in columns))
        return out.getvalue().encode()


def _columns(group_by: list[str]) -> list[str]:
    columns = []
    for key in group_by:
        columns += ["article", "article_title"] if key == "article" else [key]
    return [*columns, "annotations", "articles"]
