"""Disk cache of verdicts (SQLite) wrapped around any LinkClient.

Two runs may share the file: WAL journal plus a busy timeout, one short transaction per
write, and ``INSERT OR REPLACE`` so the last writer simply wins (issue 5).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Self

from pipeline.net.verdict import (
    Kind,
    LinkClient,
    Reason,
    Verdict,
    check_through,
    start_stream,
)

_SCHEMA_VERSION = 1
_FORGET_AFTER = 30 * 86400.0  # rows nobody asked about for a month are dropped, so the file stays small
_CHUNK = 500
DEFAULT_MAX_AGE: Mapping[Kind, float] = MappingProxyType({Kind.OK: 86400.0, Kind.WARNING: 0.0, Kind.ERROR: 0.0})
"""Successes are trusted for a day; failures and doubts are re-checked every run."""


def default_cache_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$PIPELINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/pipeline``, else ``~/.cache/pipeline``; file ``links.sqlite3``."""
    env = os.environ if environ is None else environ
    if env.get("PIPELINE_CACHE_DIR"):
        root = Path(env["PIPELINE_CACHE_DIR"])
    elif env.get("XDG_CACHE_HOME"):
        root = Path(env["XDG_CACHE_HOME"]) / "pipeline"
    else:
        root = Path.home() / ".cache" / "pipeline"
    return root / "links.sqlite3"


class VerdictStore:
    """Verdicts on disk, keyed by (namespace, url); the namespace is the client's option fingerprint."""

    def __init__(self, path: Path, *, busy_timeout: float = 10.0) -> None:
        self.path = path
        self._busy_timeout = busy_timeout
        from pipeline.lintcache import make_cache_folder

        make_cache_folder(path.parent)
        try:
            self._db: sqlite3.Connection | None = self._open(busy_timeout)
        except sqlite3.DatabaseError:
            # A corrupt or foreign file is only a cache: start again rather than fail the lint.
            self._remove_files()
            self._db = self._open(busy_timeout)

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """A query failed on a file damaged past its first page (which opening does not
        read): rebuild the file; if it is only busy or unwritable (OperationalError), or the
        rebuild fails too, go on without a cache for the rest of the run."""
        if self._db is not None:
            self._db.close()
            self._db = None
        if isinstance(exc, sqlite3.OperationalError):
            return  # locked by another run, read-only disk ...: not ours to delete
        try:
            self._remove_files()
            self._db = self._open(self._busy_timeout)
        except (OSError, sqlite3.DatabaseError):
            self._db = None

    def _open(self, busy_timeout: float) -> sqlite3.Connection:
        """A connection in WAL mode that never waits for the disk.

        Durability is not what a cache needs: with ``synchronous = OFF`` a crashed run still
        leaves a sound file (only an OS crash could damage it, and a damaged file is rebuilt),
        while each fsync it skips (making a new file WAL, the schema's commit, the checkpoint
        at close) cost 10 to 25 ms, before the first request and after the last.
        """
        db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        db.execute("PRAGMA synchronous = OFF")  # first: the switch to WAL below is a write too
        db.execute("PRAGMA journal_mode = WAL")
        if db.execute("PRAGMA user_version").fetchone()[0] != _SCHEMA_VERSION:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DROP TABLE IF EXISTS verdicts")
            db.execute(
                "CREATE TABLE verdicts (namespace TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL,"
                " reason TEXT NOT NULL, message TEXT NOT NULL, status INTEGER, final_url TEXT,"
                " checked_at REAL NOT NULL, PRIMARY KEY (namespace, url)) WITHOUT ROWID"
            )
            db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
            db.execute("COMMIT")
        return db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load(self, namespace: str, urls: list[str]) -> dict[str, tuple[Verdict, float]]:
        """Stored verdicts and the time each was made, for those of ``urls`` that are stored
        (none when the file turns out damaged: it is rebuilt, see `_recover`)."""
        try:
            return self._load(namespace, urls)
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
            return {}

    def _load(self, namespace: str, urls: list[str]) -> dict[str, tuple[Verdict, float]]:
        found: dict[str, tuple[Verdict, float]] = {}
        if self._db is None:
            return found
        for start in range(0, len(urls), _CHUNK):
            chunk = urls[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT url, kind, reason, message, status, final_url, checked_at FROM verdicts"
                f" WHERE namespace = ? AND url IN ({marks})",
                [namespace, *chunk],
            ).fetchall()
            for url, kind, reason, message, status, final_url, checked_at in rows:
                try:
                    verdict = Verdict(url, Kind(kind), Reason(reason), message, status, final_url)
                except ValueError:
                    continue
                found[url] = (verdict, checked_at)
        return found

    def save(self, namespace: str, verdicts: Iterable[Verdict], checked_at: float) -> None:
        """Store verdicts; a damaged file is rebuilt and written once more, else left alone."""
        rows = [(namespace, v.url, v.kind.value, v.reason.value, v.message, v.status, v.final_url, checked_at) for v in verdicts]
        for _attempt in range(2):
            if not rows or self._db is None:
                return
            try:
                self._save(self._db, rows, checked_at)
                return
            except sqlite3.DatabaseError as exc:
                self._recover(exc)

    @staticmethod
    def _save(db: sqlite3.Connection, rows: list[tuple[object, ...]], checked_at: float) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute("DELETE FROM verdicts WHERE checked_at < ?", (checked_at - _FORGET_AFTER,))
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


@dataclass(frozen=True, slots=True)
class CacheStats:
    """How many verdicts came from disk and how many were fetched, for the CLI's summary line."""

    hits: int
    misses: int


class CachedClient:
    """A LinkClient that answers from the store when a verdict is young enough, else asks ``inner``."""

    def __init__(
        self,
        inner: LinkClient,
        store: VerdictStore,
        *,
        namespace: str = "",
        max_age: Mapping[Kind, float] = DEFAULT_MAX_AGE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.inner = inner
        self.store = store
        self.namespace = namespace
        self.max_age = {**DEFAULT_MAX_AGE, **max_age}
        self._clock = clock
        self.stats = CacheStats(0, 0)

    def check(self, urls: Iterable[str]) -> dict[str, Verdict]:
        return check_through(self.start(), urls)

    def start(self) -> _CachedStream:
        """A stream: each URL looked up as it is added, only the misses passed on to ``inner``."""
        return _CachedStream(self)

    def fresh(self, urls: list[str]) -> dict[str, Verdict]:
        """The stored verdicts of ``urls`` young enough to trust."""
        now = self._clock()
        return {
            url: verdict
            for url, (verdict, checked_at) in self.store.load(self.namespace, urls).items()
            if now - checked_at < self.max_age[verdict.kind]
        }


class _CachedStream:
    def __init__(self, client: CachedClient) -> None:
        self._client = client
        self._inner = start_stream(client.inner)
        self._seen: dict[str, None] = {}
        self._fresh: dict[str, Verdict] = {}

    def add(self, urls: Iterable[str]) -> None:
        wanted = [url for url in dict.fromkeys(urls) if url not in self._seen]
        if not wanted:
            return
        self._seen.update(dict.fromkeys(wanted))
        fresh = self._client.fresh(wanted)
        self._fresh.update(fresh)
        missing = [url for url in wanted if url not in fresh]
        if missing:
            self._inner.add(missing)

    def warm(self) -> None:
        warm = getattr(self._inner, "warm", None)
        if warm is not None:
            warm()

    def results(self) -> dict[str, Verdict]:
        fetched = self._inner.results()
        self._client.store.save(self._client.namespace, fetched.values(), self._client._clock())
        self._client.stats = CacheStats(len(self._fresh), len(self._seen) - len(self._fresh))
        return {**self._fresh, **fetched}

    def close(self) -> None:
        self._inner.close()
