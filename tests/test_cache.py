"""The answer cache: keyed by content, safe with concurrent writers, survives a killed run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imr_llm.cache import AnswerCache, cache_key
from imr_llm.errors import ConfigError
from imr_llm.testing import StandInServer
from tests.conftest import SEEDS


def test_the_key_changes_with_text_model_and_mode() -> None:
    base = cache_key("letter", model="m", mode="tools")
    assert base == cache_key("letter", model="m", mode="tools")
    assert base != cache_key("letter!", model="m", mode="tools")
    assert base != cache_key("letter", model="other", mode="tools")
    assert base != cache_key("letter", model="m", mode="json_schema")


def _write_many(directory: str, worker: int) -> None:
    with AnswerCache(Path(directory)) as cache:
        for n in range(50):
            cache.put(f"{worker}-{n}", "m", {"answer": {"n": n, "worker": worker}})


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(str(tmp_path), w)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    with AnswerCache(tmp_path) as cache:
        assert len(cache) == 200
        assert cache.get("3-49") == {"answer": {"n": 49, "worker": 3}}


def test_a_run_killed_half_way_resumes_without_asking_twice(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    letters = [str(p) for p in SEEDS]
    with StandInServer("cooperative", latency=0.4) as server:
        env = {
            **os.environ,
            "OPENAI_BASE_URL": server.base_url,
            "IMR_LLM_CACHE_DIR": str(cache_dir),
        }
        command = [sys.executable, "-m", "imr_llm.cli", "summarize", "--concurrency", "1", *letters]
        run = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while server.requests < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)
        run.send_signal(signal.SIGKILL)
        run.wait()
        answered_before = _answers_in(cache_dir)
        assert 1 <= answered_before < len(letters)
        first_requests = server.requests
        server.reset()
        subprocess.run(command, env=env, check=True, capture_output=True)
        assert server.requests == len(letters) - answered_before
    assert first_requests >= answered_before
    assert _answers_in(cache_dir) == len(letters)


def _answers_in(cache_dir: Path) -> int:
    with AnswerCache(cache_dir) as cache:
        return len(cache)


def test_a_cache_file_that_is_not_a_database_is_a_config_error_saying_how_to_go_on(
    tmp_path: Path,
) -> None:
    (tmp_path / "answers.sqlite3").write_text("not a database " * 20)
    with pytest.raises(ConfigError, match="not a database") as caught:
        AnswerCache(tmp_path)
    assert "set IMR_LLM_CACHE_DIR" in str(caught.value)
    assert "cache=False" in str(caught.value)


def test_a_cache_folder_that_cannot_be_made_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ConfigError, match=r"a-file/cache/answers.sqlite3 cannot be used"):
        AnswerCache(tmp_path / "a-file" / "cache")
