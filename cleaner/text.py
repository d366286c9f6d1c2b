"""Plain text: normalise, split into lines, undo hard wrapping, apply line rules, assemble paragraphs."""

from __future__ import annotations

import re
import statistics
import unicodedata

from cleaner.document import Decider, Document, Line
from cleaner.rules import Rule, RuleFile, combined_matcher, normalize_line

# Regular expressions rather than str.translate: translate with a dict is slow on long texts.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile("[\u00a0\u2007\u202f\u2009\u200a\u3000\t]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MULTI_SPACE = re.compile(r" {2,}")

# Hard-wrap detection (press releases, e-mails): most long lines end near one width.
WRAP_MIN_LINES = 8  # fewer wrapped-looking lines than this: not a wrapped document
WRAP_MAX_WIDTH = 100  # wider "wrapping" is just long paragraphs, one per line
WRAP_SLACK = 20  # a wrapped line ends within this many characters of the width
WRAP_SHARE = 0.6  # share of long lines that must end near the width
WRAP_SHORT_LINE = 0.6  # a line shorter than this share of the width, with no comma, ends a paragraph
_WRAPPED_HYPHEN = re.compile(r"\w-$")  # "long-" at a line end: the wrap split a hyphenated word
_TERMINAL = tuple('.!?:;"”’»)。！？…')


def normalize_text(raw: str) -> str:
    """One canonical form: NFC, LF line ends, plain spaces, no zero-width or control characters."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text))
    return _CONTROL.sub("", text)


def split_lines(text: str) -> list[Line]:
    """Non-blank lines, each remembering whether a blank line preceded it."""
    lines, blank = [], False
    for raw_line in text.split("\n"):
        stripped = _MULTI_SPACE.sub(" ", raw_line.strip())
        if not stripped:
            blank = True
            continue
        lines.append(Line(text=stripped, blank_before=blank))
        blank = False
    return lines


def wrap_width(lines: list[Line]) -> int | None:
    """The column a hard-wrapped document was wrapped at, or None if it is not hard-wrapped."""
    lengths = [len(line.text) for line in lines if len(line.text) >= 30]
    if len(lengths) < WRAP_MIN_LINES:
        return None
    width = int(statistics.quantiles(lengths, n=10)[-1])
    if width > WRAP_MAX_WIDTH:
        return None
    near = sum(1 for n in lengths if width - WRAP_SLACK <= n <= width + 2)
    unbroken = sum(1 for line in lines if not line.blank_before)
    if near / len(lengths) < WRAP_SHARE or unbroken < len(lines) / 2:
        return None
    return width


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


def apply_rules(doc: Document, rule_files: list[RuleFile]) -> None:
    """Drop the lines that line, pattern and block rules name; record which rules fired.

    Files are consulted in order and the first matching rule names the drop; a block rule's
    start marker takes precedence over line rules.
    """
    matcher = combined_matcher(tuple(f.matcher for f in rule_files if not f.matcher.empty))
    if matcher.empty:
        return
    lines = doc.lines
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.keep:
            index += 1
            continue
        block = matcher.block_rule(line.text)
        if block is not None:
            index = _drop_block(doc, block, index)
            continue
        normalized = normalize_line(line.text)
        rule = matcher.line_rule(line.text, normalized)
        if rule is not None:
            line.drop(rule.id, Decider.RULE)
            doc.note_rule(rule.id)
        index += 1


def _drop_block(doc: Document, rule: Rule, start: int) -> int:
    """Drop from the start line to the end marker (inclusive), or to the end of the document."""
    doc.note_rule(rule.id)
    lines = doc.lines
    end = len(lines) - 1
    if rule.end is not None:
        end = next((i for i in range(start + 1, len(lines)) if rule.end.fullmatch(lines[i].text)), end)
    for line in lines[start : end + 1]:
        if line.keep:
            line.drop(rule.id, Decider.RULE)
    return end + 1


def paragraphs(doc: Document) -> list[str]:
    """The kept lines as paragraphs: one logical line is one paragraph."""
    return [line.text for line in doc.lines if line.keep]
