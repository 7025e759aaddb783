"""`path:line:col: CODE message`, one finding a line, then a one-line summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TextIO

from pipeline.findings import Finding, Severity
from pipeline.registry import Rule


def line(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}"


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
