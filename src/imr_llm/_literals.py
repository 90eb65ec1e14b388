"""Literal prefilters: rule a regular expression out before it runs.

Python's ``re`` tries a pattern at every position of a text unless the pattern
opens with a literal, and a long alternation (drug names, body parts) pays for
each alternative at each position: a few microseconds for a short service
title, far more for a rationale. Most such patterns can only match where one
of a few words occurs, and ``word in text`` costs a few tens of nanoseconds.

:func:`required_literals` reads those words off the pattern itself, so a gate
never disagrees with its pattern and never needs updating by hand;
:class:`LiteralSet` finds which of many words occur in a text in one pass.
This is the prefilter that RE2 and Rust's ``regex`` build internally.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]
from typing import Any

__all__ = ["LiteralSet", "required_literals", "trie_pattern"]

_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Literals one of which every match of ``pattern`` contains, or None if it has none.

    Among the sets the pattern guarantees, the one whose shortest literal is
    longest is chosen: a gate on "week|day|month" rules out more than one on "x".
    Case-insensitive patterns get None (these gates compare exact text).
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - the parser is CPython's private API: degrade, never fail
        return None
    return _required(tree)


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


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, the longest where several match, with shared
    prefixes factored: the engine walks a trie several times faster than a flat list."""
    by_first: dict[str, list[str]] = {}
    ends_here = False
    for word in sorted(set(words)):
        if word:
            by_first.setdefault(word[0], []).append(word[1:])
        else:
            ends_here = True
    branches = [re.escape(c) + trie_pattern(rest) for c, rest in sorted(by_first.items())]
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 and not ends_here else f"(?:{'|'.join(branches)})"
    return group + "?" if ends_here else group


class LiteralSet:
    """Which of many literals occur in a text, found in one pass.

    At each position the longest literal starting there is found (a trie, looked
    ahead so that literals overlapping each other are all seen); it stands for
    every literal that is a prefix of it.
    """

    __slots__ = ("_covers", "_finder")

    def __init__(self, literals: Iterable[str]) -> None:
        words = sorted({w for w in literals if w})
        self._finder = re.compile("(?=(" + trie_pattern(words) + "))") if words else None
        self._covers = {w: frozenset(p for p in words if w.startswith(p)) for w in words}

    def present(self, text: str) -> frozenset[str]:
        if self._finder is None:
            return frozenset()
        found = set(self._finder.findall(text))
        if not found:
            return frozenset()
        return frozenset().union(*(self._covers[w] for w in found))
