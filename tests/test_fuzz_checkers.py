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
