"""imr_llm: California IMR final determination letters as verified data and plain language.

>>> import imr_llm
>>> det = imr_llm.parse(Path("letter.pdf"))          # offline, by rules  # doctest: +SKIP
>>> det = imr_llm.summarize(Path("letter.pdf"))  # adds plain language  # doctest: +SKIP
>>> html = imr_llm.render_letter(det, language="es")  # a letter for the worker  # doctest: +SKIP

Rendering and table helpers load on first use, so ``import imr_llm`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from imr_llm.config import Settings
from imr_llm.errors import (
    BinaryInputError,
    ConfigError,
    DecodeError,
    EmptyInputError,
    ImrError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    LLMError,
    LLMRequestError,
    LLMUnavailableError,
    LLMValidationError,
    NotADeterminationError,
    PdfError,
)
from imr_llm.pipeline import parse, parse_many, summarize, summarize_async, summarize_many
from imr_llm.reading import RawLetter, read
from imr_llm.schema import (
    Citation,
    Claimant,
    Determination,
    DisputedItem,
    LetterFormat,
    Outcome,
    ReasonCode,
    Reviewer,
    ServiceCategory,
    Usage,
)

if TYPE_CHECKING:
    from imr_llm.letters import render_letter
    from imr_llm.tables import load_jsonl, to_dataframe

__version__ = "0.1.0"

__all__ = [
    "BinaryInputError",
    "Citation",
    "Claimant",
    "ConfigError",
    "DecodeError",
    "Determination",
    "DisputedItem",
    "EmptyInputError",
    "ImrError",
    "InputError",
    "InputNotFoundError",
    "InputTooLargeError",
    "LLMError",
    "LLMRequestError",
    "LLMUnavailableError",
    "LLMValidationError",
    "LetterFormat",
    "NotADeterminationError",
    "Outcome",
    "PdfError",
    "RawLetter",
    "ReasonCode",
    "Reviewer",
    "ServiceCategory",
    "Settings",
    "Usage",
    "__version__",
    "load_jsonl",
    "parse",
    "parse_many",
    "read",
    "render_letter",
    "summarize",
    "summarize_async",
    "summarize_many",
    "to_dataframe",
]

_LAZY = {
    "render_letter": "imr_llm.letters",
    "to_dataframe": "imr_llm.tables",
    "load_jsonl": "imr_llm.tables",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'imr_llm' has no attribute {name!r}")
