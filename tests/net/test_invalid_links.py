"""Unparsable URLs, from a server's Location header or from the post itself: one verdict each, never a crash."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from loopback_server import ScriptedServer

from pipeline.net.client import ClientOptions, RequestsClient, interleave_hosts
from pipeline.net.verdict import Kind, Reason

FAST = ClientOptions(timeout=3.0, request_timeout=1.0, max_retries=0, interval=0.0, allow_private=True, max_redirects=5)


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://[::1", "redirects to an invalid URL: 'http://[::1'"),
        ("//[", "redirects to an invalid URL: '//['"),
        ("http://[::1]x/", "invalid URL"),
        ("http://127.0.0.1:99999/", "bad port in http://127.0.0.1:99999/"),
    ],
)
def test_bad_location_header_is_one_broken_link(server: ScriptedServer, location: str, message: str) -> None:
    bad = f"{server.base}/to?url={quote(location)}"
    others = [server.base + "/ok", server.base + "/status/404", server.base + "/chain/2"]
    verdicts = RequestsClient(FAST).check([bad, *others])
    assert (verdicts[bad].kind, verdicts[bad].reason) == (Kind.ERROR, Reason.INVALID)
    assert message in verdicts[bad].message
    assert [(verdicts[u].kind, verdicts[u].status) for u in others] == [(Kind.OK, 200), (Kind.ERROR, 404), (Kind.OK, 200)]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1/path", "invalid URL: http://[::1/path (Invalid IPv6 URL)"),
        ("http://[::1/path#L12", "invalid URL: http://[::1/path (Invalid IPv6 URL)"),
        ("http://[::1/path#intro", "invalid URL: http://[::1/path (Invalid IPv6 URL)"),
        ("http://127.0.0.1:99999/", "bad port in http://127.0.0.1:99999/"),
    ],
)
def test_unparsable_url_given_to_the_client_is_invalid(url: str, message: str) -> None:
    verdict = RequestsClient(FAST).check([url])[url]
    assert (verdict.kind, verdict.reason, verdict.message) == (Kind.ERROR, Reason.INVALID, message)


def test_interleave_keeps_unparsable_urls() -> None:
    assert interleave_hosts(["http://[::1/a", "https://a.test/1", "https://a.test/2"]) == [
        "http://[::1/a", "https://a.test/1", "https://a.test/2",
    ]
