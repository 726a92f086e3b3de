"""Time the whole ingest (extract + segment + store) of ~100 KB and ~1 MB articles per format.

Runs against the database named by DATABASE_URL (SQLite when unset), in a throwaway test
database so nothing is left behind.  Usage: `make bench` or `python bench/ingest.py`.
Targets on a 2-core machine with PostgreSQL: 100 KB < 0.5 s, 1 MB < 3 s.

Also prints how far the formats agree on the messy pages of tests/test_ingest_formats_agree.py
(sentences that come out exactly as a reviewer expects, per rendering), and what the
near-duplicate check costs: the look-up of a 1 MB upload in the fingerprint index, and the
refusal of the same page in another format.
"""

import io
import tempfile
import time
from html import escape
from pathlib import Path

from harness import ROOT, django_setup, test_database

django_setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from claims.ingest.fingerprints import fingerprints  # noqa: E402
from claims.ingest.pipeline import parse_document  # noqa: E402
from claims.services.articles import (  # noqa: E402
    NearDuplicateError,
    Upload,
    article_ingest,
    near_duplicate_of,
)
from tests.test_ingest_formats_agree import agreement  # noqa: E402

DEMO = ROOT / "claims" / "demo" / "articles"
SIZES = {"100 KB": 100_000, "1 MB": 1_000_000}


def seed_paragraphs() -> list[str]:
    """Paragraph texts of the demo articles, as the pipeline itself reads them."""
    paragraphs: list[str] = []
    for path in sorted(DEMO.glob("*.*")):
        if path.name == "README.md":
            continue
        parsed = parse_document(path.read_bytes(), filename=path.name)
        paragraphs += [block for block in parsed.text.split("\n\n") if len(block) > 40]
    return paragraphs


def sections(size: int) -> list[tuple[str, list[str]]]:
    """Numbered sections of seed paragraphs until the text reaches `size` characters."""
    seed, result, total, n = seed_paragraphs(), [], 0, 0
    while total < size:
        n += 1
        body = [
            f"{p} (Section {n}.)" for p in seed[(n * 7) % len(seed) :] + seed[: (n * 7) % len(seed)]
        ]
        result.append((f"Part {n}: how does the treatment work?", body))
        total += sum(len(p) + 2 for p in body) + 40
    return result


def as_text(doc) -> bytes:
    return "\n".join(line for head, body in doc for line in [head, *body]).encode()


def as_markdown(doc) -> bytes:
    return "\n\n".join(f"## {head}\n\n" + "\n\n".join(body) for head, body in doc).encode()


def as_html(doc) -> bytes:
    parts = ["<!doctype html><html lang='en'><head><title>Bench clinic</title></head><body>"]
    parts.append("<nav><a href='/'>Home</a> <a href='/book'>Book now</a></nav><main><article>")
    for head, body in doc:
        parts.append(f"<h2>{escape(head)}</h2>" + "".join(f"<p>{escape(p)}</p>" for p in body))
    parts.append("</article></main><footer>© Bench Clinic</footer></body></html>")
    return "".join(parts).encode()


def as_docx(doc) -> bytes:
    from docx import Document

    document = Document()
    for head, body in doc:
        document.add_heading(head, level=2)
        for paragraph in body:
            document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_pdf(doc) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = []
    for head, body in doc:
        story.append(Paragraph(escape(head), styles["Heading2"]))
        story += [Paragraph(escape(p), styles["BodyText"]) for p in body]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


HEADER = (
    f"{'fmt':<5} {'size':>7} {'chars':>10} {'sentences':>9} "
    f"{'parse s':>8} {'total s':>8} {'sentences/s':>12}"
)

FORMATS = {
    "txt": as_text,
    "md": as_markdown,
    "html": as_html,
    "docx": as_docx,
    "pdf": as_pdf,
}


def measure(fmt: str, label: str, data: bytes) -> str:
    started = time.perf_counter()
    parsed = parse_document(data, filename=f"bench.{fmt}")
    parsed_at = time.perf_counter()
    article = article_ingest(
        upload=Upload(data=data, filename=f"bench.{fmt}"),
        user=None,
        title=f"Bench {fmt} {label}",
    )
    stored_at = time.perf_counter()
    # Formats of one size share their text, which would be refused as a duplicate.
    article.delete()
    # parse_document ran twice (once alone, once inside the service): report both honestly.
    total = stored_at - parsed_at
    count = len(parsed.sentences)
    return (
        f"{fmt:<5} {label:>7} {len(parsed.text):>10,} {count:>9,} "
        f"{parsed_at - started:>8.3f} {total:>8.3f} {count / total:>12,.0f}"
    )


def print_agreement() -> None:
    shares = agreement()
    print("formats agree (tests/test_ingest_formats_agree.py pages, exact sentences):")
    for rendering, (matched, total) in shares.items():
        print(f"  {rendering:<14} {matched:>4}/{total:<4} {matched / total:>7.1%}")
    matched = sum(m for m, _ in shares.values())
    total = sum(t for _, t in shares.values())
    print(f"  {'all':<14} {matched:>4}/{total:<4} {matched / total:>7.1%}")


def measure_near_duplicate(doc) -> None:
    """Store the 1 MB page as text, then look up and upload its Markdown rendering."""
    stored = article_ingest(upload=Upload(data=as_text(doc), filename="bench.txt"), user=None)
    markdown = as_markdown(doc)
    hashes = fingerprints(s.text for s in parse_document(markdown, filename="b.md").sentences)
    started = time.perf_counter()
    match = near_duplicate_of(hashes)
    looked_up = time.perf_counter() - started
    share = f"{match[1]:.1%} of article {match[0].pk}" if match else "none"
    print(f"near-duplicate look-up, {len(hashes):,} fingerprints: {looked_up:.3f} s ({share})")
    started = time.perf_counter()
    try:
        article_ingest(upload=Upload(data=markdown, filename="bench.md"), user=None)
    except NearDuplicateError:
        print(f"md 1 MB refused as a near-duplicate in {time.perf_counter() - started:.3f} s")
    stored.delete()


def main() -> None:
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="claimscope-bench-"))
    print_agreement()
    with test_database():
        print(
            f"database: {connection.vendor}; whole ingest = extract + segment + store, "
            "one transaction"
        )
        print(HEADER)
        for label, size in SIZES.items():
            doc = sections(size)
            for fmt, render in FORMATS.items():
                print(measure(fmt, label, render(doc)), flush=True)
        measure_near_duplicate(doc)


if __name__ == "__main__":
    main()
