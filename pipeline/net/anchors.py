"""Find ``#fragment`` targets (``id=`` and ``<a name=>``) in a streamed HTML body without parsing it all."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from urllib.parse import unquote, urlsplit

# What a fragment lands on (the HTML spec): any element's id, an <a>'s name. The attribute
# follows a blank inside a tag: data-id=, <meta name=> and ?id= in a URL are none.
_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
_ID = re.compile(rf"(?<=\s)id{_VALUE}", re.IGNORECASE)
_A_NAME = re.compile(rf"<a\s(?:[^<>]*?\s)?name{_VALUE}", re.IGNORECASE)
# How much of the previous chunk to rescan, so an attribute split across two chunks is still seen.
_OVERLAP = 4096


def fragment_candidates(fragment: str) -> frozenset[str]:
    """Spellings of a fragment that count as found: as written, percent-decoded, GitHub's prefix."""
    decoded = unquote(fragment)
    return frozenset({fragment, decoded, "user-content-" + decoded})


# Line anchors of code hosts (GitHub #L12, #L12C3-L14C5; GitLab #L12-15; Gitea #L12-L15;
# Bitbucket #lines-12:15): the page's script selects the lines, no element has that id.
_LINE_ANCHOR = re.compile(r"(?:L\d+(?:C\d+)?(?:-L?\d+(?:C\d+)?)?|lines-\d+(?::\d+)?)")
_CODE_HOSTS = ("github.com", "gitlab.com", "codeberg.org", "bitbucket.org", "sourcehut.org")
_CODE_PATHS = ("/blob/", "/src/", "/tree/", "/-/blob/")


def always_present(fragment: str, url: str = "") -> bool:
    """``#`` and ``#top`` scroll to the top in every browser (HTML spec), no element needed;
    a code host's line anchor (``#L12`` on a GitHub file page) is resolved by its script."""
    if fragment == "" or fragment.lower() == "top":
        return True
    if url and _LINE_ANCHOR.fullmatch(fragment):
        try:
            parts = urlsplit(url)
        except ValueError:  # an unparsable URL is reported by the fetch, not here
            return False
        host = (parts.hostname or "").lower()
        on_host = any(host == h or host.endswith("." + h) for h in _CODE_HOSTS)
        return on_host or any(p in parts.path for p in _CODE_PATHS)
    return False


def scan_anchors(chunks: Iterable[str], wanted: Iterable[str]) -> frozenset[str]:
    """Return the fragments found; stops pulling chunks as soon as all are found."""
    pending = {frag: fragment_candidates(frag) for frag in wanted if not always_present(frag)}
    found = {frag for frag in wanted if always_present(frag)}
    tail = ""
    iterator: Iterator[str] = iter(chunks)
    for chunk in iterator:
        if not pending:
            break
        text = tail + chunk
        ids = fragment_targets(text)
        for frag, spellings in list(pending.items()):
            if spellings & ids:
                found.add(frag)
                del pending[frag]
        tail = text[-_OVERLAP:]
    return frozenset(found)


def fragment_targets(text: str) -> set[str]:
    """The fragments HTML `text` defines: ids and <a> names, entities decoded."""
    found = (m.group(m.lastindex or 1) for rx in (_ID, _A_NAME) for m in rx.finditer(text))
    return {html.unescape(value) for value in found if value}
