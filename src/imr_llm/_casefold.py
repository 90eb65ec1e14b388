"""Case-insensitive regular expressions that stay fast: lower the text once, search it.

Python's ``re`` drops its literal-prefix search under ``IGNORECASE``, which made
the parser several times slower. Here a pattern is compiled in lower case and
run on a lowered copy of the text (computed once per string and kept for a few
strings); matches report positions in both and read their groups from the
original, so values keep the letter's own capitals.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["CaseInsensitive", "LoweredMatch", "ci", "lowered"]


class LoweredMatch:
    """A match found in the lowered text, whose groups read the original text."""

    __slots__ = ("_m", "_text")

    def __init__(self, m: re.Match[str], text: str) -> None:
        self._m = m
        self._text = text

    def start(self, group: int | str = 0) -> int:
        return self._m.start(group)

    def end(self, group: int | str = 0) -> int:
        return self._m.end(group)

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self._m.span(group)

    def group(self, group: int | str = 0) -> Any:
        start, end = self._m.span(group)
        return None if start < 0 else self._text[start:end]

    @property
    def lastgroup(self) -> str | None:
        return self._m.lastgroup


class _Lowered(threading.local):
    def __init__(self) -> None:
        self.recent: list[tuple[str, str]] = []


_LOWERED = _Lowered()
_LOWERED_KEPT = 8


def lowered(text: str) -> str:
    """``text.lower()``, same length, computed once per string (case-insensitive regexes
    disable the regex engine's literal-prefix search; lowering once is far cheaper).

    A few recent strings are kept, by identity: a document and the parts of it being read.
    """
    recent = _LOWERED.recent
    if recent and recent[0][0] is text:  # the usual case: the document being parsed
        return recent[0][1]
    for i, (original, low) in enumerate(recent):
        if original is text:
            if i:  # most recently used first, so the document outlives its many small parts
                recent.insert(0, recent.pop(i))
            return low
    low = text.lower()
    if len(low) != len(text):  # a few non-ASCII letters lower to two characters
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    recent.insert(0, (text, low))
    del recent[_LOWERED_KEPT:]
    return low


class CaseInsensitive:
    """A case-insensitive pattern, run on the lowered text; matches read the original.

    The first match in the whole of the last text searched is remembered (by identity):
    a parser asks where a heading is several times over, and a later search that starts
    before that match finds it again without scanning.
    """

    __slots__ = ("_first", "pattern")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.pattern = re.compile(source.lower().replace("(?p<", "(?P<"), flags)
        self._first: tuple[str, LoweredMatch | None] | None = None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> LoweredMatch | None:
        whole = endpos >= len(text)
        if whole:
            first = self._first
            if first is not None and first[0] is text:
                found = first[1]
                if found is None or found.start() >= pos:
                    return found
        m = self.pattern.search(lowered(text), pos, endpos)
        found = LoweredMatch(m, text) if m else None
        if whole and pos == 0:
            self._first = (text, found)
        return found

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> LoweredMatch | None:
        m = self.pattern.match(lowered(text), pos, endpos)
        return LoweredMatch(m, text) if m else None

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[LoweredMatch]:
        for m in self.pattern.finditer(lowered(text), pos, endpos):
            yield LoweredMatch(m, text)

    def findall(self, text: str) -> list[Any]:
        return self.pattern.findall(lowered(text))


def ci(source: str, flags: int = 0) -> CaseInsensitive:
    return CaseInsensitive(source, flags)
