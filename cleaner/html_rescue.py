"""Recall rescue: an article body split over several containers of the same kind.

Sites that interleave ads or inline modules with the text (Condé Nast's `article__chunks`,
paywall "chunks", lazily loaded pages) cut the body into several sibling containers that share
one tag and class. Trafilatura picks the best container and stops there, so the body ends
after the first chunk. This step finds the container that holds trafilatura's paragraphs, looks
for its twins nearby (same tag and class, close in the tree), and brings their paragraphs in,
in document order. Twins that hold little prose (a teaser card with the same class) are left out.
"""

from __future__ import annotations

from collections import Counter

from lxml import etree

from cleaner.document import Line
from cleaner.html_blocks import Block, comparable, own_text
from cleaner.html_settings import (
    RESCUE_MAX_LEVELS,
    RESCUE_MAX_LINK_SHARE,
    RESCUE_MIN_CHARS,
    RESCUE_MIN_MEAN_WORDS,
    RESCUE_VOTE_MIN_CHARS,
)

# Only long paragraphs vote for the body container: selected in C, they are few, and a long
# paragraph's text identifies it.
_LONG_PARAGRAPHS = etree.XPath("//p[string-length(normalize-space()) >= $chars]")


def paragraph_text(element: etree._Element) -> str:
    """A paragraph's text with white space folded, as trafilatura renders it."""
    return " ".join("".join(element.itertext()).split())


def body_container(blocks: list[Block], tree: etree._Element) -> etree._Element | None:
    """The element whose <p> children hold most of the kept body lines."""
    kept = {block.key for block in blocks if block.line.keep and block.tag == "p"}
    if not kept:
        return None
    votes: Counter = Counter()
    for paragraph in _LONG_PARAGRAPHS(tree, chars=RESCUE_VOTE_MIN_CHARS):
        parent = paragraph.getparent()
        if parent is not None and comparable(own_text(paragraph)) in kept:
            votes[parent] += 1
    return votes.most_common(1)[0][0] if votes else None


def twins(container: etree._Element, tree: etree._Element) -> list[etree._Element]:
    """Elements with the container's tag and class whose common ancestor with it is close."""
    css_class = container.get("class")
    if not css_class:
        return []
    ancestors = list(container.iterancestors())[:RESCUE_MAX_LEVELS]
    if not ancestors:
        return []
    found = []
    for candidate in ancestors[-1].iter(container.tag):
        if candidate is container or candidate.get("class") != css_class:
            continue
        if any(a is container for a in candidate.iterancestors()) or any(
            a is candidate for a in container.iterancestors()
        ):
            continue
        found.append(candidate)
    return found


def link_share(element: etree._Element) -> float:
    """Share of the element's characters that are link text."""
    total = len(paragraph_text(element))
    linked = sum(len(paragraph_text(anchor)) for anchor in element.iter("a"))
    return linked / total if total else 1.0


def prose_of(element: etree._Element, known: set[str]) -> list[str]:
    """The element's paragraphs not already in the body, if they read as prose; else nothing."""
    texts = [paragraph_text(p) for p in element.iter("p") if link_share(p) <= RESCUE_MAX_LINK_SHARE]
    texts = [text for text in texts if text and comparable(text) not in known]
    if not texts or sum(map(len, texts)) < RESCUE_MIN_CHARS:
        return []
    if sum(len(text.split()) for text in texts) / len(texts) < RESCUE_MIN_MEAN_WORDS:
        return []
    return texts


def rescue_split_body(blocks: list[Block], tree: etree._Element) -> list[Block]:
    """The blocks with the paragraphs of the body container's twins added in document order."""
    container = body_container(blocks, tree)
    if container is None:
        return blocks
    others = twins(container, tree)
    if not others:
        return blocks
    known = {block.key for block in blocks}
    order = {element: index for index, element in enumerate(tree.iter())}
    position = order[container]
    before: list[Block] = []
    after: list[Block] = []
    for twin in sorted(others, key=order.__getitem__):
        texts = prose_of(twin, known)
        known.update(map(comparable, texts))
        target = before if order[twin] < position else after
        target.extend(Block(line=Line(text=text), tag="p") for text in texts)
    if not before and not after:
        return blocks
    return _insert(blocks, before, after)


def _insert(blocks: list[Block], before: list[Block], after: list[Block]) -> list[Block]:
    """Rescued paragraphs before the first kept paragraph and after the last one."""
    kept = [index for index, block in enumerate(blocks) if block.line.keep and block.tag == "p"]
    first, last = (kept[0], kept[-1]) if kept else (0, len(blocks) - 1)
    return blocks[:first] + before + blocks[first : last + 1] + after + blocks[last + 1 :]
