"""`path:line:col: CODE message`, one finding a line, then a one-line summary."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TextIO

from pipeline.findings import Finding, Severity
from pipeline.registry import Rule

# What would break the one-finding-a-line contract or the terminal: control characters, the
# line and paragraph separators (str.splitlines splits there), and the surrogates that stand
# for the bytes of a file name that is not UTF-8 (they cannot be encoded).
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def escape(text: str) -> str:
    """`text` on one line: unsafe characters as Python writes them (\\n, \\x1b, \\udcff)."""
    return UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text) if UNSAFE.search(text) else text


def line(f: Finding) -> str:
    return f"{escape(f.path)}:{f.line}:{f.col}: {f.code} {escape(f.message)}"


def summary(findings: Sequence[Finding], n_files: int) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    files = len({f.path for f in findings})
    if not findings:
        return f"All clear: {n_files} file{'s' * (n_files != 1)} checked."
    return (f"Found {errors} error{'s' * (errors != 1)} and {warnings} warning{'s' * (warnings != 1)} "
            f"in {files} of {n_files} file{'s' * (n_files != 1)}.")


def render(findings: Sequence[Finding], n_files: int, rules: Mapping[str, Rule], out: TextIO) -> None:
    for f in findings:
        out.write(line(f) + "\n")
    out.write(summary(findings, n_files) + "\n")
