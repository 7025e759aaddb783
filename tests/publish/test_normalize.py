"""The normaliser: fixes applied exactly, front matter normalised, nothing else changed."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.findings import Finding, Fix, Severity
from pipeline.fixes import accepted_fix, apply_fixes
from pipeline.post import Post, load_post
from pipeline.publish.frontmatter import FrontMatterError, dump_front_matter, normalize_front_matter
from pipeline.publish.normalize import (
    NormalizeOptions,
    clean_whitespace,
    excerpt_separator,
    markdown,
    normalize,
    render,
    same_rendering,
)
from pipeline.publish.plan import PlanOptions, check_slug, plan_post

SEED = Path(__file__).parent.parent / "data" / "publish" / "seed" / "in" / "2019-03-31-interview-with-francois-chollet.md"


def post_of(text: str, name: str = "2020-01-02-a-post.md") -> Post:
    return load_post(Path(name), text.encode("utf-8"))


@pytest.mark.parametrize(("text", "fixes", "expected", "skipped"), [
    ("ab\ncd\n", [Fix(1, 2, 1, 3, "X")], "aX\ncd\n", 0),
    ("a\nb\nc\nd\n", [Fix(2, 1, 4, 1, "")], "a\nd\n", 0),  # whole lines 2-3
    ("ab\ncd", [Fix(2, 1, 3, 1, "")], "ab\n", 0),  # through the end of a file with no final newline
    ("abcdef", [Fix(1, 5, 1, 6, "5"), Fix(1, 1, 1, 2, "1")], "1bcd5f", 0),  # order of arrival is irrelevant
    ("abcdef", [Fix(1, 2, 1, 5, "X"), Fix(1, 3, 1, 4, "Y")], "aXef", 1),  # overlap: the first one wins
    ("abc", [Fix(1, 2, 1, 2, "X"), Fix(1, 2, 1, 2, "X")], "aXbc", 0),  # the same fix twice counts once
    ("abc", [Fix(1, 2, 1, 2, "X"), Fix(1, 2, 1, 2, "Y")], "aXbc", 1),  # two inserts at one point
    ("abc", [Fix(1, 9, 1, 10, "X"), Fix(5, 1, 5, 2, "")], "abc", 2),  # outside the text: skipped
    ("abc\n", [Fix(1, 3, 1, 1, "X")], "abc\n", 1),  # ends before it starts
])
def test_apply_fixes(text: str, fixes: list[Fix], expected: str, skipped: int) -> None:
    result = apply_fixes(text, fixes)
    assert (result.text, len(result.skipped)) == (expected, skipped)


@pytest.mark.parametrize(("body", "expected"), [
    ("a  \n\n", "a\n"),  # the end of a paragraph is not a hard break
    ("a  \nb\n", "a  \nb\n"),  # a hard break is content
    # kramdown carries the paragraph on into these lines, where two spaces are a <br />
    ("See:  \n| a | b |\n|---|---|\n", "See:  \n| a | b |\n|---|---|\n"),
    ("Rule  \n***\n", "Rule  \n***\n"),
    ("Rule  \n___\n", "Rule  \n___\n"),
    ("Note  \n<!-- c -->\n", "Note  \n<!-- c -->\n"),
    ("# T  \nText\n", "# T  \nText\n"),  # no break there, but kept on the same rule
    ("a  \n \t\nb\n\nc  \n  \n", "a\n \t\nb\n\nc\n"),  # before a blank line: no break
    ("a \t\nb\n", "a\nb\n"),
    ("```\nx   \n```\n", "```\nx   \n```\n"),
    ("    code   \n", "    code   \n"),
    ("<div>   \n</div>\n", "<div>   \n</div>\n"),
    # the whole of a block element is raw to kramdown, past CommonMark's blank line
    ("<div>\n<textarea>\nfirst\n\nsecond \t\n</textarea>\n</div>\n", "<div>\n<textarea>\nfirst\n\nsecond \t\n</textarea>\n</div>\n"),
    ("{% highlight py %}\nx = 1   \n{% endhighlight %}\n", "{% highlight py %}\nx = 1   \n{% endhighlight %}\n"),
    ("{% raw %}{{ x }}{% endraw %}  \n", "{% raw %}{{ x }}{% endraw %}\n"),
    ("# T  \n\n\n\n", "# T\n"),
    ("", ""),
])
def test_clean_whitespace(body: str, expected: str) -> None:
    assert clean_whitespace(body) == expected


@pytest.mark.parametrize(("body", "separator", "expected"), [
    # Jekyll's excerpt ends at the first separator ("\n\n" by default): emptying a whitespace-only
    # line before it would make a new one, and a shorter page.excerpt
    ("a\n   \nb\n\nc \n \nd\n", "\n\n", "a\n   \nb\n\nc\n\nd\n"),
    ("a\n \nb\n", "\n\n", "a\n \nb\n"),  # no separator at all: the excerpt is the whole post
    ("a\n \nb\n<!--more-->\n \nc\n", "<!--more-->", "a\n \nb\n<!--more-->\n\nc\n"),
    ("a\n \nb\n", "", "a\n\nb\n"),  # excerpt_separator: '' makes no excerpt
    ("a  \n\n\n", "\n\n", "a\n"),  # only blank lines after the separator: cut as before
])
def test_clean_whitespace_keeps_the_excerpt(body: str, separator: str, expected: str) -> None:
    assert clean_whitespace(body, separator) == expected


@pytest.mark.parametrize(("front_matter", "config", "expected"), [
    ("", "", "\n\n"),
    ("", "excerpt_separator: <!--more-->\n", "<!--more-->"),
    ("excerpt_separator: <!--x-->\n", "excerpt_separator: <!--more-->\n", "<!--x-->"),
    ("excerpt_separator: ''\n", "", ""),
])
def test_excerpt_separator_is_jekylls(tmp_path: Path, front_matter: str, config: str, expected: str) -> None:
    """The post's own, else the site's, else a blank line, as Document#excerpt_separator."""
    (tmp_path / "_config.yml").write_text(config or "title: t\n", encoding="utf-8")
    path = tmp_path / "_posts" / "2020-01-02-x.md"
    path.parent.mkdir()
    path.write_text(f"---\ntitle: X\n{front_matter}---\na\n \nb\n\nc \n \nd\n", encoding="utf-8")
    post = load_post(path, path.read_bytes())
    assert excerpt_separator(post.front_matter, path) == expected


@pytest.mark.parametrize(("data", "name_date", "expected"), [
    ({"title": "  T  ", "zeta": 1, "alpha": 2, "layout": "post"}, dt.date(2020, 1, 2),
     {"layout": "post", "title": "T", "date": "2020-01-02", "alpha": 2, "zeta": 1}),
    ({"title": "T", "tags": "a b", "category": "one two"}, dt.date(2020, 1, 2),
     {"title": "T", "date": "2020-01-02", "categories": ["one two"], "tags": ["a", "b"], "category": "one two"}),
    # Jekyll keeps `categories` before `category` (Rust + [News, tech] builds /news/tech/rust/),
    # but `tag` replaces `tags`; the singular keys stay, so a singular value in `defaults`
    # cannot apply again to the copy
    ({"title": "T", "category": "Rust", "categories": ["News", "tech"], "tag": "x", "tags": ["y"]}, dt.date(2020, 1, 2),
     {"title": "T", "date": "2020-01-02", "categories": ["News", "tech", "Rust"], "tags": ["x"], "category": "Rust", "tag": "x"}),
    ({"title": "T", "tag": "x", "tags": ["y"], "date": "2019-05-06 10:00:00 +0200"}, None,
     {"title": "T", "date": "2019-05-06 10:00:00 +0200", "tags": ["x"], "tag": "x"}),
    ({"title": "T", "date": dt.datetime(2021, 2, 3, 4, 5, 6)}, None, {"title": "T", "date": "2021-02-03 04:05:06"}),
    # categories as text: Jekyll would keep a number beside its own text (2020 and "2020")
    ({"title": "T", "category": 2020, "categories": ["press"]}, dt.date(2020, 1, 2),
     {"title": "T", "date": "2020-01-02", "categories": ["press", "2020"], "category": 2020}),
])
def test_normalize_front_matter(data: dict[str, object], name_date: dt.date | None, expected: dict[str, object]) -> None:
    got = normalize_front_matter(data, name_date, ("layout", "title", "date", "categories", "tags"))
    assert list(got.items()) == list(expected.items())


@pytest.mark.parametrize("data", [{"title": "T"}, {"date": "yesterday"}, {"date": "2020-13-45"}])
def test_a_post_without_a_usable_date_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(FrontMatterError):
        normalize_front_matter(data, None, ())


# Strings Ruby's Psych (Jekyll's YAML reader) reads as something else when written plain
PSYCH_TRAPS = [":foo", "1,000", "2020-1-2", "0b1,0", "012,3", "1,000.5", "-1_0", "1:20", "nULL", "oFF", "tRuE", "~"]


@pytest.mark.parametrize(("data", "line"), [
    *[({"k": v}, f"k: '{v}'") for v in PSYCH_TRAPS],
    ({"tags": ["1,000", ":x", "ok"]}, "tags: ['1,000', ':x', ok]"),
    ({"1,000": "a"}, "'1,000': a"),
    ({"k": "10 tips"}, "k: '10 tips'"),  # Psych reads it as text, but it is quoted on the same rule
    ({"k": "Plain words: no"}, "k: 'Plain words: no'"),  # quoted by PyYAML already
    ({"k": "_under and été"}, "k: _under and été"),
    ({"k": "bell \x07"}, 'k: "bell \\a"'),  # single quotes cannot hold it
])
def test_strings_psych_would_misread_are_quoted(data: dict[str, object], line: str) -> None:
    """`title: :foo` stops Jekyll's build (a Symbol), `1,000` becomes the integer 1000."""
    assert dump_front_matter(data) == f"---\n{line}\n---\n"


@pytest.mark.skipif(shutil.which("ruby") is None, reason="ruby is not installed (it comes with jekyll)")
def test_dumped_strings_read_back_as_the_same_strings_in_psych() -> None:
    """What Jekyll really reads: Psych.safe_load with Jekyll's permitted classes."""
    values = [*PSYCH_TRAPS, "10 tips", "yes", "No", "_x", "é", "a b", "2020-01-02", "1e5", ".5", "+1", "0x1F", "<<", "="]
    text = dump_front_matter({"values": values, "map": {v: v for v in values}})
    script = ('require "psych"; require "date"; require "json"; '
              'puts JSON.generate(Psych.safe_load(STDIN.read.split("---")[1], permitted_classes: [Date, Time], aliases: true))')
    run = subprocess.run(["ruby", "-e", script], input=text, capture_output=True, text=True, check=False, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"values": values, "map": {v: v for v in values}}


def test_dumped_front_matter_reads_back_and_keeps_dates_plain() -> None:
    fm = {"layout": "post", "title": "A: colon", "date": "2019-05-06 10:00:00 +0200", "tags": ["a", "1.0"],
          "nested": {"k": [1, {"x": "y"}]}, "version": "1.0"}
    text = dump_front_matter(fm)
    assert "\ndate: 2019-05-06 10:00:00 +0200\n" in text
    assert "\ntags: [a, '1.0']\n" in text
    post = post_of(text + "\nbody\n")
    assert dict(post.front_matter) == fm


@pytest.mark.parametrize(("front", "expected"), [
    # unchanged keys keep their lines, nested values and comments included, in the normalised order
    ("title: T\nzeta:\n  when: 2020-06-01 18:00:00  # local\n  n: 1,000\n2020: year\nalpha: oFF\ntags: a b\n",
     "title: T\ndate: 2020-01-02\ntags: [a, b]\n2020: year\nalpha: oFF\nzeta:\n  when: 2020-06-01 18:00:00  # local\n  n: 1,000\n"),
    # a |+ value keeps its final blank lines; a key twice (published with --force) copies nothing
    ("title: T\ndesc: |+\n  text\n\n\nflag: 1\n", "title: T\ndate: 2020-01-02\ndesc: |+\n  text\n\n\nflag: 1\n"),
    ("title: T\nn: 1,000\nn: 2\n", "title: T\ndate: 2020-01-02\nn: 2\n"),
    # an alias ties the blocks: the source's order stays, so the anchor still comes first
    ("title: T\nzeta: &z\n  when: 2020-06-01\nalpha: *z\n",
     "title: T\nzeta: &z\n  when: 2020-06-01\nalpha: *z\ndate: 2020-01-02\n"),
])
def test_unchanged_keys_are_copied_as_the_source_wrote_them(front: str, expected: str) -> None:
    """Psych reads nested values its own way (a Time, 1000, false, the key 2020): copying the
    source's lines keeps that reading, where re-serialising PyYAML's would change it."""
    post = load_post(Path("2020-01-02-a.md"), f"---\n{front}---\nBody.\n".encode())
    assert normalize(post, []).text == f"---\n{expected}---\nBody.\n"


def test_an_anchor_on_a_dropped_key_leaves_no_alias_dangling() -> None:
    """--drafts drops `published: false`; the alias that named its anchor is written out."""
    from pipeline.publish.normalize import NormalizeOptions

    post = load_post(Path("2020-01-02-a.md"), b"---\ntitle: T\npublished: &off false\nsitemap: *off\n---\nBody.\n")
    text = normalize(post, [], NormalizeOptions(drop_published=True)).text
    assert text == "---\ntitle: T\ndate: 2020-01-02\nsitemap: false\n---\nBody.\n"


def test_seed_post_with_heading_fixes_keeps_everything_else_byte_for_byte() -> None:
    post = load_post(SEED, SEED.read_bytes())
    spacing = Fix(41, 4, 41, 5, "", description="keep one space after the hashes")  # "##  For" (HD006)
    repeated = Fix(31, 1, 33, 1, "", description="delete the repeated paragraph")  # HD003
    result = normalize(post, [spacing, repeated])
    assert len(result.applied) == 2
    assert "\n## For the readers" in result.text
    assert "Sanyam Bhutani:" not in result.text
    for kept in ('{:target="_blank"}', "<!--more-->\n", "Devolopment"):
        assert kept in result.text
    source_lines = post.raw.split("\n")
    out_lines = result.text.split("\n")
    dropped = {31, 32, 41}  # the fixed lines (1-based source lines)
    body = [ln for i, ln in enumerate(source_lines, 1) if i > post.fm_end_line and i not in dropped]
    assert [ln for ln in out_lines[7:] if not ln.startswith("## For")] == body[:-1] + [body[-1], ""]


def _blocks(text: str) -> list[tuple[int, int, str]]:
    """Top-level blocks as (first line, end line, HTML): the unit the render check compares."""
    md = markdown()
    tokens = md.parse(text)
    out, start = [], None
    for i, tok in enumerate(tokens):
        if tok.level == 0 and tok.nesting >= 0 and start is None and tok.nesting == 1:
            start = i
        if tok.level == 0 and (tok.nesting == -1 or (tok.nesting == 0 and start is None)):
            first = tokens[i if start is None else start]
            html = md.renderer.render(tokens[i if start is None else start : i + 1], md.options, {})
            out.append(((first.map or [0, 0])[0] + 1, (first.map or [0, 0])[1] + 1, html))
            start = None
    return out


def assert_render_equal_except(before: str, after: str, fixed_lines: set[int]) -> None:
    """mdformat's is_md_equal, narrowed: HTML blocks may differ only where a fix landed."""
    old, new = _blocks(before), _blocks(after)
    matcher = difflib.SequenceMatcher(a=[b[2] for b in old], b=[b[2] for b in new], autojunk=False)
    for op, a1, a2, _b1, _b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        touched = [blk for blk in old[a1:a2] if any(blk[0] <= ln < blk[1] for ln in fixed_lines)]
        assert touched and len(touched) == a2 - a1, f"{op} of blocks {old[a1:a2]} not explained by a fix"


def test_seed_renders_the_same_except_the_fixed_spans() -> None:
    post = load_post(SEED, SEED.read_bytes())
    fixes = [Fix(41, 4, 41, 5, ""), Fix(31, 1, 33, 1, "")]
    result = normalize(post, fixes)
    after_body = result.text.split("---\n", 2)[2]
    body_fixed = {ln - post.body_start_line + 1 for ln in (31, 32, 41)}
    assert_render_equal_except(post.body, after_body, body_fixed)
    assert render(post.body) != render(after_body)  # the repeated paragraph is really gone
    assert_render_equal_except(post.body, normalize(post, []).text.split("---\n", 2)[2], set())


def test_golden_inputs_render_the_same_after_whitespace_cleaning() -> None:
    for path in sorted((SEED.parent.parent.parent).glob("*/in/**/*.md")):
        post = load_post(path, path.read_bytes())
        assert same_rendering(clean_whitespace(post.body), post.body), path


def _finding(code: str, safe: bool) -> Finding:
    fix = Fix(1, 1, 1, 4, "the", safe=safe, description="'teh' -> 'the'")
    return Finding("p.md", 1, 1, code, Severity.ERROR, "teh", fix)


@pytest.mark.parametrize(("finding", "fix_spelling", "applied"), [
    (_finding("SP001", True), False, False),
    (_finding("SP001", True), True, True),
    (_finding("SP001", False), True, False),
    (_finding("HD006", True), False, True),
    (_finding("HD003", False), True, False),
])
def test_spelling_fixes_need_the_flag_and_a_single_candidate(finding: Finding, fix_spelling: bool, applied: bool) -> None:
    assert (accepted_fix(finding, fix_spelling) is not None) == applied


@pytest.mark.parametrize(("slug", "ok"), [
    ("hello-world", True), ("café_2", True), ("v1.0", True),
    # Jekyll builds these (c++-tips, what's-new, hello-world), lint says nothing of them, and
    # behind the published name's date none is a hidden file, an option or a '..'
    ("c++-tips", True), ("what's-new", True), ("hello world", True), ("..", True), ("a..b", True),
    (".hidden", True), ("-opt", True), ("x" * 241, True),
    ("a/b", False), ("a\\b", False), ("a\tb", False), ("a\nb", False), ("", False), ("x" * 242, False),
])
def test_slug_check(slug: str, ok: bool) -> None:
    assert (check_slug(slug) is None) == ok


def test_drafts_flag_drops_published_false() -> None:
    post = post_of("---\ntitle: T\npublished: false\n---\nx\n")
    held = plan_post(post, [], PlanOptions())
    assert "draft (published: false)" in getattr(held, "reason", "")
    out = plan_post(post, [], PlanOptions(drafts=True, normalize=NormalizeOptions(drop_published=True)))
    assert b"published" not in getattr(out, "data", b"published")


def test_an_undated_draft_is_dated_by_its_file_like_jekyll_does(tmp_path: Path) -> None:
    import os

    source = tmp_path / "_drafts" / "my-draft.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: T\nlayout: post\n---\nx\n", encoding="utf-8")
    os.utime(source, (dt.datetime(2021, 5, 6, 12).timestamp(),) * 2)
    post = load_post(source, source.read_bytes())
    assert "--drafts publishes it" in getattr(plan_post(post, [], PlanOptions()), "reason", "")
    out = plan_post(post, [], PlanOptions(drafts=True))
    assert getattr(out, "relpath", None) == "_posts/2021-05-06-my-draft.md"
    assert b"date: 2021-05-06 12:00:00 " in getattr(out, "data", b"")  # page.date: its time of day too


def test_an_undated_drafts_date_keeps_the_fraction_of_its_second(tmp_path: Path) -> None:
    """Jekyll orders two drafts of one second by the fraction: the copy keeps it."""
    import os

    source = tmp_path / "_drafts" / "my-draft.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: T\nlayout: post\n---\nx\n", encoding="utf-8")
    os.utime(source, (dt.datetime(2021, 5, 6, 12, 0, 7, 900000).timestamp(),) * 2)
    out = plan_post(load_post(source, source.read_bytes()), [], PlanOptions(drafts=True))
    assert b"date: 2021-05-06 12:00:07.900000 " in getattr(out, "data", b"")


@pytest.mark.parametrize(("zone", "utc", "day"), [
    ("America/New_York", "2021-08-09 02:00", "2021-08-08"),
    ("Asia/Tokyo", "2021-08-08 20:00", "2021-08-09"),
    ("UTC", "2021-08-08 20:00", "2021-08-08"),
])
def test_an_undated_draft_is_dated_in_the_sites_time_zone(tmp_path: Path, zone: str, utc: str, day: str) -> None:
    """Jekyll sets TZ to the site's `timezone` before it reads the mtime: another day, another URL."""
    import os

    (tmp_path / "_config.yml").write_text(f"timezone: {zone}\n", encoding="utf-8")
    source = tmp_path / "_drafts" / "my-draft.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: T\nlayout: post\n---\nx\n", encoding="utf-8")
    when = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC).timestamp()
    os.utime(source, (when, when))
    out = plan_post(load_post(source, source.read_bytes()), [], PlanOptions(drafts=True))
    assert getattr(out, "relpath", None) == f"_posts/{day}-my-draft.md"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "no front matter (FM003): Jekyll would build it with no title or layout; add a --- block"),
    (b"Just text.\n", "no front matter (FM003): Jekyll would build it with no title or layout; add a --- block"),
    (b"---\ntitle: [x\n---\nBody\n", "its front matter cannot be read"),
    (b"---\ntitle: x\n\x00\n---\n", "file contains NUL bytes: binary, not a text post"),
    # Jekyll reads the file beside the post, which the published tree does not hold: the build stops
    (b"---\ntitle: x\n---\n```\n{% include_relative code/ex.py %}\n```\n",
     ("line 5: its {% include_relative code/ex.py %} reads a file beside the post, which the published tree does "
      "not hold, and Jekyll would stop the build of the published site")),
    (b"---\ntitle: x\n---\n{%- include_relative {{ page.inc }} -%}\n",
     ("line 4: its {% include_relative {{ page.inc }} %} reads a file beside the post, which the published tree does "
      "not hold, and Jekyll would stop the build of the published site")),
])
def test_held_back_reasons_say_what_is_wrong(data: bytes, reason: str) -> None:
    post = load_post(Path("2020-01-02-x.md"), data)
    held = str(getattr(plan_post(post, [], PlanOptions(force=True)), "reason", None))
    assert held.split("\n")[0] == f"cannot be published: {reason}"
    for line in held.split("\n")[1:]:  # a file that cannot be read says where, as lint does
        assert line.startswith("    2020-01-02-x.md:") and reason in line


@pytest.mark.parametrize("body", ["{% raw %}{% include_relative x.md %}{% endraw %}",
                                  "{% comment %}{% include_relative x.md %}{% endcomment %}", "{% include x.html %}"])
def test_an_include_relative_liquid_never_runs_holds_nothing_back(body: str) -> None:
    post = load_post(Path("2020-01-02-x.md"), f"---\ntitle: x\n---\n{body}\n".encode())
    assert getattr(plan_post(post, [], PlanOptions()), "relpath", None) == "_posts/2020-01-02-x.md"


@pytest.mark.parametrize("rel", ["_recipes/2020-01-05-apple.md", "_notes/old/2020-01-05-apple.md",
                                 "_private/_posts/2020-01-05-apple.md", "_posts/_old/2020-01-05-apple.md"])
def test_a_file_jekyll_never_reads_as_a_post_is_not_published_as_one(tmp_path: Path, rel: str) -> None:
    """A dated file in a collection folder (or another '_' folder) of a site is a collection
    document to Jekyll, or nothing: published into _posts it became a post the site never had."""
    (tmp_path / "_config.yml").write_text("collections:\n  recipes:\n    output: true\n", encoding="utf-8")
    source = tmp_path / rel
    source.parent.mkdir(parents=True)
    source.write_text("---\ntitle: R\nlayout: post\n---\nr\n", encoding="utf-8")
    folder = next(p for p in rel.split("/") if p.startswith("_") and p != "_posts")
    held = plan_post(load_post(source, source.read_bytes()), [], PlanOptions(force=True, drafts=True))
    assert getattr(held, "reason", None) == (
        f"cannot be published: it is under {folder}/, which Jekyll reads as a collection or skips, never as posts; "
        "posts go in _posts/")


@pytest.mark.parametrize(("rel", "folder"), [
    ("archive/_posts/2020-01-05-apple.md", "archive"),
    ("old/news/_posts/2020-01-05-apple.md", "old/news"),
    ("blog/_posts/2020-01-05-apple.md", None),
])
def test_a_post_under_a_folder_the_site_excludes_is_not_published(tmp_path: Path, rel: str, folder: str | None) -> None:
    """`exclude: [archive]`: Jekyll 4.3 never built archive/_posts/x.md, and published as
    DIR/archive/_posts/x.md the published site gained /archive/2020/01/05/apple.html."""
    (tmp_path / "_config.yml").write_text("exclude: [archive, 'old/*']\n", encoding="utf-8")
    source = tmp_path / rel
    source.parent.mkdir(parents=True)
    source.write_text("---\ntitle: R\nlayout: post\n---\nr\n", encoding="utf-8")
    planned = plan_post(load_post(source, source.read_bytes()), [], PlanOptions())
    if folder is None:
        assert getattr(planned, "relpath", None) == rel
    else:
        assert getattr(planned, "reason", None) == (
            f"cannot be published: it is under {folder}/, which the site's exclude leaves out: Jekyll never builds it")


def test_a_dated_file_outside_a_site_is_a_post_to_publish(tmp_path: Path) -> None:
    source = tmp_path / "posts" / "2020-01-05-apple.md"
    source.parent.mkdir(parents=True)
    source.write_text("---\ntitle: R\nlayout: post\n---\nr\n", encoding="utf-8")
    out = plan_post(load_post(source, source.read_bytes()), [], PlanOptions())
    assert getattr(out, "relpath", None) == "_posts/2020-01-05-apple.md"


def test_folder_categories_are_kept_in_front_matter(tmp_path: Path) -> None:
    """travel/_posts/x.md is at /travel/...: published into DIR/_posts it keeps that URL only
    if `travel` becomes a category of its own."""
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    post = tmp_path / "travel" / "_posts" / "2020-01-02-x.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: X\ncategories: [Food]\n---\nbody\n", encoding="utf-8")
    from pipeline.post import read_post
    from pipeline.publish.normalize import normalize

    assert normalize(read_post(post), ()).front_matter["categories"] == ["travel", "Food"]


def test_path_defaults_are_deep_merged_and_unpublished_posts_held(tmp_path: Path) -> None:
    """Jekyll deep-merges mappings from `defaults` under the post's own; a default that
    unpublishes a post makes it a draft to the publisher too."""
    from pipeline.post import read_post
    from pipeline.publish.normalize import normalize
    from pipeline.publish.plan import is_draft

    (tmp_path / "_config.yml").write_text(
        "defaults:\n  - scope: {path: blog}\n    values: {author: {name: A, twitter: tw}}\n"
        "  - scope: {path: notes}\n    values: {published: false}\n", encoding="utf-8")
    for rel in ("blog/_posts/2020-01-02-x.md", "notes/_posts/2020-01-02-n.md"):
        (tmp_path / rel).parent.mkdir(parents=True)
        (tmp_path / rel).write_text("---\ntitle: X\nauthor: {name: Z}\n---\nbody\n", encoding="utf-8")
    blog = read_post(tmp_path / "blog/_posts/2020-01-02-x.md")
    # published as blog/_posts/2020-01-02-x.md, where the same default applies: nothing written
    assert normalize(blog, ()).front_matter["author"] == {"name": "Z"}
    assert is_draft(blog) is None
    draft = tmp_path / "blog/_drafts/y.md"  # moves to blog/_posts: its defaults go with it
    draft.parent.mkdir(parents=True)
    draft.write_text("---\ntitle: Y\ndate: 2020-01-03\nauthor: {name: Z}\n---\nbody\n", encoding="utf-8")
    assert normalize(read_post(draft), ()).front_matter["author"] == {"name": "Z", "twitter": "tw"}
    assert is_draft(read_post(tmp_path / "notes/_posts/2020-01-02-n.md")) == "draft (published: false)"


@pytest.mark.parametrize(("scope", "written"), [
    ("blog", False),  # a plain path: read from the collections folder, it covers the copy under DIR too
    ("blog/_posts", False),
    ("blog/_posts/*", True),  # a glob: Jekyll globs it on disk from the site folder, where the copy is not
    ("*/_posts", True),
    ("blog/*", True),
])
def test_glob_scoped_defaults_are_written_into_the_copy(tmp_path: Path, scope: str, written: bool) -> None:
    """FrontmatterDefaults#glob_scope globs `site.source + scope` on disk: in the published
    site (collections_dir: DIR) `blog/_posts/*` matches nothing under DIR/blog/_posts, so a
    value it gave the source is lost unless written into the copy (Jekyll 4.3: extra: gl in
    the source's build, empty in the published one)."""
    from pipeline.post import read_post

    (tmp_path / "_config.yml").write_text(f"defaults:\n  - scope: {{path: '{scope}'}}\n    values: {{extra: gl}}\n",
                                          encoding="utf-8")
    post = tmp_path / "blog/_posts/2020-01-02-x.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: X\n---\nbody\n", encoding="utf-8")
    assert ("extra" in normalize(read_post(post), ()).front_matter) is written


def test_a_post_whose_jekyll_tags_name_a_held_post_is_held_too(tmp_path: Path) -> None:
    """Jekyll stops the whole build on a post_url or link tag whose post is missing: holding
    back B (a typo) must hold back A (post_url to B), then C (link to A), but not D."""
    from pipeline.publish.plan import plan

    (tmp_path / "_config.yml").write_text("title: s\n", encoding="utf-8")
    texts = {
        "2020-01-02-b.md": "Intro with a typo here.\n",
        "2020-01-01-a.md": "See [B]({% post_url /2020-01-02-b %}).\n",  # Jekyll drops the leading '/'
        "2020-01-03-c.md": "```\n{% link _posts/2020-01-01-a.md %}\n```\n",  # Liquid runs in code blocks too
        "2020-01-04-d.md": "See [B](https://example.com/{{ page.b }}).\n",
    }
    front = {"2020-01-05-e.md": "description: '{% post_url 2020-01-02-b %}'\n"}  # no Liquid runs in front matter
    posts = []
    for name, body in texts.items():
        path = tmp_path / "_posts" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"---\ntitle: T\nlayout: post\n---\n{body}", encoding="utf-8")
        posts.append(load_post(path, path.read_bytes()))
    for name, extra in front.items():
        path = tmp_path / "_posts" / name
        path.write_text(f"---\ntitle: T\nlayout: post\n{extra}---\nBody.\n", encoding="utf-8")
        posts.append(load_post(path, path.read_bytes()))
    typo = Finding(posts[0].display_path, 5, 14, "SP001", Severity.ERROR, "unknown word 'typo'")
    result = plan(posts, [typo], PlanOptions())
    assert [Path(o.source).name for o in result.outputs] == ["2020-01-04-d.md", "2020-01-05-e.md"]
    reasons = {Path(h.source).name: h.reason for h in result.held}
    assert reasons["2020-01-01-a.md"].startswith("cannot be published: its {% post_url 2020-01-02-b %} names ")
    assert reasons["2020-01-03-c.md"].startswith("cannot be published: its {% link _posts/2020-01-01-a.md %} names ")


def _titled_posts(root: Path, rest: dict[str, str]) -> list[Post]:
    """Posts under `root` whose front matter opens with a title and layout; `rest` is the
    text after those two lines, by path from `root`."""
    posts = []
    for rel, text in rest.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\ntitle: T\nlayout: post\n" + text, encoding="utf-8")
        posts.append(load_post(path, path.read_bytes()))
    return posts


def test_a_post_whose_jekyll_tags_name_a_post_the_run_does_not_publish_is_held(tmp_path: Path) -> None:
    """Publishing some posts only (one file, one folder): a post_url or a link tag to a post
    outside the run stopped the published site's build ('Could not find post
    "2020-01-01-hello" in tag post_url'), as does a link to a draft, which moves to _posts.
    Names Jekyll also matches stay published: a bare date-slug names a post in any folder."""
    from pipeline.publish.plan import plan

    (tmp_path / "_config.yml").write_text("title: s\n", encoding="utf-8")
    texts = {
        "_posts/2020-01-02-a.md": "[x]({% post_url 2019-01-01-elsewhere %})\n",
        "_posts/2020-01-03-b.md": "[x]({% link _posts/2019-01-01-elsewhere.md %})\n",
        "_posts/2020-01-04-c.md": "[x]({% link _drafts/d.md %})\n",
        # the name's own folders, none (the deprecated match by slug and day) or other ones
        "_posts/2020-01-05-ok.md": "[x]({% post_url 2020/2020-01-06-deep %}) [y]({% post_url 2020-01-06-deep %}) "
                                   "[y]({% post_url x/2020-01-06-deep %}) [y]({% post_url 2020-02-02-dated %}) "
                                   "[z]({% link _posts/2020/2020-01-06-deep.md %}) [p]({% link about.md %})\n",
        "_posts/2020/2020-01-06-deep.md": "deep\n",
        "_posts/2020-02-01-dated.md": "date: 2020-02-02 10:00:00\n---\ndated\n",
        "_drafts/d.md": "date: 2020-02-02\n---\ndraft\n",
    }
    posts = _titled_posts(tmp_path, {rel: body if "---" in body else "---\n" + body for rel, body in texts.items()})
    result = plan(posts, [], PlanOptions(drafts=True))
    assert sorted(Path(o.source).name for o in result.outputs) == ["2020-01-05-ok.md", "2020-01-06-deep.md",
                                                                   "2020-02-01-dated.md", "d.md"]
    reasons = {Path(h.source).name: h.reason for h in result.held}
    assert reasons["2020-01-02-a.md"] == ("cannot be published: its {% post_url 2019-01-01-elsewhere %} names no post "
                                          "of the published tree, and Jekyll would stop the build of the published site")
    assert reasons["2020-01-03-b.md"].startswith("cannot be published: its {% link _posts/2019-01-01-elsewhere.md %} names no ")
    assert reasons["2020-01-04-c.md"].startswith("cannot be published: its {% link _drafts/d.md %} names no ")


def test_an_undated_file_in_posts_is_never_published(tmp_path: Path) -> None:
    """Jekyll reads no post from _posts/hello.md: --force must not turn it into a dated one."""
    source = tmp_path / "_posts" / "hello.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: H\nlayout: post\ndate: 2020-01-02\n---\nHello.\n", encoding="utf-8")
    held = plan_post(load_post(source, source.read_bytes()), [], PlanOptions(force=True))
    assert getattr(held, "reason", "") == "cannot be published: Jekyll skips a file in _posts whose name has no YYYY-MM-DD- date"
    elsewhere = tmp_path / "posts" / "hello.md"  # outside _posts the dated name is the publisher's job
    elsewhere.parent.mkdir()
    elsewhere.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert getattr(plan_post(load_post(elsewhere, elsewhere.read_bytes()), [], PlanOptions()), "relpath", "") == "_posts/2020-01-02-hello.md"


def test_a_key_that_is_not_text_in_the_sites_defaults_is_written_as_it_reads(tmp_path: Path) -> None:
    """`values: {2020: yes}` in a draft's defaults is the Integer key 2020 to Psych as to PyYAML:
    sorting the keys by name crashed publish ('int' object has no attribute 'casefold')."""
    from pipeline.post import read_post
    from pipeline.publish.normalize import normalize

    (tmp_path / "_config.yml").write_text("defaults:\n  - scope: {path: _drafts}\n    values: {layout: post, 2020: yes}\n",
                                          encoding="utf-8")
    draft = tmp_path / "_drafts" / "a.md"
    draft.parent.mkdir()
    draft.write_text("---\ntitle: A\ndate: 2020-01-01\nzed: 1\n---\na\n", encoding="utf-8")
    assert normalize(read_post(draft), ()).text == "---\nlayout: post\ntitle: A\ndate: 2020-01-01\n2020: true\nzed: 1\n---\na\n"


def test_default_layout_never_replaces_the_layout_the_sites_defaults_give(tmp_path: Path) -> None:
    """[publish] default_layout is for posts with no layout at all: one that the site's
    `defaults` give (layout: article) was replaced, and Jekyll built the copy with another."""
    from pipeline.post import read_post
    from pipeline.publish.normalize import NormalizeOptions, normalize

    (tmp_path / "_config.yml").write_text("defaults:\n  - scope: {type: posts}\n    values: {layout: article}\n",
                                          encoding="utf-8")
    source = tmp_path / "_posts" / "2020-01-02-x.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: X\n---\nbody\n", encoding="utf-8")
    options = NormalizeOptions(default_layout="post")
    assert "layout" not in normalize(read_post(source), (), options).front_matter
    bare = tmp_path / "elsewhere" / "2020-01-02-y.md"
    bare.parent.mkdir()
    bare.write_text("---\ntitle: Y\n---\nbody\n", encoding="utf-8")
    (tmp_path / "elsewhere" / "_config.yml").write_text("title: other\n", encoding="utf-8")
    assert normalize(read_post(bare), (), options).front_matter["layout"] == "post"


def test_a_post_url_matched_by_slug_and_day_uses_the_posts_own_date(tmp_path: Path) -> None:
    """Jekyll's fallback match for `{% post_url 2020-07-27-x %}` compares the slug and the
    post's date (front matter first: 2020-02-03), not its file name: the name matched no
    post, and Jekyll stopped the published build ('Could not find post'). A `slug:` key is
    the slug that fallback compares."""
    from pipeline.publish.plan import plan

    (tmp_path / "_config.yml").write_text("title: s\n", encoding="utf-8")
    texts = {
        "blog/_posts/2020-07-27-x.md": "date: 2020-02-03\n",
        "blog/_posts/2020-07-28-z.md": "slug: zed\n",
        "_posts/2020-08-01-y.md": "---\n[x]({% post_url 2020-07-27-x %})\n",
        "_posts/2020-08-02-w.md": "---\n[x]({% post_url 2020-02-03-x %}) [z]({% post_url 2020-07-28-zed %})\n",
    }
    posts = _titled_posts(tmp_path, {rel: text if "---" in text else text + "---\nbody\n" for rel, text in texts.items()})
    result = plan(posts, [], PlanOptions())
    assert sorted(Path(o.source).name for o in result.outputs) == ["2020-07-27-x.md", "2020-07-28-z.md", "2020-08-02-w.md"]
    assert [Path(h.source).name for h in result.held] == ["2020-08-01-y.md"]


@pytest.mark.parametrize(("value", "text"), [(True, "true"), (False, "false"), (2020, "2020"), (1.5, "1.5"),
                                             (dt.date(2020, 1, 2), "2020-01-02"), ("Web Dev", "Web Dev")])
def test_categories_become_text_as_ruby_writes_it(value: object, text: str) -> None:
    """Jekyll turns each category into text with Ruby's to_s: `categories: [yes]` is the
    category "true" (--force published Python's "True", another category and URL part)."""
    fm = normalize_front_matter({"categories": [value]}, dt.date(2020, 1, 2), ())
    assert fm["categories"] == [text]
