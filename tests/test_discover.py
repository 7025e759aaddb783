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
