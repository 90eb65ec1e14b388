"""Case-insensitive patterns run on a lowered copy, and read matches from the original."""

from __future__ import annotations

from imr_llm._casefold import ci, lowered

LETTER = "Decision rationale: A.\nDECISION RATIONALE: B.\nDecision Rationale: C.\n"


def test_matches_ignore_case_but_groups_keep_the_letters_own_capitals() -> None:
    label = ci(r"decision\s+rationale\s*:\s*(?P<v>\w)")
    found = [m.group(0) for m in label.finditer(LETTER)]
    assert found == ["Decision rationale: A", "DECISION RATIONALE: B", "Decision Rationale: C"]
    assert label.search(LETTER.upper()) is not None


def test_a_remembered_first_match_answers_only_the_searches_it_can() -> None:
    label = ci(r"decision\s+rationale\s*:")
    first = label.search(LETTER)
    assert first is not None and first.start() == 0
    # From a later position the first match no longer counts: the search runs again.
    second = label.search(LETTER, first.end())
    assert second is not None and second.group() == "DECISION RATIONALE:"
    # A bounded search never takes the whole-text answer.
    assert label.search(LETTER, 0, 5) is None
    # Another text (even an equal one) is searched afresh.
    other = "".join(["x", LETTER])
    again = label.search(other)
    assert again is not None and again.start() == 1


def test_lowering_keeps_offsets_even_where_a_letter_lowers_to_two_characters() -> None:
    text = "İstanbul IMR"
    assert len(lowered(text)) == len(text)
    m = ci(r"imr").search(text)
    assert m is not None and m.group() == "IMR"
