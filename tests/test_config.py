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


def test_keyword_values_are_taken_as_their_fields_types() -> None:
    settings = Settings.from_env({}, timeout="12", cache_dir="~/imr-cache", max_attempts="3")
    assert settings.timeout == 12.0
    assert settings.cache_dir == Path.home() / "imr-cache"
    assert settings.max_attempts == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"timeout": "soon"}, "timeout: input should be a valid number"),
        ({"max_attempts": 2.5}, "max_attempts: input should be a valid integer"),
        ({"cache": "maybe"}, "cache: input should be a valid boolean"),
        ({"mode": "telepathy"}, "mode: input should be 'tools', 'json_schema' or 'json'"),
        ({"timout": 3}, r"unknown setting\(s\): timout; the settings are: api_key, "),
    ],
)
def test_a_keyword_of_the_wrong_type_or_name_is_a_config_error_naming_it(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({}, **overrides)
    with pytest.raises(ConfigError, match=message):
        Settings().replace(**overrides)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"timeout": 0}, "timeout: input should be greater than 0, got 0"),
        ({"max_time_per_letter": -1}, "max_time_per_letter: input should be greater than 0"),
        ({"max_attempts": 0}, "max_attempts: input should be greater than or equal to 1"),
        ({"max_reasks": -1}, "max_reasks: input should be greater than or equal to 0"),
        ({"concurrency": 0}, "concurrency: input should be greater than or equal to 1"),
        ({"temperature": 2.5}, "temperature: input should be less than or equal to 2"),
        ({"max_output_tokens": 0}, "max_output_tokens: input should be greater than or equal"),
        ({"model": "  "}, "model: string should have at least 1 character"),
        ({"base_url": "localhost:8000/v1"}, "base_url: must start with http:// or https://"),
    ],
)
def test_values_that_cannot_work_are_refused_before_any_request(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        Settings(**overrides)  # type: ignore[arg-type]
    assert caught.value.setting == next(iter(overrides))


def test_model_names_are_stripped() -> None:
    assert Settings(model=" gpt-4o-mini\n").model == "gpt-4o-mini"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OPENAI_BASE_URL": "localhost:8000"}, r"OPENAI_BASE_URL \(base_url\): must start"),
        ({"IMR_LLM_TIMEOUT": "0"}, r"IMR_LLM_TIMEOUT \(timeout\): input should be greater"),
        ({"IMR_LLM_MODE": "telepathy"}, r"IMR_LLM_MODE \(mode\): input should be 'tools'"),
    ],
)
def test_a_bad_value_from_the_environment_names_its_variable(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_a_keyword_that_replaces_a_bad_environment_value_wins() -> None:
    settings = Settings.from_env({"IMR_LLM_TIMEOUT": "-1"}, timeout=5)
    assert settings.timeout == 5.0


def test_cost_estimates_use_an_overridable_price_table() -> None:
    settings = Settings(model="gpt-4o-mini")
    cost = settings.estimate_cost(1_000_000, 0, 1_000_000)
    assert cost is not None and abs(cost - 0.75) < 1e-9
    assert Settings(model="unknown-model").estimate_cost(1000, 0, 1000) is None
    custom = Settings(model="local", prices={"local": (1.0, 0.5, 2.0)})
    assert custom.estimate_cost(1_000_000, 500_000, 0) == pytest.approx(0.75)
