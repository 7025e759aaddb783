"""What Jekyll itself decides about a post: the site's `_config.yml`, its `defaults`, and
the post's URL on the built site.

Read from the nearest `_config.yml` (`.yaml`, `.toml`), cached per file and stamp; the
lint cache's keys cover the same files (`runner.site_config_salt`), so cached verdicts
follow edits. Permalinks follow jekyll/lib/jekyll/document.rb and drops/url_drop.rb.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import os
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_NAMES = ("_config.yml", "_config.yaml", "_config.toml")  # the order Jekyll looks in
# Jekyll's built-in permalink styles (Jekyll::Utils / Document#permalink_template).
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_PLACEHOLDER = re.compile(r":([a-z_]+)")
_LEGACY_TYPES = {"post": "posts", "page": "pages", "draft": "drafts"}  # Jekyll still accepts these
DEFAULT_EXCLUDE = (".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules",
                   "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/")


def _matches(patterns: tuple[str, ...], path: str, name: str | None = None) -> bool:
    """EntryFilter#glob_include?: a pattern matches the path from the site folder as a glob
    or as its prefix (a plain string prefix, as Ruby's start_with?: notes also hides notesx).
    `include` is tried on the bare `name` too (EntryFilter#included?); `exclude` is not, so
    `exclude: [notes.txt]` keeps docs/notes.txt."""
    match = _matcher(patterns)
    return match(path) or (name is not None and match(name))


@functools.lru_cache(maxsize=64)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """One compiled test for a pattern list: it runs for every folder of a site walk."""
    globs = re.compile("|".join(fnmatch.translate(p) for p in patterns)) if patterns else None
    slashed = frozenset(patterns)

    def match(path: str) -> bool:
        return bool(patterns) and (path.startswith(patterns) or path + "/" in slashed or globs.match(path) is not None)  # type: ignore[union-attr]
    return match


def slugify(text: str, pretty: bool = False, cased: bool = False) -> str:
    """Jekyll's Utils.slugify in its default and "pretty" modes: runs of other characters
    than letters, marks and digits (and, pretty, `._~!$&'()+,;=@`) become one '-'."""
    keep = re.escape("._~!$&'()+,;=@") if pretty else ""
    slug = re.sub(rf"(?:[^\w{keep}]|_)+" if not pretty else rf"[^\w{keep}]+", "-", text).strip("-")
    return slug if cased else slug.lower()


@dataclass(frozen=True, slots=True)
class Default:
    """One `defaults` entry: scope path and type, and the values it sets."""

    path: str
    type: str | None
    values: Mapping[str, Any]

    def applies_to_post(self, rel: str, collections_dir: str = "") -> bool:
        """Does it set values for the post at `rel` (its path from the collections folder)?
        As FrontmatterDefaults#applies?: the type (old singular names too), and the path as a
        prefix, or as a glob (`_posts/*`) one of whose matches is a prefix."""
        if self.type is not None and _LEGACY_TYPES.get(self.type, self.type) != "posts":
            return False
        scope = self.path.strip("/")
        if collections_dir and scope.startswith(collections_dir + "/"):
            scope = scope[len(collections_dir) + 1 :]  # a scope may name the posts with or without it
        return self._covers(scope, rel)

    def applies_to_page(self, rel: str) -> bool:
        """Does it set values for the page at `rel` (its path from the site folder)?"""
        return (self.type is None or _LEGACY_TYPES.get(self.type, self.type) == "pages") and self._covers(self.path.strip("/"), rel)

    @staticmethod
    def _covers(scope: str, rel: str) -> bool:
        if "*" not in scope:
            return rel.startswith(scope)
        want = scope.split("/")
        parts = rel.split("/")
        return len(parts) >= len(want) and all(fnmatch.fnmatchcase(p, w) for p, w in zip(parts, want))


@dataclass(frozen=True, slots=True)
class SiteConfig:
    root: Path
    permalink: str = "date"
    defaults: tuple[Default, ...] = ()
    baseurl: str = ""  # the site's path prefix when served below a domain's root (/blog)
    collections_dir: str = ""  # where _posts lives, when not in the site folder itself
    include: tuple[str, ...] = ()  # names Jekyll publishes although they start with '_' or '.'
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE  # Jekyll 4 adds its defaults to the site's own
    future: bool = False  # publish posts dated after the build
    timezone: str = ""  # the site's `timezone` (an IANA name); dates with an offset move into it
    markdown_input: str = "GFM"  # kramdown's `input`: GFM (Jekyll's default) makes GitHub-style ids
    # jekyll-optional-front-matter (GitHub Pages turns it on) renders Markdown without front
    # matter; plain Jekyll copies such a file as it is
    renders_plain_markdown: bool = False
    page_style: str = "date"  # the site's own `permalink`, which pages follow (posts' may be their collection's)
    auto_ids: bool = True  # kramdown's auto_ids: false gives headings no generated id
    auto_id_prefix: str = ""  # kramdown's auto_id_prefix, put before each generated heading id

    def published(self, rel: str) -> bool:
        """Does Jekyll copy or render the site file at `rel` (a path from the site folder)?
        EntryFilter's rules at every level of the path: not a name starting with '_', '.'
        or '#' or ending with '~', nor matching `exclude` (a glob, or a prefix), unless
        `include` names it."""
        parts = [p for p in rel.split("/") if p and p != "."]  # "." is the site folder itself
        for i, name in enumerate(parts):
            path = "/".join(parts[: i + 1])
            if _matches(self.include, path, name):
                continue
            if name.startswith(("_", ".", "#")) or name.endswith("~") or _matches(self.exclude, path):
                return False
        return True

    @property
    def collections(self) -> Path:
        return self.root / self.collections_dir if self.collections_dir else self.root

    def post_defaults(self, post: Path, scoped_only: bool = False) -> dict[str, Any]:
        """The values `defaults` give the post at `post`, the most specific scope last (winning);
        `scoped_only`: only those of entries scoped to a path (which a copy elsewhere loses)."""
        rel = post.relative_to(self.collections).as_posix() if post.is_relative_to(self.collections) else post.name
        entries = (d for d in self.defaults if d.applies_to_post(rel, self.collections_dir)
                   and (d.path.strip("/") or not scoped_only))
        merged: dict[str, Any] = {}
        for entry in sorted(entries, key=lambda d: len(d.path.strip("/"))):
            merged = deep_merge(merged, entry.values)
        return merged


def nearest_site(path: Path, depth: int = 6) -> SiteConfig | None:
    """The site a post belongs to: the nearest folder above it with a Jekyll config."""
    for config in _config_candidates(path.parent if path.parent != path else None, depth):
        if not os.access(config, os.F_OK):  # a missing file answered without an exception: half a failed stat
            continue
        try:
            st = os.stat(config)
        except OSError:  # gone since, or a dangling link
            continue
        return _read_config(config, (st.st_mtime_ns, st.st_size))
    return None


@functools.lru_cache(maxsize=1024)
def _config_candidates(folder: Path | None, depth: int) -> tuple[Path, ...]:
    """Where `nearest_site` looks, nearest first: `folder` and its parents, `depth` in all.
    Building the paths cost most of a look-up (a run makes three for each post), and they
    depend on the folder alone; the disk is asked again each time, as a config may come or go."""
    folders = (folder, *folder.parents) if folder is not None else ()
    return tuple(parent / name for parent in folders[:depth] for name in CONFIG_NAMES)


@functools.lru_cache(maxsize=64)
def _read_config(config: Path, _stamp: tuple[int, int]) -> SiteConfig:
    """The parts of a config the checks use; an unreadable config counts as an empty one
    (Jekyll itself would stop on it, and says why)."""
    try:
        data = _parse(config)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # YAMLError and TOMLDecodeError are ValueErrors here
        data = None
    if not isinstance(data, dict):
        return SiteConfig(config.parent)
    defaults = []
    entries = data.get("defaults")
    for entry in entries if isinstance(entries, list) else ():  # Jekyll builds on `defaults: 5` as if none
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope = entry.get("scope") if isinstance(entry.get("scope"), dict) else {}
        kind = scope.get("type")  # none: every type, posts and pages
        defaults.append(Default(str(scope.get("path") or ""), None if kind is None else str(kind), dict(entry["values"])))
    permalink = page_style = data.get("permalink")
    collections = data.get("collections")
    posts = collections.get("posts") if isinstance(collections, dict) else None
    if isinstance(posts, dict) and isinstance(posts.get("permalink"), str) and posts["permalink"]:
        permalink = posts["permalink"]  # the posts collection's own setting wins
    baseurl = data.get("baseurl")
    collections_dir = data.get("collections_dir")
    return SiteConfig(
        config.parent, permalink if isinstance(permalink, str) and permalink else "date", tuple(defaults),
        "/" + baseurl.strip("/") if isinstance(baseurl, str) and baseurl.strip("/") else "",
        collections_dir.strip("/") if isinstance(collections_dir, str) else "",
        _names(data.get("include")), tuple(dict.fromkeys(DEFAULT_EXCLUDE + _names(data.get("exclude")))),
        data.get("future") is True, str(data.get("timezone") or ""),
        str(kramdown.get("input") or "GFM") if isinstance(kramdown := data.get("kramdown"), dict) else "GFM",
        _renders_plain_markdown(config.parent, _names(data.get("plugins")) + _names(data.get("gems"))),
        page_style if isinstance(page_style, str) and page_style else "date",
        kramdown.get("auto_ids") is not False if isinstance(kramdown, dict) else True,
        str(kramdown.get("auto_id_prefix") or "") if isinstance(kramdown, dict) else "",
    )


_OPTIONAL_FRONT_MATTER = ("jekyll-optional-front-matter", "github-pages")


def _renders_plain_markdown(root: Path, plugins: tuple[str, ...]) -> bool:
    """Does the site render Markdown files without front matter: the plugin named in the
    config, or it or the github-pages gem (which turns it on) in the Gemfile?"""
    if any(name in _OPTIONAL_FRONT_MATTER for name in plugins):
        return True
    try:
        gemfile = (root / "Gemfile").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(re.search(rf"""^\s*gem\s+['"]{name}['"]""", gemfile, re.MULTILINE) for name in _OPTIONAL_FRONT_MATTER)


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(v).strip("/") for v in value if isinstance(v, (str, int))) if isinstance(value, list) else ()


def _parse(config: Path) -> Any:
    text = config.read_text(encoding="utf-8")
    if config.suffix == ".toml":
        import tomllib

        return tomllib.loads(text)
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None


def _categories(front_matter: Mapping[str, Any], post: Path, root: Path) -> list[str] | None:
    """The folders above `_posts` (from `root`, the collections folder), then `categories`
    and `category`, lower-cased and unique in order, as url_drop.rb joins them; None when a
    value is not a plain word list."""
    found: list[str] = []
    for key in ("categories", "category"):
        value = front_matter.get(key)
        if value is None:
            continue
        if isinstance(value, str):  # a singular `category` is one name, spaces and all (Web Dev)
            found += value.split() if key == "categories" else [value]
        elif isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
            found += [str(v) for v in value]
        else:
            return None
    rel = post.relative_to(root).parts if post.is_relative_to(root) else ()
    if "_posts" in rel:
        found = [*rel[: rel.index("_posts")], *found]
    return list(dict.fromkeys(c.lower() for c in found if c))


def defaults_for(post: Path) -> dict[str, Any]:
    """Every front matter value the site's `defaults` give this post."""
    site = nearest_site(post)
    return site.post_defaults(post) if site is not None else {}


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Jekyll's Utils.deep_merge_hashes: `over` wins, mappings merge all the way down, and an
    empty value (`layout:` with nothing after it) keeps the one it would replace."""
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        if value is None and key in merged:
            continue
        merged[key] = deep_merge(old, value) if isinstance(old, Mapping) and isinstance(value, Mapping) else value
    return merged


def path_defaults(post: Path) -> dict[str, Any]:
    """Front matter values that `defaults` scoped to a path give this post: a copy published
    elsewhere keeps them only if they are written into it."""
    site = nearest_site(post)
    return site.post_defaults(post, scoped_only=True) if site is not None else {}


def folder_categories(post: Path) -> list[str]:
    """The folders between the site's collections folder and the post's `_posts`, which
    Jekyll makes its first categories (blog/_posts/x.md: blog); none outside a site."""
    site = nearest_site(post)
    if site is None or not post.is_relative_to(site.collections):
        return []
    rel = post.relative_to(site.collections).parts
    for special in ("_posts", "_drafts"):  # categories_from_path, for posts and drafts alike
        if special in rel:
            return list(rel[: rel.index(special)])
    return []


_TIME = r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?(?:\s*(?P<ampm>[AaPp][Mm]))?"
_ZONE = r"(?P<tz>Z|UTC|GMT|UT|[ECMP][SD]T|[+-]\d{2}:?\d{2}|[+-]\d{1,2})"
# The North American zone names Ruby's Time.parse knows (Time::ZoneOffset), which Jekyll reads a date with.
_NAMED_ZONES = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MONTH = r"(?P<mon>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
_TAIL = rf"(?:[ T]\s*{_TIME})?(?:\s*{_ZONE})?$"
# The forms Ruby's Time.parse reads the same way as we do, so Jekyll files the post on the
# day computed here. Others it may read another way (01/02/2020 is 1 February to Ruby,
# 2 January to most readers) or refuse: those are FM011, "write YYYY-MM-DD".
_DATE_FORMS = tuple(re.compile(p, re.IGNORECASE) for p in (
    rf"^(?P<y>\d{{4}})-(?P<mo>\d{{1,2}})-(?P<d>\d{{1,2}}){_TAIL}",  # 2020-01-02 10:00:00 +0100, ...T10:00Z
    rf"^(?P<y>\d{{4}})/(?P<mo>\d{{1,2}})/(?P<d>\d{{1,2}}){_TAIL}",  # 2020/01/02
    rf"^{_WEEKDAY}{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}}){_TAIL}",  # January 2, 2020
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})\s+{_MONTH}\s+(?P<y>\d{{4}}){_TAIL}",  # Thu, 02 Jan 2020 10:00:00 GMT
))
_LEADING_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T]")
MAX_DATE_TEXT = 128  # Ruby's Date._parse refuses longer strings


def parse_datetime(value: Any) -> dt.datetime | None:
    """A front matter date as Jekyll files it: YYYY-MM-DD with an optional time (AM/PM too)
    and zone (+0100, Z, UTC, GMT), 2020/01/02, or the month by name (January 2, 2020; Thu,
    02 Jan 2020). A leading YYYY-MM-DD followed by more counts as that day, as Ruby's
    Time.parse reads it. None for anything else: not a date Jekyll is sure to read so."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = str(value).strip()
    if len(text) > MAX_DATE_TEXT:
        return None
    for form in _DATE_FORMS:
        m = form.match(text)
        if m:
            when = _from_match(m)
            if when is not None and when.tzinfo is None and getattr(value, "utc", False):
                return when.replace(tzinfo=dt.timezone.utc)  # a plain zoneless time: Psych's UTC (UtcTime)
            return when
    lead = _LEADING_DAY.match(text)  # "2023-01-29 18:30:22 2023 -0800": Ruby keeps its leading date
    if lead:
        try:
            return dt.datetime(int(lead.group(1)), int(lead.group(2)), int(lead.group(3)))
        except ValueError:
            return None
    return None


def _from_match(m: re.Match[str]) -> dt.datetime | None:
    parts = m.groupdict()
    month = int(parts["mo"]) if parts.get("mo") else _MONTHS.get(parts["mon"][:3].lower(), 0)
    hour, minute, second = int(parts["h"] or 0), int(parts["m"] or 0), int(parts["s"] or 0)
    if parts["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if parts["ampm"].lower() == "pm" else 0)
    try:
        return dt.datetime(int(parts["y"]), month, int(parts["d"]), hour, minute, second, tzinfo=_offset(parts["tz"]))
    except ValueError:
        return None


def _offset(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    if text.upper() in ("Z", "UTC", "GMT", "UT"):
        return dt.timezone.utc
    if text.upper() in _NAMED_ZONES:
        return dt.timezone(dt.timedelta(hours=_NAMED_ZONES[text.upper()]))
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    try:
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    except ValueError:  # beyond +-24 hours
        return None


def site_day(when: dt.datetime, site: SiteConfig | None) -> dt.date:
    """The calendar day Jekyll files a post under: a time with an offset is moved into the
    site's `timezone`. Without one, Jekyll uses the build machine's zone, unknown here, so
    the day is taken as written."""
    if when.tzinfo is None or site is None or not site.timezone:
        return when.date()
    try:
        from zoneinfo import ZoneInfo

        return when.astimezone(ZoneInfo(site.timezone)).date()
    except (KeyError, ValueError, OSError, OverflowError):  # an unknown zone; year 9999 + 9 hours
        return when.date()


def post_date(front_matter: Mapping[str, Any], name_date: dt.date | None, site: SiteConfig | None = None) -> dt.date | None:
    """The post's date: front matter `date` (as the site's time zone files it), else the file name's."""
    when = _date(front_matter, name_date)
    return site_day(when, site) if when is not None else None


def _date(front_matter: Mapping[str, Any], name_date: dt.date | None) -> dt.datetime | None:
    value = front_matter.get("date")
    when = parse_datetime(value) if value is not None and value != "" else None
    if when is not None:
        return when
    return dt.datetime(name_date.year, name_date.month, name_date.day) if name_date else None


def post_url(
    post: Path, front_matter: Mapping[str, Any], name_date: dt.date | None, slug: str | None, site: SiteConfig
) -> str | None:
    """The post's URL path on the built site (`/2020/03/03/hello.html`), or None when it
    cannot be known here: no date or slug, or a permalink placeholder this module does not
    model. The day may differ from Jekyll's for a `date` with a time near midnight in
    another time zone; the folders and name otherwise follow Jekyll's rules."""
    data = {**site.post_defaults(post), **front_matter}  # Jekyll merges defaults under the post's own
    # A style name (pretty) means a style only in _config.yml; in a post it is a literal URL.
    template = data.get("permalink") or STYLES.get(site.permalink, site.permalink)
    if not isinstance(template, str):
        return None
    when = _date(data, name_date)
    when = dt.datetime.combine(site_day(when, site), when.time()) if when is not None else None
    named = data.get("slug") or slug
    categories = _categories(data, post, site.collections)
    if when is None or not named or categories is None:
        return None
    stem = post.stem
    values = {
        "year": f"{when.year:04d}", "month": f"{when.month:02d}", "day": f"{when.day:02d}",
        "i_month": str(when.month), "i_day": str(when.day), "short_year": f"{when.year % 100:02d}",
        "hour": f"{when.hour:02d}", "minute": f"{when.minute:02d}", "second": f"{when.second:02d}",
        "y_day": f"{when.timetuple().tm_yday:03d}", "week": f"{when.isocalendar()[1]:02d}",
        "short_day": when.strftime("%a"), "long_day": when.strftime("%A"),
        "short_month": when.strftime("%b"), "long_month": when.strftime("%B"),
        "title": slugify(str(named), pretty=True, cased=True), "slug": slugify(str(named)), "name": slugify(stem),
        "categories": "/".join(categories), "output_ext": ".html",
    }
    unknown = [p for p in _PLACEHOLDER.findall(template) if p not in values]
    if unknown:
        return None
    url = _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    return "/" + re.sub(r"/{2,}", "/", url.replace("..", "/").replace("./", "")).lstrip("/")  # URL#sanitize_url


_PAGE_EXTENSIONS = frozenset({".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".mdown", ".mdwn", ".html", ".htm"})


def page_url(page: Path, front_matter: Mapping[str, Any], site: SiteConfig) -> str | None:
    """The URL path Jekyll 4.3 gives a page (a Markdown or HTML file with front matter
    outside the posts): a fixed `permalink` as written, else Page#template: /dir/ for an
    index page, else /dir/name plus the style's suffix (.html under date, ordinal and none,
    '/' under pretty or a style ending in '/'). None when it cannot be known here: a file
    Jekyll does not publish, a permalink with placeholders, or one `defaults` may give."""
    try:
        rel = page.relative_to(site.root).as_posix()
    except ValueError:
        return None
    if page.suffix.lower() not in _PAGE_EXTENSIONS or not site.published(rel):
        return None
    if any("permalink" in d.values and d.applies_to_page(rel) for d in site.defaults):
        return None
    permalink = front_matter.get("permalink")
    if permalink is not None and permalink != "":
        if not isinstance(permalink, str) or ":" in permalink:
            return None
        return "/" + re.sub(r"/{2,}", "/", permalink.strip()).lstrip("/")
    folder = posixpath.dirname(rel)
    path = "/" + (folder + "/" if folder else "")
    if page.stem == "index":
        return path
    style = site.page_style
    if style == "pretty" or style.endswith("/"):
        return path + page.stem + "/"
    return path + page.stem + (".html" if style in ("date", "ordinal", "none") or style.endswith(":output_ext") else "")


def url_folder(url: str) -> str:
    """The folder part of a URL path, against which a browser resolves relative links."""
    return url[: url.rfind("/") + 1] or "/"


def default_keys(post: Path) -> frozenset[str]:
    """Keys Jekyll fills in for this post from the nearest config's `defaults`."""
    return frozenset(defaults_for(post))


POST_URL_NAME = re.compile(r"^(.+/)*(\d+-\d+-\d+)-(.*)$")  # Jekyll's PostComparer::MATCHER: path, date, slug


def post_url_pattern(name: str) -> re.Pattern[str] | None:
    """What Jekyll's PostComparer matches a `{% post_url %}` name against: a post's path from
    the collections folder, `_posts/PATH DATE-SLUG.ext` or `PATH_posts/DATE-SLUG.ext`; None
    for a name it refuses. A post found no other way is left to the deprecated matching."""
    m = POST_URL_NAME.match(name)
    if m is None:
        return None
    path, stem = re.escape(m.group(1) or ""), re.escape(f"{m.group(2)}-{m.group(3)}")
    return re.compile(rf"_posts/{path}{stem}\.[^.]|{path}_posts/?{stem}\.[^.]")


def post_url_day_slug(name: str) -> tuple[dt.date, str] | None:
    """The day and slug Jekyll's deprecated post_url matching compares ('2020-1-2-b': 2 January
    2020, 'b'), or None for a name with no real date."""
    m = POST_URL_NAME.match(name.strip().lstrip("/"))
    if m is None:
        return None
    try:
        return dt.date(*map(int, m.group(2).split("-"))), m.group(3)
    except ValueError:
        return None

