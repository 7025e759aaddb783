"""cached_results trusts (size, mtime, inode) to skip re-reading unchanged files; any of
them changing must send the file back through the content hash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.config import build_config
from pipeline.runner import (
    PARALLEL_MIN_FILES,
    RunOptions,
    _Job,
    _map_files,
    cached_results,
    make_decision,
    select_checkers,
)

FM = "---\ntitle: T\nlayout: post\n---\n"


def _job(tmp_path: Path) -> _Job:
    config = build_config({"cache_dir": str(tmp_path / "cache")}, tmp_path, None)
    names = tuple(m.__name__ for m in select_checkers(make_decision(config)))
    return _Job(config, RunOptions(offline=True, jobs=1), names, True)


def test_unchanged_files_come_from_the_cache_and_edits_do_not(tmp_path: Path) -> None:
    files = []
    for day in (1, 2, 3):
        path = tmp_path / f"2020-01-0{day}-p.md"
        path.write_text(FM + f"Post number {day} says hello.\n", encoding="utf-8")
        files.append(path)
    job = _job(tmp_path)
    assert cached_results(files, job) == [None, None, None]  # nothing computed yet
    computed = _map_files(files, job)
    first = cached_results(files, job)  # reads and hashes, then remembers the stamps
    assert [r.key for r in first] == [r.key for r in computed]
    assert [r.key for r in cached_results(files, job)] == [r.key for r in computed]  # from the memo

    st = files[1].stat()
    files[1].write_text(FM + "Post number 2 says HELLO.\n", encoding="utf-8")  # same size
    os.utime(files[1], ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    again = cached_results(files, job)
    assert again[1] is None and again[0] is not None and again[2] is not None
    _map_files([files[1]], job)
    assert cached_results(files, job)[1].key not in {r.key for r in computed}


def test_editing_the_site_config_misses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """_config.yml `defaults` decide FM009: a cached verdict must not outlive an edit to it."""
    import io

    from pipeline import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-01-01-a.md").write_text("---\ntitle: T\n---\n\nBody.\n", encoding="utf-8")
    (tmp_path / "_config.yml").write_text("title: site\n", encoding="utf-8")

    def lint() -> str:
        out = io.StringIO()
        cli.main(["lint", "--offline", "--select", "FM009", "_posts"], stdout=out, stderr=io.StringIO())
        return out.getvalue()

    assert "FM009 missing required key 'layout'" in lint()
    (tmp_path / "_config.yml").write_text(
        "title: site\ndefaults:\n  - scope: {path: ''}\n    values: {layout: post}\n", encoding="utf-8")
    assert lint() == "All clear: 1 file checked.\n"
    (tmp_path / "_config.yml").write_text("title: site\n", encoding="utf-8")
    assert "FM009" in lint()


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(tmp_path: Path) -> None:
    """Restoring the mtime after a same-size edit (coarse clocks, tools that keep times) still
    changes the ctime, which the stamp holds."""
    path = tmp_path / "2020-01-01-p.md"
    path.write_text(FM + "Post says hello.\n", encoding="utf-8")
    job = _job(tmp_path)
    _map_files([path], job)
    assert cached_results([path], job)[0] is not None
    st = path.stat()
    path.write_text(FM + "Post says HELLO.\n", encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cached_results([path], job)[0] is None


def _lint(*argv: str) -> tuple[int, str]:
    import io

    from pipeline import cli

    out = io.StringIO()
    code = cli.main(["lint", "--offline", *argv], stdout=out, stderr=io.StringIO())
    return code, out.getvalue()


def test_a_moved_project_is_not_judged_from_its_old_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache key holds where the file really is: a relative link is checked from there."""
    old = tmp_path / "old"
    (old / "posts").mkdir(parents=True)
    (old / "img").mkdir()
    (old / "img" / "pic.png").write_bytes(b"png")
    (old / "posts" / "2020-01-01-x.md").write_text(FM + "![p](../img/pic.png)\n", encoding="utf-8")
    (tmp_path / "pipeline.toml").write_text(f'cache_dir = "{tmp_path / "shared-cache"}"\n', encoding="utf-8")
    monkeypatch.chdir(old)
    assert _lint("posts") == (0, "All clear: 1 file checked.\n")
    new = tmp_path / "new"
    new.mkdir()
    (new / "posts").mkdir()
    (new / "posts" / "2020-01-01-x.md").write_bytes((old / "posts" / "2020-01-01-x.md").read_bytes())  # no img/ here
    monkeypatch.chdir(new)
    warm = _lint("posts")
    assert warm == _lint("--no-cache", "posts")
    assert warm[0] == 1 and "LK003" in warm[1]


def test_a_renamed_project_folder_is_not_judged_from_its_old_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rename keeps every file's size, mtime, inode and ctime, so the stat memo alone
    cannot tell; relative names are remembered together with the folder they start from."""
    old = tmp_path / "old"
    (old / "posts").mkdir(parents=True)
    (old / "assets").mkdir()
    (old / "assets" / "x.png").write_bytes(b"png")
    for i in range(PARALLEL_MIN_FILES + 2):  # enough for the parallel path, which reads the memo first
        (old / "posts" / f"2020-03-01-p{i}.md").write_text(FM + "See [the image file](../assets/x.png) here.\n", encoding="utf-8")
    (tmp_path / "pipeline.toml").write_text(f'cache_dir = "{tmp_path / "shared-cache"}"\n', encoding="utf-8")
    monkeypatch.chdir(old)
    assert _lint("--jobs", "2", "posts")[0] == 0
    old.rename(tmp_path / "new")  # the image moves along: every link still works
    monkeypatch.chdir(tmp_path / "new")
    assert _lint("--jobs", "2", "posts") == _lint("--jobs", "2", "--no-cache", "posts") == (
        0, f"All clear: {PARALLEL_MIN_FILES + 2} files checked.\n")


def test_the_stat_memo_of_a_full_run_survives_the_site_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The linted files' stamps and the indexed files' stamps are kept apart: the site pass,
    with no other file, once wrote an empty memo over the lint pass's."""
    import pickle
    import sqlite3

    from pipeline.runner import PARALLEL_MIN_FILES

    count = PARALLEL_MIN_FILES + 2  # a run this large reads hits through the memo
    (tmp_path / "posts").mkdir()
    for n in range(count + 2):  # the last two are only indexed (the site pass)
        (tmp_path / "posts" / f"2020-01-01-p{n:03d}.md").write_text(FM + "Hello there.\n", encoding="utf-8")
    (tmp_path / "pipeline.toml").write_text('cache_dir = "cache"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    linted = [f"posts/2020-01-01-p{n:03d}.md" for n in range(count)]
    _lint(*linted)
    _lint(*linted)
    with sqlite3.connect(tmp_path / "cache" / "lint.sqlite") as db:
        memos = [pickle.loads(v) for k, v in db.execute("SELECT key, value FROM results") if k.startswith("stat-memo:")]
    assert sorted(len(m) for m in memos) == [2, count]


def test_a_fifo_named_like_a_post_is_a_finding_not_a_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cold and warm, serial and parallel: the cache's content hash must not read it either."""
    (tmp_path / "pipeline.toml").write_text("", encoding="utf-8")
    posts = tmp_path / "posts"
    posts.mkdir()
    for i in range(PARALLEL_MIN_FILES):
        (posts / f"2020-01-01-p{i}.md").write_text(FM + "Text.\n", encoding="utf-8")
    os.mkfifo(posts / "2020-01-02-pipe.md")
    monkeypatch.chdir(tmp_path)
    for argv in (["--jobs", "1"], ["--jobs", "2"], ["--jobs", "2"], ["--no-cache", "--jobs", "2"]):
        code, out = _lint(*argv, "posts")
        assert (code, out.splitlines()[0]) == (1, "posts/2020-01-02-pipe.md:1:1: FM001 not a regular file (a pipe, socket or device); not read")


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path) -> None:
    """The cache is only a cache: a file that is no database is replaced, not kept as a
    reason never to cache again."""
    path = tmp_path / "2020-01-01-p.md"
    path.write_text(FM + "Hello there.\n", encoding="utf-8")
    job = _job(tmp_path)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "lint.sqlite").write_bytes(b"not a database, " * 512)
    computed = _map_files([path], job)
    assert [r.key for r in cached_results([path], job)] == [r.key for r in computed]
