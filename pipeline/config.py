"""Configuration in three layers (mdformat): DEFAULTS -> pipeline.toml / [tool.pipeline] -> CLI.

Validated on load: an unknown key or a wrong type is a ConfigError naming the file and the
key (exit 2), and per-checker sections are checked against each checker's OPTIONS table,
so the documentation and the validation come from one place.
"""

from __future__ import annotations

import importlib
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

from pipeline.errors import ConfigError
from pipeline.findings import Severity
from pipeline.registry import Option, available_checkers

TOP_LEVEL: Mapping[str, Option] = MappingProxyType(
    {
        "paths": Option(["posts"], list, "paths linted when none are given on the command line"),
        "posts_root": Option("", str, "folder holding every post (site index for links and spelling); default: the linted folders"),
        "select": Option([], list, "rule codes or prefixes to enable (default: all rules on by default)"),
        "ignore": Option([], list, "rule codes or prefixes to disable"),
        "extend-select": Option([], list, "codes or prefixes enabled on top of select"),
        "extend-ignore": Option([], list, "codes or prefixes disabled on top of ignore"),
        "severity": Option({}, dict, "rule code -> 'error' | 'warning' overrides"),
        "cache_dir": Option(".pipeline_cache", str, "where caches live, relative to the config file"),
        "exclude": Option([], list, "glob patterns of files not to lint"),
    }
)
# Sections that are not checkers but still configurable: name -> module with OPTIONS.
EXTRA_SECTIONS: Mapping[str, str] = MappingProxyType({"publish": "pipeline.publish"})


@dataclass(frozen=True, slots=True)
class Config:
    """The merged, validated configuration of one run.

    Plain dicts inside (treated as read-only) so a Config pickles into worker processes.
    """

    root: Path
    source: Path | None = None
    paths: tuple[str, ...] = ("posts",)
    posts_root: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    cache_dir: Path = Path(".pipeline_cache")
    exclude: tuple[str, ...] = ()
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        return self.sections.get(name, {})

    def fingerprint(self, section: str) -> str:
        """Stable text of one section's options: part of the incremental cache key."""
        return repr(sorted((k, repr(v)) for k, v in self.section(section).items()))

    def with_cli(self, select: Sequence[str] | None, ignore: Sequence[str] | None,
                 extend_select: Sequence[str] = (), extend_ignore: Sequence[str] = ()) -> Config:
        sel = tuple(select) if select is not None else self.select
        ign = tuple(ignore) if ignore is not None else self.ignore
        return replace(self, select=sel + tuple(extend_select), ignore=ign + tuple(extend_ignore))


def find_config(start: Path) -> Path | None:
    """Nearest pipeline.toml, or pyproject.toml with [tool.pipeline], walking up from start."""
    for folder in (start, *start.parents):
        candidate = folder / "pipeline.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "pipeline" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def load_config(explicit: Path | None = None, cwd: Path | None = None) -> Config:
    cwd = cwd or Path.cwd()
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        source: Path | None = explicit
    else:
        source = find_config(cwd)
    if source is None:
        return build_config({}, cwd, None)
    data = _read_toml(source)
    if source.name == "pyproject.toml":
        data = data.get("tool", {}).get("pipeline", {})
    elif "tool" in data and "pipeline" in data["tool"] and len(data) == 1:
        data = data["tool"]["pipeline"]  # a pipeline.toml written in pyproject style
    return build_config(data, source.parent, source)


def _check_type(where: str, key: str, value: Any, opt: Option) -> Any:
    expected = opt.type
    if expected is list and isinstance(value, str):
        return [value]  # a single string is a one-item list, as in ruff's select
    if isinstance(value, bool) and expected in (int, float):
        raise ConfigError(f"{where}: '{key}' must be {expected.__name__}, got a boolean")
    if expected is float and isinstance(value, int):
        return float(value)
    if not isinstance(value, expected):
        names = expected.__name__ if isinstance(expected, type) else " or ".join(t.__name__ for t in expected)
        raise ConfigError(f"{where}: '{key}' must be {names}, got {type(value).__name__} {value!r}")
    if opt.choices:
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or item.lower() not in opt.choices:
                raise ConfigError(f"{where}: '{key}' must be {' or '.join(repr(c) for c in opt.choices)}, got {item!r}")
        value = [item.lower() for item in value] if isinstance(value, list) else value.lower()
    if (opt.low is not None or opt.high is not None) and not (
        math.isfinite(value) and (opt.low is None or value >= opt.low) and (opt.high is None or value <= opt.high)
    ):
        kind = "an integer" if expected is int else "a number"
        bounds = f"from {opt.low:g} to {opt.high:g}" if opt.low is not None and opt.high is not None else (
            f">= {opt.low:g}" if opt.low is not None else f"<= {opt.high:g}")
        raise ConfigError(f"{where}: '{key}' must be {kind} {bounds}, got {value!r}")
    return value


def _validate(where: str, data: Mapping[str, Any], options: Mapping[str, Option]) -> dict[str, Any]:
    out = {k: opt.default for k, opt in options.items()}
    for key, value in data.items():
        if key not in options:
            raise ConfigError(f"{where}: unknown key '{key}'; expected one of: {', '.join(sorted(options))}")
        out[key] = _check_type(where, key, value, options[key])
    return out


def section_modules() -> dict[str, ModuleType]:
    """Every configurable section: one per checker family, plus the publisher."""
    sections: dict[str, ModuleType] = {m.NAME: m for m in available_checkers()}
    for name, dotted in EXTRA_SECTIONS.items():
        try:
            module = importlib.import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise
            continue
        if hasattr(module, "OPTIONS"):  # a section still being written (no OPTIONS yet) is skipped
            sections[name] = module
    return sections


def build_config(data: Mapping[str, Any], root: Path, source: Path | None) -> Config:
    where = str(source) if source else "defaults"
    sections = section_modules()
    top = {k: v for k, v in data.items() if k not in sections}
    values = _validate(f"{where} [tool.pipeline]" if source and source.name == "pyproject.toml" else where, top, TOP_LEVEL)
    severity: dict[str, Severity] = {}
    for code, level in values["severity"].items():
        try:
            severity[code] = Severity(level)
        except ValueError:
            raise ConfigError(f"{where}: severity of {code} must be 'error' or 'warning', got {level!r}") from None
    validated: dict[str, Mapping[str, Any]] = {}
    for name, module in sections.items():
        raw = data.get(name, {})
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: '{name}' must be a table")
        options = _validate(f"{where} [{name}]", raw, module.OPTIONS)
        prepare = getattr(module, "prepare_options", None)  # e.g. read a schema file once
        if prepare is not None:
            options = prepare(options, root, f"{where} [{name}]")
        validated[name] = options
    for key in ("select", "ignore", "extend-select", "extend-ignore", "paths", "exclude"):
        if not all(isinstance(v, str) for v in values[key]):
            raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return Config(
        root=root,
        source=source,
        paths=tuple(values["paths"]),
        posts_root=(root / values["posts_root"]) if values["posts_root"] else None,
        select=tuple(values["select"]) + tuple(values["extend-select"]),
        ignore=tuple(values["ignore"]) + tuple(values["extend-ignore"]),
        severity=severity,
        cache_dir=root / values["cache_dir"],
        exclude=tuple(values["exclude"]),
        sections=validated,
    )
