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


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


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
    write_tree(src, posts)
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
    # the same site, reading the published tree (as the README sets it up)
    (site / "_config.yml").write_text((src / "_config.yml").read_text(encoding="utf-8")
                                      + "collections_dir: published\nexclude: [published/manifest.json]\n", encoding="utf-8")
    sources = [str(src / rel) for rel in posts]
    code = cli.main(["publish", *sources, "--out", "site/published", "--no-cache", "--offline", "--select", "FM",
                     "--ignore", "FM009"], stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 0
    assert before == ["about/f/index.html", "news/tech/rust/2020/03/04/e.html", "travel/trips/2020/03/03/d.html"]
    assert built(site) == before


PAGE_LAYOUT = """\
<p data-title="{{ page.title | inspect | xml_escape }}" data-tags="{{ page.tags | inspect | xml_escape }}" data-url="{{ page.url }}"
   data-categories="{{ page.categories | inspect | xml_escape }}" data-upd="{{ page.upd | inspect | xml_escape }}"
   data-cnt="{{ page.cnt | inspect | xml_escape }}" data-num="{{ page.num | inspect | xml_escape }}"
   data-event="{{ page.event | inspect | xml_escape }}" data-og="{{ page['og:updated'] | inspect | xml_escape }}"
   data-date="{{ page.date }}"></p>
<excerpt>{{ page.excerpt }}</excerpt>
<content>{{ content }}</content>
"""


def test_published_copies_build_the_same_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jekyll's build of the published tree equals its build of the sources, page for page:
    values Psych reads otherwise when unquoted, kramdown hard breaks before a table row, a rule
    or a comment, the excerpt's blank line, slugs with '+', "'" or a space, an undated draft
    dated in the site's time zone."""
    src = tmp_path / "src"
    posts = {
        "_posts/2020-01-01-quoted.md": '---\ntitle: ":foo"\ntags: ["1,000", "2020-1-2", "0b1,0", "012,3", "nULL"]\n'
                                       'n: "1,000.5"\n---\nBody.\n',
        "_posts/2020-01-02-breaks.md": "---\ntitle: B\n---\nSee the table:  \n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                                       "Rule text  \n***\n\nRule text  \n___\n\nComment text  \n<!-- note -->\n",
        "_posts/2020-01-03-excerpt.md": "---\ntitle: E\n---\nFirst line  \n   \nstill the excerpt  \n\nafter it \n",
        "_posts/2020-01-04-c++-tips.md": "---\ntitle: C\n---\nc\n",
        "_posts/2020-01-05-what's-new.md": "---\ntitle: W\n---\nw\n",
        "_posts/2020-01-06-hello world.md": "---\ntitle: H\n---\nh\n",
        # Psych reads a time, 1000 and 10 (octal) where PyYAML reads text, and the post's own
        # category and tag win over the ones `defaults` gives every post
        "_posts/2020-01-07-types.md": "---\ntitle: 1,000\nupd: 2020-01-02 10:00:00\ncnt: 1,000 # a comment\nnum: 012\n"
                                      "category: release\ntag: python\n---\nt\n",
        "_drafts/my-draft.md": "---\ntitle: Draft\n---\nd\n",
        # a copy keeps its name, extension and folder in _posts: the link tag still finds it
        "_posts/2019/2019-12-01-old.markdown": "---\ntitle: Old\n---\no\n",
        "_posts/2020-01-08-linker.md": "---\ntitle: L\n---\n[old]({% link _posts/2019/2019-12-01-old.markdown %})\n",
        # nested values and keys with a colon keep Psych's reading: a Time, a Date, 1000, false, 750
        "_posts/2020-01-09-nested.md": "---\ntitle: N\nevent:\n  when: 2020-06-01 18:00:00  # local\n  day: 2020-01-03\n"
                                       "  n: 1,000\n  word: oFF\n  at: [a, 12:30]\nog:updated: 2020-01-02 10:00:00\n---\nn\n",
        "_posts/2020-01-10-aliased.md": "---\ntitle: A\nbase: &b\n  when: 2020-06-01\nevent: *b\n---\na\n",
        # CRLF: the default excerpt separator "\n\n" never matches, so the excerpt is the whole post
        # a zoneless time: quoted, read in the site's zone; plain, Psych's UTC (the 12th in New York)
        "_posts/2020-01-12-quoted-date.md": '---\ntitle: Q\ndate: "2020-01-12 02:00:00"\n---\nq\n',
        "_posts/2020-01-13-plain-date.md": "---\ntitle: P\ndate: 2020-01-13 02:00:00\n---\np\n",
        "_posts/2020-01-11-crlf.md": "---\r\ntitle: W\r\n---\r\nFirst para.  \r\n\r\nSecond para.\r\n",
    }
    write_tree(src, posts)
    os.utime(src / "_drafts/my-draft.md", (1628474400, 1628474400))  # 2021-08-09 02:00 UTC, the 8th in New York
    config = ("timezone: America/New_York\ndisable_disk_cache: true\n"
              "defaults: [{scope: {path: ''}, values: {layout: page, category: misc, tag: general}}]\n")
    (src / "_config.yml").write_text(config, encoding="utf-8")
    site = tmp_path / "site"
    for folder in (src, site):
        (folder / "_layouts").mkdir(parents=True)
        (folder / "_layouts" / "page.html").write_text(PAGE_LAYOUT, encoding="utf-8")
    (site / "_config.yml").write_text(config + "collections_dir: published\nexclude: [published/manifest.json]\n",
                                      encoding="utf-8")

    def built(folder: Path) -> dict[str, str]:
        out = tmp_path / f"out-{folder.name}"
        run = subprocess.run([str(JEKYLL), "build", "--safe", "--drafts", "-s", str(folder), "-d", str(out)],
                             capture_output=True, text=True, timeout=120, check=False)
        assert run.returncode == 0 and "Error" not in run.stdout + run.stderr, run.stdout + run.stderr
        return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}

    before = built(src)
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    code = cli.main(["publish", "src", "--out", "site/published", "--drafts", "--no-cache", "--offline", "--select", "FM",
                     "--ignore", "FM009"], stdout=err, stderr=err)
    assert code == 0, err.getvalue()
    assert sorted(before) == sorted([
        "misc/2020/01/01/quoted.html", "misc/2020/01/02/breaks.html", "misc/2020/01/03/excerpt.html",
        "misc/2020/01/04/c++-tips.html", "misc/2020/01/05/what's-new.html", "misc/2020/01/06/hello-world.html",
        "misc/2021/08/08/my-draft.html", "release/2020/01/07/types.html", "misc/2019/12/01/old.html",
        "misc/2020/01/08/linker.html", "misc/2020/01/09/nested.html", "misc/2020/01/10/aliased.html",
        "misc/2020/01/11/crlf.html", "misc/2020/01/12/quoted-date.html", "misc/2020/01/12/plain-date.html"])
    assert before["misc/2020/01/02/breaks.html"].count("<br />") == 5  # four in the content, one in the excerpt
    assert 'data-cnt="1000"' in before["release/2020/01/07/types.html"]  # Psych's integer
    assert "Second para." in before["misc/2020/01/11/crlf.html"].split("</excerpt>")[0]
    nested = before["misc/2020/01/09/nested.html"]
    assert "2020-06-01 14:00:00 -0400" in nested and "45000" in nested  # Psych's Time (UTC, shown in the zone), 12:30
    assert built(site) == before


def _build(site: Path, dest: Path, *flags: str) -> dict[str, str]:
    run = subprocess.run([str(JEKYLL), "build", "--safe", *flags, "-s", str(site), "-d", str(dest)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and "Error" not in run.stdout + run.stderr, run.stdout + run.stderr
    return {p.relative_to(dest).as_posix(): p.read_text(encoding="utf-8") for p in sorted(dest.rglob("*.html"))}


def _source_and_published(tmp_path: Path, posts: dict[str, str], config: str, *flags: str,
                          layout: str = PAGE_LAYOUT, source_build: tuple[str, ...] | None = None,
                          publish_flags: tuple[str, ...] = ()) -> tuple[dict[str, str], dict[str, str], str, int]:
    """Jekyll's pages of the sources, of the published tree (through `collections_dir`), the
    publish report and its exit code. `flags` go to both builds and to publish, unless
    `source_build` names the source build's own."""
    src = tmp_path / "src"
    write_tree(src, posts)
    site = tmp_path / "site"
    for folder, extra in ((src, ""), (site, "collections_dir: published\nexclude: [published/manifest.json]\n")):
        (folder / "_layouts").mkdir(parents=True, exist_ok=True)
        (folder / "_layouts" / "page.html").write_text(layout, encoding="utf-8")
        (folder / "_config.yml").write_text(config + extra, encoding="utf-8")
    before = _build(src, tmp_path / "out-src", *(flags if source_build is None else source_build))
    out = io.StringIO()
    code = cli.main(["publish", str(src), "--out", str(site / "published"), "--no-cache", "--offline",
                     "--select", "FM", "--ignore", "FM009", *flags, *publish_flags], stdout=out, stderr=out)
    return before, _build(site, tmp_path / "out-site", *flags), out.getvalue(), code


RELATIVE_LAYOUT = PAGE_LAYOUT + '<path data-path="{{ page.relative_path }}" data-dir="{{ page.dir }}"></path>\n'
SITE = "timezone: UTC\ndisable_disk_cache: true\ndefaults: [{scope: {path: ''}, values: {layout: page}}]\n"


def test_a_post_under_a_category_folder_keeps_its_place(tmp_path: Path) -> None:
    """blog/_posts/x.md is blog/_posts/x.md in the published tree too: `{% link blog/_posts/x.md %}`
    finds it (in DIR/_posts Jekyll stopped the build: 'Could not find document'),
    `{% post_url blog/x %}` matches it without the deprecated slug-and-date fallback, and
    page.relative_path is the same."""
    posts = {
        "blog/_posts/2020-01-06-bp.md": "---\ntitle: B\n---\nb\n",
        "blog/_drafts/bd.md": "---\ntitle: D\ndate: 2020-01-08\n---\nd\n",
        "_posts/2020-01-07-l.md": "---\ntitle: L\n---\n[a]({% post_url blog/2020-01-06-bp %}) "
                                  "[b]({% link blog/_posts/2020-01-06-bp.md %})\n",
    }
    before, after, report, code = _source_and_published(tmp_path, posts, SITE, "--drafts", layout=RELATIVE_LAYOUT)
    assert code == 0, report
    assert "-> blog/_posts/2020-01-06-bp.md" in report and "-> blog/_posts/2020-01-08-bd.md" in report
    assert 'href="/blog/2020/01/06/bp.html"' in before["2020/01/07/l.html"]
    assert after == {k: v.replace('data-path="blog/_drafts/bd.md"', 'data-path="blog/_posts/2020-01-08-bd.md"')
                             .replace('data-dir="/blog/_drafts/"', 'data-dir="/blog/_posts/"') for k, v in before.items()}


def test_defaults_that_apply_to_the_copy_too_are_not_rewritten_into_it(tmp_path: Path) -> None:
    """A post keeps its place under DIR, so `defaults` scoped to `_posts` or `blog` give the copy
    what they gave the source. Written into it, their values went through PyYAML and lost
    Psych's reading: `1,000` in _config.yml became the text '1,000', and a mapping deep-merged
    with the post's own was re-written whole (a Time became text, 12:30 became 750, oFF text)."""
    config = ("timezone: UTC\ndisable_disk_cache: true\ndefaults:\n"
              "  - {scope: {path: ''}, values: {layout: page}}\n"
              "  - scope: {path: _posts}\n    values:\n      extra: 1,000\n      author: {site: S}\n"
              "  - scope: {path: blog}\n    values:\n      extra: 2,000\n")
    posts = {
        "_posts/2020-01-01-a.md": "---\ntitle: A\nauthor:\n  name: N\n  when: 2020-01-02 10:00:00\n  t: 12:30\n"
                                  "  flag: oFF\n---\na\n",
        "blog/_posts/2020-01-02-b.md": "---\ntitle: B\n---\nb\n",
    }
    layout = PAGE_LAYOUT + "<x>{{ page.author | inspect | xml_escape }} {{ page.extra | inspect }}</x>\n"
    before, after, report, code = _source_and_published(tmp_path, posts, config, layout=layout)
    assert code == 0, report
    assert "2020-01-02 10:00:00 +0000" in before["2020/01/01/a.html"] and "45000" in before["2020/01/01/a.html"]
    assert "1000" in before["2020/01/01/a.html"] and "2000" in before["blog/2020/01/02/b.html"]
    assert after == before


def test_a_post_unpublished_by_defaults_is_published_with_drafts(tmp_path: Path) -> None:
    """--drafts publishes a post that `defaults` unpublish: its copy stays under notes/_posts,
    where the same default applies again, so dropping the key was not enough (Jekyll left
    the copy out); `published: true` is written. Compared with `jekyll build --unpublished`."""
    config = ("timezone: UTC\ndisable_disk_cache: true\ndefaults:\n  - {scope: {path: ''}, values: {layout: page}}\n"
              "  - scope: {path: notes}\n    values: {published: false}\n")
    posts = {"notes/_posts/2020-01-02-n.md": "---\ntitle: N\n---\nn\n",
             "_posts/2020-01-03-own.md": "---\ntitle: O\npublished: false\n---\no\n",
             "_posts/2020-01-04-p.md": "---\ntitle: P\n---\np\n"}
    before, after, report, code = _source_and_published(tmp_path, posts, config, source_build=("--unpublished",),
                                                        publish_flags=("--drafts",))
    assert code == 0, report
    assert sorted(before) == ["2020/01/03/own.html", "2020/01/04/p.html", "notes/2020/01/02/n.html"]
    assert after == before
