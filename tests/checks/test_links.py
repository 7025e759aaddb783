"""LK checker: extraction, internal links offline, external verdicts mapped to rules, cache."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from pipeline.checks import links
from pipeline.findings import Severity
from pipeline.links_extract import LinkKind, extract
from pipeline.net.verdict import Kind, Reason, Verdict
from pipeline.post import Post, load_post
from pipeline.registry import Context

DATA = Path(__file__).resolve().parent.parent / "data" / "links"
FM = "---\ntitle: T\nlayout: post\n---\n"  # body starts on file line 5


def defaults(**overrides: Any) -> dict[str, Any]:
    return {**{name: opt.default for name, opt in links.OPTIONS.items()}, **overrides}


def context(root: Path, offline: bool = False, allow_private: bool = False, no_cache: bool = True, **options: Any) -> Context:
    return Context(options=defaults(**options), root=root, offline=offline, no_cache=no_cache,
                   allow_private=allow_private, cache_dir=root / ".cache")


class FakeClient:
    """Answers from a table; records every batch so tests can assert on dedupe."""

    def __init__(self, answers: Mapping[str, tuple[Kind, Reason]] | None = None) -> None:
        self.answers = answers or {}
        self.batches: list[list[str]] = []

    def check(self, urls: Iterable[str]) -> dict[str, Verdict]:
        batch = list(urls)
        self.batches.append(batch)
        return {u: Verdict(u, *self.answers.get(u, (Kind.OK, Reason.OK)), "why") for u in batch}


def write_site(root: Path, files: Mapping[str, str]) -> list[Post]:
    (root / "_config.yml").write_text("title: site\n")
    posts = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if name.startswith("_posts/"):
            posts.append(load_post(path, text.encode()))
    return posts


def lint(root: Path, files: Mapping[str, str], client: FakeClient | None = None, **ctx_args: Any) -> list[tuple[str, int, int, str]]:
    posts = write_site(root, files)
    ctx = context(root, **ctx_args)
    found = [f for post in posts for f in links.check(post, ctx)]
    facts = {p.display_path: links.collect(p, ctx) for p in posts}
    found += list(links.check_site(facts, ctx, client or FakeClient()))
    # LK011 (link text) has its own table in test_link_text.py; these tables use throwaway texts.
    return sorted((Path(f.path).name, f.line, f.col, f.code) for f in found if f.code != "LK011")


# -- extraction --------------------------------------------------------------------------------
EXTRACTION = [
    ("inline", "[a](https://a.test/x \"title\")", [(1, 5, LinkKind.INLINE, "https://a.test/x")]),
    ("image with kramdown ial", "![i](/img.png){:target=\"_blank\"}", [(1, 6, LinkKind.IMAGE, "/img.png")]),
    ("angle destination", "[a](<has space.md>)", [(1, 6, LinkKind.INLINE, "has space.md")]),
    # kramdown takes a destination with spaces whole, title or not (Jekyll 4.3 renders src="/img/my cat.png")
    ("spaces in destination", "![a](/img/my cat.png) [b](my doc.md \"t\")",
     [(1, 6, LinkKind.IMAGE, "/img/my cat.png"), (1, 27, LinkKind.INLINE, "my doc.md")]),
    ("parens in url", "[w](https://w.test/A_(b)) x", [(1, 5, LinkKind.INLINE, "https://w.test/A_(b)")]),
    ("image inside link", "[![i](https://i.test/i.png)](https://o.test/)",
     [(1, 7, LinkKind.IMAGE, "https://i.test/i.png"), (1, 30, LinkKind.INLINE, "https://o.test/")]),
    ("autolink and email", "<https://auto.test> <me@mail.test>",
     [(1, 2, LinkKind.AUTOLINK, "https://auto.test"), (1, 22, LinkKind.AUTOLINK, "mailto:me@mail.test")]),
    ("bare url trailing punctuation", "see https://bare.test/p). Done.", [(1, 5, LinkKind.BARE, "https://bare.test/p")]),
    ("url as link text is one link", "[see https://t.test/](https://t.test/)", [(1, 23, LinkKind.INLINE, "https://t.test/")]),
    ("bare url with port", "at http://127.0.0.1:8080/x, ok", [(1, 4, LinkKind.BARE, "http://127.0.0.1:8080/x")]),
    ("html a and img", "<a href=\"https://h.test/?a=1&amp;b=2\">x</a><img src='p.png'>",
     [(1, 10, LinkKind.HTML, "https://h.test/?a=1&amp;b=2"), (1, 54, LinkKind.HTML, "p.png")]),
    ("definition", "[x][r]\n\n[r]: https://def.test/ \"t\"", [(3, 6, LinkKind.DEFINITION, "https://def.test/")]),
    ("post_url with fragment", "[p]({% post_url 2020-01-02-b %}#sec)", [(1, 5, LinkKind.POST_URL, "2020-01-02-b#sec")]),
    ("baseurl + post_url", "[p]({{ site.baseurl }}{% post_url 2020-01-02-b %})", [(1, 23, LinkKind.POST_URL, "2020-01-02-b")]),
    ("liquid link", "{% link assets/a.pdf %}", [(1, 1, LinkKind.LIQUID_LINK, "assets/a.pdf")]),
    ("code span ignored", "`https://code.test` and ``[a](b.md)``", []),
    ("fenced code ignored", "```\nhttps://fence.test\n[a](b.md)\n```\n", []),
    ("indented code ignored", "para\n\n    https://indented.test\n", []),
    ("liquid highlight ignored", "{% highlight sh %}\ncurl https://hl.test\n{% endhighlight %}", []),
    ("html comment ignored", "<!-- https://comment.test -->", []),
    ("escaped bracket", "\\[not](a link)", []),
    ("footnote is not a reference", "x[^1]\n\n[^1]: note", []),
]


@pytest.mark.parametrize(("markdown", "expected"), [(m, e) for _, m, e in EXTRACTION], ids=[i for i, _, _ in EXTRACTION])
def test_extraction(tmp_path: Path, markdown: str, expected: list[tuple[int, int, LinkKind, str]]) -> None:
    post = load_post(tmp_path / "2020-01-01-a.md", (FM + markdown).encode())
    found = [(link.line - 4, link.col, link.kind, link.url) for link in links.extracted(post).links]
    assert found == expected


def test_references_and_definitions_are_found_with_positions() -> None:
    found = extract("[a][One] [b][two] [One][]\n\n[one]: https://x.test\n", first_line=10)
    assert [(r.label, r.line, r.col) for r in found.references] == [("One", 10, 1), ("two", 10, 10), ("One", 10, 19)]
    assert found.definitions == frozenset({"one"})


# -- rules, offline --------------------------------------------------------------------------
OTHER = FM + "## Second Part\n\n## Kramdown *Style*\n\n### Custom {#my-id}\n\n<div id=\"html-id\"></div>\n"
RULE_CASES = [
    ("LK001 undefined reference", "[text][nope]\n\n[yes]: https://ok.test\n[also][yes]", [(5, 1, "LK001")]),
    ("LK001 collapsed reference defined", "[Yes][]\n\n[yes]: https://ok.test", []),
    ("LK002 post_url missing", "[p]({% post_url 2020-01-03-gone %})", [(5, 5, "LK002")]),
    ("LK002 post_url found", "[p]({% post_url 2020-01-02-other %})", []),
    # Liquid runs before Markdown: a tag in code is rendered (and stops the build), one in raw is text
    ("LK002 post_url in code", "```\n{% post_url 2020-01-03-a %}\n```\n`{% post_url 2020-01-03-b %}`\n"
     "{% highlight md %}\n{% post_url 2020-01-03-c %}\n{% endhighlight %}\n{% raw %}{% post_url 2020-01-03-d %}{% endraw %}"
     "{% comment note %}{% post_url 2020-01-03-e %}{% endcomment %}",
     [(6, 1, "LK002"), (8, 2, "LK002"), (10, 1, "LK002")]),
    ("LK003 relative file missing", "![i](img/none.png)", [(5, 6, "LK003")]),
    ("LK003 root file found", "![i](/assets/pic.png) ![j]({{ site.baseurl }}/assets/pic.png)", []),
    ("LK003 url filters", "![i]({{ '/assets/pic.png' | relative_url }}) ![j]({{ \"assets/gone.png\" | absolute_url }}) "
     "<img src=\"{{ '/assets/lost.png' | prepend: site.baseurl }}\"> [k]({{ 'https://e.test/x' | absolute_url }})",
     [(5, 51, "LK003"), (5, 101, "LK003")]),
    ("LK012 relative file beside post", "[d](notes.txt)", [(5, 5, "LK012")]),  # _posts/ is not published
    ("LK012 relative asset", "![i](assets/pic.png) ![j](../assets/pic.png)", [(5, 6, "LK012"), (5, 27, "LK012")]),
    ("LK012 relative link to a post's URL", "[o](../02/other.html) [p](2020-01-02-other.md)", []),
    ("LK012 relative page link", "[a](../../../about.html) [b](../about.html)", [(5, 30, "LK012")]),
    ("LK003 liquid link missing", "{% link assets/missing.pdf %}", [(5, 1, "LK003")]),
    ("LK003 liquid link found", "{% link about.md %} [a](/about) [b](/about.html)", []),
    ("LK003 post permalink", "[b](/2020/01/02/other.html)", []),
    # hard-wrapped prose: a link text may run over a line break, not over a blank line
    ("wrapped link texts", "See the [full\nguide](#nowhere), [ref\nlink][nolabel] and [click\nhere](#top).\n\n[not\n\nlink](#nope)",
     [(6, 8, "LK004"), (6, 19, "LK001")]),
    ("link text never runs into another block", "> Quote [first\n>\n> second](/nope-q/) end\n\n* item [one\n* two](/nope-l/)\n\n"
     "[heading\n# Title](/nope-h/)", []),
    ("LK004 same post anchor", "## Intro Text\n\n[a](#intro-text) [b](#intro) [c](#top) [d](#)", [(7, 22, "LK004")]),
    ("LK004 other post anchors", ("[a]({% post_url 2020-01-02-other %}#second-part) [b]({% post_url 2020-01-02-other %}#kramdown-style)"
     " [c]({% post_url 2020-01-02-other %}#my-id) [d](2020-01-02-other.md#html-id)"), []),
    ("LK004 other post missing anchor", "[a]({% post_url 2020-01-02-other %}#nope)", [(5, 5, "LK004")]),
    ("LK004 link tag anchor", "{% link _posts/2020-01-02-other.md %}#second-part {% link _posts/2020-01-02-other.md %}#x", [(5, 51, "LK004")]),
    ("LK009 bad mailto", "<mailto:jane.example.com> [m](mailto:a@b.test,c@d.test?subject=hi)", [(5, 2, "LK009")]),
    ("LK009 mailto address in the query", "[m](mailto:?to=a@b.test&subject=hi) [n](mailto:?subject=hi) [o](mailto:?to=nobody)",
     [(5, 41, "LK009"), (5, 65, "LK009")]),
    ("LK009 bad tel", "[t](tel:call-me) [u](tel:+1-201-555-0123)", [(5, 5, "LK009")]),
    ("LK010 malformed", "[a]() [b](www.example.com) [c](http//x.test) [d](https://)", [(5, 5, "LK010"), (5, 11, "LK010"), (5, 32, "LK010"), (5, 50, "LK010")]),
    ("liquid variables skipped", "{% link {{ page.pdf }} %} [a]({{ page.url }}) [b]({{ site.data.x }}/y)", []),
    ("unknown schemes skipped", "[f](ftp://x.test/f) [j](javascript:void(0)) [d](data:text/plain,x)", []),
    ("exclude regex", "[a](#nope) [b](img/none.png)", []),
]


@pytest.mark.parametrize(("markdown", "expected"), [(m, e) for _, m, e in RULE_CASES], ids=[i for i, _, _ in RULE_CASES])
def test_rules_offline(tmp_path: Path, markdown: str, expected: list[tuple[int, int, str]]) -> None:
    exclude = [r"^#nope$", r"none\.png"] if markdown.startswith("[a](#nope) [b]") else []
    files = {
        "_posts/2020-01-01-main.md": FM + markdown + "\n",
        "_posts/2020-01-02-other.md": OTHER,
        "_posts/notes.txt": "x",
        "assets/pic.png": "png",
        "about.md": FM + "about",
    }
    found = lint(tmp_path, files, offline=True, exclude=exclude)
    assert [(line, col, code) for name, line, col, code in found if name == "2020-01-01-main.md"] == expected


def test_offline_makes_no_external_calls(tmp_path: Path) -> None:
    client = FakeClient()
    lint(tmp_path, {"_posts/2020-01-01-a.md": FM + "https://x.test/a\n"}, client, offline=True)
    assert client.batches == []


# -- external verdicts -> rules ------------------------------------------------------------------
def test_external_verdicts_map_to_rules_and_each_url_is_checked_once(tmp_path: Path) -> None:
    answers = {
        "https://x.test/404": (Kind.ERROR, Reason.HTTP_STATUS),
        "https://x.test/wall": (Kind.WARNING, Reason.BOT_WALL),
        "http://10.0.0.1/admin": (Kind.WARNING, Reason.PRIVATE),
        "https://x.test/page#gone": (Kind.ERROR, Reason.ANCHOR),
    }
    body = "\n".join(["https://x.test/ok", *answers, "https://x.test/404"]) + "\n"
    client = FakeClient(answers)
    found = lint(tmp_path, {"_posts/2020-01-01-a.md": FM + body, "_posts/2020-01-02-b.md": FM + "<https://x.test/404>\n"}, client)
    assert found == [
        ("2020-01-01-a.md", 6, 1, "LK005"), ("2020-01-01-a.md", 7, 1, "LK006"), ("2020-01-01-a.md", 8, 1, "LK007"),
        ("2020-01-01-a.md", 9, 1, "LK008"), ("2020-01-01-a.md", 10, 1, "LK005"), ("2020-01-02-b.md", 5, 2, "LK005"),
    ]
    assert len(client.batches) == 1 and sorted(client.batches[0]) == sorted({"https://x.test/ok", *answers})


@pytest.mark.parametrize(
    ("include", "exclude", "checked"),
    [
        ([], [], ["https://a.test/1", "https://b.test/2"]),
        ([], ["a\\.test"], ["https://b.test/2"]),
        (["a\\.test"], [], ["https://a.test/1"]),
        (["/1$"], ["\\.test"], ["https://a.test/1"]),
    ],
)
def test_include_and_exclude(tmp_path: Path, include: list[str], exclude: list[str], checked: list[str]) -> None:
    client = FakeClient()
    lint(tmp_path, {"_posts/2020-01-01-a.md": FM + "https://a.test/1 https://b.test/2\n"}, client, include=include, exclude=exclude)
    assert sorted(u for batch in client.batches for u in batch) == checked


@pytest.mark.parametrize(
    ("items", "codes"),
    [(["200..=299"], set(range(200, 300))), ([200, "429"], {200, 429}), (["200..204"], {200, 201, 202, 203})],
)
def test_parse_accept(items: list[object], codes: set[int]) -> None:
    assert links.parse_accept(items) == codes


@pytest.mark.parametrize(("key", "value"), [("exclude", ["("]), ("accept", ["2xx"]), ("headers", {"h.test": {"A": 1}})])
def test_bad_options_are_config_errors(tmp_path: Path, key: str, value: object) -> None:
    from pipeline.errors import ConfigError

    with pytest.raises(ConfigError, match=key):
        links.prepare_options(defaults(**{key: value}), tmp_path, "pipeline.toml [links]")


# -- end to end with a real loopback server and the disk cache --------------------------------------
class _Handler(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - per-server list set in the fixture

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self.hits.append(self.path)
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD


@pytest.fixture
def site_server() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Handler,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_real_server_with_cache(tmp_path: Path, site_server: tuple[str, list[str]]) -> None:
    base, hits = site_server
    files = {"_posts/2020-01-01-a.md": FM + f"[ok]({base}/ok) [gone]({base}/gone)\n"}
    posts = write_site(tmp_path, files)
    ctx = context(tmp_path, allow_private=True, no_cache=False, backoff=0.01, interval=0.0)
    facts = {p.display_path: links.collect(p, ctx) for p in posts}
    first = [(f.code, f.col) for f in links.check_site(facts, ctx)]
    second = [(f.code, f.col) for f in links.check_site(facts, ctx)]
    assert first == second == [("LK005", 18 + len(base))]
    assert hits.count("/ok") == 1  # the success came from the cache the second time
    assert hits.count("/gone") == 4  # HEAD then GET, on each run: failures are re-checked


def test_loopback_refused_without_allow_private(tmp_path: Path, site_server: tuple[str, list[str]]) -> None:
    base, hits = site_server
    posts = write_site(tmp_path, {"_posts/2020-01-01-a.md": FM + f"{base}/ok\n"})
    ctx = context(tmp_path)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx))
    assert [(f.code, f.severity.value) for f in found] == [("LK007", "warning")] and hits == []
    assert "loopback" in found[0].message


def test_rules_metadata() -> None:
    codes = [rule.code for rule in links.RULES]
    assert codes == [f"LK{n:03d}" for n in range(1, len(codes) + 1)]
    for rule in links.RULES:
        assert rule.name == rule.name.lower() and " " not in rule.name
        assert rule.summary and "Bad" in rule.doc and "Good" in rule.doc


def test_site_targets_are_fetched_one_by_one_not_the_whole_index(tmp_path: Path) -> None:
    """A one-post run on a large site must not load every other post: only the posts a
    link targets are fetched (Site.get), the rest is known by name from Site.keys."""
    from dataclasses import replace as _replace

    from pipeline.registry import Site
    from pipeline.runner import FileResult
    from pipeline.suppress import Suppressions

    fm = "---\ntitle: T\n---\n"
    posts = write_site(tmp_path, {
        "_posts/2020-01-01-a.md": fm + "See {% post_url 2020-01-02-b %}#intro and {% post_url 2020-01-09-gone %}.\n",
        "_posts/2020-01-02-b.md": fm + "# Intro\n\ntext\n",
        **{f"_posts/2020-02-{d:02d}-x.md": fm + "filler\n" for d in range(1, 20)},
    })
    ctx = context(tmp_path, offline=True)
    facts = {p.display_path: links.collect(p, ctx) for p in posts}
    results = {str(p.path.resolve()): FileResult(p.display_path, (), {"links": facts[p.display_path]}, Suppressions({}))
               for p in posts}
    fetched: list[str] = []

    def one(resolved: str) -> FileResult | None:
        fetched.append(Path(resolved).name)
        return results.get(resolved)

    def whole_index() -> dict[str, FileResult]:
        raise AssertionError("the whole index was loaded")

    site = Site((), tmp_path, whole_index, lambda: {k: "key" for k in results}, one)
    linted = {posts[0].display_path: facts[posts[0].display_path]}
    found = [(f.code, f.message) for f in links.check_site(linted, _replace(ctx, site=site))]
    assert [code for code, _ in found] == ["LK002"]  # gone is reported, b#intro exists
    assert fetched == ["2020-01-02-b.md"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("title: site\n", "'../assets/pic.png' works from the source folder, but the post is published at "
         "/2020/01/01/main.html, so the browser asks for /2020/01/assets/pic.png, which the site does not have; "
         "link to '/assets/pic.png'"),
        ("baseurl: /blog\n", "'../assets/pic.png' works from the source folder, but the post is published at "
         "/blog/2020/01/01/main.html, so the browser asks for /blog/2020/01/assets/pic.png, which the site does not "
         "have; link to '{{ '/assets/pic.png' | relative_url }}'"),
        ("permalink: /:title.html\n", None),  # posts published at the root: the link works there too
    ],
)
def test_relative_link_judged_from_the_post_url(tmp_path: Path, config: str, expected: str | None) -> None:
    posts = write_site(tmp_path, {"_posts/2020-01-01-main.md": FM + "![a cat](../assets/pic.png)\n", "assets/pic.png": "png"})
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    ctx = context(tmp_path, offline=True)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    assert [f.message for f in found] == ([expected] if expected else [])
    assert all((f.code, f.line, f.col, f.severity) == ("LK012", 5, 10, Severity.ERROR) for f in found)


def test_a_relative_link_to_a_post_file_names_the_posts_url(tmp_path: Path) -> None:
    files = {"_posts/2021-05-01-target.md": FM + "## S\n", "_posts/news/2021-05-03-inner.md": FM + "x\n",
             "_posts/2021-05-02-src.md": FM + "[the target](2021-05-01-target.html) [inner](news/2021-05-03-inner.html)\n"}
    posts = write_site(tmp_path, files)
    (tmp_path / "_config.yml").write_text("title: site\n", encoding="utf-8")
    ctx = context(tmp_path, offline=True)
    found = [f.message for f in links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient())]
    assert [m.split("; ")[-1] for m in found] == [
        "that post is published at /2021/05/01/target.html: link to it with {% post_url 2021-05-01-target %}",
        "that post is published at /2021/05/03/inner.html: link to it with {% post_url news/2021-05-03-inner %}",
    ]


SITE_PAGES = {
    "pages/about.md": "---\ntitle: About\npermalink: /about/\n---\nhi\n",
    "pages/tpl.md": "---\npermalink: /:basename/\n---\nhi\n",  # a template: no fixed URL
    "_data/x.json": "{}",
    ".github/notes.md": "x",
    "notes/n.png": "png", "assets/art.psd": "psd", "node_modules/x.js": "x", "pub/_inner/i.png": "png",
    "atom.xml": "---\npermalink: /feed.xml\n---\n<feed/>", "pages/c.md": "---\npermalink: /commented/ # here\n---\nx",
    "pages/crlf.md": "---\r\ntitle: C\r\npermalink: /crlf/\r\n---\r\nx",
    "_redirects": "x",
    "assets/pic.png": "png",
}


@pytest.mark.parametrize(
    ("config", "markdown", "expected"),
    [
        ("title: t\n", "[a](/about/) [b](/about) [c](../../../about/) [d](/tpl/)", [(5, 51, "LK003")]),
        ("title: t\n", "[d](/_data/x.json) [g](/.github/notes.md) [r](/_redirects)",
         [(5, 5, "LK003"), (5, 24, "LK003"), (5, 47, "LK003")]),
        ("include: [_redirects]\n", "[r](/_redirects)", []),
        ("permalink: /:title.html\n", "![i](img.png)", [(5, 6, "LK012")]),  # _posts/img.png is never published
        ("permalink: /:title.html\n", "![i](assets/pic.png)", []),
        # Jekyll's default excludes and the site's own, globs and prefixes; include wins
        ("exclude: [notes, '*.psd']\n", "[n](/notes/n.png) [p](/assets/art.psd) [m](/node_modules/x.js)",
         [(5, 5, "LK003"), (5, 23, "LK003"), (5, 44, "LK003")]),
        ("include: ['_inn*']\n", "[i](/pub/_inner/i.png)", []),
        # exclude matches the path from the site folder, not a nested file's bare name
        ("exclude: [n.png]\n", "[n](/notes/n.png)", []),
        # posts are found by their URL, not only by the last part of it
        ("title: t\n", "[a](/2020/01/02/other.html) [b](/2020/01/02/other) [c](/1999/01/01/other.html) "
                        "[d](/2020/01/02/other/)", [(5, 56, "LK003"), (5, 84, "LK003")]),
        ("permalink: pretty\n", "[a](/2020/01/02/other/) [b](/2020/01/02/other.html)", [(5, 29, "LK003")]),
        # a page's permalink however its front matter spells it, for any kind of page
        ("title: t\n", "[f](/feed.xml) [c](/commented/) [r](/crlf/)", []),
        ("baseurl: /blog\n", "[home]({{ site.baseurl }}/) [root](/blog/)", []),  # the site's root is no post (found by fuzzing)
        ("title: t\n", "[a](/pages/about.html) [b](/pages/c.md)", [(5, 5, "LK003"), (5, 28, "LK003")]),  # moved by permalink
        ("title: t\n", "[a](/pages/about/)", [(5, 5, "LK003")]),
        # baseurl: root-absolute links must carry it, {{ site.baseurl }} links already do
        ("baseurl: blog\n", "[a](/blog/assets/pic.png) [b](/assets/pic.png) [c]({{ site.baseurl }}/assets/pic.png)"
                             " [d](/blog/about/)", [(5, 31, "LK003")]),
        # {% link %}: a path from the site folder, to a file Jekyll publishes (or a post)
        ("title: t\n", "{% link ./assets/pic.png %} {% link _data/x.json %} {% link _posts/2020-01-02-other.md %}",
         [(5, 1, "LK003"), (5, 29, "LK003")]),
        # post_url to a post Jekyll leaves out stops the build
        ("title: t\n", "{% post_url 2020-01-03-hidden %} {% post_url 2999-01-01-later %}", [(5, 1, "LK002"), (5, 34, "LK002")]),
        ("future: true\n", "{% post_url 2999-01-01-later %}", []),
        # unpublished by a default scoped to its path, not by its own front matter
        ("defaults:\n  - scope: {path: _posts/2020-01-02}\n    values: {published: false}\n",
         "{% post_url 2020-01-02-other %}", [(5, 1, "LK002")]),
    ],
)
def test_links_judged_against_the_built_site(tmp_path: Path, config: str, markdown: str,
                                             expected: list[tuple[int, int, str]]) -> None:
    files = {**SITE_PAGES, "_posts/img.png": "png", "_posts/2020-01-01-main.md": FM + markdown + "\n",
             "_posts/2020-01-02-other.md": FM + "x\n", "_posts/2020-01-03-hidden.md": "---\ntitle: H\npublished: false\n---\nx\n",
             "_posts/2999-01-01-later.md": FM + "x\n"}
    posts = write_site(tmp_path, files)
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    ctx = context(tmp_path, offline=True)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    assert [(f.line, f.col, f.code) for f in found] == expected
    moved = [f.message for f in found if f.message.startswith("'/pages/about")]
    assert all(m.endswith("is not on the built site: that page sets `permalink: /about/`, so link to it there")
               for m in moved)
    hidden = [f.message for f in found if "/_data/" in f.message]
    assert hidden in ([], ["'/_data/x.json' is not on the built site: Jekyll leaves out files under folders starting "
                           "with '_' or '.', and those `exclude` names (list it under `include` in _config.yml to "
                           "publish it)"])


def test_the_final_url_is_named_once(tmp_path: Path) -> None:
    class Redirected(FakeClient):
        def check(self, urls: Iterable[str]) -> dict[str, Verdict]:
            return {u: Verdict(u, Kind.ERROR, Reason.HTTP_STATUS, msg, 404, "https://b.test/end")
                    for u, msg in zip(urls, ["HTTP 404 Not Found", "more than 10 redirects (... -> https://b.test/end)"])}

    posts = write_site(tmp_path, {"_posts/2020-01-01-main.md": FM + "[a](https://a.test/1) [b](https://a.test/2)\n"})
    ctx = context(tmp_path)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, Redirected()))
    assert sorted(f.message for f in found) == [
        "https://a.test/1: HTTP 404 Not Found (after redirects to https://b.test/end)",
        "https://a.test/2: more than 10 redirects (... -> https://b.test/end)",
    ]


@pytest.mark.parametrize("config", ["permalink: pretty\n", "permalink: date\n"])
def test_a_dotted_slug_is_a_post_url_not_a_file_extension(tmp_path: Path, config: str) -> None:
    """python-3.12-released and node.js are slugs: Jekyll serves them at their URL."""
    pretty = "pretty" in config
    links_md = " ".join(f"[{name} post](/2019/01/0{day}/{name}{'/' if pretty else '.html'}#a)"
                        for day, name in ((2, "python-3.12-released"), (3, "node.js")))
    files = {"_posts/2019-01-02-python-3.12-released.md": FM + "## A\n", "_posts/2019-01-03-node.js.md": FM + "## A\n",
             "_posts/2022-02-02-p.md": FM + links_md + " [gone](/2019/01/09/nope-3.1/)\n"}
    posts = write_site(tmp_path, files)
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    ctx = context(tmp_path, offline=True)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    assert [(f.code, f.message.split(":")[0]) for f in found] == [("LK003", "no such file")]


def test_link_tags_jekyll_cannot_resolve_stop_the_build(tmp_path: Path) -> None:
    """Each of these stops `jekyll build` with "Could not find document" (checked with 4.3):
    an unpublished or future post, a page written with a leading '/', a folder."""
    tags = ["_posts/2020-09-09-hidden.md", "_posts/2999-01-01-later.md", "/about.md", "docs", "about.md", "/logo.png"]
    files = {"_posts/2020-09-09-hidden.md": "---\ntitle: H\npublished: false\n---\nh\n", "_posts/2999-01-01-later.md": FM + "l\n",
             "about.md": FM + "a\n", "docs/index.md": FM + "d\n", "logo.png": "png",
             "_posts/2022-02-02-p.md": FM + " ".join(f"[the {i}]({{% link {t} %}})" for i, t in enumerate(tags)) + "\n"}
    posts = write_site(tmp_path, files)
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    ctx = context(tmp_path, offline=True)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    assert [(f.code, f.message.split(" names ")[0]) for f in found] == [("LK003", f"{{% link {t} %}}") for t in tags[:4]]


@pytest.mark.parametrize(("config", "link", "found"), [
    ("permalink: /blog/:title\n", "/blog/one.html#a", []),  # an extensionless URL: Jekyll writes one.html
    ("permalink: pretty\n", "/2019/01/02/one/index.html#a", []),  # the file a pretty URL is served from
    ("permalink: pretty\n", "/2019/01/02/two/index.html", ["LK003"]),
])
def test_a_post_url_naming_the_written_file(tmp_path: Path, config: str, link: str, found: list[str]) -> None:
    posts = write_site(tmp_path, {"_posts/2019-01-02-one.md": FM + "## A\n", "_posts/2022-02-02-p.md": FM + f"[the target]({link})\n"})
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    ctx = context(tmp_path, offline=True)
    assert [f.code for f in links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient())] == found


def test_posts_in_folders_jekyll_skips_are_no_posts(tmp_path: Path) -> None:
    """A whole-site lint finds archive/_posts and _old/_posts; Jekyll, with `exclude: [archive]`,
    reads neither, so a post_url or URL to them stops the build or 404s."""
    files = {"archive/_posts/2018-01-02-arc.md": FM + "a\n", "_old/_posts/2018-01-03-old.md": FM + "o\n",
             "news/_posts/2018-01-04-new.md": FM + "n\n",
             "_posts/2022-02-02-p.md": FM + "[one]({% post_url 2018-01-02-arc %}) [two]({% post_url 2018-01-03-old %}) "
                                            "[three]({% post_url 2018-01-04-new %}) [four](/news/2018/01/04/new.html)\n"}
    write_site(tmp_path, files)
    (tmp_path / "_config.yml").write_text("exclude: [archive]\n", encoding="utf-8")
    posts = [load_post(tmp_path / name, text.encode()) for name, text in files.items()]  # all linted, as `lint .`
    ctx = context(tmp_path, offline=True)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    # news/_posts/ without the folder in the name: Jekyll's deprecated matching, a warning
    assert [(f.code, f.col, f.severity) for f in found] == [
        ("LK002", 7, Severity.ERROR), ("LK002", 44, Severity.ERROR), ("LK002", 83, Severity.WARNING)]


def test_the_exclude_hint_is_a_pattern_for_that_link_alone(tmp_path: Path) -> None:
    """exclude holds regexes: the hint escapes the link (a '|' matched every relative_url
    link) and is valid TOML as printed; pasted into the config, it silences that link only."""
    import tomllib

    text = FM + "[a]({{ '/gone/' | relative_url }}) [b]({{ '/lost/' | relative_url }})\n"
    posts = write_site(tmp_path, {"_posts/2020-01-01-main.md": text})
    ctx = context(tmp_path, offline=True)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    hint = found[0].message.split("add ", 1)[1].removesuffix(" to [links] exclude)")
    pattern = tomllib.loads(f"x = {hint}")["x"]
    ctx = context(tmp_path, offline=True, exclude=[pattern])
    again = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    assert [(f.line, f.col) for f in found] == [(5, 5), (5, 40)] and [(f.line, f.col) for f in again] == [(5, 40)]


# Jekyll 4's {% post_url %} and {% link %} already start with the site's baseurl, so
# {{ site.baseurl }} before one writes it twice (Jekyll 4.3 with baseurl: /blog renders
# /blog/blog/2020/01/02/b.html for each of these); without a baseurl it is harmless.
BASEURL_BEFORE_TAG = [
    ("baseurl: /blog\n", "[a]({{site.baseurl}}{% post_url 2020-01-02-b %})", [(5, 5, "LK003")]),
    ("baseurl: /blog\n", "[a]({{ site.url }}{{ site.baseurl }}{% link _posts/2020-01-02-b.md %})", [(5, 19, "LK003")]),
    ("baseurl: /blog\n", "[a]({{ site.baseurl }}/{% post_url 2020-01-02-b %})", [(5, 5, "LK003")]),
    ("baseurl: /blog\n", "<a href=\"{{- site.baseurl -}}{% post_url 2020-01-02-b %}\">b</a>", [(5, 10, "LK003")]),
    ("baseurl: /blog\n", "[b]: {{ site.baseurl }}{% post_url 2020-01-02-b %}\n\n[the b post][b]", [(5, 6, "LK003")]),
    ("baseurl: /blog\n", "[a]({{ site.url }}{% post_url 2020-01-02-b %}) [b]({% post_url 2020-01-02-b %})", []),
    ("title: t\n", "[a]({{ site.baseurl }}{% post_url 2020-01-02-b %})", []),
    ("baseurl: /blog\n", "`{{ site.baseurl }}{% post_url 2020-01-02-b %}`", []),  # code: not rendered as a link... nor checked
]


@pytest.mark.parametrize(("config", "markdown", "expected"), BASEURL_BEFORE_TAG, ids=[m for _, m, _ in BASEURL_BEFORE_TAG])
def test_site_baseurl_before_a_link_tag_doubles_it(tmp_path: Path, config: str, markdown: str,
                                                   expected: list[tuple[int, int, str]]) -> None:
    posts = write_site(tmp_path, {"_posts/2020-01-02-b.md": FM + "b\n", "_posts/2020-01-01-a.md": FM + markdown + "\n"})
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    ctx = context(tmp_path, offline=True)
    found = [f for post in posts for f in links.check(post, ctx)]
    found += links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient())
    assert [(f.line, f.col, f.code) for f in found if f.code != "LK011"] == expected
    assert all("/blog/blog/" in f.message or "/blog//blog/" in f.message for f in found if f.code == "LK003")


# {% link %} compares its argument with each file's own path, as it is: the URL forms a
# path link may take name no file, and Jekyll 4.3 stops the build ("Could not find document").
@pytest.mark.parametrize(("tag", "named"), [
    ("about.html", "about.md"), ("about", "about.md"), ("about/", "about.md"),
    ("_posts/2020-01-02-b", "_posts/2020-01-02-b.md"), ("_posts/2020-01-02-b.html", "_posts/2020-01-02-b.md"),
    ("docs/index.html", "docs/index.md"),
    ("about.md", None), ("_posts/2020-01-02-b.md", None), ("assets/x.png", None), ("/assets/x.png", None),
])
def test_a_link_tag_names_the_file_itself(tmp_path: Path, tag: str, named: str | None) -> None:
    files = {"about.md": FM + "a\n", "docs/index.md": FM + "d\n", "assets/x.png": "png", "_posts/2020-01-02-b.md": FM + "b\n",
             "_posts/2022-02-02-p.md": FM + f"[the page]({{% link {tag} %}})\n"}
    posts = write_site(tmp_path, files)
    ctx = context(tmp_path, offline=True)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    assert [f.code for f in found] == ([] if named is None else ["LK003"])
    assert all(f"'{named}'" in f.message and "the build stops" in f.message for f in found), [f.message for f in found]


# With collections_dir, a document's relative_path (what {% link %} compares) starts below
# that folder: Jekyll 4.3 with `collections_dir: coll` renders {% link _posts/2020-01-02-b.md %}
# and stops on {% link coll/_posts/2020-01-02-b.md %} ("Could not find document").
@pytest.mark.parametrize(("tag", "codes"), [
    ("_posts/2020-01-02-b.md", []),
    ("coll/_posts/2020-01-02-b.md", ["LK003"]),
    ("_posts/2020-01-09-none.md", ["LK003"]),
    ("about.md", []),  # a page is named from the site folder
])
def test_link_tag_names_a_document_from_the_collections_dir(tmp_path: Path, tag: str, codes: list[str]) -> None:
    posts = write_site(tmp_path, {"about.md": FM + "a\n"})
    (tmp_path / "_config.yml").write_text("collections_dir: coll\n", encoding="utf-8")
    for name, text in {"coll/_posts/2020-01-02-b.md": FM + "b\n",
                       "coll/_posts/2020-01-01-a.md": FM + f"[the post]({{% link {tag} %}})\n"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
        posts.append(load_post(tmp_path / name, text.encode()))
    ctx = context(tmp_path, offline=True)
    found = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    assert [f.code for f in found] == codes
    assert all("'_posts/2020-01-02-b.md'" in f.message for f in found if "coll/" in tag)


# Jekyll 4.3 still finds a post_url whose name matches no post's file name by its deprecated
# matching (same slug, same day) and builds, with a "Deprecation: ... did not match a post
# using the new matching method" warning; a name that matches neither stops the build.
@pytest.mark.parametrize(("tag", "found"), [
    ("{% post_url 2020-1-2-b %}", [("LK002", Severity.WARNING)]),
    ("{% post_url 2020-01-2-b %}#sec", [("LK002", Severity.WARNING)]),
    ("{% post_url 2020-1-3-b %}", [("LK002", Severity.ERROR)]),  # another day
    ("{% post_url 2020-1-2-c %}", [("LK002", Severity.ERROR)]),  # another slug
    ("{% post_url 2020-1-2-b %}#nope", [("LK002", Severity.WARNING), ("LK004", Severity.ERROR)]),
])
def test_post_url_by_jekylls_deprecated_matching(tmp_path: Path, tag: str, found: list[tuple[str, Severity]]) -> None:
    posts = write_site(tmp_path, {"_posts/2020-01-02-b.md": FM + "## Sec\n", "_posts/2020-03-03-a.md": FM + f"[the post]({tag})\n"})
    ctx = context(tmp_path, offline=True)
    result = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    assert [(f.code, f.severity) for f in result] == found
    assert all("{% post_url 2020-01-02-b %}" in f.message for f in result if f.severity is Severity.WARNING)


# Jekyll 4.3's PostComparer matches a post_url name against the post's path from the
# collections folder: '2020-07-27-x' finds only _posts/2020-07-27-x.*, and a post in
# blog/_posts/ or _posts/2020/ only by the deprecated matching, by its own date (checked
# by building: "Deprecation: ... did not match", or "Could not find post" when the front
# matter date is another day).
@pytest.mark.parametrize(("where", "front", "tag", "found"), [
    ("_posts/2020-07-27-x.md", "", "2020-07-27-x", []),
    ("blog/_posts/2020-07-27-x.md", "", "blog/2020-07-27-x", []),
    ("_posts/blog/2020-07-27-x.md", "", "blog/2020-07-27-x", []),
    ("blog/_posts/2020-07-27-x.md", "", "2020-07-27-x", [("LK002", Severity.WARNING)]),
    ("_posts/2020/2020-07-27-x.md", "", "2020-07-27-x", [("LK002", Severity.WARNING)]),
    ("blog/_posts/2020-07-27-x.md", "date: 2020-02-03\n", "2020-07-27-x", [("LK002", Severity.ERROR)]),
    ("a/blog/_posts/2020-07-27-x.md", "", "blog/2020-07-27-x", [("LK002", Severity.WARNING)]),
    # the deprecated matching compares the post's slug: its `slug:` key first (Jekyll 4.3: 'Could
    # not find post "2020-7-27-x"' for blog/_posts/2020-07-27-x.md with slug: custom; 2020-07-27-custom
    # is found, with the warning)
    ("blog/_posts/2020-07-27-x.md", "slug: custom\n", "2020-7-27-x", [("LK002", Severity.ERROR)]),
    ("blog/_posts/2020-07-27-x.md", "slug: custom\n", "2020-07-27-custom", [("LK002", Severity.WARNING)]),
    ("blog/_posts/2020-07-27-x.md", "slug: custom\n", "blog/2020-07-27-x", []),
])
def test_post_url_names_the_path_from_the_collections_folder(
    tmp_path: Path, where: str, front: str, tag: str, found: list[tuple[str, Severity]]
) -> None:
    posts = write_site(tmp_path, {"_posts/2020-08-01-y.md": FM + f"[the post]({{% post_url {tag} %}})\n"})
    target = tmp_path / where
    target.parent.mkdir(parents=True, exist_ok=True)
    text = FM.replace("---\n", "---\n" + front, 1) if front else FM
    target.write_text(text + "x\n", encoding="utf-8")
    posts.append(load_post(target, (text + "x\n").encode()))
    ctx = context(tmp_path, offline=True)
    result = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts}, ctx, FakeClient()))
    assert [(f.code, f.severity) for f in result if f.code == "LK002"] == found


# Jekyll 4.3 builds dated files of any extension in _posts as posts (an .html post is
# rendered, and {% post_url 2020-01-02-h %} finds it); lint reads only Markdown, so those
# are looked up on disk. Only being there counts: their anchors are unknown.
@pytest.mark.parametrize(("files", "tag", "codes"), [
    ({"_posts/2020-01-02-h.html": FM + "<p>h</p>\n"}, "2020-01-02-h", []),
    ({"_posts/2020-01-02-h.textile": FM + "h\n"}, "2020-01-02-h", []),
    ({"_posts/2020-01-02-h.txt": FM + "h\n"}, "2020-01-02-h", []),
    ({"_posts/2020-01-02-h.html": FM + "<p>h</p>\n"}, "2020-01-02-hh", ["LK002"]),
    ({"_posts/notes.html": FM + "<p>h</p>\n"}, "notes", ["LK002"]),  # undated: not a post
    ({"_old/_posts/2020-01-02-h.html": FM + "<p>h</p>\n"}, "2020-01-02-h", ["LK002"]),  # Jekyll skips _old
    ({"blog/_posts/2020-01-02-h.html": FM + "<p>h</p>\n"}, "blog/2020-01-02-h", []),
])
def test_post_url_to_a_post_lint_does_not_read(tmp_path: Path, files: dict[str, str], tag: str, codes: list[str]) -> None:
    found = lint(tmp_path, {**files, "_posts/2020-03-03-a.md": FM + f"[the post]({{% post_url {tag} %}})\n"}, offline=True)
    assert [f[3] for f in found] == codes


# ... and Jekyll's deprecated matching (slug and day, with a warning) finds them too: built
# with Jekyll 4.3, {% post_url 2020-01-02-h %} for blog/_posts/2020-01-02-h.html and
# {% post_url 2020-1-2-h %} for _posts/2020-01-02-h.textile are links with a Deprecation
# warning, not 'names no post'.
@pytest.mark.parametrize(("where", "tag", "found"), [
    ("blog/_posts/2020-01-02-h.html", "2020-01-02-h", [(Severity.WARNING, "write {% post_url blog/2020-01-02-h %}")]),
    ("_posts/2019/2020-01-02-h.html", "2020-01-02-h", [(Severity.WARNING, "write {% post_url 2019/2020-01-02-h %}")]),
    ("_posts/2020-01-02-h.textile", "2020-1-2-h", [(Severity.WARNING, "write {% post_url 2020-01-02-h %}")]),
    ("_posts/2020-01-02-h.textile", "2020-1-3-h", [(Severity.ERROR, "post_url names no post: '2020-1-3-h'")]),
    ("_posts/2020-01-02-h.textile", "2020-1-2-hh", [(Severity.ERROR, "post_url names no post: '2020-1-2-hh'")]),
])
def test_post_url_to_an_unread_post_by_the_deprecated_matching(tmp_path: Path, where: str, tag: str,
                                                                found: list[tuple[Severity, str]]) -> None:
    posts = write_site(tmp_path, {where: FM + "<p>h</p>\n", "_posts/2020-03-03-a.md": FM + f"[the post]({{% post_url {tag} %}})\n"})
    ctx = context(tmp_path, offline=True)
    result = list(links.check_site({p.display_path: links.collect(p, ctx) for p in posts if p.path.suffix == ".md"}, ctx, FakeClient()))
    assert [(f.code, f.severity) for f in result] == [("LK002", severity) for severity, _ in found]
    assert all(text in f.message for f, (_, text) in zip(result, found))
