"""FM rules: the file can be read, its front matter parses, and its keys say what Jekyll needs."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline import frontmatter_parse as fmp
from pipeline.errors import ConfigError
from pipeline.findings import Finding, Severity
from pipeline.jekyll import parse_datetime, site_day
from pipeline.post import Post, parse_name, post_site, real_path
from pipeline.registry import Context, Option, Rule

NAME = "frontmatter"

RULES: tuple[Rule, ...] = (
    Rule("FM001", "unreadable-file", "The file cannot be read (permissions, broken link, too large).",
         doc="A post must be a readable regular file under the size limit.\n\nBad: a symlink to a deleted file.\nGood: a regular UTF-8 file."),
    Rule("FM002", "invalid-encoding", "The file is binary or not valid UTF-8.",
         doc="Jekyll reads posts as UTF-8.\n\nBad: a post saved as Latin-1 ('caf\\xe9').\nGood: the same post saved as UTF-8 ('café')."),
    Rule("FM003", "missing-front-matter", "The post has no front matter block.",
         doc="Jekyll only renders files that start with a '---' line.\n\nBad:\n    # Title\nGood:\n    ---\n    title: Title\n    layout: post\n    ---"),
    Rule("FM004", "unclosed-front-matter", "The front matter is opened but never closed.",
         doc="The opening '---' needs a closing '---' line.\n\nBad:\n    ---\n    title: A\n    # Body\nGood:\n    ---\n    title: A\n    ---\n    # Body"),
    Rule("FM005", "front-matter-syntax", "The front matter is not valid YAML (or TOML).",
         doc="Reported at the line where the parser failed, or where an unclosed bracket or quote opened. A YAML tag\n"
             "Jekyll cannot read the same way (!!set, !!omap, !!pairs, !!python/..., !ruby/...) is reported too.\n\n"
             "Bad:\n    title: [draft\nGood:\n    title: '[draft]'"),
    Rule("FM006", "duplicate-key", "A front matter key appears twice; YAML silently keeps the last.",
         doc="Bad:\n    title: One\n    title: Two\nGood:\n    title: Two"),
    Rule("FM007", "tab-indentation", "Front matter indented with a tab.",
         doc="YAML forbids tabs for indentation.\n\nBad:\n    tags:\n    <TAB>- a\nGood:\n    tags:\n      - a"),
    Rule("FM008", "front-matter-not-mapping", "Front matter is a list or a scalar, not keys and values.",
         doc="Bad:\n    - title\nGood:\n    title: A"),
    Rule("FM009", "missing-key", "A required front matter key is missing or empty.",
         doc="Required keys come from [frontmatter] required (default: title, layout).\n\nBad:\n    layout: post\nGood:\n    layout: post\n    title: Hello"),
    Rule("FM010", "wrong-type", "A front matter key has the wrong type.",
         doc="tags and categories are a list or a space-separated string; published is true or false; title is text.\n\nBad:\n    published: 'no'\nGood:\n    published: false"),
    Rule("FM011", "invalid-date", "The date key cannot be parsed as a date.",
         doc="Jekyll reads dates with Ruby's lenient Time.parse. Accepted: YYYY-MM-DD with an optional HH:MM[:SS]\n"
             "time (AM/PM too) and zone (+0100, Z, UTC, GMT), 2020/01/02, and the month by name (January 2, 2020).\n"
             "Numeric forms like 01/02/2020 are refused: Ruby reads them day first (1 February), most readers not.\n\nBad:\n    date: 2019-13-45\nGood:\n    date: 2019-12-05 10:00:00 +0100"),
    Rule("FM012", "date-mismatch", "The date key disagrees with the date in the file name.", Severity.WARNING,
         doc="The front matter date wins in Jekyll, so the URL differs from what the file name says.\n\nBad: 2019-01-02-post.md with date: 2019-01-03\nGood: the same day in both."),
    Rule("FM013", "file-name", "The file name is not in Jekyll's YYYY-MM-DD-slug.md form.",
         doc="Jekyll skips files in _posts whose names have no date. The slug after the date may hold any\n"
             "character but a control character or a backslash, which `pipeline publish` refuses.\n\n"
             "Bad: my-post.md\nGood: 2019-01-02-my-post.md"),
    Rule("FM014", "schema", "The front matter violates the user's JSON Schema.",
         doc="Set [frontmatter] schema to a JSON Schema file or an inline table.\n\nBad (schema requires author): no author key.\nGood: author: Jane"),
    Rule("FM015", "yaml-alias-bomb", "The front matter expands to an enormous value through YAML aliases.",
         doc="Nested aliases ('billion laughs') are refused rather than expanded.\n\nBad:\n    a: &a [x, x]\n    b: &b [*a, *a]  # ... twelve levels deep (more than 10,000 nodes)\nGood: plain values."),
)

OPTIONS: Mapping[str, Option] = MappingProxyType({
    "required": Option(["title", "layout"], list, "keys every post must have"),
    "schema": Option({}, (dict, str), "JSON Schema (inline table, or path to a .json file) the front matter must satisfy"),
    "check_file_name": Option(True, bool, "report file names not in Jekyll form (FM013)"),
    "jekyll_defaults": Option(True, bool, "keys set by `defaults` in the site's _config.yml count as present"),
})

_LIST_OR_STRING = ("tags", "categories", "category", "tag")


def parse_date(value: Any) -> dt.date | None:
    """The calendar date of a date value as written, before any zone shift (None: not a date)."""
    when = parse_datetime(value)
    return when.date() if when is not None else None


# The published copy is DIR/_posts/YYYY-MM-DD-<slug>.md: the date in front makes dots,
# dashes, spaces, '+' or quotes harmless there, and Jekyll builds such posts (c++-tips,
# what's-new, "hello world" -> hello-world), so only what no file name should hold is refused.
_BAD_SLUG_CHAR = re.compile(r"[\x00-\x1f\x7f/\\]")
MAX_SLUG_BYTES = 255 - len("YYYY-MM-DD-.md")  # a draft's published name gains its date


def slug_problem(slug: str) -> str | None:
    """Why the file name's slug cannot name a published copy (`pipeline publish` refuses it)."""
    bad = _BAD_SLUG_CHAR.search(slug)
    if bad:
        return (f"slug {slug!r} holds {bad.group()!r}: control characters and slashes in a file name "
                "break other tools and systems, so publish refuses it; rename the file")
    size = len(slug.encode("utf-8", "surrogateescape"))
    if size > MAX_SLUG_BYTES:
        return f"slug is {size} bytes long; publish needs at most {MAX_SLUG_BYTES} for a file name"
    return None


def prepare_options(options: dict[str, Any], root: Path, where: str) -> dict[str, Any]:
    """Read a schema given as a file path once, at config time, so a bad file is exit 2."""
    schema = options.get("schema")
    if isinstance(schema, str) and schema:
        path = root / schema
        try:
            options["schema"] = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{where}: cannot read schema {path}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise ConfigError(f"{where}: schema {path} is not valid JSON: {exc}") from None
    return options


_SEVERITY = {r.code: r.severity for r in RULES}


def _err(post: Post, line: int, code: str, message: str, col: int = 1) -> Finding:
    return Finding(post.display_path, line, col, code, _SEVERITY[code], message)


def check(post: Post, ctx: Context) -> Iterable[Finding]:
    yield from post.load_findings
    if ctx.options.get("check_file_name", True):
        _, slug, problem = parse_name(post.path)
        problem = problem or (slug_problem(slug) if slug else None)
        if problem:
            yield _err(post, 1, "FM013", problem)
    if not post.fm_ok:
        return
    fm, lines = post.front_matter, post.key_lines
    where = max(post.fm_end_line, 1)
    if ctx.options.get("jekyll_defaults", True):  # jekyll.default_keys, from the post's memoised site
        site = post_site(post)
        defaults = frozenset(site.post_defaults(Path(real_path(post))) if site is not None else ())
    else:
        defaults = frozenset()
    for key in ctx.options.get("required", ["title", "layout"]):
        value = fm.get(key)
        if key in defaults and (key not in fm or value is None):
            continue  # Jekyll's deep merge: a key left empty (`layout:`) keeps the default's value
        if key not in fm:
            yield _err(post, where, "FM009", f"missing required key '{key}'")
        elif value is None or (isinstance(value, str) and not value.strip()):
            yield _err(post, lines.get(key, where), "FM009", f"required key '{key}' is empty")
    yield from _check_types(post)
    if "date" in fm and fm["date"] is None and "date" not in defaults:
        # Jekyll parses a present key's '' (nil.to_s): "Invalid date ''", and the build stops
        yield _err(post, lines.get("date", where), "FM011", "date is empty, which stops Jekyll's build "
                   "(Invalid date ''): give a date or remove the key (the file name's date is used then)")
    elif "date" in fm and fm["date"] is not None:
        line = lines.get("date", where)
        when = parse_datetime(fm["date"])
        if when is None:
            yield _err(post, line, "FM011", f"date {str(fm['date'])!r} is not a valid date (use YYYY-MM-DD HH:MM:SS +ZZZZ)")
        elif post.name_date and (day := site_day(when, site := post_site(post))) != post.name_date:
            if day == when.date():
                yield _err(post, line, "FM012", f"date {day.isoformat()} differs from the file name date {post.name_date.isoformat()}")
            else:  # the day as written may even match: Jekyll files the post by the day in the site's zone
                yield _err(post, line, "FM012", f"date {str(fm['date'])!r} falls on {day.isoformat()} in the site's time "
                           f"zone ({getattr(site, 'timezone', '')}), so Jekyll files the post under that day, not the file "
                           f"name's {post.name_date.isoformat()}")
    schema = ctx.options.get("schema")
    if schema:
        yield from _check_schema(post, schema, ctx)


_OK = object()


def _check_types(post: Post) -> Iterable[Finding]:
    fm, lines = post.front_matter, post.key_lines
    for key in _LIST_OR_STRING:
        value = fm.get(key)
        if key in fm and value is not None:
            if isinstance(value, str):
                if "," in value:  # meant as a list: a plural key's string is split at spaces alone
                    names = value.split() if key in ("tags", "categories") else [value]
                    yield _err(post, lines.get(key, 1), "FM010", f"'{key}' is a string with commas, which Jekyll does "
                               f"not split at: it reads {', '.join(repr(n) for n in names)}; write a list "
                               f"({key}: [{', '.join(n.strip() for n in value.split(','))}])")
                continue
            if not isinstance(value, list):
                yield _err(post, lines.get(key, 1), "FM010", f"'{key}' must be a list of words or a string, got {_kind(value)}")
                continue
            bad = next((v for v in value if not isinstance(v, (str, int, float)) or isinstance(v, bool)), _OK)
            if bad is not _OK:  # YAML reads on/off/yes/no/null as true/false/null: quote them
                yield _err(post, lines.get(key, 1), "FM010",
                           f"'{key}' must be a list of words or a string, but one item is {_kind(bad)} (quote it)")
    if "published" in fm and not isinstance(fm["published"], bool):
        yield _err(post, lines.get("published", 1), "FM010", f"'published' must be true or false, got {_kind(fm['published'])}")
    for key in ("title", "description", "excerpt", "permalink", "layout"):
        # Jekyll turns a number into text, except in a permalink, where the build stops (gsub on an Integer)
        allowed = str if key == "permalink" else (str, int, float)
        if key in fm and fm[key] is not None and (not isinstance(fm[key], allowed) or isinstance(fm[key], bool)):
            yield _err(post, lines.get(key, 1), "FM010", f"'{key}' must be text, got {_kind(fm[key])}")
    link = fm.get("permalink")
    if (isinstance(link, str) and "permalink" in lines and fmp.plain_value_line(post.lines[lines["permalink"] - 1])
            and fmp.psych_reads_date(link)):
        # this reader keeps dates as text; Jekyll's gets a Date, and the build stops on it
        yield _err(post, lines["permalink"], "FM010", f"'permalink' must be text, but {link} reads as a date: quote it")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (dict, list)):
        return type(value).__name__
    return f"{type(value).__name__} {value!r}"[:60]


def _check_schema(post: Post, schema: Mapping[str, Any], ctx: Context) -> Iterable[Finding]:
    import jsonschema  # slow import: only when a schema is configured

    try:
        validator_cls = jsonschema.validators.validator_for(schema)
        validator_cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise ConfigError(f"[frontmatter] schema is not a valid JSON Schema: {exc.message}") from None
    try:
        data = _as_json(dict(post.front_matter), set())
    except _SelfReference as loop:
        line = post.key_lines.get(loop.key, max(post.fm_end_line, 1))
        yield _err(post, line, "FM014", f"{loop.key}: the value contains itself (a YAML alias to its own parent), "
                   "so it cannot be checked against the schema")
        return
    # Formats (email, date, uri ...) are checked too: a user who writes them means them.
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
    try:
        errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
    except RecursionError:  # a schema that refers to itself without end
        yield _err(post, max(post.fm_end_line, 1), "FM014", "the schema recurses without end on this front matter")
        return
    nodes = None
    for error in errors:
        path = list(error.path)
        if len(path) > 1 and nodes is None:
            nodes = _front_matter_node(post)
        line = _line_of(post, path, nodes)
        where = ".".join(map(str, path)) or "front matter"
        yield _err(post, line, "FM014", f"{where}: {error.message}")


class _SelfReference(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _as_json(value: Any, seen: set[int], key: str = "") -> Any:
    """Front matter as JSON Schema sees it: dates as ISO text, tuples as lists; a value
    that contains itself (YAML `&a` ... `*a` inside its own node) cannot be."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list, tuple)):
        if id(value) in seen:
            raise _SelfReference(key)
        seen.add(id(value))
        try:
            if isinstance(value, dict):
                return {k: _as_json(v, seen, key or str(k)) for k, v in value.items()}
            return [_as_json(v, seen, key) for v in value]
        finally:
            seen.discard(id(value))
    return value


def _front_matter_node(post: Post) -> Any:
    """The YAML node tree of the front matter, for the line of a nested value (None if not YAML)."""
    import yaml

    if post.fm_format != "yaml" or post.fm_end_line < 2:
        return None
    try:
        return yaml.compose("\n".join(post.lines[1 : post.fm_end_line - 1]), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None


def _line_of(post: Post, path: list[Any], nodes: Any) -> int:
    """File line of the value at `path` (tags.2 is the third item's line), else its key's."""
    line = post.key_lines.get(str(path[0]), max(post.fm_end_line, 1)) if path else max(post.fm_end_line, 1)
    if len(path) < 2:
        return line  # a top-level key's problem is reported at the key
    node = nodes
    for step in path:
        items = getattr(node, "value", None)
        if not isinstance(items, list):
            break
        if items and isinstance(items[0], tuple):  # a mapping: (key node, value node) pairs
            node = next((v for k, v in items if getattr(k, "value", None) == str(step)), None)
        elif isinstance(step, int) and step < len(items):
            node = items[step]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 2  # the front matter starts on file line 2
    return line
