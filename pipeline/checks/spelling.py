"""SP rules: unknown words (offline English speller) and, when a server is configured,
LanguageTool's grammar and style matches.

Spelling needs the whole site: a word used across many posts, or in their code, URLs and
front matter, is jargon or a name, not a typo. So `collect` extracts each post's prose (in
the map step, cached, parallel) and `check_site` judges every linted post against the
evidence of every post under the posts root, even when pre-commit passes only one file.
"""

from __future__ import annotations

import hashlib
import os
import re
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pipeline.findings import Finding, Fix, Severity
from pipeline.lintcache import LintCache, code_fingerprint
from pipeline.post import Post
from pipeline.records import fast_pickle
from pipeline.registry import Context, Option, Rule
from pipeline.spell.wordlist import front_matter_words, read_words

if TYPE_CHECKING:  # engine and prose load only when spelling runs (config validation imports this module)
    from pipeline.spell.engine import Misspelling, SiteEvidence, Speller
    from pipeline.spell.prose import ProseWord

NAME = "spelling"

RULES: tuple[Rule, ...] = (
    Rule("SP001", "unknown-word", "A word is not in the English dictionary and looks like a typo of one.",
         doc="Only prose is checked (title, description and the body's text; never code, URLs, HTML, "
             "Liquid or kramdown attributes). Names and jargon are recognised from evidence: capitals "
             "inside a sentence, camelCase and acronyms, use in code or URLs or across several posts. "
             "The first suggestion is the fix. `lint --fix --fix-spelling` and `publish --fix-spelling` "
             "apply it, and only when it is unambiguous (one cheap edit away from a single common word); "
             "without --fix-spelling a typo is reported and holds the post back. Accept a word with "
             "`pipeline spelling add WORD` (project list) or `spelling_words: [WORD]` in the post's "
             "front matter.\n\n"
             "Bad:\n    He is at the core of Keras Devolopment.\nGood:\n    He is at the core of Keras Development."),
    Rule("SP100", "languagetool-unavailable", "LanguageTool was asked for but no server could be reached.",
         Severity.WARNING,
         doc="Reported once per run when `languagetool_url` is set (or languagetool = 'on') and the "
             "server cannot be used; the offline speller still runs.\n\n"
             "Bad:\n    languagetool_url = 'http://localhost:9'  # nothing listening\n"
             "Good:\n    languagetool_url = 'http://localhost:8081'  # a running LanguageTool server"),
    Rule("SP101", "grammar", "LanguageTool grammar match (categories GRAMMAR, CONFUSED_WORDS).", Severity.WARNING,
         doc="Bad:\n    He go to the office.\nGood:\n    He goes to the office."),
    Rule("SP102", "style", "LanguageTool style match (STYLE, REDUNDANCY, PLAIN_ENGLISH, WIKIPEDIA).", Severity.WARNING,
         doc="Bad:\n    in order to\nGood:\n    to"),
    Rule("SP103", "typography", "LanguageTool typography, punctuation or casing match.", Severity.WARNING,
         doc="Bad:\n    i think so\nGood:\n    I think so"),
    Rule("SP104", "languagetool-other", "Any other LanguageTool match.", Severity.WARNING,
         doc="Bad and good examples depend on the LanguageTool rule named in the message."),
)

OPTIONS: Mapping[str, Option] = MappingProxyType({
    "wordlist": Option(".pipeline-words.txt", str, "project word list (one word a line), relative to the project root"),
    "words": Option([], list, "extra accepted words, inline in the config"),
    "front_matter_key": Option("spelling_words", str, "front matter key of a post's own accepted words"),
    "check_capitalized": Option(True, bool, "check capitalised words too (with stricter evidence for names)"),
    "min_length": Option(3, int, "shortest word checked", low=1),
    "repeat_count": Option(3, int, "a word used this often across the site's prose (in 2+ posts) is jargon, not a typo", low=2),
    "max_suggestions": Option(5, int, "suggestions listed per unknown word (0: none, and so no fix to offer)", low=0),
    "languagetool": Option("auto", str, "auto: use LanguageTool when a URL is set or a local install exists; on: require it; off",
                           choices=("auto", "on", "off")),
    "languagetool_url": Option("", str, "LanguageTool server, e.g. http://localhost:8081"),
    "languagetool_language": Option("en-US", str, "language code sent to LanguageTool"),
    "languagetool_disabled_rules": Option([], list, "LanguageTool rule ids to turn off"),
})


class Packed:
    """Word counts or kept words as one string (plus one array of numbers): a cached post's
    facts unpickle as a handful of objects instead of thousands, and a warm run whose
    verdicts come from the site cache never unpacks them."""

    __slots__ = ("text", "numbers")

    def __init__(self, text: str, numbers: bytes) -> None:
        self.text = text
        self.numbers = numbers

    def __reduce__(self) -> tuple[object, ...]:
        return (Packed, (self.text, self.numbers))

    @classmethod
    def counts(cls, counts: Mapping[str, int]) -> Packed:
        return cls("\n".join(counts), array("I", counts.values()).tobytes())

    def to_counts(self) -> dict[str, int]:
        return dict(zip(self.text.split("\n"), array("I", self.numbers))) if self.text else {}

    @classmethod
    def words(cls, words: Iterable[tuple[int, ProseWord]]) -> Packed:
        """(index, word) pairs: texts and compounds in the string, the rest as numbers."""
        texts, numbers = [], array("I")
        for i, w in words:
            texts.append(f"{w.text}\t{w.compound}")
            flags = w.sentence_start | w.identifier << 1 | w.after_capital << 2
            numbers.extend((i, w.line, w.col, flags))
        return cls("\n".join(texts), numbers.tobytes())

    def screening(self) -> tuple[list[str], list[int], array[int]]:
        """(entries `word<TAB>compound`, kinds, indexes) of packed words, as
        `Speller.review_screened` takes them, without building a word object each."""
        if not self.text:
            return [], [], array("I")
        nums = array("I", self.numbers)
        return self.text.split("\n"), [flags & 3 for flags in nums[3::4]], nums[0::4]

    def to_words(self) -> list[tuple[int, ProseWord]]:
        from pipeline.spell.prose import ProseWord

        if not self.text:
            return []
        nums = array("I", self.numbers)
        out = []
        for k, entry in enumerate(self.text.split("\n")):
            text, compound = entry.split("\t")
            i, line, col, flags = nums[4 * k : 4 * k + 4]
            out.append((i, ProseWord(text, line, col, bool(flags & 1), bool(flags & 2), compound, bool(flags & 4))))
        return out


@fast_pickle
@dataclass(frozen=True, slots=True)
class SpellFacts:
    """What the map step keeps of one post for `check_site` (picklable, cached): word counts
    and only the words that are not plain dictionary words, packed."""

    path: str
    ok: bool
    own_words: frozenset[str]
    packed_counts: Packed  # lower-cased prose word -> occurrences (but Lexicon.uncounted)
    packed_terms: str  # lower-cased terms seen outside prose, one a line
    total: int  # prose words in all
    packed_words: Packed  # the kept words with their index among all `total`
    blocks: tuple[tuple[int, str], ...] = ()  # only when LanguageTool may run
    labels: tuple[tuple[int, int, int], ...] = ()  # (line, first col, end col) of reference labels used as link text
    quoted: tuple[tuple[int, int, int], ...] = ()  # (line, first col, end col) of single-quoted front matter values
    front_end: int = 0  # the front matter's closing line: above it, an apostrophe is YAML's business
    plain_front: tuple[int, ...] = ()  # front matter lines whose value is plain, where an apostrophe may go as is

    def indexed(self) -> list[tuple[int, ProseWord]]:
        return self.packed_words.to_words()


@fast_pickle
@dataclass(frozen=True, slots=True)
class SpellSummary:
    """What the site index keeps of a post it is not linting: word counts, code terms."""

    ok: bool
    packed_counts: Packed
    packed_terms: str


def summarize(facts: SpellFacts) -> SpellSummary:
    return SpellSummary(facts.ok, facts.packed_counts, facts.packed_terms)


def _terms(packed: str) -> frozenset[str]:
    return frozenset(packed.split("\n")) if packed else frozenset()


def _opt(ctx: Context, name: str) -> Any:
    return ctx.options.get(name, OPTIONS[name].default)


def check(post: Post, ctx: Context) -> Iterable[Finding]:
    """Nothing per post: every SP finding needs the site's evidence (see check_site)."""
    return ()


def prepare() -> None:
    """Load the lexicon before the runner forks its workers: they inherit it, and the site
    step needs it here too, so it is loaded once instead of once per process."""
    from pipeline.spell.lexicon import load_lexicon

    load_lexicon()


def collect(post: Post, ctx: Context) -> SpellFacts:
    from pipeline.spell.lexicon import load_lexicon
    from pipeline.spell.prose import Prose, extract_post

    lexicon = load_lexicon()
    # the counts of lexicon.uncounted never decide a verdict: half the entries, less to sum
    prose = extract_post(post, plain=lexicon.freq, uncounted=lexicon.uncounted) if post.ok else Prose((), frozenset())
    return SpellFacts(
        post.display_path, post.ok, front_matter_words(post.front_matter, _opt(ctx, "front_matter_key")),
        Packed.counts(prose.counts),
        "\n".join(sorted(prose.code_terms)), prose.total, Packed.words(prose.iter_indexed()),
        prose.blocks if _languagetool_wanted(ctx) else (),
        _label_spans(post),
        _single_quoted_spans(post) if post.ok else (),
        post.fm_end_line if post.ok else 0,
        _plain_front_lines(post) if post.ok else (),
    )


# A single-quoted YAML value opening a key's value or a list item ('Why I dont care'): inside
# it an apostrophe is written twice, so a fix to "don't" must write "don''t".
_SINGLE_QUOTED = re.compile(r"^(?:[ \t]*-[ \t]+|[ \t]*(?:-[ \t]+)?[^\s:#'\"][^:#]*:[ \t]+)('(?:[^']|'')*')")


def _plain_front_lines(post: Post) -> tuple[int, ...]:
    from pipeline.frontmatter_parse import plain_value_line

    return tuple(n for n in range(2, post.fm_end_line) if plain_value_line(post.lines[n - 1]))


def _single_quoted_spans(post: Post) -> tuple[tuple[int, int, int], ...]:
    spans = []
    for number in range(2, post.fm_end_line):
        line = post.lines[number - 1]
        m = _SINGLE_QUOTED.match(line) if "'" in line else None
        if m is not None:
            spans.append((number, m.start(1) + 1, m.end(1) + 1))
    return tuple(spans)


_LABEL_USE = re.compile(r"(?<![\]\\])\[([^\[\]]+)\](?:\[\])?(?![(\[:])")


def _label_spans(post: Post) -> tuple[tuple[int, int, int], ...]:
    """Where a link's text is also its reference label (`[word][]`, `[word]`): fixing a typo
    there alone would leave the link pointing at no definition."""
    references = post.md_env.get("references") if post.ok else None
    if not references:
        return ()
    from markdown_it.common.utils import normalizeReference

    spans = []
    for number in range(post.body_start_line, len(post.lines) + 1):
        line = post.lines[number - 1]
        if "[" in line:
            spans.extend((number, m.start(1) + 1, m.end(1) + 1) for m in _LABEL_USE.finditer(line)
                         if normalizeReference(m.group(1)) in references)
    return tuple(spans)


def _wordlist_path(ctx: Context) -> Path:
    wordlist = Path(_opt(ctx, "wordlist"))
    return wordlist if wordlist.is_absolute() else ctx.root / wordlist


def speller_for(ctx: Context) -> Speller:
    """The speller with the project's word lists; the lexicon itself is loaded once per process."""
    from pipeline.spell.engine import Settings, Speller
    from pipeline.spell.lexicon import load_lexicon

    accepted = read_words(_wordlist_path(ctx))
    settings = Settings(
        min_length=int(_opt(ctx, "min_length")),
        repeat_count=int(_opt(ctx, "repeat_count")),
        max_suggestions=int(_opt(ctx, "max_suggestions")),
        check_capitalized=bool(_opt(ctx, "check_capitalized")),
    )
    return Speller(load_lexicon(), accepted | frozenset(map(str, _opt(ctx, "words"))), settings)


def check_site(facts: Mapping[str, SpellFacts | None], ctx: Context) -> Iterable[Finding]:
    linted = [f for f in facts.values() if f is not None and f.ok]
    if not linted:
        return []
    cache = None if ctx.no_cache or ctx.cache_dir is None else LintCache.open(ctx.cache_dir)
    try:
        site = _site_evidence(linted, ctx, cache)
        speller = speller_for(ctx)
        memo_key = f"spell-memo:{map_cache_salt()}:{code_fingerprint()}:{speller.settings.max_suggestions}"
        memo = cache.get(memo_key) if cache is not None else None
        if isinstance(memo, dict):
            speller.remember(memo)
        known = sum(map(len, speller.memo().values()))
        findings = _review_all(speller, site, linted, ctx.jobs)
        size = sum(map(len, speller.memo().values()))
        if cache is not None and known < size <= MEMO_LIMIT:
            cache.put_many([(memo_key, speller.memo())])
    finally:
        if cache is not None:
            cache.close()
    findings.extend(_languagetool(linted, ctx))
    return findings


MEMO_LIMIT = 200_000  # per-word results kept between runs; past this a run keeps its own only
PARALLEL_REVIEW = 400  # posts; below this the review is faster than starting processes
_SHARED: tuple[Any, ...] | None = None  # what forked reviewers inherit: (speller, site, posts)


def _review_all(speller: Speller, site: SiteEvidence, linted: Sequence[SpellFacts], jobs: int) -> list[Finding]:
    """Review every linted post; on a large run, in forked processes that inherit the
    speller and the site evidence (nothing big is pickled), each sending back its findings
    and the per-word work it did, so the speller's memo still learns it."""
    import multiprocessing
    import os

    if jobs <= 1 or len(linted) < PARALLEL_REVIEW or not hasattr(os, "fork"):
        return _review_part(speller, site, linted)
    global _SHARED
    import concurrent.futures as cf

    _SHARED = (speller, site, linted)
    try:
        step = -(-len(linted) // (jobs * 4))
        bounds = [(i, min(i + step, len(linted))) for i in range(0, len(linted), step)]
        findings: list[Finding] = []
        with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for part, learned in pool.map(_review_bounds, bounds):
                findings.extend(part)
                speller.remember(learned)
        return findings
    finally:
        _SHARED = None


def _review_bounds(bounds: tuple[int, int]) -> tuple[list[Finding], dict[str, dict[str, Any]]]:
    assert _SHARED is not None
    speller, site, linted = _SHARED
    before = {name: set(values) for name, values in speller.memo().items()}
    found = _review_part(speller, site, linted[bounds[0] : bounds[1]])
    learned = {name: {k: v for k, v in values.items() if k not in before[name]} for name, values in speller.memo().items()}
    return found, learned


def _review_part(speller: Speller, site: SiteEvidence, posts: Sequence[SpellFacts]) -> list[Finding]:
    findings = []
    for post in posts:
        entries, kinds, indexes = post.packed_words.screening()
        for miss in speller.with_words(post.own_words).review_screened(entries, kinds, indexes, post.total, site, post.indexed):
            findings.append(_finding(post.path, miss, post.labels, post.quoted, post.front_end, post.plain_front))
    return findings


def map_cache_salt() -> str:
    """`collect` drops the lexicon's plain words, so its result depends on the lexicon build."""
    from pipeline.spell.lexicon import lexicon_key

    return lexicon_key()


def site_cache_salt(ctx: Context) -> str | None:
    """check_site's verdicts are a function of the facts, the options (in the facts' keys),
    the lexicon and the project word list: cacheable, unless LanguageTool may run."""
    if _languagetool_wanted(ctx):
        return None
    from pipeline.spell.lexicon import lexicon_key

    path = _wordlist_path(ctx)
    try:
        listed = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        listed = "none"
    return f"{lexicon_key()}|{path.resolve()}|{listed}"


def _site_evidence(linted: Sequence[SpellFacts], ctx: Context, cache: LintCache | None) -> SiteEvidence:
    """Word counts of the linted posts plus every other post under the posts root, each once.

    The other posts' share is cached under their cache keys: a pre-commit run on one edited
    post adds its counts to a stored sum instead of adding up the whole site again.
    """
    from pipeline.spell.engine import SiteEvidence

    mine: dict[str, SpellFacts] = {}
    for f in linted:
        mine.setdefault(os.path.realpath(f.path), f)  # not Path.resolve: it raises on a symlink loop
    other_keys = {p: k for p, k in ctx.site.keys.items() if p not in mine} if ctx.site is not None else {}
    base = None
    cache_key = None
    if cache is not None and other_keys and all(other_keys.values()):
        digest = hashlib.blake2b("\0".join(sorted(other_keys.values())).encode(), digest_size=20)
        cache_key = f"spell-evidence:{digest.hexdigest()}"
        hit = cache.get(cache_key)
        base = hit if isinstance(hit, SiteEvidence) else None
    if base is None and other_keys:
        assert ctx.site is not None
        others = []
        for path in other_keys:
            result = ctx.site.index.get(path)
            other = getattr(result, "facts", {}).get(NAME)
            if isinstance(other, SpellFacts):
                other = summarize(other)
            if isinstance(other, SpellSummary) and other.ok:
                others.append(other)
        base = SiteEvidence.from_counts((o.packed_counts.to_counts(), _terms(o.packed_terms)) for o in others)
        if cache_key is not None and cache is not None:
            cache.put_many([(cache_key, base)])
    return SiteEvidence.from_counts(((f.packed_counts.to_counts(), _terms(f.packed_terms)) for f in mine.values()), base)


def unambiguous(miss: Misspelling) -> bool:
    """Safe to apply without asking: a lower-case word one cheap edit (a vowel, a doubled
    letter, a swap) from its first suggestion, with no other suggestion nearly as good."""
    if not miss.suggestions or not miss.word.text.islower() or miss.cost > 0.6 or " " in miss.suggestions[0]:
        return False
    return miss.runner_up_gap >= 1.0


def _finding(path: str, miss: Misspelling, labels: Sequence[tuple[int, int, int]] = (),
             quoted: Sequence[tuple[int, int, int]] = (), front_end: int = 0, plain_front: Sequence[int] = ()) -> Finding:
    w = miss.word
    end = w.col + len(w.text)
    if not miss.suggestions:  # max_suggestions = 0: the word is reported, nothing is offered
        return Finding(path, w.line, w.col, "SP001", Severity.ERROR, f"unknown word '{w.text}'", end_line=w.line, end_col=end)
    in_label = any(line == w.line and start <= w.col < end for line, start, end in labels)
    best = miss.suggestions[0]
    others = ", ".join(miss.suggestions[1:4])
    message = f"unknown word '{w.text}': did you mean '{best}'?" + (f" (or {others})" if others else "")
    in_quotes = "'" in best and any(line == w.line and start < w.col < end for line, start, end in quoted)
    written = best.replace("'", "''") if in_quotes else best  # YAML's escape inside single quotes
    # elsewhere in the front matter (a value continued on the next line, after an anchor or a
    # tag) whether an apostrophe may go as is depends on YAML's reading: no safe fix there
    yaml_unsure = "'" in best and w.line < front_end and not in_quotes and w.line not in plain_front
    fix = Fix(w.line, w.col, w.line, end, written, safe=unambiguous(miss) and not in_label and not yaml_unsure,
              description=f"'{w.text}' -> '{best}'")
    return Finding(path, w.line, w.col, "SP001", Severity.ERROR, message, fix, end_line=w.line, end_col=end)


def _languagetool(linted: Sequence[SpellFacts], ctx: Context) -> Iterator[Finding]:
    mode = str(_opt(ctx, "languagetool")).lower()
    if not _languagetool_wanted(ctx):
        if mode == "on":  # required, and --offline keeps the run off the network
            yield Finding(linted[0].path, 1, 1, "SP100", Severity.WARNING,
                          "LanguageTool not used: --offline, and languagetool_url is no server on this machine")
        return
    url = str(_opt(ctx, "languagetool_url"))
    from pipeline.spell import languagetool as lt

    requested = mode == "on" or bool(url)
    try:
        tool = lt.open_tool(url, str(_opt(ctx, "languagetool_language")), local=True)
    except lt.Unavailable as exc:
        if requested:
            yield Finding(linted[0].path, 1, 1, "SP100", Severity.WARNING, f"LanguageTool not used: {exc}")
        return
    try:
        disabled = [str(r) for r in _opt(ctx, "languagetool_disabled_rules")]
        for post in linted:
            for issue in lt.check_blocks(tool, post.blocks, disabled):
                fix_note = f" (suggestion: {', '.join(issue.replacements)})" if issue.replacements else ""
                yield Finding(
                    post.path, issue.line, issue.col, issue.code, Severity.WARNING,
                    f"{issue.message} [{issue.rule_id}]{fix_note}", end_line=issue.end_line, end_col=issue.end_col,
                )
    except lt.Unavailable as exc:
        yield Finding(linted[0].path, 1, 1, "SP100", Severity.WARNING, f"LanguageTool stopped: {exc}")
    finally:
        close = getattr(tool, "close", None)
        if close is not None:
            close()


def _languagetool_wanted(ctx: Context) -> bool:
    """Whether this run may call LanguageTool (a local install is only looked for online)."""
    mode = str(_opt(ctx, "languagetool")).lower()
    return mode != "off" and (not ctx.offline or _is_loopback(str(_opt(ctx, "languagetool_url"))))


def _is_loopback(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # a malformed URL ('http://[::1'): no server of this machine; open_tool says why
        return False
    return host in ("localhost", "::1") or host.startswith("127.")
