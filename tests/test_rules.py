"""rules: rule files load, validate with errors that name file and line, and compile patterns once."""

from __future__ import annotations

import random
import sys
import unicodedata
from pathlib import Path

import pytest

from cleaner import rules as rules_module
from cleaner.errors import RuleError
from cleaner.rules import (
    MAX_MATCH_CHARS,
    Kind,
    PageLines,
    PatternSet,
    compile_pattern,
    default_rules_dir,
    load_rule_file,
    load_rules,
    normalize_line,
    normalize_lines,
    rule_files_in,
)
from cleaner.text import split_lines

HEADER = 'schema_version = 1\nid = "test"\n\n[scope]\neverywhere = true\n\n'  # lines 1-6
VALID = (
    HEADER
    + """[[rule]]
id = "test.lines"
kind = "line"
lines = ["Share this:", "Like this:"]

[[rule]]
id = "test.pattern"
kind = "pattern"
pattern = "Posted by .{1,60}"
source = "learned"
pages = 4
share = 0.75

[[rule]]
id = "test.block"
kind = "block"
start = "Related Stories"
end = "End of list"

[[rule]]
id = "test.xpath"
kind = "xpath"
xpath = "//div[@class='share']"
enabled = false
note = "share bar"
"""
)


def write(tmp_path: Path, text: str | bytes, name: str = "rules.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of `text` that contains `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def load_error(tmp_path: Path, text: str | bytes) -> RuleError:
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert str(path) in str(caught.value), "the message names the file"
    return caught.value


# --- a valid file ---------------------------------------------------------------------------


def test_valid_file_loads_every_kind_and_field(tmp_path):
    rule_file = load_rule_file(write(tmp_path, VALID))
    assert rule_file.id == "test"
    assert rule_file.scope.everywhere
    by_id = {rule.id: rule for rule in rule_file.rules}
    assert [rule.kind for rule in rule_file.rules] == [Kind.LINE, Kind.PATTERN, Kind.BLOCK, Kind.XPATH]
    assert by_id["test.lines"].lines == {"share this:", "like this:"}
    pattern = by_id["test.pattern"]
    assert (pattern.source, pattern.pages, pattern.share) == ("learned", 4, 0.75)
    assert by_id["test.block"].end is not None
    assert not by_id["test.block"].end_required, "a block runs to the document's end unless told otherwise"
    assert not by_id["test.xpath"].enabled
    assert by_id["test.xpath"].note == "share bar"
    # Line numbers of each [[rule]] header are kept for later messages.
    assert by_id["test.block"].line_no == line_of(VALID, 'id = "test.block"') - 1


def test_line_rules_compare_normalised_and_patterns_match_whole_lines_case_insensitively(tmp_path):
    by_id = {rule.id: rule for rule in load_rule_file(write(tmp_path, VALID)).rules}
    lines, pattern = by_id["test.lines"], by_id["test.pattern"]
    for text in ("Share this:", "  SHARE   this: ", "• Share this:"):
        assert lines.matches(text, normalize_line(text))
    assert not lines.matches("Share this: now", normalize_line("Share this: now"))
    assert pattern.matches("posted BY Jane Doe", "")
    assert not pattern.matches("He said it was posted by Jane Doe", "")


def test_normalize_line_folds_width_case_space_and_bullets():
    assert normalize_line("  ＳＨＡＲＥ\u00a0 This:  ") == "share this:"
    assert normalize_line("» Related Stories") == "related stories"
    assert normalize_line("Straße") == "strasse"


# --- errors name file and line --------------------------------------------------------------


def test_unknown_rule_key_names_file_and_a_line_of_that_rule(tmp_path):
    text = HEADER + '[[rule]]\nid = "ok"\nkind = "line"\nlines = ["x"]\n\n[[rule]]\nid = "a"\nkind = "line"\n'
    text += 'lines = ["x"]\ncolour = "red"\n'
    error = load_error(tmp_path, text)
    assert "colour" in error.reason
    # The line is the offending rule's header or the key itself: anywhere inside the second rule.
    assert line_of(text, 'id = "a"') - 1 <= error.line <= line_of(text, "colour")


def test_unknown_top_level_key_names_its_line(tmp_path):
    text = 'schema_version = 1\nid = "t"\ncolour = "red"\n\n[scope]\neverywhere = true\n'
    error = load_error(tmp_path, text)
    assert error.line == 3
    assert f"{error.path}:3:" in str(error)


def test_unknown_scope_key_names_its_line(tmp_path):
    text = 'schema_version = 1\nid = "t"\n\n[scope]\neverywhere = true\nsites = ["a.com"]\n'
    assert load_error(tmp_path, text).line == 6


@pytest.mark.parametrize(
    "pattern",
    ["(?=lookahead)x", "(unbalanced", "back\\\\1reference (a)\\\\1", "x{2,1}"],
    ids=["lookahead", "unbalanced", "backreference", "bad-repeat"],
)
def test_bad_re2_pattern_names_file_and_line(tmp_path, pattern):
    text = HEADER + '[[rule]]\nid = "ok"\nkind = "line"\nlines = ["x"]\n\n[[rule]]\nid = "bad"\nkind = "pattern"\n'
    text += f'pattern = "{pattern}"\n'
    error = load_error(tmp_path, text)
    assert "RE2" in error.reason
    assert line_of(text, 'id = "bad"') - 1 <= error.line <= line_of(text, "pattern =")


def test_bad_block_end_pattern_is_an_error(tmp_path):
    text = HEADER + '[[rule]]\nid = "b"\nkind = "block"\nstart = "Comments"\nend = "(oops"\n'
    assert "bad end" in load_error(tmp_path, text).reason


def test_block_with_end_required_loads(tmp_path):
    text = HEADER + '[[rule]]\nid = "b"\nkind = "block"\nstart = "Menu"\nend = "Search"\nend_required = true\n'
    (rule,) = load_rule_file(write(tmp_path, text)).rules
    assert rule.end_required


def test_bad_fingerprint_is_an_error(tmp_path):
    text = 'schema_version = 1\nid = "t"\n[scope]\nfingerprints = ["x" ]\nmin_fingerprints = "two"\n'
    assert load_error(tmp_path, text).line == 5


def test_invalid_toml_names_the_line(tmp_path):
    text = HEADER + '[[rule]]\nid = "a"\nkind = line\n'
    error = load_error(tmp_path, text)
    assert error.line == line_of(text, "kind = line")
    assert "invalid TOML" in error.reason


def test_not_utf8_is_an_error(tmp_path):
    assert "UTF-8" in load_error(tmp_path, b'id = "\xff"\n').reason


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('kind = "line"\nlines = "Share this:"', "lines must be a list of strings"),
        ('kind = "line"\nlines = ["x", 3]', "lines must be a list of strings"),
        ('kind = "line"\nlines = ["x"]\nenabled = "yes"', "`enabled` has the wrong type"),
        ('kind = "line"\nlines = ["x"]\npages = true', "`pages` has the wrong type"),
        ('kind = "line"\nlines = ["x"]\nshare = "half"', "`share` has the wrong type"),
        ('kind = "pattern"\npattern = 42', "non-empty string"),
        ('kind = "pattern"\npattern = ""', "non-empty string"),
        ('kind = "pattern"', "needs `pattern`"),
        ('kind = "block"\nend = "x"', "needs `start`"),
        ('kind = "block"\nstart = "x"\nend_required = true', "`end_required` needs a block rule with `end`"),
        ('kind = "line"\nlines = ["x"]\nend_required = true', "`end_required` needs a block rule with `end`"),
        ('kind = "block"\nstart = "x"\nend = "y"\nend_required = "yes"', "`end_required` has the wrong type"),
        ('kind = "regex"\npattern = "x"', "kind must be one of"),
        ('kind = "line"\nlines = ["x"]\nsource = "guessed"', "source must be one of"),
    ],
)
def test_wrong_types_and_missing_fields(tmp_path, body, reason):
    text = HEADER + f'[[rule]]\nid = "a"\n{body}\n'
    error = load_error(tmp_path, text)
    assert reason in error.reason
    assert error.line == line_of(text, "[[rule]]")


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ('schema_version = 2\nid = "t"\n[scope]\neverywhere = true\n', "schema_version must be 1"),
        ('id = "t"\n[scope]\neverywhere = true\n', "schema_version must be 1"),
        ("schema_version = 1\n[scope]\neverywhere = true\n", "`id` must be a non-empty string"),
        ('schema_version = 1\nid = "t"\n', "missing [scope]"),
        ('schema_version = 1\nid = "t"\n[scope]\neverywhere = "yes"\n', "scope.everywhere"),
        ('schema_version = 1\nid = "t"\n[scope]\ndomains = "a.com"\n', "scope.domains"),
        ('schema_version = 1\nid = "t"\n[scope]\nfingerprints = ["a"]\nmin_fingerprints = 0\n', "min_fingerprints"),
        ('schema_version = 1\nid = "t"\n[scope]\neverywhere = false\n', "scope needs"),
        ('schema_version = 1\nid = "t"\n[scope]\neverywhere = true\n[rule]\nid = "a"\n', "[[rule]]"),
    ],
)
def test_bad_file_headers(tmp_path, header, reason):
    assert reason in load_error(tmp_path, header).reason


def test_duplicate_rule_ids_name_the_second_rule(tmp_path):
    text = HEADER + '[[rule]]\nid = "a"\nkind = "line"\nlines = ["x"]\n\n[[rule]]\nid = "a"\nkind = "line"\n'
    text += 'lines = ["y"]\n'
    error = load_error(tmp_path, text)
    assert "duplicate rule id 'a'" in error.reason
    assert error.line == 12


def test_xpath_syntax_error_names_file_and_line(tmp_path):
    text = HEADER + '[[rule]]\nid = "x"\nkind = "xpath"\nxpath = "//div[@class="\n'
    error = load_error(tmp_path, text)
    assert "bad xpath" in error.reason
    assert error.line == 7


def test_missing_rules_folder_is_an_error(tmp_path):
    with pytest.raises(RuleError, match="does not exist"):
        rule_files_in(tmp_path / "nope")


# --- loading folders ------------------------------------------------------------------------


def test_shipped_rules_all_load():
    files = rule_files_in(default_rules_dir())
    assert files, "rules/ ships rule files"
    loaded = load_rules([], include_defaults=True)
    assert {rule_file.id for rule_file in loaded} == {load_rule_file(path).id for path in files}
    assert all(rule_file.rules for rule_file in loaded)
    # Every shipped rule id is unique across files and says which file it belongs to.
    ids = [rule.id for rule_file in loaded for rule in rule_file.rules]
    assert len(ids) == len(set(ids))


PROSE = "The secretary said the meeting with allies would continue on Friday in Brussels, officials confirmed."

# Each family's real wording around one line of prose; every line but the prose must go.
FAMILY_PAGES = {
    "us-gov-banner": [
        "An official website of the United States government",
        "Here's how you know",
        "Official websites use .gov",
        "A .gov website belongs to an official government organization in the United States.",
        "Secure .gov websites use HTTPS",
        PROSE,
    ],
    "govdelivery": [
        "View this email in your browser",
        PROSE,
        "This email was sent to reader@example.com using GovDelivery Communications Cloud on behalf of: Agency",
        "1000 Main Street, Washington, DC 20001",
    ],
    "blogger": [
        PROSE,
        "Newer Post",
        "Older Post",
        "Subscribe to: Post Comments (Atom)",
        "No comments:",
        "Post a Comment",
    ],
    "wordpress": [PROSE, "Share this:", "Like this:", "Filed Under: News, Defense", "Leave a Reply"],
    "teasers": [PROSE, "Related Stories"],
}


@pytest.mark.parametrize("family", sorted(FAMILY_PAGES))
def test_shipped_family_rules_drop_the_family_wording(family, make_doc):
    from cleaner.sites import select_rule_files
    from cleaner.text import apply_rules

    doc = make_doc("\n".join(FAMILY_PAGES[family]))
    chosen = select_rule_files(doc, load_rules([], include_defaults=True), [line.text for line in doc.lines])
    apply_rules(doc, chosen)
    assert [line.text for line in doc.lines if line.keep] == [PROSE]
    assert any(rule_id.startswith(family + ".") for rule_id in doc.rules)


def test_no_defaults_and_later_folder_overrides_same_id(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    write(first, VALID)
    write(second, VALID.replace('lines = ["Share this:", "Like this:"]', 'lines = ["Other"]'))
    loaded = load_rules([first, second], include_defaults=False)
    assert [rule_file.id for rule_file in loaded] == ["test"]
    assert loaded[0].rules[0].lines == {"other"}


# --- RE2: linear time -----------------------------------------------------------------------


def test_catastrophic_backtracking_pattern_is_correct_on_long_lines(tmp_path):
    """(a+)+$ hangs a backtracking engine on 'aaa…b'; RE2 answers in linear time (checked by answer, not clock)."""
    text = HEADER + '[[rule]]\nid = "evil"\nkind = "pattern"\npattern = "(a+)+$"\n'
    (rule,) = load_rule_file(write(tmp_path, text)).rules
    assert not rule.matches("a" * 9_000 + "b", "")
    assert rule.matches("a" * 9_000, "")


# --- whole-page matching and normalising give the per-line answers ------------------------------


# Characters that take every path of normalize_lines: bullets, odd whitespace, NFKC with plain forms ("…", "½",
# fullwidth, "™") and without (a combining mark, "¨" whose NFKC holds a space, a Devanagari nukta letter, Hangul jamo,
# a lone surrogate), casefolding that changes non-ASCII letters ("ß", "İ", Cyrillic capitals), emoji and private use.
NORMALIZE_ALPHABET = [
    *"ab Z•·*‣▪►»|-–—\t\u2028\x85\u00a0\u3000\u2003ﬁＳßİΣς\u0301é1\u00b4…½™Ｑ\u00a8\u0958ЖжЁ\U0001f642\ufe0f\ue8b6",
    "\u1100\u1161",
    "\ud800",
    "  ",
    "\n",
]


def test_normalize_lines_is_normalize_line_of_each_line():
    rng = random.Random(3)
    for _ in range(20000):
        texts = [
            "".join(rng.choice(NORMALIZE_ALPHABET) for _ in range(rng.randint(0, 8))) for _ in range(rng.randint(1, 4))
        ]
        normalized = normalize_lines(texts)
        assert normalized == [normalize_line(text) for text in texts], texts
        assert normalized.haystack is None or all(line in normalized.haystack for line in normalized), texts


def test_normalize_lines_of_split_lines_is_normalize_line_of_each_line():
    """`as_split=True` skips the work that lines as split_lines makes them do not need: the same answer.

    Pages of mostly ASCII and pages of mostly other characters (scanned whole: see unusual_characters) both."""
    rng = random.Random(4)
    for number in range(20000):
        ascii_words = ["Share ", "a ", "this\n", "\n\n"] * (number % 2) * 20
        text = "".join(rng.choice(NORMALIZE_ALPHABET + ascii_words) for _ in range(rng.randint(1, 30)))
        texts = [line.text for line in split_lines(text)]
        normalized = normalize_lines(texts, as_split=True)
        assert normalized == [normalize_line(text) for text in texts], texts
        assert all(line in normalized.haystack for line in normalized), texts


def test_casefolding_keeps_a_stripped_line_stripped():
    """What normalize_lines(as_split=True) rests on: casefold makes no whitespace at a line's edge, keeps the rest."""
    for char in map(chr, range(sys.maxunicode + 1)):
        folded = char.casefold()
        if char.isspace():
            assert folded == char, hex(ord(char))
        else:
            assert folded and not folded[0].isspace() and not folded[-1].isspace(), hex(ord(char))


def test_characters_with_plain_forms_and_sure_characters_decompose_from_a_starter():
    """What _plain_forms rests on: canonical reordering never crosses from one such character's decomposition into
    the next, so NFKC of a text of them is the text with each plain form put in."""
    sure = rules_module.may_change_under("NFKC")
    for char in map(chr, range(0x80, sys.maxunicode + 1)):
        if not sure.search(char) or rules_module._plain_form.__wrapped__(char) is not None:
            assert unicodedata.combining(unicodedata.normalize("NFKD", char)[0]) == 0, hex(ord(char))


def test_nfkc_of_a_text_of_plain_and_sure_characters_puts_in_the_plain_forms():
    looked_at = [chr(code) for low, high in rules_module._QUICK_CHECK_RANGES for code in range(low, high)]
    sure = [c for c in looked_at if not rules_module.may_change_under("NFKC").search(c)]
    plain = [c for c in map(chr, range(0x80, 0x30000)) if rules_module._plain_form.__wrapped__(c) not in (None, c)]
    assert len(plain) > 3000 and {"…", "½", "Ｓ", "™", "ﬁ"} <= set(plain)
    assert {"\u00a8", "\u0301", "\u0958", "\ufdfa"}.isdisjoint(plain)  # a space, a non-starter, no composition
    rng = random.Random(13)
    pool = sure + plain + list("aeiouAEIOU \n\x00~")
    for _ in range(50_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 6)))
        forms = rules_module._plain_forms(rules_module.may_change_under("NFKC").findall(text))
        assert forms is not None, ascii(text)
        replaced = "".join(forms.get(char, char) for char in text)
        assert unicodedata.normalize("NFKC", text) == replaced, ascii(text)


def test_may_change_under_finds_every_character_beyond_its_ranges():
    looked_at = {code for low, high in rules_module._QUICK_CHECK_RANGES for code in range(low, high)}
    beyond = "".join(chr(code) for code in range(0x80, sys.maxunicode + 1) if code not in looked_at)
    for form in ("NFC", "NFKC"):
        assert rules_module.may_change_under(form).sub("", beyond) == ""


def _has_odd_whitespace(text: str) -> bool:
    encoded = text.encode("utf-8", "surrogatepass")
    return rules_module._has_odd_whitespace(encoded, rules_module.unusual_characters(text, encoded))


def test_odd_whitespace_is_every_whitespace_but_a_lone_space_or_line_break():
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) not in " \n"]
    assert all(_has_odd_whitespace(f"a{space}b") for space in spaces)
    others = "".join(chr(c) for c in range(0xD800) if not chr(c).isspace())
    assert not _has_odd_whitespace(f"{others} \n{others}\ud800 ")
    assert _has_odd_whitespace("a  b")


@pytest.mark.parametrize("form", ["NFC", "NFKC"])
def test_a_text_without_characters_that_may_change_is_in_the_form(form):
    """may_change_under: a text in which it finds nothing is its own normal form, whatever surrounds its characters."""
    looked_at = [chr(code) for low, high in rules_module._QUICK_CHECK_RANGES for code in range(low, high)]
    sure = [c for c in looked_at if not rules_module.may_change_under(form).search(c)]
    assert len(sure) > 40_000  # the class must leave most of Latin, punctuation, CJK, Hangul and emoji to the fast path
    rng = random.Random(11)
    pool = sure + list("aeiouAEIOU \n\x00~")
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 6)))
        assert unicodedata.normalize(form, text) == text, ascii(text)
    for unsure in ["e\u0301", "\u1100\u1161", "\uac00\u11a8", "…", "½", "ﬁ", "\ud800", "\U0001f600", "\u0958"]:
        assert rules_module.may_change_under(form).search(unsure) or unicodedata.normalize(form, unsure) == unsure


def test_no_starter_of_the_quick_check_ranges_combines_with_the_character_before():
    """What may_change_under rests on: composing only ever joins a character to one of these ranges' starters
    from the right, as the second of a canonical decomposition pair (or a Hangul vowel or final consonant)."""
    seconds = {0x1161 + v for v in range(21)} | {0x11A8 + t for t in range(27)}
    for code in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(code)).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            seconds.add(int(decomposition[1], 16))
    in_ranges = [c for c in seconds for low, high in rules_module._QUICK_CHECK_RANGES if low <= c < high]
    assert not [hex(c) for c in in_ranges if unicodedata.combining(chr(c)) == 0]


def test_re2_folds_no_character_to_an_ascii_letter_that_casefold_keeps():
    """What fingerprint literals rest on: a character RE2 matches case-insensitively with an ASCII letter is that
    letter once casefolded, so a casefolded line holding a match holds the letter itself."""
    others = "\n".join(chr(c) for c in range(0x80, sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    letters = compile_pattern("[a-z]", ("test", None)).page
    folded = {match.group().decode() for match in letters.finditer(others.encode())}
    assert folded == {"\u212a", "\u017f"}  # the Kelvin sign and the long s
    assert all(char.casefold().isascii() for char in folded)


def test_a_fingerprint_literal_is_in_every_normalised_line_the_fingerprint_matches():
    rng = random.Random(12)
    words = [
        "Sent",
        "to",
        "KELVIN",
        "\u212aelvin",
        "\u017fent",
        "Stra\u00dfe",
        "strasse",
        "ﬁle",
        "file",
        "•",
        " ",
        "*",
        "é",
    ]
    for _ in range(3000):
        fingerprint = "".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        if "*" not in fingerprint:
            continue
        pattern = rules_module.fingerprint_pattern(fingerprint, ("test", None))
        for _ in range(5):
            line = normalize_line("".join(rng.choice(words) for _ in range(rng.randint(0, 5))))
            if pattern.fullmatch(line):
                assert pattern.literal is None or pattern.literal in line, (fingerprint, line)


PAGE_PATTERNS = [
    "Share( this)?:?",  # ordinary
    "a[^x]*b",  # a negated class would cross line breaks on a page
    r"c\s*d",  # so would \s
    r"\Ae.*",  # \A and \z mean the line's start and end: matched line by line
    r"f.*\z",
    "(?-m:^g)$",
    ".*",  # matches every line, the empty one too
    "(?s)h.*",
    r"a\Cb",  # any byte, a line break too: matched line by line
]


@pytest.mark.parametrize("stretch", [0, 1, 5, rules_module.STRETCH_BYTES])
def test_page_matching_finds_exactly_the_lines_each_pattern_matches_whole(stretch, monkeypatch):
    monkeypatch.setattr(rules_module, "STRETCH_BYTES", stretch)  # small: many stretches, empty lines at their ends
    patterns = [compile_pattern(pattern, ("test", None)) for pattern in PAGE_PATTERNS]
    pattern_set = PatternSet(patterns)
    rng = random.Random(9)
    words = ["Share", "share this:", "a", "b", "ab", "axb", "c", "d", "c d", "e", "ef", "f", "g", "h", "x", ""]
    for _ in range(3000):
        texts = [
            " ".join(rng.choice(words) for _ in range(rng.randint(1, 3))).strip() for _ in range(rng.randint(1, 9))
        ]
        if rng.random() < 0.1:
            texts.append("a\nb")  # a line holding a line break (an HTML block)
        if rng.random() < 0.1:
            texts.append("a" + "x" * MAX_MATCH_CHARS + "b")  # too long for patterns
        page = PageLines(texts)
        expected = {
            line: [k for k, pattern in enumerate(patterns) if pattern.fullmatch(text)]
            for line, text in enumerate(texts)
        }
        expected = {line: found for line, found in expected.items() if found}
        assert pattern_set.first_matches(page) == {line: found[0] for line, found in expected.items()}, texts
        assert pattern_set.matched(page) == {k for found in expected.values() for k in found}, texts
        for pattern in patterns:
            assert page.lines_matching(pattern) == [
                line for line, found in expected.items() if pattern in [patterns[k] for k in found]
            ], (pattern.pattern, texts)


def test_normalised_lines_lend_their_page_only_to_the_texts_they_came_from():
    texts = ["Share this:", "Body • text"]
    normalized = normalize_lines(texts)
    page = normalized.page_of(list(texts))
    assert page.texts == texts and page.data == "\n".join(texts).encode()
    assert normalized.page_of(list(texts)) is page  # built once, while normalising
    other = normalized.page_of(["Share this:", "Other text"])
    assert other is not page and other.data == b"Share this:\nOther text"
    texts[1] = "Changed"  # the page is of the texts as they were
    assert normalized.page_of(texts) is not page and page.texts == ["Share this:", "Body • text"]
    assert normalize_lines(["a\nb"]).page_of(["a\nb"]).odd == [0]


def test_patterns_anchored_to_the_text_are_matched_line_by_line():
    assert compile_pattern(r"\Aa", ("test", None)).page is None
    assert compile_pattern(r"a\z", ("test", None)).page is None
    assert compile_pattern("(?-m:^a)", ("test", None)).page is None
    assert compile_pattern(r"a\Cb", ("test", None)).page is None
    assert compile_pattern("a", ("test", None)).page is not None
