"""discover: which files a run lints, each once however many ways it was named."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.runner import discover

FM = "---\ntitle: T\nlayout: post\n---\nText.\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["posts/2020-01-01-a.md", "{tmp}/posts/2020-01-01-a.md"], ["posts/2020-01-01-a.md"]),
        (["posts", "posts/2020-01-01-a.md"], ["posts/2020-01-01-a.md", "posts/2020-01-02-b.md"]),
        (["posts/../posts/2020-01-02-b.md", "posts"], ["posts/../posts/2020-01-02-b.md", "posts/2020-01-01-a.md"]),
        (["link.md", "posts/2020-01-01-a.md"], ["link.md"]),  # a symlink and its target: one file
        (["posts"], ["posts/2020-01-01-a.md", "posts/2020-01-02-b.md"]),
    ],
)
def test_a_file_named_twice_is_linted_once_under_its_first_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], expected: list[str]
) -> None:
    (tmp_path / "posts").mkdir()
    for name in ("2020-01-01-a.md", "2020-01-02-b.md"):
        (tmp_path / "posts" / name).write_text(FM, encoding="utf-8")
    (tmp_path / "link.md").symlink_to(tmp_path / "posts" / "2020-01-01-a.md")
    monkeypatch.chdir(tmp_path)
    found = discover([a.format(tmp=tmp_path) for a in args])
    assert [p.as_posix() for p in found] == expected


def test_every_jekyll_markdown_extension_is_found(tmp_path: Path) -> None:
    """Jekyll's markdown_ext (markdown, mkdown, mkdn, mkd, md), any case; .txt only when named."""
    names = ["2020-01-01-a.md", "2020-01-02-b.markdown", "2020-01-03-c.mkdown", "2020-01-04-d.mkdn",
             "2020-01-05-e.MKD", "2020-01-06-f.txt", "2020-01-07-g.html"]
    for name in names:
        (tmp_path / name).write_text(FM, encoding="utf-8")
    assert [p.name for p in discover([tmp_path])] == names[:5]


@pytest.mark.parametrize(
    ("cwd", "given"),
    [(".", "_posts"), (".", "{tmp}/_posts"), ("_posts", "."), ("elsewhere", "../_posts"), ("elsewhere", "{tmp}/_posts"),
     # through a symlink to the site ($PWD under a linked folder; /tmp is /private/tmp on macOS)
     (".", "{tmp}/alias/_posts"), ("elsewhere", "../alias/_posts")],
)
def test_exclude_patterns_read_from_the_config_folder_however_the_paths_are_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, given: str
) -> None:
    """`exclude = ["_posts/old/*"]` in the site's config holds for `_posts`, `$PWD/_posts` and `.` alike."""
    for name in ("_posts/2020-01-01-a.md", "_posts/old/2019-01-01-b.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(FM, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path)
    monkeypatch.chdir(tmp_path / cwd)
    found = discover([given.format(tmp=tmp_path)], ["_posts/old/*"], root=tmp_path)
    assert [p.name for p in found] == ["2020-01-01-a.md"]


def test_exclude_still_matches_a_file_name_and_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "posts").mkdir()
    for name in ("2020-01-01-a.md", "2020-01-02-draft-b.md"):
        (tmp_path / "posts" / name).write_text(FM, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert [p.name for p in discover(["posts"], ["*draft*"], root=tmp_path / "other")] == ["2020-01-01-a.md"]
    assert [p.name for p in discover(["posts"], ["posts/2020-01-01*"])] == ["2020-01-02-draft-b.md"]
