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


def collect(
    output_lines: Iterable[str], manifest_lines: Iterable[str], settings: Settings
) -> Iterator[tuple[str, Determination | ImrError]]:
    """(source, result) per manifest entry, in manifest order."""
    from imr_llm.merge import fallback, merge_answer
    from imr_llm.response import LetterEnrichment, validation_context

    answers: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(output_lines, start=1):
        if line.strip():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"batch output line {number} is not JSON") from exc
            answers[str(obj.get("custom_id"))] = obj
    for line in manifest_lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        source = entry["source"]
        try:
            det = parse(Path(source))
        except ImrError as exc:
            yield source, exc
            continue
        if det.sha256 != entry.get("sha256"):
            yield source, fallback(det, "the letter changed since the batch was prepared")
            continue
        answer = answers.get(entry["custom_id"])
        try:
            content, usage = _answer_content(answer, settings)
        except ValueError as exc:
            yield source, fallback(det, str(exc), usage=Usage(requests=1))
            continue
        context = validation_context(
            det.text, [(i.index, i.service, i.outcome.value) for i in det.items]
        )
        try:
            enrichment = LetterEnrichment.model_validate_json(content, context=context)
            yield source, merge_answer(det, enrichment, model=settings.model, usage=usage)
        except (ValueError, ImrError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            yield source, fallback(det, f"the batch answer failed validation: {reason}", usage)


def _answer_content(answer: dict[str, Any] | None, settings: Settings) -> tuple[str, Usage]:
    if answer is None:
        raise ValueError("no answer for this letter in the batch output")
    if answer.get("error"):
        raise ValueError(f"the batch request failed: {answer['error']}")
    response = answer.get("response") or {}
    if response.get("status_code", 200) != 200:
        raise ValueError(f"the batch request failed with HTTP {response.get('status_code')}")
    body = response.get("body") or {}
    raw_usage = body.get("usage") or {}
    prompt = int(raw_usage.get("prompt_tokens") or 0)
    completion = int(raw_usage.get("completion_tokens") or 0)
    cached = int((raw_usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
    usage = Usage(
        requests=1,
        input_tokens=prompt,
        cached_input_tokens=cached,
        output_tokens=completion,
        estimated_cost_usd=settings.estimate_cost(prompt, cached, completion),
    )
    try:
        message = body["choices"][0]["message"]
    except (KeyError, IndexError, TypeError) as exc:
        raise ValueError("the batch answer has no message") from exc
    calls = message.get("tool_calls") or []
    if calls:
        return str(calls[0]["function"]["arguments"]), usage
    if message.get("content"):
        return str(message["content"]), usage
    raise ValueError("the batch answer is empty")
