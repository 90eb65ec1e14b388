"""Normalized letter text -> :class:`~imr_llm.schema.Determination`, by rules.

Deterministic and pure: the offline default, the LLM's cross-check, and the
fallback whenever the LLM fails. Every letter-layout pattern lives here: which layout a
letter is in, where its sections and items are, and what each item says. What a guideline
line cites is read by :mod:`imr_llm.citations`; the header block's, the reviewer's and the
claimant's facts by :mod:`imr_llm.case_facts`, from the regions found here.

How items are found in the layouts that title each item ``<service>: Upheld``
(the samples' layout, and the MAXIMUS ``IMR DECISION(S) AND RATIONALE(S)``
layout): an outcome marker only counts when the item's own headings
(``Claims Administrator guideline:``, ``MAXIMUS guideline:``,
``Decision rationale:``) follow it, so text planted inside a rationale cannot
create an item. The title starts after the last boundary before its outcome:
a blank line, the end of a sentence, or the end of the previous rationale's
conclusion ("... are non-certified"), which is all that separates them once a
letter loses its blank lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from imr_llm._casefold import CaseInsensitive as _CI
from imr_llm._casefold import LoweredMatch as _LoweredMatch
from imr_llm._casefold import ci as _ci
from imr_llm._casefold import lowered as _lowered
from imr_llm._literals import is_word_char
from imr_llm.case_facts import claimant_facts, header_block, reviewer
from imr_llm.citations import citation_parts
from imr_llm.errors import NotADeterminationError
from imr_llm.schema import (
    ITEMS_MAY_BE_MISSING,
    OUTCOMES_TO_CHECK,
    Determination,
    LetterFormat,
    Outcome,
    Span,
    fold_whitespace,
)

__all__ = ["Draft", "draft_normalized", "parse_normalized"]

Draft = dict[str, Any]
"""A Determination's fields as plain values, nested models as dicts of theirs: what the
rules found, before the one validation that builds the models (building each model and
then copying it to add explanations cost more than half the rest of the bookkeeping)."""

_I = re.IGNORECASE
_S = re.DOTALL


def _heading(words: str) -> _CI:
    """A heading that may wrap or be spaced differently: words joined by any whitespace, or
    by none (PDF text can lose the spaces between words: "ISSUES,DECISIONS", "CASESUMMARY")."""
    return _ci(r"\s*".join(re.escape(word) for word in words.split()))


# --- Layout headings -------------------------------------------------------------------------
_H_HOW_MADE = _heading("HOW THE IMR FINAL DETERMINATION WAS MADE")
_H_CLINICAL_SUMMARY = _heading("CLINICAL CASE SUMMARY")
# A letter deciding one item may put its headings in the singular.
_H_ISSUES = _ci(r"IMR\s*ISSUES?\s*,?\s*DECISIONS?\s*,?\s*AND\s*RATIONALES?")
_H_MAXIMUS_DECISIONS = _ci(r"IMR\s*DECISION(?:\(S\)|S)?\s*AND\s*RATIONALE(?:\(S\)|S)?")
_H_MAXIMUS_TOP = re.compile(r"MAXIMUS\s*FEDERAL\s*SERVICES,?\s*INC\.?")
# The medical professional review layout, whatever the case of its headings.
_H_PRO_REVIEW = _heading("MEDICAL PROFESSIONAL REVIEW")
_H_ISSUE_AT_DISPUTE = _ci(r"ISSUES?\s*(?:AT|IN)\s*DISPUTE\s*:")
# The look-behind follows the first word, so the engine skips to "case" ("CLINICAL CASE
# SUMMARY" is the other layout's heading).
_H_PRO_CASE_SUMMARY = _ci(r"CASE(?<![A-Z] CASE)\s+SUMMARY\s*:")
_H_PRO_DOCUMENTS = _heading("DOCUMENTS REVIEWED FOR DETERMINATION :")
_H_PRO_GUIDELINES = _ci(
    r"MEDICAL\s*TREATMENT\s*GUIDELINE\(?S?\)?\s*RELIED\s*UPON\s*BY\s*PROFESSIONAL\s*REVIEWER"
    r"\s*AND\s*WHY\s*:"
)
_H_PRO_RATIONALE = _ci(
    r"RATIONALE\s*FOR\s*WHY\s*THE\s*REQUESTED\s*TREATMENT(?:/SERVICE)?\s*(?:IS/WAS|IS|WAS)"
    r"\s*(?P<not>NOT\s*)?MEDICALLY\s*NECESSARY\s*:"
)
_H_PRO_QUALIFICATIONS = _heading("MEDICAL REVIEWER QUALIFICATIONS :")
_H_NOTICE_2013 = _heading("Notice of Independent Medical Review Determination")
_H_NOTICE_DECISIONS = _heading("INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE")

_IMR_SIGNALS = _ci(
    r"independent\s+medical\s+review|\bIMR\b|MAXIMUS|utilization\s+review|final\s+determination"
)

# --- Items titled "<service>: Upheld" ------------------------------------------------------
# Sample 003 puts the outcome on the line after the colon; PDF text may add a blank line.
# A page break can fall between a title, its outcome and its headings, leaving the next page's
# running header (case number, "Page 2 of 4", letterhead) or a bare page number in between.
_PAGE_FURNITURE_LINE = (
    r"(?:[^\n]{0,100}?\b(?:CM\d{2}-\d{4,}|page\s+\d+|case\s+(?:number|no)|final\s+determination"
    r"|independent\s+medical\s+review|maximus\s+federal"
    # Word's page numbers: "2 | Page", "2 | P a g e", "Page | 2".
    r"|\d{1,3}\s*\|\s*p\s?a\s?g\s?e|page\s*\|\s*\d{1,3})\b[^\n]{0,100}"
    r"|[ \t]*(?:-[ \t]*|\[[ \t]*)?\d{1,3}(?:[ \t]*[-\]]|[ \t]*(?:of|/)[ \t]*\d{1,3})?[ \t]*)\n"
)
_PAGE_FURNITURE = _PAGE_FURNITURE_LINE + r"\s*"
# Text extracted without form feeds keeps that furniture above the title of an item that
# opens a page; it is never the title's own first line.
_FURNITURE_ABOVE_TITLE = _ci(_PAGE_FURNITURE_LINE)


def _spaced(word: str) -> str:
    """A word's pattern that also matches it split by one space between two letters, as PDF
    text extractors and OCR split words ("Uph eld")."""
    return " ?".join(word)


# The outcome words, and what OCR makes of them ("Overtumed": it reads "rn" as "m").
# OCR also reads "l" as "1", "I" or "|", and "O" as "0" ("Uphe1d", "0verturned"). Text
# hyphenated at a line end keeps the hyphen between the compound's parts once the line is
# joined ("Over-\nturned" reads "Over-turned").
_COMPOUND_HYPHEN = r" ?(?:- ?)?"
_OUTCOME_WORDS = (
    "u ?p" + _COMPOUND_HYPHEN + _spaced("he") + r" ?[l1i|] ?d"
    "|[o0] ?" + _spaced("ver") + _COMPOUND_HYPHEN + _spaced("tu") + r" ?(?:r ?n|m) ?e ?d"
)
_AFTER_SEPARATOR = (
    r"[ \t]*(?:\n[ \t]*){0,2}"
    # Furniture (a footer, and a running header of one or two lines) is looked for only where
    # an outcome opens one of the next four lines but one: reading every line after a colon
    # for its words cost more than the rest of the search.
    r"(?:(?=\n\s*[^\n]*\n\s*(?:[^\n]*\n\s*){0,2}(?:" + _OUTCOME_WORDS + r"))"
    r"\n\s*(?:" + _PAGE_FURNITURE + r"){1,3})?"
)
# Text that lost the line break after the outcome glues it to the item's first heading
# ("UpheldClaims Administrator guideline:"), where no word boundary is left.
_OUTCOME_END = r"(?:\b|(?=claims|maximus|decision))"
_OUTCOME_MARKER = _ci(
    ":" + _AFTER_SEPARATOR + r"(?P<outcome>" + _OUTCOME_WORDS + r")" + _OUTCOME_END + r"\.?"
)
# The same where the colon is something else: OCR reads it as ";" or loses it, and a letter may
# set the outcome off with a dash or in brackets. Tried only where the colon misses items.
_OUTCOME_MARKER_ANY_SEPARATOR = _ci(
    r"(?:[:;]|[ \t]+(?:-+|\()|\s)"
    + _AFTER_SEPARATOR
    + r"\(?(?P<outcome>"
    + _OUTCOME_WORDS
    + r")"
    + _OUTCOME_END
    + r"\)?\.?"
)


# The words of the medical necessity standard, in which early letters, the 2013 notice and
# some issue lists state a decision; and the request they name the service by.
_MEDICALLY_NECESSARY = r"medically\s*necessary(?:\s*and\s*appropriate)?"
_REQUEST_FOR_WORDS = r"request(?:ed\s+(?:treatment|service)s?)?\s*for\s+"

# Early letters state each decision as a sentence, as the 2013 notice does: "1. <service> is
# not medically necessary and appropriate." (upheld), "... is medically necessary and
# appropriate." (overturned). A rationale may close with the same words, so such a sentence
# decides an item only where the item's own headings follow it, and only in a letter that
# names no outcome.
_NECESSITY_MARKER = _ci(
    r"[ \t\n]+(?:is|was|are|were)\s*(?P<not>not\s*)?" + _MEDICALLY_NECESSARY + r"\s*\."
)


# A list or a title may give the decision as a verdict instead, in the words of the standard
# or of utilization review: "<service>: Not medically necessary", "<service> - Certified",
# "<service>: Denied". "Not", "non-" and "denied" say the denial stands.
_VERDICT_WORDS = (
    r"(?P<no>not\s*|non-?\s*)?(?:" + _MEDICALLY_NECESSARY + r"|certified)"
    r"|(?P<denied>denied)|approved"
)
# In the layouts whose items are titled "<service>: Upheld", outcome words and verdicts
# together; tried only where the outcome words alone miss items.
_OUTCOME_OR_VERDICT_MARKER = _ci(
    ":"
    + _AFTER_SEPARATOR
    + r"(?:(?P<outcome>"
    + _OUTCOME_WORDS
    + r")|"
    + _VERDICT_WORDS
    + r")"
    + _OUTCOME_END
    + r"\.?"
)


# "The request for <service> is not ..." is the sentence's grammar; a title that opens
# "Request for ..." is the item's own name, and stays.
_REQUEST_FOR = _ci(r"the\s+" + _REQUEST_FOR_WORDS)


def _outcome_named(word: str) -> Outcome:
    """The outcome an outcome word of the letter names (see :data:`_OUTCOME_WORDS`;
    "uphold", "overturn" and "reversed" too)."""
    return Outcome.UPHELD if word.replace(" ", "")[:2].lower() == "up" else Outcome.OVERTURNED


# Who the early letters say decided: "The Expert Reviewer", and in some "The Physician
# Reviewer" or "The Professional Reviewer".
_REVIEWER = r"(?:(?:expert|physician|professional|medical|peer)\s*)?reviewer"
# "1.", "1)", "(1)", "a)", "-", "*" (bullet glyphs are "-" by now). Never "C." or "(L)", which
# open a name ("C. difficile toxin assay", "H. pylori breath test", "(L) shoulder MRI").
_LIST_MARK_ALONE = r"(?:\(?\d{1,2}[.)]|[a-z]\)|[-*])"
_LIST_MARK = re.compile(_LIST_MARK_ALONE + r"\s+")
# A letter may label an item's parts: "Issue: <service>" over "Decision: Upheld". The labels
# are the letter's, not the service's name. The outcome's label counts only on a line of its
# own, since a title may end in the word ("... to discuss the surgical decision: Upheld").
_TITLE_LABEL = _ci(
    r"(?:(?:disputed\s+|requested\s+)?(?:issue|item|treatment|service)s?(?:/services?)?"
    r"(?:\s+(?:at\s+dispute|in\s+dispute|requested))?(?:\s+#?\d{1,2})?|request)\s*:\s+"
)
_OUTCOME_LABEL_QUALIFIER = r"(?:imr|final)"
_OUTCOME_LABEL_WORD = r"(?:decision|determination|outcome)"
_OUTCOME_LABEL = _ci(rf"[ \t]*(?:{_OUTCOME_LABEL_QUALIFIER}\s+)?{_OUTCOME_LABEL_WORD}[ \t]*$")
# After a labelled title the outcome's label is one wherever it stands: re-wrapped text puts it
# on the title's line ("Issue: Aquatic therapy Decision: Upheld"), or only its first word
# ("Issue: Aquatic therapy IMR" over "Decision: Upheld").
_OUTCOME_LABEL_AFTER_LABELLED_TITLE = _ci(
    rf"\s+(?:{_OUTCOME_LABEL_QUALIFIER}(?:\s+{_OUTCOME_LABEL_WORD})?|{_OUTCOME_LABEL_WORD})[ \t]*$"
)
_ITEM_LABEL = (
    r"(?:(?:claims?\s*administrator(?:'s)?\s*guidelines?|maximus\s*guidelines?"
    r"|" + _REVIEWER + r"(?:'s)?\s*guidelines?|decision\s*rationale"
    r"|medical\s*treatment\s*guidelines?(?:\(s\))?(?:\s*(?:used|relied\s*upon)[^:\n]{0,40})?"
    r"|guidelines?(?:\s*used)?"
    r"|rationale(?:\s*for\s*the\s*decision)?)"
    r"\s*:"
    # Early letters open an item's guidelines with a sentence: "The Claims Administrator based
    # its decision on ...", "The Expert Reviewer based his/her decision on ..." (or "found").
    r"|the\s*(?:claims\s*administrator\s*(?:based|did\s*not\s*(?:cite|base))|"
    + _REVIEWER
    + r"(?:'s)?\s*(?:based|found|decision)))"
)
# A page break between an outcome and its item's heading leaves a footer (a page number, say)
# and a running header, which a re-wrapped letter may have split over two lines.
_FURNITURE_AFTER_OUTCOME = r"(?:" + _PAGE_FURNITURE + r"){0,3}?"
# Only ever asked whether it matches: lazy, so the item's own heading is tried first.
_AFTER_OUTCOME = _ci(r"\s*" + _FURNITURE_AFTER_OUTCOME + _ITEM_LABEL)


def _split_label(label: str) -> str:
    """A heading every item of the usual layouts has, found where the PDF text split its
    words ("Claims Admi nistrator guideline:"). Tried only where the usual one is missing."""
    return r"\s*".join(_spaced(word) for word in label.split()) + r"\s*:"


_CA_GUIDELINE_SPLIT = _split_label("claims administrator guideline")
_MAXIMUS_GUIDELINE_SPLIT = _split_label("maximus guideline")
_DECISION_RATIONALE_SPLIT = _split_label("decision rationale")
_ITEM_LABEL_SPLIT = (
    f"(?:{_CA_GUIDELINE_SPLIT}|{_MAXIMUS_GUIDELINE_SPLIT}|{_DECISION_RATIONALE_SPLIT})"
)
# Either heading: the outcomes the usual one follows count here too.
_AFTER_OUTCOME_SPLIT = _ci(
    r"\s*" + _FURNITURE_AFTER_OUTCOME + "(?:" + _ITEM_LABEL + "|" + _ITEM_LABEL_SPLIT + ")"
)
_LINE_END_AFTER = re.compile(r"[ \t]*\n")
# Labels, like headings, are found when the PDF text lost the spaces between their words.
_CA_GUIDELINE = _ci(r"claims?\s*administrator(?:'s)?\s*guidelines?\s*:")
# The early letters' guideline sentences (see _ITEM_LABEL): the claims administrator's value
# is what its decision was based on; its "did not cite/base ..." sentence, and the reviewer's
# "found ..." sentence, are their own values.
_CA_BASED_ON = _ci(
    r"the\s*claims\s*administrator\s*based\s*(?:its|their|his/her)\s*decision\s*on\s"
    r"|(?=the\s*claims\s*administrator\s*did\s*not\s*(?:cite|base)\b)"
)
_REVIEWER_BASED_ON = _ci(
    r"the\s*" + _REVIEWER + r"\s*based\s*(?:his/her|his|her|their|its)\s*decision\s*on\s"
    r"|(?=the\s*" + _REVIEWER + r"\s*found\b)"
)
_MAXIMUS_GUIDELINE = _ci(r"maximus\s*guidelines?\s*:")
# Or the reviewer's, by their title: "Expert Reviewer guideline:" (searched for only where
# the usual label is missing).
_REVIEWER_GUIDELINE = _ci(_REVIEWER + r"(?:'s)?\s*guidelines?\s*:")
# Whose label it is, right before it: "The Expert Reviewer's decision rationale:".
# (Searched only within a few words, so IGNORECASE costs nothing here.)
_WHOSE_LABEL = re.compile(r"\bthe[ \t\n]+" + _REVIEWER + r"'?s[ \t\n]+\Z", re.IGNORECASE)
_DECISION_RATIONALE = _ci(r"decision\s*rationale\s*:")
# Early letters' label. Searched for apart: one pattern for both loses the literal prefix the
# regex engine skips ahead by, and searches for the usual label ran ten times slower.
_EARLY_RATIONALE = _ci(r"rationale\s*for\s*the\s*decision\s*:")
# A letter may label it "Rationale:" alone, at a line's start (tried last).
_RATIONALE_ALONE = _ci(r"^[ \t]*rationale\s*:", re.MULTILINE)
# Each item has one, wherever a re-wrapped letter broke its line: counted apart, as one
# pattern would lose the regex engine's search for its literal start.
_RATIONALE_LABELS = (_ci(r"decision\s*rationale"), _ci(r"rationale\s+for\s+the\s+decision"))
# The labels again, where the PDF text split a word ("Claims Admi nistrator guideline:").
_SPLIT_LABELS = {
    _CA_GUIDELINE: _ci(_CA_GUIDELINE_SPLIT),
    _MAXIMUS_GUIDELINE: _ci(_MAXIMUS_GUIDELINE_SPLIT),
    _DECISION_RATIONALE: _ci(_DECISION_RATIONALE_SPLIT),
}
_SET_FORTH_BELOW = _ci(r"set\s*forth\s*below\s*:")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# A sentence's end: its stop, closing quotes or brackets, space, then a capital or digit (or,
# at a line's start, any word or a list's mark: "purchase of a shower chair", "- X-ray"); or,
# where PDF text lost the space and the line break, a stop between two words ("... not
# medically necessary.Spinal manipulation: Upheld").
_SENTENCE_STOP = re.compile(
    r"[.!?][\"')\]]*[ \t\n]+(?=[\"(]?[A-Z0-9#]|(?<=\n)(?:[-*][ \t]|[a-z]))"
    r"|(?<=[a-z]{2})[.!?](?=[A-Z0-9])"
)
# Words a period follows without ending a sentence; titles are full of dose units.
_ABBREVIATIONS = frozenset(
    "dr mr mrs ms no nos vs st qty approx etc e.g i.e fig ref sec dept inc jr sr co u.s "
    "mg mcg ml cc gm oz lb lbs tab tabs cap caps hr hrs wk wks mo mos yr yrs dos sig ea pt "
    "retro prn bid tid qid qhs po inj".split()
)
# What marks a sentence as the rationale's prose, never a title's: a verb, a negation or a
# connective ("Hence, not medically necessary at this time.", "Therefore the requested 12
# sessions exceed the guidelines.").
_PROSE_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|should|would|has|have|had|can|cannot|could|may|might|must"
    r"|will|does|do|did|not|therefore|hence|thus|consequently|accordingly|exceeds?)\b"
)
# The last word of a rationale's conclusion ("... is not medically necessary.").
_CONCLUDING_WORDS = frozenset(
    "certified necessary established demonstrated supported warranted indicated recommended "
    "appropriate approved denied justified reasonable".split()
)
# What a word before a period may hold besides \w: "7.5mg." and "x3)." end words.
_WORD_BEFORE_EXTRA = frozenset("%)]'\"")
# A conclusion's last word where it ends a line ("non-certified" ends on "certified").
_CONCLUSION_WORDS = frozenset({"noncertified", *_CONCLUDING_WORDS})
_CONCLUSION_VERB = _ci(r"\b(?:is|are|was|were|be|been|not)\b")
# A concluding word and the space after it, in lowered text, where lines were joined.
_CONCLUDING_WORD = re.compile(
    r"\b(?:" + "|".join(sorted(_CONCLUDING_WORDS)) + r")\b\.?[ \t]+[\"(]?"
)
# "The original request, <service> is:", the form letters use; and the same sentence with a
# colon, a semicolon or no comma, or "for" or "was" before the service.
_ORIGINAL_REQUEST_TAIL = _ci(
    r"original\s+request\s*,\s*"
    r"|\bthe\s+original\s+request(?:\s*[:;]\s*|\s+(?!imr\s+eligible)(?:(?:is|was)\s+)?(?:for\s+)?)"
    r"(?=\w)"
)
# The same where the PDF text split a word of it ("orig inal request,"): looked for only in
# a title that ends "is:", as a modified request's does.
_ORIGINAL_REQUEST_TAIL_SPLIT = _ci(_spaced("original") + r"\s+" + _spaced("request") + r"\s*,\s*")
# The same sentence not naming the request "original": "The remaining IMR eligible portion of
# the request, <service> is:", "The remaining request, <service> is:". Looked for only there.
_REMAINING_REQUEST_TAIL = _ci(
    r"\b(?:portion\s+of\s+the\s+request|remaining\s+request)\s*[,:]\s*(?=\w)"
)
_WAS_THE_ORIGINAL_REQUEST = _ci(r"\bwas\s+the\s+original\s+request\b")
_TRAILING_IS = _ci(r"\s+is$")


def _before_trailing_is(text: str, start: int, end: int) -> int:
    """Where a service ends that "is" follows ("<service> is: Upheld"): the verb is the
    sentence's, not the service's."""
    verb = _TRAILING_IS.search(text, start, end)
    return verb.start() if verb else end


_UR_AUTHORIZED = _ci(
    r"(?:the\s+original\s+request\.\s*(?P<a>[^.]+?)\s+was\s+authorized\s+by\s+the\s+claims"
    r"\s+administrator"
    r"|the\s+claims\s+administrator\s+authorized\s+(?P<b>.{1,400}?),\s*leaving\s+the\s+original)",
    _S,
)
_UR_MODIFIED_IN_RATIONALE = _ci(
    r"\b(?:request\s+was\s+modified|modified\s+the\s+request|was\s+modified\s+to\s+(?:approve|allow|certify"
    r"|authorize)|modified\s+to\s+(?:approve|allow|certify|authorize)|partially\s+(?:certified|approved))"
)
_SECTION_TAIL = re.compile(
    r"\n[ \t]*(?:cc\s*:|sincerely\b|APPEAL\s+RIGHTS|MEDICAL\s+REVIEWER\s+QUALIFICATIONS|"
    r"DOCUMENTS\s+REVIEWED|This\s+(?:is\s+the\s+)?final\s+determination\s+(?:is|was)\s+made)",
)


# --- The 2013 notice -------------------------------------------------------------------------
# PDF text of these notices loses spaces between the fixed words ("notmedically"), so between
# them, and after the service, any space may be missing.
_NOTICE_ITEM = _ci(
    r"(?:(?P<num>\d{1,2})\s*[).]\s*)?MAXIMUS\s*Federal\s*Services,?\s*Inc\.?,?\s*has\s*determined"
    r"\s*(?:that\s*)?the\s*(?:request\s*for|requested)\s*(?P<service>.{1,500}?)"
    r"\s*(?:is|was|are|were)\s*(?P<not>not\s*)?" + _MEDICALLY_NECESSARY + r"\s*\.?",
    _S,
)
_NOTICE_RATIONALE = _ci(r"Rationale\s+for\s+the\s+Decision\s*:")
# The next item's block: "2) Regarding the request for <service>:" or "2. <service>:" and its
# first label (a rationale may itself say "Regarding the request ..." or number a list), or a
# line numbered "2)".
_NOTICE_FIRST_LABEL = r":\s*(?:Medical\s+Treatment\s+Guideline|Rationale\s+for\s+the\s+Decision)"
_NOTICE_NEXT_ITEM = _ci(
    r"\n[ \t]*\d{1,2}\)\s|(?:\b\d{1,2}[.)]\s*)?Regarding\s+the\s+request\b[^:]{0,300}?"
    + _NOTICE_FIRST_LABEL
    + r"|\n[ \t]*\d{1,2}\.\s[^:\n]{1,300}"
    + _NOTICE_FIRST_LABEL
)
# "... Used:" (or "... Relied Upon:"), or one line for each side: "... Used by the Claims
# Administrator:" and "... Used by the Expert Reviewer:".
_NOTICE_GUIDELINE = _ci(
    r"Medical\s+Treatment\s+Guidelines?(?:\(s\))?\s+(?:Used|Relied\s+Upon)"
    r"(?:\s+by\s+the\s+(?P<by>[a-z/]+(?:\s+[a-z/]+){0,3}?))?\s*:"
)

# --- Case summary ----------------------------------------------------------------------------
_CASE_SUMMARY_LABEL = _ci(r"Case\s+Summary\s*:")


# =============================================================================================
@dataclass(slots=True)
class _Found:
    """A verbatim field found in the text: its folded value and span."""

    value: str
    span: Span


@dataclass(slots=True)
class _ItemDraft:
    service: _Found
    outcome: Outcome
    block_start: int  # where the item's title block starts (the previous rationale ends here)
    body_start: int  # just after the outcome
    ca_guideline: _Found | None = None
    maximus_guideline: _Found | None = None
    rationale: _Found | None = None
    modified_by_ur: bool = False
    ur_authorized: _Found | None = None
    extra_warnings: list[str] = field(default_factory=list)
    # The first "Decision rationale:" label found after the outcome, and how far that search
    # looked: the body's own search reuses it when it looked as far.
    rationale_label: _LoweredMatch | None = None
    rationale_label_limit: int = -1


def parse_normalized(
    text: str, *, source: str | None = None, sha256: str, warnings: Iterable[str] = ()
) -> Determination:
    """Parse normalized text (see :mod:`imr_llm.normalize`) into a Determination.

    Raises :class:`NotADeterminationError` when the text is not an IMR letter at all.
    Missing sections yield what was found plus a warning, never an exception.
    """
    draft = draft_normalized(text, source=source, sha256=sha256, warnings=warnings)
    return Determination.model_validate(draft)


def draft_normalized(
    text: str, *, source: str | None = None, sha256: str, warnings: Iterable[str] = ()
) -> Draft:
    """What :func:`parse_normalized` finds, as a :data:`Draft` for the offline explanations
    to complete before it is validated."""
    notes = list(warnings)
    fmt = _detect_format(text)
    if fmt is LetterFormat.UNKNOWN and not _IMR_SIGNALS.search(text):
        raise NotADeterminationError(
            "this text is not an IMR determination letter (no IMR headings, outcomes or "
            "MAXIMUS / Independent Medical Review wording found)",
            source=source,
        )

    drafts: list[_ItemDraft]
    if fmt is LetterFormat.NOTICE_2013:
        drafts = _notice_items(text, notes)
    elif fmt is LetterFormat.PROFESSIONAL_REVIEW:
        drafts = _professional_review_items(text, notes)
    else:
        found = _decisions_heading(text)
        start, end, introduced = _decisions_region(text, found[1] if found else None)
        if found is None:
            if fmt is not LetterFormat.UNKNOWN:
                notes.append(
                    "the decisions section heading was not found; searched the whole letter"
                )
        elif found[0].search(text, found[1].end()):
            notes.append(
                "the decisions section appears more than once: this text seems to hold several "
                "letters, and the items of all of them are listed; parse each letter on its own"
            )
        drafts = _titled_items(text, start, end, notes, introduced=introduced)

    if not drafts:
        notes.append("no disputed items with an outcome were found in this letter")

    seen: dict[tuple[str, str], Draft] = {}
    items = [_finish_item(i, d, text, seen) for i, d in enumerate(drafts, start=1)]
    region = _header_region(text)
    header = header_block(text, region, fmt)
    claimant = claimant_facts(_case_summary(text), header.pop("date_of_injury", None))
    for d in drafts:
        notes.extend(d.extra_warnings)
    overall = _OVERALL_DETERMINATION.search(region)
    if overall and drafts:
        disagreement = _overall_disagreement(overall.group("overall"), drafts)
        if disagreement:
            notes.append(disagreement)
    return {
        "source": source,
        "sha256": sha256,
        "format": fmt,
        "text": text,
        "reviewer": reviewer(text),
        "claimant": claimant,
        "items": items,
        "method": "rules",
        "warnings": notes,
        **header,
    }


# Early letters give the whole decision before the items: "Final Determination: UPHOLD" (no
# item approved), "OVERTURN" (every item approved) or "PARTIAL OVERTURN".
_OVERALL_DETERMINATION = _ci(
    r"final\s*determination\s*:\s*(?P<overall>partial(?:ly)?\s*overturn|uphold|overturn)"
)


def _overall_disagreement(overall: str, drafts: list[_ItemDraft]) -> str | None:
    """A warning where the items' outcomes contradict the letter's own overall decision."""
    outcomes = {d.outcome for d in drafts}
    said = " ".join(overall.upper().split())
    if said.startswith("PARTIAL"):
        agrees = len(outcomes) == 2 or len(drafts) == 1
    elif said == "UPHOLD":
        agrees = outcomes == {Outcome.UPHELD}
    else:
        agrees = outcomes == {Outcome.OVERTURNED}
    if agrees:
        return None
    found = ", ".join(f"{d.service.value!r}: {d.outcome.value}" for d in drafts)
    return (
        f"the letter's final determination is {said}, but its items read {found}: "
        f"{OUTCOMES_TO_CHECK}"
    )


# --- Format and regions ----------------------------------------------------------------------
def _detect_format(text: str) -> LetterFormat:
    head = text[:3000]
    # Each layout's decisions heading is its own; "HOW THE IMR FINAL DETERMINATION WAS
    # MADE" opens both the final determination and the MAXIMUS layouts' first section.
    if _H_ISSUES.search(text):
        return LetterFormat.FINAL_DETERMINATION
    if _H_MAXIMUS_DECISIONS.search(text):
        return LetterFormat.MAXIMUS_IMR
    if _H_HOW_MADE.search(text):
        if _maximus_letterhead(head):
            return LetterFormat.MAXIMUS_IMR
        return LetterFormat.FINAL_DETERMINATION
    if _H_PRO_REVIEW.search(head) or (
        _H_ISSUE_AT_DISPUTE.search(text) and _H_PRO_RATIONALE.search(text)
    ):
        return LetterFormat.PROFESSIONAL_REVIEW
    if _H_NOTICE_2013.search(head) or (
        _NOTICE_ITEM.search(text) and not _valid_markers(text, 0, len(text))
    ):
        return LetterFormat.NOTICE_2013
    if _maximus_letterhead(head):
        return LetterFormat.MAXIMUS_IMR
    return LetterFormat.UNKNOWN


def _maximus_letterhead(head: str) -> bool:
    return bool(
        _H_MAXIMUS_TOP.search(head) and re.search(r"Independent\s+Medical\s+Review", head, _I)
    )


def _decisions_heading(text: str) -> tuple[_CI, _LoweredMatch] | None:
    """The decisions section's heading, with the pattern that found it."""
    for pattern in (_H_ISSUES, _H_MAXIMUS_DECISIONS):
        heading = pattern.search(text)
        if heading:
            return pattern, heading
    return None


def _decisions_region(text: str, heading: _LoweredMatch | None) -> tuple[int, int, bool]:
    """Where the items are, and whether the section's opening sentence ("... set forth
    below:") was found: then the first item's title follows it directly."""
    start = heading.end() if heading else 0
    intro = _SET_FORTH_BELOW.search(text, start, start + 400 if heading else len(text))
    if intro:
        start = intro.end()
    return start, len(text), intro is not None


def _valid_markers(
    text: str,
    start: int,
    end: int,
    markers: _CI = _OUTCOME_MARKER,
    *,
    headings: _CI = _AFTER_OUTCOME,
) -> list[_LoweredMatch]:
    """Outcome markers that the item's own headings follow.

    Not one that merely ends the text: a last line reading "<anything>: Overturned" with no
    headings after it is text planted in the letter (or a letter cut short), never an item.
    A text of titles alone, with no headings anywhere, is read line by line instead (see
    :func:`_titled_items`).
    """
    return [
        m
        for m in markers.finditer(text, start, end)
        if headings.match(text, m.end(), m.end() + 400)
    ]


def _marker_outcome(marker: _LoweredMatch) -> Outcome:
    word = marker.group("outcome")
    return _verdict_outcome(marker) if word is None else _outcome_named(word)


def _necessity_outcome(marker: _LoweredMatch) -> Outcome:
    return Outcome.UPHELD if marker.group("not") is not None else Outcome.OVERTURNED


def _verdict_outcome(verdict: _LoweredMatch) -> Outcome:
    """A verdict's outcome (see :data:`_VERDICT_WORDS`): a denial stands when it says so."""
    denied = verdict.group("no") or verdict.group("denied")
    return Outcome.UPHELD if denied else Outcome.OVERTURNED


# --- Items titled "<service>: Upheld" --------------------------------------------------------
def _titled_items(
    text: str, start: int, end: int, notes: list[str], *, introduced: bool = False
) -> list[_ItemDraft]:
    markers = _valid_markers(text, start, end)
    outcome_of = _marker_outcome
    if not markers:
        markers = _valid_markers(text, start, end, _NECESSITY_MARKER)
        outcome_of = _necessity_outcome
    rationales = sum(1 for label in _RATIONALE_LABELS for _ in label.finditer(text, start, end))
    if len(markers) < rationales:
        # More rationales than outcomes found: some outcome lost its colon.
        every = _valid_markers(text, start, end, _OUTCOME_MARKER_ANY_SEPARATOR)
        if len(every) > len(markers):
            markers, outcome_of = every, _marker_outcome
        if len(markers) < rationales:  # or a heading after an outcome lost its word's letters
            split = _valid_markers(
                text, start, end, _OUTCOME_MARKER_ANY_SEPARATOR, headings=_AFTER_OUTCOME_SPLIT
            )
            if len(split) > len(markers):
                markers, outcome_of = split, _marker_outcome
        if len(markers) < rationales:  # or the letter states verdicts, not outcome words
            verdicts = _valid_markers(text, start, end, _OUTCOME_OR_VERDICT_MARKER)
            if len(verdicts) > len(markers):
                markers, outcome_of = verdicts, _marker_outcome
        if len(markers) < rationales:
            notes.append(
                f"the letter has {rationales} decision rationale{'s' if rationales > 1 else ''}, "
                f"but an outcome was found for only {len(markers)}: {ITEMS_MAY_BE_MISSING}"
            )
    if not markers:
        loose = [
            m
            for m in _OUTCOME_MARKER.finditer(text, start, end)
            if re.match(r"[ \t]*(?:\n|$)", text[m.end() : m.end() + 2])
        ]
        if loose:
            notes.append(
                f"outcomes were found without the usual item headings: {ITEMS_MAY_BE_MISSING}"
            )
        markers, outcome_of = loose, _marker_outcome
    _note_a_last_line_left_out(text, start, end, markers, notes)
    drafts: list[_ItemDraft] = []
    lower = start
    if not introduced and markers:
        # The section's opening sentence further on than its heading was found (the heading's
        # words stand earlier in the letter too): the first title follows it all the same.
        intros = list(_SET_FORTH_BELOW.finditer(text, start, markers[0].start()))
        if intros:
            lower, introduced = intros[-1].end(), True
    for k, m in enumerate(markers):
        draft = _titled_item(text, lower, m, outcome_of(m), opens_section=introduced and k == 0)
        if draft is None:
            continue
        if outcome_of is _necessity_outcome:  # "1. The request for <service> is not ..."
            start_at, end_at = draft.service.span
            lead = _REQUEST_FOR.match(text, start_at, end_at)
            if lead and lead.end() < end_at:
                draft.service = _found(text, lead.end(), end_at)
        drafts.append(draft)
        next_start = markers[k + 1].start() if k + 1 < len(markers) else end
        rationale_label = _rationale_label(text, m.end(), next_start)
        draft.rationale_label, draft.rationale_label_limit = rationale_label, next_start
        lower = rationale_label.end() if rationale_label else m.end()
    section_end = _section_end(text, drafts, end)
    for k, draft in enumerate(drafts):
        body_end = drafts[k + 1].block_start if k + 1 < len(drafts) else section_end
        _fill_body(text, draft, body_end)
    return drafts


def _note_a_last_line_left_out(
    text: str, start: int, end: int, markers: list[_LoweredMatch], notes: list[str]
) -> None:
    """Say so where the letter's last line reads like an item's title but is not one (see
    :func:`_valid_markers`): a letter cut short loses its last item there."""
    body_end = len(text.rstrip())
    line_start = text.rfind("\n", start, body_end) + 1
    last = _OUTCOME_MARKER.search(text, line_start, end)  # "is upheld." ends rationales
    if last is None or last.end() < body_end or any(m.end() == last.end() for m in markers):
        return
    line = text[line_start:body_end].strip()
    notes.append(
        f"the letter ends on a line that reads like an item's title ({line!r}), with no "
        f"guideline or rationale after it: it is left out, as text rather than an item"
    )


def _section_end(text: str, drafts: list[_ItemDraft], end: int) -> int:
    if not drafts:
        return end
    last = drafts[-1].body_start
    tail = _SECTION_TAIL.search(text, last, end)
    return tail.start() if tail else end


def _titled_item(
    text: str, lower: int, marker: _LoweredMatch, outcome: Outcome, *, opens_section: bool = False
) -> _ItemDraft | None:
    """The item whose outcome ``marker`` is; its title block starts after ``lower``.

    ``opens_section`` says that ``lower`` ends the section's opening sentence: a title short
    enough to be one then starts right there (or at its own paragraph), whatever full stops it
    holds ("Pain management consultation. Follow-up visits x3"), even where the letter lost
    its line breaks."""
    service_end = _before_outcome_label(text, lower, _trim_end(text, lower, marker.start()))
    if opens_section and service_end - lower <= _LONGEST_TITLE:
        paragraph = _title_paragraph_break(text, lower, service_end)
        block_start = _skip_space(text, lower if paragraph < 0 else paragraph, service_end)
    else:
        block_start = _title_start(text, lower, service_end)
    block_start = _after_stated_outcomes(text, block_start, service_end)
    service_start = block_start
    modified = False
    tails = _original_request_tails(text, block_start, service_end)
    if not tails and _TRAILING_IS.search(text, block_start, service_end):
        # "The original request, <service> is: Upheld" names a request UR modified. Where the
        # service has a sentence end inside and the letter lost its line breaks, the title
        # found above starts too late: look back as far as a title reaches. PDF text may
        # also have split a word of it.
        reach = max(lower, service_end - _LONGEST_TITLE)
        tails = (
            _original_request_tails(text, reach, service_end)
            or list(_ORIGINAL_REQUEST_TAIL_SPLIT.finditer(text, reach, service_end))
            or list(_REMAINING_REQUEST_TAIL.finditer(text, reach, service_end))
        )
    if tails:
        modified = True
        service_start = tails[-1].end()
        block_start = _modified_block_start(text, lower, block_start)
        service_start = _after_stated_outcomes(text, service_start, service_end)
    service_end = _before_trailing_is(text, service_start, service_end)
    service_start = _skip_space(text, service_start, service_end)
    # Furniture is a line of its own: "below: 1\nplatelet rich plasma ..." opens a title
    # with its quantity where a re-wrapped letter broke the line after it.
    while text.find("\n", service_start, service_end) >= 0 and _at_line_start(text, service_start):
        furniture = _FURNITURE_ABOVE_TITLE.match(text, service_start, service_end)
        if furniture is None:
            break
        service_start = _skip_space(text, furniture.end(), service_end)
    mark = _LIST_MARK.match(text, service_start, service_end)
    if mark:  # "1. MRI of the lumbar spine: Upheld" is numbered, not named "1."
        service_start = mark.end()
    service_start, service_end = _without_title_label(text, service_start, service_end)
    if service_start >= service_end:
        return None
    draft = _ItemDraft(
        service=_found(text, service_start, service_end),
        outcome=outcome,
        block_start=block_start,
        body_start=marker.end(),
        modified_by_ur=modified,
    )
    if modified:
        authorized = _UR_AUTHORIZED.search(text, block_start, service_start)
        if authorized:
            group = "a" if authorized.group("a") else "b"
            draft.ur_authorized = _found(text, authorized.start(group), authorized.end(group))
    return draft


def _trim_end(text: str, lower: int, end: int) -> int:
    while end > lower and text[end - 1] in " \t\n.,;:":
        end -= 1
    return end


def _before_outcome_label(text: str, lower: int, end: int) -> int:
    """Where a title ends that a "Decision:" line (see :data:`_OUTCOME_LABEL`) follows."""
    line_start = text.rfind("\n", lower, end) + 1
    if line_start and _OUTCOME_LABEL.match(text, line_start, end):
        return _trim_end(text, lower, line_start)
    return end


def _without_title_label(text: str, start: int, end: int) -> tuple[int, int]:
    """The service in a title that opens with a label (see :data:`_TITLE_LABEL`), and ends
    before its outcome's label where that still stands on the title's line."""
    label = _TITLE_LABEL.match(text, start, end)
    if label is None:
        return start, end
    tail = _OUTCOME_LABEL_AFTER_LABELLED_TITLE.search(text, label.end(), end)
    if tail:
        end = tail.start()
        end = _before_trailing_is(text, label.end(), end)  # "<service> is Decision: Upheld"
    return label.end(), end


def _original_request_tails(text: str, start: int, end: int) -> list[_LoweredMatch]:
    if _lowered(text).find("original", start, end) < 0:
        return []
    return list(_ORIGINAL_REQUEST_TAIL.finditer(text, start, end))


_LONGEST_TITLE = 200
_TITLE_WINDOWS = (300, 1200)
"""Most titles fit the first window, all the second; looking only that far back is fast."""


def _title_start(text: str, lower: int, upper: int) -> int:
    """Where an item title begins: after the last boundary before its outcome."""
    for window in _TITLE_WINDOWS:
        if upper - lower > window:
            start = _boundary_after(text, upper - window, upper, lower_is_boundary=False)
            if start > upper - window:
                return start
    return _boundary_after(text, lower, upper, lower_is_boundary=True)


def _after_stated_outcomes(text: str, start: int, end: int) -> int:
    """Where a title block begins once lines in it that state an outcome are left behind.

    A title never runs on from a line ending in an outcome: such a line ("Decision:
    Overturned", a title with no headings after it) was text the letter holds, planted or
    not, and the item's title starts after it.
    """
    if text.find(":", start, end) < 0:  # nearly every title
        return start
    after = start
    for m in _OUTCOME_MARKER.finditer(text, start, end):
        line_end = _LINE_END_AFTER.match(text, m.end(), end)
        if line_end:
            after = line_end.end()
    return after if after == start else _skip_space(text, after, end)


def _title_paragraph_break(text: str, lower: int, upper: int) -> int:
    """The last blank line in [lower, upper) that ends a paragraph, or -1.

    PDF and OCR text sometimes leave a stray blank line inside a wrapped title ("... as
    needed for moderate to\\n\\nsevere pain #30: Upheld"). A paragraph does not open in
    mid-sentence: a blank line with a lower-case word after it, and no stop, colon or
    semicolon before it, is inside one, unless a rationale's conclusion ends the line before
    it ("... is not medically necessary\\n\\npurchase of a shower chair: Upheld").
    """
    paragraph = text.rfind("\n\n", lower, upper)
    while (
        paragraph > lower
        and text[paragraph - 1] not in ".:;!?"
        and text[paragraph + 2 : paragraph + 3].islower()
        and not _LIST_MARK.match(text, paragraph + 2, upper)  # "a) purchase of ..."
        and _conclusion_before(_lowered(text), lower, paragraph) is None
    ):
        paragraph = text.rfind("\n\n", lower, paragraph)
    return paragraph


def _boundary_after(text: str, lower: int, upper: int, *, lower_is_boundary: bool) -> int:
    """Where a title that ends at ``upper`` starts: after the last boundary in [lower, upper).

    Boundaries are a blank line, a sentence end and the end of a rationale's conclusion
    ("... are non-certified"), which is all that separates items once a letter loses its
    blank lines. A title is a heading and starts a line, so a boundary at a line end wins
    over a later sentence end in mid-line ("... not medically necessary.\nPain management
    consultation. Follow-up visits x3: Upheld" is one title), unless the later sentence
    reads like the rationale's (see :func:`_rationale_end_in_title`).

    ``lower_is_boundary`` says whether ``lower`` itself is one (the end of the previous
    rationale's label, or of the section's opening) or just where a search window begins.
    """
    start = lower
    paragraph = _title_paragraph_break(text, lower, upper)
    if paragraph >= 0:
        start = paragraph + 2
        lower_is_boundary = True
    # Sentence ends, the last first, back to the last one at a line end: none before it
    # can matter (the title starts at that one or later).
    stops: list[re.Match[str]] = []
    line_end = -1
    for m in reversed(list(_SENTENCE_STOP.finditer(text, start, upper))):
        if not _ends_abbreviation(text, m.start()):
            stops.append(m)
            if "\n" in m.group():
                line_end = m.end()
                break
    best = max(line_end, _last_conclusion(text, lower, start, upper))
    # Without a line end to go by (lines joined, or a window cut mid-text) the title still
    # starts where the rationale before it ends.
    line_known = best >= 0 or (lower_is_boundary and _opens_line(text, start, upper))
    best = _rationale_end_in_title(text, stops, max(best, start), upper, line_known=line_known)
    if not line_known:
        best = max(best, _conclusion_in_line(text, best, upper))
    return best if best == lower else _skip_space(text, best, upper)


def _conclusion_in_line(text: str, start: int, upper: int) -> int:
    """The end of the last rationale conclusion without a full stop in [start, upper), where
    lines were joined ("... the requested services are non-certified Request for eight (8)
    physical therapy sessions: Upheld"), or -1: a concluding word, then the next sentence's
    capital or digit, in a sentence with a verb (see :func:`_last_conclusion`)."""
    found = -1
    for m in _CONCLUDING_WORD.finditer(_lowered(text), start, upper):
        following = text[m.end() : m.end() + 1]
        if _opens_title(following, stopped="." in m.group()) and _CONCLUSION_VERB.search(
            text, max(start, m.start() - 120), m.start()
        ):
            found = m.end()
    return found


def _rationale_end_in_title(
    text: str, stops: list[re.Match[str]], best: int, upper: int, *, line_known: bool
) -> int:
    """A title is short, and names a treatment rather than saying something about it. Where a
    letter joined a title to the rationale before it ("... is not medically necessary. Norco
    10/325: Upheld"), the rationale's last sentence ends there: the last one that concludes or
    has a verb. Failing that, a title too long to be one, or one whose line start is unknown,
    starts after the last sentence end.

    ``stops`` are the sentence ends before ``upper``, the last first.
    """
    low = _lowered(text)
    after_best = [m for m in stops if m.end() > best]
    for k, m in enumerate(after_best):
        sentence_start = after_best[k + 1].end() if k + 1 < len(after_best) else best
        if _word_before(text, m.start()) in _CONCLUDING_WORDS or _PROSE_VERB.search(
            low, sentence_start, m.start()
        ):
            return m.end()
    if after_best and (not line_known or upper - best > _LONGEST_TITLE):
        return after_best[0].end()
    if upper - best > _LONGEST_TITLE:
        # No sentence end either: the rationale's last sentence lost its full stop and the
        # blank line after it. A title's own lines go on in lower case ("... Mumford,\n
        # rotator cuff repair"), so the last line opening with a capital or digit starts it.
        return _last_line_opening_a_title(text, best, upper)
    return best


def _last_line_opening_a_title(text: str, lower: int, upper: int) -> int:
    newline = text.rfind("\n", lower, upper)
    while newline >= 0:
        start = _skip_space(text, newline + 1, upper)
        if _opens_title(text[start : start + 1], stopped=False):
            return start
        newline = text.rfind("\n", lower, newline)
    return lower


def _last_conclusion(text: str, lower: int, start: int, upper: int) -> int:
    """The end of the last rationale conclusion at a line end in [start, upper), or -1.

    A conclusion is a word of :data:`_CONCLUSION_WORDS` standing as a word, then an
    optional full stop, spaces or tabs, the line break, and the next line's spaces, tabs
    and an opening quote or bracket (not past ``upper``). It counts when that next line
    opens with a capital or digit and its sentence has a verb. Line ends are looked at
    from the last; a regex matched from the end would try every position."""
    low = _lowered(text)
    stop = upper
    newline = low.rfind("\n", start, stop)
    while newline >= 0:
        word_start = _conclusion_before(low, start, newline)
        if word_start is not None:
            end = newline + 1
            while end < stop and low[end] in " \t":
                end += 1
            if end < stop and low[end] in '"(':
                end += 1
            following = text[end : end + 1]
            line_start = text.rfind("\n", lower, word_start) + 1
            sentence_start = max(line_start - 120, lower)
            stopped = low[word_start:newline].rstrip(" \t").endswith(".")
            opens = _opens_title(following, stopped=stopped) or _LIST_MARK.match(text, end, stop)
            if opens and _CONCLUSION_VERB.search(text, sentence_start, word_start):
                return end
            stop = word_start
        newline = low.rfind("\n", start, min(stop, newline))
    return -1


def _opens_title(following: str, *, stopped: bool) -> bool:
    """Whether the character after a rationale's conclusion can open the next title: a
    capital or a digit, or after a full stop any letter (a few titles start in lower case:
    "purchase of a bath/shower chair")."""
    return following.isupper() or following.isdigit() or (stopped and following.isalpha())


def _conclusion_before(low: str, start: int, newline: int) -> int | None:
    """Where a conclusion word that ends the line at ``newline`` starts (not before
    ``start``), or None. The letters before the line end (and any full stop, spaces or
    tabs) are the word: a hyphen ends them, so "non-certified" is found at "certified"."""
    end = newline
    while end > start and low[end - 1] in " \t":
        end -= 1
    if end > start and low[end - 1] == ".":
        end -= 1
    word_start = end
    while word_start > start and low[word_start - 1].isalpha():
        word_start -= 1
    if low[word_start:end] in _CONCLUSION_WORDS and (
        word_start == 0 or not is_word_char(low[word_start - 1])
    ):
        return word_start
    return None


def _at_line_start(text: str, pos: int) -> bool:
    """Whether only spaces and tabs stand between ``pos`` and the line break before it."""
    before = text.rfind("\n", 0, pos) + 1
    return not text[before:pos].strip(" \t")


def _opens_line(text: str, pos: int, upper: int) -> bool:
    return pos == 0 or text[pos - 1] == "\n" or "\n" in text[pos : _skip_space(text, pos, upper)]


def _word_before(text: str, period: int) -> str:
    """The word that ends at ``period`` (at most 40 characters of it), lowered; as the regex
    ``[\\w%)\\]'"]*$`` reads it, a line break just before the period ends the word."""
    floor = max(0, period - 40)
    end = period - 1 if period > floor and text[period - 1] == "\n" else period
    start = end
    while start > floor and (
        is_word_char(text[start - 1]) or text[start - 1] in _WORD_BEFORE_EXTRA
    ):
        start -= 1
    return text[start:end].lower().rstrip(".")


def _ends_abbreviation(text: str, period: int) -> bool:
    """Whether the period at ``period`` closes an abbreviation, an initial ("J. Smith") or a
    dose unit ("7.5mg. #60") rather than a sentence."""
    token = _word_before(text, period)
    unit = token.lstrip("0123456789")
    return len(token) <= 1 or token in _ABBREVIATIONS or (unit != token and unit in _ABBREVIATIONS)


def _modified_block_start(text: str, lower: int, title_start: int) -> int:
    """A modified request's title block opens with "<X> was the original request."."""
    found = [m for m in _WAS_THE_ORIGINAL_REQUEST.finditer(text, lower, title_start)]
    if not found:
        return title_start
    anchor = found[-1].start()
    return _title_start(text, lower, anchor)


def _rationale_label(text: str, start: int, end: int) -> _LoweredMatch | None:
    return (
        _DECISION_RATIONALE.search(text, start, end)
        or _EARLY_RATIONALE.search(text, start, end)
        or _SPLIT_LABELS[_DECISION_RATIONALE].search(text, start, end)
        or _RATIONALE_ALONE.search(text, start, end)
    )


def _rationale_label_start(text: str, at: int, floor: int) -> int:
    """Where the rationale label at ``at`` starts, with the words that may open it in early
    letters: "The Expert Reviewer's decision rationale:" is one label, not a guideline's end."""
    lower = max(floor, at - 40)
    if _lowered(text).find("reviewer", lower, at) < 0:  # nearly always: the label stands alone
        return at
    m = _WHOSE_LABEL.search(text, lower, at)
    return m.start() if m else at


def _fill_body(text: str, draft: _ItemDraft, body_end: int) -> None:
    body_start = draft.body_start
    ca = _label(text, _CA_GUIDELINE, body_start, body_end)
    mx = _label(text, _MAXIMUS_GUIDELINE, body_start, body_end) or _REVIEWER_GUIDELINE.search(
        text, ca.end() if ca else body_start, body_end
    )
    rationale = draft.rationale_label
    if draft.rationale_label_limit < body_end or (rationale and rationale.end() > body_end):
        rationale = _rationale_label(text, body_start, body_end)
    rationale_at = body_end
    if rationale:
        rationale_at = _rationale_label_start(text, rationale.start(), body_start)
    if ca:
        ca_end = mx.start() if mx and mx.start() > ca.end() else rationale_at
        draft.ca_guideline = _trimmed(text, ca.end(), ca_end)
    if mx:
        draft.maximus_guideline = _trimmed(text, mx.end(), rationale_at)
    if not ca and not mx:
        _early_guidelines(text, draft, body_start, rationale_at)
    if rationale:
        draft.rationale = _trimmed(text, rationale.end(), body_end)
    else:
        draft.extra_warnings.append(
            f"item {draft.service.value!r}: no 'Decision rationale:' section found"
        )
    if not draft.modified_by_ur and draft.rationale:
        low, (start, end) = _lowered(text), draft.rationale.span
        draft.modified_by_ur = (
            low.find("modif", start, end) >= 0 or low.find("partially", start, end) >= 0
        ) and bool(_UR_MODIFIED_IN_RATIONALE.search(draft.rationale.value))


def _label(text: str, label: _CI, start: int, end: int) -> _LoweredMatch | None:
    """An item's label, or failing that the same label with its words split by the PDF text."""
    return label.search(text, start, end) or _SPLIT_LABELS[label].search(text, start, end)


def _early_guidelines(text: str, draft: _ItemDraft, start: int, rationale_at: int) -> None:
    """Guidelines as early letters give them: "Medical Treatment Guideline(s) Used:" lines,
    as the 2013 notice does, or "The Claims Administrator based its decision on ..." and "The
    Expert Reviewer based his/her decision on ..." sentences."""
    used = list(_NOTICE_GUIDELINE.finditer(text, start, rationale_at))
    if used:
        _notice_guidelines(text, draft, used, rationale_at)
    else:
        _guideline_sentences(text, draft, start, rationale_at)


def _guideline_sentences(text: str, draft: _ItemDraft, start: int, end: int) -> bool:
    """Whose guideline is whose where sentences say it: "The Claims Administrator based its
    decision on ...", "The Expert Reviewer based his/her decision on ..."."""
    ca = _CA_BASED_ON.search(text, start, end)
    reviewer = _REVIEWER_BASED_ON.search(text, ca.end() if ca else start, end)
    if ca:
        draft.ca_guideline = _trimmed(text, ca.end(), reviewer.start() if reviewer else end)
    if reviewer:
        draft.maximus_guideline = _trimmed(text, reviewer.end(), end)
    return bool(ca or reviewer)


# --- Medical professional review layout -----------------------------------------------------
_PRO_HEADINGS = (
    _H_ISSUE_AT_DISPUTE,
    _H_PRO_CASE_SUMMARY,
    _H_PRO_DOCUMENTS,
    _H_PRO_GUIDELINES,
    _H_PRO_RATIONALE,
    _H_PRO_QUALIFICATIONS,
)
_LIST_ENTRY = re.compile(r"^[ \t]*" + _LIST_MARK_ALONE + r"[ \t]+", re.MULTILINE)
_EXPLICIT_OUTCOME = _ci(
    r"[\s:,.\-]*\(?\b(?P<outcome>" + _OUTCOME_WORDS + r"|uphold|overtu(?:rn|m)|reversed)\b"
    r"\)?\.?[ \t]*$"
)
_OUTCOME_IN_LIST = _ci(r":[ \t\n]*(?:" + _OUTCOME_WORDS + r")\b\.?")
# A list whose outcomes follow no colon ("<service>" over "Upheld") still ends each entry at
# its outcome word once its line breaks are gone.
_BARE_OUTCOME_IN_LIST = _ci(r"\b(?:" + _OUTCOME_WORDS + r")\b[).]*")
_VERDICT_SEPARATOR = r"[ \t]*(?::|\(|\s[-\u2013\u2014]\s)[ \t\n]*"
_VERDICT = _ci(_VERDICT_SEPARATOR + r"(?:" + _VERDICT_WORDS + r")[ \t]*\)?\.?[ \t]*$")
_VERDICT_IN_LIST = _ci(_VERDICT_SEPARATOR + r"(?:" + _VERDICT_WORDS + r")\b\)?\.?")
# An entry may state the decision in the words of the medical necessity standard, as the
# 2013 notice does ("... is not medically necessary and appropriate."), or ask the question
# the review answers ("Is the request for ... medically necessary?"): the service is what
# the request is for; "not" decides the outcome, and a question leaves it to the heading.
_NECESSITY_LEAD = _ci(
    r"(?P<ask>(?:is|was|whether)\s+)?(?:the\s+)?" + _REQUEST_FOR_WORDS + r"|(?P<whether>whether)\s+"
)
_NECESSITY_SENTENCE_END = _ci(r"\b" + _MEDICALLY_NECESSARY + r"\s*[.?]")
_NECESSITY_TAIL = _ci(
    r"\s+(?:(?P<verb>is|was|are|were)\s*(?P<not>not\s*)?)?"
    + _MEDICALLY_NECESSARY
    + r"\s*(?P<end>[.?]?)\s*$"
)


def _pro_section(text: str, heading: _CI) -> tuple[int, int] | None:
    m = heading.search(text)
    if not m:
        return None
    following = [h.search(text, m.end()) for h in _PRO_HEADINGS]
    ends = [f.start() for f in following if f]
    return m.end(), min(ends) if ends else len(text)


def _professional_review_items(text: str, notes: list[str]) -> list[_ItemDraft]:
    issues = _pro_section(text, _H_ISSUE_AT_DISPUTE)
    if issues is None:
        notes.append("the 'ISSUE AT DISPUTE:' section was not found")
        return []
    rationale_heading = _H_PRO_RATIONALE.search(text)
    default = Outcome.UPHELD
    if rationale_heading and not rationale_heading.group("not"):
        default = Outcome.OVERTURNED
    drafts = []
    inferred = 0
    for start, end in _issue_entries(text, *issues):
        outcome = None
        closing = _closing_outcome(text, start, end)
        if closing:
            outcome, end = closing
        else:
            stated = _NECESSITY_TAIL.search(text, start, end)
            if stated:
                lead = _NECESSITY_LEAD.match(text, start, stated.start())
                asked = stated.group("end") == "?" or (
                    lead is not None and lead.lastgroup in ("ask", "whether")
                )
                if asked or stated.group("verb"):
                    start = lead.end() if lead else start
                    end = stated.start()
                    if not asked:
                        outcome = Outcome.UPHELD if stated.group("not") else Outcome.OVERTURNED
        end = _before_outcome_label(text, start, _trim_end(text, start, end))
        end = _before_trailing_is(text, start, end)
        start, end = _without_title_label(text, start, end)
        if end > start:
            if outcome is None:
                outcome = default
                inferred += 1
            drafts.append(
                _ItemDraft(
                    service=_found(text, start, end),
                    outcome=outcome,
                    block_start=start,
                    body_start=end,
                )
            )
    guidelines = _pro_section(text, _H_PRO_GUIDELINES)
    rationale = _pro_section(text, _H_PRO_RATIONALE)
    for d in drafts:
        if guidelines:
            d.maximus_guideline = _trimmed(text, *guidelines)
        if rationale:
            d.rationale = _trimmed(text, *rationale)
    if drafts and not rationale:
        notes.append("the rationale section was not found")
    if inferred:
        heading = "its rationale heading" if rationale_heading else "the layout"
        notes.append(
            f"{inferred} item(s) of the issue list state no outcome; taken from {heading} "
            f"({default.value}): {OUTCOMES_TO_CHECK}"
        )
    if len(drafts) > 1 and rationale:
        notes.append("this layout gives one rationale for all items; each item carries it")
    return drafts


def _closing_outcome(text: str, start: int, end: int) -> tuple[Outcome, int] | None:
    """The outcome an issue entry (or line) ends in, by word ("Upheld") or verdict ("Not
    medically necessary", "Approved"), and where that starts."""
    explicit = _EXPLICIT_OUTCOME.search(text, start, end)
    if explicit:
        return _outcome_named(explicit.group("outcome")), explicit.start()
    verdict = _VERDICT.search(text, start, end)
    if verdict:
        return _verdict_outcome(verdict), verdict.start()
    return None


def _issue_entries(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The entries of the issue list. Where the list lost its line breaks ("1. Lumbar ESI:
    Upheld 2. Aquatic therapy: Upheld"), an entry holds an outcome with more after it: then
    each entry ends at its outcome instead. A list that states no outcome word may state
    each decision as a sentence ("... is not medically necessary."), which then ends it."""
    entries = list(_list_entries(text, start, end))
    outcomes = (
        list(_OUTCOME_IN_LIST.finditer(text, start, end))
        or list(_NECESSITY_SENTENCE_END.finditer(text, start, end))
        or list(_VERDICT_IN_LIST.finditer(text, start, end))
        or list(_BARE_OUTCOME_IN_LIST.finditer(text, start, end))
    )
    # The entries stand when each outcome ends its entry; one with more after it, or one
    # that runs over into the next entry (a list re-wrapped at another width), splits them.
    if not any(
        s <= m.start() < e and (m.end() > e or text[m.end() : e].strip())
        for m in outcomes
        for s, e in entries
    ):
        return entries
    split = []
    entry_start = start
    for m in outcomes:
        service_start = _skip_space(text, entry_start, m.start())
        mark = _LIST_MARK.match(text, service_start, m.start())
        split.append((mark.end() if mark else service_start, m.end()))
        entry_start = m.end()
    last = _LIST_MARK.match(text, _skip_space(text, entry_start, end), end)
    if last:  # one more entry, its outcome left unsaid: it runs to the paragraph's end
        para = _PARAGRAPH_BREAK.search(text, last.end(), end)
        split.append((last.end(), para.start() if para else end))
    return split


def _list_entries(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Entries of a list: numbered or bulleted when marked, else one per non-empty line."""
    marks = list(_LIST_ENTRY.finditer(text, start, end))
    if marks:
        # The first entry may stand on the heading's line ("ISSUE AT DISPUTE: 1. ...").
        first = _LIST_MARK.match(text, _skip_space(text, start, marks[0].start()))
        if first:
            yield first.end(), marks[0].start()
        for k, m in enumerate(marks):
            stop = marks[k + 1].start() if k + 1 < len(marks) else end
            para = _PARAGRAPH_BREAK.search(text, m.end(), stop)
            yield m.end(), para.start() if para else stop
        return
    # Unmarked, an entry is a line; but where the list states outcomes, an entry runs on to
    # the line that ends in its outcome: a title wrapped over lines, or one whose outcome
    # (labelled or not) stands on the next line. A paragraph break ends an entry regardless.
    lines = [
        (_skip_space(text, start + line.start(), start + line.end()), start + line.end())
        for line in re.finditer(r"[^\n]+", text[start:end])
        if line.group().strip()
    ]
    pending: list[tuple[int, int]] = []
    for s, e in lines:
        if pending and _PARAGRAPH_BREAK.search(text, pending[-1][1], s):
            yield from pending
            pending = []
        pending.append((s, e))
        if _closing_outcome(text, s, e):
            yield pending[0][0], e
            pending = []
    yield from pending


# --- The 2013 notice -------------------------------------------------------------------------
def _notice_items(text: str, notes: list[str]) -> list[_ItemDraft]:
    heading = _H_NOTICE_DECISIONS.search(text)
    matches = list(_NOTICE_ITEM.finditer(text, heading.end() if heading else 0))
    if not matches and heading:
        matches = list(_NOTICE_ITEM.finditer(text))
    chosen: dict[str, _LoweredMatch] = {}
    for m in matches:
        key = m.group("num") or fold_whitespace(m.group("service")).lower()
        chosen.setdefault(key, m)
    drafts = [
        _ItemDraft(
            service=_found(text, m.start("service"), m.end("service")),
            outcome=Outcome.UPHELD if m.group("not") is not None else Outcome.OVERTURNED,
            block_start=m.start(),
            body_start=m.end(),
        )
        for m in chosen.values()
    ]
    rationales = list(_NOTICE_RATIONALE.finditer(text))
    guidelines = list(_NOTICE_GUIDELINE.finditer(text))
    if drafts and len(rationales) == len(drafts):
        for k, d in enumerate(drafts):
            start = rationales[k].end()
            stop = rationales[k + 1].start() if k + 1 < len(rationales) else len(text)
            # The next item's own lines, its "Regarding the request ..." and its guideline
            # lines, stand between this rationale and the next one.
            for pattern in (_NOTICE_NEXT_ITEM, _NOTICE_GUIDELINE, _SECTION_TAIL):
                found = pattern.search(text, start, stop)
                if found:
                    stop = found.start()
            d.rationale = _trimmed(text, start, stop)
        # Each item's guideline lines stand between the previous rationale and its own.
        labels = iter(guidelines)
        label = next(labels, None)
        for d, r in zip(drafts, rationales, strict=True):
            own = []
            while label is not None and label.start() < r.start():
                own.append(label)
                label = next(labels, None)
            _notice_guidelines(text, d, own, r.start())
    elif drafts:
        notes.append("rationales could not be matched to the items of this 2013 notice")
    return drafts


def _notice_guidelines(
    text: str, draft: _ItemDraft, labels: list[_LoweredMatch], rationale_at: int
) -> None:
    """The guideline lines that come before an item's rationale: the claims administrator's
    where the label says so, or its sentence under a label that names no one; the reviewer's
    otherwise."""
    for k, label in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else rationale_at
        found = _trimmed(text, label.end(), end)
        by = (label.group("by") or "").lower()
        if "claims" in by or "administrator" in by:
            draft.ca_guideline = found
        elif by or not _guideline_sentences(text, draft, label.end(), end):
            draft.maximus_guideline = found


# --- Finishing an item -----------------------------------------------------------------------
def _finish_item(index: int, d: _ItemDraft, text: str, seen: dict[tuple[str, str], Draft]) -> Draft:
    spans: dict[str, Span] = {"service": d.service.span}
    citations: list[Draft] = []
    families: set[str] = set()
    pages: set[int] = set()
    for name, found, source in (
        ("claims_administrator_guideline", d.ca_guideline, "claims_administrator"),
        ("maximus_guideline", d.maximus_guideline, "maximus"),
    ):
        if found is None:
            continue
        spans[name] = found.span
        citation = _citation(found.value, source, seen)
        citations.append(citation)
        families.update(citation["families"])
        pages.update(citation["pages"])
    if d.rationale is not None:
        spans["rationale"] = d.rationale.span
    if d.ur_authorized is not None:
        spans["ur_authorized"] = d.ur_authorized.span
    return {
        "index": index,
        "service": d.service.value,
        "outcome": d.outcome,
        "claims_administrator_guideline": d.ca_guideline.value if d.ca_guideline else None,
        "maximus_guideline": d.maximus_guideline.value if d.maximus_guideline else None,
        "guideline_sources": sorted(families),
        "citations": citations,
        "pages": sorted(pages),
        "rationale": d.rationale.value if d.rationale else None,
        "modified_by_ur": d.modified_by_ur,
        "ur_authorized": d.ur_authorized.value if d.ur_authorized else None,
        "spans": spans,
    }


def _citation(line: str, source: str, seen: dict[tuple[str, str], Draft]) -> Draft:
    """A guideline line taken apart (a Citation's fields). ``seen`` holds the lines this
    letter already took apart: the claims administrator's and MAXIMUS's lines are often
    the same, item after item."""
    citation = seen.get((line, source))
    if citation is None:
        citation = seen[line, source] = {"source": source, **citation_parts(line)}
    return citation


# --- Header region and case summary (their facts: imr_llm.case_facts) ----------------------
def _header_region(text: str) -> str:
    """The letter before its first section: the header block, and in early letters the
    cover letter with its overall decision."""
    stop = (
        _H_HOW_MADE.search(text)
        or _H_CLINICAL_SUMMARY.search(text)
        # A letter that opens with its decisions has no header block in them to read.
        or _H_ISSUES.search(text)
        or _H_MAXIMUS_DECISIONS.search(text)
    )
    return text[: stop.start()] if stop else text[:3000]


def _case_summary(text: str) -> str:
    start = _H_CLINICAL_SUMMARY.search(text) or _H_PRO_CASE_SUMMARY.search(text)
    if start is None:
        start = _CASE_SUMMARY_LABEL.search(text)
    begin = start.end() if start else 0
    stop = None
    for pattern in (_H_ISSUES, _H_MAXIMUS_DECISIONS, _H_PRO_DOCUMENTS, _H_PRO_GUIDELINES):
        # Past a heading already found, another only counts if it starts first: look no
        # further than that, plus room for its own words (normalized text has no long runs
        # of whitespace inside a heading).
        m = pattern.search(text, begin) if stop is None else pattern.search(text, begin, stop + 300)
        if m and (stop is None or m.start() < stop):
            stop = m.start()
    return text[begin:stop] if stop else text[begin:]


# --- Small helpers ---------------------------------------------------------------------------
def _skip_space(text: str, pos: int, limit: int) -> int:
    while pos < limit and text[pos] in " \t\n":
        pos += 1
    return pos


def _found(text: str, start: int, end: int) -> _Found:
    return _Found(value=_fold_span(text[start:end]), span=(start, end))


def _fold_span(value: str) -> str:
    """``fold_whitespace(value)``, cheaper for normalized text: there, ASCII text's only
    whitespace is single spaces and line breaks (str.split() also splits on \\t \\r \\x0b \\x0c and
    \\x1c-\\x1f), so joining its lines folds it."""
    joined = value.replace("\n", " ")
    if (
        not joined.isascii()
        or "  " in joined
        or joined[:1] == " "
        or joined[-1:] == " "
        # The other ASCII whitespace, tested one by one: faster than any(map(...)).
        or "\t" in joined
        or "\r" in joined
        or "\x0b" in joined
        or "\x0c" in joined
        or "\x1c" in joined
        or "\x1d" in joined
        or "\x1e" in joined
        or "\x1f" in joined
    ):
        return fold_whitespace(value)
    return joined


def _trimmed(text: str, start: int, end: int) -> _Found | None:
    start = _skip_space(text, start, end)
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    if end <= start:
        return None
    return _found(text, start, end)
