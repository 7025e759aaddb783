"""`pipeline lint --fix` / `--diff`: exact diffs, golden fixed files, and the file's bytes
kept as they were everywhere no fix applies (BOM, CRLF, mode), or left alone entirely."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline import cli, fixer
from pipeline.findings import Finding, Fix, Severity

DATA = Path(__file__).parent / "data" / "fix"
NAME = "2020-01-01-fixable.md"
GOLDEN = (DATA / "2020-01-01-fixable.fixed.md").read_text(encoding="utf-8")


def run(*argv: str) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["lint", "--offline", "--no-cache", *argv], stdout=out, stderr=err)
    return int(code), out.getvalue(), err.getvalue()


@pytest.fixture
def post(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(DATA / NAME, tmp_path / NAME)
    monkeypatch.chdir(tmp_path)
    return tmp_path / NAME


DIFF = f"""\
--- a/{NAME}
+++ b/{NAME}
@@ -5,12 +5,10 @@
 
 We waited untill the build was green, then shipped the Keras Devolopment notes.
 
-How do you start a new project?
-
 ## How do you start a new project?
 
 With a template.
 
-##  Where does it go next?
+## Where does it go next?
 
 Somewhere [here](https://example.com/).
"""


def test_diff_prints_the_safe_fixes_and_changes_nothing(post: Path) -> None:
    before = post.read_bytes()
    assert run("--diff", NAME) == (1, DIFF, "2 fixes in 1 file (apply with --fix)\n")
    assert post.read_bytes() == before


def test_fix_refuses_an_output_that_is_a_post_before_changing_anything(post: Path) -> None:
    """`--fix -o <a post>` applied every fix, then stopped with the usage error (exit 2):
    the error came after the posts were rewritten. Now nothing is written."""
    other = post.parent / "2020-01-02-other.md"
    other.write_text("---\nlayout: post\ntitle: Other\n---\n\n##  Other\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (post, other)}
    assert run("--fix", "--output", other.name, ".") == (
        2, "", f"pipeline: error: --output {other.name} is one of the posts being checked; write the report elsewhere\n")
    assert {p: p.read_bytes() for p in (post, other)} == before


def test_exit_zero_holds_for_diff_too(post: Path) -> None:
    """`--diff --exit-zero` exited 1 although --exit-zero promises 0 (ruff: 0)."""
    assert run("--diff", "--exit-zero", NAME) == (0, DIFF, "2 fixes in 1 file (apply with --fix)\n")


def test_fix_writes_the_golden_file_then_reports_what_is_left(post: Path) -> None:
    code, out, err = run("--fix", NAME)
    assert post.read_text(encoding="utf-8") == GOLDEN
    assert (code, err) == (1, "Fixed 2 findings in 1 file.\n")
    assert out == (
        f"{NAME}:6:11: SP001 unknown word 'untill': did you mean 'until'? (or util, untold, untie)\n"
        f"{NAME}:6:62: SP001 unknown word 'Devolopment': did you mean 'Development'? (or Developments, Devolvement)\n"
        f"{NAME}:14:11: LK011 link text 'here' says nothing about the target; describe where it goes\n"
        "Found 2 errors and 1 warning in 1 of 1 file.\n"
    )
    assert run("--diff", NAME) == (0, "", "0 fixes in 0 files\n")  # a second pass finds nothing


def test_spelling_fixes_need_the_flag_and_only_the_unambiguous_one_is_applied(post: Path) -> None:
    code, _out, err = run("--fix", "--fix-spelling", NAME)
    text = post.read_text(encoding="utf-8")
    assert err == "Fixed 3 findings in 1 file.\n"
    assert "waited until the build" in text and "Keras Devolopment" in text  # capitalised: a guess, kept
    assert code == 1  # Devolopment is still an error


def test_fix_spelling_alone_is_a_usage_error(post: Path) -> None:
    code, out, err = run("--fix-spelling", NAME)
    assert (code, out) == (2, "") and "--fix-spelling goes with --fix or --diff" in err


def test_bom_crlf_and_mode_are_kept(post: Path) -> None:
    crlf = post.read_text(encoding="utf-8").replace("\n", "\r\n").encode()
    post.write_bytes(b"\xef\xbb\xbf" + crlf)
    os.chmod(post, 0o640)
    assert run("--fix", NAME)[2] == "Fixed 2 findings in 1 file.\n"
    assert post.read_bytes() == b"\xef\xbb\xbf" + GOLDEN.replace("\n", "\r\n").encode()
    assert post.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in post.parent.iterdir()) == [NAME]  # no temporary file left


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file to another user")
def test_owner_and_group_are_kept(post: Path) -> None:
    """Run as root (a pre-commit hook in a container on a mounted checkout), --fix gave the
    author's post to root: the rewritten file was the temporary one root had created."""
    os.chown(post, 65534, 65534)
    os.chmod(post, 0o664)
    assert run("--fix", NAME)[2] == "Fixed 2 findings in 1 file.\n"
    st = post.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (65534, 65534, 0o664)
    assert post.read_text(encoding="utf-8") == GOLDEN


def test_mixed_line_endings_are_left_alone(post: Path) -> None:
    mixed = post.read_bytes().replace(b"\n", b"\r\n", 3)
    post.write_bytes(mixed)
    code, _out, err = run("--fix", NAME)
    assert post.read_bytes() == mixed
    assert err == f"{NAME}: not fixed: mixes line endings; not rewritten\nFixed 0 findings in 0 files.\n"
    assert code == 1


def test_a_symlinked_post_is_fixed_through_its_link(post: Path) -> None:
    link = post.parent / "2020-01-02-alias.md"
    link.symlink_to(NAME)
    assert run("--fix", link.name)[2] == "Fixed 2 findings in 1 file.\n"
    assert link.is_symlink() and post.read_text(encoding="utf-8") == GOLDEN


def test_a_failed_write_leaves_the_post_whole_and_no_temporary_file(post: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = post.read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fixer.os, "replace", refuse)
    _code, _out, err = run("--fix", NAME)
    assert post.read_bytes() == before
    assert err == f"{NAME}: not fixed: cannot write it: Permission denied\nFixed 0 findings in 0 files.\n"
    assert sorted(p.name for p in post.parent.iterdir()) == [NAME]


def test_a_file_changed_since_the_run_began_is_not_fixed(tmp_path: Path) -> None:
    path = tmp_path / NAME
    shutil.copy(DATA / NAME, path)
    stamps = fixer.stamps([path])
    path.write_text(path.read_text(encoding="utf-8") + "\nMore text.\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    finding = Finding(str(path), 14, 4, "HD006", Severity.WARNING, "m", Fix(14, 3, 14, 5, " "))
    planned, skipped = fixer.plan_fixes([finding], stamps)
    assert planned == [] and [s.reason for s in skipped] == ["changed while it was being checked; run again"]
    planned, skipped = fixer.plan_fixes([finding], fixer.stamps([path]))
    assert skipped == [] and planned[0].after.splitlines()[13] == "## Where does it go next?"


def test_fixes_run_until_nothing_more_is_offered(post: Path) -> None:
    post.write_text("---\nlayout: post\ntitle: T\n---\n\nWhy now?\n\nWhy now?\n\n## Why now?\n\nText.\n", encoding="utf-8")
    assert run("--diff", NAME)[0] == 1
    assert run("--fix", NAME) == (0, "All clear: 1 file checked.\n", "Fixed 2 findings in 1 file.\n")
    assert post.read_text(encoding="utf-8") == "---\nlayout: post\ntitle: T\n---\n\n## Why now?\n\nText.\n"


def test_diff_of_a_file_without_final_newline_applies_with_git(post: Path) -> None:
    import subprocess

    other = post.parent / "2020-01-02-other.md"
    other.write_text("---\nlayout: post\ntitle: Other\n---\n\nText.\n\n##  Other", encoding="utf-8")
    code, diff, _ = run("--diff", NAME, other.name)
    assert code == 1
    assert diff.endswith("-##  Other\n\\ No newline at end of file\n+## Other\n\\ No newline at end of file\n")
    subprocess.run(["git", "init", "-q"], cwd=post.parent, check=True)
    done = subprocess.run(["git", "apply", "-"], cwd=post.parent, input=diff, text=True, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert post.read_text(encoding="utf-8") == GOLDEN
    assert other.read_text(encoding="utf-8").endswith("Text.\n\n## Other")


def test_diff_goes_to_output_and_refuses_other_formats(post: Path) -> None:
    assert run("--diff", "--output", "fixes.patch", NAME) == (1, "", "2 fixes in 1 file (apply with --fix)\n")
    assert (post.parent / "fixes.patch").read_text(encoding="utf-8") == DIFF
    code, out, err = run("--diff", "--format", "json", NAME)
    assert (code, out) == (2, "") and "--format does not apply" in err


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_diff_of_a_crlf_file_applies_with_git(post: Path, bom: bytes) -> None:
    """The hunks carry the file's own line endings (and BOM), or `git apply` refuses them."""
    import subprocess

    other = post.parent / "2020-01-02-crlf.md"
    other.write_bytes(bom + b"---\r\nlayout: post\r\ntitle: Other\r\n---\r\n\r\n##  Other\r\n\r\nText.\r\n")
    code, diff, _ = run("--diff", other.name)
    assert code == 1
    subprocess.run(["git", "init", "-q"], cwd=post.parent, check=True)
    done = subprocess.run(["git", "apply", "-"], cwd=post.parent, input=diff.encode("utf-8"), capture_output=True)
    assert done.returncode == 0, done.stderr
    assert other.read_bytes() == bom + b"---\r\nlayout: post\r\ntitle: Other\r\n---\r\n\r\n## Other\r\n\r\nText.\r\n"


@pytest.mark.parametrize("data", [
    b"---\nlayout: post\ntitle: T\n---\n\n##  Intro\n\nPage\x0cbreak, a line\xe2\x80\xa8separator, a \xc2\x85 NEL.\n",
    b"---\nlayout: post\ntitle: T\n---\n\n##  Intro\n\nA vertical\x0btab and a group\x1dseparator.\n",
    b"---\rlayout: post\rtitle: T\r---\r\r##  Intro\r\rText.\r",  # CR only: one line to git
])
def test_diff_of_a_file_with_other_line_breaks_applies_with_git(post: Path, data: bytes) -> None:
    """git cuts lines at "\\n" only; str.splitlines also cuts at form feed, U+2028, NEL, CR..."""
    import subprocess

    other = post.parent / "2020-01-02-other.md"
    other.write_bytes(data)
    code, diff, _ = run("--diff", other.name)
    assert code == 1
    subprocess.run(["git", "init", "-q"], cwd=post.parent, check=True)
    done = subprocess.run(["git", "apply", "-"], cwd=post.parent, input=diff.encode("utf-8"), capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert other.read_bytes() == data.replace(b"##  Intro", b"## Intro")


@pytest.mark.parametrize(("given", "cwd", "name"), [
    (NAME, ".", NAME),
    ("ABS", ".", NAME),  # the absolute path of the post: a//tmp/... before
    (f"sub/../{NAME}", ".", NAME),
])
def test_diff_names_the_file_as_git_diff_does(post: Path, monkeypatch: pytest.MonkeyPatch, given: str, cwd: str,
                                              name: str) -> None:
    """Paths from the current folder, or neither `git apply` nor `patch -p1` finds the file."""
    (post.parent / "sub").mkdir()
    monkeypatch.chdir(post.parent / cwd)
    code, diff, _ = run("--diff", str(post) if given == "ABS" else given)
    assert code == 1
    assert diff.splitlines()[:2] == [f"--- a/{name}", f"+++ b/{name}"]


def test_diff_given_an_absolute_path_applies_with_git(post: Path) -> None:
    import subprocess

    code, diff, _ = run("--diff", str(post))
    assert code == 1
    subprocess.run(["git", "init", "-q"], cwd=post.parent, check=True)
    done = subprocess.run(["git", "apply", "-"], cwd=post.parent, input=diff, text=True, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert post.read_text(encoding="utf-8") == GOLDEN
