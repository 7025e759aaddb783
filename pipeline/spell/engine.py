"""Which unknown words to report: the evidence filters that keep names and jargon quiet.

A stock dictionary flags ~300 words per 10k in technical posts; readers tolerate a few.
Typos are non-words close to a common word that appear once; names and jargon repeat,
show up in code, URLs and metadata, wear capitals mid-sentence or camelCase, and are often
far from any dictionary word. Each filter below encodes one of those observations
(see shared/research/spelling-engines.md for the measured effect of each).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from pipeline.spell.lexicon import COMMON_ZIPF, Lexicon
from pipeline.spell.prose import Prose, ProseWord
from pipeline.spell.suggest import (
    Suggestion,
    cheap_slip,
    match_case,
    near_common,
    rank,
    restores_apostrophe,
)

_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_REPEATED_LETTER = re.compile(r"(.)\1\1\1")
# Latin and French words English prose uses inside fixed phrases (et cetera, vice versa).
_PHRASE_WORDS = frozenset({"cetera", "al", "priori", "posteriori", "facto", "versa", "vitae", "bono", "culpa", "passant"})
_CONTRACTIONS = ("s", "t", "re", "ve", "ll", "d", "m")
# Productive prefixes of technical prose (pre-render, multi-site). Not "re"/"de"/"un": too
# many typos start with them (releas = re + leas).
_PREFIXES = {p: 5 for p in ("pre", "non", "sub", "multi", "auto", "inter", "super", "micro", "meta", "cross")}
_PREFIXES.update({p: 7 for p in ("un", "re", "de", "dis")})  # prefix -> shortest remainder
# Derivations dictionaries leave out (profile-r, performant-ly, fill-able): suffix -> what
# the stem must end with. Not -ed/-ing: those hide the commonest typos (begining, refered).
# British -ise spellings of the words the lists hold only with -ize (serialise, tokenised).
_BRITISH = (("isations", "izations"), ("isation", "ization"), ("isable", "izable"), ("ising", "izing"),
            ("isers", "izers"), ("iser", "izer"), ("ised", "ized"), ("ises", "izes"), ("ise", "ize"))
# (cost, zipf): how close and how common another word must be to beat a derivation.
DERIVED_SLIPS = ((0.6, 4.0),)  # (1.0, 4.5) too: corpus 3.09 -> 4.12 per 10k words (matchers, gists)
_SUFFIXES = (("r", "e"), ("ly", ""), ("able", ""), ("ness", ""), ("less", ""), ("ize", ""), ("izes", ""),
             ("ized", ""), ("ization", "ize"), ("izations", "ize"), ("isation", "ise"))


@dataclass(frozen=True, slots=True)
class Settings:
    """Thresholds; the defaults were tuned on the benchmark (benchmarks/spelling_bench.py)."""

    min_length: int = 3
    repeat_count: int = 3  # prose occurrences across the site that mark a word as jargon
    repeat_posts: int = 2  # ...spread over at least this many posts
    max_cost: float = 1.6  # typo cost of the best suggestion for a lower-case word
    min_zipf: float = 2.0  # how common the intended word must be
    max_score: float = 0.2  # cost minus frequency bonus: positive = a weak, rare-word match
    name_max_cost: float = 1.0  # stricter for capitalised words inside a sentence
    name_min_zipf: float = 3.5
    name_min_length: int = 8  # short names sit one edit from common words (Johan, Mert)
    max_suggestions: int = 5
    check_capitalized: bool = True  # False: capitalised words inside a sentence are never reported


@dataclass(frozen=True, slots=True)
class SiteEvidence:
    """What the other posts say about a word: prose counts and non-prose sightings."""

    counts: Mapping[str, int] = field(default_factory=dict)
    posts: Mapping[str, int] = field(default_factory=dict)
    code_terms: frozenset[str] = frozenset()

    @classmethod
    def from_prose(cls, proses: Iterable[Prose]) -> SiteEvidence:
        return cls.from_counts((word_counts(p), p.code_terms) for p in proses)

    @classmethod
    def from_counts(
        cls, parts: Iterable[tuple[Mapping[str, int], frozenset[str]]], base: SiteEvidence | None = None
    ) -> SiteEvidence:
        """From per-post (lower-cased prose word counts, code terms), as the site index keeps
        them, added to `base` (the evidence of other posts) if given."""
        counts: Counter[str] = Counter(base.counts if base else {})
        posts: Counter[str] = Counter(base.posts if base else {})
        terms: set[str] = set(base.code_terms if base else ())
        for post_counts, code_terms in parts:
            counts.update(post_counts)
            posts.update(post_counts.keys())
            terms |= code_terms
        return cls(dict(counts), dict(posts), frozenset(terms))


def word_counts(prose: Prose) -> dict[str, int]:
    """Lower-cased prose words of one post and how often each occurs (identifiers left out)."""
    return dict(prose.counts)


@dataclass(frozen=True, slots=True)
class Misspelling:
    """An unknown word worth reporting, with ranked suggestions in the word's own case."""

    word: ProseWord
    suggestions: tuple[str, ...]
    cost: float  # typo cost of the first suggestion
    runner_up_gap: float  # how much worse the second suggestion scores (inf when there is none)


# Endings of nouns whose plural the word lists may lack (mitigation: mitigations).
_NOUN_ENDS = ("tion", "sion", "ment", "ness", "ance", "ence", "ship", "ture", "ism", "ist", "put", "ware", "age")  # not -ity: -ities


class Speller:
    """Dictionary plus accepted words; caches suggestions per word for the process."""

    def __init__(self, lexicon: Lexicon, accepted: Iterable[str] = (), settings: Settings | None = None) -> None:
        self.lexicon = lexicon
        self.settings = settings or Settings()
        self._accepted = frozenset(accepted)
        self._accepted_lower = frozenset(w.lower() for w in self._accepted)
        self._ranked: dict[str, tuple[Suggestion, ...]] = {}
        self._known: dict[str, bool] = {}
        self._obvious: dict[str, bool] = {}
        self._site_memo: tuple[SiteEvidence | None, tuple[dict[str, tuple[bool, bool]], ...]] = (None, ())

    def memo(self) -> dict[str, dict[str, Any]]:
        """The per-word results worth keeping between runs (suggestions, one-edit tests)."""
        return {"ranked": self._ranked, "obvious": self._obvious}

    def remember(self, memo: Mapping[str, Mapping[str, Any]]) -> None:
        """Take per-word results from an earlier run of the same lexicon and settings."""
        self._ranked.update(memo.get("ranked", {}))
        self._obvious.update(memo.get("obvious", {}))

    def with_words(self, extra: Iterable[str]) -> Speller:
        """A speller sharing this one's suggestion cache, with more accepted words (per post)."""
        extra = frozenset(extra)
        if not extra:
            return self
        other = Speller(self.lexicon, self._accepted | extra, self.settings)
        other._ranked = self._ranked
        other._obvious = self._obvious
        return other

    def known(self, word: str) -> bool:
        """In the dictionary or word lists, allowing possessives, contractions and prefixes."""
        hit = self._known.get(word)
        if hit is None:
            hit = self._known[word] = self._lookup(word)
        return hit

    def _lookup(self, word: str) -> bool:
        word = word.replace("’", "'")
        lower = word.lower()
        if lower in self.lexicon or word in self._accepted or lower in self._accepted_lower or lower in _PHRASE_WORDS:
            return True
        if "'" in lower:
            stem, _, tail = lower.rpartition("'")
            return tail in _CONTRACTIONS and self.known(stem) or not tail and self.known(stem)
        if self._derived(lower):
            return not self._slip_of_another(lower)
        return _REPEATED_LETTER.search(lower) is not None  # looooot

    def _slip_of_another(self, lower: str) -> bool:
        """A word the affix rules would make (possable = poss-able, generaly = genera-ly,
        intergrated = inter-grated) that is one slip from a common word which is not its own
        stem (possible, generally, integrated): the slip is the likelier story."""
        for s in self.suggest(lower):
            if s.word == lower or lower.startswith(s.word) or " " in s.word:
                continue  # the word itself, its stem (profile-r), a run-together pair
            return any(s.cost <= cost and s.zipf >= zipf for cost, zipf in DERIVED_SLIPS)
        return False

    def _derived(self, lower: str) -> bool:
        lex = self.lexicon
        for prefix, shortest in _PREFIXES.items():
            rest = lower[len(prefix) :]
            if lower.startswith(prefix) and len(rest) >= shortest and (rest in lex or self._derived(rest)):
                return True
        plural = len(lower) >= 5 and lower.endswith("s") and not lower.endswith("ss")
        if plural and lower[:-1] in lex and (lex.zipf(lower[:-1]) < 3.5 or lower[:-1].endswith(_NOUN_ENDS)):
            return True  # plurals the lists hold only as singular (gists, mitigations); not alikes, whoms
        if len(lower) >= 6 and lower.endswith("ies") and lower[:-3] + "y" in lex and lower[:-3].endswith(("it", "nc", "ar", "or", "og")):
            return True  # severities, dependencies, libraries, categories, technologies
        if len(lower) >= 5 and lower + "s" in lex and not lower.endswith("s"):
            return True
        for ise, ize in _BRITISH:
            if lower.endswith(ise) and len(lower) >= len(ise) + 3:
                if self.known(lower[: -len(ise)] + ize):
                    return True
                break
        for suffix, stem_end in _SUFFIXES:
            stem = lower[: -len(suffix)]
            if suffix == "ly" and stem.endswith(("l", "le")):
                continue  # full-ly, simple-ly: the real forms are fully, simply
            if lower.endswith(suffix) and len(stem) >= 4 and stem.endswith(stem_end) and stem in lex:
                return True
            if suffix.startswith("iz") and lower.endswith(suffix) and stem + stem_end in lex:
                return True
        return False

    def suggest(self, word: str) -> tuple[Suggestion, ...]:
        lower = word.lower().replace("’", "'")  # the lexicon writes apostrophes straight
        if lower not in self._ranked:
            # ranked as deep as the verdicts need (the runner-up decides a safe fix), whatever
            # the number of suggestions shown
            self._ranked[lower] = rank(lower, self.lexicon, max(self.settings.max_suggestions, RANK_DEPTH))
        return self._ranked[lower]

    def review(self, words: Sequence[ProseWord], site: SiteEvidence) -> list[Misspelling]:
        """The words of one post that look like typos, in order."""
        freq = self.lexicon.freq
        # A plain lower-case dictionary word is never odd and never reported: drop it here,
        # as `extract(plain=...)` drops it at the source; it still counts for positions.
        kept = [(i, w) for i, w in enumerate(words) if not (w.text in freq and not w.identifier and not w.compound)]
        return self.review_indexed(kept, len(words), site)

    def review_indexed(self, kept: Sequence[tuple[int, ProseWord]], total: int, site: SiteEvidence) -> list[Misspelling]:
        """Review the non-plain words of a post, each with its index among all `total` words.

        Plain words (lower-case, in the dictionary, not code or a compound) cannot change any
        verdict except by their place in the crowding window, which the indexes give.
        """
        entries = [f"{w.text}\t{w.compound}" for _, w in kept]
        kinds = [w.sentence_start | w.identifier << 1 for _, w in kept]
        return self.review_screened(entries, kinds, [i for i, _ in kept], total, site, lambda: list(kept))

    def review_screened(
        self, entries: Sequence[str], kinds: Sequence[int], indexes: Sequence[int], total: int, site: SiteEvidence,
        unpack: Callable[[], Sequence[tuple[int, ProseWord]]],
    ) -> list[Misspelling]:
        """`review_indexed` for words given as `word<TAB>compound` entries and kinds
        (sentence_start | identifier << 1): the per-word verdicts need only those, so the
        whole words are built (`unpack`) only for a post that has a suspect, about one in
        twenty. Saves most of the site step, where each post has hundreds of kept words."""
        verdicts = self._screen(entries, kinds, site)
        suspect_at = [k for k, (_, suspect) in enumerate(verdicts) if suspect]
        if not suspect_at:
            return []
        odd = [i for i, (is_odd, _) in zip(indexes, verdicts) if is_odd]
        kept = unpack()
        suspects = [kept[k] for k in suspect_at if not _crowded(indexes[k], odd, total)]
        if not suspects:
            return []
        in_names = _name_phrases(kept)
        out = []
        for i, w in suspects:
            found = self._judge(w, i in in_names)
            if found:
                out.append(found)
        return out

    def _screen(self, entries: Sequence[str], kinds: Sequence[int], site: SiteEvidence) -> list[tuple[bool, bool]]:
        """(odd, suspect) of each word. What a word's text and flags say is the same wherever it
        stands (for one site and word list), and names and jargon recur across posts: each is
        judged once per run, memoised by kind then entry (no key tuple built per word), so a
        post is mostly one dictionary look-up a word."""
        if self._site_memo[0] is not site:
            self._site_memo = (site, ({}, {}, {}, {}))
        memos = self._site_memo[1]
        # A verdict is a non-empty tuple: `or` only works out a word not seen yet.
        return [memos[kind].get(entry) or self._verdict(entry, kind, site) for entry, kind in zip(entries, kinds)]

    def _verdict(self, entry: str, kind: int, site: SiteEvidence) -> tuple[bool, bool]:
        """`_screen`'s (odd, suspect) of one word, worked out and memoised."""
        text, _, compound = entry.partition("\t")
        w = ProseWord(text, 0, 0, bool(kind & 1), bool(kind & 2), compound)
        suspect = (not w.identifier and not self._repeated(w, site) and self._suspect_shape(w, site)
                   and not self._foreign_compound(w, site))
        verdict = self._site_memo[1][kind][entry] = (self._odd(w, site), suspect)
        return verdict

    def _odd(self, w: ProseWord, site: SiteEvidence) -> bool:
        """What crowds a line of credits: handles, unknown words, names (not the site's own
        subject, which it names everywhere: Jekyll)."""
        if w.identifier:
            return "@" in w.text or "_" in w.text or _CAMEL.search(w.text) is not None or not w.text.isascii()
        lower = w.text.lower()
        if len(w.text) < self.settings.min_length:
            return not w.text.isupper() and not self.known(w.text)
        capital = w.text[0].isupper() and not w.sentence_start and site.counts.get(lower, 0) <= 10
        if capital and (lower in self.lexicon.names or self.lexicon.zipf(lower) < COMMON_ZIPF):
            return True
        if self._suspect_shape(w, site):
            return not self._obvious_typo(lower)  # a plain typo does not make a credits line
        return self._foreign_compound(w, site)

    def _suspect_shape(self, w: ProseWord, site: SiteEvidence) -> bool:
        text = w.text
        if len(text) < self.settings.min_length or _CAMEL.search(text):
            return False
        if w.compound and self._known_compound(w.compound):
            return False  # add-ons, socio-economic: the piece is no word, the whole is
        if text.isupper():  # acronyms
            return False
        lower = text.lower().replace("’", "'")
        if text[0].isupper() and lower in self.lexicon.names and not self.contraction(lower):
            return False  # a name (but Arent is aren't, whatever the name lists hold)
        return not self.known(text) and (lower not in site.code_terms or self._obvious_typo(lower))

    def _obvious_typo(self, lower: str) -> bool:
        """One cheap edit from a common long word (implmentation): a typo even if code has it too."""
        hit = self._obvious.get(lower)
        if hit is None:
            hit = self._obvious[lower] = self._one_cheap_edit(lower)
        return hit

    def _one_cheap_edit(self, lower: str) -> bool:
        if len(lower) < 7 or not near_common(lower, self.lexicon, 4.0):
            return False  # a cost of 0.6 or less is a single edit (each costs 0.4 or more)
        ranked = self.suggest(lower)
        return bool(ranked) and ranked[0].cost <= 0.6 and ranked[0].zipf >= 4.0 and " " not in ranked[0].word

    def _known_compound(self, compound: str) -> bool:
        joined = re.sub(r"[-–—]", "", compound)
        return any(self.known(form) for form in (compound, joined, joined[:-1] if joined.endswith("s") else ""))

    def _foreign_compound(self, w: ProseWord, site: SiteEvidence) -> bool:
        """A hyphenated word none of whose parts is English (shingo-nakanishi, Buo-ren): a name."""
        if not w.compound:
            return False
        parts = [p for p in re.split(r"[-–—]", w.compound) if p]
        names, lex = self.lexicon.names, self.lexicon
        return not any(self.known(p) and (p.lower() not in names or lex.zipf(p.lower()) >= 3.5) for p in parts)

    def _repeated(self, w: ProseWord, site: SiteEvidence) -> bool:
        """Jargon repeats across posts; a capitalised word used twice is a name (Mert ... Mert)."""
        s = self.settings
        lower = w.text.lower()
        count = site.counts.get(lower, 0)
        if self.contraction(lower):
            return False  # Didnt, dont: a missing apostrophe, however often (no name, no jargon)
        if w.text[0].isupper() and count >= 2:
            # ... but a capital that opens a sentence says nothing: Becuase twice is a slip
            # twice, when it is one cheap edit from a very common word that is no name.
            return not (w.sentence_start and not self.known(w.text) and self._common_slip(lower))
        if self._obvious_typo(lower) or len(lower) >= 5 and self._common_slip(lower):
            return False  # recieve, untill in three posts are three slips: one cheap edit from a common word
        other = lower[:-1] if lower.endswith("s") else lower + "s"
        if site.counts.get(other, 0) and len(lower) >= 5 and not self.known(other):
            return True  # used in singular and plural (convnet, convnets): a term, not a slip
        return count >= s.repeat_count and site.posts.get(w.text.lower(), 0) >= s.repeat_posts

    def _common_slip(self, lower: str) -> bool:
        # Very common words only (zipf 5: because, separate's 4.6 is not): product names one
        # edit from a word (Axios: axis, Plone: plane) open sentences about them all the time.
        return cheap_slip(lower, self.lexicon, min_zipf=5.0)

    def contraction(self, lower: str) -> str | None:
        """The contraction a word is with its apostrophe put back (didnt: didn't), if any."""
        for end in ("nt", "re", "ve", "ll", "d", "m", "s"):
            if lower.endswith(end) and len(lower) > len(end) + 1:
                cand = lower[: -len(end)] + "'" + end if end != "nt" else lower[:-2] + "n't"
                if restores_apostrophe(lower, cand) and cand in self.lexicon:
                    return cand
        return None

    def _judge(self, w: ProseWord, in_name_phrase: bool) -> Misspelling | None:
        ranked = self.suggest(w.text)
        lower = w.text.lower()
        if ranked and self.contraction(lower) == ranked[0].word:  # Dont, Doesnt: the apostrophe, not a name
            return _misspelling(w, ranked, self.settings.max_suggestions)
        if not ranked or " " in ranked[0].word:
            return None  # far from every word (a name), or a run-together compound
        top = ranked[0]
        s = self.settings
        if len(lower) - len(top.word) >= 2 and len(top.word) >= 4 and lower.startswith(top.word):
            return None  # a word plus a suffix (vendor-ing, look-ie): coined, not mistyped
        # At a sentence's start the capital says nothing, and the name lists hold many, just
        # and you too: one slip from a common word there is a typo (Mnay, Ytou), near a name
        # or not. Inside a sentence a near-miss of a name stays another name (Johan, John).
        start_slip = w.sentence_start and not in_name_phrase and (
            top.cost <= 0.6 or len(w.text) >= 4 and top.cost <= 1.0 and top.zipf >= 5.0)
        if w.text[0].isupper() and top.word in self.lexicon.names and not start_slip:
            return None
        is_name = w.text[0].isupper() and (in_name_phrase or not w.sentence_start)
        # A short capitalised word is mostly a name (Mert), unless it is one slip from a very
        # common word that no name list holds (Winodws).
        common_slip = not in_name_phrase and top.cost <= 0.6 and top.zipf >= 5.0
        if is_name and (len(w.text) < s.name_min_length and not common_slip or not s.check_capitalized):
            return None
        max_cost, min_zipf = (s.name_max_cost, s.name_min_zipf) if is_name else (s.max_cost, s.min_zipf)
        if w.text[0].isupper() and len(w.text) <= 4:
            min_zipf = max(min_zipf, 5.0)  # short capitalised words are mostly names (Mert); Teh: The
        if top.cost > max_cost or top.zipf < min_zipf or top.score > s.max_score:
            return None
        return _misspelling(w, ranked, self.settings.max_suggestions)


RANK_DEPTH = 5  # suggestions ranked for each unknown word; `max_suggestions` only cuts the list shown


def _misspelling(w: ProseWord, ranked: Sequence[Suggestion], shown: int) -> Misspelling:
    gap = ranked[1].score - ranked[0].score if len(ranked) > 1 else float("inf")
    curly = "’" in w.text  # a suggestion keeps the word's own apostrophe (friend’s, not friend's)
    shown_words = (match_case(w.text, r.word.replace("'", "’") if curly else r.word) for r in ranked[:shown])
    return Misspelling(w, tuple(shown_words), ranked[0].cost, gap)


def _name_phrases(kept: Sequence[tuple[int, ProseWord]]) -> set[int]:
    """Indexes of capitalised words next to another capitalised word on the line (Ankush Menat).

    Plain words are lower-case, so a pair is either two kept words or, when the first one
    opened a sentence with a dictionary word (The Keras), a kept word flagged `after_capital`."""
    found: set[int] = set()
    for (i, a), (j, b) in pairwise(kept):
        if j == i + 1 and a.line == b.line and a.text[:1].isupper() and b.text[:1].isupper() and not b.sentence_start:
            found.update((i, j))
    for j, b in kept:
        if b.after_capital and b.text[:1].isupper() and not b.sentence_start:
            found.add(j)  # its partner opened the sentence and was dropped as plain
    return found


def _crowded(i: int, odd: Sequence[int], total: int, reach: int = 4) -> bool:
    """Is word `i`'s neighbourhood (`reach` words each side) mostly unknown words, names and
    identifiers (credits, lists of handles, changelog lines)? Typos sit among plain words.
    `odd` holds the indexes of the odd words, sorted."""
    size = 2 * reach + 1
    if total < size:
        return False  # too little text to call anything a list (a short post with two typos)
    start = max(0, min(i - reach, total - size))  # a full window, also at the ends
    return (bisect_left(odd, start + size) - bisect_left(odd, start)) * 9 >= size * 5
