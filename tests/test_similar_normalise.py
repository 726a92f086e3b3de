"""The claim text sentences are compared by: names, prices and marks left out, the claim kept."""

from claims.similar.normalise import NAME, claim_key, claim_text


def test_it_writes_a_clinic_name_and_a_price_the_same_way_whatever_they_are():
    first = claim_text("At RegenWell Institute a full course costs $4,500.")
    second = claim_text("At Nova Cell Clinic a full course costs €7,000.")
    assert first == second == f"{NAME} full course costs 0"


def test_it_keeps_a_lone_capitalised_word_the_claim_is_about():
    assert claim_text("It helps Parkinson's patients walk again.") == (
        "helps parkinson patients walk"
    )
    assert claim_text("It helps Alzheimer's patients walk again.") != claim_text(
        "It helps Parkinson's patients walk again."
    )


def test_it_reads_a_name_at_the_start_only_when_it_looks_like_one():
    assert claim_text("StemCure offers the world's only cure.").startswith(f"{NAME} offers")
    assert claim_text("Stem cell therapy works.") == "stem cell therapy works"


def test_it_leaves_out_stop_words_but_keeps_negations():
    assert claim_text("It has no side effects at all.") == "no side effects"
    assert claim_text("It has side effects.") == "side effects"


def test_its_key_runs_the_words_together():
    assert claim_key("no side effects") == "nosideeffects"


def test_it_gives_nothing_for_a_sentence_without_words():
    assert claim_text("✅ …") == ""
