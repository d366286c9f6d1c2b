"""HTML pages: prune the tree with XPath rules, extract the body with trafilatura, read metadata.

The only module that imports trafilatura. The body comes back as lines (trafilatura's
paragraphs) so that the same text rules, metadata and writers apply as for plain text.
"""

from __future__ import annotations

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from cleaner import html_metadata
from cleaner.document import Document, Line
from cleaner.errors import InputError
from cleaner.rules import Kind, RuleFile
from cleaner.text import normalize_text


def parse(doc: Document) -> etree._Element:
    tree = trafilatura.load_html(doc.raw)
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
            removed = 0
            for node in nodes if isinstance(nodes, list) else []:
                if isinstance(node, etree._Element) and node.getparent() is not None:
                    node.drop_tree() if isinstance(node, lxml_html.HtmlElement) else node.getparent().remove(node)
                    removed += 1
            if removed:
                doc.note_rule(rule.id)


def extract(doc: Document, tree: etree._Element, rule_files: list[RuleFile]) -> None:
    """Body lines and metadata of an HTML document, from its parsed tree (which it prunes)."""
    # Metadata first: XPath rules may remove the page header that holds the byline and date.
    html_metadata.fill(doc, tree)
    prune(tree, doc, rule_files)
    result = trafilatura.bare_extraction(tree, url=doc.url, include_comments=False, include_tables=True)
    if result is None:
        doc.lines = []
        return
    body = normalize_text(result.text or "")
    doc.lines = [Line(text=p.strip()) for p in body.split("\n") if p.strip()]


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
