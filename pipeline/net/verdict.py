"""The outcome of checking one URL, shared by the client, the cache and the LK checker."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Kind(StrEnum):
    """How sure we are: ERROR is a definite failure, WARNING is ambiguous (issue 5)."""

    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


class Reason(StrEnum):
    """Why a verdict was reached; the LK checker maps some reasons to their own rules."""

    OK = "ok"
    HTTP_STATUS = "http-status"
    BOT_WALL = "bot-wall"
    RATE_LIMITED = "rate-limited"
    DNS = "dns"
    REFUSED = "refused"
    CONNECTION = "connection"
    TLS = "tls"
    TIMEOUT = "timeout"
    ANCHOR = "anchor"
    PRIVATE = "private"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    INVALID = "invalid-url"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What checking ``url`` found; ``final_url`` is set when redirects were followed."""

    url: str
    kind: Kind
    reason: Reason
    message: str
    status: int | None = None
    final_url: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind is Kind.OK


ProgressCallback = Callable[[int, int, str], None]
"""Called as ``progress(done, total, url)`` after each URL; the client never prints."""


class LinkClient(Protocol):
    """Anything that turns URLs into verdicts: the requests client, the cache, test fakes."""

    def check(self, urls: Iterable[str]) -> Mapping[str, Verdict]:
        """Return one verdict per distinct input URL (fragments included in the key)."""
        ...


class LinkStream(Protocol):
    """URLs checked as they become known, joined once: what `start_stream` gives."""

    def add(self, urls: Iterable[str]) -> None:
        """Start checking these URLs (ones already added are not checked again)."""
        ...

    def results(self) -> dict[str, Verdict]:
        """Wait for every URL added so far; one verdict each."""
        ...

    def close(self) -> None:
        """Stop: cancel what has not started and release connections (safe to call twice)."""
        ...


class _Batch:
    """A stream over a client that only knows `check`: URLs kept, checked at `results`."""

    def __init__(self, client: LinkClient) -> None:
        self._client = client
        self._urls: dict[str, None] = {}

    def add(self, urls: Iterable[str]) -> None:
        self._urls.update(dict.fromkeys(urls))

    def results(self) -> dict[str, Verdict]:
        return dict(self._client.check(list(self._urls))) if self._urls else {}

    def close(self) -> None:
        pass


def check_through(stream: LinkStream, urls: Iterable[str]) -> dict[str, Verdict]:
    """`check` for a client that has a stream: add every URL, join, close."""
    try:
        stream.add(urls)
        return stream.results()
    finally:
        stream.close()


def start_stream(client: LinkClient) -> LinkStream:
    """The client's own stream when it has one (`start()`), else one that checks in a batch at the end."""
    start = getattr(client, "start", None)
    return start() if start is not None else _Batch(client)
