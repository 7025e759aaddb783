"""Connect to the addresses the private-address guard approved, never to a second answer.

Checking a host's addresses and then letting the HTTP library resolve the name again
leaves a window for DNS rebinding: a name that answered with a public address for the
check can answer with 10.0.0.5 for the connection. The connections below take the
approved addresses (trying each in turn, as a resolver's answer would be) and keep the
name for everything else: the Host header, TLS SNI and certificate matching.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Pins = Mapping[tuple[str, int], tuple[str, ...]]  # (lower-case host, port) -> approved addresses


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
