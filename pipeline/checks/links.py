"""LK rules: every link in a post resolves, internal ones offline and external ones over HTTP.

Extraction is in ``pipeline.links_extract`` (pure); the network sits behind
``pipeline.net`` (imported only when external links are actually checked, issue 5).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

from pipeline import jekyll
from pipeline.errors import ConfigError
from pipeline.findings import Finding, Severity
from pipeline.links_extract import (
    Extracted,
    Link,
    LinkKind,
    Resolved,
    Target,
    extract,
    has_scheme,
    normalize_label,
    resolve,
)
from pipeline.markdown import anchors
from pipeline.post import (
    MARKDOWN_EXTS,
    POST_MEMO,
    Post,
    inline_children,
    parse_name,
    post_site,
    real_path,
)
from pipeline.records import fast_pickle
from pipeline.registry import Context, Option, Rule

if TYPE_CHECKING:
    from pipeline.net.cache import VerdictStore
    from pipeline.net.client import ClientOptions
    from pipeline.net.verdict import LinkClient, LinkStream, Verdict

NAME = "links"

RULES: tuple[Rule, ...] = (
    Rule("LK001", "undefined-reference", "A reference link uses a label that no definition provides.",
         doc="kramdown renders '[text][label]' literally when '[label]:' is not defined.\n\n"
             "Bad:\n    See [the docs][docs].\nGood:\n    See [the docs][docs].\n\n    [docs]: https://jekyllrb.com/docs/"),
    Rule("LK002", "missing-post", "A {% post_url %} tag names a post that does not exist.",
         doc="Jekyll stops the build when post_url names no post.\n\n"
             "Bad:\n    [earlier]({% post_url 2019-01-02-helo %})\nGood:\n    [earlier]({% post_url 2019-01-02-hello %})"),
    Rule("LK003", "missing-file", "A {% link %} tag or a local path points at a file that does not exist.",
         doc="Relative paths are looked up beside the post and under the site root; '/paths' under the site root, and only in a Jekyll site (a folder with _config.yml), since without one the site's root is unknown.\n\n"
             "Bad:\n    ![chart](/assets/chrat.png)\nGood:\n    ![chart](/assets/chart.png)"),
    Rule("LK004", "missing-anchor", "A #fragment names no heading or id in the target post.",
         doc="Heading ids follow kramdown's and GitHub's slug rules; {#custom} ids and HTML ids count too,\n"
             "and so do kramdown's: footnotes (#fn:name, #fnref:name), ids set by {: #id} and the {:toc} list (#markdown-toc).\n\n"
             "Bad:\n    [setup](#instalation)\n\n    ## Installation\nGood:\n    [setup](#installation)"),
    Rule("LK005", "broken-link", "An external link is definitely broken (404, 410, DNS failure, refused, redirect loop).",
         doc="Checked over HTTP unless --offline; successes are cached for a day.\n\n"
             "Bad:\n    <https://example.com/removed-page>  (answers 404)\nGood:\n    <https://example.com/page>  (answers 200)"),
    Rule("LK006", "doubtful-link", "An external link could not be confirmed (bot wall, rate limit, timeout).", Severity.WARNING,
         doc="403 and 999 answers are usually walls in front of bots, not missing pages; check them by hand.\n\n"
             "Bad:\n    https://www.linkedin.com/in/someone  (answers 999)\nGood: a link the server answers with 200."),
    Rule("LK007", "private-address", "An external link points at a private, link-local or loopback address.", Severity.WARNING,
         doc="A link checker in CI must not probe internal networks; allow it with --allow-private or\n"
             "allow_private = true under [links].\n\nBad:\n    http://192.168.1.10/admin\nGood:\n    https://example.com/admin"),
    Rule("LK008", "missing-external-anchor", "The linked page has no element with the #fragment's id or name.",
         doc="The fetched HTML is searched for id=\"...\" and <a name=\"...\">.\n\n"
             "Bad:\n    https://example.com/guide#no-such-section\nGood:\n    https://example.com/guide#install"),
    Rule("LK009", "invalid-contact-link", "A mailto: or tel: link is malformed (syntax only, never contacted).",
         doc="Bad:\n    [mail me](mailto:jane.example.com)\nGood:\n    [mail me](mailto:jane@example.com)"),
    Rule("LK010", "malformed-url", "A link destination is empty or not a usable URL.",
         doc="Catches empty destinations, a missing '//' or ':' and bare 'www.' hosts that browsers treat as relative paths.\n\n"
             "Bad:\n    [site](www.example.com)\nGood:\n    [site](https://www.example.com)"),
    Rule("LK011", "non-descriptive-link-text", "A link's text says nothing about where it goes.", Severity.WARNING,
         doc="Like markdownlint's MD059: generic text ('click here', 'link', 'more') and one- or two-letter\n"
             "text that is not an acronym tell neither readers nor screen readers what the link is.\n"
             "Configure the generic phrases with [links] generic_link_texts.\n\n"
             "Bad:\n    [Ir](https://example.com/interview-with-chollet)\n"
             "Good:\n    [the interview on Hacker Noon](https://example.com/interview-with-chollet)"),
    Rule("LK012", "relative-link-breaks-on-site", "A relative link finds its file from the source folder, but not from the post's URL.",
         doc="A browser resolves a relative link against the page's URL. Jekyll publishes a post at its\n"
             "permalink (/2020/03/03/hello.html with the default style), so 'assets/cat.png' or\n"
             "'../assets/cat.png', which work in the repository and in GitHub's preview, ask the built site\n"
             "for /2020/03/03/assets/cat.png and /2020/03/assets/cat.png. Checked when the site's _config.yml is found, for posts\n"
             "under _posts/; links to .md files are left to jekyll-relative-links.\n\n"
             "Bad:\n    ![a cat](../assets/cat.png)\nGood:\n    ![a cat](/assets/cat.png)"),
)

GENERIC_LINK_TEXTS = ("click here", "here", "link", "more", "read more", "this", "this link", "click", "this page")

OPTIONS: Mapping[str, Option] = MappingProxyType({
    "generic_link_texts": Option(list(GENERIC_LINK_TEXTS), list, "link texts LK011 reports as saying nothing"),
    "check_external": Option(True, bool, "check http(s) links over the network (--offline turns it off for one run)"),
    "check_anchors": Option(True, bool, "check #fragments, internal and external"),
    "allow_private": Option(False, bool, "let external checks reach private, link-local and loopback addresses"),
    "site_root": Option("", str, "Jekyll site folder for {% link %} and /paths (default: nearest folder with _config.yml)"),
    "include": Option([], list, "regexes of URLs to check even when an exclude matches; alone, only these are checked"),
    "exclude": Option([], list, "regexes of URLs (or #anchors, paths) not to check"),
    "accept": Option(["200..=299"], list, "HTTP status codes counted as success: 200, '200..=299', '200..300'",
                     item=(int, str)),
    "headers": Option({}, dict, "host -> {header = value}; values may use $VAR or ${VAR} from the environment"),
    "timeout": Option(20.0, float, "seconds for one URL in total, retries and redirects included"),
    "request_timeout": Option(10.0, float, "seconds for one request to connect or send data"),
    "max_retries": Option(3, int, "retries after timeouts, connection errors, 429 and 5xx"),
    "backoff": Option(0.5, float, "first retry delay in seconds, doubled on each retry"),
    "max_retry_after": Option(10.0, float, "longest Retry-After honoured; longer waits give a warning instead"),
    "max_redirects": Option(10, int, "redirects followed before giving up"),
    "per_host": Option(10, int, "requests in flight per host at most"),
    "interval": Option(0.05, float, "seconds between request starts on one host"),
    "workers": Option(128, int, "threads checking URLs (lychee's max-concurrency default)"),
    "max_body": Option(1048576, int, "bytes of a page read at most when looking for a #fragment"),
    "cache_max_age": Option(86400.0, float, "seconds a successful check is trusted"),
    "cache_max_age_failures": Option(0.0, float, "seconds a failed or doubtful check is trusted (0: re-check each run)"),
})

_PAGE_SUFFIXES = frozenset({"", ".html", ".htm"})


# -- configuration ---------------------------------------------------------------------------
def parse_accept(items: Iterable[object]) -> frozenset[int]:
    """lychee's syntax: 200, '429', '200..=299' (inclusive) or '200..300' (exclusive end)."""
    codes: set[int] = set()
    for item in items:
        text = str(item).strip()
        m = re.fullmatch(r"(\d{3})\s*\.\.(=?)\s*(\d{3})", text)
        if m:
            end = int(m.group(3)) + (1 if m.group(2) else 0)
            codes.update(range(int(m.group(1)), end))
        elif re.fullmatch(r"\d{3}", text):
            codes.add(int(text))
        else:
            raise ValueError(f"not a status code or range: {item!r}")
    return frozenset(codes)


# Lowest value of each numeric option, and whether the bound itself is allowed. A zero timeout
# would time out every URL (checking silently off), a negative redirect count fail every link.
_BOUNDS: Mapping[str, tuple[float, bool]] = MappingProxyType({
    "timeout": (0, False), "request_timeout": (0, False), "max_retries": (0, True), "backoff": (0, True),
    "max_retry_after": (0, True), "max_redirects": (0, True), "per_host": (1, True), "interval": (0, True),
    "workers": (1, True), "max_body": (1, True), "cache_max_age": (0, True), "cache_max_age_failures": (0, True),
})


def check_ranges(options: Mapping[str, Any], where: str) -> None:
    """Numeric options within their bounds (and finite: TOML allows nan and inf), else one ConfigError line."""
    for key, (low, inclusive) in _BOUNDS.items():
        value = options.get(key, OPTIONS[key].default)
        if isinstance(value, (int, float)) and math.isfinite(value) and (value >= low if inclusive else value > low):
            continue
        kind = "an integer" if OPTIONS[key].type is int else "a number"
        raise ConfigError(f"{where}: '{key}' must be {kind} {'>=' if inclusive else '>'} {low:g}, got {value!r}")


def prepare_options(options: dict[str, Any], root: Path, where: str) -> dict[str, Any]:
    """Check ranges, regexes, status codes and headers at config time, so a typo is exit 2, not a crash."""
    check_ranges(options, where)
    for key in ("include", "exclude"):
        for pattern in options[key]:
            try:
                re.compile(str(pattern))
            except re.error as exc:
                raise ConfigError(f"{where}: '{key}' pattern {pattern!r} is not a valid regex: {exc}") from None
    try:
        parse_accept(options["accept"])
    except ValueError as exc:
        raise ConfigError(f"{where}: 'accept': {exc}") from None
    from pipeline.net.options import header_name_ok, header_value_ok

    for host, values in options["headers"].items():
        if not isinstance(values, Mapping) or not all(isinstance(v, str) for v in values.values()):
            raise ConfigError(f"{where}: 'headers' for {host!r} must be a table of header = \"value\" strings")
        for name, value in values.items():
            if not header_name_ok(str(name)):
                raise ConfigError(f"{where}: 'headers' for {host!r}: {name!r} is no HTTP header name")
            if not header_value_ok(value.strip()):  # what $VAR expands to is checked when it is read
                raise ConfigError(f"{where}: 'headers' for {host!r}: the value of {name!r} holds a line break or a "
                                  "character an HTTP header cannot carry (only Latin-1 text on one line)")
    return options


def client_options(options: Mapping[str, Any], ctx: Context) -> ClientOptions:
    """The client's knobs; ranges are checked again for options that did not come through a config file."""
    from pipeline.net.client import ClientOptions

    check_ranges(options, "[links]")
    return ClientOptions(
        timeout=float(options["timeout"]), request_timeout=float(options["request_timeout"]),
        max_retries=int(options["max_retries"]), backoff=float(options["backoff"]),
        max_retry_after=float(options["max_retry_after"]), max_redirects=int(options["max_redirects"]),
        per_host=int(options["per_host"]), interval=float(options["interval"]), workers=int(options["workers"]),
        accept=parse_accept(options["accept"]), allow_private=bool(options["allow_private"] or ctx.allow_private),
        max_body=int(options["max_body"]),
        headers=MappingProxyType({h: MappingProxyType(dict(v)) for h, v in options["headers"].items()}),
    )


def _option(ctx: Context, name: str) -> Any:
    return ctx.options.get(name, OPTIONS[name].default)


def is_excluded(url: str, ctx: Context) -> bool:
    """lychee's rule: an include match always checks; else an exclude match skips; includes alone whitelist."""
    return _exclusion(ctx)(url)


def _exclusion(ctx: Context) -> Callable[[str], bool]:
    """`is_excluded` for the run's options, to ask once per post or run rather than per link."""
    return _filters(tuple(_option(ctx, "include")), tuple(_option(ctx, "exclude")))


@functools.lru_cache(maxsize=256)
def _filters(include_patterns: tuple[str, ...], exclude_patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """The test, patterns compiled once; with none (the usual case) it excludes nothing."""
    if not include_patterns and not exclude_patterns:
        return lambda _url: False
    include = tuple(re.compile(p) for p in include_patterns)
    exclude = tuple(re.compile(p) for p in exclude_patterns)

    def excluded(url: str) -> bool:
        if any(p.search(url) for p in include):
            return False
        if any(p.search(url) for p in exclude):
            return True
        return bool(include) and has_scheme(url)
    return excluded


# -- classification -------------------------------------------------------------------------
@functools.lru_cache(maxsize=POST_MEMO)
def extracted(post: Post) -> Extracted:
    """Links of a post, computed once and shared by check() and check_site()."""
    code_lines = {i for tok in post.tokens if tok.type in ("fence", "code_block") and tok.map for i in range(*tok.map)}
    return extract(post.body, post.body_start_line, code_lines)


# -- findings -------------------------------------------------------------------------------
def _finding(path: str, link: Link | tuple[int, int], code: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
    line, col = (link.line, link.col) if isinstance(link, Link) else link
    return Finding(path, line, col, code, severity, message)


def check(post: Post, ctx: Context) -> Iterable[Finding]:
    """What one post can tell alone: references, same-post anchors, contact and malformed links."""
    found = extracted(post)
    for ref in found.references:
        if normalize_label(ref.label) not in found.definitions:
            yield _finding(post.display_path, (ref.line, ref.col), "LK001", f"reference '[{ref.label}]' is not defined")
    excluded = _exclusion(ctx)
    for link in found.links:
        if excluded(link.url):
            continue
        res = resolve(link)
        if res.target is Target.CONTACT and res.problem:
            yield _finding(post.display_path, link, "LK009", res.problem)
        elif res.target is Target.MALFORMED:
            yield _finding(post.display_path, link, "LK010", res.problem)
        elif res.target is Target.SAME_POST and _option(ctx, "check_anchors"):
            yield from _anchor_findings(post.display_path, link, anchors(post), res.fragment or "", "this post")
        elif res.target in (Target.POST_URL, Target.LIQUID_LINK):
            yield from _baseurl_twice(post, link, res)
    yield from _link_texts(post, ctx)


# A link destination (inline, <a href/src>, a reference definition) that starts with
# {{ site.baseurl }} (after {{ site.url }} or not) right before a {% post_url %} / {% link %} tag.
_BASEURL_BEFORE_TAG = re.compile(
    r"""(?:\]\(<?|\b(?:href|src)\s*=\s*["']?|^ {0,3}\[[^\]]+\]:[ \t]*)"""
    r"""(?:\{\{-?\s*site\.url\s*-?\}\})?(\{\{-?\s*site\.baseurl\s*-?\}\}/?)$""")


def _baseurl_twice(post: Post, link: Link, res: Resolved) -> Iterator[Finding]:
    """LK003 for {{ site.baseurl }}{% post_url x %}: since Jekyll 4 the tag's URL starts with
    the baseurl, so the link asks for /blog/blog/... (harmless only without a baseurl)."""
    if link.line > len(post.lines):
        return
    m = _BASEURL_BEFORE_TAG.search(post.lines[link.line - 1][: link.col - 1])
    site = post_site(post) if m else None
    if m is None or site is None or not site.baseurl:
        return
    tag = "post_url" if res.target is Target.POST_URL else "link"
    doubled = site.baseurl + ("/" if m.group(1).endswith("/") else "") + site.baseurl + "/..."
    yield _finding(post.display_path, (link.line, m.start(1) + 1), "LK003",
                   f"{{% {tag} %}} already starts with the site's baseurl {site.baseurl} (Jekyll 4), so "
                   f"'{m.group(1)}' before it makes {doubled}, which the site does not have: remove it")


def _link_texts(post: Post, ctx: Context) -> Iterator[Finding]:
    """LK011: walk each inline token's links; columns come from the block's source lines."""
    generic = {t.casefold() for t in ctx.options.get("generic_link_texts", GENERIC_LINK_TEXTS)}
    collapsed = not any("]" in t for t in generic)  # only such a phrase can be a text that holds '[label][]'
    for tok in post.tokens:
        if tok.type != "inline" or "[" not in tok.content or not _may_have_weak_text(tok.content, generic, collapsed):
            continue
        depth, parts, cursor = 0, [], 0
        for child in inline_children(post, tok):
            if child.type == "link_open":
                depth, parts = depth + 1, []
            elif child.type == "link_close" and depth:
                depth -= 1
                text = "".join(parts).strip()
                if not text or child.markup == "autolink" or text.startswith("^"):
                    continue  # [^1] is a footnote marker (kramdown), even where it reads as a reference link
                short = len(text) <= 2 and not text.isupper() and not text.isdigit()
                if short or text.casefold().rstrip(".!:") in generic:
                    line, col, cursor = _locate(post, tok, f"[{text}]", cursor)
                    yield Finding(post.display_path, line, col, "LK011", Severity.WARNING,
                                  f"link text '{text}' says nothing about the target; describe where it goes")
            elif depth and child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif depth and child.type in ("softbreak", "hardbreak"):
                parts.append(" ")  # a link text wrapped over two lines reads with a space


_BRACKETED = re.compile(r"\[([^\[\]]*)\]")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_MARKUP = str.maketrans("", "", "*_`~\\")


def _may_have_weak_text(content: str, generic: set[str], collapsed: bool = False) -> bool:
    """Could a link in this paragraph have a short or generic text? A cheap test on the
    bracketed source (markup dropped and line breaks read as spaces, as in the parsed text), so
    only those paragraphs pay for inline parsing. Entities and HTML always say yes.

    `collapsed`: pass over the '[]' closing a collapsed reference, [label][] (most of the
    brackets of a post written with references). A link there has no text, and one around
    it has '[label][]' in its text, unless an image or HTML hides it: [![logo][] x](u),
    [<b title="[label][]">x</b>](u)."""
    collapsed = collapsed and "![" not in content and "<" not in content
    for m in _BRACKETED.finditer(content):
        raw = m.group(1)
        if collapsed and not raw and content[m.start() - 1 : m.start()] == "]":
            continue
        if "&" in raw or "<" in raw:
            return True
        text = _LINE_BREAK.sub(" ", raw).translate(_MARKUP).strip()
        if len(text) <= 2 or text.casefold().rstrip(".!:") in generic:
            return True
    return False


def _locate(post: Post, tok: Any, needle: str, cursor: int = 0) -> tuple[int, int, int]:
    """Line and column of `needle` in the block's source from offset `cursor` on (links are
    met in order, so the same text twice is found twice), and the offset after it; a space
    in `needle` may be a line break there. Not found: the block's first line."""
    start = post.token_line(tok)
    end = min((tok.map[1] if tok.map else 1) + post.body_start_line - 1, len(post.lines))
    source = "\n".join(post.lines[start - 1 : end])
    pattern = r"[ \t]*\n?[ \t]*".join(re.escape(part) for part in needle.split(" "))
    m = re.compile(pattern).search(source, cursor)
    if m is None:
        return start, 1, cursor
    row_start = source.rfind("\n", 0, m.start()) + 1
    return start + source.count("\n", 0, m.start()), m.start() - row_start + 1, m.end()


def _anchor_findings(path: str, link: Link, known: frozenset[str] | None, fragment: str, where: str) -> Iterator[Finding]:
    """``known`` is None when the target could not be parsed: nothing to compare against."""
    frag = unquote(fragment)
    if known is None or frag in ("", "top") or frag in known:
        return
    yield _finding(path, link, "LK004", f"no heading or id '#{frag}' in {where}")


@fast_pickle
@dataclass(frozen=True, slots=True)
class LinkFacts:
    """What check_site needs from one post (picklable, cached with the post's content)."""

    path: str
    resolved: str
    ok: bool
    slug: str | None
    anchors: frozenset[str]
    links: tuple[Link, ...]
    url: str | None = None  # where Jekyll publishes the post (/2020/03/03/hello.html), when known
    date: str = ""  # the post's date (ISO), which decides whether Jekyll publishes it yet
    published: bool = True  # front matter published: false leaves it out of the site


_SITE_TARGETS = frozenset({Target.EXTERNAL, Target.POST_URL, Target.LIQUID_LINK, Target.PATH})


def collect(post: Post, ctx: Context) -> LinkFacts:
    """The links that need other posts, the disk or the network, plus this post's anchors,
    and what Jekyll makes of the post: its URL, its date, whether it is published."""
    links = tuple(link for link in extracted(post).links if resolve(link).target in _SITE_TARGETS) if post.ok else ()
    resolved = real_path(post)  # realpath: a symlink loop does not raise
    site = post_site(post)  # looked up once: the URL, the defaults and the date need it
    defaults = site.post_defaults(Path(resolved)) if site is not None else {}
    when = jekyll.post_date(post.front_matter, post.name_date, site)
    return LinkFacts(
        post.display_path, resolved, post.ok, _data_slug(post), anchors(post) if post.ok else frozenset(), links,
        _published_at(post, Path(resolved), site), when.isoformat() if when else "",
        post.front_matter.get("published", defaults.get("published")) is not False,
    )


def _data_slug(post: Post) -> str | None:
    """Jekyll's data["slug"]: the `slug:` key, else the file name's (`||=`: nil or false
    gives way); one that is not text matches no post_url name."""
    given = post.front_matter.get("slug")
    if given is None or given is False:
        return post.slug
    return given if isinstance(given, str) else None


def _published_at(post: Post, resolved: Path, site: jekyll.SiteConfig | None) -> str | None:
    """The file's URL on the built site, against which its relative links resolve: a Jekyll
    post's (under _posts/ of a folder with a site config) or a page's (front matter, outside
    `_` folders) whose permalink can be worked out; else None (judged from the source folder)."""
    if not post.ok or site is None:
        return None
    if "_posts" in resolved.parts:
        return jekyll.post_url(resolved, post.front_matter, post.name_date, post.slug, site)
    if post.fm_format is None and not site.renders_plain_markdown:
        return None  # copied as it is: its links are never rendered
    return jekyll.page_url(resolved, post.front_matter, site)


class _SiteIndex:
    """Posts by Jekyll name and by path, and the site root, for post_url/link/path lookups.

    Names and paths come from the site's file list; a post's facts (anchors) are fetched
    only when a link targets it, so one post linting against 10,000 reads a handful.
    """

    def __init__(self, linted: Iterable[LinkFacts], ctx: Context, site: Any = None) -> None:
        self._facts: dict[str, LinkFacts] = {p.resolved: p for p in linted}
        self._site = site
        paths = dict.fromkeys(site.keys if site is not None else ())
        paths.update(dict.fromkeys(self._facts))
        self.by_name: dict[str, list[str]] = {}
        for resolved in paths:
            stem = os.path.splitext(os.path.basename(resolved))[0]
            self.by_name.setdefault(stem, []).append(resolved)
        self.ctx = ctx
        self._roots: dict[str, Path] = {}  # by the post's folder
        self._pages: dict[Path, _Pages] = {}  # by site root: its pages, read once
        self._declared: dict[Path, dict[Path, str]] = {}  # by site root: each such page's permalink
        self._renamed_posts: list[str] | None = None
        self._by_slug: dict[str, list[str]] | None = None  # file name slug -> posts, built when first asked
        self._by_day: dict[str, list[str]] | None = None  # file name date -> posts, likewise
        self._other_posts: dict[Path, tuple[str, ...]] = {}  # by collections folder: posts not in Markdown

    def facts(self, resolved: str) -> LinkFacts | None:
        found = self._facts.get(resolved)
        if found is None and self._site is not None:
            result = self._site.get(resolved)
            found = getattr(result, "facts", {}).get(NAME) if result is not None else None
            if found is not None:
                self._facts[resolved] = found
        return found

    def post_url(self, name: str) -> LinkFacts | None:
        """Jekyll's post_url: 'YYYY-MM-DD-slug', optionally with folders, which its matcher
        takes from either side of `_posts`: 'news/2019-...' is _posts/news/ or news/_posts/.

        As PostComparer matches the post's path from the collections folder, a name without
        folders finds only a post right in the site's `_posts/` (one in `blog/_posts/` or
        `_posts/2019/` is left to the deprecated matching, by its own date)."""
        *dirs, stem = name.strip("/").split("/")
        named = jekyll.post_url_pattern(name.strip("/"))
        for resolved in self.by_name.get(stem, ()):
            if "_drafts" in Path(resolved).parts or not _read_as_post(resolved):
                continue  # post_url never names a draft, nor a post in a folder Jekyll skips: the build stops
            rel = _collection_path(resolved)
            if rel is not None:
                if named is not None and named.match(rel):
                    return self.facts(resolved)
                continue
            parents = Path(resolved).parent.parts  # no site config: where the site starts is unknown
            if not dirs or parents[-len(dirs):] == tuple(dirs) or parents[-len(dirs) - 1 :] == (*dirs, "_posts"):
                return self.facts(resolved)
        return None

    def deprecated_post_url(self, name: str) -> LinkFacts | None:
        """The post Jekyll still finds for a post_url name that matches no post's file name,
        by its deprecated matching (PostComparer#deprecated_equality, with a warning): the same
        slug on the same day, however the date is written ('2020-1-2-b' for 2020-01-02-b.md)."""
        wanted = jekyll.post_url_day_slug(name)
        if wanted is None:
            return None
        day, slug = wanted[0].isoformat(), wanted[1]
        # by the file name's slug, then (a `slug:` key) among the posts named for that day
        for resolved in dict.fromkeys((*self.with_slug(slug), *self.named_on(day))):
            if "_drafts" in Path(resolved).parts or not _read_as_post(resolved):
                continue
            facts = self.facts(resolved)
            if facts is not None and facts.date == day and facts.slug == slug:  # data["slug"], `slug:` first
                return facts
        return None

    def named_on(self, day: str) -> list[str]:
        """The posts whose file name has this date (ISO), indexed once as `with_slug`."""
        if self._by_day is None:
            self._by_day = {}
            for paths in self.by_name.values():
                for resolved in paths:
                    named = parse_name(Path(resolved))[0]
                    if named is not None:
                        self._by_day.setdefault(named.isoformat(), []).append(resolved)
        return self._by_day.get(day, [])

    def with_slug(self, slug: str) -> list[str]:
        """The posts whose file name has this slug (indexed once: a lookup per link made the
        site check quadratic, 45 s for 500 such links among 10,000 posts)."""
        if self._by_slug is None:
            self._by_slug = {}
            for paths in self.by_name.values():
                for resolved in paths:
                    self._by_slug.setdefault(parse_name(Path(resolved))[1], []).append(resolved)
        return self._by_slug.get(slug, [])

    def unlinted_post(self, linking: LinkFacts, name: str) -> bool:
        """Does a post_url name a post Jekyll builds that no lint reads, such as an `.html` or
        `.textile` file in `_posts`? (Its anchors are unknown, so only its being there counts.)"""
        named = jekyll.post_url_pattern(name.strip("/"))
        if named is None:
            return False
        return any(named.match(rel) for rel in self._unlinted(linking))

    def deprecated_unlinted_post(self, linking: LinkFacts, name: str) -> str | None:
        """The post_url name of a post no lint reads that Jekyll's deprecated matching finds
        for `name` (the same slug on the same day, here by its file name), or None."""
        wanted = jekyll.post_url_day_slug(name)
        if wanted is None:
            return None
        for rel in self._unlinted(linking):
            if parse_name(Path(rel))[:2] == wanted:
                return _name_from_parts(Path(rel).parts, Path(rel).stem, from_collections=True)
        return None

    def _unlinted(self, linking: LinkFacts) -> tuple[str, ...]:
        site = self.site_of(linking)
        collections = site.collections if site is not None else self.root_for(linking)
        found = self._other_posts.get(collections)
        if found is None:
            found = self._other_posts[collections] = _other_posts(collections)
        return found

    def root_for(self, post: LinkFacts) -> Path:
        folder = os.path.dirname(post.resolved)
        root = self._roots.get(folder)
        if root is None:
            configured = _option(self.ctx, "site_root")
            if configured:
                root = (self.ctx.root / str(configured)).resolve()
            else:
                root = _site_root(Path(post.resolved).parent, self.ctx.root.resolve())
            self._roots[folder] = root
        return root

    def path(self, post: LinkFacts, raw: str, absolute: bool, published: bool = False) -> Path | None:
        """The existing file a local link names, trying Jekyll's page forms for page-like paths.

        `published`: the path is a URL path of the built site, so files Jekyll does not
        publish (under `_data/`, `.github/` ...) do not count, and pages answer at their
        front matter `permalink` too."""
        rel = unquote(raw).lstrip("/") if absolute else unquote(raw)
        root = self.root_for(post)
        bases = [root] if absolute else [Path(post.resolved).parent, root]
        suffix = _extension(rel)
        for base in bases:
            target = (base / rel) if rel else base
            candidates = [target]
            if suffix in _PAGE_SUFFIXES:
                stem = target.with_suffix("") if suffix else target
                candidates += [stem.with_suffix(".md"), stem.with_suffix(".markdown"), stem / "index.html", stem / "index.md"]
            elif suffix == ".css":  # jekyll-sass-converter writes main.css from main.scss (front matter first)
                candidates += [c for c in (target.with_suffix(".scss"), target.with_suffix(".sass")) if _has_front_matter(c)]
            for candidate in candidates:
                if candidate.exists() and not (published and (self._unpublished(root, candidate) or self._moved(root, candidate, rel)
                                                              or self.folder_url(root, candidate, rel) is not None
                                                              or self.elsewhere(root, candidate, rel) is not None
                                                              or candidate is not target and _copied_as_is(candidate))):
                    return candidate
        if absolute and published:
            page = self._permalinks(root).get(_page_key(rel))
            if page is not None and _same_url("/" + rel, self._site_pages(root).written[page]):
                return page
        if absolute and published:
            return self._post_at(rel)  # a post permalink such as /2019/01/02/hello.html (or .../node.js)
        return None

    def site_of(self, post: LinkFacts) -> jekyll.SiteConfig | None:
        return jekyll.nearest_site(self.root_for(post) / "_")

    def baseurl(self, post: LinkFacts) -> str:
        site = self.site_of(post)
        return site.baseurl if site is not None else ""

    def _unpublished(self, root: Path, file: Path) -> bool:
        """Is `file` one Jekyll leaves out of the site (jekyll.SiteConfig.published)?"""
        try:
            rel = file.relative_to(root).as_posix()
        except ValueError:
            return False
        site = jekyll.nearest_site(root / "_")  # the config of the site folder (site_of)
        if site is not None and not site.published(rel):
            return True
        return file.suffix.lower() in _PAGE_FILES and os.path.realpath(file) in self._site_pages(root).hidden

    def why_hidden(self, post: LinkFacts, file: Path, value: str) -> str:
        """Why Jekyll leaves the site file `file` (linked as `value`) out of the site."""
        if os.path.realpath(file) in self._site_pages(self.root_for(post)).hidden:
            return "that page sets `published: false`"
        return _why_hidden(value)

    def linkable(self, post: LinkFacts, file: Path) -> bool:
        """Can {% link %} name this file: a post (under _posts/), or a file Jekyll publishes?"""
        root = self.root_for(post)
        try:
            parts = Path(os.path.realpath(file)).relative_to(root).parts
        except ValueError:
            return True
        return "_posts" in parts or not self._unpublished(root, root.joinpath(*parts))

    def _post_at(self, rel: str) -> Path | None:
        """The post published at URL path /rel: its slug finds the candidates, its URL decides
        (/2020/03/01/other.html, or /2020/03/01/other as servers answer it; not another date
        nor the pretty form of a .html URL). A post whose URL is unknown matches by slug.
        Posts whose URL does not end in their file name's slug (a `slug:` or `permalink:` in
        front matter or defaults, a name Jekyll slugifies: 'My Title.md' at My-Title.html)
        are then compared by URL too, as Jekyll serves them there."""
        if not rel.strip("/"):
            return None  # the site's root is no post
        wanted = "/" + rel
        parts = rel.rstrip("/").rsplit("/", 2)
        last = parts[-2] if parts[-1] in ("index.html", "index.htm") and len(parts) > 1 else parts[-1]  # pretty: .../one/index.html
        slug = last[: -len(Path(last).suffix)] if Path(last).suffix.lower() in (".html", ".htm") else last
        for resolved in self.with_slug(slug):
            if "_posts" not in Path(resolved).parts or not _read_as_post(resolved):
                continue  # a page linted with the posts (lint .) is no post, nor one in an excluded folder
            facts = self.facts(resolved)
            url = facts.url if facts is not None else None
            if (url is None or _same_url(wanted, url)) and not (facts is not None and _left_out(facts)):
                return Path(resolved)  # a post Jekyll leaves out (unpublished, future) is at no URL
        for resolved in self._renamed():
            facts = self.facts(resolved)
            if facts is not None and facts.url is not None and _same_url(wanted, facts.url) and not _left_out(facts):
                return Path(resolved)
        return None

    def _renamed(self) -> list[str]:
        """Posts whose URL may not end in their file name's slug, found once per run from the
        file names and front matter heads, so a one-post run loads the facts of these alone."""
        if self._renamed_posts is None:
            self._renamed_posts = [
                resolved for paths in self.by_name.values() for resolved in paths
                if "_posts" in Path(resolved).parts and _may_be_renamed(Path(resolved))
            ]
        return self._renamed_posts

    def permalink_of(self, post: LinkFacts, page: Path) -> str | None:
        """The permalink a page declares, as written in its front matter, if it declares one."""
        return self._site_pages(self.root_for(post)).written.get(page)

    def elsewhere(self, root: Path, page: Path, rel: str) -> str | None:
        """The URL a page without a permalink of its own is served at, when URL path `rel`
        misses it (about.md is at /about.html under the date style: /about/ is a 404)."""
        if page.suffix.lower() not in _PAGE_FILES or page in self._declared_map(root) or not _has_front_matter(page):
            return None
        site = jekyll.nearest_site(root / "_")
        url = jekyll.page_url(page, {}, site) if site is not None else None
        return url if url is not None and not _same_url("/" + rel, url) else None

    def folder_url(self, root: Path, page: Path, rel: str) -> str | None:
        """The URL a page is served at when URL path `rel` (about.html) misses it because the
        site's permalink style ends in '/' (pretty): Jekyll then writes about.md, and an
        about.html with front matter, to /about/ alone. None when `rel` reaches the page."""
        if not rel.lower().endswith((".html", ".htm")) or page.suffix.lower() not in (".md", ".markdown", ".html", ".htm"):
            return None
        site = jekyll.nearest_site(root / "_")
        style = site.page_style if site is not None else "date"  # pages follow the site's style, not the posts' own
        if not (style == "pretty" or (style not in jekyll.STYLES and style.endswith("/"))):
            return None
        if page.stem == "index" or page in self._declared_map(root) or not _has_front_matter(page):
            return None  # index pages keep index.html; a static file is copied as it is
        try:
            folder = page.parent.relative_to(root).as_posix()
        except ValueError:
            return None
        return "/" + (folder + "/" if folder != "." else "") + page.stem + "/"

    def _moved(self, root: Path, page: Path, rel: str) -> bool:
        """Does this page declare a permalink other than URL path `rel` (about.md at /about/
        is not at /about.html)?"""
        if page.suffix.lower() not in (".md", ".markdown", ".html", ".htm"):
            return False  # a static file is served where it lies
        written = self._site_pages(root).written.get(page)
        return written is not None and not _same_url("/" + rel, written)

    def _declared_map(self, root: Path) -> dict[Path, str]:
        declared = self._declared.get(root)
        if declared is None:
            declared = self._declared[root] = {}
            for key, page in self._permalinks(root).items():
                declared.setdefault(page, key)  # the permalink as declared, not its /index.html form
        return declared

    def _permalinks(self, root: Path) -> dict[str, Path]:
        """Pages that set a `permalink` in their front matter, by the URL it gives (about/
        for /about/): read once per run, when a root-absolute link first needs it."""
        return self._site_pages(root).permalinks

    def _site_pages(self, root: Path) -> _Pages:
        found = self._pages.get(root)
        if found is None:
            found = self._pages[root] = _site_pages(root)
        return found


_LINTED_EXTS = MARKDOWN_EXTS - {".txt"}  # what discovery reads as posts


def _other_posts(collections: Path) -> tuple[str, ...]:
    """Paths from the collections folder of the dated files in `_posts` folders that are not
    Markdown (`_posts/2020-01-02-h.html`): Jekyll builds them as posts; lint reads none."""
    found = []
    for folder, dirs, files in os.walk(collections):
        dirs[:] = [d for d in dirs if d not in _NOT_SITE and (d == "_posts" or not d.startswith(("_", ".")))]
        rel = Path(folder).relative_to(collections)
        if "_posts" in rel.parts:
            found += [(rel / f).as_posix() for f in files
                      if os.path.splitext(f)[1].lower() not in _LINTED_EXTS and parse_name(Path(f))[0] is not None]
    return tuple(found)


def _post_url_name(resolved: str) -> str:
    """The name a post_url gives a post: its folders on one side of `_posts` (from the
    collections folder: `blog/_posts/x.md` and `_posts/blog/x.md` are both 'blog/x')."""
    rel = _collection_path(resolved)
    return _name_from_parts(Path(rel).parts if rel is not None else Path(resolved).parts, Path(resolved).stem, rel is not None)


def _name_from_parts(parts: tuple[str, ...], stem: str, from_collections: bool) -> str:
    at = len(parts) - 1 - parts[::-1].index("_posts")
    before = parts[:at] if from_collections else ()
    return "/".join((*(before or parts[at + 1 : -1]), stem))


def _collection_path(resolved: str) -> str | None:
    """A post's path from its site's collections folder (Jekyll's Document#relative_path), or
    None without a site config above it."""
    site = jekyll.nearest_site(Path(resolved))
    if site is None:
        return None
    try:
        return Path(resolved).relative_to(site.collections).as_posix()
    except ValueError:
        return None


def _read_as_post(resolved: str) -> bool:
    """Does Jekyll read this file as a post? Not when a folder on its way from the site's
    collections folder down to `_posts` is one Jekyll skips (`exclude: [archive]`,
    `_old/_posts`): a whole-site lint finds those files, Jekyll never does."""
    folder = os.path.dirname(resolved)
    site = jekyll.nearest_site(Path(folder, "_"))
    if site is None:
        return True
    try:
        rel = Path(folder).relative_to(site.collections).parts
    except ValueError:
        return True
    if "_posts" not in rel:
        return True
    above = rel[: rel.index("_posts")]
    return not above or site.published("/".join(above))


def _extension(rel: str) -> str:
    """The file extension a URL path ends in, lower-cased; none for a folder URL
    (/2019/01/02/python-3.12-released/) or a dotted slug (python-3.12-released)."""
    if rel.endswith("/"):
        return ""
    suffix = Path(rel).suffix
    return suffix.lower() if re.fullmatch(r"\.[A-Za-z][A-Za-z0-9]{0,5}", suffix) else ""


def _toml_literal(text: str) -> str:
    """`text` as TOML writes it: a literal string ('...') unless it holds a quote."""
    if "'" not in text and "\n" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_PAGE_FILES = frozenset({".md", ".markdown", ".html", ".htm"})  # files whose front matter may unpublish them


def _copied_as_is(path: Path) -> bool:
    """A Markdown file without front matter: Jekyll copies it as it is (plain.md), so no
    plain.html or plain/index.html is made of it, unless the site renders such files."""
    if path.suffix.lower() not in (".md", ".markdown") or _has_front_matter(path):
        return False
    site = jekyll.nearest_site(path)
    return site is None or not site.renders_plain_markdown


def _has_front_matter(path: Path) -> bool:
    """Does Jekyll render this file (front matter first), rather than copy it?"""
    try:
        with open(path, "rb") as fh:
            return fh.read(3) == b"---"
    except OSError:
        return False


def _same_url(wanted: str, url: str) -> bool:
    """Does the URL path a link asks for reach the post published at `url`?"""
    extensionless = not url.endswith("/") and not Path(url).suffix  # /blog/:title: Jekyll writes one.html
    return wanted in (url, url.removesuffix(".html"), url.rstrip("/"), url + "index.html") or (extensionless and wanted == url + ".html")


_SETS_URL = re.compile(rb"^(?:permalink|slug)[ \t]*:", re.MULTILINE)


def _may_be_renamed(post: Path) -> bool:
    """Could Jekyll publish this post under another name than its file name's slug? Yes when
    its front matter (or the site's defaults for it) sets `slug` or `permalink`, or when
    Jekyll's slugify changes the name (spaces, punctuation)."""
    slug = parse_name(post)[1]
    if slug is None or jekyll.slugify(slug, pretty=True, cased=True) != slug:
        return True
    site = jekyll.nearest_site(post)
    if site is not None and {"slug", "permalink"} & site.post_defaults(post).keys():
        return True
    try:
        with open(post, "rb") as fh:
            head = fh.read(64 * 1024)
    except OSError:
        return False
    if not head.startswith(b"---"):
        return False
    end = re.search(rb"^(?:---|\.\.\.)[ \t]*\r?$", head[3:], re.MULTILINE)
    return _SETS_URL.search(head[3 : 3 + end.start()] if end else head) is not None


def _page_key(url: str) -> str:
    """/about/, /about and /about.html name one page."""
    url = url.strip("/")
    return url[:-5] if url.endswith(".html") else url


_NOT_SITE = frozenset({"node_modules", "vendor", "_site"})


@dataclass(frozen=True, slots=True)
class _Pages:
    """The site's pages as their front matter places them: by the fixed permalink they
    declare (about/ for /about/, feed.xml), and those `published: false` leaves out."""

    permalinks: dict[str, Path]
    hidden: frozenset[str]  # realpaths
    written: dict[Path, str]  # each such page's permalink as written, from the root ('/about', '/team/')


def _site_pages(root: Path) -> _Pages:
    """Pages under `root` (any file with front matter, outside `_`/`.` folders), read once."""
    from pipeline.frontmatter_parse import split_front_matter

    found: dict[str, Path] = {}
    hidden: set[str] = set()
    written: dict[Path, str] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(("_", ".")) and d not in _NOT_SITE]
        for name in files:
            path = Path(folder) / name
            try:
                with open(path, "rb") as fh:
                    if fh.read(3) != b"---":
                        continue
                    text = (b"---" + fh.read(1 << 20)).decode("utf-8", "replace")
            except OSError:
                continue
            data = split_front_matter(tuple(text.replace("\r\n", "\n").split("\n"))).data
            if data.get("published") is False:
                hidden.add(os.path.realpath(path))
            permalink = data.get("permalink")
            if isinstance(permalink, str) and permalink.strip() and ":" not in permalink:  # not a template
                found.setdefault(_page_key(permalink), path)
                written.setdefault(path, "/" + re.sub(r"/{2,}", "/", permalink.strip()).lstrip("/"))
                if permalink.strip().endswith("/"):  # written as /about/index.html, which a link may name
                    found.setdefault(_page_key(permalink.strip().strip("/") + "/index.html"), path)
    return _Pages(found, frozenset(hidden), written)


@functools.lru_cache(maxsize=1024)
def _site_root(folder: Path, fallback: Path) -> Path:
    """The Jekyll site a post belongs to: the nearest folder with _config.yml, else the parent of _posts."""
    for parent in (folder, *folder.parents):
        if any((parent / name).is_file() for name in jekyll.CONFIG_NAMES):
            return parent
    if "_posts" in folder.parts:
        return Path(*folder.parts[: folder.parts.index("_posts")])
    return fallback


@functools.lru_cache(maxsize=256)
def _has_site_config(root: Path) -> bool:
    return any((root / name).is_file() for name in jekyll.CONFIG_NAMES)


def summarize(facts: LinkFacts) -> LinkFacts:
    """A post of the site index is only a target: its own links are not checked."""
    return replace(facts, links=())


def check_site(facts: Mapping[str, LinkFacts | None], ctx: Context, client: LinkClient | None = None) -> Iterable[Finding]:
    """Links that need other posts, the disk or the network; ``client`` is for tests and embedding."""
    linted = [f for f in facts.values() if f is not None and f.ok]
    needs_site = any(not _plainly_external(link) and resolve(link).target is not Target.EXTERNAL
                     for post in linted for link in post.links)
    # Listing the site's posts costs a directory walk; only when a link needs it.
    index = _SiteIndex(linted, ctx, ctx.site if ctx.site is not None and needs_site else None)
    external: dict[str, list[tuple[LinkFacts, Link]]] = {}
    findings: list[Finding] = []
    excluded = _exclusion(ctx)
    online = bool(_option(ctx, "check_external")) and not ctx.offline  # else external links are not gathered
    for post in linted:
        for link in post.links:
            if excluded(link.url) or not online and _plainly_external(link):
                continue  # offline, such a link has no finding here: skip resolving it (a fresh Link, unpickled)
            res = resolve(link)
            if res.target is Target.EXTERNAL:
                if online:  # offline, their keys went unused (a fifth of an offline site check)
                    external.setdefault(_url_key(res, ctx), []).append((post, link))
            else:
                findings.extend(_internal(post, link, res, index, ctx))
    if external and online:
        findings.extend(_external(external, ctx, client))
    return findings


def _deprecated_match(post: LinkFacts, link: Link, value: str, name: str) -> Finding:
    return _finding(post.path, link, "LK002", f"post_url '{value}' names no post's file: Jekyll finds {name} only by "
                    f"its deprecated matching (slug and day) and warns; write {{% post_url {name} %}}", Severity.WARNING)


def _plainly_external(link: Link) -> bool:
    """Does `link` resolve to an external URL, or else to a malformed or skipped one (never a
    post, a file or an anchor here)? A cheap test on its text: an http(s) scheme and no Liquid.
    (tests/checks/test_links_plainly_external.py holds it to `resolve`.)"""
    url = link.url
    return (link.kind is not LinkKind.POST_URL and link.kind is not LinkKind.LIQUID_LINK
            and url[:8].lower().startswith(("http://", "https://")) and "{{" not in url and "{%" not in url)


def _internal(post: LinkFacts, link: Link, res: Resolved, index: _SiteIndex, ctx: Context) -> Iterator[Finding]:
    target: LinkFacts | None = None
    if res.target is Target.POST_URL:
        target = index.post_url(res.value)
        if target is None and (target := index.deprecated_post_url(res.value)) is not None:
            yield _deprecated_match(post, link, res.value, _post_url_name(target.resolved))
        if target is None:
            if index.unlinted_post(post, res.value):
                return
            name = index.deprecated_unlinted_post(post, res.value)  # an .html post in blog/_posts, say
            if name is not None:
                yield _deprecated_match(post, link, res.value, name)
            else:
                yield _finding(post.path, link, "LK002", f"post_url names no post: '{res.value}'")
            return
        left_out = _left_out(target)
        if left_out:
            yield _finding(post.path, link, "LK002", f"post_url names '{res.value}', which Jekyll {left_out}: the build stops")
            return
    elif res.target in (Target.LIQUID_LINK, Target.PATH):
        if not res.value:
            return
        absolute = res.target is Target.LIQUID_LINK or res.value.startswith("/")
        if res.target is Target.PATH and res.value.startswith("/") and not _has_site_config(index.root_for(post)):
            return  # a site page (/about/) can only be judged against the site's source, not posts alone
        if res.target is Target.LIQUID_LINK and res.value.startswith("./"):
            yield _finding(post.path, link, "LK003", f"{{% link %}} takes the path from the site folder: write "
                           f"'{res.value[2:]}', without './' (Jekyll stops the build on '{res.value}')")
            return
        if res.target is Target.PATH and absolute and not res.site_relative:
            base = index.baseurl(post)
            outside = _outside_baseurl(res.value, base)
            if outside is None:
                res = replace(res, value=(res.value[len(base) :] or "/") if base else res.value)  # from the site folder
            else:
                yield _finding(post.path, link, "LK003", outside)
                return
        file = None
        if res.target is Target.LIQUID_LINK:
            named = _from_collections_dir(index.site_of(post), res.value)
            if isinstance(named, str):
                yield _finding(post.path, link, "LK003", named)
                return
            file = named
        if not absolute and post.url is not None and not res.value.lower().endswith((".md", ".markdown")):
            # As a browser resolves it: against the post's URL (links to .md files are
            # rewritten by jekyll-relative-links, so those are judged as in the source).
            file, problem = _on_the_built_site(post, res.value, index)
            if problem:
                yield _finding(post.path, link, "LK012", problem)
                return
        file = file or index.path(post, res.value, absolute, published=res.target is Target.PATH and absolute)
        if file is None:
            source = index.path(post, res.value, True) if res.target is Target.PATH and absolute else None
            moved = index.permalink_of(post, source) if source is not None else None
            served = index.folder_url(index.root_for(post), source, res.value.lstrip("/")) if source is not None else None
            elsewhere = index.elsewhere(index.root_for(post), source, res.value.lstrip("/")) if source is not None else None
            if moved is not None:
                message = f"'{res.value}' is not on the built site: that page sets `permalink: {moved}`, so link to it there"
            elif served is not None:
                base = index.baseurl(post)
                message = (f"'{res.value}' is not on the built site: the site's permalink style ends in '/', so that "
                           f"page is served at {base}{served}; link to it there")
            elif elsewhere is not None:
                # jekyll serve answers /about/ with about.html; GitHub Pages does not
                local = " (jekyll serve answers it too, GitHub Pages does not)" if res.value.endswith("/") else ""
                message = (f"'{res.value}' is not on the built site{local}: that page is served at "
                           f"{index.baseurl(post)}{elsewhere}; link to it there")
            elif source is not None and _copied_as_is(source):
                shown = source.relative_to(index.root_for(post)).as_posix() if source.is_relative_to(index.root_for(post)) else source.name
                message = (f"'{res.value}' is not on the built site: '{shown}' has no front matter, so Jekyll copies it "
                           f"as it is (/{shown}) instead of making a page of it; start it with a --- block")
            elif source is not None:
                message = f"'{res.value}' is not on the built site: {index.why_hidden(post, source, res.value)}"
            else:
                # exclude holds regexes, in TOML: the pattern for this link alone, as a literal string
                hint = "" if res.target is Target.LIQUID_LINK else \
                    f" (if a plugin makes it, add {_toml_literal('^' + re.escape(link.url) + '$')} to [links] exclude)"
                message = f"no such file: '{res.value}' under {index.root_for(post)}{hint}"
            yield _finding(post.path, link, "LK003", message)
            return
        if res.target is Target.LIQUID_LINK and not index.linkable(post, file):
            yield _finding(post.path, link, "LK003", f"{{% link {res.value} %}} names a file Jekyll does not publish, "
                           f"so the build stops: {index.why_hidden(post, file, res.value)}")
            return
        target = index.facts(os.path.realpath(file))
        if res.target is Target.LIQUID_LINK:  # the tag matches a document's exact relative path, or the build stops
            stops = ("a folder, not a file" if file.is_dir() else
                     f"no file: the tag takes a file's own path, such as '{_shown(file, index.root_for(post))}'"
                     if res.value.endswith("/") or file.name != posixpath.basename(res.value) else
                     "a page or post with a leading '/' (the tag takes the path from the site folder as it is)"
                     if res.value.startswith("/") and _has_front_matter(file) else
                     f"a post Jekyll {left}" if target is not None and (left := _left_out(target)) else "")
            if stops:
                yield _finding(post.path, link, "LK003", f"{{% link {res.value} %}} names {stops}: the build stops")
                return
    if target is not None and res.fragment is not None and _option(ctx, "check_anchors"):
        yield from _anchor_findings(post.path, link, target.anchors if target.ok else None, res.fragment, f"'{Path(target.resolved).name}'")


def _from_collections_dir(site: jekyll.SiteConfig | None, value: str) -> Path | str | None:
    """Under `collections_dir`, {% link %} names a document (_posts/x.md) by its path from that
    folder, as Jekyll's Document#relative_path has it: the file so named, or the LK003 message
    for one named from the site folder (coll/_posts/x.md, which stops the build)."""
    if site is None or not site.collections_dir:
        return None
    first, _, rest = value.strip("/").partition("/")
    if first == site.collections_dir and rest.startswith("_"):
        return (f"{{% link {value} %}} names no document: under collections_dir: {site.collections_dir} a document "
                f"is named from that folder ('{rest}'), and Jekyll stops the build")
    candidate = site.collections / value
    return candidate if first.startswith("_") and candidate.is_file() else None


def _shown(file: Path, root: Path) -> str:
    return file.relative_to(root).as_posix() if file.is_relative_to(root) else file.name


def _why_hidden(value: str) -> str:
    first = value.strip("/").split("/", 1)[0]
    if first in ("_posts", "_drafts"):
        return "a post is published at its permalink, not under _posts/ (use {% post_url %} or {% link %})"
    return ("Jekyll leaves out files under folders starting with '_' or '.', and those `exclude` names "
            "(list it under `include` in _config.yml to publish it)")


def _left_out(target: LinkFacts) -> str:
    """Why Jekyll leaves a post out of the site ('' when it does not)."""
    if not target.published:
        return "does not publish (published: false)"
    site = jekyll.nearest_site(Path(target.resolved))
    if target.date and target.date > dt.date.today().isoformat() and not (site is not None and site.future):
        return f"leaves out until {target.date} (a future date; `future: true` in _config.yml publishes it)"
    return ""


def _outside_baseurl(value: str, base: str) -> str | None:
    """The LK003 message for a root-absolute link that misses the site's baseurl, else None."""
    if not base or value == base or value.startswith(base + "/"):
        return None
    return (f"'{value}' is outside the site, which is served under its baseurl {base}: link to "
            f"'{base}{value}', or write {{{{ '{value}' | relative_url }}}}")


def _on_the_built_site(post: LinkFacts, value: str, index: _SiteIndex) -> tuple[Path | None, str]:
    """(the file a relative link reaches on the built site, or None; the LK012 problem when
    it reaches a file only from the source folder). Neither: LK003 decides as usual."""
    assert post.url is not None
    base = index.baseurl(post)
    # As the browser resolves it, baseurl included: climbing above it leaves the site.
    full = posixpath.normpath(posixpath.join(base + jekyll.url_folder(post.url), unquote(value)))
    full += "/" if value.endswith("/") and not full.endswith("/") else ""
    inside = not base or full == base or full.startswith(base + "/")
    on_site = index.path(post, full[len(base) :] or "/", absolute=True, published=True) if inside else None
    if on_site is not None:
        return on_site, ""
    source = index.path(post, value, absolute=False)
    if source is None:
        return None, ""
    # The same target written from the site root, as the source folder or the root found it.
    root = index.root_for(post)
    here = Path(post.resolved).parent
    bases = [here.relative_to(root).as_posix()] if here.is_relative_to(root) else []
    slash = "/" if value.endswith("/") else ""
    # a page is named by the URL Jekyll gives it (/intro/ for `permalink: /intro/`), else as found from the root
    rooted = _page_url_of(source, index.site_of(post)) or next(
        (r for r in (posixpath.normpath(posixpath.join("/", b, unquote(value))).rstrip("/") + slash or "/" for b in [*bases, ""])
         if index.path(post, r, absolute=True, published=True) is not None), "")
    target = index.facts(os.path.realpath(source)) if not rooted else None
    if rooted:
        better = f"; link to '{{{{ '{rooted}' | relative_url }}}}'" if base else f"; link to '{rooted}'"
    elif target is not None and target.url is not None and "_posts" in source.parts:
        parts = source.parts
        name = "/".join((*parts[len(parts) - parts[::-1].index("_posts") : -1], source.stem))
        better = f"; that post is published at {base}{target.url}: link to it with {{% post_url {name} %}}"
    else:
        shown = os.path.relpath(os.path.normpath(source), root) if source.is_relative_to(root) else source
        better = f" (Jekyll does not publish '{shown}' at all)"
    kind = "post" if "_posts" in Path(post.resolved).parts else "page"
    return None, (f"'{value}' works from the source folder, but the {kind} is published at {base}{post.url}, so "
                  f"the browser asks for {full}, which the site does not have{better}")


def _page_url_of(file: Path, site: jekyll.SiteConfig | None) -> str | None:
    """The URL Jekyll serves the page `file` at (None: a post, a static file, or not known here)."""
    if site is None or "_posts" in file.parts or file.suffix.lower() not in _PAGE_FILES or not _has_front_matter(file):
        return None
    from pipeline.frontmatter_parse import split_front_matter

    try:
        text = file.read_bytes()[: 1 << 20].decode("utf-8", "replace")
    except OSError:
        return None
    return jekyll.page_url(file, split_front_matter(tuple(text.replace("\r\n", "\n").split("\n"))).data, site)


def _external(uses: Mapping[str, list[tuple[LinkFacts, Link]]], ctx: Context, client: LinkClient | None) -> Iterator[Finding]:
    verdicts = _check_urls(list(uses), ctx, client)
    for url, places in uses.items():
        verdict = verdicts.get(url)
        if verdict is None or verdict.ok:
            continue
        code, severity = _code_for(verdict)
        final = verdict.final_url
        detail = f" (after redirects to {final})" if final and final not in verdict.message else ""
        for post, link in places:
            yield _finding(post.path, link, code, f"{link.url}: {verdict.message}{detail}", severity)


def _code_for(verdict: Verdict) -> tuple[str, Severity]:
    from pipeline.net.verdict import Kind, Reason

    if verdict.reason is Reason.PRIVATE:
        return "LK007", Severity.WARNING
    if verdict.kind is Kind.WARNING:
        return "LK006", Severity.WARNING
    if verdict.reason is Reason.ANCHOR:
        return "LK008", Severity.ERROR
    return "LK005", Severity.ERROR


def _url_key(res: Resolved, ctx: Context) -> str:
    """The URL as checked, once however it is spelt: HTTP://Example.com:80 is http://example.com/."""
    url = res.value if _option(ctx, "check_anchors") else res.value.partition("#")[0]
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return url  # the client reports it as invalid, as written
    if host is None:
        return url
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}.get(scheme)
    user = parts.netloc.rpartition("@")[0]
    shown = f"[{host}]" if ":" in host else host
    netloc = (f"{user}@" if user else "") + shown + (f":{port}" if port is not None and port != default else "")
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment)) + ("#" if url.endswith("#") else "")


def stream(ctx: Context) -> _Prefetch | None:
    """External links go on the network as each post is read, not after the last one (Checker.stream)."""
    return None if ctx.offline or not _option(ctx, "check_external") else _Prefetch(ctx)


class _Prefetch:
    """The run's link stream: fed each linted post's external URLs, joined by check_site."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._stream: LinkStream | None = None
        self._store: VerdictStore | None = None

    def feed(self, facts: LinkFacts | None) -> None:
        if facts is None or not facts.ok:
            return
        ctx = self._ctx
        excluded = _exclusion(ctx)
        urls = [_url_key(res, ctx) for link in facts.links
                if not excluded(link.url) and (res := resolve(link)).target is Target.EXTERNAL]
        if urls:
            self._open().add(urls)

    def warm(self) -> None:
        """Get the client ready (requests imported, session built) before the first URL
        comes, without starting a thread (the runner calls it once its workers are forked)."""
        warm = getattr(self._open(), "warm", None)
        if warm is not None:
            warm()

    def results(self, urls: list[str]) -> Mapping[str, Verdict]:
        stream = self._open()
        stream.add(urls)
        return stream.results()

    def _open(self) -> LinkStream:
        if self._stream is None:
            from pipeline.net.verdict import start_stream

            client, self._store = _client(self._ctx)
            self._stream = start_stream(client)
        return self._stream

    def close(self) -> None:
        try:
            if self._stream is not None:
                self._stream.close()
        finally:
            if self._store is not None:
                self._store.close()


def _check_urls(urls: list[str], ctx: Context, client: LinkClient | None) -> Mapping[str, Verdict]:
    if client is not None:
        return client.check(urls)
    if isinstance(ctx.stream, _Prefetch):
        return ctx.stream.results(urls)
    client, store = _client(ctx)
    try:
        return client.check(urls)
    finally:
        if store is not None:
            store.close()


def _client(ctx: Context) -> tuple[LinkClient, VerdictStore | None]:
    """The requests client, behind the verdict cache unless --no-cache (or the cache cannot be opened)."""
    from pipeline.net.cache import CachedClient, VerdictStore
    from pipeline.net.client import RequestsClient
    from pipeline.net.verdict import Kind

    options = client_options(ctx.options, ctx)
    progress = ctx.progress
    inner = RequestsClient(options, progress=(lambda done, total, _url: progress(done, total)) if progress else None)
    if ctx.no_cache or ctx.cache_dir is None:
        return inner, None
    try:
        store = VerdictStore(ctx.cache_dir / "links.sqlite3")
    except Exception:  # noqa: BLE001 - an unusable cache (read-only disk ...) must not stop the lint
        return inner, None
    failures = float(_option(ctx, "cache_max_age_failures"))
    ages = {Kind.OK: float(_option(ctx, "cache_max_age")), Kind.WARNING: failures, Kind.ERROR: failures}
    return CachedClient(inner, store, namespace=options.fingerprint(), max_age=ages), store
