"""Pure: a Post plus the fixes accepted for it -> the text of the published post.

Only three things change a post: the accepted fixes (from the checkers), the front
matter normalisation, and trailing whitespace. Everything else (kramdown attributes,
`<!--more-->`, Liquid tags, HTML) is kept byte for byte. The whitespace step is checked
the way mdformat checks its output (`is_md_equal`): when the rendered HTML would
change, the step is skipped rather than risk changing what readers see.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from pipeline import frontmatter_parse as fmp
from pipeline import jekyll, spans
from pipeline.findings import Fix
from pipeline.fixes import apply_fixes
from pipeline.markdown import raw_html_body_lines
from pipeline.post import Post
from pipeline.publish.frontmatter import (
    FrontMatterError,
    dump_front_matter,
    normalize_front_matter,
    post_date,
    source_blocks,
)

DEFAULT_KEY_ORDER: tuple[str, ...] = ("layout", "title", "date", "categories", "tags")
# Liquid blocks whose content is output verbatim (code) or not Markdown at all.
_LIQUID_OPEN = re.compile(r"\{%-?\s*(highlight|raw|comment|capture)\b")
_VERBATIM_TOKENS = frozenset({"fence", "code_block", "html_block"})


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    """How a post is normalised; built from the [publish] config section and the flags."""

    key_order: tuple[str, ...] = DEFAULT_KEY_ORDER
    default_layout: str = ""
    strip_whitespace: bool = True
    drop_published: bool = False


@dataclass(frozen=True, slots=True)
class Normalized:
    """The published text and what went into it."""

    text: str
    front_matter: Mapping[str, Any]
    date: dt.date
    applied: tuple[Fix, ...]
    skipped: tuple[Fix, ...]


@functools.lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """The same CommonMark parser the checkers use (post.py), for tokens and HTML."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def render(text: str) -> str:
    return markdown().render(text)


_PRE = spans.Lazy(spans.Alternative(re.compile(r"<pre\b"), (spans.literal("</pre>"),)))  # <pre.*?</pre>, linear


def same_rendering(a: str, b: str) -> bool:
    """Equal HTML, ignoring whitespace before line ends outside <pre> (browsers ignore it too)."""
    def canon(text: str) -> list[str]:
        html = render(text)
        parts, last = [], 0
        for start, end in _PRE.finditer(html):
            parts += (re.sub(r"[ \t]+\n", "\n", html[last:start]), html[start:end])
            last = end
        return [*parts, re.sub(r"[ \t]+\n", "\n", html[last:])]

    return canon(a) == canon(b)


def _liquid_lines(lines: Sequence[str]) -> set[int]:
    kept: set[int] = set()
    i = 0
    while i < len(lines):
        m = _LIQUID_OPEN.search(lines[i])
        if m is None:
            i += 1
            continue
        end = re.compile(r"\{%-?\s*end" + m.group(1) + r"\s*-?%\}")
        j = next((k for k in range(i, len(lines)) if end.search(lines[k], m.end() if k == i else 0)), len(lines) - 1)
        if j > i:  # a block on one line has nothing verbatim at the end of the line
            kept.update(range(i, j + 1))
        i = j + 1
    return kept


def _verbatim_lines(body: str, lines: Sequence[str]) -> set[int]:
    """0-based body lines kept byte for byte: code, HTML blocks and Liquid verbatim blocks."""
    verbatim = _liquid_lines(lines)
    tokens = markdown().parse(body)
    verbatim |= raw_html_body_lines(tokens, lines)  # kramdown keeps a block element's inside raw
    for tok in tokens:
        if tok.map is not None and tok.type in _VERBATIM_TOKENS:
            verbatim.update(range(*tok.map))
    return verbatim


def _line_of(text: str, needle: str) -> int | None:
    """0-based line where `needle` first starts in `text`, None when it is not there."""
    at = text.find(needle) if needle else -1
    return None if at < 0 else text.count("\n", 0, at)


def _same_excerpt_split(before: str, after: str, separator: str) -> bool:
    """Does the first separator fall on the same line (or only blank lines were cut after it)?"""
    line = _line_of(after, separator)
    if line == _line_of(before, separator):
        return True
    return line is None and not before[before.find(separator) + len(separator) :].strip()


def clean_whitespace(body: str, excerpt_separator: str = "\n\n") -> str:
    """Trailing spaces and tabs off every line, trailing blank lines off the end.

    Code blocks, HTML blocks and Liquid highlight/raw blocks keep theirs (it is content).
    Two trailing spaces before a non-blank line stay wherever they are: kramdown carries a
    paragraph on into a table row, a `***` rule or an HTML comment line, where they are a
    `<br />` that markdown-it (which ends the paragraph there) would not show. Whitespace-only
    lines before the post's first `excerpt_separator` (Jekyll's default is a blank line) stay
    too, since emptying one would move the split and change `page.excerpt`.
    """
    lines = body.split("\n")
    verbatim = _verbatim_lines(body, lines)
    split_line = _line_of(body, excerpt_separator)
    out = []
    for i, line in enumerate(lines):
        stripped = line.rstrip(" \t")
        hard_break = len(line) - len(line.rstrip(" ")) >= 2 and i + 1 < len(lines) and lines[i + 1].strip(" \t") != ""
        before_excerpt_split = excerpt_separator and not stripped and (split_line is None or i <= split_line)
        out.append(line if i in verbatim or hard_break or before_excerpt_split else stripped)
    while out and out[-1] == "" and len(out) - 1 not in verbatim:
        out.pop()
    cleaned = "\n".join(out) + "\n" if out else ""
    if not _same_excerpt_split(body, cleaned, excerpt_separator):
        return body
    return cleaned if same_rendering(cleaned, body) else body


def excerpt_separator(data: Mapping[str, Any], source: Path) -> str:
    """Jekyll's separator for the post: its front matter's (defaults included), else the
    site config's, else a blank line ("\\n\\n"); '' means no excerpt at all."""
    value = data.get("excerpt_separator")
    if value is None or value is False:
        site = jekyll.nearest_site(source)
        value = _site_option(site.root, "excerpt_separator") if site is not None else None
    if value is None or value is False:
        return "\n\n"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _site_option(root: Path, key: str) -> Any:
    for name in jekyll.CONFIG_NAMES:
        config = root / name
        try:
            st = config.stat()
        except OSError:
            continue
        return _config_data(config, (st.st_mtime_ns, st.st_size)).get(key)
    return None


@functools.lru_cache(maxsize=16)
def _config_data(config: Path, _stamp: tuple[int, int]) -> dict[str, Any]:
    try:
        data = jekyll._parse(config)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _defaults_to_write(source: Path) -> dict[str, Any]:
    """The values of path-scoped `defaults` to write into the copy: none when every entry
    that gives the source values gives them to the copy too, in its place under DIR (a post
    keeps its path from the collections folder: blog/_posts/x.md), since written they go
    through PyYAML and lose Psych's reading (`1,000` is 1000 to Jekyll, a mapping merged with
    the post's own is re-written whole); all of them otherwise (a draft moves to _posts)."""
    values = jekyll.path_defaults(source)
    site = jekyll.nearest_site(source)
    if not values or site is None or not source.is_relative_to(site.collections):
        return values
    rel = source.relative_to(site.collections).as_posix()
    parts = rel.split("/")
    if "_drafts" in parts or parts.count("_posts") != 1:
        return values  # not published at the same path
    scoped = [d for d in site.defaults if d.path.strip("/") and d.applies_to_post(rel, site.collections_dir)]
    # the published site's collections folder is DIR: a plain scope is read as written there;
    # a glob is globbed on disk from the site folder (FrontmatterDefaults#glob_scope), where
    # the copy is not: `blog/_posts/*` matches nothing under DIR/blog/_posts
    return {} if all("*" not in d.path and d.applies_to_post(rel) for d in scoped) else values


def normalize(post: Post, fixes: Sequence[Fix], options: NormalizeOptions = NormalizeOptions()) -> Normalized:
    """The published text of a post. Raises FrontMatterError when Jekyll could not build it."""
    fixed = apply_fixes(post.raw, fixes)
    lines = fixed.text.split("\n")
    fm = fmp.split_front_matter(lines)
    if fm.format is None or not fm.body_ok or not fm.data_ok:
        why = "the fixes left the front matter unreadable" if fixed.applied else "the front matter cannot be read"
        raise FrontMatterError(why)
    body = "\n".join(lines[fm.body_start - 1 :])
    source = post.path.resolve()
    if options.strip_whitespace:
        body = clean_whitespace(body, excerpt_separator(jekyll.deep_merge(jekyll.defaults_for(source), fm.data), source))
    # What the source's place gave it (path-scoped defaults, folder categories) is written
    # into the copy when its place under DIR does not give it the same: same layout, same URL.
    site_defaults = jekyll.defaults_for(source)
    # default_layout is for a post with no layout at all, not one the site's defaults give it
    layout = "" if site_defaults.get("layout") else options.default_layout
    data = normalize_front_matter(jekyll.deep_merge(_defaults_to_write(source), fm.data), post.name_date, options.key_order,
                                  layout, options.drop_published, jekyll.folder_categories(source),
                                  site_defaults.get("published") is False)
    if fm.format == "yaml":  # keys the normaliser left as they were keep the source's own lines
        kept = source_blocks("\n".join(lines[1 : fm.end_line - 1]), fm.data)
        written = kept.written(data, lambda k, v: k not in _REWRITTEN and k in fm.data and v == fm.data[k])
    else:
        written = data
    return Normalized(dump_front_matter(written) + body, data, post_date(data, post.name_date),
                      fixed.applied, fixed.skipped)


# Keys the normaliser writes itself: the merged lists (a changed value, such as a stripped
# title, no longer equals the source's and is written anew anyway). A date it leaves as it
# was keeps the source's text: quoted, Jekyll reads "2020-01-02 02:00:00" in the site's zone;
# plain, Psych reads it as UTC, which may be another day.
_REWRITTEN = frozenset({"categories", "tags"})
