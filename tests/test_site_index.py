"""The site index: a one-post run sees the other posts' evidence, fresh or from the cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipeline.config import build_config
from pipeline.runner import RunOptions, run_lint

FM = "---\ntitle: T\nlayout: post\n---\n"


def _site(tmp_path: Path, with_other: bool) -> Path:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "2020-01-01-one.md").write_text(FM + "We deployed the flaskr service today.\n", encoding="utf-8")
    if with_other:
        body = "The flaskr cache. A flaskr node. Every flaskr restarts. More flaskr logs.\n"
        for day in (2, 3):
            (posts / f"2020-01-0{day}-other.md").write_text(FM + body, encoding="utf-8")
    return posts


def _sp001(tmp_path: Path, posts: Path) -> list[tuple[str, int]]:
    config = build_config({"cache_dir": str(tmp_path / "cache")}, tmp_path, None)
    result = run_lint([posts / "2020-01-01-one.md"], config, RunOptions(offline=True, jobs=1))
    return [(Path(f.path).name, f.line) for f in result.findings if f.code == "SP001"]


def test_word_alone_in_one_post_is_reported(tmp_path: Path) -> None:
    assert _sp001(tmp_path, _site(tmp_path, with_other=False)) == [("2020-01-01-one.md", 5)]


def test_jargon_used_across_the_site_is_accepted_from_fresh_and_cached_index(tmp_path: Path) -> None:
    posts = _site(tmp_path, with_other=True)
    assert _sp001(tmp_path, posts) == []  # cold: index computed
    with sqlite3.connect(tmp_path / "cache" / "lint.sqlite") as db:
        summaries = db.execute("SELECT count(*) FROM results WHERE key LIKE '%:summary'").fetchone()[0]
    assert summaries == 2  # the two posts not linted are kept as summaries
    assert _sp001(tmp_path, posts) == []  # warm: the same evidence from the summaries


def test_site_verdicts_are_reused_while_nothing_changes(tmp_path: Path, monkeypatch) -> None:
    from pipeline.checks import spelling

    posts = _site(tmp_path, with_other=False)
    assert _sp001(tmp_path, posts) == [("2020-01-01-one.md", 5)]

    def fail(*_args: object) -> None:
        raise AssertionError("check_site ran although no input changed")

    monkeypatch.setattr(spelling, "check_site", fail)
    assert _sp001(tmp_path, posts) == [("2020-01-01-one.md", 5)]  # from the site cache


def test_site_verdicts_follow_edits_to_other_posts_and_the_word_list(tmp_path: Path) -> None:
    posts = _site(tmp_path, with_other=False)
    assert _sp001(tmp_path, posts) == [("2020-01-01-one.md", 5)]
    body = "The flaskr cache. A flaskr node. Every flaskr restarts.\n"
    for day in (2, 3):  # another post, not linted, now uses the word: jargon
        (posts / f"2020-01-0{day}-other.md").write_text(FM + body, encoding="utf-8")
    assert _sp001(tmp_path, posts) == []
    for day in (2, 3):
        (posts / f"2020-01-0{day}-other.md").unlink()
    assert _sp001(tmp_path, posts) == [("2020-01-01-one.md", 5)]
    (tmp_path / ".pipeline-words.txt").write_text("flaskr\n", encoding="utf-8")
    assert _sp001(tmp_path, posts) == []


def test_edited_post_reuses_the_others_evidence_without_loading_them(tmp_path: Path, monkeypatch) -> None:
    from pipeline import runner

    posts = _site(tmp_path, with_other=True)
    assert _sp001(tmp_path, posts) == []  # first run: the other posts' evidence is summed and kept

    def whole_index(self: object) -> None:
        raise AssertionError("the whole index was loaded")

    monkeypatch.setattr(runner.SiteLoader, "index", whole_index)
    one = posts / "2020-01-01-one.md"
    one.write_text(one.read_text(encoding="utf-8") + "The flaskr workers recieve jobs.\n", encoding="utf-8")
    assert _sp001(tmp_path, posts) == [("2020-01-01-one.md", 6)]  # recieve; flaskr still jargon


def test_one_file_of_a_jekyll_site_is_judged_against_the_whole_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What pre-commit passes: one post in a year folder. Its post_url to another year, and a
    word the site's drafts use, are judged against the site's _posts and _drafts, as when
    the whole folder is linted; post_url never names a draft."""
    import io

    from pipeline import cli

    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    for rel, text in {
        "_posts/2019/2019-05-05-old.md": "Quuxify the old way.\n",
        "_posts/2020/2020-03-01-new.md": "See [old]({% post_url 2019-05-05-old %}), quuxify it. "
                                         "Not [draft]({% post_url 2020-04-01-idea %}).\n",
        "_drafts/2020-04-01-idea.md": "Quuxify again, quuxify more.\n",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("---\ntitle: T\nlayout: post\n---\n" + text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def lint(*paths: str) -> list[str]:
        out = io.StringIO()
        cli.main(["lint", "--offline", "--no-cache", "--ignore", "LK011", *paths], stdout=out, stderr=io.StringIO())
        return [line.split(": ", 1)[1] for line in out.getvalue().splitlines() if "2020-03-01-new.md:" in line]

    alone = lint("_posts/2020/2020-03-01-new.md")
    assert alone == lint("_posts") == [
        # a post in a year folder needs the folder in its name (Jekyll's docs); without it only
        # the deprecated matching finds it, with a warning
        "LK002 post_url '2019-05-05-old' names no post's file: Jekyll finds 2019/2019-05-05-old only by its "
        "deprecated matching (slug and day) and warns; write {% post_url 2019/2019-05-05-old %}",
        "LK002 post_url names no post: '2020-04-01-idea'",
    ]


@pytest.mark.parametrize("target", ["docs/guide.md", "."])
def test_a_page_linted_alone_sees_the_sites_posts(tmp_path: Path, target: str) -> None:
    """What pre-commit passes when a page changes: its post_url and links to posts are judged
    against the site's posts, as in a whole-site run."""
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2019-01-02-one.md").write_text("---\ntitle: One\n---\n## A\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(
        "---\ntitle: Guide\n---\n[the first post]({% post_url 2019-01-02-one %}#a), [again](/2019/01/02/one.html#a), "
        "[the missing post]({% post_url 2019-01-02-two %})\n", encoding="utf-8")
    config = build_config({"cache_dir": str(tmp_path / "cache")}, tmp_path, None)
    result = run_lint([tmp_path / target], config, RunOptions(offline=True, jobs=1, no_cache=True))
    assert [(Path(f.path).name, f.code) for f in result.findings if f.code.startswith("LK0")] == [("guide.md", "LK002")]
