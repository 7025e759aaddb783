"""Reporters: findings -> text on a stream. The stream is a parameter; nothing here exits."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TextIO

from pipeline.findings import Finding
from pipeline.report import github, json_report, sarif, text
from pipeline.registry import Rule

Reporter = Callable[[Sequence[Finding], int, Mapping[str, Rule], TextIO], None]

FORMATTERS: Mapping[str, Reporter] = MappingProxyType(
    {"text": text.render, "json": json_report.render, "sarif": sarif.render, "github": github.render}
)
