"""Claimant letters: every decision in plain words, deadlines from the letter's own dates."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import textstat

import imr_llm
from imr_llm import Determination
from tests.conftest import DATA, LETTERS, SEEDS

SPANISH_MARKERS = ("Qué puede hacer ahora", "Ayuda gratuita", "No es asesoría legal")


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_every_sample_gets_html_markdown_and_pdf_in_both_languages(path: Path) -> None:
    det = imr_llm.parse(path)
    for language in ("en", "es"):
        html = imr_llm.render_letter(det, format="html", language=language)
        md = imr_llm.render_letter(det, format="md", language=language)
        pdf = imr_llm.render_letter(det, format="pdf", language=language)
        assert pdf.startswith(b"%PDF-")
        for text in (html, md):
            for item in det.items:
                assert item.service in text.replace("&amp;", "&")
                decision = (
                    ("Aprobado" if language == "es" else "Approved")
                    if item.outcome.approved
                    else ("No aprobado" if language == "es" else "Not approved")
                )
                assert f"{decision}: " in text or f">{decision}<" in text
        if language == "es":
            assert all(marker in md for marker in SPANISH_MARKERS)
        else:
            assert textstat.flesch_kincaid_grade(md) <= 8


def test_sample_004_letter_says_what_was_approved_and_how_to_appeal() -> None:
    det = imr_llm.parse(DATA / "seeds" / "004_d3d3d7d6fe2d34a7.txt")
    md = imr_llm.render_letter(det, format="md")
    assert md.count("1 of 2 requests approved.") == 1
    assert "## Approved: One (1) initial evaluation for functional restoration program" in md
    assert "## Not approved: Unknown sessions of electro-acupuncture" in md
    assert "part of this request was approved. That part still stands." in md
    assert "within 30 days of the date the decision was mailed" in md
    assert "Information & Assistance" in md and "free help" in md
    assert "within 5 working days" in md
    # Sample 004 prints no decision date, so the letter gives the rule, never a date.
    assert "does not show a date" in md


def test_deadlines_are_computed_only_from_the_printed_decision_date() -> None:
    det = imr_llm.parse(LETTERS / "txt" / "CM16-0247405.txt")
    assert det.decision_date == date(2017, 1, 25)
    md = imr_llm.render_letter(det, format="md")
    assert "If the decision was mailed on January 25, 2017" in md
    assert "the 30 days end on February 24, 2017" in md
    assert "the last day is March 1, 2017" in md
    es = imr_llm.render_letter(det, format="md", language="es")
    assert "25 de enero de 2017" in es and "24 de febrero de 2017" in es


def test_a_letter_whose_items_may_be_incomplete_says_so_in_both_languages() -> None:
    raw = SEEDS[1].read_text(encoding="utf-8")
    det = imr_llm.parse(raw.replace("X-ray of the lumbar spine:  Upheld", "X-ray: Upheld (below)"))
    assert det.may_miss_items and len(det.items) == 1
    assert "We may have missed a decision" in imr_llm.render_letter(det, format="md")
    assert "We may have missed a decision" in imr_llm.render_letter(det)
    es = imr_llm.render_letter(det, format="md", language="es")
    assert "no hayamos leído todas las decisiones" in es
    complete = imr_llm.parse(raw)
    assert not complete.may_miss_items
    assert "We may have missed" not in imr_llm.render_letter(complete, format="md")


def test_a_letter_whose_outcomes_contradict_its_overall_decision_says_so() -> None:
    # Sample 001 upholds both items; a letter that says it overturned them all is in doubt.
    raw = "Final Determination: OVERTURN\n\n" + SEEDS[1].read_text(encoding="utf-8")
    det = imr_llm.parse(raw)
    assert det.may_misread_outcomes and not det.may_miss_items
    assert "We may have read a decision wrongly" in imr_llm.render_letter(det, format="md")
    assert "We may have read a decision wrongly" in imr_llm.render_letter(det)
    es = imr_llm.render_letter(det, format="md", language="es")
    assert "hayamos leído mal una decisión" in es
    plain = imr_llm.parse(SEEDS[1])
    assert not plain.may_misread_outcomes
    assert "read a decision wrongly" not in imr_llm.render_letter(plain, format="md")


def test_html_escapes_letter_text_and_has_a_print_stylesheet() -> None:
    det = imr_llm.parse(SEEDS[3])
    html = imr_llm.render_letter(det)
    assert "@media print" in html
    item = det.items[0].model_copy(update={"service": "<script>alert(1)</script>"})
    hostile = det.model_copy(update={"items": [item], "text": det.text})
    assert "<script>alert" not in imr_llm.render_letter(hostile)


def test_unknown_language_or_format_is_a_clear_error() -> None:
    det = imr_llm.parse(SEEDS[0])
    with pytest.raises(imr_llm.ConfigError):
        imr_llm.render_letter(det, language="fr")  # type: ignore[call-overload]
    with pytest.raises(imr_llm.ConfigError):
        imr_llm.render_letter(det, format="docx")  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "got NoneType"),
        ({"items": []}, "got dict"),
        (imr_llm.EmptyInputError("empty"), "got EmptyInputError .an input that could not be read"),
    ],
)
def test_anything_but_a_determination_is_a_type_error_saying_what_it_needs(
    value: object, message: str
) -> None:
    with pytest.raises(TypeError, match="render_letter needs a Determination from parse") as caught:
        imr_llm.render_letter(value)  # type: ignore[call-overload]
    assert caught.match(message)


def test_llm_explanations_replace_the_template_reasons() -> None:
    det = imr_llm.parse(SEEDS[0])
    item = det.items[0].model_copy(update={"reason": "Your doctor said you are stable now."})
    enriched: Determination = det.model_copy(update={"items": [item], "method": "llm"})
    assert "Your doctor said you are stable now." in imr_llm.render_letter(enriched, format="md")


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed"
)
def test_the_pdf_renders_to_a_picture(tmp_path: Path) -> None:
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(imr_llm.render_letter(imr_llm.parse(SEEDS[4]), format="pdf"))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    pages = list(tmp_path.glob("p*.png"))
    assert pages and pages[0].stat().st_size > 1000
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"1 of 2 requests\s+approved", text)
