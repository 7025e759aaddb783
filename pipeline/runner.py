"""discover -> load -> check -> filter: the lint run as plain functions, no printing."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

from pipeline.config import Config
from pipeline.errors import PathError, PipelineError
from pipeline.findings import Finding, Severity
from pipeline.post import MARKDOWN_EXTS, Post, read_post
from pipeline.registry import Context, Decision, Site, available_checkers
from pipeline.suppress import parse_suppressions

SKIP_DIRS = frozenset({".git", "node_modules", "_site", ".jekyll-cache", ".sass-cache", "vendor", ".pipeline_cache"})
POST_EXTS = MARKDOWN_EXTS - {".txt"}


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Run-wide switches from the command line."""

    offline: bool = False
    no_cache: bool = False
    allow_private: bool = False
    jobs: int | None = None
    progress: Callable[[int, int], None] | None = None


@dataclass(frozen=True, slots=True)
class RunResult:
    findings: tuple[Finding, ...]
    files: tuple[Path, ...]
    posts: tuple[Post, ...] = ()

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)


def _excluded(path: Path, patterns: Sequence[str]) -> bool:
    text = path.as_posix()
    return any(fnmatch.fnmatch(text, p) or fnmatch.fnmatch(path.name, p) for p in patterns)


def discover(paths: Sequence[str | Path], exclude: Sequence[str] = ()) -> list[Path]:
    """Files to lint: files as given, folders searched for Markdown posts, sorted, no repeats."""
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    file = Path(folder) / name
                    if file.suffix.lower() in POST_EXTS and not _excluded(file, exclude):
                        found[file] = None
        elif path.exists() or path.is_symlink():
            if not _excluded(path, exclude):
                found[path] = None
        else:
            raise PathError(f"{raw}: no such file or directory")
    return list(found)


def make_site(posts: tuple[Post, ...], roots: tuple[Path, ...], exclude: Sequence[str]) -> Site:
    """A Site whose index of every post under the roots is read only if a checker asks."""

    def load_index() -> dict[Path, Post]:
        index = {p.path.resolve(): p for p in posts}
        for file in discover([r for r in roots if r.is_dir()], exclude):
            key = file.resolve()
            if key not in index:
                index[key] = read_post(file)
        return index

    return Site(posts, roots[0] if roots else Path.cwd(), load_index)


def site_roots(paths: Sequence[str | Path], config: Config) -> tuple[Path, ...]:
    if config.posts_root is not None:
        return (config.posts_root,)
    roots = {(Path(p) if Path(p).is_dir() else Path(p).parent): None for p in paths}
    return tuple(roots)


def contexts(config: Config, opts: RunOptions, site: Site | None, checkers: Sequence[ModuleType]) -> dict[str, Context]:
    return {
        mod.NAME: Context(
            options=config.section(mod.NAME), root=config.root, offline=opts.offline,
            no_cache=opts.no_cache, allow_private=opts.allow_private, cache_dir=config.cache_dir,
            site=site, progress=opts.progress,
        )
        for mod in checkers
    }


def select_checkers(decision: Decision, checkers: Sequence[ModuleType] | None = None) -> list[ModuleType]:
    mods = available_checkers() if checkers is None else checkers
    return [m for m in mods if any(decision.enabled(r.code) for r in m.RULES)]


def make_decision(config: Config, checkers: Sequence[ModuleType] | None = None) -> Decision:
    mods = available_checkers() if checkers is None else checkers
    default_off = [r.code for m in mods for r in m.RULES if not r.enabled]
    return Decision(config.select, config.ignore, default_off)


def filter_findings(findings: Iterable[Finding], posts: Sequence[Post], config: Config, decision: Decision) -> list[Finding]:
    """Selection, inline suppression and severity overrides, in that order; sorted, unique."""
    suppressions = {p.display_path: parse_suppressions(p.lines) for p in posts}
    kept: dict[tuple[object, ...], Finding] = {}
    for f in findings:
        if not decision.enabled(f.code):
            continue
        sup = suppressions.get(f.path)
        if sup is not None and sup.hides(f):
            continue
        if f.code in config.severity:
            f = replace(f, severity=config.severity[f.code])
        kept.setdefault((f.sort_key, f.severity), f)
    return sorted(kept.values(), key=lambda f: f.sort_key)


def check_posts(posts: Sequence[Post], checkers: Sequence[ModuleType], ctxs: dict[str, Context]) -> list[Finding]:
    findings: list[Finding] = []
    for mod in checkers:
        ctx = ctxs[mod.NAME]
        for post in posts:
            if post.ok or mod.NAME == "frontmatter":
                findings.extend(_guard(mod, post.display_path, lambda: list(mod.check(post, ctx))))
        check_site = getattr(mod, "check_site", None)
        if check_site is not None:
            findings.extend(_guard(mod, "the site", lambda: list(check_site(posts, ctx))))
    return findings


def _guard(mod: ModuleType, where: str, run: Callable[[], list[Finding]]) -> list[Finding]:
    """A checker crash is a bug: re-raised as one line naming the checker and the file."""
    try:
        return run()
    except PipelineError:
        raise
    except Exception as exc:  # noqa: BLE001 - turned into a clean error for the CLI
        raise CheckerCrash(f"internal error in the {mod.NAME} checker on {where}: {type(exc).__name__}: {exc}") from exc


class CheckerCrash(PipelineError):
    """A checker raised: a bug in pipeline, reported with the file instead of a traceback."""


def run_lint(paths: Sequence[str | Path], config: Config, opts: RunOptions = RunOptions()) -> RunResult:
    files = discover(paths, config.exclude)
    posts = tuple(read_post(f) for f in files)
    decision = make_decision(config)
    checkers = select_checkers(decision)
    site = make_site(posts, site_roots(paths, config), config.exclude)
    findings = check_posts(posts, checkers, contexts(config, opts, site, checkers))
    return RunResult(tuple(filter_findings(findings, posts, config, decision)), tuple(files), posts)
