"""Normalised front matter for a published post: stable key order, lists, a date, YAML out.

Jekyll reads only YAML front matter, so TOML posts are re-emitted as YAML too. Values are
re-serialised (comments in the front matter are not kept); the body is never touched here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from pipeline import frontmatter_parse as fmp
from pipeline.checks.frontmatter import parse_date

# Jekyll merges `category`/`tag` into `categories`/`tags` (Utils.pluralized_array_from_hash):
# the singular value is one item, a plural string is split on whitespace, and the singular
# wins. Categories add the plural list before that (Document#populate_categories), and the
# folders above `_posts` before both: Rust + [News] from blog/_posts is blog/news/rust.
_PLURALS: tuple[tuple[str, str], ...] = (("category", "categories"), ("tag", "tags"))


class FrontMatterError(ValueError):
    """The front matter cannot become something Jekyll builds (the message says why)."""


def _as_list(value: Any, split: bool) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split() if split else [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if v is not None]
    return [value]


def _ruby_text(value: Any) -> str:
    """A category as Jekyll makes it text (Ruby's to_s): true, not Python's True."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _date_text(value: Any) -> str:
    if isinstance(value, dt.datetime):  # a fraction of a second orders a day's posts: kept when there is one
        return value.strftime("%Y-%m-%d %H:%M:%S" + (".%f" if value.microsecond else "") + " %z").strip()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def normalize_front_matter(data: Mapping[str, Any], name_date: dt.date | None, key_order: Sequence[str],
                           default_layout: str = "", drop_published: bool = False,
                           folder_categories: Sequence[str] = (), unpublished_by_defaults: bool = False) -> dict[str, Any]:
    """Ordered front matter: `key_order` keys first, then the rest alphabetically.

    `folder_categories` are the folders above the source's `_posts`: they are written into
    `categories` too, so the URL holds wherever the copy lies. `unpublished_by_defaults`: the
    site's `defaults` give the post `published: false`, which `drop_published` overrides.
    Raises FrontMatterError when there is no usable date, since Jekyll stops the whole
    build on a post whose date it cannot parse.
    """
    fm = dict(data)
    for singular, plural in _PLURALS:
        if singular in fm or plural in fm or (plural == "categories" and folder_categories):
            # The singular key stays beside the merged plural (Jekyll's merge is then the
            # same): dropping it would let a singular value from `defaults` apply again.
            items = _as_list(fm[singular], False) if singular in fm else []
            plural_items = _as_list(fm.pop(plural, None), True)
            merged = items or plural_items  # the singular wins over the plural...
            if plural == "categories":  # ...but categories also keep the plural, after the folders
                # as text, as Jekyll keeps them (a number would stand beside its own text: 2020, "2020")
                merged = list(dict.fromkeys(_ruby_text(c) for c in (*folder_categories, *plural_items, *merged)))
            fm[plural] = merged
    if isinstance(fm.get("title"), str):
        fm["title"] = fm["title"].strip()
    if not fm.get("layout") and default_layout:
        fm["layout"] = default_layout
    if drop_published and fm.get("published") is False:
        del fm["published"]  # published on purpose with --drafts: Jekyll would skip it otherwise
    if drop_published and unpublished_by_defaults:
        fm["published"] = True  # the copy's place gives it the same defaults: only its own value wins
    date = fm.get("date")
    if date is None or date == "":
        if name_date is None:
            raise FrontMatterError("no date: add a 'date:' key or a YYYY-MM-DD- prefix to the file name")
        fm["date"] = _date_text(name_date)  # a draft's mtime keeps its time of day
    else:
        text = _date_text(date)
        if parse_date(text) is None:
            raise FrontMatterError(f"date {text!r} cannot be parsed; Jekyll would stop the whole build")
        fm["date"] = text
    first = [k for k in key_order if k in fm]
    rest = sorted((k for k in fm if k not in key_order), key=lambda k: (str(k).casefold(), str(k)))  # defaults may give 2020: x
    return {k: fm[k] for k in (*first, *rest)}


def post_date(fm: Mapping[str, Any], name_date: dt.date | None) -> dt.date:
    """The date that names the output file: the file name's, else the front matter's."""
    date = name_date or parse_date(fm.get("date", ""))
    if date is None:  # normalize_front_matter has already refused this post
        raise FrontMatterError("no date")
    return date.date() if isinstance(date, dt.datetime) else date


class _Date(str):
    """Marks the date value, written as a plain scalar so Jekyll reads it as a time."""


class Verbatim(str):
    """A top-level key's lines as the source wrote them (key, value, nested lines, comments):
    Psych reads them as it read the source, nested values included (`when: 2020-06-01
    18:00:00` a Time, `n: 1,000` 1000, `12:30` 750), which re-serialising PyYAML's reading
    would not keep."""


@dataclass(frozen=True)
class SourceBlocks:
    """The top-level keys' blocks of YAML front matter as the source wrote them.

    `tied`: an alias refers to an anchor, so the blocks must keep the source's order (an
    alias written before its anchor is an error); `anchored`: keys whose block defines an
    anchor, which must then be copied, not rewritten, or the alias loses its target.
    """

    blocks: dict[str, Verbatim] = field(default_factory=dict)
    tied: bool = False
    anchored: frozenset[str] = frozenset()

    def written(self, data: Mapping[str, Any], unchanged: Callable[[str, Any], bool]) -> dict[str, Any]:
        """`data` with each unchanged key's value replaced by its source block, in the
        normalised order, or in the source's when blocks are tied (keys the source lacks
        last); `data` itself when an anchored block would have to be rewritten."""
        out = {k: self.blocks[k] if k in self.blocks and unchanged(k, v) else v for k, v in data.items()}
        if not self.tied:
            return out
        if any(not isinstance(out.get(k), Verbatim) for k in self.anchored):
            return dict(data)  # an anchor's block rewritten or dropped (published: &off false): its alias would dangle
        order = [k for k in self.blocks if k in out] + [k for k in out if k not in self.blocks]
        return {k: out[k] for k in order}


_KEEPS_TRAILING = re.compile(r"[|>][0-9]*\+[0-9]*[ \t]*(?:#.*)?$")  # a block scalar that keeps its final blank lines


def source_blocks(text: str, data: Mapping[str, Any]) -> SourceBlocks:
    """Each top-level key's block of the YAML front matter `text` (the lines between the
    `---` fences), for keys that `data` holds; none when the keys are not one per line."""
    loader = fmp.loader_for(text)
    try:
        tokens = list(yaml.scan(text, Loader=loader))
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return SourceBlocks()
    if not isinstance(node, yaml.MappingNode) or any(key.start_mark.column != 0 for key, _ in node.value):
        return SourceBlocks()  # a flow mapping or an indented block: not one key per line
    anchor_lines = [t.start_mark.line for t in tokens if isinstance(t, yaml.AnchorToken)]
    lines = text.split("\n")
    starts = [key.start_mark.line for key, _ in node.value]
    blocks: dict[str, Verbatim] = {}
    anchored: set[str] = set()
    reader = loader("")
    for i, (key, value) in enumerate(node.value):
        end = starts[i + 1] if i + 1 < len(starts) else len(lines)
        block = lines[starts[i] : end]
        if not _KEEPS_TRAILING.search(lines[value.start_mark.line]):  # a `|+` value's blank lines are its own
            while block and not block[-1].strip():
                block.pop()  # blank lines between keys
        try:
            name = str(reader.construct_object(key, deep=True))  # as the front matter reader keys it
        except (yaml.YAMLError, TypeError, ValueError):
            return SourceBlocks()
        if name in blocks:
            return SourceBlocks()  # a key twice: the copies could not say which block YAML keeps (--force only)
        if name in data:
            blocks[name] = Verbatim("\n".join(block) + "\n")
        if any(starts[i] <= line < end for line in anchor_lines):
            anchored.add(name)
    tied = any(isinstance(t, yaml.AliasToken) for t in tokens)
    return SourceBlocks(blocks, tied, frozenset(anchored))


class _Dumper(yaml.SafeDumper):
    """Pure-Python SafeDumper: the same bytes with or without libyaml installed."""


# Jekyll reads front matter with Ruby's Psych, whose ScalarScanner finds more in a plain
# scalar than YAML 1.1 does: `:foo` a Symbol (the build refuses it), `1,000` and `0b1,0`
# integers, `1,000.5` a float, `2020-1-2` a date, `nULL` and `oFF` null and false (any case).
# Every one of those starts with something other than a letter or `_`, or is such a word.
_PSYCH_WORDS = re.compile(r"(?i:null|yes|no|true|false|on|off)")


def _plain_is_safe(text: str) -> bool:
    """Would Psych read `text` back as this string when it is written without quotes?"""
    return bool(text) and (text[0].isalpha() or text[0] == "_") and not _PSYCH_WORDS.fullmatch(text)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """A string as PyYAML writes it, quoted whenever Psych could read the plain text as
    something else (the emitter turns to double quotes when single ones cannot hold it)."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if _plain_is_safe(value) else "'")


def _represent_date(dumper: yaml.SafeDumper, value: _Date) -> yaml.ScalarNode:
    text = str(value)
    if dumper.resolve(yaml.ScalarNode, text, (True, False)) not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
        return _represent_str(dumper, text)
    return _represent_plain(dumper, text)


def _represent_plain(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """The text as a plain scalar, tagged as it reads, so the emitter writes it unquoted."""
    text = str(value)
    return dumper.represent_scalar(dumper.resolve(yaml.ScalarNode, text, (True, False)), text, style="")


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    scalars = all(isinstance(v, (str, int, float, bool, dt.date)) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=scalars)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Date, _represent_date)
_Dumper.add_representer(list, _represent_list)


def dump_front_matter(fm: Mapping[str, Any]) -> str:
    """The `---` block: block mappings, flow lists of scalars (`tags: [a, b]`), no line folding."""
    if not fm:
        return "---\n---\n"
    data = {k: (_Date(v) if k == "date" and isinstance(v, str) and not isinstance(v, Verbatim) else v) for k, v in fm.items()}
    parts = [v if isinstance(v, Verbatim) else _dump({k: v}) for k, v in data.items()]
    return f"---\n{''.join(parts)}---\n"


def _dump(data: Mapping[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1 << 20)
