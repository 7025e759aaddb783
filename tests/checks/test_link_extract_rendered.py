"""Extraction reads what Jekyll renders: each body below was built with Jekyll 4.3 (kramdown,
GFM parser) and the links and reference uses expected are those of its output."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.links_extract import extract, normalize_label
from pipeline.markdown import anchors
from pipeline.post import load_post

# (id, body, [(line, col, url)], [labels used but not defined: LK001])
RENDERED = [
    # Liquid: {% raw %} prints tags as text; an HTML comment hides Markdown, not Liquid
    ("raw tags are text", "{% raw %}{% post_url 2019-01-01-nope %} {% link nope.md %}{% endraw %}", [], []),
    ("raw with dashes", "{%- raw -%}\n[r]({% post_url 2019-01-01-nope %})\n{%- endraw -%}", [], []),
    ("markdown in raw is rendered", "{% raw %}[a](/kept){% endraw %}", [(1, 14, "/kept")], []),
    ("post_url in a comment renders", "<!-- [c]({% post_url 2020-01-01-a %}) [m](/hidden) -->",
     [(1, 10, "2020-01-01-a")], []),
    ("tag after raw still read", "{% raw %}{{ x }}{% endraw %} {% link b.md %}", [(1, 30, "b.md")], []),
    # a definition in a blockquote defines the label for the whole page
    ("quoted definition", "> [quoted]: https://q.test/\n\n[t][quoted]", [(1, 13, "https://q.test/")], []),
    ("nested quote", "> > [q2]: https://q.test/2\n\n[t][q2]", [(1, 11, "https://q.test/2")], []),
    ("undefined is still reported", "> [quoted]: https://q.test/\n\n[t][other]", [(1, 13, "https://q.test/")], ["other"]),
    # raw HTML elements and math: no Markdown inside, HTML attributes still count
    ("script", "<script>var a = x[x][y]; b = [c](/d);</script>", [], []),
    ("pre", '<pre>\na[x][y2]\n<a href="/in-pre">p</a>\n</pre>', [(3, 10, "/in-pre")], []),
    ("display math", "$$\na[x][y3]\n$$\n\n[t][z]", [], ["z"]),
    ("inline math", "where $$a[i][j]$$ holds", [], []),
    ("style then text", "<style>a[x][y]{}</style>\n\n[t][w]", [], ["w"]),
    # kramdown's comment extension renders nothing; Liquid inside it still runs
    ("kramdown comment", "{::comment}\n[gone](/nope) [r][undefined]\n{:/comment}\n[k](/kept)", [(4, 5, "/kept")], []),
    ("kramdown comment, short close", "{::comment}[a](/b){:/} [c](/d)", [(1, 28, "/d")], []),
    ("liquid in kramdown comment", "{::comment}{% post_url 2020-01-01-x %}{:/comment}", [(1, 12, "2020-01-01-x")], []),
    # the attribute, not data-href / data-src
    ("data-href", '<a data-href="/x" href="/real">d</a>', [(1, 25, "/real")], []),
    ("data-src", '<img data-src="/a.png" src="/b.png">', [(1, 29, "/b.png")], []),
    ("only data-href", '<a data-href="/x">d</a>', [], []),
    # real tags are read as before
    ("attributes over lines", '<a\n  class="c"\n  href="/n">x</a>', [(3, 9, "/n")], []),
    ("unquoted", "<a href=/u>x</a> <iframe width=1 src=/f></iframe>", [(1, 9, "/u"), (1, 38, "/f")], []),
    ("single quotes, upper case", "<A HREF='/q'>x</A>", [(1, 10, "/q")], []),
    ("tag without the attribute", '<a name="n">x</a> <img alt="i">', [], []),
]


@pytest.mark.parametrize(("body", "links", "refs"), [c[1:] for c in RENDERED], ids=[c[0] for c in RENDERED])
def test_extraction_follows_the_rendered_page(body: str, links: list[tuple[int, int, str]], refs: list[str]) -> None:
    found = extract(body)
    assert [(link.line, link.col, link.url) for link in found.links] == links
    assert [ref.label for ref in found.references if normalize_label(ref.label) not in found.definitions] == refs


ANCHOR_BODIES = [
    # (id, body, fragment that Jekyll 4.3 gives an element)
    ("heading in details markdown=1", '<details markdown="1"><summary>S</summary>\n## Tight Heading\n</details>', "tight-heading"),
    ("heading in div markdown=1", '<div markdown="1">\n# In *Div*\n</div>', "in-div"),
    ("explicit id with a dot", "## Version {#v1.2}", "v1.2"),
    ("explicit id with a colon", "## Colon {#a:b}", "a:b"),
    ("explicit id in markdown=1", '<div markdown="1">\n## X {#v2.0}\n</div>', "v2.0"),
]


@pytest.mark.parametrize(("body", "fragment"), [c[1:] for c in ANCHOR_BODIES], ids=[c[0] for c in ANCHOR_BODIES])
def test_ids_jekyll_gives(tmp_path: Path, body: str, fragment: str) -> None:
    path = tmp_path / "2020-01-01-a.md"
    path.write_text("---\ntitle: T\n---\n" + body + "\n", encoding="utf-8")
    found = anchors(load_post(path, path.read_bytes()))
    assert fragment in found
    assert "v1" not in found and "a" not in found


def test_unclosed_tags_are_read_in_linear_time() -> None:
    """'<a' or '<img' never followed by '>' once made every opener scan the rest of the text:
    150 KB took 13 s. Each is now read only up to the next '<'."""
    import time

    for text in ("if x<a then y. " * 10_000, "if x<img then y. " * 10_000, "<a title=x " * 15_000):
        start = time.perf_counter()
        assert extract(text).links == ()
        assert time.perf_counter() - start < 1.0
