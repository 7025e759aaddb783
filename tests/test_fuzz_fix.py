"""Fuzz `lint --fix`: on random posts it never raises, and what it leaves offers no fix
(the passes settle), keeps the front matter readable and keeps the line endings."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import cli
from pipeline.post import load_post

PIECES = [
    "# Title\n", "## Why?\n", "##  Why?\n", "###   Deep\n", "Why?\n", "Text here.\n", "\n", "\n\n",
    "- item\n", "> quote\n", "```\n##  not a heading\n```\n", "<!--more-->\n", "{: .cls}\n",
    "[here](https://example.com/)\n", "Setext\n===\n", "untill ", "Devolopment ", "  \n", "\t",
]
body = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)


def lint(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["lint", "--offline", "--no-cache", "--jobs", "1", *argv], stdout=out, stderr=err)
    return int(code), out.getvalue(), err.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=body, crlf=st.booleans(), spelling=st.booleans())
def test_fix_settles_and_keeps_the_post_readable(tmp_path: Path, text: str, crlf: bool, spelling: bool) -> None:
    post = tmp_path / "2020-01-01-fuzz.md"
    source = "---\nlayout: post\ntitle: Fuzz\n---\n" + text
    post.write_bytes((source.replace("\n", "\r\n") if crlf else source).encode())
    flags = ["--fix-spelling"] if spelling else []
    code, _out, err = lint("--fix", *flags, str(post))
    assert code in (0, 1) and "Traceback" not in err
    assert lint("--diff", *flags, str(post))[0] == 0, err  # nothing more to fix
    data = post.read_bytes()
    assert (b"\r\n" in data) == (crlf and b"\n" in data) and (crlf or b"\r" not in data)
    loaded = load_post(post, data)
    assert loaded.fm_ok and loaded.front_matter["title"] == "Fuzz"
