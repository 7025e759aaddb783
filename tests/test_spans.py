"""pipeline.spans: the same matches as `re`, in linear time."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import links_extract, spans

# What each matcher must match exactly as: the regexes they replaced.
LIQUID_CODE_BLOCK = re.compile(r"\{%-?\s*(highlight|raw|comment)\b.*?%\}.*?\{%-?\s*end\1\s*-?%\}", re.DOTALL)
LINKS_NOT_PROSE = re.compile(
    r"\{%-?\s*highlight\b.*?\{%-?\s*endhighlight\s*-?%\}|\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}"
    r"|<!--.*?-->|\{:(?:[^{}\n]|\{(?!:))*\}", re.DOTALL)  # an attribute list never runs into the next '{:'

PAIRS = [
    (spans.LIQUID_CODE_BLOCKS, LIQUID_CODE_BLOCK),
    (spans.LIQUID_TAGS, re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)),
    (spans.KRAMDOWN_ATTRIBUTES, re.compile(r"\{:.*?\}", re.DOTALL)),
    (spans.HTML_COMMENTS, re.compile(r"<!--.*?-->", re.DOTALL)),
    (spans.MATH_BLOCKS, re.compile(r"\$\$.*?\$\$", re.DOTALL)),
    (links_extract._BLANK, LINKS_NOT_PROSE),
    (spans.CODE_SPANS, re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)),
    (spans.PARAGRAPH_CODE_SPANS, re.compile(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.DOTALL)),
]
PIECES = ["{%", "%}", "{{", "}}", "{:", "}", "{", "<!--", "-->", "<!-", "$$", "$", " raw ", "{% raw %}",
          "{% endraw %}", "{%- highlight sh -%}", "{% endhighlight %}", "{% comment %}", "{%endcomment%}",
          "{% raw", "endraw %}", "{%comment-%}", "{: #id}", "{%- endhighlight -%}", "`", "``", "```", "\n\n", "\n \n", "a", "\n", " "]


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
@settings(max_examples=600, deadline=None)
def test_same_matches_as_re(text: str) -> None:
    for lazy, pattern in PAIRS:
        assert list(lazy.finditer(text)) == [m.span() for m in pattern.finditer(text)], pattern.pattern


class Counting:
    """A step pattern that counts its searches, and those that found nothing (each of which
    may read the rest of the text)."""

    def __init__(self, pattern: str) -> None:
        self.compiled = re.compile(re.escape(pattern))
        self.pattern = self.compiled.pattern
        self.searches = self.misses = 0

    def search(self, text: str, pos: int) -> re.Match[str] | None:
        self.searches += 1
        found = self.compiled.search(text, pos)
        self.misses += found is None
        return found


@pytest.mark.parametrize(("opener", "closer", "unit"), [
    ("<!--", "-->", "<!-- "), ("{%", "%}", "{% "), ("{:", "}", "{: "), ("{%", "%}", "{% x %}{% "),
])
def test_unclosed_openers_read_the_rest_of_the_text_once(opener: str, closer: str, unit: str) -> None:
    """`re` rescans the rest of the text from each unclosed opener: quadratic, minutes for
    20,000 of them. Here a search that finds nothing happens once; none is repeated."""
    small = unit * 200
    regex = re.compile(re.escape(opener) + ".*?" + re.escape(closer), re.DOTALL)
    assert list(spans.Lazy(spans.between(opener, closer)).finditer(small)) == [m.span() for m in regex.finditer(small)]
    step = Counting(closer)
    lazy = spans.Lazy(spans.Alternative(spans.literal(opener), (step,)))  # type: ignore[arg-type]
    text = unit * 20_000
    list(lazy.finditer(text))
    assert step.misses == 1
    assert step.searches <= text.count(opener)


def test_unclosed_liquid_blocks_fail_once() -> None:
    text = "{% raw %}" * 20_000 + "{% raw" * 20_000
    assert list(spans.LIQUID_CODE_BLOCKS.finditer(text)) == []


def test_code_spans_of_ever_longer_runs_cost_no_more_than_others() -> None:
    """Backtick runs of lengths 1, 2, 3 ... none closed: `re` reads the rest of the text from
    each (cubic in the run count); the run list is read once."""
    text = " ".join("`" * n for n in range(1, 2001))
    assert list(spans.CODE_SPANS.finditer(text)) == []
    assert list(spans.CODE_SPANS.finditer(text + " x " + "`" * 7)) == [(text.index(" " + "`" * 7 + " ") + 1, len(text) + 10)]


LINK_PIECES = ["[", "]", "]:", "![", "!", "\\", "a", " ", "   ", "> ", "\n", "<", "http", "HTTP", "https", "ſ", "://",
               ":", "/", "x.y", "(", "=", "\"", "^"]


@given(st.lists(st.sampled_from(LINK_PIECES), max_size=30).map("".join))
@settings(max_examples=600, deadline=None)
def test_link_scans_by_str_find_match_their_regexes(text: str) -> None:
    """links_extract looks for '[', ']:' and '://' with str.find and tries its regexes there:
    the same matches as running the regexes over the whole text."""
    assert list(links_extract._brackets(text)) == [m.start() for m in re.finditer(r"!?\[", text)]
    assert [m.span() for m in links_extract._definitions(text)] == [m.span() for m in links_extract._DEFINITION.finditer(text)]
    bare = re.compile(r"(?<![\w/(\[<\"'=])https?://[^\s<>\"'`\]]+", re.IGNORECASE)  # the regex _BARE reorders
    assert [m.span() for m in links_extract._bare_urls(text)] == [m.span() for m in bare.finditer(text)]
