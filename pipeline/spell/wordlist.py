"""Project word lists: a text file of accepted words (one a line) and per-post lists."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_VALID = re.compile(r"^[^\s#][^\s]*$")


def read_words(path: Path) -> frozenset[str]:
    """Words of a word-list file; blank lines and `#` comments are ignored; missing file = none."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
        return frozenset()
    return frozenset(w for line in text.splitlines() if (w := line.split("#", 1)[0].strip()))


def add_word(wordlist_path: Path | str, word: str) -> bool:
    """Append `word` to the list (created if missing); False when it is already listed.

    Raises ValueError for a word with spaces or that starts with `#` (it could not be read back).
    """
    word = word.strip()
    if not _VALID.match(word):
        raise ValueError(f"not a single word: {word!r}")
    path = Path(wordlist_path)
    if word in read_words(path):
        return False
    existing = path.read_bytes() if path.exists() else b""
    prefix = b"" if not existing or existing.endswith(b"\n") else b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as fh:
        fh.write(prefix + word.encode("utf-8") + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    return True


def front_matter_words(front_matter: Mapping[str, Any], key: str) -> frozenset[str]:
    """A post's own accepted words: `spelling_words: [Keras, Chollet]` or a space/comma string."""
    value = front_matter.get(key)
    items: Iterable[Any]
    if isinstance(value, str):
        items = re.split(r"[\s,]+", value)
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        return frozenset()
    return frozenset(str(v).strip() for v in items if str(v).strip())
