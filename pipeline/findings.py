"""What flows out of every checker: Finding records and the Fix they may carry."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from pipeline.records import fast_pickle


class Severity(str, enum.Enum):
    """Error-level findings fail the run (exit 1) and hold a post back from publishing."""

    ERROR = "error"
    WARNING = "warning"


@fast_pickle
@dataclass(frozen=True, slots=True)
class Fix:
    """Replace the text from (line, col) up to, not including, (end_line, end_col).

    Positions are 1-based, columns count characters. Deleting whole lines 4-5 is
    Fix(4, 1, 6, 1, ""). `safe` fixes are applied by `lint --fix` and the publisher; a
    spelling fix changes a word, so it needs --fix-spelling as well, and one marked unsafe
    (several plausible candidates) is never applied.
    """

    line: int
    col: int
    end_line: int
    end_col: int
    replacement: str
    safe: bool = True
    description: str = ""


@fast_pickle
@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place in one file. A record, never an exception, so it pickles."""

    path: str
    line: int
    col: int
    code: str
    severity: Severity
    message: str
    fix: Fix | None = None
    end_line: int | None = None
    end_col: int | None = None
    related_line: int | None = None


    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.col, self.code, self.message)

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)
