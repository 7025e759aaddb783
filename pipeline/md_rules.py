"""Faster, token-for-token identical block rules for markdown-it-py (a third of its time saved).

- `lheading_or_paragraph`: markdown-it tries `lheading` (a setext heading, text underlined
  with === or ---) on every paragraph before `paragraph` itself: both walk the paragraph's
  lines, asking every paragraph-terminating rule (fence, list, blockquote, ...) of each
  line whether it ends the paragraph, and when no underline turns up `paragraph` walks the
  same lines again with the same questions. This is lheading's code
  (markdown_it/rules_block/lheading.py, MIT) that, finding no underline, builds the
  paragraph from its own walk: the tokens and the state left behind are the ones the two
  rules make in turn, quirks included (a failed lheading leaves `parentType` as
  "paragraph", so the paragraph restores that). Only where paragraph is the rule asked next
  (`_paragraph_next`); elsewhere it is lheading alone.
- First-character gates: fence, blockquote, hr, list, html_block, heading and reference
  return False unless their line starts with one of a few characters (table: unless the
  next line does); each but blockquote and list (they nest: see `_NESTING`) is called
  behind a gate that asks that first, and the fused walk skips the terminators on a line
  none of them can start.
- `normalize_if_needed`: the core normalize rule only on text with a CR or a NUL.

All are installed through the parser's own rule API (`ruler.at`), and only on the
markdown-it-py release they were checked against; tests/test_md_rules.py compares token
streams with and without them.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import (
    blockquote,
    fence,
    heading,
    hr,
    html_block,
    lheading,
    list_block,
    paragraph,
    reference,
    table,
)
from markdown_it.rules_core import normalize

if TYPE_CHECKING:
    from markdown_it.rules_block.state_block import StateBlock

# The markdown-it-py releases whose block rules these were checked against (the rules' code
# read, token streams compared); on any other the parser keeps its own rules.
CHECKED_VERSIONS = ("4.3.",)


def install(md: Any) -> bool:
    """Put `lheading_or_paragraph` in place of md's lheading rule, and a first-character
    gate before each rule that can only start at a given character (on a checked version)."""
    import markdown_it

    if not str(markdown_it.__version__).startswith(CHECKED_VERSIONS):
        return False
    if any(rule.name == "normalize" and rule.fn is normalize for rule in md.core.ruler.__rules__):
        md.core.ruler.at("normalize", normalize_if_needed)
    ruler = md.block.ruler
    for rule in list(ruler.__rules__):
        if rule.name == "lheading" and rule.fn is lheading:
            ruler.at("lheading", lheading_or_paragraph, {"alt": list(rule.alt)})
        elif rule.fn in _FIRST_CHARS and rule.fn not in _NESTING:
            ruler.at(rule.name, _gated(rule.fn, _FIRST_CHARS[rule.fn]), {"alt": list(rule.alt)})
        elif rule.fn is table:
            ruler.at(rule.name, _gated_table, {"alt": list(rule.alt)})
    return True


# The characters each rule's block must start with (after indentation): its own code's first
# test, `return False` on any other, with nothing changed before. A gate asks that first, so
# the rule is not called (and logs nothing) on the nine lines in ten that start with a letter.
_FIRST_CHARS: dict[Any, str] = {
    fence: "~`",
    blockquote: ">",
    hr: "*-_",
    list_block: "*-+0123456789",
    html_block: "<",
    heading: "#",
    reference: "[",
}


# blockquote and list nest: they run the block tokenizer on their content, so a gate in front of
# them would be one Python frame more a nesting level (68 frames for markdown-it's 48 at the
# preset's maxNesting of 20; 610 for 410 at 1000), and RecursionError where markdown-it parses.
# They stay in the ruler as they are (their own first test is cheap); the fused walk still skips
# them on a line that starts with none of their characters.
_NESTING = (blockquote, list_block)


def _gated(rule: Any, first: str) -> Any:
    def gated(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
        pos = state.bMarks[startLine] + state.tShift[startLine]
        if pos < len(state.src) and state.src[pos] not in first:
            return False
        return rule(state, startLine, endLine, silent)  # and past the end: the rule's own answer

    gated.__name__ = gated.__qualname__ = f"gated_{rule.__name__}"
    gated.first_chars = first  # type: ignore[attr-defined]
    return gated


def _gated_table(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """table's own first tests: a second line, starting with '|', '-' or ':'."""
    if startLine + 2 > endLine:
        return False
    nextLine = startLine + 1
    pos = state.bMarks[nextLine] + state.tShift[nextLine]
    if pos >= state.eMarks[nextLine] or state.src[pos] not in "|-:":
        return False
    return table(state, startLine, endLine, silent)


_gated_table.__name__ = "gated_table"


def normalize_if_needed(state: Any) -> None:
    """markdown-it's normalize (CR and CRLF to LF, NUL to U+FFFD), run only on text that has
    either: its regex otherwise replaces every line break with itself."""
    if "\r" in state.src or "\0" in state.src:
        normalize(state)


@functools.lru_cache(maxsize=8)
def _terminator_starts(rules: tuple[Any, ...]) -> tuple[str | None, bool]:
    """(every character a paragraph terminator in `rules` can start with, whether one is the
    gated table rule); (None, False) when one of them is neither gated nor in `_NESTING`."""
    chars = ""
    table_ends = False
    for rule in rules:
        if rule is _gated_table:
            table_ends = True
        elif getattr(rule, "first_chars", None) is not None:
            chars += rule.first_chars
        elif rule in _NESTING:
            chars += _FIRST_CHARS[rule]
        else:
            return None, False
    return chars, table_ends


_LAST_CHAIN: tuple[Any, bool] = (None, False)  # the block rule list last asked about, its answer


def _paragraph_next(rules: list[Any]) -> bool:
    """Whether paragraph is the rule the block parser asks right after the fused one (not when
    a plugin's rule stands between them, as deflist's does, nor with paragraph disabled).
    `rules` is the ruler's cached list, the same object until the rules change."""
    global _LAST_CHAIN
    last = _LAST_CHAIN
    if last[0] is rules:
        return last[1]
    answer = any(rule is lheading_or_paragraph and after is paragraph for rule, after in zip(rules, rules[1:]))
    _LAST_CHAIN = (rules, answer)
    return answer


def lheading_or_paragraph(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """lheading; where it finds no underline, the paragraph the next rule would make."""
    if not _paragraph_next(state.md.block.ruler.getRules("")):
        return lheading(state, startLine, endLine, silent)
    if silent or endLine != state.lineMax or state.is_code_block(startLine):
        # paragraph walks to lineMax, lheading to endLine: one walk serves both only when
        # they agree (always, as the block parser calls them)
        return lheading(state, startLine, endLine, silent) or paragraph(state, startLine, endLine, silent)

    level = None
    nextLine = startLine + 1
    terminatorRules = state.md.block.ruler.getRules("paragraph")
    sCount = state.sCount
    blkIndent = state.blkIndent
    bMarks, tShift, src = state.bMarks, state.tShift, state.src
    starts, table_ends = _terminator_starts(tuple(terminatorRules))
    oldParentType = state.parentType
    state.parentType = "paragraph"  # use paragraph to match terminatorRules

    # jump line-by-line until empty one or EOF
    eMarks = state.eMarks
    while nextLine < endLine:
        pos = bMarks[nextLine] + tShift[nextLine]
        maximum = eMarks[nextLine]
        if pos >= maximum:  # state.isEmpty(nextLine)
            break
        indent = sCount[nextLine]
        # this would be a code block normally, but after paragraph
        # it's considered a lazy continuation regardless of what's there
        if indent - blkIndent > 3:
            nextLine += 1
            continue

        # Check for underline in setext header (the line is not empty: pos < maximum)
        first = src[pos]
        if indent >= blkIndent and (first == "-" or first == "="):
            end = state.skipSpaces(state.skipCharsStr(pos, first))
            if end >= maximum:
                marker = first
                level = 1 if marker == "=" else 2
                break

        # quirk for blockquotes, this line should already be checked by that rule
        if indent < 0:
            nextLine += 1
            continue

        # Some tags can terminate paragraph without empty line: none of the gated rules
        # when the line and the next start with none of their characters (most lines).
        if starts is not None and first not in starts and (
                not table_ends or nextLine + 2 > endLine
                or (pos := bMarks[nextLine + 1] + tShift[nextLine + 1]) >= eMarks[nextLine + 1]
                or src[pos] not in "|-:"):
            nextLine += 1
            continue
        terminate = False
        for terminatorRule in terminatorRules:
            if terminatorRule(state, nextLine, endLine, True):
                terminate = True
                break
        if terminate:
            break

        nextLine += 1

    if not level:
        # No underline: the paragraph (markdown_it/rules_block/paragraph.py) ends where this
        # walk ended, and `parentType` stays "paragraph", as after the two rules.
        content = mdTrim(state.getLines(startLine, nextLine, blkIndent, False))
        state.line = nextLine
        token = state.push("paragraph_open", "p", 1)
        token.map = [startLine, nextLine]
        token = state.push("inline", "", 0)
        token.content = content
        token.map = [startLine, nextLine]
        token.children = []
        state.push("paragraph_close", "p", -1)
        return True

    content = mdTrim(state.getLines(startLine, nextLine, blkIndent, False))

    state.line = nextLine + 1

    token = state.push("heading_open", "h" + str(level), 1)
    token.markup = marker
    token.map = [startLine, state.line]

    token = state.push("inline", "", 0)
    token.content = content
    token.map = [startLine, state.line - 1]
    token.children = []

    token = state.push("heading_close", "h" + str(level), -1)
    token.markup = marker

    state.parentType = oldParentType

    return True
