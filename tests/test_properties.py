"""Properties over arbitrary text: only ImrError escapes, and every span reproduces its field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import imr_llm
from imr_llm import ImrError
from tests.conftest import DATA, LABELS, LETTERS, SEEDS, letter_facts
from tests.variants import DELIVERIES, VARIANTS, paged, rewrapped

# The samples and the constructed letters in the other layouts.
SAMPLES = [*SEEDS, *sorted((DATA / "layouts").glob("*.txt"))]

LETTER_WORDS = [
    "IMR ISSUES, DECISIONS AND RATIONALES\n",
    "Claims Administrator guideline: ",
    "MAXIMUS guideline: ",
    "Decision rationale: ",
    ": Upheld\n",
    ": Overturned\n",
    "original request, ",
    " was the original request. ",
    "1) MAXIMUS Federal Services, Inc. has determined the request for ",
    " is notmedically necessary and appropriate.",
    "ISSUE AT DISPUTE:\n",
    "Page 2 of 3\n",
    "\f",
    "\r\n",
    "non-\n",
    "Case Number: CM16-0000001\n",
    "Date of Injury: 13/45/2016\n",
    "Priority: Standard Application\nReceived:\n",
    "MAXIMUS FEDERAL SERVICES, INC. Notice of Independent Medical Review Determination\n",
    "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE\n",
    "Rationale for the Decision: ",
    "Medical Treatment Guideline(s) Used: ",
    "Medical Treatment Guideline(s) Used by the Claims Administrator: ",
    "2) Regarding the request for ",
    "MEDICAL PROFESSIONAL REVIEW\n",
    "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\n",
    "IMR DECISION(S) AND RATIONALE(S)\n",
    "CLINICAL CASE SUMMARY\n",
    "Board Certified in ",
    " and is licensed to practice in ",
    "State(s) of Licensure: ",
    "Certification(s)/Specialty: ",
    "Section(s): ",
    "Non-MTUS Citation ",
    ". ",
    "7.5mg. ",
    "\n\n\n",
    # A header block read by rows or by columns, lines kept or joined.
    "Date Assigned: ",
    "Decision Date:\n",
    "UR Denial Date: ",
    "Priority: ",
    "Application\n",
    "Received: ",
    "01/25/2017 ",
    "CM17-0015348\n",
    "Standard ",
    "HOW THE IMR FINAL DETERMINATION WAS MADE\n",
    "The original request ",
    " is: Upheld\n",
]
fragments = st.lists(st.one_of(st.sampled_from(LETTER_WORDS), st.text(max_size=40)), max_size=30)


def _check(text: str) -> None:
    try:
        det = imr_llm.parse(text)
    except ImrError:
        return
    for item in det.items:
        for name, (start, end) in item.spans.items():
            assert " ".join(det.text[start:end].split()) == getattr(item, name)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fragments)
def test_arbitrary_letter_like_text_raises_only_imr_errors(parts: list[str]) -> None:
    _check("".join(parts))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_arbitrary_unicode_raises_only_imr_errors(text: str) -> None:
    _check(text)


@settings(max_examples=120, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(SEEDS) + 2),
    st.integers(min_value=0),
    st.integers(min_value=0),
    st.text(max_size=60),
)
def test_a_real_letter_with_text_cut_and_inserted(
    seed: int, at: int, cut: int, insert: str
) -> None:
    raw = SAMPLES[seed].read_text(encoding="utf-8")
    at %= len(raw)
    cut = at + cut % 200
    _check(raw[:at] + insert + raw[cut:])


_HEADER_TRUTH = {
    "case_number": ("Case Number", "CM17-0015348"),
    "date_assigned": ("Date Assigned", "01/25/2017"),
    "date_of_injury": ("Date of Injury", "10/23/2016"),
    "decision_date": ("Decision Date", "02/17/2017"),
    "ur_denial_date": ("UR Denial Date", "12/19/2016"),
    "priority": ("Priority", "Standard"),
    "application_received": ("Application Received", "01/20/2017"),
}


def _header_values(det: imr_llm.Determination) -> dict[str, str | None]:
    dates = {
        name: getattr(det, name)
        for name in ("date_assigned", "decision_date", "ur_denial_date", "application_received")
    }
    found: dict[str, str | None] = {
        name: value and value.strftime("%m/%d/%Y") for name, value in dates.items()
    }
    return {**found, "case_number": det.case_number, "priority": det.priority}


@settings(max_examples=300, deadline=None)
@given(
    blank=st.sets(st.sampled_from(sorted(_HEADER_TRUTH)), max_size=3),
    by_columns=st.booleans(),
    joined=st.booleans(),
)
def test_a_header_value_never_goes_to_another_label(
    blank: set[str], by_columns: bool, joined: bool
) -> None:
    """However the header table was read (by rows or by columns, lines kept or joined) and
    whichever values are blank, a value found is its own label's; with none blank, every
    value is found."""
    labels = [f"{label}:" for label, _ in _HEADER_TRUTH.values()]
    values = [value if name not in blank else "" for name, (_, value) in _HEADER_TRUTH.items()]
    if by_columns:
        lines = [*labels[:4], *filter(None, values[:4]), *labels[4:], *filter(None, values[4:])]
    else:
        cells = [f"{label} {value}" for label, value in zip(labels, values, strict=True)]
        lines = [" ".join(cells[k : k + 2]) for k in range(0, len(cells), 2)]
    header = " ".join(lines) if joined else "\n".join(lines)
    det = imr_llm.parse(header + "\n\n" + SEEDS[1].read_text(encoding="utf-8"))
    found = _header_values(det)
    for name, value in found.items():
        assert value is None or value == _HEADER_TRUTH[name][1], name
    if not blank:
        assert all(found.values())


# Titles as letters name treatments: the labelled real letters' own, and more in their style,
# with the punctuation titles carry (doses, "#60", slashes, brackets, colons, abbreviations).
_TITLES = sorted(
    {service for label in LABELS.values() for service in label["services"]}
    | {
        "Norco 10/325mg #120",
        "Tramadol ER 150mg, #30",
        "Physical therapy x 12 (2x6)",
        "Home health care, 4 hours per day, 7 days per week",
        "Lumbar ESI L4-5 & L5-S1",
        "Toradol 60mg IM injection, DOS: 11/10/2016",
        "Compound cream: Flurbiprofen 20%/Lidocaine 5% 180gm",
        "Zolpidem 10mg #30; 1 refill",
        "Left knee arthroscopy / meniscectomy",
        "Dr. Smith follow up visit",
        "Fexmid 7.5mg. #60",
        "Retro. DOS 10/12/16 Ketoprofen cream",
        'Ondansetron ODT 8mg #30 "for nausea"',
        "Consult w/ Dr. Lee, spine surgeon",
        "purchase of a bath/shower chair",
    }
)
_UNMODIFIED = [
    path
    for path in sorted((LETTERS / "txt").glob("*.txt"))
    if not any(item.modified_by_ur for item in imr_llm.parse(path).items)
]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(_UNMODIFIED),
    st.lists(st.sampled_from(_TITLES), min_size=21, max_size=21),
    st.sampled_from(list(DELIVERIES)),
)
def test_any_title_is_read_back_under_any_delivery_quirk(
    path: Path, titles: list[str], variant: str
) -> None:
    det = imr_llm.parse(path)
    titles = titles[: len(det.items)]
    pieces, at = [], 0
    for item, title in zip(det.items, titles, strict=False):
        start, end = item.spans["service"]
        pieces += [det.text[at:start], title]
        at = end
    letter = "".join(pieces) + det.text[at:]
    got = imr_llm.parse(DELIVERIES[variant](letter))
    assert [(i.service, i.outcome) for i in got.items] == [
        (title, item.outcome) for title, item in zip(titles, det.items, strict=False)
    ]


# Every letter the project has, as text: samples, real letters (their text and OCR), layouts.
_ALL_TEXTS = [
    *SAMPLES,
    *sorted((LETTERS / "txt").glob("*.txt")),
    *sorted((LETTERS / "ocr").glob("*.txt")),
]
_LAYOUTS: dict[str, Callable[[str, int], str]] = {
    "as delivered": lambda raw, width: raw,
    "re-wrapped": lambda raw, width: rewrapped(raw, width=width),
    "single spaced": lambda raw, width: VARIANTS["single_spaced"](raw),
    "one line": lambda raw, width: VARIANTS["one_line"](raw),
}
_FOOTERS = ["Page {page} of {pages}", "{page}", "- {page} -", "Page {page}", "{page} of {pages}"]
_HEADERS = ["", "IMR Final Determination Letter", "Final Determination Letter for IMR Case Number"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(_ALL_TEXTS),
    content=st.sets(st.sampled_from(["unicode_punctuation", "planted_instructions"])),
    layout=st.sampled_from(sorted(_LAYOUTS)),
    width=st.integers(30, 110),
    pages=st.one_of(
        st.none(),
        st.tuples(
            st.integers(20, 60),
            st.sampled_from(_FOOTERS),
            st.sampled_from(_HEADERS),
            st.sampled_from(["\f", "\f\n", "\n\f"]),
        ),
    ),
    spaces=st.booleans(),
    crlf=st.booleans(),
)
def test_any_chain_of_delivery_quirks_changes_no_fact(
    path: Path,
    content: set[str],
    layout: str,
    width: int,
    pages: tuple[int, str, str, str] | None,
    spaces: bool,
    crlf: bool,
) -> None:
    """Quirks come together: a letter re-wrapped, then paged, with stray spaces and CRLF."""
    letter = path.read_text(encoding="utf-8")
    for name in sorted(content):  # these change the letter's text itself
        letter = VARIANTS[name](letter)
    delivered = _LAYOUTS[layout](letter, width)
    # A text with page breaks of its own keeps them; one page has no page break to tell its
    # bare page number from the letter's last line.
    if pages and "\f" not in letter and delivered.count("\n") > pages[0]:
        lines_per_page, footer, header, feed = pages
        delivered = paged(
            delivered, lines_per_page=lines_per_page, footer=footer, header=header, feed=feed
        )
    if spaces:
        delivered = " " + delivered.replace("\n", " \n  ")
    if crlf:
        delivered = VARIANTS["crlf"](delivered)
    assert letter_facts(imr_llm.parse(delivered)) == letter_facts(imr_llm.parse(letter))
