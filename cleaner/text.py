"""Plain text: normalise, split into lines, undo hard wrapping, apply line rules, assemble paragraphs."""

from __future__ import annotations

import bisect
import re
import unicodedata
from itertools import chain, compress, repeat
from operator import attrgetter, contains, not_

from cleaner.document import Decider, Document, Line
from cleaner.rules import (
    Kind,
    NormalizedLines,
    PageLines,
    Rule,
    RuleFile,
    combined_matcher,
    may_change_under,
    normalize_lines,
    unusual_characters,
)

# Zero-width and control characters go; odd spaces become plain spaces.
_INVISIBLE_OR_CONTROL = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile("[\u00a0\u2007\u202f\u2009\u200a\u3000\t]")
_INVISIBLE_CONTROL_OR_SPACE = re.compile(f"{_INVISIBLE_OR_CONTROL.pattern}|{_SPACES.pattern}")

# Hard-wrap detection (press releases, e-mails): most long lines end near one width.
WRAP_LONG_LINE = 30  # lines shorter than this are headings, menus, signatures: not wrapped text
WRAP_MIN_LINES = 8  # fewer wrapped-looking lines than this: not a wrapped document
WRAP_MAX_WIDTH = 100  # wider "wrapping" is just long paragraphs, one per line
WRAP_SLACK = 20  # a wrapped line ends within this many characters of the width
WRAP_SHARE = 0.6  # share of long lines that must end near the width
WRAP_SHORT_LINE = 0.6  # a line shorter than this share of the width, with no comma, ends a paragraph
_SPACE_RUN = re.compile("  +")
_WRAPPED_HYPHEN = re.compile(r"\w-$")  # "long-" at a line end: the wrap split a hyphenated word
_TERMINAL = tuple('.!?:;"”’»)。！？…')


def normalize_text(raw: str) -> str:
    """One canonical form: NFC, LF line ends, plain spaces, no zero-width or control characters.

    The character classes scan the text's unusual characters (see unusual_characters). When they
    are the text itself (another script), NFC's own quick check is faster than the pattern.
    """
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    unusual = _unusual_characters(raw)
    if unusual is raw or may_change_under("NFC").search(unusual):  # else NFC would return the text as it is
        composed = unicodedata.normalize("NFC", raw)
        if composed != raw:
            raw, unusual = composed, _unusual_characters(composed)
    found = set(_INVISIBLE_CONTROL_OR_SPACE.findall(unusual))  # one pass, not one per class
    for char in filter(_INVISIBLE_OR_CONTROL.match, found):
        raw = raw.replace(char, "")
    for char in filter(_SPACES.match, found):
        raw = raw.replace(char, " ")
    return raw


def _unusual_characters(text: str) -> str:
    """What the character classes scan of the text: see unusual_characters."""
    return unusual_characters(text, text.encode("utf-8", "surrogatepass"))


def split_lines(text: str) -> list[Line]:
    """Non-blank lines, stripped and with runs of spaces collapsed, each knowing whether a blank line preceded it."""
    return _as_lines(*_split(text))


def split_and_unwrap(text: str) -> tuple[list[Line], list[str]]:
    """`unwrap(split_lines(text))`, and the texts of those lines (stripped, single-spaced, no line break).

    Works on the texts and blank-line flags until the end: lines are built once, and the wrap
    width and the caller's texts need not be read back from them.
    """
    texts, blank_before = _split(text)
    width = _wrap_width(texts, blank_before)
    if width is not None:
        texts, blank_before = _unwrap_texts(texts, blank_before, width)
    return _as_lines(texts, blank_before), texts


def _split(text: str) -> tuple[list[str], list[bool]]:
    """The texts of split_lines and, for each, whether a blank line preceded it.

    Stripping before collapsing runs of spaces gives the same lines (a run never crosses the edge
    of the stripped text, which is not whitespace), and most runs are indentation that the strip
    removes: only the few lines still holding two spaces are collapsed. The work is done in C-level
    loops (map, filter, compress): per-line Python calls dominated the cost.
    """
    parts = list(map(str.strip, text.split("\n")))
    texts = list(filter(None, parts))
    if "  " in text:  # one search of the page; most pages hold no two spaces, or only at line edges
        for index in compress(range(len(texts)), map(contains, texts, repeat("  "))):
            texts[index] = _SPACE_RUN.sub(" ", texts[index])
    blank_before = list(map(not_, compress(chain(("first",), parts), parts)))  # the part before each non-blank one
    return texts, blank_before


def _as_lines(texts: list[str], blank_before: list[bool]) -> list[Line]:
    """Lines of the texts; only the lines after a blank one are visited in Python, to mark them."""
    lines = list(map(Line, texts))  # Line(text) is cheaper than passing every field
    for line in compress(lines, blank_before):
        line.blank_before = True
    return lines


def wrap_width(lines: list[Line]) -> int | None:
    """The column a hard-wrapped document was wrapped at, or None if it is not hard-wrapped."""
    return _wrap_width(list(map(attrgetter("text"), lines)), list(map(attrgetter("blank_before"), lines)))


def _wrap_width(texts: list[str], blank_before: list[bool]) -> int | None:
    """wrap_width of the lines with these texts and blank-line flags.

    Its tests all must pass; the cheapest goes first. Works on the sorted lengths of the long
    lines: the lines near the width are two bisections, and the top decile is the interpolation
    statistics.quantiles makes (its pure Python cost more than the rest).
    """
    if blank_before.count(False) < len(texts) / 2:  # mostly blank-separated: paragraphs, not wrapped lines
        return None
    lengths = sorted(filter(WRAP_LONG_LINE.__le__, map(len, texts)))
    if len(lengths) < WRAP_MIN_LINES:
        return None
    width = int(_top_decile(lengths))
    if width > WRAP_MAX_WIDTH:
        return None
    near = bisect.bisect_right(lengths, width + 2) - bisect.bisect_left(lengths, width - WRAP_SLACK)
    return None if near / len(lengths) < WRAP_SHARE else width


def _top_decile(ordered: list[int]) -> float:
    """`statistics.quantiles(ordered, n=10)[-1]` of sorted data (at least two values), by the same arithmetic."""
    n, size = 10, len(ordered)
    m = size + 1
    j = min(max((n - 1) * m // n, 1), size - 1)
    delta = (n - 1) * m - j * n
    return (ordered[j - 1] * (n - delta) + ordered[j] * delta) / n


def unwrap(lines: list[Line]) -> list[Line]:
    """Join hard-wrapped lines back into paragraphs; other documents come back unchanged."""
    width = wrap_width(lines)
    if width is None:
        return lines
    texts = list(map(attrgetter("text"), lines))
    return _as_lines(*_unwrap_texts(texts, list(map(attrgetter("blank_before"), lines)), width))


def _unwrap_texts(texts: list[str], blank_before: list[bool], width: int) -> tuple[list[str], list[bool]]:
    """unwrap on texts and blank-line flags: the texts of the joined lines, and their flags."""
    joined: list[str] = []
    joined_blank_before: list[bool] = []
    for text, blank in zip(texts, blank_before, strict=True):
        if joined and not blank and _continues(joined[-1], text, width):
            joined[-1] = _join(joined[-1], text)
        else:
            joined.append(text)
            joined_blank_before.append(blank)
    return joined, joined_blank_before


def _join(previous: str, current: str) -> str:
    """Two wrapped lines as one: a word wrapped at its hyphen ("long-" + "term") is rejoined without a space."""
    if _WRAPPED_HYPHEN.search(previous) and current[:1].isalnum():
        return previous + current
    return f"{previous} {current}"


def _continues(previous: str, current: str, width: int) -> bool:
    if previous.endswith(_TERMINAL):
        return False
    if previous.endswith((",", "-", "–")) or current[:1].islower():
        return True
    return len(previous) >= WRAP_SHORT_LINE * width


def apply_rules(doc: Document, rule_files: list[RuleFile], normalized: list[str] | None = None) -> None:
    """Drop the lines that line, pattern and block rules name; record which rules fired.

    Files are consulted in order and the first matching rule names the drop; a block rule's
    start marker takes precedence over line rules, unless the block requires its end marker and
    none follows (then the start line is left to the line and pattern rules). `normalized` is
    `normalize_lines` of the line texts when the caller has it already. Rules are matched against
    the whole page at once (see PageLines); only the lines they hit are visited.
    """
    matcher = combined_matcher(tuple(f.matcher for f in rule_files if not f.matcher.empty))
    if matcher.empty:
        return
    lines = doc.lines
    texts = [line.text for line in lines]
    normalized = normalize_lines(texts) if normalized is None else normalized
    page = normalized.page_of(texts) if isinstance(normalized, NormalizedLines) else PageLines(texts)
    decided = matcher.decide(page, normalized)
    ends = _BlockEnds(page)
    resume = 0  # lines before this one are inside a block already dropped
    for index in sorted(decided):
        line, rule = lines[index], decided[index]
        if index < resume or not line.keep:
            continue
        if rule.kind is Kind.BLOCK:
            end = _block_end(rule, index, ends, len(lines))
            if end is not None:
                resume = _drop_block(doc, rule, index, end)
                continue
            rule = matcher.line_rule(texts[index], normalized[index])
            if rule is None:
                continue
        line.drop(rule.id, Decider.RULE)
        doc.note_rule(rule.id)


class _BlockEnds:
    """The lines each block rule's end marker matches on one page, found once per rule."""

    def __init__(self, page: PageLines):
        self._page = page
        self._found: dict[int, list[int]] = {}  # by id(rule): rule ids need not be unique across files

    def after(self, rule: Rule, start: int) -> int | None:
        """The first line after `start` that ends the block, if any."""
        if id(rule) not in self._found:
            self._found[id(rule)] = self._page.lines_matching(rule.end)
        ends = self._found[id(rule)]
        position = bisect.bisect_right(ends, start)
        return ends[position] if position < len(ends) else None


def _block_end(rule: Rule, start: int, ends: _BlockEnds, count: int) -> int | None:
    """The last line of the block opened at `start`: its end marker, else the document's last line.

    None when the rule requires its end marker and none follows: a header block must not take
    the whole page with it when the page's header lacks the end line.
    """
    if rule.end is None:
        return count - 1
    found = ends.after(rule, start)
    if found is None and not rule.end_required:
        return count - 1
    return found


def _drop_block(doc: Document, rule: Rule, start: int, end: int) -> int:
    """Drop from the start line to the end line (inclusive); returns the line after the block."""
    doc.note_rule(rule.id)
    for line in doc.lines[start : end + 1]:
        if line.keep:
            line.drop(rule.id, Decider.RULE)
    return end + 1


def paragraphs(doc: Document) -> list[str]:
    """The kept lines as paragraphs: one logical line is one paragraph."""
    return [line.text for line in doc.lines if line.keep]
