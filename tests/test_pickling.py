"""Records that cross processes and the lint cache rebuild themselves through __reduce__:
every field must survive the trip (a field added later and forgotten there would not)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from pipeline.findings import Finding, Fix, Severity
from pipeline.links_extract import Link, LinkKind
from pipeline.spell.prose import ProseWord

SAMPLES = [
    ProseWord("Keras", 3, 7, True, True, "Keras-like", True),
    Fix(1, 2, 3, 4, "new", False, "why"),
    Finding("a.md", 1, 2, "SP001", Severity.WARNING, "msg", Fix(1, 2, 1, 5, "x"), 1, 5, 9),
    Link("https://example.com/", 4, 2, LinkKind.IMAGE),
]


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: type(r).__name__)
def test_round_trip_keeps_every_field(record: object) -> None:
    back = pickle.loads(pickle.dumps(record))
    assert back == record and type(back) is type(record)
    defaults = {f.name: f.default for f in dataclasses.fields(record)}
    assert all(getattr(record, name) != default for name, default in defaults.items())  # samples set every field


def test_packed_spelling_facts_round_trip() -> None:
    from pipeline.checks.spelling import Packed

    words = [(0, ProseWord("Keras", 3, 7, True, False, "", True)), (5, ProseWord("v1.2", 4, 1, False, True)),
             (9, ProseWord("re", 9, 80, False, False, "re-use"))]
    assert pickle.loads(pickle.dumps(Packed.words(words))).to_words() == words
    counts = {"the": 12, "keras": 1, "don’t": 3}
    assert pickle.loads(pickle.dumps(Packed.counts(counts))).to_counts() == counts
    assert Packed.words([]).to_words() == [] and Packed.counts({}).to_counts() == {}
