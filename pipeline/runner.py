"""discover -> map each file (load, per-post checks, facts) -> reduce (site checks) -> filter.

The map step is a pure function of (file bytes, path, checker options, tool version), so
its result is cached on disk by that key and computed in worker processes when many
files need it. Cross-post work (spelling frequencies, internal links) runs once in the
main process on the small per-post facts the map step returns, never on whole Posts.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import PathError, PipelineError
from pipeline.findings import Finding, Severity
from pipeline.jekyll import CONFIG_NAMES, nearest_site
from pipeline.lintcache import LintCache, content_key, read_regular
from pipeline.post import MARKDOWN_EXTS, Post, read_post
from pipeline.records import fast_pickle
from pipeline.registry import Context, Decision, Site, available_checkers, load_checker
from pipeline.suppress import Suppressions, parse_suppressions

SKIP_DIRS = frozenset({".git", "node_modules", "_site", ".jekyll-cache", ".sass-cache", "vendor", ".pipeline_cache"})
POST_EXTS = MARKDOWN_EXTS - {".txt"}
STREAM_PART = 16  # the largest part when a stream is fed: a part's results are unpickled in one go
PARALLEL_MIN_FILES = 48  # below this, starting processes costs more than it saves (see also spelling.PARALLEL_REVIEW)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Run-wide switches from the command line."""

    offline: bool = False
    no_cache: bool = False
    allow_private: bool = False
    jobs: int | None = None
    progress: Callable[[int, int], None] | None = None
    shard: tuple[int, int] | None = None  # (K, N): lint only the K-th of N parts


@fast_pickle
@dataclass(frozen=True, slots=True)
class FileResult:
    """What the map step learns from one file: per-post findings, facts, suppressions."""

    path: str
    findings: tuple[Finding, ...]
    facts: Mapping[str, Any]
    suppressions: Suppressions
    front_matter: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""  # lint cache key of the file (content, path, options, version); "" if unreadable


@dataclass(frozen=True, slots=True)
class RunResult:
    findings: tuple[Finding, ...]
    files: tuple[Path, ...]
    posts: tuple[Post, ...] = ()
    cached: int = 0

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    def findings_for(self, path: Path | str) -> list[Finding]:
        key = str(path)
        return [f for f in self.findings if f.path == key]


class CheckerCrash(PipelineError):
    """A checker raised: a bug in pipeline, reported with the file instead of a traceback."""


def _excluded(path: Path, patterns: Sequence[str], root: Path | None = None) -> bool:
    """A pattern matches the file's name, its path as given, or (as ruff reads `exclude`) its
    path from the config's folder, so `_posts/old/*` holds however the folder was named."""
    names = [path.as_posix(), path.name]
    if root is not None:
        file, top = os.path.abspath(path), os.path.abspath(root)
        # and the real path: a file named through a symlink to the site ($PWD in a linked folder)
        for rel in {os.path.relpath(file, top), os.path.relpath(os.path.join(_real_folder(os.path.dirname(file)), path.name), _real_folder(top))}:
            if not rel.startswith(".."):
                names.append(Path(rel).as_posix())
    return any(fnmatch.fnmatch(name, p) for p in patterns for name in names)


@functools.lru_cache(maxsize=256)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def discover(paths: Sequence[str | Path], exclude: Sequence[str] = (), root: Path | None = None) -> list[Path]:
    """Files to lint: files as given, folders searched for Markdown posts (sorted), no repeats.

    `exclude` patterns are read from `root` (the config's folder) as well as against the path given."""
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if os.path.splitext(name)[1].lower() in POST_EXTS:  # cheap test first: 10,000 files
                        file = Path(folder, name)
                        if not exclude or not _excluded(file, exclude, root):
                            found[file] = None
        elif path.exists() or path.is_symlink():
            if not _excluded(path, exclude, root):
                found[path] = None
        else:
            raise PathError(f"{raw}: no such file or directory")
    if len(paths) < 2:
        return list(found)
    # One file named twice (posts/a.md and /abs/posts/a.md, or inside a folder also given)
    # is linted, fixed and published once, under the first name it was given by.
    seen: set[tuple[int, int]] = set()
    unique = []
    for file in found:
        try:
            st = os.stat(file)
            same = (st.st_dev, st.st_ino)
        except OSError:  # a broken link: reported as itself
            unique.append(file)
            continue
        if same not in seen:
            seen.add(same)
            unique.append(file)
    return unique


def in_shard(path: Path, shard: tuple[int, int]) -> bool:
    """Deterministic split by a hash of the path as given: same files per shard on every runner."""
    k, n = shard
    digest = hashlib.blake2b(path.as_posix().encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % n == k - 1


def site_roots(paths: Sequence[str | Path], config: Config) -> tuple[Path, ...]:
    """Where the posts a run is judged against live: `posts_root` if set; else, for a file
    or folder inside a Jekyll site's `_posts` or `_drafts`, the site's whole `_posts` and
    `_drafts` (a pre-commit run on `_posts/2020/x.md` still sees `_posts/2019/`); else the
    linted folders, and with them, in a Jekyll site, its posts (a page's post_url and links
    to posts are judged against them)."""
    if config.posts_root is not None:
        return (config.posts_root,)
    roots: dict[Path, None] = {}
    for p in paths:
        folder = Path(p) if Path(p).is_dir() else Path(p).parent
        real = Path(os.path.realpath(folder))
        inside = "_posts" in real.parts or "_drafts" in real.parts
        for root in (*(() if inside else (folder,)), *_jekyll_post_folders(folder)) or (folder,):
            roots[root] = None
    return tuple(roots)


def _jekyll_post_folders(folder: Path) -> tuple[Path, ...]:
    """Every `_posts` and `_drafts` folder of the site `folder` is in: Jekyll reads posts from
    `news/_posts/` as well as from the root's (categories `news`), and links name them both."""
    real = Path(os.path.realpath(folder))
    site = nearest_site(real / "_")
    if site is None:
        return ()
    return _site_post_folders(site)


def _site_post_folders(site: Any) -> tuple[Path, ...]:
    """The walk behind `_jekyll_post_folders`: folders only (a site holds thousands of asset
    folders), in os.walk's order."""
    found: list[Path] = []
    stack = [str(site.collections)]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as entries:
                names = sorted(e.name for e in entries if e.is_dir(follow_symlinks=False))
        except OSError:
            continue
        found += [Path(here, name) for name in ("_posts", "_drafts") if name in names]
        # As Jekyll's reader: no folder starting with '_' or '.', nor one `exclude` names.
        stack += [os.path.join(here, d) for d in reversed(names)
                  if d not in SKIP_DIRS and not d.startswith(("_", ".", "#")) and _site_reads(site, Path(here, d))]
    return tuple(found)


def _site_reads(site: Any, folder: Path) -> bool:
    """Does Jekyll look for posts in `folder` (a folder of the site)?"""
    try:
        rel = folder.relative_to(site.root).as_posix()
    except ValueError:
        return not folder.name.startswith(("_", "."))
    return site.published(rel)


def make_decision(config: Config, checkers: Sequence[ModuleType] | None = None) -> Decision:
    mods = available_checkers() if checkers is None else checkers
    default_off = [r.code for m in mods for r in m.RULES if not r.enabled]
    return Decision(config.select, config.ignore, default_off)


def select_checkers(decision: Decision, checkers: Sequence[ModuleType] | None = None) -> list[ModuleType]:
    mods = available_checkers() if checkers is None else checkers
    return [m for m in mods if any(decision.enabled(r.code) for r in m.RULES)]


def make_context(mod: ModuleType, config: Config, opts: RunOptions, site: Site | None = None, stream: Any = None) -> Context:
    return Context(
        options=config.section(mod.NAME), root=config.root, offline=opts.offline,
        no_cache=opts.no_cache, allow_private=opts.allow_private, cache_dir=config.cache_dir,
        site=site, progress=opts.progress, jobs=opts.jobs or os.cpu_count() or 1, stream=stream,
    )


def _guard(name: str, where: str, run: Callable[[], Any]) -> Any:
    """A checker crash is a bug: re-raised as one line naming the checker and the file."""
    try:
        return run()
    except PipelineError:
        raise
    except Exception as exc:  # noqa: BLE001 - turned into a clean error for the CLI
        raise CheckerCrash(f"internal error in the {name} checker on {where}: {type(exc).__name__}: {exc}") from exc


def map_post(post: Post, checkers: Sequence[ModuleType], ctxs: Mapping[str, Context],
             on_facts: Callable[[str, Any], None] | None = None) -> FileResult:
    """Per-post work of every checker on one loaded post; `on_facts` sees each checker's
    facts as soon as they are collected (a stream can start on them before the rest runs)."""
    findings: list[Finding] = []
    facts: dict[str, Any] = {}
    for mod in checkers:
        ctx = ctxs[mod.NAME]
        collect = getattr(mod, "collect", None)
        # A checker with a stream hands its facts over before its own checks run (the
        # network waits for no one; a post with 1,000 links took 15 ms to check).
        early = collect is not None and on_facts is not None and getattr(mod, "stream", None) is not None
        if early and on_facts is not None:
            facts[mod.NAME] = _guard(mod.NAME, post.display_path, lambda: collect(post, ctx))  # noqa: B023 - called at once
            on_facts(mod.NAME, facts[mod.NAME])
        if post.ok or mod.NAME == "frontmatter":
            findings.extend(_guard(mod.NAME, post.display_path, lambda: list(mod.check(post, ctx))))
        if collect is not None and not early:
            facts[mod.NAME] = _guard(mod.NAME, post.display_path, lambda: collect(post, ctx))  # noqa: B023 - called at once
            if on_facts is not None:
                on_facts(mod.NAME, facts[mod.NAME])
    return FileResult(post.display_path, tuple(findings), facts, parse_suppressions(post.lines, post.tokens, post.body_start_line), dict(post.front_matter))


@dataclass(frozen=True, slots=True)
class _Job:
    """Everything a worker needs, picklable: module names instead of modules."""

    config: Config
    opts: RunOptions
    checker_names: tuple[str, ...]
    use_cache: bool
    summary: bool = False  # site-index entries: facts passed through each checker's summarize()
    site_salt: str = ""  # the Jekyll site configs the files answer to (site_config_salt)


def _summarize(result: FileResult, checkers: Sequence[ModuleType]) -> FileResult:
    """The part of a result the site index needs: small facts, no findings or suppressions."""
    facts = dict(result.facts)
    for mod in checkers:
        summarize = getattr(mod, "summarize", None)
        if summarize is not None and mod.NAME in facts:
            facts[mod.NAME] = summarize(facts[mod.NAME])
    return FileResult(result.path, (), facts, parse_suppressions(()), result.front_matter, result.key)


def _data_salt(mod: ModuleType) -> str:
    """What a checker's map step depends on besides options and code (the spelling lexicon)."""
    salt = getattr(mod, "map_cache_salt", None)
    return salt() if salt is not None else ""


def _salt(job: _Job, checkers: Sequence[ModuleType]) -> str:
    fingerprint = "|".join(f"{m.NAME}:{job.config.fingerprint(m.NAME)}:{_data_salt(m)}" for m in checkers)
    # offline decides what the map step keeps (the prose LanguageTool would read)
    return f"{__version__}|{fingerprint}|{job.site_salt}|offline={job.opts.offline}"


def _lookup(file: Path, salt: str, cache: LintCache | None, summary: bool) -> tuple[str | None, bytes | None, FileResult | None, bool]:
    """(cache key, file bytes, cached result or None, whether that is already a summary).
    Without a cache no key: nothing reads one then (the site's keys serve the cache alone),
    and hashing each file with its real path cost a fortieth of a cold run."""
    if cache is None:
        return None, read_regular(file), None, False
    key, data = content_key(file, salt)
    if not key:
        return key, data, None, False
    if summary:
        small = cache.get(f"{key}:summary")
        if small is not None:
            return key, data, small, True
    return key, data, cache.get(key), False


class _StatMemo:
    """Content keys remembered by (size, mtime, inode): a file whose stamp matches the last
    run's is taken to have the same key without being read and hashed again (as git's index
    does). Kept in the lint cache for this run's files only, so deleted ones drop out."""

    def __init__(self, cache: LintCache, salt: str) -> None:
        self.cache = cache
        self.salt = salt
        self.key = "stat-memo:" + hashlib.blake2b(salt.encode(), digest_size=12).hexdigest()
        old = cache.get(self.key)
        self.old: dict[str, tuple[int, int, int, int, str]] = old if isinstance(old, dict) else {}
        self.kept: dict[str, tuple[int, int, int, int, str]] = {}

    def key_of(self, file: Path) -> str | None:
        """The content key if the stamp matches, else None (the caller hashes and `learn`s)."""
        name = os.fspath(file)
        stamp = _stamp(name)
        seen = self.old.get(name)
        if stamp is not None and seen is not None and seen[:4] == stamp:
            self.kept[name] = seen
            return seen[4]
        return None

    def learn(self, file: Path, key: str | None) -> None:
        stamp = _stamp(os.fspath(file))
        if stamp is not None and key:
            self.kept[os.fspath(file)] = (*stamp, key)

    def pending(self) -> list[tuple[str, Any]]:
        return [(self.key, self.kept)] if self.kept != self.old else []


def _stamp(name: str) -> tuple[int, int, int, int] | None:
    try:
        st = os.lstat(name)
    except OSError:
        return None
    # ctime too: an edit that keeps the size and puts the mtime back still changes it
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns) if stat.S_ISREG(st.st_mode) else None


@contextmanager
def _keyed(job: _Job, role: str) -> Iterator[tuple[list[ModuleType], str, LintCache, _StatMemo]]:
    """The job's checkers, key salt, open cache and stat memo, for reading keys and hits."""
    checkers = [load_checker(n) for n in job.checker_names]
    salt = _salt(job, checkers)
    cache = LintCache.open(job.config.cache_dir)
    try:
        # The linted and the indexed files apart; and where relative names start from: a
        # moved project keeps every stamp, but its keys (which hold real paths) are others.
        yield checkers, salt, cache, _StatMemo(cache, f"{role}|{salt}|{os.path.realpath(os.curdir)}")
    finally:
        cache.close()


def cached_results(files: Sequence[Path], job: _Job) -> list[FileResult | None]:
    """What the cache already holds for each file (None where it has nothing)."""
    with _keyed(job, "linted") as (checkers, salt, cache, memo):
        found = []
        summaries = []
        for file in files:
            key = memo.key_of(file)
            if key is not None:
                hit, small = (cache.get(f"{key}:summary"), True) if job.summary else (None, False)
                if hit is None:
                    hit, small = cache.get(key), False
            else:
                key, _data, hit, small = _lookup(file, salt, cache, job.summary)
                memo.learn(file, key)
            if hit is not None and job.summary and not small:
                hit = _summarize(hit, checkers)
                summaries.append((f"{key}:summary", hit))  # next time the small entry is read
            found.append(hit)
        cache.put_many(summaries + memo.pending())
        return found


def content_keys(files: Sequence[Path], job: _Job) -> list[str]:
    """Each file's lint cache key ("" if unreadable), by stamp where possible, reading nothing else."""
    with _keyed(job, "indexed") as (_checkers, salt, cache, memo):
        keys = []
        for file in files:
            key = memo.key_of(file)
            if key is None:
                key = content_key(file, salt)[0]
                memo.learn(file, key)
            keys.append(key or "")
        cache.put_many(memo.pending())
        return keys


def _map_files(files: Sequence[Path], job: _Job, on_result: Callable[[FileResult], None] | None = None,
               on_facts: Callable[[str, Any], None] | None = None) -> list[FileResult]:
    checkers = [load_checker(n) for n in job.checker_names]
    if on_facts is not None:  # the checkers with a stream first: the network starts before the others run
        checkers.sort(key=lambda mod: getattr(mod, "stream", None) is None)
    ctxs = {m.NAME: make_context(m, job.config, job.opts) for m in checkers}
    salt = _salt(job, checkers)
    cache = LintCache.open(job.config.cache_dir) if job.use_cache else None
    results: list[FileResult] = []
    misses: list[tuple[str, FileResult]] = []
    try:
        for file in files:
            key, data, hit, small = _lookup(file, salt, cache, job.summary)
            if hit is not None and (small or not job.summary):
                results.append(hit)
                if on_result is not None:
                    on_result(hit)
                continue
            result = hit if hit is not None else map_post(
                read_post(file) if data is None else _load(file, data), checkers, ctxs, on_facts)
            if key and hit is None:
                result = replace(result, key=key)
                misses.append((key, result))
            if job.summary:
                result = _summarize(result, checkers)
                if key:
                    misses.append((f"{key}:summary", result))
            results.append(result)
            if on_result is not None:
                on_result(result)
        if cache is not None and misses:
            cache.put_many(misses)
    finally:
        if cache is not None:
            cache.close()
    return results


def _load(path: Path, data: bytes) -> Post:
    from pipeline.post import load_post

    return load_post(path, data)


def map_files(files: Sequence[Path], job: _Job, on_result: Callable[[FileResult], None] | None = None,
              on_facts: Callable[[str, Any], None] | None = None,
              on_workers: Callable[[], None] | None = None) -> list[FileResult]:
    """The map step over many files, in worker processes when there are enough of them.

    Cache hits are read here first: sending them through a worker would only pickle them
    once more; the workers get the files the cache does not know. ``on_result`` sees each
    result as it arrives (in no set order), so a checker's stream can start early; a file
    mapped in this process also shows each checker's facts to ``on_facts`` as they come.
    ``on_workers`` is called once worker processes are started, when this process has
    nothing to do until their first results (a stream gets ready then).
    """
    jobs = job.opts.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(files) < PARALLEL_MIN_FILES:
        return _map_files(files, job, on_result, on_facts)
    found = cached_results(files, job) if job.use_cache else [None] * len(files)
    todo = [f for f, r in zip(files, found) if r is None]
    known = [r for r in found if r is not None]
    if len(todo) < PARALLEL_MIN_FILES:
        for result in known if on_result is not None else ():
            on_result(result)
        computed = iter(_map_files(todo, job, on_result, on_facts))
    else:
        computed = iter(_parallel_map(todo, job, jobs, on_result, known, on_workers))
    return [r if r is not None else next(computed) for r in found]


def split_parts(files: Sequence[Path], jobs: int, ramp: bool = False) -> list[Sequence[Path]]:
    """The map step's parts: about four per worker. With `ramp` (a stream fed as results
    arrive) each worker's first parts hold 1, 2, 4 and 8 posts, so the first URLs reach the
    network after one post per worker (a few ms), not after a quarter of the site or eight
    posts (30 ms with every worker starting at once)."""
    chunk = max(8, len(files) // (jobs * 4))
    if ramp:  # a stream's threads share this process: unpickling a big part holds the GIL they send with
        chunk = min(chunk, STREAM_PART)
    sizes = [min(size, chunk) for size in (1, 2, 4, 8) for _ in range(jobs)] if ramp else []
    parts: list[Sequence[Path]] = []
    start = 0
    for size in sizes:
        if start < len(files):
            parts.append(files[start : start + size])
            start += size
    parts += [files[i : i + chunk] for i in range(start, len(files), chunk)]
    return parts


def _parallel_map(files: Sequence[Path], job: _Job, jobs: int, on_result: Callable[[FileResult], None] | None = None,
                  known: Sequence[FileResult] = (), on_workers: Callable[[], None] | None = None) -> list[FileResult]:
    import concurrent.futures as cf
    import multiprocessing
    import threading

    parts = split_parts(files, jobs, ramp=on_result is not None)
    worker_job = replace(job, opts=replace(job.opts, progress=None))
    # fork copies only the calling thread: with others running (a link stream's fetches),
    # a lock one of them holds would stay locked in the child forever.
    forking = hasattr(os, "fork") and threading.active_count() == 1
    ctx = multiprocessing.get_context("fork" if forking else "spawn")
    if forking:
        for name in job.checker_names:  # what every worker needs and this process needs later
            prepare = getattr(load_checker(name), "prepare", None)  # (the spelling lexicon): load once
            if prepare is not None:
                prepare()
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        # Every worker is forked at the first submit; only then may on_result start threads.
        # Scouts first: each worker's first post read for the stream's checkers alone.
        scouts = [pool.submit(_map_files, part, scout) for scout, part in _scouts(files, worker_job, jobs)] if on_result else []
        futures = {pool.submit(_map_files, part, worker_job): n for n, part in enumerate(parts)}
        if on_workers is not None:
            on_workers()
        for result in known if on_result is not None else ():
            on_result(result)
        done: dict[int, list[FileResult]] = {}
        for future in cf.as_completed([*scouts, *futures]):
            part = future.result()
            if future in futures:
                done[futures[future]] = part
            for result in part if on_result is not None else ():
                on_result(result)
    return [result for n in range(len(parts)) for result in done[n]]


def _scouts(files: Sequence[Path], job: _Job, jobs: int) -> list[tuple[_Job, Sequence[Path]]]:
    """With checkers besides the stream's, one post per worker is first read for the
    stream's checkers alone (uncached; its facts are fed, the result dropped), so its URLs
    go out before the slower checks run on it: a worker's first post with every rule took
    100 ms (each checker's first use in the process), with the links alone 30 ms. The
    whole post is read again in its part; the stream checks each URL once."""
    streaming = tuple(n for n in job.checker_names if getattr(load_checker(n), "stream", None) is not None)
    if not streaming or len(streaming) == len(job.checker_names):
        return []
    scout = replace(job, checker_names=streaming, use_cache=False, summary=False)
    return [(scout, files[i : i + 1]) for i in range(min(jobs, len(files)))]


def site_config_salt(files: Sequence[Path]) -> str:
    """A digest of the Jekyll configs the files answer to (the nearest _config.yml,
    _config.yaml and _config.toml above each folder): their `defaults` and the site root they mark change
    verdicts (FM009, LK003), so editing one must miss the lint cache like editing a post."""
    found: set[str] = set()
    for folder in {os.path.realpath(folder or ".") for folder in {os.path.dirname(f) for f in files}}:
        for name in CONFIG_NAMES:
            here = folder
            while True:
                if os.path.isfile(os.path.join(here, name)):
                    found.add(os.path.join(here, name))
                    break
                parent = os.path.dirname(here)
                if parent == here:
                    break
                here = parent
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(found):
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        try:
            digest.update(Path(path).read_bytes())
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest() if found else ""


def resolved_paths(files: Sequence[Path]) -> list[str]:
    """The real path of each file, resolving each folder once (10,000 posts: 10 ms, not 500).
    os.path.realpath, not Path.resolve: a symlink loop must become a finding, not a crash."""
    folders: dict[str, str] = {}
    out = []
    for file in files:
        folder, name = os.path.split(os.fspath(file))
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder or ".")
        out.append(os.path.realpath(file) if os.path.islink(file) else os.path.join(real, name))
    return out


class SiteLoader:
    """Every post under the site roots for `Site`: their keys, one post's facts, or all of
    them (computed in parallel and cached), each only when a checker asks."""

    def __init__(self, roots: Sequence[Path], linted: Mapping[str, FileResult], job: _Job, exclude: Sequence[str]) -> None:
        self.roots = roots
        self.linted = {os.path.realpath(p): r for p, r in linted.items()}
        self.job = replace(job, summary=True)
        self.exclude = exclude
        self._files: dict[str, Path] | None = None
        self._loaded: dict[str, FileResult] = {}

    def files(self) -> dict[str, Path]:
        """Resolved path -> path of each post under the roots that is not being linted."""
        if self._files is None:
            found = discover([r for r in self.roots if r.is_dir()], self.exclude, self.job.config.root)
            self._files = {real: f for f, real in zip(found, resolved_paths(found)) if real not in self.linted}
        return self._files

    def keys(self) -> dict[str, str]:
        files = self.files()
        keys = dict(zip(files, content_keys(list(files.values()), self.job) if self.job.use_cache else [""] * len(files)))
        keys.update({real: r.key for real, r in self.linted.items()})
        return keys

    def one(self, resolved: str) -> FileResult | None:
        if resolved in self.linted:
            return self.linted[resolved]
        if resolved not in self._loaded:
            file = self.files().get(resolved)
            if file is None:
                return None
            self._loaded[resolved] = _map_files([file], self.job)[0]
        return self._loaded[resolved]

    def index(self) -> dict[str, FileResult]:
        # Same key as a full lint run (checks included, findings unused), so a CI run over
        # the whole site warms the index every later pre-commit run on one post reads.
        index = dict(self.linted)
        files = self.files()
        index.update(zip(files, map_files(list(files.values()), self.job)))
        return index


def site_findings(mod: ModuleType, results: Sequence[FileResult], ctx: Context, job: _Job) -> list[Finding]:
    """A checker's cross-post findings, cached when it says they depend only on the facts.

    A checker opts in with `site_cache_salt(ctx)`, returning what else its verdicts depend
    on (a word list's content, say) or None when they are not cacheable this run. The key
    then covers every linted file's and every indexed file's cache key, so editing any
    post, option or the tool itself recomputes; an unchanged site re-reads one row.
    """
    facts = {r.path: r.facts.get(mod.NAME) for r in results}
    compute = lambda: list(mod.check_site(facts, ctx))  # noqa: E731
    salt_of = getattr(mod, "site_cache_salt", None)
    salt = _guard(mod.NAME, "the site", lambda: salt_of(ctx)) if salt_of is not None and job.use_cache else None
    site_keys = ctx.site.keys if salt is not None and ctx.site is not None else {}
    if salt is None or not all(r.key for r in results) or not all(site_keys.values()):
        return _guard(mod.NAME, "the site", compute)  # a file without a key (unreadable): no identity
    keys = [f"L{r.key}" for r in results] + [f"I{key}" for key in site_keys.values()]
    digest = hashlib.blake2b("\0".join([mod.NAME, salt, *sorted(keys)]).encode(), digest_size=20)
    key = f"site:{mod.NAME}:{digest.hexdigest()}"
    cache = LintCache.open(job.config.cache_dir)
    try:
        hit = cache.get(key)
        if isinstance(hit, list):
            return hit
        found = _guard(mod.NAME, "the site", compute)
        cache.put_many([(key, found)])
        return found
    finally:
        cache.close()


def _severity_for(code: str, overrides: Mapping[str, Severity]) -> Severity | None:
    """The override of the longest code or prefix matching `code` (HD006 beats HD), as selection does."""
    best = max((p for p in overrides if code.startswith(p)), key=len, default=None)
    return None if best is None else overrides[best]


def _ignored_in(path: str, config: Config) -> tuple[str, ...]:
    """The code prefixes `per-file-ignores` hides in the file at `path` (patterns read as `exclude`'s)."""
    return tuple(c for pattern, codes in config.per_file_ignores if _excluded(Path(path), (pattern,), config.root) for c in codes)


def filter_findings(findings: Iterable[Finding], suppressions: Mapping[str, Suppressions], config: Config, decision: Decision) -> list[Finding]:
    """Selection, per-file ignores, inline suppression and severity overrides, in that order; sorted, unique."""
    kept: dict[tuple[object, ...], Finding] = {}
    per_file: dict[str, tuple[str, ...]] = {}
    for f in findings:
        if not decision.enabled(f.code):
            continue
        if config.per_file_ignores:
            ignored = per_file.get(f.path)
            if ignored is None:
                ignored = per_file[f.path] = _ignored_in(f.path, config)
            if f.code.startswith(ignored):
                continue
        sup = suppressions.get(f.path)
        if sup is not None and sup.hides(f):
            continue
        level = _severity_for(f.code, config.severity)
        if level is not None and level is not f.severity:
            f = replace(f, severity=level)
        kept.setdefault((f.sort_key, f.severity), f)
    return sorted(kept.values(), key=lambda f: f.sort_key)


def _start_streams(checkers: Sequence[ModuleType], config: Config, opts: RunOptions) -> dict[str, Any]:
    """What each checker starts before the map step (Checker.stream), by checker NAME."""
    streams: dict[str, Any] = {}
    for mod in checkers:
        start = getattr(mod, "stream", None)
        if start is not None:
            stream = _guard(mod.NAME, "the site", lambda: start(make_context(mod, config, opts)))  # noqa: B023
            if stream is not None:
                streams[mod.NAME] = stream
    return streams


def _feeder(streams: Mapping[str, Any]) -> Callable[[FileResult], None]:
    def feed(result: FileResult) -> None:
        for name, stream in streams.items():
            _guard(name, result.path, lambda: stream.feed(result.facts.get(name)))  # noqa: B023
    return feed


def _early_feeder(streams: Mapping[str, Any]) -> Callable[[str, Any], None]:
    """Feed a checker's facts as map_post collects them. The whole result is fed again when
    it is done (workers' results arrive only then): a stream checks each URL once."""
    def feed(name: str, facts: Any) -> None:
        stream = streams.get(name)
        if stream is not None:
            _guard(name, "the stream", lambda: stream.feed(facts))
    return feed


def _warmer(streams: Mapping[str, Any]) -> Callable[[], None]:
    """Get each stream ready for its first URLs (Checker.stream's optional `warm`)."""
    def warm() -> None:
        for name, stream in streams.items():
            ready = getattr(stream, "warm", None)
            if ready is not None:
                _guard(name, "the stream", ready)
    return warm


def run_lint(paths: Sequence[str | Path], config: Config, opts: RunOptions = RunOptions()) -> RunResult:
    files = discover(paths, config.exclude, config.root)
    if opts.shard is not None:
        files = [f for f in files if in_shard(f, opts.shard)]
    decision = make_decision(config)
    checkers = select_checkers(decision)
    job = _Job(config, opts, tuple(m.__name__ for m in checkers), not opts.no_cache, site_salt=site_config_salt(files))
    streams = _start_streams(checkers, config, opts)
    try:
        results = map_files(files, job, _feeder(streams) if streams else None, _early_feeder(streams) if streams else None,
                            _warmer(streams) if streams else None)
        by_path = {r.path: r for r in results}
        findings = [f for r in results for f in r.findings]
        roots = site_roots(paths, config)  # one walk of the site per run
        loader = SiteLoader(roots, by_path, job, config.exclude)
        site = Site(tuple(by_path.values()), roots[0] if paths else config.root,
                    loader.index, loader.keys, loader.one)
        for mod in checkers:
            if getattr(mod, "check_site", None) is not None:
                ctx = make_context(mod, config, opts, site, streams.get(mod.NAME))
                findings.extend(site_findings(mod, results, ctx, job))
    finally:
        for name, stream in streams.items():
            _guard(name, "the site", stream.close)
    suppressions = {r.path: r.suppressions for r in results}
    return RunResult(tuple(filter_findings(findings, suppressions, config, decision)), tuple(files))
