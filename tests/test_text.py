"""text: normalisation, line splitting, re-flow of hard-wrapped text, and line/pattern/block rules."""

from __future__ import annotations

import random
import re
import statistics
import textwrap
import unicodedata

import pytest

from cleaner.document import Decider, Line
from cleaner.evaluate import MID_SENTENCE_BREAK
from cleaner.rules import MAX_MATCH_CHARS
from cleaner.text import apply_rules, normalize_text, paragraphs, split_and_unwrap, split_lines, unwrap, wrap_width

# --- normalize_text -------------------------------------------------------------------------


def test_nbsp_and_other_spaces_become_plain_spaces():
    assert normalize_text("a\u00a0b\u202fc\u2009d\te") == "a b c d e"


def test_zero_width_and_soft_hyphen_are_removed():
    assert normalize_text("zero\u200bwidth\u200d join\ufeff soft\u00adhyphen") == "zerowidth join softhyphen"


def test_crlf_and_cr_become_lf():
    assert normalize_text("one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_nfc_composes_accents():
    decomposed = "Cafe\u0301 cre\u0300me"
    assert normalize_text(decomposed) == "Café crème"
    assert len(normalize_text(decomposed)) == len("Café crème")


def test_control_characters_are_removed_but_newlines_kept():
    assert normalize_text("a\x00b\x07c\nd\x1fe") == "abc\nde"


# --- split_lines ----------------------------------------------------------------------------


def test_split_lines_drops_blank_lines_and_remembers_them():
    lines = split_lines("  first   line \nsecond\n\n   \nthird\n\n")
    assert [line.text for line in lines] == ["first line", "second", "third"]
    assert [line.blank_before for line in lines] == [False, False, True]
    assert all(line.keep and line.reason == "" for line in lines)


def test_split_lines_leading_blank_counts():
    assert [line.blank_before for line in split_lines("\n\nfirst\nsecond")] == [True, False]


# --- unwrap ---------------------------------------------------------------------------------

# A press release in real wording; no sentence ends at a wrap point inside a paragraph (checked below),
# as in seed 004, so the original paragraphs are recoverable from the text alone.
PRESS_RELEASE = [
    (
        "Operational discussions to plan for a multinational reassurance force will progress today with "
        "30 defence ministers set to attend the latest meeting in Brussels."
    ),
    (
        "The meetings will focus on how the capabilities of each nation in the coalition could be best used in "
        "supporting the long-term defence and security of its partners."
    ),
    (
        "The Prime Minister and the Defence Secretary have both been clear that a lasting peace will require "
        "credible security assurances to deter aggression. The government has been stepping up to lead "
        "international support and to put its partners in the strongest possible position to secure peace."
    ),
    "Addressing the meeting, the Defence Secretary is expected to say:",
    (
        "“We cannot jeopardise the peace by forgetting about the war, so we must put even more pressure on the "
        "aggressor and step up our support, both in today's fight and in the push for peace.”"
    ),
    (
        "Tomorrow, the Defence Secretary and his German counterpart will chair the 27th meeting of the contact "
        "group, bringing together around 50 nations to drive forward additional military support."
    ),
    "Defence supports more than 434,000 skilled jobs across the country.",
]
WIDTH = 65


def hard_wrapped(paragraphs: list[str], width: int = WIDTH) -> str:
    return "\n".join(textwrap.fill(paragraph, width) for paragraph in paragraphs)


def test_press_release_fixture_has_no_sentence_end_at_a_wrap_inside_a_paragraph():
    for paragraph in PRESS_RELEASE:
        wrapped = textwrap.wrap(paragraph, WIDTH)
        assert not any(re.search(r"[.!?:”]$", line) for line in wrapped[:-1]), paragraph


def test_unwrap_reflows_a_65_column_press_release_one_paragraph_per_original():
    raw = hard_wrapped(PRESS_RELEASE)
    lines = split_lines(normalize_text(raw))
    assert len(lines) > 2 * len(PRESS_RELEASE)
    assert wrap_width(lines) == pytest.approx(WIDTH, abs=3)
    joined = unwrap(lines)
    assert [line.text for line in joined] == PRESS_RELEASE
    assert not MID_SENTENCE_BREAK.search("\n".join(line.text for line in joined))


def test_unwrap_rejoins_a_word_wrapped_at_its_hyphen():
    raw = hard_wrapped(PRESS_RELEASE, width=62)
    assert "supporting the long-\nterm" in raw, "at 62 columns textwrap breaks long-term at its hyphen"
    joined = unwrap(split_lines(raw))
    text = "\n".join(line.text for line in joined)
    assert "long-term" in text
    assert "long- term" not in text


def test_unwrap_leaves_one_paragraph_per_line_text_alone():
    raw = "\n".join(PRESS_RELEASE)
    lines = split_lines(raw)
    assert wrap_width(lines) is None
    assert [line.text for line in unwrap(lines)] == PRESS_RELEASE


def test_unwrap_leaves_short_menu_lines_alone():
    menu = "\n".join(["Home", "News", "Sport", "Weather", "Contact us", "About", "Jobs", "Privacy", "Terms"])
    assert [line.text for line in unwrap(split_lines(menu))] == menu.split("\n")


def test_unwrap_keeps_blank_line_paragraph_breaks():
    raw = "\n\n".join(textwrap.fill(paragraph, WIDTH) for paragraph in PRESS_RELEASE)
    assert [line.text for line in unwrap(split_lines(raw))] == PRESS_RELEASE


def _wrap_width_with_quantiles(lines: list[Line]) -> int | None:
    """wrap_width as it was written with statistics.quantiles: the reference."""
    lengths = [len(line.text) for line in lines if len(line.text) >= 30]
    if len(lengths) < 8:
        return None
    width = int(statistics.quantiles(lengths, n=10)[-1])
    if width > 100:
        return None
    near = sum(1 for n in lengths if width - 20 <= n <= width + 2)
    unbroken = sum(1 for line in lines if not line.blank_before)
    if near / len(lengths) < 0.6 or unbroken < len(lines) / 2:
        return None
    return width


def test_wrap_width_matches_the_quantiles_reference_on_random_lines():
    rng = random.Random(6)
    widths = []
    for _ in range(5000):
        wrapped, blank = rng.random(), rng.random() * 0.6  # shares of lines near one width, after a blank line
        width = rng.randint(40, 110)
        lengths = [rng.randint(width - 18, width) if rng.random() < wrapped else rng.randint(0, 140) for _ in range(40)]
        lines = [Line("x" * n, blank_before=rng.random() < blank) for n in lengths[: rng.randint(0, 40)]]
        widths.append(wrap_width(lines))
        assert widths[-1] == _wrap_width_with_quantiles(lines), [(len(line.text), line.blank_before) for line in lines]
    assert 300 < sum(width is not None for width in widths) < 4700  # both answers, often


def _random_document(rng: random.Random) -> str:
    """Hard-wrapped paragraphs, ragged lines, menus and blank lines: some pages unwrap, others do not."""
    words = ["the", "Defence", "long-", "term,", "peace.", "ministers", "“Quote”", "é", "中", "a  b", "\t", "\u2028"]
    paragraphs = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))) for _ in range(rng.randint(1, 12))]
    width = rng.randint(25, 110)
    separator = rng.choice(["\n", "\n\n", "\n  \n"])
    return separator.join(
        textwrap.fill(paragraph, width) if rng.random() < 0.8 else paragraph for paragraph in paragraphs
    )


def test_split_and_unwrap_is_unwrap_of_split_lines_with_its_texts():
    rng = random.Random(8)
    documents = [hard_wrapped(PRESS_RELEASE), hard_wrapped(PRESS_RELEASE, width=62), "\n".join(PRESS_RELEASE)]
    documents += [_random_document(rng) for _ in range(2000)]
    unwrapped = 0
    for text in documents:
        lines, texts = split_and_unwrap(text)
        expected = unwrap(split_lines(text))
        assert [(line.text, line.blank_before, line.keep) for line in lines] == [
            (line.text, line.blank_before, line.keep) for line in expected
        ], text
        assert texts == [line.text for line in expected]
        assert all(t == t.strip() and "  " not in t and "\n" not in t for t in texts)  # what normalize_lines may assume
        unwrapped += len(expected) < len(split_lines(text))
    assert 100 < unwrapped < len(documents) - 100  # both kinds, often


# --- apply_rules ----------------------------------------------------------------------------

RULES = """[[rule]]
id = "t.line"
kind = "line"
lines = ["Share this:"]

[[rule]]
id = "t.pattern"
kind = "pattern"
pattern = "Posted by .{1,40} at \\\\d{1,2}:\\\\d{2}( [AP]M)?"

[[rule]]
id = "t.block-end"
kind = "block"
start = "Related Stories"
end = "End of related"

[[rule]]
id = "t.block-eof"
kind = "block"
start = "\\\\d+ comments?:?"

[[rule]]
id = "t.header"
kind = "block"
start = "Site Menu"
end = "Search the site"
end_required = true

[[rule]]
id = "t.menu"
kind = "line"
lines = ["Site Menu"]

[[rule]]
id = "t.disabled"
kind = "line"
lines = ["Keep me"]
enabled = false
"""


def decisions(doc) -> list[tuple[str, bool, str]]:
    return [(line.text, line.keep, line.reason) for line in doc.lines]


@pytest.fixture
def ruled(make_doc, make_rule_file):
    """A document of the given text after apply_rules with RULES."""

    def build(text: str):
        doc = make_doc(text)
        apply_rules(doc, [make_rule_file(RULES)])
        return doc

    return build


def test_line_and_pattern_rules_drop_and_record_their_ids(ruled):
    doc = ruled("Body one.\n  SHARE  this: \nPosted by Jane Doe at 10:42 AM\nKeep me\nBody two.")
    assert decisions(doc) == [
        ("Body one.", True, ""),
        ("SHARE this:", False, "t.line"),
        ("Posted by Jane Doe at 10:42 AM", False, "t.pattern"),
        ("Keep me", True, ""),
        ("Body two.", True, ""),
    ]
    assert doc.rules == ["t.line", "t.pattern"]
    assert all(line.decider is Decider.RULE for line in doc.lines if not line.keep)


def test_pattern_rules_match_the_whole_line_only(ruled):
    doc = ruled("The post was Posted by Jane Doe at 10:42 AM yesterday.")
    assert doc.lines[0].keep
    assert doc.rules == []


def test_block_rule_with_end_drops_start_to_end_inclusive(ruled):
    doc = ruled("Body one.\nRelated Stories\nTeaser A\nTeaser B\nEnd of related\nBody two.")
    assert [line.text for line in doc.kept()] == ["Body one.", "Body two."]
    assert {line.reason for line in doc.lines if not line.keep} == {"t.block-end"}
    assert doc.rules == ["t.block-end"]


def test_block_rule_without_end_drops_to_the_end_of_the_document(ruled):
    doc = ruled("Body one.\nBody two.\n3 comments:\nGreat post!\nShare this:\nFooter")
    assert [line.text for line in doc.kept()] == ["Body one.", "Body two."]
    assert {line.reason for line in doc.lines if not line.keep} == {"t.block-eof"}


def test_block_whose_end_never_comes_runs_to_the_end(ruled):
    doc = ruled("Body.\nRelated Stories\nTeaser A\nTeaser B")
    assert [line.text for line in doc.kept()] == ["Body."]


def test_rules_do_not_override_earlier_decisions(make_doc, make_rule_file):
    doc = make_doc("Share this:\nBody.")
    doc.lines[0].drop("metadata: byline", Decider.METADATA)
    apply_rules(doc, [make_rule_file(RULES)])
    assert doc.lines[0].reason == "metadata: byline"
    assert doc.rules == []


def test_no_rules_is_a_no_op(make_doc):
    doc = make_doc("Share this:\nBody.")
    apply_rules(doc, [])
    assert all(line.keep for line in doc.lines)


def test_paragraphs_are_the_kept_lines(ruled):
    doc = ruled("Body one.\nShare this:\nBody two.")
    assert paragraphs(doc) == ["Body one.", "Body two."]


# --- whole-page work gives the per-line answers -----------------------------------------------


def _split_lines_line_by_line(text: str) -> list[tuple[str, bool]]:
    """split_lines as it was written before it worked on the whole text: the reference."""
    lines, blank = [], False
    for raw_line in text.split("\n"):
        stripped = re.sub(" {2,}", " ", raw_line.strip())
        if not stripped:
            blank = True
            continue
        lines.append((stripped, blank))
        blank = False
    return lines


def test_split_lines_matches_the_line_by_line_reference_on_random_text():
    rng = random.Random(5)
    alphabet = ["a", "b", " ", "  ", "\n", "\n\n", "\u2028", "\x85", "\u3000", "•", "\t"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert [(line.text, line.blank_before) for line in split_lines(text)] == _split_lines_line_by_line(text), text


def test_pattern_rules_see_long_lines_not_at_all_and_line_rules_still_do(make_doc, make_rule_file):
    long_line = "Share this: " + "x" * MAX_MATCH_CHARS
    rules = make_rule_file(
        '[[rule]]\nid = "t.any"\nkind = "pattern"\npattern = "Share this:.*"\n\n'
        f'[[rule]]\nid = "t.long"\nkind = "line"\nlines = ["{long_line}"]\n'
    )
    doc = make_doc(f"Body.\n{long_line}\nShare this: now")
    apply_rules(doc, [rules])
    assert [line.reason for line in doc.lines] == ["", "t.long", "t.any"]


def test_each_block_ends_at_its_own_next_end_marker(ruled):
    doc = ruled(
        "Body one.\nRelated Stories\nTeaser\nEnd of related\nBody two.\nRelated Stories\nEnd of related\nBody three."
    )
    assert [line.text for line in doc.kept()] == ["Body one.", "Body two.", "Body three."]


def test_a_block_start_inside_a_dropped_block_opens_no_block(ruled):
    doc = ruled("Body.\nRelated Stories\n2 comments\nEnd of related\nBody two.")
    assert [line.text for line in doc.kept()] == ["Body.", "Body two."]
    assert doc.rules == ["t.block-end"]


def test_a_block_start_wins_over_a_line_rule_on_the_same_line(make_doc, make_rule_file):
    rules = make_rule_file(RULES + '\n[[rule]]\nid = "t.related"\nkind = "line"\nlines = ["Related Stories"]\n')
    doc = make_doc("Body.\nRelated Stories\nTeaser\nEnd of related")
    apply_rules(doc, [rules])
    assert {line.reason for line in doc.lines if not line.keep} == {"t.block-end"}


# --- blocks that require their end marker -----------------------------------------------------


def test_a_block_that_requires_its_end_drops_start_to_end(ruled):
    doc = ruled("Site Menu\nNews\nSport\nSearch the site\nBody one.\nBody two.")
    assert [line.text for line in doc.kept()] == ["Body one.", "Body two."]
    assert {line.reason for line in doc.lines if not line.keep} == {"t.header"}


def test_a_block_that_requires_its_end_does_nothing_without_it(ruled):
    """The header block's end line missing: the page is not dropped, and the start line still meets the line rules."""
    doc = ruled("Site Menu\nNews\nBody one.\nBody two.")
    assert decisions(doc) == [
        ("Site Menu", False, "t.menu"),
        ("News", True, ""),
        ("Body one.", True, ""),
        ("Body two.", True, ""),
    ]
    assert doc.rules == ["t.menu"]


def test_a_required_end_before_the_start_does_not_count(ruled):
    doc = ruled("Search the site\nBody one.\nSite Menu\nBody two.")
    assert [line.text for line in doc.kept()] == ["Search the site", "Body one.", "Body two."]


def test_a_start_line_without_its_end_and_without_a_line_rule_is_kept(make_doc, make_rule_file):
    rules = make_rule_file('[[rule]]\nid = "t.h"\nkind = "block"\nstart = "Top"\nend = "Bottom"\nend_required = true\n')
    doc = make_doc("Top\nBottom\nBody.\nTop\nBody two.")
    apply_rules(doc, [rules])
    assert [line.text for line in doc.kept()] == ["Body.", "Top", "Body two."]
    assert doc.rules == ["t.h"]


def _normalize_text_by_patterns(raw: str) -> str:
    """normalize_text as it was written before it looked only at the page's unusual characters: the reference."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    invisible = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
    return re.sub("[\u00a0\u2007\u202f\u2009\u200a\u3000\t]", " ", invisible.sub("", unicodedata.normalize("NFC", raw)))


def test_normalize_text_matches_the_pattern_reference_on_random_text():
    rng = random.Random(7)
    alphabet = [*"ab \n\r\t\x00\x07\x1f\x7f\x80\x9f", "\u00a0", "\u200b", "\ufeff", "\u00ad", "\u3000", "\u2028"]
    alphabet += ["e\u0301", "\u212b", "é", "中", "\U0001f600", "\ud800", "  "]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert normalize_text(text) == _normalize_text_by_patterns(text), repr(text)


def test_normalize_text_of_pages_in_other_scripts_matches_the_pattern_reference():
    """Mostly characters of several bytes: the text itself is scanned, and NFC's own quick check decides."""
    for text in [
        "Новости\u00a0дня\n",
        "Новый и\u0306 год",
        "日本語のテキスト\u200b",
        "Ελληνικά e\u0301",
        "한국\u1100\u1161",
    ]:
        assert normalize_text(text) == _normalize_text_by_patterns(text), text
