"""The library's entry points: parse (offline), summarize and summarize_many (LLM).

``parse`` runs read -> normalize -> rules -> template explanations and never
imports the LLM stack, so the offline path starts fast. ``summarize`` adds the
LLM on top of the rules result and falls back to it on any failure.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Coroutine, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from imr_llm.errors import EmptyInputError, ImrError
from imr_llm.explain import explain_draft
from imr_llm.normalize import normalize
from imr_llm.reading import LETTER_SUFFIXES, RawLetter, check_size, read, read_bytes
from imr_llm.rules import draft_normalized
from imr_llm.schema import Determination

if TYPE_CHECKING:
    from imr_llm.config import Settings

__all__ = [
    "LetterInput",
    "parse",
    "parse_many",
    "summarize",
    "summarize_async",
    "summarize_many",
    "summarize_many_async",
]

T = TypeVar("T")

LetterInput = str | bytes | bytearray | memoryview | os.PathLike[str] | RawLetter
"""A letter's text, the path of a ``.txt`` / ``.pdf`` / ``.html`` file holding it, such a
file's bytes (an upload, an HTTP response body): PDF or text, told apart by their content,
or what :func:`~imr_llm.reading.read` made of a file."""


def load(letter: LetterInput, *, source: str | None = None) -> RawLetter:
    """Read a path or a file's bytes, take a string as the letter's text, or pass on
    what :func:`~imr_llm.reading.read` returned.

    A string counts as a path when it is one line naming an existing file (or a
    folder, which gets its own error), or naming a letter file by its suffix
    (``letter.pdf``), so a mistyped name is "no such file", not "not a letter";
    anything else is the letter's text itself.
    """
    if isinstance(letter, RawLetter):  # read already: keep its hash of the file and warnings
        return letter if source is None else dataclasses.replace(letter, source=source)
    if isinstance(letter, os.PathLike):
        return read(letter)
    if isinstance(letter, bytes | bytearray | memoryview):
        return read_bytes(bytes(letter), source=source)
    if not isinstance(letter, str):
        raise TypeError(
            "expected letter text, a path, a file's bytes or what imr_llm.read returned, "
            f"got {type(letter).__name__}"
        )
    if "\n" not in letter and len(letter) < 4096 and letter.strip() and _names_a_path(letter):
        return read(letter)
    data = letter.encode("utf-8", "surrogatepass")
    check_size(len(data), source=source)
    if not letter or letter.isspace():  # not strip(): that copies the letter
        raise EmptyInputError("the text is empty or only whitespace", source=source)
    return RawLetter(text=letter, sha256=hashlib.sha256(data).hexdigest(), source=source)


def _names_a_path(candidate: str) -> bool:
    try:
        path = Path(candidate)
        return path.suffix.lower() in _FILE_SUFFIXES or path.exists()
    except (OSError, ValueError):  # too long for a file name, or a NUL byte: it is text
        return False


# A one-line string ending in one of these names a file: no letter's text ends that way.
_FILE_SUFFIXES = frozenset((*LETTER_SUFFIXES, ".md"))


def parse(letter: LetterInput, *, source: str | None = None) -> Determination:
    """Parse one letter by rules alone: no network, deterministic, fast.

    Returns the items, outcomes, citations and facts, each verbatim field with
    its span, plus template explanations. Raises an :class:`~imr_llm.errors.ImrError`
    subclass for input that cannot be read or is not a determination letter.
    """
    raw = load(letter, source=source)
    normalized = normalize(raw.text)
    if not normalized.text or normalized.text.isspace():
        raise EmptyInputError("the input holds no visible text", source=raw.source)
    draft = draft_normalized(
        normalized.text,
        source=raw.source,
        sha256=raw.sha256,
        warnings=raw.warnings,
    )
    return Determination.model_validate(explain_draft(draft))


def parse_many(letters: Iterable[LetterInput]) -> list[Determination | ImrError]:
    """Parse each letter; a bad one yields its error in place, never stopping the rest."""
    _check_many(letters)
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
    if isinstance(letter, str):
        return "\n" not in letter and len(letter) < 4096
    return isinstance(letter, os.PathLike)


def _check_many(letters: object) -> None:
    """One letter passed where a list of them belongs would be taken character by character."""
    if isinstance(letters, str | bytes | bytearray | memoryview | os.PathLike):
        raise TypeError(
            "expected a list of letters (texts, paths or bytes), got one "
            f"{type(letters).__name__}: pass [letter], or use parse or summarize"
        )


def _settings(settings: Settings | None, overrides: dict[str, Any]) -> Settings:
    from imr_llm.config import Settings

    if settings is None:
        return Settings.from_env(**overrides)
    return settings.replace(**{k: v for k, v in overrides.items() if v is not None})


class _Session:
    """What one summarize call shares across its letters: the LLM client and the cache."""

    def __init__(self, settings: Settings, client: Any = None) -> None:
        self.settings = settings
        self.llm: Any = None
        self.cache: Any = None
        if client is not None or settings.online:
            from imr_llm.llm import LLMClient

            self.llm = LLMClient(settings, client)
        if self.llm is not None and settings.cache:
            from imr_llm.cache import AnswerCache

            self.cache = AnswerCache(settings.resolved_cache_dir)

    async def close(self) -> None:
        if self.cache is not None:
            self.cache.close()
        if self.llm is not None:
            await self.llm.close()

    async def enrich(self, determination: Determination) -> Determination:
        """Add the LLM's answer to a rules result, or fall back to the rules; never raises."""
        import asyncio

        from imr_llm.merge import fallback

        if self.llm is None:
            return determination.model_copy(
                update={"warnings": [*determination.warnings, _OFFLINE_NOTE]}
            )
        budget = self.settings.max_time_per_letter + self.settings.timeout
        try:
            return await asyncio.wait_for(self._enrich(determination), timeout=budget)
        except TimeoutError:
            return fallback(determination, f"no answer within {budget:.0f} s")
        except Exception as exc:  # noqa: BLE001 - a client library bug must not lose a letter
            return fallback(determination, f"{type(exc).__name__}: {exc}")

    async def _enrich(self, determination: Determination) -> Determination:
        from imr_llm.cache import cache_key
        from imr_llm.errors import LLMError
        from imr_llm.merge import fallback, merge_answer
        from imr_llm.prompting import build_messages
        from imr_llm.response import LetterEnrichment, validating_against, validation_context
        from imr_llm.schema import Usage

        settings = self.settings
        context = validation_context(
            determination.text,
            [(i.index, i.service, i.outcome.value) for i in determination.items],
        )
        key = cache_key(determination.text, model=settings.model, mode=settings.mode)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                try:
                    answer = LetterEnrichment.model_validate(hit["answer"], context=context)
                    return merge_answer(
                        determination, answer, model=settings.model, usage=Usage(cached=True)
                    )
                except (ValueError, LLMError, KeyError):
                    pass  # a stale or damaged entry: ask again
        try:
            with validating_against(context):
                result = await self.llm.structured(build_messages(determination), LetterEnrichment)
            merged = merge_answer(
                determination, result.value, model=settings.model, usage=result.usage
            )
        except LLMError as exc:
            return fallback(determination, exc.message, usage=exc.usage)
        if self.cache is not None:
            self.cache.put(key, settings.model, {"answer": result.value.model_dump(mode="json")})
        return merged


_OFFLINE_NOTE = "used the offline rules path: set OPENAI_API_KEY or OPENAI_BASE_URL to use an LLM"


async def summarize_async(
    letter: LetterInput,
    *,
    settings: Settings | None = None,
    client: Any = None,
    **overrides: Any,
) -> Determination:
    """The async form of :func:`summarize`."""
    session = _Session(_settings(settings, overrides), client)
    try:
        return await session.enrich(parse(letter))
    finally:
        await session.close()


def summarize(
    letter: LetterInput,
    *,
    settings: Settings | None = None,
    client: Any = None,
    **overrides: Any,
) -> Determination:
    """Parse a letter and add the LLM's plain-language explanation and facts.

    Never loses the letter: on any LLM failure the rules result comes back with
    ``method="rules"`` and a warning naming the cause. Unreadable input still
    raises its :class:`~imr_llm.errors.ImrError`. ``client`` is an
    ``openai.AsyncOpenAI`` for any OpenAI-compatible endpoint; ``overrides`` are
    :class:`~imr_llm.config.Settings` fields (``model=``, ``timeout=``, ``cache=``,
    ``offline=``...).
    """
    return _run(summarize_async(letter, settings=settings, client=client, **overrides))


async def summarize_many_async(
    letters: Sequence[LetterInput],
    *,
    concurrency: int | None = None,
    settings: Settings | None = None,
    client: Any = None,
    on_result: Callable[[int, Determination | ImrError], None] | None = None,
    **overrides: Any,
) -> list[Determination | ImrError]:
    """The async form of :func:`summarize_many`; ``on_result(i, result)`` reports progress."""
    import asyncio

    _check_many(letters)
    resolved = _settings(settings, {**overrides, "concurrency": concurrency})
    session = _Session(resolved, client)
    gate = asyncio.Semaphore(resolved.concurrency)
    results: list[Determination | ImrError | None] = [None] * len(letters)

    async def one(i: int, letter: LetterInput) -> None:
        async with gate:
            result: Determination | ImrError
            try:
                determination = parse(letter)
            except ImrError as exc:
                if exc.source is None and _looks_like_path(letter):
                    exc.source = str(letter)
                result = exc
            else:
                result = await session.enrich(determination)
            results[i] = result
            if on_result is not None:
                on_result(i, result)

    try:
        await asyncio.gather(*(one(i, letter) for i, letter in enumerate(letters)))
    finally:
        await session.close()
    return [r for r in results if r is not None]


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
    every readable letter yields a Determination (LLM, or the rules fallback).
    """
    return _run(
        summarize_many_async(
            letters, concurrency=concurrency, settings=settings, client=client, **overrides
        )
    )


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from sync code, even where an event loop already runs (notebooks)."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
