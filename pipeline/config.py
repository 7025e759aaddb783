"""Configuration in three layers (mdformat): DEFAULTS -> pipeline.toml / [tool.pipeline] -> CLI.

Validated on load: an unknown key or a wrong type is a ConfigError naming the file and the
key (exit 2), and per-checker sections are checked against each checker's OPTIONS table,
so the documentation and the validation come from one place.
"""

from __future__ import annotations

import importlib
import math
import re
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
        "per-file-ignores": Option({}, dict, "glob pattern -> codes or prefixes not reported in the files it matches"),
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
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, code prefixes), as ruff's
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    rule_codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # the file's select, ignore, extend-* as written
    key_lines: Mapping[str, int] = field(default_factory=dict)  # line of each top-level key in the file

    def where(self, key: str) -> str:
        """The file and line of a top-level key, for an error about its value."""
        if self.source is None:
            return "config"
        line = self.key_lines.get(key)
        return f"{self.source}:{line}" if line else str(self.source)

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
    return _read_toml_text(path)[0]


def _read_toml_text(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
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
    data, text = _read_toml_text(source)
    base: tuple[str, ...] = ()
    if source.name == "pyproject.toml":
        data, base = dict(_tool_section(data, source) or {}), ("tool", "pipeline")
    elif "tool" in data and len(data) == 1:  # a pipeline.toml written in pyproject style
        section = _tool_section(data, source)
        data, base = (data, ()) if section is None else (dict(section), ("tool", "pipeline"))
    lines = key_lines(text)
    try:
        config = build_config(data, source.parent, source)
    except ConfigError as exc:
        key = getattr(exc, "key_path", None)
        line = locate(lines, (*base, *key)) if key else None
        if line is None:
            raise
        raise ConfigError(str(exc).replace(str(source), f"{source}:{line}", 1)) from None
    return replace(config, key_lines={k[len(base):][0]: n for k, n in lines.items()
                                      if len(k) == len(base) + 1 and k[:len(base)] == base})


# Where each key of a TOML file is written, for errors that name a line (tomllib keeps no
# positions). A key is bare or quoted; `a.b = 1` and `[a.b]` are dotted paths.
_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_TABLE_LINE = re.compile(rf"\s*\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")  # not an array's ["a"], line
_KEY_LINE = re.compile(rf"\s*({_DOTTED})\s*=")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(k[1:-1] if k[:1] in "\"'" else k for k in re.findall(_KEY, dotted))


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The first line (1-based) of every table header and key path of a TOML document.
    Lines inside a multi-line string are skipped; inline tables give their key's line."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if line.count(in_string) % 2:
                in_string = ""
            continue
        if (m := _TABLE_LINE.match(line)) is not None:
            table = _parts(m.group(1))
            found.setdefault(table, number)
        elif (m := _KEY_LINE.match(line)) is not None:
            path = (*table, *_parts(m.group(1)))
            for end in range(len(table) + 1, len(path) + 1):  # a.b = 1 also opens table a
                found.setdefault(path[:end], number)
        for quotes in ('"""', "'''"):
            if line.count(quotes) % 2:
                in_string = quotes
    return found


def locate(lines: Mapping[tuple[str, ...], int], path: Sequence[str]) -> int | None:
    """The line of the longest written prefix of a key path (a key in an inline table: the
    table's line); None when not even its table is written."""
    for end in range(len(path), 0, -1):
        if tuple(path[:end]) in lines:
            return lines[tuple(path[:end])]
    return None


def _at(exc: ConfigError, *path: str) -> ConfigError:
    """Tag an error with the key path it is about (the innermost tag wins)."""
    if getattr(exc, "key_path", None) is None:
        exc.key_path = path  # type: ignore[attr-defined]
    return exc


def _check_type(where: str, key: str, value: Any, opt: Option) -> Any:
    expected = opt.type
    if expected is list and isinstance(value, str):
        return [value]  # a single string is a one-item list, as in ruff's select
    if isinstance(value, bool) and expected in (int, float):
        raise ConfigError(f"{where}: '{key}' must be {_names(expected)}, got a boolean")
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


_SINGULAR = {"str": "a string", "int": "an integer", "float": "a number", "bool": "a boolean", "dict": "a table", "list": "a list"}


def _names(expected: type | tuple[type, ...], plural: bool = False) -> str:
    names = [t.__name__ for t in _types(expected)]
    return " or ".join((_PLURAL if plural else _SINGULAR).get(n, n) for n in names)


def _validate(where: str, data: Mapping[str, Any], options: Mapping[str, Option], table: tuple[str, ...] = ()) -> dict[str, Any]:
    out = {k: opt.default for k, opt in options.items()}
    for key, value in data.items():
        if key not in options:
            raise _at(ConfigError(f"{where}: unknown key '{key}'; expected one of: {', '.join(sorted(options))}"), *table, key)
        try:
            out[key] = _check_type(where, key, value, options[key])
        except ConfigError as exc:
            raise _at(exc, *table, key) from None
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
            raise _at(ConfigError(f"{top_where}: 'severity' has an empty rule code; give codes or prefixes such as 'FM' or 'HD001'"),
                      "severity", written)
        if code in severity:
            raise _at(ConfigError(f"{top_where}: 'severity' names {code} twice ({written!r} is the second)"), "severity", written)
        try:
            severity[code] = Severity(level)
        except ValueError:
            raise _at(ConfigError(f"{where}: severity of {written} must be 'error' or 'warning', got {level!r}"),
                      "severity", written) from None
    validated: dict[str, Mapping[str, Any]] = {}
    for name, module in sections.items():
        raw = data.get(name, {})
        if not isinstance(raw, Mapping):
            raise _at(ConfigError(f"{where}: '{name}' must be a table"), name)
        section_where = f"{where} [{name}]"
        options = _validate(section_where, raw, module.OPTIONS, (name,))
        try:
            prepare = getattr(module, "prepare_options", None)  # e.g. read a schema file once
            if prepare is not None:
                options = prepare(options, root, section_where)
            if name in _SECTION_CHECKS:
                _SECTION_CHECKS[name](options, root, section_where)
        except ConfigError as exc:  # the key its message starts with, else one it names, else the section
            said = str(exc).partition(f"{section_where}: ")[2]
            key = re.match(r"'([^']+)'", said)
            named = key.group(1) if key and key.group(1) in raw else next(
                (k for k in raw if re.search(rf"\b{re.escape(k)}\b", said)), None)  # 'cannot read schema x.json'
            raise _at(exc, name, *([named] if named else [])) from None
        validated[name] = options
    if values["posts_root"] and not (root / values["posts_root"]).is_dir():
        # a typo here empties the site index: every post_url and cross-post link would be reported
        raise _at(ConfigError(f"{top_where}: 'posts_root' {values['posts_root']} is not a folder; "
                              "name the folder that holds every post"), "posts_root")
    codes: dict[str, tuple[str, ...]] = {}
    for key in ("select", "ignore", "extend-select", "extend-ignore"):
        codes[key] = tuple(code.strip().upper() for code in values[key])  # as the command line reads them
        if "" in codes[key]:  # the empty prefix matches every rule: `ignore = [""]` would hide them all
            raise _at(ConfigError(f"{top_where}: '{key}' has an empty rule code; give codes or prefixes such as 'FM' or 'HD001'"),
                      key)
    per_file: list[tuple[str, tuple[str, ...]]] = []
    for pattern, written in values["per-file-ignores"].items():
        listed = [written] if isinstance(written, str) else written
        if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
            raise _at(ConfigError(f"{top_where}: 'per-file-ignores' of {pattern!r} must be a list of rule codes"),
                      "per-file-ignores", pattern)
        prefixes = tuple(c.strip().upper() for c in listed)
        if "" in prefixes or not prefixes:  # the empty prefix would hide every rule in those files
            raise _at(ConfigError(f"{top_where}: 'per-file-ignores' of {pattern!r} needs rule codes or prefixes such as 'SP' or 'FM013'"),
                      "per-file-ignores", pattern)
        per_file.append((pattern, prefixes))
    codes["per-file-ignores"] = tuple(c for _, prefixes in per_file for c in prefixes)
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
        per_file_ignores=tuple(per_file),
        sections=validated,
        rule_codes=codes,
    )
