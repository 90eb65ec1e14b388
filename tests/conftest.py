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

import imr_llm

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


def header_facts(det: imr_llm.Determination) -> tuple[object, ...]:
    """What a letter's header block says (the date of injury among it)."""
    return (
        det.case_number,
        det.date_assigned,
        det.decision_date,
        det.ur_denial_date,
        det.application_received,
        det.priority,
        det.claimant.date_of_injury,
    )


def letter_facts(det: imr_llm.Determination) -> tuple[object, ...]:
    """Every fact a delivery quirk must leave alone: each item's service, outcome, guideline
    families and where its rationale starts and ends, and the header, reviewer and claimant."""
    # (Re-wrapping joins "non-\ncertified" as "non- certified": that is the test's doing.)
    items = [
        (
            fold(i.service),
            i.outcome,
            i.guideline_sources,
            fold(i.rationale).replace("- ", "-")[:30],
            fold(i.rationale).replace("- ", "-")[-60:],
        )
        for i in det.items
    ]
    return (items, det.reviewer, det.claimant, header_facts(det))


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


def _loopback_works() -> bool:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            with socket.create_connection(server.getsockname(), timeout=2):
                return True
    except OSError:
        return False


def _bring_loopback_up() -> None:
    """Inside ``unshare -rn`` the new network namespace has only ``lo``, and it is down.

    The stand-in servers need loopback (and nothing else), so as root of that namespace we
    raise it, the same as ``ip link set lo up``. Outside such a namespace this never runs.
    """
    import fcntl
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(s, siocgifflags, request))[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def pytest_configure(config: pytest.Config) -> None:
    if not _loopback_works():
        try:
            _bring_loopback_up()
        except OSError:
            pass  # tests that need a stand-in server will say so when they fail
