"""Plain text: normalise, split into lines, undo hard wrapping, apply line rules, assemble paragraphs."""

from __future__ import annotations

import bisect
import re
import unicodedata
from itertools import chain, compress
from operator import attrgetter, not_

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
)

# Zero-width and control characters go; odd spaces become plain spaces.
_INVISIBLE_OR_CONTROL = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile("[\u00a0\u2007\u202f\u2009\u200a\u3000\t]")
_INVISIBLE_CONTROL_OR_SPACE = re.compile(f"{_INVISIBLE_OR_CONTROL.pattern}|{_SPACES.pattern}")
# The bytes of printable ASCII and the line break: none of them is a character normalize_text removes or replaces.
_ORDINARY_BYTES = bytes(range(0x20, 0x7F)) + b"\n"

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
    """One canonical form: NFC, LF line ends, plain spaces, no zero-width or control characters."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    unusual = _unusual_characters(raw)
    if may_change_under("NFC").search(unusual):  # else NFC would return the text as it is, after a slower check
        raw = unicodedata.normalize("NFC", raw)
        unusual = _unusual_characters(raw)
    found = set(_INVISIBLE_CONTROL_OR_SPACE.findall(unusual))  # one pass, not one per class
    for char in filter(_INVISIBLE_OR_CONTROL.match, found):
        raw = raw.replace(char, "")
    for char in filter(_SPACES.match, found):
        raw = raw.replace(char, " ")
    return raw


def _unusual_characters(text: str) -> str:
    """The characters of the text other than printable ASCII and line breaks, in order.

    A page is mostly printable ASCII: deleting its bytes leaves a short string, which the
    character classes scan many times faster than the page. (A regular expression over the
    whole page, or one str.replace per character to remove, costs several times more.)
    """
    return text.encode("utf-8", "surrogatepass").translate(None, _ORDINARY_BYTES).decode("utf-8", "surrogatepass")


def split_lines(text: str) -> list[Line]:
    """Non-blank lines, stripped and with runs of spaces collapsed, each remembering whether a blank line preceded it.

    Works on the whole text where it can (collapsing before stripping gives the same lines) and
    otherwise in C-level loops (map, filter, compress): per-line Python calls dominated the cost.
    Only the lines after a blank one are visited in Python, to mark them.
    """
    parts = list(map(str.strip, _collapse_spaces(text).split("\n")))
    lines = list(map(Line, filter(None, parts)))  # Line(text) is cheaper than passing every field
    for line in compress(lines, compress(map(not_, chain(("first",), parts)), parts)):
        line.blank_before = True  # of the non-blank parts: those after a blank one
    return lines


def _collapse_spaces(text: str) -> str:
    """Runs of spaces as one space: most pages have none, and finding that out is the whole cost."""
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)  # one pass, not one str.replace per halving of the longest run
    return text


def wrap_width(lines: list[Line]) -> int | None:
    """The column a hard-wrapped document was wrapped at, or None if it is not hard-wrapped.

    Works on the sorted lengths of the long lines: the lines near the width are two bisections,
    and the top decile is the interpolation statistics.quantiles makes (its pure Python cost
    more than the rest).
    """
    lengths = sorted(filter(WRAP_LONG_LINE.__le__, map(len, map(attrgetter("text"), lines))))
    if len(lengths) < WRAP_MIN_LINES:
        return None
    width = int(_top_decile(lengths))
    if width > WRAP_MAX_WIDTH:
        return None
    near = bisect.bisect_right(lengths, width + 2) - bisect.bisect_left(lengths, width - WRAP_SLACK)
    unbroken = sum(map(not_, map(attrgetter("blank_before"), lines)))
    if near / len(lengths) < WRAP_SHARE or unbroken < len(lines) / 2:
        return None
    return width


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
    joined: list[Line] = []
    for line in lines:
        if joined and not line.blank_before and _continues(joined[-1].text, line.text, width):
            joined[-1].text = _join(joined[-1].text, line.text)
        else:
            joined.append(Line(text=line.text, blank_before=line.blank_before))
    return joined


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
