"""Fuzz the whole lint run (every checker, offline): findings or a clean error, never a crash.

Markdown is assembled from fragments of the syntax every checker reads (headings, links,
references, Liquid, kramdown attributes, HTML, code, front matter), plus raw noise.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import build_config
from pipeline.runner import RunOptions, run_lint

FRAGMENTS = [
    "# ", "## ", "##  ", "###### ", "Heading\n===\n", "Text\n---\n", "> ", "- ", "1. ", "    code\n",
    "```\n", "```python\n# not a heading\n```\n", "~~~\n", "[a](", "](#", ")", "[x][ref]", "[ref]: ",
    "<https://example.com/>", "https://example.com/a#b ", "mailto:a@b", "[m](mailto:x)", "[t](tel:+1)",
    "{% post_url 2020-01-01-x %}", "{% link missing.md %}", "{{ site.baseurl }}", "{:target=\"_blank\"}",
    "{: #id .cls}", "<!--more-->", "<a href=\"#top\" name=\"n\">", "<img src=\"x.png\">", "<!-- pipeline-disable",
    " -->", "`code`", "*em*", "**strong**", "Devolopment ", "teh ", "Keras ", "camelCase ", "\t", "\r\n",
    "\n", "\n\n", " ", "|a|b|\n|-|-|\n|1|2|\n", "[[[", "]]]", "\\", "\x00", "\ufeff", "é", "😀",
]
markdown = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=60).map("".join)
front = st.sampled_from([
    "---\ntitle: T\nlayout: post\n---\n", "---\ntitle: [x\n---\n", "---\na: &a [1]\nb: *a\n---\n",
    "", "---\n", "+++\ntitle = 'T'\n+++\n", "---\ntitle: T\ntitle: U\n---\n", "---\n- a\n---\n",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=front, body=markdown, raw=st.binary(max_size=64))
def test_every_checker_survives_random_posts(tmp_path: Path, head: str, body: str, raw: bytes) -> None:
    folder = tmp_path / "posts"
    folder.mkdir(exist_ok=True)
    (folder / "2020-01-01-x.md").write_bytes((head + body).encode("utf-8", "surrogatepass"))
    (folder / "2020-01-02-raw.md").write_bytes(raw)
    config = build_config({"cache_dir": str(tmp_path / "cache")}, tmp_path, None)
    result = run_lint([folder], config, RunOptions(offline=True, no_cache=True, jobs=1))
    assert all(f.line >= 1 and f.col >= 1 for f in result.findings)
    assert {f.path for f in result.findings} <= {str(folder / "2020-01-01-x.md"), str(folder / "2020-01-02-raw.md")}


# An opener repeated with no closer: `re`'s lazy OPEN.*?CLOSE patterns, tried from every
# opener, once read the rest of the post from each one (20,000 `{: ` took 20 s; 20,000
# `<!--pipeline-disable ` 33 s). Every one now finishes in well under a second.
UNCLOSED = ["<!-- ", "{% ", "{{ ", "{: ", "{% raw %}", "{% raw ", "$$ ", "{#a ", "<pre ", "<!--pipeline-disable ",
            "[a][", "<a href=\"", "[^", "`` "]


def test_every_checker_survives_thousands_of_unclosed_openers(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    for i, unit in enumerate(UNCLOSED):
        (folder / f"2020-01-{i + 1:02d}-x.md").write_text(
            f"---\ntitle: T\nlayout: post\n---\n\n{unit * 10_000}\n\n# Heading {unit * 2_000}\n", encoding="utf-8")
    config = build_config({"cache_dir": str(tmp_path / "cache")}, tmp_path, None)
    result = run_lint([folder], config, RunOptions(offline=True, no_cache=True, jobs=1))
    assert len(result.files) == len(UNCLOSED)
    assert all(f.line >= 1 and f.col >= 1 for f in result.findings)


SITE_LINKS = ["[a](", "](../", "](/", "assets/x.png", "_data/y.json", "{% post_url 2020-01-01-x %}", "{% link ./a.md %}",
              "{% link assets/x.png %}", "{{ site.baseurl }}/", "../../", "#", "?q=1", ".html", "/about/", ")", " ", "\n"]
SITE_CONFIGS = ["", "baseurl: /blog\n", "permalink: pretty\n", "permalink: /:categories/:title/\n", "timezone: Asia/Tokyo\n",
                "collections_dir: c\n", "defaults:\n  - scope: {path: '_posts/*', type: post}\n    values: {permalink: /x/:title/}\n",
                "exclude: [assets]\ninclude: ['_d*']\n", "permalink: [oops\n", "future: true\n"]
FRONTS = ["---\ntitle: T\nlayout: post\n---\n", "---\ntitle: T\ndate: 2020-01-01 23:00:00 -0800\ncategories: [a, B]\n---\n",
          "---\npermalink: 7\nslug: a/b\n---\n", "---\npermalink: /:nonsense/\n---\n", "---\ncategory: [1]\n---\n"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=st.sampled_from(SITE_CONFIGS), head=st.sampled_from(FRONTS),
       body=st.lists(st.sampled_from(SITE_LINKS), max_size=40).map("".join))
def test_every_checker_survives_random_links_in_a_jekyll_site(tmp_path: Path, config: str, head: str, body: str) -> None:
    """The built-site link model (permalinks, baseurl, include/exclude, time zones) on odd
    configs and posts: findings, never an exception."""
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True, exist_ok=True)
    (site / "assets").mkdir(exist_ok=True)
    (site / "assets" / "x.png").write_bytes(b"png")
    (site / "_config.yml").write_text(config, encoding="utf-8")
    (site / "_posts" / "2020-01-01-x.md").write_text(head + body, encoding="utf-8")
    (site / "about.md").write_text("---\npermalink: /about/\n---\nhi\n", encoding="utf-8")
    cfg = build_config({"cache_dir": str(tmp_path / "cache")}, tmp_path, None)
    result = run_lint([site / "_posts"], cfg, RunOptions(offline=True, no_cache=True, jobs=1))
    assert all(f.line >= 1 and f.col >= 1 and not f.message.startswith("internal") for f in result.findings)
    assert not [f for f in result.findings if f.code.endswith("000") or "crashed" in f.message]
