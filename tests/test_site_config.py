"""pipeline.jekyll: the site config, `defaults`, and where Jekyll publishes a post."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pipeline import jekyll


def site(tmp_path: Path, config: str) -> jekyll.SiteConfig:
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    found = jekyll.nearest_site(tmp_path / "_posts" / "x.md")
    assert found is not None and found.root == tmp_path
    return found


@pytest.mark.parametrize(
    ("config", "front_matter", "where", "url"),
    [
        ("title: t\n", {}, "_posts", "/2020/03/04/hello.html"),  # Jekyll's default: date
        ("permalink: pretty\n", {}, "_posts", "/2020/03/04/hello/"),
        ("permalink: none\n", {"categories": "Tech News"}, "_posts", "/tech/news/hello.html"),
        ("permalink: ordinal\n", {}, "_posts", "/2020/064/hello.html"),
        ("permalink: /:title.html\n", {}, "_posts", "/hello.html"),
        ("permalink: /blog/:year/:i_month/:i_day/:slug\n", {"slug": "hi"}, "_posts", "/blog/2020/3/4/hi"),
        ("title: t\n", {"permalink": "/:title/"}, "_posts", "/hello/"),  # the post's own wins
        ("title: t\n", {"date": dt.datetime(2021, 5, 6, 7, 8)}, "_posts", "/2021/05/06/hello.html"),
        ("title: t\n", {"category": "Rust", "categories": ["rust", "Web"]}, "_posts", "/rust/web/2020/03/04/hello.html"),
        ("title: t\n", {"category": "Web Dev"}, "_posts", "/web dev/2020/03/04/hello.html"),  # one name, not split
        ("title: t\n", {}, "blog/_posts", "/blog/2020/03/04/hello.html"),  # a folder above _posts is a category
        ("defaults:\n  - scope: {path: '', type: posts}\n    values: {permalink: '/:title/'}\n", {}, "_posts", "/hello/"),
        ("defaults:\n  - scope: {path: '', type: pages}\n    values: {permalink: '/:title/'}\n", {}, "_posts",
         "/2020/03/04/hello.html"),  # scoped to pages: not for posts
        ("permalink: /:title/:nonsense/\n", {}, "_posts", None),  # a placeholder not modelled: unknown, not guessed
        ("title: t\n", {"categories": {"a": 1}}, "_posts", None),
        ("permalink: [oops\n", {}, "_posts", "/2020/03/04/hello.html"),  # unreadable config: Jekyll's default
    ],
)
def test_post_url(tmp_path: Path, config: str, front_matter: dict[str, Any], where: str, url: str | None) -> None:
    config_site = site(tmp_path, config)
    post = tmp_path / where / "2020-03-04-hello.md"
    assert jekyll.post_url(post, front_matter, dt.date(2020, 3, 4), "hello", config_site) == url


def test_no_date_no_url(tmp_path: Path) -> None:
    assert jekyll.post_url(tmp_path / "_posts" / "x.md", {}, None, "x", site(tmp_path, "title: t\n")) is None


def test_config_is_read_again_after_an_edit(tmp_path: Path) -> None:
    assert site(tmp_path, "permalink: pretty\n").permalink == "pretty"
    assert site(tmp_path, "permalink: none\nbaseurl: /blog/\n") == jekyll.SiteConfig(tmp_path, "none", (), "/blog", page_style="none")


def test_url_folder() -> None:
    assert [jekyll.url_folder(u) for u in ("/2020/03/04/a.html", "/a/", "/a.html")] == ["/2020/03/04/", "/a/", "/"]


def test_collections_dir_and_defaults_as_jekyll_reads_them(tmp_path: Path) -> None:
    config = site(tmp_path, (
        "collections_dir: coll\nbaseurl: /b/\n"
        "defaults:\n"
        "  - scope: {path: '', type: post}\n    values: {categories: [Blog, news]}\n"  # old singular type name
        "  - scope: {path: '_posts/2020*'}\n    values: {permalink: '/:categories/:title/'}\n"  # a glob
        "  - scope: {path: coll/_posts/x}\n    values: {author: me}\n"  # named with the collections dir
    ))
    post = tmp_path / "coll" / "_posts" / "2020-03-04-hello.md"
    assert jekyll.post_url(post, {}, dt.date(2020, 3, 4), "hello", config) == "/blog/news/hello/"
    assert jekyll.post_url(post, {"categories": []}, dt.date(2020, 3, 4), "hello", config) == "/hello/"
    assert jekyll.default_keys(tmp_path / "coll" / "_posts" / "x-1.md") == {"categories", "author"}
    assert config.baseurl == "/b"


@pytest.mark.parametrize("value", ["5", "{a: 1}", "text", "[5, {values: 3}, {values: {author: me}}]"])
def test_defaults_jekyll_builds_on_are_read_without_a_crash(tmp_path: Path, value: str) -> None:
    """Jekyll 4.3 builds with `defaults: 5` (no defaults) and skips entries that are not mappings with `values`."""
    config = site(tmp_path, f"defaults: {value}\n")
    expected = {"author"} if "author" in value else set()
    assert set(config.post_defaults(tmp_path / "_posts" / "2020-01-01-a.md")) == expected


# Posts and what Debian's Jekyll 4.3 built for them (checked by hand, and by the test below).
JEKYLL_CASES = {
    "blog/_posts/2020-03-04-a.md": ("---\ncategories: [News, tech]\ncategory: Rust\n---\nx\n", "/blog/news/tech/rust/2020/03/04/a.html"),
    "_posts/2020-03-04-b.md": ('---\nslug: "Hello World_x!"\n---\nx\n', "/2020/03/04/Hello-World_x!.html"),
    "_posts/2020-03-04-My_Post.md": ("---\npermalink: /:name/:slug/:title/\n---\nx\n", "/2020-03-04-my-post/my-post/My_Post/"),
    "_posts/2020-03-05-c.md": ("---\npermalink: pretty\n---\nx\n", "/pretty"),  # a style name only in _config.yml
    "_posts/2020-03-06-d.md": ("---\ndate: 2021-01-02 10:00:00\n---\nx\n", "/2021/01/02/d.html"),
}


def test_post_urls_from_the_table(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("timezone: UTC\n", encoding="utf-8")
    for rel, (text, url) in JEKYLL_CASES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    from pipeline.post import read_post

    for rel, (_, url) in JEKYLL_CASES.items():
        post = read_post(tmp_path / rel)
        config = jekyll.nearest_site(tmp_path / rel)
        assert config is not None
        assert jekyll.post_url(post.path, post.front_matter, post.name_date, post.slug, config) == url, rel


@pytest.mark.skipif(shutil.which("jekyll") is None, reason="jekyll is not installed (apt-get install jekyll)")
def test_post_urls_match_what_jekyll_builds(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src).mkdir()
    (src / "_config.yml").write_text("timezone: UTC\ndisable_disk_cache: true\n", encoding="utf-8")
    for rel, (text, _) in JEKYLL_CASES.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text, encoding="utf-8")
    subprocess.run(["jekyll", "build", "-q", "-s", str(src), "-d", str(tmp_path / "out")], check=True,
                   capture_output=True, timeout=300)
    built = sorted("/" + p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    # The file Jekyll writes for a URL: /x/ -> /x/index.html, /x -> /x.html, /x.html as is.
    expected = sorted(url + "index.html" if url.endswith("/") else url + ("" if "." in url.rsplit("/", 1)[-1] else ".html")
                      for _, url in JEKYLL_CASES.values())
    assert built == expected


@pytest.mark.parametrize(("base", "over", "expected"), [
    ({"layout": "guide", "a": {"x": 1}}, {"layout": None}, {"layout": "guide", "a": {"x": 1}}),  # `layout:` keeps the default
    ({"a": {"x": 1, "y": 2}}, {"a": {"y": None, "z": 3}}, {"a": {"x": 1, "y": 2, "z": 3}}),
    ({"layout": "guide"}, {"layout": "post", "new": None}, {"layout": "post", "new": None}),
])
def test_deep_merge_is_jekylls(base: dict, over: dict, expected: dict) -> None:
    """Utils.deep_merge_hashes: a nil value keeps the one it would replace."""
    from pipeline.jekyll import deep_merge

    assert deep_merge(base, over) == expected
