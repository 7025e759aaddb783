"""Whole-run benchmark: pipeline vs markdownlint-cli2 (structure) and codespell (spelling).

Builds a corpus of real-size posts from the shared Jekyll posts (several real posts joined,
about 1,000 words each, every file distinct), then times each command as a whole process,
in one run, on the same files, and prints posts/second, peak memory (largest process of
the tree, from the kernel's rusage) and the warm-cache re-run. Nothing here asserts.

    python benchmarks/lint_bench.py --posts 10000
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "corpus" / "jekyll-docs"


def build_corpus(source: Path, out: Path, count: int, seed: int = 7) -> int:
    """Write `count` posts of ~1,000 words made of real post bodies; returns total words."""
    rng = random.Random(seed)
    bodies = []
    for file in sorted(source.glob("*.m*")):
        text = file.read_text(encoding="utf-8")
        parts = text.split("---", 2)
        bodies.append(parts[2] if len(parts) == 3 else text)
    out.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(count):
        chosen = rng.sample(bodies, k=min(5, len(bodies)))
        body = "\n\n".join(chosen)
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        year = 2000 + i // 336
        name = f"{year}-{month:02d}-{day:02d}-post-{i}.md"
        fm = f"---\nlayout: post\ntitle: \"Post number {i}\"\ndate: {year}-{month:02d}-{day:02d} 10:00:00 +0000\ntags: [bench]\n---\n"
        (out / name).write_text(fm + body, encoding="utf-8")
        words += len(re.findall(r"\w+", body))
    return words


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB of the largest process in the tree, exit code)."""
    probe = (
        "import resource,subprocess,sys,time;"
        "t=time.perf_counter();r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "w=time.perf_counter()-t;"
        "print(w,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,r.returncode)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=cwd, capture_output=True, text=True, check=True)
    wall, rss_kb, code = out.stdout.split()
    return float(wall), int(rss_kb) / 1024, int(code)


def median_of(runs: int, cmd: list[str], cwd: Path, before: object = None) -> tuple[float, float, int]:
    results = []
    for _ in range(runs):
        if callable(before):
            before()
        results.append(timed(cmd, cwd))
    return (statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2])


def row(name: str, wall: float, rss: float, posts: int, code: int) -> None:
    print(f"{name:<44} {wall:8.2f} s {posts / wall:9.0f} posts/s {rss:8.0f} MiB  exit {code}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    # The console script installed beside this interpreter (a pyenv shim on PATH would add a
    # shell and pyenv's own start-up to every run), with its bytecode compiled as pip does at
    # install (a checkout run under PYTHONDONTWRITEBYTECODE would compile every module each time).
    beside = Path(sys.executable).with_name("pipeline")
    found = str(beside) if beside.exists() else shutil.which("pipeline")
    pipeline = [found] if found else [sys.executable, "-m", "pipeline"]
    compileall.compile_dir(REPO / "pipeline", quiet=1)
    mdl = REPO / "node_modules" / ".bin" / "markdownlint-cli2"
    codespell = shutil.which("codespell")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        posts = work / "_posts"
        words = build_corpus(args.source, posts, args.posts)
        (work / "pipeline.toml").write_text('paths = ["_posts"]\ncache_dir = ".cache"\n', encoding="utf-8")
        cache = work / ".cache"
        print(f"{args.posts} posts, {words} words ({words // args.posts} per post), {os.cpu_count()} cores, median of {args.runs}")
        print(f"{'command':<44} {'wall':>10} {'rate':>15} {'peak':>12}")
        base = [*pipeline, "lint", "--offline", "--format", "json", "_posts"]
        cold = median_of(args.runs, base, work, before=lambda: shutil.rmtree(cache, ignore_errors=True))
        row("pipeline lint --offline (cold, all rules)", *cold[:2], args.posts, cold[2])
        timed(base, work)
        warm = median_of(args.runs, base, work)
        row("pipeline lint --offline (warm cache)", *warm[:2], args.posts, warm[2])
        sp = [*pipeline, "lint", "--offline", "--no-cache", "--select", "SP", "_posts"]
        spr = median_of(args.runs, sp, work)
        row("pipeline lint --select SP --no-cache", *spr[:2], args.posts, spr[2])
        if codespell:
            cs = median_of(args.runs, [codespell, "_posts"], work)
            row("codespell (spelling only)", *cs[:2], args.posts, cs[2])
            print(f"  pipeline full cold / codespell: {cold[0] / cs[0]:.2f}x (target <= 2)")
        else:
            print("  codespell not installed: pip install codespell")
        if mdl.exists():
            md = median_of(args.runs, [str(mdl), "_posts/*.md"], work)
            row("markdownlint-cli2 (structure only)", *md[:2], args.posts, md[2])
        else:
            print("  markdownlint-cli2 not installed: npm install markdownlint-cli2 (in the repo)")
        print(f"  warm / cold: {warm[0] / cold[0]:.3f} (target < 0.1)")
        one = min(posts.iterdir())
        one_cmd = [*pipeline, "lint", "--offline", str(one.relative_to(work))]
        pre = median_of(max(args.runs, 5), one_cmd, work)
        row("pipeline lint --offline ONE post, unchanged", *pre[:2], 1, pre[2])
        original = one.read_text(encoding="utf-8")
        edits = iter(range(1000))

        def edit() -> None:  # what a pre-commit hook sees: the post was just changed
            one.write_text(original + f"\nA sentence added in edit {next(edits)}.\n", encoding="utf-8")

        edited = median_of(max(args.runs, 5), one_cmd, work, before=edit)
        one.write_text(original, encoding="utf-8")
        row("pipeline lint --offline ONE post, just edited", *edited[:2], 1, edited[2])
        print("  peak memory target < 600 MiB; one-post target < 0.6 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
