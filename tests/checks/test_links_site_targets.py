"""LK002/LK003 against the posts and pages Jekyll really builds (each case checked with Jekyll 4.3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_links import (  # tests/checks is on sys.path (pytest's rootdir insertion)
    FM,
    context,
    lint,
    write_site,
)

from pipeline.checks import links

POSTS_WITH_OWN_URLS = {
    "_posts/2020-01-02-b.md": "---\ntitle: B\nslug: bee\n---\nhi\n",
    "_posts/2020-01-07-g.md": "---\ntitle: G\npermalink: /articles/hello-world/\n---\nhi\n",
    "_posts/2020-01-08-Ünïcode Title.md": "---\ntitle: U\n---\nhi\n",
}


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[a](/2020/01/02/bee.html)", []),  # slug: in front matter
        ("[a](/2020/01/02/b.html)", [(5, 5, "LK003")]),  # ... and not at the file name's slug
        ("[a](/articles/hello-world/)", []),  # permalink: in front matter
        ("[a](/2020/01/07/g.html)", [(5, 5, "LK003")]),
        ("[a](/2020/01/08/Ünïcode-Title.html)", []),  # a file name with a space, slugified by Jekyll
        ("[a](/2020/01/08/%C3%9Cn%C3%AFcode-Title.html)", []),
        ("[a](/2020/01/08/Ünïcode Title.html)", [(5, 5, "LK003")]),
    ],
)
def test_posts_found_at_the_url_jekyll_gives_them(tmp_path: Path, markdown: str, expected: list[tuple[int, int, str]]) -> None:
    files = {**POSTS_WITH_OWN_URLS, "_posts/2020-03-03-main.md": FM + markdown + "\n"}
    assert [(line, col, code) for name, line, col, code in lint(tmp_path, files, offline=True)
            if name == "2020-03-03-main.md"] == expected


def test_slug_from_the_site_defaults(tmp_path: Path) -> None:
    posts = write_site(tmp_path, {"_posts/2020-01-02-b.md": FM + "hi\n", "_posts/2020-03-03-main.md": FM + "[a](/2020/01/02/bee.html)\n"})
    (tmp_path / "_config.yml").write_text("defaults:\n  - scope: {path: _posts/2020-01-02-b.md}\n    values: {slug: bee}\n")
    ctx = context(tmp_path, offline=True)
    assert list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx)) == []
