"""HTML pages: the main content only, as headings, paragraphs, list items, rows and captions.

trafilatura decides what is main content (it drops navigation, footers, cookie banners,
sidebars and forms by their structure and wording). Three things are done around it: elements
that are never content are pruned first, so that its fallback extractor cannot return a menu
as the article; figure captions, which it discards, are kept as paragraphs and recognised
again by their text afterwards; and bylines, which it discards by their class ("byline",
"author", "meta"), are kept when their text says who wrote, advised on or reviewed the page,
since reviewers need to know who is making a claim.
"""

import re

import lxml.etree
import lxml.html
import trafilatura

from claims.ingest.decode import decode_text
from claims.ingest.limits import DEFAULT_LIMITS, IngestLimits, over_limit
from claims.ingest.normalise import normalise_text
from claims.ingest.types import Block, BlockKind, Extracted

_NEVER_CONTENT = (
    "//nav|//script|//style|//noscript|//template|//form|//iframe|//svg|//button"
    "|//*[@role='navigation' or @role='banner' or @role='contentinfo' or @aria-hidden='true']"
    "|//header[not(ancestor::article or ancestor::main)]"
    "|//footer[not(ancestor::article or ancestor::main)]"
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w:.-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ROW_SEPARATOR = " | "
_SITE_NAME_TAIL = re.compile(r"\s+[|·•–—-]\s+")
# Class and id words by which trafilatura drops an element as an author box or page metadata.
_AUTHOR_MARKUP = re.compile(r"author|byline|meta|reviewer|expert", re.I)
# What a byline says: who wrote, advised on or checked the page.
_BYLINE_WORDS = re.compile(
    r"\b(?:by|written|reviewed|author|advis[eo]r|consultant|director|doctor|dr|physician"
    r"|surgeon|nurse|founder|editor|specialist|md|phd|rn|nd|mbbs)\b",
    re.I,
)
_MAX_BYLINE_CHARS = 400
_RESOURCE_LIMIT = lxml.etree.ErrorTypes.ERR_RESOURCE_LIMIT  # "Excessive depth in document"
_MAX_DEPTH = 256  # libxml2's nesting limit while huge_tree is off


def extract_html(data: bytes, *, limits: IngestLimits = DEFAULT_LIMITS) -> Extracted:
    text = decode_text(data, declared=declared_charset(data))
    tree = _parse(text)
    if tree is None:
        return Extracted(blocks=[])
    _check_size(tree, limits)
    title, language = _title(tree), tree.get("lang", "")
    for node in tree.xpath(_NEVER_CONTENT):
        if node.getparent() is not None:
            node.drop_tree()  # keeps the text that follows the element
    captions = _captions_as_paragraphs(tree)
    _bylines_kept(tree)
    # bare_extraction hands back the content tree itself; extract() would serialise it and
    # compute a fingerprint, a second of work per megabyte that nothing here needs.
    result = trafilatura.bare_extraction(
        tree,
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_formatting=False,
        include_links=False,
        with_metadata=False,
        fast=True,  # no second opinion from readability/jusText; same blocks on our pages
    )
    body = getattr(result, "body", None)
    blocks = list(_blocks_of(body, captions)) if body is not None else []
    return Extracted(blocks=blocks, title=title, language=language)


def _title(tree: lxml.html.HtmlElement) -> str:
    """The page's own title: Open Graph's, else <title> without the " | Site name" tail."""
    og_title = tree.xpath("string(//meta[@property='og:title']/@content)").strip()
    if og_title:
        return og_title
    title = tree.xpath("string(//title)").strip()
    return _SITE_NAME_TAIL.split(title, maxsplit=1)[0].strip()


def declared_charset(data: bytes) -> str:
    """The charset a page's <meta> declares in its first 4 KB, or ""."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else ""


def _parse(text: str) -> lxml.html.HtmlElement | None:
    text = _XML_DECLARATION.sub("", text, count=1)
    # libxml2 (without huge_tree, which stays off) stops at 256 levels of nesting and drops
    # the rest of the page; that is refused below rather than stored as a truncated article.
    parser = lxml.html.HTMLParser()  # one per page: a parser keeps the last page's errors
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None  # nothing parseable: no readable text
    if any(_too_deep(error) for error in parser.error_log):
        raise over_limit(
            f"This page nests its elements more than {_MAX_DEPTH} levels deep, further than "
            "the HTML reader follows, so part of it would be lost. Save the article on its own "
            "(for example as PDF) and upload that."
        )
    return tree


def _too_deep(error: lxml.etree._LogEntry) -> bool:
    return error.type == _RESOURCE_LIMIT and "depth" in error.message


def _check_size(tree: lxml.html.HtmlElement, limits: IngestLimits) -> None:
    """Content extraction takes about 0.1 ms per element, so a page of a million empty
    elements (8 MB) would hold a worker for a minute and 2 GB; count them first."""
    elements = int(tree.xpath("count(//*)"))
    if elements > limits.max_html_elements:
        raise over_limit(
            f"This page has {elements:,} HTML elements; Claimscope reads pages of up to "
            f"{limits.max_html_elements:,}. Save the article on its own (for example as PDF) "
            "and upload that."
        )


def _captions_as_paragraphs(tree: lxml.html.HtmlElement) -> set[str]:
    captions = set()
    for figure in tree.iter("figure"):
        figure.tag = "div"
    for caption in tree.iter("figcaption"):
        caption.tag = "p"
        captions.add(normalise_text(caption.text_content()))
    return captions


def _bylines_kept(tree: lxml.html.HtmlElement) -> None:
    """Take the author-box classes off short elements that read as a byline, so that
    trafilatura judges them as the text they are; comment authors stay out."""
    for element in tree.xpath("//*[@class or @id]"):
        markup = f"{element.get('class', '')} {element.get('id', '')}"
        if not _AUTHOR_MARKUP.search(markup) or "comment" in markup.lower():
            continue
        text = normalise_text(element.text_content())
        if text and len(text) <= _MAX_BYLINE_CHARS and _BYLINE_WORDS.search(text):
            for attribute in ("class", "id"):
                element.attrib.pop(attribute, None)


def _blocks_of(body: lxml.etree._Element, captions: set[str]):
    if body.text and body.text.strip():
        # trafilatura's baseline extractor returns bare text, one paragraph a line.
        for line in body.text.splitlines():
            yield Block(BlockKind.PARAGRAPH, line)
    for element in body:
        yield from _element_blocks(element, captions)


def _element_blocks(element: lxml.etree._Element, captions: set[str]):
    tag = element.tag
    if tag == "head":
        yield Block(BlockKind.HEADING, _text(element))
    elif tag == "list":
        for item in element.iterchildren("item"):
            yield from _list_item_blocks(item, captions)
    elif tag == "table":
        for row in element.iter("row"):
            # Empty cells keep their place, as in every other format's rows.
            cells = [normalise_text(_text(cell)) for cell in row.iterchildren("cell")]
            if any(cells):
                yield Block(BlockKind.TABLE_ROW, _ROW_SEPARATOR.join(cells))
    elif tag == "quote":
        paragraphs = list(element.iterchildren("p"))
        for part in paragraphs or [element]:
            yield Block(BlockKind.QUOTE, _text(part))
    else:  # p, code and anything newer trafilatura may emit
        text = _text(element)
        kind = BlockKind.CAPTION if normalise_text(text) in captions else BlockKind.PARAGRAPH
        yield Block(kind, text)


def _list_item_blocks(item: lxml.etree._Element, captions: set[str]):
    """An item's own text is one block; a list nested inside it gives blocks of its own."""
    nested = [child for child in item if child.tag == "list"]
    for child in nested:
        item.remove(child)
    yield Block(BlockKind.LIST_ITEM, _text(item))
    for child in nested:
        yield from _element_blocks(child, captions)


def _text(element: lxml.etree._Element) -> str:
    """The element's text, with line breaks (<lb/>) kept as spaces."""
    for line_break in element.iter("lb"):
        line_break.tail = " " + (line_break.tail or "")
    return "".join(text for text in element.itertext() if isinstance(text, str))
