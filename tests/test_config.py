"""Settings come from the environment and keyword arguments, and bad values are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_llm import ConfigError, Settings
from imr_llm.config import DEFAULT_MODEL


def test_defaults_are_offline() -> None:
    settings = Settings.from_env({})
    assert settings.model == DEFAULT_MODEL
    assert not settings.online
    assert settings.timeout == 30.0


def test_environment_variables() -> None:
    settings = Settings.from_env(
        {
            "OPENAI_API_KEY": "sk-test",
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "IMR_LLM_MODEL": "my-model",
            "IMR_LLM_TIMEOUT": "3",
            "IMR_LLM_CACHE_DIR": "/tmp/somewhere",
            "IMR_LLM_MODE": "json-schema",
        }
    )
    assert settings.online and settings.api_key == "sk-test"
    assert settings.base_url == "http://127.0.0.1:9/v1"
    assert settings.model == "my-model"
    assert settings.timeout == 3.0
    assert settings.resolved_cache_dir == Path("/tmp/somewhere")
    assert settings.mode == "json_schema"


def test_keyword_arguments_override_the_environment() -> None:
    settings = Settings.from_env({"IMR_LLM_MODEL": "env-model"}, model="kw-model", timeout=None)
    assert settings.model == "kw-model"
    assert settings.timeout == 30.0


def test_a_base_url_alone_is_enough_for_local_servers() -> None:
    assert Settings.from_env({"OPENAI_BASE_URL": "http://127.0.0.1:8000/v1"}).online
    assert not Settings.from_env({"OPENAI_BASE_URL": "http://x/v1"}, offline=True).online


@pytest.mark.parametrize(
    ("env", "match"),
    [
        ({"IMR_LLM_TIMEOUT": "soon"}, "IMR_LLM_TIMEOUT"),
        ({"IMR_LLM_TIMEOUT": "-1"}, "timeout"),
        ({"IMR_LLM_MODE": "telepathy"}, "mode"),
    ],
)
def test_bad_settings_are_config_errors(env: dict[str, str], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        Settings.from_env(env)


def test_cost_estimates_use_an_overridable_price_table() -> None:
    settings = Settings(model="gpt-4o-mini")
    cost = settings.estimate_cost(1_000_000, 0, 1_000_000)
    assert cost is not None and abs(cost - 0.75) < 1e-9
    assert Settings(model="unknown-model").estimate_cost(1000, 0, 1000) is None
    custom = Settings(model="local", prices={"local": (1.0, 0.5, 2.0)})
    assert custom.estimate_cost(1_000_000, 500_000, 0) == pytest.approx(0.75)
