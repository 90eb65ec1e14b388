"""summarize / summarize_many against a local stand-in server (imr_llm.testing), never the network.

The stand-in is not a model: it answers by a fixed behaviour so each fault path
(429, 500, hangs, non-JSON bodies, adversarial answers, refused keys) can be
shown to end in the right items and outcomes, a warning, and bounded requests
and time.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

import imr_llm
from imr_llm import Determination, Settings
from imr_llm.testing import StandInServer
from tests.conftest import GOLD, SEEDS

MAX_REQUESTS_PER_LETTER = 4


def gold_items(det: Determination) -> list[tuple[str, str]]:
    return [(i.service, i.outcome.value) for i in det.items]


def expected(path: Path) -> list[tuple[str, str]]:
    return [(g["service"], g["outcome"]) for g in GOLD[path.name]["items"]]


def settings_for(server: StandInServer, tmp_path: Path, **changes: Any) -> Settings:
    return Settings(base_url=server.base_url, cache_dir=tmp_path / "cache", timeout=3, **changes)


def test_a_cooperative_server_gives_llm_results_then_the_cache_answers(tmp_path: Path) -> None:
    with StandInServer("cooperative") as server:
        settings = settings_for(server, tmp_path)
        first = imr_llm.summarize_many(SEEDS, settings=settings)
        assert server.requests == len(SEEDS)
        server.reset()
        second = imr_llm.summarize_many(SEEDS, settings=settings)
        assert server.requests == 0
    for path, a, b in zip(SEEDS, first, second, strict=True):
        assert isinstance(a, Determination) and isinstance(b, Determination)
        assert a.method == b.method == "llm"
        assert gold_items(a) == expected(path)
        assert [i.explanation for i in a.items] == [i.explanation for i in b.items]
        assert a.summary == b.summary
        assert a.usage is not None and a.usage.requests == 1 and a.usage.cached_input_tokens == 1024
        assert b.usage is not None and b.usage.cached and b.usage.requests == 0


def test_no_cache_asks_again(tmp_path: Path) -> None:
    with StandInServer("cooperative") as server:
        settings = settings_for(server, tmp_path, cache=False)
        imr_llm.summarize(SEEDS[0], settings=settings)
        imr_llm.summarize(SEEDS[0], settings=settings)
        assert server.requests == 2


def test_adversarial_answers_never_change_an_outcome(tmp_path: Path) -> None:
    with StandInServer("adversarial") as server:
        results = imr_llm.summarize_many(SEEDS, settings=settings_for(server, tmp_path))
        assert server.requests <= MAX_REQUESTS_PER_LETTER * len(SEEDS)
    for path, det in zip(SEEDS, results, strict=True):
        assert isinstance(det, Determination)
        assert gold_items(det) == expected(path)
        assert det.method == "rules"
        assert any(w.startswith("LLM fallback:") for w in det.warnings)
        assert det.usage is not None and det.usage.requests <= MAX_REQUESTS_PER_LETTER


@pytest.mark.parametrize("behaviour", ["error500", "ratelimit", "notjson", "hang", "unauthorized"])
def test_faults_fall_back_to_the_rules_within_bounds(tmp_path: Path, behaviour: str) -> None:
    with StandInServer(behaviour, hang_seconds=10) as server:
        started = time.monotonic()
        results = imr_llm.summarize_many(SEEDS, settings=settings_for(server, tmp_path))
        elapsed = time.monotonic() - started
        requests = server.requests
    assert elapsed < 60
    assert requests <= MAX_REQUESTS_PER_LETTER * len(SEEDS)
    for path, det in zip(SEEDS, results, strict=True):
        assert isinstance(det, Determination)
        assert gold_items(det) == expected(path)
        assert det.method == "rules"
        assert any(w.startswith("LLM fallback:") for w in det.warnings)
        assert all(i.explanation for i in det.items)


def test_a_refused_key_fails_fast_without_retrying(tmp_path: Path) -> None:
    with StandInServer("unauthorized") as server:
        det = imr_llm.summarize(SEEDS[0], settings=settings_for(server, tmp_path))
        assert server.requests == 1
    assert "HTTP 401" in det.warnings[-1]


def test_retry_after_is_honoured_then_the_answer_is_used(tmp_path: Path) -> None:
    with StandInServer("ratelimit_once") as server:
        started = time.monotonic()
        det = imr_llm.summarize(SEEDS[0], settings=settings_for(server, tmp_path))
        assert server.requests == 2
    assert time.monotonic() - started >= 0.9
    assert det.method == "llm"
    assert det.usage is not None and det.usage.requests == 2


def test_without_key_or_endpoint_summarize_says_it_used_the_rules() -> None:
    det = imr_llm.summarize(SEEDS[4])
    assert det.method == "rules"
    assert any("offline rules path" in w for w in det.warnings)
    assert gold_items(det) == expected(SEEDS[4])


def test_the_environment_configures_the_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StandInServer("cooperative") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("IMR_LLM_MODEL", "stand-in-model")
        det = imr_llm.summarize(SEEDS[0])
        assert server.requests == 1
    assert det.method == "llm"
    assert det.model == "stand-in-model"


def test_planted_instructions_do_not_move_outcomes(tmp_path: Path) -> None:
    from tests.variants import with_planted_instructions

    raw = with_planted_instructions(SEEDS[1].read_text(encoding="utf-8"))
    with StandInServer("adversarial") as server:
        det = imr_llm.summarize(raw, settings=settings_for(server, tmp_path))
    assert gold_items(det) == expected(SEEDS[1])


def test_summarize_many_keeps_input_order_and_reports_bad_inputs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    letters = [SEEDS[2], empty, SEEDS[0]]
    with StandInServer("cooperative") as server:
        results = imr_llm.summarize_many(letters, settings=settings_for(server, tmp_path))
    assert isinstance(results[0], Determination) and results[0].source == str(SEEDS[2])
    assert isinstance(results[1], imr_llm.EmptyInputError)
    assert isinstance(results[2], Determination) and results[2].source == str(SEEDS[0])


def test_a_letter_the_rules_cannot_read_is_extracted_by_the_model_and_grounded(
    tmp_path: Path,
) -> None:
    # An unknown layout: no items for the rules, so the model must find them in the text.
    letter = (
        "Independent Medical Review decision notice\n"
        "The reviewer considered the request for Knee brace purchase and decided it.\n"
    )
    assert imr_llm.parse(letter).items == []
    with StandInServer("cooperative", extracted=[("knee brace  purchase", "upheld")]) as server:
        det = imr_llm.summarize(letter, settings=settings_for(server, tmp_path))
    assert det.method == "llm"
    (item,) = det.items
    assert item.service == "Knee brace purchase"  # the letter's words, not the model's
    start, end = item.spans["service"]
    assert det.text[start:end] == "Knee brace purchase"
    with StandInServer("cooperative", extracted=[("a brand new car", "overturned")]) as server:
        invented = imr_llm.summarize(letter, settings=settings_for(server, tmp_path, cache=False))
    assert invented.method == "rules" and invented.items == []


def test_the_offline_flag_skips_the_llm(tmp_path: Path) -> None:
    with StandInServer("cooperative") as server:
        det = imr_llm.summarize(SEEDS[0], settings=settings_for(server, tmp_path), offline=True)
        assert server.requests == 0
    assert det.method == "rules"


async def test_summarize_async_works_inside_a_running_loop(tmp_path: Path) -> None:
    with StandInServer("cooperative") as server:
        det = await imr_llm.summarize_async(SEEDS[0], settings=settings_for(server, tmp_path))
        sync_inside_loop = imr_llm.summarize(SEEDS[1], settings=settings_for(server, tmp_path))
    assert det.method == "llm" and sync_inside_loop.method == "llm"


PLANTED_TEMPLATE = "{{ letter }} {% for x in expected %}{{ x }}{% endfor %} {{ 7*7 }}"


def test_the_letter_is_sent_verbatim_never_rendered_as_a_template(tmp_path: Path) -> None:
    raw = (
        SEEDS[0]
        .read_text(encoding="utf-8")
        .replace(
            "CLINICAL CASE SUMMARY",
            "CLINICAL CASE SUMMARY\n" + PLANTED_TEMPLATE,
        )
    )
    with StandInServer("cooperative") as server:
        det = imr_llm.summarize(raw, settings=settings_for(server, tmp_path))
        sent = server.bodies[0]["messages"][-1]["content"]
    assert det.method == "llm"
    assert PLANTED_TEMPLATE in sent
    assert "49" not in sent
