"""The labelled sentences that train and evaluate the suggester: `.page` and `.jsonl` files."""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
TRAIN_DIR = CORPUS_DIR / "train"
HELDOUT_DIR = CORPUS_DIR / "heldout"

KINDS = {
    "H": "heading",
    "P": "paragraph",
    "L": "list_item",
    "T": "table_row",
    "R": "reference",
    "Q": "quote",
    "C": "caption",
}
TAGS = {"u": "unsupported", "o": "overstated", "c": "cited-case-report", "p": "price-claim"}
# Kinds whose consecutive lines are sentences of one block; every other line is a block alone.
_RUNNING_KINDS = frozenset({"paragraph", "quote"})


@dataclass(frozen=True)
class LabelledSentence:
    """One sentence of a page, where it sits (block number within the page) and its gold tags."""

    page: str
    block: int
    kind: str
    text: str
    tags: frozenset[str]


def read_page(path: Path | str) -> list[LabelledSentence]:
    """The sentences of one `.page` file, in order; a malformed line raises ValueError."""
    path = Path(path)
    return parse_page(path.read_text(encoding="utf-8"), page=path.stem, source=str(path))


def parse_page(text: str, *, page: str, source: str = "<page>") -> list[LabelledSentence]:
    """The sentences of a page written in the `.page` format; errors name `source`:line."""
    sentences: list[LabelledSentence] = []
    block, previous_kind = -1, ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            previous_kind = ""
            continue
        if line.startswith("#"):
            continue
        try:
            kind, tags, sentence = parse_line(line)
        except ValueError as error:
            raise ValueError(f"{source}:{number}: {error}") from None
        if kind != previous_kind or kind not in _RUNNING_KINDS:
            block += 1
        previous_kind = kind
        sentences.append(LabelledSentence(page, block, kind, sentence, tags))
    return sentences


def parse_line(line: str) -> tuple[str, frozenset[str], str]:
    """(kind, tags, text) of one `KIND | TAGS | TEXT` line; the text may hold more pipes."""
    parts = line.split("|", 2)
    if len(parts) < 3:
        raise ValueError(f"expected 'KIND | TAGS | TEXT', got {line!r}")
    letter, letters, text = parts[0].strip(), parts[1].strip(), parts[2].strip()
    if letter not in KINDS:
        raise ValueError(f"unknown kind {letter!r} (expected one of {''.join(KINDS)})")
    unknown = sorted(set(letters) - set(TAGS))
    if unknown:
        raise ValueError(f"unknown tag letter {unknown[0]!r} (expected letters of {''.join(TAGS)})")
    if not text:
        raise ValueError("the sentence text is empty")
    return KINDS[letter], frozenset(TAGS[tag] for tag in letters), text


def read_jsonl(path: Path | str) -> list[LabelledSentence]:
    """Sentences written one JSON object a line: {"page", "block", "kind", "text", "tags"}."""
    path = Path(path)
    sentences = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            sentences.append(_sentence_from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: {error}") from None
    return sentences


def _sentence_from_json(row: dict) -> LabelledSentence:
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {row!r}")
    missing = sorted({"page", "block", "kind", "text", "tags"} - set(row))
    if missing:
        raise ValueError(f"missing field {missing[0]!r}")
    if not isinstance(row["tags"], list) or not all(isinstance(t, str) for t in row["tags"]):
        raise ValueError(f"'tags' must be a list of slugs, got {row['tags']!r}")
    return LabelledSentence(
        page=str(row["page"]),
        block=int(row["block"]),
        kind=str(row["kind"]),
        text=str(row["text"]),
        tags=frozenset(row["tags"]),
    )


def read_gold(paths: Iterable[Path | str]) -> list[LabelledSentence]:
    """Every sentence of the given `.page` and `.jsonl` files and folders of `.page` files."""
    sentences: list[LabelledSentence] = []
    for path in _corpus_files(paths):
        sentences += read_jsonl(path) if path.suffix == ".jsonl" else read_page(path)
    return sentences


def _corpus_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(path.glob("*.page"))
        elif path.suffix in {".page", ".jsonl"}:
            yield path
        else:
            raise ValueError(f"{path}: expected a .page or .jsonl file or a folder of .page files")
