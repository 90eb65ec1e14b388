"""The library's entry points: parse (offline), summarize and summarize_many (LLM).

``parse`` runs read -> normalize -> rules -> template explanations and never
imports the LLM stack, so the offline path starts fast. ``summarize`` adds the
LLM on top of the rules result and falls back to it on any failure.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imr_llm.errors import EmptyInputError, ImrError, InputTooLargeError
from imr_llm.explain import explain
from imr_llm.normalize import normalize
from imr_llm.reading import MAX_INPUT_BYTES, RawLetter, read
from imr_llm.rules import parse_normalized
from imr_llm.schema import Determination

if TYPE_CHECKING:
    from imr_llm.config import Settings

__all__ = ["LetterInput", "parse", "parse_many", "summarize", "summarize_async", "summarize_many"]

LetterInput = str | os.PathLike[str]
"""A letter's text, or the path of a ``.txt`` / ``.pdf`` file holding it."""


def load(letter: LetterInput, *, source: str | None = None) -> RawLetter:
    """Read a path, or take a string as the letter's text.

    A string counts as a path only when it is one line naming an existing file;
    anything else is the letter's text itself.
    """
    if isinstance(letter, os.PathLike):
        return read(letter)
    if not isinstance(letter, str):
        raise TypeError(f"expected letter text or a path, got {type(letter).__name__}")
    if "\n" not in letter and len(letter) < 4096 and letter.strip() and Path(letter).is_file():
        return read(letter)
    data = letter.encode("utf-8", "surrogatepass")
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLargeError(
            f"the text is {len(data):,} bytes; the limit is {MAX_INPUT_BYTES:,} bytes",
            size=len(data),
            limit=MAX_INPUT_BYTES,
            source=source,
        )
    if not letter.strip():
        raise EmptyInputError("the text is empty or only whitespace", source=source)
    return RawLetter(text=letter, sha256=hashlib.sha256(data).hexdigest(), source=source)


def parse(letter: LetterInput, *, source: str | None = None) -> Determination:
    """Parse one letter by rules alone: no network, deterministic, fast.

    Returns the items, outcomes, citations and facts, each verbatim field with
    its span, plus template explanations. Raises an :class:`~imr_llm.errors.ImrError`
    subclass for input that cannot be read or is not a determination letter.
    """
    raw = load(letter, source=source)
    normalized = normalize(raw.text)
    if not normalized.text.strip():
        raise EmptyInputError("the input holds no visible text", source=raw.source)
    determination = parse_normalized(
        normalized.text,
        source=raw.source,
        sha256=raw.sha256,
        warnings=raw.warnings,
    )
    return explain(determination)


def parse_many(letters: Iterable[LetterInput]) -> list[Determination | ImrError]:
    """Parse each letter; a bad one yields its error in place, never stopping the rest."""
    results: list[Determination | ImrError] = []
    for letter in letters:
        try:
            results.append(parse(letter))
        except ImrError as exc:
            if exc.source is None and isinstance(letter, os.PathLike | str):
                exc.source = str(letter) if _looks_like_path(letter) else None
            results.append(exc)
    return results


def _looks_like_path(letter: LetterInput) -> bool:
    return isinstance(letter, os.PathLike) or ("\n" not in letter and len(letter) < 4096)


def summarize(
    letter: LetterInput,
    *,
    settings: Settings | None = None,
    client: Any = None,
    **overrides: Any,
) -> Determination:
    """Parse a letter and add the LLM's plain-language explanation and facts.

    Never loses the letter: on any LLM failure the rules result comes back with
    ``method="rules"`` and a warning naming the cause. ``overrides`` are
    :class:`~imr_llm.config.Settings` fields (``model=``, ``timeout=``, ``cache=``...).
    """
    from imr_llm.enrich import summarize_sync

    return summarize_sync(letter, settings=settings, client=client, **overrides)


async def summarize_async(
    letter: LetterInput,
    *,
    settings: Settings | None = None,
    client: Any = None,
    **overrides: Any,
) -> Determination:
    """The async form of :func:`summarize`."""
    from imr_llm.enrich import summarize_one

    return await summarize_one(letter, settings=settings, client=client, **overrides)


def summarize_many(
    letters: Sequence[LetterInput],
    *,
    concurrency: int | None = None,
    settings: Settings | None = None,
    client: Any = None,
    **overrides: Any,
) -> list[Determination | ImrError]:
    """Summarize many letters concurrently; one result per input, in input order.

    An input that cannot be read yields its :class:`~imr_llm.errors.ImrError`;
    every readable letter yields a Determination (LLM or rules fallback).
    """
    from imr_llm.enrich import summarize_many_sync

    return summarize_many_sync(
        letters, concurrency=concurrency, settings=settings, client=client, **overrides
    )
