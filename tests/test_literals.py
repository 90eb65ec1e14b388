"""Literal prefilters: a gate read off a pattern never rules out a text the pattern matches."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imr_llm import facts
from imr_llm._literals import (
    LiteralSet,
    alternatives,
    first_chars,
    required_literals,
    with_first_char_check,
)


def literals(pattern: str, flags: int = 0) -> set[str] | None:
    found = required_literals(re.compile(pattern, flags))
    return None if found is None else set(found)


def test_every_alternative_contributes_a_word_of_its_own() -> None:
    assert literals(r"\bmri\b|ct\s+scan|x-?rays?\b") == {"mri", "scan", "ray"}


def test_the_most_selective_set_is_chosen() -> None:
    # "x" would let almost every title through; the unit words are required too.
    assert literals(r"(?:\d+|x)\s*(?:times?|x)\s*(?:a|per)\s*(?:week|day|month)") == {
        "week",
        "day",
        "month",
    }


def test_literals_across_a_zero_width_assertion_stay_one_word() -> None:
    assert literals(r"chapter(?<!\wchapter)\s+\d+") == {"chapter"}
    assert literals(r"\bodg\b") == {"odg"}


def test_a_repeat_that_may_be_absent_guarantees_nothing() -> None:
    assert literals(r"(?:abc)?\d+") is None
    assert literals(r"(?:abc)+\d+") == {"abc"}


def test_patterns_that_guarantee_no_literal_get_no_gate() -> None:
    assert literals(r"\d+\s*\w+") is None
    assert literals(r"abc|\d+") is None  # one alternative has no literal
    assert literals(r"upheld", re.IGNORECASE) is None  # gates compare exact text


def test_a_literal_set_sees_literals_that_overlap_or_nest() -> None:
    found = LiteralSet(["manipulat", "manipulation", "ation", "ct", "inject"]).present(
        "spinal manipulation; injection"
    )
    assert found == {"manipulat", "manipulation", "ation", "ct", "inject"}
    assert LiteralSet(["mri"]).present("x-ray") == frozenset()
    assert LiteralSet([]).present("anything") == frozenset()


TITLE_PIECES = st.sampled_from(
    [
        "MRI",
        " of the ",
        "lumbar spine",
        "x-ray",
        "ct scan",
        "physical therapy",
        " 2x6 ",
        "#60",
        "norco 10/325mg",
        "twice a week",
        "for 6 weeks",
        "acupuncture",
        "trigger point injection",
        "evaluation",
        "TENS unit",
        "home exercise",
        "(",
        "-",
        " ",
        "ablation",
        "psych",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(TITLE_PIECES, max_size=8).map("".join))
def test_the_fact_gates_never_turn_away_a_title_their_pattern_matches(title: str) -> None:
    low = title.lower()
    gated = [alt for _, alt in facts._CATEGORY_ALTERNATIVES]
    gated += [alt for _, parts in facts._FACTS for alt in parts]
    for alternative in gated:
        if alternative.pattern.search(low):
            assert alternative.admits(frozenset(w for w in alternative.literals or () if w in low))


def test_every_category_alternative_has_a_gate() -> None:
    ungated = [alt.source for _, alt in facts._CATEGORY_ALTERNATIVES if not alt.literals]
    assert ungated == [], "these run on every title"


def test_a_pattern_splits_into_the_alternatives_that_match_where_it_does() -> None:
    pattern = re.compile(r"\bmri\b|ct\s+scan|x-?rays?\b|(?:a|b)c|[|)]z")
    parts = alternatives(pattern)
    assert [p.source for p in parts] == [
        r"\bmri\b",
        r"ct\s+scan",
        r"x-?rays?\b",
        "(?:a|b)c",
        "[|)]z",
    ]
    assert [p.literals for p in parts] == [
        frozenset({"mri"}),
        frozenset({"scan"}),
        frozenset({"ray"}),
        frozenset({"c"}),
        frozenset({"z"}),
    ]
    for text in ["mri", "x-ray", "bc", "|z", "nothing"]:
        assert bool(pattern.search(text)) == any(p.pattern.search(text) for p in parts)


def test_a_group_around_an_alternation_splits_inside_it() -> None:
    pattern = re.compile(r"(?P<v>\d+ weeks|twice a day|daily)")
    parts = alternatives(pattern)
    assert [p.source for p in parts] == [r"(?P<v>\d+ weeks)", "(?P<v>twice a day)", "(?P<v>daily)"]
    m = parts[1].pattern.search("ice twice a day")
    assert m is not None and m.group("v") == "twice a day"


def test_patterns_whose_split_is_in_doubt_come_back_whole() -> None:
    for source, flags in [("ab|ac", 0), ("(?i)a|b", 0), ("a # |b", re.VERBOSE), ("abc", 0)]:
        pattern = re.compile(source, flags)
        parts = alternatives(pattern)
        assert len(parts) == 1 and parts[0].pattern is pattern


def test_first_chars_are_what_every_match_opens_with() -> None:
    assert first_chars(re.compile(r"(?:\d+|one|two)\s*x")) == r"[\d\x6f\x74]"
    assert first_chars(re.compile(r"(?:for\s+)?(?P<v>\d+)")) == r"[\d\x66]"
    assert first_chars(re.compile(r"\bmri\b")) == r"[\x6d]"
    # No class: the pattern may match empty, or open with any character.
    for source in [r"a*", r".x", r"[^a]b", r"(?:x)?"]:
        assert first_chars(re.compile(source)) is None


def test_a_first_character_check_finds_the_same_matches() -> None:
    pattern = re.compile(r"(?P<v>(?:\d+|one|two|three)\s*(?:sessions?|visits?))")
    checked = with_first_char_check(pattern)
    assert checked.pattern.startswith("(?=[") and checked.groupindex == pattern.groupindex
    for text in ["two sessions", "3 visits of 12 sessions", "someone visits", "none", ""]:
        found, again = pattern.search(text), checked.search(text)
        assert (found and (found.span(), found.group("v"))) == (
            again and (again.span(), again.group("v"))
        )


def test_patterns_the_engine_already_skips_through_are_left_alone() -> None:
    for source in [r"qty\s*\d+", r"(?:once|twice)\s+a", r"[#q]\d", r"a*"]:
        pattern = re.compile(source)
        assert with_first_char_check(pattern) is pattern
