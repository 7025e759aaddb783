"""[links] numeric options are range-checked: a zero timeout or a negative count is exit 2, not silently odd checking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.checks import links
from pipeline.config import build_config
from pipeline.errors import ConfigError
from pipeline.registry import Context


def defaults(**overrides: Any) -> dict[str, Any]:
    return {**{name: opt.default for name, opt in links.OPTIONS.items()}, **overrides}


BAD = [
    ("timeout", 0.0, "'timeout' must be a number > 0, got 0.0"),
    ("timeout", -1.0, "'timeout' must be a number > 0, got -1.0"),
    ("timeout", float("nan"), "'timeout' must be a number > 0, got nan"),
    ("request_timeout", 0.0, "'request_timeout' must be a number > 0, got 0.0"),
    ("request_timeout", float("inf"), "'request_timeout' must be a number > 0, got inf"),
    ("max_retries", -1, "'max_retries' must be an integer >= 0, got -1"),
    ("backoff", -0.5, "'backoff' must be a number >= 0, got -0.5"),
    ("max_retry_after", -1.0, "'max_retry_after' must be a number >= 0, got -1.0"),
    ("max_redirects", -1, "'max_redirects' must be an integer >= 0, got -1"),
    ("per_host", 0, "'per_host' must be an integer >= 1, got 0"),
    ("interval", -0.1, "'interval' must be a number >= 0, got -0.1"),
    ("workers", 0, "'workers' must be an integer >= 1, got 0"),
    ("max_body", 0, "'max_body' must be an integer >= 1, got 0"),
    ("cache_max_age", -1.0, "'cache_max_age' must be a number >= 0, got -1.0"),
    ("cache_max_age_failures", -1.0, "'cache_max_age_failures' must be a number >= 0, got -1.0"),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD, ids=[f"{k}={v}" for k, v, _ in BAD])
def test_out_of_range_is_a_config_error(tmp_path: Path, key: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        links.prepare_options(defaults(**{key: value}), tmp_path, "pipeline.toml [links]")
    assert str(caught.value) == f"pipeline.toml [links]: {message}"


GOOD = [
    ("timeout", 0.5), ("request_timeout", 0.1), ("max_retries", 0), ("backoff", 0.0), ("max_retry_after", 0.0),
    ("max_redirects", 0), ("per_host", 1), ("interval", 0.0), ("workers", 1), ("max_body", 1),
    ("cache_max_age", 0.0), ("cache_max_age_failures", 0.0),
]


@pytest.mark.parametrize(("key", "value"), GOOD, ids=[f"{k}={v}" for k, v in GOOD])
def test_bounds_themselves_are_accepted(tmp_path: Path, key: str, value: object) -> None:
    assert links.prepare_options(defaults(**{key: value}), tmp_path, "pipeline.toml [links]")[key] == value


def test_config_file_values_are_checked_when_loaded(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^pipeline.toml \[links\]: 'timeout' must be a number > 0, got 0.0$"):
        build_config({"links": {"timeout": 0}}, tmp_path, Path("pipeline.toml"))
    with pytest.raises(ConfigError, match=r"'max_redirects' must be an integer >= 0, got -1$"):
        build_config({"links": {"max_redirects": -1}}, tmp_path, Path("pipeline.toml"))


def test_options_not_from_a_config_file_are_checked_before_any_request(tmp_path: Path) -> None:
    ctx = Context(options=defaults(timeout=0.0), root=tmp_path, offline=False, no_cache=True,
                  allow_private=False, cache_dir=tmp_path / ".cache")
    with pytest.raises(ConfigError, match=r"^\[links\]: 'timeout' must be a number > 0, got 0.0$"):
        links.client_options(ctx.options, ctx)


@pytest.mark.parametrize(("headers", "message"), [
    ({"h.test": {"Authorization": "a\nb"}}, "the value of 'Authorization' holds a line break"),
    ({"h.test": {"X-Name": "токен"}}, "the value of 'X-Name' holds a line break or a character"),
    ({"h.test": {"Bad Name": "x"}}, "'Bad Name' is no HTTP header name"),
])
def test_a_header_that_cannot_be_sent_is_a_config_error(tmp_path: Path, headers: dict[str, dict[str, str]], message: str) -> None:
    """requests raised InvalidHeader mid-run (an internal error that printed the value)."""
    with pytest.raises(ConfigError) as caught:
        links.prepare_options(defaults(headers=headers), tmp_path, "pipeline.toml [links]")
    assert message in str(caught.value) and "токен" not in str(caught.value)


def test_a_header_from_the_environment_is_trimmed_or_refused_without_its_value() -> None:
    from pipeline.net.options import resolve_headers

    config = {"h.test": {"Authorization": "Bearer ${TOK}"}}
    assert resolve_headers(config, {"TOK": "s3cret\n"}) == {"h.test": {"Authorization": "Bearer s3cret"}}
    with pytest.raises(ConfigError) as caught:
        resolve_headers(config, {"TOK": "s3\ncret"})
    assert "s3" not in str(caught.value)
