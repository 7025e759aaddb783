"""RequestsClient: how a page's encoding is found, which answers fall back from HEAD to GET,
and accepted statuses, against the scripted loopback server."""

from __future__ import annotations

import pytest
from loopback_server import CHARSET_PAGES, ScriptedServer

from pipeline.net.client import ClientOptions, RequestsClient
from pipeline.net.verdict import Kind, Reason

FAST = ClientOptions(timeout=3.0, request_timeout=1.0, max_retries=1, backoff=0.01, interval=0.0, allow_private=True)


@pytest.mark.parametrize("page", sorted(CHARSET_PAGES))
@pytest.mark.parametrize("fragment", ["über-uns", "%C3%BCber-uns"])
def test_non_ascii_fragment_found_in_the_encoding_a_browser_uses(server: ScriptedServer, page: str, fragment: str) -> None:
    """Without a charset in the Content-Type, requests says ISO-8859-1: the page's own
    <meta charset> (or a BOM, or UTF-8 itself) decides, as in a browser."""
    wanted = "ünï" if page == "short" else fragment
    url = f"{server.base}/charset/{page}#{wanted}"
    verdict = RequestsClient(FAST).check([url])[url]
    assert (verdict.kind, verdict.reason) == (Kind.OK, Reason.OK), verdict.message


def test_a_missing_non_ascii_fragment_is_still_reported(server: ScriptedServer) -> None:
    url = f"{server.base}/charset/meta#über-alles"
    assert RequestsClient(FAST).check([url])[url].reason is Reason.ANCHOR


@pytest.mark.parametrize("host", ["bücher.test", "BÜCHER.test", "xn--bcher-kva.test", "straße.test"])
def test_idn_hosts_connect_to_the_approved_address(server: ScriptedServer, host: str) -> None:
    """An IDN is approved by the guard under its Unicode name, but urllib3 connects to its
    punycode: the pin must be found under that name too, never by a second DNS lookup
    (no name here has a DNS record: only a pinned connection reaches the server)."""
    port = int(server.base.rsplit(":", 1)[1])
    seen: list[str] = []
    client = RequestsClient(FAST, resolve=lambda name, port: seen.append(name) or ["127.0.0.1"])
    url = f"http://{host}:{port}/echo-host"
    verdict = client.check([url])[url]
    assert (verdict.kind, verdict.status) == (Kind.OK, 200), verdict.message
    assert len(seen) == 1 and server.hosts[0].endswith(f":{port}")


@pytest.mark.parametrize("path", ["/head-drop", "/head-hang"])
def test_head_without_an_answer_falls_back_to_get(server: ScriptedServer, path: str) -> None:
    """A HEAD dropped (closed without a response) or timed out says nothing about the page:
    GET is tried in what is left of the URL's budget, as for a 405 or 500 to HEAD."""
    url = server.base + path
    verdict = RequestsClient(FAST).check([url])[url]
    assert (verdict.kind, verdict.status) == (Kind.OK, 200), verdict.message
    assert server.hits[f"GET {path}"] == 1


def test_a_head_timeout_falls_back_to_get_at_once(server: ScriptedServer) -> None:
    """A HEAD that timed out is not retried: the retry spent the budget GET needed (with the
    defaults, two 10 s HEADs used all 20 s)."""
    options = ClientOptions(timeout=2.0, request_timeout=1.0, max_retries=1, backoff=0.01, interval=0.0, allow_private=True)
    url = server.base + "/head-hang?s=3"
    verdict = RequestsClient(options).check([url])[url]
    assert (verdict.kind, verdict.status) == (Kind.OK, 200), verdict.message
    assert (server.hits["HEAD /head-hang?s=3"], server.hits["GET /head-hang?s=3"]) == (1, 1)


def test_a_header_dripped_past_the_budget_times_out(server: ScriptedServer) -> None:
    """Each byte comes well within the read timeout, so only the URL's budget can end it."""
    import time

    options = ClientOptions(timeout=1.5, request_timeout=1.0, max_retries=1, backoff=0.01, interval=0.0, allow_private=True)
    url = server.base + "/drip-header"
    start = time.monotonic()
    verdict = RequestsClient(options).check([url])[url]
    assert (verdict.kind, verdict.reason) == (Kind.WARNING, Reason.TIMEOUT), verdict.message
    assert time.monotonic() - start < 4


def test_head_timeout_with_no_budget_left_stays_a_timeout(server: ScriptedServer) -> None:
    options = ClientOptions(timeout=0.6, request_timeout=0.6, max_retries=1, backoff=0.01, interval=0.0, allow_private=True)
    url = server.base + "/head-hang?s=2"
    verdict = RequestsClient(options).check([url])[url]
    assert verdict.reason is Reason.TIMEOUT


@pytest.mark.parametrize(
    ("path", "accept", "kind", "tries"),
    [
        ("/429?after=0&times=9", {429}, Kind.OK, 1),  # accepted: a success at once, no retry
        ("/429?after=0&times=9", set(), Kind.WARNING, 2),  # not accepted: retried, then doubtful
        ("/status/503", {503}, Kind.OK, 1),
        ("/status/503", set(), Kind.WARNING, 4),  # HEAD and GET, each retried once
        ("/status/403", {403}, Kind.OK, 1),  # no GET to second-guess an accepted HEAD
    ],
)
def test_an_accepted_status_is_a_success(server: ScriptedServer, path: str, accept: set[int], kind: Kind, tries: int) -> None:
    options = ClientOptions(**{**{f: getattr(FAST, f) for f in FAST.__dataclass_fields__},
                               "accept": frozenset(range(200, 300)) | accept})
    url = server.base + path
    verdict = RequestsClient(options).check([url])[url]
    assert verdict.kind is kind, verdict.message
    assert server.hits[f"HEAD {path}"] + server.hits[f"GET {path}"] == tries


def test_only_ids_and_anchor_names_are_fragment_targets(server: ScriptedServer) -> None:
    """data-id, <meta name> and ?id= in a URL are no targets; an unquoted id and <A NAME> are."""
    urls = [f"{server.base}/lookalikes#{frag}" for frag in ("description", "install", "usage", "real", "old")]
    verdicts = RequestsClient(FAST).check(urls)
    assert [verdicts[u].reason for u in urls] == [Reason.ANCHOR, Reason.ANCHOR, Reason.ANCHOR, Reason.OK, Reason.OK]


def test_a_location_in_utf8_is_followed_as_sent(server: ScriptedServer) -> None:
    """http.client reads header bytes as Latin-1: /café arrived as /cafÃ©, a false 404."""
    url = server.base + "/to-cafe"
    verdict = RequestsClient(FAST).check([url])[url]
    assert (verdict.kind, verdict.status, verdict.final_url) == (Kind.OK, 200, server.base + "/café"), verdict.message
