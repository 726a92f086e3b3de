"""The corpus report and one article's report as XLSX workbooks, written row by row with
openpyxl."""

import tempfile
from datetime import UTC
from typing import IO

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from claims.exports.cells import spreadsheet_text
from claims.models import Annotation, Article
from claims.reports import contents
from claims.review.agreement import Agreement, TagAgreement

ANNOTATION_COLUMNS = (
    "Article ID",
    "Article",
    "Publisher",
    "Start",
    "End",
    "Quote",
    "Tag",
    "Note",
    "Reviewer",
    "Created (UTC)",
)


AGREEMENT_COLUMNS = (
    "Tag",
    "Sentences",
    "Tagged by someone",
    "Percent agreement",
    "Cohen's kappa",
    "Krippendorff's alpha",
)


def corpus_workbook(
    *,
    report: contents.CorpusReport,
    annotations: QuerySet[Annotation],
    agreement: Agreement | None = None,
) -> IO[bytes]:
    """The report's tables and every annotation it covers, one sheet each, written row by
    row to a temporary file so that a large corpus never sits in memory; and, when given,
    the reviewers' agreement."""
    workbook = Workbook(write_only=True)
    _table_sheet(
        workbook.create_sheet("Tag by publisher"), report, report.by_publisher, "Publisher"
    )
    _most_flagged_sheet(workbook.create_sheet("Most flagged"), report)
    _table_sheet(workbook.create_sheet("By month"), report, report.by_month, "Month")
    _annotations_sheet(workbook.create_sheet("Annotations"), annotations)
    if agreement is not None:
        _agreement_sheet(workbook.create_sheet("Agreement"), agreement)
    return _saved(workbook)


def article_workbook(
    *,
    article: Article,
    report: contents.ArticleReport,
    annotations: QuerySet[Annotation],
    agreement: Agreement | None = None,
) -> IO[bytes]:
    """One article's report: the article, the tags counted, the prices quoted (as capped as
    on the page), every annotation the report covers (streamed, as in the corpus workbook)
    and, when given, the reviewers' agreement; written to a temporary file."""
    workbook = Workbook(write_only=True)
    _article_sheet(workbook.create_sheet("Article"), article, report)
    _tags_sheet(workbook.create_sheet("Tags"), report.tags)
    _prices_sheet(workbook.create_sheet("Prices"), report.prices)
    _annotations_sheet(workbook.create_sheet("Annotations"), annotations)
    if agreement is not None:
        _agreement_sheet(workbook.create_sheet("Agreement"), agreement)
    return _saved(workbook)


def _saved(workbook: Workbook) -> IO[bytes]:
    # Not a `with` block: the FileResponse sends the file and then closes it.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    return file


def _article_sheet(
    sheet: WriteOnlyWorksheet, article: Article, report: contents.ArticleReport
) -> None:
    _layout(sheet, widths=[22, 60])
    _append(sheet, ["Field", "Value"])
    _append(sheet, ["Article ID", article.pk])
    _append(sheet, ["Title", article.title])
    _append(sheet, ["Publisher", article.publisher])
    _append(sheet, ["URL", article.source_url])
    _append(sheet, ["Status", article.get_status_display()])
    _append(sheet, ["Annotations", report.summary.annotations])
    _append(sheet, ["Reviewers", ", ".join(report.reviewers)])


def _tags_sheet(sheet: WriteOnlyWorksheet, totals: list[contents.TagTotal]) -> None:
    _layout(sheet, widths=[28, 14, 22])
    _append(sheet, ["Tag", "Annotations", "From suggestions"])
    for total in totals:
        _append(sheet, [total.tag.name, total.annotations, total.from_suggestions])
    _append(
        sheet,
        ["Total", sum(t.annotations for t in totals), sum(t.from_suggestions for t in totals)],
    )


PRICE_COLUMNS = ("Sentence", "Text", "As written", "Minimum", "Maximum", "Currency", "Per")


def _prices_sheet(
    sheet: WriteOnlyWorksheet, prices: contents.Listing[contents.PricedSentence]
) -> None:
    """One row per price in each sentence tagged as a price claim (each sentence once), a
    sentence with none read still a row; amounts as numbers."""
    _layout(sheet, widths=[10, 60, 24, 12, 12, 10, 10])
    _append(sheet, list(PRICE_COLUMNS))
    for item in prices.items:
        where = [item.sentence + 1, item.quote]
        if not item.prices:
            _append(sheet, [*where, None, None, None, None, None])
        for price in item.prices:
            _append(
                sheet, [*where, price.text, price.minimum, price.maximum, price.currency, price.per]
            )
    if prices.truncated:
        shown, total = len(prices.items), prices.total
        _append(sheet, [])
        _append(
            sheet, ["", f"The first {shown} of {total} sentences; the prices CSV has them all."]
        )


def _table_sheet(
    sheet: WriteOnlyWorksheet,
    report: contents.CorpusReport,
    table: contents.CountTable,
    label: str,
) -> None:
    _layout(sheet, widths=[32])
    _append(sheet, [label, *(tag.name for tag in table.tags), "All tags", "Articles"])
    for row in table.rows:
        _append(sheet, [row.label, *row.counts, row.annotations, row.articles])
    totals = [total.annotations for total in table.totals]
    _append(sheet, ["Total", *totals, report.summary.annotations, report.summary.articles])


def _layout(sheet: WriteOnlyWorksheet, *, widths: list[int]) -> None:
    """Column widths and a header row that stays in view; write-only sheets take these only
    before their first row."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _most_flagged_sheet(sheet: WriteOnlyWorksheet, report: contents.CorpusReport) -> None:
    tags = [total.tag for total in report.tags]
    _layout(sheet, widths=[10, 40, 28])
    _append(
        sheet,
        ["Article ID", "Article", "Publisher", *(t.name for t in tags), "All tags", "Reviewers"],
    )
    for row in report.most_flagged:
        article = row.article
        _append(
            sheet,
            [
                article.pk,
                article.title,
                article.publisher,
                *row.counts,
                row.annotations,
                row.reviewers,
            ],
        )


def _annotations_sheet(sheet: WriteOnlyWorksheet, annotations: QuerySet[Annotation]) -> None:
    _layout(sheet, widths=[10, 32, 24, 8, 8, 60, 18, 40, 14, 20])
    _append(sheet, list(ANNOTATION_COLUMNS))
    rows = annotations.values_list(
        "article_id",
        "article__title",
        "article__publisher",
        "start",
        "end",
        "quote",
        "tag__name",
        "note",
        "author__username",
        "created_at",
    )
    for (
        article_id,
        title,
        publisher,
        start,
        end,
        quote,
        tag,
        note,
        author,
        created,
    ) in rows.iterator(chunk_size=2_000):
        _append(
            sheet,
            [
                article_id,
                title,
                publisher,
                start,
                end,
                quote,
                tag,
                note,
                author,
                # Excel has no time zones: the column header says UTC.
                created.astimezone(UTC).replace(tzinfo=None),
            ],
        )


def _agreement_sheet(sheet: WriteOnlyWorksheet, agreement: Agreement) -> None:
    """Per tag and over all tags, the figures as numbers (an undefined one left empty), then
    what was counted."""
    _layout(sheet, widths=[28, 12, 18, 18, 14, 20])
    _append(sheet, list(AGREEMENT_COLUMNS))
    rows = [*agreement.tags, *([agreement.overall] if agreement.overall else [])]
    for row in rows:
        _append(sheet, _agreement_row(sheet, row))
    _append(sheet, [])
    _append(sheet, ["Counted", "Per sentence: does this reviewer give this sentence this tag?"])
    if agreement.overall:
        pooled = f"The “{agreement.overall.tag_name}” row counts each sentence once per tag."
        _append(sheet, ["", pooled])
    _append(sheet, ["Articles with two or more reviewers", agreement.articles])
    _append(sheet, ["Sentences in them", agreement.sentences])
    _append(sheet, ["Reviewers", ", ".join(agreement.coders)])


def _agreement_row(sheet: WriteOnlyWorksheet, row: TagAgreement) -> list:
    return [
        row.tag_name,
        row.units,
        row.positive,
        _number(sheet, row.percent_agreement, "0.0%"),
        _number(sheet, row.cohen_kappa, "0.000"),
        _number(sheet, row.krippendorff_alpha, "0.000"),
    ]


def _number(sheet: WriteOnlyWorksheet, value: float | None, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _append(sheet: WriteOnlyWorksheet, values: list) -> None:
    """A row whose text, headers and tag names included, goes in as text cells."""
    sheet.append([_text(sheet, value) if isinstance(value, str) else value for value in values])


def _text(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    """A cell that is always text: openpyxl would write a str starting with "=" as a formula,
    and a leading ' keeps the text inert if the sheet is saved again as CSV. Characters XML
    cannot hold are dropped first."""
    cell = WriteOnlyCell(sheet, value=spreadsheet_text(ILLEGAL_CHARACTERS_RE.sub("", value)))
    cell.data_type = "s"
    return cell
