"""Organise (pelican's middle step): which posts go out, under which name, with which fixes.

Pure: Posts and findings in, a Plan out. Reasons for holding a post back come in two
kinds: findings at or above the threshold (`--force` overrides them) and problems that
would break the Jekyll build or the output folder (nothing overrides those).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline import jekyll
from pipeline.checks.frontmatter import slug_problem
from pipeline.findings import Finding, Fix, Severity
from pipeline.fixes import accepted_fix
from pipeline.post import Post
from pipeline.publish.frontmatter import FrontMatterError
from pipeline.publish.normalize import NormalizeOptions, normalize


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """What decides publication: threshold, overrides and the normaliser's options."""

    threshold: Severity = Severity.ERROR
    force: bool = False
    drafts: bool = False
    fix_spelling: bool = False
    normalize: NormalizeOptions = NormalizeOptions()


@dataclass(frozen=True, slots=True)
class Output:
    """One post to publish: where it goes, its bytes and its manifest entry."""

    source: str
    relpath: str
    data: bytes
    entry: dict[str, Any]
    fixes: int
    # what Jekyll's fallback match for a `{% post_url %}` compares: the post's day (front
    # matter first, in the site's zone) and its slug (a `slug:` key first)
    day: str = ""
    slug: str = ""


@dataclass(frozen=True, slots=True)
class Held:
    """One post held back and why, in words the author can act on."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    outputs: tuple[Output, ...]
    held: tuple[Held, ...]


def is_draft(post: Post) -> str | None:
    """Why a post is a draft (Jekyll's two ways), or None."""
    if "_drafts" in post.path.parts:
        return "draft (under _drafts/)"
    if post.front_matter.get("published", jekyll.defaults_for(post.path.resolve()).get("published")) is False:
        return "draft (published: false)"  # its own, or from the site's `defaults`
    return None


def _unreadable(post: Post) -> str | None:
    """Why Jekyll could not build the post from this file, or None."""
    if not post.ok:
        return post.load_findings[0].message if post.load_findings else "the file cannot be read"
    if post.fm_format is None:
        return "no front matter (FM003): Jekyll would build it with no title or layout; add a --- block"
    if not post.fm_ok:
        return "its front matter cannot be read"
    return None


def _modified(post: Post) -> dt.datetime | None:
    """The file's mtime as Jekyll dates an undated draft by it, fraction included: in the site's
    `timezone` (Jekyll sets TZ to it before reading anything), else in this machine's zone.
    The time of day counts: it is page.date, orders a day's posts, fills :hour and :minute."""
    try:
        mtime = post.path.stat().st_mtime
    except OSError:
        return None
    site = jekyll.nearest_site(post.path.resolve())
    if site is not None and site.timezone:
        try:
            return dt.datetime.fromtimestamp(mtime, ZoneInfo(site.timezone))
        except (ValueError, ZoneInfoNotFoundError):
            pass  # a zone Jekyll would not know either; the machine's is the best guess
    return dt.datetime.fromtimestamp(mtime).astimezone()


_INCLUDE_RELATIVE = re.compile(r"\{%-?\s*include_relative\s+((?:[^%]|%(?!\}))*?)\s*-?%\}")


def _beside(post: Post) -> str | None:
    """Why the published copy would stop Jekyll's build by reading a file beside it, or None.

    `{% include_relative %}` reads from the post's own folder (code included: Liquid runs
    before Markdown; not in raw or comment blocks), and the published tree holds posts only."""
    if "include_relative" not in post.body:
        return None
    from pipeline.links_extract import liquid_text

    m = _INCLUDE_RELATIVE.search(liquid_text(post.body))
    if m is None:
        return None
    line = post.body_start_line + post.body.count("\n", 0, m.start())
    return (f"line {line}: its {{% include_relative {m.group(1)} %}} reads a file beside the post, which the published tree "
            "does not hold, and Jekyll would stop the build of the published site")


def _not_a_post(post: Post) -> str | None:
    """Why Jekyll never reads this file as a post of its site, or None: a folder starting
    with '_' other than `_posts` and `_drafts` holds a collection's documents (`_recipes`)
    or nothing Jekyll builds (`_private/_posts`, `_posts/_old`: EntryFilter skips them).
    (A dated file outside a site, such as posts/, is a post to publish.)"""
    path = post.path.resolve()
    site = jekyll.nearest_site(path)
    if site is None or not path.is_relative_to(site.collections):
        return None
    folders = path.relative_to(site.collections).parts[:-1]
    hidden = next((p for p in folders if p.startswith("_") and p not in ("_posts", "_drafts")), None)
    if hidden is not None:
        return f"it is under {hidden}/, which Jekyll reads as a collection or skips, never as posts; posts go in _posts/"
    magic = next((i for i, p in enumerate(folders) if p in ("_posts", "_drafts")), None)
    above = "/".join(folders[:magic])
    if above and not site.published(above):  # `exclude: [archive]`: EntryFilter skips archive/_posts too
        return f"it is under {above}/, which the site's exclude leaves out: Jekyll never builds it"
    return None


def check_slug(slug: str | None) -> str | None:
    """Why a slug cannot be a file name inside the output folder, or None when it can.

    The same rule lint reports as FM013 (`slug_problem`), so lint and publish agree."""
    if not slug:
        return "no slug: the file name gives none"
    return slug_problem(slug)


def _blocking(findings: Sequence[Finding], threshold: Severity) -> list[Finding]:
    if threshold is Severity.WARNING:
        return list(findings)
    return [f for f in findings if f.severity is Severity.ERROR]


def _finding_reason(blocking: Sequence[Finding], threshold: Severity) -> str:
    level = "error" if threshold is Severity.ERROR else "error or warning"
    shown = ", ".join(f"{f.code} at {f.line}:{f.col}" for f in blocking[:3])
    more = f" and {len(blocking) - 3} more" if len(blocking) > 3 else ""
    plural = "s" if len(blocking) != 1 else ""
    return f"{len(blocking)} {level} finding{plural} ({shown}{more}); --force publishes it anyway{_detail(blocking)}"


def _detail(findings: Sequence[Finding]) -> str:
    """Each finding on its own line as lint reports it: a code alone does not say what to change."""
    return "".join(f"\n    {f.path}:{f.line}:{f.col}: {f.code} {f.message}" for f in findings)


def _folders_above_posts(path: Path) -> list[str]:
    """The folders between the site's collections folder and the post's `_posts` (or
    `_drafts`). Outside a site, a published tree (its manifest is ours) is one: its
    blog/_posts/x.md stays there when the published tree is published again."""
    folders = jekyll.folder_categories(path)
    parts = path.parts[:-1]
    if folders or jekyll.nearest_site(path) is not None or "_posts" not in parts:
        return folders
    at = parts.index("_posts")
    root = next((i for i in range(at, max(at - 6, 0), -1) if _published_tree(Path(*parts[:i]))), None)
    return list(parts[root:at]) if root is not None else []


@functools.lru_cache(maxsize=64)
def _published_tree(folder: Path) -> bool:
    from pipeline.publish.writer import is_ours

    return is_ours(folder)


def published_path(source: Path, date: str, slug: str, dated: bool, folders: Sequence[str] = ()) -> str:
    """Where the copy goes in DIR: the source's name and extension, its folders inside
    `_posts`, and the site's `folders` above its `_posts` (or `_drafts`: blog/_posts), kept,
    so `{% link blog/_posts/2019/x.markdown %}` finds it and Jekyll converts (or copies) it
    as it did the source; an undated draft gets its date in front."""
    parts = source.parts
    inside = parts[len(parts) - 1 - parts[::-1].index("_posts") + 1 :] if "_posts" in parts[:-1] else (source.name,)
    if not dated:
        inside = (*inside[:-1], f"{date}-{slug}{source.suffix}")
    return "/".join((*folders, "_posts", *inside))


def _entry(relpath: str, data: bytes, fm: dict[str, Any], slug: str) -> dict[str, Any]:
    def strings(key: str) -> list[str]:
        return [str(v) for v in fm.get(key, [])]

    title = fm.get("title")
    return {"path": relpath, "title": None if title is None else str(title), "date": str(fm["date"]),
            "slug": slug, "tags": strings("tags"), "categories": strings("categories"),
            "sha256": hashlib.sha256(data).hexdigest()}


def _within(finding: Finding, fix: Fix) -> bool:
    """Does the finding's whole span lie in the text the fix replaces?"""
    start = (finding.line, finding.col)
    end = (finding.end_line or finding.line, finding.end_col or finding.col)
    return (fix.line, fix.col) <= start and end <= (fix.end_line, fix.end_col)


def plan_post(post: Post, findings: Sequence[Finding], opts: PlanOptions) -> Output | Held:
    source = post.display_path
    draft = is_draft(post)
    if draft and not opts.drafts:
        return Held(source, f"{draft}; --drafts publishes it")
    unreadable = _unreadable(post)
    if unreadable:
        # the errors in the front matter say where and why (Psych refuses ':happy', a bad indent)
        located = [f for f in findings if f.severity is Severity.ERROR and f.line <= post.fm_end_line] if post.ok \
            else list(post.load_findings[:1])
        return Held(source, f"cannot be published: {unreadable}{_detail(located)}")
    why = check_slug(post.slug)
    if why:
        return Held(source, f"cannot be published: {why}")
    beside = _not_a_post(post) or _beside(post)
    if beside:
        return Held(source, f"cannot be published: {beside}")
    if post.name_date is None and not draft and "_posts" in post.path.parts[:-1]:
        # Jekyll reads no post from it: a dated copy would add a post the site never had
        return Held(source, "cannot be published: Jekyll skips a file in _posts whose name has no YYYY-MM-DD- date")
    fixes = [fix for f in findings if (fix := accepted_fix(f, opts.fix_spelling)) is not None]
    dated_name = post.name_date is not None
    if draft and post.name_date is None and not post.front_matter.get("date"):
        post = replace(post, name_date=_modified(post))  # as Jekyll dates a draft: by its file's mtime
    try:
        result = normalize(post, fixes, opts.normalize)
    except FrontMatterError as exc:
        return Held(source, f"cannot be published: {exc}")
    # A finding whose fix was applied is gone from the published post, and so is one in text
    # an applied fix deleted (a typo in the paragraph HD003 removes): neither holds it back.
    applied = set(result.applied)
    deleted = [fix for fix in applied if not fix.replacement]
    blocking = [f for f in _blocking(findings, opts.threshold)
                if ((fix := accepted_fix(f, opts.fix_spelling)) is None or fix not in applied)
                and not any(_within(f, d) for d in deleted)]
    if blocking and not opts.force:
        return Held(source, _finding_reason(blocking, opts.threshold))
    relpath = published_path(post.path, result.date.isoformat(), str(post.slug), dated=dated_name,
                             folders=_folders_above_posts(post.path.resolve()))
    undecodable = next((c for c in relpath if "\udc80" <= c <= "\udcff"), None)  # os.fsdecode's stand-ins
    if undecodable is not None:
        return Held(source, f"cannot be published: its file name is not UTF-8 (byte 0x{ord(undecodable) - 0xDC00:02x}); "
                            "Jekyll would stop the build ('invalid byte sequence in UTF-8'): rename it")
    # A CRLF post stays CRLF: Jekyll's default excerpt separator "\n\n" never matches in it
    # (its excerpt is the whole post), and {% capture %} counts the CRs.
    data = (result.text.replace("\n", "\r\n") if post.crlf else result.text).encode("utf-8")
    day = jekyll.post_date(result.front_matter, post.name_date, jekyll.nearest_site(post.path.resolve()))
    slug = result.front_matter.get("slug")
    return Output(source, relpath, data, _entry(relpath, data, dict(result.front_matter), str(post.slug)),
                  len(result.applied), day.isoformat() if day else "", str(slug) if slug else str(post.slug))


def _tag_names(post: Post) -> set[str]:
    """What `{% post_url %}` and `{% link %}` may call the post: its name in `_posts`
    without the extension (`2020-01-02-b`, `2019/2020-01-02-b`), with the folder above
    `_posts` (`news/2020-01-02-b`), and its path from the site folder (`_posts/2020-01-02-b.md`)."""
    path = post.path.resolve()
    names = {path.stem}
    parts = path.parts
    if "_posts" in parts[:-1]:
        at = len(parts) - 1 - parts[::-1].index("_posts")
        inside = "/".join((*parts[at + 1 : -1], path.stem))
        names |= {inside, "/".join((*parts[at - 1 : at], inside))} if at > 0 else {inside}
        names.add("/".join(parts[at:]))  # {% link _posts/x.md %}, from a site folder with no _config.yml
    site = jekyll.nearest_site(path)
    if site is not None and path.is_relative_to(site.root):
        names.add(path.relative_to(site.root).as_posix())
    return names


def _liquid_targets(text: str) -> Iterator[tuple[str, str]]:
    """(tag, name) of each `{% post_url %}` and `{% link %}` in a post's text (code included:
    Liquid runs before Markdown)."""
    from pipeline.links_extract import LinkKind, Target, extract, resolve

    for link in extract(text).links:
        if link.kind in (LinkKind.POST_URL, LinkKind.LIQUID_LINK):
            res = resolve(link)
            if res.target in (Target.POST_URL, Target.LIQUID_LINK) and res.value:
                yield link.kind.value, res.value.strip("/")  # Jekyll drops a leading '/' in both tags


def _published(outputs: Iterable[Output]) -> Callable[[str, str], bool]:
    """Does a `{% post_url %}` or `{% link %}` name find its post in the published tree?

    A link names the post's path from the collections folder, which is its path in DIR; one
    to a site page or file is not the publisher's to check. A post_url matches as Jekyll's
    PostComparer does: `_posts/PATH DATE-SLUG.ext` or `PATH_posts/DATE-SLUG.ext`, else the
    deprecated match by the post's slug and day (front matter first, not the file name's)."""
    outs = list(outputs)
    relpaths = {o.relpath for o in outs}
    by_stem: dict[str, list[str]] = {}  # a post_url's DATE-SLUG is the file name without its extension
    days_slugs = {(o.day, o.slug) for o in outs}
    for o in outs:
        name = o.relpath.rsplit("/", 1)[-1]
        by_stem.setdefault(name.rsplit(".", 1)[0], []).append(o.relpath)

    def found(tag: str, name: str) -> bool:
        if tag == "link":
            return not {"_posts", "_drafts"} & set(name.split("/")[:-1]) or name in relpaths
        m = jekyll.POST_URL_NAME.match(name)
        named = jekyll.post_url_pattern(name)
        if m is None or named is None:
            return True  # Jekyll refuses the name itself, in the sources too (lint reports it)
        if any(named.match(r) for r in by_stem.get(f"{m.group(2)}-{m.group(3)}", ())):
            return True
        wanted = jekyll.post_url_day_slug(name)
        return wanted is None or (wanted[0].isoformat(), wanted[1]) in days_slugs
    return found


def _hold_dependents(outputs: dict[str, Output], held: list[Held], posts: Sequence[Post]) -> None:
    """Hold back each post whose `{% post_url %}` or `{% link %}` names a post held back, or
    one the run does not publish at all (some posts given, a link to a draft, which moves):
    Jekyll stops the whole build of the published site on a tag whose post is missing."""
    by_source = {post.display_path: post for post in posts}
    names = {source: _tag_names(post) for source, post in by_source.items()}
    missing = {name: h.source for h in held if h.source in names for name in names[h.source]}
    # Liquid runs in the body, never in the front matter; each body is read once
    tags = {key: targets for key, out in outputs.items()
            if "{%" in by_source[out.source].body and (targets := list(_liquid_targets(by_source[out.source].body)))}
    changed = True
    while changed:  # a post held back may leave others naming it: again until none is
        changed = False
        found = _published(outputs.values())
        for key in [k for k in tags if k in outputs]:
            hit = next(((tag, name, f"names {missing[name]}, which is held back") if name in missing
                        else (tag, name, "names no post of the published tree")
                        for tag, name in tags[key] if name in missing or not found(tag, name)), None)
            if hit is None:
                continue
            out = outputs.pop(key)
            tag, name, why = hit
            held.append(Held(out.source, f"cannot be published: its {{% {tag} {name} %}} {why}, "
                                         "and Jekyll would stop the build of the published site"))
            missing.update(dict.fromkeys(names.get(out.source, ()), out.source))
            changed = True


def plan(posts: Iterable[Post], findings: Sequence[Finding], opts: PlanOptions) -> Plan:
    """Decide every post in path order; a second post with the same output name is held
    back, and so is a post whose Jekyll tags name a post held back."""
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    outputs: dict[str, Output] = {}
    held: list[Held] = []
    posts = sorted(posts, key=lambda p: p.display_path)
    for post in posts:
        decided = plan_post(post, by_path.get(post.display_path, []), opts)
        if isinstance(decided, Output):
            key = decided.relpath.casefold()  # case-insensitive file systems would merge them
            if key in outputs:
                other = outputs[key].source
                held.append(Held(decided.source, f"cannot be published: {decided.relpath} is already taken by {other}"))
                continue
            outputs[key] = decided
        else:
            held.append(decided)
    _hold_dependents(outputs, held, posts)
    return Plan(tuple(sorted(outputs.values(), key=lambda o: o.relpath)), tuple(held))
