"""Incremental lint cache: map-step results keyed by file bytes, path, options and version.

SQLite in WAL mode with a busy timeout, so two runs sharing a cache do not corrupt it;
any cache failure degrades to no caching rather than failing the lint.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sqlite3
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.post import MAX_BYTES

SCHEMA = "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL)"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Size and mtime of every module of this package: an edited checker invalidates the cache."""
    root = Path(__file__).parent
    stamp = hashlib.blake2b(digest_size=12)
    for file in sorted(root.rglob("*.py")):
        st = file.stat()
        stamp.update(f"{file.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return stamp.hexdigest()


def read_regular(path: Path) -> bytes | None:
    """The bytes of a readable, normal-size regular file (not a link), else None (the caller
    then reads it through post.read_post, which says why)."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:  # a FIFO would block the read
            return None
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def content_key(path: Path, salt: str) -> tuple[str | None, bytes | None]:
    """(cache key, file bytes); (None, None) when the file is not a readable, normal-size file."""
    data = read_regular(path)
    if data is None:
        return None, None
    digest = hashlib.blake2b(data, digest_size=20)
    # The path as typed (the findings carry it) and where the file really is (relative links,
    # the site it belongs to): a moved project or a shared cache never serves another's facts.
    where = f"{path}\0{os.path.realpath(path)}"
    digest.update(b"\0" + where.encode("utf-8", "surrogateescape") + b"\0" + salt.encode())
    digest.update(code_fingerprint().encode())
    return digest.hexdigest(), data


def _connect(path: Path) -> sqlite3.Connection:
    """A WAL connection that never waits for the disk: a cache needs no durability (a
    crashed run leaves a sound file, a damaged one is rebuilt), and the fsyncs it skips
    cost 10 to 25 ms at the start of a run on a new cache and again at its end."""
    conn = sqlite3.connect(path, timeout=10)
    conn.execute("PRAGMA synchronous=OFF")  # first: the switch to WAL is a write too
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(SCHEMA)
    return conn


def make_cache_folder(folder: Path) -> None:
    """Create a cache folder that git ignores by itself, as ruff's and pytest's do: a cache
    committed by `git add -A` makes every later pre-commit run fail ("files were modified").
    A folder that already exists is the user's and is left as it is."""
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    try:
        (folder / ".gitignore").write_text("# Created by pipeline: a cache, never committed.\n*\n", encoding="utf-8")
    except OSError:
        pass  # the cache still works; only the convenience is lost


class LintCache:
    def __init__(self, conn: sqlite3.Connection | None) -> None:
        self._conn = conn

    @classmethod
    def open(cls, folder: Path) -> LintCache:
        """The cache in `folder`; a damaged file is rebuilt, and a cache that cannot be
        opened (unwritable, busy) is no cache: the run goes on without one."""
        path = folder / "lint.sqlite"
        try:
            make_cache_folder(folder)
            try:
                return cls(_connect(path))
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError:  # not a database, or damaged: only a cache, start again
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                return cls(_connect(path))
        except (OSError, sqlite3.Error):
            return cls(None)

    def get(self, key: str) -> Any | None:
        if self._conn is None:
            return None
        try:
            row = self._conn.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
            return pickle.loads(row[0]) if row else None
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        if self._conn is None:
            return
        try:
            with self._conn:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO results (key, value) VALUES (?, ?)",
                    [(k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in items],
                )
        except sqlite3.Error:
            return

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
