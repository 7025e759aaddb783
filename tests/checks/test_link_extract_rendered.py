"""Extraction reads what Jekyll renders: each body below was built with Jekyll 4.3 (kramdown,
GFM parser) and the links and reference uses expected are those of its output."""

from __future__ import annotations

import pytest

from pipeline.links_extract import extract

# (id, body, [(line, col, url)], [reference labels used])
RENDERED = [
    # Liquid: {% raw %} prints tags as text; an HTML comment hides Markdown, not Liquid
    ("raw tags are text", "{% raw %}{% post_url 2019-01-01-nope %} {% link nope.md %}{% endraw %}", [], []),
    ("raw with dashes", "{%- raw -%}\n[r]({% post_url 2019-01-01-nope %})\n{%- endraw -%}", [], []),
    ("markdown in raw is rendered", "{% raw %}[a](/kept){% endraw %}", [(1, 14, "/kept")], []),
    ("post_url in a comment renders", "<!-- [c]({% post_url 2020-01-01-a %}) [m](/hidden) -->",
     [(1, 10, "2020-01-01-a")], []),
    ("tag after raw still read", "{% raw %}{{ x }}{% endraw %} {% link b.md %}", [(1, 30, "b.md")], []),
]


@pytest.mark.parametrize(("body", "links", "refs"), [c[1:] for c in RENDERED], ids=[c[0] for c in RENDERED])
def test_extraction_follows_the_rendered_page(body: str, links: list[tuple[int, int, str]], refs: list[str]) -> None:
    found = extract(body)
    assert [(link.line, link.col, link.url) for link in found.links] == links
    assert [ref.label for ref in found.references] == refs
