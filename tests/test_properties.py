"""Properties over arbitrary text: only ImrError escapes, and every span reproduces its field."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import imr_llm
from imr_llm import ImrError
from tests.conftest import DATA, SEEDS

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
