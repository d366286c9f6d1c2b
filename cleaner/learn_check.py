"""Try learned rules on the pages they were learned from: which short template lines still get through.

A short template line (a menu item, "Print this article") is left to the classifier, because as
a dropped line it separates the article from the teasers around it (see LEAVE_TO_CLASSIFIER).
But when the classifier keeps it on a page, inside the article's run, only a rule will remove
it. So each site's rules are tried on a few of its own text pages, and the short template lines
that the classifier kept there become rules too.
"""

from __future__ import annotations

from cleaner.document import Document, Format
from cleaner.errors import InputError
from cleaner.learn_config import CHECK_PAGES
from cleaner.learn_pages import PageSketch, line_hash, shape_of
from cleaner.pipeline import clean_document, read
from cleaner.rules import Kind, Rule, RuleFile, Scope, compile_pattern, normalize_line


def as_rule_file(file_id: str, lines: list[str], patterns: list[str]) -> RuleFile:
    """Learned line and pattern rules as a rule file in memory, applied to every page it is given."""
    rules = [Rule(id=f"{file_id}.lines", kind=Kind.LINE, file_id=file_id, lines=frozenset(map(normalize_line, lines)))]
    for number, pattern in enumerate(patterns):
        compiled = compile_pattern(pattern, (file_id, None))
        rules.append(Rule(id=f"{file_id}.pattern-{number}", kind=Kind.PATTERN, file_id=file_id, pattern=compiled))
    return RuleFile(id=file_id, path="", scope=Scope(everywhere=True), rules=rules, source="learned")


def kept_lines(pages: list[PageSketch], learned: RuleFile, others: list[RuleFile]) -> set[int]:
    """Hashes of the lines (and line shapes) kept when up to CHECK_PAGES text pages are cleaned with the rules."""
    kept: set[int] = set()
    checked = 0
    for page in pages:
        if checked >= CHECK_PAGES:
            break
        if page.format is not Format.TEXT:
            continue
        doc = Document(id=page.source.id)
        try:
            read(doc, page.source.read_bytes())
            clean_document(doc, [*others, learned])
        except InputError:
            continue
        checked += 1
        for line in doc.lines:
            if line.keep:
                normalized = normalize_line(line.text)
                kept.add(line_hash(normalized))
                if shape := shape_of(normalized):
                    kept.add(line_hash(shape))
    return kept
