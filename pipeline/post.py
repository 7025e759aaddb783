"""The Post model: one file read once, parsed once, shared by every checker.

`load_post` never raises on bad content. A file that cannot be read or decoded, or whose
front matter is broken, still yields a Post (with `ok=False` where the body is unusable)
plus FM findings in `load_findings`: flake8's E902 pattern, not a crash.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pipeline import frontmatter_parse as fmp
from pipeline.findings import Finding, Severity

if TYPE_CHECKING:
    from markdown_it.token import Token

    from pipeline.jekyll import SiteConfig

# Jekyll's post file name: YYYY-MM-DD-slug.ext (jekyll/lib/jekyll/document.rb DATE_FILENAME_MATCHER).
NAME_RE = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-(.*)(\.[^.]+)$")
MARKDOWN_EXTS = frozenset({".md", ".markdown", ".mkdown", ".mkd", ".mkdn", ".mdown", ".mdwn", ".txt"})
MAX_BYTES = 5 * 1024 * 1024  # a post larger than this is reported, not parsed
# Views derived from a Post (headings, anchors, links) are memoised per post for the
# checkers that share them. The memo holds the Post, tokens and all, so it stays small:
# the runner finishes one post before the next (4096 entries once held ~600 MB per worker).
POST_MEMO = 16


@dataclass(frozen=True, slots=True, eq=False)
class Post:
    """A post as every checker sees it. Lines and columns everywhere are 1-based.

    Compared by identity (eq=False), so derived views can be cached per post.

    `tokens` are markdown-it-py block/inline tokens of the body; their `.map` counts
    from the start of the body, so add `body_start_line - 1` to get file lines (or use
    `token_line`). `key_lines` maps each top-level front matter key to its line.
    Inline tokens are parsed on demand: read their children through `inline_children`.
    """

    path: Path
    raw: str
    lines: tuple[str, ...]
    ok: bool
    front_matter: Mapping[str, Any]
    key_lines: Mapping[str, int]
    fm_format: str | None
    fm_ok: bool
    fm_end_line: int
    body: str
    body_start_line: int
    tokens: tuple[Token, ...]
    name_date: dt.date | None
    slug: str | None
    load_findings: tuple[Finding, ...] = field(default=())
    md_env: Mapping[str, Any] = field(default_factory=dict)  # markdown-it env: link reference definitions
    crlf: bool = False  # every line of the file ended in CRLF (`raw` and `lines` have LF)

    @property
    def display_path(self) -> str:
        return str(self.path)

    def token_line(self, token: Token) -> int:
        """File line (1-based) where a block token starts; the body start if it has no map."""
        return (token.map[0] if token.map else 0) + self.body_start_line


@functools.lru_cache(maxsize=POST_MEMO)
def real_path(post: Post) -> str:
    """Where the post's file really is (os.path.realpath: a symlink loop does not raise),
    worked out once per post: three checkers asked, at a stat of every folder each time."""
    return os.path.realpath(post.path)


@functools.lru_cache(maxsize=POST_MEMO)
def post_site(post: Post) -> SiteConfig | None:
    """The Jekyll site of the post's real file (jekyll.nearest_site), looked up once per post:
    its defaults, date and URL are each asked for by another checker."""
    from pipeline.jekyll import nearest_site

    return nearest_site(Path(real_path(post)))


def _finding(path: Path, line: int, code: str, message: str, col: int = 1) -> Finding:
    return Finding(str(path), max(line, 1), max(col, 1), code, Severity.ERROR, message)


def parse_name(path: Path) -> tuple[dt.date | None, str | None, str | None]:
    """(date, slug, problem) from a Jekyll file name; problem says why it is not Jekyll form."""
    m = NAME_RE.match(path.name)
    if not m:
        if "_drafts" in path.parts:
            return None, path.stem, None  # Jekyll's drafts carry no date in their name
        return None, path.stem, "file name is not in Jekyll form YYYY-MM-DD-slug.md"
    year, month, day, slug, _ext = m.groups()
    full_year = int(year)
    if len(year) == 2:  # Ruby's Time.parse, which Jekyll dates the name with: 00-68 are 20xx, 69-99 19xx
        full_year += 2000 if full_year < 69 else 1900
    try:
        date = dt.date(full_year, int(month), int(day))
    except ValueError:
        return None, slug, f"file name date {year}-{month}-{day} is not a valid date"
    if not slug:
        return date, None, "file name has a date but no slug"
    return date, slug, None


# Code spans and the Liquid blocks whose content Jekyll never renders as Markdown prose
# (code, raw text, comments) are found by pipeline.spans, in linear time.
_NOT_NEWLINE = re.compile(r"[^\n]")


def blank_text(text: str) -> str:
    """Text as spaces, newlines kept: every offset and line after it stays put."""
    if "\n" not in text:
        return " " * len(text)  # most spans (a code span, a URL): no regex pass
    return _NOT_NEWLINE.sub(" ", text)


def _markdown() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    # Block structure only: inline parsing is half the parse time and most paragraphs never
    # need it (a checker asks through `inline_children`).
    md.disable(["inline", "text_join"])
    from pipeline.md_rules import install

    install(md)  # one walk of a paragraph's lines instead of two: the same tokens, a sixth less parse time
    return md


_MD: list[Any] = []  # one parser per process, built on first use


def _parser() -> Any:
    if not _MD:
        _MD.append(_markdown())
    return _MD[0]


def parse_markdown(text: str, env: dict[str, Any] | None = None) -> tuple[Token, ...]:
    """Block tokens of `text`; `env` receives the link reference definitions."""
    return tuple(_parser().parse(text, {} if env is None else env))


def inline_children(post: Post, token: Token) -> list[Token]:
    """The inline children of a token of `post.tokens`, parsed on first use (then kept)."""
    if token.type != "inline":
        return token.children or []
    if not token.meta.get("parsed"):
        from types import SimpleNamespace

        from markdown_it.rules_core.text_join import text_join

        md = _parser()
        children: list[Token] = []
        md.inline.parse(token.content, md, dict(post.md_env), children)
        token.children = children
        text_join(SimpleNamespace(tokens=[token]))  # type: ignore[arg-type]
        token.meta["parsed"] = True
    return token.children or []


def decode(path: Path, data: bytes) -> tuple[str | None, Finding | None]:
    """Decode UTF-8 (a BOM is allowed); binary or undecodable bytes become one FM finding."""
    nul = data.find(b"\x00")
    if nul >= 0:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows editors' "Unicode": Jekyll reads it as bytes
            return None, _finding(path, 1, "FM002", "file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8")
        line = data.count(b"\n", 0, nul) + 1
        return None, _finding(path, line, "FM002", "file contains NUL bytes: binary, not a text post")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, _finding(
            path, line, "FM002", f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", col
        )


def empty_post(path: Path, findings: tuple[Finding, ...], raw: str = "") -> Post:
    lines = tuple(raw.splitlines())
    return Post(
        path=path, raw=raw, lines=lines, ok=False, front_matter=MappingProxyType({}),
        key_lines=MappingProxyType({}), fm_format=None, fm_ok=False, fm_end_line=0, body="",
        body_start_line=1, tokens=(), name_date=parse_name(path)[0],
        slug=parse_name(path)[1], load_findings=findings,
    )


def _is_loop(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def read_post(path: Path) -> Post:
    """Read a file from disk and load it; unreadable files become a finding, not an exception."""
    try:
        if path.is_symlink():
            if not path.exists():
                why = "symbolic link loop" if _is_loop(path) else "broken symbolic link"
                return empty_post(path, (_finding(path, 1, "FM001", why),))
            target, home = path.resolve(), path.parent.resolve()
            if not target.is_relative_to(home):
                msg = f"symbolic link points outside its folder (to {target}); not read"
                return empty_post(path, (_finding(path, 1, "FM001", msg),))
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read forever; a device is no post
            return empty_post(path, (_finding(path, 1, "FM001", "not a regular file (a pipe, socket or device); not read"),))
        size = st.st_size
        if size > MAX_BYTES:
            msg = f"file is {size // 1024} KiB, over the {MAX_BYTES // 1024} KiB limit for a post"
            return empty_post(path, (_finding(path, 1, "FM001", msg),))
        data = path.read_bytes()
    except OSError as exc:
        return empty_post(path, (_finding(path, 1, "FM001", f"cannot read file: {exc.strerror or exc}"),))
    return load_post(path, data)


def load_post(path: Path, data: bytes) -> Post:
    """Parse bytes into a Post. Pure: the caller did the reading."""
    text, problem = decode(path, data)
    if text is None:
        return empty_post(path, (problem,) if problem else ())
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n") == text.count("\r")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = tuple(text.split("\n"))
    fm = fmp.split_front_matter(lines)
    findings: list[Finding] = [_finding(path, f.line, f.code, f.message, f.col) for f in fm.problems]
    body_lines = lines[fm.body_start - 1 :]
    body = "\n".join(body_lines)
    name_date, slug, _ = parse_name(path)
    env: dict[str, Any] = {}
    return Post(
        path=path,
        raw=text,
        lines=lines,
        ok=fm.body_ok,
        front_matter=MappingProxyType(dict(fm.data)),
        key_lines=MappingProxyType(dict(fm.key_lines)),
        fm_format=fm.format,
        fm_ok=fm.data_ok,
        fm_end_line=fm.end_line,
        body=body,
        body_start_line=fm.body_start,
        tokens=parse_markdown(body, env) if fm.body_ok else (),
        name_date=name_date,
        slug=slug,
        load_findings=tuple(findings),
        md_env=env,
        crlf=crlf,
    )
