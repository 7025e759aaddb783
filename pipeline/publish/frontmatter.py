"""Normalised front matter for a published post: stable key order, lists, a date, YAML out.

Jekyll reads only YAML front matter, so TOML posts are re-emitted as YAML too. Values are
re-serialised (comments in the front matter are not kept); the body is never touched here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
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


def _date_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %z").strip()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def normalize_front_matter(data: Mapping[str, Any], name_date: dt.date | None, key_order: Sequence[str],
                           default_layout: str = "", drop_published: bool = False,
                           folder_categories: Sequence[str] = ()) -> dict[str, Any]:
    """Ordered front matter: `key_order` keys first, then the rest alphabetically.

    `folder_categories` are the folders above the source's `_posts`: the published post
    lies in DIR/_posts, so they are written into `categories` to keep its URL.
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
                merged = list(dict.fromkeys(str(c) for c in (*folder_categories, *plural_items, *merged)))
            fm[plural] = merged
    if isinstance(fm.get("title"), str):
        fm["title"] = fm["title"].strip()
    if not fm.get("layout") and default_layout:
        fm["layout"] = default_layout
    if drop_published and fm.get("published") is False:
        del fm["published"]  # published on purpose with --drafts: Jekyll would skip it otherwise
    date = fm.get("date")
    if date is None or date == "":
        if name_date is None:
            raise FrontMatterError("no date: add a 'date:' key or a YYYY-MM-DD- prefix to the file name")
        fm["date"] = name_date.isoformat()
    else:
        text = _date_text(date)
        if parse_date(text) is None:
            raise FrontMatterError(f"date {text!r} cannot be parsed; Jekyll would stop the whole build")
        fm["date"] = text
    first = [k for k in key_order if k in fm]
    rest = sorted((k for k in fm if k not in key_order), key=lambda k: (k.casefold(), k))
    return {k: fm[k] for k in (*first, *rest)}


def post_date(fm: Mapping[str, Any], name_date: dt.date | None) -> dt.date:
    """The date that names the output file: the file name's, else the front matter's."""
    date = name_date or parse_date(fm.get("date", ""))
    if date is None:  # normalize_front_matter has already refused this post
        raise FrontMatterError("no date")
    return date


class _Date(str):
    """Marks the date value, written as a plain scalar so Jekyll reads it as a time."""


class Plain(str):
    """A value written as the source wrote it, a plain scalar: Psych reads it as the source's
    reader did (`updated: 2020-01-02 10:00:00` a Time, `count: 1,000` the integer 1000),
    which re-serialising PyYAML's reading would not keep."""


_TOP_PLAIN = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]+([^'\"\[\]{}|>&*!%@`#\s][^#]*?)[ \t]*(?:[ \t]#.*)?$")


def source_scalars(lines: Sequence[str], data: Mapping[str, Any]) -> dict[str, str]:
    """The plain one-line values of top-level keys as the source wrote them, where PyYAML
    reads that text as the value it holds (so the text is the whole value)."""
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        m = _TOP_PLAIN.fullmatch(line)
        if m is None or m.group(1) not in data:
            continue
        if i + 1 < len(lines) and lines[i + 1][:1] in (" ", "\t") and lines[i + 1].strip():
            continue  # a plain value continued on the next line
        try:
            same = yaml.load(f"k: {m.group(2)}", Loader=fmp.TextDates) == {"k": data[m.group(1)]}  # noqa: S506
        except yaml.YAMLError:
            same = False
        if same:
            found[m.group(1)] = m.group(2)
    return found


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
_Dumper.add_representer(Plain, _represent_plain)
_Dumper.add_representer(list, _represent_list)


def dump_front_matter(fm: Mapping[str, Any]) -> str:
    """The `---` block: block mappings, flow lists of scalars (`tags: [a, b]`), no line folding."""
    if not fm:
        return "---\n---\n"
    data = {k: (_Date(v) if k == "date" and isinstance(v, str) else v) for k, v in fm.items()}
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1 << 20)
    return f"---\n{text}---\n"
