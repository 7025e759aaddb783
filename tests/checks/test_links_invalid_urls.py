"""Unparsable URLs are findings for that one link, never a crash of the links checker."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from pipeline.checks import links
from pipeline.post import load_post
from pipeline.registry import Context

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "net"))
from loopback_server import serve

FM = "---\ntitle: T\nlayout: post\n---\n"  # body starts on file line 5


def context(root: Path, offline: bool) -> Context:
    options = {name: opt.default for name, opt in links.OPTIONS.items()} | {"backoff": 0.01, "interval": 0.0, "timeout": 3.0}
    return Context(options=options, root=root, offline=offline, no_cache=True, allow_private=True, cache_dir=root / ".cache")


def lint(root: Path, body: str, offline: bool) -> list[tuple[int, int, str, str]]:
    (root / "_config.yml").write_text("title: site\n")
    path = root / "_posts" / "2020-01-01-a.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FM + body, encoding="utf-8")
    post = load_post(path, (FM + body).encode())
    ctx = context(root, offline)
    found = list(links.check(post, ctx)) + list(links.check_site({post.display_path: links.collect(post, ctx)}, ctx))
    return sorted((f.line, f.col, f.code, f.message) for f in found if f.code != "LK011")


IN_THE_POST = [
    ("unclosed ipv6 bracket", "[x](http://[::1/path)", [(5, 5, "LK010", "'http://[::1/path' is not a valid URL: Invalid IPv6 URL")]),
    ("bare url with unclosed bracket", "see http://[::1/path here", [(5, 5, "LK010", "'http://[::1/path' is not a valid URL: Invalid IPv6 URL")]),
    ("port out of range", "<https://x.test:99999/>", [(5, 2, "LK010", "'https://x.test:99999/' is not a valid URL: Port out of range 0-65535")]),
    ("port not a number", "[p](https://x.test:http/)",
     [(5, 5, "LK010", "'https://x.test:http/' is not a valid URL: Port could not be cast to integer value as 'http'")]),
]


@pytest.mark.parametrize(("body", "expected"), [(b, e) for _, b, e in IN_THE_POST], ids=[i for i, _, _ in IN_THE_POST])
def test_unparsable_url_in_a_post_is_malformed(tmp_path: Path, body: str, expected: list[tuple[int, int, str, str]]) -> None:
    assert lint(tmp_path, body + "\n", offline=True) == expected


@pytest.fixture
def base() -> Iterator[str]:
    with serve() as server:  # the link client's scripted loopback server (tests/net)
        yield server.base


def test_bad_location_header_is_one_finding_and_the_rest_is_checked(tmp_path: Path, base: str) -> None:
    bad = f"{base}/to?url={quote('http://[::1')}"
    body = f"<{bad}>\n<{base}/ok>\n<{base}/status/404>\n"
    assert lint(tmp_path, body, offline=False) == [
        (5, 2, "LK005", f"{bad}: redirects to an invalid URL: 'http://[::1'"),
        (7, 2, "LK005", f"{base}/status/404: HTTP 404 Not Found"),
    ]
