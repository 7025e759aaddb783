"""SARIF 2.1.0 for code-scanning uploads: one run, every registered rule, URIs relative to %SRCROOT%."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from pipeline import __version__
from pipeline.findings import Finding, Severity
from pipeline.registry import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _location(path: str) -> dict[str, str]:
    """An artifactLocation: a URI relative to %SRCROOT% (the working directory) for a file
    under it, else an absolute file URI with no uriBaseId (SARIF1004: a uriBaseId goes with
    a relative URI only; '../x.md' relative to %SRCROOT% would leave it).

    Percent-encoded ('#', '%', spaces); a byte of a name that is not UTF-8 (a surrogate
    here) is encoded as that byte, so the URI names the file on disk.
    """
    absolute = Path(os.path.abspath(path))  # lexical, as the path was given: no symlinks resolved
    try:
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(str(PurePosixPath(*relative.parts)), safe="/", errors="surrogateescape"), "uriBaseId": "%SRCROOT%"}


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _result(f: Finding, index: Mapping[str, int]) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": f.line, "startColumn": f.col}
    if f.end_line:
        region["endLine"] = f.end_line
    if f.end_col:
        region["endColumn"] = f.end_col
    location = _location(f.path)
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": _level(f.severity),
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": location,
            "region": region,
        }}],
    }
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    if f.fix is not None:
        result["fixes"] = [{
            "description": {"text": f.fix.description or f"replace with {f.fix.replacement!r}"},
            "artifactChanges": [{
                "artifactLocation": location,
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
