"""Try learned rules on the pages they were learned from: what still gets through, where the article ends.

A short template line (a menu item, "Print this article") is left to the classifier, because as
a dropped line it separates the article from the teasers around it (see LEAVE_TO_CLASSIFIER).
But when the classifier keeps it on a page, inside the article's run, only a rule will remove
it. So each site's rules are tried on a few of its own text pages, and the short template lines
that the classifier kept there become rules too. HTML pages are tried the same way for one-word
template lines: one the extraction drops there needs no rule (see LEAVE_TO_EXTRACTION).

The same cleaned pages show where the article ends: the footer anchor is a template line found
on each of them after every line the pipeline kept there, and never twice on any page of the
site (see FOOTER_ANCHOR); the header's anchors are template lines before the first line kept
there (see HEADER_ANCHOR). No gold is needed, only the site's own template and the pipeline's own
view of its pages.
"""

from __future__ import annotations

import re
from collections import Counter

from cleaner.document import Document, Format
from cleaner.errors import InputError
from cleaner.learn_config import CHECK_PAGES, FOOTER_MIN_PAGES, HEADER_MIN_PAGES
from cleaner.learn_pages import PageSketch, line_hash, shape_of
from cleaner.pipeline import clean_document, read
from cleaner.rules import Kind, Rule, RuleFile, Scope, compile_pattern, normalize_line

Block = tuple[str, str | None]  # a learned block rule: (start pattern, end pattern or None for the page's end)


def as_rule_file(file_id: str, lines: list[str], patterns: list[str], blocks: tuple[Block, ...] = ()) -> RuleFile:
    """Learned line, pattern and block rules as a rule file in memory, applied to every page it is given.

    A block with an end marker requires it (see Rule.end_required): that is how headers are learned.
    """
    rules = [Rule(id=f"{file_id}.lines", kind=Kind.LINE, file_id=file_id, lines=frozenset(map(normalize_line, lines)))]
    for number, pattern in enumerate(patterns):
        compiled = compile_pattern(pattern, (file_id, None))
        rules.append(Rule(id=f"{file_id}.pattern-{number}", kind=Kind.PATTERN, file_id=file_id, pattern=compiled))
    for number, (start, end) in enumerate(blocks):
        rule = Rule(id=block_id(file_id, number), kind=Kind.BLOCK, file_id=file_id)
        rule.start = compile_pattern(start, (file_id, None), "start")
        if end is not None:
            rule.end, rule.end_required = compile_pattern(end, (file_id, None), "end"), True
        rules.append(rule)
    return RuleFile(id=file_id, path="", scope=Scope(everywhere=True), rules=rules, source="learned")


def block_id(file_id: str, number: int) -> str:
    """The id `as_rule_file` gives the block rule at `number`: how a check tells its drops."""
    return f"{file_id}.block-{number}"


def clean_pages(
    pages: list[PageSketch], rule_files: list[RuleFile], formats: tuple[Format, ...] = (Format.TEXT,)
) -> list[Document]:
    """Up to CHECK_PAGES of the site's pages of each of `formats` (text pages unless told), cleaned with the rules."""
    docs: list[Document] = []
    taken: Counter = Counter()
    for page in pages:
        if page.format not in formats or taken[page.format] >= CHECK_PAGES:
            continue
        taken[page.format] += 1
        doc = Document(id=page.source.id)
        try:
            read(doc, page.source.read_bytes())
            clean_document(doc, rule_files, guard_learned=False)  # what the rules do, unbounded
        except InputError:
            continue
        docs.append(doc)
    return docs


def kept_lines(docs: list[Document]) -> set[int]:
    """Hashes of the lines (and line shapes) the pipeline kept on the cleaned pages."""
    kept: set[int] = set()
    for doc in docs:
        for line in doc.lines:
            if line.keep:
                normalized = normalize_line(line.text)
                kept.add(line_hash(normalized))
                if shape := shape_of(normalized):
                    kept.add(line_hash(shape))
    return kept


def written(text: str) -> str:
    """A line as written, spacing and case folded: how a block start compares it (bullets kept)."""
    return " ".join(text.split()).lower()  # as RE2 folds case: simple folding, not casefold()


def footer_anchor(docs: list[Document], template: set[int], repeated: set[int]) -> str | None:
    """The template line that closes the article on every cleaned page, nearest to it; None if none does.

    A candidate is a template line (by hash) found after the last line the pipeline kept on each
    page that is not itself template, and never twice on any page of the site's sample
    (`repeated`: a line that also shows in a menu above the article would start the block there).
    Returns it as written.
    """
    if len(docs) < FOOTER_MIN_PAGES:
        return None
    distance: Counter = Counter()  # candidate -> lines between the article's end and it, summed over pages
    as_written: dict[str, str] = {}
    valid: set[str] | None = None
    for doc in docs:
        tail = _after_body(doc, template, repeated)
        if not tail:
            return None
        valid = set(tail) if valid is None else valid & set(tail)
        for key, (gap, text) in tail.items():
            distance[key] += gap
            as_written.setdefault(key, text)
    if not valid:
        return None
    return as_written[min(valid, key=lambda key: (distance[key], key))]


def _after_body(doc: Document, template: set[int], repeated: set[int]) -> dict[str, tuple[int, str]]:
    """The page's anchor candidates after its body: written form -> (lines after the body's end, text)."""
    hashes, body = _body(doc, template)
    if not body:
        return {}
    tail: dict[str, tuple[int, str]] = {}
    for i in range(body[-1] + 1, len(doc.lines)):
        if hashes[i] in template and hashes[i] not in repeated:
            tail.setdefault(written(doc.lines[i].text), (i - body[-1], doc.lines[i].text))
    return tail


def _body(doc: Document, template: set[int]) -> tuple[list[int], list[int]]:
    """The hashes of the page's lines, and the lines the pipeline kept that are not template (its body)."""
    hashes = [line_hash(normalize_line(line.text)) for line in doc.lines]
    return hashes, [i for i, line in enumerate(doc.lines) if line.keep and hashes[i] not in template]


def header_anchors(docs: list[Document], template: set[int], repeated: set[int]) -> Block | None:
    """The template lines that open and close the header on every cleaned page, as written; None if none do.

    Candidates are template lines before the first line the pipeline kept that is not template,
    never twice on a page of the site (`repeated`). The start is the candidate nearest the pages'
    tops, the end the one nearest their bodies, and the start comes first on every page: a block
    between them holds only template and the changing links among it, never the article.
    """
    if len(docs) < HEADER_MIN_PAGES:
        return None
    heads = [_before_body(doc, template, repeated) for doc in docs]
    if not all(heads):
        return None
    valid = set.intersection(*(set(head) for head in heads))
    if len(valid) < 2:
        return None
    start = min(valid, key=lambda key: (sum(head[key][0] for head in heads), key))
    end = min(valid, key=lambda key: (sum(head[key][1] for head in heads), key))
    if start == end or any(head[start][0] >= head[end][0] for head in heads):
        return None
    return heads[0][start][2], heads[0][end][2]


def _before_body(doc: Document, template: set[int], repeated: set[int]) -> dict[str, tuple[int, int, str]]:
    """The page's header candidates: written form -> (line number, lines before the body's start, text)."""
    hashes, body = _body(doc, template)
    if not body:
        return {}
    head: dict[str, tuple[int, int, str]] = {}
    for i in range(body[0]):
        if hashes[i] in template and hashes[i] not in repeated:
            head.setdefault(written(doc.lines[i].text), (i, body[0] - i, doc.lines[i].text))
    return head


def anchor_pattern(text: str) -> str:
    """An RE2 pattern matching the anchor line as written, with any run of spaces for a space."""
    return r"\s+".join(re.escape(word) for word in text.split())


def keeps_body(before: list[Document], after: list[Document], rule_id: str, max_lost: float) -> bool:
    """Whether, on every page, a block rule leaves the body kept outside the block (nearly) whole.

    Dropping a header or footer changes what the classifier sees around the article's edge: a
    short edge line may go with it (often a byline or breadcrumb), but a rule that costs the
    body more than `max_lost` of its words on one of the site's own pages is not written.
    """
    for plain, cut in zip(before, after, strict=True):
        kept = lost = 0
        for old, new in zip(plain.lines, cut.lines, strict=True):
            if old.keep and new.reason != rule_id:
                words = len(old.text.split())
                kept += words
                lost += words if not new.keep else 0
        if lost > max_lost * kept:
            return False
    return True


def keeps_top(before: list[Document], after: list[Document], rule_id: str) -> bool:
    """Whether, on every page, a header block leaves what the pipeline dropped above the body dropped.

    The article lies below the header, so a line above the body that the pipeline starts keeping
    once the header is gone (the page's title line, a phone number above the menu) is template it
    used to drop: the classifier's edge moved up, and on other pages it would keep more of it.
    """
    for plain, cut in zip(before, after, strict=True):
        first = next((i for i, line in enumerate(plain.lines) if line.keep), len(plain.lines))
        if any(line.keep for line in cut.lines[:first]):  # none was kept before: all dropped above the body
            return False
    return True
