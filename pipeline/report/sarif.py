"""SARIF 2.1.0 for code-scanning uploads: one run, every registered rule, relative URIs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from pipeline import __version__
from pipeline.findings import Finding, Severity
from pipeline.registry import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            return p.as_uri()
    return quote(str(PurePosixPath(*p.parts)), safe="/")  # a URI: spaces, '#' and '%' escaped


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _result(f: Finding, index: Mapping[str, int]) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": f.line, "startColumn": f.col}
    if f.end_line:
        region["endLine"] = f.end_line
    if f.end_col:
        region["endColumn"] = f.end_col
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": _level(f.severity),
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(f.path), "uriBaseId": "%SRCROOT%"},
            "region": region,
        }}],
    }
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    if f.fix is not None:
        result["fixes"] = [{
            "description": {"text": f.fix.description or f"replace with {f.fix.replacement!r}"},
            "artifactChanges": [{
                "artifactLocation": {"uri": _uri(f.path), "uriBaseId": "%SRCROOT%"},
                "replacements": [{
                    "deletedRegion": {"startLine": f.fix.line, "startColumn": f.fix.col,
                                      "endLine": f.fix.end_line, "endColumn": f.fix.end_col},
                    "insertedContent": {"text": f.fix.replacement},
                }],
            }],
        }]
    return result


def render(findings: Sequence[Finding], n_files: int, rules: Mapping[str, Rule], out: TextIO) -> None:
    ordered = sorted(rules.values(), key=lambda r: r.code)
    index = {r.code: i for i, r in enumerate(ordered)}
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pipeline",
                "version": __version__,
                "rules": [{
                    "id": r.code,
                    "name": r.name,
                    "shortDescription": {"text": r.summary},
                    "fullDescription": {"text": r.doc or r.summary},
                    "defaultConfiguration": {"level": _level(r.severity), "enabled": r.enabled},
                } for r in ordered],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",  # columns count characters (SARIF's default is UTF-16 units)
            "results": [_result(f, index) for f in findings],
        }],
    }
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")
