"""Autouse fixtures that make unsafe tests fail (pre-commit's conftest trick).

- HOME, XDG_CACHE_HOME and PIPELINE_CACHE_DIR point into a temporary folder, so no test
  reads or writes the real home directory or cache.
- Any connect to an address outside 127.0.0.0/8 and ::1 raises, and the attempt fails the
  test at teardown even when the code under test swallowed the exception.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


class NetworkAccessError(RuntimeError):
    """A test tried to leave the machine."""


def is_loopback(address: Any) -> bool:
    """True for AF_UNIX paths, 'localhost' and loopback IP literals (IPv4-mapped too)."""
    if isinstance(address, (str, bytes)):
        return True  # a Unix socket path
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False  # a host name: resolving it would already leave the machine
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or (mapped is not None and mapped.is_loopback)


@pytest.fixture(scope="session")
def _home_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One fake home per session: caches built once (the spell lexicon) are reused, but
    # never land in the real home.
    return tmp_path_factory.mktemp("home")


@pytest.fixture(autouse=True)
def isolated_home(_home_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(_home_root))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_home_root / ".cache"))
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(_home_root / ".cache" / "pipeline"))
    monkeypatch.delenv("CI", raising=False)
    return _home_root


@pytest.fixture(autouse=True)
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Refuse non-loopback connects; yields the list of refused addresses."""
    attempts: list[Any] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create = socket.create_connection

    def refuse(address: Any) -> None:
        attempts.append(address)
        raise NetworkAccessError(f"test tried to connect to {address!r}: only loopback is allowed")

    def connect(self: socket.socket, address: Any) -> None:
        if not is_loopback(address):
            refuse(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not is_loopback(address):
            refuse(address)
        return real_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if not is_loopback(address):
            refuse(address)
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield attempts
    if attempts:
        pytest.fail(f"test tried to reach the network: {attempts!r}", pytrace=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: runs real tools (pre-commit try-repo); still part of the default run")
