"""Records that cross processes and the lint cache rebuild themselves through __reduce__:
every field must survive the trip (a field added later and forgotten there would not)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from pipeline.findings import Finding, Fix, Severity
from pipeline.links_extract import Link, LinkKind
from pipeline.checks.links import LinkFacts
from pipeline.checks.spelling import Packed, SpellFacts, SpellSummary
from pipeline.runner import FileResult
from pipeline.spell.prose import ProseWord
from pipeline.suppress import Suppressions

SAMPLES = [
    Fix(1, 2, 3, 4, "new", False, "why"),
    Finding("a.md", 1, 2, "SP001", Severity.WARNING, "msg", Fix(1, 2, 1, 5, "x"), 1, 5, 9),
    Link("https://example.com/", 4, 2, LinkKind.IMAGE),
    LinkFacts("a.md", "/s/a.md", False, "a", frozenset({"top"}), (Link("x", 1, 1, LinkKind.INLINE),), "/2020/01/01/a.html",
              "2020-01-01", False),
    SpellFacts("a.md", False, frozenset({"Keras"}), Packed.counts({"a": 1}), "kerasify", 7,
               Packed.words([(2, ProseWord("Keras", 1, 1, True))]), ((1, "text"),), ((4, 7, 17),), ((2, 8, 20),), 5, (3,)),
    SpellSummary(False, Packed.counts({"a": 1}), "kerasify"),
    Suppressions({3: frozenset({"SP001"})}, {3: frozenset({"SP0011"})}, ("FM013",)),
    FileResult("a.md", (Finding("a.md", 1, 1, "X", Severity.ERROR, "m"),), {"k": 1},
               Suppressions({1: frozenset({"HD"})}), {"title": "T"}, "abc"),
]


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: type(r).__name__)
def test_round_trip_keeps_every_field(record: object) -> None:
    back = pickle.loads(pickle.dumps(record))
    assert type(back) is type(record)
    assert all(_same(getattr(back, f.name), getattr(record, f.name)) for f in dataclasses.fields(record))
    fields = dataclasses.fields(record)
    assert all(getattr(record, f.name) != f.default for f in fields if f.default is not dataclasses.MISSING)  # samples set every field


def _same(a: object, b: object) -> bool:
    if isinstance(a, Packed) and isinstance(b, Packed):  # compared by content
        return (a.text, a.numbers) == (b.text, b.numbers)
    return a == b


def test_packed_spelling_facts_round_trip() -> None:
    words = [(0, ProseWord("Keras", 3, 7, True, False, "", True)), (5, ProseWord("v1.2", 4, 1, False, True)),
             (9, ProseWord("re", 9, 80, False, False, "re-use"))]
    assert pickle.loads(pickle.dumps(Packed.words(words))).to_words() == words
    counts = {"the": 12, "keras": 1, "don’t": 3}
    assert pickle.loads(pickle.dumps(Packed.counts(counts))).to_counts() == counts
    assert Packed.words([]).to_words() == [] and Packed.counts({}).to_counts() == {}
