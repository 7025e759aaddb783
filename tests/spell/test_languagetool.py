"""LanguageTool integration against a local test double of the /v2 API."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from lt_double import languagetool_double

from pipeline.spell import languagetool as lt


def test_build_text_maps_offsets_back() -> None:
    blocks = [(3, "# Title here"), (10, "First line\nHe go home")]
    text, spans = lt.build_text(blocks)
    assert text.startswith("  Title here\n\nFirst line")
    assert lt.position(text.index("He go"), spans) == (11, 1)
    assert lt.position(text.index("Title"), spans) == (3, 3)


def test_check_blocks_against_double() -> None:
    with languagetool_double() as (url, requests):
        tool = lt.open_tool(url, "en-US", local=False)
        issues = list(lt.check_blocks(tool, [(5, "Intro text."), (7, "Then\nHe go in order to rest.")]))
        tool.close()
    assert [(i.line, i.col, i.end_col, i.code, i.rule_id, i.replacements) for i in issues] == [
        (8, 1, 4, "SP101", "HE_VERB_AGR", ("goes",)),
        (8, 7, 18, "SP102", "IN_ORDER_TO", ("to",)),
    ]
    disabled = requests[0]["disabledRules"][0].split(",")
    assert "MORFOLOGIK_RULE_EN_US" in disabled and "WHITESPACE_RULE" in disabled


def test_unreachable_server_fails_cleanly() -> None:
    with socket.socket() as s:  # a free port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(lt.Unavailable, match="languagetool_url"):
        lt.open_tool(f"http://127.0.0.1:{port}", "en-US", local=False)


def test_no_server_and_no_local_install_never_downloads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LTP_PATH", str(tmp_path))  # an empty download folder: nothing installed
    with pytest.raises(lt.Unavailable, match="no local install"):
        lt.open_tool("", "en-US", local=True)
    assert list(tmp_path.iterdir()) == []
