"""Markdown: markup stripped, structure kept (headings, paragraphs, list items, quotes, rows).

Images are dropped: in scraped Markdown they are mostly placeholders ("![faq image]()").
Lines of a paragraph that open with a list marker Markdown does not know ("✅ No downtime",
"• Safe") are list items of their own, as they are when the same page is plain text.
"""

import lxml.etree
import lxml.html
from markdown_it import MarkdownIt
from markdown_it.token import Token

from claims.ingest.decode import decode_text
from claims.ingest.lists import list_item_texts
from claims.ingest.types import Block, BlockKind, Extracted

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_ROW_SEPARATOR = " | "
_CONTAINERS = {"bullet_list_open", "ordered_list_open", "list_item_open", "blockquote_open"}


def extract_markdown(data: bytes) -> Extracted:
    return Extracted(blocks=markdown_blocks(decode_text(data)))


def markdown_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    containers: list[str] = []  # open list items and quotes, innermost last
    row: list[str] | None = None
    tokens = _PARSER.parse(text)
    for position, token in enumerate(tokens):
        if token.type in _CONTAINERS:
            containers.append(token.type)
        elif token.type.replace("_close", "_open") in _CONTAINERS and token.nesting == -1:
            containers.pop()
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            if any(row):  # empty cells keep their place, as in every other format's rows
                blocks.append(Block(BlockKind.TABLE_ROW, _ROW_SEPARATOR.join(row)))
            row = None
        elif token.type == "inline":
            if row is not None:
                row.append(inline_text(token).strip())
            else:
                blocks += _inline_blocks(token, _kind(tokens[position - 1], containers))
        elif token.type in ("fence", "code_block"):
            blocks += [Block(BlockKind.PARAGRAPH, line) for line in token.content.splitlines()]
        elif token.type == "html_block":
            blocks.append(Block(BlockKind.PARAGRAPH, _html_text(token.content)))
    return blocks


def _kind(opening: Token, containers: list[str]) -> BlockKind:
    if opening.type == "heading_open":
        return BlockKind.HEADING
    innermost = containers[-1] if containers else ""
    if innermost == "list_item_open":
        return BlockKind.LIST_ITEM
    if innermost == "blockquote_open":
        return BlockKind.QUOTE
    return BlockKind.PARAGRAPH


def _inline_blocks(token: Token, kind: BlockKind) -> list[Block]:
    """One block, or one per line when lines after the first open with a list marker."""
    if kind != BlockKind.PARAGRAPH:
        return [Block(kind, inline_text(token).strip())]
    lines = [line.strip() for line in inline_text(token, line_break="\n").split("\n")]
    items = list_item_texts(lines)
    if len(lines) == 1 or not any(items[1:]):
        return [Block(kind, " ".join(lines).strip())]
    blocks: list[Block] = []
    for line, item in zip(lines, items, strict=True):
        if item is None and blocks and blocks[-1].kind == BlockKind.PARAGRAPH:
            blocks[-1] = Block(BlockKind.PARAGRAPH, f"{blocks[-1].text} {line}")
        else:
            blocks.append(Block(BlockKind.PARAGRAPH if item is None else BlockKind.LIST_ITEM, line))
    return blocks


def inline_text(token: Token, *, line_break: str = " ") -> str:
    """The visible text of an inline token: emphasis and links unwrapped, images dropped."""
    parts = []
    for child in token.children or []:  # an image is one child; its alt text is inside it
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(line_break)
    return "".join(parts)


def _html_text(html: str) -> str:
    """Text of a raw HTML block, never its scripts or styles."""
    try:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return ""  # markup with no element in it carries no readable text
    for node in fragment.xpath("//script|//style|//template"):
        node.drop_tree()
    return fragment.text_content()
