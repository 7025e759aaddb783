"""RequestsClient against a scripted server on 127.0.0.1: one row per behaviour of issue 5."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

import pytest
from loopback_server import ScriptedServer

from pipeline.net.client import (
    ClientOptions,
    RequestsClient,
    interleave_hosts,
    resolve_headers,
)
from pipeline.net.politeness import parse_retry_after
from pipeline.net.verdict import Kind, Reason, Verdict

FAST = ClientOptions(
    timeout=3.0, request_timeout=1.0, max_retries=2, backoff=0.01, max_retry_after=2.0,
    interval=0.0, allow_private=True, max_redirects=5,
)


def check(server: ScriptedServer, path: str, options: ClientOptions = FAST) -> Verdict:
    url = server.base + path
    return RequestsClient(options).check([url])[url]


@pytest.mark.parametrize(
    ("path", "kind", "reason", "status"),
    [
        ("/ok", Kind.OK, Reason.OK, 200),
        ("/chain/3", Kind.OK, Reason.OK, 200),
        ("/chain/9", Kind.ERROR, Reason.TOO_MANY_REDIRECTS, None),
        ("/loop/a", Kind.ERROR, Reason.REDIRECT_LOOP, 302),
        ("/status/404", Kind.ERROR, Reason.HTTP_STATUS, 404),
        ("/status/410", Kind.ERROR, Reason.HTTP_STATUS, 410),
        ("/status/500", Kind.ERROR, Reason.HTTP_STATUS, 500),
        ("/status/503", Kind.WARNING, Reason.HTTP_STATUS, 503),  # still unavailable after the retries: doubtful
        ("/head-fails", Kind.OK, Reason.OK, 200),  # HEAD's 500 is checked again with GET
        ("/status/403", Kind.WARNING, Reason.BOT_WALL, 403),
        ("/status/999", Kind.WARNING, Reason.BOT_WALL, 999),
        ("/flaky503", Kind.OK, Reason.OK, 200),
        ("/429?after=0", Kind.OK, Reason.OK, 200),
        ("/429?after=date", Kind.OK, Reason.OK, 200),
        ("/429-noheader", Kind.OK, Reason.OK, 200),
        ("/429?after=0&times=9", Kind.WARNING, Reason.RATE_LIMITED, 429),
        ("/429?after=3600", Kind.WARNING, Reason.RATE_LIMITED, 429),
        ("/head-refused", Kind.OK, Reason.OK, 200),
        ("/page.html#intro", Kind.OK, Reason.OK, 200),
        ("/page.html#legacy", Kind.OK, Reason.OK, 200),
        ("/page.html#single", Kind.OK, Reason.OK, 200),
        ("/page.html#gh", Kind.OK, Reason.OK, 200),
        ("/page.html#top", Kind.OK, Reason.OK, 200),
        ("/page.html#nowhere", Kind.ERROR, Reason.ANCHOR, 200),
        ("/chain/2#intro", Kind.OK, Reason.OK, 200),
        ("/text#anything", Kind.OK, Reason.OK, 200),
    ],
)
def test_verdict_per_server_behaviour(server: ScriptedServer, path: str, kind: Kind, reason: Reason, status: int | None) -> None:
    verdict = check(server, path)
    assert (verdict.kind, verdict.reason, verdict.status) == (kind, reason, status), verdict.message


def test_redirect_loop_names_the_loop(server: ScriptedServer) -> None:
    assert "/loop/a -> " in check(server, "/loop/a").message
    assert check(server, "/chain/2").final_url == server.base + "/page.html"


def test_head_first_then_get_only_when_head_is_refused(server: ScriptedServer) -> None:
    check(server, "/ok")
    check(server, "/head-refused")
    assert server.hits["HEAD /ok"] == 1 and server.hits["GET /ok"] == 0
    assert server.hits["HEAD /head-refused"] == 1 and server.hits["GET /head-refused"] == 1


def test_retry_after_longer_than_cap_does_not_wait(server: ScriptedServer) -> None:
    started = time.monotonic()
    verdict = check(server, "/429?after=3600")
    assert time.monotonic() - started < 1.0
    assert "3600" in verdict.message


def test_retry_after_is_honoured(server: ScriptedServer) -> None:
    started = time.monotonic()
    assert check(server, "/429?after=1").ok
    assert time.monotonic() - started >= 0.9


def test_slow_server_times_out_as_warning(server: ScriptedServer) -> None:
    options = ClientOptions(timeout=0.6, request_timeout=0.3, max_retries=1, backoff=0.01, interval=0.0, allow_private=True)
    started = time.monotonic()
    verdict = check(server, "/slow?s=2", options)
    assert (verdict.kind, verdict.reason) == (Kind.WARNING, Reason.TIMEOUT)
    assert time.monotonic() - started < 1.5


def test_huge_body_is_not_read_past_the_cap(server: ScriptedServer) -> None:
    options = ClientOptions(timeout=5.0, interval=0.0, allow_private=True, max_body=256 * 1024)
    verdict = check(server, "/huge#absent", options)
    assert (verdict.kind, verdict.reason) == (Kind.WARNING, Reason.ANCHOR)
    assert check(server, "/huge", options).ok
    time.sleep(0.2)
    assert server.huge_bytes_sent < 16 * 1024 * 1024


def test_refused_connection_is_an_error(refused_url: str) -> None:
    verdict = RequestsClient(FAST).check([refused_url])[refused_url]
    assert (verdict.kind, verdict.reason) == (Kind.ERROR, Reason.REFUSED)


@pytest.mark.parametrize(
    ("errno", "kind"),
    [
        (socket.EAI_NONAME, Kind.ERROR),  # no such name: the link is broken
        (socket.EAI_AGAIN, Kind.WARNING),  # "temporary failure in name resolution": says nothing of the link
        (socket.EAI_FAIL, Kind.WARNING),
    ],
)
def test_dns_failure_without_any_request(errno: int, kind: Kind) -> None:
    def resolve(host: str, port: int) -> Sequence[str]:
        raise socket.gaierror(errno, "lookup failed")

    url = "http://no-such-host.invalid/page"
    verdict = RequestsClient(FAST, resolve=resolve).check([url])[url]
    assert (verdict.kind, verdict.reason) == (kind, Reason.DNS)
    assert verdict.message == "DNS lookup of no-such-host.invalid failed ([Errno %d] lookup failed)" % errno


@pytest.mark.parametrize(
    ("address", "named"),
    [("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("169.254.169.254", "link-local"), ("::1", "loopback"), ("192.168.0.7", "private"),
     ("100.100.100.200", "a private"), ("0.0.0.0", "an unspecified"),  # carrier-grade NAT (a cloud's metadata service)
     ("2002:7f00:1::", "loopback"), ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private")],  # 6to4 of 127.0.0.1, Teredo of 10.0.0.1
)
def test_private_addresses_are_refused_with_a_warning_naming_them(address: str, named: str) -> None:
    url = "http://internal.example/admin"
    client = RequestsClient(ClientOptions(allow_private=False), resolve=lambda host, port: [address])
    verdict = client.check([url])[url]
    assert (verdict.kind, verdict.reason) == (Kind.WARNING, Reason.PRIVATE)
    assert named in verdict.message and address in verdict.message and "--allow-private" in verdict.message


def test_redirect_to_a_private_address_is_refused(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard runs on every hop, so a public page cannot bounce us into the LAN."""
    from pipeline.net import fetch

    # Our loopback server counts as public here (connections go to the approved address,
    # so it must really be the server's), and internal.test resolves to the LAN.
    real = fetch.private_kind
    monkeypatch.setattr(fetch, "private_kind", lambda address: None if address == "127.0.0.1" else real(address))
    hops = {"127.0.0.1": ["127.0.0.1"], "internal.test": ["10.0.0.5"]}
    client = RequestsClient(ClientOptions(allow_private=False, interval=0.0), resolve=lambda host, port: hops[host])
    url = server.base + "/to?url=http://internal.test/admin"
    verdict = client.check([url])[url]
    assert (verdict.kind, verdict.reason) == (Kind.WARNING, Reason.PRIVATE)
    assert "internal.test (10.0.0.5)" in verdict.message and verdict.final_url == "http://internal.test/admin"


def test_each_unique_url_is_fetched_once_and_fragments_share_the_fetch(server: ScriptedServer) -> None:
    page = server.base + "/page.html"
    urls = [page + "#intro", page + "#legacy", page + "#nope", server.base + "/ok", page, page + "#"] * 5
    verdicts = RequestsClient(FAST).check(urls)
    assert set(verdicts) == set(urls)
    assert server.hits["GET /page.html"] == 1 and server.hits["HEAD /page.html"] == 0 and server.hits["HEAD /ok"] == 1
    assert [verdicts[u].kind for u in urls[:6]] == [Kind.OK, Kind.OK, Kind.ERROR, Kind.OK, Kind.OK, Kind.OK]


def test_a_stream_fetches_each_url_once_across_batches(server: ScriptedServer) -> None:
    """What the runner does: URLs added post by post, joined once; a page is fetched once
    however many batches name it, and a fragment asked only after its fetch began costs
    one more GET, judged on its own."""
    page = server.base + "/page.html"
    stream = RequestsClient(FAST).start()
    try:
        stream.add([page + "#intro", server.base + "/ok"])
        stream.add([page + "#intro", server.base + "/ok", page])
        stream.add([page + "#nope"])
        verdicts = stream.results()
    finally:
        stream.close()
    assert {u: v.kind for u, v in verdicts.items()} == {
        page + "#intro": Kind.OK, page: Kind.OK, page + "#nope": Kind.ERROR, server.base + "/ok": Kind.OK,
    }
    assert server.hits["GET /page.html"] == 2 and server.hits["HEAD /ok"] == 1


@pytest.mark.parametrize("bare_first", [True, False])
def test_a_bare_url_is_judged_by_the_page_whatever_the_order(server: ScriptedServer, bare_first: bool) -> None:
    """A HEAD that says 410 where GET says 200: once a fragment makes the page be read, the
    bare URL's verdict comes from that read, as when both came in one batch, so the order
    of the posts (or of worker results) changes nothing."""
    page = server.base + "/head-gone"
    stream = RequestsClient(FAST).start()
    try:
        for batch in ([page], [page + "#intro"]) if bare_first else ([page + "#intro"], [page]):
            stream.add(batch)
        verdicts = stream.results()
    finally:
        stream.close()
    assert (verdicts[page].kind, verdicts[page + "#intro"].kind) == (Kind.OK, Kind.OK)


@pytest.fixture
def session_builds(monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread]:
    """The threads that built the client's one requests session, in order."""
    from pipeline.net import fetch

    built: list[threading.Thread] = []
    real = fetch._manual_redirect_session
    monkeypatch.setattr(fetch, "_manual_redirect_session", lambda: built.append(threading.current_thread()) or real())
    return built


def test_the_first_url_submitted_builds_the_session_in_the_submitting_thread(server: ScriptedServer, session_builds: list[threading.Thread]) -> None:
    """Importing requests in the first fetch thread made the first request share the GIL
    with the rest of the run; the thread that submits it builds the one session first."""
    built = session_builds
    stream = RequestsClient(FAST).start()
    try:
        stream.add([server.base + "/ok"])
        assert built == [threading.current_thread()]
        stream.add([server.base + "/ok/2"])
        assert all(v.ok for v in stream.results().values())
    finally:
        stream.close()
    assert len(built) == 1


def test_warming_a_stream_builds_the_session_and_starts_no_thread(server: ScriptedServer, session_builds: list[threading.Thread]) -> None:
    """`warm` readies the client before any URL (a parallel run calls it once its workers
    are forked): requests imported, the one session built, no thread started, so a later
    fork stays safe and the first URL goes out without waiting for the import."""
    import sys

    built = session_builds
    threads = set(threading.enumerate())
    stream = RequestsClient(FAST).start()
    try:
        stream.warm()
        stream.warm()
        assert built == [threading.current_thread()] and "requests" in sys.modules
        assert set(threading.enumerate()) == threads
        stream.add([server.base + "/ok"])
        assert all(v.ok for v in stream.results().values())
    finally:
        stream.close()
    assert len(built) == 1


def test_closing_a_stream_does_not_wait_for_its_threads(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """After `results` every thread is idle: `close` leaves them to end on their own (joining
    128 of them took 6 ms after the last response), and the answers are all in."""
    from concurrent.futures import ThreadPoolExecutor

    waits: list[bool] = []
    real = ThreadPoolExecutor.shutdown
    monkeypatch.setattr(ThreadPoolExecutor, "shutdown",
                        lambda self, wait=True, **kw: (waits.append(wait), real(self, wait=wait, **kw))[1])
    stream = RequestsClient(FAST).start()
    try:
        stream.add([server.base + "/ok", server.base + "/status/404"])
        verdicts = stream.results()
    finally:
        stream.close()
    assert waits == [False] and sorted(v.kind for v in verdicts.values()) == [Kind.ERROR, Kind.OK]


def test_politeness_holds_across_stream_batches(server: ScriptedServer) -> None:
    server.latency = 0.1
    stream = RequestsClient(ClientOptions(per_host=2, interval=0.05, allow_private=True, workers=16)).start()
    try:
        for i in range(4):
            stream.add([f"{server.base}/ok/{i}a", f"{server.base}/ok/{i}b"])
        assert len(stream.results()) == 8
    finally:
        stream.close()
    assert server.max_in_flight <= 2
    assert min(b - a for a, b in zip(server.starts, server.starts[1:], strict=False)) >= 0.04


def test_per_host_concurrency_and_interval(server: ScriptedServer) -> None:
    server.latency = 0.1
    options = ClientOptions(per_host=2, interval=0.05, allow_private=True, workers=16)
    RequestsClient(options).check([f"{server.base}/ok/{i}" for i in range(8)])
    assert server.max_in_flight <= 2
    gaps = [b - a for a, b in zip(server.starts, server.starts[1:], strict=False)]
    assert min(gaps) >= 0.04


def test_per_host_limit_holds_while_pages_are_read(server: ScriptedServer) -> None:
    """A page read for its #fragment keeps its connection busy: it counts until it is read."""
    options = ClientOptions(per_host=2, interval=0.0, allow_private=True, workers=16)
    verdicts = RequestsClient(options).check([f"{server.base}/slow-page?n={i}#intro" for i in range(6)])
    assert all(v.ok for v in verdicts.values())
    assert server.max_in_flight <= 2


def test_progress_callback_sees_every_url(server: ScriptedServer) -> None:
    seen: list[tuple[int, int]] = []
    RequestsClient(FAST, progress=lambda done, total, url: seen.append((done, total))).check(
        [f"{server.base}/ok/{i}" for i in range(3)]
    )
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]


def test_per_host_headers_expand_environment_variables(server: ScriptedServer) -> None:
    headers = {"127.0.0.1": {"Authorization": "token ${TOKEN}"}}
    url = server.base + "/auth"
    with_token = RequestsClient(ClientOptions(**{**_fast(), "headers": headers}), environ={"TOKEN": "s3cret"})
    without = RequestsClient(ClientOptions(**{**_fast(), "headers": headers}), environ={})
    assert with_token.check([url])[url].ok
    assert without.check([url])[url].reason is Reason.BOT_WALL


def _fast() -> dict[str, object]:
    return {name: getattr(FAST, name) for name in FAST.__dataclass_fields__}


def test_accepted_codes_are_configurable(server: ScriptedServer) -> None:
    options = ClientOptions(**{**_fast(), "accept": frozenset({200, 403})})
    assert check(server, "/status/403", options).ok


@pytest.mark.parametrize(
    ("header", "expected"),
    [("5", 5.0), (" 0 ", 0.0), (None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=time.time()) == expected


def test_parse_retry_after_http_date_in_the_future() -> None:
    import email.utils

    now = time.time()
    value = parse_retry_after(email.utils.formatdate(now + 120, usegmt=True), now=now)
    assert value is not None and 118 <= value <= 121


def test_header_with_unset_variable_is_dropped() -> None:
    assert resolve_headers({"GitHub.com": {"Authorization": "Bearer $GH", "X-A": "b"}}, {}) == {"github.com": {"X-A": "b"}}


def test_two_hosts_are_checked_in_parallel(serve_on: Callable[..., AbstractContextManager[ScriptedServer]]) -> None:
    with serve_on("127.0.0.2", latency=0.2) as one, serve_on("127.0.0.3", latency=0.2) as two:
        options = ClientOptions(per_host=1, interval=0.0, allow_private=True)
        started = time.monotonic()
        verdicts = RequestsClient(options).check([one.base + "/ok/1", one.base + "/ok/2", two.base + "/ok/1", two.base + "/ok/2"])
        assert all(v.ok for v in verdicts.values())
        assert time.monotonic() - started < 0.75


def test_hosts_are_interleaved_so_one_busy_host_cannot_hold_every_worker() -> None:
    urls = ["https://a.test/1", "https://a.test/2", "https://a.test/3", "https://b.test/1", "https://c.test/1", "https://b.test/2"]
    assert interleave_hosts(urls) == [
        "https://a.test/1", "https://b.test/1", "https://c.test/1", "https://a.test/2", "https://b.test/2", "https://a.test/3",
    ]


def test_waiting_for_the_host_turn_does_not_count_against_the_timeout(server: ScriptedServer) -> None:
    """lychee-style politeness queues URLs per host; being late in that queue is not a timeout."""
    options = ClientOptions(per_host=1, interval=0.05, timeout=0.2, request_timeout=0.2, allow_private=True, workers=16)
    verdicts = RequestsClient(options).check([f"{server.base}/ok/{i}" for i in range(12)])
    assert all(v.ok for v in verdicts.values()), [v.message for v in verdicts.values() if not v.ok]


def test_code_host_line_anchors_need_no_element(server: ScriptedServer) -> None:
    """GitHub-style file pages select #L12 by script: never a missing anchor, and no body fetched."""
    blob = server.base + "/ok/owner/repo/blob/main/x.py"
    urls = [blob + "#L12", blob + "#L12-L14", blob + "#L3C1-L4C9", blob + "#no-such-id"]
    verdicts = RequestsClient(FAST).check(urls)
    assert [verdicts[u].kind for u in urls] == [Kind.OK, Kind.OK, Kind.OK, Kind.ERROR]
    only_lines = RequestsClient(FAST).check([server.base + "/ok/other/blob/x#L7"])
    assert list(only_lines.values())[0].kind is Kind.OK
    assert server.hits["GET /ok/other/blob/x"] == 0 and server.hits["HEAD /ok/other/blob/x"] == 1


@pytest.mark.parametrize(("url", "fragment", "expected"), [
    ("https://github.com/o/r/blob/main/a.py", "L10", True),
    ("https://gist.github.com/o/abc", "L3-L5", True),
    ("https://gitlab.example.org/g/p/-/blob/main/a.py", "L10-12", True),
    ("https://bitbucket.org/o/r/src/main/a.py", "lines-4:9", True),
    ("https://notgithub.com/page", "L10", False),  # a host that only ends like one
    ("https://example.com/docs", "L10", False),  # any other page: a real anchor
    ("https://github.com/o/r", "installation", False),
    ("https://example.com/", "top", True),
])
def test_always_present(url: str, fragment: str, expected: bool) -> None:
    from pipeline.net.anchors import always_present

    assert always_present(fragment, url) is expected


def test_connections_go_to_the_approved_address_not_a_second_lookup(server: ScriptedServer) -> None:
    """DNS rebinding: the name is resolved once, checked, and connected to as approved.
    rebind.test has no DNS record at all here, so only a pinned connection can reach the
    server; the Host header still names the host."""
    port = int(server.base.rsplit(":", 1)[1])
    seen: list[str] = []
    client = RequestsClient(FAST, resolve=lambda host, port: seen.append(host) or ["127.0.0.1"])
    url = f"http://rebind.test:{port}/echo-host"
    verdict = client.check([url])[url]
    assert (verdict.kind, verdict.status) == (Kind.OK, 200)
    assert seen == ["rebind.test"] and server.hosts == [f"rebind.test:{port}"]


@pytest.mark.parametrize("path", ["/drip#intro", "/drip?head=405"])
def test_a_body_sent_a_byte_at_a_time_ends_at_the_time_budget(server: ScriptedServer, path: str) -> None:
    """Each byte comes in time for the per-read timeout, so only the URL's total budget can
    end the read (a 60 kB page at 5 bytes a second would take over three hours)."""
    started = time.monotonic()
    verdict = check(server, path, ClientOptions(allow_private=True, timeout=2.0, request_timeout=1.0, max_retries=0))
    assert time.monotonic() - started < 15
    if "#" in path:
        assert (verdict.kind, verdict.reason) == (Kind.WARNING, Reason.ANCHOR)
        assert verdict.message == "anchor 'intro' not found in the part of the page read (it stopped when the time budget ran out)"
    else:
        assert verdict.kind is Kind.OK  # HEAD refused, GET answers 200: its slow body is not waited for
