"""cached_results trusts (size, mtime, inode) to skip re-reading unchanged files; any of
them changing must send the file back through the content hash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.config import build_config
from pipeline.runner import RunOptions, _Job, _map_files, cached_results, make_decision, select_checkers

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
