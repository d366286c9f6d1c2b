"""Trafilatura's output tree as body lines that remember what kind of block they came from.

Why not split trafilatura's text output: the refinements after extraction need to know whether
a line was a heading, a list item or a paragraph, and which texts on the page are link texts.
Rendering each top-level block of the output tree on its own gives the same text as the whole
rendering (checked on the dev pages), with that knowledge attached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from trafilatura.xml import xmltotxt

from cleaner.document import Line
from cleaner.html_settings import CAPTION_MIN_WORDS
from cleaner.text import normalize_text

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(slots=True)
class Block:
    """One body line with the tag of the output block it came from (p, head, list, table, quote...).

    `key` is the line's comparable text, computed once: every refinement step compares it.
    """

    line: Line
    tag: str
    key: str = field(init=False)

    def __post_init__(self) -> None:
        self.key = comparable(self.line.text)


def comparable(text: str | None) -> str:
    """Text reduced to lower-cased word tokens: how lines are compared with titles and link texts."""
    return " ".join(_TOKEN.findall((text or "").lower()))


def blocks_from_body(body: etree._Element | None) -> list[Block]:
    """One Block per non-blank line of each top-level element of trafilatura's output tree."""
    if body is None:
        return []
    blocks: list[Block] = []
    for element in body:
        if not isinstance(element.tag, str):
            continue
        # Loose text after a block (a heading's tail) is a paragraph of its own, not part of the heading.
        tail, element.tail = element.tail, None
        blocks += _lines(xmltotxt(element, False), element.tag)
        element.tail = tail
        blocks += _lines(tail or "", "p")
    return blocks


def _lines(rendered: str, tag: str) -> list[Block]:
    return [
        Block(line=Line(text=piece.strip()), tag=tag) for piece in normalize_text(rendered).split("\n") if piece.strip()
    ]


def link_texts(tree: etree._Element) -> frozenset[str]:
    """The comparable text of every link on the page (each distinct text reduced once: menus repeat)."""
    texts = {own_text(anchor) for anchor in tree.iter("a")}
    return frozenset(key for key in map(comparable, texts) if key)


def own_text(element: etree._Element) -> str:
    """The element's text with its descendants' (`itertext`), quicker for the usual element without children."""
    return "".join(element.itertext()) if len(element) else element.text or ""


def title_candidates(tree: etree._Element, known_title: str | None) -> frozenset[str]:
    """Every way the page states its headline: metadata title, <h1>s, og:title, <title>."""
    found = [known_title]
    found += ["".join(h1.itertext()) for h1 in tree.iter("h1")]
    found += [
        meta.get("content")
        for meta in tree.iter("meta")
        if meta.get("property") == "og:title" or meta.get("name") == "twitter:title"
    ]
    title = tree.find(".//title")
    if title is not None:
        found.append(title.text)
    return frozenset(key for key in map(comparable, found) if key)


def caption_texts(tree: etree._Element) -> frozenset[str]:
    """What the page says about its images: <img> alt and title text, <figcaption> text.

    A body line equal to one of them is a caption that a theme printed under the picture
    outside any <figure> (so the metadata step did not see it), not article text.
    """
    found = [text for img in tree.iter("img") for text in (img.get("alt"), img.get("title")) if text]
    found += ["".join(caption.itertext()) for caption in tree.iter("figcaption")]
    keys = (comparable(text) for text in found)
    return frozenset(key for key in keys if len(key.split()) >= CAPTION_MIN_WORDS)
