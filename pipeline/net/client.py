"""The requests-based link client: pooled, bounded, polite, retrying, and honest about ambiguity.

``requests`` is imported only when a URL is actually fetched, so linting offline (or from a
warm cache) never pays for it (DESIGN section 5).
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import replace
from urllib.parse import urlsplit

from pipeline.net.address import HostResolver, Resolver, system_resolve
from pipeline.net.anchors import always_present
from pipeline.net.fetch import Fetcher, Outcome
from pipeline.net.options import ClientOptions, resolve_headers
from pipeline.net.politeness import HostGate
from pipeline.net.verdict import (
    Kind,
    LinkClient,
    ProgressCallback,
    Reason,
    Verdict,
    check_through,
)

__all__ = [
    "ClientOptions", "Kind", "LinkClient", "ProgressCallback", "Reason", "RequestsClient", "Stream", "Verdict",
    "interleave_hosts", "resolve_headers",
]


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
        self.options = options or ClientOptions()
        self._progress = progress
        self._resolve = resolve
        self._sleep = sleep
        self._headers = resolve_headers(self.options.headers, os.environ if environ is None else environ)

    # -- public -------------------------------------------------------------------------
    def check(self, urls: Iterable[str]) -> dict[str, Verdict]:
        """Return a verdict for every distinct URL given."""
        return check_through(self.start(), urls)

    def start(self) -> Stream:
        """A stream: URLs checked as they are added, so the network overlaps reading the posts."""
        return Stream(self)

    def headers_for(self, host: str) -> dict[str, str]:
        """Configured headers for ``host`` or any parent domain of it (``github.com`` covers ``api.github.com``)."""
        host = host.lower()
        merged: dict[str, str] = {}
        for pattern, values in self._headers.items():
            if host == pattern or host.endswith("." + pattern):
                merged.update(values)
        return merged


class Stream:
    """One run's checks, fed as the posts are read and joined once (lychee streams the same way).

    One host gate, one resolver, one pooled session and one bounded thread pool serve every
    `add`, so politeness holds across batches. A URL (fragment stripped) is fetched once;
    only a fragment asked after its fetch began, which that fetch did not look for, costs a
    second GET at `results`.
    """

    def __init__(self, client: RequestsClient) -> None:
        opts = client.options
        self._options = opts
        self._progress = client._progress
        self._gate = gate = HostGate(opts.per_host, opts.interval, sleep=client._sleep)
        self._run = Fetcher(opts, gate, HostResolver(client._resolve), client.headers_for, client._sleep)
        self._joined = False
        self._pool: ThreadPoolExecutor | None = None
        self._asked: dict[str, set[str | None]] = {}  # URL without fragment -> fragments asked (None: the bare URL)
        self._fetches: dict[str, list[tuple[frozenset[str], Future[Outcome]]]] = {}  # -> fragments each fetch looked for

    def add(self, urls: Iterable[str]) -> None:
        new: list[str] = []
        for url in dict.fromkeys(urls):
            base, hash_, fragment = url.partition("#")
            asked = self._asked.get(base)
            if asked is None:
                asked = self._asked[base] = set()
                new.append(base)
            asked.add(fragment if hash_ else None)
        for base in interleave_hosts(new):
            self._submit(base, frozenset(f for f in self._asked[base] if f is not None))

    def warm(self) -> None:
        """Import requests and build the session now, starting no thread: a run that forks
        worker processes calls this once they are started, so the import (45 ms) overlaps
        their first posts instead of following them."""
        if self._pool is None:
            self._run.open()

    def _submit(self, base: str, fragments: frozenset[str]) -> None:
        if self._pool is None:
            self._run.open()
            self._pool = ThreadPoolExecutor(max_workers=max(1, self._options.workers), thread_name_prefix="linkcheck")
        self._fetches.setdefault(base, []).append((fragments, self._pool.submit(self._run.fetch, base, fragments)))

    def results(self) -> dict[str, Verdict]:
        for base, asked in self._asked.items():
            looked = frozenset().union(*(fragments for fragments, _ in self._fetches[base]))
            late = frozenset(f for f in asked if f is not None and f not in looked)
            if late:
                self._submit(base, late)
        futures = {future: (base, fragments) for base, fetches in self._fetches.items() for fragments, future in fetches}
        # The bare URL is judged by a fetch that read the page (GET) when there is one, as a
        # single fetch for all its fragments would have: a HEAD that lies must not make the
        # verdict depend on which post was read first.
        bare_from = {base: ([fut for frs, fut in fetches if frs] or [fetches[0][1]])[-1] for base, fetches in self._fetches.items()}
        verdicts: dict[str, Verdict] = {}
        for done, future in enumerate(as_completed(futures), start=1):
            base, fragments = futures[future]
            wanted = {f for f in self._asked[base] if f in fragments or (f is None and future is bare_from[base])}
            verdicts.update(_judge_fragments(base, wanted, future.result(), self._options))
            if self._progress is not None:
                self._progress(done, len(futures), base)
        self._joined = True
        return verdicts

    def close(self) -> None:
        """After `results`, a clean shutdown; before it (an error, Ctrl-C), the run is
        abandoned: nothing queued starts, and fetches waiting for their host's turn give up.

        Neither waits for the threads: after `results` they are idle and end on their own
        (joining 128 of them one by one took 6 ms, after the last response), and the
        connections they shared are closed here either way."""
        if self._pool is not None:
            if not self._joined:
                self._gate.stop()
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._run.close()


def interleave_hosts(urls: Iterable[str]) -> list[str]:
    """Interleave hosts so workers never queue behind one host's schedule while others sit idle.

    Workers take URLs in order and wait for that host's next start; fifty github.com links
    in a row would otherwise hold every worker while the other hosts wait (head-of-line blocking).
    """
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(_host(url), []).append(url)
    return [url for batch in itertools.zip_longest(*by_host.values()) for url in batch if url is not None]


def _host(url: str) -> str:
    """Lower-case host of ``url``; '' when it cannot be parsed (the fetch reports that URL as invalid)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _judge_fragments(base: str, fragments: set[str | None], outcome: Outcome, options: ClientOptions) -> dict[str, Verdict]:
    plain = Verdict(base, outcome.kind, outcome.reason, outcome.message, outcome.status, outcome.final_url)
    verdicts = {base: plain} if None in fragments else {}
    for fragment in fragments:
        if fragment is None:
            continue
        url = f"{base}#{fragment}"
        verdict = replace(plain, url=url)
        if outcome.kind is Kind.OK and fragment not in outcome.found and not always_present(fragment, base):
            if outcome.complete:
                verdict = replace(verdict, kind=Kind.ERROR, reason=Reason.ANCHOR, message=f"no element with id or name '{fragment}' in the page")
            else:
                verdict = replace(
                    verdict, kind=Kind.WARNING, reason=Reason.ANCHOR,
                    message=f"anchor '{fragment}' not found in the part of the page read (it stopped {outcome.cut})",
                )
        verdicts[url] = verdict
    return verdicts
