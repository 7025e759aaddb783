"""The writer: paths stay inside DIR, DIR is replaced whole or not at all, only ours is replaced."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.errors import PathError, UsageError
from pipeline.publish import writer


def files(**posts: str) -> dict[str, bytes]:
    out = {f"_posts/{name}.md": text.encode() for name, text in posts.items()}
    entries = [{"path": p} for p in out]
    out[writer.MANIFEST] = writer.manifest_text(entries).encode()
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("rel", ["../x.md", "/etc/passwd", "_posts/../../x", "a//b", "./a", "a\\..\\b", "", "a\x00"])
def test_safe_join_refuses_escapes(tmp_path: Path, rel: str) -> None:
    with pytest.raises(PathError):
        writer.safe_join(tmp_path, rel)


def test_safe_join_refuses_a_symlink_out_of_root(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "_posts").symlink_to(tmp_path)
    with pytest.raises(PathError):
        writer.safe_join(tmp_path / "root", "_posts/x.md")


def test_write_creates_replaces_and_removes(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert writer.write_site(files(a="A", b="B"), out)
    assert tree(out) == files(a="A", b="B")
    assert writer.write_site(files(a="A2"), out)
    assert tree(out) == files(a="A2")
    assert not writer.write_site(files(a="A2"), out)  # identical: nothing written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folders left


def test_modes_are_readable(tmp_path: Path) -> None:
    writer.write_site(files(a="A"), tmp_path / "site")
    assert (tmp_path / "site").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "site/_posts/a.md").stat().st_mode & 0o777 == 0o644


def test_interrupted_write_leaves_the_old_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    writer.write_site(files(a="old"), out)
    real_fsync = os.fsync
    calls = []

    def crash(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C halfway through building the new tree
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        writer.write_site(files(a="new", b="new"), out)
    assert tree(out) == files(a="old")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_swap_without_renameat2_falls_back_to_two_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    out = tmp_path / "site"
    writer.write_site(files(a="old"), out)
    writer.write_site(files(b="new"), out)
    assert tree(out) == files(b="new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_not_written_by_us_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "important"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(PathError, match="did not write"):
        writer.check_out_dir(out, [tmp_path / "posts"])
    (out / writer.MANIFEST).write_text(json.dumps({"generator": "someone else"}))
    with pytest.raises(PathError):
        writer.check_out_dir(out, [tmp_path / "posts"])


def test_empty_folder_and_our_folder_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "empty").mkdir()
    writer.check_out_dir(tmp_path / "empty", [tmp_path / "posts"])
    writer.write_site(files(a="A"), tmp_path / "ours")
    writer.check_out_dir(tmp_path / "ours", [tmp_path / "posts"])


@pytest.mark.parametrize("out", ["posts", "posts/site", "."])
def test_output_overlapping_sources_is_refused(tmp_path: Path, out: str) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "2020-01-01-a.md").write_text("x")
    with pytest.raises(UsageError):
        writer.check_out_dir(tmp_path / out, [tmp_path / "posts", tmp_path / "posts" / "2020-01-01-a.md"])


@pytest.mark.parametrize(("out", "sources", "refused"), [
    ("posts/out", ["posts/2020-01-01-a.md"], True),  # the next run over posts/ would read out/
    ("posts/deeper/out", ["posts/2020-01-01-a.md"], True),
    ("site/published", ["posts/2020-01-01-a.md"], False),
    ("posts2", ["posts/2020-01-01-a.md"], False),
    ("posts/out", ["missing.md"], False),  # nothing there to read again
])
def test_output_inside_the_folder_of_a_source_file_is_refused(tmp_path: Path, out: str, sources: list[str],
                                                               refused: bool) -> None:
    """Sources given as files: `publish _posts/a.md --out _posts/out` made `publish .` read the copies."""
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "2020-01-01-a.md").write_text("x")
    if refused:
        with pytest.raises(UsageError, match="inside the source folder"):
            writer.check_out_dir(tmp_path / out, [tmp_path / s for s in sources])
    else:
        writer.check_out_dir(tmp_path / out, [tmp_path / s for s in sources])


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(PathError, match="not a folder"):
        writer.check_out_dir(tmp_path / "f", [tmp_path / "posts"])


def test_manifest_is_sorted_and_stable() -> None:
    text = writer.manifest_text([{"path": "_posts/b.md", "title": "É"}, {"path": "_posts/a.md", "title": "A"}])
    doc = json.loads(text)
    assert [p["path"] for p in doc["posts"]] == ["_posts/a.md", "_posts/b.md"]
    assert doc["generator"] == writer.GENERATOR and text.endswith("}\n") and "É" in text


_KILLED_MID_BUILD = """
import os, sys, time
from pathlib import Path
from pipeline.publish import writer
real = os.fsync
def stall(fd):
    real(fd)
    print("building", flush=True)
    time.sleep(60)
os.fsync = stall
writer.write_site({"_posts/a.md": b"new", "manifest.json": b"{}"}, Path(sys.argv[1]))
"""


def test_a_killed_publish_leaves_a_folder_the_next_run_removes(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    out = tmp_path / "site"
    writer.write_site(files(a="old"), out)
    child = subprocess.Popen([sys.executable, "-c", _KILLED_MID_BUILD, str(out)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "building\n"
    child.send_signal(signal.SIGKILL)
    child.wait()
    left = [p.name for p in tmp_path.iterdir() if p.name != "site"]
    assert left and all(name.startswith(f".site.pipeline-{child.pid}-") for name in left)
    assert tree(out) == files(a="old")  # the kill changed nothing that is published
    running = tmp_path / f".site.pipeline-{os.getppid()}-abc"  # a live process's: not touched
    running.mkdir()
    assert writer.write_site(files(a="new"), out)
    assert tree(out) == files(a="new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", running.name])
