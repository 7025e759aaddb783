"""Prose extraction: the words a reader sees, with file line/column, and the non-prose terms.

Works on the source text of markdown-it's prose blocks (paragraphs, headings, list items,
table cells) rather than on inline children, so every column is exact: non-prose spans
(code spans, URLs, link targets, HTML, Liquid, kramdown `{: }`, math, e-mails) are blanked
with spaces of the same length before words are found. Front matter contributes only
`title` and `description`. Everything blanked or skipped is kept as `code_terms`: words
that also appear in code, URLs or metadata are names or identifiers, not typos.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it.token import Token

    from pipeline.post import Post

PROSE_KEYS = ("title", "description")

# Order matters: Liquid and code spans first, since they may contain anything else.
_MASKS = tuple(
    re.compile(p, re.DOTALL)
    for p in (
        r"\{%-?\s*(highlight|raw|comment)\b.*?%\}.*?\{%-?\s*end\1\s*-?%\}",  # Liquid blocks
        r"\{%.*?%\}|\{\{.*?\}\}",  # Liquid tags and output
        r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)",  # code spans
        r"\{:.*?\}",  # kramdown attribute lists
        r"<!--.*?-->",  # HTML comments
        r"</?[A-Za-z][^<>]*>",  # HTML tags, autolinks
        r"\$\$.*?\$\$",  # math blocks
        r"\]\((?:[^()\s]|\([^()]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)",  # link targets
        r"\]\[[^\]]*\]",  # reference link labels
        r"\[\^[^\]]*\]",  # footnote references
        r"\b(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)[^\s<>()\[\]]*",  # bare URLs
        r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # e-mail addresses
        r"(?<!\w):[a-z0-9_+-]+:(?!\w)",  # emoji short codes (jemoji)
        r"&#?\w+;",  # HTML entities
    )
)
# A chunk: a run of characters that can belong to one token (identifiers included).
_CHUNK = re.compile(r"[^\s()\[\]{}<>\"“”„,;!?*|~=]+")
_STRIP = "'’‘\".,:;-–—_*`"
_IDENT_CHARS = re.compile(r"[0-9_/\\@#$%&+^]|::|\.\w")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_TERM = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
_QUOTES = str.maketrans("’‘", "''")
_OPENERS = "\"'“‘([*_>#|+-"
_ENDERS = ".!?:|"


@dataclass(frozen=True, slots=True)
class ProseWord:
    """One word of prose at its 1-based file position; `sentence_start` for name evidence."""

    text: str
    line: int
    col: int
    sentence_start: bool
    identifier: bool = False  # code-shaped (v1.2, foo_bar, a/b) or non-ASCII: never checked, counted for context
    compound: str = ""  # the whole hyphenated word this is a part of (shingo-nakanishi), else ""


@dataclass(frozen=True, slots=True)
class Prose:
    """The prose words of one post, and the lower-cased terms seen outside prose."""

    words: tuple[ProseWord, ...]
    code_terms: frozenset[str]
    blocks: tuple[tuple[int, str], ...] = ()  # (first file line, text with non-prose blanked)


def extract_post(post: Post) -> Prose:
    """Prose of a loaded Post: title/description plus the body's prose blocks."""
    return extract(
        post.lines,
        post.tokens,
        post.body_start_line,
        post.front_matter,
        post.key_lines,
        post.fm_end_line,
    )


def extract(
    lines: Sequence[str],
    tokens: Sequence[Token],
    body_start_line: int,
    front_matter: Mapping[str, Any] | None = None,
    key_lines: Mapping[str, int] | None = None,
    fm_end_line: int = 0,
) -> Prose:
    """Words of the prose blocks with exact positions; everything else feeds `code_terms`."""
    words: list[ProseWord] = []
    terms: set[str] = set()
    blocks: list[tuple[int, str]] = []
    fm_prose_lines = _front_matter_prose(lines, key_lines or {}, fm_end_line, words, terms, blocks)
    for n in range(fm_end_line):
        if n + 1 not in fm_prose_lines:
            terms.update(_terms(lines[n]))
    offset = body_start_line - 1
    prose_blocks = sorted(_prose_ranges(tokens))
    liquid = _liquid_block_lines(lines[offset:])
    covered: set[int] = set()
    for begin, end in prose_blocks:
        if any(n in covered for n in range(begin, end)):
            continue
        covered.update(range(begin, end))
        if any(n in liquid for n in range(begin, end)):
            continue
        masked = _mask("\n".join(lines[offset + begin : offset + end]), terms)
        blocks.append((offset + begin + 1, masked))
        words.extend(_words(masked, offset + begin + 1, terms))
    body_len = len(lines) - offset
    for n in range(body_len):
        if n not in covered:
            terms.update(_terms(lines[offset + n]))
    for key, value in (front_matter or {}).items():
        if key not in PROSE_KEYS:
            terms.update(_terms(str(value)))
    return Prose(tuple(words), frozenset(terms), tuple(blocks))


def _liquid_block_lines(body: Sequence[str]) -> set[int]:
    """Body lines inside {% highlight %}/{% raw %}/{% comment %} blocks (any Markdown inside is code)."""
    text = "\n".join(body)
    found: set[int] = set()
    for m in _MASKS[0].finditer(text):
        first = text.count("\n", 0, m.start())
        found.update(range(first, first + m.group(0).count("\n") + 1))
    return found


def _prose_ranges(tokens: Iterable[Token]) -> Iterator[tuple[int, int]]:
    for tok in tokens:
        if tok.type == "inline" and tok.map:
            yield tok.map[0], tok.map[1]


def _front_matter_prose(
    lines: Sequence[str],
    key_lines: Mapping[str, int],
    fm_end: int,
    out: list[ProseWord],
    terms: set[str],
    blocks: list[tuple[int, str]],
) -> set[int]:
    starts = sorted(key_lines.values()) + [fm_end or len(lines) + 1]
    used: set[int] = set()
    for key in PROSE_KEYS:
        first = key_lines.get(key)
        if first is None:
            continue
        last = min((s for s in starts if s > first), default=first + 1)
        for n in range(first, last):
            if n - 1 >= len(lines):
                break
            text = lines[n - 1]
            prefix = re.match(rf"\s*{re.escape(key)}\s*:\s*[|>]?[-+]?", text) if n == first else None
            skip = prefix.end() if prefix else 0
            masked = _mask(" " * skip + text[skip:], terms)
            blocks.append((n, masked))
            out.extend(_words(masked, n, terms, start_is_sentence=n == first))
            used.add(n)
    return used


def _blank(match: re.Match[str]) -> str:
    return "".join("\n" if c == "\n" else " " for c in match.group(0))


def _mask(text: str, terms: set[str]) -> str:
    for pattern in _MASKS:
        for m in pattern.finditer(text):
            terms.update(_terms(m.group(0)))
        text = pattern.sub(_blank, text)
    return text


def _terms(text: str) -> Iterator[str]:
    """Lower-cased alphabetic parts of identifiers, URLs and names (camelCase split too)."""
    for m in _TERM.finditer(text):
        if len(m.group(0)) > 2:
            yield m.group(0).lower()
    for m in re.finditer(r"[A-Za-z]{3,}", text):
        yield m.group(0).lower()


def _words(masked: str, first_line: int, terms: set[str], start_is_sentence: bool = True) -> Iterator[ProseWord]:
    line_starts = [0] + [i + 1 for i, c in enumerate(masked) if c == "\n"]
    for chunk in _CHUNK.finditer(masked):
        raw = chunk.group(0)
        core = raw.strip(_STRIP)
        if not core:
            continue
        start = chunk.start() + (len(raw) - len(raw.lstrip(_STRIP)))
        if _IDENT_CHARS.search(core) or not core.translate(_QUOTES).isascii():
            terms.update(_terms(core))
            word = _make_word(core, start, masked, line_starts, first_line, start_is_sentence)
            yield ProseWord(word.text, word.line, word.col, word.sentence_start, identifier=True)
            continue
        compound = core if re.search(r"\w-\w", core) else ""
        for part in re.finditer(r"[^-–—]+", core):
            m = _WORD.fullmatch(part.group(0).strip("'’"))
            if not m:
                continue
            pos = start + part.start() + (len(part.group(0)) - len(part.group(0).lstrip("'’")))
            word = _make_word(m.group(0), pos, masked, line_starts, first_line, start_is_sentence)
            yield ProseWord(word.text, word.line, word.col, word.sentence_start, compound=compound)


def _make_word(
    word: str, pos: int, masked: str, line_starts: list[int], first_line: int, start_is_sentence: bool
) -> ProseWord:
    row = 0
    while row + 1 < len(line_starts) and line_starts[row + 1] <= pos:
        row += 1
    i = pos - 1
    while i >= 0 and (masked[i].isspace() or masked[i] in _OPENERS):
        i -= 1
    at_start = (i < 0 and start_is_sentence) or (i >= 0 and masked[i] in _ENDERS)
    return ProseWord(word, first_line + row, pos - line_starts[row] + 1, at_start)
