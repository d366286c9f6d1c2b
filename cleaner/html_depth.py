"""Pages nested deeper than the HTML parser goes: flatten them so that no text is silently lost.

libxml2 (lxml, trafilatura) stops building the tree at 256 levels of nesting and drops the
rest of the page without an error: every paragraph after the deep part disappears. Old pages
with unclosed <font> or <div> tags reach that depth, and so does hostile input. Browsers
flatten instead (elements beyond their limit become siblings); this module does the same, but
only for a page whose parsed tree actually reached the limit, so every other page is parsed
exactly as before.
"""

from __future__ import annotations

import re

from lxml import etree

# libxml2's nesting limit (without XML_PARSE_HUGE); a tree this deep was cut off by the parser.
PARSER_MAX_DEPTH = 256
# Tags nesting deeper than this are removed (their text stays): well below the parser's limit,
# far above any real page's structure.
FLATTEN_DEPTH = 128

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:\s[^>]*)?>")
# Void elements have no end tag, and the parser closes these itself: neither adds nesting.
_VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr")
_IMPLICITLY_CLOSED = ("p", "li", "dt", "dd", "tr", "td", "th", "option")
_NOT_NESTING = frozenset(_VOID + _IMPLICITLY_CLOSED)


# Is there an element PARSER_MAX_DEPTH - 2 levels down (html and body count too)? One XPath
# walk in C, several times faster than walking the tree from Python.
_AT_PARSER_LIMIT = etree.XPath("boolean(" + "/*" * (PARSER_MAX_DEPTH - 2) + ")")


def hit_parser_limit(tree: etree._Element) -> bool:
    """Whether the parsed tree is as deep as the parser goes, i.e. the parser stopped early."""
    return bool(_AT_PARSER_LIMIT(tree))


def flatten_deep_nesting(html: str) -> str:
    """The page without the tags that nest deeper than FLATTEN_DEPTH; all text is kept."""
    pieces: list[str] = []
    depth, last = 0, 0
    for tag in _TAG.finditer(html):
        if tag.group(2).lower() in _NOT_NESTING or tag.group(0).endswith("/>"):
            continue
        closing = tag.group(1) == "/"
        deep = (depth if closing else depth + 1) > FLATTEN_DEPTH
        depth = max(0, depth - 1) if closing else depth + 1
        if deep:
            pieces.append(html[last : tag.start()])
            last = tag.end()
    pieces.append(html[last:])
    return "".join(pieces)
