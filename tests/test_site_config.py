"""pipeline.jekyll: the site config, `defaults`, and where Jekyll publishes a post."""

from __future__ import annotations

import datetime as dt
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
    assert site(tmp_path, "permalink: none\nbaseurl: /blog/\n") == jekyll.SiteConfig(tmp_path, "none", (), "/blog")


def test_url_folder() -> None:
    assert [jekyll.url_folder(u) for u in ("/2020/03/04/a.html", "/a/", "/a.html")] == ["/2020/03/04/", "/a/", "/"]
