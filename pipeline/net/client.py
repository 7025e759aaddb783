"""The requests-based link client: pooled, bounded, polite, retrying, and honest about ambiguity.

``requests`` is imported only when a URL is actually fetched, so linting offline (or from a
warm cache) never pays for it (DESIGN section 5).
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from urllib.parse import urlsplit

from pipeline.net.address import HostResolver, Resolver, system_resolve
from pipeline.net.anchors import always_present
from pipeline.net.fetch import Fetcher, Outcome
from pipeline.net.options import ClientOptions, resolve_headers
from pipeline.net.politeness import HostGate
from pipeline.net.verdict import Kind, LinkClient, ProgressCallback, Reason, Verdict

__all__ = [
    "ClientOptions", "Kind", "LinkClient", "ProgressCallback", "Reason", "RequestsClient", "Verdict",
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
        groups: dict[str, set[str | None]] = {}  # URL without fragment -> fragments asked (None: the bare URL)
        for url in dict.fromkeys(urls):
            base, hash_, fragment = url.partition("#")
            groups.setdefault(base, set()).add(fragment if hash_ else None)
        gate = HostGate(self.options.per_host, self.options.interval, sleep=self._sleep)
        run = Fetcher(self.options, gate, HostResolver(self._resolve), self.headers_for, self._sleep)
        verdicts: dict[str, Verdict] = {}
        total = len(groups)
        if not total:
            return verdicts
        workers = max(1, min(self.options.workers, total))
        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
                futures = {pool.submit(run.fetch, base, frozenset(f for f in groups[base] if f is not None)): base for base in interleave_hosts(groups)}
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
