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
    select: tuple[str, ...] = ()  # in force, extend-select included; "" stands for the default rules
    ignore: tuple[str, ...] = ()  # in force, extend-ignore included
    severity: Mapping[str, Severity] = field(default_factory=dict)
    cache_dir: Path = Path(".pipeline_cache")
    exclude: tuple[str, ...] = ()
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    rule_codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # the file's select, ignore, extend-* as written

    def section(self, name: str) -> Mapping[str, Any]:
        return self.sections.get(name, {})

    def fingerprint(self, section: str) -> str:
        """Stable text of one section's options: part of the incremental cache key."""
        return repr(sorted((k, repr(v)) for k, v in self.section(section).items()))

    def with_cli(self, select: Sequence[str] | None, ignore: Sequence[str] | None,
                 extend_select: Sequence[str] = (), extend_ignore: Sequence[str] = ()) -> Config:
        """--select and --ignore replace the file's select and ignore; the extend-* of both add on
        top (flake8 and ruff: a command-line --ignore keeps the file's extend-ignore)."""
        own = self.rule_codes
        sel = tuple(select) if select is not None else own.get("select", ())
        ign = tuple(ignore) if ignore is not None else own.get("ignore", ())
        return replace(self, select=in_force(sel, (*own.get("extend-select", ()), *extend_select)),
                       ignore=(*ign, *own.get("extend-ignore", ()), *extend_ignore))


def in_force(select: Sequence[str], extend_select: Sequence[str]) -> tuple[str, ...]:
    """The select list a Decision gets: extend-select adds to select, or to the default rules
    ("" in the list) when select is empty; it never narrows the run to the extended codes."""
    if not extend_select:
        return tuple(select)
    return (*(select or ("",)), *extend_select)


def find_config(start: Path) -> Path | None:
    """Nearest pipeline.toml, or pyproject.toml with [tool.pipeline], walking up from start."""
    for folder in (start, *start.parents):
        candidate = folder / "pipeline.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _tool_section(_read_toml(pyproject), pyproject) is not None:
            return pyproject
    return None


def _tool_section(data: Mapping[str, Any], path: Path) -> Mapping[str, Any] | None:
    """The [tool.pipeline] table of a TOML document, None without one; a `tool` or
    `tool.pipeline` that is not a table is a ConfigError, not a crash."""
    tool = data.get("tool", {})
    if not isinstance(tool, Mapping):
        raise ConfigError(f"{path}: 'tool' must be a table, got {_kind(tool)}")
    section = tool.get("pipeline")
    if section is not None and not isinstance(section, Mapping):
        raise ConfigError(f"{path}: [tool.pipeline] must be a table, got {_kind(section)}")
    return section


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


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
    data: Mapping[str, Any] = _read_toml(source)
    if source.name == "pyproject.toml":
        data = _tool_section(data, source) or {}
    elif "tool" in data and len(data) == 1:  # a pipeline.toml written in pyproject style
        section = _tool_section(data, source)
        data = data if section is None else section
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
        raise ConfigError(f"{where}: '{key}' must be {_names(expected)}, got {_kind(value)}")
    if isinstance(value, list):
        for item in value:  # a wrong item would crash a checker, or name a key such as '1'
            if not isinstance(item, opt.item) or (isinstance(item, bool) and bool not in _types(opt.item)):
                raise ConfigError(f"{where}: '{key}' must be a list of {_names(opt.item, plural=True)}, got {_kind(item)}")
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


_PLURAL = {"str": "strings", "int": "integers", "float": "numbers", "bool": "booleans", "dict": "tables", "list": "lists"}


def _types(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


def _names(expected: type | tuple[type, ...], plural: bool = False) -> str:
    names = [t.__name__ for t in _types(expected)]
    return " or ".join(_PLURAL.get(n, n) if plural else n for n in names)


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


def _check_schema(options: dict[str, Any], root: Path, where: str) -> None:
    """[frontmatter] schema: a JSON Schema object, checked here so the error names the file
    (the checker would find it only on the first post, and name no file)."""
    schema = options.get("schema")
    if not schema:
        return
    if not isinstance(schema, Mapping):
        raise ConfigError(f"{where}: 'schema' must be a JSON Schema object, got {type(schema).__name__}")
    import jsonschema  # slow import: only when a schema is configured

    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise ConfigError(f"{where}: 'schema' is not a valid JSON Schema: {exc.message}") from None


def _check_wordlist(options: dict[str, Any], root: Path, where: str) -> None:
    """[spelling] wordlist: a file (perhaps not written yet), never a folder."""
    path = root / str(options.get("wordlist", ""))
    if path.is_dir():
        raise ConfigError(f"{where}: 'wordlist' {path} is a folder; name a text file of words")


# Checks of a section's values after its own prepare_options, for what that one leaves to run time.
_SECTION_CHECKS = MappingProxyType({"frontmatter": _check_schema, "spelling": _check_wordlist})


def build_config(data: Mapping[str, Any], root: Path, source: Path | None) -> Config:
    where = str(source) if source else "defaults"
    sections = section_modules()
    top = {k: v for k, v in data.items() if k not in sections}
    top_where = f"{where} [tool.pipeline]" if source and source.name == "pyproject.toml" else where
    values = _validate(top_where, top, TOP_LEVEL)
    severity: dict[str, Severity] = {}
    for written, level in values["severity"].items():
        code = written.strip().upper()  # as select and ignore read their codes
        if not code:  # the empty prefix would set the level of every rule
            raise ConfigError(f"{top_where}: 'severity' has an empty rule code; give codes or prefixes such as 'FM' or 'HD001'")
        if code in severity:
            raise ConfigError(f"{top_where}: 'severity' names {code} twice ({written!r} is the second)")
        try:
            severity[code] = Severity(level)
        except ValueError:
            raise ConfigError(f"{where}: severity of {written} must be 'error' or 'warning', got {level!r}") from None
    validated: dict[str, Mapping[str, Any]] = {}
    for name, module in sections.items():
        raw = data.get(name, {})
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: '{name}' must be a table")
        options = _validate(f"{where} [{name}]", raw, module.OPTIONS)
        prepare = getattr(module, "prepare_options", None)  # e.g. read a schema file once
        if prepare is not None:
            options = prepare(options, root, f"{where} [{name}]")
        if name in _SECTION_CHECKS:
            _SECTION_CHECKS[name](options, root, f"{where} [{name}]")
        validated[name] = options
    codes: dict[str, tuple[str, ...]] = {}
    for key in ("select", "ignore", "extend-select", "extend-ignore"):
        codes[key] = tuple(code.strip().upper() for code in values[key])  # as the command line reads them
        if "" in codes[key]:  # the empty prefix matches every rule: `ignore = [""]` would hide them all
            raise ConfigError(f"{top_where}: '{key}' has an empty rule code; give codes or prefixes such as 'FM' or 'HD001'")
    return Config(
        root=root,
        source=source,
        paths=tuple(values["paths"]),
        posts_root=(root / values["posts_root"]) if values["posts_root"] else None,
        select=in_force(codes["select"], codes["extend-select"]),
        ignore=codes["ignore"] + codes["extend-ignore"],
        severity=severity,
        cache_dir=root / values["cache_dir"],
        exclude=tuple(values["exclude"]),
        sections=validated,
        rule_codes=codes,
    )
