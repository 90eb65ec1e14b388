"""The one module that talks to a language model (openai + instructor).

Retry policy, in one place:

* transient failures (connection errors, timeouts, 429, 5xx) are retried with
  tenacity: exponential backoff with jitter, honouring ``Retry-After`` on 429,
  at most ``Settings.max_attempts`` attempts and ``Settings.max_time_per_letter``
  seconds in all;
* requests the service refuses (400, 401, 403, 404, 422) fail at once;
* answers that fail validation are re-asked by instructor, at most
  ``Settings.max_reasks`` times, with the validation error shown to the model.

The openai client's own retries are off (``max_retries=0``) so these bounds are
the only ones. Every failure becomes an :class:`~imr_llm.errors.LLMError`.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from typing import Any, TypeVar

import instructor
import openai
from instructor.core.exceptions import InstructorRetryException
from instructor.core.hooks import Hooks
from pydantic import BaseModel
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
)

from imr_llm.config import Settings
from imr_llm.errors import LLMError, LLMRequestError, LLMUnavailableError, LLMValidationError
from imr_llm.schema import Usage

__all__ = ["LLMClient", "LLMResult", "is_transient", "make_client"]

# instructor logs every failed attempt at ERROR; those are ours to report, as data.
logging.getLogger("instructor").addHandler(logging.NullHandler())
logging.getLogger("instructor").propagate = False

T = TypeVar("T", bound=BaseModel)

_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
}
_MAX_RETRY_AFTER = 30.0


@dataclass(frozen=True)
class LLMResult:
    """A validated answer and what it cost."""

    value: BaseModel
    usage: Usage


def make_client(settings: Settings, http_client: Any = None) -> openai.AsyncOpenAI:
    """An AsyncOpenAI client for any OpenAI-compatible endpoint, with its own retries off."""
    kwargs: dict[str, Any] = {
        # Local servers need no key, but the SDK insists on one.
        "api_key": settings.api_key or "not-needed",
        "base_url": settings.base_url,
        "timeout": settings.timeout,
        "max_retries": 0,
    }
    if http_client is not None:
        kwargs["http_client"] = http_client
    return openai.AsyncOpenAI(**kwargs)


def is_transient(exc: BaseException) -> bool:
    """Whether trying the same request again may succeed."""
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError):
        return True
    if isinstance(exc, openai.RateLimitError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code >= 500 or exc.status_code in (408, 409, 429)
    return False


def _retry_after(exc: BaseException | None) -> float | None:
    if not isinstance(exc, openai.APIStatusError):
        return None
    raw = exc.response.headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, min(float(raw), _MAX_RETRY_AFTER))
    except ValueError:
        return None


class LLMClient:
    """Sends one structured request per letter, with the retry policy above."""

    def __init__(self, settings: Settings, client: openai.AsyncOpenAI | None = None) -> None:
        self.settings = settings
        self.openai = client if client is not None else make_client(settings)
        self._instructor = instructor.from_openai(self.openai, mode=_MODES[settings.mode])

    async def close(self) -> None:
        await self.openai.close()

    async def structured(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
    ) -> LLMResult:
        """One validated answer, or an LLMError saying why there is none.

        The response model's validators read their context from the caller's scope
        (:func:`imr_llm.response.validating_against`), never from instructor's
        ``context=``, which would render the letter as a Jinja template.
        """
        settings = self.settings
        started = time.monotonic()
        counter = _Counter()
        hooks = Hooks()
        hooks.on("completion:kwargs", counter.request)
        usage = Usage()

        def wait(state: RetryCallState) -> float:
            outcome = state.outcome
            exc = outcome.exception() if outcome is not None else None
            hinted = _retry_after(_root(exc)) if exc is not None else None
            backoff = min(8.0, 0.5 * 2 ** (state.attempt_number - 1)) * random.uniform(0.5, 1.0)
            delay = hinted if hinted is not None else backoff
            remaining = settings.max_time_per_letter - (time.monotonic() - started)
            return max(0.0, min(delay, remaining - 0.05))

        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda e: is_transient(_root(e))),
            stop=stop_after_attempt(settings.max_attempts)
            | stop_after_delay(settings.max_time_per_letter),
            wait=wait,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    try:
                        value, _completion = await self._instructor.create_with_completion(
                            model=settings.model,
                            messages=messages,  # type: ignore[arg-type]
                            response_model=response_model,
                            max_retries=settings.max_reasks,
                            temperature=settings.temperature,
                            max_tokens=settings.max_output_tokens,
                            hooks=hooks,
                        )
                    except InstructorRetryException as exc:
                        usage = usage + self._usage(getattr(exc, "total_usage", None))
                        raise
                    usage = usage + self._usage(getattr(value, "_total_usage", None))
        except Exception as exc:  # noqa: BLE001 - every failure becomes an LLMError
            error = self._as_llm_error(exc, counter.count)
            error.usage = usage.model_copy(update={"requests": counter.count})
            raise error from exc
        final = usage.model_copy(update={"requests": counter.count})
        return LLMResult(value=value, usage=final)

    def _usage(self, raw: Any) -> Usage:
        """Tokens and cost of instructor's attempts; requests are counted by the hook."""
        if raw is None:
            return Usage()
        prompt = int(getattr(raw, "prompt_tokens", 0) or 0)
        completion = int(getattr(raw, "completion_tokens", 0) or 0)
        details = getattr(raw, "prompt_tokens_details", None)
        cached = int(getattr(details, "cached_tokens", 0) or 0) if details is not None else 0
        return Usage(
            input_tokens=prompt,
            cached_input_tokens=cached,
            output_tokens=completion,
            estimated_cost_usd=self.settings.estimate_cost(prompt, cached, completion),
        )

    def _as_llm_error(self, exc: BaseException, attempts: int) -> LLMError:
        root = _root(exc)
        if isinstance(exc, InstructorRetryException) and root is exc:
            return LLMValidationError(
                f"the model's answers failed validation after {attempts} request(s): {_short(exc)}",
                attempts=attempts,
                last_error=exc,
            )
        if isinstance(root, openai.APIStatusError) and not is_transient(root):
            return LLMRequestError(
                f"the service refused the request (HTTP {root.status_code}): {_short(root)}",
                attempts=attempts,
                last_error=root,
            )
        if is_transient(root):
            return LLMUnavailableError(
                f"the service was unavailable after {attempts} request(s): "
                f"{type(root).__name__}: {_short(root)}",
                attempts=attempts,
                last_error=root,
            )
        if _is_validation_failure(root):
            return LLMValidationError(
                f"the model's answer could not be used after {attempts} request(s): {_short(root)}",
                attempts=attempts,
                last_error=root,
            )
        return LLMError(
            f"the LLM call failed: {type(root).__name__}: {_short(root)}",
            attempts=attempts,
            last_error=root,
        )


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def request(self, *args: Any, **kwargs: Any) -> None:
        self.count += 1


def _root(exc: BaseException) -> BaseException:
    """The original error behind instructor's wrapper, if any."""
    seen = exc
    while isinstance(seen, InstructorRetryException):
        cause = seen.__cause__
        if cause is None:
            return seen
        seen = cause
    return seen


def _is_validation_failure(exc: BaseException) -> bool:
    from json import JSONDecodeError

    from pydantic import ValidationError

    return isinstance(exc, ValidationError | JSONDecodeError | ValueError | AssertionError)


def _short(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
