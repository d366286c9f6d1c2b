"""What `cleaner learn` keeps of each page: hashes of its lines, never the lines themselves.

Learning must stay bounded on a large crawl, so a page is read once, reduced to a sketch of
64-bit xxhash values (its distinct normalised lines, the "shapes" of lines with a varying part,
its prose lines, its opening and closing lines, its HTML nodes) and its text is dropped. The
texts of the few lines that become rules are fetched again later (`page_lines`).
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import xxhash
from lxml import etree

from cleaner import html, text
from cleaner.document import Document, Format
from cleaner.errors import InputError
from cleaner.learn_config import (
    PATTERN_MAX_CHARS,
    PATTERN_MIN_LETTERS,
    PROSE_CHARS,
    SIGNATURE_LINES,
    SIGNATURE_MAX_CHARS,
    SIGNATURE_MIN_CHARS,
    XPATH_MAX_CHARS,
    XPATH_MIN_CHARS,
)
from cleaner.readers import Source, decode
from cleaner.rules import normalize_line
from cleaner.sites import registered_domain

_NUMBER = re.compile(r"\d+")
# Month and weekday names (English, full or abbreviated): the words of a date that change.
DATE_WORD = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b\.?",
    re.I,
)
# The same words as an RE2 pattern in a learned rule: any date word fits any slot.
DATE_WORD_PATTERN = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_LETTER = re.compile(r"[^\W\d_]")
_XML_SPACE = re.compile(r"[ \t\r\n]+")  # the white space XPath's normalize-space() folds
NUMBER_SLOT, DATE_SLOT = "\x01", "\x02"  # placeholders of the varying parts inside a shape


def line_hash(normalized: str) -> int:
    """The 64-bit identity of a normalised line (xxhash: fast, and collisions are negligible)."""
    return xxhash.xxh3_64_intdigest(normalized.encode("utf-8", "surrogatepass"))


def shape_of(normalized: str) -> str | None:
    """The line with numbers and month and day names as slots ("posted on \\x02 \\x01, \\x01"), or None.

    None when nothing varies, when the line is too long to be a template line with a counter or
    date, or when too few literal letters remain (a bare date must not become a pattern that
    drops every date line in an article).
    """
    if len(normalized) > PATTERN_MAX_CHARS or not _NUMBER.search(normalized):
        return None  # a date or counter has digits: a line without any is not worth the date-word search
    shape = DATE_WORD.sub(DATE_SLOT, _NUMBER.sub(NUMBER_SLOT, normalized))
    if shape == normalized or len(_LETTER.findall(DATE_WORD.sub("", shape))) < PATTERN_MIN_LETTERS:
        return None
    return shape


@dataclass(slots=True)
class PageSketch:
    """A page reduced to hashes: all `learn` remembers of it between reading and writing rules."""

    source: Source
    site: str | None  # registered domain when the page states its URL
    format: Format
    lines: array  # sorted distinct hashes of its normalised lines ('Q')
    shapes: array  # sorted distinct hashes of its line shapes ('Q')
    prose: frozenset[int]  # hashes of its prose lines: what near-duplicate contents share
    signature: frozenset[int]  # hashes of its short opening and closing lines: its template
    nodes: array  # sorted distinct hashes of (tag path, text) of its HTML nodes ('Q')
    paths: array  # sorted hashes of the tag paths found once on the page: a path whose text varies is content
    repeated: frozenset[int]  # hashes of the lines found more than once on the page: never a footer anchor


@dataclass(slots=True)
class PageText:
    """A page's lines and HTML nodes as text, for the few pages whose texts become rules."""

    lines: list[str]
    nodes: list[tuple[str, str, str]]  # (path of the node, its normalised text, its text as XPath sees it)


def read_page(source: Source) -> tuple[Document, PageText]:
    """Decode a source like `clean` does and return its lines (and HTML nodes); raises InputError."""
    decoded = decode(source.read_bytes())
    doc = Document(id=source.id, raw=decoded.text, format=decoded.format, url=source.url or decoded.url)
    if decoded.format is Format.HTML:
        tree = html.parse(doc)
        return doc, PageText(lines=html.visible_lines(tree), nodes=list(node_texts(tree)))
    _, texts = text.split_and_unwrap(text.normalize_text(decoded.text))
    return doc, PageText(lines=texts, nodes=[])


def sketch_page(source: Source) -> PageSketch:
    """Read one page and keep only its hashes; raises InputError for a page that cannot be read."""
    doc, page = read_page(source)
    normalized = [normalize_line(line) for line in page.lines]
    normalized = [line for line in normalized if line]
    if not normalized:
        raise InputError("no text lines")
    shapes = {shape for line in normalized if (shape := shape_of(line))}
    short = [line for line in normalized if SIGNATURE_MIN_CHARS <= len(line) <= SIGNATURE_MAX_CHARS]
    ends = short[:SIGNATURE_LINES] + short[-SIGNATURE_LINES:]
    # Only nodes whose path is unique on the page: a rule naming the path then names that node alone.
    unique = Counter(path for path, _, _ in page.nodes)
    return PageSketch(
        source=source,
        site=registered_domain(doc.url),
        format=doc.format,
        lines=_hash_array(normalized),
        shapes=_hash_array(shapes),
        prose=frozenset(line_hash(line) for line in normalized if len(line) >= PROSE_CHARS),
        signature=frozenset(line_hash(line) for line in ends),
        nodes=_hash_array(node_key(path, node_text) for path, node_text, _ in page.nodes if unique[path] == 1),
        paths=_hash_array(path for path, count in unique.items() if count == 1),
        repeated=frozenset(line_hash(line) for line, count in Counter(normalized).items() if count > 1),
    )


def _hash_array(lines) -> array:
    return array("Q", sorted({line_hash(line) for line in lines}))


def node_key(path: str, node_text: str) -> str:
    return f"{path}\x00{node_text}"


def node_texts(tree: etree._Element) -> Iterator[tuple[str, str, str]]:
    """(tag/id/class path, normalised text, text as XPath's normalize-space sees it) of short-text elements.

    The path names each ancestor by tag and, when present, id and class, so that it stays the
    same from page to page of a site while positions ([3]) would shift with the content.
    """
    body = tree.find(".//body")
    if body is None:
        return
    for node in body.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "noscript"):
            continue
        written = _XML_SPACE.sub(" ", "".join(node.itertext())).strip()
        node_text = normalize_line(written)
        if XPATH_MIN_CHARS <= len(node_text) <= XPATH_MAX_CHARS:
            yield element_path(node), node_text, written


def element_path(node: etree._Element) -> str:
    """An XPath naming the node by the tag, id and class of it and its ancestors."""
    steps = []
    while node is not None and isinstance(node.tag, str):
        steps.append(_step(node))
        if node.get("id"):
            return "//" + "/".join(reversed(steps))
        node = node.getparent()
    return "/" + "/".join(reversed(steps))


def _step(node: etree._Element) -> str:
    node_id, node_class = node.get("id"), node.get("class")
    if node_id and _plain(node_id):
        return f"{node.tag}[@id='{node_id}']"
    if node_class and _plain(node_class):
        return f"{node.tag}[@class='{' '.join(node_class.split())}']"
    return str(node.tag)


def _plain(value: str) -> bool:
    """Whether an attribute value can be quoted in XPath 1.0 (no quote characters to escape)."""
    return "'" not in value and '"' not in value and len(value) <= 100
