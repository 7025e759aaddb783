"""Applying Fix records to text: pure, deterministic, overlapping fixes refused. Shared by
the publisher and `pipeline lint --fix`, so both make the same edits.

Fixes come from independent checkers, so two may touch the same text. The first one in
document order wins and the rest are skipped, never merged: a merged edit is one no
checker proposed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.findings import Finding, Fix


@dataclass(frozen=True, slots=True)
class FixResult:
    """The edited text, the fixes that were applied and those that were skipped."""

    text: str
    applied: tuple[Fix, ...]
    skipped: tuple[Fix, ...]


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
    return starts


def _offset(starts: list[int], text: str, line: int, col: int) -> int | None:
    """Character offset of a 1-based (line, col); None when it lies outside the text."""
    if line == len(starts) + 1 and col == 1:
        return len(text)  # "the start of the line after the last one": end of text
    if not 1 <= line <= len(starts) or col < 1:
        return None
    end = starts[line] - 1 if line < len(starts) else len(text)  # offset of the line's "\n"
    offset = starts[line - 1] + col - 1
    return offset if offset <= end else None


def _span(starts: list[int], text: str, fix: Fix) -> tuple[int, int] | None:
    start = _offset(starts, text, fix.line, fix.col)
    end = _offset(starts, text, fix.end_line, fix.end_col)
    if start is None or end is None or end < start:
        return None
    return start, end


def apply_fixes(text: str, fixes: Iterable[Fix]) -> FixResult:
    """Apply non-overlapping fixes from the end backwards, so earlier offsets stay valid.

    Identical fixes (two findings offering the same edit) count once. Of overlapping
    fixes the one that starts first wins (then the shorter, then by replacement text,
    so the outcome never depends on the order findings arrived in).
    """
    starts = _line_starts(text)
    spans: dict[tuple[int, int, str], Fix] = {}
    skipped: list[Fix] = []
    for fix in fixes:
        span = _span(starts, text, fix)
        if span is None:
            skipped.append(fix)
        else:
            spans.setdefault((span[0], span[1], fix.replacement), fix)
    chosen: list[tuple[int, int, str]] = []
    for key in sorted(spans):
        start, end, _ = key
        if chosen and (start < chosen[-1][1] or (start == end == chosen[-1][0] == chosen[-1][1])):
            skipped.append(spans[key])  # overlaps the previous one, or a second insert at one point
            continue
        chosen.append(key)
    out = text
    for start, end, replacement in reversed(chosen):
        out = out[:start] + replacement + out[end:]
    return FixResult(out, tuple(spans[k] for k in chosen), tuple(skipped))



def accepted_fix(finding: Finding, fix_spelling: bool) -> Fix | None:
    """The fix to apply for a finding: safe ones, except that spelling fixes (which change
    words) need --fix-spelling, and even then only those the SP checker marks safe (one
    unambiguous candidate)."""
    fix = finding.fix
    if fix is None or not fix.safe:
        return None
    return fix if fix_spelling or not finding.code.startswith("SP") else None
