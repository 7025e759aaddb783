"""Linear-time `OPEN.*?CLOSE` (DOTALL) matching, and code spans, for the maskers.

`re` tries a lazy pattern at every opener; an opener with no closer after it scans to the
end of the text and fails, so 20,000 unclosed `<!--` (or `{%`, `{:`) cost 20,000 scans of
the whole post: minutes for a post near the size limit. `Lazy` finds exactly the matches
`re.finditer` finds (leftmost first, first alternative first, each step at the first match
after the previous one), but remembers which step found nothing from where: a later
attempt that would search from there on fails without scanning again.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Alternative:
    """`start` (a pattern that never runs to the end of the text), then each of `steps`
    searched from where the last one ended: the regex `start.*?step1.*?step2` (DOTALL).
    `named(m)` may pick the steps from the start's match (a backreference, as in
    `{% raw %}...{% endraw %}`); then `steps` is ignored."""

    start: re.Pattern[str]
    steps: tuple[re.Pattern[str], ...] = ()
    named: Callable[[re.Match[str]], tuple[re.Pattern[str], ...]] | None = None


class Lazy:
    """A union of alternatives, matched like one `re` pattern `A|B|...`."""

    def __init__(self, *alternatives: Alternative) -> None:
        self.alternatives = alternatives
        self._starts = re.compile("|".join(f"(?:{a.start.pattern})" for a in alternatives), re.DOTALL)

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each match, left to right, not overlapping."""
        failed: dict[tuple[int, str], int] = {}  # (alternative, step pattern) -> searched from here, found none
        pos = 0
        while True:
            found = self._starts.search(text, pos)
            if found is None:
                return
            at = found.start()
            for k, alt in enumerate(self.alternatives):
                end = self._try(k, alt, text, at, failed)
                if end is not None:
                    yield at, end
                    pos = end if end > at else at + 1
                    break
            else:
                pos = at + 1

    @staticmethod
    def _try(k: int, alt: Alternative, text: str, at: int, failed: dict[tuple[int, str], int]) -> int | None:
        m = alt.start.match(text, at)
        if m is None:
            return None
        end = m.end()
        for step in alt.named(m) if alt.named is not None else alt.steps:
            key = (k, step.pattern)
            gave_up = failed.get(key)
            if gave_up is not None and end >= gave_up:
                return None  # searched from earlier than here already, in vain
            hit = step.search(text, end)
            if hit is None:
                failed[key] = min(end, gave_up) if gave_up is not None else end
                return None
            end = hit.end()
        return end

    def sub(self, repl: Callable[[str], str], text: str) -> str:
        """`re.sub` with a function of the matched text."""
        return _sub(self.finditer(text), repl, text)


def literal(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


def between(opener: str, closer: str) -> Alternative:
    """The regex `OPENER.*?CLOSER` (DOTALL), both literal."""
    return Alternative(literal(opener), (literal(closer),))


_LIQUID_END = {name: re.compile(rf"\{{%-?\s*end{name}\s*-?%\}}") for name in ("highlight", "raw", "comment")}
_TAG_END = literal("%}")

# {% highlight x %}...{% endhighlight %}, {% raw %}, {% comment %}: Liquid blocks whose content
# Jekyll never renders as Markdown prose (the regex it replaces is in tests/test_spans.py).
LIQUID_CODE_BLOCKS = Lazy(Alternative(
    re.compile(r"\{%-?\s*(highlight|raw|comment)\b"), named=lambda m: (_TAG_END, _LIQUID_END[m.group(1)]),
))
LIQUID_TAGS = Lazy(between("{%", "%}"), between("{{", "}}"))
KRAMDOWN_ATTRIBUTES = Lazy(between("{:", "}"))
# kramdown's comment extension, {::comment}...{:/comment} (or {:/}): rendered as nothing.
KRAMDOWN_COMMENT = Alternative(re.compile(r"\{::comment\s*\}"), (re.compile(r"\{:/(?:comment)?\}"),))
KRAMDOWN_COMMENTS = Lazy(KRAMDOWN_COMMENT)
# kramdown's nomarkdown extension, {::nomarkdown}...{:/nomarkdown} (or {:/}): output as written, never read as Markdown.
KRAMDOWN_NOMARKDOWN = Alternative(re.compile(r"\{::nomarkdown(?:\s[^}/]*)?\}"), (re.compile(r"\{:/(?:nomarkdown)?\}"),))
KRAMDOWN_UNREAD = Lazy(KRAMDOWN_COMMENT, KRAMDOWN_NOMARKDOWN)  # blocks kramdown reads no Markdown in
HTML_COMMENTS = Lazy(between("<!--", "-->"))
MATH_BLOCKS = Lazy(between("$$", "$$"))


class CodeSpans:
    """Markdown code spans, the regex `(?<!`)(`+)(?!`).+?(?<!`)\\1(?!`)` (DOTALL): a run of
    backticks up to the next run of the same length. Found by listing the runs once and
    looking the next equal run up by its length, so runs of ever-growing length, which
    send `re` through the rest of the text from each one, cost no more than others.
    `paragraph`: a span never crosses a blank line (as the links extractor reads them)."""

    _BLANK_LINE = re.compile(r"\n[ \t]*\n")

    def __init__(self, paragraph: bool = False) -> None:
        self.paragraph = paragraph

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        if "`" not in text:
            return
        runs = _backtick_runs(text)
        by_length: dict[int, list[int]] = {}
        for i, (start, end) in enumerate(runs):
            by_length.setdefault(end - start, []).append(i)
        i = 0
        while i < len(runs):
            start, end = runs[i]
            same = by_length[end - start]
            k = bisect_right(same, i)
            if k < len(same):
                close_start, close_end = runs[same[k]]
                if not (self.paragraph and self._BLANK_LINE.search(text, end, close_start)):
                    yield start, close_end
                    i = same[k] + 1
                    continue
            i += 1

    def sub(self, repl: Callable[[str], str], text: str) -> str:
        return _sub(self.finditer(text), repl, text)


def _backtick_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of backticks. `str.find` skips to the next backtick at memchr
    speed; `re` would step through the text a character at a time, five times slower."""
    runs: list[tuple[int, int]] = []
    start = text.find("`")
    while start >= 0:
        end = start + 1
        while text.startswith("`", end):
            end += 1
        runs.append((start, end))
        start = text.find("`", end)
    return runs


def _sub(spans: Iterator[tuple[int, int]], repl: Callable[[str], str], text: str) -> str:
    out: list[str] = []
    last = 0
    for start, end in spans:
        out += (text[last:start], repl(text[start:end]))
        last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


CODE_SPANS = CodeSpans()
PARAGRAPH_CODE_SPANS = CodeSpans(paragraph=True)
