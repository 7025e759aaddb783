"""`python -m pipeline`: same as the `pipeline` console script."""

from __future__ import annotations

from pipeline.cli import run

if __name__ == "__main__":
    run()
