"""JSON: an object with a `findings` list (every field, 1-based positions) and a summary."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from pipeline import __version__
from pipeline.findings import Finding, Severity
from pipeline.registry import Rule


def finding_dict(f: Finding, rules: Mapping[str, Rule]) -> dict[str, Any]:
    rule = rules.get(f.code)
    return {
        "path": f.path,
        "line": f.line,
        "column": f.col,
        "end_line": f.end_line,
        "end_column": f.end_col,
        "code": f.code,
        "name": rule.name if rule else None,
        "severity": f.severity.value,
        "message": f.message,
        "related_line": f.related_line,
        "fix": None if f.fix is None else {
            "line": f.fix.line, "column": f.fix.col, "end_line": f.fix.end_line,
            "end_column": f.fix.end_col, "replacement": f.fix.replacement,
            "safe": f.fix.safe, "description": f.fix.description,
        },
    }


def render(findings: Sequence[Finding], n_files: int, rules: Mapping[str, Rule], out: TextIO) -> None:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    doc = {
        "version": __version__,
        "findings": [finding_dict(f, rules) for f in findings],
        "summary": {"files": n_files, "errors": errors, "warnings": len(findings) - errors},
    }
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")
