"""The case's facts outside its items: the header block, the reviewer, the claimant."""

from __future__ import annotations

import re
from datetime import date

import pytest

import imr_llm
from imr_llm.case_facts import claimant_facts, reviewer
from tests.conftest import DATA, header_facts

_ROW_HEADER = """Case Number: CM17-0015348
Date Assigned: 01/25/2017 Date of Injury: 10/23/2016
Decision Date: 02/17/2017 UR Denial Date: 12/19/2016
Priority: Standard Application Received: 01/20/2017
"""
_COLUMN_HEADERS = {
    "labels_then_values": """Case Number:
Date Assigned:
Decision Date:
Priority:

CM17-0015348
01/25/2017
02/17/2017
Standard

Date of Injury:
10/23/2016
UR Denial Date: 12/19/2016
Application
01/20/2017
Received:
""",
    "a_value_before_its_label": """Case Number:
Date Assigned:
Decision Date:
Priority:
CM17-0015348
01/25/2017
02/17/2017
Standard
10/23/2016
Date of Injury:
UR Denial Date: 12/19/2016
01/20/2017
Application
Received:
""",
}


@pytest.mark.parametrize("joined", [False, True], ids=["lines", "joined_lines"])
@pytest.mark.parametrize("header", list(_COLUMN_HEADERS), ids=list(_COLUMN_HEADERS))
def test_a_header_table_read_a_column_at_a_time(header: str, joined: bool) -> None:
    body = (DATA / "seeds" / "001_4e69937d73cbfe0f.txt").read_text(encoding="utf-8")
    by_rows = imr_llm.parse(_ROW_HEADER + body)
    columns = _COLUMN_HEADERS[header]
    if joined:  # "Case Number: Date Assigned: ... CM17-0015348 01/25/2017 ..."
        columns = " ".join(columns.split()) + "\n\n"
    by_columns = imr_llm.parse(columns + body)
    assert header_facts(by_rows) == (
        "CM17-0015348",
        date(2017, 1, 25),
        date(2017, 2, 17),
        date(2016, 12, 19),
        date(2017, 1, 20),
        "Standard",
        date(2016, 10, 23),
    )
    assert header_facts(by_columns) == header_facts(by_rows)


@pytest.mark.parametrize(
    "written",
    [
        "{m}/{d}/{y}",
        "{m:02}-{d:02}-{y}",
        "{m}/{d}/{yy:02}",
        "{month} {d}, {y}",
        "{y}-{m:02}-{d:02}",
    ],
)
def test_header_dates_however_they_are_written(written: str) -> None:
    """Letters write "01/25/2017"; a converted letter or an export may give "2017-01-25"."""
    body = (DATA / "seeds" / "001_4e69937d73cbfe0f.txt").read_text(encoding="utf-8")

    def rewrite(m: re.Match[str]) -> str:
        day = date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        return written.format(
            m=day.month, d=day.day, y=day.year, yy=day.year % 100, month=day.strftime("%B")
        )

    header = re.sub(r"\b(\d\d)/(\d\d)/(\d{4})\b", rewrite, _ROW_HEADER)
    assert header_facts(imr_llm.parse(header + body)) == header_facts(
        imr_llm.parse(_ROW_HEADER + body)
    )


def test_a_header_column_that_does_not_add_up_gives_no_dates_rather_than_wrong_ones() -> None:
    """A stray date among the values (a letter date, say): which value is whose is unknown."""
    body = (DATA / "seeds" / "001_4e69937d73cbfe0f.txt").read_text(encoding="utf-8")
    header = _COLUMN_HEADERS["labels_then_values"].replace("Standard\n", "Standard\n02/20/2017\n")
    det = imr_llm.parse(header + body)
    assert (det.date_assigned, det.decision_date) == (None, None)
    # Values that are their labels' own: on the label's line, or between its two lines.
    assert (det.ur_denial_date, det.application_received) == (date(2016, 12, 19), date(2017, 1, 20))
    assert (det.case_number, det.priority) == ("CM17-0015348", "Standard")


def test_a_blank_header_value_leaves_the_others_where_they_are() -> None:
    body = (DATA / "seeds" / "001_4e69937d73cbfe0f.txt").read_text(encoding="utf-8")
    header = _ROW_HEADER.replace("Standard ", "").replace(
        "Date of Injury: 10/23/2016", "Date of Injury:"
    )
    det = imr_llm.parse(header + body)
    assert det.priority is None
    assert det.application_received == date(2017, 1, 20)
    assert (det.date_assigned, det.decision_date, det.ur_denial_date) == (
        date(2017, 1, 25),
        date(2017, 2, 17),
        date(2016, 12, 19),
    )


@pytest.mark.parametrize(
    ("header", "priority"),
    [
        ("Priority:\nCM17-0015348\n", None),
        ("Priority:\nApplication Received: 01/20/2017\n", None),
        ("Priority:\nCase Number: CM17-0015348\n", None),
        ("Priority: Expedited Application\nReceived: 01/20/2017\n", "Expedited"),
        ("Priority:\nStandard\n", "Standard"),
    ],
)
def test_a_priority_is_a_word_never_a_case_number_or_the_next_label(
    header: str, priority: str | None
) -> None:
    body = (DATA / "seeds" / "001_4e69937d73cbfe0f.txt").read_text(encoding="utf-8")
    assert imr_llm.parse(header + body).priority == priority


@pytest.mark.parametrize(
    ("phrase", "age"),
    [
        ("a 52-year-old man", 52),
        ("a 47 yo female", 47),
        ("a 59 y.o. male", 59),
        ("aged 61, she", 61),
        ("age: 38. He", 38),
        ("injured 3 years ago; he is a 44 year old", 44),
        ("a fifty-two year old female", 52),
        ("a Sixty-Five-Year-Old man", 65),
        ("an eighteen year old", 18),
        ("after twenty-four sessions, a forty year old", 40),
    ],
)
def test_the_claimants_age_in_its_usual_phrasings(phrase: str, age: int) -> None:
    raw = (DATA / "seeds" / "001_4e69937d73cbfe0f.txt").read_text(encoding="utf-8")
    raw = raw.replace("The claimant injured his low back", f"The claimant, {phrase}, injured it")
    assert imr_llm.parse(raw).claimant.age == age


def test_the_claimant_is_read_from_the_case_summary_and_the_header_date_comes_first() -> None:
    summary = "The injured worker is a 45 year old female who was injured on 3/14/2015."
    assert claimant_facts(summary, None) == {
        "age": 45,
        "sex": "female",
        "date_of_injury": date(2015, 3, 14),
    }
    assert claimant_facts(summary, date(2015, 3, 15))["date_of_injury"] == date(2015, 3, 15)


@pytest.mark.parametrize(
    "summary",
    [
        "The injured worker is a 55 year old male (DOB 1/1/1960) who was injured on 6/5/2013.",
        "The injured worker, born 01/01/1960, sustained an injury at work on 06/05/2013.",
        "The injured worker, date of birth 1/1/1960, had an industrial injury on 6/5/2013.",
    ],
)
def test_a_birth_date_beside_the_injury_words_is_not_the_date_of_injury(summary: str) -> None:
    assert claimant_facts(summary, None)["date_of_injury"] == date(2013, 6, 5)


@pytest.mark.parametrize(
    "states",
    [
        "California, Texas",
        "California and Texas",
        "California, and Texas",
        "CA & TX",
        "California;\nTexas",
    ],
)
def test_the_reviewer_is_read_from_the_credentials_block(states: str) -> None:
    block = f"State(s) of Licensure: {states}\nCertification(s)/Specialty: Orthopedic Surgery\n"
    assert reviewer(block) == {
        "specialties": ["Orthopedic Surgery"],
        "licensure": ["California", "Texas"],
    }


def test_a_licensure_value_that_names_no_states_stays_as_the_letter_gives_it() -> None:
    block = "State(s) of Licensure: Board of Behavioral Sciences and Nevada\n"
    assert reviewer(block)["licensure"] == ["Board of Behavioral Sciences and Nevada"]


@pytest.mark.parametrize(
    ("sentence", "specialties", "licensure"),
    [
        (
            "The expert reviewer is Board Certified in Anesthesiology, has a subspecialty in Pain"
            " Medicine and is licensed to practice in California and New York.",
            ["Anesthesiology", "Pain Medicine"],
            ["California", "New York"],
        ),
        # Professions without a board are licensed in them, then licensed in states.
        (
            "The expert reviewer is Licensed in Psychology and is licensed to practice in"
            " California.",
            ["Psychology"],
            ["California"],
        ),
        (
            "The expert reviewer is Licensed in Chiropractic, has a subspecialty in Acupuncture"
            " and is licensed to practice in California.",
            ["Chiropractic", "Acupuncture"],
            ["California"],
        ),
        # Or by the reviewer's title.
        (
            "The expert reviewer is a Board Certified Orthopedic Surgeon and is licensed to"
            " practice in California.",
            ["Orthopedic Surgeon"],
            ["California"],
        ),
        (
            "The expert reviewer is a Doctor of Chiropractic and is licensed to practice in"
            " California.",
            ["Chiropractic"],
            ["California"],
        ),
        (
            "The expert reviewer is a Licensed Acupuncturist and is licensed to practice in"
            " California.",
            ["Acupuncturist"],
            ["California"],
        ),
        # A state is where the reviewer may practice, never what they practice.
        (
            "The expert reviewer is licensed in CA, NV and has been in active practice.",
            [],
            ["California", "Nevada"],
        ),
    ],
)
def test_the_reviewer_is_read_from_the_sentence_that_states_the_credentials(
    sentence: str, specialties: list[str], licensure: list[str]
) -> None:
    assert reviewer(f"MAXIMUS Federal Services sent the case file to a reviewer. {sentence}") == {
        "specialties": specialties,
        "licensure": licensure,
    }
