"""Reading files: every unreadable input is a typed error with a message a person can act on."""

from __future__ import annotations

import html
import os
import threading
from pathlib import Path

import pytest

import imr_llm
from imr_llm.errors import (
    BinaryInputError,
    EmptyInputError,
    ImrError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    NotADeterminationError,
    PdfError,
)
from imr_llm.reading import MAX_INPUT_BYTES, read, read_bytes
from tests.conftest import LETTERS, SEEDS


def test_text_and_pdf_give_the_same_items() -> None:
    txt = imr_llm.parse(LETTERS / "txt" / "CM16-0231745.txt")
    pdf = imr_llm.parse(LETTERS / "pdf" / "CM16-0231745.pdf")
    assert [(i.service, i.outcome) for i in pdf.items] == [
        (i.service, i.outcome) for i in txt.items
    ]


@pytest.mark.parametrize("path", [SEEDS[0], LETTERS / "pdf" / "CM16-0231745.pdf"])
def test_what_read_returns_parses_as_the_file_does(path: Path) -> None:
    raw = imr_llm.read(path)
    assert imr_llm.parse(raw) == imr_llm.parse(path)
    renamed = imr_llm.parse(raw, source="renamed.txt")
    assert (renamed.source, renamed.sha256) == ("renamed.txt", raw.sha256)


def test_what_read_returns_keeps_its_warnings(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(SEEDS[0].read_text(encoding="utf-8").replace("-", "\u2013").encode("cp1252"))
    raw = imr_llm.read(path)
    assert raw.warnings
    assert set(raw.warnings) <= set(imr_llm.parse(raw).warnings)


def test_sha256_is_of_the_raw_bytes() -> None:
    import hashlib

    raw = read(SEEDS[0])
    assert raw.sha256 == hashlib.sha256(SEEDS[0].read_bytes()).hexdigest()


def test_cp1252_text_reads_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(SEEDS[0].read_text().replace("evidenced", "evidenc\u00e9d").encode("cp1252"))
    det = imr_llm.parse(path)
    assert any("cp1252" in w for w in det.warnings)
    assert len(det.items) == 1


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", EmptyInputError),
        (b"   \n\t  \n", EmptyInputError),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), BinaryInputError),
        (b"%PDF-1.4\n garbage that is no pdf", PdfError),
        (b"Dear friend, here is a recipe for bread.\n", NotADeterminationError),
    ],
    ids=["empty", "blank", "binary", "broken-pdf", "not-imr"],
)
def test_bad_inputs_raise_typed_errors(
    tmp_path: Path, content: bytes, error: type[ImrError]
) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        imr_llm.parse(path)
    assert caught.value.message
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "save the letter as PDF or plain text"),
        (b"{\\rtf1\\ansi IMR ISSUES, DECISIONS AND RATIONALES}", "rich-text"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "needs OCR first"),
        (b"II*\x00\x08\x00\x00\x00", "needs OCR first"),
        (b"\x1f\x8b\x08\x00", "decompress it first"),
    ],
    ids=["docx", "rtf", "jpeg", "tiff", "gzip"],
)
def test_a_document_the_reader_does_not_read_is_named_with_what_to_do(
    tmp_path: Path, content: bytes, says: str
) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(content)
    with pytest.raises(BinaryInputError) as caught:
        imr_llm.parse(path)
    assert says in caught.value.message


def _as_html(raw: str, style: str) -> str:
    lines = [html.escape(line).replace(" ", "&nbsp;", 1) for line in raw.splitlines()]
    if style == "paragraphs":
        body = "\n".join(f"<p>{line}</p>" if line.strip() else "<p></p>" for line in lines)
    elif style == "line_breaks":
        body = "<div>" + "<br>\n".join(lines) + "</div>"
    else:  # preformatted: the text as it is, in one <pre>
        body = "<pre>" + html.escape(raw) + "</pre>"
    return (
        "<!DOCTYPE html>\n<html><head><title>IMR letter: Upheld</title>"
        "<style>p { margin: 0 }</style></head>\n"
        f"<body>{body}<script>document.title = 'Overturned';</script></body></html>"
    )


@pytest.mark.parametrize("style", ["paragraphs", "line_breaks", "preformatted"])
@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_a_letter_saved_as_html_reads_as_its_text(tmp_path: Path, path: Path, style: str) -> None:
    raw = path.read_text(encoding="utf-8")
    page = tmp_path / "letter.html"
    page.write_text(_as_html(raw, style), encoding="utf-8")
    det, expected = imr_llm.parse(page), imr_llm.parse(raw)
    assert [(i.service, i.outcome, i.rationale) for i in det.items] == [
        (i.service, i.outcome, i.rationale) for i in expected.items
    ]
    assert (det.reviewer, det.claimant) == (expected.reviewer, expected.claimant)
    assert any("HTML" in w for w in det.warnings)


def test_a_missing_file() -> None:
    with pytest.raises(InputNotFoundError):
        read("/no/such/letter.txt")


@pytest.mark.parametrize("name", ["CM16-0231745.txt", "letters/scan.PDF", "C:\\IMR\\letter.html"])
def test_a_missing_file_named_as_a_string_is_no_such_file_not_a_bad_letter(name: str) -> None:
    with pytest.raises(InputNotFoundError, match="no such file"):
        imr_llm.parse(name)


@pytest.mark.parametrize("kind", ["txt", "pdf"])
def test_a_files_bytes_parse_as_the_file_does(kind: str) -> None:
    path = LETTERS / kind / f"CM16-0231745.{kind}"
    from_bytes = imr_llm.parse(path.read_bytes(), source="upload")
    from_path = imr_llm.parse(path)
    assert from_bytes.source == "upload"
    assert from_bytes.model_dump(exclude={"source"}) == from_path.model_dump(exclude={"source"})


def test_bytes_that_are_no_letter_get_the_files_errors() -> None:
    with pytest.raises(EmptyInputError):
        imr_llm.parse(b"")
    with pytest.raises(BinaryInputError, match="PNG"):
        imr_llm.parse(bytearray(b"\x89PNG\r\n\x1a\n" + bytes(64)))


@pytest.mark.parametrize("value", [None, 42, ["a letter"]])
def test_a_value_that_is_no_letter_at_all_is_a_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="expected letter text, a path, a file's bytes"):
        imr_llm.parse(value)  # type: ignore[arg-type]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_reads_like_a_file(tmp_path: Path) -> None:
    """``imr-llm parse /dev/stdin`` and ``<(pdftotext letter.pdf -)`` hand the reader a pipe."""
    pipe = tmp_path / "letter.fifo"
    os.mkfifo(pipe)
    data = SEEDS[0].read_bytes()
    writer = threading.Thread(target=pipe.write_bytes, args=(data,))
    writer.start()
    try:
        raw = read(pipe)
    finally:
        if writer.is_alive():  # read never opened the pipe: open it, or the writer waits forever
            os.close(os.open(pipe, os.O_RDONLY | os.O_NONBLOCK))
        writer.join()
    assert raw.sha256 == read(SEEDS[0]).sha256
    assert raw.source == str(pipe)


def test_a_folder_is_not_a_letter(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder") as caught:
        read(tmp_path)
    assert not isinstance(caught.value, InputNotFoundError)
    with pytest.raises(InputError, match="folder"):  # its name as a string: not letter text
        imr_llm.parse(str(tmp_path))


def test_a_folder_says_whether_it_holds_letters(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("not a letter")
    with pytest.raises(InputError, match="holds no letters"):
        read(tmp_path)
    (tmp_path / "letter.PDF").write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match="pass the letters in it"):
        read(tmp_path)


def test_a_pdf_without_a_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(PdfError, match="OCR"):
        read(path)


def test_a_pdf_with_a_page_that_has_no_text_layer_reads_with_a_warning(tmp_path: Path) -> None:
    # A letter part scanned: a page faxed back in, say. The rest still reads.
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(LETTERS / "pdf" / "CM16-0231745.pdf"))
    writer.insert_blank_page(index=1)
    path = tmp_path / "part-scanned.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    det = imr_llm.parse(path)
    assert [i.service for i in det.items] == [
        i.service for i in imr_llm.parse(LETTERS / "pdf" / "CM16-0231745.pdf").items
    ]
    assert any(w.startswith("page 2 has no text layer") and "OCR" in w for w in det.warnings)
    assert imr_llm.parse(LETTERS / "pdf" / "CM16-0231745.pdf").warnings == []


def test_oversized_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputTooLargeError) as caught:
        read_bytes(b"a" * (MAX_INPUT_BYTES + 1))
    assert caught.value.limit == MAX_INPUT_BYTES
    with pytest.raises(InputTooLargeError):
        imr_llm.parse("x" * (MAX_INPUT_BYTES + 1))


def test_parse_many_keeps_going_past_bad_inputs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    results = imr_llm.parse_many([empty, SEEDS[0], tmp_path / "missing.txt"])
    assert isinstance(results[0], EmptyInputError)
    assert isinstance(results[1], imr_llm.Determination)
    assert isinstance(results[2], InputNotFoundError)


@pytest.mark.parametrize(
    "one_letter",
    [str(SEEDS[0]), SEEDS[0], SEEDS[0].read_bytes(), bytearray(SEEDS[0].read_bytes())],
    ids=["str", "path", "bytes", "bytearray"],
)
def test_one_letter_where_a_list_belongs_is_a_type_error_not_a_letter_per_character(
    one_letter: object,
) -> None:
    with pytest.raises(TypeError, match=r"pass \[letter\]"):
        imr_llm.parse_many(one_letter)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"pass \[letter\]"):
        imr_llm.summarize_many(one_letter, offline=True)  # type: ignore[arg-type]


def _encrypted_copy(tmp_path: Path, user_password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(LETTERS / "pdf" / "CM16-0231745.pdf"))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    path = tmp_path / "encrypted.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_a_pdf_encrypted_only_against_copying_reads(tmp_path: Path) -> None:
    """Encrypted with an empty password, as letters restricted from printing are."""
    det = imr_llm.parse(_encrypted_copy(tmp_path, user_password=""))
    txt = imr_llm.parse(LETTERS / "txt" / "CM16-0231745.txt")
    assert [(i.service, i.outcome) for i in det.items] == [
        (i.service, i.outcome) for i in txt.items
    ]


def test_a_pdf_that_needs_a_password_says_so(tmp_path: Path) -> None:
    path = _encrypted_copy(tmp_path, user_password="secret")
    with pytest.raises(PdfError, match="protected by a password") as caught:
        imr_llm.parse(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_reads_with_a_warning(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(SEEDS[0].read_text().encode(encoding))
    det = imr_llm.parse(path)
    assert [(i.service, i.outcome) for i in det.items] == [
        (i.service, i.outcome) for i in imr_llm.parse(SEEDS[0]).items
    ]
    assert any(encoding.upper() in w for w in det.warnings)


def test_a_stray_nul_byte_does_not_make_a_letter_binary(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(SEEDS[0].read_bytes().replace(b"Acupuncture", b"Acu\x00puncture", 1))
    assert imr_llm.parse(path).items == imr_llm.parse(SEEDS[0]).items
