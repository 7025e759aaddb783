"""Find every link in a post body with its line and column, and say what kind of target it is.

Pure: no disk, no network.

markdown-it gives block tokens only a line map and resolves references away, so links
are found by our own scan of the body with code, comments and kramdown attribute lists
blanked out (same length, so offsets still map to lines and columns).
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from urllib.parse import unquote, urlsplit

from pipeline import spans
from pipeline.post import blank_text
from pipeline.records import fast_pickle


class LinkKind(StrEnum):
    INLINE = "inline"
    IMAGE = "image"
    DEFINITION = "definition"
    AUTOLINK = "autolink"
    BARE = "bare"
    HTML = "html"
    POST_URL = "post_url"
    LIQUID_LINK = "link"


@fast_pickle
@dataclass(frozen=True, slots=True)
class Link:
    """One link destination as written; ``line``/``col`` (1-based) point at its first character.

    For ``{% post_url NAME %}`` and ``{% link PATH %}`` the ``url`` is NAME or PATH, plus any
    ``#fragment`` written right after the tag.
    """

    url: str
    line: int
    col: int
    kind: LinkKind



@dataclass(frozen=True, slots=True)
class Reference:
    """A full or collapsed reference ``[text][label]`` / ``[label][]`` (shortcuts are plain text if undefined)."""

    label: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Extracted:
    links: tuple[Link, ...]
    references: tuple[Reference, ...]
    definitions: frozenset[str]


# Regions whose text is not prose: blanked before scanning. Jekyll's {% highlight %} and
# {% comment %} blocks, HTML comments, {% raw %} and kramdown IALs like {:target="_blank"}.
# Matched as `OPEN.*?CLOSE` in linear time (pipeline.spans), as `re` is not on unclosed ones.
_HIGHLIGHT = spans.Alternative(re.compile(r"\{%-?\s*highlight\b"), (re.compile(r"\{%-?\s*endhighlight\s*-?%\}"),))
_COMMENT = spans.Alternative(re.compile(r"\{%-?\s*comment\b[^%]*?-?%\}"), (re.compile(r"\{%-?\s*endcomment\s*-?%\}"),))
_IAL = spans.Alternative(re.compile(r"\{:(?:[^{}\n]|\{(?!:))*\}"))  # never into the next '{:': linear
_RAW = spans.Alternative(re.compile(r"\{%-?\s*raw\s*-?%\}"), (re.compile(r"\{%-?\s*endraw\s*-?%\}"),))
# kramdown's comment extension, {::comment}...{:/comment} (or {:/}), renders as nothing visible.
_KRAMDOWN_COMMENT = spans.KRAMDOWN_COMMENT
_BLANK = spans.Lazy(_HIGHLIGHT, _COMMENT, spans.between("<!--", "-->"), _KRAMDOWN_COMMENT, _IAL)
_BLANK_KEEP_ATTRIBUTES = spans.Lazy(_HIGHLIGHT, _COMMENT, spans.between("<!--", "-->"), _KRAMDOWN_COMMENT)
# Not Markdown to kramdown: the text of <pre>, <script>, <style> and <textarea> (raw HTML) and
# math ($$...$$). No link, reference or definition there; HTML attributes are still read.
_RAW_ELEMENT_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("pre", "script", "style", "textarea")}
_RAW_OPEN = re.compile(r"<(pre|script|style|textarea)\b", re.IGNORECASE)
_NOT_MARKDOWN = spans.Lazy(
    spans.Alternative(_RAW_OPEN,
                      named=lambda m: (_RAW_ELEMENT_END[m.group(1).lower()],)),
    spans.between("$$", "$$"),
)
# Liquid runs before Markdown, over the whole file: a tag in an HTML comment, a code block, a
# code span or a {% highlight %} block is rendered (a post_url there stops the build like any
# other), one in {% raw %} is printed as text and one in {% comment %} is never run.
_BLANK_FOR_LIQUID = spans.Lazy(_COMMENT, _RAW)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Possessive: the alternatives start with different characters, so giving any back never finds
# another match, and a long link text is read in runs, not one alternative per character.
# Link text may run over a line break (hard-wrapped prose), never into another block: past a
# blank line (a bare '>' one in a quote), a list item, an ATX heading or a fence.
_SOFT_BREAK = r"\n(?![ \t]*(?:>[ \t>]*)?(?:\n|$)|[ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]|[ \t]{0,3}(?:#{1,6}(?:[ \t]|$)|```|~~~))"
_LINK_TEXT = re.compile(rf"!?\[(?:[^\[\]\n\\]++|\\.|{_SOFT_BREAK}|\[(?:[^\[\]\n\\]++|\\.|{_SOFT_BREAK})*+\])*+\]")
_REF_USE = re.compile(rf"\[((?:[^\[\]\n\\]|\\.|{_SOFT_BREAK})+)\]\[((?:[^\[\]\n\\]|\\.|{_SOFT_BREAK})*)\]")
# A definition may sit in a blockquote ('> [q]: url'): kramdown defines it for the whole page.
_QUOTE = r"(?:[ ]{0,3}>[ ]?)*"
_DEFINITION = re.compile(
    rf"^{_QUOTE} {{0,3}}\[((?:[^\[\]\n\\]|\\.)+)\]:[ \t]*(?:\n{_QUOTE}[ \t]*)?(<[^<>\n]*>|\S+)", re.MULTILINE)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)>")
# The 'h' comes first, the look behind it after: `re` then skips to each 'h' instead of trying
# the lookbehind at every character (3x faster; the same matches).
_BARE = re.compile(r"h(?<![\w/(\[<\"'=]h)ttps?://[^\s<>\"'`\]]+", re.IGNORECASE)
# The attribute itself, not data-href or data-src: it follows a space. A tag's attributes
# never run into the next '<', so text with many '<a' and no '>' is read once, not once per '<a'.
_HTML_ATTR = re.compile(
    r"<(?:a|area|link)\b[^<>]*?\shref\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)"
    r"|<(?:img|iframe|source|video|audio|script|embed)\b[^<>]*?\ssrc\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)",
    re.IGNORECASE,
)
_PLAIN_DEST = re.compile(r"[^\s()\\{<]*")
# A destination with spaces, which kramdown takes whole (CommonMark makes it no link): up to an
# optional quoted title and the closing parenthesis, on one line.
_SPACED_DEST = re.compile(r"""([^()\n"'{<\\]*?)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?[ \t]*\)""")
_LIQUID = re.compile(r"\{%-?\s*(post_url|link)\s+([^\s%]+)\s*-?%\}(#[^\s)\"'<>\]]*)?")


def normalize_label(label: str) -> str:
    """CommonMark label matching: case-insensitive, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


def mask(body: str, code_lines: Iterable[int] = (), keep_attributes: bool = False) -> str:
    """Blank code blocks (given by 0-based body line numbers, else found by fence), code spans, comments,
    and kramdown attribute lists unless ``keep_attributes`` (they hold ids: ``{: #intro}``, ``{:toc}``)."""
    return _mask_spans(_mask_code_blocks(body, code_lines), keep_attributes)


def liquid_text(body: str) -> str:
    """The text Liquid runs its tags in: all of it but {% raw %} and {% comment %} blocks."""
    return _BLANK_FOR_LIQUID.sub(_blank, body) if "{%" in body else body


def _mask_code_blocks(body: str, code_lines: Iterable[int]) -> str:
    """``body`` with its code block lines blanked (the first step of ``mask``)."""
    skip = set(code_lines)
    if not skip and "```" not in body and "~~~" not in body:
        return body  # no code block, and no fence to find one by
    lines = body.split("\n")
    skip = skip or set(_fenced_lines(lines))
    return "\n".join(" " * len(line) if i in skip else line for i, line in enumerate(lines)) if skip else body


def _mask_spans(text: str, keep_attributes: bool = False) -> str:
    """The rest of ``mask``, on text whose code blocks are blanked already."""
    if "{" in text or "<!--" in text:  # where every region of the _BLANK kinds begins
        blank = _BLANK_KEEP_ATTRIBUTES if keep_attributes else _BLANK
        text = blank.sub(_blank, text)
    return spans.PARAGRAPH_CODE_SPANS.sub(_blank, text)


def _blank(text: str) -> str:
    """``blank_text``, without its regex for the usual one-line span (ten times faster)."""
    return blank_text(text) if "\n" in text else " " * len(text)


def _fenced_lines(lines: Sequence[str]) -> Iterable[int]:
    fence: str | None = None
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            yield i
        elif fence is not None:
            yield i
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip(" `~"):
                fence = None


def _destination(text: str, pos: int) -> tuple[int, str] | None:
    """Parse an inline link destination starting just after '(' (CommonMark rules, titles ignored)."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if pos < len(text) and text[pos] == "<":
        end = text.find(">", pos)
        return None if end < 0 or "\n" in text[pos:end] else (pos + 1, text[pos + 1 : end])
    simple = _PLAIN_DEST.match(text, pos)  # fast path: no parens, escapes or Liquid
    if simple and (simple.end() >= len(text) or text[simple.end()] in " \t\n)"):
        if simple.end() < len(text) and text[simple.end()] in " \t":
            spaced = _SPACED_DEST.match(text, pos)  # kramdown: ![a cat](/img/my cat.png "title")
            if spaced and " " in spaced.group(1).strip():
                return pos, spaced.group(1).strip()
        return pos, simple.group()
    depth, i = 0, pos
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if text.startswith(("{%", "{{"), i):  # Liquid inside a destination may hold spaces
            close = text.find("%}" if text[i + 1] == "%" else "}}", i + 2)
            if close > 0:
                i = close + 2
                continue
        if ch in " \t\n":
            break
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return pos, text[pos:i]


def extract(body: str, first_line: int = 1, code_lines: Iterable[int] = ()) -> Extracted:
    """All links, reference uses and definitions of a body whose first line is file line ``first_line``."""
    unfenced = _mask_code_blocks(body, code_lines)
    text = _mask_spans(unfenced)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def where(offset: int) -> tuple[int, int]:
        row = bisect.bisect_right(starts, offset) - 1
        return first_line + row, offset - starts[row] + 1

    links: list[tuple[int, str, LinkKind]] = []
    taken: list[tuple[int, int]] = []

    def add(offset: int, url: str, kind: LinkKind) -> None:
        links.append((offset, url, kind))
        taken.append((offset, offset + len(url)))

    html_text = text  # HTML attributes are read in both
    if "$$" in text or "<" in text and _RAW_OPEN.search(text):
        text = _NOT_MARKDOWN.sub(_blank, text)
    # Each scan below looks for a substring every match holds before it runs its regex (or runs
    # it only around one): a regex reads the whole text to find nothing, a character at a time.
    for m in _LIQUID.finditer(liquid_text(body)) if "{%" in body and _LIQUID.search(body) else ():
        add(m.start(), m.group(2) + (m.group(3) or ""), LinkKind.POST_URL if m.group(1) == "post_url" else LinkKind.LIQUID_LINK)
        taken.append((m.start(), m.end()))
    for start in _brackets(text) if "](" in text else ():
        label = _LINK_TEXT.match(text, start)
        escaped = start > 0 and text[start - 1] == "\\"
        if label and label.end() < len(text) and text[label.end()] == "(" and not escaped:
            found = _destination(text, label.end() + 1)
            if found is not None:
                kind = LinkKind.IMAGE if label.group().startswith("!") else LinkKind.INLINE
                add(found[0], found[1], kind)
                taken.append((start, found[0]))  # a URL written as the link text is the same link
    definitions: set[str] = set()
    for m in _definitions(text):
        if m.group(1).startswith("^"):
            continue  # a kramdown footnote, not a link
        definitions.add(normalize_label(m.group(1)))
        dest = m.group(2)
        angled = dest.startswith("<")
        add(m.start(2) + angled, dest[1:-1] if angled else dest, LinkKind.DEFINITION)
    for m in _AUTOLINK.finditer(text) if "<" in text else ():
        url = m.group(1)
        add(m.start(1), url if ":" in url else "mailto:" + url, LinkKind.AUTOLINK)
    for m in _HTML_ATTR.finditer(html_text) if "<" in html_text else ():
        group = 1 if m.group(1) is not None else 2
        value, start = m.group(group), m.start(group)
        if value[:1] in "\"'":
            value, start = value[1:-1], start + 1
        add(start, value, LinkKind.HTML)
    for m in _bare_urls(html_text):
        if not any(lo <= m.start() < hi for lo, hi in taken):
            links.append((m.start(), _trim_bare(m.group()), LinkKind.BARE))
    references = [
        Reference(m.group(2) or m.group(1), *where(m.start()))
        for m in (_REF_USE.finditer(text) if "][" in text else ())
        if not (m.group(2) or m.group(1)).startswith("^")
    ]
    ordered = sorted(links)
    return Extracted(
        tuple(Link(url.strip(), *where(offset), kind) for offset, url, kind in ordered if not _is_liquid_wrapper(url, kind)),
        tuple(references),
        frozenset(definitions),
    )


def _brackets(text: str) -> Iterator[int]:
    """Where each match of ``!?\\[`` starts: at the '!' of an image. `str.find` skips to each
    '[' at memchr speed, where `re`, with no literal to look for, steps a character at a time."""
    at = text.find("[")
    while at >= 0:
        yield at - 1 if at and text[at - 1] == "!" else at
        at = text.find("[", at + 1)


def _definitions(text: str) -> Iterator[re.Match[str]]:
    """``_DEFINITION.finditer(text)``, tried only at the start of each line holding ']:' (a
    label ends on the line it starts), not at every character as `re` tries a '^' pattern."""
    pos = 0
    at = text.find("]:")
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        m = _DEFINITION.match(text, start) if start >= pos else None
        if m:
            yield m
            pos = m.end()
        eol = text.find("\n", at)
        at = text.find("]:", eol) if eol >= 0 else -1


def _bare_urls(text: str) -> Iterator[re.Match[str]]:
    """``_BARE.finditer(text)``, tried only where a match can start: 5 or 4 characters
    ('https', 'http') before each '://', which `str.find` finds at memchr speed."""
    pos = 0
    at = text.find("://")
    while at >= 0:
        for start in (at - 5, at - 4):
            m = _BARE.match(text, start) if start >= pos else None
            if m:
                yield m
                pos = m.end()
                break
        at = text.find("://", at + 3)


_LIQUID_WRAPPER = re.compile(r"\{%-?\s*(post_url|link)\s")


def _is_liquid_wrapper(url: str, kind: LinkKind) -> bool:
    """A destination holding a post_url/link tag is reported through the tag itself."""
    return "{%" in url and kind not in (LinkKind.POST_URL, LinkKind.LIQUID_LINK) and _LIQUID_WRAPPER.search(url) is not None


def _trim_bare(url: str) -> str:
    """GFM extended-autolink rule: trailing punctuation and unbalanced ')' are not part of the URL."""
    while url:
        unbalanced = url[-1] == ")" and url.count("(") < url.count(")")
        if url[-1] in ".,:;!?*_~'\"" or unbalanced:
            url = url[:-1]
        else:
            break
    return url


def extract_links(body: str, first_line: int = 1) -> tuple[Link, ...]:
    """Just the links (used by the benchmark and anyone without a parsed Post)."""
    return extract(body, first_line).links


# -- classification ----------------------------------------------------------------------------
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_LIQUID_PREFIX = re.compile(r"^\{\{-?\s*site\.(?:url|baseurl)\s*-?\}\}(?:\{\{-?\s*site\.baseurl\s*-?\}\})?")
# {{ '/assets/x.png' | relative_url }} (or absolute_url, or a rooted path | prepend: site.baseurl):
# a path from the site folder, as the baseurl prefix above writes it.
_LIQUID_URL_FILTER = re.compile(
    r"""^\{\{-?\s*(?:(['"])([^'"{}]*)\1\s*\|\s*(?:relative|absolute)_url|(['"])(/[^'"{}]*)\3\s*\|\s*prepend:\s*site\.baseurl)\s*-?\}\}""")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_TEL = re.compile(r"^\+?[0-9().\- ]*[0-9][0-9().\- ]*(?:;[A-Za-z0-9=+.-]*)*$")


def has_scheme(url: str) -> bool:
    return _SCHEME.match(url) is not None


class Target(Enum):
    EXTERNAL = "external"
    CONTACT = "contact"
    SAME_POST = "same-post"
    PATH = "path"
    POST_URL = "post_url"
    LIQUID_LINK = "link"
    MALFORMED = "malformed"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Resolved:
    """A link made concrete: what kind of target, the URL or path to check, the fragment if any."""

    target: Target
    value: str
    fragment: str | None = None
    problem: str = ""
    site_relative: bool = False  # written after {{ site.baseurl }}: a path below the site's baseurl


@functools.lru_cache(maxsize=8192)
def resolve(link: Link) -> Resolved:
    """Decide what a destination is: external, contact, anchor, local path, Jekyll tag, malformed or skipped."""
    if link.kind in (LinkKind.POST_URL, LinkKind.LIQUID_LINK) and "{{" in link.url:
        return Resolved(Target.SKIP, link.url)  # {% link {{ page.x }} %}: known only when Jekyll renders
    if link.kind is LinkKind.POST_URL:
        name, _, frag = link.url.partition("#")
        return Resolved(Target.POST_URL, name, frag if "#" in link.url else None)
    if link.kind is LinkKind.LIQUID_LINK:
        path, _, frag = link.url.partition("#")
        return Resolved(Target.LIQUID_LINK, path, frag if "#" in link.url else None)
    url = html.unescape(link.url) if link.kind is LinkKind.HTML else link.url
    prefix = _LIQUID_PREFIX.match(url)
    filtered = _LIQUID_URL_FILTER.match(url) if prefix is None and url.startswith("{{") else None
    value = (filtered.group(2) if filtered.group(2) is not None else filtered.group(4)) if filtered else ""
    if filtered and _SCHEME.match(value):
        url = value + url[filtered.end():]  # {{ 'https://x' | absolute_url }}: the filters keep an absolute URL
    elif filtered:
        url = "/" + value.lstrip("/") + url[filtered.end():]
        if "{{" not in url and "{%" not in url and _SCHEME.match(url) is None:
            path, hash_, frag = url.partition("#")
            return Resolved(Target.PATH, path.partition("?")[0], frag if hash_ else None, site_relative=True)
    if prefix:  # {{ site.baseurl }}/assets/x.png is a path under the site root
        url = "/" + url[prefix.end():].lstrip("/")
        if "{{" not in url and "{%" not in url and _SCHEME.match(url) is None:
            path, hash_, frag = url.partition("#")
            return Resolved(Target.PATH, path.partition("?")[0], frag if hash_ else None, site_relative=True)
    if "{{" in url or "{%" in url:
        return Resolved(Target.SKIP, url)
    if not url:
        return Resolved(Target.MALFORMED, url, problem="empty link destination")
    if url.startswith("//"):
        url = "https:" + url
    scheme = _SCHEME.match(url)
    if scheme:
        return _with_scheme(url, scheme.group(1).lower())
    if re.match(r"^(?:https?//|https?:/[^/]|www\.[^/\s]+\.[a-z]{2,})", url, re.IGNORECASE):
        return Resolved(Target.MALFORMED, url, problem=f"'{url}' is not a URL; write it as https://{url.split('//')[-1].lstrip(':/')}")
    if url.startswith("#"):
        return Resolved(Target.SAME_POST, "", url[1:])
    path, hash_, frag = url.partition("#")
    return Resolved(Target.PATH, path.partition("?")[0], frag if hash_ else None)


def _with_scheme(url: str, scheme: str) -> Resolved:
    if scheme in ("http", "https"):
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a port out of range or not a number
        except ValueError as exc:  # 'http://[::1/x': an unclosed IPv6 bracket, a bad port
            return Resolved(Target.MALFORMED, url, problem=f"'{url}' is not a valid URL: {exc}")
        if not url.lower().startswith(f"{scheme}://") or not parts.hostname:
            return Resolved(Target.MALFORMED, url, problem=f"'{url}' has no host")
        return Resolved(Target.EXTERNAL, url)
    if scheme in ("mailto", "tel"):
        return Resolved(Target.CONTACT, url, problem=contact_problem(url))
    return Resolved(Target.SKIP, url)  # ftp:, data:, javascript: ... are not ours to judge


def contact_problem(url: str) -> str:
    """Why a mailto:/tel: link is malformed, or '' (RFC 6068 / RFC 3966 syntax, no network)."""
    scheme, _, rest = url.partition(":")
    if scheme.lower() == "tel":
        number = unquote(rest)
        return "" if _TEL.match(number) and sum(c.isdigit() for c in number) >= 3 else f"'{number}' is not a phone number"
    path, _, query = rest.partition("?")
    to = unquote(path)
    if not to.strip():
        # RFC 6068 lets the address come in the query instead: mailto:?to=a@b.example
        fields = [f.partition("=") for f in query.split("&")]
        to = ",".join(unquote(value) for name, _, value in fields if name.lower() == "to")
        if not to.strip():
            return "mailto: link without an address"
    bad = [addr for addr in (a.strip() for a in to.split(",")) if not _EMAIL.match(addr)]
    return f"'{bad[0]}' is not an email address" if bad else ""
