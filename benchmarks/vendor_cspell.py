"""Regenerate pipeline/spell/data/{tech-terms,people-names}.txt.gz from cspell's npm dictionaries.

    mkdir /tmp/cs && cd /tmp/cs && npm pack @cspell/dict-software-terms @cspell/dict-fullstack \\
        @cspell/dict-companies @cspell/dict-people-names && for f in *.tgz; do mkdir -p ${f%.tgz}; tar xzf $f -C ${f%.tgz}; done
    python benchmarks/vendor_cspell.py /tmp/cs

Only alphabetic entries are kept (cspell's flag prefixes/suffixes stripped). MIT licensed;
see pipeline/spell/data/NOTICE.txt.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "pipeline" / "spell" / "data"
TECH = ("dict-software-terms", "dict-fullstack", "dict-companies")
TECH_SKIP = ("posix-", "cspell-corrections", "software-terms-alternative")


def words(paths: Iterable[Path]) -> set[str]:
    out: set[str] = set()
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                line = line.strip().lstrip("!~+*").rstrip("*+")
                if line and not line.startswith("#"):
                    out.update(w for w in line.split() if re.fullmatch(r"[A-Za-z][A-Za-z']*[A-Za-z]", w))
    return out


def main(folder: Path) -> int:
    dicts = sorted(folder.glob("*/package/dict/*.txt*"))
    tech = [p for p in dicts if any(t in str(p) for t in TECH) and not p.name.startswith(TECH_SKIP)]
    names = [p for p in dicts if "dict-people-names" in str(p)]
    for name, files in (("tech-terms.txt.gz", tech), ("people-names.txt.gz", names)):
        found = sorted(words(files))
        with gzip.open(DATA / name, "wt", encoding="utf-8") as fh:
            fh.write("\n".join(found) + "\n")
        print(f"{name}: {len(found)} words from {len(files)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
