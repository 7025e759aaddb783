"""Split and parse front matter (YAML `---`, TOML `+++`) with the line of every key.

PyYAML accepts duplicate keys silently and turns bad dates into exceptions; here the
document is composed into nodes first, so duplicates, key lines and alias bombs are seen
before anything is constructed, and timestamps stay strings for the FM checker to judge.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

# Jekyll: YAML_FRONT_MATTER_REGEXP = /\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)/m
OPEN_RE = {"yaml": re.compile(r"^---\s*$"), "toml": re.compile(r"^\+\+\+\s*$")}
CLOSE_RE = {"yaml": re.compile(r"^(---|\.\.\.)\s*$"), "toml": re.compile(r"^\+\+\+\s*$")}
MAX_NODES = 10_000  # expanded size past which aliases are a "billion laughs" bomb
MAX_DEPTH = 100  # nesting past which a front matter value is refused (the walks below recurse)


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    code: str
    message: str
    col: int = 1


@dataclass(slots=True)
class FrontMatter:
    format: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    end_line: int = 0  # line of the closing fence, 0 when there is none
    body_start: int = 1
    body_ok: bool = True  # False when the body cannot be told apart (unclosed front matter)
    data_ok: bool = False  # True when a mapping was parsed without error
    problems: list[Problem] = field(default_factory=list)


def _loader_base() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # type: ignore[no-any-return]


class _Loader(_loader_base()):  # type: ignore[misc]
    """SafeLoader without the timestamp resolver: dates stay text, judged by FM011/FM012."""


class _PyLoader(yaml.SafeLoader):
    """The pure-Python twin, for large front matter: libyaml's composer recurses on the C stack
    and segfaults near 50,000 nested brackets, where this one raises RecursionError."""


C_LOADER_MAX = 16 * 1024  # bytes of front matter too few to nest deep enough to crash libyaml

_Loader.yaml_implicit_resolvers = _PyLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_untagged(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A node with a tag this reader does not know (!custom, !!python/tuple): Psych's
    safe_load reads it as the plain scalar, list or mapping it is, and so does this."""
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return loader.construct_scalar(node)


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """!!int "abc": Psych keeps the text when it is no integer; PyYAML raised."""
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


for _reader in (_Loader, _PyLoader):
    _reader.add_constructor(None, _construct_untagged)
    _reader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def loader_for(text: str) -> type[yaml.SafeLoader]:
    """The reader for front matter `text`: libyaml's when it is small enough not to nest
    deeper than libyaml can take, else the Python one (both leave dates as text)."""
    return _Loader if len(text) <= C_LOADER_MAX else _PyLoader


def split_front_matter(lines: Sequence[str]) -> FrontMatter:
    fm = FrontMatter()
    if not lines:
        fm.problems.append(Problem(1, "FM003", "no front matter: the file is empty"))
        return fm
    kind = next((k for k, rx in OPEN_RE.items() if rx.match(lines[0])), None)
    if kind is None:
        fm.problems.append(
            Problem(1, "FM003", "no front matter: a post must start with a '---' line (Jekyll ignores it otherwise)")
        )
        return fm
    fm.format = kind
    close = next((i for i in range(1, len(lines)) if CLOSE_RE[kind].match(lines[i])), None)
    if close is None:
        fence = "---" if kind == "yaml" else "+++"
        fm.problems.append(Problem(1, "FM004", f"front matter opened here is never closed with '{fence}'"))
        fm.body_ok = False
        return fm
    fm.end_line = close + 1
    fm.body_start = close + 2
    text = "\n".join(lines[1:close])
    if kind == "yaml":
        _parse_yaml(text, fm)
    else:
        _parse_toml(text, fm)
    return fm


def _tab_lines(text: str, first_line: int) -> list[int]:
    return [first_line + i for i, ln in enumerate(text.split("\n")) if "\t" in ln[: len(ln) - len(ln.lstrip())]]


def _parse_yaml(text: str, fm: FrontMatter) -> None:
    first = 2  # file line of the first front matter line
    # A tab in leading whitespace is an error only where YAML reads it as indentation: inside
    # a block scalar or a quoted value it is text (Psych reads "  \tmake all" in a `|` block).
    # So a tab line is reported only when the parse fails on it, as Psych and PyYAML both do.
    tabs = _tab_lines(text, first)
    if not text.strip():
        fm.data_ok = True
        return
    try:
        node = yaml.compose(text, Loader=loader_for(text))
    except yaml.MarkedYAMLError as exc:
        line, col = _error_pos(exc, text)
        line += first
        culprit = max((t for t in tabs if t <= line), default=None)
        if culprit is not None and (culprit == line or "'\\t'" in str(exc)):  # "found character '\t'"
            fm.problems.append(Problem(culprit, "FM007", "tab used for indentation in front matter; YAML allows only spaces"))
        else:
            fm.problems.append(Problem(line, "FM005", f"YAML syntax error: {_yaml_message(exc)}", col))
        return
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        fm.problems.append(Problem(1, "FM005", f"YAML error: {type(exc).__name__}: {str(exc)[:200]}"))
        return
    if node is None:
        fm.data_ok = True
        return
    if not isinstance(node, yaml.MappingNode):
        fm.problems.append(
            Problem(node.start_mark.line + first, "FM008", "front matter must be a mapping of keys to values")
        )
        return
    deep = _too_deep(node)
    if deep is not None:  # the recursive walks below would overflow the stack
        fm.problems.append(Problem(deep.start_mark.line + first, "FM005",
                                   f"front matter is nested more than {MAX_DEPTH} levels deep", deep.start_mark.column + 1))
        return
    try:
        if _expanded_size(node, {}) > MAX_NODES:
            fm.problems.append(Problem(1, "FM015", f"front matter expands to over {MAX_NODES} values through YAML aliases"))
            return
        _find_duplicates(node, first, fm.problems, set())
    except RecursionError:  # depth reached only through aliases
        fm.problems.append(Problem(1, "FM005", f"front matter is nested more than {MAX_DEPTH} levels deep"))
        return
    refused = _refused_node(node, text)
    if refused is not None:
        node_at, why = refused
        fm.problems.append(Problem(node_at.start_mark.line + first, "FM005", why, node_at.start_mark.column + 1))
        return
    try:
        data = _Loader("").construct_document(node)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first if mark else 1
        fm.problems.append(Problem(line, "FM005", f"YAML error: {getattr(exc, 'problem', None) or exc}"))
        return
    fm.data = {str(k): v for k, v in data.items()}
    for key_node, value_node in node.value:
        if (isinstance(key_node, yaml.ScalarNode) and key_node.value == "date" and isinstance(value_node, yaml.ScalarNode)
                and not value_node.style and isinstance(fm.data.get("date"), str) and _ZONELESS_TIME.fullmatch(fm.data["date"])):
            fm.data["date"] = UtcTime(fm.data["date"])
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            fm.key_lines.setdefault(str(key_node.value), key_node.start_mark.line + first)
    fm.data_ok = True


def _error_pos(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int]:
    """0-based line of a YAML error: an unclosed bracket or quote is reported where it opened."""
    mark = exc.problem_mark
    n_lines = text.count("\n") + 1
    opened = exc.context and any(w in exc.context for w in ("flow", "quoted", "anchor", "alias"))
    if exc.context_mark is not None and (mark is None or opened):
        mark = exc.context_mark
    if mark is None:
        return 0, 1
    if mark.line > n_lines - 1:
        return n_lines - 1, 1
    return mark.line, mark.column + 1


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    return "; ".join(parts) or str(exc).splitlines()[0]


def _too_deep(node: yaml.Node) -> yaml.Node | None:
    """The first node nested deeper than MAX_DEPTH, found without recursion."""
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    seen: set[int] = set()
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            return current
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            stack.extend((n, depth + 1) for n in reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            stack.extend((n, depth + 1) for pair in reversed(current.value) for n in reversed(pair))
    return None


# Tags PyYAML's safe loader builds but Jekyll cannot use: Psych's safe_load refuses a set
# (Psych::Set) and an omap written as a mapping (Psych::Omap), so Jekyll skips the file, and
# reads an omap list or pairs as a Hash or list of Hashes where PyYAML gives lists of tuples,
# which the publisher would write back as something else.
_REFUSED_TAGS = {
    "tag:yaml.org,2002:set": "Jekyll's YAML reader refuses it (Psych::Set) and skips the whole file",
    "tag:yaml.org,2002:omap": "Jekyll's YAML reader refuses it on a mapping (Psych::Omap) and reads a list of "
                              "pairs as one mapping, unlike other YAML readers",
    "tag:yaml.org,2002:pairs": "Jekyll's YAML reader makes a list of one-key mappings of it, other YAML readers "
                               "a list of pairs",
}


# Psych's timestamp pattern (ScalarScanner::TIME, Ruby's ASCII `\d` and `\s`). Psych's
# parse_time then splits the scalar at the first space, `t` or `T` and expects a clock time
# after it: with a tab (or another non-space blank) between date and time there is none, and
# it raises NoMethodError, which Jekyll reports as "could not read file" and skips the post.
_PSYCH_TIME = re.compile(
    r"-?[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t\r\n\f\v]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t\r\n\f\v]*(?:Z|[-+][0-9]{1,2}:?(?:[0-9]{2})?))?"
)
_CLOCK = re.compile(r"[0-9]+:[0-9]+:[0-9]+")


_ZONELESS_TIME = re.compile(r"-?[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?")


class UtcTime(str):
    """A plain `date: 2020-01-02 02:00:00` (no zone): Psych reads it as a UTC time, which
    Jekyll then files under the day in the site's `timezone` (the 1st in New York). Quoted,
    the same text is parsed in the site's zone, as written."""

    utc = True


# A top-level key with its value written plain on the same line: no quote, anchor, alias,
# tag, block scalar or flow collection to change how YAML (and Psych) reads the text.
_PLAIN_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*:[ \t]+[^\s'\"&!*|>\[{#%@`]")


def plain_value_line(line: str) -> bool:
    """Is `line` a top-level key whose value is written plain on it (`title: Hello`)?"""
    return _PLAIN_KEY_LINE.match(line) is not None


_PSYCH_DATE = re.compile(r"[0-9]{4}-(?:1[012]|0[0-9]|[0-9])-(?:[12][0-9]|3[01]|0[0-9]|[0-9])")


def psych_reads_date(value: str) -> bool:
    """Does Psych read the plain scalar `value` as a Date or a Time (this loader keeps text)?
    Only a real day: Psych keeps 2020-02-30 a string."""
    if _PSYCH_DATE.fullmatch(value) is None and _PSYCH_TIME.fullmatch(value) is None:
        return False
    year, month, day = re.match(r"-?([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", value).groups()  # type: ignore[union-attr]
    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def psych_time_fails(value: str) -> bool:
    """True when Psych reads the plain scalar `value` as a time and fails on it."""
    if "\t" not in value and "\r" not in value and "\f" not in value and "\v" not in value:
        return False  # only a blank other than a space before the time defeats parse_time's split
    if not _PSYCH_TIME.fullmatch(value):
        return False
    parts = re.split(r"[ tT]", value, maxsplit=1)
    return len(parts) < 2 or _CLOCK.search(parts[1]) is None


def _psych_misreads(value: str) -> str | None:
    """Why Jekyll's reader cannot take the plain scalar `value`, or None when it can."""
    if value.startswith(":") and len(value) > 1 and "\n" not in value:
        # ScalarScanner makes a Symbol of ':name', which safe_load refuses ("Tried to load
        # unspecified class: Symbol"): Jekyll drops the front matter and dates the post today.
        return f"{value!r} is a Ruby symbol to Jekyll's YAML reader (Psych), which refuses it and drops the front matter; quote it"
    if psych_time_fails(value):
        return (f"{value!r} reads as a time in Jekyll's YAML reader (Psych), which fails on the blank "
                "between date and time and skips the post; put one space there")
    return None


def _refused_node(node: yaml.Node, text: str) -> tuple[yaml.Node, str] | None:
    """The first node Jekyll's YAML reader cannot take, and why: a node tagged !!set, !!omap
    or !!pairs, or a plain untagged scalar Psych misreads (`text` tells a tag: the node's
    mark is on it)."""
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.tag in _REFUSED_TAGS:
            short = "!!" + current.tag.rsplit(":", 1)[1]
            return current, f"YAML tag {short}: {_REFUSED_TAGS[current.tag]}; write a plain mapping or list"
        if current.tag.startswith(("!ruby/", "tag:ruby.yaml.org,2002:")):
            return current, (f"YAML tag {current.tag}: Jekyll's YAML reader refuses Ruby objects and drops the front "
                             "matter; write a plain value")
        if isinstance(current, yaml.ScalarNode):
            if not current.style and text[current.start_mark.index : current.start_mark.index + 1] != "!":
                why = _psych_misreads(current.value)
                if why is not None:
                    return current, why
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in reversed(current.value) for n in reversed(pair))
    return None


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    if id(node) in memo:
        return memo[id(node)]
    memo[id(node)] = 1  # guards against recursive aliases
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(n, memo) for n in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    else:
        size = 1
    memo[id(node)] = min(size, MAX_NODES + 1)
    return memo[id(node)]


def _find_duplicates(node: yaml.Node, first: int, out: list[Problem], seen: set[int]) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        lines: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                line = key.start_mark.line + first
                if key.value in lines:
                    out.append(
                        Problem(
                            line, "FM006",
                            f"duplicate key '{key.value}' (first at line {lines[key.value]}); "
                            "YAML keeps only the last value",
                            key.start_mark.column + 1,
                        )
                    )
                else:
                    lines[key.value] = line
            _find_duplicates(value, first, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _find_duplicates(item, first, out, seen)


_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")


def _parse_toml(text: str, fm: FrontMatter) -> None:
    first = 2
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS.search(str(exc))
        end = text.count("\n") + first  # "at end of document": the last front matter line
        line, col = (int(m.group(1)) + first - 1, int(m.group(2))) if m else (end, 1)
        fm.problems.append(Problem(line, "FM005", f"TOML syntax error: {_TOML_POS.sub('', str(exc)).strip()}", col))
        return
    fm.data = data
    for i, ln in enumerate(text.split("\n")):
        if ln.lstrip().startswith("["):
            break  # keys after a table header belong to that table
        m = _TOML_KEY.match(ln)
        if m:
            fm.key_lines.setdefault(m.group(1).strip('"'), i + first)
    fm.data_ok = True


TextDates = _PyLoader  # the front matter reader's view of a value: a safe loader whose dates stay text
