"""What an LLM answer must satisfy before it can enrich a letter."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

import imr_llm
from imr_llm.response import LetterEnrichment, validation_context
from imr_llm.schema import ReasonCode, ServiceCategory
from tests.conftest import SEEDS

DET = imr_llm.parse(SEEDS[4])  # 1 upheld, 1 overturned
CONTEXT = validation_context(DET.text, [(i.index, i.service, i.outcome.value) for i in DET.items])


def item(index: int, outcome: str, **changes: Any) -> dict[str, Any]:
    base = {
        "index": index,
        "outcome": outcome,
        "category": "acupuncture",
        "reason_codes": ["quantity_not_specified"],
        "reason": "The request did not say how many visits.",
        "explanation": "This care was not approved. The reviewer agreed with the denial.",
        "next_steps": "Your doctor can ask again and say how many visits you need.",
    }
    base.update(changes)
    return base


def answer(*items: dict[str, Any], summary: str = "One was approved.") -> dict[str, Any]:
    return {"items": list(items), "summary": summary}


def validate(data: dict[str, Any]) -> LetterEnrichment:
    return LetterEnrichment.model_validate(data, context=CONTEXT)


def test_a_faithful_answer_passes_and_words_are_normalized() -> None:
    result = validate(
        answer(
            item(1, "Upheld", category="Physical Therapy", reason_codes=["Red Flags?"]),
            item(2, "overturned", category="functional restoration"),
        )
    )
    assert [i.outcome for i in result.items] == ["upheld", "overturned"]
    assert result.items[0].category.value == "physical therapy"
    assert [c.value for c in result.items[0].reason_codes] == ["other"]


def test_normalized_words_pass_the_strict_validation_instructor_runs() -> None:
    data = answer(
        item(1, "Upheld", category="Physical_Therapy", reason_codes=["Red flags", "No-Red-Flags"]),
        item(2, "overturned", category="functional restoration"),
    )
    result = LetterEnrichment.model_validate_json(json.dumps(data), strict=True, context=CONTEXT)
    assert result.items[0].category is ServiceCategory.PHYSICAL_THERAPY
    assert result.items[0].reason_codes == [ReasonCode.OTHER, ReasonCode.NO_RED_FLAGS]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (answer(item(1, "overturned"), item(2, "overturned")), "changed their outcome"),
        (answer(item(1, "upheld")), "exactly 2 items"),
        (answer(item(2, "overturned"), item(1, "upheld")), "indices"),
        (answer(item(1, "upheld", service="A massage"), item(2, "overturned")), "renamed"),
        (
            answer(item(1, "upheld", explanation="Denied on 12/25/2031."), item(2, "overturned")),
            "not in the letter",
        ),
        (
            answer(
                item(1, "upheld", explanation='It said "you win everything forever".'),
                item(2, "overturned"),
            ),
            "quotes words not in the letter",
        ),
        (answer(item(1, "upheld", explanation="No."), item(2, "overturned")), "too short"),
        (
            answer(
                item(
                    1,
                    "upheld",
                    explanation=(
                        "Notwithstanding multidisciplinary interdisciplinary considerations, the "
                        "administratively promulgated evidentiary determinations substantively "
                        "contraindicate electroacupuncture authorization."
                    ),
                ),
                item(2, "overturned"),
            ),
            "grade",
        ),
    ],
    ids=[
        "flipped",
        "dropped",
        "reordered",
        "renamed",
        "stray-date",
        "stray-quote",
        "short",
        "hard",
    ],
)
def test_unfaithful_answers_are_rejected_with_a_reason_the_model_can_act_on(
    data: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        validate(data)


def test_without_rules_items_the_model_must_quote_services_from_the_letter() -> None:
    context = validation_context(DET.text, [])
    good = answer(item(1, "upheld", service="Unknown sessions of electro-acupuncture"))
    assert LetterEnrichment.model_validate(good, context=context).items[0].service
    bad = answer(item(1, "upheld", service="A new car"))
    with pytest.raises(ValidationError, match="word for word"):
        LetterEnrichment.model_validate(bad, context=context)


def test_the_summary_uses_only_the_letters_numbers() -> None:
    with pytest.raises(ValidationError, match="summary uses numbers"):
        validate(answer(item(1, "upheld"), item(2, "overturned"), summary="Approved on 3/3/2099."))
