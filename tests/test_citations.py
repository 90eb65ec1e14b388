"""Guideline lines taken apart: the families cited, chapters, sections and pages."""

from __future__ import annotations

import pytest

import imr_llm
from imr_llm.citations import citation_parts
from tests.conftest import DATA, LETTERS


def test_a_guideline_line_gives_its_families_chapters_sections_and_pages() -> None:
    line = (
        "Decision based on MTUS ACOEM Chapter 12, Low Back Complaints 2004, pp. 303-305, "
        "Section(s): Special Studies. Decision based on Non-MTUS Citation Official "
        "Disability Guidelines (ODG), Low Back."
    )
    assert citation_parts(line) == {
        "families": ["ACOEM", "MTUS", "ODG"],
        "chapters": ["12"],
        "sections": ["Special Studies"],
        "pages": [303, 304, 305],
    }


@pytest.mark.parametrize(
    "cited",
    [
        "Section(s): Opioids, Page(s): 78-80.",
        "Section(s): Opioids; pages 78-80",
        "Section(s): Opioids pp. 78-80",
    ],
)
def test_a_section_ends_where_its_pages_begin(cited: str) -> None:
    parts = citation_parts(f"Decision based on MTUS Chronic Pain Medical Treatment 2016, {cited}")
    assert (parts["sections"], parts["pages"]) == (["Opioids"], [78, 79, 80])


def test_a_word_inside_another_names_no_family() -> None:
    assert citation_parts("Decision based on the Lodgers' Manual, page 4.")["families"] == []


def test_guideline_citations_are_taken_apart() -> None:
    det = imr_llm.parse(DATA / "seeds" / "002_093df6f7020966b8.txt")
    second = det.items[1]
    assert second.pages == [98, 99]
    assert [c.source for c in second.citations] == ["claims_administrator", "maximus"]
    assert second.citations[0].families == ["MTUS"]
    det = imr_llm.parse(DATA / "seeds" / "000_d369924a656f10dc.txt")
    assert det.items[0].citations[0].chapters == ["11"]


def test_a_real_letter_cites_pages_as_pg_and_page() -> None:
    # "... Low Back Disorders, pg. 607." and "... Examinations and Consultations, page 137."
    det = imr_llm.parse(LETTERS / "txt" / "CM16-0219557.txt")
    assert det.items[0].citations[1].pages == [607]
    det = imr_llm.parse(LETTERS / "txt" / "CM16-0248698.txt")
    assert det.items[3].citations[0].pages == [137]


def test_a_guideline_line_citing_two_guidelines_gives_each_its_section() -> None:
    # "... Low Back Complaints 2004, Section(s): Summary, and Chronic Pain Medical Treatment
    # 2016, Section(s): Facet blocks. ..."
    det = imr_llm.parse(LETTERS / "txt" / "CM16-0219557.txt")
    assert det.items[0].citations[1].sections == ["Summary", "Facet blocks"]


@pytest.mark.parametrize(
    ("cited", "pages", "families"),
    [
        ("Physical Medicine, pages 98-99, which is part of the MTUS.", [98, 99], ["MTUS"]),
        ("MTUS ACOEM Chapter 12, pp. 303-304, Table 12-8.", [303, 304], ["ACOEM", "MTUS"]),
        ("MTUS Chronic Pain, pgs 98-99.", [98, 99], ["MTUS"]),
        ("MTUS Chronic Pain, Page(s): 98, 99.", [98, 99], ["MTUS"]),
        (
            "American College of Occupational and Environmental Medicine Practice Guidelines, "
            "Chapter 12, page 304.",
            [304],
            ["ACOEM"],
        ),
    ],
)
def test_a_guideline_line_cites_pages_and_families_in_any_of_their_forms(
    cited: str, pages: list[int], families: list[str]
) -> None:
    raw = (DATA / "seeds" / "001_4e69937d73cbfe0f.txt").read_text(encoding="utf-8")
    old = "MAXIMUS guideline: Decision based on MTUS Acupuncture Treatment Guidelines."
    det = imr_llm.parse(raw.replace(old, f"MAXIMUS guideline: Decision based on {cited}"))
    maximus = det.items[0].citations[1]
    assert (maximus.source, maximus.pages, maximus.families) == ("maximus", pages, families)


@pytest.mark.parametrize(
    ("line", "families"),
    [
        (
            "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
            "Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG).",
            ["ODG"],
        ),
        (
            "The Expert Reviewer did not base their decision on the MTUS. Decision based on "
            "Non-MTUS Citation ACOEM Occupational Medicine Practice Guidelines, 3rd Edition.",
            ["ACOEM"],
        ),
        (
            "The decision was not based on the Medical Treatment Utilization Schedule. "
            "Decision based on Non-MTUS Citation https://www.example.org/review.",
            ["OTHER"],
        ),
        # Disclaimed once, cited again: the citation counts.
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2009, Section(s): Opioids. "
            "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG).",
            ["MTUS", "ODG"],
        ),
    ],
)
def test_a_guideline_line_that_disclaims_the_mtus_does_not_cite_it(
    line: str, families: list[str]
) -> None:
    raw = (DATA / "seeds" / "001_4e69937d73cbfe0f.txt").read_text(encoding="utf-8")
    old = "MAXIMUS guideline: Decision based on MTUS Acupuncture Treatment Guidelines."
    det = imr_llm.parse(raw.replace(old, f"MAXIMUS guideline: {line}"))
    assert det.items[0].citations[1].families == families


def test_items_decided_outside_the_mtus_do_not_list_it_among_their_sources() -> None:
    # Both lines: "based their decision on recommendation(s) outside of the MTUS Guidelines.
    # Decision based on Non-MTUS Citation ..."
    det = imr_llm.parse(LETTERS / "txt" / "CM16-0229336.txt")
    assert det.items[0].guideline_sources == ["ODG", "OTHER"]
