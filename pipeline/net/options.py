"""Options of the link client, and the per-host headers they carry (resolved from the environment)."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


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
    workers: int = 128
    accept: frozenset[int] = frozenset(range(200, 300))
    allow_private: bool = False
    max_body: int = 1024 * 1024
    headers: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    user_agent: str = "pipeline-linkcheck/1.0 (+https://jekyllrb.com/)"

    def fingerprint(self) -> str:
        """The options that change a verdict, so the cache never serves one run's answers to another kind of run."""
        accept = ",".join(str(code) for code in sorted(self.accept))
        return f"private={int(self.allow_private)};accept={accept}"


def resolve_headers(headers: Mapping[str, Mapping[str, str]], environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Expand ``$VAR``/``${VAR}`` in header values; a header whose variable is unset is dropped, never sent half-filled.

    The expanded value loses surrounding whitespace (a CI secret often ends in a newline).
    One that still cannot be a header value (a line break inside, a character beyond
    Latin-1) is a configuration error that names the header, never the value: it is a secret.
    """
    from pipeline.errors import ConfigError

    resolved: dict[str, dict[str, str]] = {}
    for host, values in headers.items():
        kept: dict[str, str] = {}
        for name, value in values.items():
            try:
                expanded = string.Template(value).substitute(environ).strip()
            except (KeyError, ValueError):
                continue
            if not header_value_ok(expanded):
                raise ConfigError(f"[links] headers: the value of {name!r} for {host!r} holds a line break or a "
                                  "character an HTTP header cannot carry (only Latin-1 text on one line)")
            kept[name] = expanded
        resolved[host.lower()] = kept
    return resolved


def header_value_ok(value: str) -> bool:
    """Can `value` be sent as an HTTP header value: one line of Latin-1 text, no control characters but tab?"""
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not any(ord(c) < 32 and c != "\t" or c == "\x7f" for c in value)


def header_name_ok(name: str) -> bool:
    """Is `name` an HTTP header name (RFC 9110 token characters)?"""
    return bool(name) and all(c.isascii() and (c.isalnum() or c in "!#$%&'*+-.^_`|~") for c in name)
