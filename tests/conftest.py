"""Shared fixtures: the sample letters, their gold answers, the 49 labelled real letters."""

from __future__ import annotations

import json
import os
import re
import socket
import unicodedata
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
SEEDS = sorted((DATA / "seeds").glob("*.txt"))
GOLD: dict[str, Any] = json.loads((DATA / "gold.json").read_text())["documents"]
LETTERS = DATA / "letters"
LABELS: dict[str, Any] = json.loads((LETTERS / "labels.json").read_text())


def fold(value: object) -> str:
    """How the gold answers compare strings: NFKC, line-end hyphens joined, whitespace folded."""
    s = unicodedata.normalize("NFKC", str(value or ""))
    s = re.sub(r"-[ \t]*\n\s*", "-", s)
    return re.sub(r"\s+", " ", s).strip().rstrip(".:; ").casefold()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may talk to 127.0.0.1 (stand-in servers) and nothing else."""
    real_connect = socket.socket.connect
    if os.environ.get("IMR_RECORD_API_KEY"):
        return  # recording against a remote endpoint on purpose (scripts/record_cassettes.sh)

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "localhost", "::1")
            and not (host.startswith("/"))
        ):
            raise RuntimeError(f"a test tried to reach {host!r}: tests never use the network")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's key, endpoint or cache."""
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "IMR_LLM_MODEL",
        "IMR_LLM_TIMEOUT",
        "IMR_LLM_MODE",
        "IMR_LLM_MAX_TIME",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IMR_LLM_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """Cassettes live at the top level: ``cassettes/<test module>/<test>.yaml``."""
    return str(Path(__file__).parent.parent / "cassettes" / request.module.__name__.split(".")[-1])
