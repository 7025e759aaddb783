"""Errors that stop a run (exit 2). Bad *content* is never an exception: it is a Finding."""

from __future__ import annotations


class PipelineError(Exception):
    """A problem with how the tool was called or configured; printed as one line."""


class UsageError(PipelineError):
    """Bad command-line usage."""


class ConfigError(PipelineError):
    """Invalid configuration file or value."""


class PathError(PipelineError):
    """A path given on the command line does not exist or cannot be read."""
