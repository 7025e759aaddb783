"""The link stream inside a whole run: URLs reach the network while posts are still being read."""

from __future__ import annotations

from pathlib import Path

import pytest
from loopback_server import ScriptedServer

from pipeline import runner
from pipeline.checks import links
from pipeline.config import build_config
from pipeline.runner import PARALLEL_MIN_FILES, RunOptions, run_lint


def _site(tmp_path: Path, server: ScriptedServer, count: int) -> Path:
    posts = tmp_path / "_posts"
    posts.mkdir()
    for i in range(count):
        status = "404" if i % 10 == 3 else "200"
        (posts / f"2020-01-{1 + i % 28:02d}-post-{i}.md").write_text(
            f"---\ntitle: Post {i}\nlayout: post\n---\n\nSee [the page {i}]({server.base}/status/{status}?n={i}) "
            f"and [the shared page]({server.base}/page.html#intro).\n",
            encoding="utf-8",
        )
    return posts


@pytest.mark.parametrize("jobs", [1, 2])
def test_urls_are_on_the_network_before_the_last_post_is_read(
    tmp_path: Path, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    count = PARALLEL_MIN_FILES + 12  # enough for worker processes when jobs=2
    posts = _site(tmp_path, server, count)
    started: list[links._Prefetch] = []
    real_stream, real_map = links.stream, runner.map_files

    def stream(ctx: object) -> links._Prefetch | None:
        started.append(real_stream(ctx))  # type: ignore[arg-type]
        return started[-1]

    def map_files(*args: object) -> object:
        results = real_map(*args)  # type: ignore[arg-type]
        if len(results) == count:  # the linted posts, not a site index
            # Every post's URLs were handed to the stream by the time the map step ends.
            assert started and len(started[0]._stream._inner._asked) == count + 1  # type: ignore[union-attr]
        return results

    monkeypatch.setattr(links, "stream", stream)
    monkeypatch.setattr(runner, "map_files", map_files)
    config = build_config({"links": {"interval": 0.0}}, tmp_path, None)
    result = run_lint([posts], config, RunOptions(allow_private=True, jobs=jobs))
    broken = sorted(f.path.rsplit("-", 1)[1] for f in result.findings if f.code == "LK005")
    assert broken == sorted(f"{i}.md" for i in range(count) if i % 10 == 3)
    assert [f.code for f in result.findings if f.code != "LK005"] == []
    assert server.hits["GET /page.html"] == 1  # one fetch for the page every post links to


def test_offline_starts_no_stream(tmp_path: Path, server: ScriptedServer) -> None:
    posts = _site(tmp_path, server, 3)
    config = build_config({}, tmp_path, None)
    assert links.stream(runner.make_context(links, config, RunOptions(offline=True))) is None
    assert run_lint([posts], config, RunOptions(offline=True, jobs=1)).findings == ()
    assert not server.hits


def test_ctrl_c_during_a_streamed_run_exits_at_once(tmp_path: Path, server: ScriptedServer) -> None:
    """An interrupt abandons the queued checks: nothing waits for the host's next turn or for
    a slow answer (it used to wait for every queued URL: 100 s here)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    server.latency = 8.0
    posts = tmp_path / "_posts"
    posts.mkdir()
    for i in range(20):
        links = " ".join(f"[page {i}-{j}]({server.base}/ok/{i}-{j})" for j in range(3))
        (posts / f"2020-01-01-p{i}.md").write_text(f"---\ntitle: P{i}\nlayout: post\n---\n\nSee {links}.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "lint", "--allow-private", "--no-cache", "--jobs", "1", str(posts)],
                           cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)  # the first requests are out and waiting for their slow answers
    run.send_signal(signal.SIGINT)
    began = time.monotonic()
    out, err = run.communicate(timeout=60)
    assert (run.returncode, err.strip()) == (130, "pipeline: interrupted")
    assert time.monotonic() - began < 5.0


def test_a_post_read_here_feeds_its_urls_before_the_other_checkers_run(
    tmp_path: Path, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-post run (a pre-commit hook): its URLs go out before spelling reads the post."""
    posts = _site(tmp_path, server, 1)
    events: list[str] = []
    real_stream = links.stream

    def stream(ctx: object) -> links._Prefetch | None:
        prefetch = real_stream(ctx)  # type: ignore[arg-type]
        assert prefetch is not None
        real_feed = prefetch.feed
        monkeypatch.setattr(prefetch, "feed", lambda facts: (events.append("fed"), real_feed(facts))[1])
        return prefetch

    from pipeline.checks import spelling

    real_collect = spelling.collect
    monkeypatch.setattr(spelling, "collect", lambda post, ctx: (events.append("spelling"), real_collect(post, ctx))[1])
    real_check = links.check
    monkeypatch.setattr(links, "check", lambda post, ctx: (events.append("links check"), real_check(post, ctx))[1])
    monkeypatch.setattr(links, "stream", stream)
    config = build_config({"links": {"interval": 0.0}}, tmp_path, None)
    result = run_lint([posts], config, RunOptions(allow_private=True, jobs=1, no_cache=True))
    # The links checker's own checks (LK001, LK011 ...) wait until its URLs are out.
    assert events[:3] == ["fed", "links check", "spelling"]
    assert [f.code for f in result.findings] == []


def test_a_parallel_run_readies_the_stream_while_the_workers_read_the_first_posts(
    tmp_path: Path, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the worker processes are forked this process only waits for their first
    results: the stream imports requests and builds its session then, not after them."""
    import sys
    import threading

    count = PARALLEL_MIN_FILES + 12
    posts = _site(tmp_path, server, count)
    events: list[str] = []
    real_stream, real_pool = links.stream, runner._parallel_map

    def stream(ctx: object) -> links._Prefetch | None:
        prefetch = real_stream(ctx)  # type: ignore[arg-type]
        assert prefetch is not None
        real_warm, real_feed = prefetch.warm, prefetch.feed

        def warm() -> None:
            threads = threading.active_count()
            real_warm()
            assert threading.active_count() == threads and "requests" in sys.modules  # ready, and no thread of its own
            events.append("warm")

        monkeypatch.setattr(prefetch, "warm", warm)
        monkeypatch.setattr(prefetch, "feed", lambda facts: (events.append("fed"), real_feed(facts))[1])
        return prefetch

    def parallel_map(*args: object, **kwargs: object) -> object:
        events.append("workers")
        return real_pool(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(links, "stream", stream)
    monkeypatch.setattr(runner, "_parallel_map", parallel_map)
    config = build_config({"links": {"interval": 0.0}}, tmp_path, None)
    result = run_lint([posts], config, RunOptions(allow_private=True, jobs=2, no_cache=True))
    assert events[:3] == ["workers", "warm", "fed"] and events.count("warm") == 1
    assert sorted(f.path.rsplit("-", 1)[1] for f in result.findings if f.code == "LK005") == sorted(
        f"{i}.md" for i in range(count) if i % 10 == 3)


def test_an_offline_or_one_process_run_never_warms_a_stream(tmp_path: Path, server: ScriptedServer,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a forked run has time to spare: a run in one process readies the client at its
    first URL, as before, and a run whose posts have no external link never imports requests."""
    posts = _site(tmp_path, server, 2)
    warmed: list[int] = []
    monkeypatch.setattr(links._Prefetch, "warm", lambda self: warmed.append(1))
    config = build_config({"links": {"interval": 0.0}}, tmp_path, None)
    run_lint([posts], config, RunOptions(allow_private=True, jobs=2, no_cache=True))
    assert warmed == []


@pytest.mark.parametrize(("count", "jobs"), [(1000, 2), (60, 4), (50, 2), (48, 8)])
def test_a_streamed_run_gives_each_worker_one_post_first(count: int, jobs: int) -> None:
    """The first parts hold 1, 2, 4 and 8 posts per worker, so the first URLs come back
    after one post each; every post is in one part, in order."""
    files = [Path(f"{i}.md") for i in range(count)]
    parts = runner.split_parts(files, jobs, ramp=True)
    assert [f for part in parts for f in part] == files
    assert [len(p) for p in parts[:jobs]] == [1] * jobs
    assert max(len(p) for p in parts) <= runner.STREAM_PART  # results unpickled in small bites beside the sending threads
    plain = runner.split_parts(files, jobs)
    assert [f for part in plain for f in part] == files and len(plain[0]) == max(8, count // (jobs * 4))


def test_one_url_spelt_several_ways_is_fetched_once(tmp_path: Path, server: ScriptedServer) -> None:
    """Scheme and host case, the default port and an empty path do not make another URL;
    each link is still reported as written."""
    posts = tmp_path / "_posts"
    posts.mkdir()
    port = server.base.rsplit(":", 1)[1]
    spellings = [f"http://127.0.0.1:{port}/status/404", f"HTTP://127.0.0.1:{port}/status/404",
                 f"http://localhost:{port}/status/404", f"http://LOCALHOST:{port}/status/404"]
    body = " ".join(f"[page {i}]({url})" for i, url in enumerate(spellings))
    (posts / "2020-01-01-a.md").write_text(f"---\ntitle: A\nlayout: post\n---\n\n{body}\n", encoding="utf-8")
    config = build_config({"links": {"interval": 0.0}}, tmp_path, None)
    result = run_lint([posts], config, RunOptions(allow_private=True, jobs=1, no_cache=True))
    assert [f.message.split(": ")[0] for f in result.findings if f.code == "LK005"] == spellings
    assert server.hits["HEAD /status/404"] + server.hits["GET /status/404"] == 2 * 2  # two hosts, HEAD then GET each


def test_a_parallel_run_with_other_checkers_feeds_a_scouted_post_first(
    tmp_path: Path, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker first reads one post for the links alone, so its URLs go out before the
    other checkers' first (slow) use; the findings are those of a one-process run, and every
    URL is fetched once however often its post is fed."""
    count = PARALLEL_MIN_FILES + 12
    posts = _site(tmp_path, server, count)
    fed: list[frozenset[str]] = []
    real_feeder = runner._feeder

    def feeder(streams: object) -> object:
        feed = real_feeder(streams)  # type: ignore[arg-type]
        return lambda result: (fed.append(frozenset(result.facts)), feed(result))[1]

    monkeypatch.setattr(runner, "_feeder", feeder)
    config = build_config({"links": {"interval": 0.0}}, tmp_path, None)
    parallel = run_lint([posts], config, RunOptions(allow_private=True, jobs=2, no_cache=True))
    hits = dict(server.hits)
    assert fed[0] == {"links"} and fed.count(frozenset({"links"})) == 2
    assert len(fed) == count + 2 and all("spelling" in facts for facts in fed if facts != {"links"})
    assert hits["GET /page.html"] == 1 and all(n == 1 for n in hits.values())
    server.hits.clear()
    alone = run_lint([posts], config, RunOptions(allow_private=True, jobs=1, no_cache=True))
    assert parallel.findings == alone.findings
    links_alone = runner._Job(config, RunOptions(), ("pipeline.checks.links",), False)
    assert runner._scouts(sorted(posts.iterdir()), links_alone, 2) == []  # nothing to scout for
