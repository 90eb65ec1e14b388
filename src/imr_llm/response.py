"""What the LLM must return, and the checks its answer must pass.

The response model only lets the model *enrich* the items the rules parser
found: the validators reject an answer that adds, drops, renames or re-decides
an item, quotes words that are not in the letter, uses numbers or dates the
letter does not contain, or explains above grade 9. A rejected answer goes
back to the model with the reason (instructor's re-ask), a bounded number of
times; then the caller falls back to the rules result.

Validators read the letter and the rules items from the validation context:
``{"letter": str, "expected": [(index, service, outcome), ...]}``, passed to
``model_validate(..., context=...)`` or, for instructor calls, set with
:func:`validating_against`. Instructor is never given the context itself: it
would render every message, the letter included, as a Jinja template.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from imr_llm.schema import ReasonCode, ServiceCategory

__all__ = [
    "EXPLANATION_MAX_CHARS",
    "EXPLANATION_MAX_GRADE",
    "ItemEnrichment",
    "LetterEnrichment",
    "validating_against",
    "validation_context",
]

_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("imr_llm_validation", default=None)


@contextmanager
def validating_against(context: dict[str, Any]) -> Iterator[None]:
    """Validate answers against this letter within the block (per asyncio task)."""
    token = _CONTEXT.set(context)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context or _CONTEXT.get() or {}


EXPLANATION_MIN_CHARS = 20
EXPLANATION_MAX_CHARS = 900
EXPLANATION_MAX_GRADE = 9.0

_NUMBER = re.compile(r"\d+(?:[/.\-:]\d+)*")
_QUOTED = re.compile(r"\"([^\"]{4,})\"")
_CATEGORY_VALUES = frozenset(category.value for category in ServiceCategory)
_REASON_VALUES = frozenset(code.value for code in ReasonCode)


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


class ItemEnrichment(BaseModel):
    """The model's plain-language reading of one disputed item."""

    model_config = ConfigDict(extra="ignore")

    index: int = Field(description="The item's index, exactly as given.")
    service: str | None = Field(
        None,
        description="Only when no items were given: the service, copied word for word from "
        "the letter.",
    )
    outcome: Literal["upheld", "overturned"] = Field(
        description="The item's outcome exactly as given (upheld = not approved; "
        "overturned = approved). Never change it."
    )
    category: ServiceCategory = Field(description="The kind of treatment.")
    quantity: str | None = Field(None, description="How many, as the service text states.")
    frequency: str | None = Field(None, description="How often, as stated.")
    duration: str | None = Field(None, description="For how long, as stated.")
    body_part: str | None = Field(None, description="Body part, as stated.")
    reason_codes: list[ReasonCode] = Field(default_factory=list, description="Main reasons.")
    reason: str = Field(description="The main reason, one short plain sentence.")
    explanation: str = Field(
        description="Two to four short sentences for the worker: what was decided, what it "
        "means, and why. Only numbers and dates from the letter."
    )
    next_steps: str = Field(description="What the worker can do next, one or two sentences.")

    # The cleaning validators below hand on enum members, not their values: instructor
    # validates strictly, and pydantic before 2.11 then refused a value where an enum stood.

    @field_validator("outcome", mode="before")
    @classmethod
    def _lower_case_outcome(cls, value: Any) -> Any:
        # "Upheld" means the same as "upheld".
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("category", mode="before")
    @classmethod
    def _known_category(cls, value: Any) -> Any:
        # "Physical Therapy" or "physical_therapy" mean the same as "physical therapy".
        if not isinstance(value, str):
            return value
        word = value.strip().lower().replace("_", " ")
        return ServiceCategory(word) if word in _CATEGORY_VALUES else word

    @field_validator("reason_codes", mode="before")
    @classmethod
    def _known_reason_codes(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        cleaned = []
        for code in value:
            if isinstance(code, str):
                code = code.strip().lower().replace(" ", "_").replace("-", "_")
                cleaned.append(ReasonCode(code) if code in _REASON_VALUES else ReasonCode.OTHER)
        return list(dict.fromkeys(cleaned))

    @field_validator("explanation")
    @classmethod
    def _explanation_is_plain_and_grounded(cls, value: str, info: ValidationInfo) -> str:
        text = value.strip()
        if len(text) < EXPLANATION_MIN_CHARS:
            raise ValueError("the explanation is empty or too short; write 2 to 4 sentences")
        if len(text) > EXPLANATION_MAX_CHARS:
            raise ValueError(
                f"the explanation is too long ({len(text)} characters); keep it under "
                f"{EXPLANATION_MAX_CHARS}"
            )
        letter = _context(info).get("letter")
        if letter:
            numbers = _letter_numbers(letter)
            stray = [n for n in _NUMBER.findall(text) if n not in numbers]
            if stray:
                raise ValueError(
                    f"the explanation uses numbers or dates not in the letter: {stray[:5]}; "
                    "use only numbers and dates that appear in the letter"
                )
            folded = _fold(letter)
            for quote in _QUOTED.findall(text):
                if _fold(quote) not in folded:
                    raise ValueError(f"the explanation quotes words not in the letter: {quote!r}")
        grade = _grade(text)
        if grade > EXPLANATION_MAX_GRADE:
            raise ValueError(
                f"the explanation reads at grade {grade:.1f}; use shorter sentences and simpler "
                f"words (grade {EXPLANATION_MAX_GRADE:.0f} or lower)"
            )
        return text

    @field_validator("reason", "next_steps")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


class LetterEnrichment(BaseModel):
    """The model's answer for one letter: one entry per item, then a summary."""

    model_config = ConfigDict(extra="ignore")

    items: list[ItemEnrichment] = Field(description="One entry per item, in the given order.")
    summary: str = Field(description="Two or three short sentences about the whole letter.")

    @model_validator(mode="after")
    def _matches_the_rules(self, info: ValidationInfo) -> LetterEnrichment:
        context = _context(info)
        expected: list[tuple[int, str, str]] = context.get("expected", [])
        letter: str = context.get("letter", "")
        if expected:
            want = [(index, outcome) for index, _, outcome in expected]
            got = [(item.index, item.outcome) for item in self.items]
            if len(got) != len(want):
                raise ValueError(
                    f"return exactly {len(want)} items, one per given item; you returned {len(got)}"
                )
            if [i for i, _ in got] != [i for i, _ in want]:
                raise ValueError(f"item indices must be {[i for i, _ in want]}, in that order")
            wrong = [i for (i, o), (_, w) in zip(got, want, strict=True) if o != w]
            if wrong:
                raise ValueError(
                    f"items {wrong} changed their outcome; copy each outcome exactly as given"
                )
            renamed = [
                item.index
                for item, (_, service, _) in zip(self.items, expected, strict=True)
                if item.service and _fold(item.service) != _fold(service)
            ]
            if renamed:
                raise ValueError(f"items {renamed} were renamed; do not change services")
        elif letter:
            if not self.items:
                raise ValueError("no items returned; find the disputed items in the letter")
            folded = _fold(letter)
            for item in self.items:
                if not item.service or _fold(item.service) not in folded:
                    raise ValueError(
                        f"item {item.index}: the service must be copied word for word from the "
                        "letter"
                    )
        if not self.summary.strip():
            raise ValueError("the summary must not be empty")
        if letter:
            numbers = _letter_numbers(letter)
            stray = [n for n in _NUMBER.findall(self.summary) if n not in numbers]
            if stray:
                raise ValueError(
                    f"the summary uses numbers or dates not in the letter: {stray[:5]}"
                )
        return self


@cache
def _json_schema(by_alias: bool, mode: str) -> dict[str, Any]:
    return BaseModel.model_json_schema.__func__(  # type: ignore[attr-defined, no-any-return]
        LetterEnrichment, by_alias=by_alias, mode=mode
    )


def _cached_schema(cls: type[BaseModel], by_alias: bool = True, *args: Any, **kwargs: Any) -> Any:
    """instructor asks for the schema on every request; pydantic rebuilds it every time."""
    if args or set(kwargs) - {"mode"}:
        return BaseModel.model_json_schema.__func__(cls, by_alias, *args, **kwargs)  # type: ignore[attr-defined]
    return copy.deepcopy(_json_schema(by_alias, kwargs.get("mode", "validation")))


LetterEnrichment.model_json_schema = classmethod(_cached_schema)  # type: ignore[method-assign, assignment]


def validation_context(letter: str, expected: list[tuple[int, str, str]]) -> dict[str, Any]:
    """The context instructor passes to the validators."""
    return {"letter": letter, "expected": expected}


_NUMBER_CACHE: dict[int, frozenset[str]] = {}


def _letter_numbers(letter: str) -> frozenset[str]:
    key = hash(letter)
    found = _NUMBER_CACHE.get(key)
    if found is None:
        tokens = set(_NUMBER.findall(letter))
        # A number inside a longer token ("6" in "6/5/2013") also occurs in the letter.
        tokens.update(part for token in list(tokens) for part in re.split(r"[/.\-:]", token))
        found = frozenset(tokens)
        if len(_NUMBER_CACHE) > 256:
            _NUMBER_CACHE.clear()
        _NUMBER_CACHE[key] = found
    return found


def _grade(text: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(text))
