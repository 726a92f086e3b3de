"""Offsets the browser sends are Unicode code points into the article text, whatever emoji,
combining marks and CJK characters (some outside the BMP) stand before the highlight."""

import pytest
from playwright.sync_api import expect

from claims.models import Annotation, Article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Before the highlights: emoji with skin tones and a ZWJ sequence (two UTF-16 units or more
# per code point), letters with combining marks that NFC cannot compose, BMP CJK and CJK
# from a supplementary plane (𠮷 is two units, one code point).
ARTICLE = (
    "Real results 😀👍🏽 from real patients 👩‍⚕️ in Bangkok.\n"
    "Z̤͔ͧ q̇ Dr. Nguyễn trained at 東京 and 𠮷野 clinics. "
    "Patients 🙌 in 東京 say 𠮷野’s Z̤͔ͧ therapy completely cleared their arthritis.\n"
    "干细胞治疗没有副作用。疗效持久！\n"
    "👉 The injections cost from $1,500 to $10,000.\n"
)


@pytest.fixture
def article(make_article) -> Article:
    return make_article(ARTICLE, title="Regenerative medicine in Bangkok")


def _drag_select(ui, text: str) -> None:
    """Select `text` in the article with the mouse, as a reviewer would: press before its
    first character, drag, release after its last one."""
    box = ui.page.evaluate(
        """(text) => {
            const walker = document.createTreeWalker(document.getElementById("document"),
                                                     NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(text);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + 1);
                const first = range.getBoundingClientRect();
                range.setStart(node, at + text.length - 1);
                range.setEnd(node, at + text.length);
                const last = range.getBoundingClientRect();
                return {x0: first.left + 1, y0: first.top + first.height / 2,
                        x1: last.right - 1, y1: last.top + last.height / 2};
            }
            return null;
        }""",
        text,
    )
    assert box, f"{text!r} is not in the page"
    ui.page.mouse.move(box["x0"], box["y0"])
    ui.page.mouse.down()
    ui.page.mouse.move(box["x1"], box["y1"], steps=5)
    ui.page.mouse.up()


def _stored_span() -> tuple[int, int, str]:
    annotation = Annotation.objects.get()
    return annotation.start, annotation.end, annotation.quote


def test_it_saves_a_whole_sentence_after_emoji_and_cjk_at_its_code_point_offsets(
    annotate_page, reviewer, article
):
    claim = "Patients 🙌 in 東京 say 𠮷野’s Z̤͔ͧ therapy completely cleared their arthritis."
    sentence = article.sentences.get(text=claim)
    ui = annotate_page(reviewer, article)

    ui.sentence(sentence.index).click()
    with ui.api_call("POST") as created:
        ui.page.keyboard.press("2")
    assert created.value.status == 201

    start = article.text.index(claim)
    assert _stored_span() == (start, start + len(claim), claim)
    assert created.value.json()["start"] == start


@pytest.mark.parametrize(
    "word",
    ["completely", "副作用", "$1,500"],
    ids=["after-emoji-cjk-and-combining-marks", "inside-cjk", "after-an-emoji-marker"],
)
def test_it_saves_exactly_the_word_selected_with_the_mouse_in_exact_mode(
    annotate_page, reviewer, article, word
):
    ui = annotate_page(reviewer, article)
    ui.page.get_by_label("Keep exact selection").check()

    _drag_select(ui, word)
    with ui.api_call("POST") as created:
        ui.page.keyboard.press("2")
    assert created.value.status == 201

    start = article.text.index(word)
    assert _stored_span() == (start, start + len(word), word)


def test_it_draws_a_stored_highlight_on_exactly_its_characters(
    annotate_page, reviewer, article, make_annotation
):
    start = article.text.index("𠮷野’s")
    make_annotation(author=reviewer, article=article, tag="unsupported", start=start, end=start + 4)
    ui = annotate_page(reviewer, article)

    expect(ui.page.locator("#document mark.hl")).to_have_text("𠮷野’s")
    expect(ui.items.first.locator("q")).to_have_text("𠮷野’s")
