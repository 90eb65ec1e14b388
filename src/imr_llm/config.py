"""Settings: the only place imr_llm reads the environment.

=====================  ==========================================  =======================
variable               meaning                                     default
=====================  ==========================================  =======================
``OPENAI_API_KEY``     key for the OpenAI-compatible endpoint      none (offline)
``OPENAI_BASE_URL``    endpoint, e.g. ``http://127.0.0.1:8000/v1``  OpenAI's
``IMR_LLM_MODEL``      model name                                  ``gpt-4o-mini``
``IMR_LLM_TIMEOUT``    seconds per HTTP request                    ``30``
``IMR_LLM_MAX_TIME``   seconds per letter, retries included        ``120``
``IMR_LLM_CACHE_DIR``  where the answer cache lives                the user cache directory
``IMR_LLM_MODE``       instructor mode: tools, json_schema, json  ``tools``
=====================  ==========================================  =======================

With neither a key nor a base URL, :func:`imr_llm.summarize` uses the offline
rules path and says so in a warning. A local server usually needs no key:
setting ``OPENAI_BASE_URL`` alone enables the LLM path.
"""

from __future__ import annotations

import functools
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, TypeAdapter, ValidationError

from imr_llm.errors import ConfigError

__all__ = ["DEFAULT_MODEL", "PRICES_PER_MILLION", "Settings"]

DEFAULT_MODEL = "gpt-4o-mini"
"""Cheap, fast and good at structured output; override with ``IMR_LLM_MODEL``."""

PRICES_PER_MILLION: dict[str, tuple[float, float, float]] = {
    # model: (input, cached input, output) in US dollars per million tokens, from OpenAI's
    # published prices. Pass ``prices=`` to Settings to override or add models.
    "gpt-4o-mini": (0.15, 0.075, 0.60),
    "gpt-4o": (2.50, 1.25, 10.00),
    "gpt-4.1": (2.00, 0.50, 8.00),
    "gpt-4.1-mini": (0.40, 0.10, 1.60),
    "gpt-4.1-nano": (0.10, 0.025, 0.40),
}

Mode = Literal["tools", "json_schema", "json"]
"""instructor modes: function calling (``tools``), structured outputs (``json_schema``), or
plain JSON output (``json``) for local servers that accept neither (llama-cpp-python's
server answers ``json_schema`` requests with HTTP 500)."""


def _endpoint_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://, e.g. http://127.0.0.1:8000/v1")
    return url


_Positive = Annotated[float, Field(gt=0)]
_AtLeastOne = Annotated[int, Field(ge=1)]


def _default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("imr_llm"))


@dataclass(frozen=True)
class Settings:
    """Everything the LLM path needs; build with :meth:`from_env`, adjust with :meth:`replace`."""

    api_key: str | None = None
    base_url: Annotated[str, AfterValidator(_endpoint_url)] | None = None
    model: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = DEFAULT_MODEL
    timeout: _Positive = 30.0
    max_time_per_letter: _Positive = 120.0
    max_attempts: _AtLeastOne = 4
    """HTTP attempts per request for transient errors (429, 5xx, timeouts)."""
    max_reasks: Annotated[int, Field(ge=0)] = 2
    """Re-asks after an answer fails validation (so at most 1 + max_reasks answers)."""
    cache_dir: Path | None = None
    """A ``str`` is taken as a path; ``~`` is expanded."""
    cache: bool = True
    offline: bool = False
    """Never call an LLM: rules and templates only."""
    mode: Mode = "tools"
    concurrency: _AtLeastOne = 8
    temperature: Annotated[float, Field(ge=0, le=2)] = 0.0
    max_output_tokens: _AtLeastOne = 2048
    prices: Mapping[str, tuple[float, float, float]] = field(
        default_factory=lambda: dict(PRICES_PER_MILLION)
    )

    def __post_init__(self) -> None:
        # Keyword arguments arrive untyped (summarize(timeout="30", cache_dir="~/c")):
        # each field is validated against its annotation, bounds included, and coerced
        # where that is unambiguous, by pydantic.
        for name, adapter in _field_adapters().items():
            value = getattr(self, name)
            try:
                checked = adapter.validate_python(value)
            except ValidationError as exc:
                error = exc.errors()[0]
                cause = error.get("ctx", {}).get("error")
                problem = str(cause) if error["type"] == "value_error" else error["msg"].lower()
                raise ConfigError(f"{name}: {problem}, got {value!r}", setting=name) from exc
            if isinstance(checked, Path):
                checked = checked.expanduser()
            if checked is not value:
                object.__setattr__(self, name, checked)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from environment variables, then keyword overrides (None = keep)."""
        env = os.environ if environ is None else environ
        # Strings as the environment gives them: the fields' own validation converts them.
        from_env: dict[str, object] = {
            name: env[variable]
            for name, variable in _ENVIRONMENT_NAMES.items()
            if env.get(variable)
        }
        if "mode" in from_env:
            from_env["mode"] = str(from_env["mode"]).lower().replace("-", "_")
        _check_names(overrides)
        overridden = {k: v for k, v in overrides.items() if v is not None}
        try:
            return cls(**{**from_env, **overridden})  # type: ignore[arg-type]
        except ConfigError as exc:
            if exc.setting not in from_env or exc.setting in overridden:
                raise
            problem = exc.message.removeprefix(f"{exc.setting}: ")
            variable = _ENVIRONMENT_NAMES[exc.setting]
            raise ConfigError(
                f"{variable} ({exc.setting}): {problem}", setting=exc.setting
            ) from exc

    @property
    def online(self) -> bool:
        """Whether an endpoint is configured at all (a key, or a base URL)."""
        return not self.offline and bool(self.api_key or self.base_url)

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else _default_cache_dir()

    def replace(self, **changes: object) -> Settings:
        _check_names(changes)
        return replace(self, **changes)  # type: ignore[arg-type]

    def estimate_cost(
        self, input_tokens: int, cached_tokens: int, output_tokens: int
    ) -> float | None:
        """US dollars for these tokens, or None when the model is not in the price table."""
        price = self.prices.get(self.model)
        if price is None:
            return None
        fresh = max(input_tokens - cached_tokens, 0)
        return (fresh * price[0] + cached_tokens * price[1] + output_tokens * price[2]) / 1e6


_ENVIRONMENT_NAMES = {
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "IMR_LLM_MODEL",
    "timeout": "IMR_LLM_TIMEOUT",
    "max_time_per_letter": "IMR_LLM_MAX_TIME",
    "cache_dir": "IMR_LLM_CACHE_DIR",
    "mode": "IMR_LLM_MODE",
}
"""Which variable set which field, so an error about a value from the environment names it."""


def _check_names(settings: Mapping[str, object]) -> None:
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(settings) - known)
    if unknown:
        names = ", ".join(sorted(known))
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}; the settings are: {names}")


@functools.cache
def _field_adapters() -> dict[str, TypeAdapter[Any]]:
    """A pydantic TypeAdapter per field, built on first use: importing stays cheap."""
    hints = typing.get_type_hints(Settings, include_extras=True)
    return {f.name: TypeAdapter(hints[f.name]) for f in fields(Settings)}
