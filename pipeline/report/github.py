"""GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=CODE::message`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TextIO

from pipeline.findings import Finding
from pipeline.report.text import escape
from pipeline.registry import Rule


def _data(text: str) -> str:
    """The runner decodes %25, %0D and %0A; every other unsafe character (an ESC a log viewer
    would take for a colour, a file name's undecodable byte) is written as the text report
    writes it (\\x1b, \\udcff)."""
    return escape(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding], n_files: int, rules: Mapping[str, Rule], out: TextIO) -> None:
    for f in findings:
        level = "error" if f.severity.value == "error" else "warning"
        props = [f"file={_prop(f.path)}", f"line={f.line}", f"col={f.col}"]
        if f.end_line:
            props.append(f"endLine={f.end_line}")
        if f.end_col:
            props.append(f"endColumn={f.end_col}")
        props.append(f"title={_prop(f.code)}")
        out.write(f"::{level} {','.join(props)}::{_data(f'{f.code} {f.message}')}\n")
