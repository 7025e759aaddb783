"""Config discovery and validation: pipeline.toml / [tool.pipeline], errors naming file and key."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipeline import cli
from pipeline.config import find_config, load_config
from pipeline.errors import ConfigError
from pipeline.findings import Severity


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pipeline.toml": "paths = ['a']\n"}, "pipeline.toml"),
        ({"pyproject.toml": "[tool.pipeline]\npaths = ['a']\n"}, "pyproject.toml"),
        ({"pyproject.toml": "[tool.other]\nx = 1\n"}, None),
        ({"pyproject.toml": "[tool.pipeline]\n", "pipeline.toml": ""}, "pipeline.toml"),
        ({"pyproject.toml": "[tool.other]\n", "sub/pipeline.toml": ""}, None),
    ],
    ids=["pipeline-toml", "pyproject-section", "pyproject-without-section", "pipeline-toml-wins", "not-in-subfolders"],
)
def test_discovery_walks_upward_from_the_start(tmp_path: Path, files: dict[str, str], expected: str | None) -> None:
    for name, text in files.items():
        write(tmp_path / name, text)
    start = tmp_path / "deep" / "er"
    start.mkdir(parents=True)
    found = find_config(start)
    assert found == (tmp_path / expected if expected else None)


def test_nearest_config_wins(tmp_path: Path) -> None:
    write(tmp_path / "pipeline.toml", "paths = ['outer']\n")
    write(tmp_path / "inner" / "pyproject.toml", "[tool.pipeline]\npaths = ['inner']\n")
    config = load_config(cwd=tmp_path / "inner")
    assert (config.paths, config.root) == (("inner",), tmp_path / "inner")


def test_defaults_without_any_config(tmp_path: Path) -> None:
    config = load_config(cwd=tmp_path)
    assert (config.source, config.paths, config.select, config.ignore) == (None, ("posts",), (), ())
    assert config.section("frontmatter")["required"] == ["title", "layout"]
    assert config.cache_dir == tmp_path / ".pipeline_cache"


def test_values_are_read_and_merged(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", """
[tool.pipeline]
paths = "content"
select = ["FM"]
ignore = ["FM013"]
extend-ignore = ["FM012"]
severity = {FM012 = "error"}
[tool.pipeline.frontmatter]
required = ["title"]
""")
    config = load_config(cwd=tmp_path)
    assert config.paths == ("content",)  # a single string is a one-item list
    assert (config.select, config.ignore) == (("FM",), ("FM013", "FM012"))
    assert config.severity == {"FM012": Severity.ERROR}
    assert config.section("frontmatter")["required"] == ["title"]
    cli_config = config.with_cli(None, ["FM00"], ["FM013"], [])
    assert (cli_config.select, cli_config.ignore) == (("FM", "FM013"), ("FM00", "FM012"))  # extend-ignore stays


def test_pipeline_toml_may_use_the_pyproject_layout(tmp_path: Path) -> None:
    write(tmp_path / "pipeline.toml", "[tool.pipeline]\nignore = ['FM013']\n")
    assert load_config(cwd=tmp_path).ignore == ("FM013",)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("pipeline.toml", "sevrity = {}\n", "pipeline.toml:1: unknown key 'sevrity'"),
        ("pyproject.toml", "[tool.pipeline]\nsevrity = {}\n", "pyproject.toml:2 [tool.pipeline]: unknown key 'sevrity'"),
        ("pipeline.toml", "[frontmatter]\nrequire = ['x']\n", "pipeline.toml:2 [frontmatter]: unknown key 'require'"),
        ("pipeline.toml", "paths = 3\n", "pipeline.toml:1: 'paths' must be a list, got int 3"),
        ("pipeline.toml", "paths = [1]\n", "pipeline.toml:1: 'paths' must be a list of strings"),
        ("pipeline.toml", "[frontmatter]\ncheck_file_name = 'yes'\n", "pipeline.toml:2 [frontmatter]: 'check_file_name' must be a boolean"),
        ("pipeline.toml", "frontmatter = 1\n", "'frontmatter' must be a table"),
        ("pipeline.toml", "severity = {FM001 = 'fatal'}\n", "severity of FM001 must be 'error' or 'warning'"),
        ("pipeline.toml", "paths = [\n", "pipeline.toml: invalid TOML"),
        ("pipeline.toml", "[spelling]\nlanguagetool = 'yes'\n", "'languagetool' must be 'auto' or 'on' or 'off', got 'yes'"),
        ("pipeline.toml", "[headings]\nslugs = ['kramdown', 'gfm']\n", "'slugs' must be 'kramdown' or 'github', got 'gfm'"),
        ("pipeline.toml", "[publish]\nthreshold = 'fatal'\n", "'threshold' must be 'error' or 'warning', got 'fatal'"),
        ("pipeline.toml", "[spelling]\nmin_length = 0\n", "[spelling]: 'min_length' must be an integer >= 1, got 0"),
        ("pipeline.toml", "[headings]\nsimilarity = nan\n", "'similarity' must be a number from 0 to 1, got nan"),
        ("pipeline.toml", "[headings]\nsimilarity = 1.5\n", "'similarity' must be a number from 0 to 1, got 1.5"),
        ("pyproject.toml", "[tool]\npipeline = 'posts'\n", "pyproject.toml: [tool.pipeline] must be a table, got str 'posts'"),
        ("pyproject.toml", "tool = 5\n", "pyproject.toml: 'tool' must be a table, got int 5"),
        ("pipeline.toml", "tool = 5\n", "pipeline.toml: 'tool' must be a table, got int 5"),
        ("pipeline.toml", "[links]\ngeneric_link_texts = ['here', 1]\n",
         "pipeline.toml:2 [links]: 'generic_link_texts' must be a list of strings, got int 1"),
        ("pipeline.toml", "[frontmatter]\nrequired = ['title', 1]\n",
         "pipeline.toml:2 [frontmatter]: 'required' must be a list of strings, got int 1"),
        ("pipeline.toml", "[links]\naccept = [200, '201', true]\n", "'accept' must be a list of integers or strings, got bool True"),
        ("pipeline.toml", "[frontmatter]\nschema = {type = 'bogus'}\n",
         "pipeline.toml:2 [frontmatter]: 'schema' is not a valid JSON Schema: 'bogus' is not valid"),
        ("pipeline.toml", "[spelling]\nwordlist = '.'\n", "pipeline.toml:2 [spelling]: 'wordlist' "),
        ("pipeline.toml", "ignore = ['']\n", "pipeline.toml:1: 'ignore' has an empty rule code"),
        ("pipeline.toml", "select = ['FM', ' ']\n", "pipeline.toml:1: 'select' has an empty rule code"),
        ("pyproject.toml", "[tool.pipeline]\nextend-select = ['']\n", "pyproject.toml:2 [tool.pipeline]: 'extend-select' has an empty rule code"),
        ("pipeline.toml", "extend-ignore = ['']\n", "pipeline.toml:1: 'extend-ignore' has an empty rule code"),
        ("pipeline.toml", "severity = {'' = 'error'}\n", "pipeline.toml:1: 'severity' has an empty rule code"),
        ("pipeline.toml", "severity = {FM = 'error', ' ' = 'warning'}\n", "pipeline.toml:1: 'severity' has an empty rule code"),
        ("pipeline.toml", "severity = {FM = 'error', fm = 'warning'}\n", "pipeline.toml:1: 'severity' names FM twice ('fm' is the second)"),
    ],
    ids=["unknown-top", "unknown-pyproject", "unknown-section-key", "wrong-type", "wrong-item-type",
         "wrong-bool", "section-not-table", "bad-severity", "invalid-toml", "bad-choice", "bad-list-choice",
         "bad-threshold", "below-minimum", "not-a-number", "above-maximum", "tool-pipeline-not-table",
         "tool-not-table", "tool-not-table-in-pipeline-toml", "section-list-item-type", "required-item-type",
         "accept-item-type", "invalid-schema", "wordlist-is-a-folder", "empty-ignore-code", "blank-select-code",
         "empty-extend-select-code", "empty-extend-ignore-code", "empty-severity-code", "blank-severity-code",
         "severity-code-twice"],
)
def test_bad_config_is_a_config_error_naming_file_and_key(tmp_path: Path, name: str, text: str, message: str) -> None:
    write(tmp_path / name, text)
    with pytest.raises(ConfigError) as exc:
        load_config(cwd=tmp_path)
    assert message in str(exc.value)
    assert str(tmp_path) in str(exc.value)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("pipeline.toml", "paths = ['a']\nsevrity = {}\n", "pipeline.toml:2: unknown key 'sevrity'"),
        ("pyproject.toml", "[project]\nname = 'x'\n\n[tool.pipeline]\npaths = ['a']\nselect = 3\n",
         "pyproject.toml:6 [tool.pipeline]: 'select' must be a list, got int 3"),
        ("pipeline.toml", "[links]\ntimeout = 5\n\n[frontmatter]\n# a comment\nrequired = ['title', 1]\n",
         "pipeline.toml:6 [frontmatter]: 'required' must be a list of strings, got int 1"),
        ("pipeline.toml", "select = ['FM']\nseverity = { FM001 = 'fatal' }\n", "pipeline.toml:2: severity of FM001 must be"),
        ("pipeline.toml", "[severity]\nFM = 'error'\nHD = 'fatal'\n", "pipeline.toml:3: severity of HD must be"),
        ("pipeline.toml", "paths = ['a']\nlinks.timeout = -1\n", "pipeline.toml:2 [links]: 'timeout' must be a number > 0"),
        ("pyproject.toml", "[tool.pipeline.links]\n\ntimeout = 0\n", "pyproject.toml:3 [links]: 'timeout' must be a number > 0"),
        ("pipeline.toml", "select = ['FM']\nfrontmatter = 1\n", "pipeline.toml:2: 'frontmatter' must be a table"),
        ("pipeline.toml", "[links]\ntimeout = 5\nheaders = { 'github.com' = 1 }\n",
         "pipeline.toml:3 [links]: 'headers' for 'github.com' must be a table"),
        ("pipeline.toml", "paths = []\n[frontmatter]\nschema = 'nope.json'\n", "pipeline.toml:3 [frontmatter]: cannot read schema"),
        ("pipeline.toml", "paths = []\nignore = ['']\n", "pipeline.toml:2: 'ignore' has an empty rule code"),
        ("pipeline.toml", "select = [\n  'FM',  # a = b\n]\nignore = 1\n", "pipeline.toml:4: 'ignore' must be a list, got int 1"),
        ("pipeline.toml", "paths = ['a']\n'extend-select' = 5\n", "pipeline.toml:2: 'extend-select' must be a list, got int 5"),
        ("pipeline.toml", "[tool.pipeline]\npaths = ['a']\ncache_dir = 1\n", "pipeline.toml:3: 'cache_dir' must be a string, got int 1"),
        ("pipeline.toml", "[links]\n\n[spelling]\nmin_length = 0\n", "pipeline.toml:4 [spelling]: 'min_length' must be an integer >= 1"),
        ("pipeline.toml", "paths = ['blog/_posts']\nposts_root = 'blog/_post'\n",
         "pipeline.toml:2: 'posts_root' blog/_post is not a folder"),
        ("pyproject.toml", "[tool.pipeline]\nposts_root = 'pyproject.toml'\n",
         "pyproject.toml:2 [tool.pipeline]: 'posts_root' pyproject.toml is not a folder"),
        ("pipeline.toml", "[per-file-ignores]\n'a/*' = ['SP']\n'b/*' = 3\n", "pipeline.toml:3: 'per-file-ignores' of 'b/*' must be a list of rule codes"),
        ("pipeline.toml", "paths = ['a']\nper-file-ignores = {'x.md' = ['']}\n", "pipeline.toml:2: 'per-file-ignores' of 'x.md' needs rule codes"),
        ("pipeline.toml", "per-file-ignores = {'x.md' = []}\n", "pipeline.toml:1: 'per-file-ignores' of 'x.md' needs rule codes"),
    ],
    ids=["unknown-key", "pyproject-wrong-type", "section-item-type", "inline-severity", "severity-table", "dotted-key",
         "pyproject-section", "section-not-table", "section-prepare-error", "section-error-naming-its-key",
         "empty-code", "after-a-multi-line-array", "quoted-key", "pipeline-toml-in-pyproject-layout", "bounds",
         "posts-root-missing", "posts-root-a-file", "per-file-not-a-list", "per-file-empty-code", "per-file-no-codes"],
)
def test_bad_config_names_the_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    """A bad value named the file and key but no line ('pipeline.toml [links]: ...'): in a
    long pyproject.toml the key had to be searched for. Now `file:line`, as TOML syntax errors."""
    write(tmp_path / name, text)
    with pytest.raises(ConfigError) as exc:
        load_config(cwd=tmp_path)
    assert str(exc.value).startswith(str(tmp_path / name)) and message in str(exc.value)


def test_list_items_of_the_right_type_pass(tmp_path: Path) -> None:
    """Item types are checked per option: 'accept' takes numbers and strings."""
    write(tmp_path / "pipeline.toml", "[links]\naccept = [200, '201..=204']\ngeneric_link_texts = ['here']\n")
    assert load_config(cwd=tmp_path).section("links")["accept"] == [200, "201..=204"]


def test_a_broken_pyproject_above_a_pipeline_toml_is_not_read(tmp_path: Path) -> None:
    """Discovery stops at the nearest config: a bad [tool] further up only matters when reached."""
    write(tmp_path / "pyproject.toml", "tool = 5\n")
    write(tmp_path / "blog" / "pipeline.toml", "")
    assert load_config(cwd=tmp_path / "blog").source == tmp_path / "blog" / "pipeline.toml"
    with pytest.raises(ConfigError, match="'tool' must be a table"):
        load_config(cwd=tmp_path / "other")


@pytest.mark.parametrize(
    ("config", "cli_args", "select", "ignore"),
    [
        ("", (None, None, [], []), (), ()),
        ("extend-select = ['LK011']\n", (None, None, [], []), ("", "LK011"), ()),  # "": the default rules
        ("select = ['FM']\nextend-select = ['LK011']\n", (None, None, [], []), ("FM", "LK011"), ()),
        ("", (None, None, ["LK011"], []), ("", "LK011"), ()),
        ("select = ['FM']\n", (None, None, ["LK011"], []), ("FM", "LK011"), ()),
        ("extend-select = ['LK011']\n", (["HD"], None, [], []), ("HD", "LK011"), ()),  # --select replaces select only
        ("extend-select = ['LK011']\n", (None, None, ["SP003"], []), ("", "LK011", "SP003"), ()),
        ("ignore = ['FM013']\nextend-ignore = ['FM012']\n", (None, ["HD"], [], []), (), ("HD", "FM012")),
        ("ignore = ['FM013']\nextend-ignore = ['FM012']\n", (None, None, [], ["LK"]), (), ("FM013", "FM012", "LK")),
        ("select = ['fm']\nignore = [' fm013 ']\n", (None, None, [], []), ("FM",), ("FM013",)),  # read as the CLI reads them
    ],
    ids=["defaults", "config-extend-select", "config-select-and-extend", "cli-extend-select", "cli-extend-config-select",
         "cli-select-keeps-extend-select", "both-extend-selects", "cli-ignore-keeps-extend-ignore",
         "cli-extend-ignore", "codes-normalised"],
)
def test_extend_select_and_extend_ignore_add_to_what_is_in_force(
        tmp_path: Path, config: str, cli_args: tuple, select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """extend-select used to replace the default rules (every other rule off), and a CLI
    --ignore dropped the file's extend-ignore; both now add on top (flake8, ruff)."""
    write(tmp_path / "pipeline.toml", config)
    merged = load_config(cwd=tmp_path).with_cli(*cli_args)
    assert (merged.select, merged.ignore) == (select, ignore)


def test_chosen_words_are_read_in_any_case(tmp_path: Path) -> None:
    write(tmp_path / "pipeline.toml", "[spelling]\nlanguagetool = 'OFF'\n[publish]\nthreshold = 'Warning'\n")
    config = load_config(cwd=tmp_path)
    assert (config.section("spelling")["languagetool"], config.section("publish")["threshold"]) == ("off", "warning")


def test_explicit_config_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", cwd=tmp_path)


def post(folder: Path, body: str, name: str = "2020-01-02-x.md") -> Path:
    return write(folder / name, f"---\n{body}---\nBody.\n")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", ("2020-01-02-x.md:4:1: FM012 date 2020-01-03 differs from the file name date 2020-01-02\n"
              "Found 0 errors and 1 warning in 1 of 1 file.\n")),
        ("severity = {FM012 = 'error'}\n",
         ("2020-01-02-x.md:4:1: FM012 date 2020-01-03 differs from the file name date 2020-01-02\n"
          "Found 1 error and 0 warnings in 1 of 1 file.\n")),
        ("ignore = ['FM012']\n", "All clear: 1 file checked.\n"),
        ("severity = {FM = 'error'}\n",  # a prefix, as in select and ignore
         ("2020-01-02-x.md:4:1: FM012 date 2020-01-03 differs from the file name date 2020-01-02\n"
          "Found 1 error and 0 warnings in 1 of 1 file.\n")),
        ("severity = {FM = 'error', FM012 = 'warning'}\n",  # the longer prefix wins
         ("2020-01-02-x.md:4:1: FM012 date 2020-01-03 differs from the file name date 2020-01-02\n"
          "Found 0 errors and 1 warning in 1 of 1 file.\n")),
        ("severity = {fm012 = 'error'}\n",  # codes in any case, as in select and ignore
         ("2020-01-02-x.md:4:1: FM012 date 2020-01-03 differs from the file name date 2020-01-02\n"
          "Found 1 error and 0 warnings in 1 of 1 file.\n")),
        ("severity = {FM = 'error', ' fm012 ' = 'warning'}\n",
         ("2020-01-02-x.md:4:1: FM012 date 2020-01-03 differs from the file name date 2020-01-02\n"
          "Found 0 errors and 1 warning in 1 of 1 file.\n")),
    ],
    ids=["default-warning", "raised-to-error", "ignored", "prefix", "longest-prefix-wins", "lower-case-code",
         "lower-case-code-beats-shorter-prefix"],
)
def test_severity_override_and_ignore_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pipeline.toml", config)
    post(tmp_path, "title: x\nlayout: post\ndate: 2020-01-03\n")
    out = io.StringIO()
    code = cli.main(["lint", "--select", "FM", "2020-01-02-x.md"], stdout=out, stderr=io.StringIO())
    assert (code, out.getvalue()) == (1 if "1 error" in expected else 0, expected)


def test_explicit_config_flag_beats_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pipeline.toml", "sevrity = 1\n")  # broken, but not used
    write(tmp_path / "other.toml", "[frontmatter]\nrequired = ['author']\n")
    post(tmp_path, "title: x\n")
    out = io.StringIO()
    code = cli.main(["lint", "--config", "other.toml", "--select", "FM", "2020-01-02-x.md"], stdout=out, stderr=io.StringIO())
    assert code == 1
    assert out.getvalue().splitlines()[0] == "2020-01-02-x.md:3:1: FM009 missing required key 'author'"


def test_severity_of_an_unknown_code_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pipeline.toml", "severity = {XX001 = 'error'}\n")
    post(tmp_path, "title: x\nlayout: post\n")
    err = io.StringIO()
    code = cli.main(["lint", "--select", "FM", "2020-01-02-x.md"], stdout=io.StringIO(), stderr=err)
    assert code == 2 and "unknown rule code or prefix 'XX001'" in err.getvalue()


@pytest.mark.parametrize(
    ("config", "args", "expected"),
    [
        ("[per-file-ignores]\n'2020-01-02-*' = ['FM012']\n", ["2020-01-02-x.md"], "All clear: 1 file checked.\n"),
        ("[per-file-ignores]\n'2020-01-02-*' = 'fm'\n", ["2020-01-02-x.md"], "All clear: 1 file checked.\n"),  # one string, any case
        ("[per-file-ignores]\n'2021-*' = ['FM012']\n", ["2020-01-02-x.md"], "FM012"),  # another file
        ("[per-file-ignores]\n'2020-01-02-x.md' = ['HD']\n", ["2020-01-02-x.md"], "FM012"),  # other codes
        ("[per-file-ignores]\n'sub/*' = ['FM012']\n", ["{tmp}/sub/2020-01-02-x.md"], "All clear: 1 file checked.\n"),  # from the config's folder
    ],
    ids=["code", "prefix-as-one-string", "other-file", "other-codes", "read-from-config-folder"],
)
def test_per_file_ignores_hide_codes_in_the_files_they_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, args: list[str], expected: str
) -> None:
    """ruff's per-file-ignores: a glob (name, path given, or path from the config's folder) -> codes."""
    write(tmp_path / "pipeline.toml", config)
    folder = tmp_path / "sub" if "sub" in args[0] else tmp_path
    folder.mkdir(exist_ok=True)
    post(folder, "title: x\nlayout: post\ndate: 2020-01-03\n")
    monkeypatch.chdir(tmp_path / "sub" if "sub" in args[0] else tmp_path)
    out = io.StringIO()
    cli.main(["lint", "--select", "FM", *[a.format(tmp=tmp_path) for a in args]], stdout=out, stderr=io.StringIO())
    assert out.getvalue() == expected if expected.startswith("All") else expected in out.getvalue()


def test_per_file_ignores_of_an_unknown_code_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pipeline.toml", "[per-file-ignores]\n'*' = ['SPOO1']\n")
    post(tmp_path, "title: x\nlayout: post\n")
    err = io.StringIO()
    code = cli.main(["lint", "--select", "FM", "2020-01-02-x.md"], stdout=io.StringIO(), stderr=err)
    assert code == 2 and "pipeline.toml:1: unknown rule code or prefix 'SPOO1'" in err.getvalue()
