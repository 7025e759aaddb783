"""Fixtures for the link-client tests: scripted servers on loopback, a port nobody listens on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from loopback_server import ScriptedServer, closed_port, serve


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with serve() as srv:
        yield srv


@pytest.fixture
def serve_on() -> Callable[..., AbstractContextManager[ScriptedServer]]:
    """Start more servers, on other loopback addresses (127.0.0.2 ...), inside the test."""
    return serve


@pytest.fixture
def refused_url() -> str:
    return f"http://127.0.0.1:{closed_port()}/"
