"""CachedClient and VerdictStore: ages per verdict kind, namespaces, sharing, corruption."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import pytest

from pipeline.net.cache import CachedClient, VerdictStore, default_cache_path
from pipeline.net.verdict import Kind, Reason, Verdict

DAY = 86400.0


class FakeClient:
    """Answers from a table and records what it was asked."""

    def __init__(self, answers: dict[str, Kind]) -> None:
        self.answers = answers
        self.asked: list[list[str]] = []

    def check(self, urls: Iterable[str]) -> dict[str, Verdict]:
        urls = list(urls)
        self.asked.append(urls)
        reason = {Kind.OK: Reason.OK, Kind.WARNING: Reason.TIMEOUT, Kind.ERROR: Reason.HTTP_STATUS}
        return {u: Verdict(u, self.answers[u], reason[self.answers[u]], "m", 200) for u in urls}


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


ANSWERS = {"https://a.test/ok": Kind.OK, "https://a.test/bad": Kind.ERROR, "https://a.test/meh": Kind.WARNING}


@pytest.mark.parametrize(
    ("elapsed", "refetched"),
    [
        (0.0, ["https://a.test/bad", "https://a.test/meh"]),
        (DAY - 1, ["https://a.test/bad", "https://a.test/meh"]),
        (DAY + 1, ["https://a.test/ok", "https://a.test/bad", "https://a.test/meh"]),
    ],
)
def test_successes_kept_a_day_failures_rechecked_every_run(tmp_path: Path, elapsed: float, refetched: list[str]) -> None:
    clock = Clock()
    fake = FakeClient(ANSWERS)
    with VerdictStore(tmp_path / "c.sqlite3") as store:
        first = CachedClient(fake, store, clock=clock).check(ANSWERS)
        clock.now += elapsed
        second = CachedClient(fake, store, clock=clock).check(ANSWERS)
    assert fake.asked[1] == refetched
    assert first == second


def test_verdicts_survive_reopening_and_namespaces_are_separate(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    fake = FakeClient(ANSWERS)
    with VerdictStore(path) as store:
        CachedClient(fake, store, namespace="private=1").check(["https://a.test/ok"])
    with VerdictStore(path) as store:
        cached = CachedClient(fake, store, namespace="private=1")
        assert cached.check(["https://a.test/ok"])["https://a.test/ok"].ok
        assert (cached.stats.hits, cached.stats.misses) == (1, 0)
        CachedClient(fake, store, namespace="private=0").check(["https://a.test/ok"])
    assert fake.asked == [["https://a.test/ok"], ["https://a.test/ok"]]


def test_the_store_never_waits_for_the_disk(tmp_path: Path) -> None:
    """No fsync (synchronous = OFF): a cache needs no durability, and each sync cost 10 to 25 ms."""
    with VerdictStore(tmp_path / "c.sqlite3") as store:
        assert store._db is not None
        assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 0
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_runs_sharing_the_cache_do_not_fail(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    VerdictStore(path).close()
    urls = [f"https://h{i % 7}.test/{i}" for i in range(400)]
    errors: list[BaseException] = []

    def run(offset: int) -> None:
        try:
            with VerdictStore(path) as store:
                for start in range(offset, len(urls), 50):
                    CachedClient(FakeClient(dict.fromkeys(urls, Kind.OK)), store).check(urls[start : start + 50])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    with VerdictStore(path) as store:
        assert len(store.load("", urls)) == len(urls)


def test_rows_unused_for_a_month_are_forgotten(tmp_path: Path) -> None:
    with VerdictStore(tmp_path / "c.sqlite3") as store:
        store.save("", [Verdict("https://old.test/", Kind.OK, Reason.OK, "m")], checked_at=0.0)
        store.save("", [Verdict("https://new.test/", Kind.OK, Reason.OK, "m")], checked_at=40 * DAY)
        assert list(store.load("", ["https://old.test/", "https://new.test/"])) == ["https://new.test/"]


def test_corrupt_cache_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with VerdictStore(path) as store:
        assert CachedClient(FakeClient(ANSWERS), store).check(["https://a.test/ok"])["https://a.test/ok"].ok


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"PIPELINE_CACHE_DIR": "/c"}, Path("/c/links.sqlite3")),
        ({"XDG_CACHE_HOME": "/x"}, Path("/x/pipeline/links.sqlite3")),
    ],
)
def test_default_cache_path(environ: dict[str, str], expected: Path) -> None:
    assert default_cache_path(environ) == expected


def _damage_past_the_first_page(path: Path) -> None:
    """A cache of many rows, its pages after the first overwritten: it opens (the header is
    fine) and fails only when a query reads the damaged pages."""
    with VerdictStore(path) as store:
        store.save("", [Verdict(f"https://a.test/{i:05d}" + "x" * 200, Kind.OK, Reason.OK, "m") for i in range(500)], 0.0)
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = b"\xa5" * (len(data) - page)
    path.write_bytes(bytes(data))


def test_cache_damaged_past_its_first_page_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    _damage_past_the_first_page(path)
    with VerdictStore(path) as store:
        client = CachedClient(FakeClient(ANSWERS), store)
        assert client.check(["https://a.test/ok"])["https://a.test/ok"].ok  # damage found by the load
    with VerdictStore(path) as store:  # the rebuilt file keeps what the run saved
        assert list(store.load("", ["https://a.test/ok"])) == ["https://a.test/ok"]


def test_cache_damaged_between_load_and_save_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    _damage_past_the_first_page(path)
    with VerdictStore(path) as store:
        store.save("", [Verdict("https://b.test/", Kind.OK, Reason.OK, "m")], 1.0)
        assert list(store.load("", ["https://b.test/"])) == ["https://b.test/"]


def test_lint_goes_on_with_a_damaged_links_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: the lint reports its links (exit 1), not 'internal error' (exit 2)."""
    import io

    from pipeline import cli

    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-01-01-a.md").write_text("---\ntitle: A\n---\n[the missing page](/nowhere/) "
                                                          "[the site](http://127.0.0.1:9/)\n")
    (tmp_path / "pipeline.toml").write_text("[links]\nmax_retries = 0\n")
    cache = tmp_path / ".pipeline_cache"  # cache_dir's default, beside pipeline.toml
    cache.mkdir()
    _damage_past_the_first_page(cache / "links.sqlite3")
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["lint", "--select", "LK", "--allow-private", "--format", "text", "."], stdout=out, stderr=err)
    assert code == 1, err.getvalue()
    assert "LK003" in out.getvalue() and "LK005" in out.getvalue()
