"""Grammar and style through LanguageTool (language-tool-python), when a server is reachable.

Used only with a configured server URL (`languagetool_url`) or a LanguageTool that
language-tool-python has already installed locally (plus Java). Nothing here ever lets the
library download its jar: without a server the caller gets `Unavailable` with a message
saying what to configure, and the offline speller carries on.

Prose blocks are sent as one text per post, blocks separated by blank lines, non-prose
spans already blanked to spaces, so LanguageTool's offsets map straight back to lines and
columns. Its own speller is disabled (we have ours), and so is its whitespace rule (the
blanks would trip it).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# LanguageTool category id -> our code. Anything else is SP104.
CATEGORY_CODES = {
    "GRAMMAR": "SP101",
    "CONFUSED_WORDS": "SP101",
    "STYLE": "SP102",
    "REDUNDANCY": "SP102",
    "PLAIN_ENGLISH": "SP102",
    "WIKIPEDIA": "SP102",
    "TYPOGRAPHY": "SP103",
    "PUNCTUATION": "SP103",
    "CASING": "SP103",
}
OTHER_CODE = "SP104"
DISABLED_RULES = ("MORFOLOGIK_RULE_EN_US", "MORFOLOGIK_RULE_EN_GB", "WHITESPACE_RULE", "EN_QUOTES")
_MARKUP = re.compile(r"^[ \t]*(?:[#>]+|[-+*]|\d+[.)])[ \t]+|[*_`~|\[\]]", re.MULTILINE)
SETUP_HINT = (
    "set languagetool_url under [spelling] in pipeline.toml (or [tool.pipeline.spelling] in "
    "pyproject.toml) to a running LanguageTool server "
    "(e.g. 'http://localhost:8081' from `docker run -p 8081:8010 erikvl87/languagetool`), "
    "or languagetool = 'off'"
)


@dataclass(frozen=True, slots=True)
class Issue:
    """One LanguageTool match at a file position."""

    line: int
    col: int
    end_line: int
    end_col: int
    code: str
    rule_id: str
    message: str
    replacements: tuple[str, ...]


class Unavailable(Exception):
    """No LanguageTool server could be used; the message says why and what to configure."""


def build_text(blocks: Sequence[tuple[int, str]]) -> tuple[str, list[tuple[int, int, list[int]]]]:
    """One text of all blocks (Markdown markers blanked) and, per block, its offset map."""
    parts: list[str] = []
    spans: list[tuple[int, int, list[int]]] = []
    offset = 0
    for first_line, text in blocks:
        clean = _MARKUP.sub(lambda m: " " * len(m.group(0)), text)
        starts = [0] + [i + 1 for i, c in enumerate(clean) if c == "\n"]
        spans.append((offset, first_line, starts))
        parts.append(clean)
        offset += len(clean) + 2
    return "\n\n".join(parts), spans


def position(offset: int, spans: Sequence[tuple[int, int, list[int]]]) -> tuple[int, int]:
    """(line, col), 1-based, of a character offset of `build_text`'s text."""
    block = max((s for s in spans if s[0] <= offset), key=lambda s: s[0])
    start, first_line, starts = block
    local = offset - start
    row = max(i for i, s in enumerate(starts) if s <= local)
    return first_line + row, local - starts[row] + 1


def open_tool(url: str, language: str, local: bool) -> Any:
    """A language_tool_python.LanguageTool for `url`, or an installed local one; never downloads."""
    try:
        import language_tool_python
    except ImportError as exc:
        raise Unavailable(f"language-tool-python is not installed (pip install language-tool-python); {SETUP_HINT}") from exc
    if url:
        try:
            return language_tool_python.LanguageTool(language, remote_server=url)
        except Exception as exc:
            raise Unavailable(f"LanguageTool server {url} is not reachable ({type(exc).__name__}); {SETUP_HINT}") from exc
    if not local:
        raise Unavailable(f"no LanguageTool server configured; {SETUP_HINT}")
    version = _installed_version()
    if version is None or shutil.which("java") is None:
        raise Unavailable(f"no LanguageTool server configured and no local install with Java found; {SETUP_HINT}")
    try:
        return language_tool_python.LanguageTool(language, language_tool_download_version=version)
    except Exception as exc:
        raise Unavailable(f"the local LanguageTool {version} did not start ({type(exc).__name__}); {SETUP_HINT}") from exc


def _installed_version() -> str | None:
    """Version of a LanguageTool that language-tool-python already downloaded, if any."""
    try:
        from language_tool_python.utils import get_language_tool_download_path

        folder = get_language_tool_download_path()
        found = [p for p in folder.glob("LanguageTool*") if p.is_dir()] if folder.is_dir() else []
    except Exception:  # noqa: BLE001 - an odd install is the same as none
        return None
    for path in sorted(found, reverse=True):
        m = re.search(r"LanguageTool-(\d[\w.-]*)", str(path))
        if m:
            return m.group(1)
    return None


def check_blocks(tool: Any, blocks: Sequence[tuple[int, str]], disabled: Sequence[str] = ()) -> Iterator[Issue]:
    """LanguageTool's matches on the prose blocks of one post, at file positions."""
    text, spans = build_text(blocks)
    if not text.strip():
        return
    tool.disabled_rules = set(DISABLED_RULES) | set(disabled)
    try:
        matches = tool.check(text)
    except Exception as exc:
        raise Unavailable(f"LanguageTool request failed ({type(exc).__name__}: {exc}); {SETUP_HINT}") from exc
    for m in matches:
        line, col = position(m.offset, spans)
        end_line, end_col = position(m.offset + max(m.error_length, 1) - 1, spans)
        category = getattr(m, "category", "") or ""
        yield Issue(
            line, col, end_line, end_col + 1, CATEGORY_CODES.get(category, OTHER_CODE),
            str(m.rule_id), str(m.message), tuple(m.replacements[:3]),
        )
