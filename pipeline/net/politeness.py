"""Per-host politeness (concurrency cap, spacing between requests) and Retry-After parsing."""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


class DeadlineExceeded(Exception):
    """Raised inside the client when a URL's total time budget runs out while waiting."""


@dataclass(slots=True)
class _Host:
    slots: threading.BoundedSemaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0


class HostGate:
    """At most ``per_host`` requests in flight per host, starts spaced ``interval`` seconds apart.

    Same politeness as lychee's defaults (10 per host, 50 ms). A 429 with Retry-After
    pushes the host's next start back, so every request to that host waits, not just one.
    """

    def __init__(
        self,
        per_host: int,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._per_host = max(1, per_host)
        self._interval = max(0.0, interval)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._hosts: dict[str, _Host] = {}
        self.stopped = threading.Event()  # set when the run is abandoned: waiters give up at once

    def stop(self) -> None:
        self.stopped.set()

    def _host(self, name: str) -> _Host:
        with self._lock:
            host = self._hosts.get(name)
            if host is None:
                host = self._hosts[name] = _Host(threading.BoundedSemaphore(self._per_host))
            return host

    @contextmanager
    def slot(self, name: str, deadline: float) -> Iterator[None]:
        """Hold one of the host's slots for one request; raise DeadlineExceeded rather than wait past ``deadline`` (may be inf)."""
        host = self._host(name)
        while not host.slots.acquire(timeout=0.2):  # woken now and then to see a stop
            if self.stopped.is_set() or self._clock() >= deadline:
                raise DeadlineExceeded
        try:
            with host.lock:
                start = max(self._clock(), host.next_at)
                if start > deadline or self.stopped.is_set():
                    raise DeadlineExceeded
                host.next_at = start + self._interval
            delay = start - self._clock()
            if delay > 0:
                if self._sleep is time.sleep:
                    if self.stopped.wait(delay):
                        raise DeadlineExceeded
                else:
                    self._sleep(delay)
            yield
        finally:
            host.slots.release()

    def defer(self, name: str, until: float) -> None:
        """Start nothing on this host before ``until`` (monotonic seconds)."""
        host = self._host(name)
        with host.lock:
            host.next_at = max(host.next_at, until)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date; None if absent or bad."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    wall = time.time() if now is None else now
    return max(0.0, when.timestamp() - wall)
