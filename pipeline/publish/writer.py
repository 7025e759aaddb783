"""All file output of the publisher: safe paths, the manifest, one atomic swap of DIR.

The whole output folder is built next to DIR and swapped in with one rename, so an
interrupted run leaves either the old output or the new one, never a mix (a killed run's
half-built folder, named with its process id, is removed by the next run). On Linux the
swap is renameat2(RENAME_EXCHANGE), atomic even when DIR already exists; elsewhere it
is two renames with the old tree parked beside DIR in between. A run whose output is
byte-identical to what is there writes nothing (pelican's "no double write").
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline.errors import PathError, UsageError

MANIFEST = "manifest.json"
GENERATOR = "pipeline publish"  # marks a folder as ours: only such folders are ever replaced
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def safe_join(root: Path, relpath: str) -> Path:
    """root/relpath, refusing absolute paths, '..', empty parts and anything resolving outside root."""
    parts = relpath.split("/")  # split by hand: PurePath would quietly normalise "a//b" and "./a"
    if any(p in ("", ".", "..") for p in parts) or "\\" in relpath or "\x00" in relpath:
        raise PathError(f"{relpath!r}: refusing a path that could leave the output folder")
    path = root.joinpath(*parts)
    if not path.resolve().is_relative_to(root.resolve()):  # a symlink on the way out of root
        raise PathError(f"{relpath!r}: refusing a path that resolves outside the output folder")
    return path


def manifest_text(entries: Iterable[Mapping[str, Any]]) -> str:
    """manifest.json: sorted by path, sorted keys, UTF-8, one trailing newline: stable bytes."""
    posts = sorted(entries, key=lambda e: str(e["path"]))
    doc = {"generator": GENERATOR, "format": 1, "posts": posts}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def is_ours(out: Path) -> bool:
    """Did pipeline publish write this folder (its manifest.json says so)?"""
    try:
        doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("generator") == GENERATOR


def check_out_dir(out: Path, sources: Iterable[Path]) -> None:
    """Refuse an output folder that is, holds or sits inside a source, or is not ours to replace."""
    target = out.resolve()
    for source in sources:
        src = source.resolve()
        if target == src or src.is_relative_to(target):
            raise UsageError(f"--out {out}: it holds the sources ({source}); choose a separate folder")
        # A run over any folder that holds a source file holds its folder too (`_posts`), so an
        # output there would be read as sources by the next run, the files given or a folder.
        folder, given = (source, src) if source.is_dir() else (source.parent, src.parent)
        if source.exists() and target.is_relative_to(given):
            raise UsageError(f"--out {out}: it is inside the source folder {folder}, whose next run "
                             "would read the published copies as sources; choose a folder outside it")
    if out.exists() and not out.is_dir():
        raise PathError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not is_ours(out):
        raise PathError(f"--out {out}: refusing to replace a folder that pipeline publish did not write "
                        f"(no {MANIFEST} of ours); choose a new or empty folder")


def _read_tree(root: Path) -> dict[str, bytes] | None:
    """Every file under root by relative POSIX path; None when something is not a plain file."""
    tree: dict[str, bytes] = {}
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            if (Path(folder) / name).is_symlink():
                return None
        for name in files:
            path = Path(folder) / name
            tree[path.relative_to(root).as_posix()] = path.read_bytes()
    return tree


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _build(tmp: Path, files: Mapping[str, bytes]) -> None:
    os.chmod(tmp, 0o755)
    for relpath in sorted(files):
        path = safe_join(tmp, relpath)
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(files[relpath])
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(path, 0o644)
    for folder in sorted({safe_join(tmp, r).parent for r in files} | {tmp}, reverse=True):
        _fsync(folder)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(new: Path, out: Path) -> None:
    if not out.exists():
        os.rename(new, out)
    elif _exchange(new, out):
        shutil.rmtree(new)  # `new` now holds the old tree
    else:
        old = new.with_name(new.name + ".old")
        os.rename(out, old)
        os.rename(new, out)
        shutil.rmtree(old)
    _fsync(out.parent)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, another user's
    return True


def remove_stale(out: Path) -> list[Path]:
    """Remove the build folders that killed runs left beside `out` (`.NAME.pipeline-PID-*`,
    and the `.old` tree of a two-rename swap), once their process is gone; a running
    publish's folder is left alone. Returns what was removed."""
    removed = []
    prefix = f".{out.name}.pipeline-"
    try:
        siblings = list(out.parent.iterdir())
    except OSError:
        return removed
    for path in siblings:
        pid = path.name[len(prefix) :].split("-", 1)[0]
        if path.name.startswith(prefix) and pid.isdigit() and path.is_dir() and not path.is_symlink() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def write_site(files: Mapping[str, bytes], out: Path) -> bool:
    """Make `out` hold exactly `files` (relative POSIX path -> bytes). True when it changed."""
    remove_stale(out)
    if out.is_dir() and _read_tree(out) == dict(files):
        return False
    for relpath in files:
        safe_join(out, relpath)  # refuse before building anything
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.pipeline-{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise PathError(f"--out {out}: cannot create a folder next to it: {exc.strerror or exc}") from None
    try:
        _build(tmp, files)
        _swap(tmp, out)
    except OSError as exc:
        raise PathError(f"--out {out}: cannot write the output: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone after a swap; cleans up after a failure
    return True
