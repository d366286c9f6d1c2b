"""HTML pages: prune the tree, extract the body with trafilatura, correct its known mistakes.

The only module that calls trafilatura's extraction. Steps, each switchable (HtmlOptions) so
that bench/html_ablation.py can measure what it is worth:
1. metadata from the whole tree (html_metadata.fill, called by the pipeline), before anything
   is removed; the page's text lines for recognising its site (recognition_lines);
2. pruning: XPath rules, then dialogs, modals and hidden elements (never the visible article),
   then what trafilatura would delete unread (scripts, styles, <head>);
3. trafilatura (fast path: its fallback passes changed nothing on dev) on the pruned tree;
4. its output tree turned into lines that remember their block kind (html_blocks);
5. recall rescue of a body split over twin containers (html_rescue);
6. headline, teaser lists and captions taken out of the body (html_refine).
The body comes back as lines so that the same text rules, metadata and writers apply as for text.
Speed: the whole path must cost no more CPU than trafilatura's own extract() (bench/README.md),
so every pass over the tree is done in C where it can be (XPath, lxml's tag filters), and the
one Python walk over every node (the metadata step's) also finds prune_hidden's candidates.
"""

from __future__ import annotations

import re
from collections import Counter

import trafilatura
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, fromstring
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, INVALID_XML_CHARS

from cleaner import html_depth, html_refine, html_rescue
from cleaner.document import Document
from cleaner.errors import InputError
from cleaner.html_blocks import Block, blocks_from_body, caption_texts, link_texts, title_candidates
from cleaner.html_settings import DEFAULT_OPTIONS, RECOGNITION_MAX_LINES, HtmlOptions
from cleaner.rules import Kind, RuleFile

# trafilatura.load_html's parser settings, with one difference. lxml.html's parser calls a Python
# method to choose each element's class whenever Python code (trafilatura's or ours) first
# touches the element; a fixed lookup done in C yields the same HtmlElement objects (the only
# kind trafilatura accepts) and saves several per cent of the HTML path's CPU (trafilatura's
# extraction included). What is lost: lxml's classes for form elements, which no one here uses.
_PARSER = etree.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def parse(doc: Document) -> HtmlElement:
    tree = load_html(doc.raw)
    if tree is not None and html_depth.hit_parser_limit(tree):  # the parser stopped early: text was lost
        tree = load_html(html_depth.flatten_deep_nesting(doc.raw))
    if tree is None:
        raise InputError("HTML could not be parsed")
    return tree


def load_html(page: str) -> HtmlElement | None:
    """What trafilatura.load_html makes of a decoded page, parsed with _PARSER; None if it is not HTML."""
    beginning = page[:50].lower()
    page = repair_faulty_html(page, beginning)
    tree = _from_string(page)
    if tree is None or len(tree) < 1:  # e.g. a string with an encoding declaration, which lxml refuses
        tree = _from_string(page.encode("utf-8", "surrogatepass"))
    if tree is not None and "html" not in beginning and len(tree) < 2:  # not HTML at all
        return None
    return tree


# The characters that INVALID_XML_CHARS removes (lxml refuses them), looked for one by one: the
# 31 searches for a single character (memchr) cost less than half of one regular-expression scan.
_INVALID_CHARS = tuple(chr(code) for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF))


def repair_faulty_html(page: str, beginning: str) -> str:
    """trafilatura.utils.repair_faulty_html, which load_html applies, with its scan for control
    characters (over the whole page) only run when one occurs."""
    if any(char in page for char in _INVALID_CHARS):
        page = INVALID_XML_CHARS.sub("", page)
    if "doctype" in beginning:  # libxml2 issue: https://bugs.launchpad.net/lxml/+bug/1955915
        first_line, _, rest = page.partition("\n")
        page = DOCTYPE_TAG.sub("", first_line, count=1) + "\n" + rest
    for line in page[:4096].splitlines()[:4]:  # a self-closing <html/> in the first lines
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", page, count=1)
    return page


def _from_string(page: str | bytes) -> HtmlElement | None:
    try:
        return fromstring(page, parser=_PARSER)
    except (ValueError, etree.LxmlError):
        return None


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
# what a reader sees as the article. Plain XPaths (fast, in C) find candidates; the regular
# expressions confirm them (a class "hidden-xs" or "modalities" is not hidden). Each XPath walks
# the attributes of one kind, and they run one after the other: one union of them all costs
# half as much again (sorting), one test of every element against every condition four times.
_HIDDEN_CANDIDATES = etree.XPath("//@role[. = 'dialog']/.. | //@aria-modal[. = 'true']/.. | //@hidden/..")
_HIDDEN_STYLE_CANDIDATES = etree.XPath("//@style[contains(., 'none')]/..")
# The class candidates usually come from the metadata walk (html_metadata.PageFacts.maybe_hidden).
_HIDDEN_CLASS_CANDIDATES = etree.XPath("//@class[contains(., 'odal') or contains(., 'hid') or contains(., 'Hid')]/..")
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:modal\S*|hide|hidden)(?:\s|$)", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.I)


def is_hidden(node: etree._Element) -> bool:
    """A dialog, a modal, or an element the page hides."""
    if node.get("role") == "dialog" or node.get("aria-modal") == "true" or node.get("hidden") is not None:
        return True
    return bool(_HIDDEN_CLASS.search(node.get("class") or "") or _HIDDEN_STYLE.search(node.get("style") or ""))


def prune_hidden(tree: etree._Element, class_candidates: list[etree._Element] | None = None) -> int:
    """Remove dialogs, modals and hidden elements (keeping their tail text); how many were removed.

    `class_candidates`: the elements whose class holds "hid", "Hid" or "odal", when a walk over
    the tree has found them already. The order of removal does not change the result; an element
    found twice is removed once.
    """
    if class_candidates is None:
        class_candidates = _HIDDEN_CLASS_CANDIDATES(tree)
    candidates = (*_HIDDEN_CANDIDATES(tree), *_HIDDEN_STYLE_CANDIDATES(tree), *class_candidates)
    return sum(remove_keeping_tail(node) for node in candidates if is_hidden(node))


def strip_inert(tree: etree._Element) -> None:
    """Remove what trafilatura deletes unread: scripts (JSON-LD excepted), style sheets, and the
    <head> but for the titles that `title_candidates` reads. The text that follows stays.

    Two thirds of a page's characters are script and style text, and a twelfth of its elements
    sit in <head> (dev pages). Every stage of trafilatura deletes them (its tree cleaning, its baseline, its
    page-length measure) after copying them, and reads JSON-LD only (baseline, forum detection):
    without them its extraction costs less, with the same output. It runs after the metadata
    step (which reads more of <head> and, through htmldate, scripts) and after the XPath rules
    (a learned rule names a node by its text, script text included).
    """
    for node in _INERT(tree):
        remove_keeping_tail(node)


_INERT = etree.XPath(
    "//script[not(@type = 'application/ld+json')] | //style | /html/head/*[not(self::title or self::script"
    " or self::meta[@property = 'og:title' or @name = 'twitter:title'])]"
)


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
    doc: Document,
    tree: etree._Element,
    rule_files: list[RuleFile],
    options: HtmlOptions = DEFAULT_OPTIONS,
    maybe_hidden: list[etree._Element] | None = None,
) -> None:
    """Body lines of an HTML document, from its parsed tree (which it prunes); its metadata is read before.

    `maybe_hidden`: prune_hidden's class candidates, when the metadata walk found them.
    """
    prune(tree, doc, rule_files)
    if options.prune_hidden:
        prune_hidden(tree, maybe_hidden)
    if options.strip_inert:
        strip_inert(tree)
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


# Every text node under the given element, found in C.
_TEXT_NODES = etree.XPath(".//text()", smart_strings=False)


def recognition_lines(tree: etree._Element, limit: int = RECOGNITION_MAX_LINES) -> list[str]:
    """The page's distinct visible text lines (no script or style text), for recognising its site or family.

    The lines of `visible_lines` as far as that goes (select_rule_files compares them as a set),
    but gathered by libxml2 rather than a Python walk, and each distinct text folded once. Tails
    of scripts and styles are visible text and count here.
    """
    body = tree.find(".//body")
    root = body if body is not None else tree
    hidden = Counter(node.text for node in root.iter("script", "style", "noscript") if node.text)
    pieces: dict[str, None] = {}
    for piece in _TEXT_NODES(root):
        if hidden.get(piece):
            hidden[piece] -= 1
        elif not piece.isspace():
            pieces[piece] = None
    lines = dict.fromkeys(" ".join(piece.split()) for piece in pieces)
    return [line for line in lines if line][:limit]


def visible_lines(tree: etree._Element, limit: int = RECOGNITION_MAX_LINES) -> list[str]:
    """The page's visible text lines (no script or style) in walk order, as `cleaner learn` reads a page."""
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
