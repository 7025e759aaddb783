"""Fetching one URL politely: redirects, retries, HEAD then GET, anchors in a capped body.

``requests`` is imported inside the methods that use it, never at module import.
"""

from __future__ import annotations

import codecs
import contextlib
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from pipeline.net.address import HostResolver, lasting_dns_failure, private_kind
from pipeline.net.anchors import always_present, scan_anchors
from pipeline.net.options import ClientOptions
from pipeline.net.politeness import DeadlineExceeded, HostGate, parse_retry_after
from pipeline.net.verdict import Kind, Reason

if TYPE_CHECKING:
    import requests

# HEAD answers that often lie (servers that do not implement HEAD, or bot filters): retry with GET.
# HEAD answers that GET may not share: refused methods, and servers that fail on HEAD alone.
HEAD_FALLBACK = frozenset({400, 403, 404, 405, 501, 500, 502, 503, 504})
# HEAD failing without any answer: some servers and filters drop or ignore HEAD alone.
# GET gets what is left of the URL's time budget (none left: the timeout stands).
HEAD_FALLBACK_REASONS = frozenset({Reason.CONNECTION, Reason.TIMEOUT})
# Still failing after the retries, but temporary by definition: doubtful, not broken.
UNAVAILABLE = frozenset({502, 503, 504})
# Ambiguous answers: a wall in front of bots or a login, not evidence the page is gone.
BOT_WALL = frozenset({401, 403, 999})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_KEEP_ALIVE_BODY = 64 * 1024


@dataclass(frozen=True, slots=True)
class Outcome:
    """What fetching one URL (fragment stripped) found, before fragments are judged."""

    kind: Kind
    reason: Reason
    message: str
    status: int | None = None
    final_url: str | None = None
    found: frozenset[str] = frozenset()
    complete: bool = True
    retryable: bool = False
    cut: str = ""  # why the body was not read to its end, when it was not


@dataclass(slots=True)
class _Budget:
    """A URL's total time budget, started by its first request rather than by its place in the queue.

    Waiting for the host's turn is politeness, not slowness: 500 links to one host at 50 ms
    apart must not time out just for being late in the line.
    """

    seconds: float
    at: float = math.inf

    def begin(self) -> None:
        if self.at == math.inf:
            self.at = time.monotonic() + self.seconds


def _status_text(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """Walk an exception's wrapped causes (requests wraps urllib3 wraps socket errors)."""
    stack: list[object] = [exc]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])


class Fetcher:
    """State of one ``check`` call: the host gate, DNS answers and the pooled session; fetches one URL at a time per thread."""

    def __init__(
        self,
        options: ClientOptions,
        gate: HostGate,
        resolver: HostResolver,
        headers_for: Callable[[str], dict[str, str]],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._opts = options
        self._headers_for = headers_for
        self._sleep = sleep
        self._gate = gate
        self._resolver = resolver
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._env: dict[str, tuple[dict[str, str], str | bool]] = {}
        self._pins: dict[tuple[str, int], tuple[str, ...]] = {}  # what _guard approved, connected to as is

    def close(self) -> None:
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def open(self) -> None:
        """Import requests and build the session now, in the caller's thread, before any fetch thread starts.

        Left to the first fetch, the import (about 45 ms) would share the GIL with the rest of
        the run (submitting, thread start-up, the other checks), so the first request waited
        for all of that; done here, it goes out as soon as a thread picks it up.
        """
        self._session()

    def _session(self) -> requests.Session:
        """One pooled session shared by the worker threads: at most ``per_host`` connections per host.

        Sharing (rather than a session per thread) keeps connections few and warm; requests'
        adapter pool is thread-safe, and we never rely on the cookie jar.
        """
        with self._lock:
            if not self._sessions:
                from pipeline.net.pinning import pinned_adapter

                session = _manual_redirect_session()
                # Environment proxies are looked up once per host (_environment), not per request:
                # requests re-reads os.environ on every call, a third of its CPU time per URL here.
                session.trust_env = False
                adapter = pinned_adapter(self._pins, pool_connections=64, pool_maxsize=self._opts.per_host, max_retries=0)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                session.headers.update({"User-Agent": self._opts.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
                self._sessions.append(session)
            return self._sessions[0]

    def _environment(self, url: str) -> tuple[dict[str, str], str | bool]:
        """Proxies (honouring NO_PROXY) and CA bundle from the environment, read once per scheme and host."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            found = self._env.get(key)
        if found is None:
            from requests.utils import get_environ_proxies

            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            found = (dict(get_environ_proxies(key)), bundle or True)
            with self._lock:
                self._env[key] = found
        return found

    # -- one URL --------------------------------------------------------------------------
    def fetch(self, url: str, fragments: frozenset[str]) -> Outcome:
        deadline = _Budget(self._opts.timeout)
        wanted = frozenset(f for f in fragments if not always_present(f, url))
        if wanted:
            return self._follow(url, "GET", deadline, wanted)
        outcome = self._follow(url, "HEAD", deadline, wanted)
        if outcome.kind is Kind.OK:
            return outcome  # an accepted status (accept = [..., 403]) needs no second opinion
        if outcome.status in HEAD_FALLBACK or (outcome.status is None and outcome.reason in HEAD_FALLBACK_REASONS):
            return self._follow(url, "GET", deadline, wanted)
        return outcome

    def _follow(self, url: str, method: str, deadline: _Budget, wanted: frozenset[str]) -> Outcome:
        chain = [url]
        current = url
        for _ in range(self._opts.max_redirects + 1):
            result = self._request(current, method, deadline)
            if isinstance(result, Outcome):
                return replace(result, final_url=current if len(chain) > 1 else None)
            location = _header_text(result.headers.get("location"))
            if result.status_code in _REDIRECTS and location:
                self._release(result, deadline)  # requests no longer reads redirect bodies for us (_manual_redirect_session)
                target = _redirect_target(current, location)
                if target is None:
                    return Outcome(
                        Kind.ERROR, Reason.INVALID, f"redirects to an invalid URL: {location!r}", result.status_code,
                        current if len(chain) > 1 else None,
                    )
                current = target
                if current in chain:
                    loop = " -> ".join([*chain[chain.index(current):], current])
                    return Outcome(Kind.ERROR, Reason.REDIRECT_LOOP, f"redirect loop: {loop}", result.status_code)
                chain.append(current)
                if result.status_code == 303 and method != "HEAD":
                    method = "GET"
                continue
            return self._judge(result, wanted, deadline, final_url=current if len(chain) > 1 else None)
        return Outcome(
            Kind.ERROR, Reason.TOO_MANY_REDIRECTS,
            f"more than {self._opts.max_redirects} redirects ({chain[0]} -> ... -> {chain[-1]})", None, chain[-1],
        )

    def _guard(self, url: str) -> tuple[str, Outcome | None]:
        """Reject bad URLs, unresolvable hosts and (unless allowed) private addresses before any request."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:  # 'http://[::1/x': urlsplit raises rather than returning parts
            return "", Outcome(Kind.ERROR, Reason.INVALID, f"invalid URL: {url} ({exc})")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "", Outcome(Kind.ERROR, Reason.INVALID, f"not a checkable http(s) URL: {url}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return "", Outcome(Kind.ERROR, Reason.INVALID, f"bad port in {url}")
        host = parts.hostname
        found = self._resolver.lookup(host, port)
        if found.error is not None:
            return host, Outcome(Kind.ERROR if found.lasting else Kind.WARNING, Reason.DNS, found.error)
        if not self._opts.allow_private:
            for address in found.addresses:
                kind = private_kind(address)
                if kind is not None:
                    shown = host if host == address else f"{host} ({address})"
                    return host, Outcome(
                        Kind.WARNING, Reason.PRIVATE,
                        f"not checked: {shown} is {'an' if kind[0] in 'aeiou' else 'a'} {kind} address; allow with --allow-private "
                        "or allow_private = true under [links]",
                    )
        for name in _connection_names(host):
            self._pins[(name, port)] = found.addresses
        return host, None

    def _request(self, url: str, method: str, deadline: _Budget) -> requests.Response | Outcome:
        host, refused = self._guard(url)
        if refused is not None:
            return refused
        last: Outcome | None = None
        for attempt in range(self._opts.max_retries + 1):
            if attempt:
                delay = self._opts.backoff * 2 ** (attempt - 1)
                if time.monotonic() + delay > deadline.at:
                    break
                self._sleep(delay)
            try:
                response = self._send(url, method, host, deadline)
            except DeadlineExceeded:
                break
            if isinstance(response, Outcome):
                last = response
                if response.retryable and not (method == "HEAD" and response.reason is Reason.TIMEOUT):
                    continue
                return response  # a HEAD with no answer in time: fetch() asks GET with the budget left
            status = response.status_code
            if status in self._opts.accept:
                return response  # accepted (accept = ["200..=299", "429"]): a success, not retried
            if status == 429:
                last = self._rate_limited(response, host, attempt)
                if last.retryable:
                    continue
                return last
            if 500 <= status < 600 and attempt < self._opts.max_retries:
                response.close()
                last = Outcome(Kind.WARNING if status in UNAVAILABLE else Kind.ERROR, Reason.HTTP_STATUS, _status_text(status), status)
                continue
            return response
        if last is not None and last.reason is not Reason.TIMEOUT:
            return replace(last, retryable=False)
        return Outcome(Kind.WARNING, Reason.TIMEOUT, f"timed out (total budget {self._opts.timeout:g} s)")

    def _rate_limited(self, response: requests.Response, host: str, attempt: int) -> Outcome:
        wait = parse_retry_after(response.headers.get("retry-after"))
        response.close()
        if wait is not None and wait > self._opts.max_retry_after:
            return Outcome(
                Kind.WARNING, Reason.RATE_LIMITED,
                f"HTTP 429 Too Many Requests; server asks to wait {wait:.0f} s (more than {self._opts.max_retry_after:g} s)", 429,
            )
        if attempt >= self._opts.max_retries:
            return Outcome(Kind.WARNING, Reason.RATE_LIMITED, f"HTTP 429 Too Many Requests after {attempt + 1} tries", 429)
        if wait is not None:
            # Retry-After applies to the whole host, so every request to it waits (polite, and it is what 429 means).
            self._gate.defer(host, time.monotonic() + wait)
        return Outcome(Kind.WARNING, Reason.RATE_LIMITED, "HTTP 429 Too Many Requests", 429, retryable=True)

    def _send(self, url: str, method: str, host: str, deadline: _Budget) -> requests.Response | Outcome:
        import http.client

        import requests
        from urllib3.exceptions import LocationValueError

        from pipeline.net.pinning import request_deadline

        # The host's slot is held until the response is closed, its body read included: a
        # connection streaming a page is as much a load on the host as one awaiting a header.
        slot = contextlib.ExitStack()
        slot.enter_context(self._gate.slot(host, deadline.at))
        response = None
        deadline.begin()
        timeout = max(0.001, min(self._opts.request_timeout, deadline.at - time.monotonic()))
        request_deadline.at = deadline.at  # the watchdog cuts a header dripped past the URL's time
        try:
            proxies, verify = self._environment(url)
            response = self._session().request(
                method, url, headers=self._headers_for(host), allow_redirects=False,
                stream=True, timeout=(timeout, timeout), proxies=proxies, verify=verify,
            )
            _release_on_close(response, slot)
            return response
        except requests.exceptions.SSLError as exc:
            return Outcome(Kind.ERROR, Reason.TLS, f"TLS handshake with {host} failed: {_innermost(exc)}")
        except requests.exceptions.Timeout:
            return Outcome(Kind.WARNING, Reason.TIMEOUT, f"timed out after {timeout:.3g} s", retryable=True)
        except requests.exceptions.ConnectionError as exc:
            if time.monotonic() >= deadline.at:  # the watchdog shut it: the header never finished
                return Outcome(Kind.WARNING, Reason.TIMEOUT, f"timed out (total budget {self._opts.timeout:g} s)")
            return _connection_outcome(exc, host)
        except (
            requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema,
            LocationValueError, http.client.InvalidURL,
        ) as exc:
            return Outcome(Kind.ERROR, Reason.INVALID, f"invalid URL: {exc}")
        finally:
            request_deadline.at = None
            if response is None:
                slot.close()  # no response to take the slot over: the host has it back now

    def _judge(self, response: requests.Response, wanted: frozenset[str], deadline: _Budget, final_url: str | None) -> Outcome:
        status = response.status_code
        accepted = status in self._opts.accept
        if not accepted:
            response.close()
            kind, reason = (Kind.WARNING, Reason.BOT_WALL) if status in BOT_WALL else (Kind.ERROR, Reason.HTTP_STATUS)
            if status in UNAVAILABLE:
                kind = Kind.WARNING
            if status == 429:
                kind, reason = Kind.WARNING, Reason.RATE_LIMITED
            return Outcome(kind, reason, _status_text(status), status, final_url)
        found, complete, cut = frozenset(wanted), True, ""
        content_type = response.headers.get("content-type", "text/html").lower()
        if wanted and ("html" in content_type or "xml" in content_type):
            found, complete, cut = self._scan_body(response, wanted, deadline)
        else:
            self._release(response, deadline)
        return Outcome(Kind.OK, Reason.OK, _status_text(status), status, final_url, found, complete, cut=cut)

    def _scan_body(self, response: requests.Response, wanted: frozenset[str], deadline: _Budget) -> tuple[frozenset[str], bool, str]:
        """Stream the body, stopping at the first of: all anchors found, ``max_body`` bytes, the deadline."""
        state = {"cut": ""}
        declared = _header_charset(response.headers.get("content-type", ""))

        def chunks() -> Iterator[str]:
            decoder = None
            head = b""
            for chunk in _body(response, deadline.at, self._opts.max_body, state):
                if decoder is None:
                    head += chunk
                    if len(head) < _PRESCAN and not declared:
                        continue  # a browser looks for <meta charset> in the first 1024 bytes
                    chunk, head = head, b""
                    decoder = codecs.getincrementaldecoder(_body_codec(declared, chunk))(errors="replace")
                yield decoder.decode(chunk)
            if decoder is None and head:  # the whole body was shorter than the prescan
                yield head.decode(_body_codec(declared, head), errors="replace")

        try:
            found = scan_anchors(chunks(), wanted)
        finally:
            response.close()
        return found, not state["cut"] or found == wanted, state["cut"]

    def _release(self, response: requests.Response, deadline: _Budget) -> None:
        """Read a small (or HEAD's empty) body so the pooled connection is reused; drop a big one's connection.

        requests closes, rather than pools, a connection whose body was not consumed. The
        read stops at the URL's deadline or one request timeout, whichever comes first.
        """
        length = response.headers.get("content-length", "")
        small = length.isdigit() and int(length) <= _KEEP_ALIVE_BODY
        if response.request.method == "HEAD" or small:
            state = {"cut": ""}
            for _ in _body(response, min(deadline.at, time.monotonic() + self._opts.request_timeout), _KEEP_ALIVE_BODY, state):
                pass
        response.close()


def _release_on_close(response: requests.Response, held: contextlib.ExitStack) -> None:
    """Close `held` (the host's slot) when the response is closed, as every path ends."""
    close = response.close

    def close_and_release() -> None:
        try:
            close()
        finally:
            held.close()

    response.close = close_and_release  # type: ignore[method-assign]


def _body(response: requests.Response, until: float, limit: int, state: dict[str, str]) -> Iterator[bytes]:
    """The body as it arrives, one socket read at a time, until `limit` bytes or the time
    `until`; `state["cut"]` says why it stopped early. A server that drips a byte at a time
    restarts the per-read timeout on every byte: only this clock bounds the whole read."""
    from urllib3.exceptions import HTTPError

    raw, read = response.raw, 0
    try:
        while True:
            if read >= limit:
                state["cut"] = f"after {limit} bytes"
                return
            if time.monotonic() >= until:
                state["cut"] = "when the time budget ran out"
                return
            chunk = raw.read1(min(64 * 1024, limit - read), decode_content=True)
            if not chunk:
                return
            read += len(chunk)
            yield chunk
    except (HTTPError, OSError, ValueError):  # broke mid-way: judge on what was read
        state["cut"] = "when the connection broke"


def _manual_redirect_session() -> requests.Session:
    """A session that leaves Location headers to :meth:`Fetcher._follow`.

    Even with ``allow_redirects=False`` requests parses the next URL (for ``Response.next``),
    and a bad Location ('http://[::1') raises ValueError there, losing the response and
    stopping the whole run; ``get_redirect_target`` is requests' hook for finding it.
    """
    import requests

    class Session(requests.Session):
        def get_redirect_target(self, resp: requests.Response) -> None:
            return None

    return Session()


def _header_text(value: str | None) -> str | None:
    """A header as the server meant it: http.client decodes raw bytes as Latin-1, and servers
    send a non-ASCII Location in UTF-8 (/café), as requests' own redirect handling assumes."""
    if value is None or value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _redirect_target(current: str, location: str) -> str | None:
    """The absolute URL a Location header points to (fragment dropped), or None if it cannot be parsed."""
    try:
        target = urljoin(current, location).partition("#")[0]
        urlsplit(target)
    except ValueError:
        return None
    return target


def _codec(encoding: str | None) -> str:
    try:
        return codecs.lookup(encoding or "utf-8").name
    except LookupError:
        return "utf-8"


_PRESCAN = 1024
_HEADER_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([^\"';\s]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _header_charset(content_type: str) -> str | None:
    """The charset the Content-Type names, if it names one (requests' ISO-8859-1 for any
    text/* without one is a default browsers never apply to HTML)."""
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else None


def _body_codec(declared: str | None, head: bytes) -> str:
    """The page's encoding as a browser finds it: a BOM, the Content-Type's charset, a
    <meta charset> (or http-equiv) in the first 1024 bytes; else UTF-8, which is what an
    undeclared page with non-ASCII ids almost always is."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if declared:
        return _codec(declared)
    m = _META_CHARSET.search(head[:_PRESCAN])
    return _codec(m.group(1).decode("ascii")) if m else "utf-8"


def _connection_names(host: str) -> set[str]:
    """The names a connection to `host` may be made under: as written, and, for an IDN, the
    punycode urllib3 connects to (IDNA 2008 as urllib3 encodes it, and Python's IDNA 2003).
    A pin stored under the Unicode name only let urllib3 look the punycode name up again."""
    name = host.rstrip(".").lower()
    names = {name}
    if not name.isascii():
        try:
            import idna

            names.add(idna.encode(name, strict=True, std3_rules=True).decode("ascii"))
        except (ImportError, ValueError):  # idna.IDNAError is a ValueError
            pass
        try:
            names.add(name.encode("idna").decode("ascii"))
        except UnicodeError:
            pass
    return names


def _innermost(exc: BaseException) -> str:
    *_, last = _causes(exc)
    return str(last) or type(last).__name__


def _connection_outcome(exc: Exception, host: str) -> Outcome:
    import socket

    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return Outcome(Kind.ERROR, Reason.REFUSED, f"connection to {host} refused", retryable=True)
        if isinstance(cause, socket.gaierror):
            kind = Kind.ERROR if lasting_dns_failure(cause) else Kind.WARNING
            return Outcome(kind, Reason.DNS, f"DNS lookup of {host} failed ({cause})")
        if type(cause).__name__ == "NameResolutionError":  # urllib3's, should it come without its cause
            return Outcome(Kind.WARNING, Reason.DNS, f"DNS lookup of {host} failed")
        if isinstance(cause, (TimeoutError, socket.timeout)) or "timed out" in str(cause).lower():
            return Outcome(Kind.WARNING, Reason.TIMEOUT, f"connection to {host} timed out", retryable=True)
    return Outcome(Kind.WARNING, Reason.CONNECTION, f"connection to {host} failed: {_innermost(exc)}", retryable=True)
