"""LK004 knows the ids kramdown generates besides headings: footnotes, attribute lists, the {:toc} list."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import links
from pipeline.markdown import attribute_ids, footnote_ids
from pipeline.post import load_post
from pipeline.registry import Context

FM = "---\ntitle: T\nlayout: post\n---\n"  # body starts on file line 5
NOTE = "Text[^note].\n\n[^note]: The note.\n\n"


def lk004(tmp_path: Path, files: dict[str, str], config: str = "title: site\n") -> list[tuple[str, int, int]]:
    """(file, line, column) of each LK004 in a throwaway site, checked offline."""
    (tmp_path / "_config.yml").write_text(config)
    posts = []
    for name, text in files.items():
        path = tmp_path / "_posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(FM + text, encoding="utf-8")
        posts.append(load_post(path, (FM + text).encode()))
    options = {name: opt.default for name, opt in links.OPTIONS.items()}
    ctx = Context(options=options, root=tmp_path, offline=True, no_cache=True, allow_private=False, cache_dir=tmp_path / ".c")
    found = [f for post in posts for f in links.check(post, ctx)]
    found += links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx)
    return sorted((Path(f.path).name, f.line, f.col) for f in found if f.code == "LK004")


SAME_POST = [
    ("footnote and its reference", NOTE + "[a](#fn:note) [b](#fnref:note)", []),
    ("repeated reference", "One[^n] two[^n] three[^n].\n\n[^n]: N.\n\n[a](#fnref:n:1) [b](#fnref:n:2) [c](#fnref:n:3)", [(9, 37)]),
    ("single reference has no repeat id", NOTE + "[a](#fnref:note:1)", [(9, 5)]),
    ("footnote never referenced is not rendered", "[^lonely]: Alone.\n\n[a](#fn:lonely)", [(7, 5)]),
    ("reference to an undefined footnote is text", "Text[^ghost].\n\n[a](#fn:ghost) [b](#fnref:ghost)", [(7, 5), (7, 20)]),
    ("footnote name is case-sensitive", NOTE + "[a](#fn:Note)", [(9, 5)]),
    ("footnote in code is not a footnote", "`x[^c]`\n\n```\n[^c]: in code\n```\n\n[a](#fn:c)", [(11, 5)]),
    ("toc list", "* TOC\n{:toc}\n\n## Heading\n\n[c](#markdown-toc) [h](#heading) [i](#markdown-toc-heading) [j](#markdown-toc-x)",
     [(10, 65)]),
    ("numbered toc list", "1. TOC\n{:toc}\n\n[c](#markdown-toc)", []),
    ("toc list with its own id", "* TOC\n{:toc #contents}\n\n[c](#contents) [d](#markdown-toc)", [(8, 20)]),
    ("toc in a code span is not a toc", "Write `{:toc}` under a list.\n\n[c](#markdown-toc)", [(7, 5)]),
    ("block attribute list id", "A paragraph.\n{: #para .lead}\n\n[p](#para)", []),
    ("quoted value is not an id", "A paragraph.\n{: title=\"#nope\"}\n\n[p](#nope)", [(8, 5)]),
    ("attribute definition is not an element", "{:ref: #defined}\n\n[p](#defined)", [(7, 5)]),
    ("a setext heading of two lines is a paragraph to kramdown", "Para line\nSetext glued\n============\n\n[a](#para-line-setext-glued)",
     [(9, 5)]),
    # only '{#id}' (a letter first) names a heading; other braces are its text (Jekyll 4.3, either input)
    ("explicit heading ids", "## Hello {#hello .big}\n\n## Num {#1abc}\n\n## Multi {: #multi-ial}\n\n## V {#v1.2}\n\n"
     "[a](#hello) [b](#hello-hello-big) [c](#1abc) [d](#num-1abc) [e](#multi--multi-ial) [f](#v1.2)", [(13, 5), (13, 39)]),
    ("an indented ATX line is text to kramdown", " ## Text here\n\n- a\n\n  ## In a list\n\n[a](#text-here) [b](#in-a-list)", [(11, 5)]),
    # kramdown strips a list item's own indent (marker and spaces) from its lines: indented past it,
    # '## x' is paragraph text, rendered with its hashes (Jekyll 4.3); so in a quote after '> '
    ("ATX indented past its list item", ("[a](#four) [b](#sub) [c](#wide) [d](#quoted) [e](#deep) [f](#right)\n\n"
     "- Item\n\n    ## Four\n\n1. Step\n\n    ## Sub\n\n1.  Wide\n\n    ## Wide\n\n> ## Quoted\n>\n>  ## Indented\n\n"
     "- a\n  - b\n\n      ## Deep\n\n    ## Right\n"), [(5, 5), (5, 16), (5, 50)]),
    # a heading right under a span element's line: HTML text to CommonMark, a heading to kramdown
    ("heading under an html line", "[s](#summary) [r](#raw) [d](#draft)\n\n<img src=\"a.png\">\n## Summary\n\n"
     "<div>\n## Raw\n</div>\n\n<!--\n## Draft\n-->\n", [(5, 19), (5, 29)]),
    # a block element's inside is raw text to kramdown: no heading there, no id (Jekyll 4.3)
    ("heading inside a raw div", "[a](#raw-inside) [b](#kept)\n\n<div>\n\n## Raw inside\n\n</div>\n\n## Kept\n", [(5, 5)]),
    # inside markdown="1" kramdown builds the heading, but GFM's ids skip HTML elements: the id is
    # kramdown's own rule, numbered apart from the rest (Jekyll 4.3: step-two, setup, setup-1)
    ("heading inside markdown=1 under GFM", ("[a](#step-two) [b](#2-step-two) [c](#setup) [d](#setup-1) [e](#setup-2)\n\n"
     "## Setup\n\n<details markdown=\"1\">\n<summary>S</summary>\n\n## 2. Step two\n\n## Setup\n\n</details>\n\n## Setup\n"),
     [(5, 20), (5, 63)]),
    ("heading glued inside markdown=1", "[a](#glued) [b](#9-glued)\n\n<section markdown=\"1\">\n## 9 Glued\n</section>\n", [(5, 17)]),
    # a lone {% if %} line is blank once Liquid has run, and a block IAL after a boundary belongs to
    # the next block: kramdown's heading is the line above the underline (Jekyll 4.3)
    ("setext under a liquid line", ("[a](#setext-two) [b](#text-setext-two)\n\nText\n{% if true %}\nSetext two\n----------\n"
     "{% endif %}\n"), [(5, 22)]),
    ("setext under an IAL", "[a](#setext-under-ial)\n\n{: .cls}\nSetext under IAL\n================\n", []),
    ("setext under an IAL id", "[a](#pre2) [b](#setext-with-id)\n\n{: #pre2}\nSetext with id\n==============\n", [(5, 16)]),
    ("setext under liquid and an IAL id", "[a](#liq)\n\n{% if true %}\n{: #liq}\nSetext\n======\n{% endif %}\n", []),
    ("liquid lines and suffixes", "[a](#setup-1)\n\n{% assign x = 1 %}\n## Setup\n\n{% assign y = 2 %}\nSetup\n-----\n", []),
    ("setext under a paragraph and its IAL", "[a](#setext-three)\n\nPara\n{: #para}\nSetext three\n------------\n", [(5, 5)]),
    ("atx under an IAL id", "[a](#pre) [b](#heading)\n\n{: #pre}\n## Heading\n", [(5, 15)]),
    ("atx under a paragraph and its IAL", "[a](#para) [b](#atx-here)\n\nPara\n{: #para}\n## ATX here\n", []),
    # raw HTML: any element's id (quoted or not), an <a>'s name; data-id and an input's name are no target
    ("html ids", "[a](#box) [b](#q) [c](#old)\n\n<div id=box></div>\n<p ID='q'>x</p>\n<a href=\"/\" name=\"old\">o</a>\n", []),
    ("html look-alikes", "[a](#ghost) [b](#ghost2)\n\n<div data-id=\"ghost\"></div>\n<input name=\"ghost2\">\n",
     [(5, 5), (5, 17)]),
]


@pytest.mark.parametrize(("body", "expected"), [(b, e) for _, b, e in SAME_POST], ids=[i for i, _, _ in SAME_POST])
def test_kramdown_ids_in_the_same_post(tmp_path: Path, body: str, expected: list[tuple[int, int]]) -> None:
    assert [(line, col) for _, line, col in lk004(tmp_path, {"2020-01-01-a.md": body + "\n"})] == expected


def test_kramdown_ids_of_another_post(tmp_path: Path) -> None:
    files = {
        "2020-01-01-a.md": "[a]({% post_url 2020-01-02-b %}#fn:note) [b]({% post_url 2020-01-02-b %}#markdown-toc)"
                           " [c]({% post_url 2020-01-02-b %}#fn:other)\n",
        "2020-01-02-b.md": "* TOC\n{:toc}\n\n" + NOTE,
    }
    assert lk004(tmp_path, files) == [("2020-01-01-a.md", 5, 92)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a[^1] b[^1]\n\n[^1]: one\n", {"fn:1", "fnref:1", "fnref:1:1"}),
        ("a[^x-y_z]\n\n   [^x-y_z]: indented up to three spaces\n", {"fn:x-y_z", "fnref:x-y_z"}),
        ("a[^1]\n\n    [^1]: four spaces is not a definition\n", set()),
        ("[^1]: defined only\n", set()),
        ("no footnotes [^] here\n", set()),
    ],
)
def test_footnote_ids(text: str, expected: set[str]) -> None:
    assert footnote_ids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("* TOC\n{:toc}\n", {"markdown-toc"}),
        ("* TOC\n{: toc}\n", {"markdown-toc"}),
        ("* TOC\n{:toc #mine}\n", {"mine"}),
        ("para\n{:#a .b}\n*x*{: #span}\n", {"a", "span"}),
        ("{:target=\"_blank\"} {:.no_toc} {: #}\n", set()),
        ("{:name: #in-a-definition}\n", set()),
    ],
)
def test_attribute_ids(text: str, expected: set[str]) -> None:
    assert attribute_ids(text) == expected


# Heading ids of tests/data/anchors/2020-01-02-gfm-ids.md as Debian's Jekyll 4.3 (kramdown,
# GFM input) built them: `--` became an en dash and then nothing, an image and a footnote mark
# add nothing, `{: #cpp-tips}` on the next line names the heading, and the explicit id takes
# no part in the -1, -2 suffixes.
JEKYLL_IDS = [
    "part-1--setup", "part-1--setup-1", "cpp-tips", "c-tips", "notes", "logo--here", "über-uns",
    "its-quoted--and-more", "code-and-emph-link", "setup", "setup-1", "123-numbers-first", "trailing",
    "ampersand--co", "emdash-and--en", "emoji--party",
]


def test_heading_ids_are_the_ids_jekyll_builds() -> None:
    from pipeline.markdown import heading_ids
    from pipeline.post import read_post

    post = read_post(Path(__file__).resolve().parents[1] / "data" / "anchors" / "2020-01-02-gfm-ids.md")
    assert [github for _kramdown, github in heading_ids(post)] == JEKYLL_IDS


def test_a_heading_in_a_highlight_block_makes_no_id(tmp_path: Path) -> None:
    text = "## Setup\n\n{% highlight md %}\n## Setup\n{% endhighlight %}\n\n[again](#setup-1) [first](#setup)\n"
    assert lk004(tmp_path, {"2020-01-01-a.md": text}) == [("2020-01-01-a.md", 11, 9)]


@pytest.mark.parametrize(("heading", "anchor"), [
    ("# dequal [![CI](b.svg)](a)", "dequal-"),  # the badge leaves a space, Jekyll's id keeps it as '-'
    ("## A[^1] note", "a-note"),  # a footnote mark in the middle adds nothing either
    # kramdown's typography: '<< ' and ' >>' are guillemets with a no-break space, both dropped
    ("## C++ << operator", "c-operator"), ("## Bash >> append", "bash-append"), ("## x -- y << z", "x--y-z"),
])
def test_ids_of_headings_with_badges_and_footnote_marks(tmp_path: Path, heading: str, anchor: str) -> None:
    text = f"{heading}\n\n[the section](#{anchor})\n\n[^1]: A note.\n"
    assert lk004(tmp_path, {"2020-01-01-a.md": text}) == []


@pytest.mark.parametrize(("config", "missing"), [
    ("title: site\n", [(9, 5), (9, 20)]),  # GFM input (the default): 1-numbered, -launch-day only
    ("kramdown:\n  input: kramdown\n", [(9, 37), (9, 54)]),  # kramdown's own: numbered, launch-day only
])
def test_heading_ids_follow_the_sites_kramdown_input(tmp_path: Path, config: str, missing: list[tuple[int, int]]) -> None:
    """Jekyll builds one id per heading, by one rule: the other rule's id is a broken link."""
    text = "## 1. Numbered\n\n## \U0001f680 Launch day\n\n[a](#numbered) [b](#launch-day) [c](#1-numbered) [d](#-launch-day)\n"
    found = lk004(tmp_path, {"2020-01-01-a.md": text}, config)
    assert [(line, col) for _, line, col in found] == missing


# Under `input: kramdown` the id is made from the heading's source text, markup and all
# (auto_id_stripping is GFM's alone): ids Jekyll 4.3 built from these headings.
KRAMDOWN_INPUT_IDS = [
    ("## Part 1 -- Setup", "part-1----setup"),
    ("## It's \"quoted\" -- and... more", "its-quoted----and-more"),
    ("## `code` and *emph* [link](http://x)", "code-and-emph-linkhttpx"),
    ("## Logo ![alt text](a.png) here", "logo-alt-textapng-here"),
    ("## Notes[^1]\n\n[^1]: note", "notes1"),
    ("## Escaped \\# hash \\*star\\*", "escaped--hash-star"),
    ("## <span>Inline</span> html", "spaninlinespan-html"),
    ("## Caf&eacute; &amp; bar", "cafeacute-amp-bar"),
    ("Setext *one*\n============", "setext-one"),
    ("## Hello {#hi}", "hi"),
]


@pytest.mark.parametrize(("heading", "anchor"), KRAMDOWN_INPUT_IDS, ids=[h for h, _ in KRAMDOWN_INPUT_IDS])
def test_kramdown_input_ids_come_from_the_source_text(tmp_path: Path, heading: str, anchor: str) -> None:
    text = f"[the section](#{anchor})\n\n{heading}\n"
    assert lk004(tmp_path, {"2020-01-01-a.md": text}, "kramdown:\n  input: kramdown\n") == []
    from pipeline.markdown import heading_ids
    from pipeline.post import read_post

    assert [kram for kram, _ in heading_ids(read_post(tmp_path / "_posts" / "2020-01-01-a.md"))] == [anchor]


# kramdown's auto_ids and auto_id_prefix in _config.yml (Jekyll 4.3: auto_ids: false builds no
# heading id but {#named}; auto_id_prefix: h- builds #h-setup, #h-setup-1 and #markdown-toc-h-setup)
@pytest.mark.parametrize(("config", "missing"), [
    ("title: site\n", [(5, 17), (5, 31), (5, 47)]),
    ("kramdown:\n  auto_ids: false\n", [(5, 5), (5, 17), (5, 31), (5, 47)]),
    ("kramdown:\n  auto_id_prefix: h-\n", [(5, 5)]),
])
def test_kramdown_auto_id_options(tmp_path: Path, config: str, missing: list[tuple[int, int]]) -> None:
    text = ("[a](#setup) [b](#h-setup) [c](#h-setup-1) [d](#markdown-toc-h-setup) [e](#named)\n\n"
            "* toc\n{:toc}\n\n## Setup\n\n## Setup\n\n## Named {#named}\n")
    assert [(line, col) for _, line, col in lk004(tmp_path, {"2020-01-01-a.md": text}, config)] == missing


def test_no_auto_ids_no_generated_id_collision(tmp_path: Path) -> None:
    from pipeline.checks import headings
    from pipeline.post import read_post

    (tmp_path / "_config.yml").write_text("kramdown:\n  auto_ids: false\n")
    path = tmp_path / "_posts" / "2020-01-01-a.md"
    path.parent.mkdir()
    path.write_text(FM + "## C++ tips\n\n## C tips\n")
    options = {name: opt.default for name, opt in headings.OPTIONS.items()}
    assert [f.code for f in headings.check(read_post(path), Context(options=options, root=tmp_path))] == []
