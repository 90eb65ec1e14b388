"""Getting text out of a file: ``.txt`` (UTF-8, else cp1252), ``.pdf`` (pypdf), and a
letter saved from a web page or an e-mail as HTML (its text, without the markup).

Every way a file can be unreadable becomes a typed :class:`~imr_llm.errors.InputError`
with a message a person can act on.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from imr_llm.errors import (
    BinaryInputError,
    DecodeError,
    EmptyInputError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    PdfError,
)

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["LETTER_SUFFIXES", "MAX_INPUT_BYTES", "RawLetter", "check_size", "read", "read_bytes"]

MAX_INPUT_BYTES = 20 * 1024 * 1024
"""Inputs larger than this (20 MiB) are refused: real letters are a few hundred KiB at most."""
LETTER_SUFFIXES = (".txt", ".pdf", ".html", ".htm")
"""The files a folder's letters are: ``imr-llm parse FOLDER`` reads these."""

_MIN_PDF_CHARS_PER_PAGE = 20


@dataclass(frozen=True)
class RawLetter:
    """A letter's text as read, before normalization."""

    text: str
    sha256: str
    source: str | None = None
    warnings: list[str] = field(default_factory=list)


def read(path: str | os.PathLike[str]) -> RawLetter:
    """Read a letter from a ``.txt`` or ``.pdf`` file.

    PDFs are recognized by their ``%PDF`` signature, not their name, so a PDF
    saved as ``.txt`` still reads. A pipe reads too (``/dev/stdin``, ``<(pdftotext
    letter.pdf -)``), up to the size limit.
    """
    p = Path(path)
    source = str(path)
    if p.is_dir():
        raise InputError(_folder_message(p), source=source)
    if not p.exists():
        raise InputNotFoundError("no such file", source=source)
    try:
        with p.open("rb") as stream:
            if p.is_file():  # refused before reading; a pipe's size is known only once read
                check_size(os.fstat(stream.fileno()).st_size, source=source)
            data = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=source) from exc
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLargeError(
            f"the input is over {MAX_INPUT_BYTES:,} bytes, the limit",
            size=len(data),
            limit=MAX_INPUT_BYTES,
            source=source,
        )
    return read_bytes(data, source=source)


def _folder_message(folder: Path) -> str:
    try:
        holds_letters = any(f.suffix.lower() in LETTER_SUFFIXES for f in folder.iterdir())
    except OSError as exc:
        return f"this is a folder, not a letter, and it cannot be read: {exc.strerror or exc}"
    if not holds_letters:
        return "this folder holds no letters (no .txt, .pdf or .html files)"
    return (
        "this is a folder, not a letter: pass the letters in it (the command line reads "
        "a folder's .txt, .pdf and .html files itself)"
    )


def check_size(size: int, *, source: str | None = None) -> None:
    """Refuse an input over :data:`MAX_INPUT_BYTES`, whatever form it came in."""
    if size > MAX_INPUT_BYTES:
        raise InputTooLargeError(
            f"the input is {size:,} bytes; the limit is {MAX_INPUT_BYTES:,} bytes",
            size=size,
            limit=MAX_INPUT_BYTES,
            source=source,
        )


def read_bytes(data: bytes, *, source: str | None = None) -> RawLetter:
    """Decode a letter held in memory (the bytes of a ``.txt`` or ``.pdf`` file)."""
    check_size(len(data), source=source)
    digest = hashlib.sha256(data).hexdigest()
    if data.lstrip()[:5] == b"%PDF-":
        text, warnings = _pdf_text(data, source)
        return RawLetter(text=text, sha256=digest, source=source, warnings=warnings)
    text, warnings = _decode(data, source)
    if _HTML_START.match(text):
        text = _html_text(text)
        warnings = [*warnings, "the file is HTML: its text was read, without the markup"]
    if not text.strip():
        raise EmptyInputError("the input is empty (no text at all)", source=source)
    return RawLetter(text=text, sha256=digest, source=source, warnings=warnings)


def _decode(data: bytes, source: str | None) -> tuple[str, list[str]]:
    if not data:
        raise EmptyInputError("the input is empty (0 bytes)", source=source)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise DecodeError("the input claims UTF-16 but does not decode", source=source) from exc
    sample = data[:8192]
    for magic, kind, advice in _BINARY_KINDS:
        if data.startswith(magic):
            raise BinaryInputError(
                f"the input is {kind}, not text or a PDF: {advice}", source=source
            )
    if b"\x00" in sample and (encoding := _utf16_without_bom(sample)):
        try:
            return data.decode(encoding), [
                f"the text was {encoding.upper()} with no byte-order mark"
            ]
        except UnicodeDecodeError as exc:
            raise DecodeError(
                "the text looks like UTF-16 but does not decode", source=source
            ) from exc
    # A stray NUL in a text (a bad copy, a PDF tool's slip) is left to normalization.
    if _control_ratio(sample) > 0.05:
        raise BinaryInputError(
            "the input is binary data, not text or a PDF (an image or archive?)", source=source
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            "the text is neither UTF-8 nor Windows-1252; convert it to UTF-8", source=source
        ) from exc
    return text, ["the text was not UTF-8; it was read as Windows-1252 (cp1252)"]


# What a binary input most often is, by its first bytes, and what to do about it.
_SAVE_AS = "save the letter as PDF or plain text"
_OCR = "a scanned letter needs OCR first (for example `ocrmypdf scan.pdf letter.pdf`)"
_BINARY_KINDS = (
    (b"PK\x03\x04", "a Word document or another zip archive", _SAVE_AS),
    (b"\xd0\xcf\x11\xe0", "a Word document (.doc)", _SAVE_AS),
    (b"{\\rtf", "a rich-text (.rtf) document", _SAVE_AS),
    (b"\x89PNG", "an image (PNG)", _OCR),
    (b"\xff\xd8\xff", "an image (JPEG)", _OCR),
    (b"II*\x00", "an image (TIFF)", _OCR),
    (b"MM\x00*", "an image (TIFF)", _OCR),
    (b"GIF8", "an image (GIF)", _OCR),
    (b"\x1f\x8b", "a gzip archive", "decompress it first"),
)


_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
# Elements that stand on lines of their own, so their text keeps the letter's line breaks.
_HTML_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table tbody td th thead tr ul".split()
)
_HTML_HIDDEN = frozenset({"head", "script", "style", "template", "title"})


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0  # inside <head>, <script>, <style> ...
        self.preformatted = 0  # inside <pre>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._enter_or_leave(tag, +1)

    def handle_endtag(self, tag: str) -> None:
        self._enter_or_leave(tag, -1)

    def _enter_or_leave(self, tag: str, step: int) -> None:
        if tag in _HTML_HIDDEN:
            self.hidden = max(0, self.hidden + step)
        elif tag in _HTML_BLOCKS:
            self.pieces.append("\n")
            if tag == "pre":
                self.preformatted = max(0, self.preformatted + step)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        # Outside <pre>, line breaks in the source are its layout, not the letter's.
        self.pieces.append(data if self.preformatted else data.replace("\n", " "))


def _html_text(markup: str) -> str:
    """The text of an HTML page, one line per paragraph, cell or line break."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return "".join(parser.pieces)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text of Latin letters has a NUL as every other byte: the high byte of each
    character (first in big-endian, second in little-endian). Binary data has NULs, but
    not in one of the two positions nearly throughout."""
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 16:
        return None
    half = len(sample) // 2
    for encoding, high_bytes, low_bytes in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        if high_bytes.count(0) > 0.9 * half and low_bytes.count(0) < 0.1 * half:
            return encoding
    return None


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(sample)


def _opens_without_password(reader: PdfReader) -> bool:
    """Whether the empty password opens it. An encryption pypdf cannot handle raises, and
    the caller reports that with pypdf's own words, rather than as a password to find."""
    from pypdf import PasswordType

    return bool(reader.decrypt("") != PasswordType.NOT_DECRYPTED)


def _pdf_text(data: bytes, source: str | None) -> tuple[str, list[str]]:
    """The PDF's text, its pages separated by form feeds, and a warning for pages that hold
    none: a letter may be part scanned (a page faxed back in), and what such a page decides
    is missing until it is run through OCR."""
    # pypdf logs recoverable oddities of real-world PDFs; they are not the user's concern.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        # Many PDFs are encrypted with an empty password, only to restrict printing or
        # copying: those open. One that needs a password to open cannot be read here.
        if reader.is_encrypted and not _opens_without_password(reader):
            raise PdfError(
                "the PDF is protected by a password; save an unprotected copy "
                "(for example with qpdf --decrypt --password=...) and read that",
                source=source,
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfError:
        raise
    except PyPdfError as exc:
        raise PdfError(f"the PDF is damaged and cannot be read ({exc})", source=source) from exc
    except Exception as exc:  # noqa: BLE001 - damaged PDFs raise anything; never a traceback
        raise PdfError(
            f"the PDF cannot be read ({type(exc).__name__}: {exc})", source=source
        ) from exc
    if not pages:
        raise PdfError("the PDF has no pages", source=source)
    text = "\f".join(pages)
    if len(text.strip()) < _MIN_PDF_CHARS_PER_PAGE * len(pages):
        raise PdfError(
            "the PDF has no text layer (it is a scanned image); run OCR on it first, "
            "for example with ocrmypdf, then read the result",
            source=source,
        )
    blank = [n for n, page in enumerate(pages, 1) if len(page.strip()) < _MIN_PDF_CHARS_PER_PAGE]
    if not blank:
        return text, []
    which = (
        f"page {blank[0]} has" if len(blank) == 1 else f"pages {', '.join(map(str, blank))} have"
    )
    return text, [
        f"{which} no text layer (a scanned image?): what is on it is missing; run OCR on the "
        "PDF (for example with ocrmypdf) and read the result"
    ]
