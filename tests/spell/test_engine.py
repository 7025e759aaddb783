"""Engine: dictionary look-up, suggestion ranking and the evidence filters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.spell.engine import SiteEvidence, Speller
from pipeline.spell.lexicon import load_lexicon
from pipeline.spell.prose import Prose, ProseWord
from pipeline.spell.suggest import match_case, typo_cost


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(load_lexicon())


@pytest.mark.parametrize(
    ("word", "known"),
    [
        ("development", True), ("Development", True), ("don't", True), ("Jekyll's", True),
        ("preconfigured", True), ("gists", True), ("profiler", True), ("sanitization", True),
        ("devolopment", False), ("recieve", False), ("seperate", False), ("untill", False),
        ("begining", False), ("fullly", False), ("releas", False), ("thoses", False),
        ("serialise", True), ("tokenised", True), ("parallelising", True), ("customisable", True),
        ("excercise", False), ("seperatise", False),
        # the affix rules would make these (poss-able, genera-ly, through-ly), but each is one
        # slip from a common word that is not its stem: typos
        ("possable", False), ("accessable", False), ("generaly", False), ("throughly", False),
        ("reusable", True), ("performantly", True), ("fillable", True),
        # data/project-terms.txt: what a tester found flagged in ordinary tech-blog prose
        ("async", True), ("env", True), ("Laravel", True), ("pytest", True), ("tbh", True),
    ],
)
def test_known(speller: Speller, word: str, known: bool) -> None:
    assert speller.known(word) is known


@pytest.mark.parametrize(
    ("typo", "first"),
    [
        ("devolopment", "development"), ("recieve", "receive"), ("seperate", "separate"),
        ("definately", "definitely"), ("occured", "occurred"), ("wupport", "support"),
        ("teh", "the"), ("tamplate", "template"), ("wya", "way"),
        # a contraction typed without its apostrophe is that contraction, not a nearby word
        ("dont", "don't"), ("doesnt", "doesn't"), ("wasnt", "wasn't"), ("theyre", "they're"), ("youre", "you're"),
        ("poject's", "project's"),  # an apostrophe the typo adds is no cheaper than a letter
    ],
)
def test_first_suggestion(speller: Speller, typo: str, first: str) -> None:
    assert speller.suggest(typo)[0].word == first


def test_typo_cost_prefers_typo_shaped_edits() -> None:
    assert typo_cost("seperate", "separate") < typo_cost("seperate", "desperate")
    assert typo_cost("wya", "way") < typo_cost("wya", "we")
    assert typo_cost("untill", "until") < 0.5


def test_match_case() -> None:
    assert [match_case("Teh", "the"), match_case("TEH", "the"), match_case("teh", "the")] == ["The", "THE", "the"]


def w(text: str, col: int, start: bool = False, line: int = 1) -> ProseWord:
    return ProseWord(text, line, col, start)


def review(speller: Speller, words: list[ProseWord], others: list[Prose] = (), terms: frozenset[str] = frozenset()) -> list[str]:
    site = SiteEvidence.from_prose([Prose.of_words(words, terms), *others])
    return [m.word.text for m in speller.review(words, site)]


def test_capitalised_typo_in_name_phrase_found(speller: Speller) -> None:
    words = [w("at", 1, True), w("the", 4), w("core", 8), w("of", 13), w("Keras", 16), w("Devolopment", 22)]
    assert review(speller, words) == ["Devolopment"]


def test_names_and_identifiers_are_quiet(speller: Speller) -> None:
    words = [w("Thanks", 1, True), w("to", 8), w("Johan", 11), w("Svensson", 17), w("and", 26), w("Mert", 30),
             w("kubectl", 35), w("MXNet", 43), w("HTTP", 49)]
    assert review(speller, words) == []


def test_word_in_code_elsewhere_is_not_a_typo(speller: Speller) -> None:
    assert review(speller, [w("We", 1, True), w("use", 4), w("kramdwn", 8)], terms=frozenset({"kramdwn"})) == []


def test_word_repeated_across_posts_is_jargon(speller: Speller) -> None:
    words = [w("the", 1, True), w("frobnicator", 5)]
    other = Prose.of_words((w("frobnicator", 1), w("frobnicator", 20)))
    assert review(speller, words, [other]) == []
    assert review(speller, [w("the", 1, True), w("recieve", 5)]) == ["recieve"]


@pytest.mark.parametrize(("first", "second", "reported"), [
    ("Becuase", "Becuase", ["Becuase", "Becuase"]),  # a slip that opens two sentences is two slips
    # separate is not common enough (zipf 4.6 < 5) to outweigh a capital used twice; the
    # lower-case slip is still reported
    ("Seperate", "seperate", ["seperate"]),
    ("Thsi", "Thsi", ["Thsi", "Thsi"]),
    ("Mert", "Mert", []),  # a name that opens two sentences stays a name
    ("Johan", "Johan", []),  # one slip from John, but John is a name too
])
def test_a_word_opening_sentences_twice_is_no_name_for_that(speller: Speller, first: str, second: str, reported: list[str]) -> None:
    words = [w(first, 1, True), w("came", 10), w("home", 15), w("today", 20),
             w(second, 1, second[0].isupper(), line=2), w("went", 10, line=2), w("out", 15, line=2)]
    assert review(speller, words) == reported


def test_crowded_credit_lists_are_skipped(speller: Speller) -> None:
    names = "Aki Tanaka, Brint O'Hearn, Yordis Prieto, Sondre Nilsen, surrim, Yanis Tzu".replace(",", "").split()
    words = [w(t, i * 10) for i, t in enumerate(names)]
    assert review(speller, words) == []


def test_accepted_words_case_insensitive(speller: Speller) -> None:
    assert speller.with_words({"Frobnik"}).known("frobnik")



# Common words, capitalised ones, name-list words (many, john), typos, plurals, jargon.
_VOCAB = ["the", "The", "Development", "development", "This", "Title", "many", "Many", "John", "Keras",
          "devolopment", "Devolopment", "recieve", "gists", "gist", "works", "Works", "Friday", "can", "Can",
          "kerasify", "Kerasify", "matchers", "Mert", "people", "People", "seperate", "Winodws", "windows"]


@given(
    vocab=st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=8, unique=True),
    counts=st.dictionaries(st.sampled_from(sorted({v.lower() for v in _VOCAB} | {v.lower() + "s" for v in _VOCAB})),
                           st.sampled_from([1, 2, 3, 11, 50])),
)
@settings(max_examples=200, deadline=None)
def test_uncounted_words_never_change_a_verdict(speller: Speller, vocab: list[str], counts: dict[str, int]) -> None:
    """The site step sums word counts without Lexicon.uncounted: each word's verdict (odd,
    suspect), all a review reads of the site, must be the same either way."""
    drop = speller.lexicon.uncounted
    full = SiteEvidence(counts, {w: 2 for w in counts})
    lean = SiteEvidence({w: n for w, n in counts.items() if w not in drop}, {w: 2 for w in counts if w not in drop})
    entries = [f"{v}\t" for v in vocab for _ in (0, 1)]
    kinds = [0, 1] * len(vocab)  # inside a sentence, then opening one
    fresh = lambda: Speller(speller.lexicon)  # noqa: E731  (each with its own verdict memo)
    assert list(fresh()._screen(entries, kinds, full)) == list(fresh()._screen(entries, kinds, lean))


def test_uncounted_holds_common_words_but_no_names(speller: Speller) -> None:
    drop = speller.lexicon.uncounted
    assert {"the", "development", "people", "because"} <= drop
    assert not {"many", "john", "friday", "keras", "gist"} & drop  # name lists hold the first three
