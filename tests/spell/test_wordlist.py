"""Project word list and per-post lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.spell.wordlist import add_word, front_matter_words, read_words


def test_add_word_appends_once(tmp_path: Path) -> None:
    path = tmp_path / ".pipeline-words.txt"
    path.write_text("# project words\nKeras", encoding="utf-8")  # no final newline
    assert add_word(path, "Chollet") is True
    assert add_word(path, "Chollet") is False
    assert path.read_text(encoding="utf-8") == "# project words\nKeras\nChollet\n"
    assert read_words(path) == {"Keras", "Chollet"}


def test_add_word_creates_file_and_rejects_phrases(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "words.txt"
    assert add_word(path, "convnet")
    assert read_words(path) == {"convnet"}
    with pytest.raises(ValueError):
        add_word(path, "two words")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(["Keras", "Chollet"], {"Keras", "Chollet"}), ("Keras, Chollet MXNet", {"Keras", "Chollet", "MXNet"}), (None, set()), (3, set())],
)
def test_front_matter_words(value: object, expected: set[str]) -> None:
    assert front_matter_words({"spelling_words": value}, "spelling_words") == expected


def test_missing_list_is_empty(tmp_path: Path) -> None:
    assert read_words(tmp_path / "nope.txt") == frozenset()
