"""Prose extraction: which words are prose, and their exact file positions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.post import load_post
from pipeline.spell import prose
from pipeline.spell.prose import extract_post


def words_of(text: str) -> list[tuple[str, int, int]]:
    post = load_post(Path("2020-01-01-x.md"), text.encode())
    return [(w.text, w.line, w.col) for w in extract_post(post).words if not w.identifier]


CASES = [
    ("plain", "---\ntitle: Helo world\n---\nSome txt here.\n",
     [("Helo", 2, 8), ("world", 2, 13), ("Some", 4, 1), ("txt", 4, 6), ("here", 4, 10)]),
    ("front matter other keys skipped", "---\nlayout: pozt\ntags: [ruby]\ndescription: A desc\n---\nok\n",
     [("A", 4, 14), ("desc", 4, 16), ("ok", 6, 1)]),
    ("code span", "Use `fooo barr` now\n", [("Use", 1, 1), ("now", 1, 17)]),
    ("fenced code", "Text\n\n```\nwrongg code\n```\n", [("Text", 1, 1)]),
    ("indented code", "Text\n\n    wrongg code\n", [("Text", 1, 1)]),
    ("url and link target", "See [the docs](http://exampel.com/pathh) or http://x.io/abcd\n",
     [("See", 1, 1), ("the", 1, 6), ("docs", 1, 10), ("or", 1, 42)]),
    ("email", "Mail jon@exampel.com today\n", [("Mail", 1, 1), ("today", 1, 22)]),
    ("html tag and attribute", 'A <span class="wrongg">word</span> here\n',
     [("A", 1, 1), ("word", 1, 24), ("here", 1, 36)]),
    ("liquid", "A {% include fooo.html %} and {{ page.tittle }} b\n", [("A", 1, 1), ("and", 1, 27), ("b", 1, 49)]),
    ("liquid highlight block", "x\n\n{% highlight ruby %}\ndef fooo\n\nbarr = 1\n{% endhighlight %}\n", [("x", 1, 1)]),
    ("kramdown attributes", "Para text\n{: .classs}\n", [("Para", 1, 1), ("text", 1, 6)]),
    ("file names paths hex numbers", "Edit _config.yml in src/foo and 0xdeadbeef 42 v1.2\n",
     [("Edit", 1, 1), ("in", 1, 18), ("and", 1, 29)]),
    ("hyphen and apostrophe", "Don't re-use it\n", [("Don't", 1, 1), ("re", 1, 7), ("use", 1, 10), ("it", 1, 14)]),
    ("heading and list", "# Titel\n\n- itemm one\n", [("Titel", 1, 3), ("itemm", 3, 3), ("one", 3, 9)]),
    ("command-line options are code", "Run -fvisibility=hidden or --no-cachee now - ok\n",
     [("Run", 1, 1), ("hidden", 1, 18), ("or", 1, 25), ("now", 1, 40), ("ok", 1, 46)]),
    ("table cells", "| a | bb |\n|---|----|\n| cc | dd |\n", [("a", 1, 3), ("bb", 1, 7), ("cc", 3, 3), ("dd", 3, 8)]),
    ("dashes and ellipsis join words", "The best—wich we knew–or not…teh end\n",
     [("The", 1, 1), ("best", 1, 5), ("wich", 1, 10), ("we", 1, 15), ("knew", 1, 18), ("or", 1, 23), ("not", 1, 26),
      ("teh", 1, 30), ("end", 1, 34)]),
    ("escaped quotes in a quoted title", '---\ntitle: "Quoted \\"teh\\" one"\n---\nx\n',
     [("Quoted", 2, 9), ("teh", 2, 18), ("one", 2, 24), ("x", 4, 1)]),
    ("YAML comments are no prose", "---\ntitle: Hello\n# pick a beter title\ndescription: Short # see isue 1\n---\nx\n",
     [("Hello", 2, 8), ("Short", 4, 14), ("x", 6, 1)]),
    ("a # inside a block scalar is text", "---\ndescription: |\n  Use it.\n  # Step wrod\n# a coment\n---\nx\n",
     [("Use", 3, 3), ("it", 3, 7), ("Step", 4, 5), ("wrod", 4, 10), ("x", 7, 1)]),
    ("a # inside a quoted value is text", '---\ntitle: "Issue #1 fixd"\n---\nx\n',
     [("Issue", 2, 9), ("fixd", 2, 18), ("x", 4, 1)]),
    # CommonMark keeps these lines in an HTML block; kramdown reads them as Markdown (Jekyll
    # renders the caption and the heading), but not a block element's inside or a comment
    ("text under an html line", '<img src="a.png">\nCaptin here.\n## Setp\n\n<div>\nrawr\n</div>\n\n<!--\nnott\n-->\n',
     [("Captin", 2, 1), ("here", 2, 8), ("Setp", 3, 4)]),
    ("html entities and the words around them", "It isn&rsquo;t a caf&eacute; &amp; bar&nbsp;baz&mdash;qux\n",
     [("It", 1, 1), ("a", 1, 16), ("bar", 1, 36), ("baz", 1, 45), ("qux", 1, 55)]),
    ("an emoji or a three-dot ellipsis parts words", "So good\U0001f605 we waited...until v1.2...v1.3\n",
     [("So", 1, 1), ("good", 1, 4), ("we", 1, 10), ("waited", 1, 13), ("until", 1, 22)]),
    ("kramdown comment block", "Ok.\n\n{::comment}\nDraft tyypo.\n\nMore notess.\n{:/comment}\n\nEnd.\n", [("Ok", 1, 1), ("End", 9, 1)]),
    ("a script, pre or other block after the html line stays html", '<div id="c"></div>\n<script>\n  var untill = 1;\n</script>\n\n'
     '<img src="a.png">\nCaptin.\n<pre>\nwierd\n</pre>\n', [("Captin", 7, 1)]),
    ("markdown=1 block", '<div markdown="1">\nInsde it.\n</div>\n', [("Insde", 2, 1), ("it", 2, 7)]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_prose_words_and_positions(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert words_of(text) == expected


def test_sentence_start_and_code_terms() -> None:
    post = load_post(Path("x.md"), b"Hello there. Keras rocks: Yes.\n\n```\nkerasify()\n```\n")
    prose = extract_post(post)
    starts = {w.text: w.sentence_start for w in prose.words}
    assert starts == {"Hello": True, "there": False, "Keras": True, "rocks": False, "Yes": True}
    assert "kerasify" in prose.code_terms



def test_code_terms_from_every_kind_of_non_prose() -> None:
    text = ("---\ntitle: Hello\ntags: [rubyGems]\n---\nUse `fooBar` and zap_quux here, see [x](http://exampel.com/pathh).\n\n"
            "```\nkerasify()\n```\n")
    terms = extract_post(load_post(Path("x.md"), text.encode())).code_terms
    assert {"ruby", "gems", "rubygems", "foo", "bar", "foobar", "zap", "quux", "exampel", "pathh", "kerasify"} <= terms
    assert not {"use", "here", "see", "hello"} & terms


_MARKS = "".join(c for c in prose._STRIP if c not in "\"*")


@given(st.text(alphabet="aZq -–—,;.:'’‘_`\"*()[]|!?…=~\n\t\u00a09/#@é", max_size=40))
def test_token_lookahead_only_skips_faster(text: str) -> None:
    """`_TOKEN`'s leading lookahead never changes a chunk: without it, the same matches."""
    bare = re.compile(f"(?!--?[A-Za-z])[{re.escape(_MARKS)}]*([A-Za-z]+)[{re.escape(_MARKS)}]*(?![^{prose._DELIMS}])"
                      f"|[^{prose._DELIMS}]+")
    assert [(m.span(), m.span(1)) for m in prose._TOKEN.finditer(text)] == [(m.span(), m.span(1)) for m in bare.finditer(text)]


@given(st.text(alphabet="ab:_+-1 é\n:Z9", max_size=30))
def test_emoji_mask_lookbehind_after_the_colon_is_the_same_match(text: str) -> None:
    """The emoji short-code mask reads its colon first (a fast literal search), then checks
    no word character precedes it: the matches of the lookbehind-first pattern."""
    before = re.compile(r"(?<!\w):[a-z0-9_+-]+:(?!\w)", re.DOTALL)
    emoji = next(p for p, triggers in prose._MASKS if triggers == (":",))
    assert isinstance(emoji, re.Pattern)
    assert [m.span() for m in emoji.finditer(text)] == [m.span() for m in before.finditer(text)]


@given(st.text(alphabet="ab {`<$][:@&w.%!Z\n", max_size=30))
def test_mask_skips_only_blocks_without_any_trigger(text: str) -> None:
    """The one-scan test before the masks: a block it skips holds no trigger at all."""
    if prose._TRIGGER_CHAR.search(text) is None and "www." not in text:
        assert not any(t in text for _, triggers in prose._MASKS for t in triggers)


def test_uncounted_words_are_left_out_of_counts_only() -> None:
    """collect asks extract to leave the lexicon's uncounted words out of `counts`: the same
    counts as filtering them afterwards, the same words, positions and total."""
    post = load_post(Path("2020-01-01-x.md"), b"---\ntitle: The Keras way\n---\nThe cat and the Keras cat sat. The end.\n")
    plain = {"the", "cat", "and", "sat", "end", "way"}
    whole = extract_post(post, plain=plain)
    part = extract_post(post, plain=plain, uncounted={"the", "and"})
    assert dict(part.counts) == {w: n for w, n in whole.counts.items() if w not in {"the", "and"}}
    assert (part.words, part.positions, part.total) == (whole.words, whole.positions, whole.total)
