"""The data model: spans are checked, models are frozen and round-trip through JSON."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import imr_llm
from imr_llm import Determination, Outcome
from tests.conftest import SEEDS


def test_json_round_trip() -> None:
    for path in SEEDS:
        det = imr_llm.parse(path)
        again = Determination.model_validate_json(det.model_dump_json())
        assert again == det


def test_a_span_that_does_not_reproduce_its_field_is_rejected() -> None:
    det = imr_llm.parse(SEEDS[0])
    data = det.model_dump()
    data["items"][0]["spans"]["service"] = [0, 10]
    with pytest.raises(ValidationError, match="does not reproduce"):
        Determination.model_validate(data)
    data["items"][0]["spans"]["service"] = [0, 10**9]
    with pytest.raises(ValidationError, match="outside the text"):
        Determination.model_validate(data)


def test_models_are_frozen_and_strict() -> None:
    det = imr_llm.parse(SEEDS[0])
    with pytest.raises(ValidationError):
        det.items[0].outcome = Outcome.OVERTURNED  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Determination.model_validate({**det.model_dump(), "surprise": 1})


def test_outcomes_say_what_they_mean_for_the_worker() -> None:
    assert not Outcome.UPHELD.approved
    assert Outcome.OVERTURNED.approved
    assert "not approved" in Outcome.UPHELD.meaning
    assert "must authorize" in Outcome.OVERTURNED.meaning


def test_the_public_api_is_small_and_sorted() -> None:
    assert imr_llm.__all__ == sorted(imr_llm.__all__)
    for name in imr_llm.__all__:
        assert getattr(imr_llm, name) is not None
