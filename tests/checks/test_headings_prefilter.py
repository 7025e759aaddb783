"""HD003's cheap test before the inline parse never drops a repeated paragraph."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.checks import headings
from pipeline.findings import Finding
from pipeline.post import load_post
from pipeline.registry import Context

WORDS = ["Why", "Keras", "why", "keras?", "Step 1", "2", "fix", "ﬁx", "Straße", "STRASSE", "café", "cafe", "it's"]
MARKUP = ["*", "**", "_", "__", "~~", "`", "\\", "\\*", "&amp;", "&#75;", "&#x4B;", "&eacute;", "<b>", "</b>",
          "[", "]", "](u)", "![", "  \n", "\n", "\\\n", " ", ":", "Jane Doe: ", "Q: ", "A. B.: ", "!", "?", "..."]
text = st.lists(st.sampled_from(WORDS + MARKUP), min_size=1, max_size=8).map(" ".join)


def _findings(markdown: str, gated: bool) -> list[Finding]:
    with pytest.MonkeyPatch.context() as m:
        if not gated:
            m.setattr(headings, "_may_repeat", lambda content, norm: True)
        post = load_post(Path("/tmp/2020-01-01-x.md"), markdown.encode("utf-8", "surrogatepass"))
        options = {name: opt.default for name, opt in headings.OPTIONS.items()}
        ctx = Context(root=Path("/tmp"), options=options)
        return [f for f in headings.check(post, ctx) if f.code == "HD003"]


@settings(max_examples=300, deadline=None)
@given(heading=text, before=text, after=text, speaker=st.sampled_from(["", "Jane Doe: ", "**Q:** ", "Bob: "]))
def test_prefilter_keeps_every_repeat(heading: str, before: str, after: str, speaker: str) -> None:
    heading = " ".join(heading.split()) or "x"
    for para in (before, after, speaker + heading, speaker + heading.upper(), f"*{heading}*", heading + "!!"):
        para = para.strip() or "p"
        for markdown in (f"{para}\n\n## {heading}\n", f"## {heading}\n\n{para}\n", f"{before}\n\n## {heading}\n{para}\n"):
            assert _findings(markdown, True) == _findings(markdown, False)


@pytest.mark.parametrize(("content", "norm", "may"), [
    ("Why Keras?", "why keras", True),
    ("Jane Doe: *Why* Keras?", "why keras", True),
    ("A long paragraph about something else entirely.", "why keras", False),
    ("caf&eacute;", "café", True),  # an entity: parsed
    ("ﬁx", "fix", True),  # not ASCII: parsed
])
def test_may_repeat(content: str, norm: str, may: bool) -> None:
    assert headings._may_repeat(content, norm) is may
