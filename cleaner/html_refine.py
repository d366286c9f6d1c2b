"""Corrections to trafilatura's body where it is known to keep what is not the article.

Three general mistakes, measured on the dev pages (see bench/README.md):
- the headline (and the standfirst under it) opens the body when the <h1> sits inside the
  article element; the headline belongs to `title`, never to the body;
- teaser lists after the article (related stories, video lists, "more from") survive because
  they sit inside the same container as the article. Their lines are the texts of links;
- image captions printed as plain text under the picture (no <figure>), equal to its alt text.
Every step only drops lines, each with its reason, so `cleaner explain` shows why.
"""

from __future__ import annotations

from cleaner.document import Decider
from cleaner.html_blocks import Block
from cleaner.html_settings import (
    HEADLINE_MIN_PARTIAL_CHARS,
    HEADLINE_SEARCH_BLOCKS,
    PRE_HEADLINE_MAX_SHARE,
    PROSE_MIN_WORDS,
    TEASER_MIN_PREFIX_WORDS,
    TEASER_MIN_RUN,
)


def is_title(key: str, titles: frozenset[str]) -> bool:
    """A line is the headline when it equals a title candidate, or is a long enough part of one
    (`<title>` carries the site name: "Story - Site" holds "Story")."""
    if not key:
        return False
    if key in titles:
        return True
    padded = f" {key} "
    return len(key) >= HEADLINE_MIN_PARTIAL_CHARS and any(padded in f" {title} " for title in titles)


def drop_headline(blocks: list[Block], titles: frozenset[str]) -> None:
    """Drop the headline line, the headings right under it (the dek) and a short lead-in above it."""
    limit = min(len(blocks), HEADLINE_SEARCH_BLOCKS)
    found = next((i for i in range(limit) if blocks[i].line.keep and is_title(blocks[i].key, titles)), None)
    if found is None:
        return
    blocks[found].line.drop("html: headline (in title)", Decider.METADATA)
    after = found + 1
    while after < len(blocks) and blocks[after].tag == "head":
        blocks[after].line.drop("html: standfirst under the headline", Decider.METADATA)
        after += 1
    before = sum(len(block.line.text) for block in blocks[:found])
    total = sum(len(block.line.text) for block in blocks) or 1
    if before / total <= PRE_HEADLINE_MAX_SHARE:
        for block in blocks[:found]:
            if block.line.keep:
                block.line.drop("html: above the headline", Decider.METADATA)


def is_link_line(block: Block, links: frozenset[str]) -> bool:
    """The line is a link's text, or (a list item) starts with one: a teaser for another page."""
    key = block.key
    if not key:
        return False
    if key in links:
        return True
    if block.tag != "list":
        return False
    words = key.split()
    return any(" ".join(words[:n]) in links for n in range(TEASER_MIN_PREFIX_WORDS, len(words)))


def is_prose(block: Block, links: frozenset[str]) -> bool:
    """A paragraph long enough to be article text and not a link."""
    return block.tag == "p" and len(block.key.split()) >= PROSE_MIN_WORDS and not is_link_line(block, links)


def drop_tail_teasers(blocks: list[Block], links: frozenset[str]) -> None:
    """After the last prose paragraph, drop runs of link lines (at least TEASER_MIN_RUN long)."""
    kept_prose = (i for i in reversed(range(len(blocks))) if blocks[i].line.keep and is_prose(blocks[i], links))
    last_prose = next(kept_prose, None)  # searched from the end: the blocks before it need no test
    if last_prose is None:
        return
    run: list[Block] = []
    for block in [*blocks[last_prose + 1 :], None]:
        if block is not None and block.line.keep and is_link_line(block, links):
            run.append(block)
            continue
        if len(run) >= TEASER_MIN_RUN:
            for teaser in run:
                teaser.line.drop("html: teaser links after the article", Decider.CLASSIFIER)
        run = []


def drop_captions(blocks: list[Block], captions: frozenset[str]) -> None:
    """Drop paragraph lines that repeat an image's alt text or caption: they describe a picture.

    Headings are left alone: a recipe or section heading often doubles as its picture's alt text.
    """
    for block in blocks:
        if block.line.keep and block.tag == "p" and block.key in captions:
            block.line.drop("html: image caption", Decider.METADATA)
