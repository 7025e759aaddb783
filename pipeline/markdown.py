"""Views derived from a Post's tokens and shared by checkers: headings and their anchor ids.

Slug rules: kramdown's (`basic_generate_id`) and GitHub's / kramdown-parser-gfm's
(`generate_gfm_header_id`, Jekyll's default since it parses GFM), both with the
`-1`, `-2` suffixes each adds to repeated ids. kramdown also gives ids to footnotes,
attribute lists and the `{:toc}` list, which links may target as well.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from pipeline.links_extract import mask
from pipeline.post import POST_MEMO, Post, _parser, inline_children
from pipeline.spans import KRAMDOWN_UNREAD, LIQUID_CODE_BLOCKS

# A heading's own id, as Jekyll's kramdown reads it (GFM input or its own): `{#id}` after a
# blank at the line's end, the id a letter and then word characters, ':', '.' or '-' ('## V
# {#v1.2}' is v1.2). Anything else in braces ({#id .cls}, {: #id}, {#1abc}) is heading text.
_KRAMDOWN_ATTR = re.compile(r"[ \t]+\{#([A-Za-z][\w:.-]*)\}[ \t]*$")


def html_ids(text: str) -> set[str]:
    """The fragment targets that raw HTML `text` defines (ids, <a> names), as a browser finds them."""
    if "id" not in text.lower() and "name" not in text.lower():
        return set()
    from pipeline.net.anchors import fragment_targets

    return fragment_targets(text)


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading: `raw` is its source text (markup kept), `text` the rendered plain text."""

    level: int
    line: int
    end_line: int
    raw: str
    text: str
    kind: str  # "atx" or "setext"
    explicit_id: str | None = None
    id_text: str = ""  # the text kramdown makes the id from: no image alt, no footnote mark, -- as a dash
    # kramdown starts an ATX heading only at the start of its line (' ## x' at the top level is
    # a heading to CommonMark and markdownlint, a paragraph on the Jekyll page), and a setext
    # heading only after a blank line
    in_kramdown: bool = True

    @property
    def source_text(self) -> str:
        """The text kramdown's own input (`input: kramdown`) makes the id from: the heading's
        source, markup and all, without its {#id} (auto_id_stripping is GFM's alone)."""
        return _KRAMDOWN_ATTR.sub("", self.raw).strip()


def plain_text(post: Post, inline: Token) -> str:
    """Rendered text of an inline token: markup dropped, code spans and link text kept."""
    parts: list[str] = []
    for child in inline_children(post, inline):
        if child.type in ("text", "code_inline", "image"):  # an image contributes its alt text
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


@functools.lru_cache(maxsize=POST_MEMO)
def headings(post: Post) -> tuple[Heading, ...]:
    found: list[Heading] = []
    tokens = post.tokens
    containers: list[Token] = []  # the block quotes and list items open around the token
    for i, tok in enumerate(tokens):
        if tok.type in ("blockquote_open", "list_item_open"):
            containers.append(tok)
        elif tok.type in ("blockquote_close", "list_item_close") and containers:
            containers.pop()
        if tok.type != "heading_open" or i + 1 >= len(tokens):
            continue
        inline = tokens[i + 1]
        raw = inline.content
        start = post.token_line(tok)
        end = (tok.map[1] if tok.map else 1) + post.body_start_line - 1
        explicit = above = None
        reread = False
        if tok.markup.startswith("#"):
            above = _ial_above(post.lines, start - 1, post.body_start_line - 1)
        elif "\n" in raw and tok.level == 0 and (read := _kramdown_setext(raw.split("\n"))) is not None:
            # CommonMark's setext heading of several lines; to kramdown, its last line alone
            raw, above = read
            start, reread = end - 1, True
            inline = Token("inline", "", 0, content=raw)
        text = plain_text(post, inline)
        id_text = _id_text(post, inline)
        m = _KRAMDOWN_ATTR.search(raw)
        if m:
            explicit = m.group(1)
            text = _KRAMDOWN_ATTR.sub("", text)
            id_text = _KRAMDOWN_ATTR.sub("", id_text)
        if explicit is None and end < len(post.lines):  # kramdown: an attribute list on the next line
            below = _NEXT_LINE_IAL.match(post.lines[end])
            explicit = below.group(1) if below else None
        explicit = explicit or above
        kind = "atx" if tok.markup.startswith("#") else "setext"
        indented = kind == "atx" and (post.lines[start - 1].startswith(" ") if tok.level == 0 else
                                      _indented_in(post.lines, post.body_start_line - 1, containers, start - 1))
        # kramdown's setext heading is one line after a block boundary (a blank line, the body's
        # start): right under a heading or a paragraph line, "Hello\n=====" is paragraph text
        glued = kind == "setext" and ("\n" in raw or tok.level == 0 and (
            start > post.body_start_line and post.lines[start - 2].strip() != "" and not reread
            or post.lines[end - 1].startswith(" ")))  # kramdown's underline starts its line
        # id_text is not stripped: '# dequal [![CI](b.svg)](a)' ends in a space the image
        # leaves, and Jekyll's id is 'dequal-'
        found.append(Heading(int(tok.tag[1]), start, end, raw, text.strip(), kind, explicit, id_text, not (indented or glued)))
    return tuple(found)


_NEXT_LINE_IAL = re.compile(r"^ {0,3}\{:[^{}]*?#([^\s{}#.]+)[^{}]*\}\s*$")
_BLOCK_IAL = re.compile(r"^ {0,3}\{:(?!\w[\w-]*:)[^{}]*\}[ \t]*$")  # not an ALD ({:name: ...})
# A line Liquid leaves blank: control tags alone, without whitespace control ({%- -%} would
# join the lines around it instead). Their output is nothing; the line's end stays.
_LIQUID_ONLY = re.compile(r"^[ \t]*(?:\{%(?!-)[ \t]*(?:if|elsif|else|endif|unless|endunless|case|when|endcase|for|endfor|assign)"
                          r"\b[^%\n]*(?<!-)%\}[ \t]*)+$")
_QUOTE_PREFIX = re.compile(r"^ {0,3}> ?")
_ITEM_PREFIX = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}\.)[ ]+")  # kramdown knows no '1)' item, and takes every space


def _indented_in(lines: Sequence[str], offset: int, containers: Sequence[Token], index: int) -> bool:
    """Does file line `index` (0-based), an ATX heading inside `containers` (outermost first),
    start past the column kramdown's reading of them leaves it at? kramdown strips '> ' for a
    block quote, and a list item's own indent (its marker and every space after it) from the
    item's lines: a '## x' indented further is paragraph text. Tabs and lazy lines are not
    judged (False)."""

    def inside(line: str, depth: int) -> str | None:  # the line as the container at `depth` holds it
        for container in containers[:depth]:
            assert container.map is not None
            if container.type == "blockquote_open":
                m = _QUOTE_PREFIX.match(line)
                if m is None:
                    return None
                line = line[m.end() :]
            else:
                first = inside(lines[container.map[0] + offset], containers.index(container))
                item = _ITEM_PREFIX.match(first) if first is not None else None
                if item is None:
                    return None
                if container.map[0] + offset == index:
                    line = line[item.end() :]  # '- ## x': the heading on the marker's line
                elif line.startswith(" " * item.end()):
                    line = line[item.end() :]
                else:
                    return None
        return line

    if "\t" in lines[index] or any(c.map is None for c in containers):
        return False
    content = inside(lines[index], len(containers))
    return content is not None and content.startswith(" ")


def _kramdown_setext(lines: Sequence[str]) -> tuple[str, str | None] | None:
    """kramdown's reading of a CommonMark setext heading of several lines: its last line alone
    is the heading when the line above is blank once Liquid has run ({% if x %} alone), or is a
    block IAL that starts the block or follows such a line (the IAL then names the heading).
    (the heading's text, the IAL's id), or None: paragraph text to kramdown."""
    above = lines[-2]
    if _LIQUID_ONLY.match(above):
        return lines[-1], None
    if _BLOCK_IAL.match(above) and (len(lines) == 2 or _LIQUID_ONLY.match(lines[-3])):
        named = _NEXT_LINE_IAL.match(above)
        return lines[-1], named.group(1) if named else None
    return None


def _ial_above(lines: Sequence[str], index: int, first: int) -> str | None:
    """The id a block IAL on the line above line `index` gives the block there: kramdown gives
    a block IAL to the block before it, unless a blank line (or one Liquid leaves blank, or
    the body's start) comes first."""
    if index - 1 < first or not (named := _NEXT_LINE_IAL.match(lines[index - 1])) or not _BLOCK_IAL.match(lines[index - 1]):
        return None
    before = lines[index - 2] if index - 2 >= first else ""
    return named.group(1) if not before.strip() or _LIQUID_ONLY.match(before) else None


_TOC = re.compile(r"\{:[^{}\n]*\btoc\b")


def _id_text(post: Post, inline: Token) -> str:
    """The heading text kramdown builds its id from: images add nothing, a footnote mark is
    no text, and its typography has made `--` an en dash and `---` an em dash, and `<< ` and
    ` >>` guillemets with a no-break space (ids drop them all)."""
    children = inline_children(post, inline)
    if "[^" in inline.content:  # a footnote mark reads as a link when the note is defined: parse without it
        children = []
        md = _parser()
        md.inline.parse(_FOOTNOTE_MARK.sub("", inline.content), md, dict(post.md_env), children)
    parts: list[str] = []
    for child in children:
        if child.type == "text":
            parts.append(_FOOTNOTE_MARK.sub("", child.content).replace("---", "\u2014").replace("--", "\u2013")
                         .replace("<< ", "\u00ab\u00a0").replace(" >>", "\u00a0\u00bb").replace("<<", "\u00ab").replace(">>", "\u00bb"))
        elif child.type == "code_inline":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def kramdown_slug(text: str) -> str:
    """kramdown basic_generate_id: drop leading non-letters, keep [a-zA-Z0-9 -], spaces -> '-'."""
    s = re.sub(r"^[^a-zA-Z]+", "", text)
    s = re.sub(r"[^a-zA-Z0-9 -]", "", s)
    return s.replace(" ", "-").lower() or "section"


def github_slug(text: str) -> str:
    """GitHub / kramdown GFM id: lowercase, drop all but word chars, '-', space; space -> '-'."""
    out = []
    for ch in text.lower():
        cat = unicodedata.category(ch)
        if ch in " \t":
            out.append("-")
        elif ch == "-" or cat[0] in "LMN" or cat == "Pc":
            out.append(ch)
    return "".join(out)


def _with_suffixes(slugs: Iterable[str | None]) -> list[str]:
    """kramdown's -1, -2 ... on repeated generated ids; an explicit id (None here) takes no part."""
    seen: Counter[str] = Counter()
    out = []
    for slug in slugs:
        if slug is None:
            out.append("")
            continue
        out.append(slug if not seen[slug] else f"{slug}-{seen[slug]}")
        seen[slug] += 1
    return out


# kramdown's span elements; any other tag opening a block (div, center, main, my-widget)
# keeps its inside raw under Jekyll's default parse_block_html: false.
_BLOCK_HTML = re.compile(r"^ {0,3}<([A-Za-z][\w-]*)(?=[\s>/])([^>]*)>")
_SPAN_HTML = frozenset("a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label "
                       "q rb rbc rp rt rtc ruby samp select small span strike strong sub sup tt u var".split())
_MARKDOWN_ATTR = re.compile(r"""\bmarkdown\s*=\s*["']?(1|block|span)""", re.IGNORECASE)


def raw_html_body_lines(tokens: Sequence[Token], lines: Sequence[str]) -> set[int]:
    """0-based body lines inside a top-level block HTML element, which kramdown keeps raw.

    CommonMark ends an HTML block at a blank line and reads `## Usage` below it as a
    heading; on the built site it is the text "## Usage", and a trailing space in a
    `<textarea>` inside is content. An element never closed is left to CommonMark's reading.
    """
    return _block_html_lines(tokens, lines, markdown=False)


def markdown_html_body_lines(tokens: Sequence[Token], lines: Sequence[str]) -> set[int]:
    """0-based body lines of a top-level block HTML element with markdown="1" (or "block"),
    whose inside kramdown reads as Markdown. kramdown-parser-gfm gives no GitHub id to a
    heading inside an HTML element: kramdown's converter names it by its own rule, with
    -1, -2 suffixes counted among such headings alone (Jekyll 4.3: `## 2. Step` is #step)."""
    return _block_html_lines(tokens, lines, markdown=True)


def _block_html_lines(tokens: Sequence[Token], lines: Sequence[str], markdown: bool) -> set[int]:
    found: set[int] = set()
    for tok in tokens:
        if tok.type != "html_block" or tok.level != 0 or not tok.map:
            continue
        m = _BLOCK_HTML.match(tok.content)
        if m is None or m.group(1).lower() in _SPAN_HTML or m.group(2).rstrip().endswith("/"):
            continue
        attr = _MARKDOWN_ATTR.search(m.group(2))
        if (attr is not None and attr.group(1) != "span") if markdown else attr is None:
            close = _closing_line(lines, tok.map[0], m.group(1))
            if close is not None:
                found.update(range(tok.map[0], close + 1))
    return found


def html_lines_read_as_markdown(tokens: Sequence[Token], lines: Sequence[str]) -> set[int]:
    """0-based body lines of top-level HTML blocks (CommonMark's reading) that kramdown
    reads as Markdown: the lines after a span element's line (`<img src="a.png">` then
    `## Summary`), after a block element closed on its own lines, and the inside of one
    with markdown="1". A comment opening a line, a declaration and a block element never
    closed stay HTML."""
    raw = raw_html_body_lines(tokens, lines)
    found: set[int] = set()
    for tok in tokens:
        if tok.type != "html_block" or tok.level != 0 or not tok.map or tok.content.lstrip(" ").startswith(("<!", "<?")):
            continue
        m = _BLOCK_HTML.match(tok.content)
        if (m is not None and m.group(1).lower() not in _SPAN_HTML and not _MARKDOWN_ATTR.search(m.group(2))
                and tok.map[0] not in raw):
            continue  # a block element never closed (or closed on its line by '/>'): kramdown's reading is its own
        comments = {tok.map[0] + tok.content.count("\n", 0, c.start()) + k
                    for c in _COMMENT.finditer(tok.content) for k in range(c.group(0).count("\n") + 1)}
        for i in range(*tok.map):
            if i > tok.map[0] and i not in raw and _opens_block(lines[i]):
                break  # another block element (<script>, <pre>, <div>): kramdown's HTML again, to the token's end
            if i not in raw and i not in comments:
                found.add(i)
    return found


def _opens_block(line: str) -> bool:
    """Does the line open (or close) an element kramdown reads as a block of HTML?"""
    m = _BLOCK_HTML.match(line) or _CLOSING_TAG.match(line)
    return m is not None and m.group(1).lower() not in _SPAN_HTML


_CLOSING_TAG = re.compile(r"^ {0,3}</([A-Za-z][\w-]*)")


def _closing_line(lines: Sequence[str], first: int, tag: str) -> int | None:
    """Index of the line whose tag closes the element opened on line `first` (nesting counted)."""
    tag = re.escape(tag)
    opening = re.compile(rf"<{tag}(?=[\s>/])[^>]*?(/?)>|</{tag}\s*>", re.IGNORECASE)
    depth = 0
    for number in range(first, len(lines)):
        for m in opening.finditer(lines[number]):
            if m.group(0).startswith("</"):
                depth -= 1
                if depth == 0:
                    return number
            elif not m.group(1):
                depth += 1
    return None


@functools.lru_cache(maxsize=POST_MEMO)
def liquid_code_lines(post: Post) -> frozenset[int]:
    """File lines of `{% highlight %}` and `{% comment %}` blocks and kramdown's `{::comment}` and
    `{::nomarkdown}`, which Jekyll never reads as Markdown.

    A `##  Install` in a highlighted sample is code, not a heading: reporting it is wrong,
    and HD003/HD006's fixes would edit the sample. (`{% raw %}` output is still Markdown.)
    """
    offset = post.body_start_line - 1
    lines: set[int] = set()
    body = post.body
    for start, end in LIQUID_CODE_BLOCKS.finditer(body):
        if "raw" not in body[start : body.find("%}", start)]:
            lines.update(range(body.count("\n", 0, start) + 1 + offset, body.count("\n", 0, end) + 2 + offset))
    if "{::" in body:  # kramdown's {::comment} and {::nomarkdown} blocks: no Markdown is read inside
        for start, end in KRAMDOWN_UNREAD.finditer(body):
            lines.update(range(body.count("\n", 0, start) + 1 + offset, body.count("\n", 0, end) + 2 + offset))
    return frozenset(lines)


def heading_ids(post: Post, prefix: str = "") -> tuple[tuple[str, str], ...]:
    """(kramdown id, GFM id) of each heading Jekyll builds, in order, with duplicate suffixes
    applied and kramdown's auto_id_prefix `prefix` before each generated one. Under GFM input
    a heading inside a markdown="1" element has kramdown's id, numbered among those headings
    alone (markdown_html_body_lines)."""
    code = liquid_code_lines(post)  # a `## x` in a {% highlight %} sample is no heading on the page
    raw, nested = _html_element_lines(post)  # a block element's inside is raw text: no heading there
    hs = [h for h in headings(post) if h.line not in code and h.line not in raw and h.in_kramdown]
    kram = _with_suffixes(None if h.explicit_id else kramdown_slug(h.source_text) for h in hs)
    gh = _with_suffixes(None if h.explicit_id or h.line in nested else github_slug(h.id_text) for h in hs)
    inner = _with_suffixes(None if h.explicit_id or h.line not in nested else kramdown_slug(h.id_text) for h in hs)
    return tuple((h.explicit_id or prefix + k, h.explicit_id or prefix + (i if h.line in nested else g))
                 for h, k, g, i in zip(hs, kram, gh, inner, strict=True))


@functools.lru_cache(maxsize=POST_MEMO)
def _html_element_lines(post: Post) -> tuple[frozenset[int], frozenset[int]]:
    """File lines inside top-level block HTML elements: (raw ones, markdown="1" ones)."""
    if "<" not in post.body:
        return frozenset(), frozenset()
    body = post.lines[post.body_start_line - 1 :]
    offset = post.body_start_line
    return (frozenset(i + offset for i in raw_html_body_lines(post.tokens, body)),
            frozenset(i + offset for i in markdown_html_body_lines(post.tokens, body)))


_FOOTNOTE_DEF = re.compile(r"^ {0,3}(\[\^\w[\w-]*\]):", re.MULTILINE)
_FOOTNOTE_MARK = re.compile(r"\[\^(\w[\w-]*)\]")
# An attribute list's text never runs into the next '{:', so an unclosed one is not read to
# the end of its line from every opener (quadratic on a line of 10,000 '{: ').
_IAL_TEXT = r"(?:[^{}\n]|\{(?!:))*"
_IAL = re.compile(rf"\{{:(?!\w[\w-]*:)({_IAL_TEXT})\}}")  # not an ALD ({:name: ...}): that only names attributes
_MAY_NAME = re.compile(rf"\{{:{_IAL_TEXT}?(?:#|\btoc\b)")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")


def footnote_ids(text: str) -> set[str]:
    """kramdown's footnote ids: 'fn:NAME' on the note, 'fnref:NAME' on its first reference and
    'fnref:NAME:1', 'fnref:NAME:2' ... on repeats; a note is rendered only if defined and referenced."""
    definitions = {m.start(1): m.group(1)[2:-1] for m in _FOOTNOTE_DEF.finditer(text)}
    uses = Counter(m.group(1) for m in _FOOTNOTE_MARK.finditer(text) if m.start() not in definitions)
    ids: set[str] = set()
    for name, count in uses.items():
        if name in definitions.values():
            ids.update({f"fn:{name}", f"fnref:{name}"}, (f"fnref:{name}:{n}" for n in range(1, count)))
    return ids


def attribute_ids(text: str) -> set[str]:
    """Ids set by kramdown attribute lists ('{: #intro}'), and 'markdown-toc' for a '{:toc}' list without one."""
    ids: set[str] = set()
    for m in _IAL.finditer(text):
        words = _QUOTED.sub(" ", m.group(1)).split()
        named = [w[1:] for w in words if w.startswith("#") and len(w) > 1]
        ids.update(named)
        if "toc" in words and not named:
            ids.add("markdown-toc")
    return ids


def kramdown_ids(post: Post) -> set[str]:
    """Ids kramdown gives to footnotes, attribute lists and the {:toc} list, outside code."""
    if "[^" not in post.body and not _MAY_NAME.search(post.body):
        return set()  # most posts ({:target="_blank"} at most): no second scan of the body
    code = {i for tok in post.tokens if tok.type in ("fence", "code_block") and tok.map for i in range(*tok.map)}
    text = mask(post.body, code, keep_attributes=True)
    return footnote_ids(text) | attribute_ids(text)


_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def site_slug_rule(post: Post) -> str:
    """The rule the post's site makes heading ids by: "github" under kramdown's GFM input
    (Jekyll's default, and for a post outside any site), "kramdown" under `input: kramdown`."""
    return _folder_id_options(os.path.dirname(os.path.abspath(post.path)))[0]


def site_auto_ids(post: Post) -> str | None:
    """kramdown's auto_id_prefix for the post's site ('' by default), None under auto_ids: false."""
    return _folder_id_options(os.path.dirname(os.path.abspath(post.path)))[1]


@functools.lru_cache(maxsize=256)
def _folder_id_options(folder: str) -> tuple[str, str | None]:  # one config walk per folder, not per post
    from pipeline.jekyll import nearest_site

    site = nearest_site(Path(folder, "_"))
    if site is None:
        return "github", ""
    return ("kramdown" if site.markdown_input.lower() == "kramdown" else "github",
            site.auto_id_prefix if site.auto_ids else None)


_COMMENT = re.compile(r"^ {0,3}<!--.*?(?:-->|\Z)", re.DOTALL | re.MULTILINE)  # a block comment: kramdown's too


def _headings_in_html(tok: Token, markdown: set[int], nested: frozenset[int], rule: str, prefix: str | None = "") -> set[str]:
    """Ids of the ATX headings CommonMark keeps in the HTML block `tok` that kramdown
    builds (under a `<img>` line, inside `<details markdown="1">`): its lines in `markdown`
    (html_lines_read_as_markdown); those inside a markdown="1" element (`nested`, 0-based)
    have kramdown's id under GFM too. Their ids are added without duplicate suffixes."""
    assert tok.map is not None
    lines = tok.content.split("\n")
    found: set[str] = set()
    for inside in (False, True):
        text = "\n".join(line if tok.map[0] + i in markdown and line.startswith("#") and (tok.map[0] + i in nested) == inside
                         else "" for i, line in enumerate(lines))
        found |= _atx_ids(text, "kramdown" if inside else rule, source=rule == "kramdown", prefix=prefix)
    return found


def _atx_ids(text: str, rule: str, source: bool = False, prefix: str | None = "") -> set[str]:
    """Ids of the ATX heading lines in `text`, by the slug rule, without duplicate suffixes;
    `source`: from the source text, as kramdown's own input makes them; `prefix` before each
    generated one (None: none is generated, auto_ids: false)."""
    ids: set[str] = set()
    md = _parser()
    for m in _ATX.finditer(text):
        raw = m.group(1)
        explicit = _KRAMDOWN_ATTR.search(raw)
        if explicit:
            ids.add(explicit.group(1))
            continue
        if prefix is None:
            continue
        if source:
            ids.add(prefix + kramdown_slug(raw.strip()))
            continue
        children: list[Token] = []
        md.inline.parse(raw, md, {}, children)
        text = "".join(c.content for c in children if c.type in ("text", "text_special", "code_inline", "image"))
        ids.add(prefix + (kramdown_slug if rule == "kramdown" else github_slug)(text.strip()))
    return ids


@functools.lru_cache(maxsize=POST_MEMO)
def anchors(post: Post) -> frozenset[str]:
    """Every fragment a link may target in this post: heading ids by the site's rule,
    kramdown's generated ids, HTML ids."""
    rule = site_slug_rule(post)
    prefix = site_auto_ids(post)
    if prefix is None:  # auto_ids: false: a heading has the id it names ({#id}, {: #id}) or none
        ids: set[str] = {h.explicit_id for h in headings(post) if h.explicit_id}
    else:
        ids = {kram if rule == "kramdown" else gh for kram, gh in heading_ids(post, prefix)}
    if _TOC.search(post.body):  # kramdown's {:toc} list links each heading from an item of its own
        ids |= {f"markdown-toc-{anchor}" for anchor in ids}
    ids |= kramdown_ids(post)
    markdown: set[int] | None = None
    for tok in post.tokens:
        if tok.type == "html_block":
            ids |= html_ids(tok.content)
            if tok.level == 0 and tok.map and "\n#" in tok.content:
                if markdown is None:
                    markdown = html_lines_read_as_markdown(post.tokens, post.lines[post.body_start_line - 1 :])
                nested = frozenset(i - post.body_start_line for i in _html_element_lines(post)[1])
                ids |= _headings_in_html(tok, markdown, nested, rule, prefix)
        elif tok.type == "inline" and "<" in tok.content:
            for child in inline_children(post, tok):
                if child.type == "html_inline":
                    ids |= html_ids(child.content)
    return frozenset(ids)
