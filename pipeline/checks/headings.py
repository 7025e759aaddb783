"""HD rules: headings that repeat each other, the paragraph beside them, the title or an anchor.

HD001 is markdownlint's MD024 to the letter (same heading text, same `siblings_only`), so a
post that passes markdownlint-cli2 passes HD001 and vice versa; HD002-HD005 catch what that
strict comparison lets through; HD006 is markdownlint's MD019 with a safe fix.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pipeline.findings import Finding, Fix, Severity
from pipeline.markdown import (
    Heading,
    github_slug,
    headings,
    kramdown_slug,
    liquid_code_lines,
    plain_text,
    raw_html_body_lines,
    site_auto_ids,
    site_slug_rule,
)
from pipeline.post import POST_MEMO, Post, inline_children
from pipeline.registry import Context, Option, Rule

if TYPE_CHECKING:
    from markdown_it.token import Token

NAME = "headings"

RULES: tuple[Rule, ...] = (
    Rule("HD001", "duplicate-heading", "Two headings have the same content (markdownlint MD024).",
         doc="Headings are compared as markdownlint's MD024 compares them: the source text, markup "
             "included, at any level. With siblings_only, only headings under the same parent count.\n\n"
             "Bad:\n    ## Install\n    ...\n    ## Install\nGood:\n    ## Install\n    ...\n    ## Install plugins"),
    Rule("HD002", "near-duplicate-heading", "Two headings differ only in case, spacing, markup, end punctuation or a word or two.",
         Severity.WARNING,
         doc="Compared after lower-casing, collapsing spaces and dropping inline markup and trailing "
             "punctuation; headings within `similarity` of each other that differ by at most "
             "`max_word_diff` words (or a word's plural) are reported too. Headings that "
             "differ only in a number (Step 1, Step 2) are not.\n\n"
             "Bad:\n    ## Getting started\n    ...\n    ## *Getting Started!*\nGood:\n    ## Getting started\n    ...\n    ## Next steps"),
    Rule("HD003", "heading-repeated-as-paragraph", "A paragraph right before or after a heading repeats the heading's text.",
         doc="Usually a copy-paste leftover of an interview question, often behind a speaker label "
             "('Name: question'). The fix deletes the repeated paragraph.\n\n"
             "Bad:\n    Jane Doe: Why Keras?\n\n    ## Why Keras?\nGood:\n    ## Why Keras?"),
    Rule("HD004", "duplicate-heading-anchor", "Two different headings produce the same anchor id.",
         Severity.WARNING,
         doc="kramdown and GitHub slugs drop punctuation (and kramdown non-ASCII letters), so different "
             "headings can share an id; the second gets a '-1' suffix and links meant for it land on "
             "the first.\n\nBad:\n    ## C++ tips\n    ## C tips\nGood:\n    ## C++ tips {#cpp-tips}\n    ## C tips"),
    Rule("HD005", "heading-repeats-title", "An H1 in the body repeats the front matter title.",
         Severity.WARNING,
         doc="Jekyll layouts render `title` as the page heading, so the body H1 shows it twice.\n\n"
             "Bad:\n    title: Hello\n    ---\n    # Hello\nGood:\n    title: Hello\n    ---\n    Intro text."),
    Rule("HD006", "multiple-space-atx", "More than one space after the hashes of an ATX heading (markdownlint MD019).",
         Severity.WARNING,
         doc="Bad:\n    ##  For the readers\nGood:\n    ## For the readers"),
)

OPTIONS: Mapping[str, Option] = MappingProxyType({
    "siblings_only": Option(False, bool, "HD001: only headings under the same parent heading count (markdownlint MD024)"),
    "similarity": Option(0.85, float, "HD002: similarity ratio (0-1, difflib) from which normalised headings are near-duplicates",
                         low=0, high=1),
    "max_word_diff": Option(2, int, "HD002: at most this many words added, removed or changed", low=0),
    "slugs": Option([], list, "HD004: id rules to check: kramdown, github (default: the one the site's kramdown input uses, GitHub's for GFM)",
                    choices=("kramdown", "github")),
})

_SLUGGERS = MappingProxyType({"kramdown": kramdown_slug, "github": github_slug})
# An ATX opening sequence after optional container prefixes (block quote, list markers).
_ATX_OPEN = re.compile(r"^[ \t>*+\-0-9.)]*?(?<!#)(#{1,6})(?!#)([ \t]*)")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_SPEAKER = re.compile(r"^(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w.'’-]*\s*:\s+")
_TRAILING_PUNCT = re.compile(r"[\s.,:;!?…。！？،-]+$")
_MATH_FENCE = re.compile(r"^ {0,3}(\${2,})([^$]*)$")
_NUMBERISH = re.compile(r"^[(\[]*v?[\d.,:#/-]+[a-z]?[)\]]*$")


@dataclass(frozen=True, slots=True)
class _Head:
    """A heading with what every HD rule compares: markdownlint's text and our normalised text."""

    heading: Heading
    index: int  # of its heading_open token
    md_text: str  # markdownlint's getHeadingText
    norm: str


def check(post: Post, ctx: Context) -> Iterable[Finding]:
    if not post.ok or not post.tokens:
        return
    heads = _heads(post)
    opts = ctx.options
    md024 = dict(_md024_pairs(heads, bool(opts.get("siblings_only", False))))
    yield from (_twin(post, "HD001", h, twin, f"duplicate heading '{h.md_text.strip()}'") for h, twin in md024.items())
    # HD001 reads headings as CommonMark does, as markdownlint's MD024 does; the other rules,
    # and the fixes above all, follow Jekyll, where a block element's inside is raw and an
    # ATX line indented at the top level (' ## x') is paragraph text.
    raw = raw_html_lines(post)
    heads = tuple(h for h in heads if h.heading.line not in raw and h.heading.in_kramdown)
    yield from _near_duplicates(post, heads, md024, opts)
    yield from _repeated_paragraphs(post, heads)
    if len(heads) > 1 and (opts.get("slugs") or site_auto_ids(post) is not None):  # auto_ids: false: no generated ids
        yield from _anchor_collisions(post, heads, opts.get("slugs") or (site_slug_rule(post),))
    yield from _title_repeats(post, heads)
    yield from _multiple_spaces(post, heads)


def _finding(post: Post, code: str, line: int, message: str, twin_line: int, fix: Fix | None = None) -> Finding:
    severity = next(r.severity for r in RULES if r.code == code)
    return Finding(post.display_path, line, 1, code, severity, message, fix, related_line=twin_line)


def _twin(post: Post, code: str, head: _Head, twin: _Head, what: str) -> Finding:
    line = twin.heading.line
    return _finding(post, code, head.heading.line, f"{what} (first at line {line})", line)


# --- shared views -----------------------------------------------------------------------


def _heads(post: Post) -> tuple[_Head, ...]:
    opens = [i for i, t in enumerate(post.tokens) if t.type == "heading_open" and i + 1 < len(post.tokens)]
    skip = _math_lines(post) | liquid_code_lines(post)
    return tuple(_Head(h, i, md024_text(post, h, post.tokens[i + 1]), normalise(h.text))
                 for h, i in zip(headings(post), opens, strict=True) if h.line not in skip)


@functools.lru_cache(maxsize=POST_MEMO)
def raw_html_lines(post: Post) -> frozenset[int]:
    """File lines inside a top-level block HTML element, which kramdown keeps raw."""
    offset = post.body_start_line
    return frozenset(i + offset for i in raw_html_body_lines(post.tokens, post.lines[post.body_start_line - 1 :]))


def _math_lines(post: Post) -> frozenset[int]:
    """File lines inside top-level `$$` display-math blocks, where a `#` line is no heading.

    markdownlint parses math (micromark-extension-math) and so does kramdown; markdown-it
    does not. An unclosed block runs to the end, as in micromark. Blocks inside containers
    are not emulated.
    """
    if "$$" not in post.body:
        return frozenset()  # no line can open a block (most posts): no walk of every line
    offset = post.body_start_line - 1
    skip: set[int] = set()
    for tok in post.tokens:
        nested = tok.level == 0 and tok.type in ("blockquote_open", "bullet_list_open", "ordered_list_open")
        if tok.map and (nested or tok.type in ("fence", "code_block", "html_block")):
            skip.update(range(tok.map[0] + 1 + offset, tok.map[1] + 1 + offset))
    inside: set[int] = set()
    fence = ""
    for number in range(post.body_start_line, len(post.lines) + 1):
        line = post.lines[number - 1]
        if fence:
            m = _MATH_FENCE.match(line)
            if m and len(m.group(1)) >= len(fence) and not m.group(2).strip():
                fence = ""
            else:
                inside.add(number)
        elif number not in skip and (m := _MATH_FENCE.match(line)):
            fence = m.group(1)
    return frozenset(inside)


def normalise(text: str) -> str:
    """Text as a reader compares it: NFKC, case-folded, spaces collapsed, end punctuation gone."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'").casefold()
    text = " ".join(text.replace("“", '"').replace("”", '"').split())
    return _TRAILING_PUNCT.sub("", text)


# --- HD001: markdownlint MD024 ----------------------------------------------------------


def md024_text(post: Post, heading: Heading, inline: Token) -> str:
    """markdownlint's getHeadingText: the heading's source text, inline HTML at top level dropped.

    micromark keeps everything between the first and last character of the heading content:
    for setext headings that includes later lines whole (container prefixes and indentation
    too) and trailing spaces of the last line, each line break turned into a space.
    """
    if heading.kind == "atx":
        text = _atx_content(post.lines[heading.line - 1]) if heading.line <= len(post.lines) else None
    else:
        text = _setext_content(post.lines[heading.line - 1: heading.end_line - 1], inline.content)
    if text is None:
        text = inline.content.replace("\n", " ")
    if "<" in inline.content and any(child.type == "html_inline" for child in inline_children(post, inline)):
        text = _drop_top_level_html(text, _references(post))
    return text


def _atx_content(line: str) -> str | None:
    m = _ATX_OPEN.match(line)
    if not m:
        return None
    rest = line[m.end():].rstrip(" \t")
    return _CLOSING_HASHES.sub("", rest) if rest.strip("#") else ""


def _setext_content(lines: Sequence[str], content: str) -> str | None:
    if not lines:
        return None
    first_content = content.split("\n", 1)[0]
    first = lines[0] if len(lines) > 1 else lines[0].rstrip()
    start = len(first) - len(first_content)
    if start < 0 or not lines[0][start:].startswith(first_content):
        return None
    return " ".join([lines[0][start:], *lines[1:]])


@functools.lru_cache(maxsize=1)
def _inline_parser() -> Any:
    """markdown-it as micromark sees inline HTML: CommonMark, HTML on, no strikethrough.

    markdownlint's micromark has no GFM strikethrough, so HTML between `~~` is top level
    there; html_inline tokens record their source span so it can be cut out.
    """
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import html_inline

    def html_inline_with_span(state: Any, silent: bool) -> bool:
        start = state.pos
        found = html_inline(state, silent)
        if found and not silent:
            state.tokens[-1].meta = {"span": (start, state.pos)}
        return bool(found)

    md = MarkdownIt("commonmark", {"html": True})
    md.inline.ruler.at("html_inline", html_inline_with_span)
    return md


@functools.lru_cache(maxsize=POST_MEMO)
def _references(post: Post) -> Mapping[str, Any]:
    """Link reference definitions of the post: they decide whether `[x <b>y</b>][r]` is a link."""
    env: dict[str, Any] = {}
    _inline_parser().parse(post.body, env)
    return MappingProxyType(dict(env.get("references", {})))


def _drop_top_level_html(text: str, references: Mapping[str, Any]) -> str:
    tokens = _inline_parser().parseInline(text, {"references": dict(references)})
    depth, spans = 0, []
    for child in tokens[0].children or ():
        if child.type == "html_inline" and depth == 0 and child.meta.get("span"):
            spans.append(child.meta["span"])
        depth += child.nesting
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text


def _md024_pairs(heads: Sequence[_Head], siblings_only: bool) -> Iterator[tuple[_Head, _Head]]:
    """(later, first) heading pairs, by markdownlint's md024.mjs loop, siblings logic included."""
    known: dict[int, dict[str, _Head]] = {1: {}}
    last_level = 1
    current = known[1]
    for head in heads:
        if siblings_only:
            level = head.heading.level
            while last_level < level:
                last_level += 1
                known[last_level] = {}
            while last_level > level:
                known[last_level] = {}
                last_level -= 1
            current = known[level]
        if head.md_text in current:
            yield head, current[head.md_text]
        else:
            current[head.md_text] = head


# --- HD002: near duplicates -------------------------------------------------------------


def _near_duplicates(post: Post, heads: Sequence[_Head], md024: Mapping[_Head, _Head],
                     opts: Mapping[str, Any]) -> Iterator[Finding]:
    threshold = float(opts.get("similarity", 0.85))
    max_words = int(opts.get("max_word_diff", 2))
    # Cheap tests first, so a changelog of 1,500 headings is not 1.1 million difflib runs:
    # a numbered series (Step 1 / Step 2) is never a repeat, and difflib's ratio is at most
    # 2 * shorter / (sum of lengths).
    # Only headings sharing a word (or a form of one) can be near: with none, difflib's word
    # opcodes are one replace of other words, which _near refuses.
    series = [" ".join("#" if _NUMBERISH.match(w) else w for w in h.norm.split()) for h in heads]
    having: dict[str, list[int]] = {}
    for i, head in enumerate(heads):
        keys = {k for w in head.norm.split() for k in _word_forms(w)}
        candidates = sorted({j for k in keys for j in having.get(k, ())})
        for k in keys:
            having.setdefault(k, []).append(i)
        if head in md024 or not head.norm:
            continue
        size = len(head.norm)
        for j in candidates:
            earlier = heads[j]
            if earlier.norm != head.norm and (series[j] == series[i] or 2 * min(size, len(earlier.norm)) < threshold * (size + len(earlier.norm))):
                continue
            if earlier.md_text != head.md_text and _near(earlier.norm, head.norm, threshold, max_words):
                same = head.heading.text == earlier.heading.text  # same words, other markup or attributes
                how = "repeats" if same else "nearly repeats"
                tail = ""
                if same:  # ## Usage {#usage-2} differs by its attribute; ## **Usage** by markup
                    by_attribute = bool(head.heading.explicit_id or earlier.heading.explicit_id or "{:" in head.heading.raw
                                        or "{:" in earlier.heading.raw)
                    tail = ("; only an {: } or {#id} attribute tells them apart" if by_attribute
                            else "; only markup (emphasis, code, links) tells them apart")
                yield _twin(post, "HD002", head, earlier, f"heading '{head.heading.text}' {how} '{earlier.heading.text}'{tail}")
                break


def _near(a: str, b: str, threshold: float, max_words: int) -> bool:
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold or matcher.ratio() < threshold:
        return False
    wa, wb = a.split(), b.split()
    changed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        old, new = wa[i1:i2], wb[j1:j2]
        if all(_NUMBERISH.match(w) for w in old + new):
            return False  # Step 1 / Step 2, v1.0 / v2.0: a series, not a repeat
        if op == "replace" and not (len(old) == len(new) == 1 and _inflection(old[0], new[0])):
            return False  # a different word (Sync/Async, Int16/Int32), not a form of the same one
        changed += max(i2 - i1, j2 - j1)
    return changed <= max_words


def _word_forms(word: str) -> tuple[str, ...]:
    """The word and the bases it may inflect (features -> feature, buses -> bus): two words
    _inflection pairs always share one."""
    return (word, *(word[: -len(end)] for end in ("'s", "es", "s") if word.endswith(end) and len(word) > len(end)))


def _inflection(old: str, new: str) -> bool:
    """The same word in another number (feature/features), not another word (minor/major)."""
    short, long_ = sorted((old, new), key=len)
    return short.isalpha() and long_[len(short):] in ("s", "es", "'s") and long_.startswith(short)


# --- HD003: heading repeated as the paragraph beside it ---------------------------------


def _repeated_paragraphs(post: Post, heads: Sequence[_Head]) -> Iterator[Finding]:
    tokens = post.tokens
    for head in heads:
        if not head.norm or _in_list_to_kramdown(post, head):
            continue
        close = _heading_close(tokens, head.index)
        for para in (_paragraph_ending_at(tokens, head.index - 1), _paragraph_starting_at(tokens, close + 1)):
            if (para is not None and _stands_alone(post, tokens[para], tokens[head.index])
                    and _may_repeat(tokens[para + 1].content, head.norm)
                    and _prose_only(post, tokens[para + 1]) and _repeats(plain_text(post, tokens[para + 1]), head.norm)):
                yield _paragraph_finding(post, head, tokens[para])


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _may_repeat(content: str, heading_norm: str) -> bool:
    """Whether a paragraph whose source is `content` can be prose only and repeat the heading,
    tested without parsing its inline markup (most paragraphs beside a heading are long).

    In ASCII source without entities, the letters and digits of a prose-only paragraph's
    text are its source's (markup, escapes and breaks are none), and `normalise` only lowers
    them: text that repeats the heading, whole or after a speaker label, ends in the heading's.
    """
    if not content.isascii() or "&" in content:
        return True  # NFKC, case folding and entities can make letters: parse and see
    return _NOT_ALNUM.sub("", content.lower()).endswith(_NOT_ALNUM.sub("", heading_norm))


def _in_list_to_kramdown(post: Post, head: _Head) -> bool:
    """A heading right under a list item, no blank line between: CommonMark ends the list,
    kramdown keeps the heading and what follows in the item, so the blocks around it are
    not the ones CommonMark sees (deleting a paragraph there pulled a quote into the list)."""
    before = post.tokens[head.index - 1].type if head.index else ""
    line = head.heading.line
    return before in ("bullet_list_close", "ordered_list_close") and line > post.body_start_line and post.lines[line - 2].strip() != ""


def _stands_alone(post: Post, para: Token, heading: Token) -> bool:
    """The paragraph is one in kramdown's reading too: it starts after a blank line, the
    start of the body or the heading, and ends at a blank line, the end of the file, the
    heading or a block that ends a paragraph.

    kramdown runs a paragraph on through a table row, a `***` rule or an HTML line (an
    `<!-- note -->`) that CommonMark starts a new block with: there the "paragraph" is
    longer than the heading, and deleting CommonMark's part of it would cut kramdown's.
    """
    first = (para.map[0] if para.map else 0) + post.body_start_line  # its first file line
    before = first - 1
    if before >= post.body_start_line and post.lines[before - 1].strip():
        heading_end = (heading.map[1] if heading.map else 0) + post.body_start_line - 1
        if before != heading_end and not _FENCE_OR_HEADING.match(post.lines[before - 1]):
            return False
    after = (para.map[1] if para.map else 0) + post.body_start_line  # first file line after it
    if after > len(post.lines) or after == post.token_line(heading):
        return True
    line = post.lines[after - 1]
    return not line.strip() or _ENDS_A_PARAGRAPH.match(line) is not None


_FENCE_OR_HEADING = re.compile(r" {0,3}(?:```|~~~|#{1,6}(?:[ \t]|$))")


# What ends a paragraph in kramdown's GFM reading too (a table row, a `***` rule or an HTML
# line does not): a fence, a list item, a blockquote, an ATX heading.
_ENDS_A_PARAGRAPH = re.compile(r" {0,3}(?:```|~~~|[-+*][ \t]|\d{1,9}\.[ \t]|>|#{1,6}[ \t]+\S)")  # kramdown: no `1)`, no bare `#`


# Inline markup a repeated line of prose may carry. An image, a link, code or HTML whose
# text matches the heading (![Screenshot](...) under "## Screenshot") is content, not an
# echo, and deleting it (HD003's fix) would lose it.
_PROSE_CHILDREN = frozenset({"text", "softbreak", "hardbreak", "em_open", "em_close", "strong_open", "strong_close",
                             "s_open", "s_close"})


def _prose_only(post: Post, inline: Token) -> bool:
    return all(child.type in _PROSE_CHILDREN for child in inline_children(post, inline))


def _heading_close(tokens: Sequence[Token], index: int) -> int:
    return next((j for j in range(index + 1, len(tokens)) if tokens[j].type == "heading_close"), index)


def _paragraph_ending_at(tokens: Sequence[Token], index: int) -> int | None:
    if index < 2 or tokens[index].type != "paragraph_close":
        return None
    return index - 2 if tokens[index - 2].type == "paragraph_open" else None


def _paragraph_starting_at(tokens: Sequence[Token], index: int) -> int | None:
    ok = index + 1 < len(tokens) and tokens[index].type == "paragraph_open" and tokens[index + 1].type == "inline"
    return index if ok else None


def _repeats(paragraph: str, heading_norm: str) -> bool:
    text = normalise(paragraph)
    if text == heading_norm:
        return True
    m = _SPEAKER.match(paragraph.strip())
    return m is not None and normalise(paragraph.strip()[m.end():]) == heading_norm


def _paragraph_finding(post: Post, head: _Head, para: Token) -> Finding:
    first = post.token_line(para)
    last = (para.map[1] if para.map else 1) + post.body_start_line - 1
    line = head.heading.line
    message = f"paragraph repeats the heading at line {line}"
    return _finding(post, "HD003", first, message, line, _delete_lines_fix(post, para, first, last))


def _delete_lines_fix(post: Post, block: Token, first: int, last: int) -> Fix | None:
    """Delete whole lines first..last and one blank line after; safe only outside containers."""
    if block.level != 0 or any(not ln.strip() for ln in post.lines[first - 1: last]):
        return None
    end = last + 1
    if end <= len(post.lines) and not post.lines[end - 1].strip():
        end += 1
    if end > len(post.lines):
        # The block ends the file: take the line breaks before it (back to the last text)
        # instead, and keep whatever ended the file (its final newline, or none).
        start_line = first - 1
        while start_line > 1 and not post.lines[start_line - 1].strip():
            start_line -= 1
        start_col = len(post.lines[start_line - 1]) + 1 if start_line >= 1 else 1
        return Fix(max(start_line, 1), start_col, last, len(post.lines[last - 1]) + 1, "",
                   description="delete the repeated paragraph")
    return Fix(first, 1, end, 1, "", description="delete the repeated paragraph")


# --- HD004: anchor collisions -----------------------------------------------------------


def _anchor_collisions(post: Post, heads: Sequence[_Head], rules: Iterable[str]) -> Iterator[Finding]:
    sluggers = [(name, _SLUGGERS[name]) for name in rules if name in _SLUGGERS]
    seen: dict[tuple[str, str], _Head] = {}
    norms: set[str] = set()
    used: Counter[tuple[str, str]] = Counter()  # generated ids so far, by rule: kramdown's -1, -2 suffixes
    for head in heads:
        repeat = head.norm in norms  # a second "Setup" is HD001's; its id is setup-1, not setup
        norms.add(head.norm)
        generated = [(name, slug(_id_source(head, name))) for name, slug in sluggers] if head.heading.explicit_id is None else []
        if repeat:
            # its suffixed id (setup-1) can clash with an earlier heading's ("Setup 1", {#setup-1})
            # or a later one's: Jekyll then writes one id twice
            suffixed = [(name, f"{base}-{used[name, base]}") for name, base in generated]
            used.update(generated)
            twin = next((seen[key] for key in suffixed if key in seen and seen[key].norm != head.norm), None)
            if twin is not None:
                anchor = next(a for n, a in suffixed if seen.get((n, a)) is twin)
                yield _twin(post, "HD004", head, twin, f"repeated heading '{head.heading.text}' gets the anchor #{anchor}, "
                                                       f"which '{twin.heading.text}' has already")
            for key in suffixed:
                seen.setdefault(key, head)
            continue
        used.update(generated)
        ids = [(name, anchor) for name, slug in sluggers
               if (anchor := head.heading.explicit_id or slug(_id_source(head, name))) and not _fallback_id(head, anchor)]
        clash = next(((name, anchor) for name, anchor in ids
                      if (name, anchor) in seen and seen[name, anchor].norm != head.norm), None)
        if clash:
            twin = seen[clash]
            names = [n for n, a in ids if seen.get((n, a)) is twin]
            yield _twin(post, "HD004", head, twin,
                           f"heading '{head.heading.text}' has the same anchor #{clash[1]} as '{twin.heading.text}' "
                           f"({', '.join(names)} ids)")
        for key in ids:
            seen.setdefault(key, head)


def _id_source(head: _Head, rule: str) -> str:
    """What the rule's ids are made from: kramdown's own input reads the source text, markup
    and all; GFM's the rendered text (markdown.Heading.source_text, .id_text)."""
    return head.heading.source_text if rule == "kramdown" else head.heading.id_text


def _fallback_id(head: _Head, anchor: str) -> bool:
    """kramdown's 'section' for a heading without letters (1.0.2): nobody links to it by text."""
    return head.heading.explicit_id is None and anchor == "section" and "section" not in head.norm


# --- HD005: body H1 repeating the title -------------------------------------------------


def _title_repeats(post: Post, heads: Sequence[_Head]) -> Iterator[Finding]:
    title = post.front_matter.get("title") if post.fm_ok else None
    if not isinstance(title, str) or not title.strip():
        return
    wanted = normalise(title)
    title_line = post.key_lines.get("title", 1)
    for head in heads:
        if head.heading.level == 1 and head.norm == wanted:
            tok = post.tokens[head.index]
            fix = _delete_lines_fix(post, tok, head.heading.line, head.heading.end_line)
            if fix is not None:
                fix = Fix(fix.line, fix.col, fix.end_line, fix.end_col, "", safe=False,
                          description="delete the heading; the layout shows the title")
            yield _finding(post, "HD005", head.heading.line,
                           f"H1 repeats the front matter title (title at line {title_line})", title_line, fix)


# --- HD006: markdownlint MD019 ----------------------------------------------------------


def _multiple_spaces(post: Post, heads: Sequence[_Head]) -> Iterator[Finding]:
    for head in heads:
        h = head.heading
        if h.kind != "atx" or not head.md_text or h.line > len(post.lines):
            continue
        m = _ATX_OPEN.match(post.lines[h.line - 1])
        if m and len(m.group(2)) > 1:
            gap = m.group(2)
            col = m.start(2) + 2  # markdownlint points at the first extra space
            what = "spaces" if not gap.strip(" ") else "tabs" if not gap.strip("\t") else "spaces and tabs"
            fix = Fix(h.line, m.start(2) + 1, h.line, m.end(2) + 1, " ", description="keep one space after the hashes")
            yield Finding(post.display_path, h.line, col, "HD006", Severity.WARNING,
                          f"{len(gap)} {what} after '{m.group(1)}'; use one space", fix,
                          end_line=h.line, end_col=m.end(2) + 1)
