"""The requests-based link client: pooled, bounded, polite, retrying, and honest about ambiguity.

``requests`` is imported only when a :class:`RequestsClient` is built, so linting offline
never pays for it (DESIGN section 5).
"""

from __future__ import annotations

import codecs
import os
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from pipeline.net.address import HostResolver, Resolver, private_kind, system_resolve
from pipeline.net.anchors import always_present, scan_anchors
from pipeline.net.politeness import DeadlineExceeded, HostGate, parse_retry_after
from pipeline.net.verdict import Kind, LinkClient, ProgressCallback, Reason, Verdict

if TYPE_CHECKING:
    import requests

__all__ = ["ClientOptions", "Kind", "LinkClient", "ProgressCallback", "Reason", "RequestsClient", "Verdict"]

# HEAD answers that often lie (servers that do not implement HEAD, or bot filters): retry with GET.
HEAD_FALLBACK = frozenset({400, 403, 404, 405, 501})
# Ambiguous answers: a wall in front of bots or a login, not evidence the page is gone.
BOT_WALL = frozenset({401, 403, 999})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_KEEP_ALIVE_BODY = 64 * 1024


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Knobs of the client; defaults follow lychee where users know them (issue 5)."""

    timeout: float = 20.0
    request_timeout: float = 10.0
    max_retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 10.0
    max_redirects: int = 10
    per_host: int = 10
    interval: float = 0.05
    workers: int = 64
    accept: frozenset[int] = frozenset(range(200, 300))
    allow_private: bool = False
    max_body: int = 1024 * 1024
    headers: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    user_agent: str = "pipeline-linkcheck/1.0 (+https://jekyllrb.com/)"

    def fingerprint(self) -> str:
        """The options that change a verdict, so the cache never serves one run's answers to another kind of run."""
        accept = ",".join(str(code) for code in sorted(self.accept))
        return f"private={int(self.allow_private)};accept={accept}"


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What fetching one URL (fragment stripped) found, before fragments are judged."""

    kind: Kind
    reason: Reason
    message: str
    status: int | None = None
    final_url: str | None = None
    found: frozenset[str] = frozenset()
    complete: bool = True
    retryable: bool = False


def resolve_headers(headers: Mapping[str, Mapping[str, str]], environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Expand ``$VAR``/``${VAR}`` in header values; a header whose variable is unset is dropped, never sent half-filled."""
    resolved: dict[str, dict[str, str]] = {}
    for host, values in headers.items():
        kept: dict[str, str] = {}
        for name, value in values.items():
            try:
                kept[name] = string.Template(value).substitute(environ)
            except (KeyError, ValueError):
                continue
        resolved[host.lower()] = kept
    return resolved


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


class RequestsClient:
    """Check http(s) URLs with requests; implements :class:`LinkClient`.

    Each unique URL is fetched once per :meth:`check` call; URLs differing only in their
    fragment share one fetch. Threads are bounded by ``workers``; per-host politeness by
    :class:`HostGate`. Never prints: progress goes to the optional callback.
    """

    def __init__(
        self,
        options: ClientOptions | None = None,
        *,
        progress: ProgressCallback | None = None,
        resolve: Resolver = system_resolve,
        environ: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import requests  # noqa: F401  (fail early and clearly if it is missing)

        self.options = options or ClientOptions()
        self._progress = progress
        self._resolve = resolve
        self._sleep = sleep
        self._headers = resolve_headers(self.options.headers, os.environ if environ is None else environ)

    # -- public -------------------------------------------------------------------------
    def check(self, urls: Iterable[str]) -> dict[str, Verdict]:
        """Return a verdict for every distinct URL given."""
        groups: dict[str, set[str]] = {}
        for url in dict.fromkeys(urls):
            base, hash_, fragment = url.partition("#")
            frags = groups.setdefault(base, set())
            if hash_:
                frags.add(fragment)
        run = _Run(self, HostGate(self.options.per_host, self.options.interval, sleep=self._sleep), HostResolver(self._resolve))
        verdicts: dict[str, Verdict] = {}
        total = len(groups)
        if not total:
            return verdicts
        workers = max(1, min(self.options.workers, total))
        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
                futures = {pool.submit(run.fetch, base, frozenset(frags)): base for base, frags in groups.items()}
                for done, future in enumerate(as_completed(futures), start=1):
                    base = futures[future]
                    verdicts.update(_judge_fragments(base, groups[base], future.result(), self.options))
                    if self._progress is not None:
                        self._progress(done, total, base)
        finally:
            run.close()
        return verdicts

    def headers_for(self, host: str) -> dict[str, str]:
        """Configured headers for ``host`` or any parent domain of it (``github.com`` covers ``api.github.com``)."""
        host = host.lower()
        merged: dict[str, str] = {}
        for pattern, values in self._headers.items():
            if host == pattern or host.endswith("." + pattern):
                merged.update(values)
        return merged


def _judge_fragments(base: str, fragments: set[str], outcome: _Outcome, options: ClientOptions) -> dict[str, Verdict]:
    plain = Verdict(base, outcome.kind, outcome.reason, outcome.message, outcome.status, outcome.final_url)
    verdicts = {base: plain} if not fragments or "" in fragments else {}
    for fragment in fragments:
        url = f"{base}#{fragment}"
        verdict = replace(plain, url=url)
        if outcome.kind is Kind.OK and fragment not in outcome.found and not always_present(fragment):
            if outcome.complete:
                verdict = replace(verdict, kind=Kind.ERROR, reason=Reason.ANCHOR, message=f"no element with id or name '{fragment}' in the page")
            else:
                verdict = replace(
                    verdict, kind=Kind.WARNING, reason=Reason.ANCHOR,
                    message=f"anchor '{fragment}' not found in the first {options.max_body} bytes of the page",
                )
        verdicts[url] = verdict
    return verdicts


class _Run:
    """State of one ``check`` call: the host gate, DNS answers and one session per thread."""

    def __init__(self, client: RequestsClient, gate: HostGate, resolver: HostResolver) -> None:
        self._client = client
        self._opts = client.options
        self._gate = gate
        self._resolver = resolver
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            import requests
            from requests.adapters import HTTPAdapter

            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=32, pool_maxsize=self._opts.per_host, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update({"User-Agent": self._opts.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    # -- one URL --------------------------------------------------------------------------
    def fetch(self, url: str, fragments: frozenset[str]) -> _Outcome:
        deadline = time.monotonic() + self._opts.timeout
        wanted = frozenset(f for f in fragments if not always_present(f))
        if wanted:
            return self._follow(url, "GET", deadline, wanted)
        outcome = self._follow(url, "HEAD", deadline, wanted)
        if outcome.status in HEAD_FALLBACK:
            return self._follow(url, "GET", deadline, wanted)
        return outcome

    def _follow(self, url: str, method: str, deadline: float, wanted: frozenset[str]) -> _Outcome:
        chain = [url]
        current = url
        for _ in range(self._opts.max_redirects + 1):
            result = self._request(current, method, deadline)
            if isinstance(result, _Outcome):
                return replace(result, final_url=current if len(chain) > 1 else None)
            location = result.headers.get("location")
            if result.status_code in _REDIRECTS and location:
                result.close()
                current = urljoin(current, location).partition("#")[0]
                if current in chain:
                    loop = " -> ".join([*chain[chain.index(current):], current])
                    return _Outcome(Kind.ERROR, Reason.REDIRECT_LOOP, f"redirect loop: {loop}", result.status_code)
                chain.append(current)
                if result.status_code == 303 and method != "HEAD":
                    method = "GET"
                continue
            return self._judge(result, wanted, deadline, final_url=current if len(chain) > 1 else None)
        return _Outcome(
            Kind.ERROR, Reason.TOO_MANY_REDIRECTS,
            f"more than {self._opts.max_redirects} redirects ({chain[0]} -> ... -> {chain[-1]})", None, chain[-1],
        )

    def _guard(self, url: str) -> tuple[str, _Outcome | None]:
        """Reject bad URLs, unresolvable hosts and (unless allowed) private addresses before any request."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "", _Outcome(Kind.ERROR, Reason.INVALID, f"not a checkable http(s) URL: {url}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return "", _Outcome(Kind.ERROR, Reason.INVALID, f"bad port in {url}")
        host = parts.hostname
        found = self._resolver.lookup(host, port)
        if found.error is not None:
            return host, _Outcome(Kind.ERROR, Reason.DNS, found.error)
        if not self._opts.allow_private:
            for address in found.addresses:
                kind = private_kind(address)
                if kind is not None:
                    return host, _Outcome(
                        Kind.WARNING, Reason.PRIVATE,
                        f"not checked: {host} is a {kind} address ({address}); allow with --allow-private or allow_private = true",
                    )
        return host, None

    def _request(self, url: str, method: str, deadline: float) -> requests.Response | _Outcome:
        host, refused = self._guard(url)
        if refused is not None:
            return refused
        last: _Outcome | None = None
        for attempt in range(self._opts.max_retries + 1):
            if attempt:
                delay = self._opts.backoff * 2 ** (attempt - 1)
                if time.monotonic() + delay > deadline:
                    break
                self._client._sleep(delay)
            try:
                response = self._send(url, method, host, deadline)
            except DeadlineExceeded:
                break
            if isinstance(response, _Outcome):
                last = response
                if response.retryable:
                    continue
                return response
            status = response.status_code
            if status == 429:
                last = self._rate_limited(response, host, attempt)
                if last.retryable:
                    continue
                return last
            if 500 <= status < 600 and attempt < self._opts.max_retries:
                response.close()
                last = _Outcome(Kind.ERROR, Reason.HTTP_STATUS, _status_text(status), status)
                continue
            return response
        if last is not None and last.reason is not Reason.TIMEOUT:
            return replace(last, retryable=False)
        return _Outcome(Kind.WARNING, Reason.TIMEOUT, f"timed out (total budget {self._opts.timeout:g} s)")

    def _rate_limited(self, response: requests.Response, host: str, attempt: int) -> _Outcome:
        wait = parse_retry_after(response.headers.get("retry-after"))
        response.close()
        if wait is not None and wait > self._opts.max_retry_after:
            return _Outcome(
                Kind.WARNING, Reason.RATE_LIMITED,
                f"HTTP 429 Too Many Requests; server asks to wait {wait:.0f} s (more than {self._opts.max_retry_after:g} s)", 429,
            )
        if attempt >= self._opts.max_retries:
            return _Outcome(Kind.WARNING, Reason.RATE_LIMITED, f"HTTP 429 Too Many Requests after {attempt + 1} tries", 429)
        if wait is not None:
            # Retry-After applies to the whole host, so every request to it waits (polite, and it is what 429 means).
            self._gate.defer(host, time.monotonic() + wait)
        return _Outcome(Kind.WARNING, Reason.RATE_LIMITED, "HTTP 429 Too Many Requests", 429, retryable=True)

    def _send(self, url: str, method: str, host: str, deadline: float) -> requests.Response | _Outcome:
        import requests

        with self._gate.slot(host, deadline):
            timeout = max(0.001, min(self._opts.request_timeout, deadline - time.monotonic()))
            try:
                return self._session().request(
                    method, url, headers=self._client.headers_for(host), allow_redirects=False,
                    stream=True, timeout=(timeout, timeout),
                )
            except requests.exceptions.SSLError as exc:
                return _Outcome(Kind.ERROR, Reason.TLS, f"TLS handshake with {host} failed: {_innermost(exc)}")
            except requests.exceptions.Timeout:
                return _Outcome(Kind.WARNING, Reason.TIMEOUT, f"timed out after {timeout:.3g} s", retryable=True)
            except requests.exceptions.ConnectionError as exc:
                return _connection_outcome(exc, host)
            except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema) as exc:
                return _Outcome(Kind.ERROR, Reason.INVALID, f"invalid URL: {exc}")

    def _judge(self, response: requests.Response, wanted: frozenset[str], deadline: float, final_url: str | None) -> _Outcome:
        status = response.status_code
        accepted = status in self._opts.accept
        if not accepted:
            response.close()
            kind, reason = (Kind.WARNING, Reason.BOT_WALL) if status in BOT_WALL else (Kind.ERROR, Reason.HTTP_STATUS)
            if status == 429:
                kind, reason = Kind.WARNING, Reason.RATE_LIMITED
            return _Outcome(kind, reason, _status_text(status), status, final_url)
        found, complete = frozenset(wanted), True
        content_type = response.headers.get("content-type", "text/html").lower()
        if wanted and ("html" in content_type or "xml" in content_type):
            found, complete = self._scan_body(response, wanted, deadline)
        else:
            self._release(response)
        return _Outcome(Kind.OK, Reason.OK, _status_text(status), status, final_url, found, complete)

    def _scan_body(self, response: requests.Response, wanted: frozenset[str], deadline: float) -> tuple[frozenset[str], bool]:
        """Stream the body, stopping at the first of: all anchors found, ``max_body`` bytes, the deadline."""
        state = {"complete": True}
        decoder = codecs.getincrementaldecoder(_codec(response.encoding))(errors="replace")

        def chunks() -> Iterator[str]:
            read = 0
            for chunk in response.iter_content(chunk_size=64 * 1024):
                read += len(chunk)
                yield decoder.decode(chunk)
                if read >= self._opts.max_body or time.monotonic() > deadline:
                    state["complete"] = False
                    return

        try:
            found = scan_anchors(chunks(), wanted)
        except Exception:  # a body that breaks mid-way: judge on what was read
            found, state["complete"] = frozenset(), False
        finally:
            response.close()
        return found, state["complete"] or found == wanted

    @staticmethod
    def _release(response: requests.Response) -> None:
        """Read a small body so the pooled connection can be reused; drop the connection of a big one."""
        length = response.headers.get("content-length", "")
        try:
            if response.request.method != "HEAD" and length.isdigit() and int(length) <= _KEEP_ALIVE_BODY:
                response.content  # noqa: B018
        except Exception:
            pass
        response.close()


def _codec(encoding: str | None) -> str:
    try:
        return codecs.lookup(encoding or "utf-8").name
    except LookupError:
        return "utf-8"


def _innermost(exc: BaseException) -> str:
    *_, last = _causes(exc)
    return str(last) or type(last).__name__


def _connection_outcome(exc: Exception, host: str) -> _Outcome:
    import socket

    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return _Outcome(Kind.ERROR, Reason.REFUSED, f"connection to {host} refused", retryable=True)
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return _Outcome(Kind.ERROR, Reason.DNS, f"DNS lookup of {host} failed")
        if isinstance(cause, (TimeoutError, socket.timeout)) or "timed out" in str(cause).lower():
            return _Outcome(Kind.WARNING, Reason.TIMEOUT, f"connection to {host} timed out", retryable=True)
    return _Outcome(Kind.WARNING, Reason.CONNECTION, f"connection to {host} failed: {_innermost(exc)}", retryable=True)


def any_to_options(values: Mapping[str, Any]) -> ClientOptions:
    """Build options from a config mapping (unknown keys ignored; the checker validates them)."""
    known = {name: values[name] for name in ClientOptions.__dataclass_fields__ if name in values}
    if "accept" in known:
        known["accept"] = frozenset(int(code) for code in known["accept"])
    return ClientOptions(**known)
