"""`pipeline publish`: checked posts -> a Jekyll `_posts/` tree in DIR, replaced atomically.

pelican's split: read (the lint run), organise (`plan`), write (`writer`). DIR belongs
to the publisher: it holds `_posts/YYYY-MM-DD-slug.md` (`blog/_posts/...` for a post under
a category folder) and `manifest.json`, and nothing else survives a run. A Jekyll site reads it with `collections_dir: <DIR>` in
its `_config.yml` (and `exclude: [<DIR>/manifest.json]`).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TextIO

from pipeline.config import Config
from pipeline.errors import ConfigError, UsageError
from pipeline.findings import Severity
from pipeline.registry import Option
from pipeline.runner import RunResult

if TYPE_CHECKING:
    from pipeline.fixer import Stamp

OPTIONS: Mapping[str, Option] = MappingProxyType({
    "threshold": Option("error", str, "lowest severity that holds a post back: 'error' or 'warning'", choices=("error", "warning")),
    "drafts": Option(False, bool, "publish drafts too (as --drafts does)"),
    "fix_spelling": Option(False, bool, "apply unambiguous spelling fixes (as --fix-spelling does)"),
    "default_layout": Option("", str, "layout written into posts that have none ('' leaves it to _config.yml defaults)"),
    "key_order": Option(["layout", "title", "date", "categories", "tags"], list,
                        "front matter keys written first, in this order; the others follow alphabetically"),
    "strip_trailing_whitespace": Option(True, bool, "remove trailing whitespace (never in code, HTML or hard breaks)"),
})


def prepare_options(options: dict[str, Any], root: Path, where: str) -> dict[str, Any]:
    """Check the values the type check cannot: the threshold word and the key names."""
    if options["threshold"] not in ("error", "warning"):
        raise ConfigError(f"{where}: 'threshold' must be 'error' or 'warning', got {options['threshold']!r}")
    if not all(isinstance(k, str) and k for k in options["key_order"]):
        raise ConfigError(f"{where}: 'key_order' must be a list of key names")
    return options


def _plan_options(section: Mapping[str, Any], args: argparse.Namespace) -> Any:
    from pipeline.publish.normalize import NormalizeOptions
    from pipeline.publish.plan import PlanOptions

    opts = {**{k: o.default for k, o in OPTIONS.items()}, **section}
    drafts = bool(getattr(args, "drafts", False) or opts["drafts"])
    return PlanOptions(
        threshold=Severity(opts["threshold"]),
        force=bool(getattr(args, "force", False)),
        drafts=drafts,
        fix_spelling=bool(getattr(args, "fix_spelling", False) or opts["fix_spelling"]),
        normalize=NormalizeOptions(tuple(opts["key_order"]), opts["default_layout"],
                                   opts["strip_trailing_whitespace"], drop_published=drafts),
    )


def _given(config: Config, args: argparse.Namespace) -> list[Path]:
    return [Path(p) for p in getattr(args, "paths", None) or ()] or [config.root / p for p in config.paths]


def _sources(result: RunResult, config: Config, args: argparse.Namespace) -> list[Path]:
    return [*_given(config, args), *result.files]


_JEKYLL_POST_NAME = re.compile(r"^\d{2,4}-\d{1,2}-\d{1,2}-[^/]*\.[^.]+$")  # Document::DATE_FILENAME_MATCHER


def _unread_posts(given: Sequence[Path], read: set[Path], exclude: Sequence[str], drafts: bool) -> list[str]:
    """Files in the given folders' `_posts` (and `_drafts`, with --drafts) that Jekyll builds as
    posts but the lint run did not read (2020-01-02-old.html, a .txt): held back by name, or
    the published site would lose them without a word."""
    from pipeline.runner import POST_EXTS, SKIP_DIRS, _excluded

    found: list[str] = []
    for root in given:
        if not root.is_dir():
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            parts = Path(folder).resolve().parts  # the folder given may be _posts itself
            magic = next((i for i, p in enumerate(parts) if p == "_posts" or (drafts and p == "_drafts")), None)
            if magic is None:
                continue
            if any(p.startswith("_") for p in parts[magic + 1 :]):
                continue  # _posts/_old: Jekyll skips it
            for name in sorted(files):
                path = Path(folder, name)
                if (os.path.splitext(name)[1].lower() in POST_EXTS or name.startswith((".", "_", "#")) or name.endswith("~")
                        or path in read or (exclude and _excluded(path, exclude))):
                    continue
                if parts[magic] == "_posts" and not _JEKYLL_POST_NAME.match(name):
                    continue  # Jekyll reads no post from it
                found.append(path.as_posix())
    return found


def run_publish(
    result: RunResult, config: Config, args: argparse.Namespace, out: TextIO,
    stamps: Mapping[Path, Stamp | None] | None = None,
) -> int:
    """Publish the posts of a finished lint run into args.out; 1 when any was held back.

    `stamps` are the files' (size, mtime) from before the lint run read them: a post changed
    since is held back, since what would be published is not what was checked."""
    from pipeline.fixer import stamp
    from pipeline.post import read_post
    from pipeline.publish import writer
    from pipeline.publish.plan import Held, Plan, plan

    out_dir = Path(os.path.abspath(args.out))
    if out_dir.is_symlink():
        out_dir = out_dir.resolve()  # replace the folder it points to, not the link
    writer.check_out_dir(out_dir, _sources(result, config, args))
    posts = result.posts or tuple(read_post(f) for f in result.files)
    if not posts:
        raise UsageError(f"no posts found, so nothing to publish; {args.out} is left as it is")
    edited = {p.display_path for p in posts if stamps is not None and p.path in stamps and stamp(p.path) != stamps[p.path]}
    decided = plan([p for p in posts if p.display_path not in edited], result.findings,
                   _plan_options(config.section("publish"), args))
    if edited:
        late = tuple(Held(p, "changed while it was being checked; run publish again") for p in sorted(edited))
        decided = Plan(decided.outputs, decided.held + late)
    unread = tuple(Held(p, "cannot be published: Jekyll builds it as a post, but publish checks Markdown posts only "
                           "(.md, .markdown, .mkdown, .mkdn, .mkd, .mdown, .mdwn); the published site would lose it")
                   for p in _unread_posts(_given(config, args), set(result.files), config.exclude, drafts=bool(getattr(args, "drafts", False))))
    if unread:
        decided = Plan(decided.outputs, decided.held + unread)
    files = {o.relpath: o.data for o in decided.outputs}
    files[writer.MANIFEST] = writer.manifest_text(o.entry for o in decided.outputs).encode("utf-8")
    changed = writer.write_site(files, out_dir)
    for o in decided.outputs:
        fixes = f" ({o.fixes} fix{'es' if o.fixes != 1 else ''})" if o.fixes else ""
        out.write(f"published  {o.source} -> {o.relpath}{fixes}\n")
    for h in decided.held:
        out.write(f"held back  {h.source}: {h.reason}\n")
    state = "written" if changed else "unchanged"
    out.write(f"{args.out}: {len(decided.outputs)} published, {len(decided.held)} held back ({state})\n")
    return 1 if decided.held else 0
