"""SP checker: posts in, findings out (table of Markdown and expected (line, col, code, fix))."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.checks import spelling
from pipeline.findings import Finding
from pipeline.post import load_post, read_post
from pipeline.registry import Context

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "spell"))
from lt_double import languagetool_double

DATA = Path(__file__).resolve().parents[1] / "data" / "spelling"
SEED = DATA / "seed-keras-interview.md"


def run(posts: dict[str, str], root: Path, **options: Any) -> list[Finding]:
    ctx = Context(options=options, root=root)
    facts = {name: spelling.collect(load_post(Path(name), text.encode()), ctx) for name, text in posts.items()}
    return sorted(spelling.check_site(facts, ctx), key=lambda f: f.sort_key)


def summary(findings: list[Finding]) -> list[tuple[int, int, str, str | None]]:
    return [(f.line, f.col, f.code, f.fix.replacement if f.fix else None) for f in findings]


CASES = [
    ("lower-case typo", "---\ntitle: A post\n---\nWe recieve mail.\n", [(4, 4, "SP001", "receive")]),
    ("title typo", "---\ntitle: A seperate post\n---\nok\n", [(2, 10, "SP001", "separate")]),
    ("capitalised typo after a name", "---\ntitle: T\n---\nThe core of Keras Devolopment is here.\n",
     [(4, 19, "SP001", "Development")]),
    ("sentence-start typo", "---\ntitle: T\n---\nTeh end.\n", [(4, 1, "SP001", "The")]),
    ("code, urls, liquid and html are ignored",
     ("---\ntitle: T\n---\nRun `recieve` at <a href=\"x\" title=\"seperate\">x</a> {{ page.definately }} "
      "http://recieve.io/seperate\n\n```\nrecieve\n```\n"), []),
    ("names, acronyms and camelCase are ignored",
     "---\ntitle: T\n---\nThanks to Johan Svensson for the MXNet and kubectl work on TensorFlow.\n", []),
    ("post's own word list", "---\ntitle: T\nspelling_words: [recieve]\n---\nWe recieve.\n", []),
    ("short post with two typos is not a 'crowded' list",
     "---\ntitle: Keras Devolopment\n---\nWe recieve Frobnik mail.\n",
     [(2, 14, "SP001", "Development"), (4, 4, "SP001", "receive")]),
    ("credits list is quiet",
     ("---\ntitle: T\n---\nThanks to Aki Tanaka, Brint O'Hearn, Yordis Prieto, Sondre Nilsen, surrim, "
      "Yanis Tzu, toshi and nusu for this release.\n"), []),
    ("clean prose", "---\ntitle: Hello\n---\nA careful post about static sites.\n", []),
    # The name lists hold many, just and posts too: one slip from such a word is a typo at
    # a sentence's start, or anywhere when the word is very common.
    ("sentence-start slips of common words", "---\ntitle: T\n---\nIt works. Mnay people use it. Ytou can too.\n",
     [(4, 11, "SP001", "Many"), (4, 31, "SP001", "You")]),
    ("capitalised slip of a very common word", "---\ntitle: T\n---\nIt runs on Winodws and Linux.\n",
     [(4, 12, "SP001", "Windows")]),
    ("title-case heading", "---\ntitle: T\n---\nText here.\n\n## The Release Histroy of Jekyll Plugins\n",
     [(6, 16, "SP001", "History")]),
    ("a name near a name stays quiet", "---\ntitle: T\n---\nWe met Johan and Mert at the meetup.\n", []),
    ("three letters at a sentence start are not enough", "---\ntitle: T\n---\nIt shipped. Yay for that.\n", []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sp001_table(tmp_path: Path, text: str, expected: list[tuple[int, int, str, str]]) -> None:
    assert summary(run({"2020-01-01-a.md": text}, tmp_path)) == expected


def test_seed_post_finds_devolopment_first(tmp_path: Path) -> None:
    post = read_post(SEED)
    ctx = Context(options={}, root=tmp_path)
    findings = list(spelling.check_site({post.display_path: spelling.collect(post, ctx)}, ctx))
    hits = [f for f in findings if f.message.startswith("unknown word 'Devolopment'")]
    assert [(f.line, f.col, f.fix.replacement if f.fix else None) for f in hits] == [(12, 93, "Development")]


def test_project_word_list_and_config_words(tmp_path: Path) -> None:
    (tmp_path / ".pipeline-words.txt").write_text("recieve\n", encoding="utf-8")
    text = "---\ntitle: T\n---\nWe recieve a seperate one.\n"
    assert summary(run({"a.md": text}, tmp_path)) == [(4, 14, "SP001", "separate")]
    assert summary(run({"a.md": text}, tmp_path, words=["seperate"])) == []


def test_word_used_across_posts_is_jargon(tmp_path: Path) -> None:
    posts = {f"p{i}.md": "---\ntitle: T\n---\nWe use the frobnicater here.\n" for i in range(3)}
    assert run(posts, tmp_path) == []


def test_a_common_word_misspelt_in_several_posts_is_no_jargon(tmp_path: Path) -> None:
    """recieve three times in two posts is three slips: one cheap edit from a common word."""
    posts = {"a.md": "---\ntitle: T\n---\nI recieve mail and recieve calls.\n", "b.md": "---\ntitle: T\n---\nDid you recieve it?\n"}
    assert [(f.path, f.line, f.col) for f in run(posts, tmp_path)] == [("a.md", 4, 3), ("a.md", 4, 20), ("b.md", 4, 9)]
    short = {"a.md": "---\ntitle: T\n---\nWe untill it. They untill too.\n", "b.md": "---\ntitle: T\n---\nWe untill it.\n"}
    assert len(run(short, tmp_path)) == 3  # a short one too, when the word it slips from is very common


def test_a_fix_inside_a_single_quoted_value_doubles_the_apostrophe(tmp_path: Path) -> None:
    """YAML writes ' as '' inside single quotes: a plain don't there would end the value."""
    for value, written in (("'Why I dont care'", "don''t"), ("Bob's dont list", "don't"), ("\"I dont\"", "don't")):
        findings = run({"a.md": f"---\ntitle: T\ndescription: {value}\n---\nx\n"}, tmp_path)
        assert [(f.line, f.fix.replacement) for f in findings if f.fix] == [(3, written)]
    # a quoted value on its next line, or after an anchor: the reading is YAML's, so no safe fix
    for value in ("'Why I care\n  and dont stop'", "&d 'Why I dont stop'"):
        findings = run({"a.md": f"---\ntitle: T\ndescription: {value}\n---\nx\n"}, tmp_path)
        assert [f.fix.safe for f in findings if f.fix] == [False]


def test_max_suggestions_only_cuts_the_list_shown(tmp_path: Path) -> None:
    """It is display: the words reported and the fixes deemed safe stay the same (with 1,
    wierd lost its runner-up 'wired' and became a 'safe' fix; with 0 nothing was reported)."""
    text = "---\ntitle: T\n---\nThat was wierd, we recieve it untill now.\n"
    seen = {n: [(f.col, f.fix.safe if f.fix else None, f.message) for f in run({"a.md": text}, tmp_path, max_suggestions=n)]
            for n in (0, 1, 5)}
    assert [(col, safe) for col, safe, _ in seen[5]] == [(10, False), (20, False), (31, True)]
    assert [(col, safe) for col, safe, _ in seen[1]] == [(col, safe) for col, safe, _ in seen[5]]
    assert [(col, message) for col, _, message in seen[0]] == [
        (10, "unknown word 'wierd'"), (20, "unknown word 'recieve'"), (31, "unknown word 'untill'")]
    assert seen[1][0][2] == "unknown word 'wierd': did you mean 'weird'?"


def test_a_link_to_a_heading_or_a_permalink_does_not_hide_its_typo(tmp_path: Path) -> None:
    """Both are made of the title's words: no evidence that 'untill' is code."""
    text = ("---\ntitle: Waiting untill dawn\npermalink: /waiting-untill-dawn/\n---\n"
            "See [below](#waiting-untill-dawn).\n\n## Waiting untill dawn\n")
    assert [(f.line, f.col) for f in run({"a.md": text}, tmp_path)] == [(2, 16), (7, 12)]


def test_fix_safety(tmp_path: Path) -> None:
    findings = run({"a.md": "---\ntitle: T\n---\nAn untill b.\n\nThe core of Keras Devolopment.\n"}, tmp_path)
    assert [(f.fix.replacement, f.fix.safe) for f in findings if f.fix] == [("until", True), ("Development", False)]
    assert (findings[0].fix.line, findings[0].fix.col, findings[0].fix.end_col) == (4, 4, 10)


def test_no_safe_fix_inside_a_reference_label(tmp_path: Path) -> None:
    """`[occured]` and `[occured][]` name their definition: fixing the word there alone
    would leave a link to no definition. Link text beside its own label may be fixed."""
    lines = ["Wait [definately][] the end.", "Wait [definately] the end.", "Wait [an definately][ref] the end.",
             "Wait [definately](https://e.com) the end."]
    text = "---\ntitle: T\n---\n" + "\n\n".join(lines) + "\n\n[definately]: https://e.com/u\n[ref]: https://e.com/r\n"
    findings = run({"a.md": text}, tmp_path)
    assert [(f.line, f.col, f.fix.safe) for f in findings if f.fix] == [(4, 7, False), (6, 7, False), (8, 10, True), (10, 7, True)]


@pytest.mark.parametrize(("body", "expected"), [
    # a product name opening two sentences is a name, though one edit from a word (axis)
    ("Axios is our client.\n\nAxios also retries.\n", []),
    # a typographic apostrophe reads as a straight one, and the suggestion keeps it
    ("My freind’s car. The compnay’s office.\n", [(4, 4, "friend’s"), (4, 22, "company’s")]),
    # a contraction without its apostrophe is a slip however often it is used
    ("Didnt work. Didnt work again.\n", [(4, 1, "Didn't"), (4, 13, "Didn't")]),
    ("Thats odd, and theres more.\n", [(4, 1, "That's"), (4, 16, "there's")]),
    ("Dont do it. Doesnt matter. Arent you?\n", [(4, 1, "Don't"), (4, 13, "Doesn't"), (4, 28, "Aren't")]),  # not names
    # pieces of a known compound, and plurals the lists lack, are words
    ("Two add-ons, socio-economic data, known mitigations and severities.\n", []),
    ("We compared the qualitys of both.\n", [(4, 17, "quality")]),  # -ity makes -ities: a slip
])
def test_names_contractions_compounds_and_plurals(tmp_path: Path, body: str, expected: list[tuple[int, int, str]]) -> None:
    findings = run({"a.md": "---\ntitle: T\n---\n" + body}, tmp_path)
    assert [(f.line, f.col, f.fix.replacement if f.fix else None) for f in findings] == expected


def test_languagetool_findings_via_double(tmp_path: Path) -> None:
    text = "---\ntitle: T\n---\nToday He go home.\n"
    with languagetool_double() as (url, _requests):
        findings = run({"a.md": text}, tmp_path, languagetool_url=url)
    assert summary(findings) == [(4, 7, "SP101", None)]
    assert "HE_VERB_AGR" in findings[0].message


def test_unreachable_languagetool_is_reported_once(tmp_path: Path) -> None:
    posts = {"a.md": "---\ntitle: T\n---\nFine text.\n", "b.md": "---\ntitle: T\n---\nMore text.\n"}
    findings = run(posts, tmp_path, languagetool_url="http://127.0.0.1:9")
    assert [f.code for f in findings] == ["SP100"]
    assert "languagetool_url" in findings[0].message


def test_languagetool_off_or_unconfigured_is_silent(tmp_path: Path) -> None:
    post = {"a.md": "---\ntitle: T\n---\nFine text.\n"}
    assert run(post, tmp_path) == []
    assert run(post, tmp_path, languagetool="off", languagetool_url="http://127.0.0.1:9") == []


def test_languagetool_offline(tmp_path: Path) -> None:
    """--offline keeps off a remote server: silently when LanguageTool is optional, with
    SP100 when it is required; a malformed URL is no crash."""
    post = {"a.md": "---\ntitle: T\n---\nFine text.\n"}
    ctx = Context(options={"languagetool_url": "http://[::1"}, root=tmp_path, offline=True)
    facts = {name: spelling.collect(load_post(Path(name), text.encode()), ctx) for name, text in post.items()}
    assert list(spelling.check_site(facts, ctx)) == []
    ctx = Context(options={"languagetool": "on", "languagetool_url": "http://lt.example:8081"}, root=tmp_path, offline=True)
    assert [(f.code, f.message) for f in spelling.check_site(facts, ctx)] == [
        ("SP100", "LanguageTool not used: --offline, and languagetool_url is no server on this machine")]


def test_rules_metadata() -> None:
    codes = [r.code for r in spelling.RULES]
    assert codes == sorted(set(codes)) and all(r.doc and r.summary for r in spelling.RULES)


def test_parallel_review_finds_what_the_serial_one_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large runs review posts in forked processes; the findings and the speller's learned
    suggestions must be the same as one process's."""
    texts = ["We recieve mail.", "A seperate post.", "Teh end.", "Keras Devolopment is fun.",
             "Nothing wrong here.", "The implmentation works.", "Definately so.", "Plain words only."]
    posts = {f"2020-01-0{i + 1}-p.md": f"---\ntitle: T\n---\n{t}\n" for i, t in enumerate(texts)}
    ctx = Context(options={}, root=tmp_path, no_cache=True)
    facts = {name: spelling.collect(load_post(Path(name), text.encode()), ctx) for name, text in posts.items()}
    serial = sorted(spelling.check_site(facts, ctx), key=lambda f: f.sort_key)
    monkeypatch.setattr(spelling, "PARALLEL_REVIEW", 2)
    learned: list[int] = []
    from pipeline.spell.engine import Speller

    real_remember = Speller.remember
    monkeypatch.setattr(Speller, "remember", lambda self, memo: (learned.append(sum(map(len, memo.values()))), real_remember(self, memo))[1])
    parallel = sorted(spelling.check_site(facts, Context(options={}, root=tmp_path, no_cache=True, jobs=2)), key=lambda f: f.sort_key)
    assert summary(parallel) == summary(serial) and len(serial) >= 5
    assert sum(learned) > 0  # the workers' suggestions came back to the main speller
