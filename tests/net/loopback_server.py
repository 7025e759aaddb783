"""A scripted HTTP server on loopback addresses for the link-client tests (one route per behaviour)."""

from __future__ import annotations

import collections
import email.utils
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PAGE = b"""<!doctype html><html><head><title>t</title></head><body>
<h1 id="intro">Intro</h1><a name="legacy"></a><p id='single'>x</p>
<h2 id="user-content-gh">gh</h2></body></html>"""

_UTF8_BODY = '<h2 id="über-uns">Über uns</h2>' + "<p>filler</p>" * 200  # the id comes before byte 1024
CHARSET_PAGES = {  # name -> (body, Content-Type)
    "meta": (('<!doctype html><meta charset="utf-8">' + _UTF8_BODY).encode(), "text/html"),
    "equiv": (('<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">' + _UTF8_BODY).encode(), "text/html"),
    "undeclared": (_UTF8_BODY.encode(), "text/html"),
    "header": (_UTF8_BODY.encode(), "text/html; charset=utf-8"),
    "bom": (b"\xef\xbb\xbf" + _UTF8_BODY.encode(), "text/html"),
    "latin1-meta": (('<meta charset="iso-8859-1">' + _UTF8_BODY).encode("latin-1"), "text/html"),
    "latin1-header": (_UTF8_BODY.encode("latin-1"), "text/html; charset=ISO-8859-1"),
    "short": ('<b id="ünï">x</b>'.encode(), "text/html"),  # all of it shorter than the prescan
}


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, host: str = "127.0.0.1", port: int = 0, latency: float = 0.0) -> None:
        super().__init__((host, port), Handler)
        self.latency = latency
        self.lock = threading.Lock()
        self.hits: collections.Counter[str] = collections.Counter()
        self.hosts: list[str] = []  # Host headers of requests to /echo-host
        self.in_flight = 0
        self.max_in_flight = 0
        self.huge_bytes_sent = 0
        self.starts: list[float] = []

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up early (timeouts, capped bodies) is what many tests do on
        purpose: no traceback on stderr for that; anything else is still printed."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ScriptedServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._route()

    def do_GET(self) -> None:
        self._route()

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, ctype: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _route(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        srv = self.server
        with srv.lock:
            srv.hits[f"{self.command} {self.path}"] += 1
            count = srv.hits[f"{self.command} {self.path}"]
            srv.in_flight += 1
            srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
            srv.starts.append(time.monotonic())
        try:
            if srv.latency:
                time.sleep(srv.latency)
            self._dispatch(path, query, count)
        finally:
            with srv.lock:
                srv.in_flight -= 1

    def _dispatch(self, path: str, query: dict[str, list[str]], count: int) -> None:
        if path.startswith("/ok") or path == "/page.html":
            self._send(200, PAGE)
        elif path == "/echo-host":
            self.server.hosts.append(self.headers.get("Host", ""))  # type: ignore[attr-defined]
            self._send(200, PAGE)
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b"nope")
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(302 if n % 2 else 301, headers={"Location": f"/chain/{n - 1}" if n > 1 else "/page.html"})
        elif path == "/to":
            self._send(302, headers={"Location": query["url"][0]})
        elif path.startswith("/loop/"):
            self._send(302, headers={"Location": "/loop/b" if path.endswith("a") else "/loop/a"})
        elif path == "/flaky503":
            self._send(503 if count == 1 else 200, PAGE)
        elif path == "/429":
            after = query.get("after", ["0"])[0]
            if after == "date":
                after = email.utils.formatdate(time.time() + 1, usegmt=True)
            times = int(query.get("times", ["1"])[0])
            self._send(429 if count <= times else 200, PAGE, {"Retry-After": after})
        elif path == "/429-noheader":
            self._send(429 if count == 1 else 200, PAGE)
        elif path == "/head-refused":
            self._send(405 if self.command == "HEAD" else 200, PAGE)
        elif path == "/head-gone":  # a HEAD that lies with a definite failure while GET works
            self._send(410 if self.command == "HEAD" else 200, PAGE)
        elif path == "/head-fails":  # a server whose HEAD handler breaks while GET works
            self._send(500 if self.command == "HEAD" else 200, PAGE)
        elif path == "/drip":  # a small page sent a byte at a time, each in time for the read timeout
            self._drip(query.get("head", ["200"])[0])
        elif path == "/drip-header":  # a header line a byte at a time, never ending: only the URL's budget stops it
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in range(600):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass  # the client gave up
            self.close_connection = True
        elif path == "/to-cafe":  # a Location sent as raw UTF-8 bytes, as servers do
            self.send_response(301)
            self.send_header("Content-Length", "0")
            self._headers_buffer.append(b"Location: /caf\xc3\xa9\r\n")  # send_header would encode it as Latin-1
            self.end_headers()
        elif path == "/caf%C3%A9":
            self._send(200, PAGE)
        elif path == "/lookalikes":  # attributes that look like targets and are none, beside real ones
            self._send(200, b'<html><head><meta name="description" content="d"></head><body><div data-id="install"></div>'
                            b'<a href="/x?id=usage">u</a><section\nid=real></section><A class=c NAME="old">o</A></body></html>')
        elif path == "/slow-page":  # the header at once, the page (with id="intro") over 0.3 s
            body = b" " * 300 + PAGE
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(0, len(body), 100):
                self.wfile.write(body[i : i + 100])
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/slow":
            time.sleep(float(query.get("s", ["2"])[0]))
            self._send(200, PAGE)
        elif path == "/huge":
            self._huge()
        elif path == "/auth":
            ok = self.headers.get("Authorization") == "token s3cret"
            self._send(200 if ok else 401, PAGE)
        elif path == "/text":
            self._send(200, b"plain", ctype="text/plain")
        elif path == "/head-drop":  # a server (or filter) that hangs up on HEAD without an answer
            if self.command == "HEAD":
                self.close_connection = True
                return
            self._send(200, PAGE)
        elif path == "/head-hang":  # ... or never answers HEAD in time
            if self.command == "HEAD":
                time.sleep(float(query.get("s", ["1.5"])[0]))
                self.close_connection = True
                return
            self._send(200, PAGE)
        elif path.startswith("/charset/"):  # a page with a non-ASCII id, its encoding declared (or not) as named
            body, ctype = CHARSET_PAGES[path.rsplit("/", 1)[1]]
            self._send(200, body, ctype=ctype)
        else:
            self._send(404, b"missing")

    def _drip(self, head_status: str) -> None:
        body = PAGE + b" " * 60_000
        self.send_response(int(head_status) if self.command == "HEAD" else 200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        try:
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client gave up: what the test wants

    def _huge(self) -> None:
        size = 64 * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.command == "HEAD":
            return
        block = b"<p>filler</p>" * 5000
        sent = 0
        try:
            while sent < size:
                piece = block[: size - sent]
                self.wfile.write(piece)
                sent += len(piece)
                with self.server.lock:
                    self.server.huge_bytes_sent = sent
        except OSError:
            pass


@contextmanager
def serve(host: str = "127.0.0.1", latency: float = 0.0) -> Iterator[ScriptedServer]:
    server = ScriptedServer(host, 0, latency)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    """A loopback port with nothing listening, for 'connection refused'."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

