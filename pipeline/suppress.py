"""Inline suppression comments, resolved once per post into line -> disabled code prefixes.

    <!-- pipeline-disable HD001 SP -->      off from this line until an enable
    <!-- pipeline-enable HD001 -->          on again (no codes: everything)
    <!-- pipeline-disable-next-line LK -->  only the next line
    <!-- pipeline-disable-line SP001 -->    only this line

Codes are prefixes as in --select. Checkers never look at these; the runner filters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.findings import Finding
from pipeline.records import fast_pickle

PRAGMA = re.compile(r"<!--\s*pipeline-(disable-next-line|disable-line|disable|enable)\b([^>]*?)-->")
ALL = ""  # the empty prefix matches every code


@fast_pickle
@dataclass(frozen=True, slots=True)
class Suppressions:
    by_line: Mapping[int, frozenset[str]]

    def hides(self, finding: Finding) -> bool:
        prefixes = self.by_line.get(finding.line)
        return bool(prefixes) and any(finding.code.startswith(p) for p in prefixes)  # type: ignore[union-attr]


def _codes(text: str) -> frozenset[str]:
    codes = frozenset(c for c in re.split(r"[\s,]+", text.strip()) if c)
    return codes or frozenset({ALL})


def parse_suppressions(lines: Sequence[str]) -> Suppressions:
    by_line: dict[int, set[str]] = {}
    active: set[str] = set()
    extra: dict[int, set[str]] = {}
    for number, text in enumerate(lines, start=1):
        if "pipeline-" in text:
            for kind, arg in PRAGMA.findall(text):
                codes = _codes(arg)
                if kind == "disable":
                    active |= codes
                elif kind == "enable":
                    active = set() if ALL in codes else active - codes
                elif kind == "disable-line":
                    extra.setdefault(number, set()).update(codes)
                else:
                    extra.setdefault(number + 1, set()).update(codes)
        here = active | extra.get(number, set())
        if here:
            by_line[number] = here
    return Suppressions({k: frozenset(v) for k, v in by_line.items()})
