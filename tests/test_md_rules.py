"""The fused lheading/paragraph rule makes the very tokens markdown-it's own two rules make."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pipeline import md_rules
from pipeline.post import _parser

# Lines of every block kind that ends, continues, nests or underlines a paragraph.
LINES = [
    "Text", "more text", "Heading", "===", "---", "- - -", "  ==  ", "= =", "-", "--", "***", "___", "# H", "## ",
    "#NotH", "> quote", ">", "> > deep", ">   - item", "- item", "* item", "+ item", "1. one", "2) two", "10. ten",
    "-\tx", "   - three", "    indented", "\tindented", "  lazy", "```", "```py", "~~~", "<div>", "</div>",
    "<!-- c -->", "<p>x", "| a | b |", "|---|---|", "a | b", "--- | ---", "[ref]: /url", "[ref]: /url 'title'",
    "", "", " ", "  ", "Setext\n---", "- a\n  ---", "> a\n===", "1. a\n\n   b\n   ===",
    "[x]: /u", "[not a ref", "[", "<", "<!", "<?php", "#", "####### seven", "~~~~", "`` `", "1.", "1)", "0. zero",
    "* * *", "\t- x", "> \tcode", ">\t> x", "   > x", "  * y", "|", ":-", "-:", "a|b", "- [ ] task",
    "crlf\r", "cr\ronly", "nul\0byte", "\r\n===",
]
markdown = st.lists(st.sampled_from(LINES), max_size=40).map("\n".join)


def _build(fused: bool) -> Any:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    md.disable(["inline", "text_join"])
    if fused:
        md_rules.install(md)
    return md


_PLAIN, _FUSED = _build(False), _build(True)


def _stream(md: Any, text: str) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    return [(t.type, t.tag, t.nesting, t.level, t.map, t.content, t.markup, t.info, t.meta, t.block, t.hidden,
             t.attrs, t.children) for t in tokens], env


@settings(max_examples=400, deadline=None)
@given(text=markdown)
def test_fused_rule_tokens_match_markdown_its_own(text: str) -> None:
    assert _stream(_FUSED, text) == _stream(_PLAIN, text)


# Characters by the one: markdown punctuation, indentation, line ends of every kind, NUL, and
# Unicode spaces that are no Markdown whitespace.
characters = st.text(alphabet="#>-*_+=~`|[]():<!/.\n\t 0123456789abZ\r\0\u00a0\u2028", max_size=120)


@settings(max_examples=300, deadline=None)
@given(text=characters, html=st.booleans(), max_nesting=st.sampled_from([20, 3, 1]))
def test_any_characters_parse_alike(text: str, html: bool, max_nesting: int) -> None:
    plain, fused = _build(False), _build(True)
    for md in (plain, fused):
        md.options["html"], md.options["maxNesting"] = html, max_nesting
    assert _stream(fused, text) == _stream(plain, text)


@pytest.mark.parametrize("text", [
    "a\nb\n===\n", "a\n---\n", "a\n- b\n", "> a\nb\n---\n", "- a\n b\n ---\n", "a\n    ---\n",
    "    code\na\n===\n", "| a |\n|---|\nb\n---\n", "> a\n> b\n>\n---\n", "1. a\n2. b\n   ===\n",
])
def test_fused_rule_on_setext_edges(text: str) -> None:
    assert _stream(_FUSED, text) == _stream(_PLAIN, text)


def test_posts_of_the_repo_parse_alike() -> None:
    posts = sorted((Path(__file__).parent.parent / "posts").rglob("*.md"))
    for post in posts:
        text = post.read_text(encoding="utf-8", errors="replace")
        assert _stream(_FUSED, text) == _stream(_PLAIN, text), post


def test_the_shared_parser_has_it() -> None:
    import markdown_it

    if not markdown_it.__version__.startswith(md_rules.CHECKED_VERSIONS):
        pytest.skip(f"markdown-it-py {markdown_it.__version__}: the parser keeps its own rules")
    assert _parser().block.ruler.getRules("")[-2] is md_rules.lheading_or_paragraph


@pytest.mark.parametrize("chain", ["", "paragraph", "reference", "blockquote", "list"])
def test_each_chain_keeps_its_rules(chain: str) -> None:
    """The gated rules stand where the originals stood, in the same terminator chains."""
    def names(md: Any) -> list[str]:
        return [getattr(fn, "__name__", "").removeprefix("gated_") for fn in md.block.ruler.getRules(chain)]

    plain, fused = names(_PLAIN), names(_FUSED)
    assert len(plain) == len(fused)
    assert [n for n in fused if n != "lheading_or_paragraph"] == [n for n in plain if n != "lheading"]


def _stack_depth(md: Any, text: str) -> int:
    """The deepest Python call stack (frames below the parse) that parsing `text` reaches."""
    import sys

    depth = [0, 0]

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            depth[0] += 1
            depth[1] = max(depth[1], depth[0])
        elif event == "return":
            depth[0] -= 1

    sys.setprofile(profile)
    try:
        md.parse(text, {})
    finally:
        sys.setprofile(None)
    return depth[1]


@pytest.mark.parametrize("text", ["> " * 200 + "a\nb\n", "- " * 200 + "a\n---\n", "1. " * 100 + "```\nx\n```\n",
                                  "> - " * 60 + "a\n> b\n"], ids=["quotes", "bullets", "ordered", "mixed"])
def test_nesting_costs_no_frame_more(text: str) -> None:
    """Blockquotes and lists nest through the block tokenizer: a gate in front of them would add
    a frame a level, and raise RecursionError where markdown-it parses (a raised maxNesting, a
    parse from deep in the stack). At most the one frame of a gate at the innermost level."""
    plain, fused = _build(False), _build(True)
    plain.options["maxNesting"] = fused.options["maxNesting"] = 1000
    assert _stream(fused, text) == _stream(plain, text)
    assert _stack_depth(fused, text) <= _stack_depth(plain, text) + 1


def _term(state: Any, startLine: int, endLine: int, silent: bool) -> bool:
    """A plugin's block rule (as deflist's) that markdown-it asks after lheading, before paragraph."""
    if not state.src.startswith("Term", state.bMarks[startLine] + state.tShift[startLine]):
        return False
    if not silent:
        state.line = startLine + 1
        state.push("term", "", 0).map = [startLine, state.line]
    return True


@pytest.mark.parametrize("change", ["rule_before_paragraph", "paragraph_disabled"])
@pytest.mark.parametrize("installed", ["before", "after"])
def test_a_paragraph_only_where_paragraph_is_next(change: str, installed: str) -> None:
    """The fused rule makes the paragraph only when paragraph is the rule markdown-it asks next."""
    def build(fused: bool) -> Any:
        md = _build(fused and installed == "before")
        if change == "rule_before_paragraph":
            md.block.ruler.before("paragraph", "term", _term)
        else:
            md.disable("paragraph")
        if fused and installed == "after":
            md_rules.install(md)
        return md

    def stream(md: Any, text: str) -> Any:
        try:
            return _stream(md, text)
        except RuntimeError as e:
            return str(e)

    for text in ["Term\n", "a\nb\n", "a\n===\n", "    a\nb\n"]:
        assert stream(build(True), text) == stream(build(False), text), text
