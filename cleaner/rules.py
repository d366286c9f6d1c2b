"""Rule files: load, validate against the schema, compile patterns once.

A rule file is TOML. Its header says which documents it applies to (its scope) and where its
rules come from; each `[[rule]]` says one thing about boilerplate:

    schema_version = 1
    id = "govdelivery"
    description = "GovDelivery e-mail newsletter wrapper"
    source = "hand-written"            # or "learned"

    [scope]
    fingerprints = ["Unsubscribe | Contact Us", "This email was sent to * using GovDelivery*"]
    min_fingerprints = 1               # or: domains = ["defense.gov"], or: everywhere = true

    [[rule]]
    id = "govdelivery.sent-to"
    kind = "pattern"                   # line | pattern | block | xpath
    pattern = "This email was sent to .* using GovDelivery .*"

    [[rule]]
    id = "govdelivery.header"
    kind = "block"                     # from a `start` line to the next `end` line, inclusive
    start = "Having trouble viewing this email.*"
    end = "Bookmark and Share"         # without `end`: to the end of the document
    end_required = true                # no `end` after the start: the block drops nothing (default false:
                                       # it runs to the end of the document); the start line is then left
                                       # to the line and pattern rules

Patterns are RE2 (linear time: a rule file cannot hang the process) and match a whole line,
case-insensitively. Lines compare after `normalize_line`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from itertools import compress, repeat
from operator import and_, eq, ne, not_
from pathlib import Path
from typing import NamedTuple

import re2
from lxml import etree

from cleaner.errors import RuleError

SCHEMA_VERSION = 1
MAX_RULE_FILE_BYTES = 2 * 1024 * 1024
MAX_PATTERN_CHARS = 4096
# RE2 refuses to build automata bigger than this, so a pattern cannot exhaust memory either.
RE2_MAX_MEM = 8 << 20
# RE2 time is linear in the text but grows with the compiled program when its DFA gives up
# (`(?:.*a.{30}){20}` costs ~10 µs per character): a bigger program is rejected at load. The
# largest shipped pattern (a long alternation of cookie phrases) compiles to under 4,000.
MAX_PROGRAM_SIZE = 10_000
# Rule patterns only look at lines up to this long: boilerplate lines are short, and it keeps the
# per-line cost of even a worst-case pattern to a fraction of a second.
MAX_MATCH_CHARS = 10_000
# A set of patterns runs over a page in stretches of lines this long: locating a pattern the set sees
# then takes a pass over its stretch only. A call costs as much as ~400 bytes of matching.
STRETCH_BYTES = 4096
# tomllib recurses once per nesting level: deeper nesting than Python's stack is a hostile file.
_TOML_ERRORS = (tomllib.TOMLDecodeError, RecursionError)

# `template` ("site" or "family") and a rule's `digest` (of its content when learned, to tell hand edits)
# are written by `cleaner learn`.
_FILE_KEYS = {"schema_version", "id", "description", "source", "pages", "scope", "rule", "template"}
_TEMPLATES = {"site", "family"}
_SCOPE_KEYS = {"everywhere", "domains", "fingerprints", "min_fingerprints"}
_RULE_KEYS = {
    "id",
    "kind",
    "lines",
    "pattern",
    "start",
    "end",
    "end_required",
    "xpath",
    "note",
    "source",
    "enabled",
    "pages",
    "share",
    "digest",
}
_SOURCES = {"hand-written", "learned"}
_BULLETS = "•·*‣▪►»|-–—"
_WHITESPACE = re.compile(r"\s+")
_WHITESPACE_IN_LINE = re.compile(r"[^\S\n]+")
# Whitespace that is not a lone space: every character str.isspace() accepts but " " and "\n", or two
# spaces (see _has_odd_whitespace). A page with any has its whitespace collapsed.
_ODD_SPACE_CHARACTER = re.compile("[\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_TWO_SPACES = re2.compile("  ")  # a literal: RE2 finds it in a page's bytes faster than `in` does
_ASCII_RUN = re.compile("[\x00-\x7f]+")
# Characters may_change_under looks at: Latin, Greek, Cyrillic, Hebrew, Arabic and more; punctuation,
# symbols, CJK punctuation and kana; CJK ideographs; Hangul syllables; private use (icon fonts); variation
# selectors; emoji. (Building its class costs about 20 ms, once per form.)
_QUICK_CHECK_RANGES = (
    (0x80, 0x900),
    (0x2000, 0x3100),
    (0x4E00, 0xA000),
    (0xAC00, 0xD7A4),
    (0xE000, 0xF900),
    (0xFE00, 0xFE10),
    (0x1F000, 0x1FB00),
)
# The bytes of printable ASCII and the line break: deleting them from a page's UTF-8 leaves its unusual characters.
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\n"
# Patterns matched on a whole page are wrapped as `(?m)^(?:pattern)$` and compiled never to match a line
# break. `\A`, `\z` and a `(?-m)` flag group would then mean the page's start or end instead of the
# line's, and `\C` (any byte) still matches a line break: such patterns go line by line.
_LINE_BY_LINE_ONLY = re.compile(r"\\[ACz]|\(\?[a-zA-Z]*-[a-zA-Z]*m")


class Kind(StrEnum):
    LINE = "line"
    PATTERN = "pattern"
    BLOCK = "block"
    XPATH = "xpath"


def normalize_line(text: str) -> str:
    """The form in which lines are compared: NFKC, casefolded, bullets and spacing folded."""
    if not text.isascii():  # NFKC leaves ASCII unchanged; skipping it saves most of the cost
        text = unicodedata.normalize("NFKC", text)
    text = _WHITESPACE.sub(" ", text).strip().strip(_BULLETS).strip()
    return text.casefold()


def normalize_lines(texts: list[str], *, as_split: bool = False) -> NormalizedLines:
    """`normalize_line` of every line, computed over the whole page at once (the same strings).

    One pass per step over the page instead of per line: per line, the Python calls cost more
    than the work. The bullets and spaces at the edges go in C-level maps, not a Python loop.
    Most steps look at the page's unusual characters only (a short string) to learn that they
    have nothing to do. The answer keeps the page of `texts`, for the rules (see NormalizedLines).

    NFKC changes most pages that it changes at all by a few characters it maps to plain text
    ("…", "½", fullwidth letters): those are replaced in the page (see _plain_forms).
    Otherwise every step but NFKC runs on the page, and the lines NFKC changes are normalised
    one by one (see _renormalize_compatible).

    `as_split`: the caller vouches that the texts are lines as split_lines and unwrap make them:
    stripped, single-spaced, without line breaks. Their page is then not searched for line breaks
    and two spaces, nor its lines stripped before their bullets go (plain forms hold no whitespace,
    and casefolding keeps a stripped line stripped: tests/test_rules.py checks every character).
    """
    joined = "\n".join(texts)
    if not texts or (not as_split and joined.count("\n") != len(texts) - 1):  # none, or a line holding a line break
        return NormalizedLines([normalize_line(text) for text in texts])
    encoded = joined.encode("utf-8", "surrogatepass")
    source = PageLines(texts, joined, encoded)
    unusual = unusual_characters(joined, encoded)
    page = joined
    forms = _plain_forms(may_change_under("NFKC").findall(unusual))
    if forms:
        for char, form in forms.items():
            page = page.replace(char, form)
        encoded = page.encode("utf-8", "surrogatepass")
        unusual = unusual_characters(page, encoded)
    if _has_odd_whitespace(encoded, unusual, two_spaces=not as_split):
        page = _WHITESPACE_IN_LINE.sub(" ", page)
        encoded = page.encode("utf-8", "surrogatepass")
        unusual = unusual_characters(page, encoded)
    folded = _casefold(page, encoded, unusual)
    lines = folded.split("\n")
    normalized = _strip_bullets(lines if as_split else list(map(str.strip, lines)))
    if forms is None:
        folded = _renormalize_compatible(texts, normalized, folded)
    return NormalizedLines(normalized, source, folded)


def _strip_bullets(lines: list[str]) -> list[str]:
    """Stripped lines without the bullets at their edges, stripped again where a bullet went.

    str.strip gives back the very string it leaves unchanged, so comparing the lists (identity
    first) tells at little cost whether any line lost a bullet; if none did, the second strip
    would change nothing and is skipped.
    """
    unbulleted = list(map(str.strip, lines, repeat(_BULLETS)))
    return list(map(str.strip, unbulleted)) if unbulleted != lines else unbulleted


def _has_odd_whitespace(encoded: bytes, unusual: str, *, two_spaces: bool = True) -> bool:
    """Whether a page (as UTF-8, and its unusual characters) holds whitespace other than lone spaces and line breaks.

    No odd whitespace character is printable ASCII, so the short string of unusual characters
    holds them all; a regular expression over it and RE2 over the bytes for two spaces cost a
    fraction of one search over the page for both (which keeps RE2 from skipping ahead by memchr).
    `two_spaces=False` leaves out the search for two spaces, for a page known to hold none.
    """
    return bool(_ODD_SPACE_CHARACTER.search(unusual) or (two_spaces and _TWO_SPACES.search(encoded)))


def _plain_forms(unsure: list[str]) -> dict[str, str] | None:
    """NFKC of the page's characters that NFKC may change, when each has a plain form; else None.

    A plain form (see _plain_form) is one that NFKC of any text made of such characters, of
    ASCII and of characters may_change_under finds sure, replaces the character with. Such a text
    and the text with the replacements made have the same NFKD: each character's full decomposition
    starts with a starter (tests/test_rules.py checks all of them), so canonical reordering never
    crosses from one character's decomposition into the next, and NFKD(NFKC(c)) is NFKD(c). The
    replaced text holds only sure characters, so it is its own NFKC, which is then the text's.
    """
    forms: dict[str, str] = {}
    for char in set(unsure):
        form = _plain_form(char)
        if form is None:
            return None
        forms[char] = form
    return forms


@lru_cache(maxsize=4096)
def _plain_form(char: str) -> str | None:
    """NFKC of the character if it is plain: not empty, only characters may_change_under finds sure, no whitespace."""
    form = unicodedata.normalize("NFKC", char)
    if not form or may_change_under("NFKC").search(form) or any(map(str.isspace, form)):
        return None
    return form


def _renormalize_compatible(texts: list[str], normalized: list[str], folded: str) -> str:
    """Put `normalize_line` in `normalized` for the texts that NFKC changes; the haystack for NormalizedLines.

    `normalized` was made without NFKC, which is right for every line NFKC leaves as it is: each
    step works on each line for itself. NFKC neither makes nor joins across line breaks, so the
    page's NFKC is its lines' NFKC, found in a C-level map (an ASCII line, or one the quick check
    finds normalised, comes back as it is at once); only the lines it changes are visited. Their
    new forms may hold text that `folded` lacks: they are appended to it.
    """
    compatible = map(unicodedata.normalize, repeat("NFKC"), texts)
    changed = list(compress(range(len(texts)), map(ne, compatible, texts)))
    for index in changed:
        normalized[index] = normalize_line(texts[index])
    return "\n".join([folded, *(normalized[index] for index in changed)]) if changed else folded


@cache
def may_change_under(form: str) -> re.Pattern[str]:
    """A pattern finding the characters that may make normalising a text to `form` change it.

    A text with none is in the form already: the quick check of UAX #15 answers YES for a text
    of starters (combining class 0) that the form keeps and that never combine with the character
    before them. ASCII characters are such; of the others, only those of _QUICK_CHECK_RANGES are
    looked at (kept as a few runs, so the class stays small), none of which combine with the one
    before them if they are starters (tests/test_rules.py checks this against the whole database).
    Searching a page's unusual characters (a short string) costs a fraction of the check itself.
    """
    runs = (run for low, high in _QUICK_CHECK_RANGES for run in _sure_runs(form, low, high))
    return re.compile(f"[^\\x00-\\x7f{''.join(runs)}]")


def _sure_runs(form: str, low: int, high: int) -> Iterator[str]:
    """The runs of starters from `low` to `high` (excluded) that `form` keeps, as ranges of a character class."""
    chars = [chr(code) for code in range(low, high)]
    kept = map(unicodedata.normalize, repeat(form), chars)
    sure = bytes(map(and_, map(not_, map(unicodedata.combining, chars)), map(eq, kept, chars)))
    return (f"{chars[run.start()]}-{chars[run.end() - 1]}" for run in re.finditer(b"\x01+", sure))


def unusual_characters(text: str, encoded: bytes) -> str:
    """What character classes scan of a page (`text`, and its UTF-8 `encoded`): its unusual characters.

    Those are the control and non-ASCII characters, in order. A page is mostly printable ASCII:
    deleting its bytes leaves a short string, which the classes scan many times faster than the
    page. (A regular expression over the whole page, or one str.replace per character to remove,
    costs several times more.) A page of another script is mostly unusual characters: then the
    text itself is scanned, which costs less than picking them out.
    """
    if len(encoded) > len(text) * 7 // 4:  # three extra bytes in four characters: mostly characters of several bytes
        return text
    return encoded.translate(None, _PLAIN_BYTES).decode("utf-8", "surrogatepass")


def _casefold(text: str, encoded: bytes, unusual: str) -> str:
    """`text.casefold()`, twice as fast on a page whose non-ASCII characters casefold to themselves.

    Those pages are most pages (curly quotes, dashes, accented small letters): lower-casing the
    UTF-8 bytes folds their ASCII letters, which is all that casefold changes there. It folds
    character by character, never to nothing, so the page's non-ASCII characters are unchanged by
    it exactly when their string is. (`unusual`, see unusual_characters, holds them and the
    control characters, which casefold leaves alone.) A page of another script (whose unusual
    characters are the page itself) is casefolded at once: checking would cost about as much, and
    fail if the script has capitals.
    """
    if unusual is text or unusual.casefold() != unusual:
        return text.casefold()
    return encoded.lower().decode("utf-8", "surrogatepass")


class NormalizedLines(list):
    """`normalize_lines`' answer: the normalised lines, and the page of the texts they came from.

    apply_rules matches its patterns against the texts' PageLines, which joins and encodes the
    page just as normalize_lines did: it takes that page from here, when its texts are still the
    ones these lines came from (a comparison of two lists of the same strings costs little).
    """

    __slots__ = ("_source", "haystack")

    def __init__(self, lines: Iterable[str], source: PageLines | None = None, haystack: str | None = None):
        super().__init__(lines)
        self._source = source
        # A text holding every line, when normalised as a page: the casefolded page they were cut from (each
        # line is part of its line there: only its edges went), and the lines NFKC changed, appended.
        self.haystack = haystack

    def page_of(self, texts: list[str]) -> PageLines:
        """`PageLines(texts)`, the one built while normalising when these lines are normalize_lines(texts)."""
        if self._source is not None and self._source.texts == texts:
            return self._source
        return PageLines(texts)


@dataclass(slots=True)
class Rule:
    id: str
    kind: Kind
    file_id: str
    lines: frozenset[str] = frozenset()
    pattern: object | None = None  # compiled RE2 for pattern rules
    start: object | None = None  # compiled RE2 for block rules
    end: object | None = None
    # A block whose end marker does not follow its start does nothing (else it runs to the page's end):
    # a header block from a page's top line must not delete a page whose header lacks the end line.
    end_required: bool = False
    xpath: etree.XPath | None = None
    xpath_text: str = ""
    enabled: bool = True
    source: str = "hand-written"
    pages: int | None = None
    share: float | None = None
    note: str = ""
    line_no: int | None = None

    def matches(self, line: str, normalized: str) -> bool:
        """Whether a single line is dropped by this rule (line and pattern kinds)."""
        if self.kind is Kind.LINE:
            return normalized in self.lines
        if self.kind is Kind.PATTERN:
            return self.pattern.fullmatch(line.strip()) is not None
        return False


@dataclass(slots=True)
class Scope:
    everywhere: bool = False
    domains: tuple[str, ...] = ()
    fingerprint_lines: frozenset[str] = frozenset()  # exact normalised lines
    fingerprint_patterns: tuple[object, ...] = ()  # compiled RE2 for fingerprints with `*`
    fingerprint_texts: tuple[str, ...] = ()  # as written in the file
    min_fingerprints: int = 1
    fingerprint_set: PatternSet = field(init=False, repr=False, compare=False)  # the patterns, matched in one pass

    def __post_init__(self) -> None:
        self.fingerprint_set = PatternSet(self.fingerprint_patterns)

    @property
    def has_fingerprints(self) -> bool:
        return bool(self.fingerprint_texts)


@dataclass(slots=True)
class RuleFile:
    id: str
    path: str
    scope: Scope
    rules: list[Rule] = field(default_factory=list)
    description: str = ""
    source: str = "hand-written"
    pages: int | None = None
    template: str = ""  # "site" or "family" for learned files: a page is recognised as one site at most
    matcher: FileMatcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.matcher = FileMatcher(self.rules)

    def applies_to_site(self, site: str | None, host: str | None) -> bool:
        if self.scope.everywhere:
            return True
        return any(domain in (site, host) or (host or "").endswith("." + domain) for domain in self.scope.domains)


class BoundedPattern:
    """A compiled RE2 rule pattern that refuses lines longer than MAX_MATCH_CHARS (see there).

    `page` is the same pattern for a whole page (`PageLines`): `(?m)^(?:pattern)$`, compiled
    so that it never matches a line break, or None for the few patterns that must go line by line.
    `literal`, for a fingerprint, is ASCII text that every normalised line it matches contains
    (see fingerprint_pattern), or None.
    """

    __slots__ = ("_regex", "literal", "page", "pattern", "programsize")

    def __init__(self, regex):
        self._regex, self.pattern, self.programsize = regex, regex.pattern, regex.programsize
        self.page = _page_regex(self.pattern)
        self.literal: str | None = None

    def fullmatch(self, text: str) -> object | None:
        return self._regex.fullmatch(text) if len(text) <= MAX_MATCH_CHARS else None


def _re2_options(*, never_nl: bool = False) -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = RE2_MAX_MEM
    options.never_capture = True
    options.never_nl = never_nl
    return options


def _page_form(pattern: str) -> str:
    return f"(?m)^(?:{pattern})$"


def _page_regex(pattern: str) -> object | None:
    """The pattern matching whole lines of a page, or None if it cannot (see _LINE_BY_LINE_ONLY)."""
    if _LINE_BY_LINE_ONLY.search(pattern):
        return None
    try:
        return re2.compile(_page_form(pattern), _re2_options(never_nl=True))
    except re2.error:
        return None


class PageLines:
    """A document's lines as one UTF-8 text, so that a pattern runs once per page, not once per line.

    Calling RE2 from Python costs microseconds, more than matching a whole line; a pass over the
    page costs about as much as one call. Lines over MAX_MATCH_CHARS stay out (patterns never
    see them); lines holding a line break (an HTML block) are matched one by one.
    """

    __slots__ = ("_numbers", "data", "odd", "texts")

    def __init__(self, texts: list[str], joined: str | None = None, encoded: bytes | None = None):
        """`joined` is "\\n".join(texts) when the caller has it, and then vouches that no text holds a line
        break (it counted them); `encoded` is its UTF-8 (surrogatepass), when the caller has that too."""
        self.texts = list(texts)  # a copy: the page must stay the page of these texts
        breaks = joined is None
        if joined is None:
            joined = "\n".join(texts)
            breaks = joined.count("\n") != len(texts) - 1
        numbers: range | list[int] = range(len(texts))
        self.odd: list[int] = []
        # A page no longer than MAX_MATCH_CHARS holds no longer line: the common case skips the scan of the lines.
        too_long = len(joined) > MAX_MATCH_CHARS and max(map(len, texts)) > MAX_MATCH_CHARS
        if breaks or too_long:
            numbers = [i for i, text in enumerate(texts) if "\n" not in text and len(text) <= MAX_MATCH_CHARS]
            self.odd = [i for i, text in enumerate(texts) if "\n" in text and len(text) <= MAX_MATCH_CHARS]
            joined, encoded = "\n".join(texts[i] for i in numbers), None
        self._numbers = numbers  # line of the joined text -> index in texts
        if encoded is None and numbers:
            encoded = joined.encode("utf-8", "surrogatepass")
        self.data = encoded if numbers else None

    def lines_matching(self, pattern: BoundedPattern) -> list[int]:
        """Indexes of the lines that the pattern matches whole, in ascending order."""
        if pattern.page is None:
            return [i for i, text in enumerate(self.texts) if pattern.fullmatch(text)]
        found = [i for i in self.odd if pattern.fullmatch(self.texts[i])]
        if self.data is not None:
            found += self.lines_matching_in(pattern, _Stretch(0, len(self.data), 0))
        return sorted(set(found))  # set: the re2 wrapper can yield an empty match (an empty line) twice

    def stretches(self) -> Iterator[_Stretch]:
        """The joined text as consecutive runs of whole lines of about STRETCH_BYTES each (none without data)."""
        data, start, line = self.data, 0, 0
        if data is None:
            return
        while (end := data.find(b"\n", start + STRETCH_BYTES)) >= 0:
            yield _Stretch(start, end, line)
            line += data.count(b"\n", start, end) + 1
            start = end + 1
        yield _Stretch(start, len(data), line)  # the last, empty when the text ends with an empty line

    def lines_matching_in(self, pattern: BoundedPattern, stretch: _Stretch) -> Iterator[int]:
        """The lines of the stretch that the (paged) pattern matches whole, ascending, perhaps one twice."""
        line, position = stretch.line, stretch.start
        for match in pattern.page.finditer(self.data, stretch.start, stretch.end):
            line += self.data.count(b"\n", position, match.start())
            position = match.start()
            yield self._numbers[line]


class _Stretch(NamedTuple):
    """Lines of a page's joined text: bytes start:end, and the number (in the joined text) of the first."""

    start: int
    end: int
    line: int


class PatternSet:
    """Several rule patterns matched against a page in one RE2 pass.

    One pass tells which patterns match some line (usually none); only those are then located.
    (One alternation of all the patterns, located in one pass, is many times slower: RE2's DFA
    gives up on it.)
    """

    __slots__ = ("_by_line", "_page_set", "_paged", "patterns")

    def __init__(self, patterns: list[BoundedPattern] | tuple[BoundedPattern, ...]):
        self.patterns = tuple(patterns)
        self._paged = [i for i, pattern in enumerate(self.patterns) if pattern.page is not None]
        self._by_line = [i for i, pattern in enumerate(self.patterns) if pattern.page is None]
        self._page_set = _compile_set([_page_form(self.patterns[i].pattern) for i in self._paged])

    def first_matches(self, page: PageLines) -> dict[int, int]:
        """For each line some pattern matches whole: the index of the first such pattern.

        The set runs over the page a stretch of lines at a time: a pattern it sees is then located
        in that stretch, not in the whole page (one more pass per pattern). The stretches cost a
        call each, a fraction of a pass.
        """
        if self._each_on_its_own(page):
            return self._first_matches_of(page, range(len(self.patterns)))
        first = self._first_matches_of(page, self._by_line)
        for index, stretch in self._seen_in_stretches(page):
            for line in page.lines_matching_in(self.patterns[index], stretch):
                first[line] = min(index, first.get(line, index))
        return first

    def _seen_in_stretches(self, page: PageLines) -> Iterator[tuple[int, _Stretch]]:
        """Each (paged) pattern the set sees match some line of a stretch of the page, with that stretch."""
        if self._page_set is None or page.data is None:
            return
        view = memoryview(page.data)
        for stretch in page.stretches():
            for k in self._page_set.Match(view[stretch.start : stretch.end]) or ():
                yield self._paged[k], stretch

    def _first_matches_of(self, page: PageLines, indexes: Iterable[int]) -> dict[int, int]:
        """first_matches among the given patterns (ascending), each located on its own over the page."""
        first: dict[int, int] = {}
        for index in indexes:
            for line in page.lines_matching(self.patterns[index]):
                first.setdefault(line, index)
        return first

    def matched(self, page: PageLines) -> set[int]:
        """Indexes of the patterns that match at least one whole line."""
        sure = self._sure(page)
        unsure = [i for i in self._candidates(page, sure) if i not in sure]
        return sure | {i for i in unsure if page.lines_matching(self.patterns[i])}

    def _sure(self, page: PageLines) -> set[int]:
        """The patterns that the one pass over the page saw match (all of them true matches)."""
        if page.data is None or self._page_set is None:
            return set()
        return {self._paged[k] for k in self._page_set.Match(page.data) or ()}

    def _candidates(self, page: PageLines, sure: set[int]) -> list[int]:
        """Patterns that may match some line, ascending: all when each must be tried on its own."""
        if self._each_on_its_own(page):
            return list(range(len(self.patterns)))
        return sorted(sure | set(self._by_line))

    def _each_on_its_own(self, page: PageLines) -> bool:
        """Whether the set cannot speak for the page: it has odd lines, or the set failed to compile."""
        return bool(page.odd) or (self._page_set is None and bool(self._paged))


def _compile_set(patterns: list[str]) -> object | None:
    """One unanchored RE2 set of page patterns, or None if empty or beyond RE2's memory budget."""
    if not patterns:
        return None
    candidate = re2.Set.SearchSet(_re2_options(never_nl=True))
    try:
        for pattern in patterns:
            candidate.Add(pattern)
        candidate.Compile()
    except (re2.error, ValueError):
        return None
    return candidate


class FileMatcher:
    """One rule file's line, pattern and block-start rules, ready to decide a whole page."""

    __slots__ = ("_block_rules", "_exact", "_line_rules", "_pattern_at", "_set", "rules")

    def __init__(self, rules: list[Rule]):
        enabled = [rule for rule in rules if rule.enabled]
        self.rules = enabled
        self._line_rules = [rule for rule in enabled if rule.kind in (Kind.LINE, Kind.PATTERN)]
        self._exact: dict[str, int] = {}
        for index, rule in enumerate(self._line_rules):
            for line in rule.lines:  # empty for pattern rules
                self._exact.setdefault(line, index)
        self._block_rules = [rule for rule in enabled if rule.kind is Kind.BLOCK]
        # One set, block starts first and then the pattern rules in file order: one pass over the page for
        # both, and the first pattern matching a line is its block start when it has one (which takes precedence).
        self._pattern_at = [i for i, rule in enumerate(self._line_rules) if rule.kind is Kind.PATTERN]
        starts = [rule.start for rule in self._block_rules]
        self._set = PatternSet(starts + [self._line_rules[i].pattern for i in self._pattern_at])

    @property
    def empty(self) -> bool:
        return not self._line_rules and not self._block_rules

    def decide(self, page: PageLines, normalized: list[str]) -> dict[int, Rule]:
        """Line index -> the rule deciding that line: the first block rule whose start marker it is, else
        the first line or pattern rule (in file order) that drops it. `normalized`: normalize_lines of the page."""
        blocks = len(self._block_rules)
        decided: dict[int, Rule] = {}
        first: dict[int, int] = {}  # line -> index in _line_rules
        for line, k in self._set.first_matches(page).items():
            if k < blocks:
                decided[line] = self._block_rules[k]
            else:
                first[line] = self._pattern_at[k - blocks]
        exact = self._exact
        if not exact.keys().isdisjoint(normalized):  # most pages hold none of the lines: one C-level pass tells
            for line, index in [(i, exact[text]) for i, text in enumerate(normalized) if text in exact]:
                first[line] = min(index, first.get(line, index))
        for line, index in first.items():
            decided.setdefault(line, self._line_rules[index])
        return decided

    def line_rule(self, line: str, normalized: str) -> Rule | None:
        """The first line or pattern rule (file order) dropping this one line, as `decide` would name it.

        For the rare line whose block start gave way (an `end_required` block with no end on the
        page): one line, checked rule by rule, costs less than keeping a second answer per line.
        """
        return next((rule for rule in self._line_rules if rule.matches(line, normalized)), None)


@lru_cache(maxsize=256)
def combined_matcher(matchers: tuple[FileMatcher, ...]) -> FileMatcher:
    """One matcher for the rule files a document selected, built once per distinct selection.

    Documents of one site select the same files, so a crawl builds few of these; one matcher
    means one RE2 pass per page for all files together.
    """
    return FileMatcher([rule for matcher in matchers for rule in matcher.rules])


@lru_cache(maxsize=256)
def combined_patterns(sets: tuple[PatternSet, ...]) -> tuple[PatternSet, tuple[int, ...]]:
    """The patterns of several sets as one set (one pass per page), and which set each came from."""
    patterns = [pattern for pattern_set in sets for pattern in pattern_set.patterns]
    owners = tuple(number for number, pattern_set in enumerate(sets) for _ in pattern_set.patterns)
    return PatternSet(patterns), owners


def compile_pattern(pattern: str, where: tuple[str, int | None], what: str = "pattern") -> BoundedPattern:
    """Compile a rule pattern with RE2, or raise RuleError naming file and line.

    Groups never capture (only match/no match is used), which keeps RE2 on its fast DFA path.
    """
    if not isinstance(pattern, str) or not pattern:
        raise RuleError(*where, f"{what} must be a non-empty string")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise RuleError(*where, f"{what} is longer than {MAX_PATTERN_CHARS} characters")
    try:
        regex = re2.compile(pattern, _re2_options())
    except re2.error as error:
        message = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
        raise RuleError(*where, f"bad {what} {pattern!r}: {message} (RE2 syntax)") from error
    if regex.programsize > MAX_PROGRAM_SIZE:
        reason = f"{what} is too complex (RE2 program size {regex.programsize} > {MAX_PROGRAM_SIZE}); split it"
        raise RuleError(*where, reason)
    return BoundedPattern(regex)


def fingerprint_pattern(text: str, where: tuple[str, int | None]) -> BoundedPattern:
    """A fingerprint with `*` (any text) becomes a pattern over normalised lines.

    Its `literal` is the longest ASCII run of its text: a line the pattern matches holds the
    run's characters or, case-insensitively, their other cases (RE2 folds "k" with "K" and the
    Kelvin sign, "s" with "S" and the long s). A normalised line is casefolded, which leaves none
    of those but the run's own: so the line holds the run itself, which a substring search finds.
    """
    parts = [part.casefold() for part in text.split("*")]
    pattern = compile_pattern(".*".join(map(re2.escape, parts)), where, "fingerprint")
    pattern.literal = max((run for part in parts for run in _ASCII_RUN.findall(part)), key=len, default=None)
    return pattern


def load_rule_file(path: str | Path) -> RuleFile:
    path = str(path)
    try:
        with open(path, "rb") as stream:  # read one byte past the cap: a huge file is never loaded whole
            raw_bytes = stream.read(MAX_RULE_FILE_BYTES + 1)
    except OSError as error:
        raise RuleError(path, None, f"cannot read rule file: {error.strerror or error}") from error
    if len(raw_bytes) > MAX_RULE_FILE_BYTES:
        raise RuleError(path, None, f"rule file larger than {MAX_RULE_FILE_BYTES // 2**20} MiB")
    try:
        raw = raw_bytes.decode("utf-8")
        data = tomllib.loads(raw)
    except UnicodeDecodeError as error:
        raise RuleError(path, None, f"not UTF-8 text: {error}") from error
    except _TOML_ERRORS as error:
        found = re.search(r"line (\d+)", str(error))
        raise RuleError(path, int(found.group(1)) if found else None, f"invalid TOML: {error}") from error
    return parse_rule_file(data, path, raw)


def parse_rule_file(data: dict, path: str, raw: str = "") -> RuleFile:
    locator = _Locator(raw)
    top = (path, 1)
    _check_keys(data, _FILE_KEYS, path, locator.key_line)
    if data.get("schema_version") != SCHEMA_VERSION:
        raise RuleError(path, locator.key_line("schema_version"), f"schema_version must be {SCHEMA_VERSION}")
    file_id = _string(data, "id", path, locator.key_line, required=True)
    source = data.get("source", "hand-written")
    if not isinstance(source, str) or source not in _SOURCES:
        raise RuleError(path, locator.key_line("source"), f"source must be one of {sorted(_SOURCES)}")
    template = data.get("template", "")
    if template and (not isinstance(template, str) or template not in _TEMPLATES):
        raise RuleError(path, locator.key_line("template"), f"template must be one of {sorted(_TEMPLATES)}")
    scope = _parse_scope(data.get("scope"), path, locator)
    for key, kind in (("description", str), ("pages", int)):
        if key in data and (not isinstance(data[key], kind) or isinstance(data[key], bool)):
            raise RuleError(path, locator.key_line(key), f"`{key}` has the wrong type ({type(data[key]).__name__})")
    rule_tables = data.get("rule", [])
    if not isinstance(rule_tables, list):
        raise RuleError(*top, "`rule` must be an array of tables: write [[rule]]")
    rules, seen = [], set()
    for index, table in enumerate(rule_tables):
        line_no = locator.rule_line(index)
        rule = _parse_rule(table, file_id, (path, line_no))
        if rule.id in seen:
            raise RuleError(path, line_no, f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        rules.append(rule)
    return RuleFile(
        id=file_id,
        path=path,
        scope=scope,
        rules=rules,
        description=str(data.get("description", "")),
        source=source,
        pages=data.get("pages"),
        template=template,
    )


def _parse_scope(table, path: str, locator: _Locator) -> Scope:
    line = locator.header_line("scope")
    if not isinstance(table, dict):
        raise RuleError(path, None, "missing [scope] table (everywhere, domains or fingerprints)")
    _check_keys(table, _SCOPE_KEYS, path, locator.key_line)
    everywhere = table.get("everywhere", False)
    domains = table.get("domains", [])
    prints = table.get("fingerprints", [])
    minimum = table.get("min_fingerprints", 1)
    if not isinstance(everywhere, bool):
        raise RuleError(path, line, "scope.everywhere must be true or false")
    for name, value in (("domains", domains), ("fingerprints", prints)):
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RuleError(path, locator.key_line(name), f"scope.{name} must be a list of non-empty strings")
    if not isinstance(minimum, int) or minimum < 1:
        raise RuleError(path, locator.key_line("min_fingerprints"), "scope.min_fingerprints must be an integer >= 1")
    if not (everywhere or domains or prints):
        raise RuleError(path, line, "scope needs everywhere = true, domains or fingerprints")
    where = (path, locator.key_line("fingerprints"))
    return Scope(
        everywhere=everywhere,
        domains=tuple(d.lower().strip(".") for d in domains),
        fingerprint_lines=frozenset(normalize_line(p) for p in prints if "*" not in p),
        fingerprint_patterns=tuple(fingerprint_pattern(p, where) for p in prints if "*" in p),
        fingerprint_texts=tuple(prints),
        min_fingerprints=minimum,
    )


def _parse_rule(table, file_id: str, where: tuple[str, int | None]) -> Rule:
    _path, line_no = where
    if not isinstance(table, dict):
        raise RuleError(*where, "each [[rule]] must be a table")
    unknown = set(table) - _RULE_KEYS
    if unknown:
        raise RuleError(*where, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise RuleError(*where, "rule needs an `id` string")
    try:
        kind = Kind(table.get("kind"))
    except ValueError:
        raise RuleError(*where, f"rule {rule_id!r}: kind must be one of {[k.value for k in Kind]}") from None
    rule = Rule(id=rule_id, kind=kind, file_id=file_id, line_no=line_no, note=str(table.get("note", "")))
    rule.enabled = _typed(table, "enabled", bool, True, where, rule_id)
    rule.source = _typed(table, "source", str, "hand-written", where, rule_id)
    if rule.source not in _SOURCES:
        raise RuleError(*where, f"rule {rule_id!r}: source must be one of {sorted(_SOURCES)}")
    rule.pages = _typed(table, "pages", int, None, where, rule_id)
    share = _typed(table, "share", (int, float), None, where, rule_id)
    rule.share = float(share) if share is not None else None
    _typed(table, "digest", str, None, where, rule_id)
    needs = {Kind.LINE: "lines", Kind.PATTERN: "pattern", Kind.BLOCK: "start", Kind.XPATH: "xpath"}[kind]
    if needs not in table:
        raise RuleError(*where, f"rule {rule_id!r} of kind {kind.value} needs `{needs}`")
    if kind is Kind.LINE:
        lines = table["lines"]
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            raise RuleError(*where, f"rule {rule_id!r}: lines must be a list of strings")
        rule.lines = frozenset(normalize_line(x) for x in lines if normalize_line(x))
    elif kind is Kind.PATTERN:
        rule.pattern = compile_pattern(table["pattern"], where)
    elif kind is Kind.BLOCK:
        rule.start = compile_pattern(table["start"], where, "start")
        if "end" in table:
            rule.end = compile_pattern(table["end"], where, "end")
    else:
        rule.xpath_text = table["xpath"]
        try:
            rule.xpath = etree.XPath(rule.xpath_text)
        except (etree.XPathSyntaxError, TypeError) as error:
            raise RuleError(*where, f"rule {rule_id!r}: bad xpath {rule.xpath_text!r}: {error}") from error
    rule.end_required = _end_required(table, rule, where)
    return rule


def _end_required(table: dict, rule: Rule, where: tuple[str, int | None]) -> bool:
    """`end_required`: only a block with an `end` can require it (without one there is nothing to wait for)."""
    required = _typed(table, "end_required", bool, False, where, rule.id)
    if required and rule.end is None:
        raise RuleError(*where, f"rule {rule.id!r}: `end_required` needs a block rule with `end`")
    return required


def _typed(table: dict, key: str, kind, default, where, rule_id: str):
    value = table.get(key, default)
    if value is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
        raise RuleError(*where, f"rule {rule_id!r}: `{key}` has the wrong type ({type(value).__name__})")
    return value


def _string(data: dict, key: str, path: str, key_line, required: bool = False) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise RuleError(path, key_line(key), f"`{key}` must be a non-empty string")
    return value


def _check_keys(table: dict, allowed: set[str], path: str, key_line) -> None:
    for key in table:
        if key not in allowed:
            raise RuleError(path, key_line(key), f"unknown key {key!r}; allowed: {sorted(allowed)}")


class _Locator:
    """Finds the line numbers of keys and [[rule]] headers in the raw TOML, for error messages."""

    def __init__(self, raw: str):
        self.lines = raw.splitlines()
        self.rule_headers = [n for n, text in enumerate(self.lines, 1) if text.strip().startswith("[[rule]]")]

    def rule_line(self, index: int) -> int | None:
        return self.rule_headers[index] if index < len(self.rule_headers) else None

    def key_line(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        return next((n for n, text in enumerate(self.lines, 1) if pattern.match(text)), None)

    def header_line(self, name: str) -> int | None:
        return next((n for n, text in enumerate(self.lines, 1) if text.strip() == f"[{name}]"), None)


def rule_files_in(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise RuleError(str(folder), None, "rules folder does not exist")
    return sorted(folder.glob("*.toml"))


def default_rules_dir() -> Path:
    """The rules shipped with cleaner: inside the installed package, or the repository's rules/."""
    packaged = Path(__file__).parent / "default_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def load_rules(folders: Iterable[str | Path], include_defaults: bool = True) -> list[RuleFile]:
    """All rule files from the folders (shipped rules first); a later file with the same id wins."""
    paths: list[Path] = []
    if include_defaults:
        paths += rule_files_in(default_rules_dir())
    for folder in folders:
        paths += rule_files_in(folder)
    by_id: dict[str, RuleFile] = {}
    for path in paths:
        rule_file = load_rule_file(path)
        by_id[rule_file.id] = rule_file
    return list(by_id.values())
