"""HTML pages: prune the tree, extract the body with trafilatura, correct its known mistakes.

The only module that calls trafilatura's extraction. Steps, each switchable (HtmlOptions) so
that bench/html_ablation.py can measure what it is worth:
1. metadata from the whole tree (html_metadata.fill), before anything is removed;
2. pruning: XPath rules, then dialogs, modals and hidden elements (never the visible article);
3. trafilatura (fast path: its fallback passes changed nothing on dev) on the pruned tree;
4. its output tree turned into lines that remember their block kind (html_blocks);
5. recall rescue of a body split over twin containers (html_rescue);
6. headline, teaser lists and captions taken out of the body (html_refine).
The body comes back as lines so that the same text rules, metadata and writers apply as for text.
"""

from __future__ import annotations

import re

import trafilatura
from lxml import etree

from cleaner import html_depth, html_metadata, html_refine, html_rescue
from cleaner.document import Document
from cleaner.errors import InputError
from cleaner.html_blocks import Block, blocks_from_body, caption_texts, link_texts, title_candidates
from cleaner.html_settings import DEFAULT_OPTIONS, HtmlOptions
from cleaner.rules import Kind, RuleFile


def parse(doc: Document) -> etree._Element:
    tree = trafilatura.load_html(doc.raw)
    if tree is not None and html_depth.hit_parser_limit(tree):  # the parser stopped early: text was lost
        tree = trafilatura.load_html(html_depth.flatten_deep_nesting(doc.raw))
    if tree is None:
        raise InputError("HTML could not be parsed")
    return tree


def prune(tree: etree._Element, doc: Document, rule_files: list[RuleFile]) -> None:
    """Remove the nodes that XPath rules name, keeping the text that follows them."""
    for rule_file in rule_files:
        for rule in rule_file.rules:
            if rule.kind is not Kind.XPATH or not rule.enabled:
                continue
            try:
                nodes = rule.xpath(tree)
            except etree.XPathError:
                continue
            removed = sum(remove_keeping_tail(node) for node in (nodes if isinstance(nodes, list) else []))
            if removed:
                doc.note_rule(rule.id)


# Dialogs (sign-in, comment rules, newsletter pop-ups) and elements marked hidden (`hidden`,
# display:none, class hide/hidden: error messages, print-only headers, closed widgets) are not
# what a reader sees as the article. A plain XPath (fast, in C) finds candidates; the regular
# expressions confirm them (a class "hidden-xs" or "modalities" is not hidden).
_HIDDEN_CANDIDATES = etree.XPath(
    "//*[@role='dialog' or @aria-modal='true' or @hidden or contains(@style, 'none')"
    " or contains(@class, 'odal') or contains(@class, 'hid') or contains(@class, 'Hid')]"
)
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:modal\S*|hide|hidden)(?:\s|$)", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.I)


def is_hidden(node: etree._Element) -> bool:
    """A dialog, a modal, or an element the page hides."""
    if node.get("role") == "dialog" or node.get("aria-modal") == "true" or node.get("hidden") is not None:
        return True
    return bool(_HIDDEN_CLASS.search(node.get("class") or "") or _HIDDEN_STYLE.search(node.get("style") or ""))


def prune_hidden(tree: etree._Element) -> int:
    """Remove dialogs, modals and hidden elements (keeping their tail text); how many were removed."""
    return sum(remove_keeping_tail(node) for node in _HIDDEN_CANDIDATES(tree) if is_hidden(node))


def remove_keeping_tail(node: object) -> bool:
    """Remove an element from its tree; the text that follows it stays. False if there is nothing to remove."""
    if not isinstance(node, etree._Element) or node.getparent() is None:
        return False
    parent, tail = node.getparent(), node.tail
    if tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)
    return True


def extract(
    doc: Document, tree: etree._Element, rule_files: list[RuleFile], options: HtmlOptions = DEFAULT_OPTIONS
) -> None:
    """Body lines and metadata of an HTML document, from its parsed tree (which it prunes)."""
    # Metadata first: XPath rules may remove the page header that holds the byline and date.
    html_metadata.fill(doc, tree)
    prune(tree, doc, rule_files)
    if options.prune_hidden:
        prune_hidden(tree)
    result = trafilatura.bare_extraction(
        tree, url=doc.url, include_comments=False, include_tables=True, fast=options.fast
    )
    blocks = blocks_from_body(result.body if result is not None else None)
    blocks = refine(blocks, tree, doc.title, options)
    doc.lines = [block.line for block in blocks]


def refine(blocks: list[Block], tree: etree._Element, title: str | None, options: HtmlOptions) -> list[Block]:
    """Add what trafilatura missed (html_rescue), take out what it kept that is not the article (html_refine)."""
    if options.rescue_split_body:
        blocks = html_rescue.rescue_split_body(blocks, tree)
    if options.drop_headline:
        html_refine.drop_headline(blocks, title_candidates(tree, title))
    if options.drop_tail_teasers:
        html_refine.drop_tail_teasers(blocks, link_texts(tree))
    if options.drop_captions:
        html_refine.drop_captions(blocks, caption_texts(tree))
    return blocks


def visible_lines(tree: etree._Element, limit: int = 2000) -> list[str]:
    """The page's visible text lines (no script or style), for recognising its site or family."""
    lines: list[str] = []
    body = tree.find(".//body")
    for node in (body if body is not None else tree).iter():
        if node.tag in ("script", "style", "noscript") or not isinstance(node.tag, str):
            continue
        for piece in (node.text, node.tail):
            if piece and piece.strip():
                lines.append(" ".join(piece.split()))
        if len(lines) >= limit:
            break
    return lines
