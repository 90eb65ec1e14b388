"""The prompts: versioned files under ``prompts/``, shipped in the wheel as ``imr_llm/prompts``.

No prompt text lives in code. The files' hash is part of the cache key, so an
edited prompt never serves answers cached for the old one.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imr_llm.schema import Determination

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable  # importlib.abc's goes in Python 3.14

__all__ = ["PROMPT_VERSION", "build_messages", "prompt_hash", "system_prompt"]

PROMPT_VERSION = "2"
"""Bumped when the prompts change meaning (the hash catches every edit anyway)."""

_FILES = ("system.md", "user.md")


def _prompt_dir() -> Traversable:
    packaged = resources.files("imr_llm").joinpath("prompts")
    if packaged.joinpath("system.md").is_file():
        return packaged
    # An editable install runs from the source tree, where prompts/ sits at the top level.
    source_tree = Path(__file__).resolve().parents[2] / "prompts"
    if (source_tree / "system.md").is_file():
        return source_tree
    raise FileNotFoundError("imr_llm's prompts/ directory is missing from this installation")


@cache
def _read(name: str) -> str:
    return _prompt_dir().joinpath(name).read_text(encoding="utf-8")


@cache
def prompt_hash() -> str:
    """SHA-256 over every prompt file, with the version: part of the cache key."""
    digest = hashlib.sha256(PROMPT_VERSION.encode())
    for name in _FILES:
        digest.update(name.encode() + b"\0" + _read(name).encode() + b"\0")
    return digest.hexdigest()


def system_prompt() -> str:
    return _read("system.md")


@cache
def _user_template() -> Any:
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    return env.from_string(_read("user.md"))


def build_messages(determination: Determination) -> list[dict[str, str]]:
    """Chat messages for one letter: the static system prompt first, the letter last."""
    items = [
        {"index": i.index, "service": i.service, "outcome": i.outcome.value}
        for i in determination.items
    ]
    user = _user_template().render(items=items, letter=determination.text)
    return [
        {"role": "system", "content": system_prompt()},
        {"role": "user", "content": user},
    ]
