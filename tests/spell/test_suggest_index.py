"""The one-edit index finds exactly the common words Norvig's edits1 generates."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.spell import suggest
from pipeline.spell.lexicon import load_lexicon

LEX = load_lexicon()
COMMON = sorted(w for w, z in LEX.freq.items() if z >= suggest.COMMON_FLOOR)


def _by_generation(word: str, min_zipf: float) -> set[str]:
    return {c for c in suggest._edits1(word, LEX.initials) if LEX.freq.get(c, 0.0) >= min_zipf}


def _near_common(word: str, min_zipf: float) -> bool:  # the code before the index
    return any(LEX.freq.get(c, 0.0) >= min_zipf for c in suggest._edits1(word, LEX.initials))


def _cheap_slip(word: str, min_zipf: float = 4.0, max_cost: float = 0.6) -> bool:
    return any(LEX.freq.get(c, 0.0) >= min_zipf and c not in LEX.names and suggest.typo_cost(word, c) <= max_cost
               for c in suggest._edits1(word, LEX.initials))


def _slip(word: str, rnd: random.Random) -> str:
    """A random one- or two-edit slip of a common word, in and out of the lexicon's letters."""
    for _ in range(rnd.randint(1, 2)):
        i = rnd.randint(0, len(word))
        kind = rnd.randint(0, 3)
        ch = rnd.choice("aeiostnrlé'-9")
        if kind == 0 and i < len(word):
            word = word[:i] + word[i + 1 :]
        elif kind == 1:
            word = word[:i] + ch + word[i:]
        elif kind == 2 and i < len(word):
            word = word[:i] + ch + word[i + 1 :]
        elif i + 1 < len(word):
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


@settings(max_examples=400, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), min_zipf=st.sampled_from([4.0, 4.5, 5.0]))
def test_index_matches_generation_on_slips_of_common_words(seed: int, min_zipf: float) -> None:
    rnd = random.Random(seed)
    word = _slip(rnd.choice(COMMON), rnd)
    assert {c for c in suggest._common_edits1(word, LEX, min_zipf)
            if LEX.freq.get(c, 0.0) >= min_zipf} == _by_generation(word, min_zipf)
    assert suggest.near_common(word, LEX, min_zipf) is _near_common(word, min_zipf)
    assert suggest.cheap_slip(word, LEX, min_zipf) is _cheap_slip(word, min_zipf)


@settings(max_examples=300, deadline=None)
@given(word=st.text(alphabet="abcdeilnorstuyé'-19", max_size=9))
def test_index_matches_generation_on_any_text(word: str) -> None:
    assert set(suggest._common_edits1(word, LEX, 4.0)) == _by_generation(word, suggest.COMMON_FLOOR)
    assert suggest.near_common(word, LEX, 4.0) is _near_common(word, 4.0)
    assert suggest.cheap_slip(word, LEX, 5.0) is _cheap_slip(word, 5.0)


def test_below_the_floor_it_generates() -> None:
    assert suggest.near_common("teh", LEX, 3.0) is _near_common("teh", 3.0)
    assert suggest.cheap_slip("becuase", LEX, 3.0) is _cheap_slip("becuase", 3.0)
