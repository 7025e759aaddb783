"""The Post model: key lines, body start, tokens, file-name date and slug, bad input as findings."""

from __future__ import annotations

import datetime as dt
import os
import pickle
from pathlib import Path

import pytest

from pipeline import post as post_mod
from pipeline.post import load_post, parse_name, read_post

NAME = Path("2020-01-02-hello-world.md")
TEXT = b"---\ntitle: Hello\nlayout: post\ntags:\n  - a\n---\n\n# Heading\n\nText.\n"


def test_post_model_maps_keys_body_and_tokens_to_file_lines() -> None:
    post = load_post(NAME, TEXT)
    assert post.ok and post.fm_ok and post.fm_format == "yaml"
    assert dict(post.front_matter) == {"title": "Hello", "layout": "post", "tags": ["a"]}
    assert dict(post.key_lines) == {"title": 2, "layout": 3, "tags": 4}
    assert (post.fm_end_line, post.body_start_line) == (6, 7)
    assert post.body == "\n# Heading\n\nText.\n"
    heading = next(t for t in post.tokens if t.type == "heading_open")
    assert post.token_line(heading) == 8 and post.lines[7] == "# Heading"
    assert (post.name_date, post.slug) == (dt.date(2020, 1, 2), "hello-world")
    assert post.load_findings == ()


@pytest.mark.parametrize(
    ("data", "raw_start", "key_lines"),
    [
        (b"\xef\xbb\xbf---\ntitle: A\n---\n", "---\n", {"title": 2}),
        (b"---\r\ntitle: A\r\nlayout: b\r\n---\r\nx\r\n", "---\ntitle: A\nlayout: b\n", {"title": 2, "layout": 3}),
        (b"---\rtitle: A\r---\rx\r", "---\ntitle: A\n", {"title": 2}),
    ],
    ids=["bom-dropped", "crlf-normalised", "cr-normalised"],
)
def test_text_is_normalised_before_parsing(data: bytes, raw_start: str, key_lines: dict[str, int]) -> None:
    post = load_post(NAME, data)
    assert post.raw.startswith(raw_start) and "\r" not in post.raw and "\ufeff" not in post.raw
    assert dict(post.key_lines) == key_lines


def test_toml_front_matter_gives_data_and_key_lines() -> None:
    post = load_post(NAME, b'+++\ntitle = "T"\ntags = ["a"]\n[extra]\ntitle = "inner"\n+++\nBody\n')
    assert post.fm_format == "toml" and post.fm_ok
    assert dict(post.front_matter) == {"title": "T", "tags": ["a"], "extra": {"title": "inner"}}
    assert dict(post.key_lines) == {"title": 2, "tags": 3}
    assert post.body_start_line == 7


def test_dates_stay_text_for_the_checker_to_judge() -> None:
    post = load_post(NAME, b"---\ndate: 2020-13-45\nwhen: 2020-01-02\n---\n")
    assert post.front_matter == {"date": "2020-13-45", "when": "2020-01-02"}


@pytest.mark.parametrize(
    ("data", "ok", "fm_ok", "codes"),
    [
        (b"---\ntitle: A\n# no close\n", False, False, ["FM004"]),
        (b"# no front matter\n", True, False, ["FM003"]),
        (b"---\ntitle: [A\n---\nbody\n", True, False, ["FM005"]),
        (b"---\ntitle: A\n---\n\x00binary", False, False, ["FM002"]),
        (b"---\ntitle: caf\xe9\n---\n", False, False, ["FM002"]),
    ],
    ids=["unclosed", "missing", "bad-yaml", "nul", "latin1"],
)
def test_bad_input_is_a_post_with_findings_not_an_exception(data: bytes, ok: bool, fm_ok: bool, codes: list[str]) -> None:
    post = load_post(NAME, data)
    assert (post.ok, post.fm_ok) == (ok, fm_ok)
    assert [f.code for f in post.load_findings] == codes
    if not ok:
        assert post.tokens == ()


def test_unusable_post_still_knows_its_file_name_date() -> None:
    post = load_post(NAME, b"\x00")
    assert (post.name_date, post.slug, post.front_matter) == (dt.date(2020, 1, 2), "hello-world", {})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2020-01-02-slug.md", (dt.date(2020, 1, 2), "slug", None)),
        ("2020-1-2-a-b.markdown", (dt.date(2020, 1, 2), "a-b", None)),
        ("hello.md", (None, "hello", "file name is not in Jekyll form YYYY-MM-DD-slug.md")),
        ("2020-02-30-x.md", (None, "x", "file name date 2020-02-30 is not a valid date")),
        ("2020-01-02-.md", (dt.date(2020, 1, 2), None, "file name has a date but no slug")),
        # two-digit years as Ruby's Time.parse reads them (Jekyll files 20-01-02-a.md under 2020)
        ("20-01-02-a.md", (dt.date(2020, 1, 2), "a", None)),
        ("99-01-02-a.md", (dt.date(1999, 1, 2), "a", None)),
    ],
)
def test_parse_name(name: str, expected: tuple[object, ...]) -> None:
    assert parse_name(Path(name)) == expected


def test_posts_pickle_free_findings_only() -> None:
    # Findings cross process boundaries (--jobs); the Post itself does not have to.
    post = load_post(NAME, b"---\ntitle: [\n---\n")
    assert pickle.loads(pickle.dumps(post.load_findings)) == post.load_findings


@pytest.mark.parametrize("kind", ["broken-link", "directory", "too-large", "fifo"])
def test_read_post_turns_unreadable_files_into_fm001(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    path = tmp_path / NAME.name
    if kind == "broken-link":
        path.symlink_to(tmp_path / "missing.md")
    elif kind == "directory":
        path.mkdir()
    elif kind == "fifo":  # reading one would wait for a writer forever
        os.mkfifo(path)
    else:
        monkeypatch.setattr(post_mod, "MAX_BYTES", 10)
        path.write_bytes(TEXT)
    post = read_post(path)
    assert not post.ok
    assert [(f.line, f.code) for f in post.load_findings] == [(1, "FM001")]


def test_read_post_reads_bytes_from_disk(tmp_path: Path) -> None:
    path = tmp_path / NAME.name
    path.write_bytes(TEXT.replace(b"\n", b"\r\n"))
    assert read_post(path).key_lines == load_post(path, TEXT).key_lines


def test_symlink_out_of_the_tree_is_a_finding_not_read(tmp_path: Path) -> None:
    from pipeline.post import read_post

    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: s\n---\n", encoding="utf-8")
    (tmp_path / "posts").mkdir()
    link = tmp_path / "posts" / "2020-01-01-link.md"
    link.symlink_to(secret)
    post = read_post(link)
    assert [(f.line, f.code) for f in post.load_findings] == [(1, "FM001")]
    assert "outside its folder" in post.load_findings[0].message and post.raw == ""


def test_symlink_inside_its_folder_is_read(tmp_path: Path) -> None:
    from pipeline.post import read_post

    real = tmp_path / "2020-01-01-real.md"
    real.write_text("---\ntitle: s\nlayout: post\n---\nbody\n", encoding="utf-8")
    link = tmp_path / "2020-01-02-alias.md"
    link.symlink_to(real)
    assert read_post(link).load_findings == () and read_post(link).front_matter["title"] == "s"


def test_symlink_loops_are_a_finding_in_every_checker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from pipeline import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-01-01-self.md").symlink_to("2020-01-01-self.md")
    (tmp_path / "_posts" / "2020-01-02-a.md").symlink_to("2020-01-03-b.md")
    (tmp_path / "_posts" / "2020-01-03-b.md").symlink_to("2020-01-02-a.md")
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["lint", "--offline", "--no-cache", "_posts"], stdout=out, stderr=err)
    assert (code, err.getvalue()) == (1, "")
    assert out.getvalue() == (
        "_posts/2020-01-01-self.md:1:1: FM001 symbolic link loop\n"
        "_posts/2020-01-02-a.md:1:1: FM001 symbolic link loop\n"
        "_posts/2020-01-03-b.md:1:1: FM001 symbolic link loop\n"
        "Found 3 errors and 0 warnings in 3 of 3 files.\n"
    )


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        ("---\ntitle: A\n---\nx\n".encode("utf-16"), 1, "file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8"),
        ("---\ntitle: A\n---\nx\n".encode("utf-16-be").join([b"\xfe\xff", b""]), 1, "file is UTF-16"),
        (b"---\ntitle: A\n---\n\x00binary", 4, "file contains NUL bytes: binary, not a text post"),
    ],
    ids=["utf-16-le", "utf-16-be", "nul"],
)
def test_a_utf16_post_is_named_as_such(data: bytes, line: int, message: str) -> None:
    """Windows editors save "Unicode" as UTF-16; calling that binary left the user guessing."""
    (finding,) = load_post(NAME, data).load_findings
    assert (finding.code, finding.line) == ("FM002", line) and finding.message.startswith(message)


def test_blank_text_is_spaces_with_newlines_kept() -> None:
    import re

    from hypothesis import given
    from hypothesis import strategies as st

    from pipeline.post import blank_text

    @given(st.text(alphabet="ab \n\t\r😀é", max_size=20))
    def same(text: str) -> None:
        assert blank_text(text) == re.sub(r"[^\n]", " ", text)

    same()
