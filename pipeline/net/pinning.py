"""Connect to the addresses the private-address guard approved, never to a second answer.

Checking a host's addresses and then letting the HTTP library resolve the name again
leaves a window for DNS rebinding: a name that answered with a public address for the
check can answer with 10.0.0.5 for the connection. The connections below take the
approved addresses (trying each in turn, as a resolver's answer would be) and keep the
name for everything else: the Host header, TLS SNI and certificate matching.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

Pins = Mapping[tuple[str, int], tuple[str, ...]]  # (lower-case host, port) -> approved addresses

# The URL's deadline (a time.monotonic() value) for the request this thread is sending.
request_deadline = threading.local()


class Watchdog:
    """Shuts a connection's socket when its URL's time is up, while the response header is
    read: the per-read timeout restarts with every byte a server drips, so nothing else
    bounds the header (100 lines of up to 64 KiB). One thread serves every connection."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, socket.socket]] = []
        self._cancelled: set[int] = set()
        self._fired: set[int] = set()
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, at: float, sock: socket.socket) -> int:
        with self._cond:
            token = next(self._ids)
            heapq.heappush(self._heap, (at, token, sock))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pipeline-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
            return token

    def cancel(self, token: int) -> bool:
        """Stop watching; True when the time ran out first (the socket was shut)."""
        with self._cond:
            if token in self._fired:
                self._fired.discard(token)
                return True
            self._cancelled.add(token)
            return False

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][1] in self._cancelled:
                    self._cancelled.discard(heapq.heappop(self._heap)[1])
                if not self._heap:
                    self._cond.wait()
                    continue
                at, token, sock = self._heap[0]
                wait = at - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                self._fired.add(token)
                try:
                    sock.shutdown(socket.SHUT_RDWR)  # the blocked read returns; the request fails as timed out
                except OSError:
                    pass


WATCHDOG = Watchdog()


def pinned_adapter(pins: Pins, **adapter_options: Any) -> Any:
    """A requests HTTPAdapter whose connections use `pins` (filled as hosts are approved)."""
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    def pinned(base: type[HTTPConnection]) -> type[HTTPConnection]:
        class Pinned(base):  # type: ignore[misc,valid-type]
            def __init__(self, host: str, *args: Any, **kwargs: Any) -> None:
                super().__init__(host, *args, **kwargs)
                self._name = host
                self._addresses = pins.get((host.rstrip(".").lower(), self.port or self.default_port), ())
                if self._addresses and isinstance(self, HTTPSConnection) and self.server_hostname is None:
                    self.server_hostname = host  # SNI and certificate matching stay on the name

            def _new_conn(self) -> Any:
                if not self._addresses:
                    return super()._new_conn()
                error: Exception | None = None
                for address in self._addresses:
                    self._dns_host = address  # what urllib3 connects to; the name is kept in _name
                    try:
                        return super()._new_conn()
                    except (NewConnectionError, ConnectTimeoutError) as exc:
                        error = exc
                assert error is not None
                raise error

            def getresponse(self) -> Any:
                at = getattr(request_deadline, "at", None)
                token = WATCHDOG.watch(at, self.sock) if at is not None and self.sock is not None else None
                try:
                    response = super().getresponse()
                except (OSError, http.client.HTTPException):
                    if token is not None and WATCHDOG.cancel(token):
                        raise TimeoutError("the response header did not arrive in time") from None
                    raise
                if token is not None and WATCHDOG.cancel(token):
                    # the shut socket read as the header's end: what came is no whole response
                    response.close()
                    raise TimeoutError("the response header did not arrive in time")
                return response

            def putrequest(self, method: str, url: str, skip_host: bool = False, skip_accept_encoding: bool = False) -> None:
                super().putrequest(method, url, skip_host=True, skip_accept_encoding=skip_accept_encoding)
                if not skip_host:
                    name = f"[{self._name}]" if ":" in self._name else self._name
                    port = self.port or self.default_port
                    self.putheader("Host", name if port == self.default_port else f"{name}:{port}")

        Pinned.__name__ = f"Pinned{base.__name__}"
        return Pinned

    class PinnedHTTPPool(HTTPConnectionPool):
        ConnectionCls = pinned(HTTPConnection)

    class PinnedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = pinned(HTTPSConnection)

    adapter = HTTPAdapter(**adapter_options)
    adapter.poolmanager.pool_classes_by_scheme = {"http": PinnedHTTPPool, "https": PinnedHTTPSPool}
    return adapter
