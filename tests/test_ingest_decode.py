"""decode_text: BOMs, UTF-8, damaged UTF-8, UTF-16, Windows-1252, Shift-JIS and declared
charsets; binary is refused."""

import pytest

from claims.ingest.decode import damaged_utf8_bytes, decode_text
from claims.ingest.errors import IngestError

CLAIM = "Our “miracle” therapy costs €7,000 – café prices for a cure… Naïve? Non!"
CLINIC_PAGE = (
    "Our stem cell therapy’s results speak for themselves.\n"
    "Nine in ten patients report “life-changing” relief within a week – without surgery.\n"
    "A single injection costs €4,900; the Platinum package (three injections) is €12,500.\n"
    "Dr. Müller’s team has treated over 3,000 knees at our Zürich clinic.\n"
    "It’s safe, it’s natural, and it’s backed by science™.\n"
)
# Two bytes of an apostrophe lost their third, and one "ü" was pasted in as Latin-1.
DAMAGED_PAGE = (
    CLINIC_PAGE.encode("utf-8")
    .replace("therapy’s".encode(), b"therapy\xe2\x80s")
    .replace("Zürich".encode(), b"Z\xfcrich")
)
JAPANESE_PAGE = (
    "幹細胞治療で膝の痛みを根本から治します。副作用はありません。\n"
    "料金：初回カウンセリング無料、注射一回あたり３８万円（税込）。\n"
    "「奇跡の再生医療」と多くの患者様に喜ばれています。\n"
)


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


def test_it_reads_damaged_utf8_as_utf8_with_replacement_characters():
    decoded = decode_text(DAMAGED_PAGE)
    assert decoded == CLINIC_PAGE.replace("therapy’s", "therapy\ufffds").replace(
        "Zürich", "Z\ufffdrich"
    )


def test_it_counts_the_damaged_bytes_of_utf8_rather_than_the_replacement_characters():
    assert damaged_utf8_bytes(DAMAGED_PAGE) == 3


def test_it_prefers_damaged_utf8_to_a_charset_the_page_declares():
    decoded = decode_text(DAMAGED_PAGE, declared="windows-1252")
    assert "Dr. Müller’s team" in decoded


def test_it_reads_a_japanese_shift_jis_page():
    encoded = JAPANESE_PAGE.encode("shift_jis")
    assert decode_text(encoded) == JAPANESE_PAGE
    assert damaged_utf8_bytes(encoded) == 0


@pytest.mark.parametrize(
    "encoded",
    [
        CLINIC_PAGE.encode("utf-8"),
        CLINIC_PAGE.encode("cp1252"),
        CLAIM.encode("cp1252"),
        JAPANESE_PAGE.encode("shift_jis"),
        JAPANESE_PAGE.encode("utf-16"),
        JAPANESE_PAGE.encode("utf-16-le"),
        CLINIC_PAGE.encode("utf-16-be"),
    ],
    ids=["utf-8", "cp1252", "cp1252-short", "shift-jis", "utf-16-bom", "utf-16-le", "utf-16-be"],
)
def test_it_finds_no_damaged_bytes_in_clean_text_of_any_encoding(encoded):
    assert damaged_utf8_bytes(encoded) == 0
    assert "\ufffd" not in decode_text(encoded)


def test_it_reads_one_stray_high_byte_in_plain_english_as_windows_1252():
    # With no valid multi-byte sequence to go by, a lone 0x92 is a Windows-1252 apostrophe.
    assert decode_text(b"Book today\x92s free consultation.") == "Book today’s free consultation."
