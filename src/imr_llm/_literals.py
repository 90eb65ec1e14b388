"""Literal prefilters: rule a regular expression out before it runs.

Python's ``re`` tries a pattern at every position of a text unless the pattern
opens with a literal, and a long alternation (drug names, body parts) pays for
each alternative at each position: a few microseconds for a short service
title, far more for a rationale. Most such patterns can only match where one
of a few words occurs, and ``word in text`` costs a few tens of nanoseconds.

:func:`required_literals` reads those words off the pattern itself, so a gate
never disagrees with its pattern and never needs updating by hand;
:class:`LiteralSet` finds which of many words occur in a text in one pass
(Aho-Corasick, from ``ahocorasick-rs``: far faster than any alternation ``re``
can run). This is the prefilter that RE2 and Rust's ``regex`` build internally.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]
from typing import Any

from ahocorasick_rs import AhoCorasick

__all__ = [
    "ASCII_WORD_CHARS",
    "Alternative",
    "LiteralSet",
    "alternatives",
    "first_chars",
    "is_word_char",
    "required_literals",
    "with_first_char_check",
]

ASCII_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
"""What ``[a-z0-9_]`` matches in lowered text: a keyword starts a word after none of these."""


def is_word_char(char: str) -> bool:
    r"""Whether ``char`` is what ``\w`` matches (a letter, a digit or the underscore), so a
    word's edge is tested as ``\b`` tests it, without running a pattern."""
    return char.isalnum() or char == "_"


_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux]+[:)]")
_GROUP_OPENING = re.compile(r"\((?:\?:|\?P<\w+>)?")


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Literals one of which every match of ``pattern`` contains, or None if it has none.

    Among the sets the pattern guarantees, the one whose shortest literal is
    longest is chosen: a gate on "week|day|month" rules out more than one on "x".
    Case-insensitive patterns get None (these gates compare exact text).
    """
    if pattern.flags & re.IGNORECASE:
        return None
    tree = _parse(pattern.pattern, pattern.flags)
    return None if tree is None else _required(tree)


def _parse(source: str, flags: int) -> Any:
    """The parse tree ``re`` builds for a pattern, or None: the parser is CPython's private
    API, so where it fails every reading of a tree degrades to "nothing known"."""
    try:
        return _sre_parse.parse(source, flags)
    except Exception:  # noqa: BLE001 - private API: degrade, never fail
        return None


def _required(sequence: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    candidates: list[frozenset[str] | None] = []
    run: list[str] = []
    for op, arg in sequence:
        if op is _sre.LITERAL:
            run.append(chr(arg))
            continue
        if op is _sre.AT:  # \b, ^, $: zero width, so the literals around it stay adjacent
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        if op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, body = arg
            if not add_flags & re.IGNORECASE:
                candidates.append(_required(body))
        elif op is _sre.BRANCH:
            alternatives = [_required(a) for a in arg[1]]
            if all(alternatives):
                candidates.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op in _REPEATS:
            least, _most, body = arg
            if least >= 1:
                candidates.append(_required(body))
        elif op is _sre.ATOMIC_GROUP:
            candidates.append(_required(arg))
        # Anything else (a class, a lookaround, a back reference) guarantees no literal.
    if run:
        candidates.append(frozenset(["".join(run)]))
    found = [c for c in candidates if c]
    if not found:
        return None
    return max(found, key=lambda c: (min(map(len, c)), -len(c)))


class Alternative:
    """One top-level alternative of a pattern (see :func:`alternatives`): the literals
    its matches hold, read off the pattern's parse, and its compiled pattern, built the
    first time a text holds them. A long alternation's alternatives are seldom all
    needed, and compiling them all would cost every command-line run its start-up."""

    __slots__ = ("_compiled", "flags", "literals", "source")

    def __init__(
        self,
        source: str,
        flags: int,
        literals: frozenset[str] | None,
        compiled: re.Pattern[str] | None = None,
    ) -> None:
        self.source = source
        self.flags = flags
        self.literals = literals
        self._compiled = compiled

    @property
    def pattern(self) -> re.Pattern[str]:
        """The alternative compiled alone (behind a first-character check where that helps)."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = with_first_char_check(re.compile(self.source, self.flags))
        return compiled

    def admits(self, present: frozenset[str]) -> bool:
        """Whether a text holding the ``present`` literals could match."""
        return self.literals is None or not self.literals.isdisjoint(present)


def alternatives(pattern: re.Pattern[str] | str, flags: int = 0) -> list[Alternative]:
    """The top-level alternatives of ``pattern`` (compiled, or its source and ``flags``),
    each to be compiled alone with its flags.

    A pattern that is one group around an alternation (``(?P<v>a|b)``) gives each
    alternative in that group. The pattern matches somewhere exactly when one of them
    does, and its match is the leftmost of theirs (the earlier alternative where two
    start together), with the same groups. Each is gated by its own literals: a long
    alternation then runs only the few alternatives a text can match. Where the split
    is in any doubt (verbose patterns, inline flags, an alternation the parser factored)
    the pattern comes back whole. The pattern is parsed once; nothing is compiled here.
    """
    compiled: re.Pattern[str] | None = None
    if isinstance(pattern, re.Pattern):
        compiled, source, flags = pattern, pattern.pattern, pattern.flags
    else:
        source = pattern
    tree = _parse(source, flags)
    if tree is None:
        return [Alternative(source, flags, None, compiled)]
    literals_ok = not flags & re.IGNORECASE
    whole = [Alternative(source, flags, _required(tree) if literals_ok else None, compiled)]
    if flags & re.VERBOSE or _INLINE_FLAGS.match(source):
        return whole
    items = list(tree)
    opening, body, closing = "", source, ""
    group = _GROUP_OPENING.match(source)
    if len(items) == 1 and items[0][0] is _sre.SUBPATTERN and group:
        if _closes_at_end(source):
            opening, body, closing = group.group(), source[group.end() : -1], ")"
            items = list(items[0][1][3])
    parts = _split_top_level(body)
    branches = items[0][1][1] if len(items) == 1 and items[0][0] is _sre.BRANCH else []
    if len(parts) != len(branches) or len(parts) == 1:
        return whole
    return [
        Alternative(opening + part + closing, flags, _required(branch) if literals_ok else None)
        for part, branch in zip(parts, branches, strict=True)
    ]


def _closes_at_end(source: str) -> bool:
    """Whether the group that opens ``source`` closes at its last character."""
    for i, char, depth in _syntax(source):
        if char == ")" and depth == 1:
            return i == len(source) - 1
    return False


def _split_top_level(source: str) -> list[str]:
    """``source`` cut at each ``|`` outside any group."""
    parts: list[str] = []
    start = 0
    for i, char, depth in _syntax(source):
        if char == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    parts.append(source[start:])
    return parts


def _syntax(source: str) -> Iterator[tuple[int, str, int]]:
    """Each character of a pattern's source that is syntax, not an escaped character or
    one inside a class, with how many groups are open before it."""
    depth = i = 0
    in_class = False
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1
            if source[i : i + 1] == "^":
                i += 1
            if source[i : i + 1] == "]":  # a "]" first in a class is literal
                i += 1
            continue
        else:
            yield i, char, depth
            depth += (char == "(") - (char == ")")
        i += 1


def first_chars(pattern: re.Pattern[str]) -> str | None:
    """A character class every match of ``pattern`` opens with (``"[\\dotf]"``), or None
    when the pattern can match empty or open with nearly anything."""
    tree = None if pattern.flags & re.VERBOSE else _parse(pattern.pattern, pattern.flags)
    return None if tree is None else _first_class(tree)


def _first_class(tree: Any) -> str | None:
    first, nullable = _first(tree)
    if first is None or nullable:
        return None
    return "[" + "".join(sorted(first)) + "]"


def with_first_char_check(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` behind a look-ahead for its first character, where the engine would
    otherwise try the whole pattern at every position: the same matches, found faster.

    ``re`` skips quickly only to a literal or a set of literal alternatives; a pattern
    that opens with ``\\d+`` or a group of them is tried everywhere.
    """
    if pattern.flags & re.VERBOSE or _INLINE_FLAGS.match(pattern.pattern):
        return pattern
    tree = _parse(pattern.pattern, pattern.flags)
    first = None if tree is None else _first_class(tree)
    if first is None or _engine_skips(tree):
        return pattern
    return re.compile(f"(?={first})(?:{pattern.pattern})", pattern.flags)


def _engine_skips(tree: Any) -> bool:
    """Whether ``re`` already skips to candidates itself: the pattern opens (through any
    groups) with a literal, a character set, or alternatives that each open with a literal."""
    items = list(tree)
    while items and items[0][0] is _sre.SUBPATTERN:
        items = list(items[0][1][3])
    if not items:
        return False
    op, arg = items[0]
    if op is _sre.BRANCH:
        return all(a and list(a)[0][0] is _sre.LITERAL for a in arg[1])
    return op is _sre.LITERAL or op is _sre.IN


_CATEGORY_CLASSES = {
    _sre.CATEGORY_DIGIT: r"\d",
    _sre.CATEGORY_NOT_DIGIT: r"\D",
    _sre.CATEGORY_SPACE: r"\s",
    _sre.CATEGORY_NOT_SPACE: r"\S",
    _sre.CATEGORY_WORD: r"\w",
    _sre.CATEGORY_NOT_WORD: r"\W",
}


def _class_char(code: int) -> str:
    return (
        f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    )


def _first(sequence: Iterable[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """(the class items a match of ``sequence`` can open with, whether it can be empty)."""
    first: set[str] = set()
    for op, arg in sequence:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero width: the next item opens the match
        if op is _sre.LITERAL:
            item: tuple[set[str] | None, bool] = ({_class_char(arg)}, False)
        elif op is _sre.IN:
            item = _class_items(arg), False
        elif op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, body = arg
            item = (None, True) if add_flags & re.IGNORECASE else _first(body)
        elif op is _sre.BRANCH:
            parts = [_first(a) for a in arg[1]]
            if any(f is None for f, _ in parts):
                return None, True
            item = set().union(*(f for f, _ in parts if f)), any(n for _, n in parts)
        elif op in _REPEATS:
            least, _most, body = arg
            inner, nullable = _first(body)
            item = inner, nullable or least == 0
        elif op is _sre.ATOMIC_GROUP:
            item = _first(arg)
        else:  # any character, a negated one, a back reference
            return None, True
        items, nullable = item
        if items is None:
            return None, True
        first |= items
        if not nullable:
            return first, False
    return first, True


def _class_items(items: list[tuple[Any, Any]]) -> set[str] | None:
    out: set[str] = set()
    for op, arg in items:
        if op is _sre.LITERAL:
            out.add(_class_char(arg))
        elif op is _sre.RANGE:
            out.add(f"{_class_char(arg[0])}-{_class_char(arg[1])}")
        elif op is _sre.CATEGORY and arg in _CATEGORY_CLASSES:
            out.add(_CATEGORY_CLASSES[arg])
        else:  # a negated set, or a category with no class escape
            return None
    return out


class LiteralSet:
    """Which of many literals occur in a text, found in one pass (Aho-Corasick)."""

    __slots__ = ("_automaton", "_words")

    def __init__(self, literals: Iterable[str]) -> None:
        self._words = sorted({w for w in literals if w})
        self._automaton = AhoCorasick(self._words) if self._words else None

    def present(self, text: str) -> frozenset[str]:
        if self._automaton is None:
            return frozenset()
        return frozenset(self._automaton.find_matches_as_strings(text, overlapping=True))

    def occurrences(self, text: str) -> list[tuple[int, str]]:
        """Every occurrence of every literal (overlapping ones too) as (start, literal),
        in order of start."""
        if self._automaton is None:
            return []
        words = self._words
        found = self._automaton.find_matches_as_indexes(text, overlapping=True)
        return sorted((start, words[index]) for index, start, _ in found)
