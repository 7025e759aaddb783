"""HTTPS through a pinned address: the connection goes to the approved IP, while SNI and
certificate checks still use the host name (a local TLS server with a throwaway CA)."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from pipeline.net.client import RequestsClient
from pipeline.net.options import ClientOptions
from pipeline.net.verdict import Kind, Reason


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(b"ok")

    do_GET = _answer
    do_HEAD = _answer


@pytest.fixture
def tls_server(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, list[str]]]:
    ca = trustme.CA()
    cert = ca.issue_cert("rebind.test")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    seen: list[str] = []

    def remember(sock: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
        seen.append(name or "")

    context.sni_callback = remember  # type: ignore[assignment]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


OPTIONS = ClientOptions(timeout=3.0, request_timeout=1.0, max_retries=0, interval=0.0, allow_private=True)


def test_https_to_a_pinned_address_keeps_the_name_for_tls(tls_server: tuple[int, list[str]]) -> None:
    port, sni = tls_server
    client = RequestsClient(OPTIONS, resolve=lambda host, port: ["127.0.0.1"])
    url = f"https://rebind.test:{port}/page"
    verdict = client.check([url])[url]
    assert (verdict.kind, verdict.status) == (Kind.OK, 200)
    assert sni and set(sni) == {"rebind.test"}


def test_certificate_for_another_name_still_fails(tls_server: tuple[int, list[str]]) -> None:
    port, _sni = tls_server
    client = RequestsClient(OPTIONS, resolve=lambda host, port: ["127.0.0.1"])
    url = f"https://other.test:{port}/page"
    verdict = client.check([url])[url]
    assert (verdict.kind, verdict.reason) == (Kind.ERROR, Reason.TLS)
