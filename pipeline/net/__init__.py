"""Network side of the link checker: verdicts, the requests client and its disk cache.

Nothing here imports ``requests`` at import time; the client imports it when built.
"""

from __future__ import annotations

from pipeline.net.verdict import Kind, Reason, Verdict

__all__ = ["Kind", "Reason", "Verdict"]
