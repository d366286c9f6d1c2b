"""Metadata: realistic CMS fixtures run through the whole Cleaner, plus the parsers on their own.

Each fixture in tests/data/metadata/ is a page (NAME.html or NAME.txt) and NAME.json with the
fields a person reading the page would write down. Only the keys present are checked:
`title`, `date`, `byline`, `authors`, `byline_source`, `images` (list of partial images, in page
order), `not_in_text` / `in_text` (strings the body must not / must contain) and
`not_in_output` (strings that must appear in no field, e.g. a recipient's e-mail address).
A fixture may list `known_misses`: field names we get wrong today, stated openly; they still
count against the share of fields right, which must stay at or above REQUIRED_SHARE.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import re
from functools import cache
from pathlib import Path

import pytest

from cleaner import Cleaner, metadata
from cleaner.html_metadata import parse_date, strip_site_name
from cleaner.metadata import byline_in_line, find_date, is_date_line, parse_byline, split_dateline

DATA = Path(__file__).parent / "data" / "metadata"
REQUIRED_SHARE = 0.95
FIXTURES = sorted(path for path in DATA.iterdir() if path.suffix in (".html", ".txt"))


@cache
def _cleaner() -> Cleaner:
    return Cleaner()


def field_results(page: Path) -> dict[str, bool]:
    """Every checked field of one fixture -> whether the Cleaner got it right."""
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    record = _cleaner().clean(page.read_bytes(), id=page.name).as_record()
    results: dict[str, bool] = {}
    for key in ("title", "date", "byline", "authors", "byline_source"):
        if key in expected:
            results[key] = record[key] == expected[key]
    for number, image in enumerate(expected.get("images", [])):
        found = record["images"][number] if number < len(record["images"]) else {}
        for key, value in image.items():
            results[f"images[{number}].{key}"] = found.get(key) == value
    if "images" in expected:
        results["images.count"] = len(record["images"]) == len(expected["images"])
    for text in expected.get("not_in_text", []):
        results[f"not_in_text:{text[:30]}"] = text not in record["text"]
    for text in expected.get("in_text", []):
        results[f"in_text:{text[:30]}"] = text in record["text"]
    output = json.dumps(record, ensure_ascii=False)
    for text in expected.get("not_in_output", []):
        results[f"not_in_output:{text}"] = text not in output
    return results


def test_there_are_enough_fixtures():
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("page", FIXTURES, ids=[path.name for path in FIXTURES])
def test_fixture_fields(page: Path):
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    known = set(expected.get("known_misses", []))
    wrong = [name for name, right in field_results(page).items() if not right and name not in known]
    assert not wrong, f"{page.name}: wrong fields {wrong}"


def test_share_of_fields_right():
    results = [right for page in FIXTURES for right in field_results(page).values()]
    share = sum(results) / len(results)
    print(f"metadata fixtures: {sum(results)}/{len(results)} fields right = {share:.1%}")
    assert share >= REQUIRED_SHARE


# --- the parsers on their own ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "source"),
    [
        ("By Matthew Olay, DOD News", ["Matthew Olay"], "DOD News"),
        ("By Ann Lee, Bob Roe and Cy Doe", ["Ann Lee", "Bob Roe", "Cy Doe"], None),
        ("Written by Jane Doe", ["Jane Doe"], None),
        ("Story by Jane Doe | Reuters", ["Jane Doe"], "Reuters"),
        ("Analysis by Chris Cillizza, CNN", ["Chris Cillizza"], "CNN"),
        ("Sunday July 15, 2018 7:45 am PST by Sean Martin", ["Sean Martin"], None),
        ("By Emiliano Bellini and Malcolm Owen Sunday, July 22, 2018", ["Emiliano Bellini", "Malcolm Owen"], None),
        ("Von Laura Mowat publiziert am 5. Oktober 2018", ["Laura Mowat"], None),
    ],
)
def test_parse_byline(text, names, source):
    byline = parse_byline(text)
    assert byline is not None
    assert (byline.names, byline.source) == (names, source)


@pytest.mark.parametrize("text", ["By Staff", "Minute Read", "Published", "Updated", "BY: Admin", "jane@example.com"])
def test_words_that_are_not_bylines(text):
    assert parse_byline(text) is None


def test_byline_with_role():
    assert byline_in_line("Jane Doe | Reporter").names == ["Jane Doe"]
    assert byline_in_line("Photo by Jane Doe") is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("MARCH 7, 2025", "2025-03-07"),
        ("Published 6 March 2025", "2025-03-06"),
        ("Posted on 2025-03-06", "2025-03-06"),
        ("06.03.2025", "2025-03-06"),
        ("Sunday, July 22, 2018, 04:05 pm PT (07:05 pm ET)", "2018-07-22"),
        ("12 de marzo de 2019", "2019-03-12"),
    ],
)
def test_date_lines(text, iso):
    assert is_date_line(text) == iso


def test_no_future_date():
    assert find_date("June 1, 2031", today=dt.date(2025, 1, 1)) is None
    assert parse_date("2031-06-01T00:00:00Z", today=dt.date(2025, 1, 1)) is None


def test_dateline_opening_a_paragraph():
    assert split_dateline("MARCH 7, 2025 – Defense Secretary Pete Hegseth said") == (
        "2025-03-07",
        "Defense Secretary Pete Hegseth said",
    )


def test_site_name_leaves_the_title():
    assert strip_site_name("Story of the Day | WIRED", {"wired"}, loose=False) == "Story of the Day"
    assert strip_site_name("Why Cities Grow - A Long Look", set(), loose=False) == "Why Cities Grow - A Long Look"


# --- the cheap tests in front of the parsers never turn a match away -----------------------------


def _case_variants(word: str) -> list[str]:
    return ["".join(chars) for chars in itertools.product(*[(c.lower(), c.upper()) for c in word])]


def test_month_shape_hints_pass_every_text_their_shape_matches():
    rng = random.Random(11)
    months = list(metadata._MONTHS)
    shapes = {order: shape for shape, order in metadata._DATE_SHAPES}
    for _ in range(20000):
        month = rng.choice(_case_variants(rng.choice(months))) + rng.choice(["", "."])
        day = str(rng.randint(1, 31)) + rng.choice(["", "st", "ND", "th", "er", "º", "ſt"])
        space, year = rng.choice([" ", "  ", "\u2028", "\t"]), str(rng.randint(1980, 2030))
        text = rng.choice(
            [
                f"{rng.choice(['', 'Monday, ', 'sat. '])}{month}{space}{day}{rng.choice(['', ','])}{space}{year}",
                f"{day}{rng.choice(['', '.'])}{space}{rng.choice(['', 'of ', 'De '])}{month},{space}de {year}",
            ]
        )
        text = rng.choice(["", "Posted ", "(", "1"]) + text + rng.choice(["", " | 10:00", "5"])
        for order in ("mdy", "dmy"):
            if shapes[order].search(text):
                assert metadata._SHAPE_HINTS[order].search(text), (order, text)


def test_byline_and_caption_hints_accept_every_case_re_ignorecase_accepts():
    for word in ["by", "von", "por", "par", "oleh"]:
        assert all(metadata._BY_HINT.search(f"x {variant} y") for variant in _case_variants(word))
    for text in [*_case_variants("via"), "vıa", "VİA", "a)", "a:b", "x/y"]:
        assert metadata._may_hold_credit(text), text
    assert not metadata._may_hold_credit("nothing here, vi a")
    assert not metadata._may_hold_credit("Sent via the embassy.")


# --- cheap tests before the patterns: never False where the pattern matches --------------------


def _random_texts(rng: random.Random, pieces: list[str], count: int, most: int = 8) -> list[str]:
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, most))) for _ in range(count)]


def test_credit_pretest_passes_every_line_a_credit_shape_matches():
    rng = random.Random(13)
    pieces = [*"ab .!?:/()", "Photo", "Credit", " via ", "VİA ", "vıa", "Getty Images", "AFP", "Reuters", "/AP", "\n"]
    shapes = (metadata._PAREN_CREDIT, metadata._CREDIT_LINE, metadata._AGENCY_CREDIT)
    matched = 0
    for text in _random_texts(rng, pieces, 30000):
        if any(shape.match(text) for shape in shapes):
            matched += 1
            assert metadata._may_hold_credit(text), text
    assert matched > 500


def test_separator_and_updated_pretests_pass_every_text_their_pattern_matches():
    rng = random.Random(17)
    pieces = [*"aZ ,|-–—/·•:", "  ", "\t", "\u2028", "Updated", "UPDATED", "last ", "updatedx", "İ", "\u212a", "ſ"]
    for text in _random_texts(rng, pieces, 30000):
        if len(metadata._NAME_ROLE_SEPARATOR.split(text)) > 1:
            assert metadata._ROLE_SEPARATOR_CHAR.search(text), text
        assert bool(metadata._DATE_SEGMENTS.search(text)) == bool(metadata._DATE_SEGMENT_GAP.search(text)), text
        if metadata._UPDATED_TAIL.search(text):
            assert "updated" in text.lower(), text


def test_a_header_line_that_is_no_meta_text_passes_none_of_the_header_tests():
    """_search_header skips the byline, date and page-word tests for such lines (no handle in them)."""
    rng = random.Random(23)
    pieces = ["Jane", "Doe", "By ", "by", "Staff", "Writer", "Reporter", " | ", ", ", " - ", "Posted", "Updated"]
    pieces += ["4 min read", "Share", "Photos by ", "May 5, 2019", "2019", "10:30 am", "the", "News", "von ", " "]
    pieces += ["de", "Smith", "3 Comments", "·", "Written by ", "Mike Wuerthele", "Monday"]
    tested = 0
    for text in _random_texts(rng, pieces, 20000):
        if metadata._meta_text(text) or "@" in text:
            continue
        tested += 1
        assert byline_in_line(text) is None, text
        assert is_date_line(text) is None, text
        assert not metadata._page_words_line(text), text
        assert metadata._bare_name(text) is None, text
    assert tested > 5000


def test_weekday_words_are_the_words_the_weekday_pattern_matches():
    names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    candidates = {name[:end] + day for name in names for end in range(1, len(name) + 1) for day in ("", "day")}
    for word in candidates:
        assert bool(re.fullmatch(metadata._WEEKDAY, word + " ", re.I)) == (word in metadata._WEEKDAY_WORDS), word


def test_date_prefix_starts_cover_every_word_of_the_date_prefix():
    alternatives = re.match(r"\^\((.*?)\)", metadata._DATE_PREFIX.pattern).group(1).split("|")
    for word in (word for alternative in alternatives for word in alternative.split()):
        assert word.startswith(metadata._DATE_PREFIX_STARTS) or not word.isascii(), word


def test_a_text_with_a_word_no_date_cleanup_shortens_is_no_date_line():
    """_holds_other_words, the cheap answer, never says "no date line" where the exact check finds one."""
    rng = random.Random(19)
    names = [*metadata._MONTHS, *metadata._WEEKDAY_WORDS]
    words = [*names, "Published", "posted on", "Date:", "first published", "at", "um", "Uhr", "AEDT", "cest", "GMT"]
    words += ["domingo", "feira", "of", "de", "le", "am", "p.m.", "h", "Updated", "original", "dates", "onward"]
    words += ["Reuters", "news", "sentence", "sunset", "about", "x", "xy", "é", "_", "5", "10:30", "2019"]
    glue = ["", " ", " ", ", ", ". ", " | ", " - ", ":", "("]
    today = dt.date(2024, 6, 1)
    dates = 0
    for _ in range(40000):
        month, day, year = rng.choice(names), str(rng.randint(1, 31)), str(rng.randint(1985, 2025))
        core = rng.choice(
            [f"{month} {day}, {year}", f"{day}th of {month} {year}", f"{year}-0{day[0]}-1{day[-1]}", f"{day}.1.{year}"]
        )
        around = [rng.choice(words) + rng.choice(glue) for _ in range(rng.randint(0, 4))]
        where = rng.randint(0, len(around))
        text = "".join(around[:where]) + core + rng.choice(glue) + "".join(around[where:])
        text = text.upper() if rng.random() < 0.2 else text
        found = metadata._date_with_little_else(text, today)
        dates += found is not None
        if found is not None:
            assert not metadata._holds_other_words(text), text
    assert dates > 2000


def test_date_lines_are_judged_as_of_today():
    """The cached answer is per day: a date in the future is no date line today."""
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert is_date_line(tomorrow.isoformat()) is None
    assert is_date_line(dt.date.today().isoformat()) == dt.date.today().isoformat()


def test_case_extras_are_all_that_re_ignorecase_adds_to_ascii_letters():
    everything = "".join(map(chr, range(0x110000))).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    for letter in "abcdefghijklmnopqrstuvwxyz":
        assert set(re.findall(letter, everything, re.I)) == set(metadata._any_case(letter)), letter


# --- the faster spellings find what the plain ones find -------------------------------------------


def _random_word_texts(rng: random.Random, words: list[str], count: int) -> list[str]:
    """Texts of the words in any case (with the characters re.I also takes for i, k and s), glued
    or spaced, so that the patterns are tried at and around every word boundary."""
    extras = {"i": "İı", "k": "\u212a", "s": "ſ"}
    glue = ["", " ", "  ", ", ", " | ", "-", "x", "é", "\n", ":"]
    texts = []
    for _ in range(count):
        chosen = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        spelled = []
        for word in chosen:
            cased = "".join(rng.choice([c, c.upper(), *extras.get(c, "")]) if rng.random() < 0.3 else c for c in word)
            spelled.append(cased.upper() if rng.random() < 0.1 else cased)
        texts.append("".join(piece + rng.choice(glue) for piece in spelled))
    return texts


def _matches(pattern: re.Pattern, text: str) -> list:
    return [(match.span(), match.groups()) for match in pattern.finditer(text)]


def test_patterns_grouped_by_first_letter_match_as_the_plain_alternations():
    plain = {
        "_NOT_NAME_WORD": (f"^(?:{metadata._NOT_NAME_WORDS})$", metadata._NOT_NAME_WORDS),
        "_OUTLET_WORDS": (rf"\b({metadata._OUTLET_NAMES})\b", metadata._OUTLET_NAMES),
        "_CALL_TO_ACTION": (rf"^(?:{metadata._CALLS_TO_ACTION})\b", metadata._CALLS_TO_ACTION),
        "_ROLE": (
            rf"^(?:(?:{metadata._ROLE_QUALIFIERS})\s+)*(?:{metadata._ROLES})s?\b",
            metadata._ROLE_QUALIFIERS + "|" + metadata._ROLES,
        ),
        "_BY": (
            rf"(?:^|(?<=[\s|,–—-]))(?:(?:{metadata._BY_LEADS})\s+)?(?:{metadata._BY_MARKERS})\b\s*:?\s*(?P<names>\S.*)$",
            metadata._BY_LEADS + "|" + metadata._BY_MARKERS,
        ),
    }
    rng = random.Random(29)
    for name, (pattern, alternation) in plain.items():
        alternatives = alternation.split("|")
        assert all(alternative[:1] in "abcdefghijklmnopqrstuvwxyz" for alternative in alternatives), name
        words = [re.sub(r"[^a-z ]", "", alternative) for alternative in alternatives] + ["Jane Doe", "x", "s"]
        reference, grouped = re.compile(pattern, re.I), getattr(metadata, name)
        for text in _random_word_texts(rng, words, 6000):
            assert _matches(grouped, text) == _matches(reference, text), (name, text)


def test_month_names_grouped_by_first_letter_match_as_the_plain_alternation():
    plain = "(" + metadata._MONTH_NAMES_ALTERNATION + r")\.?"
    assert all(name[:1] in "abcdefghijklmnopqrstuvwxyz" for name in metadata._MONTHS)
    rng = random.Random(31)
    words = [*metadata._MONTHS, "mayor", "septum", "5", "12th", "2019", "de", "of"]
    for text in _random_word_texts(rng, words, 20000):
        for shape, order in metadata._DATE_SHAPES[:2]:
            reference = re.compile(shape.pattern.replace(metadata._MONTH, plain), re.I)
            assert reference.pattern != shape.pattern
            assert _matches(shape, text) == _matches(reference, text), (order, text)


def test_fold_case_keeps_each_character_class():
    r"""_fold_case keeps the length, and each character's \w, \s, \d and ASCII punctuation."""
    classes = [re.compile(r"\w"), re.compile(r"\s"), re.compile(r"\d")]
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = metadata._fold_case(char)
        assert len(folded) == 1, hex(code)
        assert [bool(c.match(char)) for c in classes] == [bool(c.match(folded)) for c in classes], hex(code)
        if char.isascii() and not char.isalpha():
            assert folded == char


def test_marker_word_hint_passes_every_byline_and_page_word_text():
    rng = random.Random(37)
    words = [*metadata._MARKER_WORDS, "Photos by", "Written by", "min", "4", "reading time", "comments", "Jane"]
    words += ["Doe", "|", "·", "ſtaff", "publİshed", "updated", "Mike Wuerthele", "2019"]
    found = 0
    for text in _random_word_texts(rng, words, 20000):
        if metadata._byline_body(text) is not None or metadata._page_words_only(text):
            found += 1
            assert metadata._MARKER_WORD.search(metadata._fold_case(text)), text
    assert found > 2000


def test_recipient_pattern_on_folded_text_finds_what_the_plain_pattern_finds_with_re_i():
    reference = re.compile(
        r"(?:sent|delivered|addressed|forwarded)\s+to\s*:?\s*(?:<a[^>]*>)?[\w.+-]+@|subscribed\s+as\s+[\w.+-]+@|"
        r"(?:recipient|to|email address)\s*:\s*[\w.+-]+@|you are receiving this",
        re.I,
    )
    rng = random.Random(41)
    words = ["sent to", "delivered", "to:", "subscribed as", "recipient:", "email address :", "<a href=x>", "jane@"]
    words += ["you are receiving this", "jane.doe+x@", "@", "İ", "ſent to"]
    found = 0
    for text in _random_word_texts(rng, words, 20000):
        expected = bool(reference.search(text))
        found += expected
        assert bool(metadata._RECIPIENT.search(metadata._fold_case(text))) == expected, text
    assert found > 2000


def test_paren_credit_pretest_passes_every_line_the_pattern_matches():
    rng = random.Random(43)
    captions = ["", "short", "A caption long enough to be one", "Twenty characters! x", "(an aside) in it", "a\nb" * 8]
    credits = ["Photo: Jane", "PHOTOS BY X", "phoTograph", "AFP", "AP/Jane Doe", "Reuters", "File photo", "ap", "x"]
    credits += ["İmage", "ıllustration by x", "Courtesy of x", "Getty Images/x", "credit(s)", "a) (b", "video x/y"]
    spaces = ["", " ", "  ", "\t", "\n", "\u2028"]
    matched = 0
    for _ in range(40000):
        text = rng.choice(captions) + rng.choice(spaces) + "(" + rng.choice(credits) + ")" + rng.choice(spaces)
        text = text if rng.random() < 0.8 else text + rng.choice(["x", ")", "(", ". "])
        if metadata._PAREN_CREDIT.match(text):
            matched += 1
            assert metadata._may_be_paren_credit(text), text
    assert matched > 5000


def test_plain_words_are_the_word_runs_of_four_ascii_letters_or_more():
    rng = random.Random(47)
    pieces = ["ab", "abcd", "Word", "5", "_", "é", " ", "-", "İ", "\u212a", "words", "x1"]
    for text in _random_texts(rng, pieces, 20000):
        runs = [w for w in re.findall(r"\w+", text) if len(w) >= 4 and w.isascii() and w.isalpha()]
        assert metadata._PLAIN_WORD.findall(text) == runs, text


def test_date_words_by_tail_end_a_word_exactly_where_the_date_words_do():
    assert min(map(len, metadata._DATE_WORD_ENDS)) >= metadata._DATE_WORD_TAIL
    words = {word + end for word in ["", "x", "sep", "ab"] for end in metadata._DATE_WORD_ENDS}
    words |= {"september", "remember", "xmon", "abcd", "sunday", "monday", "oops"}
    for word in words:
        by_tail = metadata._DATE_WORD_ENDS_BY_TAIL.get(word[-metadata._DATE_WORD_TAIL :], ())
        assert word.endswith(by_tail) == word.endswith(metadata._DATE_WORD_ENDS), word


def test_a_segmented_line_holding_another_word_has_a_segment_holding_it():
    """_date_line_on stops before the segments when the whole line holds a word no date cleanup shortens."""
    rng = random.Random(53)
    pieces = ["May 5, 2019", "Updated", "Original", "sentence", " | ", " / ", " - ", " — ", " · ", "x|y", "10:30"]
    for text in _random_texts(rng, pieces, 20000):
        if metadata._holds_other_words(text):
            segments = metadata._DATE_SEGMENTS.split(text)
            assert any(metadata._holds_other_words(segment) for segment in segments), text


def test_caption_candidate_tests_pass_every_line_a_credit_shape_matches():
    """_extract_caption_blocks asks a credit shape only of lines passing its str tests."""
    rng = random.Random(59)
    labels = ["photo credit", "image  credit", "credit", "photo", "photograph", "image", "picture", "source", "foto"]
    credits = ["Jane Doe", "AFP", "Getty Images/x", "Photo: x", "courtesy of x", "(x)", "x.", ""]
    texts = _random_word_texts(rng, [*labels, "s", ":", " : ", "via", "/", "(", ")", "."], 20000)
    for _ in range(20000):
        caption = rng.choice(["", "A caption long enough to be one", "short", "e.g. this one"])
        credit = rng.choice(_random_word_texts(rng, [*labels, *credits], 1))
        tail = rng.choice(["", " ", "\t", "\u2028", ".", "x"])
        shapes = [f"{caption} ({credit}){tail}", f"{credit}:{tail} {caption}", f"{caption} via {credit}"]
        texts.append(rng.choice(shapes))
    matched = {"credit line": 0, "paren": 0, "agency": 0}
    for text in texts:
        if metadata._CREDIT_LINE.match(text):
            matched["credit line"] += 1
            assert ":" in text and text[:1] in metadata._CREDIT_LABEL_FIRSTS, text
        if metadata._PAREN_CREDIT.match(text):
            matched["paren"] += 1
            assert text.rstrip().endswith(")"), text
        if metadata._AGENCY_CREDIT.match(text):
            matched["agency"] += 1
            assert "." not in text and ("/" in text or "v" in text or "V" in text), text
            assert metadata._may_hold_credit(text), text
    assert min(matched.values()) > 500, matched


def test_role_word_hint_passes_every_name_and_role():
    rng = random.Random(61)
    words = [*metadata._ROLES.split("|"), *metadata._ROLE_QUALIFIERS.split("|"), "Jane", "Doe", "Mike", "Wuerthele"]
    words += ["s", "news", "|", "-", "—", ","]
    found = 0
    for text in _random_word_texts(rng, words, 30000):
        parts = [part.strip() for part in metadata._NAME_ROLE_SEPARATOR.split(text)]
        if len(parts) == 2 and metadata._ROLE.match(parts[1]):
            found += 1
            assert metadata._ROLE_WORD.search(metadata._fold_case(text)), text
    assert found > 1000


def test_str_split_splits_where_whitespace_runs_match():
    """parse_byline collapses whitespace with str.split(): the characters it splits at are those of \\s."""
    everything = "".join(map(chr, range(0x110000))).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    assert set(re.findall(r"\s", everything)) == {char for char in everything if char.isspace()}


def test_byline_split_pretests_pass_every_text_their_pattern_splits():
    rng = random.Random(67)
    words = [*metadata._NAME_JOINERS, "Jane", "Doe", "ab", "|", "•", "·", "–", "—", "-", ";", ".", ",", "&", "\u2028"]
    for text in _random_word_texts(rng, words, 30000):
        if len(metadata._BYLINE_SEPARATOR.split(text)) > 1:
            assert metadata._BYLINE_SEPARATOR_CHAR.search(text), text
        assert metadata._split_names(text) == metadata._NAME_SPLIT.split(text), text
