"""One article saved as text, Markdown, HTML, DOCX and PDF gives the same sentences."""

import io
from html import escape

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate

from claims.ingest.pipeline import parse_document
from claims.ingest.types import BlockKind

# (kind, text) in order: a clinic page as a reviewer meets it, in plain Latin-1 so that
# the PDF's standard fonts can draw every character.
ARTICLE = [
    ("heading", "Is regenerative knee therapy right for you?"),
    (
        "paragraph",
        "Dr. Alvarez and her team have treated more than 4,000 patients since 2012. "
        "Our protocol targets the root cause of arthritis, e.g. worn cartilage and "
        "inflammation, instead of masking the pain.",
    ),
    (
        "paragraph",
        "A 58-year-old golfer from Leeds was symptom-free after 3 injections. "
        "In one case series, 9 of 12 patients reported less pain within a month.",
    ),
    ("heading", "How much does the therapy cost?"),
    (
        "paragraph",
        "Prices range from $1,500.00 (2 injections) to $10,000 for both knees. "
        "Payment plans start at $99 per month. Is it worth it? Our patients say yes!",
    ),
    ("list_item", "No surgery and no general anaesthetic."),
    ("list_item", "Results that last for years, not months."),
    ("heading", "References"),
    (
        "paragraph",
        "Lee KH, Park J, Kim S. Cell injection for knee cartilage: a case report. "
        "World J Clin Cases. 2021 Aug 16;9(23):6798-6803.",
    ),
]


def as_text() -> bytes:
    return "\n".join(("- " if k == "list_item" else "") + t for k, t in ARTICLE).encode()


def as_markdown() -> bytes:
    prefix = {"heading": "## ", "list_item": "- ", "paragraph": ""}
    return "\n\n".join(prefix[k] + t for k, t in ARTICLE).encode()


def as_html() -> bytes:
    tags = {"heading": "h2", "paragraph": "p", "list_item": "li"}
    body = "".join(f"<{tags[k]}>{escape(t)}</{tags[k]}>" for k, t in ARTICLE)
    body = body.replace("</p><li>", "</p><ul><li>").replace("</li><h2>", "</li></ul><h2>")
    return (
        "<!doctype html><html lang='en'><head><title>Knee therapy</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/book'>Book now</a></nav>"
        f"<main><article>{body}</article></main><footer>© Clinic</footer></body></html>"
    ).encode()


def as_docx() -> bytes:
    document = docx.Document()
    for kind, text in ARTICLE:
        if kind == "heading":
            document.add_heading(text, level=2)
        else:
            style = "List Bullet" if kind == "list_item" else None
            document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_pdf() -> bytes:
    styles = getSampleStyleSheet()
    story = []
    for kind, text in ARTICLE:
        if kind == "heading":
            story.append(Paragraph(escape(text), styles["Heading2"]))
        elif kind == "list_item":
            paragraph = Paragraph(escape(text), styles["BodyText"])
            story.append(ListFlowable([ListItem(paragraph)], bulletType="bullet"))
        else:
            story.append(Paragraph(escape(text), styles["BodyText"]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


RENDERINGS = {
    "page.txt": as_text,
    "page.md": as_markdown,
    "page.html": as_html,
    "page.docx": as_docx,
    "page.pdf": as_pdf,
}


def _sentences(filename: str) -> list[str]:
    parsed = parse_document(RENDERINGS[filename](), filename=filename)
    for sentence in parsed.sentences:
        assert parsed.text[sentence.start : sentence.end] == sentence.text
    return [sentence.text.removeprefix("- ").removeprefix("• ") for sentence in parsed.sentences]


EXPECTED = [
    "Is regenerative knee therapy right for you?",
    "Dr. Alvarez and her team have treated more than 4,000 patients since 2012.",
    "Our protocol targets the root cause of arthritis, e.g. worn cartilage and inflammation, "
    "instead of masking the pain.",
    "A 58-year-old golfer from Leeds was symptom-free after 3 injections.",
    "In one case series, 9 of 12 patients reported less pain within a month.",
    "How much does the therapy cost?",
    "Prices range from $1,500.00 (2 injections) to $10,000 for both knees.",
    "Payment plans start at $99 per month.",
    "Is it worth it?",
    "Our patients say yes!",
    "No surgery and no general anaesthetic.",
    "Results that last for years, not months.",
    "References",
    "Lee KH, Park J, Kim S. Cell injection for knee cartilage: a case report. "
    "World J Clin Cases. 2021 Aug 16;9(23):6798-6803.",
]


@pytest.mark.parametrize("filename", list(RENDERINGS))
def test_every_format_gives_the_sentences_a_reviewer_expects(filename):
    assert _sentences(filename) == EXPECTED


@pytest.mark.parametrize("filename", ["page.md", "page.html", "page.docx", "page.pdf"])
def test_structured_formats_keep_headings_and_list_items(filename):
    parsed = parse_document(RENDERINGS[filename](), filename=filename)
    kinds = {s.text.removeprefix("• "): s.kind for s in parsed.sentences}
    assert kinds["How much does the therapy cost?"] == BlockKind.HEADING
    assert kinds["No surgery and no general anaesthetic."] == BlockKind.LIST_ITEM
    assert kinds["Payment plans start at $99 per month."] == BlockKind.PARAGRAPH
