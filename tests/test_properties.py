"""Property tests (hypothesis): what must hold for every input, not just the ones we thought of.

Readers raise nothing but InputError; text and HTML cleaning raise nothing at all and never
invent characters; rule loading raises nothing but RuleError; no document id writes outside
the output folder. Examples are bounded so the suite stays fast; `make fuzz` runs the same
targets (fuzz/fuzz_cleaner.py) for as long as you like. Inputs that once broke a property are
kept as @example regressions.
"""

from __future__ import annotations

import gzip
import os
import tempfile
import unicodedata
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner.document import Format
from cleaner.errors import InputError, RuleError
from cleaner.pipeline import Cleaner
from cleaner.readers import Source, decode
from cleaner.rules import compile_pattern, load_rule_file, parse_rule_file
from cleaner.text import normalize_text, split_lines, unwrap
from cleaner.writers import output_path

# Examples per property: enough to catch the classic failures, few enough for a ~10 s suite.
# CLEANER_PROPERTY_SCALE=100 multiplies them for a long local hunt (`make fuzz` does).
_SCALE = max(1, int(os.environ.get("CLEANER_PROPERTY_SCALE", "1")))
FEW, SOME, MANY = 40 * _SCALE, 100 * _SCALE, 300 * _SCALE


def bounded(examples: int) -> settings:
    """No deadline (CI machines vary), no example database written into the working tree."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        print_blob=True,  # a failure prints how to reproduce it with @reproduce_failure
        suppress_health_check=[HealthCheck.too_slow],
    )


_CLEANER = Cleaner()  # built once: loading compiles every shipped pattern
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\n"} | {"\x7f"}

# --- Readers --------------------------------------------------------------------------------------

_PREFIXES = [
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff\xfe\x00\x00",
    b"<!DOCTYPE html><html><head>",
    b"\x89PNG",
    b"\x1f\x8b",
    b"<?xml version='1.0'?>",
]
_CHARSETS = ["utf-8", "latin-1", "utf-16", "utf-7", "idna", "undefined", "punycode", "unicode_escape", "x-bogus"]
_ENCODINGS = ["utf-8", "latin-1", "cp1251", "utf-16-le", "utf-16", "cp1252", "shift_jis", "gb18030"]


@st.composite
def document_bytes(draw: st.DrawFn) -> bytes:
    """Bytes that look like documents more often than random bytes do: BOMs, meta charsets, encodings."""
    text = draw(st.text(max_size=300))
    encoding = draw(st.sampled_from(_ENCODINGS))
    body = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        charset = draw(st.sampled_from(_CHARSETS))
        body = f'<html><head><meta charset="{charset}"></head><body><p>'.encode() + body + b"</p><div><a>x</a></div>"
    return draw(st.sampled_from(_PREFIXES)) + body + draw(st.binary(max_size=20))


@bounded(MANY)
@given(st.one_of(st.binary(max_size=2000), document_bytes()))
@example(b'<html><head><meta charset="undefined"></head><body><p>x</p><div><a>x</a></div>')
@example(b'<html><head><meta charset="idna"></head><body><p>\xff</p><div><a>x</a></div>')
def test_decode_raises_nothing_but_input_error(data: bytes) -> None:
    try:
        decoded = decode(data)
    except InputError:
        return
    assert isinstance(decoded.text, str) and decoded.format in (Format.HTML, Format.TEXT)


@bounded(FEW)
@given(st.binary(min_size=1, max_size=2000), st.integers(min_value=0, max_value=64), st.binary(max_size=8))
def test_damaged_gzip_is_an_input_error(payload: bytes, cut: int, junk: bytes) -> None:
    packed = gzip.compress(payload)
    damaged = packed[: max(0, len(packed) - cut)] + junk
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.html.gz"
        path.write_bytes(damaged)
        try:
            data = Source(id="page.html.gz", path=path).read_bytes()
        except InputError:
            return
    assert isinstance(data, bytes)


# --- Text cleaning --------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    ["the", "council", "said", "Home", "|", "Share", "this:", "Copyright", "2025", "By", "Jane", "Doe", "Photo:", "—"]
)
_PROSE_LINE = st.lists(_WORDS, min_size=1, max_size=30).map(" ".join)
_TEXT_PAGE = st.one_of(
    st.text(max_size=800),
    st.lists(st.one_of(_PROSE_LINE, st.just(""), st.text(max_size=40)), max_size=40).map("\n".join),
)


@bounded(SOME)
@given(_TEXT_PAGE)
@example("\x00\x01 nul and controls \x1b[31m")
@example("a\u0301" * 50)
def test_text_cleaning_never_raises_and_never_invents_characters(page: str) -> None:
    doc = _CLEANER.clean(page)
    if doc.error is not None:
        assert doc.error and not doc.text  # a bad input: a reason, no body
        return
    allowed = set(unicodedata.normalize("NFC", normalize_text(page))) | {" ", "\n"}
    assert set(doc.text) <= allowed
    assert not set(doc.text) & _CONTROL


@bounded(SOME)
@given(_TEXT_PAGE)
def test_normalising_is_idempotent_and_unwrapping_loses_no_text(page: str) -> None:
    once = normalize_text(page)
    assert normalize_text(once) == once
    lines = split_lines(once)
    joined = unwrap([line for line in split_lines(once)])
    assert "".join(line.text for line in joined).replace(" ", "") == "".join(line.text for line in lines).replace(
        " ", ""
    )


# --- HTML cleaning --------------------------------------------------------------------------------

_TAGS = ["div", "p", "span", "a", "article", "nav", "footer", "figure", "figcaption", "table", "td", "li", "ul", "h1"]
_ATTRS = st.sampled_from(
    ["", ' class="byline"', ' id="main"', ' itemprop="author"', ' href="/x"', ' class="caption credit"', " hidden"]
)
_TEXTS = st.one_of(_PROSE_LINE, st.text(alphabet=st.characters(exclude_characters="<>&"), max_size=40))


def _html_tree(depth: int) -> st.SearchStrategy[str]:
    leaf = _TEXTS
    if depth == 0:
        return leaf
    child = _html_tree(depth - 1)
    node = st.builds(
        lambda tag, attrs, kids, close: f"<{tag}{attrs}>{''.join(kids)}" + (f"</{tag}>" if close else ""),
        st.sampled_from(_TAGS),
        _ATTRS,
        st.lists(child, max_size=4),
        st.booleans(),  # unclosed tags half of the time: real pages have them
    )
    return st.one_of(leaf, node)


_HTML_PAGE = st.builds(
    lambda title, body, meta: (
        f"<!DOCTYPE html><html><head><title>{title}</title>{meta}</head><body>{body}</body></html>"
    ),
    _TEXTS,
    st.lists(_html_tree(3), max_size=6).map("".join),
    st.sampled_from(
        [
            "",
            '<meta name="author" content="Jane Doe">',
            '<meta property="article:published_time" content="2025-13-45">',
            '<script type="application/ld+json">{"@type": "NewsArticle", "author": [null, 1, {"name": {}}]}</script>',
            '<script type="application/ld+json">{"datePublished": 12, "headline": ["x"]</script>',
            '<link rel="canonical" href="http://[::1">',
        ]
    ),
)


@bounded(SOME)
@given(_HTML_PAGE)
@example("<html><head><title>\ud800</title></head><body><p>lone surrogate</p></body></html>")
def test_html_cleaning_never_raises(page: str) -> None:
    doc = _CLEANER.clean(page)  # as str: a lone surrogate must not escape as UnicodeEncodeError
    assert doc.error is None or (doc.error and not doc.text)
    assert not set(doc.text) & _CONTROL


# --- Rule loading ---------------------------------------------------------------------------------

_TOML_LINES = st.sampled_from(
    [
        "schema_version = 1",
        'schema_version = "1"',
        'id = "x"',
        "id = 3",
        "[scope]",
        "everywhere = true",
        'domains = ["a.com", 1]',
        'fingerprints = ["Unsubscribe*", ""]',
        "min_fingerprints = 0",
        "[[rule]]",
        'kind = "pattern"',
        'kind = "block"',
        'kind = "xpath"',
        'kind = ["line"]',
        'pattern = "(a+)+$"',
        'pattern = "(?P<x>"',
        'start = "x"',
        'end = ""',
        'lines = ["a", 2]',
        'xpath = "//div["',
        "xpath = \"//*[re:test(., 'a')]\"",
        "enabled = 1",
        "share = true",
        "pages = -1",
        'source = ["learned"]',
        "template = {a = 1}",
        "[rule]",
        "rule = 5",
        "scope = []",
    ]
)
_TOML_TEXT = st.one_of(st.lists(_TOML_LINES, max_size=25).map("\n".join), st.text(max_size=200))
_TOML_VALUES = st.recursive(
    st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_RULE_KEYS = ["id", "kind", "lines", "pattern", "start", "end", "xpath", "enabled", "source", "pages", "share", "note"]
_RULE_DATA = st.fixed_dictionaries(
    {
        "schema_version": st.sampled_from([1, 2, "1"]),
        "id": st.one_of(st.text(max_size=8), st.integers()),
        "scope": st.one_of(
            st.fixed_dictionaries({"everywhere": _TOML_VALUES}),
            st.dictionaries(st.sampled_from(["domains", "fingerprints", "min_fingerprints"]), _TOML_VALUES),
            _TOML_VALUES,
        ),
        "rule": st.lists(st.dictionaries(st.sampled_from(_RULE_KEYS), _TOML_VALUES, max_size=6), max_size=4),
    }
)


@bounded(MANY)
@given(_TOML_TEXT)
@example("x = " + "[" * 5000 + "]" * 5000)
@example('schema_version = 1\nid = "x"\nsource = ["learned"]\n[scope]\neverywhere = true')
def test_loading_a_rule_file_raises_nothing_but_rule_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.toml"
        path.write_text(text, encoding="utf-8")
        try:
            rule_file = load_rule_file(path)
        except RuleError as error:
            assert error.path == str(path) and error.reason
            return
    assert rule_file.id


@bounded(FEW)
@given(_RULE_DATA)
def test_parsing_any_rule_structure_raises_nothing_but_rule_error(data: dict) -> None:
    raw = tomli_w.dumps(data)
    try:
        parse_rule_file(data, "rules.toml", raw)
    except RuleError as error:
        assert error.reason


@bounded(SOME)
@given(st.text(max_size=60))
def test_any_pattern_compiles_or_is_a_rule_error(pattern: str) -> None:
    try:
        compiled = compile_pattern(pattern, ("rules.toml", 3))
    except RuleError as error:
        assert error.line == 3
        return
    compiled.fullmatch("some line of text")


# --- Output paths ---------------------------------------------------------------------------------


@bounded(MANY)
@given(st.lists(st.sampled_from([*"ab./\\#:~", "..", "/..", "%2e"]), max_size=30).map("".join), st.text(max_size=10))
@example("crawl.warc#../../../x", "")
@example("//", "")  # PurePosixPath("//") is a root: once joined into an absolute path
@example("a\x00b.html", "")  # found by atheris: a NUL in a path is a ValueError at open
def test_no_document_id_writes_outside_the_output_folder(doc_id: str, extra: str) -> None:
    root = Path("/tmp/cleaner-out").resolve()
    for candidate in (doc_id, doc_id + extra):
        target = output_path(root, candidate, "txt")
        assert target.resolve().is_relative_to(root) and target.resolve() != root
