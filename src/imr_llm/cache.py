"""The answer cache: validated LLM answers in SQLite (standard library), keyed by content.

The key covers everything that changes an answer's meaning: the normalized
letter text, the model, the instructor mode, the prompts' hash and the schema
version. Only answers that passed validation and the cross-check are stored,
never fallbacks. Each answer is committed on its own, in WAL mode with a busy
timeout, so concurrent writers are safe and a run killed half-way keeps every
answer it had: resuming sends no request twice.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from imr_llm.errors import ConfigError
from imr_llm.prompting import prompt_hash
from imr_llm.schema import SCHEMA_VERSION

__all__ = ["AnswerCache", "cache_key"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    value TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def cache_key(text: str, *, model: str, mode: str) -> str:
    """The cache key for one letter's answer."""
    parts = [SCHEMA_VERSION, prompt_hash(), model, mode, hashlib.sha256(text.encode()).hexdigest()]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


class AnswerCache:
    """A small persistent map from cache key to a validated answer (JSON).

    Close it when done (or use it as a context manager): an open SQLite connection
    holds the database's WAL files, and Python 3.13 warns about one left to the GC.
    """

    def __init__(self, directory: Path) -> None:
        self.path = directory / "answers.sqlite3"
        self._lock = threading.Lock()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise self._unusable(exc) from exc
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except sqlite3.Error as exc:
            self._db.close()
            raise self._unusable(exc) from exc

    def _unusable(self, exc: OSError | sqlite3.Error) -> ConfigError:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return ConfigError(
            f"the answer cache at {self.path} cannot be used ({reason}): set IMR_LLM_CACHE_DIR "
            "(or cache_dir=) to another folder, or turn the cache off (--no-cache, cache=False)"
        )

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM answers WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            value: dict[str, Any] = json.loads(row[0])
        except json.JSONDecodeError:
            return None
        return value

    def put(self, key: str, model: str, value: dict[str, Any]) -> None:
        payload = json.dumps(value, ensure_ascii=False)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers (key, model, value, created) VALUES (?, ?, ?, ?)",
                (key, model, payload, time.time()),
            )

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM answers").fetchone()
        return int(count)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> AnswerCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
