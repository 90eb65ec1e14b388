"""Cross-check an LLM answer against the rules result, merge it in, or fall back.

The rules decide *what* was decided; the LLM only adds *what it means*. The
merge keeps every service, outcome and span from the rules and takes from the
answer only the plain-language fields and normalized facts, after checking
once more (beyond the response validators) that it re-decided nothing.
"""

from __future__ import annotations

import re

from imr_llm.errors import LLMValidationError
from imr_llm.explain import explain
from imr_llm.facts import enrich_item
from imr_llm.response import LetterEnrichment
from imr_llm.schema import Determination, DisputedItem, Outcome, Usage

__all__ = ["fallback", "ground_service", "merge_answer"]


def merge_answer(
    determination: Determination, answer: LetterEnrichment, *, model: str, usage: Usage
) -> Determination:
    """The rules result enriched by a validated answer (``method="llm"``)."""
    items = determination.items
    if items:
        _cross_check(items, answer)
        base_items = items
    else:
        base_items = _extracted_items(determination.text, answer)
    merged = []
    for item, enriched in zip(base_items, answer.items, strict=True):
        merged.append(
            item.model_copy(
                update={
                    "category": enriched.category,
                    "quantity": enriched.quantity or item.quantity,
                    "frequency": enriched.frequency or item.frequency,
                    "duration": enriched.duration or item.duration,
                    "body_part": enriched.body_part or item.body_part,
                    "reasons": enriched.reason_codes or item.reasons,
                    "reason": enriched.reason,
                    "explanation": enriched.explanation,
                    "next_steps": enriched.next_steps,
                }
            )
        )
    update = {
        "items": merged,
        "summary": answer.summary.strip(),
        "method": "llm",
        "model": model,
        "usage": usage,
    }
    if not items:
        # New items carry new spans: validate them against the text.
        data = determination.model_dump()
        data.update(update)
        data["items"] = [i.model_dump() for i in merged]
        return Determination.model_validate(data)
    return determination.model_copy(update=update)


def fallback(determination: Determination, cause: str, usage: Usage | None = None) -> Determination:
    """The rules result with template explanations and a warning naming the cause."""
    base = explain(determination)
    return base.model_copy(
        update={
            "method": "rules",
            "warnings": [*base.warnings, f"LLM fallback: {cause}; used the rules result"],
            "usage": usage,
        }
    )


def _cross_check(items: list[DisputedItem], answer: LetterEnrichment) -> None:
    if len(answer.items) != len(items):
        raise LLMValidationError(
            f"the answer has {len(answer.items)} items; the letter has {len(items)}"
        )
    for item, enriched in zip(items, answer.items, strict=True):
        if enriched.index != item.index or enriched.outcome != item.outcome.value:
            raise LLMValidationError(
                f"the answer re-decided item {item.index} ({item.service!r}): "
                f"{enriched.outcome} instead of {item.outcome.value}"
            )


def ground_service(text: str, service: str) -> tuple[int, int] | None:
    """Where a service quoted by the model stands in the letter (whitespace-tolerant)."""
    words = service.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, text, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def _extracted_items(text: str, answer: LetterEnrichment) -> list[DisputedItem]:
    items = []
    for k, enriched in enumerate(answer.items, start=1):
        span = ground_service(text, enriched.service or "")
        if span is None:
            raise LLMValidationError(f"item {k}: the service is not in the letter")
        service = " ".join(text[span[0] : span[1]].split())
        item = DisputedItem(
            index=k,
            service=service,
            outcome=Outcome(enriched.outcome),
            spans={"service": span},
        )
        items.append(enrich_item(item))
    return items
