"""Fuzzing load_post and the FM checker: any bytes give a Post with findings or a clean one, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.checks import frontmatter
from pipeline.findings import Finding
from pipeline.post import Post, load_post
from pipeline.registry import Context

CTX = Context(options={k: o.default for k, o in frontmatter.OPTIONS.items()}, root=Path("."))
CODES = {r.code for r in frontmatter.RULES}
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def check_bytes(data: bytes, name: str = "2020-01-02-fuzz.md") -> list[Finding]:
    post = load_post(Path(name), data)
    assert isinstance(post, Post)
    found = list(frontmatter.check(post, CTX))
    n_lines = max(len(post.lines), data.count(b"\n") + 1)
    for f in found:
        assert f.code in CODES
        assert 1 <= f.line <= n_lines + 1 and f.col >= 1, f
    if not post.ok:
        assert found, "an unusable post must say why"
    return found


@given(st.binary(max_size=2000))
@FUZZ
def test_random_bytes(data: bytes) -> None:
    check_bytes(data)


@given(st.binary(max_size=400), st.sampled_from([b"---\n", b"+++\n", b"\xef\xbb\xbf---\r\n", b"---\r"]))
@FUZZ
def test_random_bytes_after_a_fence(data: bytes, fence: bytes) -> None:
    check_bytes(fence + data)


YAMLISH = st.lists(
    st.sampled_from(list("abc: -[]{},'\"&*!|>#\n\t ?%@`\\\r\x00\u00e9\ufeff\u2028") + ["<<", "---", "...", "+++", "\n  "]),
    max_size=200,
).map("".join)


@given(YAMLISH, st.sampled_from(["---", "+++"]), st.booleans())
@FUZZ
def test_yamlish_front_matter(body: str, fence: str, closed: bool) -> None:
    text = f"{fence}\n{body}\n" + (f"{fence}\n# Body\n" if closed else "")
    check_bytes(text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize(
    ("opener", "depth", "closed"),
    [("[", 1, True), ("{", 99, True), ("[", 150, True), ("{", 2_000, False), ("[", 2_000, True),
     ("[", 16_000, False), ("{", 60_000, True)],
)
def test_deep_nesting(opener: str, depth: int, closed: bool) -> None:
    # 60,000 brackets crashed libyaml's C composer with a segfault before the loader guard
    closer = {"[": "]", "{": "}"}[opener]
    value = opener * depth + (closer * depth if closed else "")
    found = check_bytes(f"---\ntitle: x\nlayout: post\nk: {value}\n---\n".encode())
    if depth > 150:
        assert [f.code for f in found] == ["FM005"]


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=2, max_value=12))
@settings(max_examples=30, deadline=None, database=None)
def test_alias_bombs_are_refused_not_expanded(levels: int, width: int) -> None:
    lines = ["title: x", "layout: post", "l0: &l0 x"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    found = check_bytes(("---\n" + "\n".join(lines) + "\n---\n").encode())
    codes = {f.code for f in found}
    if width**levels > 20_000:  # far over the 10,000-value limit
        assert codes == {"FM015"}
    elif sum(width**i for i in range(levels + 1)) < 1_000:
        assert codes == set()


@given(st.integers(min_value=1, max_value=400_000), st.sampled_from(["title", "k", "# comment", "'", "body"]))
@settings(max_examples=20, deadline=None, database=None)
def test_huge_lines(length: int, where: str) -> None:
    long = "x" * length
    if where == "body":
        check_bytes(f"---\ntitle: x\nlayout: post\n---\n{long}\n".encode())
    elif where == "'":
        check_bytes(f"---\ntitle: '{long}\n---\n".encode())
    else:
        check_bytes(f"---\n{where}: {long}\nlayout: post\n---\n".encode())


@given(st.lists(st.sampled_from([b"\r\n", b"\r", b"\n", b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"---", b"+++",
                                 b"title: x", b"\t- a", b"```", b"<!-- pipeline-disable -->", b"# h"]), max_size=40))
@FUZZ
def test_line_ending_and_encoding_soup(parts: list[bytes]) -> None:
    check_bytes(b"".join(parts))


@given(st.text(max_size=40).filter(lambda s: "/" not in s and "\x00" not in s))
@settings(max_examples=60, deadline=None, database=None)
def test_any_file_name(name: str) -> None:
    check_bytes(b"---\ntitle: x\nlayout: post\n---\n", name or "x")


_DATE_PIECES = ["2020", "-", "01", "02", "/", " ", ":", "10", "00", "T", "Z", "+", "0530", "PM", "UTC", "January", ",",
                "Thu", ".", "123", "99", "0", "\t", "é", "--", "::"]


@FUZZ
@given(st.lists(st.sampled_from(_DATE_PIECES) | st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=6),
               max_size=14).map("".join))
def test_any_date_text_is_a_date_or_fm011(text: str) -> None:
    """Whatever the text, a date or a clean FM011 finding, and an accepted date is a real day."""
    from pipeline.jekyll import parse_datetime

    when = parse_datetime(text)
    assert when is None or 1 <= when.month <= 12
    value = text.replace("\\", "\\\\").replace('"', '\\"')
    found = check_bytes(f'---\ntitle: T\nlayout: post\ndate: "{value}"\n---\nx\n'.encode("utf-8", "surrogatepass"))
    assert ("FM011" in {f.code for f in found}) == (when is None)  # an empty date stops Jekyll too
