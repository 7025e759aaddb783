"""Suggestions: candidates within edit distance 2, ranked by a typo-shaped cost and frequency.

Raw edit distance ties constantly (seperate: separate, desperate). Real typos are mostly a
wrong vowel, a doubled or dropped letter, or two swapped letters, and the intended word is
usually a common one; so the cost makes those edits cheap and subtracts a share of the
candidate's Zipf frequency. Candidate search is rapidfuzz's C++ optimal-string-alignment distance over
the words of similar length, which takes milliseconds per word.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.spell.lexicon import Lexicon

VOWELS = frozenset("aeiouy")
# Letters often confused by sound or keyboard position: cheaper than an arbitrary swap.
_CLOSE = frozenset(
    tuple(sorted(p))
    for p in ("ck", "cs", "sz", "ks", "gj", "fv", "mn", "iy", "ey", "ph", "td", "bp", "dt", "sc", "xz", "qk")
)
FREQ_WEIGHT = 0.35
ZIPF_CAP = 6.0  # "and", "the" are not better guesses for being everywhere
NAME_PENALTY = 0.4  # a lower-case typo is rarely a misspelt name
SPLIT_COST = 1.6  # inserting a space is dear: "undersand" is not "under sand"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A candidate with its typo cost (weighted edits) and its rank score (lower is better)."""

    word: str
    cost: float
    zipf: float
    score: float

    def __reduce__(self) -> tuple[object, ...]:
        return (Suggestion, (self.word, self.cost, self.zipf, self.score))


def _sub_cost(a: str, b: str) -> float:
    if a in VOWELS and b in VOWELS:
        return 0.5
    if tuple(sorted((a, b))) in _CLOSE:
        return 0.7
    return 1.0


def _indel_cost(word: str, i: int) -> float:
    """Inserting/deleting word[i]: cheap when it doubles or undoubles a neighbour."""
    ch = word[i]
    if (i > 0 and word[i - 1] == ch) or (i + 1 < len(word) and word[i + 1] == ch):
        return 0.4
    return 0.6 if ch in VOWELS else 0.9


# 's that is "is" or "has", not a possessive: thats is that's, but ags is no ag's
S_CONTRACTIONS = frozenset({"that's", "there's", "here's", "where's", "what's", "who's", "how's", "when's", "why's",
                            "it's", "he's", "she's", "let's", "everyone's", "nobody's", "somebody's"})


def restores_apostrophe(word: str, cand: str) -> bool:
    """Is `cand` the contraction `word` is without its apostrophe (dont: don't; thats: that's)?"""
    return "'" in cand and cand.replace("'", "") == word and (not cand.endswith("'s") or cand in S_CONTRACTIONS)


def _missing_cost(word: str, i: int) -> float:
    """The typo lacks word[i]: cheapest for an apostrophe (dont, doesnt: contractions typed
    without one), while an apostrophe the typo adds costs as much as any letter."""
    return 0.1 if word[i] in "'’" else _indel_cost(word, i)


def typo_cost(typo: str, word: str) -> float:
    """Weighted optimal-string-alignment distance from the intended word to the typo."""
    n, m = len(word), len(typo)
    prev2: list[float] = []
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + _indel_cost(typo, j - 1)
    for i in range(1, n + 1):
        cur = [prev[0] + _missing_cost(word, i - 1)] + [0.0] * m
        for j in range(1, m + 1):
            a, b = word[i - 1], typo[j - 1]
            best = prev[j - 1] + (0.0 if a == b else _sub_cost(a, b))
            best = min(best, prev[j] + _missing_cost(word, i - 1), cur[j - 1] + _indel_cost(typo, j - 1))
            if i > 1 and j > 1 and a == typo[j - 2] and word[i - 2] == b and a != b:
                best = min(best, prev2[j - 2] + 0.6)
            cur[j] = best
        prev2, prev = prev, cur
    first = 0.3 if typo[:1] != word[:1] else 0.0  # typos rarely change the first letter
    return prev[m] + first


def candidates(word: str, lexicon: Lexicon, max_distance: int = 2) -> list[str]:
    """Lexicon words within edit distance (adjacent swaps count one) `max_distance` of the lower-cased word."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    found: list[str] = []
    for n in range(max(1, len(word) - max_distance), len(word) + max_distance + 1):
        for first in dict.fromkeys(word[:2]):  # the first letter, or the second if swapped
            choices = lexicon.by_key.get((n, first))
            if choices:
                hits = process.extract(word, choices, scorer=OSA.distance, score_cutoff=max_distance, limit=None)
                found.extend(hit[0] for hit in hits)
    return found


def first_letter_candidates(word: str, lexicon: Lexicon) -> list[str]:
    """Words one edit away that differ in the first letter (wupport: support).

    The only such edits replace or insert the first letter (deleting it or swapping the
    first two leaves a letter of word[:2] in front), so they are generated, not searched."""
    found: list[str] = []
    for first in lexicon.initials:
        if first in word[:2]:
            continue
        for cand in (first + word[1:], first + word):
            if cand in lexicon:
                found.append(cand)
    return found


def near_common(word: str, lexicon: Lexicon, min_zipf: float) -> bool:
    """Is a word at least `min_zipf` common exactly one edit (adjacent swaps included) away?

    A cheap test that rules out most names and jargon before a full ranking."""
    freq = lexicon.freq
    return any(freq.get(c, 0.0) >= min_zipf for c in _common_edits1(word, lexicon, min_zipf))


def cheap_slip(word: str, lexicon: Lexicon, min_zipf: float = 4.0, max_cost: float = 0.6) -> bool:
    """Is a common word that is no name one cheap edit away (Becuase: Because; Mert: none)?"""
    freq, names = lexicon.freq, lexicon.names
    return any(freq.get(c, 0.0) >= min_zipf and c not in names and typo_cost(word, c) <= max_cost
               for c in _common_edits1(word, lexicon, min_zipf))


COMMON_FLOOR = 4.0  # the words the one-edit index holds: every `min_zipf` the speller asks for


def _common_edits1(word: str, lexicon: Lexicon, min_zipf: float) -> Iterable[str]:
    """The words of `_edits1(word, lexicon.initials)` at least COMMON_FLOOR common (when
    `min_zipf` asks no lower), found through the index of the common words' deletions
    (symspell's trick): a word's own deletions, a dozen look-ups, instead of generating
    its thousand edits. Every candidate is checked to be one of those edits."""
    if min_zipf < COMMON_FLOOR:
        return _edits1(word, lexicon.initials)
    common, deletions = _one_edit_index(lexicon)
    letters = lexicon.initials
    own = {word[:i] + word[i + 1 :] for i in range(len(word))}
    found = {d for d in own if d in common}  # word less a letter
    # word plus a letter; then a letter changed, or two swapped: both words less one letter agree
    for d in (word, *own):
        under = deletions.get(d)
        if under is None:
            continue
        if type(under) is str:
            found.add(under)
        else:
            found.update(under)
    return [c for c in found if _is_edit1(word, c, letters)]


@lru_cache(maxsize=2)
def _one_edit_index(lexicon: Lexicon) -> tuple[frozenset[str], dict[str, str | tuple[str, ...]]]:
    """The common words, and each common word under every one-letter deletion of it (the
    word itself where it is the only one, nine keys in ten: 5 MiB less than lists)."""
    common = frozenset(w for w, z in lexicon.freq.items() if z >= COMMON_FLOOR)
    deletions: dict[str, str | tuple[str, ...]] = {}
    for w in sorted(common):
        for i in range(len(w)):
            key = w[:i] + w[i + 1 :]
            held = deletions.get(key)
            if held is None:
                deletions[key] = w
            elif held != w:  # a doubled letter deletes to one key twice (a-l-l: al, al)
                deletions[key] = (held, w) if type(held) is str else (*held, w)
    return common, deletions


def _is_edit1(word: str, cand: str, letters: Collection[str]) -> bool:
    """Is `cand` in `_edits1(word, letters)`: one deletion, one insertion or substitution of a
    letter of `letters`, or one swap of adjacent letters, and not `word` itself?"""
    n, m = len(word), len(cand)
    if m == n - 1:
        return any(word[:i] + word[i + 1 :] == cand for i in range(n))
    if m == n + 1:
        return any(cand[i] in letters and cand[:i] + cand[i + 1 :] == word for i in range(m))
    if m != n or cand == word:
        return False
    diff = [i for i in range(n) if word[i] != cand[i]]
    if len(diff) == 1:
        return cand[diff[0]] in letters
    i = diff[0]
    return len(diff) == 2 and diff[1] == i + 1 and word[i] == cand[i + 1] and word[i + 1] == cand[i]


def _edits1(word: str, letters: str) -> set[str]:
    cands: set[str] = set()
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        cands.update([head + c + tail for c in letters])
        if tail:
            cands.add(head + tail[1:])
            cands.update([head + c + tail[1:] for c in letters])
            if len(tail) > 1:
                cands.add(head + tail[1] + tail[0] + tail[2:])
    cands.discard(word)
    return cands


def splits(word: str, lexicon: Lexicon, min_zipf: float = 3.0) -> list[str]:
    """Two common words run together (webserver: web server)."""
    out = []
    for i in range(2, len(word) - 1):
        left, right = word[:i], word[i:]
        if lexicon.zipf(left) >= min_zipf and lexicon.zipf(right) >= min_zipf:
            out.append(f"{left} {right}")
    return out


def rank(word: str, lexicon: Lexicon, limit: int = 5) -> tuple[Suggestion, ...]:
    """Ranked suggestions for a lower-cased unknown word (best first)."""
    scored = _score(word, candidates(word, lexicon), lexicon)
    if not scored or min(s.cost for s in scored) > 1.0:
        scored += _score(word, first_letter_candidates(word, lexicon), lexicon)
    scored += _score_splits(word, lexicon)
    scored.sort(key=lambda s: (s.score, s.word))
    return tuple(scored[:limit])


def _score(word: str, cands: list[str], lexicon: Lexicon) -> list[Suggestion]:
    scored = []
    for cand in dict.fromkeys(cands):
        if cand == word:
            continue
        cost = typo_cost(word, cand) + (NAME_PENALTY if cand in lexicon.proper else 0.0)
        zipf = lexicon.zipf(cand)
        score = cost - FREQ_WEIGHT * min(zipf, ZIPF_CAP)
        if restores_apostrophe(word, cand):
            score = cost - FREQ_WEIGHT * ZIPF_CAP - 1.0  # a contraction without its apostrophe (not a possessive: ags)
        scored.append(Suggestion(cand, cost, zipf, score))
    return scored


def _score_splits(word: str, lexicon: Lexicon) -> list[Suggestion]:
    scored = []
    for pair in splits(word, lexicon):
        zipf = min(lexicon.zipf(p) for p in pair.split())
        scored.append(Suggestion(pair, SPLIT_COST, zipf, SPLIT_COST - FREQ_WEIGHT * min(zipf, ZIPF_CAP)))
    return scored


def match_case(original: str, suggestion: str) -> str:
    """Give the suggestion the case pattern of the word it replaces."""
    if original.isupper() and len(original) > 1:
        return suggestion.upper()
    if original[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion
