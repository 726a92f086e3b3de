"""Spreadsheet cells that show text as written and never run it as a formula."""

from collections.abc import Iterable

# What Excel, LibreOffice and Google Sheets take as the start of a formula (OWASP's list), and
# the quote itself: then every text cell that starts with ' had exactly one ' added, so a
# reader recovers the original by dropping it, even from a note that began with "'=".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def spreadsheet_text(text: str) -> str:
    """`text`, with a leading ' if a spreadsheet would otherwise read it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def spreadsheet_row(values: Iterable[object]) -> list[object]:
    """A row for a csv writer: its text through `spreadsheet_text`; numbers (-5 among them),
    dates and None as they are."""
    return [spreadsheet_text(value) if isinstance(value, str) else value for value in values]
