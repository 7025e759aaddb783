"""Which unknown words to report: the evidence filters that keep names and jargon quiet.

A stock dictionary flags ~300 words per 10k in technical posts; readers tolerate a few.
Typos are non-words close to a common word that appear once; names and jargon repeat,
show up in code, URLs and metadata, wear capitals mid-sentence or camelCase, and are often
far from any dictionary word. Each filter below encodes one of those observations
(see shared/research/spelling-engines.md for the measured effect of each).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.spell.lexicon import Lexicon
from pipeline.spell.prose import Prose, ProseWord
from pipeline.spell.suggest import Suggestion, match_case, rank

_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_CONTRACTIONS = ("s", "t", "re", "ve", "ll", "d", "m")
_PREFIXES = ("pre", "re", "un", "non", "sub", "multi", "auto", "co", "de", "inter", "over", "super", "micro", "meta")


@dataclass(frozen=True, slots=True)
class Settings:
    """Thresholds; the defaults were tuned on the benchmark (benchmarks/spelling_bench.py)."""

    min_length: int = 3
    repeat_count: int = 3  # prose occurrences across the site that mark a word as jargon
    repeat_posts: int = 2  # ...spread over at least this many posts
    max_cost: float = 1.6  # typo cost of the best suggestion for a lower-case word
    min_zipf: float = 2.0  # how common the intended word must be
    name_max_cost: float = 1.0  # stricter for capitalised words inside a sentence
    name_min_zipf: float = 3.5
    max_suggestions: int = 5


@dataclass(frozen=True, slots=True)
class SiteEvidence:
    """What the other posts say about a word: prose counts and non-prose sightings."""

    counts: Mapping[str, int] = field(default_factory=dict)
    posts: Mapping[str, int] = field(default_factory=dict)
    code_terms: frozenset[str] = frozenset()

    @classmethod
    def from_prose(cls, proses: Iterable[Prose]) -> SiteEvidence:
        counts: Counter[str] = Counter()
        posts: Counter[str] = Counter()
        terms: set[str] = set()
        for prose in proses:
            lowered = [w.text.lower() for w in prose.words]
            counts.update(lowered)
            posts.update(set(lowered))
            terms |= prose.code_terms
        return cls(dict(counts), dict(posts), frozenset(terms))


@dataclass(frozen=True, slots=True)
class Misspelling:
    """An unknown word worth reporting, with ranked suggestions in the word's own case."""

    word: ProseWord
    suggestions: tuple[str, ...]
    cost: float


class Speller:
    """Dictionary plus accepted words; caches suggestions per word for the process."""

    def __init__(self, lexicon: Lexicon, accepted: Iterable[str] = (), settings: Settings | None = None) -> None:
        self.lexicon = lexicon
        self.settings = settings or Settings()
        self._accepted = frozenset(accepted)
        self._accepted_lower = frozenset(w.lower() for w in self._accepted)
        self._ranked: dict[str, tuple[Suggestion, ...]] = {}

    def with_words(self, extra: Iterable[str]) -> Speller:
        """A speller sharing this one's suggestion cache, with more accepted words (per post)."""
        extra = frozenset(extra)
        if not extra:
            return self
        other = Speller(self.lexicon, self._accepted | extra, self.settings)
        other._ranked = self._ranked
        return other

    def known(self, word: str) -> bool:
        """In the dictionary or word lists, allowing possessives, contractions and prefixes."""
        word = word.replace("’", "'")
        lower = word.lower()
        if lower in self.lexicon or word in self._accepted or lower in self._accepted_lower:
            return True
        if "'" in lower:
            stem, _, tail = lower.rpartition("'")
            return tail in _CONTRACTIONS and self.known(stem) or not tail and self.known(stem)
        for prefix in _PREFIXES:
            rest = lower[len(prefix) :]
            if lower.startswith(prefix) and len(rest) >= 4 and rest in self.lexicon:
                return True
        return False

    def suggest(self, word: str) -> tuple[Suggestion, ...]:
        lower = word.lower()
        if lower not in self._ranked:
            self._ranked[lower] = rank(lower, self.lexicon, self.settings.max_suggestions)
        return self._ranked[lower]

    def review(self, words: Sequence[ProseWord], site: SiteEvidence) -> list[Misspelling]:
        """The words of one post that look like typos, in order."""
        unknown = [w for w in words if self._suspect_shape(w.text, site)]
        crowded = _crowded_lines(words, unknown)
        out = []
        for w in unknown:
            if w.line in crowded or self._repeated(w.text.lower(), site):
                continue
            found = self._judge(w)
            if found:
                out.append(found)
        return out

    def _suspect_shape(self, text: str, site: SiteEvidence) -> bool:
        if len(text) < self.settings.min_length or _CAMEL.search(text):
            return False
        if text.isupper():  # acronyms
            return False
        return not self.known(text) and text.lower().replace("’", "'") not in site.code_terms

    def _repeated(self, lower: str, site: SiteEvidence) -> bool:
        s = self.settings
        return site.counts.get(lower, 0) >= s.repeat_count and site.posts.get(lower, 0) >= s.repeat_posts

    def _judge(self, w: ProseWord) -> Misspelling | None:
        ranked = self.suggest(w.text)
        if not ranked or " " in ranked[0].word:
            return None  # far from every word (a name), or a run-together compound
        top = ranked[0]
        s = self.settings
        is_name = w.text[0].isupper() and not w.sentence_start
        max_cost, min_zipf = (s.name_max_cost, s.name_min_zipf) if is_name else (s.max_cost, s.min_zipf)
        if top.cost > max_cost or top.zipf < min_zipf:
            return None
        return Misspelling(w, tuple(match_case(w.text, r.word) for r in ranked), top.cost)


def _crowded_lines(words: Sequence[ProseWord], unknown: Sequence[ProseWord]) -> set[int]:
    """Lines where most words are unknown: name lists, credits, generated text."""
    per_line = Counter(w.line for w in words)
    bad = Counter(w.line for w in unknown)
    return {line for line, n in bad.items() if n >= 3 and n * 2 >= per_line[line]}
