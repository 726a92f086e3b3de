"""decode_text: BOMs, UTF-8, UTF-16, Windows-1252 and declared charsets; binary is refused."""

import pytest

from claims.ingest.decode import decode_text
from claims.ingest.errors import IngestError

CLAIM = "Our “miracle” therapy costs €7,000 – café prices for a cure… Naïve? Non!"


@pytest.mark.parametrize(
    "encoded",
    [
        CLAIM.encode("utf-8"),
        CLAIM.encode("utf-8-sig"),
        CLAIM.encode("utf-16"),  # with a BOM
        CLAIM.encode("utf-16-le"),
        CLAIM.encode("utf-16-be"),
        CLAIM.encode("utf-32"),
        CLAIM.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be", "utf-32", "cp1252"],
)
def test_it_decodes_the_encodings_reviewers_meet(encoded):
    assert decode_text(encoded) == CLAIM


def test_it_reads_a_longer_windows_1252_page_with_curly_quotes_and_pound_signs():
    text = (
        "Stem cell therapy – no side effects™.\nPrices from £1,500 “all inclusive”.\nBook now!\n"
    ) * 20
    assert decode_text(text.encode("cp1252")) == text


def test_it_follows_a_declared_charset_when_utf8_fails():
    text = "Лечение стволовыми клетками: без побочных эффектов."
    assert decode_text(text.encode("koi8-r"), declared="koi8-r") == text


def test_it_guesses_a_non_latin_single_byte_encoding_rather_than_forcing_cp1252():
    text = "Лечение стволовыми клетками полностью безопасно и не имеет побочных эффектов. " * 5
    decoded = decode_text(text.encode("cp1251"))
    assert "стволовыми клетками" in decoded


def test_it_refuses_a_bom_that_lies():
    with pytest.raises(IngestError) as raised:
        decode_text(b"\xef\xbb\xbf" + "Café".encode("cp1252"))
    assert raised.value.code == IngestError.UNDECODABLE
    assert "UTF-8" in raised.value.message


def test_it_refuses_text_full_of_control_characters():
    with pytest.raises(IngestError) as raised:
        decode_text(bytes(range(1, 32)) * 40)
    assert raised.value.code == IngestError.UNSUPPORTED_TYPE
    assert "binary" in raised.value.message


def test_it_refuses_nul_bytes_in_text():
    with pytest.raises(IngestError):
        decode_text(b"Stem cells\x00\x01\x02 cure\x00 all" + b"\x00\xff" * 50)
