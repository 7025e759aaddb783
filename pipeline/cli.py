"""Command line: lint | rules | spelling | publish. The only place that prints or picks exit codes."""

from __future__ import annotations

import argparse
import enum
import gc
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from pipeline import __version__
from pipeline.errors import PipelineError, UsageError


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    ERROR = 2
    INTERRUPTED = 130
    BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader went away, as for a tool that signal kills


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage, so every usage error is one line."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _add_check_options(p: argparse.ArgumentParser, *, shardable: bool = True) -> None:
    p.add_argument("paths", nargs="*", help="posts or folders (default: [tool.pipeline] paths, or posts/)")
    p.add_argument("--select", type=_codes, help="comma-separated codes or prefixes to enable (replaces config)")
    p.add_argument("--ignore", type=_codes, help="comma-separated codes or prefixes to disable (replaces config)")
    p.add_argument("--extend-select", type=_codes, default=[], help="codes or prefixes enabled on top")
    p.add_argument("--extend-ignore", type=_codes, default=[], help="codes or prefixes disabled on top")
    p.add_argument("--offline", action="store_true", help="skip external links (no network)")
    p.add_argument("--no-cache", action="store_true", help="ignore and do not update the caches")
    p.add_argument("--allow-private", action="store_true", help="let the link checker reach private and loopback addresses")
    p.add_argument("--config", type=Path, help="config file (default: nearest pipeline.toml or pyproject.toml)")
    p.add_argument("--jobs", "-j", type=int, default=None, help="processes for checking (default: all cores)")
    p.add_argument("--shard", type=_shard, help="K/N: check only the K-th of N deterministic parts (CI sharding)"
                   if shardable else argparse.SUPPRESS)  # publish refuses it with a reason
    p.add_argument("--verbose", "-v", action="store_true", help="show tracebacks of internal errors")


def _codes(text: str) -> list[str]:
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    if not codes:  # --select '' would silently check nothing
        raise argparse.ArgumentTypeError("expected comma-separated rule codes or prefixes, got none")
    for code in codes:
        if not code.isalnum():
            raise argparse.ArgumentTypeError(f"invalid rule code or prefix {code!r}")
    return codes


def _shard(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit()) or not 1 <= int(k) <= int(n):
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, got {text!r}")
    return int(k), int(n)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipeline", description="Lint and publish Markdown blog posts.")
    parser.add_argument("--version", action="version", version=f"pipeline {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lint = sub.add_parser("lint", help="check posts and report findings")
    _add_check_options(lint)
    lint.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    lint.add_argument("--output", "-o", type=Path, help="write the report to a file instead of stdout")
    lint.add_argument("--exit-zero", action="store_true", help="exit 0 even when errors are found (or --diff has fixes)")
    lint.add_argument("--fix", action="store_true", help="apply safe fixes to the posts, then report what is left")
    lint.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; change nothing (exit 1 if any)")
    lint.add_argument("--fix-spelling", action="store_true", help="with --fix/--diff: unambiguous spelling fixes too")

    rules = sub.add_parser("rules", help="list every rule, or explain one")
    rules.add_argument("code", nargs="?", help="a rule code such as HD001")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    spelling = sub.add_parser("spelling", help="manage the project word list")
    spelling_sub = spelling.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = spelling_sub.add_parser("add", help="add words to the project word list")
    add.add_argument("words", nargs="+")
    add.add_argument("--config", type=Path)

    publish = sub.add_parser("publish", help="check posts, then write the clean ones as a Jekyll _posts tree")
    _add_check_options(publish, shardable=False)
    publish.add_argument("--out", type=Path, required=True, help="output folder (replaced atomically)")
    publish.add_argument("--force", action="store_true", help="publish posts even when they have errors")
    publish.add_argument("--drafts", action="store_true", help="publish drafts too")
    publish.add_argument("--fix-spelling", action="store_true", help="apply unambiguous spelling fixes")
    return parser


def run() -> NoReturn:
    """The process entry (console script, `python -m pipeline`): `main` plus process-wide settings."""
    # A lint run allocates a few hundred thousand short-lived objects per thousand posts, and
    # almost none form cycles: collecting the young generation every 10,000 allocations
    # instead of every 700 saves about 4% of a cold run (benchmarks/lint_bench.py).
    gc.set_threshold(10_000, 10, 10)
    code = main()
    try:
        if sys.stdout is not None:  # None: started with stdout closed (`>&-`)
            sys.stdout.flush()  # here, not at the interpreter's exit, where a closed pipe is one more error
    except BrokenPipeError:
        _silence_stdout()
        code = ExitCode.BROKEN_PIPE
    except OSError as exc:  # a full disk: the command said so when it wrote; what is left buffered is dropped
        _silence_stdout()
        if code == ExitCode.OK or code == ExitCode.FINDINGS:
            sys.stderr.write(f"pipeline: error: cannot write to standard output: {exc.strerror or exc}\n")
            code = ExitCode.ERROR
    # The interpreter's final collections walk every object the run made (a links run: 30
    # to 70 ms) and nothing left needs them: files and caches are closed, and atexit
    # handlers (a LanguageTool server's shutdown) still run. Frozen objects are not walked.
    gc.freeze()
    _exit(code)


def _exit(code: int) -> NoReturn:
    """`sys.exit(code)` without the interpreter's teardown of every module and object (10 to
    15 ms after a links run, all of it after the last response): when no thread but this
    one is left working, run the atexit handlers, flush stdout and stderr, and leave. Every
    file and cache was closed by the run itself. A flush that fails (a closed pipe) is left
    to the interpreter, which reports it and exits 120 as it always has.

    The link checker's threads are not waited for: after a finished check they are idle
    and ending; after an abandoned one (Ctrl-C, an error) a request still in flight would
    hold the exit for up to its timeout, and nothing is left for them to write."""
    main = threading.main_thread()
    if any(t is not main and not t.daemon and t.is_alive() and not t.name.startswith("linkcheck") for t in threading.enumerate()):
        sys.exit(code)  # the interpreter waits for it, as it would have
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # `python -m cProfile -m pipeline`, a debugger: they write their output after the run returns
    import atexit

    atexit._run_exitfuncs()  # (clears them: a fallback to sys.exit below does not run them twice)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: started with it closed
                stream.flush()
    except BaseException:  # noqa: BLE001 - reported by the interpreter's own flush at exit
        sys.exit(code)
    os._exit(code)


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    # A stream closed when the process started (`>&-`) is None: what would go there is dropped.
    out = stdout or sys.stdout or open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    err = stderr or sys.stderr or open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    verbose = argv is not None and ("-v" in argv or "--verbose" in argv)
    try:
        args = build_parser().parse_args(argv)
        verbose = bool(getattr(args, "verbose", False))
        from pipeline import commands  # after parsing: --help and --version stay instant

        return int(commands.dispatch(args, out, err))
    except PipelineError as exc:
        if verbose and exc.__cause__ is not None:  # a checker's crash: the bug's own traceback
            import traceback

            traceback.print_exception(exc.__cause__, file=err)
        err.write(f"pipeline: error: {exc}\n")
        return ExitCode.ERROR
    except KeyboardInterrupt:
        err.write("pipeline: interrupted\n")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # `pipeline lint | head -1`, `| grep -q`: nobody reads the rest
        if out is sys.stdout:
            _silence_stdout()
        return ExitCode.BROKEN_PIPE
    except SystemExit as exc:  # argparse's --help / --version
        return int(exc.code or 0) if isinstance(exc.code, int) else ExitCode.OK
    except Exception as exc:  # noqa: BLE001 - a bug: one line, traceback only when asked
        if verbose:
            import traceback

            traceback.print_exc(file=err)
        err.write(f"pipeline: internal error: {type(exc).__name__}: {exc} (rerun with --verbose for the traceback)\n")
        return ExitCode.ERROR


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so what is still buffered for the closed pipe is dropped
    instead of raising again when the interpreter flushes it on the way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def progress_printer(stream: TextIO, fmt: str) -> object | None:
    """A progress callback for long link checks: only on a terminal, never in CI or JSON."""
    if fmt != "text" or os.environ.get("CI") or not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\rchecking links [{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\r" + " " * (width + 40) + "\r")
        stream.flush()

    return show
