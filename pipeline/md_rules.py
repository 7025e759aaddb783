"""A faster, token-for-token identical `lheading` block rule for markdown-it-py.

markdown-it tries `lheading` (a setext heading, text underlined with === or ---) on every
paragraph before `paragraph` itself: both walk the paragraph's lines, asking every
paragraph-terminating rule (fence, list, blockquote, ...) of each line whether it ends the
paragraph, and when no underline turns up `paragraph` walks the same lines again with the
same questions. That second walk was a tenth of the whole lint. `lheading_or_paragraph`
is lheading's code (markdown_it/rules_block/lheading.py, MIT) that, finding no underline,
builds the paragraph from its own walk: the tokens and the state left behind are the ones
the two rules make in turn, quirks included (a failed lheading leaves `parentType` as
"paragraph", so the paragraph restores that). It is installed through the parser's own
rule API (`ruler.at`), and only on the markdown-it-py versions it was checked against;
tests/test_md_rules.py compares token streams with and without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import lheading, paragraph

if TYPE_CHECKING:
    from markdown_it.rules_block.state_block import StateBlock

# The markdown-it-py releases whose lheading and paragraph rules this one reproduces.
CHECKED_VERSIONS = ("4.0.", "4.1.", "4.2.", "4.3.")


def install(md: Any) -> bool:
    """Put `lheading_or_paragraph` in place of md's lheading rule (on a checked version)."""
    import markdown_it

    if not str(markdown_it.__version__).startswith(CHECKED_VERSIONS):
        return False
    md.block.ruler.at("lheading", lheading_or_paragraph)
    return True


def lheading_or_paragraph(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """lheading; where it finds no underline, the paragraph the next rule would make."""
    if silent or endLine != state.lineMax or state.is_code_block(startLine):
        # paragraph walks to lineMax, lheading to endLine: one walk serves both only when
        # they agree (always, as the block parser calls them)
        return lheading(state, startLine, endLine, silent) or paragraph(state, startLine, endLine, silent)

    level = None
    nextLine = startLine + 1
    terminatorRules = state.md.block.ruler.getRules("paragraph")
    sCount = state.sCount
    blkIndent = state.blkIndent
    oldParentType = state.parentType
    state.parentType = "paragraph"  # use paragraph to match terminatorRules

    # jump line-by-line until empty one or EOF
    while nextLine < endLine and not state.isEmpty(nextLine):
        # this would be a code block normally, but after paragraph
        # it's considered a lazy continuation regardless of what's there
        if sCount[nextLine] - blkIndent > 3:
            nextLine += 1
            continue

        # Check for underline in setext header
        if sCount[nextLine] >= blkIndent:
            pos = state.bMarks[nextLine] + state.tShift[nextLine]
            maximum = state.eMarks[nextLine]

            if pos < maximum:
                marker = state.src[pos]

                if marker in ("-", "="):
                    pos = state.skipCharsStr(pos, marker)
                    pos = state.skipSpaces(pos)

                    # /* = */
                    if pos >= maximum:
                        level = 1 if marker == "=" else 2
                        break

        # quirk for blockquotes, this line should already be checked by that rule
        if sCount[nextLine] < 0:
            nextLine += 1
            continue

        # Some tags can terminate paragraph without empty line.
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
