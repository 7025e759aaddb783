"""The pre-commit hook, run for real: `pre-commit try-repo` against a committed copy of this tree.

try-repo clones the hook repository's HEAD, so the test commits a copy of the working
tree (package, pyproject, README, hook manifest) into a fresh git repository instead of
relying on whatever the main repository last committed. Installing the hook's virtualenv
needs pip and the package index; the environment is built once per module.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).parent.parent
CLEAN = "---\ntitle: Hello\nlayout: post\n---\n\nA short and clean post.\n"
BROKEN = "---\nlayout: post\ntitle: One\ntitle: Two\n---\n\nBody.\n"

pytestmark = pytest.mark.slow


def test_hook_manifest_matches_the_design() -> None:
    lint, fix = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (lint["id"], fix["id"]) == ("pipeline-lint", "pipeline-fix")
    for hook, entry in ((lint, "pipeline lint --offline"), (fix, "pipeline lint --offline --fix")):
        assert (hook["entry"], hook["language"], hook.get("types", ["file"]), hook["require_serial"]) == (
            entry, "python", ["file"], True)
        posts = re.compile(hook["files"])  # pre-commit matches `files` with re.search
        assert [bool(posts.search(f)) for f in ("_posts/2020-01-01-a.md", "blog/_drafts/b.md", "posts/c.md",
                                                 "README.md", "about.md", "docs/posts.md")] == [True] * 3 + [False] * 3


# Jekyll's markdown_ext (markdown,mkdown,mkdn,mkd,md) and pipeline's folder search (.mdown,
# .mdwn), in any case; identify tags only .md and .markdown as `markdown`.
HOOK_FILES = [
    ("_posts/2020-01-01-a.md", True),
    ("_posts/2020-01-01-b.markdown", True),
    ("_posts/2020-01-01-c.mkdown", True),
    ("_posts/2020-01-01-d.mkdn", True),
    ("_posts/2020-01-01-e.mkd", True),
    ("_posts/2020-01-01-f.mdown", True),
    ("_posts/2020-01-01-g.MD", True),
    ("blog/_drafts/h.Mkdn", True),
    ("_posts/notes.txt", False),
    ("_posts/image.png", False),
    ("_posts/2020-01-01-x.md.orig", False),
    ("_posts/mdfiles/readme", False),
    ("README.md", False),
    ("docs/a.mkdn", False),
]


@pytest.mark.parametrize("hook_id", ["pipeline-lint", "pipeline-fix"])
def test_hooks_pass_every_markdown_extension_jekyll_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook_id: str) -> None:
    """`types: [markdown]` never passed .mkdn, .mkd or .mkdown posts: the hook's files are
    picked here by pre-commit's own classifier, from real files (identify reads them)."""
    from pre_commit.commands.run import Classifier, filter_by_include_exclude

    hook = next(h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")) if h["id"] == hook_id)
    monkeypatch.chdir(tmp_path)
    for name, _ in HOOK_FILES:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_bytes(b"\x89PNG\r\n\x1a\n\x00" if name.endswith(".png") else b"---\ntitle: x\n---\n# Hi\n")
    names = [name for name, _ in HOOK_FILES]
    chosen = Classifier(names).by_types(filter_by_include_exclude(names, hook["files"], hook.get("exclude", "^$")),
                                         hook.get("types", ["file"]), hook.get("types_or", []), hook.get("exclude_types", []))
    assert sorted(chosen) == sorted(name for name, passed in HOOK_FILES if passed)


@pytest.mark.parametrize("hook_id", ["pipeline-lint", "pipeline-fix"])
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("_posts/2020-01-01-a.mkd", "---\ntitle: x\n---\nHello\n".encode("utf-16")),
        ("_posts/2020-01-01-b.mkdn", b"---\ntitle: x\n---\nHel\x00lo\n"),
        ("_posts/2020-01-01-c.md", "---\ntitle: x\n---\nHello\n".encode("utf-16")),
    ],
    ids=["utf16-mkd", "nul-mkdn", "utf16-md"],
)
def test_hooks_pass_posts_identify_calls_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook_id: str,
                                                name: str, data: bytes) -> None:
    """`types: [text]` kept a post saved as UTF-16 (or holding a NUL byte) from the hook
    whenever identify read its bytes (.mkd, .mkdn...): the commit passed, although that post
    is exactly what FM002 reports and Jekyll cannot read."""
    from pre_commit.commands.run import Classifier, filter_by_include_exclude

    hook = next(h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")) if h["id"] == hook_id)
    monkeypatch.chdir(tmp_path)
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    Path(name).write_bytes(data)
    chosen = Classifier([name]).by_types(filter_by_include_exclude([name], hook["files"], hook.get("exclude", "^$")),
                                          hook.get("types", ["file"]), hook.get("types_or", []), hook.get("exclude_types", []))
    assert list(chosen) == [name]


def test_project_config_runs_the_hook_on_posts() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for r in config["repos"] for h in r["hooks"] if h["id"] == "pipeline-lint"]
    assert len(hooks) == 1 and hooks[0]["entry"].startswith("pipeline lint --offline")
    assert hooks[0]["files"].startswith("^posts/") and hooks[0].get("types", ["file"]) == ["file"]
    assert re.search(hooks[0]["files"], "posts/2020-01-01-a.mkdown") and not re.search(hooks[0]["files"], "posts/notes.txt")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("precommit-home")
    return {
        **os.environ,
        "HOME": str(home),
        "PRE_COMMIT_HOME": str(home / "pre-commit"),
        "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
    }


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    """A git repository whose HEAD is the current working tree of this project."""
    repo = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pipeline_cache")
    shutil.copytree(REPO / "pipeline", repo / "pipeline", ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, repo / name)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "hook under test"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)
    return repo


@pytest.fixture
def project(tmp_path: Path, env: dict[str, str]) -> Iterator[Path]:
    """A blog repository with one clean and one broken post, both staged."""
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2020-01-02-clean.md").write_text(CLEAN, encoding="utf-8")
    (posts / "2020-01-02-broken.md").write_text(BROKEN, encoding="utf-8")
    (posts / "notes.txt").write_text("not markdown: the hook must not see it\n", encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True, timeout=60)
    yield tmp_path


def try_repo(hook_repo: Path, project: Path, env: dict[str, str], *files: str, hook: str = "pipeline-lint") -> tuple[int, str, float]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--verbose", "--files", *files],
        cwd=project, env=env, check=False, capture_output=True, text=True, timeout=900,
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - start


def test_try_repo_passes_clean_post_and_fails_broken_one(hook_repo: Path, project: Path, env: dict[str, str],
                                                         record_property: pytest.RecordProperty) -> None:
    code, out, first = try_repo(hook_repo, project, env, "_posts/2020-01-02-clean.md", "_posts/notes.txt")
    assert code == 0, out
    assert "pipeline lint" in out and "Passed" in out
    code, out, second = try_repo(hook_repo, project, env, "_posts/2020-01-02-broken.md")
    assert code == 1, out
    assert "Failed" in out
    assert "_posts/2020-01-02-broken.md:4:1: FM006 duplicate key 'title' (first at line 3)" in out
    record_property("try_repo_seconds", f"first (installs the hook env) {first:.1f}s, second {second:.1f}s")
    print(f"pre-commit try-repo: first run {first:.1f}s (includes building the hook env), second {second:.1f}s")


def test_the_cache_folder_stays_out_of_git(hook_repo: Path, project: Path, env: dict[str, str]) -> None:
    """`git add -A` after a hook run must not stage the cache: a committed cache changes on
    every later run and pre-commit then fails the commit ("files were modified by this hook")."""
    code, out, _ = try_repo(hook_repo, project, env, "_posts/2020-01-02-clean.md")
    assert code == 0, out
    assert (project / ".pipeline_cache" / "lint.sqlite").exists()
    subprocess.run(["git", "add", "-A"], cwd=project, env=env, check=True, capture_output=True, timeout=60)
    staged = subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=project, env=env, check=True,
                            capture_output=True, text=True, timeout=60).stdout.split()
    assert staged and not [name for name in staged if ".pipeline_cache" in name], staged


def test_fix_hook_fixes_the_post_and_fails_the_commit(hook_repo: Path, project: Path, env: dict[str, str]) -> None:
    post = project / "_posts" / "2020-01-02-clean.md"
    post.write_text(CLEAN + "\n##  Heading with two spaces\n\nText.\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=project, env=env, check=True, capture_output=True, timeout=60)
    code, out, _ = try_repo(hook_repo, project, env, "_posts/2020-01-02-clean.md", hook="pipeline-fix")
    assert code == 1 and "files were modified by this hook" in out, out
    assert post.read_text(encoding="utf-8").endswith("\n## Heading with two spaces\n\nText.\n")
    code, out, _ = try_repo(hook_repo, project, env, "_posts/2020-01-02-clean.md", hook="pipeline-fix")
    assert code == 0 and "Passed" in out, out


def test_ci_example_uses_real_cli_options() -> None:
    import shlex

    from pipeline.cli import build_parser

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "lint.yml").read_text(encoding="utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    commands = [s["run"] for s in steps if str(s.get("run", "")).startswith("pipeline ")]
    formats = {build_parser().parse_args(shlex.split(c)[1:]).format for c in commands}
    assert formats == {"sarif", "github"}
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "pipeline.sarif" and upload["if"].startswith("always()")
