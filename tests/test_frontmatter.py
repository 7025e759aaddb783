"""FM checker: tables of (id, file bytes, file name, expected [(line, col, code)])."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline import cli
from pipeline.checks import frontmatter
from pipeline.config import load_config
from pipeline.post import load_post, read_post
from pipeline.registry import Context

NAME = "2020-01-02-hello.md"
OK = b"title: Hello\nlayout: post\n"


def options(**overrides: Any) -> dict[str, Any]:
    return {**{k: o.default for k, o in frontmatter.OPTIONS.items()}, **overrides}


def findings(data: bytes, name: str = NAME, folder: Path = Path("."), **opts: Any) -> list[tuple[int, int, str]]:
    post = load_post(folder / name, data)
    ctx = Context(options=options(**opts), root=folder)
    return sorted((f.line, f.col, f.code) for f in frontmatter.check(post, ctx))


def fm(body: bytes, fence: bytes = b"---") -> bytes:
    return fence + b"\n" + body + fence + b"\nBody.\n"


BOMB = b"".join(
    b"%s: &%s [%s]\n" % (k, k, b",".join([b"*" + p if p else b"x"] * 9))
    for k, p in zip([b"a", b"b", b"c", b"d", b"e"], [b"", b"a", b"b", b"c", b"d"])
)

CASES = [
    ("clean", fm(OK), NAME, []),
    ("clean-markdown-extension", fm(OK), "2020-01-02-hello.markdown", []),
    # YAML syntax: an unclosed bracket or quote is reported where it opened
    ("unclosed-bracket-at-opening", fm(b"title: [a, b\nlayout: post\n"), NAME, [(2, 8, "FM005")]),
    ("unclosed-quote-at-opening", fm(b"layout: post\ntitle: \"abc\nfoo: bar\n"), NAME, [(3, 8, "FM005")]),
    ("mapping-in-plain-scalar", fm(OK + b"foo: bar: baz\n"), NAME, [(4, 9, "FM005")]),
    ("bad-indentation", fm(b"title: x\n  layout: post\n"), NAME, [(3, 9, "FM005")]),
    ("undefined-alias", fm(OK + b"a: *nope\n"), NAME, [(4, 4, "FM005")]),
    ("too-deep", fm(OK + b"k: " + b"[" * 150 + b"]" * 150 + b"\n"), NAME, [(4, 103, "FM005")]),
    # tags Jekyll's Psych refuses (the file is skipped) or reads as another value, at the tag
    ("set-tag", fm(OK + b"s: !!set {a, b}\n"), NAME, [(4, 4, "FM005")]),
    ("set-tag-nested", fm(OK + b"x:\n  - k: !!set {a}\n"), NAME, [(5, 8, "FM005")]),
    ("set-tag-long-form", fm(OK + b"s: !<tag:yaml.org,2002:set> {a}\n"), NAME, [(4, 4, "FM005")]),
    ("omap-tag", fm(OK + b"o: !!omap [a: 1, b: 2]\n"), NAME, [(4, 4, "FM005")]),
    ("pairs-tag", fm(OK + b"p: !!pairs [a: 1]\n"), NAME, [(4, 4, "FM005")]),
    # Psych's safe_load reads an unknown tag's node as it is ([1], "x", "abc"), but refuses Ruby objects
    ("python-tag", fm(OK + b"p: !!python/tuple [1]\n"), NAME, []),
    ("unknown-tags", fm(OK + b"a: !custom x\nb: !!int \"abc\"\nc: !local {k: 1}\n"), NAME, []),
    ("ruby-object-tag", fm(OK + b"o: !ruby/object:Foo {a: 1}\n"), NAME, [(4, 4, "FM005")]),
    ("plain-tags-are-fine", fm(OK + b"n: !!str 12\nm: !!map {a: 1}\n"), NAME, []),
    # a tab between date and time: Psych reads a time, its parse_time raises, Jekyll skips the post
    ("tab-in-time", fm(OK + b"updated: 2020-01-02\t10:00:00\n"), NAME, [(4, 10, "FM005")]),
    ("tab-in-time-in-list", fm(OK + b"x: [a, 2020-01-02\t10:00:00 +0100]\n"), NAME, [(4, 8, "FM005")]),
    ("tab-then-space-in-time", fm(OK + b"u: 2020-01-02\t 10:00:00\n"), NAME, []),
    ("quoted-tab-in-time", fm(OK + b"u: \"2020-01-02\t10:00:00\"\n"), NAME, []),
    ("t-in-time", fm(OK + b"u: 2020-01-02t10:00:00\n"), NAME, []),
    # a plain date is a Date to Psych, and a Date permalink stops Jekyll's build (gsub on a Date)
    ("permalink-date", fm(OK + b"permalink: 2020-01-02\n"), NAME, [(4, 1, "FM010")]),
    ("permalink-date-quoted", fm(OK + b"permalink: '2020-01-02'\n"), NAME, []),
    ("permalink-no-such-day", fm(OK + b"permalink: 2020-02-30\n"), NAME, []),  # Psych keeps it a string
    # ':name' is a Symbol to Psych, which safe_load refuses: Jekyll drops the front matter
    ("symbol-value", fm(OK + b"meta:\n  sym: :foo\n"), NAME, [(5, 8, "FM005")]),
    ("symbol-key", fm(OK + b":k: 1\n"), NAME, [(4, 1, "FM005")]),
    ("symbol-quoted-or-tagged", fm(OK + b"q: ':foo'\nt: !!str :foo\nc: a:b\n"), NAME, []),
    # duplicate keys, at the second occurrence
    ("duplicate-top-level", fm(b"layout: post\ntitle: x\ntitle: y\n"), NAME, [(4, 1, "FM006")]),
    ("duplicate-nested", fm(OK + b"author:\n  name: a\n  name: b\n"), NAME, [(6, 3, "FM006")]),
    ("duplicate-in-flow-mapping", fm(OK + b"list:\n  - {k: 1, k: 2}\n"), NAME, [(5, 12, "FM006")]),
    ("merge-keys-are-not-duplicates", fm(OK + b"<<: {a: 1}\n<<: {b: 2}\n"), NAME, []),
    # required keys
    ("missing-title", fm(b"layout: post\n"), NAME, [(3, 1, "FM009")]),
    ("empty-title", fm(b"title: ''\nlayout: post\n"), NAME, [(2, 1, "FM009")]),
    ("null-layout", fm(b"title: x\nlayout:\n"), NAME, [(3, 1, "FM009")]),
    ("empty-front-matter", b"---\n---\n", NAME, [(2, 1, "FM009"), (2, 1, "FM009")]),
    # the front matter block itself
    ("no-front-matter", b"# Hello\n", NAME, [(1, 1, "FM003")]),
    ("empty-file", b"", NAME, [(1, 1, "FM003")]),
    ("unclosed-front-matter", b"---\ntitle: x\nlayout: post\n# Body\n", NAME, [(1, 1, "FM004")]),
    ("yaml-dots-close", b"---\n" + OK + b"...\nBody\n", NAME, []),
    ("list-is-not-mapping", fm(b"- a\n- b\n"), NAME, [(2, 1, "FM008")]),
    ("scalar-is-not-mapping", fm(b"just a string\n"), NAME, [(2, 1, "FM008")]),
    ("alias-bomb", fm(OK + BOMB), NAME, [(1, 1, "FM015")]),
    ("tab-indentation", fm(OK + b"tags:\n\t- a\n"), NAME, [(5, 1, "FM007")]),
    ("tab-inside-a-value-is-fine", fm(b"title: \"a\tb\"\nlayout: post\n"), NAME, []),
    # inside a block scalar or a quoted value a leading tab is text, as Psych reads it
    ("tab-in-a-block-scalar-is-text", fm(OK + b"description: |\n  Run this:\n  \tmake all\n"), NAME, []),
    ("tab-in-a-quoted-value-is-text", fm(OK + b"description: \"one\n\ttwo\"\n"), NAME, []),
    ("tab-in-a-block-hides-no-error", fm(OK + b"description: |\n  Run:\n  \tmake all\ntags: [open\n"), NAME, [(7, 7, "FM005")]),
    ("tab-opening-a-block-is-indentation", fm(OK + b"description: |\n  \tmake all\n"), NAME, [(5, 1, "FM007")]),
    ("tab-continuing-a-plain-value", fm(OK + b"description: a\n\tb\n"), NAME, [(5, 1, "FM007")]),
    # bytes and line endings
    ("nul-bytes", fm(OK) + b"\x00\x01", NAME, [(6, 1, "FM002")]),
    ("invalid-utf8-at-the-byte", fm(OK) + b"abc \xe2\x82 def\n", NAME, [(6, 5, "FM002")]),
    ("latin1", fm(OK) + b"line\ncaf\xe9\n", NAME, [(7, 4, "FM002")]),
    ("bom", b"\xef\xbb\xbf" + fm(OK), NAME, []),
    ("crlf", fm(OK).replace(b"\n", b"\r\n"), NAME, []),
    ("bom-crlf-duplicate", b"\xef\xbb\xbf---\r\ntitle: x\r\ntitle: y\r\nlayout: post\r\n---\r\n", NAME, [(3, 1, "FM006")]),
    ("crlf-syntax-error", b"---\r\ntitle: [a\r\nlayout: post\r\n---\r\n", NAME, [(2, 8, "FM005")]),
    ("cr-only", fm(OK).replace(b"\n", b"\r"), NAME, []),
    # TOML front matter
    ("toml", fm(b'title = "x"\nlayout = "post"\n', b"+++"), NAME, []),
    ("toml-missing-title", fm(b'layout = "post"\n', b"+++"), NAME, [(3, 1, "FM009")]),
    ("toml-syntax", fm(b'title = "x\nlayout = "post"\n', b"+++"), NAME, [(2, 11, "FM005")]),
    ("toml-duplicate-key-is-syntax", fm(b'title = "x"\ntitle = "y"\nlayout = "post"\n', b"+++"), NAME, [(3, 12, "FM005")]),
    ("toml-date-mismatch", fm(b'title = "x"\nlayout = "post"\ndate = 2020-01-03\n', b"+++"), NAME, [(4, 1, "FM012")]),
    # types
    ("tags-nested-list", fm(OK + b"tags: [a, [b]]\n"), NAME, [(4, 1, "FM010")]),
    ("tags-mapping", fm(OK + b"tags: {a: 1}\n"), NAME, [(4, 1, "FM010")]),
    ("tags-yaml-boolean", fm(OK + b"tags: [jekyll, on]\n"), NAME, [(4, 1, "FM010")]),
    ("tags-null-item", fm(OK + b"tags: [a, ~]\n"), NAME, [(4, 1, "FM010")]),
    ("categories-string", fm(OK + b"categories: a b\n"), NAME, []),
    # a string is split at spaces, never at commas: Jekyll 4.3 makes the tags 'python,' and 'ml',
    # and the categories 'news,' and 'tech' put the post at /news,/tech/2020/01/02/hello.html
    ("tags-comma-string", fm(OK + b"tags: python, ml\n"), NAME, [(4, 1, "FM010")]),
    ("categories-comma-string", fm(OK + b"categories: news, tech\n"), NAME, [(4, 1, "FM010")]),
    # the singular key's string is one name: 'x, y' is one category (/x,%20y/2020/...)
    ("category-comma-string", fm(OK + b"category: x, y\n"), NAME, [(4, 1, "FM010")]),
    ("tags-comma-in-a-list-item", fm(OK + b"tags: [a, 'b, c']\n"), NAME, []),  # quoted in a list: meant
    ("published-string", fm(OK + b"published: 'no'\n"), NAME, [(4, 1, "FM010")]),
    ("published-bool", fm(OK + b"published: false\n"), NAME, []),
    ("title-mapping", fm(b"title: {a: 1}\nlayout: post\n"), NAME, [(2, 1, "FM010")]),
    ("title-number", fm(b"title: 1984\nlayout: post\n"), NAME, []),  # Jekyll prints it
    ("title-yes-is-a-boolean", fm(b"title: Yes\nlayout: post\n"), NAME, [(2, 1, "FM010")]),  # YAML 1.1: true
    ("permalink-number", fm(OK + b"permalink: 123\n"), NAME, [(4, 1, "FM010")]),  # Jekyll's build stops on it
    ("permalink-text", fm(OK + b"permalink: /:title/\n"), NAME, []),
    # dates
    ("date-day", fm(OK + b"date: 2020-01-02\n"), NAME, []),
    ("date-time-offset", fm(OK + b"date: 2020-01-02 10:00:00 +0100\n"), NAME, []),
    ("date-iso-z", fm(OK + b"date: 2020-01-02T10:00:00Z\n"), NAME, []),
    # other forms Jekyll's Time.parse builds (checked with Jekyll 4.3); a missing year is no date
    ("date-words", fm(OK + b"date: January 2, 2020\n"), NAME, []),
    ("date-slashes", fm(OK + b"date: 2020/01/02\n"), NAME, []),
    ("date-utc-word", fm(OK + b"date: 2020-01-02 10:00:00 UTC\n"), NAME, []),
    ("date-pm", fm(OK + b"date: 2020-01-02 10:00 PM\n"), NAME, []),
    ("date-leading-day", fm(OK + b"date: 2020-01-02 18:30:22 2023 -0800\n"), NAME, []),
    ("date-no-year", fm(OK + b"date: March 2\n"), NAME, [(4, 1, "FM011")]),
    ("date-day-month-ambiguous", fm(OK + b"date: 01/02/2020\n"), NAME, [(4, 1, "FM011")]),  # Ruby: 1 February
    ("date-us-order", fm(OK + b"date: 12/25/2020\n"), NAME, [(4, 1, "FM011")]),  # Jekyll refuses it
    ("date-too-long", fm(OK + b"date: 2020-01-02 10:00:00 " + b"x" * 150 + b"\n"), NAME, [(4, 1, "FM011")]),
    ("date-colon-offset", fm(OK + b"date: 2020-01-02 10:00:00 +01:00\n"), NAME, []),
    ("date-short-digits", fm(OK + b"date: 2020-1-2\n"), NAME, []),
    ("date-invalid-month", fm(OK + b"date: 2020-13-45\n"), NAME, [(4, 1, "FM011")]),
    ("date-feb-30", fm(OK + b"date: 2020-02-30\n"), NAME, [(4, 1, "FM011")]),
    ("date-bad-hour", fm(OK + b"date: 2020-01-02 25:00\n"), NAME, [(4, 1, "FM011")]),
    ("date-words", fm(OK + b"date: yesterday\n"), NAME, [(4, 1, "FM011")]),
    ("date-mismatch-is-warning", fm(OK + b"date: 2020-01-03\n"), NAME, [(4, 1, "FM012")]),
    ("date-as-written-not-utc", fm(OK + b"date: 2020-01-02 23:30:00 -0500\n"), NAME, []),
    # a date key left empty is no missing date to Jekyll 4.3: it parses '' and the build stops
    # ("Invalid date '': Document ... does not have a valid date")
    ("date-empty", fm(OK + b"date:\n"), NAME, [(4, 1, "FM011")]),
    ("date-null", fm(OK + b"date: ~\n"), NAME, [(4, 1, "FM011")]),
    ("date-empty-quoted", fm(OK + b"date: ''\n"), NAME, [(4, 1, "FM011")]),
    # file names
    ("name-without-date", fm(OK), "hello.md", [(1, 1, "FM013")]),
    ("name-impossible-date", fm(OK), "2020-02-30-hello.md", [(1, 1, "FM013")]),
    ("name-without-slug", fm(OK), "2020-01-02-.md", [(1, 1, "FM013")]),
    ("draft-without-date", fm(OK), "_drafts/hello.md", []),  # Jekyll's drafts are named so
    ("draft-with-bad-date", fm(OK), "_drafts/2020-02-30-hello.md", [(1, 1, "FM013")]),
    # slugs Jekyll builds (and publish publishes) are no finding; what publish refuses is
    ("name-slug-plus", fm(OK), "2020-01-02-c++-tips.md", []),
    ("name-slug-quote", fm(OK), "2020-01-02-what's-new.md", []),
    ("name-slug-space", fm(OK), "2020-01-02-hello world.md", []),
    ("name-slug-control-character", fm(OK), "2020-01-02-a\tb.md", [(1, 1, "FM013")]),
    ("name-slug-backslash", fm(OK), "2020-01-02-a\\b.md", [(1, 1, "FM013")]),
    ("draft-slug-too-long", fm(OK), "_drafts/" + "x" * 242 + ".md", [(1, 1, "FM013")]),
]


@pytest.mark.parametrize(("data", "name", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_front_matter_findings(data: bytes, name: str, expected: list[tuple[int, int, str]]) -> None:
    assert findings(data, name) == expected


@pytest.mark.parametrize(("body", "message"), [
    (b"s: !!set {a, b}\n", "YAML tag !!set: Jekyll's YAML reader refuses it (Psych::Set)"),
    (b"o: !!omap [a: 1]\n", "YAML tag !!omap: Jekyll's YAML reader refuses it on a mapping"),
    (b"s: :sym\n", "':sym' is a Ruby symbol to Jekyll's YAML reader (Psych), which refuses it"),
    (b"d: 2020-01-02\t10:00:00\n", "'2020-01-02\\t10:00:00' reads as a time in Jekyll's YAML reader (Psych)"),
])
def test_a_refused_tag_is_named(body: bytes, message: str) -> None:
    """The author is told which tag to remove: Jekyll only says it could not read the file."""
    post = load_post(Path(NAME), fm(OK + body))
    first = next(iter(frontmatter.check(post, Context(options=options(), root=Path(".")))))
    assert first.message.startswith(message)


def test_date_mismatch_is_a_warning_and_the_rest_errors() -> None:
    post = load_post(Path(NAME), fm(b"title: x\nlayout: post\ndate: 2020-01-03\n"))
    (f,) = frontmatter.check(post, Context(options=options(), root=Path(".")))
    assert (f.code, f.severity.value) == ("FM012", "warning")


@pytest.mark.parametrize(
    ("opts", "data", "name", "expected"),
    [
        ({"required": ["title", "layout", "author"]}, fm(OK), NAME, [(4, 1, "FM009")]),
        ({"required": []}, fm(b"draft: true\n"), NAME, []),
        ({"check_file_name": False}, fm(OK), "hello.md", []),
    ],
    ids=["extra-required-key", "nothing-required", "file-name-check-off"],
)
def test_options_change_findings(opts: dict[str, Any], data: bytes, name: str, expected: list[tuple[int, int, str]]) -> None:
    assert findings(data, name, **opts) == expected


JEKYLL_CONFIG = """\
defaults:
  - scope: {path: "", type: posts}
    values: {layout: post}
  - scope: {path: "_drafts", type: drafts}
    values: {title: Draft}
"""


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (JEKYLL_CONFIG, []),
        (None, [(3, 1, "FM009")]),
        ("defaults: [oops", [(3, 1, "FM009")]),
    ],
    ids=["layout-from-defaults", "no-site-config", "broken-site-config"],
)
def test_required_key_satisfied_by_jekyll_defaults(tmp_path: Path, config: str | None, expected: list[Any]) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    if config is not None:
        (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    assert findings(b"---\ntitle: x\n---\n", folder=posts) == expected
    # `layout:` left empty keeps the default too (Jekyll's deep merge skips nil); '' replaces it
    assert findings(b"---\ntitle: x\nlayout:\n---\n", folder=posts) == [(3, 1, "FM009")] * bool(expected)
    # a default scoped to another type (drafts) does not provide a missing title
    assert findings(b"---\nlayout: post\n---\n", folder=posts) == [(3, 1, "FM009")]


SCHEMA = {"type": "object", "required": ["author"], "properties": {"tags": {"type": "array", "maxItems": 1}}}


def run_cli(*argv: str) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write_post(folder: Path, body: bytes) -> Path:
    post = folder / NAME
    post.write_bytes(fm(body))
    return post


@pytest.mark.parametrize("how", ["inline", "file"])
def test_json_schema_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    monkeypatch.chdir(tmp_path)
    if how == "file":
        (tmp_path / "schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
        (tmp_path / "pipeline.toml").write_text('[frontmatter]\nschema = "schema.json"\n', encoding="utf-8")
    else:
        (tmp_path / "pipeline.toml").write_text(
            '[frontmatter.schema]\ntype = "object"\nrequired = ["author"]\n'
            '[frontmatter.schema.properties.tags]\ntype = "array"\nmaxItems = 1\n', encoding="utf-8")
    write_post(tmp_path, OK + b"tags: [a, b]\n")
    code, out, err = run_cli("lint", "--select", "FM", "--no-cache", NAME)
    assert (code, err) == (1, "")
    assert [line.split(": ", 2)[:2] for line in out.splitlines()[:-1]] == [
        [f"{NAME}:4:1", "FM014 tags"],
        [f"{NAME}:5:1", "FM014 front matter"],
    ]
    assert "'author' is a required property" in out


@pytest.mark.parametrize(
    ("schema_file", "message"),
    [
        ("{not json", "is not valid JSON"),
        (None, "cannot read schema"),
        ('{"type": 5}', "is not a valid JSON Schema"),
    ],
    ids=["invalid-json", "missing-file", "invalid-schema"],
)
def test_broken_schema_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schema_file: str | None, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    if schema_file is not None:
        (tmp_path / "schema.json").write_text(schema_file, encoding="utf-8")
    (tmp_path / "pipeline.toml").write_text('[frontmatter]\nschema = "schema.json"\n', encoding="utf-8")
    write_post(tmp_path, OK)
    code, out, err = run_cli("lint", "--select", "FM", "--no-cache", NAME)
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


NESTED = {"type": "object", "properties": {
    "author": {"type": "string", "format": "email"},
    "tags": {"type": "array", "items": {"enum": ["python", "ruby"]}},
    "meta": {"$ref": "#/$defs/n"}}, "$defs": {"n": {"type": "object", "additionalProperties": {"$ref": "#/$defs/n"}}}}


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        # a nested value is reported at its own line, not its top-level key's
        (b"tags:\n  - python\n  - java\n", ["6:1: FM014 tags.1: 'java' is not one of ['python', 'ruby']"]),
        (b"author: not an email\n", ["4:1: FM014 author: 'not an email' is not a 'email'"]),
        # a value holding itself (Jekyll reads it) is a finding, not a RecursionError
        (b"meta: &m\n  self: *m\n", ["4:1: FM014 meta: the value contains itself (a YAML alias to its own parent), "
                                      "so it cannot be checked against the schema"]),
        (b"meta:\n  a:\n    b: 1\n", ["6:1: FM014 meta.a.b: 1 is not of type 'object'"]),
    ],
)
def test_schema_findings_name_the_line_of_the_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, front: bytes, expected: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.json").write_text(json.dumps(NESTED), encoding="utf-8")
    (tmp_path / "pipeline.toml").write_text('[frontmatter]\nschema = "schema.json"\n', encoding="utf-8")
    write_post(tmp_path, OK + front)
    code, out, err = run_cli("lint", "--select", "FM014", "--no-cache", NAME)
    assert (code, err) == (1, "")
    assert [line.split(":", 1)[1] for line in out.splitlines()[:-1]] == expected


def test_schema_file_is_read_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (tmp_path / "pipeline.toml").write_text('[frontmatter]\nschema = "schema.json"\n', encoding="utf-8")
    sub = tmp_path / "deeper"
    sub.mkdir()
    config = load_config(cwd=sub)
    assert config.section("frontmatter")["schema"] == SCHEMA


def test_unreadable_file_is_fm001(tmp_path: Path) -> None:
    link = tmp_path / NAME
    link.symlink_to(tmp_path / "gone.md")
    post = read_post(link)
    assert [(f.line, f.code) for f in frontmatter.check(post, Context(options=options(), root=tmp_path))] == [(1, "FM001")]


@pytest.mark.parametrize(("config", "date", "expected"), [
    ("timezone: UTC\n", "2020-01-02 23:30:00 -0800", [(4, 1, "FM012")]),  # 2020-01-03 07:30 UTC
    ("timezone: America/Los_Angeles\n", "2020-01-02 23:30:00 -0800", []),
    # the North American zone names Ruby's Time.parse knows
    ("timezone: Europe/London\n", "2020-01-01 23:00:00 EST", []),  # 04:00 on the 2nd in London
    ("timezone: Europe/London\n", "2020-01-02 23:00 PST", [(4, 1, "FM012")]),  # 07:00 on the 3rd
    ("timezone: Asia/Tokyo\n", "2020-01-02 01:00:00 +0000", []),  # 10:00 in Tokyo: the same day
    # a plain time without a zone is UTC to Psych; quoted, Jekyll parses it in the site's zone
    ("timezone: America/New_York\n", "2020-01-02 02:00:00", [(4, 1, "FM012")]),  # 21:00 on the 1st there
    ("timezone: America/New_York\n", '"2020-01-02 02:00:00"', []),
    ("timezone: America/Los_Angeles\n", "2020-01-02 01:00:00 UTC", [(4, 1, "FM012")]),  # 1 January there
    ("timezone: Asia/Tokyo\n", "9999-12-31 23:00:00 +0000", [(4, 1, "FM012")]),  # past year 9999 there: no crash
    ("title: t\n", "2020-01-02 23:30:00 -0800", []),  # no timezone: the build machine's, unknown here
])
def test_a_date_whose_zone_moves_the_post_to_another_day(tmp_path: Path, config: str, date: str,
                                                          expected: list[Any]) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    text = f"---\ntitle: T\nlayout: post\ndate: {date}\n---\nx\n".encode()
    assert findings(text, folder=posts) == expected


@pytest.mark.parametrize(("config", "expected"), [
    ("title: t\n", [(4, 1, "FM011")]),  # Jekyll 4.3: "Invalid date ''", the build stops
    # a date from `defaults` stays: Jekyll's deep merge keeps it under a key left empty (built with 4.3)
    ('defaults:\n  - scope: {path: ""}\n    values: {date: 2020-01-02 10:00:00}\n', []),
])
def test_an_empty_date_stops_the_build_unless_defaults_give_one(tmp_path: Path, config: str, expected: list[Any]) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    assert findings(b"---\ntitle: T\nlayout: post\ndate:\n---\nx\n", folder=posts) == expected
