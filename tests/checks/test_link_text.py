"""LK011: link text that says nothing, as a table of (markdown, expected (line, col))."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.checks import links
from pipeline.post import load_post
from pipeline.registry import Context

FM = "---\ntitle: T\nlayout: post\n---\n"
CASES = [
    ("two-letter text", "[Ir](https://example.com/a){:target=\"_blank\"}\n", [(5, 1)]),
    ("generic phrase", "Read it [click here](https://example.com/a).\n", [(5, 9)]),
    ("generic, any case, trailing dot", "See [Here.](https://example.com/a)\n", [(5, 5)]),
    ("descriptive text", "[the interview](https://example.com/a)\n", []),
    ("the same text twice, wrapped and not, found at each link", "See [click\nhere](/a/) and [click here](/c/).\n",
     [(5, 5), (6, 16)]),
    ("wrapped over a line break, found where it starts", "Read it and [click\nhere](https://example.com/a), or [x\ny](/b).\n",
     [(5, 13)]),
    ("acronym", "[AI](https://example.com/a)\n", []),
    ("numbered citation", "[1](https://example.com/a)\n", []),
    ("autolink", "<https://example.com/a>\n", []),
    ("code span text", "[`x`](https://example.com/a)\n", [(5, 1)]),
    ("second line of a paragraph", "Some text\nand [more](https://example.com/a)\n", [(6, 5)]),
    ("kramdown footnote read as a reference", "A claim.[^1]\n\n[^1]: https://example.com/source\n", []),
]


@pytest.mark.parametrize("markdown, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_non_descriptive_link_text(markdown: str, expected: list[tuple[int, int]]) -> None:
    post = load_post(Path("2020-01-01-x.md"), (FM + markdown).encode())
    ctx = Context(options={"check_anchors": True}, root=Path("."))
    found = [(f.line, f.col) for f in links.check(post, ctx) if f.code == "LK011"]
    assert found == expected


_PIECES = ["here", "Here", "click", " ", "\n", "*", "_", "`", "~", "\\", "&amp;", "<b>", "[", "]", "x", "AI", "more", "1", "."]


@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), min_size=1, max_size=3))
@settings(max_examples=300, deadline=None)
def test_prefilter_never_hides_a_finding(texts: list[str]) -> None:
    """Only paragraphs the cheap bracket test passes are parsed; forcing a parse of every
    paragraph must not find more."""
    body = " and ".join(f"[{t}](https://example.com/{i})" for i, t in enumerate(texts)) + "\n"
    fast, forced = _lk011_with_and_without_prefilter(body, Context(options={"check_anchors": True}, root=Path(".")))
    assert forced == fast


def _lk011_with_and_without_prefilter(text: str, ctx: Context) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """LK011's (line, column)s as the check runs, then with every paragraph parsed."""
    def lk011() -> list[tuple[int, int]]:
        post = load_post(Path("2020-01-01-x.md"), (FM + text).encode())
        return [(f.line, f.col) for f in links.check(post, ctx) if f.code == "LK011"]

    fast = lk011()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(links, "_may_have_weak_text", lambda *_: True)
        return fast, lk011()


_REFERENCE_PIECES = ["[logo][]", "![logo][]", "[x][]", "[x]", "[]", "[", "]", "![", "(https://example.com/u)", "here",
                     " x ", "AI", "\\", "`", "[x][logo]", "\n", '<b title="', '">']


@given(st.lists(st.sampled_from(_REFERENCE_PIECES), max_size=12).map("".join),
       st.sampled_from([(), ("here",), ("[x][]",)]))
@settings(max_examples=400, deadline=None)
def test_prefilter_passing_collapsed_references_hides_no_finding(body: str, phrases: tuple[str, ...]) -> None:
    """The prefilter passes over the '[]' of [label][]; forcing a parse must not find more."""
    text = body + "\n\n[logo]: /logo.png\n[x]: https://example.com/x\n"
    ctx = Context(options={"check_anchors": True, **({"generic_link_texts": list(phrases)} if phrases else {})},
                  root=Path("."))
    fast, forced = _lk011_with_and_without_prefilter(text, ctx)
    assert forced == fast


@pytest.mark.parametrize("markdown, phrases, text", [
    ("[![logo][] go](https://example.com/u)", list(links.GENERIC_LINK_TEXTS), "go"),  # the image hides its label
    ('[<b title="[label][]">go</b>](https://example.com/u)', list(links.GENERIC_LINK_TEXTS), "go"),  # so does HTML
    ("[[long][]](https://example.com/u)", ["[long][]"], "[long][]"),  # the phrase holds the brackets
], ids=["linked image", "HTML", "phrase with brackets"])
def test_collapsed_reference_the_prefilter_must_not_pass(markdown: str, phrases: list[str], text: str) -> None:
    """Only the '[]' of a collapsed reference makes these paragraphs worth parsing."""
    post = load_post(Path("2020-01-01-x.md"), (FM + markdown + "\n\n[logo]: /logo.png\n").encode())
    ctx = Context(options={"check_anchors": True, "generic_link_texts": phrases}, root=Path("."))
    assert [(f.code, f.message) for f in links.check(post, ctx) if f.code == "LK011"] == [
        ("LK011", f"link text '{text}' says nothing about the target; describe where it goes")]
