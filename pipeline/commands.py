"""What each subcommand does, given parsed arguments; returns the exit code for cli.main."""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pipeline.config import Config, load_config
from pipeline.errors import PathError, UsageError
from pipeline.findings import Severity
from pipeline.registry import all_rules, rules_by_code
from pipeline.report import FORMATTERS
from pipeline.runner import RunOptions, RunResult, run_lint

if TYPE_CHECKING:
    from pipeline.fixer import FileFix, Skipped


def dispatch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "lint":
        return lint(args, out, err)
    if args.command == "rules":
        return rules(args, out)
    if args.command == "spelling":
        return spelling_add(args, out)
    if args.command == "publish":
        return publish(args, out, err)
    raise UsageError(f"unknown command {args.command}")  # pragma: no cover - argparse refuses first


def _config(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    known = tuple(r.code for r in all_rules())
    for option in ("select", "ignore", "extend_select", "extend_ignore"):
        _check_codes(getattr(args, option) or (), known, "--" + option.replace("_", "-"))
    for key in ("select", "ignore", "extend-select", "extend-ignore"):
        _check_codes(config.rule_codes.get(key, ()), known, config.where(key))
    _check_codes(config.severity, known, config.where("severity"))
    _check_codes(config.rule_codes.get("per-file-ignores", ()), known, config.where("per-file-ignores"))
    return config.with_cli(args.select, args.ignore, args.extend_select, args.extend_ignore)


_FAMILY_PREFIX = re.compile(r"^(FM|HD|SP|LK)\d{0,3}$")


def _check_codes(codes: Iterable[str], known: tuple[str, ...], where: str) -> None:
    """A code or prefix must match a registered rule, or belong to a family not built yet."""
    for code in codes:
        if any(k.startswith(code) for k in known):
            continue
        if _FAMILY_PREFIX.match(code) and not any(k[:2] == code[:2] for k in known):
            continue
        raise UsageError(f"{where}: unknown rule code or prefix {code!r}; run 'pipeline rules' for the list")


def _paths(args: argparse.Namespace, config: Config) -> list[str]:
    if args.paths:
        return list(args.paths)
    paths = config.paths
    if not paths:  # `paths = []`: a run that checks nothing would pass a CI job unseen
        raise PathError(f"{config.where('paths')}: 'paths' is empty; name the folders or posts to lint")
    if paths == ("posts",) and not (config.root / "posts").exists() and (config.root / "_posts").is_dir():
        paths = ("_posts",)  # the default in a Jekyll site, which keeps its posts in _posts
    found = [p if Path(p).is_absolute() or _same(Path(p), config.root / p) else str(config.root / p) for p in paths]
    for given, path in zip(paths, found):
        if not os.path.lexists(path):  # say where the path came from: the user typed none
            if "paths" in config.key_lines:
                raise PathError(f"{config.where('paths')}: 'paths' names {given}, which does not exist")
            raise PathError(f"no paths given, and neither posts/ nor _posts/ is in {config.root}; "
                            "name the posts to lint, or set 'paths' in pipeline.toml")
    return found


def _same(here: Path, there: Path) -> bool:
    """Does `here` (from the working folder) name `there` (from the config's folder)? Then
    the shorter name is shown; a config's paths are read from its own folder, as ruff reads them."""
    try:
        return os.path.samefile(here, there)
    except OSError:
        return False


def _run_options(args: argparse.Namespace, progress: Any = None) -> RunOptions:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return RunOptions(offline=args.offline, no_cache=args.no_cache, allow_private=args.allow_private,
                      jobs=args.jobs, progress=progress, shard=args.shard)


def check(args: argparse.Namespace, err: TextIO, fmt: str) -> tuple[Config, RunResult]:
    config = _config(args)
    return config, run_lint(_paths(args, config), config, _run_options(args, progress_printer_for(err, fmt)))


def lint(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.fix_spelling and not (args.fix or args.diff):
        raise UsageError("--fix-spelling goes with --fix or --diff")
    if args.fix and args.diff:
        raise UsageError("--diff shows the fixes and changes nothing; --fix applies them: give one")
    if args.diff:
        return _diff(args, out, err)
    if args.fix:
        return _fix(args, out, err)
    _, result = check(args, err, args.format)
    return _report(args, result, out)


MAX_FIX_PASSES = 10  # a fix can uncover another (two copies of a paragraph above its heading)


def _planned(args: argparse.Namespace, err: TextIO) -> tuple[RunResult, list[FileFix], list[Skipped]]:
    """A lint run, the fixes it offers and the files they cannot be applied to."""
    from pipeline import fixer
    from pipeline.runner import discover

    config = _config(args)
    paths = _paths(args, config)
    before = fixer.stamps(discover(paths, config.exclude, config.root))  # before anything is read
    result = run_lint(paths, config, _run_options(args, progress_printer_for(err, args.format)))
    return result, *fixer.plan_fixes(result.findings, before, args.fix_spelling)


def _diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.format != "text":
        raise UsageError("--diff prints a unified diff; --format does not apply to it")
    result, planned, skipped = _planned(args, err)
    _check_output(args, result)
    err.writelines(f"{s.path}: not fixed: {s.reason}\n" for s in skipped)
    _emit(args, "".join(fix.diff() for fix in planned), out)
    count = sum(len(f.applied) for f in planned)
    err.write(f"{_plural(count, 'fix', 'fixes')} in {_plural(len(planned), 'file')}"
              + (" (apply with --fix)\n" if planned else "\n"))
    return 1 if planned and not args.exit_zero else 0


def _fix(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Fix, lint again, until nothing more is offered; the last run is the report."""
    from pipeline.fixer import write

    fixed: set[Path] = set()
    applied = 0
    not_fixed: dict[Path, str] = {}
    for _ in range(MAX_FIX_PASSES):
        result, planned, skipped = _planned(args, err)
        _check_output(args, result)  # before any post is rewritten, not after
        not_fixed.update((s.path, s.reason) for s in skipped)
        planned = [f for f in planned if f.path not in not_fixed]
        if not planned:
            break
        for fix in planned:
            try:
                write(fix)
            except OSError as exc:
                not_fixed[fix.path] = f"cannot write it: {exc.strerror or exc}"
                continue
            fixed.add(fix.path)
            applied += len(fix.applied)
    else:
        result = _planned(args, err)[0]
        err.write(f"fixes still offered after {MAX_FIX_PASSES} passes; stopped\n")
    err.writelines(f"{path}: not fixed: {why}\n" for path, why in not_fixed.items())
    err.write(f"Fixed {_plural(applied, 'finding')} in {_plural(len(fixed), 'file')}.\n")
    return _report(args, result, out)


def _plural(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def progress_printer_for(err: TextIO, fmt: str) -> Any:
    from pipeline.cli import progress_printer

    return progress_printer(err, fmt)


def _check_output(args: argparse.Namespace, result: RunResult) -> None:
    """--output must not replace a post of the run: the report (or diff) would overwrite it."""
    if args.output and os.path.realpath(args.output) in {os.path.realpath(f) for f in result.files}:
        raise UsageError(f"--output {args.output} is one of the posts being checked; write the report elsewhere")


def _report(args: argparse.Namespace, result: RunResult, out: TextIO) -> int:
    _check_output(args, result)
    buffer = io.StringIO()  # render fully first: a failed write never leaves half a report
    FORMATTERS[args.format](result.findings, len(result.files), rules_by_code(), buffer)
    _emit(args, buffer.getvalue(), out)
    return 1 if result.errors and not args.exit_zero else 0


def _emit(args: argparse.Namespace, text: str, out: TextIO) -> None:
    """The report on stdout, or replacing --output whole (never half-written).

    A file name that is not UTF-8 reaches the text as surrogates (\\udcff for the byte 0xff);
    they are written as that escape, which is also JSON's, so no report fails to encode
    and a JSON report stays valid UTF-8 (json.loads gives the surrogate back).
    """
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if not args.output:
        try:
            out.write(_encodable(text, getattr(out, "encoding", None), json_text=args.format in ("json", "sarif")))
            out.flush()  # a full disk or a device that refuses says so here, with its reason
        except BrokenPipeError:
            raise
        except OSError as exc:  # `> /dev/full`: a usage problem, not a bug in pipeline
            raise PathError(f"cannot write the report to standard output: {exc.strerror or exc}") from None
        return
    target: Path = args.output
    tmp: str | None = None
    try:
        if not target.name or target.is_dir():  # '-o .' has no name to put a temporary file beside
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if target.exists() and not target.is_file():  # /dev/null, /dev/stdout, a fifo: write into it
            with open(target, "w", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(text)
            return
        real = Path(os.path.realpath(target))  # a symlink's file is the report, not the link
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # as a file opened for writing would be, not mkstemp's 0600
        os.replace(tmp, real)
    except BrokenPipeError:  # `-o /dev/stdout | head -1`, a fifo whose reader left: as on stdout, a quiet 141
        raise
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise PathError(f"{target}: cannot write report: {exc.strerror or exc}") from None


def _encodable(text: str, encoding: str | None, json_text: bool) -> str:
    """`text` as a stream in `encoding` can take it (a latin-1 locale, a Windows file in
    cp1252): what it cannot encode is escaped, as JSON escapes it (\\u65e5, so the report
    reads back the same) in JSON and SARIF, as Python writes it elsewhere."""
    if not encoding:
        return text
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:
        return text
    if not json_text:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    escaped = []
    for ch in text:
        try:
            ch.encode(encoding)
            escaped.append(ch)
        except UnicodeEncodeError:  # only inside JSON strings: every key and structure is ASCII
            escaped.append(json.dumps(ch)[1:-1])  # \u00e9, or a surrogate pair above U+FFFF
    return "".join(escaped)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def rules(args: argparse.Namespace, out: TextIO) -> int:
    every = all_rules()
    one = rules_by_code().get(args.code.upper()) if args.code else None
    if args.code:
        # a code shows its rule and its documentation; a prefix (HD, LK00), as --select takes it, lists its rules
        every = (one,) if one is not None else tuple(r for r in every if r.code.startswith(args.code.upper()))
        if not every:
            raise UsageError(f"unknown rule {args.code!r}; run 'pipeline rules' for the list")
    if args.format == "json":
        json.dump([{"code": r.code, "name": r.name, "summary": r.summary, "severity": r.severity.value,
                    "enabled": r.enabled, "doc": r.doc} for r in every], out, indent=2)
        out.write("\n")
        return 0
    text = []
    for r in every:
        flags = "" if r.enabled else " (opt-in)"
        level = "" if r.severity is Severity.ERROR else " [warning]"
        text.append(f"{r.code}  {r.name:<28} {r.summary}{level}{flags}\n")
        if one is not None:
            text.append("\n" + r.doc.strip() + "\n")
    out.write(_encodable("".join(text), getattr(out, "encoding", None), json_text=False))
    return 0


def spelling_add(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.spell.wordlist import add_word

    config = load_config(args.config)
    path = config.root / str(config.section("spelling").get("wordlist", ".pipeline-words.txt"))
    for word in args.words:
        try:
            added = add_word(path, word)
        except ValueError as exc:
            raise UsageError(f"{exc}; give one word per argument, not starting with '#'") from None
        except OSError as exc:
            raise PathError(f"{path}: cannot add to the word list: {exc.strerror or exc}") from None
        out.write(_encodable(f"{'added' if added else 'already listed'}: {word} ({path})\n", getattr(out, "encoding", None), False))
    return 0


def publish(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pipeline import fixer
    from pipeline.publish import run_publish
    from pipeline.runner import discover

    if args.shard is not None:  # the output tree is replaced whole: one shard of it would delete the rest
        raise UsageError("publish writes the whole site at once; --shard is for lint only")
    config = _config(args)
    paths = _paths(args, config)
    before = fixer.stamps(discover(paths, config.exclude, config.root))  # the publisher reads the files again
    result = run_lint(paths, config, _run_options(args, progress_printer_for(err, "text")))
    return int(run_publish(result, config, args, out, before))
