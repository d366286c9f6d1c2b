"""Metadata of HTML pages: title, date, byline from trafilatura's reading plus JSON-LD, and images.

Images come from <figure> elements before trafilatura runs; caption and credit text that
trafilatura leaves in the body is taken out again by `drop_caption_lines`.
"""

from __future__ import annotations

import json
import re

from lxml import etree
from trafilatura.metadata import extract_metadata

from cleaner.document import Decider, Document, Image
from cleaner.metadata import find_date, parse_byline

_CREDIT_CLASS = re.compile(r"credit|copyright|byline|photographer|source|attribution", re.I)
_CAPTION_CREDIT = re.compile(
    r"\s*[\(\[]?\s*(?:(?:photo|image|picture|photograph|foto)\s*(?:credit)?\s*:|credit\s*:|"
    r"(?:[\w.]+\s+)?photo\s+by\b|photograph\s+by\b|image\s+courtesy\s+of\b|courtesy\s+of\b|©)"
    r"(?P<credit>[^()\[\]]+)[\)\]]?\s*$",
    re.I,
)
_AGENCY_TAIL = re.compile(r"\s+(?P<credit>[^.!?]{2,60}/(?:getty images|afp|reuters|ap|shutterstock|epa)[^.!?]*)$", re.I)


def fill(doc: Document, tree: etree._Element) -> None:
    """Title, date, byline and images of the page, read before any node is pruned."""
    doc.images = figure_images(tree)
    result = extract_metadata(tree, default_url=doc.url)
    doc.title = result.title or None
    doc.date = result.date or None
    doc.url = doc.url or result.url or None
    for candidate in (result.author or "").split(";"):
        byline = parse_byline(candidate)
        if byline:
            doc.byline, doc.authors, doc.byline_source = byline.text, byline.names, byline.source
            break
    if doc.date is None:
        doc.date = json_ld_date(tree)


def figure_images(tree: etree._Element) -> list[Image]:
    """Images with captions and credits from <figure> elements."""
    images = []
    for figure in tree.iter("figure"):
        img = next(figure.iter("img"), None)
        caption_node = next(figure.iter("figcaption"), None)
        credit = None
        for node in figure.iter():
            if node is not figure and _CREDIT_CLASS.search(node.get("class", "") or ""):
                credit = _text(node) or credit
                if credit:
                    break
        caption = _text(caption_node) if caption_node is not None else None
        if caption and credit and caption.endswith(credit):
            caption = caption[: -len(credit)].strip() or None
        if caption and not credit:
            caption, credit = split_credit(caption)
        if caption or credit or img is not None:
            images.append(
                Image(
                    caption=caption,
                    credit=credit,
                    alt=(img.get("alt") or None) if img is not None else None,
                    src=(img.get("src") or img.get("data-src") or None) if img is not None else None,
                )
            )
    return [image for image in images if image.caption or image.credit]


def split_credit(caption: str) -> tuple[str | None, str | None]:
    """`A view of the city. (Photo: Jane Doe/AFP)` -> ("A view of the city.", "Jane Doe/AFP")."""
    for pattern in (_CAPTION_CREDIT, _AGENCY_TAIL):
        match = pattern.search(caption)
        if match:
            head = caption[: match.start()].strip() or None
            return head, match.group("credit").strip(" ()[]") or None
    return caption, None


def json_ld_date(tree: etree._Element) -> str | None:
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        found = re.search(r'"datePublished"\s*:\s*"([^"]+)"', json.dumps(data))
        if found and (date := find_date(found.group(1))):
            return date[0]
    return None


def _text(node) -> str | None:
    text = " ".join("".join(node.itertext()).split())
    return text or None


def drop_caption_lines(doc: Document) -> None:
    """Caption and credit text that trafilatura left in the body leaves it: it is in images."""
    captions = set()
    for image in doc.images:
        for part in (image.caption, image.credit):
            if part:
                captions.add(" ".join(part.split()))
        if image.caption and image.credit:
            captions.add(" ".join(f"{image.caption} {image.credit}".split()))
    for line in doc.lines:
        if line.keep and " ".join(line.text.split()) in captions:
            line.drop("metadata: caption", Decider.METADATA)
