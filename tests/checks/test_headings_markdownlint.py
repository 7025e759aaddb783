"""HD001 must report exactly what markdownlint-cli2's MD024 reports, with siblings_only off and on.

Compared on markdownlint's own MD024 fixtures (vendored, MIT, tests/data/headings/markdownlint/),
our MD024 edge cases (tests/data/headings/md024/), the seed posts, and a corpus of posts
(HD_CORPUS_DIRS, os.pathsep-separated; default /work/shared/corpus/jekyll-docs when it exists).
Only body headings are compared: markdownlint drops front matter too, but by its own regex.

markdownlint-cli2 is found at $MARKDOWNLINT_CLI2, else <repo>/node_modules/.bin/markdownlint-cli2,
else on PATH; without it (or without node) the test is skipped. Install with:
    npm install --no-save --prefix <repo> markdownlint-cli2@0.22.1
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from pipeline.checks import headings
from pipeline.post import read_post
from pipeline.registry import Context

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "headings"
DEFAULT_CORPUS = Path("/work/shared/corpus/jekyll-docs")
_RESULT = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?::\d+)? \w+ MD024/")
_BATCH = 150


def _binary() -> str | None:
    explicit = os.environ.get("MARKDOWNLINT_CLI2")
    if explicit:
        return explicit
    local = REPO / "node_modules" / ".bin" / "markdownlint-cli2"
    return str(local) if local.exists() else shutil.which("markdownlint-cli2")


def _files() -> list[Path]:
    dirs = os.environ.get("HD_CORPUS_DIRS")
    corpora = [Path(d) for d in dirs.split(os.pathsep) if d] if dirs else [DEFAULT_CORPUS]
    files = sorted((DATA / "markdownlint").glob("*.md")) + sorted((DATA / "md024").glob("*.md"))
    files += sorted((REPO / "posts").glob("*.md"))
    for corpus in corpora:
        files += sorted(p for p in corpus.glob("*") if p.suffix in (".md", ".markdown") and p.is_file())
    return [f.resolve() for f in files]


FILES = _files()


def _run_markdownlint(binary: str, files: list[Path], siblings_only: bool, workdir: Path) -> dict[Path, list[int]]:
    config = workdir / f"siblings-{siblings_only}.markdownlint-cli2.jsonc"
    settings = {"config": {"default": False, "MD024": {"siblings_only": siblings_only}}, "noInlineConfig": True}
    config.write_text(json.dumps(settings), encoding="utf-8")
    found: dict[Path, list[int]] = {f: [] for f in files}
    for start in range(0, len(files), _BATCH):
        batch = [f":{f}" for f in files[start: start + _BATCH]]  # ':' = literal path, not a glob
        proc = subprocess.run([binary, "--config", str(config), *batch], cwd=workdir,
                              capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        for line in (proc.stdout + proc.stderr).splitlines():
            if m := _RESULT.match(line):
                found[(workdir / m["path"]).resolve()].append(int(m["line"]))
    return found


@pytest.fixture(scope="module")
def markdownlint(tmp_path_factory: pytest.TempPathFactory) -> Mapping[bool, dict[Path, list[int]]]:
    binary = _binary()
    if binary is None or shutil.which("node") is None:
        pytest.skip("markdownlint-cli2 not installed: set MARKDOWNLINT_CLI2 or "
                    "`npm install --no-save --prefix . markdownlint-cli2@0.22.1`")
    workdir = tmp_path_factory.mktemp("markdownlint")
    return {s: _run_markdownlint(binary, FILES, s, workdir) for s in (False, True)}


@pytest.mark.parametrize("siblings_only", [False, True], ids=["all", "siblings_only"])
@pytest.mark.parametrize("path", FILES, ids=[f"{f.parent.name}/{f.name}" for f in FILES])
def test_hd001_matches_markdownlint_md024(path: Path, siblings_only: bool,
                                          markdownlint: Mapping[bool, dict[Path, list[int]]]) -> None:
    post = read_post(path)
    options = {name: opt.default for name, opt in headings.OPTIONS.items()} | {"siblings_only": siblings_only}
    ours = sorted(f.line for f in headings.check(post, Context(options=options, root=REPO)) if f.code == "HD001")
    theirs = sorted(line for line in markdownlint[siblings_only][path] if line >= post.body_start_line)
    assert ours == theirs


def test_vendored_fixtures_are_present_with_their_licence() -> None:
    vendored = DATA / "markdownlint"
    assert "MIT" in (vendored / "LICENSE").read_text(encoding="utf-8")
    assert len(list(vendored.glob("*.md"))) >= 5
