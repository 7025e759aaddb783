"""Inline suppression comments -> line -> code prefixes, and their effect on real findings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipeline import cli
from pipeline.findings import Finding, Severity
from pipeline.post import load_post
from pipeline.suppress import Suppressions, parse_suppressions

TEXT = """\
line 1
<!-- pipeline-disable HD001 SP -->
line 3
<!-- pipeline-enable SP -->
line 5
<!-- pipeline-enable -->
line 7
<!-- pipeline-disable-next-line LK -->
line 9
line 10 <!-- pipeline-disable-line SP001 -->
<!-- pipeline-disable -->
line 12
<!--pipeline-enable-->
line 14 <!-- pipeline-disable-line HD001, LK002 -->
"""


@pytest.mark.parametrize(
    ("line", "code", "hidden"),
    [
        (1, "HD001", False),
        (2, "HD001", True),
        (3, "HD001", True),
        (3, "SP002", True),
        (3, "HD002", False),
        (4, "SP002", False),
        (5, "HD001", True),
        (7, "HD001", False),
        (8, "LK001", False),
        (9, "LK001", True),
        (9, "SP001", False),
        (10, "LK001", False),
        (10, "SP001", True),
        (10, "SP0010", True),
        (12, "FM001", True),
        (12, "LK999", True),
        (13, "FM001", False),
        (14, "LK002", True),
        (14, "HD001", True),
        (14, "LK001", False),
    ],
)
def test_pragmas_hide_codes_on_the_lines_they_cover(line: int, code: str, hidden: bool) -> None:
    assert hides(parse_suppressions(TEXT.splitlines()), line, code) is hidden


def hides(sup: Suppressions, line: int, code: str) -> bool:
    return sup.hides(Finding("p.md", line, 1, code, Severity.ERROR, "m"))


# For each code, the latest directive covering it wins (markdownlint): a narrower enable
# carves an exception out of a broader disable, and a later broader one overrides it.
NARROWER = """\
<!-- pipeline-disable SP -->
<!-- pipeline-enable SP001 -->
line 3
line 4 <!-- pipeline-disable-line SP -->
<!-- pipeline-disable-next-line SP0 -->
line 6
<!-- pipeline-disable SP -->
<!-- pipeline-enable SP00 -->
<!-- pipeline-disable SP001 -->
<!-- pipeline-enable -->
<!-- pipeline-disable -->
<!-- pipeline-enable SP001, HD -->
line 13 <!-- pipeline-disable-line -->
<!-- pipeline-disable HD00 -->
<!-- pipeline-enable -->
<!-- pipeline-disable SP001 -->
<!-- pipeline-enable SP -->
<!-- pipeline-disable SP --> <!-- pipeline-enable SP001 -->
<!-- pipeline-enable SP001 --> <!-- pipeline-disable SP -->
<!-- pipeline-enable --><!-- pipeline-disable-next-line SP001 -->
line 21 <!-- pipeline-enable SP001 --> <!-- pipeline-disable-line SP002 -->
"""


@pytest.mark.parametrize(
    ("line", "code", "hidden"),
    [
        (1, "SP001", True),
        (2, "SP001", False),  # on from the enable's own line
        (3, "SP001", False),
        (3, "SP0010", False),
        (3, "SP002", True),
        (3, "HD001", False),
        (4, "SP001", True),  # a one-line disable covers the exception too
        (4, "SP002", True),
        (5, "SP001", False),
        (6, "SP001", True),
        (6, "SP101", True),
        (7, "SP001", True),  # a later broader disable overrides the exception
        (8, "SP001", False),
        (8, "SP002", False),
        (8, "SP101", True),
        (9, "SP001", True),
        (9, "SP002", False),
        (10, "SP101", False),
        (12, "SP001", False),
        (12, "HD003", False),
        (12, "SP002", True),
        (12, "LK001", True),
        (13, "SP001", True),
        (13, "HD003", True),
        (14, "HD003", True),
        (14, "HD100", False),
        (14, "SP001", False),
        (14, "LK001", True),
        (15, "LK001", False),
        (16, "SP001", True),
        (17, "SP001", False),  # latest wins, even over a narrower earlier disable
        (18, "SP001", False),  # directives on one line apply in order
        (18, "SP002", True),
        (19, "SP001", True),
        (20, "SP001", False),
        (21, "SP001", True),  # a one-line disable is not undone by an enable
        (21, "SP002", True),
        (21, "SP003", False),
    ],
)
def test_the_latest_directive_covering_a_code_wins(line: int, code: str, hidden: bool) -> None:
    assert hides(parse_suppressions(NARROWER.splitlines()), line, code) is hidden


def test_directives_that_change_nothing_are_not_kept() -> None:
    sup = parse_suppressions(["<!-- pipeline-disable SP -->", "<!-- pipeline-disable SP001 SP0 -->", "x"])
    assert sup.by_line[3] == {"SP"} and sup.enabled == {}
    assert sup.by_line[2] is sup.by_line[3]  # one set for a run of lines: a long block pickles small


FRONT = "---\ntitle: A\nlayout: post\n---\n"
OFF = "<!-- pipeline-disable SP001 -->"


# (body after FRONT, whether SP001 on the line with "wierd" is hidden). Code showing a
# directive is text: a post documenting the tool must not switch its own checks off.
@pytest.mark.parametrize(
    ("body", "hidden"),
    [
        (f"Intro.\n\n{OFF}\n\nTenth wierd here.\n", True),
        (f"Intro.\n\n```\n{OFF}\n```\n\nTenth wierd here.\n", False),
        (f"~~~ html\n{OFF}\n~~~\nTenth wierd here.\n", False),
        (f"```html {OFF}\nx\n```\nTenth wierd here.\n", False),  # info string
        (f"```\n{OFF}\nTenth wierd here.\n", False),  # unclosed fence: code to the end
        (f"Intro.\n\n    {OFF}\n\nTenth wierd here.\n", False),
        (f"- item\n\n      {OFF}\n\nTenth wierd here.\n", False),  # indented code in a list
        (f"> ```\n> {OFF}\n> ```\n\nTenth wierd here.\n", False),
        (f"Use `{OFF}` to mute.\n\nTenth wierd here.\n", False),
        (f"Use `` `{OFF}` `` to mute.\n\nTenth wierd here.\n", False),
        (f"Use `a\nb {OFF}` to mute.\n\nTenth wierd here.\n", False),  # span over two lines
        (f"Use `a\n{OFF} b` to mute.\n\nTenth wierd here.\n", True),  # the comment line ends the paragraph
        (f"| a | b |\n|---|---|\n| `x` | `{OFF}` |\n\nTenth wierd here.\n", False),
        (f"{{% comment %}}\n{OFF}\n{{% endcomment %}}\n\nTenth wierd here.\n", False),
        (f"{{% highlight html %}}\n{OFF}\n{{% endhighlight %}}\n\nTenth wierd here.\n", False),
        (f"{{%- raw -%}}{OFF}{{% endraw %}}\n\nTenth wierd here.\n", False),
        (f"`x` {OFF}\n\nTenth wierd here.\n", True),  # after a code span: a directive
        (f"{{% raw %}}x{{% endraw %}} {OFF}\n\nTenth wierd here.\n", True),
        (f"It`s {OFF}\n\nTenth wierd here.\n", True),  # a lone backtick opens no span
        (f"```\nx\n```\n{OFF}\nTenth wierd here.\n", True),  # after the fence closes
        ("```\n<!-- pipeline-disable-next-line SP001 -->\n```\nTenth wierd here.\n", False),
        ("`<!-- pipeline-disable-line SP001 -->` Tenth wierd here.\n", False),
        ("Tenth wierd here. <!-- pipeline-disable-line SP001 --> `code`\n", True),
    ],
)
def test_directives_in_code_are_text(body: str, hidden: bool) -> None:
    text = FRONT + body
    post = load_post(Path("2020-01-02-x.md"), text.encode())
    line = next(n for n, t in enumerate(post.lines, start=1) if "wierd" in t)
    assert hides(parse_suppressions(post.lines, post.tokens, post.body_start_line), line, "SP001") is hidden


# (front matter lines, file line, code, hidden): in front matter only a `# comment` holds
# directives (the one way to suppress a front matter finding on its line), never a value.
@pytest.mark.parametrize(
    ("front", "line", "code", "hidden"),
    [
        ("---\ndate: 2020-01-03 # <!-- pipeline-disable-line FM012 -->\n---", 2, "FM012", True),
        ("---\ntitle: Use <!-- pipeline-disable-line FM -->\n---", 2, "FM010", False),
        ('---\ntitle: "Use <!-- pipeline-disable-line FM -->"\n---', 2, "FM010", False),
        ('---\ntitle: "a # <!-- pipeline-disable-line FM -->"\n---', 2, "FM010", False),
        ("---\ntitle: 'a # <!-- pipeline-disable-line FM -->'\n---", 2, "FM010", False),
        ('---\ntitle: "a \\" # <!-- pipeline-disable-line FM -->"\n---', 2, "FM010", False),
        ("---\ntitle: It's # <!-- pipeline-disable-line FM -->\n---", 2, "FM010", True),
        ("---\ntitle: 'it''s' # <!-- pipeline-disable-line FM -->\n---", 2, "FM010", True),
        ("---\ntags: [a, 'b # c'] # <!-- pipeline-disable-line FM -->\n---", 2, "FM010", True),
        ("---\ntitle: a#<!-- pipeline-disable-line FM -->\n---", 2, "FM010", False),  # no comment
        ("---\ndescription: Shows <!-- pipeline-disable SP001 -->\n---", 5, "SP001", False),
        ("---\n# <!-- pipeline-disable SP001 -->\ntitle: A\n---", 5, "SP001", True),
        ('+++\ntitle = "x # <!-- pipeline-disable-line FM -->"\n+++', 2, "FM010", False),
        ("+++\ndate = 2020-01-03 # <!-- pipeline-disable-line FM -->\n+++", 2, "FM012", True),
    ],
)
def test_front_matter_directives_only_in_comments(front: str, line: int, code: str, hidden: bool) -> None:
    post = load_post(Path("2020-01-02-x.md"), (front + "\nBody\n").encode())
    assert hides(parse_suppressions(post.lines, post.tokens, post.body_start_line), line, code) is hidden


# A post that failed to load has no tokens: code blocks cannot be told apart (its
# directives apply), code spans and Liquid blocks still can.
@pytest.mark.parametrize(
    ("lines", "hidden"),
    [
        (["---", "title: unclosed", OFF, "x"], True),
        (["```", OFF, "```", "x"], True),
        ([f"`{OFF}`", "x"], False),
        (["{% raw %}", OFF, "{% endraw %}", "x"], False),
    ],
)
def test_posts_without_tokens_still_parse(lines: list[str], hidden: bool) -> None:
    assert hides(parse_suppressions(lines), len(lines), "SP001") is hidden


def test_no_pragmas_no_suppressions() -> None:
    assert parse_suppressions(["a", "<!-- other comment -->", "pipeline-disable HD001"]).by_line == {}


def lint(folder: Path, text: str, select: str = "FM") -> str:
    (folder / "2020-01-02-x.md").write_text(text, encoding="utf-8")
    out = io.StringIO()
    cli.main(["lint", "--select", select, "--no-cache", str(folder / "2020-01-02-x.md")], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def codes(out: str) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in out.splitlines()[:-1]]


def test_runner_applies_suppressions_to_findings(tmp_path: Path) -> None:
    # the pragma sits in a YAML comment on the date line, so the front matter still parses
    text = ("---\ntitle: x\nlayout: post\ndate: 2020-01-03 # <!-- pipeline-disable-line FM012 -->\n"
            "tags: {a: 1}\n---\nBody\n")
    assert codes(lint(tmp_path, text)) == ["FM010"]


def test_suppression_of_another_code_keeps_the_finding(tmp_path: Path) -> None:
    text = "---\ntitle: x\nlayout: post\ndate: 2020-01-03 # <!-- pipeline-disable-line FM011 -->\n---\nBody\n"
    assert ":4:1: FM012 " in lint(tmp_path, text)


# The runner hands the post's tokens over: the testers' reports, end to end.
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Intro.\n\n```\n<!-- pipeline-disable SP001 -->\n```\n\nTenth wierd here.\n", ["SP001"]),
        ("Intro.\n\n    <!-- pipeline-disable SP001 -->\n\nTenth wierd here.\n", ["SP001"]),
        ("Intro `<!-- pipeline-disable SP001 -->`.\n\nTenth wierd here.\n", ["SP001"]),
        ("{% comment %}\n<!-- pipeline-disable SP001 -->\n{% endcomment %}\n\nTenth wierd here.\n", ["SP001"]),
        ("Intro.\n\n<!-- pipeline-disable SP001 -->\n\nTenth wierd here.\n", []),
        ("<!-- pipeline-disable -->\n<!-- pipeline-enable SP001 -->\n\nTenth wierd here.\n", ["SP001"]),
        ("<!-- pipeline-disable SP -->\n<!-- pipeline-enable SP001 -->\n\nTenth wierd here.\n", ["SP001"]),
        ("<!-- pipeline-disable SP -->\n<!-- pipeline-enable SP002 -->\n\nTenth wierd here.\n", []),
    ],
)
def test_runner_reads_directives_outside_code_only(tmp_path: Path, body: str, expected: list[str]) -> None:
    assert codes(lint(tmp_path, FRONT + body, "SP")) == expected


@pytest.mark.parametrize(
    ("directive", "hidden"),
    [
        ("<!-- pipeline-disable sp001 -->", [1, 2, 3]),  # codes in any case, as --select reads them
        ("<!-- pipeline-disable Sp -->", [1, 2, 3]),
        ("<!-- pipeline-disable-next-line sp001 -->", [2]),
        ("<!-- pipeline-disable-line sP001 -->", [1]),
        ("<!-- pipeline-disable-next-lines SP001 -->", []),  # a typo: no directive, not `disable`
        ("<!-- pipeline-disable-lines SP001 -->", []),
        ("<!-- pipeline-disabled SP001 -->", []),
        ("<!-- pipeline-disable SP001-->", [1, 2, 3]),  # `-->` right after the code still ends it
        ("<!-- pipeline-disable-->", [1, 2, 3]),
    ],
)
def test_codes_in_any_case_and_misspelt_directives(directive: str, hidden: list[int]) -> None:
    """A lower-case code was silently ignored, and `disable-next-lines` was read as `disable`
    with codes '-next-lines' and 'SP001', hiding SP001 for the rest of the file."""
    sup = parse_suppressions([directive, "line 2", "line 3"])
    assert [n for n in (1, 2, 3) if hides(sup, n, "SP001")] == hidden


@pytest.mark.parametrize(
    ("lines", "line", "code", "hidden"),
    [
        (["---", "title: x", "---", "<!-- pipeline-disable-file FM013 -->"], 1, "FM013", True),  # the --- line
        (["---", "title: x", "---", "<!-- pipeline-disable-file FM013 -->"], 1, "FM012", False),
        (["---", "title: x", "---", "<!-- pipeline-disable-file fm -->", "<!-- pipeline-enable FM -->"], 2, "FM012", True),
        (["a", "b", "<!-- pipeline-disable-file -->"], 1, "SP001", True),  # no codes: every code
        (["```", "<!-- pipeline-disable-file FM013 -->", "```"], 1, "FM013", False),  # code shows it, does not run it
        (["<!-- pipeline-disable-files FM013 -->"], 1, "FM013", False),  # a typo is no directive
    ],
    ids=["dash-line", "other-code", "no-enable-undoes-it", "every-code", "in-code", "misspelt"],
)
def test_disable_file_hides_its_codes_on_every_line(lines: list[str], line: int, code: str, hidden: bool) -> None:
    """FM013 (the file name) sits on line 1, the `---`, where no comment can go: markdownlint's
    `disable-file` form is the one inline way to hide it."""
    post = load_post(Path("x.md"), "\n".join(lines).encode())
    assert hides(parse_suppressions(post.lines, post.tokens, post.body_start_line), line, code) is hidden


def test_disable_file_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("---\ntitle: x\nlayout: post\n---\n<!-- pipeline-disable-file FM013 -->\nBody\n", encoding="utf-8")
    out = io.StringIO()
    cli.main(["lint", "--select", "FM", "--no-cache", str(tmp_path / "notes.md")], stdout=out, stderr=io.StringIO())
    assert out.getvalue() == "All clear: 1 file checked.\n"
