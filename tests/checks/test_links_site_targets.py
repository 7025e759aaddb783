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
from pipeline.post import load_post

POSTS_WITH_OWN_URLS = {
    "_posts/2020-01-01-unpub.md": "---\ntitle: U\npublished: false\n---\nhi\n",  # at no URL
    "_posts/2099-01-01-fut.md": "---\ntitle: F\n---\nhi\n",  # not yet
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
        ("[a](/2020/01/01/unpub.html) [b](/2099/01/01/fut.html)", [(5, 5, "LK003"), (5, 33, "LK003")]),
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


def lint_cli(*argv: str) -> list[str]:
    """Finding lines of `pipeline lint --offline --no-cache --select LK ARGV` (the run a pre-commit hook makes)."""
    import io

    from pipeline import cli

    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["lint", "--offline", "--no-cache", "--format", "text", "--select", "LK", *argv], stdout=out, stderr=err)
    assert code in (0, 1), err.getvalue()
    return [line for line in out.getvalue().splitlines() if ": LK" in line]


CATEGORY_FOLDER_LINKS = [
    ("{% post_url news/2020-02-02-catpost %}", []),  # news/_posts/: Jekyll's matcher takes it
    ("{% post_url 2020-02-02-catpost %}", ["LK002"]),  # a warning: only Jekyll's deprecated matching finds it
    ("{% post_url 2020-02-02-other %}", ["LK002"]),
    ("[the cat post](/news/2020/02/02/catpost.html)", []),
    ("[the cat post](/2020/02/02/catpost.html)", ["LK003"]),  # its category folder is in its URL
    ("{% post_url old/2020-02-03-sub %}", []),  # _posts/old/: the other side of _posts
    ("{% post_url _x/2020-02-04-hidden %}", ["LK002"]),  # _x/_posts/ is not read by Jekyll
]


@pytest.mark.parametrize(("markdown", "codes"), CATEGORY_FOLDER_LINKS, ids=[m for m, _ in CATEGORY_FOLDER_LINKS])
def test_posts_in_category_folders_on_a_one_file_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      markdown: str, codes: list[str]) -> None:
    write_site(tmp_path, {
        "news/_posts/2020-02-02-catpost.md": FM + "hi\n", "_posts/old/2020-02-03-sub.md": FM + "hi\n",
        "_x/_posts/2020-02-04-hidden.md": FM + "hi\n", "_posts/2020-03-03-main.md": FM + markdown + "\n",
    })
    monkeypatch.chdir(tmp_path)
    assert [line.split()[1] for line in lint_cli("_posts/2020-03-03-main.md")] == codes


PAGES = {
    "about.md": "---\ntitle: A\n---\nabout\n",
    "docs/guide.html": "---\ntitle: G\n---\ng\n",  # HTML with front matter: rendered, so moved too
    "docs/index.md": "---\ntitle: I\n---\ni\n",
    "static.html": "<p>static</p>\n",  # no front matter: copied where it lies
    "fixed.md": "---\npermalink: /fixed.html\n---\nf\n",
}
PAGE_LINKS = "[a](/about.html) [b](/docs/guide.html) [c](/static.html) [d](/docs/index.html) [e](/about/) [f](/about) [g](/fixed.html)"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("permalink: pretty\n", {"/about.html": "/about/", "/docs/guide.html": "/docs/guide/"}),
        ("permalink: /:year/:title/\n", {"/about.html": "/about/", "/docs/guide.html": "/docs/guide/"}),
        # about.md is at /about.html: GitHub Pages answers /about, never /about/ (jekyll serve does)
        ("permalink: date\n", {"/about/": "/about.html"}),
        ("permalink: /:year/:title:output_ext\n", {"/about/": "/about.html"}),
    ],
)
def test_pages_under_a_permalink_style_ending_in_a_slash(tmp_path: Path, config: str, expected: dict[str, str]) -> None:
    """Jekyll 4.3 with `permalink: pretty` (or any template ending in '/') writes about.md to
    /about/index.html and nothing at /about.html; index pages and static files stay."""
    posts = write_site(tmp_path, {**PAGES, "_posts/2020-01-01-m.md": FM + PAGE_LINKS + "\n"})
    (tmp_path / "_config.yml").write_text(config)
    ctx = context(tmp_path, offline=True)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx))
    moved = {f.message.split("'")[1]: f.message for f in found if "served at" in f.message}
    assert {url: m.rsplit("served at ", 1)[1].split(";")[0] for url, m in moved.items()} == expected
    assert len(found) == len(expected) and all(f.code == "LK003" for f in found)


WRITTEN_PAGES = {
    "docs/plain.md": "# Doc\n",  # no front matter: copied as docs/plain.md
    "docs/fm.md": "---\ntitle: G\n---\n# G\n",  # rendered to docs/fm.html
    "about.md": "---\ntitle: About\npermalink: /about/\n---\nx\n",  # written as about/index.html
    "team.md": "---\ntitle: Team\npermalink: /team.html\n---\nx\n",  # written as team.html only
    "css/main.scss": "---\n---\nbody { color: red; }\n",  # converted to css/main.css
    "css/raw.scss": "body { color: red; }\n",  # no front matter: copied as css/raw.scss
    "secret.md": "---\ntitle: S\npublished: false\n---\nx\n",  # left out of the site
}


@pytest.mark.parametrize(
    ("extra", "markdown", "expected"),
    [
        ({}, "[a](/docs/plain.html) [b](/docs/plain/) [c](/docs/plain.md)", [(5, 5, "LK003"), (5, 27, "LK003")]),
        ({}, "[a](/docs/fm.html) [b](/about/index.html) [c](/about/) [d](/team/index.html)", [(5, 60, "LK003")]),
        ({}, "[a](/css/main.css) [b](/css/raw.css)", [(5, 24, "LK003")]),
        ({}, "[a](/secret.html) [b]({% link secret.md %})", [(5, 5, "LK003"), (5, 23, "LK003")]),
        # GitHub Pages (jekyll-optional-front-matter) renders Markdown without front matter
        ({"Gemfile": "gem 'github-pages', group: :jekyll_plugins\n"}, "[a](/docs/plain.html)", []),
    ],
)
def test_pages_at_the_files_jekyll_writes(tmp_path: Path, extra: dict[str, str], markdown: str,
                                         expected: list[tuple[int, int, str]]) -> None:
    files = {**WRITTEN_PAGES, **extra, "_posts/2020-03-03-main.md": FM + markdown + "\n"}
    assert [(line, col, code) for name, line, col, code in lint(tmp_path, files, offline=True)
            if name == "2020-03-03-main.md"] == expected


LINKED_PAGES = {
    "about.md": "---\ntitle: About\npermalink: /about/\n---\n",
    "docs/guide.md": "---\ntitle: Guide\nlayout: page\n---\n",
    "docs/index.md": "---\ntitle: Docs\nlayout: page\n---\n",
    "docs/intro.md": "---\ntitle: Intro\npermalink: /intro/\n---\n",
    "docs/plain.md": "---\ntitle: Plain\nlayout: page\n---\n",
    "docs/img/x.png": "png",
    "_posts/2020-01-01-a.md": FM + "text\n",
}


# A page's relative links resolve against the URL Jekyll gives the page, as a post's do
# (each checked with Jekyll 4.3: which href of the built page reaches a file).
@pytest.mark.parametrize(("config", "page", "markdown", "expected"), [
    # about.md is served at /about/: ../ climbs to the site's root
    ("title: t\n", "about.md", "[p](../2020/01/01/a.html) [g](../docs/guide.html) [s](docs/guide.md)", []),
    ("title: t\n", "about.md", "[g](docs/guide.html)", [(5, 5, "LK012")]),  # /about/docs/guide.html
    # docs/guide.md is at /docs/guide.html; intro.md sets permalink: /intro/
    ("title: t\n", "docs/guide.md", "[i](../intro/) [x](img/x.png) [a](../about/) [p](plain.html)", []),
    ("title: t\n", "docs/guide.md", "[i](intro.html)", [(5, 5, "LK012")]),
    # permalink: pretty puts docs/guide.md at /docs/guide/, docs/index.md stays at /docs/
    ("permalink: pretty\n", "docs/guide.md", "[p](../plain/) [x](../img/x.png) [d](../)", []),
    ("permalink: pretty\n", "docs/guide.md", "[p](plain.html) [x](img/x.png)", [(5, 5, "LK012"), (5, 21, "LK012")]),
    ("permalink: pretty\n", "docs/index.md", "[g](guide/) [x](img/x.png)", []),
    ("permalink: pretty\n", "docs/index.md", "[g](guide.html)", [(5, 5, "LK012")]),
    # a permalink `defaults` may give pages is not modelled: the source folder decides, as before
    ("defaults:\n  - scope: {path: docs}\n    values: {permalink: /:basename/}\n", "docs/guide.md", "[x](img/x.png)", []),
    ("defaults:\n  - scope: {path: blog}\n    values: {permalink: /:basename/}\n", "docs/guide.md", "[i](intro.html)",
     [(5, 5, "LK012")]),  # ... but one scoped elsewhere leaves the page at its URL
])
def test_relative_links_of_a_page_resolve_against_its_url(tmp_path: Path, config: str, page: str, markdown: str,
                                                          expected: list[tuple[int, int, str]]) -> None:
    files = dict(LINKED_PAGES)
    files[page] = files[page] + markdown + "\n"
    write_site(tmp_path, files)
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    ctx = context(tmp_path, offline=True)
    facts = {}
    for name in files:
        if name.endswith(".md"):
            post = load_post(tmp_path / name, (tmp_path / name).read_bytes())
            facts[post.display_path] = links.collect(post, ctx) if name == page else links.summarize(links.collect(post, ctx))
    found = links.check_site(facts, ctx)
    assert [(f.line, f.col, f.code) for f in found] == expected


@pytest.mark.parametrize(("config", "page", "markdown", "advice"), [
    ("title: t\n", "docs/guide.md", "[i](intro.html)", "/docs/intro.html, which the site does not have; link to '/intro/'"),
    ("permalink: pretty\n", "docs/guide.md", "[p](plain.html)", "link to '/docs/plain/'"),
    ("permalink: pretty\n", "docs/guide.md", "[a](../about/)", "/docs/about/, which the site does not have; link to '/about/'"),
    ("permalink: pretty\n", "docs/guide.md", "[x](img/x.png)", "link to '/docs/img/x.png'"),
])
def test_a_page_link_that_misses_names_the_url_that_works(tmp_path: Path, config: str, page: str, markdown: str,
                                                          advice: str) -> None:
    files = dict(LINKED_PAGES)
    files[page] = files[page] + markdown + "\n"
    write_site(tmp_path, files)
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    ctx = context(tmp_path, offline=True)
    post = load_post(tmp_path / page, (tmp_path / page).read_bytes())
    (found,) = links.check_site({post.display_path: links.collect(post, ctx)}, ctx)
    assert found.message.endswith(advice), found.message
    assert "but the page is published at" in found.message


FORMED_PAGES = {
    "about.md": "---\ntitle: About\npermalink: /about\n---\n",  # written as about.html
    "team.md": "---\ntitle: Team\npermalink: /team/\n---\n",  # written as team/index.html
    "faq.md": "---\ntitle: FAQ\npermalink: /faq.html\n---\n",  # written as faq.html
    "plain.md": "---\ntitle: Plain\n---\n",  # at /plain.html (or /plain/ under pretty)
}


# The URL forms a server answers for a page, by how its URL ends (Jekyll 4.3 wrote the files
# named above; a server answers /x for x.html and /x for x/index.html, never /x/ for x.html
# nor /x.html for x/index.html)
@pytest.mark.parametrize(("config", "markdown", "expected"), [
    ("title: t\n", ("[a](/about) [b](/about.html) [c](/team/) [d](/team) [e](/team/index.html) [f](/faq.html) [g](/faq)"
                    " [h](/plain.html) [i](/plain)"), []),
    ("title: t\n", "[a](/about/) [b](/team.html) [c](/faq/) [d](/plain/)", [(5, 5, "LK003"), (5, 18, "LK003"), (5, 34, "LK003"),
                                                                            (5, 45, "LK003")]),
    ("permalink: pretty\n", "[a](/plain/) [b](/plain) [c](/about.html)", []),
    # the posts' own permalink (collections.posts) is no page style: pages stay at /plain.html
    ("collections:\n  posts:\n    permalink: /:title/\n", "[a](/plain.html)", []),
    ("collections:\n  posts:\n    permalink: /:title/\n", "[a](/plain/)", [(5, 5, "LK003")]),
])
def test_a_page_answers_at_the_url_forms_of_its_permalink(tmp_path: Path, config: str, markdown: str,
                                                          expected: list[tuple[int, int, str]]) -> None:
    posts = write_site(tmp_path, {**FORMED_PAGES, "_posts/2020-01-01-m.md": FM + markdown + "\n"})
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    ctx = context(tmp_path, offline=True)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx))
    assert [(f.line, f.col, f.code) for f in found] == expected
    assert all("that page is served at" in f.message or "sets `permalink:" in f.message for f in found), [f.message for f in found]
