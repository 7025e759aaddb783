"""Prose extraction: the words a reader sees, with file line/column, and the non-prose terms.

Works on the source text of markdown-it's prose blocks (paragraphs, headings, list items,
table cells) rather than on inline children, so every column is exact: non-prose spans
(code spans, URLs, link targets, HTML, Liquid, kramdown `{: }`, math, e-mails) are blanked
with spaces of the same length before words are found. Front matter contributes only
`title` and `description`. Everything blanked or skipped is kept as `code_terms`: words
that also appear in code, URLs or metadata are names or identifiers, not typos.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import filterfalse
from typing import TYPE_CHECKING, Any, NamedTuple

from pipeline import spans
from pipeline.post import blank_text

if TYPE_CHECKING:
    from markdown_it.token import Token

    from pipeline.post import Post

PROSE_KEYS = ("title", "description")
_TITLE_MADE = ("permalink", "slug")


class _EntityMask:
    """Blanks HTML entities. One that stands for a letter or an apostrophe inside a word
    (isn&rsquo;t, caf&eacute;, posts imported from WordPress) takes the word with it: its
    halves are no words. One between words (&nbsp;, &mdash;, &hellip;) goes alone."""

    _RUN = re.compile(r"[\w'’]*(?:&#?\w+;[\w'’]*)+")
    _ENTITY = re.compile(r"&#?\w+;")

    def sub(self, repl: Callable[[str], str], text: str) -> str:
        def one(m: re.Match[str]) -> str:
            run = m.group(0)
            joined = all(_in_word(html.unescape(e.group(0))) for e in self._ENTITY.finditer(run))
            return repl(run) if joined else self._ENTITY.sub(lambda e: repl(e.group(0)), run)

        return self._RUN.sub(one, text)


def _in_word(char: str) -> bool:
    return len(char) == 1 and (char.isalpha() or char in "'’")


# (pattern, texts one of which any match contains). Order matters: Liquid and code spans
# first, since they may contain anything else. The `in` test on the triggers skips most
# regex passes over most paragraphs. The `OPEN.*?CLOSE` ones are pipeline.spans matchers:
# `re` would take quadratic time on a paragraph of unclosed `{%` or `<!--`.
_MASKS: tuple[tuple[spans.Lazy | re.Pattern[str] | _EntityMask, tuple[str, ...]], ...] = tuple(
    (re.compile(p, re.DOTALL) if isinstance(p, str) else p, triggers)
    for p, triggers in (
        (spans.LIQUID_CODE_BLOCKS, ("{%",)),  # Liquid blocks
        (spans.LIQUID_TAGS, ("{%", "{{")),  # Liquid tags and output
        (spans.CODE_SPANS, ("`",)),  # code spans
        (spans.KRAMDOWN_ATTRIBUTES, ("{:",)),  # kramdown attribute lists
        (spans.HTML_COMMENTS, ("<!--",)),  # HTML comments
        (r"</?[A-Za-z][^<>]*>", ("<",)),  # HTML tags, autolinks
        (spans.MATH_BLOCKS, ("$$",)),  # math blocks
        (r"\]\((?:[^()\s]|\([^()]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)", ("](",)),  # link targets
        (r"\]\[[^\]]*\]", ("][",)),  # reference link labels
        (r"\[\^[^\]]*\]", ("[^",)),  # footnote references
        (r"\b(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)[^\s<>()\[\]]*", ("://", "www.", "mailto:")),  # bare URLs
        (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", ("@",)),  # e-mail addresses
        # emoji short codes (jemoji): a colon not after a word character; the lookbehind
        # follows the colon so that the search can jump from colon to colon
        (r":(?<!\w:)[a-z0-9_+-]+:(?!\w)", (":",)),
        (_EntityMask(), ("&",)),  # HTML entities
    )
)
# A character of every trigger but "www.": a block with none of them and no "www." has nothing to mask.
_TRIGGER_CHAR = re.compile(r"[{`<$\]\[:@&]")
_STRIP = "'’‘\".,:;-–—_*`"
_IDENT_CHARS = re.compile(r"[0-9_/\\@#$%&+^]|::|\.\w")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_TERM = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
_QUOTES = str.maketrans("’‘", "''")
_OPENERS = "\"'“‘([*_>#|+-"
_ENDERS = ".!?:|"


class ProseWord(NamedTuple):
    """One word of prose at its 1-based file position; `sentence_start` for name evidence.

    A NamedTuple, not a frozen dataclass: a post has hundreds and building one costs a
    quarter as much (immutable all the same).
    """

    text: str
    line: int
    col: int
    sentence_start: bool
    identifier: bool = False  # code-shaped (v1.2, foo_bar, a/b) or non-ASCII: never checked, counted for context
    compound: str = ""  # the whole hyphenated word this is a part of (shingo-nakanishi), else ""
    after_capital: bool = False  # the word before it on its line, dropped as plain, is capitalised


@dataclass(frozen=True, slots=True)
class Prose:
    """The prose words of one post, and the lower-cased terms seen outside prose.

    Extracted with `plain` (a set of lower-case dictionary words), `words` keeps only the
    other words, the only ones a speller needs to look at (about a fifth of prose): `positions`
    gives each one's index in the whole word sequence, `total` its length, and `counts` still
    counts every word. Without `plain`, `words` is every word and `positions` is empty.
    """

    words: tuple[ProseWord, ...]
    code_terms: frozenset[str]
    blocks: tuple[tuple[int, str], ...] = ()  # (first file line, text with non-prose blanked)
    counts: Mapping[str, int] = field(default_factory=dict)  # lower-cased prose words (not identifiers)
    positions: tuple[int, ...] = ()
    total: int = 0

    @classmethod
    def of_words(cls, words: Iterable[ProseWord], code_terms: frozenset[str] = frozenset()) -> Prose:
        """Prose made of given words (all kept), counts included."""
        words = tuple(words)
        return cls(words, code_terms, counts=Counter(w.text.lower() for w in words if not w.identifier), total=len(words))

    def indexed(self) -> list[tuple[int, ProseWord]]:
        """(index in the whole word sequence, word) for each kept word."""
        return list(self.iter_indexed())

    def iter_indexed(self) -> Iterator[tuple[int, ProseWord]]:
        """`indexed`, one pair at a time (packing a post's words needs no list of pairs)."""
        return zip(self.positions, self.words) if self.positions or not self.words else enumerate(self.words)


class _Words:
    """Accumulates words as `_words` finds them; plain words are only counted.

    A post has hundreds of words that are not plain (names, mostly): `add` takes each as
    text and offset in the current block and builds its ProseWord directly.
    """

    __slots__ = ("capital_at", "capital_line", "first_line", "identifiers", "line_starts", "lowers", "masked",
                 "plain", "positions", "start_is_sentence", "title_case", "words")

    def __init__(self, plain: Container[str] | None) -> None:
        self.plain = plain
        self.words: list[ProseWord] = []
        self.positions: list[int] = []
        self.lowers: list[str] = []  # every word but identifiers, lower-cased
        self.identifiers = 0
        self.capital_at = -1  # index and line of the last capitalised word dropped
        self.capital_line = 0
        self.block("", 1)

    @property
    def total(self) -> int:
        """Words so far: each is either counted in `lowers` or an identifier."""
        return len(self.lowers) + self.identifiers

    def block(self, masked: str, first_line: int, start_is_sentence: bool = True, title_case: bool = False) -> None:
        """Start a block: the words `add`ed next are offsets into `masked`."""
        self.masked = masked
        self.first_line = first_line
        self.line_starts = [0, *(m.end() for m in _NEWLINE.finditer(masked))] if "\n" in masked else [0]
        self.start_is_sentence = start_is_sentence
        self.title_case = title_case

    def add(self, text: str, pos: int, identifier: bool = False, compound: str = "") -> None:
        """The word `text` at offset `pos` of the block."""
        masked = self.masked
        i = pos - 1
        while i >= 0 and (masked[i].isspace() or masked[i] in _OPENERS):
            i -= 1
        at_start = self.title_case or (masked[i] in _ENDERS if i >= 0 else self.start_is_sentence)
        line_starts = self.line_starts
        row = bisect_right(line_starts, pos) - 1 if len(line_starts) > 1 else 0
        line = self.first_line + row
        lowers = self.lowers
        index = len(lowers) + self.identifiers
        if identifier:
            self.identifiers += 1
        else:
            lower = text.lower()
            lowers.append(lower)
            if at_start and not compound and self.plain is not None and lower in self.plain:
                # A dictionary word opening a sentence (The, When) is never odd or reported;
                # only the name-phrase test looks at it, through the next word's flag.
                self.capital_at = index
                self.capital_line = line
                return
        after_capital = self.capital_at == index - 1 and self.capital_line == line
        # tuple.__new__: the NamedTuple's own __new__ is a Python function, twice the cost
        self.words.append(_new_tuple(ProseWord, (text, line, pos - line_starts[row] + 1, at_start, identifier,
                                                 compound, after_capital)))
        self.positions.append(index)


_new_tuple = tuple.__new__


def extract_post(post: Post, plain: Container[str] | None = None, uncounted: Container[str] = ()) -> Prose:
    """Prose of a loaded Post: title/description plus the body's prose blocks."""
    return extract(
        post.lines,
        post.tokens,
        post.body_start_line,
        post.front_matter,
        post.key_lines,
        post.fm_end_line,
        plain,
        uncounted,
    )


def extract(
    lines: Sequence[str],
    tokens: Sequence[Token],
    body_start_line: int,
    front_matter: Mapping[str, Any] | None = None,
    key_lines: Mapping[str, int] | None = None,
    fm_end_line: int = 0,
    plain: Container[str] | None = None,
    uncounted: Container[str] = (),
) -> Prose:
    """Words of the prose blocks with exact positions; everything else feeds `code_terms`.

    Words in `uncounted` are left out of `counts` (they still count in `total`)."""
    words = _Words(plain)
    code: list[str] = []  # the non-prose text seen, its terms found once at the end
    blocks: list[tuple[int, str]] = []
    fm_prose_lines = _front_matter_prose(lines, key_lines or {}, fm_end_line, words, code, blocks)
    made = {key_lines[key] for key in _TITLE_MADE if key_lines and key in key_lines}
    code.extend(lines[n] for n in range(fm_end_line) if n + 1 not in fm_prose_lines and n + 1 not in made)
    offset = body_start_line - 1
    prose_blocks = sorted(_prose_ranges(tokens))
    if any(tok.type == "html_block" for tok in tokens):
        prose_blocks = sorted((*prose_blocks, *_markdown_in_html(tokens, lines[offset:])))
    liquid = _liquid_block_lines(lines[offset:])
    covered: set[int] = set()
    for begin, end, heading in prose_blocks:
        lines_in = range(begin, end)
        if not covered.isdisjoint(lines_in):
            continue
        covered.update(lines_in)
        if not liquid.isdisjoint(lines_in):
            continue
        masked = _mask("\n".join(lines[offset + begin : offset + end]), code)
        blocks.append((offset + begin + 1, masked))
        _words(masked, offset + begin + 1, code, words, title_case=heading and _title_case(masked))
    body_len = len(lines) - offset
    code.extend(lines[offset + n] for n in range(body_len) if n not in covered)
    # a permalink or slug is made of the title, typos and all: no evidence that a word is code
    code.extend(str(value) for key, value in (front_matter or {}).items() if key not in PROSE_KEYS and key not in _TITLE_MADE)
    terms = _terms("\n".join(code))  # no term crosses a line break
    positions = tuple(words.positions) if plain is not None else ()
    # filtered before counting: the counts of the commonest words are half the work and never read
    lowers = filterfalse(uncounted.__contains__, words.lowers) if uncounted else words.lowers
    return Prose(tuple(words.words), terms, tuple(blocks), Counter(lowers), positions, words.total)


def _liquid_block_lines(body: Sequence[str]) -> set[int]:
    """Body lines inside {% highlight %}/{% raw %}/{% comment %} blocks (any Markdown inside
    is code) and kramdown's {::comment} blocks (rendered as nothing)."""
    text = "\n".join(body)
    found: set[int] = set()
    for trigger, blocks in (("{%", spans.LIQUID_CODE_BLOCKS), ("{::comment", spans.KRAMDOWN_COMMENTS)):
        if trigger in text:
            for start, end in blocks.finditer(text):
                first = text.count("\n", 0, start)
                found.update(range(first, first + text.count("\n", start, end) + 1))
    return found


def _prose_ranges(tokens: Iterable[Token]) -> Iterator[tuple[int, int, bool]]:
    """(first line, end line, is a heading) of each block of inline text."""
    previous = ""
    for tok in tokens:
        if tok.type == "inline" and tok.map:
            yield tok.map[0], tok.map[1], previous == "heading_open"
        previous = tok.type


def _markdown_in_html(tokens: Sequence[Token], body: Sequence[str]) -> Iterator[tuple[int, int, bool]]:
    """Blocks of the lines CommonMark keeps in an HTML block and kramdown reads as Markdown
    (the caption under `<img src="a.png">`): runs of lines, each ATX heading its own."""
    from pipeline.markdown import html_lines_read_as_markdown

    runs: list[list[int]] = []
    for i in sorted(html_lines_read_as_markdown(tokens, body)):
        if runs and i == runs[-1][-1] + 1 and not body[i].startswith("#") and not body[i - 1].startswith("#"):
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        yield run[0], run[-1] + 1, body[run[0]].startswith("#")


_LONG_WORD = re.compile(r"[A-Za-z]{4,}")


def _title_case(text: str) -> bool:
    """Is this heading or title In Title Case (most words of four letters or more
    capitalised)? Then a capital says nothing about names: every word is read as if it
    opened a sentence."""
    words = _LONG_WORD.findall(text)
    return len(words) >= 2 and sum(w[0].isupper() for w in words) * 4 >= len(words) * 3


_YAML_ESCAPE = re.compile(r'\\["\\/ntr]')  # \u00f1 and the like stay: the word holding one is not checked


def _front_matter_prose(
    lines: Sequence[str],
    key_lines: Mapping[str, int],
    fm_end: int,
    out: _Words,
    code: list[str],
    blocks: list[tuple[int, str]],
) -> set[int]:
    starts = sorted(key_lines.values()) + [fm_end or len(lines) + 1]
    used: set[int] = set()
    for key in PROSE_KEYS:
        first = key_lines.get(key)
        if first is None:
            continue
        last = min((s for s in starts if s > first), default=first + 1)
        quoted = False  # a double-quoted YAML value: its escapes (\" \n) are not words
        plain = False  # a plain value: `#` after a space starts a comment, which is no prose
        indent = 0
        for n in range(first, last):
            if n - 1 >= len(lines):
                break
            text = lines[n - 1]
            prefix = re.match(rf"\s*{re.escape(key)}\s*:\s*[|>]?[-+]?", text) if n == first else None
            skip = prefix.end() if prefix else 0
            if n == first:
                indent = len(text) - len(text.lstrip())
                quoted = text[skip:].startswith('"')
                plain = not quoted and not text[skip:].startswith("'") and not text[:skip].rstrip().endswith(("|", ">", "-", "+"))
            stripped = text.lstrip()
            if stripped.startswith("#") and (plain or len(text) - len(stripped) <= indent) and n != first:
                continue  # a comment line between keys (in a block scalar, only one back at the key's indent)
            if plain and (cut := re.search(r"\s#", text[skip:])):
                text = text[: skip + cut.start()]
            if quoted and "\\" in text:
                text = _YAML_ESCAPE.sub("  ", text)
            masked = _mask(" " * skip + text[skip:], code)
            blocks.append((n, masked))
            _words(masked, n, code, out, start_is_sentence=n == first, title_case=key == "title" and _title_case(masked))
            used.add(n)
    return used


def _mask(text: str, code: list[str]) -> str:
    """`text` with its non-prose spans blanked; the spans go to `code`."""

    def blank_noting(match: re.Match[str] | str) -> str:
        found = match if isinstance(match, str) else match.group(0)
        if not found.startswith("](#"):  # a link to a heading of the post is made of its prose, typos and all
            code.append(found)
        return blank_text(found)

    if _TRIGGER_CHAR.search(text) is None and "www." not in text:
        return text  # no trigger at all (two blocks in five): one scan instead of one per trigger
    for pattern, triggers in _MASKS:
        for trigger in triggers:  # a loop, not any(): this runs for every pattern of every block
            if trigger in text:
                text = pattern.sub(blank_noting, text)
                break
    return text


_ALPHA3 = re.compile(r"[A-Za-z]{3,}")


def _terms(text: str) -> frozenset[str]:
    """Lower-cased alphabetic parts of identifiers, URLs and names (camelCase split too)."""
    found = [t for t in _TERM.findall(text) if len(t) > 2] + _ALPHA3.findall(text)
    return frozenset(" ".join(found).lower().split())  # ASCII letters: lowered all at once


# Emoji and their joiners part words too (definately😅): no word holds one.
_EMOJI = "\u200d\u2600-\u27bf\ufe0f\U0001f000-\U0001faff"
_SPACING = "\\s()\\[\\]{}<>\"“”„!?*|~=…" + _EMOJI  # the delimiters that are no strippable mark either
_DELIMS = _SPACING + ",;—–"  # dashes and the ellipsis join words without spaces (best—which)
_INNER_STRIP = "".join(c for c in _STRIP if c not in "\"*")  # the strippable marks a chunk can hold
# A chunk that is one ASCII word with only strippable marks around it ("word.", "'word'")
# puts that word in group 1: the common case, handled without the general path (same result).
# One shaped like a command-line option (-fvisibility) takes the general path, which makes
# it an identifier.
# Neither branch can start on a `_SPACING` character (the first wants a mark or a letter,
# the second a non-delimiter): the leading lookahead only skips those faster, a fifth of
# the regex's time.
_TOKEN = re.compile(
    f"(?![{_SPACING}])(?:(?!--?[A-Za-z])[{re.escape(_INNER_STRIP)}]*([A-Za-z]+)[{re.escape(_INNER_STRIP)}]*(?![^{_DELIMS}])|[^{_DELIMS}]+)"
)
_COMPOUND = re.compile(r"\w-\w")
_PARTS = re.compile(r"[^-–—]+")


def _words(
    masked: str, first_line: int, code: list[str], out: _Words, start_is_sentence: bool = True, title_case: bool = False
) -> None:
    out.block(masked, first_line, start_is_sentence, title_case)
    plain = out.plain if out.plain is not None else ()
    count_plain = out.lowers.append
    add = out.add
    for chunk in _TOKEN.finditer(masked):  # the hot loop: some 1,000 chunks a post
        text = chunk.group(1)
        if text is None:
            found = _chunk_words(chunk.group(0))
            if found is not None:
                start = chunk.start()
                if found.identifier:
                    code.append(found.words[0][0])
                for word, offset in found.words:
                    add(word, start + offset, found.identifier, found.compound)
        elif text in plain:  # lower-case by construction of `plain`: only counted
            count_plain(text)
        else:
            add(text, chunk.start(1))


class _Chunk(NamedTuple):
    """What a chunk that is not one plain ASCII word holds: its words and their offsets."""

    words: tuple[tuple[str, int], ...]
    identifier: bool = False  # the one word is code-shaped, an option or not English
    compound: str = ""  # the hyphenated whole the words are parts of


@lru_cache(maxsize=1 << 14)
def _chunk_words(raw: str) -> _Chunk | None:
    """The words of a chunk `_TOKEN` matched outside its plain-word group (None: no word).

    A function of the chunk's text alone, and the same chunks (it's, you're, v1.2, well-known)
    recur all over a site: cached for the process.
    """
    core = raw.strip(_STRIP)
    if not core:
        return None
    if "..." in core:  # an ellipsis of three dots between words (waited...until) parts them
        start = len(raw) - len(raw.lstrip(_STRIP))
        parts = [(m.group(0), start + m.start()) for m in re.finditer(r"(?:(?!\.\.\.).)+", core)]
        found = [(w, at + off) for part, at in parts if (sub := _chunk_words(part)) and not sub.identifier
                 for w, off in sub.words]
        return _Chunk(tuple(found)) if found else None
    start = len(raw) - len(raw.lstrip(_STRIP))
    if _IDENT_CHARS.search(core) or _OPTION.match(raw) or not core.translate(_QUOTES).isascii():
        # code-shaped, a command-line option (-fvisibility, --no-cache) or not English
        return _Chunk(((core, start),), True)
    words = []
    for part in _PARTS.finditer(core):
        m = _WORD.fullmatch(part.group(0).strip("'’"))
        if m:
            words.append((m.group(0), start + part.start() + (len(part.group(0)) - len(part.group(0).lstrip("'’")))))
    return _Chunk(tuple(words), compound=core if _COMPOUND.search(core) else "")


_NEWLINE = re.compile("\n")
_OPTION = re.compile(r"--?[A-Za-z]")  # a chunk opening like a command-line option
