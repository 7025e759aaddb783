"""Rule metadata, the checker protocol, the explicit list of checkers and code selection.

A checker is a module (pre-commit's Language shape): it has NAME, RULES, OPTIONS and
`check(post, ctx)`, and optionally `check_site(posts, ctx)` for work across posts.
Checker modules are imported lazily by dotted name, so `--select FM` never imports
the link checker's HTTP stack.
"""

from __future__ import annotations

import builtins
import importlib
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.findings import Finding, Severity

if TYPE_CHECKING:
    from pipeline.post import Post

CODE_RE = re.compile(r"^(FM|HD|SP|LK)\d{3}$")

# Explicit, ordered registry (no entry points, no directory scanning).
CHECKER_MODULES: tuple[str, ...] = (
    "pipeline.checks.frontmatter",
    "pipeline.checks.headings",
    "pipeline.checks.spelling",
    "pipeline.checks.links",
)


@dataclass(frozen=True, slots=True)
class Option:
    """One config option of a checker: validated on load, documented by `pipeline rules`."""

    default: Any
    type: type | tuple[type, ...]
    doc: str
    choices: tuple[str, ...] = ()  # the only words allowed (each item of a list option)
    item: builtins.type | tuple[builtins.type, ...] = str  # what each item of a list option must be
    low: float | None = None  # smallest number allowed
    high: float | None = None  # largest number allowed


@dataclass(frozen=True, slots=True)
class Rule:
    """Metadata of one rule code; `doc` holds a bad and a good example for `pipeline rules CODE`."""

    code: str
    name: str
    summary: str
    severity: Severity = Severity.ERROR
    enabled: bool = True
    doc: str = ""


class Site:
    """The run's view across posts, for `check_site`.

    `posts` holds the map-step result (FileResult: path, findings, `facts` by checker
    NAME, suppressions, front_matter) of each linted post. `index` maps the resolved
    path of every post under the site root, linted or not, to its FileResult; it is
    computed, in parallel and cached, only when a checker reads it (pre-commit passes
    a few files, but internal links and word frequencies need the whole site).
    """

    def __init__(self, posts: tuple[Any, ...], root: Path,
                 load_index: Callable[[], Mapping[str, Any]] | None = None,
                 load_keys: Callable[[], Mapping[str, str]] | None = None,
                 load_one: Callable[[str], Any] | None = None) -> None:
        self.posts = posts
        self.root = root
        self._load_index = load_index
        self._load_keys = load_keys
        self._load_one = load_one

    @cached_property
    def index(self) -> Mapping[str, Any]:
        if self._load_index is None:
            return {os.path.realpath(p.path): p for p in self.posts}
        return self._load_index()

    @cached_property
    def keys(self) -> Mapping[str, str]:
        """Resolved path -> lint cache key ("" if unknown) of every post: the site's identity,
        known without loading any post's facts."""
        if self._load_keys is None:
            return {path: getattr(result, "key", "") for path, result in self.index.items()}
        return self._load_keys()

    def get(self, resolved: str) -> Any | None:
        """One post's map-step result (a summary for posts not linted), loaded alone if the
        whole index has not been."""
        if "index" in self.__dict__ or self._load_one is None:
            return self.index.get(resolved)
        return self._load_one(resolved)


@dataclass(frozen=True, slots=True)
class Context:
    """What a checker may use besides the post: its validated options and run-wide settings."""

    options: Mapping[str, Any]
    root: Path
    offline: bool = False
    no_cache: bool = False
    allow_private: bool = False
    cache_dir: Path | None = None
    site: Site | None = None
    progress: Callable[[int, int], None] | None = None
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    jobs: int = 1  # processes a cross-post step may use (the run's --jobs)
    stream: Any = None  # what the checker's stream(ctx) started before the map step, for its check_site


class Checker(Protocol):
    """A checker module. Only NAME, RULES, OPTIONS and check are required.

    - `check(post, ctx)`: findings of one post; must depend only on the post and options
      (its results are cached by file content and run in worker processes).
    - `collect(post, ctx) -> facts` (optional): a small picklable summary of one post for
      cross-post work (words and counts, links, anchors); cached like `check`.
    - `check_site(facts, ctx)` (optional): `facts` maps each linted post's path to what
      `collect` returned; `ctx.site.index` gives every post under the site root (with
      `.facts[NAME]`), read only when used. Network work belongs here, once per run.
    - `summarize(facts) -> small facts` (optional): what the site index keeps of a post
      that is not being linted (word counts rather than every word with its position);
      the index is cached in that form, so one-post runs on a large site stay fast.
    - `prepare()` (optional): load what every worker needs (a dictionary) once, before the
      runner forks them.
    - `stream(ctx) -> obj | None` (optional): started before the map step; the runner calls
      `obj.feed(facts)` with each linted post's facts as they arrive, hands `obj` to
      `check_site` as `ctx.stream`, and calls `obj.close()` at the end. The links checker
      puts URLs on the network there, so fetching overlaps reading the posts. A stream's
      `collect` runs before its `check` (the facts go out first), and `obj.warm()`
      (optional) is called once worker processes are forked: ready itself, start no thread.
    """

    NAME: str
    RULES: tuple[Rule, ...]
    OPTIONS: Mapping[str, Option]

    def check(self, post: Post, ctx: Context) -> Iterable[Finding]: ...


def load_checker(dotted: str) -> ModuleType:
    return importlib.import_module(dotted)


def available_checkers() -> tuple[ModuleType, ...]:
    """The checker modules that exist in this build (later families land one by one)."""
    mods = []
    for dotted in CHECKER_MODULES:
        try:
            mods.append(load_checker(dotted))
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise
    return tuple(mods)


def all_rules(checkers: Sequence[ModuleType] | None = None) -> tuple[Rule, ...]:
    mods = available_checkers() if checkers is None else checkers
    return tuple(rule for mod in mods for rule in mod.RULES)


def rules_by_code() -> Mapping[str, Rule]:
    return MappingProxyType({r.code: r for r in all_rules()})


class Decision:
    """flake8's DecisionEngine: select/ignore by code prefix, the longer prefix wins.

    A rule is on when the longest matching select prefix is longer than the longest
    matching ignore prefix; rules that are off by default need an explicit select. The
    empty prefix in select stands for the default rules (extend-select without a select
    adds to them), so it does not turn opt-in rules on.
    """

    def __init__(self, select: Sequence[str], ignore: Sequence[str], default_off: Iterable[str] = ()) -> None:
        self._select = tuple(select) or ("",)
        self._explicit = tuple(p for p in select if p)
        self._ignore = tuple(ignore)
        self._default_off = frozenset(default_off)
        self._cache: dict[str, bool] = {}

    @staticmethod
    def _longest(code: str, prefixes: Sequence[str]) -> int:
        return max((len(p) for p in prefixes if code.startswith(p)), default=-1)

    def enabled(self, code: str) -> bool:
        if code not in self._cache:
            sel = self._longest(code, self._select)
            if code in self._default_off:
                sel = self._longest(code, self._explicit)  # opt-in rules need an explicit select
            self._cache[code] = sel >= 0 and sel > self._longest(code, self._ignore)
        return self._cache[code]
