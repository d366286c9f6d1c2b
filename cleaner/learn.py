"""`cleaner learn`: rule files learned from the crawl itself, one per site and one for shared chrome.

    read (hashes only) -> group by site -> count per distinct content -> template -> texts -> write

A site's template is what recurs on a large share of its pages while the article between
changes: exact lines, lines with a varying part (dates, counters: RE2 patterns) and, for HTML,
nodes found once per page with identical text (XPath rules). On text pages, the template line
that closes the article on every checked page becomes a block rule dropping everything from it
to the page's end: the teasers there change on every page, so no line rule could learn them
(see FOOTER_ANCHOR); the template lines opening the page and closing its header bound a header
block whose end is required (see HEADER_ANCHOR). Shares count distinct contents,
not pages, so the same article crawled twice or syndicated is never learned (the syndication
guard). Lines that are template on many sites form the family file. Thresholds live in
`learn_config`; writing and merging with hand edits in `learn_write`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import xxhash

from cleaner.document import Document, Format
from cleaner.errors import InputError
from cleaner.learn_check import (
    Block,
    anchor_pattern,
    as_rule_file,
    block_id,
    clean_pages,
    footer_anchor,
    header_anchors,
    keeps_body,
    keeps_top,
    kept_lines,
)
from cleaner.learn_config import (
    CHECK_ROUNDS,
    EXTRACTION_MAX_WORDS,
    FAMILY_MAX_CHARS,
    FAMILY_MIN_FINGERPRINTS,
    FAMILY_MIN_SITES,
    FINGERPRINT_MAX,
    FINGERPRINT_MIN_CHARS,
    FINGERPRINT_MIN_HITS,
    FINGERPRINT_MIN_LINES,
    FINGERPRINT_SHARE,
    FOOTER_ANCHOR,
    FOOTER_MAX_LOST_SHARE,
    HEADER_ANCHOR,
    HEADER_MAX_LOST_SHARE,
    LEAVE_TO_CLASSIFIER,
    LEAVE_TO_EXTRACTION,
    MIN_PAGES,
    PATTERN_MIN_VARIANTS,
    SAMPLE_PAGES,
    SIGNATURE_MAX_CHARS,
    TEMPLATE_MAX_CHARS,
    TEMPLATE_MIN_CONTENTS,
    TEMPLATE_SHARE,
    VARIANT_PAGES,
    XPATH_MAX_RULES,
)
from cleaner.learn_group import SiteGroup, SiteGrouper, content_groups
from cleaner.learn_pages import DATE_WORD, DATE_WORD_PATTERN, line_hash, node_key, read_page, shape_of, sketch_page
from cleaner.readers import Source, iter_sources
from cleaner.rules import RuleFile, load_rules, normalize_line

SITE_PREFIX = "site."  # learned file ids never collide with the shipped rule files
FAMILY_ID = "family.learned"
_BULLET_PREFIX = r"[•·*‣▪►»|\-–—\s]*"
_VARYING = re.compile(rf"\d+|{DATE_WORD.pattern}", re.I)
_SLUG = re.compile(r"[^a-z0-9]+")
CHECKED_FORMATS = (Format.TEXT, Format.HTML)  # pages whose template lines are tried before they become rules
SLUG_MIN_CHARS = 12  # a file named after "• news" would say nothing: prefer a line at least this long


@dataclass(slots=True)
class LearnedRule:
    """One rule as learned, before it is written: what it drops and on how many contents it recurred."""

    name: str  # the part of the id after the file id
    kind: str  # line | pattern | block | xpath
    pages: int  # distinct contents it was seen on
    share: float  # ... as a share of the site's contents
    lines: list[str] = field(default_factory=list)
    pattern: str = ""
    start: str = ""  # a block rule's start marker
    end: str = ""  # ... and its end marker, required (a header); empty: the block runs to the page's end
    xpath: str = ""
    note: str = ""


@dataclass(slots=True)
class LearnedSite:
    """One learned rule file: a site (or the family of shared chrome) and its rules."""

    file_id: str
    template: str  # "site" or "family"
    description: str
    pages: int  # pages of the site in the crawl
    contents: int  # distinct contents among the sampled pages
    domains: list[str] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)
    min_fingerprints: int = 1
    rules: list[LearnedRule] = field(default_factory=list)
    sample: Source | None = None  # a page to show in the report


@dataclass(slots=True)
class SiteTemplate:
    """What recurs on one site, as hashes with the number of distinct contents each was seen on."""

    group: SiteGroup
    contents: int
    threshold: int
    lines: dict[int, int]
    shapes: dict[int, int]
    nodes: dict[int, int]
    texts: dict[int, str] = field(default_factory=dict)  # line hash -> the line as written on a page
    # Hashes of lines (and shapes) of text pages that the classifier drops anyway; see LEAVE_TO_CLASSIFIER.
    separators: set[int] = field(default_factory=set)
    examples: dict[int, dict[str, str]] = field(default_factory=dict)  # shape -> normalised -> as written
    node_paths: dict[int, tuple[str, str]] = field(default_factory=dict)  # node key hash -> (path, text as written)


@dataclass(slots=True)
class LearnResult:
    sites: list[LearnedSite]
    pages: int
    skipped_sites: int  # sites with fewer pages than --min-pages
    errors: list[str]


def learn(inputs: Iterable[str | Path], min_pages: int = MIN_PAGES, sample: int = SAMPLE_PAGES) -> LearnResult:
    """Learn the rule files of every site of the crawl (not written yet: see learn_write.write_rules)."""
    grouper, errors, pages = SiteGrouper(sample), [], 0
    for source in iter_sources(inputs):
        try:
            grouper.add(sketch_page(source))
            pages += 1
        except InputError as error:
            errors.append(f"{source.id}: {error}")
    eligible = [group for group in grouper.groups if group.seen >= min_pages]
    templates = [template for group in eligible if (template := count_template(group)) is not None]
    for template in templates:
        fetch_texts(template)
    shipped = load_rules([], include_defaults=True)
    sites = [site_rules(template, templates, shipped) for template in templates]
    family = family_rules(templates)
    learned = [site for site in sites if site is not None] + ([family] if family else [])
    return LearnResult(
        sites=sorted(learned, key=lambda s: s.file_id),
        pages=pages,
        skipped_sites=len(grouper.groups) - len(eligible),
        errors=errors,
    )


def count_template(group: SiteGroup) -> SiteTemplate | None:
    """Count, per line, shape and node, the distinct contents it occurs on; keep what recurs enough."""
    numbers = content_groups(group.sample)
    merged: dict[int, tuple[set, set, set, set]] = {}
    for page, number in zip(group.sample, numbers, strict=True):
        lines, shapes, nodes, paths = merged.setdefault(number, (set(), set(), set(), set()))
        lines.update(page.lines)
        shapes.update(page.shapes)
        nodes.update(page.nodes)
        paths.update(page.paths)
    contents = len(merged)
    if contents < TEMPLATE_MIN_CONTENTS:
        return None
    threshold = max(TEMPLATE_MIN_CONTENTS, math.ceil(TEMPLATE_SHARE * contents))
    counts = [Counter(), Counter(), Counter(), Counter()]
    for sets in merged.values():
        for counter, hashes in zip(counts, sets, strict=True):
            counter.update(hashes)
    lines, shapes, nodes, paths = counts

    def recurring(counter: Counter) -> dict[int, int]:
        return {key: count for key, count in counter.items() if count >= threshold}

    return SiteTemplate(
        group=group,
        contents=contents,
        threshold=threshold,
        lines=recurring(lines),
        shapes=recurring(shapes),
        nodes=recurring(nodes),
    )


def fetch_texts(template: SiteTemplate) -> None:
    """Read the site's sampled pages again for the texts of the recurring hashes (stops when all are found)."""
    want_lines = set(template.lines)
    want_shapes = set(template.shapes)
    want_nodes = set(template.nodes)
    read = 0
    for page in template.group.sample:
        try:
            doc, page_text = read_page(page.source)
        except InputError:
            continue
        is_separator = _separator_test(doc.format, page_text.lines)
        for raw in page_text.lines:
            normalized = normalize_line(raw)
            key = line_hash(normalized)
            if key in want_lines and key not in template.texts:
                template.texts[key] = raw.strip()
                if is_separator(raw):
                    template.separators.add(key)
            shape = shape_of(normalized)
            if shape and (shape_key := line_hash(shape)) in want_shapes:
                examples = template.examples.setdefault(shape_key, {})
                if len(examples) < PATTERN_MIN_VARIANTS and normalized not in examples:
                    examples[normalized] = raw.strip()
                    if is_separator(raw):
                        template.separators.add(shape_key)
        for path, node_text, written in page_text.nodes:
            key = line_hash(node_key(path, node_text))
            if key in want_nodes:
                template.node_paths.setdefault(key, (path, written))
        read += 1
        shapes_done = read >= VARIANT_PAGES or all(
            len(template.examples.get(s, ())) >= PATTERN_MIN_VARIANTS for s in want_shapes
        )
        if len(template.texts) == len(want_lines) and shapes_done and len(template.node_paths) == len(want_nodes):
            return


def _separator_test(page_format: Format, lines: list[str]):
    """Whether a template line of this page is first left to the pipeline (see LEAVE_TO_CLASSIFIER
    and LEAVE_TO_EXTRACTION)."""
    if LEAVE_TO_EXTRACTION and page_format is Format.HTML:
        return lambda raw: len(raw.split()) <= EXTRACTION_MAX_WORDS
    leave = LEAVE_TO_CLASSIFIER and page_format is Format.TEXT
    return lambda raw: leave


def site_rules(template: SiteTemplate, templates: list[SiteTemplate], shipped: list[RuleFile]) -> LearnedSite | None:
    """The rule file of one site: line rules by recurrence, patterns, XPath rules, fingerprints.

    Template lines are first left to the classifier (text pages) or the extraction (HTML pages);
    those the pipeline still keeps on the site's own pages become rules (see learn_check,
    LEAVE_TO_CLASSIFIER and LEAVE_TO_EXTRACTION).
    """
    elsewhere = _lines_on_other_sites(template, templates)
    fingerprints = _fingerprints(template, elsewhere)
    group = template.group
    if not group.domain and len(fingerprints) < FINGERPRINT_MIN_LINES:
        return None  # a site with no URL that cannot be recognised again would never be used
    file_id = SITE_PREFIX + (group.domain or _slug(fingerprints))
    rules = _line_rules(template) + _pattern_rules(template)
    for _round in range(CHECK_ROUNDS):
        if not template.separators:
            break
        docs = clean_pages(template.group.sample, [*shipped, _in_memory(file_id, rules)], CHECKED_FORMATS)
        template.separators -= kept_lines(docs)
        rules = _line_rules(template) + _pattern_rules(template)
    rules += _block_rules(template, file_id, rules, shipped) + _xpath_rules(template)
    if not rules:
        return None
    where = group.domain or "a site recognised by its template"
    return LearnedSite(
        file_id=file_id,
        template="site",
        description=f"Template of {where}, learned from {len(group.sample)} of its {group.seen} pages",
        pages=group.seen,
        contents=template.contents,
        domains=[group.domain] if group.domain else [],
        fingerprints=fingerprints if len(fingerprints) >= FINGERPRINT_MIN_LINES else [],
        min_fingerprints=min(FINGERPRINT_MIN_HITS, len(fingerprints)) if len(fingerprints) >= 2 else 1,
        rules=rules,
        sample=group.sample[0].source,
    )


def _in_memory(file_id: str, rules: list[LearnedRule], blocks: tuple[Block, ...] = ()) -> RuleFile:
    """The rules learned so far (blocks from them, then `blocks`) as a rule file to clean pages with."""
    lines = [line for rule in rules if rule.kind == "line" for line in rule.lines]
    patterns = [rule.pattern for rule in rules if rule.kind == "pattern"]
    learned = tuple((rule.start, rule.end or None) for rule in rules if rule.kind == "block")
    return as_rule_file(file_id, lines, patterns, learned + blocks)


def _block_rules(
    template: SiteTemplate, file_id: str, rules: list[LearnedRule], shipped: list[RuleFile]
) -> list[LearnedRule]:
    """The footer block (FOOTER_ANCHOR), then the header block (HEADER_ANCHOR), each when it is safe.

    Anchors come from the site's own text pages cleaned with the rules learned so far (the header
    is found with the footer in place); a block is kept only if, on those pages, it leaves the body
    the pipeline kept outside it (nearly) whole, and a header only if the pipeline keeps nothing
    more above the body.
    """
    repeated = {key for page in template.group.sample for key in page.repeated}
    found: list[LearnedRule] = []
    before: list[Document] | None = None  # the pages cleaned with `rules` and `found`
    for side, enabled in (("footer", FOOTER_ANCHOR), ("header", HEADER_ANCHOR)):
        if not enabled:
            continue
        if before is None:
            before = clean_pages(template.group.sample, [*shipped, _in_memory(file_id, rules)])
        if kept := _block_rule(template, file_id, [*rules, *found], shipped, before, side, repeated):
            found.append(kept[0])
            before = kept[1]  # cleaned with the same rules as a rule file made of [*rules, *found]
    return found


def _block_rule(
    template: SiteTemplate,
    file_id: str,
    rules: list[LearnedRule],
    shipped: list[RuleFile],
    before: list[Document],
    side: str,
    repeated: set,
) -> tuple[LearnedRule, list[Document]] | None:
    """One side's block rule: its anchors on the pages cleaned with `rules` (`before`), kept if it
    costs their bodies little; with the pages cleaned with it too."""
    if side == "footer":
        anchor = footer_anchor(before, set(template.lines), repeated)
        block, max_lost = (None if anchor is None else (anchor, None)), FOOTER_MAX_LOST_SHARE
    else:
        block, max_lost = header_anchors(before, set(template.lines), repeated), HEADER_MAX_LOST_SHARE
    if block is None:
        return None
    start, end = anchor_pattern(block[0]), None if block[1] is None else anchor_pattern(block[1])
    after = clean_pages(template.group.sample, [*shipped, _in_memory(file_id, rules, ((start, end),))])
    rule_id = block_id(file_id, sum(rule.kind == "block" for rule in rules))
    if not keeps_body(before, after, rule_id, max_lost) or (side == "header" and not keeps_top(before, after, rule_id)):
        return None
    count = template.lines.get(line_hash(normalize_line(block[0])), template.threshold)
    where = "to the page's end" if end is None else f"to {block[1][:80]!r}, required"
    rule = LearnedRule(
        name=side,
        kind="block",
        pages=count,
        share=count / template.contents,
        start=start,
        end=end or "",
        note=f"from {block[0][:80]!r}, {side} on all {len(before)} pages checked, {where}",
    )
    return rule, after


def _lines_on_other_sites(template: SiteTemplate, templates: list[SiteTemplate]) -> set[int]:
    return {key for other in templates if other is not template for key in other.lines if key in template.lines}


def _fingerprints(template: SiteTemplate, elsewhere: set[int]) -> list[str]:
    """The site's most recurrent short lines that no other learned site has: how text pages are recognised."""
    minimum = FINGERPRINT_SHARE * template.contents
    candidates = []
    for key, count in template.lines.items():
        written = template.texts.get(key)
        if written is None or key in elsewhere or count < minimum or "*" in written:
            continue
        if FINGERPRINT_MIN_CHARS <= len(normalize_line(written)) <= SIGNATURE_MAX_CHARS:
            # Lines with numbers (dates, image ids) are the first to change: prefer the stable ones.
            candidates.append((-count, any(c.isdigit() for c in written), normalize_line(written), written))
    return [candidate[-1] for candidate in sorted(candidates)[:FINGERPRINT_MAX]]


def _line_rules(template: SiteTemplate) -> list[LearnedRule]:
    """Exact template lines, one rule per recurrence count so each rule says how often its lines were seen."""
    by_count: dict[int, dict[str, str]] = {}
    for key, count in template.lines.items():
        written = template.texts.get(key)
        if written and len(written) <= TEMPLATE_MAX_CHARS and key not in template.separators:
            by_count.setdefault(count, {}).setdefault(normalize_line(written), written)
    rules = []
    for count in sorted(by_count, reverse=True):
        lines = [by_count[count][key] for key in sorted(by_count[count])]
        rules.append(
            LearnedRule(
                name=f"seen-{count}-of-{template.contents}",
                kind="line",
                pages=count,
                share=count / template.contents,
                lines=lines,
            )
        )
    return rules


def _pattern_rules(template: SiteTemplate) -> list[LearnedRule]:
    """Lines recurring with a varying part (dates, counters) as RE2 patterns over the line as written."""
    found = []
    for key, count in template.shapes.items():
        examples = template.examples.get(key, {})
        if len(examples) < PATTERN_MIN_VARIANTS or key in template.separators:
            continue  # always the same text (an exact line rule covers it), or the classifier's to drop
        example = min(examples.values())
        found.append((pattern_for(example), count, f"e.g. {example[:80]!r}"))
    return _hashed_rules("pattern", found, template.contents)


def _hashed_rules(kind: str, found: Iterable[tuple[str, int, str]], contents: int) -> list[LearnedRule]:
    """Rules of `kind` ("pattern" or "xpath") from (its text, pages, note), each named by its text's hash:
    the first of a name kept, in name order."""
    rules: dict[str, LearnedRule] = {}
    for text, count, note in found:
        name = f"{kind}-{xxhash.xxh32_hexdigest(text.encode())}"
        if name not in rules:
            rules[name] = LearnedRule(
                name=name, kind=kind, pages=count, share=count / contents, note=note, **{kind: text}
            )
    return [rules[name] for name in sorted(rules)]


def pattern_for(example: str) -> str:
    """An RE2 pattern matching the example line with any numbers and date words in place of its own."""
    body = example.strip().lstrip("•·*‣▪►»|-–— ").strip()
    pieces, position = [], 0
    for found in _VARYING.finditer(body):
        pieces.append(_literal(body[position : found.start()]))
        pieces.append(r"\d+" if found.group(0)[0].isdigit() else DATE_WORD_PATTERN)
        position = found.end()
    pieces.append(_literal(body[position:]))
    return _BULLET_PREFIX + "".join(pieces)


def _literal(text: str) -> str:
    """Text as RE2 literal, with any run of spaces matching any run of spaces."""
    return r"\s+".join(re.escape(part) for part in re.split(r"\s+", text)) if text else ""


def _xpath_rules(template: SiteTemplate) -> list[LearnedRule]:
    """Nodes found once per page, at the same tag/id/class path, with the same text on many contents."""
    found = []
    ranked = sorted(template.node_paths.items(), key=lambda item: (-template.nodes[item[0]], item[1]))
    for key, (path, node_text) in ranked[:XPATH_MAX_RULES]:
        if "'" in node_text and '"' in node_text:
            continue  # an XPath 1.0 string cannot hold both quotes
        quote = '"' if "'" in node_text else "'"
        # The text is part of the node's identity: the same path may hold the article on another page.
        found.append((f"{path}[normalize-space(.)={quote}{node_text}{quote}]", template.nodes[key], ""))
    return _hashed_rules("xpath", found, template.contents)


def family_rules(templates: list[SiteTemplate]) -> LearnedSite | None:
    """Short lines that are template on many sites: chrome of a family, applied where its lines show."""
    sites_per_line: Counter = Counter()
    written: dict[int, str] = {}
    for template in templates:
        for key in template.lines:
            text = template.texts.get(key)
            if text and len(normalize_line(text)) <= FAMILY_MAX_CHARS and key not in template.separators:
                sites_per_line[key] += 1
                written.setdefault(key, text)
    shared = {key: count for key, count in sites_per_line.items() if count >= FAMILY_MIN_SITES}
    if len(shared) < FAMILY_MIN_FINGERPRINTS:
        return None
    ranked = sorted(shared, key=lambda key: (-shared[key], normalize_line(written[key])))
    fingerprints = [written[key] for key in ranked if "*" not in written[key]][:FINGERPRINT_MAX]
    lines = sorted((written[key] for key in shared), key=normalize_line)
    return LearnedSite(
        file_id=FAMILY_ID,
        template="family",
        description=f"Lines that are template on at least {FAMILY_MIN_SITES} learned sites",
        pages=sum(t.group.seen for t in templates),
        contents=len(templates),
        fingerprints=fingerprints,
        min_fingerprints=min(FAMILY_MIN_FINGERPRINTS, len(fingerprints)),
        rules=[
            LearnedRule(
                name="shared-lines",
                kind="line",
                pages=min(shared.values()),
                share=min(shared.values()) / len(templates),
                lines=lines,
                note=f"each line is template on at least {FAMILY_MIN_SITES} of {len(templates)} learned sites",
            )
        ],
    )


def _slug(fingerprints: list[str]) -> str:
    """A readable, stable file id for a site known only by its template: named after its shortest
    distinctive line of some length (often the site's name), plus a hash of all its fingerprints."""
    name = min(fingerprints, key=lambda f: (len(normalize_line(f)) < SLUG_MIN_CHARS, len(f), f))
    words = _SLUG.sub("-", normalize_line(name)).strip("-")[:40].strip("-") or "site"
    digest = xxhash.xxh32_hexdigest("\n".join(sorted(normalize_line(f) for f in fingerprints)).encode())[:6]
    return f"{words}-{digest}"
