"""A guideline line -> the guideline families it cites, and its chapters, sections and pages.

Letters cite guidelines in free prose ("Decision based on MTUS Chronic Pain Medical
Treatment 2016, Section(s): Opioids, Page(s): 78; Non-MTUS Citation ODG ..."). Which
families a line names is what tables and statistics count, and a line that names the MTUS
only to set it aside ("outside of the MTUS Guidelines") must not count as citing it.

Pure: no I/O, no state.
"""

from __future__ import annotations

import re

from imr_llm._casefold import lowered
from imr_llm._literals import is_word_char
from imr_llm.schema import fold_whitespace

__all__ = ["citation_parts"]

# These read a lowered guideline line, whitespace-folded as every verbatim field is (see
# citation_parts): a family is named by a word of its own ("mtus", bounded as by \b) or a phrase.
_FAMILY_NAMES: tuple[tuple[str, str, str | None], ...] = (
    # (family, its own word, a phrase naming it), in the order they are reported
    ("ACOEM", "acoem", "american college of occupational and environmental medicine"),
    ("MTUS", "mtus", "medical treatment utilization schedule"),
    ("ODG", "odg", "official disability guideline"),
)
# A line that names the MTUS only to say its decision lies outside it cites no MTUS: "based
# their decision on recommendation(s) outside of the MTUS Guidelines", "did not base their
# decision on the MTUS", "Decision based on Non-MTUS Citation ...".
# Read back from each mention: the words just before it, up to the mention.
_MTUS_MENTION = re.compile(r"mtus|medical\s+treatment\s+utilization\s+schedule")
_MTUS_DISCLAIMER_BEFORE = re.compile(
    r"(?:(?<![a-z])non-?\s*|outside\s+(?:of\s+)?(?:the\s+)?"
    r"|not\s+(?:been\s+)?(?:base[ds]?\s+)?(?:\w+\s+){0,3}?on\s+(?:the\s+)?)\Z"
)
_DISCLAIMER_REACH = 50
"""How far before a mention its disclaimer can start ("not base their decision on the ")."""
_NON_MTUS_CITATION = re.compile(
    r"non-mtus\s+citation\s*:?\s*(?P<v>.*?)(?=decision\s+based\s+on|$)", re.DOTALL
)
# "chapter" opens the pattern, so the engine skips to it; the look-behind is \b before it.
_CHAPTER = re.compile(r"chapter(?<!\wchapter)\s+(?P<v>\d+)")
# A section runs to the line's end, its pages or the next citation: "Low Back Complaints 2004,
# Section(s): Summary, and Chronic Pain Medical Treatment 2016, Section(s): Facet blocks" cites
# two; "Section(s): Opioids, Page(s): 78" cites the section "Opioids".
_SECTIONS = re.compile(
    r"section\(?s?\)?\s*:\s*(?P<v>.+?)"
    r"(?=\.\s|\.$|\s+decision\s+based|,\s+and\s+[^,:]{1,80}?,?\s*section\(?s?\)?\s*:"
    r"|[,;]?\s*(?:\bpages?\(?s?\)?\s*:?\s*\d|\b(?:pp|pgs?)\.)|$)",
    re.DOTALL,
)
# "3, 7-9 12" -> parts "3", "7-9", "12"; a space or comma before a range's dash does not split.
_PAGE_PARTS = re.compile(r"[,\s]+(?![-\d]*-)")
_PAGE_PART_COMMAS = re.compile(r"\s*,\s*")
_DIGITS = re.compile(r"\d+")
_PAGE_OR_RANGE = re.compile(r"(\d+)(?:-(\d+))?")
# "Page(s): 98-99" as later letters cite, "pages 98-99" or "page 99" as early ones do, and
# "pp. 303-304", "pgs 98-99" or "pg. 12".
_PAGES = re.compile(r"(?:pages?\(?s?\)?\s*:?|\b(?:pp|pgs?)\.?)\s*(?P<v>\d[\d\s,\-]*)")


def citation_parts(line: str) -> dict[str, list[str] | list[int]]:
    """The families a guideline line cites (``MTUS``, ``ACOEM``, ``ODG``, ``OTHER``), and its
    chapters, sections and pages, as a Citation's fields.

    ``line`` is a verbatim field: whitespace-folded, its capitals kept (sections are
    reported as written).
    """
    low = line.lower()
    if len(low) != len(line):  # a few non-ASCII letters lower to two characters
        low = lowered(line)
    families = []
    for family, word, phrase in _FAMILY_NAMES:
        if family == "MTUS" and ("non" in low or "outside" in low or "not " in low):
            if _cites_mtus(low):
                families.append(family)
        elif (word in low and _has_word(low, word)) or (phrase is not None and phrase in low):
            families.append(family)
    if "citation" in low:
        for m in _NON_MTUS_CITATION.finditer(low):
            cited = m.group("v")
            if cited.strip(" .,;") and not (
                _has_word(cited, "acoem")
                or _has_word(cited, "odg")
                or "official disability guideline" in cited
            ):
                families.append("OTHER")
                break
    pages: list[int] = []
    if "page" in low or "pp" in low or "pg" in low:
        for m in _PAGES.finditer(low):
            pages.extend(_expand_pages(m.group("v")))
    sections: list[str] = []
    if "section" in low:
        sections = [
            fold_whitespace(line[m.start("v") : m.end("v")]).rstrip(".")
            for m in _SECTIONS.finditer(low)
        ]
    return {
        "families": families,
        "chapters": [m.group("v") for m in _CHAPTER.finditer(low)] if "chapter" in low else [],
        "sections": sections,
        "pages": sorted(set(pages)),
    }


def _cites_mtus(low: str) -> bool:
    """Whether a lowered guideline line names the MTUS other than to set it aside."""
    for m in _MTUS_MENTION.finditer(low):
        start, end = m.span()
        if is_word_char(low[start - 1 : start]) or is_word_char(low[end : end + 1]):
            continue  # inside a word, as \b sees it (see _has_word)
        window = low[max(0, start - _DISCLAIMER_REACH) : start]
        disclaimed = ("no" in window or "outside" in window) and bool(
            _MTUS_DISCLAIMER_BEFORE.search(window)
        )
        if not disclaimed:
            return True
    return False


def _has_word(text: str, word: str) -> bool:
    r"""Whether ``word`` occurs in ``text`` as ``\bword\b`` finds it (word characters being
    what ``\w`` matches: letters, digits and the underscore)."""
    at = text.find(word)
    while at >= 0:
        before = text[at - 1 : at]
        after = text[at + len(word) : at + len(word) + 1]
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            return True
        at = text.find(word, at + 1)
    return False


def _expand_pages(value: str) -> list[int]:
    plain = _PAGE_OR_RANGE.fullmatch(value.strip())
    if plain:  # "8", "98-99": most citations
        first, last = int(plain.group(1)), plain.group(2)
        if last is None:
            return [first]
        return (
            list(range(first, int(last) + 1))
            if 0 <= int(last) - first <= 50
            else [first, int(last)]
        )
    pages: list[int] = []
    for part in _PAGE_PARTS.split(value.strip()):
        for piece in _PAGE_PART_COMMAS.split(part):
            bounds = [int(x) for x in _DIGITS.findall(piece)]
            if len(bounds) == 2 and "-" in piece and 0 <= bounds[1] - bounds[0] <= 50:
                pages.extend(range(bounds[0], bounds[1] + 1))
            else:
                pages.extend(bounds)
    return pages
