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
    """Expand ``$VAR``/``${VAR}`` in header values; a header whose variable is unset is dropped, never sent half-filled."""
    resolved: dict[str, dict[str, str]] = {}
    for host, values in headers.items():
        kept: dict[str, str] = {}
        for name, value in values.items():
            try:
                kept[name] = string.Template(value).substitute(environ)
            except (KeyError, ValueError):
                continue
        resolved[host.lower()] = kept
    return resolved
