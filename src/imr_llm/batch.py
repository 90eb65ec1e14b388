"""OpenAI Batch API files for very large corpora: prepare the requests, collect the answers.

``prepare`` writes one request per letter with exactly the body ``summarize``
would send (captured from the same instructor client through an in-memory
transport, so prompt, schema and mode cannot drift), plus a manifest that maps
each ``custom_id`` back to its letter. ``collect`` validates every answer as
``summarize`` does (response validators, cross-check against the rules) and
falls back to the rules result for any answer that fails. A batch cannot
re-ask, so a failing answer falls back at once.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from imr_llm.config import Settings
from imr_llm.errors import ImrError, InputError
from imr_llm.pipeline import LetterInput, parse
from imr_llm.schema import Determination, Usage

__all__ = ["collect", "prepare"]

_ENDPOINT = "/v1/chat/completions"


def prepare(
    letters: Sequence[LetterInput], settings: Settings
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, ImrError]]]:
    """Batch request lines, manifest lines, and the inputs that could not be read."""
    requests: list[dict[str, Any]] = []
    manifest: list[dict[str, Any]] = []
    failures: list[tuple[str, ImrError]] = []
    for number, letter in enumerate(letters):
        try:
            det = parse(letter)
        except ImrError as exc:
            failures.append((str(letter), exc))
            continue
        custom_id = f"imr-{number:06d}-{det.sha256[:12]}"
        body = asyncio.run(_captured_body(det, settings))
        requests.append({"custom_id": custom_id, "method": "POST", "url": _ENDPOINT, "body": body})
        manifest.append({"custom_id": custom_id, "source": str(letter), "sha256": det.sha256})
    return requests, manifest, failures


async def _captured_body(det: Determination, settings: Settings) -> dict[str, Any]:
    import httpx2

    from imr_llm.llm import LLMClient, make_client
    from imr_llm.prompting import build_messages
    from imr_llm.response import LetterEnrichment

    captured: dict[str, Any] = {}

    def capture(request: httpx2.Request) -> httpx2.Response:
        captured.update(json.loads(request.content))
        # Refuse the request so nothing else happens: the body is all we wanted.
        return httpx2.Response(400, json={"error": {"message": "captured for the batch file"}})

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(capture))
    client = LLMClient(settings.replace(max_attempts=1), make_client(settings, http_client=http))
    try:
        await client.structured(build_messages(det), LetterEnrichment)
    except ImrError:
        pass
    finally:
        await client.close()
    if not captured:
        raise ImrError("could not build the batch request body")
    return captured


class _ManifestEntry(BaseModel):
    custom_id: str
    source: str
    sha256: str


class _Function(BaseModel):
    arguments: str


class _ToolCall(BaseModel):
    function: _Function


class _Message(BaseModel):
    content: str | None = None
    tool_calls: list[_ToolCall] | None = None


class _Choice(BaseModel):
    message: _Message


class _TokenDetails(BaseModel):
    cached_tokens: int | None = None


class _TokenUsage(BaseModel):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    prompt_tokens_details: _TokenDetails | None = None


class _Body(BaseModel):
    choices: list[_Choice] = []
    usage: _TokenUsage | None = None


class _Response(BaseModel):
    status_code: int = 200
    body: _Body | None = None


class _OutputLine(BaseModel):
    """The part of a Batch API output line that collect reads; the rest is ignored."""

    custom_id: str
    response: _Response | None = None
    error: Any = None


def collect(
    output_lines: Iterable[str], manifest_lines: Iterable[str], settings: Settings
) -> Iterator[tuple[str, Determination | ImrError]]:
    """(source, result) per manifest entry, in manifest order.

    Both files are read whole before the first result, so a file that is not what
    ``prepare`` and the Batch API write is refused (``InputError``, naming the line)
    before anything is written. One malformed answer only sends its own letter to the
    fallback.
    """
    return _results(_answers_by_id(output_lines), _manifest_entries(manifest_lines), settings)


def _results(
    answers: dict[str, str], entries: list[_ManifestEntry], settings: Settings
) -> Iterator[tuple[str, Determination | ImrError]]:
    from imr_llm.merge import fallback, merge_answer
    from imr_llm.response import LetterEnrichment, validation_context

    for entry in entries:
        try:
            det = parse(Path(entry.source))
        except ImrError as exc:
            yield entry.source, exc
            continue
        if det.sha256 != entry.sha256:
            yield entry.source, fallback(det, "the letter changed since the batch was prepared")
            continue
        try:
            content, usage = _answer_content(answers.get(entry.custom_id), settings)
        except ValueError as exc:
            yield entry.source, fallback(det, str(exc), usage=Usage(requests=1))
            continue
        context = validation_context(
            det.text, [(i.index, i.service, i.outcome.value) for i in det.items]
        )
        try:
            enrichment = LetterEnrichment.model_validate_json(content, context=context)
            yield entry.source, merge_answer(det, enrichment, model=settings.model, usage=usage)
        except (ValueError, ImrError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            why = f"the batch answer failed validation: {reason}"
            yield entry.source, fallback(det, why, usage)


def _json_objects(lines: Iterable[str], what: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{what} line {number} is not JSON") from exc
        if not isinstance(obj, dict):
            raise InputError(f"{what} line {number} is not a JSON object")
        yield number, line, obj


def _answers_by_id(lines: Iterable[str]) -> dict[str, str]:
    """Each answer's line, still unchecked: a malformed one must fail only its own letter."""
    answers = {}
    for number, line, obj in _json_objects(lines, "batch output"):
        custom_id = obj.get("custom_id")
        if not isinstance(custom_id, str):
            raise InputError(f"batch output line {number} has no custom_id")
        answers[custom_id] = line
    return answers


def _manifest_entries(lines: Iterable[str]) -> list[_ManifestEntry]:
    entries = []
    for number, _, obj in _json_objects(lines, "manifest"):
        try:
            entries.append(_ManifestEntry.model_validate(obj))
        except ValidationError as exc:
            raise InputError(
                f"manifest line {number} is not an entry 'imr-llm batch prepare' writes"
            ) from exc
    return entries


def _answer_content(answer: str | None, settings: Settings) -> tuple[str, Usage]:
    """The answer's text and what it cost; ValueError says why there is none."""
    if answer is None:
        raise ValueError("no answer for this letter in the batch output")
    try:
        line = _OutputLine.model_validate_json(answer)
    except ValidationError as exc:
        raise ValueError(f"the batch answer is malformed: {_first_error(exc)}") from exc
    if line.error:
        raise ValueError(f"the batch request failed: {line.error}")
    response = line.response or _Response()
    if response.status_code != 200:
        raise ValueError(f"the batch request failed with HTTP {response.status_code}")
    body = response.body or _Body()
    tokens = body.usage or _TokenUsage()
    prompt = tokens.prompt_tokens or 0
    completion = tokens.completion_tokens or 0
    cached = (tokens.prompt_tokens_details or _TokenDetails()).cached_tokens or 0
    usage = Usage(
        requests=1,
        input_tokens=prompt,
        cached_input_tokens=cached,
        output_tokens=completion,
        estimated_cost_usd=settings.estimate_cost(prompt, cached, completion),
    )
    if not body.choices:
        raise ValueError("the batch answer has no message")
    message = body.choices[0].message
    if message.tool_calls:
        return message.tool_calls[0].function.arguments, usage
    if message.content:
        return message.content, usage
    raise ValueError("the batch answer is empty")


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]
