"""Host resolution and the private-address guard: a CI link checker must not probe internal networks."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Resolver = Callable[[str, int], Sequence[str]]
"""``resolve(host, port) -> addresses``; raises ``socket.gaierror`` when the name does not resolve."""


def system_resolve(host: str, port: int) -> list[str]:
    """Resolve with the system resolver (getaddrinfo), TCP addresses only."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def private_kind(address: str) -> str | None:
    """Name the kind of non-public address (``"loopback"`` ...) or None for a public one."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):  # an IPv4 address carried inside (mapped, 6to4, Teredo) is the one reached
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            return private_kind(str(inner))
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_private or ip.is_reserved or ip.is_multicast or not ip.is_global:
        return "private"  # not global: carrier-grade NAT (100.64.0.0/10, cloud metadata), documentation ranges...
    return None


# getaddrinfo answers that mean the name does not exist. Every other failure (EAI_AGAIN
# "temporary failure", EAI_FAIL, a resolver that cannot be reached) says nothing about the
# link: reported as doubtful, never as broken, so one resolver hiccup in CI does not fail
# the build or hold every post with an external link back.
_NO_SUCH_NAME = frozenset(getattr(socket, name) for name in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY") if hasattr(socket, name))


@dataclass(frozen=True, slots=True)
class Resolution:
    """The addresses of a host, or why there are none (`lasting`: the name does not exist)."""

    addresses: tuple[str, ...]
    error: str | None = None
    lasting: bool = True


def lasting_dns_failure(exc: BaseException) -> bool:
    """Does this lookup failure say the name does not exist (not that the lookup failed)?"""
    return isinstance(exc, socket.gaierror) and exc.errno in _NO_SUCH_NAME or isinstance(exc, UnicodeError)


class HostResolver:
    """Resolve each host once per run, however many URLs point at it."""

    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve
        self._lock = threading.Lock()
        self._done: dict[tuple[str, int], Resolution] = {}

    def lookup(self, host: str, port: int) -> Resolution:
        key = (host, port)
        with self._lock:
            found = self._done.get(key)
        if found is not None:
            return found
        try:
            result = Resolution(tuple(self._resolve(host, port)))
        except (OSError, UnicodeError) as exc:  # socket.gaierror is an OSError
            result = Resolution((), f"DNS lookup of {host} failed ({exc})", lasting_dns_failure(exc))
        with self._lock:
            self._done.setdefault(key, result)
        return result
