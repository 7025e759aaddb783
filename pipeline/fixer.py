"""`pipeline lint --fix` and `--diff`: the findings' fixes written back to the posts.

The same fixes the publisher applies (`pipeline.fixes`), to the sources themselves. A
file keeps its encoding (UTF-8, with its BOM if it had one), line endings and mode, and
is replaced atomically (a temporary file beside it, then a rename): an interrupted run
leaves the old post or the new one, never half of one. A file whose size or
modification time changed after the run began is left alone, since its findings
describe text that is no longer there; so is one with mixed line endings, which a
rewrite could not give back as it was.
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.findings import Finding, Fix
from pipeline.fixes import accepted_fix, apply_fixes

Stamp = tuple[int, int]  # (size, mtime_ns)


@dataclass(frozen=True, slots=True)
class FileFix:
    """One post's text before and after its fixes (newlines as "\\n"), and how to write it."""

    path: Path
    before: str
    after: str
    applied: tuple[Fix, ...]
    newline: str = "\n"
    bom: bool = False

    def encoded(self) -> bytes:
        text = self.after.replace("\n", self.newline) if self.newline != "\n" else self.after
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode("utf-8")

    def diff(self) -> str:
        """A unified diff of the change, as `git diff` shows it (`git apply` takes it)."""
        name = _diff_name(self.path)

        def as_on_disk(text: str) -> list[str]:  # its line endings and BOM, or the hunks do not apply
            text = text.replace("\n", self.newline) if self.newline != "\n" else text
            # Lines as git counts them: split after "\n" only (str.splitlines also splits at
            # "\r", form feed, U+2028, U+0085..., and the hunks would not match the file).
            return _git_lines("\ufeff" + text if self.bom else text)

        lines = difflib.unified_diff(as_on_disk(self.before), as_on_disk(self.after), fromfile=f"a/{name}", tofile=f"b/{name}")
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _git_lines(text: str) -> list[str]:
    """`text` cut after every "\\n" and nowhere else, the ends kept (as git reads a file)."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _diff_name(path: Path) -> str:
    """The path as `git diff` names it: from the current folder when the file is under it
    (an absolute `/tmp/x` gave `a//tmp/x`, and `../x` gave `a/../x`, which nothing applies)."""
    cwd = Path.cwd()
    for candidate, base in ((Path(os.path.abspath(path)), cwd), (path.resolve(), cwd.resolve())):
        if candidate.is_relative_to(base):
            return candidate.relative_to(base).as_posix()
    return path.as_posix()


@dataclass(frozen=True, slots=True)
class Skipped:
    path: Path
    reason: str


def stamps(files: Iterable[Path]) -> dict[Path, Stamp | None]:
    """Each file's (size, mtime_ns) now, to tell later whether it changed meanwhile."""
    return {f: stamp(f) for f in files}


def stamp(path: Path) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _newline(text: str) -> str | None:
    """The file's one line ending, or None when it mixes them."""
    crlf = text.count("\r\n")
    cr, lf = text.count("\r") - crlf, text.count("\n") - crlf
    kinds = [nl for nl, n in (("\r\n", crlf), ("\r", cr), ("\n", lf)) if n]
    return kinds[0] if len(kinds) == 1 else "\n" if not kinds else None


def plan_fixes(
    findings: Sequence[Finding], before: Mapping[Path, Stamp | None], fix_spelling: bool = False
) -> tuple[list[FileFix], list[Skipped]]:
    """The fixed text of every post some finding has an applicable fix for (nothing written)."""
    by_file: dict[Path, list[Fix]] = {}
    for finding in findings:
        fix = accepted_fix(finding, fix_spelling)
        if fix is not None:
            by_file.setdefault(Path(finding.path), []).append(fix)
    planned: list[FileFix] = []
    skipped: list[Skipped] = []
    for path, fixes in by_file.items():
        if stamp(path) is None or stamp(path) != before.get(path):
            skipped.append(Skipped(path, "changed while it was being checked; run again"))
            continue
        try:
            data = path.read_bytes()
            raw = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            skipped.append(Skipped(path, f"cannot read it again: {exc}"))
            continue
        newline = _newline(raw)
        if newline is None:
            skipped.append(Skipped(path, "mixes line endings; not rewritten"))
            continue
        text = raw.replace("\r\n", "\n").replace("\r", "\n")  # as load_post saw it
        result = apply_fixes(text, fixes)
        if result.text != text:
            planned.append(FileFix(path, text, result.text, result.applied, newline, data.startswith(codecs.BOM_UTF8)))
    return planned, skipped


def _owner(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_uid, st.st_gid


def write(fix: FileFix) -> None:
    """Replace the file atomically with its fixed text, keeping its owner and permission bits."""
    path = fix.path.resolve() if fix.path.is_symlink() else fix.path  # the post, not the link to it
    st = os.stat(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".fix", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(fix.encoded())
            fh.flush()
            os.fsync(fh.fileno())
        if (st.st_uid, st.st_gid) != _owner(tmp):  # root fixing an author's post, or a group-shared one
            with contextlib.suppress(PermissionError):  # a user may not give a file away: it stays theirs
                os.chown(tmp, st.st_uid, st.st_gid)
        os.chmod(tmp, stat.S_IMODE(st.st_mode))  # after chown, which clears set-id bits
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
