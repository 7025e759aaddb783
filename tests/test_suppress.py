"""Inline suppression comments -> line -> code prefixes, and their effect on real findings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipeline import cli
from pipeline.findings import Finding, Severity
from pipeline.suppress import parse_suppressions

TEXT = """\
line 1
<!-- pipeline-disable HD001 SP -->
line 3
<!-- pipeline-enable SP -->
line 5
<!-- pipeline-enable -->
line 7
<!-- pipeline-disable-next-line LK -->
line 9
line 10 <!-- pipeline-disable-line SP001 -->
<!-- pipeline-disable -->
line 12
<!--pipeline-enable-->
line 14 <!-- pipeline-disable-line HD001, LK002 -->
"""


@pytest.mark.parametrize(
    ("line", "code", "hidden"),
    [
        (1, "HD001", False),
        (2, "HD001", True),
        (3, "HD001", True),
        (3, "SP002", True),
        (3, "HD002", False),
        (4, "SP002", False),
        (5, "HD001", True),
        (7, "HD001", False),
        (8, "LK001", False),
        (9, "LK001", True),
        (9, "SP001", False),
        (10, "LK001", False),
        (10, "SP001", True),
        (10, "SP0010", True),
        (12, "FM001", True),
        (12, "LK999", True),
        (13, "FM001", False),
        (14, "LK002", True),
        (14, "HD001", True),
        (14, "LK001", False),
    ],
)
def test_pragmas_hide_codes_on_the_lines_they_cover(line: int, code: str, hidden: bool) -> None:
    sup = parse_suppressions(TEXT.splitlines())
    assert sup.hides(Finding("p.md", line, 1, code, Severity.ERROR, "m")) is hidden


def test_no_pragmas_no_suppressions() -> None:
    assert parse_suppressions(["a", "<!-- other comment -->", "pipeline-disable HD001"]).by_line == {}


def lint(folder: Path, text: str) -> str:
    (folder / "2020-01-02-x.md").write_text(text, encoding="utf-8")
    out = io.StringIO()
    cli.main(["lint", "--select", "FM", "--no-cache", str(folder / "2020-01-02-x.md")], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_runner_applies_suppressions_to_findings(tmp_path: Path) -> None:
    # the pragma sits in a YAML comment on the date line, so the front matter still parses
    text = ("---\ntitle: x\nlayout: post\ndate: 2020-01-03 # <!-- pipeline-disable-line FM012 -->\n"
            "tags: {a: 1}\n---\nBody\n")
    out = lint(tmp_path, text)
    assert [line.split(": ")[1].split()[0] for line in out.splitlines()[:-1]] == ["FM010"]


def test_suppression_of_another_code_keeps_the_finding(tmp_path: Path) -> None:
    text = "---\ntitle: x\nlayout: post\ndate: 2020-01-03 # <!-- pipeline-disable-line FM011 -->\n---\nBody\n"
    assert ":4:1: FM012 " in lint(tmp_path, text)
