"""Inline suppression comments, resolved once per post into line -> disabled code prefixes.

    <!-- pipeline-disable HD001 SP -->      off from this line until an enable
    <!-- pipeline-enable HD001 -->          on again (no codes: everything)
    <!-- pipeline-disable-next-line LK -->  only the next line
    <!-- pipeline-disable-line SP001 -->    only this line
    <!-- pipeline-disable-file FM013 -->    the whole file, front matter and line 1 included

Codes are prefixes as in --select (`SP`, `SP0`, `SP001`, in any case; none at all means
every code). The directive word ends at a space or at `-->`: `pipeline-disable-next-lines`
is no directive (it is ignored, never read as `disable`).
Checkers never look at these; the runner filters.

Which directive wins, for each code: the latest disable or enable whose prefix covers it,
as in markdownlint. A directive overrides everything said before about the longer
prefixes under it, so the latest covering directive is also the most specific one still
standing: after `disable SP` then `enable SP001`, SP001 is reported and SP002 hidden; a
later `disable SP` (or `disable`) hides SP001 again. The one-line forms hide their codes on
their line on top of that, wherever on the line they sit; no enable undoes them. Nor does
one undo `disable-file`, which hides its codes on every line (as markdownlint's), the
only way to hide a finding on the `---` line, such as FM013's file name.

A directive is an HTML comment of the post, not text that shows one: a post documenting
the tool must not switch its own checks off. So one in code is ignored (fenced and
indented code blocks, code spans, Liquid highlight/raw/comment blocks), and in front
matter only a YAML/TOML `# comment` counts, never a value such as a title. That comment is
the only way to suppress a front matter finding on its own line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.findings import Finding
from pipeline.post import blank_text
from pipeline.spans import CODE_SPANS, LIQUID_CODE_BLOCKS
from pipeline.records import fast_pickle

if TYPE_CHECKING:
    from markdown_it.token import Token

# The directive word ends at a space or the comment's end (as in markdownlint): a typo such as
# `disable-next-lines` is no directive, not `disable` with codes. [^<>]: an unclosed comment
# stops at the next <.
PRAGMA = re.compile(r"<!--\s*pipeline-(disable-next-line|disable-line|disable-file|disable|enable)(?=\s|-->)([^<>]*?)-->")
ALL = ""  # the empty prefix matches every code
_CODE_BLOCKS = frozenset({"fence", "code_block"})
_VALUE_START = ":-[{,?="  # a quote opens a string only where a value starts (YAML, TOML)
_NONE: frozenset[str] = frozenset()


@fast_pickle
@dataclass(frozen=True, slots=True)
class Suppressions:
    """Per line, the disabled code prefixes and the narrower ones enabled again under them.

    A code is hidden when the longest prefix of it named on its line is in `by_line`.
    """

    by_line: Mapping[int, frozenset[str]]
    enabled: Mapping[int, frozenset[str]] = field(default_factory=dict)
    whole_file: tuple[str, ...] = ()  # prefixes `disable-file` hides on every line

    def hides(self, finding: Finding) -> bool:
        if self.whole_file and finding.code.startswith(self.whole_file):
            return True
        off = self.by_line.get(finding.line)
        if not off:
            return False
        return _longest(finding.code, off) > _longest(finding.code, self.enabled.get(finding.line, _NONE))


def _longest(code: str, prefixes: frozenset[str]) -> int:
    """Length of the longest of `prefixes` that `code` starts with; -1 for none."""
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def _codes(text: str) -> list[str]:
    """The codes of a directive, upper-cased as --select reads them, shortest first (so a
    broader one cannot undo a narrower one)."""
    codes = sorted({c.upper() for c in re.split(r"[\s,]+", text.strip()) if c}, key=lambda c: (len(c), c))
    return codes or [ALL]


def _hidden(state: Mapping[str, bool], code: str) -> bool:
    """Verdict of the state for a code: that of the longest prefix of it in the state."""
    best = max((p for p in state if code.startswith(p)), key=len, default=None)
    return best is not None and state[best]


def _apply(state: dict[str, bool], prefix: str, hide: bool) -> None:
    """One directive: it replaces all that was said about `prefix` and the prefixes under it."""
    for p in [p for p in state if p.startswith(prefix)]:
        del state[p]
    if _hidden(state, prefix) != hide:  # an entry that changes nothing is left out
        state[prefix] = hide


def _split(state: Mapping[str, bool]) -> tuple[frozenset[str], frozenset[str]]:
    """(disabled, enabled) prefixes of a state."""
    return frozenset(p for p, h in state.items() if h), frozenset(p for p, h in state.items() if not h)


def _comment(text: str) -> str:
    """The `# comment` of a front matter line, or '': a `#` in a quoted value is text.

    A quote opens a string only where a value starts, so `It's` in a plain value is no quote.
    """
    quote = ""
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"" and (not text[:i].strip() or text[:i].rstrip()[-1] in _VALUE_START):
            quote = c
        elif c == "#" and (i == 0 or text[i - 1].isspace()):
            return text[i:]
        i += 1
    return ""


def _body_text(body: Sequence[str], tokens: Sequence[Token]) -> list[str]:
    """Body lines with code blanked. Without tokens (a post that failed to load) code blocks
    cannot be told apart; code spans are then found line by line."""
    text = "\n".join(body)
    if "{%" in text:
        text = LIQUID_CODE_BLOCKS.sub(blank_text, text)
    lines = text.split("\n") if body else []
    if not tokens:
        return [CODE_SPANS.sub(blank_text, t) if "`" in t else t for t in lines]
    spans_done: set[tuple[int, int]] = set()  # the cells of a table row share its line
    for tok in tokens:
        if not tok.map:
            continue
        first, end = tok.map[0], tok.map[1]
        if tok.type in _CODE_BLOCKS:
            lines[first:end] = [""] * (end - first)
        elif tok.type == "inline" and (first, end) not in spans_done:  # a span may run over lines
            spans_done.add((first, end))
            block = "\n".join(lines[first:end])
            if "`" in block:
                lines[first:end] = CODE_SPANS.sub(blank_text, block).split("\n")
    return lines


def directive_text(lines: Sequence[str], tokens: Sequence[Token] = (), body_start_line: int = 1) -> list[str]:
    """Each line as far as it may hold directives: code and front matter values blanked."""
    offset = body_start_line - 1
    return [_comment(t) if "#" in t else "" for t in lines[:offset]] + _body_text(lines[offset:], tokens)


def parse_suppressions(lines: Sequence[str], tokens: Sequence[Token] = (), body_start_line: int = 1) -> Suppressions:
    """Suppressions of a post: its lines, block tokens and body start (Post fields).

    The tokens tell directives from code; a post that failed to load has none.
    """
    if not any("pipeline-" in t for t in lines):
        return Suppressions({})
    by_line: dict[int, frozenset[str]] = {}
    enabled: dict[int, frozenset[str]] = {}
    state: dict[str, bool] = {}
    current = (_NONE, _NONE)  # shared by the lines of a run, so a long block pickles small
    extra: dict[int, list[str]] = {}
    whole_file: set[str] = set()
    for number, text in enumerate(directive_text(lines, tokens, body_start_line), start=1):
        if "pipeline-" in text:
            for kind, arg in PRAGMA.findall(text):
                if kind == "disable-file":
                    whole_file.update(_codes(arg))
                elif kind in ("disable", "enable"):
                    for code in _codes(arg):
                        _apply(state, code, kind == "disable")
                    current = _split(state)
                else:
                    extra.setdefault(number + (kind == "disable-next-line"), []).extend(_codes(arg))
        here = current
        if number in extra:
            overlay = dict(state)
            for code in sorted(extra.pop(number), key=len):
                _apply(overlay, code, True)
            here = _split(overlay)
        if here[0]:
            by_line[number] = here[0]
            if here[1]:
                enabled[number] = here[1]
    return Suppressions(by_line, enabled, tuple(sorted(whole_file)))
