"""Registry meta-tests (proselint style), prefix selection, and lazy imports of heavy packages."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import cli
from pipeline.registry import (
    CHECKER_MODULES,
    CODE_RE,
    Decision,
    all_rules,
    available_checkers,
)

FAMILY = {"frontmatter": "FM", "headings": "HD", "spelling": "SP", "links": "LK"}
RULES = [(mod.NAME, rule) for mod in available_checkers() for rule in mod.RULES]
IDS = [rule.code for _, rule in RULES]


def test_the_front_matter_family_is_registered() -> None:
    assert "pipeline.checks.frontmatter" in CHECKER_MODULES
    assert {f"FM{n:03d}" for n in range(1, 16)} <= {r.code for r in all_rules()}


def test_codes_are_unique() -> None:
    codes = [r.code for r in all_rules()]
    assert sorted(c for c in set(codes) if codes.count(c) > 1) == []


def test_names_are_unique_kebab_case() -> None:
    names = [r.name for r in all_rules()]
    assert len(names) == len(set(names))
    assert [n for n in names if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n)] == []


@pytest.mark.parametrize(("module", "rule"), RULES, ids=IDS)
def test_rule_metadata_is_complete(module: str, rule: object) -> None:
    code = rule.code  # type: ignore[attr-defined]
    assert CODE_RE.match(code) and re.fullmatch(r"(FM|HD|SP|LK)\d{3}", code)
    assert code[:2] == FAMILY[module], f"{code} lives in the {module} checker"
    summary, doc = rule.summary, rule.doc  # type: ignore[attr-defined]
    assert summary.strip() and "\n" not in summary and len(summary) <= 100
    assert re.search(r"\bbad\b", doc, re.IGNORECASE) and re.search(r"\bgood\b", doc, re.IGNORECASE), f"{code} doc needs a bad and a good example"


@pytest.mark.parametrize("module", available_checkers(), ids=lambda m: m.NAME)
def test_checker_modules_satisfy_the_protocol(module: object) -> None:
    assert isinstance(module.NAME, str) and module.NAME in FAMILY  # type: ignore[attr-defined]
    assert callable(module.check) and module.RULES  # type: ignore[attr-defined]
    for name, option in module.OPTIONS.items():  # type: ignore[attr-defined]
        assert option.doc, f"option {name} has no doc"


@pytest.mark.parametrize(
    ("select", "ignore", "default_off", "code", "enabled"),
    [
        ([], [], [], "FM001", True),
        (["FM"], [], [], "FM001", True),
        (["FM"], [], [], "HD001", False),
        ([], ["FM"], [], "FM001", False),
        (["FM"], ["FM0"], [], "FM001", False),
        (["FM001"], ["FM"], [], "FM001", True),  # the longer prefix wins
        (["FM"], ["FM001"], [], "FM002", True),
        (["FM0"], ["FM"], [], "FM001", True),
        (["FM"], ["FM"], [], "FM001", False),  # a tie goes to ignore
        ([], [], ["SP003"], "SP003", False),  # opt-in rules need an explicit select
        (["SP"], [], ["SP003"], "SP003", True),
        (["SP003"], ["SP"], ["SP003"], "SP003", True),
        (["", "LK011"], [], [], "FM001", True),  # "": the default rules, which extend-select adds to
        (["", "LK011"], [], ["LK011"], "LK011", True),
        (["", "LK011"], [], ["SP003"], "SP003", False),  # "" turns no opt-in rule on
        (["", "LK011"], ["FM"], [], "FM001", False),
    ],
)
def test_decision_by_prefix(select: list[str], ignore: list[str], default_off: list[str], code: str, enabled: bool) -> None:
    assert Decision(select, ignore, default_off).enabled(code) is enabled


def test_rules_command_lists_every_rule_once() -> None:
    out = io.StringIO()
    assert cli.main(["rules"], stdout=out) == 0
    listed = [line.split()[0] for line in out.getvalue().splitlines()]
    assert listed == [r.code for r in all_rules()]


def test_rules_command_explains_one_rule_with_its_doc() -> None:
    out = io.StringIO()
    assert cli.main(["rules", "fm006", "--format", "json"], stdout=out) == 0
    (rule,) = json.loads(out.getvalue())
    assert (rule["code"], rule["name"], rule["severity"]) == ("FM006", "duplicate-key", "error")
    assert "Bad" in rule["doc"]


HEAVY = ("requests", "language_tool_python", "jsonschema", "urllib3")
PROBE = """
import json, sys
{body}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def probe(body: str, cwd: Path) -> list[str]:
    code = PROBE.format(body=body, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], check=False, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_cli_imports_nothing_heavy(tmp_path: Path) -> None:
    assert probe("import pipeline.cli", tmp_path) == []


def test_lint_select_fm_imports_nothing_heavy(tmp_path: Path) -> None:
    (tmp_path / "2020-01-02-x.md").write_text("---\ntitle: x\nlayout: post\n---\n[a](https://example.com)\n", encoding="utf-8")
    body = (
        "import io\nfrom pipeline import cli\n"
        "rc = cli.main(['lint', '--select', 'FM', '--offline', '2020-01-02-x.md'], stdout=io.StringIO(), stderr=sys.stderr)\n"
        "assert rc == 0, rc"
    )
    assert probe(body, tmp_path) == []
