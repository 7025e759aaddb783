"""HD rules: fixture-file tables of small posts (tests/data/headings/cases.md), fixes, the seed post."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.utils import read_fixture_file

from pipeline.checks import headings
from pipeline.findings import Finding, Fix, Severity
from pipeline.post import Post, load_post, read_post
from pipeline.registry import Context

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "data" / "headings" / "cases.md"
SEED = REPO / "posts" / "2019-03-31-interview-with-francois-chollet.md"
FRONT = "---\ntitle: Case\nlayout: post\n---\n"


def _post(text: str) -> Post:
    return load_post(Path("2020-01-01-case.md"), text.encode("utf-8"))


def _check(post: Post, **options: object) -> list[Finding]:
    opts = {name: opt.default for name, opt in headings.OPTIONS.items()} | options
    return sorted(headings.check(post, Context(options=opts, root=REPO)), key=lambda f: f.sort_key)


def _apply(text: str, fix: Fix) -> str:
    lines = text.split("\n")
    start = sum(len(ln) + 1 for ln in lines[: fix.line - 1]) + fix.col - 1
    end = sum(len(ln) + 1 for ln in lines[: fix.end_line - 1]) + fix.end_col - 1
    return text[:start] + fix.replacement + text[end:]


@pytest.mark.parametrize(("line", "title", "markdown", "expected"), read_fixture_file(CASES),
                         ids=[case[1] for case in read_fixture_file(CASES)])
def test_heading_cases(line: int, title: str, markdown: str, expected: str) -> None:
    found = [f"{f.line}:{f.col} {f.code}" for f in _check(_post(markdown))]
    assert found == expected.splitlines(), f"{CASES.name}:{line} {title}"


def test_siblings_only_allows_same_heading_under_other_parents() -> None:
    text = "# Log\n\n## 2.0\n\n### Fixes\n\n## 1.0\n\n### Fixes\n\n### Fixes\n"
    assert [(f.line, f.code) for f in _check(_post(text))] == [(9, "HD001"), (11, "HD001")]
    assert [(f.line, f.code) for f in _check(_post(text), siblings_only=True)] == [(11, "HD001")]


@pytest.mark.parametrize(("text", "message"), [
    ("## Training the model\n\n## Training the model again\n",
     "heading 'Training the model again' nearly repeats 'Training the model' (first at line 1)"),
    ("## Usage\n\n## Usage {#usage-2}\n",
     "heading 'Usage' repeats 'Usage'; only an {: } or {#id} attribute tells them apart (first at line 1)"),
    ("## Install\n\n## **Install**\n",
     "heading 'Install' repeats 'Install'; only markup (emphasis, code, links) tells them apart (first at line 1)"),
])
def test_near_duplicate_messages(text: str, message: str) -> None:
    assert [(f.code, f.message) for f in _check(_post(text))] == [("HD002", message)]


def test_similarity_threshold_is_configurable() -> None:
    text = "## Training the model\n\n## Training the model again\n"
    assert [f.code for f in _check(_post(text))] == ["HD002"]
    assert _check(_post(text), similarity=0.95) == []
    assert _check(_post(text), max_word_diff=0) == []


def test_slug_rules_are_configurable() -> None:
    text = "## Café\n\n## Caf\n"  # kramdown drops the é, GitHub keeps it
    assert [f.code for f in _check(_post(text), slugs=["kramdown"])] == ["HD004"]
    assert _check(_post(text), slugs=["github"]) == []


@pytest.mark.parametrize(("config", "expected"), [
    ("title: t\n", []),  # Jekyll's default input is GFM: GitHub's ids, and Café keeps its é
    ("kramdown:\n  input: GFM\n", []),
    ("kramdown:\n  input: kramdown\n", ["HD004"]),  # kramdown's own ids drop it: both are #caf
])
def test_by_default_the_ids_are_the_ones_the_site_builds(tmp_path: Path, config: str, expected: list[str]) -> None:
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    path = tmp_path / "_posts" / "2020-01-01-a.md"
    path.write_text("## Café\n\n## Caf\n", encoding="utf-8")
    assert [f.code for f in _check(read_post(path))] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # kramdown's own input makes ids from the source: #installhttpsatest and #install (Jekyll 4.3)
    ("## [Install](https://a.test)\n\n## Install\n", []),
    ("## Part 1 -- Setup\n\n## Part 1  Setup\n", []),  # part-1----setup and part-1--setup
    ("## Setup: *now*\n\n## Setup now\n", ["HD004"]),  # both #setup-now: ':' and '*' are dropped
])
def test_kramdown_input_ids_are_made_from_the_source_text(tmp_path: Path, text: str, expected: list[str]) -> None:
    (tmp_path / "_config.yml").write_text("kramdown:\n  input: kramdown\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    path = tmp_path / "_posts" / "2020-01-01-a.md"
    path.write_text(text, encoding="utf-8")
    assert [f.code for f in _check(read_post(path)) if f.code == "HD004"] == expected


def test_findings_name_the_earlier_twin() -> None:
    [finding] = _check(_post(FRONT + "\n## Intro\n\ntext\n\n## Intro\n"))
    assert (finding.line, finding.related_line, finding.severity) == (10, 6, Severity.ERROR)
    assert "first at line 6" in finding.message


def test_repeated_paragraph_fix_deletes_it_and_its_blank_line() -> None:
    text = FRONT + "\nJane: Why Keras?\n\n## Why Keras?\n\nBecause.\n"
    [finding] = _check(_post(text))
    assert finding.code == "HD003" and finding.related_line == 8 and finding.fix and finding.fix.safe
    assert _apply(text, finding.fix) == FRONT + "\n## Why Keras?\n\nBecause.\n"


@pytest.mark.parametrize(("text", "fixed"), [
    ("## Why Keras?\n\nWhy Keras?\n", "## Why Keras?\n"),
    ("## Why Keras?\nWhy Keras?\n", "## Why Keras?\n"),  # the file's final newline stays
    ("## Why Keras?\n\nWhy Keras?", "## Why Keras?"),  # and so does its absence
    ("# T\n\n## Why Keras?\n\n\nWhy Keras?", "# T\n\n## Why Keras?"),
])
def test_repeated_paragraph_after_heading_at_end_of_file(text: str, fixed: str) -> None:
    [finding] = _check(_post(text))
    assert finding.fix is not None
    assert _apply(text, finding.fix) == fixed


@pytest.mark.parametrize("paragraph", [
    "![Screenshot](/assets/shot.png)", "[Screenshot](https://demo.example.com)",
    '<a href="/f.zip">Screenshot</a>', "`screenshot`", "**Screenshot**",
])
def test_a_paragraph_of_markup_is_content_not_a_repeat(paragraph: str) -> None:
    """Only prose (emphasis allowed) repeats a heading: an image, link, HTML or code with
    the heading's text is content, and HD003's fix would delete it."""
    found = _check(_post(f"## Screenshot\n\n{paragraph}\n\nmore\n"))
    assert [f.code for f in found] == (["HD003"] if paragraph.startswith("**") else [])


def test_repeated_paragraph_in_a_list_gets_no_fix() -> None:
    [finding] = _check(_post("- Why Keras?\n\n  ## Why Keras?\n"))
    assert finding.code == "HD003" and finding.fix is None


@pytest.mark.parametrize(("text", "col", "message", "fixed"), [
    ("##   For the readers\n", 4, "3 spaces after '##'; use one space", "## For the readers\n"),
    ("##\t\tFor the readers\n", 4, "2 tabs after '##'; use one space", "## For the readers\n"),
    ("### \tFor the readers\n", 5, "2 spaces and tabs after '###'; use one space", "### For the readers\n"),
])
def test_multiple_spaces_message_and_fix(text: str, col: int, message: str, fixed: str) -> None:
    [finding] = _check(_post(text))
    assert (finding.code, finding.col, finding.message) == ("HD006", col, message)
    assert finding.fix is not None and _apply(text, finding.fix) == fixed


def test_multiple_space_fix_keeps_one_space() -> None:
    text = "##   For the readers\n"
    [finding] = _check(_post(text))
    assert finding.fix is not None and finding.fix.safe
    assert _apply(text, finding.fix) == "## For the readers\n"


def test_title_fix_is_offered_but_not_safe() -> None:
    [finding] = _check(_post("---\ntitle: Hello\n---\n\n# Hello\n\nText\n"))
    assert finding.code == "HD005" and finding.related_line == 2
    assert finding.fix is not None and not finding.fix.safe


def test_seed_post_findings() -> None:
    post = read_post(SEED)
    found = [(f.line, f.col, f.code) for f in _check(post)]
    assert found == [(31, 1, "HD003"), (41, 4, "HD006")]
    hd003, hd006 = _check(post)
    assert hd003.related_line == 33
    fixed = _apply(_apply(post.raw, hd006.fix), hd003.fix)  # later fix first, so lines stay valid
    assert "\n## For the readers" in fixed and "Sanyam Bhutani: What are" not in fixed
    assert _check(_post(fixed)) == []


def test_unparsed_post_gives_no_findings() -> None:
    assert _check(_post("---\ntitle: [unclosed\n# Heading\n# Heading\n")) == []


def test_rules_are_documented() -> None:
    codes = [r.code for r in headings.RULES]
    assert codes == [f"HD00{i}" for i in range(1, 7)]
    for rule in headings.RULES:
        assert rule.summary and "Bad" in rule.doc and "Good" in rule.doc
        assert rule.name == rule.name.lower() and " " not in rule.name
    covered = {ln.split()[1] for case in read_fixture_file(CASES) for ln in case[3].splitlines()}
    assert covered == set(codes)


_VOCAB = ["model", "models", "bus", "buses", "the", "setup", "set", "up", "user's", "user", "1", "2", "v1.0", "Step", "data"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=4), min_size=2, max_size=12))
def test_near_duplicate_screening_finds_what_comparing_every_pair_finds(titles: list[list[str]]) -> None:
    """The word index and the cheap bounds only skip pairs _near would refuse."""
    post = _post("".join(f"## {' '.join(words)}\n\n" for words in titles))
    heads = headings._heads(post)
    md024 = dict(headings._md024_pairs(heads, False))
    opts = {"similarity": 0.85, "max_word_diff": 2}
    expected = []
    for i, head in enumerate(heads):
        if head in md024 or not head.norm:
            continue
        twin = next((e for e in heads[:i] if e.md_text != head.md_text and headings._near(e.norm, head.norm, 0.85, 2)), None)
        if twin is not None:
            expected.append((head.heading.line, twin.heading.line))
    found = [(f.line, f.related_line) for f in headings._near_duplicates(post, heads, md024, opts)]
    assert found == expected


def test_a_setext_heading_right_under_another_line_is_text_to_kramdown() -> None:
    """kramdown starts a setext heading only after a blank line: Jekyll renders
    '## Intro' then the paragraph 'Hello =====', so no H1 repeats the title."""
    text = FRONT.replace("title: Case", "title: Hello") + "## Intro\nHello\n=====\n\nHello\n=====\n"
    # HD001 reads both as headings, as markdownlint does; the second, after a blank line, is one to Jekyll too
    assert [(f.line, f.code) for f in _check(_post(text))] == [(9, "HD001"), (9, "HD005")]
