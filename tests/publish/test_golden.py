"""Golden trees (pelican's assertDirsEqual): tests/data/publish/<case>/{in,out}.

Each case has `args` (extra flags), `in/` (the sources), `out/` (the expected DIR) and
`report.txt` (the expected report and exit code). After a deliberate change, rewrite
the expected files with PIPELINE_REGEN_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import cli

DATA = Path(__file__).parent.parent / "data" / "publish"
CASES = sorted(p.name for p in DATA.iterdir() if (p / "in").is_dir())
REGEN = os.environ.get("PIPELINE_REGEN_GOLDEN") == "1"


SOURCE_TIME = 1628510400  # 2021-08-09 12:00 UTC: undated drafts are dated by mtime, as in Jekyll


def copy_sources(case: Path, work: Path) -> None:
    """The case's sources, every file stamped SOURCE_TIME (a checkout's own times vary)."""
    shutil.copytree(case / "in", work / "in")
    for path in (work / "in").rglob("*"):
        os.utime(path, (SOURCE_TIME, SOURCE_TIME))


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def publish(case: Path, work: Path) -> tuple[int, str]:
    args = (case / "args").read_text(encoding="utf-8").split()
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["publish", "in", "--out", "site", "--no-cache", *args], stdout=out, stderr=err)
    assert err.getvalue() == ""
    return code, out.getvalue() + f"exit {code}\n"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The working folder, on a machine in UTC: an undated draft's date is its mtime in the
    machine's zone when no site names one, time of day included."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield tmp_path
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("name", CASES)
def test_golden_tree(name: str, work: Path) -> None:
    case = DATA / name
    copy_sources(case, work)
    _, report = publish(case, work)
    if REGEN:
        shutil.rmtree(case / "out", ignore_errors=True)
        shutil.copytree(work / "site", case / "out")
        (case / "report.txt").write_text(report, encoding="utf-8")
    got, want = tree(work / "site"), tree(case / "out")
    assert sorted(got) == sorted(want)
    for rel in want:
        assert got[rel].decode("utf-8") == want[rel].decode("utf-8"), rel
    assert report == (case / "report.txt").read_text(encoding="utf-8")
    assert tree(work / "in") == tree(case / "in"), "the sources were modified"


@pytest.mark.parametrize("name", CASES)
def test_publishing_twice_is_byte_identical_and_writes_nothing(name: str, work: Path) -> None:
    case = DATA / name
    copy_sources(case, work)
    code, _ = publish(case, work)
    first = tree(work / "site")
    stamps = {p: p.stat().st_mtime_ns for p in (work / "site").rglob("*")}
    code2, report = publish(case, work)
    assert (code2, tree(work / "site")) == (code, first)
    assert "(unchanged)" in report
    assert {p: p.stat().st_mtime_ns for p in (work / "site").rglob("*")} == stamps


def test_removed_source_disappears_from_output(work: Path) -> None:
    copy_sources(DATA / "basic", work)
    publish(DATA / "basic", work)
    assert (work / "site/_posts/2020-01-03-dated.md").exists()
    (work / "in/2020-01-03-dated.md").unlink()
    publish(DATA / "basic", work)
    assert not (work / "site/_posts/2020-01-03-dated.md").exists()
    assert "2020-01-03-dated" not in (work / "site/manifest.json").read_text(encoding="utf-8")


def test_held_back_post_is_published_with_force(work: Path) -> None:
    copy_sources(DATA / "basic", work)
    code = cli.main(["publish", "in", "--out", "site", "--no-cache", "--select", "FM", "--force"],
                    stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 1  # drafts are still held back
    assert (work / "site/_posts/2020-03-01-no-title.md").exists()


@pytest.mark.parametrize("out", ["in", "in/site", "in/2020-01-03-dated.md", "."])
def test_output_folder_overlapping_the_sources_is_refused(work: Path, out: str) -> None:
    copy_sources(DATA / "basic", work)
    err = io.StringIO()
    code = cli.main(["publish", "in", "--out", out, "--no-cache", "--select", "FM"], stdout=io.StringIO(), stderr=err)
    assert code == 2, err.getvalue()
    assert tree(work / "in") == tree(DATA / "basic" / "in")


def test_threshold_warning_holds_back_posts_with_warnings(work: Path) -> None:
    (work / "in").mkdir()
    (work / "in" / "2020-01-02-late.md").write_text(
        "---\nlayout: post\ntitle: Late\ndate: 2020-01-05\n---\nBody.\n", encoding="utf-8")
    (work / "pipeline.toml").write_text('[publish]\nthreshold = "warning"\n', encoding="utf-8")
    out = io.StringIO()
    code = cli.main(["publish", "in", "--out", "site", "--no-cache", "--offline", "--select", "FM"],
                    stdout=out, stderr=io.StringIO())
    assert code == 1
    assert "1 error or warning finding (FM012 at 4:1)" in out.getvalue()
    # each finding that holds it back as lint reports it: file:line:col, code and message
    assert "\n    in/2020-01-02-late.md:4:1: FM012 " in out.getvalue()


def test_finding_fixed_by_its_safe_fix_does_not_hold_the_post_back(work: Path) -> None:
    shutil.copytree(DATA / "seed" / "in", work / "in")
    (work / "pipeline.toml").write_text('[publish]\nthreshold = "warning"\n', encoding="utf-8")
    code = cli.main(["publish", "in", "--out", "site", "--no-cache", "--offline", "--select", "HD006"],
                    stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 0
    published = next((work / "site" / "_posts").iterdir()).read_text(encoding="utf-8")
    assert "\n## For the readers" in published and "##  For" not in published


def test_bad_threshold_is_a_config_error(work: Path) -> None:
    (work / "in").mkdir()
    (work / "pipeline.toml").write_text('[publish]\nthreshold = "info"\n', encoding="utf-8")
    err = io.StringIO()
    assert cli.main(["publish", "in", "--out", "site"], stdout=io.StringIO(), stderr=err) == 2
    assert "'threshold' must be 'error' or 'warning'" in err.getvalue()


def test_a_post_edited_during_the_check_is_held_back(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The publisher reads the files again after the lint run: a post edited in between
    would be published unchecked, so it is held back instead."""
    from pipeline import commands

    posts = work / "in"
    posts.mkdir()
    clean = "---\ntitle: Fine\nlayout: post\n---\n\nA clean post.\n"
    (posts / "2021-08-09-a.md").write_text(clean, encoding="utf-8")
    (posts / "2021-08-09-b.md").write_text(clean, encoding="utf-8")
    real = commands.run_lint

    def lint_then_edit(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)
        with open(posts / "2021-08-09-b.md", "a", encoding="utf-8") as fh:
            fh.write("Now with a Devolopment typo nobody checked.\n")
        return result

    monkeypatch.setattr(commands, "run_lint", lint_then_edit)
    out = io.StringIO()
    code = cli.main(["publish", "in", "--out", "site", "--no-cache"], stdout=out, stderr=io.StringIO())
    assert code == 1
    assert out.getvalue().splitlines() == [
        "published  in/2021-08-09-a.md -> _posts/2021-08-09-a.md",
        "held back  in/2021-08-09-b.md: changed while it was being checked; run publish again",
        "site: 1 published, 1 held back (written)",
    ]
    assert sorted(tree(work / "site")) == ["_posts/2021-08-09-a.md", "manifest.json"]


def test_unreadable_front_matter_says_where_and_why(work: Path) -> None:
    """'its front matter cannot be read' alone did not say which line Psych refuses, nor why."""
    (work / "in").mkdir()
    (work / "in" / "2020-01-02-sym.md").write_text("---\ntitle: T\nlayout: post\nmood: :happy\n---\nBody.\n", encoding="utf-8")
    out = io.StringIO()
    code = cli.main(["publish", "in", "--out", "site", "--no-cache", "--offline", "--select", "FM", "--force"],
                    stdout=out, stderr=io.StringIO())
    assert code == 1
    assert "held back  in/2020-01-02-sym.md: cannot be published: its front matter cannot be read\n" \
           "    in/2020-01-02-sym.md:4:7: FM005 ':happy' is a Ruby symbol" in out.getvalue()


def test_publishing_the_published_tree_changes_nothing(work: Path) -> None:
    """DIR has no _config.yml of its own: its manifest marks where the site's folders start,
    so blog/_posts/x.md stays there (flattened, the link tag naming it held the linker back)."""
    (work / "src" / "blog" / "_posts").mkdir(parents=True)
    (work / "src" / "_posts").mkdir()
    (work / "src" / "_config.yml").write_text("timezone: UTC\n", encoding="utf-8")
    (work / "src" / "blog" / "_posts" / "2020-01-02-x.md").write_text("---\ntitle: X\n---\nx\n", encoding="utf-8")
    (work / "src" / "_posts" / "2020-01-03-y.md").write_text(
        "---\ntitle: Y\n---\n[x]({% link blog/_posts/2020-01-02-x.md %})\n", encoding="utf-8")
    args = ["--no-cache", "--offline", "--select", "FM", "--ignore", "FM009"]
    assert cli.main(["publish", "src", "--out", "one", *args], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    assert sorted(tree(work / "one")) == ["_posts/2020-01-03-y.md", "blog/_posts/2020-01-02-x.md", "manifest.json"]
    out = io.StringIO()
    assert cli.main(["publish", "one", "--out", "two", *args], stdout=out, stderr=out) == 0, out.getvalue()
    assert tree(work / "two") == tree(work / "one")


def test_a_post_publish_cannot_read_is_listed_not_lost(work: Path) -> None:
    """Jekyll builds every dated file in _posts (2020-01-02-old.html, a .txt) as a post; publish
    checks Markdown only, and the published site silently lost them (exit 0). They are held
    back by name now; a file Jekyll skips (.#, ~, _, undated) is not."""
    posts = work / "in" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2020-01-01-new.md").write_text("---\ntitle: New\nlayout: post\n---\nBody.\n", encoding="utf-8")
    (posts / "_old").mkdir()
    for name in ("2020-01-02-old.html", "2020-01-03-notes.txt", "2020-01-04-x.md~", "_2020-01-05-y.html", "readme.html",
                 "_old/2020-01-06-z.html"):
        (posts / name).write_text("---\ntitle: Old\n---\n<p>old</p>\n", encoding="utf-8")
    out = io.StringIO()
    code = cli.main(["publish", "in", "--out", "site", "--no-cache", "--offline", "--select", "FM"], stdout=out, stderr=out)
    assert code == 1
    assert out.getvalue().count("held back  ") == 2
    assert ("held back  in/_posts/2020-01-02-old.html: cannot be published: Jekyll builds it as a post, but publish "
            "checks Markdown posts only (.md, .markdown, .mkdown, .mkdn, .mkd, .mdown, .mdwn); the published site "
            "would lose it\n") in out.getvalue()
    assert "held back  in/_posts/2020-01-03-notes.txt: " in out.getvalue()
    assert sorted(tree(work / "site")) == ["_posts/2020-01-01-new.md", "manifest.json"]
    out = io.StringIO()  # the _posts folder given itself
    code = cli.main(["publish", "in/_posts", "--out", "site", "--no-cache", "--offline", "--select", "FM"], stdout=out, stderr=out)
    assert (code, out.getvalue().count("held back  ")) == (1, 2)


def test_a_file_name_that_is_not_utf8_is_held_back(work: Path) -> None:
    """Jekyll stops the build on it ('invalid byte sequence in UTF-8' in EntryFilter); publish
    crashed writing the manifest (UnicodeEncodeError: surrogates not allowed)."""
    (work / "in").mkdir()
    name = os.fsdecode(b"2020-01-01-caf\xe9.md")
    (work / "in" / name).write_text("---\ntitle: T\nlayout: post\n---\nBody.\n", encoding="utf-8")
    (work / "in" / "2020-01-02-ok.md").write_text("---\ntitle: T\nlayout: post\n---\nBody.\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["publish", "in", "--out", "site", "--no-cache", "--offline", "--select", "FM"], stdout=out, stderr=err)
    assert code == 1, err.getvalue()
    assert "cannot be published: its file name is not UTF-8 (byte 0xe9)" in out.getvalue()
    assert sorted(tree(work / "site")) == ["_posts/2020-01-02-ok.md", "manifest.json"]
