"""Normalization keeps the letter and drops the delivery."""

from __future__ import annotations

import pytest

from imr_llm.normalize import normalize


def test_line_endings_form_feeds_and_bom() -> None:
    out = normalize("\ufeffFirst line\r\nSecond\rThird\fFourth\n").text
    assert out == "First line\nSecond\nThird\nFourth\n"


def test_unicode_punctuation_ligatures_and_spaces_become_plain() -> None:
    out = normalize("\u201cQuoted\u201d it\u2019s L4\u20135 \ufb01le\u00a0here\u200b").text
    assert out == '"Quoted" it\'s L4-5 file here\n'


def test_a_soft_hyphen_where_a_word_broke_over_lines_joins_the_word() -> None:
    assert normalize("Over\u00ad\nturned\n").text == "Overturned\n"
    assert normalize("non\u00ad\n  certified\n").text == "noncertified\n"
    assert normalize("pain\u00admanagement\n").text == "painmanagement\n"


def test_bullets_become_a_lists_dash() -> None:
    raw = "\u2022 MRI\n\u25e6 X-ray\n\u25aa CT\n\u27a2 EMG\n\u25cf NCV\n"
    assert normalize(raw).text == "- MRI\n- X-ray\n- CT\n- EMG\n- NCV\n"


def test_a_hyphen_at_a_line_end_joins_the_next_word() -> None:
    assert (
        normalize("the services are non-\ncertified\n").text == "the services are non-certified\n"
    )
    assert normalize("at L5-\n\nS1 level\n").text == "at L5-S1 level\n"


def test_a_hyphen_padded_out_to_the_next_word_joins_it() -> None:
    # pypdf's layout mode lays out "flare-up" broken where its line once ended.
    assert normalize("spine flare-    up:     Upheld\n").text == "spine flare-up: Upheld\n"
    assert normalize("every 4-     6 hours\n").text == "every 4-6 hours\n"
    # One space after a hyphen, or a dash between spaces, is the letter's own.
    assert normalize("pre- and post-operative\n").text == "pre- and post-operative\n"
    assert normalize("MTUS  -  Chronic Pain\n").text == "MTUS - Chronic Pain\n"


def test_page_footers_are_removed_and_reported() -> None:
    result = normalize("Some text\nPage 1 of 2\nMore text\n- 2 -\nEnd\n")
    assert result.text == "Some text\nMore text\nEnd\n"
    assert result.removed == ["2 page footer(s)"]


def test_a_page_break_joins_two_lines_and_keeps_the_letters_own_blank_lines() -> None:
    # pypdf ends a page's text with or without a newline; either way the lines just join.
    assert normalize("one\n\ftwo\n").text == "one\ntwo\n"
    assert normalize("one\ftwo\n").text == "one\ntwo\n"
    # An empty line at the foot or the head of a page is a paragraph break of the letter.
    assert normalize("one\n\n\ftwo\n").text == "one\n\ntwo\n"
    assert normalize("one \n\f \ntwo\n").text == "one\n\ntwo\n"


def test_page_furniture_leaves_no_blank_line_where_it_was() -> None:
    raw = "Title begins\nPage 1 of 2\n\fIMR Final Determination Letter\n\nand ends: Upheld\n"
    result = normalize(raw)
    assert result.text == "Title begins\nand ends: Upheld\n"
    assert result.removed == [
        "1 page footer(s)",
        "running page header ['IMR Final Determination Letter']",
    ]
    lines = [f"line {i}" for i in range(8)]
    double_spaced = (
        "\n\n".join(lines[:4])
        + "\n\nPage 1 of 2\n\n\fIMR Final Determination Letter\n\n"
        + "\n\n".join(lines[4:])
    )
    assert normalize(double_spaced).text == "\n".join(lines) + "\n"


def test_a_running_header_is_removed_only_where_it_opens_a_page() -> None:
    raw = "IMR Case CM16-0000001\nBody one\n\fIMR Case CM16-0000001\nBody two\n"
    result = normalize(raw)
    assert result.text.count("IMR Case CM16-0000001") == 1
    body = "Repeated sentence.\nRepeated sentence.\n\fRepeated sentence.\n"
    assert normalize(body).text.count("Repeated sentence.") == 3


def _pages(pages: list[str], *, head: str = "", foot: str = "", feed: str = "\f") -> str:
    """Pages joined by form feeds, each opened by ``head`` and closed by ``foot`` (``{k}``
    is the page's number; an empty one is left out)."""
    return feed.join(
        "\n".join(line for line in (head.format(k=k), page, foot.format(k=k)) if line)
        for k, page in enumerate(pages, start=1)
    )


def test_a_fax_line_that_counts_the_pages_is_a_running_header() -> None:
    pages = ["First page\nruns on", "second page\nruns on", "third page ends."]
    raw = _pages(pages, head="11/24/2016 10:15 FAX 5553334444 LAW OFFICE @{k:03d}/003")
    result = normalize(raw)
    top = "11/24/2016 10:15 FAX 5553334444 LAW OFFICE @001/003\n"  # page one's stays
    assert result.text == top + "First page\nruns on\nsecond page\nruns on\nthird page ends.\n"
    assert any("running page header" in note for note in result.removed)


def test_a_running_footer_is_removed_where_it_closes_pages() -> None:
    for footer in ["SMITH-000{k}", "CONFIDENTIAL - Page {k} of 3", "Printed 11/24/2016 - {k}"]:
        pages = ["A title that", "runs on: Upheld\n\nMore text", "and the end."]
        raw = _pages(pages, foot=footer, feed="\n\f")
        result = normalize(raw)
        assert result.text == "A title that\nruns on: Upheld\n\nMore text\nand the end.\n"
        assert any("running page footer" in note for note in result.removed)


def test_titles_that_differ_only_in_a_number_are_no_running_furniture() -> None:
    """Two items for the same drug, each title at a page's foot (or head): their numbers
    do not count the pages, as a fax line's or a Bates stamp's do."""
    at_feet = (
        "Intro text.\nNorco 10/325mg #60: Upheld\f"
        "Claims Administrator guideline: MTUS.\nNorco 10/325mg #90: Upheld\f"
        "Claims Administrator guideline: MTUS.\nthe end.\n"
    )
    at_heads = (
        "Intro text.\fNorco 10/325mg #60: Upheld\nClaims Administrator guideline: MTUS.\f"
        "Norco 10/325mg #90: Upheld\nClaims Administrator guideline: MTUS.\n"
    )
    for raw in (at_feet, at_heads):
        assert normalize(raw).text == raw.replace("\f", "\n")


def test_running_furniture_of_two_lines_goes_a_line_at_a_time() -> None:
    pages = ["A title that", "runs on: Upheld", "the end."]
    raw = _pages(pages, head="RECEIVED\nFAX @{k:03d}/003", foot="CONFIDENTIAL\nBates {k}")
    result = normalize(raw)
    assert result.text == "RECEIVED\nFAX @001/003\nA title that\nruns on: Upheld\nthe end.\n"
    assert "running page header ['FAX @002/003', 'FAX @003/003', 'RECEIVED']" in result.removed


def test_a_line_that_closes_pages_is_no_running_footer_unless_it_numbers_them() -> None:
    for raw in [
        "Page one ends with\nLine 1\fpage two ends with\nsomething else\fpage three\n",
        "One page\nis not medically necessary\fanother\nis not medically necessary\fthe end\n",
    ]:
        assert normalize(raw).text == raw.replace("\f", "\n")


def test_a_line_of_the_body_that_opens_two_pages_of_many_is_not_a_running_header() -> None:
    """A header opens most pages; in a long letter two items' guideline lines may open two."""
    line = "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,"
    pages = [f"Text of page {n}.\n" for n in range(10)]
    pages[3] = line + "\n" + pages[3]
    pages[7] = line + "\n" + pages[7]
    assert normalize("\f".join(pages)).text.count(line) == 2
    header = "IMR Final Determination Letter"
    headed = "\f".join(f"{header}\n{page}" if n else page for n, page in enumerate(pages))
    assert header not in normalize(headed).text


def test_a_case_number_alone_at_the_top_of_the_only_other_page_is_a_running_header() -> None:
    raw = "Some text\nthat runs on\fCM16-0219557\nover the page\n"
    assert normalize(raw).text == "Some text\nthat runs on\nover the page\n"
    heading = "Some text\n\fCLINICAL CASE SUMMARY\nThe claimant\n"
    assert "CLINICAL CASE SUMMARY" in normalize(heading).text


def test_double_spacing_is_undone_and_paragraph_breaks_kept() -> None:
    lines = [f"line {i}" for i in range(8)]
    raw = "\n\n".join(lines[:4]) + "\n\n \n\n" + "\n\n".join(lines[4:]) + "\n"
    out = normalize(raw)
    assert out.text == "\n".join(lines[:4]) + "\n\n" + "\n".join(lines[4:]) + "\n"
    assert "double spacing" in out.removed


def test_triple_spacing_is_undone_too() -> None:
    lines = [f"line {i}" for i in range(8)]
    raw = "\n\n\n".join(lines[:4]) + "\n\n\n\n\n" + "\n\n\n".join(lines[4:]) + "\n"
    out = normalize(raw)
    assert out.text == "\n".join(lines[:4]) + "\n\n" + "\n".join(lines[4:]) + "\n"


def test_numbers_that_look_like_footers_inside_text_survive() -> None:
    assert "2/2" in normalize("reflexes\n2/2\nnext\n").text


def test_a_bare_page_number_next_to_its_page_break_is_a_footer() -> None:
    # At the foot of its page, at the head of the next, and at the end of the last page.
    result = normalize("one\n1\n\ftwo\n\f3\nthree\n3\n")
    assert result.text == "one\ntwo\nthree\n"
    assert result.removed == ["3 page footer(s)"]
    # Counted by the letter's own page breaks, not the footers marked before them.
    assert normalize("one\nPage 1 of 3\n\ftwo\n2\n\fend\n").text == "one\ntwo\nend\n"
    # Where the cover page is unnumbered, each number is one less than its page's.
    assert normalize("cover\n\fone\n1\n\ftwo\n2\n").text == "cover\none\ntwo\n"


def test_a_number_that_is_not_its_pages_number_stays() -> None:
    assert normalize("a list\n1\nitem\n").text == "a list\n1\nitem\n"  # no page break
    assert normalize("x\n7\n\fy\n").text == "x\n7\ny\n"
    assert normalize("a\n\fb\nfor a total of\n12\n").text == "a\nb\nfor a total of\n12\n"


def test_bare_numbers_that_count_the_pages_are_page_breaks_without_form_feeds() -> None:
    # Text copied from a PDF viewer: no form feeds, each page closed by its number and the
    # next opened by the running header, which then goes too.
    header = "Final Determination Letter for IMR\nCase Number CM16-0000000"
    page = "\n".join(f"line {n} of the letter" for n in range(20))
    raw = f"{header}\n{page}\n1\n{header}\n{page}\nA title that\n2\n{header}\nruns on: Upheld\n"
    result = normalize(raw)
    assert result.text == f"{header}\n{page}\n{page}\nA title that\nruns on: Upheld\n"
    assert "2 page footer(s)" in result.removed


@pytest.mark.parametrize("number", ["[{n}]", "{n}/3"])
def test_page_numbers_in_brackets_or_of_a_count_are_page_breaks_without_form_feeds(
    number: str,
) -> None:
    page = "\n".join(f"line {n} of the letter" for n in range(20))
    first, second = (number.format(n=n) for n in (1, 2))
    raw = f"{page}\n{first}\n{page}\nA title that\n{second}\nruns on: Upheld\n"
    assert normalize(raw).text == f"{page}\n{page}\nA title that\nruns on: Upheld\n"


@pytest.mark.parametrize(
    "footer",
    ["Page {n} of 3 CM16-0000000", "CONFIDENTIAL - Page {n} of 3", "{n} | P a g e", "Pg. {n}"],
)
def test_footers_that_name_the_page_among_other_words_go_without_page_breaks(
    footer: str,
) -> None:
    # Text copied from a PDF viewer: no form feeds. Such a footer is known by repeating,
    # its page number one more each time; the running header under it then goes too.
    header = "IMR Final Determination Letter"
    page = "\n".join(f"line {n} of the letter" for n in range(20))
    feet = [footer.format(n=n) for n in (1, 2, 3)]
    raw = (
        f"{page}\n{feet[0]}\n{header}\n{page}\nA title that\n{feet[1]}\n{header}\n"
        f"runs on: Upheld\n{feet[2]}\n"
    )
    result = normalize(raw)
    assert result.text == f"{page}\n{page}\nA title that\nruns on: Upheld\n"
    assert "3 page footer(s)" in result.removed


def test_a_letter_whose_lower_case_is_longer_loses_only_its_footers() -> None:
    # "\u0130".lower() is two characters: positions found in lowered text must still fit.
    page = "\n".join(f"\u0130line {n} of the letter" for n in range(20))
    raw = f"{page}\nPage 1 of 2 CM16-0000000\n{page}\nPage 2 of 2 CM16-0000000\n"
    assert normalize(raw).text == f"{page}\n{page}\n"


def test_lines_that_count_pages_closer_together_than_pages_are_the_letters_own() -> None:
    raw = "a list:\npage 1 of the MTUS\nand\npage 2 of the MTUS\nthe end\n"
    assert normalize(raw).text == raw


@pytest.mark.parametrize(
    "line",
    [
        "Page(s): 98-99.",  # a guideline citation, the same on two items
        "as on page 2 of the report",  # the same page named twice
    ],
)
def test_a_line_that_names_a_page_stays_unless_it_is_a_footer_that_counts_pages(
    line: str,
) -> None:
    body = "\n".join(
        f"line {n} of the letter, long enough to be the letter's own text" for n in range(20)
    )
    raw = f"{body}\n{line.format(n=1)}\n{body}\n{line.format(n=2)}\nthe end\n"
    assert normalize(raw).text == raw


@pytest.mark.parametrize(
    "raw",
    [
        "a list\n1\nitem\n2\nitem\n",  # too close together to be pages
        "\n".join(["x"] * 20 + ["1"] + ["y"] * 20 + ["3"] + ["z"]),  # not counting
        "\n".join(["x"] * 20 + ["5"] + ["y"] * 20 + ["6"] + ["z"]),  # not from page one
        "\n".join(["x"] * 20 + ["2"] + ["y"] * 20),  # one alone
    ],
)
def test_numbers_alone_on_lines_that_do_not_count_pages_stay(raw: str) -> None:
    assert normalize(raw).text == raw.strip("\n") + "\n"


def test_the_margins_around_page_furniture_do_not_split_a_title_over_the_page() -> None:
    header = "IMR Final Determination Letter"
    for page_turn in [
        f"\f\n{header}\n\n",  # a form feed on a line of its own, a running header
        f"\n\f\n\n{header}\n",
        "\n1\n\n\f\n",  # a bare page number with a margin under it
        "\nPage 2 of 3\n \f \n",
        f"\n\f\n2\n\n{header}\n",  # the number at the head of the page
    ]:
        raw = f"{header}\nend.\n\nA title that\n{page_turn}runs on: Upheld\n"
        assert normalize(raw).text == f"{header}\nend.\n\nA title that\nruns on: Upheld\n"


def test_a_sentence_that_opens_a_page_and_names_the_imr_is_no_letterhead() -> None:
    raw = (
        "Ibuprofen 600mg #90 was authorized by the Claims Administrator.\n\f"
        "The remaining IMR eligible portion of the original request, Two\n"
        "refills of Ibuprofen 600mg #90 is: Upheld\n"
    )
    assert normalize(raw).text == raw.replace("\f", "")
    assert normalize("Text\n\fIMR Final Determination Letter\nmore\n").text == "Text\nmore\n"


def test_a_line_that_opens_pages_and_stands_in_the_body_too_is_no_running_header() -> None:
    """Each item opens with the same guideline line: where two items start a page, that
    line opens two pages of three, and it is still the letter's."""
    line = "Claims Administrator guideline: The Claims Administrator based their decision on"
    items = [f"Item {n}: Upheld\n{line}\nODG.\nDecision rationale: Reason {n}.\n" for n in range(5)]
    raw = "".join(items).replace("Item 1: Upheld\n", "Item 1: Upheld\n\f")
    raw = raw.replace("Item 3: Upheld\n", "Item 3: Upheld\n\f")
    assert normalize(raw).text == "".join(items)
    header = "IMR Case CM16-0000001"
    headed = "\f".join(f"{header}\n{item}" for item in items)
    assert normalize(headed).text.count(header) == 1  # the first page's letterhead


def test_an_items_lines_that_open_pages_are_the_letters_however_few_items_there_are() -> None:
    """Two items decided on the same guideline, or asking for the same thing, may each
    start a page: the line that opens them is the letter's even under a running header."""
    guideline = "Claims Administrator guideline: The Claims Administrator based their decision on"
    title = "EMG/NCV of the bilateral lower extremities: Upheld"
    for opening in [guideline, title]:
        pages = ["Intro\nItem A: Upheld", f"{opening}\nODG.", f"{opening}\nODG, again."]
        assert normalize(_pages(pages)).text.count(opening) == 2
        header = "IMR Final Determination Letter"
        result = normalize(_pages(pages, head=header))
        assert result.text.count(opening) == 2
        assert result.text.count(header) == 1  # page one's letterhead; the others go


def test_a_sentence_that_runs_on_from_the_top_of_two_pages_is_no_running_header() -> None:
    """Two items' guideline sentences, wrapped alike, may each open a page of three; a line
    that ends in a comma runs on, as no header does."""
    line = "The Expert Reviewer based his/her decision on MTUS Chronic Pain Medical Treatment 2016,"
    pages = [f"Item {n}: Upheld\n\f{line}\nSection(s): Physical medicine.\n" for n in range(2)]
    raw = "Letter\n" + "".join(pages)
    assert normalize(raw).text.count(line) == 2


def test_a_company_name_ending_in_inc_can_be_a_running_header() -> None:
    """The stop of "Inc." ends a name, not a sentence that runs on."""
    header = "MAXIMUS FEDERAL SERVICES, INC."
    pages = [f"{header}\nText of page {n}.\nPage {n + 1} of 3\n" for n in range(3)]
    raw = "\n".join(pages)  # no form feeds: the footers mark the page breaks
    assert normalize(raw).text.count(header) == 1  # the first page's letterhead
    sentence = "The request was reviewed by MAXIMUS Federal Services, Inc."
    body = "\f".join(f"{sentence}\nText of page {n}.\n" for n in range(3))
    assert normalize(body).text.count(sentence) == 3
    # Seen once, atop a page after the first, the name is letterhead too.
    raw = "Text of page 1.\n\fMAXIMUS FEDERAL SERVICES, INC.\nText of page 2.\n"
    assert normalize(raw).text == "Text of page 1.\nText of page 2.\n"


def test_an_item_label_that_opens_the_last_page_is_no_letterhead() -> None:
    raw = (
        "Non-MTUS Citation Official Disability Guidelines:\nIndications for imaging\n\f\n"
        "MAXIMUS guideline: Decision based on MTUS ACOEM Chapter 12\nLow Back Complaints.\n"
    )
    assert "MAXIMUS guideline: Decision based on" in normalize(raw).text
    assert normalize("Text\n\fIMR Case Number: CM16-0000001\nmore\n").text == "Text\nmore\n"


def test_markdown_from_a_pdf_converter_becomes_the_letters_text() -> None:
    result = normalize(
        "| Case Number: | CM16-0233794 |\n|---|---|\n| Priority: | Standard |\n\n"
        "## IMR ISSUES, DECISIONS AND RATIONALES\n"
        "**MRI of the Left shoulder without contrast: Upheld**\n"
        "**Decision rationale:** Not indicated.\n"
    )
    assert result.text == (
        "Case Number: CM16-0233794\nPriority: Standard\n\n"
        "IMR ISSUES, DECISIONS AND RATIONALES\n"
        "MRI of the Left shoulder without contrast: Upheld\n"
        "Decision rationale: Not indicated.\n"
    )
    assert result.removed == ["Markdown markup"]


def test_a_letters_own_marks_are_no_markdown() -> None:
    """A quantity may open a wrapped line ("#60"), and OCR reads a box's edge as "|"."""
    letter = "Norco 10/325mg\n#60: Upheld\nUR Denial Date: |\n| 11/18/2016\n"
    result = normalize(letter)
    assert result.text == letter
    assert result.removed == []


def test_a_letter_quoted_in_an_e_mail_loses_its_quote_marks() -> None:
    result = normalize(
        "See below.\n\n> X-ray of the lumbar spine: Upheld\n> > Decision rationale:\n"
    )
    assert result.text == "See below.\n\nX-ray of the lumbar spine: Upheld\nDecision rationale:\n"
    assert result.removed == ["e-mail quote marks"]
    # A line of the letter's own may open with ">"; most of them do not.
    letter = "Pain for\n> 6 months.\nX-ray of the lumbar spine: Upheld\n"
    assert normalize(letter).text == letter
