"""links._plainly_external, the offline site check's shortcut past `resolve`, never skips a
link that `resolve` makes a post, a file or an anchor: only external, malformed or skipped
ones, which give no finding in an offline site check."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_links import (  # tests/checks is on sys.path (pytest's rootdir insertion)
    FM,
    context,
    write_site,
)

from pipeline.checks import links
from pipeline.links_extract import Link, LinkKind, Target, resolve

_PIECES = ["http://", "https://", "HTTP://", "hTtPs://", "//", "/", "#", "{{", "}}", "{%", "%}", "&#123;", "&#x7b;",
           "&amp;", "site.baseurl", "post_url", "[", "]", ":", "@", "?", "x.test", "a", " ", "\t", "%20", "..", "mailto:"]
_URLS = st.lists(st.sampled_from(_PIECES) | st.text(max_size=4), max_size=8).map("".join)


@settings(max_examples=2000, deadline=None)
@given(st.sampled_from(list(LinkKind)), st.sampled_from(["http://", "https://", "HTTPS://", "Http://", ""]), _URLS)
def test_a_plainly_external_link_resolves_to_nothing_local(kind: LinkKind, scheme: str, rest: str) -> None:
    link = Link(scheme + rest, 1, 1, kind)
    if links._plainly_external(link):
        assert resolve(link).target in (Target.EXTERNAL, Target.MALFORMED, Target.SKIP)


BODY = """[a](https://example.com/x) <http://Example.com:80/> [b](/about/) [c](../x.md#top)
[d]({% post_url 2020-01-02-b %}) [e]({{ site.baseurl }}/about/) [f](https://{{ site.url }}/x)
<a href="https://example.com/&#123;&#123;x">g</a> [h](https://[::1/x) [i](https://x.test:99999/)
[j]({% link about.md %}#team) [k](2020-01-02-b.md#nope) [l](#here) [m](HTTPS://x.test/#frag)
"""


@pytest.mark.parametrize("config", ["title: s\n", "title: s\nbaseurl: /blog\n", None])
def test_offline_site_check_is_the_same_with_and_without_the_shortcut(tmp_path: Path, config: str | None,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    posts = write_site(tmp_path, {"about.md": FM + "# About\n", "_posts/2020-01-01-a.md": FM + BODY,
                                  "_posts/2020-01-02-b.md": FM + "# B\n" + BODY})
    if config is None:
        (tmp_path / "_config.yml").unlink()
    else:
        (tmp_path / "_config.yml").write_text(config)
    ctx = context(tmp_path, offline=True)
    facts = {p.display_path: links.collect(p, ctx) for p in posts}
    fast = [(f.path, f.line, f.col, f.code, f.message) for f in links.check_site(facts, ctx)]
    monkeypatch.setattr(links, "_plainly_external", lambda _link: False)
    slow = [(f.path, f.line, f.col, f.code, f.message) for f in links.check_site(facts, ctx)]
    assert fast == slow
    assert fast  # the site has findings to compare
