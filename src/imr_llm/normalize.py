"""Raw letter text -> the normalized text every span points into.

Letters arrive as PDF text, with CRLF, form feeds, page footers, running page
headers, double spacing, curly quotes and ligatures; some as Markdown from a
PDF-to-Markdown converter, or quoted in an e-mail. Normalization removes the
delivery and keeps the letter: the words, their order and the line structure
stay recognizable, so a span shown to a person reads like the letter.

Pure: no I/O, no state.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from imr_llm._casefold import lowered

__all__ = ["NormalizedText", "normalize"]

# NFKC leaves these alone, and PDFs are full of them.
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        # Bullets, as a list's mark: "•", "‣", "⁃", "∙", "●", "○", "◦", "■", "□", "▪", "▫", ...
        "\u2022": "-",
        "\u2023": "-",
        "\u2043": "-",
        "\u2219": "-",
        "\u25cf": "-",
        "\u25cb": "-",
        "\u25e6": "-",
        "\u25a0": "-",
        "\u25a1": "-",
        "\u25aa": "-",
        "\u25ab": "-",
        "\u25ba": "-",
        "\u25b8": "-",
        "\u27a2": "-",
        "\u27a4": "-",
        "\u00a0": " ",
        "\t": " ",
        "\v": "\n",
        "\f": "\n\f\n",  # kept as a page-break marker until footers are gone
        "\u2028": "\n",
        "\u2029": "\n",
        "\u0085": "\n",
    }
)
_TO_PLAIN = re.compile("[" + "".join(re.escape(chr(c)) for c in _PUNCTUATION) + "]")
# A soft hyphen where a word broke over lines ("Over\u00ad" / "turned"): the word is whole.
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*\n[ \t\n]*(?=\w)")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
_PAGE_FOOTER = re.compile(
    r"[ ]*(?:page[ ]*\d+(?:[ ]*(?:of|/)[ ]*\d+)?|\d+[ ]+of[ ]+\d+|-[ ]*\d+[ ]*-)[ ]*",
    re.IGNORECASE,
)
# Cheap pre-check (a literal first character is fast, and the look-ahead turns most lines
# away at their first character): a line that could be a footer at all.
_MAYBE_FOOTER = re.compile(r"\n(?=[ p\d-]) ?(?:page|\d+ of \d|- ?\d+ ?-)", re.IGNORECASE)
# The words a footer names its page by, in lowered text: "Page 2", "Pg. 2", Word's
# "2 | P a g e". Literals alone: the regex engine skips to where they can start.
_PAGE_WORD = re.compile("page|pg|p a g e")
_NOT_AFTER_PAGE = frozenset("abcdefghijklmnopqrstuvwxyz(")
_LONGEST_FOOTER = 80
# A line that is only a page's number: "3", "[3]", "3/11" (spaces are single by now, and
# none ends a line). The first number is the page's.
_NUMBER_LINE = re.compile(r"\n(\d{1,3}(?: ?/ ?\d{1,3})?|\[ ?\d{1,3} ?\])\n")
# Pages hold more lines than this; numbers closer together are the letter's (a table's cells).
_FEWEST_LINES_A_PAGE = 15
# ASCII other than the control characters _INVISIBLE removes: deleting it leaves only those.
_PRINTABLE_ASCII = bytes(c for c in range(128) if c in (9, 10, 11, 12, 13) or 32 <= c < 127)
# A line that opens a page and reads like letterhead rather than letter.
_HEADER_LIKE = re.compile(
    r"^(?:.*\b(?:case\s+(?:number|no)|CM\d{2}-\d{4,}|IMR\b|final\s+determination|MAXIMUS"
    r"|independent\s+medical\s+review|confidential)\b.*|\d{1,2}/\d{1,2}/\d{2,4})$",
    re.IGNORECASE,
)
# A page break with the footers next to it, once each is a form feed on a line of its own.
_PAGE_BREAKS = re.compile(r"\n*\f(?:\n*\f)*\n*")
_COMPANY_SUFFIX = re.compile(r"\b(?:Inc|Corp|Co|Ltd|LLC|L\.L\.C|P\.C)\.$", re.IGNORECASE)
_CASE_NUMBER_ALONE = re.compile(r"(?:IMR\s+)?CM\d{2}-\d{4,}")
_NUMBERS = re.compile(r"\d+")
# A line that opens with the label of an item's part, or closes an item's title with its
# outcome, is the letter's however often it opens a page: two items asking for the same
# thing, or decided on the same guideline, may each start one.
_ITEM_LINE = re.compile(
    r"(?:(?:claims\s+administrator|maximus|expert\s+reviewer)(?:'s)?\s+guidelines?"
    r"|decision\s+rationale)\s*:|.*:\s*(?:up-?held|over-?turned)$",
    re.IGNORECASE,
)
_LINE_END_HYPHEN = re.compile(r"-\n[ \n]*")
_SPACE_RUNS = re.compile(r"   *")
# A hyphen padded out to the next word ("flare-    up"), as layout-preserving PDF text
# lays out a word broken where its line once ended: the word is whole again.
_PADDED_HYPHEN = re.compile(r"(?<=[^\W_])-  +(?=[^\W_])")
# Literal patterns: re.sub is faster than str.replace where they occur on every line.
_SPACE_BEFORE_NEWLINE = re.compile(" \n")
_EMPTY_LINE = re.compile("\n\n")
_BLANK_LINE_RUNS = re.compile(r"\n\n\n+")
_NEWLINE_RUNS = re.compile(r"\n\n*")
# Markdown, as PDF-to-Markdown converters and e-mail give a letter. A letter's own text
# never holds "**", a line opening with a heading mark and a word, or a table's row.
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+(?=[A-Za-z])", re.MULTILINE)
_MARKDOWN_HEADING_MARK = re.compile(r"^#{1,6}[ \t]+(?=\S)", re.MULTILINE)
# pymupdf4llm names a table's missing header cells "Col3", "Col4" ...
_PLACEHOLDER_CELL = re.compile(r"^Col\d+$")
_MARKDOWN_TABLE_RULE = re.compile(
    r"^\|[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*\n?", re.MULTILINE
)
_MARKDOWN_TABLE_ROW = re.compile(r"^\|(.*)\|[ \t]*$", re.MULTILINE)
_QUOTE_MARKS = re.compile(r"^(?:>[ \t]?)+", re.MULTILINE)


@dataclass(frozen=True)
class NormalizedText:
    """The normalized text and what normalization took out of it."""

    text: str
    removed: list[str] = field(default_factory=list)
    """Human-readable notes: footers and running headers dropped, double spacing undone."""


def normalize(raw: str) -> NormalizedText:
    """Normalize a letter's raw text (see the module docstring for what and why)."""
    removed: list[str] = []
    # Fast paths matter: a year of letters is ~150,000 of them, nearly all plain ASCII.
    text = raw if raw.isascii() else unicodedata.normalize("NFKC", raw)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # One-character tests first: "in" finds one character far faster than two.
    if ">" in text and (text[:1] == ">" or "\n>" in text) and _is_quoted(text):
        text = _QUOTE_MARKS.sub("", text)
        removed.append("e-mail quote marks")
    if _looks_like_markdown(text):
        text = _strip_markdown(text)
        removed.append("Markdown markup")
    if not text.isascii() or "\t" in text or "\f" in text or "\v" in text:
        # Only the few characters to map are visited (str.translate looks up every one).
        text = _TO_PLAIN.sub(lambda m: _PUNCTUATION[ord(m.group())], text)
    if not text.isascii() or text.encode("ascii").translate(None, _PRINTABLE_ASCII):
        if "\u00ad" in text:
            text = _SOFT_HYPHEN_BREAK.sub("", text)
        text = _INVISIBLE.sub("", text)
    # Tabs are spaces by now, so after this no line ends in whitespace.
    if "-  " in text:
        text = _PADDED_HYPHEN.sub("-", text)
    text = _SPACE_RUNS.sub(" ", text)  # nearly every letter has some; testing first costs more
    if " \n" in text:
        text = _SPACE_BEFORE_NEWLINE.sub("\n", text)
    text = text.rstrip(" ")

    text, footers = _mark_footers(text)
    if "\f" not in text:
        text, footers = _mark_page_number_lines(text)
    if "\f" not in text:
        text, footers = _mark_numbered_footers(text)
    if "\f" in text:  # page breaks, or footers marked as form feeds
        text, numbers = _mark_bare_page_numbers(text)
        if footers + numbers:
            removed.append(f"{footers + numbers} page footer(s)")
        text, headers, running_footers = _drop_running_furniture(text)
        if headers:
            removed.append(f"running page header {headers!r}")
        if running_footers:
            removed.append(f"running page footer {running_footers!r}")
        # A page break is not a paragraph break: letters break pages mid-sentence.
        text = _PAGE_BREAKS.sub(_join_pages, text)
    # Without a blank line anywhere, a text has at most two empty lines: not double spaced.
    if "\n\n" in text and _is_double_spaced(text.split("\n")):
        text = _undo_double_spacing(text)
        removed.append("double spacing")
    text = _LINE_END_HYPHEN.sub(_join_hyphenated, text)  # cheaper than testing for "-\n" first
    if "\n\n\n" in text:
        text = _BLANK_LINE_RUNS.sub("\n\n", text)
    text = text.strip("\n ")
    return NormalizedText(text=text + "\n" if text else "", removed=removed)


def _is_quoted(text: str) -> bool:
    """A letter quoted in an e-mail reply: most of its lines open with "> " (or "> > ").
    A line of the letter's own may open with ">" ("> 6 months"), but not most of them."""
    lines = [line for line in text.split("\n") if line.strip()]
    return 2 * sum(line.lstrip().startswith(">") for line in lines) > len(lines)


def _looks_like_markdown(text: str) -> bool:
    """Only Markdown's own signs count (see :data:`_MARKDOWN_HEADING`): a letter's "#60" or
    OCR's "|" leave a plain letter alone."""
    return (
        ("*" in text and "**" in text)
        or ("#" in text and _opens_a_line(text, "#", _MARKDOWN_HEADING))
        or ("|" in text and _opens_a_line(text, "|", _MARKDOWN_TABLE_ROW))
    )


def _opens_a_line(text: str, mark: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` matches at a line start where ``mark`` stands: letters hold few
    of these marks ("#60", OCR's "|"), so only they are tried, never every line."""
    at = text.find(mark)
    while at >= 0:
        if (at == 0 or text[at - 1] == "\n") and pattern.match(text, at):
            return True
        at = text.find(mark, at + 1)
    return False


def _strip_markdown(text: str) -> str:
    """The letter's text from Markdown (bold titles and outcomes, "#" headings, tables for
    the header block), as pymupdf4llm, marker or docling turn a PDF into Markdown.

    Emphasis goes, with its markers, from the letter's own words: "**X-ray:** Upheld" reads
    "X-ray: Upheld". A table row becomes a line of its cells, as PDF text gives them.
    """
    text = text.replace("**", "")
    # Any heading: a title that opens with a number is one too ("## 12 sessions ...: Upheld").
    text = _MARKDOWN_HEADING_MARK.sub("", text)
    if "|" in text:
        text = _MARKDOWN_TABLE_RULE.sub("", text)
        text = _MARKDOWN_TABLE_ROW.sub(_table_row_line, text)
    return text


def _table_row_line(row: re.Match[str]) -> str:
    """A table row's cells on one line, as PDF text gives the header block; a line break
    inside a cell ("Application<br>Received:") is a space."""
    cells = (cell.replace("<br>", " ").strip() for cell in row.group(1).split("|"))
    return "  ".join(cell for cell in cells if cell and not _PLACEHOLDER_CELL.match(cell))


def _mark_footers(text: str) -> tuple[str, int]:
    """Each page-footer line (shorter than 40 characters, all footer) becomes a form feed.

    Spaces are single by now, so every footer line after the first starts where
    :data:`_MAYBE_FOOTER` matches: only those lines are read ("Page(s): 98-99" lines of
    guideline citations among them), never every line of the letter.
    """
    starts = [m.start() + 1 for m in _MAYBE_FOOTER.finditer(text)]
    if _PAGE_FOOTER.match(text):
        starts.insert(0, 0)
    footers: list[tuple[int, int]] = []
    for start in starts:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start < 40 and _PAGE_FOOTER.fullmatch(text, start, end):
            footers.append((start, end))
    if not footers:
        return text, 0
    return _as_form_feeds(text, footers), len(footers)


def _mark_page_number_lines(text: str) -> tuple[str, int]:
    """Where text came without page breaks (copied from a PDF viewer), lines that count the
    pages in order become form feeds, as footers do: then the running header each page
    opens with goes too (see :func:`_drop_running_furniture`), even inside a title that
    runs over a page.

    Only a run counts whose first number is 1 or 2 (page one may go unnumbered), each one
    more than the last and at least a page's worth of lines after it; a number of the
    letter's own that stands alone on a line ("12" re-wrapped, a table's "1") makes no
    such run.
    """
    run: list[tuple[re.Match[str], int]] = []
    for m in _NUMBER_LINE.finditer(text):
        number = int(_NUMBERS.findall(m.group(1))[0])
        if run and number == run[-1][1] + 1:
            if text.count("\n", run[-1][0].end(), m.start()) >= _FEWEST_LINES_A_PAGE:
                run.append((m, number))
        elif len(run) < 2 and number in (1, 2):  # a run starts again till it has two
            run = [(m, number)]
    if len(run) < 2:
        return text, 0
    return _as_form_feeds(text, [m.span(1) for m, _ in run]), len(run)


def _mark_numbered_footers(text: str) -> tuple[str, int]:
    """Where text came without page breaks, footers that hold more than the page's number
    ("Page 4 of 13 CM16-0229336", "Confidential - Page 2", Word's "2 | P a g e") become
    form feeds, as footers do: then the running header under each goes too.

    Such a footer is known by repeating: the same line, its numbers aside, a page's worth of
    lines apart (but for the one that ends the text: a last page may be short), its page
    number one more each time. A line of the letter's own that names a page ("page 78 of
    127 of the guidelines") does not repeat so.
    """
    low = lowered(text)  # same length, so positions in it are positions in the text
    lines: dict[str, list[tuple[int, int]]] = {}  # a line, its numbers masked -> where it is
    for word in _PAGE_WORD.finditer(low):
        at, after = word.span()
        # Not inside a word, nor a citation's "Page(s): 98-99".
        if (at and low[at - 1].isalpha()) or low[after : after + 1] in _NOT_AFTER_PAGE:
            continue
        start = low.rfind("\n", 0, at) + 1
        end = low.find("\n", after)
        end = len(low) if end < 0 else end
        if end - start <= _LONGEST_FOOTER and _NUMBERS.search(low, start, end):
            same = lines.setdefault(_furniture_key(low[start:end]), [])
            if not same or same[-1][0] != start:
                same.append((start, end))
    footers = sorted(
        span
        for same in lines.values()
        if len(same) > 1 and _footers_of_pages(text, same)
        for span in same
    )
    if not footers:
        return text, 0
    return _as_form_feeds(text, footers), len(footers)


def _footers_of_pages(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether these lines (alike but for their numbers) close pages: a page's worth of
    lines apart, or closing the text, and numbering the pages (see :func:`_counts_pages`)."""
    apart = list(pairwise(spans))
    if not text[spans[-1][1] :].strip():  # the last footer closes the text
        apart = apart[:-1]
    if any(
        text.count("\n", a_end, b_start) < _FEWEST_LINES_A_PAGE
        for (_, a_end), (b_start, _) in apart
    ):
        return False
    footers = [text[start:end] for start, end in spans]
    # The same line on every page counts no pages: it is a sentence, or a header.
    return len(set(footers)) > 1 and _counts_pages(list(enumerate(footers)))


def _as_form_feeds(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each of these (ordered, separate) spans replaced by a form feed."""
    pieces, at = [], 0
    for start, end in spans:
        pieces += [text[at:start], "\f"]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def _mark_bare_page_numbers(text: str) -> tuple[str, int]:
    """A line that is only a page's own number, at the foot or the head of that page,
    becomes a form feed, as footers do: PDF text often numbers pages with no "Page".

    Only a line next to a page break counts, and only its own page's number (or one less,
    where the cover page is unnumbered), so a number standing alone in the letter's text,
    a list's "1" or a rewrapped "12", stays. Pages are counted by the letter's own page
    breaks: a footer marked before is a form feed too, with nothing between it and the
    page break.
    """
    pages = text.split("\f")
    page_number = 0
    marked = 0
    for k, page in enumerate(pages):
        if not page.strip():  # between a footer marked before and its page break
            continue
        page_number += 1
        own = {str(page_number), str(page_number - 1)}
        if k:
            head = page.lstrip(" \n")
            cut = head.find("\n")
            if cut > 0 and head[:cut].strip() in own:
                page = page[: len(page) - len(head)] + "\f" + head[cut:]
                marked += 1
        # The last page's too: a letter's text ends where its last page number stands.
        foot = page.rstrip(" \n")
        cut = foot.rfind("\n") + 1
        if cut and foot[cut:].strip() in own:
            page = foot[:cut] + "\f" + page[len(foot) :]
            marked += 1
        pages[k] = page
    return ("\f".join(pages), marked) if marked else (text, 0)


def _join_pages(m: re.Match[str]) -> str:
    """The line ends a page break leaves: one, so "line\\n\\fline" joins as "line\\nline".

    The two newlines around a form feed are its own (see _PUNCTUATION), and one more before
    it ends the page's last line. An empty line more, at the foot or the head of a page, is
    the letter's own paragraph break and stays, but not beside page furniture (a footer,
    page number or running header, each a form feed by now): there it is the page's
    margin, and kept it would split a title running over the page.
    """
    run = m.group()
    if run.count("\f") > 1:
        return "\n"
    before = len(run) - len(run.lstrip("\n"))
    after = len(run) - len(run.rstrip("\n"))
    return "\n" * (max(0, before - 2) + 1 + max(0, after - 1))


def _join_hyphenated(m: re.Match[str]) -> str:
    """``non-\\ncertified`` -> ``non-certified``, but only between two word characters."""
    before = m.string[m.start() - 1 : m.start()]
    after = m.string[m.end() : m.end() + 1]
    return "-" if before.isalnum() and after.isalnum() else m.group(0)


def _drop_running_furniture(text: str) -> tuple[str, list[str], list[str]]:
    """Drop a line that opens two or more pages the same way (a running header), or that
    closes them so (a running footer: a Bates stamp, "CONFIDENTIAL - Page 2 of 5").

    Lines compare with their numbers masked, as a fax machine's line counts the pages
    ("11/24/2016 10:15 FAX ... @003/007"). Only lines right beside a page break count,
    so a sentence that merely repeats in the body ("The Claims Administrator did not cite
    ...") is never touched. Furniture of two or three lines ("RECEIVED" over a fax line)
    goes a line at a time.
    """
    headers: list[str] = []
    footers: list[str] = []
    for _ in range(3):
        text, more_headers, more_footers = _drop_furniture_lines(text, headers)
        if not (more_headers or more_footers):
            break
        headers += more_headers
        footers += more_footers
    return text, sorted(set(headers)), sorted(set(footers))


def _drop_furniture_lines(text: str, headers: list[str]) -> tuple[str, list[str], list[str]]:
    """One line of running furniture at the head and at the foot of the pages. ``headers``
    are those dropped before: page one keeps its own, and its next line is read past them."""
    pages = text.split("\f")
    if len(pages) < 2:
        return text, [], []
    # Between a footer marked before and its page break a "page" holds nothing.
    content = [k for k, page in enumerate(pages) if page.strip()]
    if len(content) < 2:
        return text, [], []
    known = {_furniture_key(line) for line in headers}
    top = next(
        (
            line.strip()
            for line in pages[content[0]].split("\n")
            if line.strip() and _furniture_key(line.strip()) not in known
        ),
        "",
    )
    # Each page's line at its head (page one's is ``top``) and at its foot, by page number.
    head_lines = {n: _edge_line(pages[k], last=False) for n, k in enumerate(content) if n}
    foot_lines = {n: _edge_line(pages[k], last=True) for n, k in enumerate(content)}
    lines_in_text = Counter(_furniture_key(line.strip()) for line in text.split("\n"))
    running_heads = _running(head_lines, lines_in_text, top=top)
    # A footer closes the last page too, where the letter ends.
    running_feet = _running(foot_lines, lines_in_text, top=None)
    if not running_heads and not running_feet:
        return text, [], []
    dropped_heads: set[str] = set()
    dropped_feet: set[str] = set()
    for n, k in enumerate(content):
        lines = pages[k].split("\n")
        first, last = _edge_index(lines, last=False), _edge_index(lines, last=True)
        if n and _furniture_key(head_lines[n]) in running_heads:
            dropped_heads.add(lines[first].strip())
            # A form feed, as a footer becomes: page furniture (see _join_pages).
            lines[first] = "\f"
        if _furniture_key(foot_lines[n]) in running_feet and lines[last] != "\f":
            dropped_feet.add(lines[last].strip())
            lines[last] = "\f"
        pages[k] = "\n".join(lines)
    return "\f".join(pages), sorted(dropped_heads), sorted(dropped_feet)


def _running(edges: dict[int, str], lines_in_text: Counter[str], *, top: str | None) -> set[str]:
    """Which lines at one edge of the pages (``edges``: page number -> line) are furniture,
    by their keys (numbers masked). ``top`` is page one's first line, for the heads."""
    keys = {page: _furniture_key(line) for page, line in edges.items() if line}
    top_key = _furniture_key(top) if top else None
    counts = Counter(keys.values())
    # Running furniture stands on most pages; in a long letter a line of the body may open
    # two of them ("MAXIMUS guideline: Decision based on ..."), and is no header. A letter
    # of two pages has one page break: its header stands at the top of page one too.
    running = {
        key
        for key, n in counts.items()
        if (n >= 2 and 2 * n >= len(edges)) or (n == 1 and len(edges) == 1 and key == top_key)
    }
    running = {key for key in running if _counts_pages(_occurrences(key, keys, edges, top))}
    if top is not None:  # letterhead, seen once at the head of a page
        running |= {keys[page] for page, line in edges.items() if _looks_like_letterhead(line)}
    else:
        # Pages of a letter may end alike ("... is not medically necessary"); a footer
        # numbers its page ("SMITH-0003"), or stands on every one.
        running = {key for key in running if "0" in key or counts[key] == len(edges)}
    # A line ending in a colon is a label, and one ending in a stop, comma or semicolon runs
    # on as a sentence: neither is furniture (nor letterhead). The stop of a company's
    # "Inc." ends a name, not a sentence ("MAXIMUS FEDERAL SERVICES, INC.").
    running = {
        key
        for key in running
        if len(key) <= 120
        and (not key.endswith((":", ".", ",", ";")) or _is_company_name(key))
        and not _ITEM_LINE.match(key)
    }
    # Furniture stands nowhere else; a line of the body that happens to open pages
    # ("Claims Administrator guideline: ..." where items start a page) stands in the body
    # at least as often.
    return {key for key in running if lines_in_text[key] < 2 * (counts[key] + (key == top_key))}


def _occurrences(
    key: str, keys: dict[int, str], edges: dict[int, str], top: str | None
) -> list[tuple[int, str]]:
    """(page number, line) of each line with this key, page one's top among them."""
    found = [(page, edges[page]) for page, other in keys.items() if other == key]
    if top and _furniture_key(top) == key:
        found.insert(0, (0, top))
    return found


def _counts_pages(occurrences: list[tuple[int, str]]) -> bool:
    """Whether the numbers that change from one of these lines to the next count the pages:
    a fax line's "@003/007", a Bates stamp's "SMITH-0003". Titles of two items that differ
    only in a number ("Norco 10/325mg #60" and "#90") do not. Another number may grow at
    its own pace (the fax machine's clock), but never go back.

    Pages here are the text's pieces between form feeds: a footer marked before is a form
    feed too, so furniture under it ("Page 2 of 5" over "SMITH-0002") is a piece of its own.
    """
    pages = [page for page, _ in occurrences]
    page_steps = [b - a for a, b in zip(pages, pages[1:], strict=False)]
    columns = zip(*(_NUMBERS.findall(line) for _, line in occurrences), strict=True)
    counts_pages = grows_otherwise = False
    for column in columns:
        values = [int(number) for number in column]
        steps = [b - a for a, b in zip(values, values[1:], strict=False)]
        # At least one a page, never faster than the pages (some are blank of text).
        if all(1 <= step <= pace for step, pace in zip(steps, page_steps, strict=True)):
            counts_pages = True
        elif any(step < 0 for step in steps):
            return False
        elif any(steps):
            grows_otherwise = True
    # Where no number changes, the same line stands on every page.
    return counts_pages or not grows_otherwise


def _furniture_key(line: str) -> str:
    return _NUMBERS.sub("0", line) if line else line


def _edge_line(page: str, *, last: bool) -> str:
    lines = page.split("\n")
    return lines[_edge_index(lines, last=last)].strip()


def _edge_index(lines: list[str], *, last: bool) -> int:
    """The index of the first (or last) line that is not empty; 0 where none is."""
    order = range(len(lines) - 1, -1, -1) if last else range(len(lines))
    return next((i for i in order if lines[i].strip()), 0)


def _is_company_name(line: str) -> bool:
    """Capitalized words closed by "Inc." or the like: a name, however it ends."""
    return bool(_COMPANY_SUFFIX.search(line)) and not any(w[0].islower() for w in line.split())


def _looks_like_letterhead(line: str) -> bool:
    # All capitals is how section headings look ("IMR ISSUES, DECISIONS AND RATIONALES"):
    # a line seen once is only letterhead when it is not one, or is a case number or a
    # company's name ("MAXIMUS FEDERAL SERVICES, INC.") alone.
    # Letterhead is a title ("Final Determination Letter for IMR Case Number ..."): a line
    # of mostly lower-case words is a sentence that runs over the page, whatever it names,
    # and a labelled line is the letter's ("MAXIMUS guideline: Decision based on ...")
    # unless its value is the case number.
    words = line.split()
    return (
        (not line.isupper() or bool(_CASE_NUMBER_ALONE.fullmatch(line)) or _is_company_name(line))
        and 3 * sum(word[0].islower() for word in words) <= len(words)
        and (":" not in line or bool(_CASE_NUMBER_ALONE.search(line)))
        and len(line) <= 70
        and (line[:1].isupper() or line[:1].isdigit())
        and ". " not in line
        and bool(_HEADER_LIKE.match(line))
    )


def _is_double_spaced(lines: list[str]) -> bool:
    """PDF text often puts an empty line after every line of text (the samples do)."""
    empty = lines.count("")  # no line is only a space: those spaces are gone by now
    text_lines = len(lines) - empty
    return text_lines >= 6 and empty >= 0.6 * text_lines


def _undo_double_spacing(text: str) -> str:
    """Each line was followed by the same number of empty lines (usually one); a longer
    run of them was a paragraph break."""
    if "\n\n\n" not in text or text.count("\n\n\n") < text.count("\n") / 6:
        # One empty line apart, the common case.
        return _EMPTY_LINE.sub("\n", text)
    runs = Counter(len(run) for run in _NEWLINE_RUNS.findall(text))
    spacing = max(runs, key=lambda length: (runs[length], -length))
    return _NEWLINE_RUNS.sub(lambda m: "\n" if len(m.group()) <= spacing else "\n\n", text)
