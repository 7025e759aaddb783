"""The published tree builds with real Jekyll (Debian's `jekyll` package, no extra gems).

The site reads the publisher's DIR through `collections_dir`, the layout the publisher
documents: DIR belongs to the publisher, the site's own files live beside it.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from pipeline import cli

DATA = Path(__file__).parent.parent / "data" / "publish"
JEKYLL = shutil.which("jekyll")
pytestmark = pytest.mark.skipif(JEKYLL is None, reason="jekyll is not installed (apt-get install jekyll)")

CONFIG = """\
collections_dir: published
exclude: [published/manifest.json]
permalink: /:year/:month/:day/:title.html
timezone: UTC
disable_disk_cache: true
defaults:
  - scope: {type: posts}
    values: {layout: post}
"""
POST_LAYOUT = """\
---
---
<article data-date="{{ page.date | date: '%Y-%m-%d' }}" data-url="{{ page.url }}">
<h1>{{ page.title }}</h1>
{{ content }}
</article>
"""


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "_layouts").mkdir(parents=True)
    (site / "_config.yml").write_text(CONFIG, encoding="utf-8")
    (site / "_layouts" / "post.html").write_text(POST_LAYOUT, encoding="utf-8")
    for case in ("basic", "drafts", "seed"):
        shutil.copytree(DATA / case / "in", tmp_path / "src" / case)
    for path in (tmp_path / "src").rglob("*"):
        os.utime(path, (1628510400, 1628510400))  # undated drafts are dated by mtime: 2021-08-09
    return site


def test_every_published_post_becomes_a_page_with_its_date_and_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["publish", "src", "--out", "site/published", "--no-cache", "--offline", "--force", "--drafts"],
                    stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 1  # two posts of the drafts case take names the basic case already has
    started = time.monotonic()
    run = subprocess.run([str(JEKYLL), "build", "--safe", "-s", str(site), "-d", str(site / "_site")],
                         capture_output=True, text=True, timeout=120, check=False)
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stdout + run.stderr
    assert elapsed < 20, f"jekyll build took {elapsed:.1f}s"
    manifest = json.loads((site / "published" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["posts"]) == 9
    pages = {p.relative_to(site / "_site").as_posix() for p in (site / "_site").rglob("*.html")}
    assert len(pages) == len(manifest["posts"])
    for post in manifest["posts"]:
        day = re.match(r"\d{4}-\d{2}-\d{2}", post["date"]).group(0)  # type: ignore[union-attr]
        url = f"/{day.replace('-', '/')}/{post['slug']}.html"
        html = (site / "_site" / url.lstrip("/")).read_text(encoding="utf-8")
        assert f'data-date="{day}" data-url="{url}"' in html, post["path"]
    seed = (site / "_site/2019/03/31/interview-with-francois-chollet.html").read_text(encoding="utf-8")
    assert 'target="_blank"' in seed and "<!--more-->" in seed  # kramdown attributes kept working


def test_published_posts_keep_their_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jekyll builds the same URLs from the published tree as from the sources: folder
    categories, a category from path-scoped `defaults`, `category` with `categories`, a
    permalink in front matter."""
    src = tmp_path / "src"
    posts = {
        "travel/_posts/2020-03-03-d.md": "---\ntitle: D\n---\nd\n",
        "_posts/2020-03-04-e.md": "---\ntitle: E\ncategory: Rust\ncategories: [News, tech]\n---\ne\n",
        "_posts/2020-03-05-f.md": "---\ntitle: F\npermalink: /about/f/\n---\nf\n",
    }
    for rel, text in posts.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text, encoding="utf-8")
    (src / "_config.yml").write_text("timezone: UTC\ndisable_disk_cache: true\n"
                                     "defaults:\n  - scope: {path: travel}\n    values: {category: trips}\n", encoding="utf-8")

    def built(site: Path) -> list[str]:
        out = tmp_path / f"out-{site.name}"
        run = subprocess.run([str(JEKYLL), "build", "--safe", "-s", str(site), "-d", str(out)],
                             capture_output=True, text=True, timeout=120, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
        return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))

    before = built(src)
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("timezone: UTC\ncollections_dir: published\nexclude: [published/manifest.json]\n"
                                      "disable_disk_cache: true\n", encoding="utf-8")
    sources = [str(src / rel) for rel in posts]
    code = cli.main(["publish", *sources, "--out", "site/published", "--no-cache", "--offline", "--select", "FM",
                     "--ignore", "FM009"], stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 0
    assert before == ["about/f/index.html", "news/tech/rust/2020/03/04/e.html", "travel/trips/2020/03/03/d.html"]
    assert built(site) == before
