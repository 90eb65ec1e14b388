"""The case's facts outside its items: the header block's case number, dates and priority;
the reviewer's specialties and states of licensure; the claimant's age, sex and date of injury.

Each is read where letters of every layout give it (the header block, the credentials block
or sentence, the case summary's first lines), however the PDF text laid it out: a header
table read a column at a time, a value wrapped under its label, a letter in capitals.
:mod:`imr_llm.rules` finds the regions (it knows the layouts' headings) and hands them here.

Pure: no I/O, no state.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, NamedTuple

from imr_llm._casefold import CaseInsensitive as _CI
from imr_llm._casefold import LoweredMatch as _LoweredMatch
from imr_llm._casefold import ci as _ci
from imr_llm._casefold import lowered as _lowered
from imr_llm._literals import ASCII_WORD_CHARS, LiteralSet, is_word_char
from imr_llm.schema import LetterFormat, fold_whitespace

__all__ = ["claimant_facts", "header_block", "reviewer"]

_I = re.IGNORECASE
_S = re.DOTALL


def claimant_facts(summary: str, date_of_injury: date | None) -> dict[str, Any]:
    """The claimant's age, sex and date of injury from the case summary; a date of injury
    the header block gave (``date_of_injury``) is taken over the summary's."""
    low = _lowered(summary)
    words = _CLAIMANT_WORDS.occurrences(low)
    return {
        "age": _age(low, words),
        "sex": _sex(low, words),
        "date_of_injury": date_of_injury or _injury_date(low, words),
    }


# A date as letters write it: 05/30/14, 5-30-2014, May 30, 2014 (matched in lowered text);
# or as a database export or a converted letter may give it, 2014-05-30 (tried first, so its
# year is never read as a month and day).
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\d{1,2}\s*[/-]\s*\d{1,2}\s*[/-]\s*\d{2,4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})"
)
# Early letters' header labels for two of the fields: "Dated: 10/30/2013" (the decision's
# date) and "Date of UR Decision: 7/31/2013".
_EARLY_HEADER_DATES = (
    ("decision_date", _ci(r"Dated(?<![a-z]dated)\s*:\s*(?P<v>" + _DATE + ")")),
    ("ur_denial_date", _ci(r"Date\s+of\s+UR\s+(?:Decision|Denial)\s*:\s*(?P<v>" + _DATE + ")")),
)
# The 2013 notice gives its dates in sentences.
_NOTICE_DATED = _ci(
    r"Notice\s+of\s+Independent\s+Medical\s+Review\s+Determination\s*"
    r"(?:Dated|Date)\s*:\s*(?P<v>" + _DATE + ")"
)
_NOTICE_APPLICATION = _ci(
    r"application\s+for\s+Independent\s+Medical\s+Review\s+was\s+"
    r"(?:filed|received)\s+on\s+(?P<v>" + _DATE + ")"
)
_NOTICE_UR_DENIAL = _ci(
    r"Utilization\s+Review\s+(?:Denial|determination)\s+dated\s+"
    r"(?P<v>" + _DATE + ")"
)
# The notice's "Date Assigned": "A Notice of Assignment and Request for Information was
# provided to the above parties on 9/23/2013."
_NOTICE_ASSIGNED = _ci(
    r"Notice\s+of\s+Assignment\b[^.]{0,80}?\bwas\s+(?:provided|sent|mailed|issued)\b"
    r"[^.]{0,60}?\bon\s+(?P<v>" + _DATE + ")"
)
_NOTICE_DATES = (
    ("decision_date", _NOTICE_DATED),
    ("date_assigned", _NOTICE_ASSIGNED),
    ("application_received", _NOTICE_APPLICATION),
    ("ur_denial_date", _NOTICE_UR_DENIAL),
)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{2,4})")
_WORD_DATE = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", _I)


def _header(label: str, value: str) -> _CI:
    """A header field: its label, a colon, its value. A table's ruling may come out as "|"
    before the value; and where the label's cell wraps, OCR reads the value's cell with
    the label's first line ("Application 11/28/2016" / "Received:"), and a column-wise
    extractor reads it between the label's lines ("Application" / "11/28/2016" /
    "Received:"); joined lines put all three on one ("Application 11/28/2016 Received:")."""
    words = [re.escape(word) for word in label.split()]
    forms = [r"\s*".join(words) + r"\s*:[\s|]*(?P<v>" + value + ")"]
    for k in range(1, len(words)):
        forms.append(
            r"\s*".join(words[:k])
            + rf"(?:[ \t|]+|[ \t|]*\n[ \t|]*)(?P<v{k}>{value})\s+"
            + r"\s*".join(words[k:])
            + r"\s*:"
        )
    return _ci("|".join(forms))


def _header_value(m: _LoweredMatch) -> str:
    """The value a :func:`_header` pattern found, whichever form of the label it read."""
    value: str | None = m.group("v")
    k = 1
    while value is None:
        value = m.group(f"v{k}")
        k += 1
    return value


# Some extractors (pdfminer, hence pdfplumber's default) read the header table a column
# at a time: a run of labels with nothing between them, and the values elsewhere, before or
# after them ("Case Number:" / "Date Assigned:" / ... / "CM17-0015348" / "01/25/2017" / ...),
# on lines of their own or, once lines are joined, in a row. Each label has a kind of
# value, and a kind's values come in the order of its labels.
_HEADER_FIELDS = {
    "case_number": ("Case Number", "case"),
    "date_assigned": ("Date Assigned", "date"),
    "decision_date": ("Decision Date", "date"),
    "priority": ("Priority", "priority_word"),
    "date_of_injury": ("Date of Injury", "date"),
    "ur_denial_date": ("UR Denial Date", "date"),
    "application_received": ("Application Received", "date"),
}
# Each label's first word, lowered: what follows a label's colon where its value is blank.
_HEADER_LABEL_FIRST_WORDS = "|".join(
    sorted({label.split()[0].lower() for label, _ in _HEADER_FIELDS.values()})
)
_HEADER_DATES = {
    name: _header(label, _DATE)
    for name, (label, kind) in _HEADER_FIELDS.items()
    if kind == "date" and name != "date_of_injury"
}
_HEADER_INJURY = _header(_HEADER_FIELDS["date_of_injury"][0], _DATE)
# A converter may read the hyphen as a space, or after the number ("CM16 0233794 -").
_CASE_NUMBER = _ci(
    r"Case\s*(?:Number|No\.?|#)\s*:?\s*(?P<v>[A-Z]{1,4}\d{2}[- ]\d{4,}|\d{2}-\d{5,})"
)
# A word of its own: never the letters that open a case number ("Priority:" / "CM17-...").
# On the label's line any word but the next label's, where the priority is blank ("Priority:
# Application Received: ..."); on the next line only a priority's word.
_PRIORITY_WORDS = "standard|expedited|urgent"
_PRIORITY = _ci(
    r"Priority\s*:[ \t|]*(?:(?!(?:" + _HEADER_LABEL_FIRST_WORDS + r")\b)(?P<v>[A-Za-z]+)\b(?!-)"
    r"|\n\s*(?P<w>" + _PRIORITY_WORDS + r")\b)"
)
_HEADER_VALUE_KINDS = ("date", "case", "priority_word")
# The header's labels and values, in the order they stand. A wrapped label read with its
# value inside ("Application" / "11/28/2016" / "Received:") comes first: the value is its.
_HEADER_TOKEN = _ci(
    r"(?P<wrapped>"
    + "|".join(
        r"\s*".join(words[:k]) + r"[\s|]+(?:" + _DATE + r")\s+" + r"\s*".join(words[k:])
        for words in (label.split() for label, _ in _HEADER_FIELDS.values())
        for k in range(1, len(words))
    )
    + r")\s*:"
    + "|(?:"
    + "|".join(
        rf"(?P<{name}>" + r"\s*".join(label.split()) + ")"
        for name, (label, _) in _HEADER_FIELDS.items()
    )
    + r")\s*:"
    + r"|(?<![\w/-])(?:(?P<date>"
    + _DATE
    + r")|(?P<case>[A-Z]{1,4}\d{2}-\d{4,})|(?P<priority_word>"
    + _PRIORITY_WORDS
    + r"))(?![\w/-])"
)
_ONLY_RULING_BETWEEN = re.compile(r"[\s|]*")
# Where a label's colon has the next label after it, in lowered text: a literal-led search,
# so a header read by rows (nearly all of them) costs one quick scan, not a tokenizing.
_LABEL_AFTER_LABEL = re.compile(r":[\s|]*(?:" + _HEADER_LABEL_FIRST_WORDS + r")\b")
# Outside the header block a case number is looked for only after "case n" or "case #"
# (one literal-led search: cheaper than two membership tests).
_CASE_N = re.compile(r"case [n#]")
# Ages and sexes are looked for near their anchor words only (see _age, _sex): fast.
_AGE = re.compile(
    r"(?<!\d)(?P<v>\d{1,3})\s*-?\s*(?:years?|yrs?|y/o)\s*-?\s*old\b"
    r"|(?<!\d)(?P<w>\d{1,3})\s*y[/.]?o\b"
    r"|\bage[d]?\s*(?:of\s*)?:?\s*(?P<a>\d{2,3})\b"
)
# A reviewer may spell the age out: "a fifty-two-year-old female".
_TEENS = ("fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_SPELLED_AGE = re.compile(
    rf"\b(?:(?P<tens>{'|'.join(_TENS)})(?:[ -]?(?P<units>{'|'.join(_UNITS)}))?"
    rf"|(?P<teen>{'|'.join(_TEENS)}))\s*-?\s*(?:years?|yrs?)\s*-?\s*old\b"
)
_SEX_WORDS = {
    "male": "male",
    "female": "female",
    "man": "male",
    "woman": "female",
    "gentleman": "male",
    "lady": "female",
}
# Counted in " " + the lowered summary with newlines, "(" and '"' as spaces: each pattern
# opens with a literal of two characters or more, which the engine skips to.
_PRONOUNS = {
    "male": (re.compile(r" h(?:e|im|is|imself)\b"),),
    "female": (re.compile(r" she\b"), re.compile(r" her(?:s|self)?\b")),
}
_BOTH_PRONOUNS = ("he/she", "his/her", "him/her", "she/he", "her/his", "her/him")
# Run on " " + the lowered summary: opening with "a character that is not a letter" rather
# than \b lets the engine skip through the text quickly.
# The claimant's facts are looked for only where these words stand, all found in one pass
# over the case summary: the words that open an age ("52-year-old", "61 y/o", "aged 61"),
# the sex words, and the words that open an injury date's context (see _INJURY_CONTEXT).
_AGE_WORDS = frozenset({"year", "yr", "yo", "y/o", "y.o", "age"})
_INJURY_WORDS = frozenset(
    "injur date doi occupational claim industrial work accident fell fall".split()
)
_CLAIMANT_WORDS = LiteralSet([*_AGE_WORDS, *_SEX_WORDS, *_INJURY_WORDS])
_INJURY_CONTEXT = re.compile(
    r"[^a-z0-9_](?:injur\w*|date\s+of\s+(?:industrial\s+)?injury|doi|occupational\s+claim"
    r"|claim\s+from|industrial\s+(?:injury|accident)|work[- ]related|accident|fell|fall)\b"
    # A birth date near the word is not the injury's ("injured worker (DOB 1/1/1960) who").
    r"(?:(?!birth|born\b|dob\b)(?:[^.\n]|\n(?![ \t]*\n))){0,60}?(?P<v>" + _DATE + ")"
)
_LICENSURE_LABEL = _ci(r"State\(?s?\)?\s+of\s+Licensure\s*:[ \t]*")
# "Certification(s)/Specialty:", whatever OCR made of its first word, or "Specialty:" alone.
_SPECIALTY_LABEL = _ci(r"Specialt(?:y|ies)\s*:[ \t]*")
# What ends a credentials value on its line, once re-wrapping put more after it there.
_CREDENTIALS_STOP = _ci(
    r"State\(?s?\)?\s+of\s+Licensure|Specialt(?:y|ies)\s*:|Clinical\s+Case\s+Summary"
)
_LIST_GOES_ON = (",", ";", "&", "/", " and")
"""A credentials line ending so wrapped its list: the value goes on on the next line."""
_CREDENTIALS_LINES = 6
"""The most lines a credentials value is read over (its label's line among them): a
list of three specialties re-wrapped at 35 columns takes five."""
_BOARD_CERTIFIED = _ci(
    r"Board[-\s]\s*Certified\s+in\s+(?P<v>.{1,300}?)"
    r"(?=\s+and\s+(?:is\s+)?(?:currently\s+)?licensed|\.\s|\.$|\s+and\s+has\s+been)",
    _S,
)
# Early letters: "The independent Physician who reviewed the case file is certified in ...".
# Reviewers of professions without boards are "Licensed in Psychology" (a state there is
# where, not what: see reviewer()).
_REVIEWER_CERTIFIED = _ci(
    r"\b(?:reviewer|physician)\b[^.]{0,80}?\b(?:is|was)\s+(?:certified|licensed)\s+in\s+"
    r"(?P<v>.{1,300}?)"
    r"(?=\s+and\s+(?:is\s+)?(?:currently\s+)?licensed|\.\s|\.$|\s+and\s+has\s+been)",
    _S,
)
# Or the reviewer's title: "is a Board Certified Orthopedic Surgeon", "is a Licensed
# Acupuncturist", "is a Doctor of Chiropractic" (the words named with capitals); said of
# the reviewer only, never of a treating physician in the case summary.
_REVIEWER_TITLE = re.compile(
    r"(?i:\breviewer\b[^.]{0,80}?\bis\s+an?\s+"
    r"(?:board[-\s]*certified\s+|licensed\s+|doctor\s+of\s+))"
    r"(?P<v>[A-Z][A-Za-z&-]*(?:[ \t]+(?:&[ \t]+)?[A-Z][A-Za-z&-]*){0,3})"
)
_SUBSPECIALTY = re.compile(r",?\s*(?:and\s+)?(?:has|with)\s+a\s+sub-?specialty\s+in\s+", _I)
# The words in any case (a letter may be all capitals); the states named with a capital.
_LICENSED_IN = re.compile(
    r"(?i:licensed\s+(?:to\s+practice\s+(?:medicine\s+)?)?in\s+(?:the\s+states?\s+of\s+)?)"
    r"(?P<v>[A-Z][A-Za-z \n.,]+?)(?=\.|(?i:\s+and\s+(?:has|is))\b|\n\n)",
    _S,
)
_COMPOUND_SPECIALTIES = (
    "Physical Medicine and Rehabilitation",
    "Obstetrics and Gynecology",
    "Allergy and Immunology",
    "Colon and Rectal Surgery",
    "Plastic and Reconstructive Surgery",
    "Hospice and Palliative Medicine",
    "Psychiatry and Neurology",
    "Head and Neck Surgery",
    "Hand and Upper Extremity Surgery",
    "Foot and Ankle Surgery",
    "Sports and Exercise Medicine",
    "Nutrition and Dietetics",
)
_COMPOUND = _ci("|".join(re.escape(c) for c in _COMPOUND_SPECIALTIES))
# The words specialties are named with, for undoing OCR's commonest misreading ("rn" as "m":
# "Intemal Medicine"). Words of names not listed here stay as the letter gives them.
_SPECIALTY_WORDS = frozenset(
    " ".join(_COMPOUND_SPECIALTIES).lower().split()
    + """addiction anesthesiology cardiology cardiovascular chiropractic chiropractics acupuncture
    critical care dermatology diagnostic disease electrodiagnostic emergency endocrinology family
    practice gastroenterology general geriatric hematology infectious internal medicine medical
    toxicology neurology neurological neurosurgery neurophysiology clinical nuclear occupational
    ophthalmology orthopedic orthopaedic otolaryngology pain management pathology pediatrics
    physical therapy plastic podiatry preventive psychiatry psychology public health pulmonary
    radiology rheumatology sleep spine sports surgery surgical thoracic urology vascular
    nephrology oncology osteopathic manipulative interventional""".split()
)
_AND_LIST = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", _I)
_AND_WORD = re.compile(r" (and) ", _I)
_PLAIN_LIST = re.compile(r"\s*[,;]\s*")
_STATES_JOINED = re.compile(r"\s+(?:and|&)\s+|^and\s+", _I)
_DIGIT = re.compile(r"\d")


def header_block(text: str, region: str, fmt: LetterFormat) -> dict[str, Any]:
    """The header block's case number, priority and dates (the date of injury among them,
    where the block gives it), however the block was read: by rows or by columns."""
    found: dict[str, Any] = _header_facts(text, region, fmt)
    found["priority"] = _priority(region)
    for name, value in _columned_header(region).items():
        if name == "priority":
            found[name] = value and value.capitalize()
        elif name == "case_number":
            found[name] = value
        else:
            found[name] = value and _to_date(value)
    found["case_number"] = found.get("case_number") or _case_number(text, region)
    return found


def _header_facts(text: str, region: str, fmt: LetterFormat) -> dict[str, date | None]:
    facts: dict[str, date | None] = {}
    for name, pattern in _HEADER_DATES.items():
        m = pattern.search(region)
        facts[name] = _to_date(_header_value(m)) if m else None
    m = _HEADER_INJURY.search(region)
    if m:
        facts["date_of_injury"] = _to_date(_header_value(m))
    _fill_missing_dates(facts, region, _EARLY_HEADER_DATES)
    if fmt is LetterFormat.NOTICE_2013:
        _fill_missing_dates(facts, text, _NOTICE_DATES)
    return facts


def _fill_missing_dates(
    facts: dict[str, date | None], where: str, patterns: tuple[tuple[str, _CI], ...]
) -> None:
    """Each date the usual labels left empty, from the first pattern for it that matches."""
    for name, pattern in patterns:
        if facts.get(name) is None:
            m = pattern.search(where)
            if m:
                facts[name] = _to_date(m.group("v"))


def _case_number(text: str, region: str) -> str | None:
    m = _CASE_NUMBER.search(region)
    if m is None and _CASE_N.search(_lowered(text)):
        m = _CASE_NUMBER.search(text)
    return m.group("v").replace(" ", "-") if m else None


class _HeaderToken(NamedTuple):
    """A header label (``group`` names its field), a value (``group`` names its kind), or a
    wrapped label read with its value inside (``group`` is "wrapped")."""

    group: str
    value: str
    start: int
    end: int

    @property
    def is_label(self) -> bool:
        return self.group in _HEADER_FIELDS


def _columned_header(region: str) -> dict[str, str | None]:
    """The values of the header labels that stand in a run of labels (see
    :data:`_HEADER_TOKEN`), and of those with no value of their kind right after them,
    where the block was read by columns (it has such a run, and values that no label stands
    right before): each kind's values not right after a label, in the order of its labels. A
    kind whose labels and values differ in number gets None for each of its labels: a
    column read out of order is no reason to guess."""
    if not _LABEL_AFTER_LABEL.search(_lowered(region)):
        return {}
    tokens = [
        _HeaderToken(m.lastgroup or "", m.group(m.lastgroup or 0), m.start(), m.end())
        for m in _HEADER_TOKEN.finditer(region)
    ]
    # Whether only spaces, line breaks or a table's ruling stand between token k and k + 1.
    next_to = [
        _ONLY_RULING_BETWEEN.fullmatch(region, a.end, b.start) is not None
        for a, b in zip(tokens, tokens[1:], strict=False)
    ]
    in_run = [
        token.is_label
        and (
            (k > 0 and next_to[k - 1] and tokens[k - 1].is_label)
            or (k < len(next_to) and next_to[k] and tokens[k + 1].is_label)
        )
        for k, token in enumerate(tokens)
    ]
    # The values that stand right after a label of their kind.
    after_own_label = {
        k + 1
        for k, token in enumerate(tokens[:-1])
        if token.is_label and next_to[k] and tokens[k + 1].group == _HEADER_FIELDS[token.group][1]
    }
    values_at = [k for k, token in enumerate(tokens) if token.group in _HEADER_VALUE_KINDS]
    if not any(in_run) or all(k in after_own_label for k in values_at):
        # Every value stands right after a label of its kind: a run of labels is a row with
        # blank values ("Priority: Application Received: 01/20/2017"), not a column.
        return {}
    # A label outside a run keeps the value right after it; the rest are the column's.
    kept = {k + 1 for k in range(len(tokens) - 1) if not in_run[k] and k + 1 in after_own_label}
    bare = [t.group for k, t in enumerate(tokens) if t.is_label and k + 1 not in kept]
    found: dict[str, str | None] = {}
    for kind in _HEADER_VALUE_KINDS:
        values = [tokens[k].value for k in values_at if tokens[k].group == kind and k not in kept]
        named = [name for name in bare if _HEADER_FIELDS[name][1] == kind]
        for k, name in enumerate(named):
            found[name] = values[k] if len(named) == len(values) else None
    return found


def _priority(region: str) -> str | None:
    m = _PRIORITY.search(region)
    return (m.group("v") or m.group("w")).capitalize() if m else None


def _age(low: str, words: list[tuple[int, str]]) -> int | None:
    """The worker's age, from the lowered summary and where its :data:`_CLAIMANT_WORDS` are."""
    for anchor, word in words:
        if word not in _AGE_WORDS:
            continue
        if word in ("yo", "y/o", "y.o") and is_word_char(
            low[anchor + len(word) : anchor + len(word) + 1] or " "
        ):
            continue  # "yo", "y/o" or "y.o" ends a word ("you" is no age)
        if not _DIGIT.search(low, max(0, anchor - 12), anchor + 16):
            spelled = _SPELLED_AGE.search(low, max(0, anchor - 24), anchor + 16)
            if spelled:
                return _spelled_number(spelled)
            continue
        for m in _AGE.finditer(low, max(0, anchor - 12), anchor + 16):
            value = int(m.group("v") or m.group("w") or m.group("a"))
            if 14 <= value <= 110:
                return value
    return None


def _spelled_number(age: re.Match[str]) -> int:
    """The number a :data:`_SPELLED_AGE` match spells."""
    if age.group("teen"):
        return _TEENS.index(age.group("teen")) + 14
    units = age.group("units")
    return 10 * (_TENS.index(age.group("tens")) + 2) + (_UNITS.index(units) + 1 if units else 0)


def _sex(low: str, words: list[tuple[int, str]]) -> str | None:
    """The worker's sex: the first sex word, else which pronouns the summary uses more."""
    for start, word in words:
        # A word of its own: after a character that is not an ASCII letter, digit or
        # underscore, and before a word end.
        if (
            word in _SEX_WORDS
            and (start == 0 or low[start - 1] not in ASCII_WORD_CHARS)
            and not is_word_char(low[start + len(word) : start + len(word) + 1] or " ")
        ):
            return _SEX_WORDS[word]
    # "he/she" and "his/her" are the letter's boilerplate, not the worker.
    spaced = " " + low.replace("\n", " ").replace("(", " ").replace('"', " ")
    he, she = (sum(len(p.findall(spaced)) for p in _PRONOUNS[sex]) for sex in ("male", "female"))
    if "/h" in low or "/s" in low:
        for both in _BOTH_PRONOUNS:
            n = low.count(both)
            he, she = he - n, she - n
    if he > she:
        return "male"
    if she > he:
        return "female"
    return None


def _injury_date(low: str, words: list[tuple[int, str]]) -> date | None:
    """The first date :data:`_INJURY_CONTEXT` finds in " " + the lowered summary: the pattern
    is tried only where one of its words starts, skipping the text a match took."""
    spaced = " " + low  # the word at low[start] follows spaced[start]
    taken = tried = -1
    for start, word in words:
        if word not in _INJURY_WORDS or start < taken or start == tried:
            continue
        tried = start
        if start and low[start - 1] in ASCII_WORD_CHARS:
            continue
        m = _INJURY_CONTEXT.match(spaced, start)
        if m:
            found = _to_date(m.group("v"))
            if found:
                return found
            taken = m.end()
    return None


def reviewer(text: str) -> dict[str, list[str]]:
    specialties: list[str] = []
    licensure: list[str] = []
    low = _lowered(text)  # the words' own cases: a letter may be all capitals
    label = _SPECIALTY_LABEL.search(text) if "pecialt" in low else None
    if label:
        specialties = _split_list(_credentials_value(text, label.end()), split_and=False)
    else:
        at = low.find("board")
        board = _BOARD_CERTIFIED.search(text, at) if at >= 0 else None
        if board is None and ("ertified in" in low or "icensed in" in low):
            board = _REVIEWER_CERTIFIED.search(text)
            if board and _names_a_state(board.group("v").split(",")[0].strip()):
                board = None
        found = board or _REVIEWER_TITLE.search(text)
        if found:
            named = fold_whitespace(found.group("v"))
            parts = _SUBSPECIALTY.split(named) if "specialty" in named.lower() else [named]
            for part in parts:
                specialties.extend(_split_list(part, split_and=True))
    label = _LICENSURE_LABEL.search(text) if "icensure" in low else None
    if label:
        licensure = _states_listed(_credentials_value(text, label.end()))
    else:
        for licensed in _LICENSED_IN.finditer(text):
            states = _states_listed(licensed.group("v"))
            # "Licensed in Psychology and is licensed to practice in California": the
            # profession first, then the states.
            if states and _names_a_state(states[0]):
                licensure = states
                break
    return {
        "specialties": [_specialty_name(s) for s in specialties],
        "licensure": [_state_name(s) for s in licensure],
    }


def _specialty_name(value: str) -> str:
    """A specialty with any word OCR misread "rn" in as "m" ("Intemal") restored."""
    if "m" not in value and "M" not in value:
        return value
    words = value.split(" ")
    for k, word in enumerate(words):
        low = word.lower()
        if "m" in low and low not in _SPECIALTY_WORDS:
            at = low.find("m")
            while at >= 0:
                restored = low[:at] + "rn" + low[at + 1 :]
                if restored in _SPECIALTY_WORDS:
                    words[k] = word[:at] + ("RN" if word[at].isupper() else "rn") + word[at + 1 :]
                    break
                at = low.find("m", at + 1)
    return " ".join(words)


_STATES = (
    "Alabama, Alaska, Arizona, Arkansas, California, Colorado, Connecticut, Delaware, Florida, "
    "Georgia, Hawaii, Idaho, Illinois, Indiana, Iowa, Kansas, Kentucky, Louisiana, Maine, "
    "Maryland, Massachusetts, Michigan, Minnesota, Mississippi, Missouri, Montana, Nebraska, "
    "Nevada, New Hampshire, New Jersey, New Mexico, New York, North Carolina, North Dakota, "
    "Ohio, Oklahoma, Oregon, Pennsylvania, Rhode Island, South Carolina, South Dakota, "
    "Tennessee, Texas, Utah, Vermont, Virginia, Washington, West Virginia, Wisconsin, Wyoming, "
    "District of Columbia, Puerto Rico"
).split(", ")
_STATE_BY_KEY = {name.replace(" ", "").casefold(): name for name in _STATES}
_STATE_BY_CODE = dict(
    zip(
        "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
        "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR".split(),
        _STATES,
        strict=True,
    )
)


def _names_a_state(value: str) -> bool:
    """Whether a credentials value is a state (a place of licensure, not a profession)."""
    return _state_name(value) in _STATES


def _state_name(value: str) -> str:
    """A state of licensure by its name, where the letter gives its postal code ("CA"), OCR
    split the name ("New Y ork") or misread a letter or two ("Califomia", "Califomnia"); any
    other value as the letter gives it."""
    if value in _STATE_BY_CODE:
        return _STATE_BY_CODE[value]
    key = value.replace(" ", "").casefold()
    found = _STATE_BY_KEY.get(key) or _STATE_BY_KEY.get(key.replace("m", "rn"))
    if found is None and len(key) >= 5:
        import difflib  # rarely needed: kept off the start-up path

        close = difflib.get_close_matches(key, _STATE_BY_KEY, n=1, cutoff=0.8)
        found = _STATE_BY_KEY[close[0]] if close else None
    return found or value


def _credentials_value(text: str, start: int) -> str:
    """The value after a credentials label: the rest of its line, up to the next label or
    heading where lines were joined, and on over line ends where the list was wrapped (the
    line ends in a separator, or the next line's first word would have made it longer than
    the letter's long lines), for a few lines at most."""
    line_start = text.rfind("\n", 0, start) + 1
    at = start
    width = 0  # the letter's long-line length, measured when first needed
    for _ in range(_CREDENTIALS_LINES):
        line_end = text.find("\n", at)
        line_end = len(text) if line_end < 0 else line_end
        next_end = text.find("\n", line_end + 1)
        next_end = len(text) if next_end < 0 else next_end
        stop = _CREDENTIALS_STOP.search(text, at, next_end)  # a heading may wrap too
        if stop:
            stop_at = _label_start(text, at, stop.start())
            if stop_at <= line_end or text[line_end:stop_at].isspace():
                return text[start : min(stop_at, line_end)].rstrip()
        value = text[start:line_end].rstrip()
        following = text[line_end + 1 : next_end].split()
        if not following:
            return value
        if value and not value.endswith(_LIST_GOES_ON):
            width = width or _long_line_length(text)
            if line_end - line_start + 1 + len(following[0]) <= width:
                return value
        at = line_start = line_end + 1
    return text[start:line_end]


def _label_start(text: str, lower: int, keyword: int) -> int:
    """Where the label whose keyword starts at ``keyword`` starts: before the word and slash
    a specialty label opens with ("Certification(s)/Specialty"), whatever OCR made of it."""
    i = keyword
    while i > lower and text[i - 1] in " \t":
        i -= 1
    if i == lower or text[i - 1] != "/":
        return keyword
    i -= 1
    while i > lower and text[i - 1] in " \t()s":  # "(s)"
        i -= 1
    word = i
    while word > lower and text[word - 1].isalpha():
        word -= 1
    return word if word < i else keyword


def _long_line_length(text: str) -> int:
    """How long the letter's long lines are: where its text was wrapped."""
    lengths = sorted(len(line) for line in text.split("\n"))
    return lengths[len(lengths) * 9 // 10]


def _split_list(value: str, *, split_and: bool) -> list[str]:
    value = fold_whitespace(value).strip(" .;")
    if split_and:
        # "Physical Medicine and Rehabilitation" is one specialty, not two.
        protected = value
        if " and " in value.lower():  # in any case: a letter may be all capitals
            pieces, at = [], 0
            for m in _COMPOUND.finditer(value):
                pieces += [value[at : m.start()], _AND_WORD.sub("\x00\\1\x00", m.group(0))]
                at = m.end()
            protected = "".join(pieces) + value[at:]
        parts = [p.replace("\x00", " ") for p in _AND_LIST.split(protected)]
    else:
        parts = _PLAIN_LIST.split(value)
    return [p.strip(" .") for p in parts if p.strip(" .")]


def _states_listed(value: str) -> list[str]:
    """The states of a licensure list, which may join its last two with "and" ("California
    and Nevada"); a value that is not a list of states stays as the letter gives it."""
    states: list[str] = []
    for part in _split_list(value, split_and=False):
        pieces = [piece for piece in _STATES_JOINED.split(part) if piece]
        states.extend(pieces if all(_names_a_state(p) for p in pieces) else [part])
    return states


def _to_date(value: str) -> date | None:
    value = value.strip()
    try:
        iso = _ISO_DATE.fullmatch(value)
        if iso:
            year, month, day = (int(g) for g in iso.groups())
            return date(year, month, day)
        m = _NUMERIC_DATE.fullmatch(value)
        if m:
            month, day, year = (int(g) for g in m.groups())
            if year < 100:
                year += 2000 if year <= date.today().year % 100 else 1900
            return date(year, month, day)
        w = _WORD_DATE.fullmatch(value)
        if w and w.group(1).lower() in _MONTHS:
            return date(int(w.group(3)), _MONTHS[w.group(1).lower()], int(w.group(2)))
    except ValueError:
        return None
    return None
