"""Thresholds and switches of the HTML path, in one place (jusText style).

Each value was chosen by measurement on the dev pages; `bench/html_ablation.py` turns each
mechanism off in turn and `bench/README.md` records what it is worth. Change a value here and
re-run the ablation, never tune a value for one page.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- recognising the page's site or family (rule files scoped by fingerprints) ----------------
RECOGNITION_MAX_LINES = 2000  # fingerprints are looked for among the page's first this many text lines

# --- headline and standfirst at the top of trafilatura's body ---------------------------------
# Trafilatura keeps the article's <h1> (and often the dek under it) when they sit inside the
# article element; gold bodies never start with the headline, which lives in `title`.
HEADLINE_SEARCH_BLOCKS = 8  # the headline is looked for among the first this many body lines
HEADLINE_MIN_PARTIAL_CHARS = 20  # a shorter line must equal a title candidate; a longer one may be a part of it
# Lines before the headline (kicker, section name, a sidebar item trafilatura swept in) go too,
# unless they hold more than this share of the body's characters: then the headline is a
# repeated one further down and what precedes it is the article.
PRE_HEADLINE_MAX_SHARE = 0.2

# --- teaser links after the article -----------------------------------------------------------
# After the last prose paragraph, lines whose text is the text of a link on the page (or, for
# list items, begins with one) are teasers for other pages: related stories, "more from", video
# lists. A single such line is let through (it is as often the article's own last link).
TEASER_MIN_RUN = 2
PROSE_MIN_WORDS = 12  # a paragraph with this many words is article prose: where the teaser search starts
TEASER_MIN_PREFIX_WORDS = 3  # a list item counts as a teaser when its first words (this many or more) are a link

# --- captions printed as body text --------------------------------------------------------------
CAPTION_MIN_WORDS = 3  # an image alt or caption this long, repeated as a body line, is a caption there

# --- recall rescue: a body split over twin containers -----------------------------------------
RESCUE_VOTE_MIN_CHARS = 150  # paragraphs this long locate the body's container (shorter ones are not unique)
RESCUE_MAX_LEVELS = 4  # a twin container shares an ancestor with the body's within this many levels
RESCUE_MIN_CHARS = 200  # a twin adds at least this much new paragraph text, or it is a card, not a chunk
RESCUE_MIN_MEAN_WORDS = 12  # and its paragraphs average this many words: prose, not a link list
RESCUE_MAX_LINK_SHARE = 0.5  # a paragraph more than this much link text is a teaser box, never rescued


@dataclass(frozen=True, slots=True)
class HtmlOptions:
    """Which mechanisms of the HTML path run; all on by default, off one at a time in the ablation."""

    fast: bool = True  # trafilatura without its fallback extractors: same dev F1, less CPU (bench/README.md)
    strip_inert: bool = True  # scripts, styles, <head> removed before trafilatura (which deletes them unread): CPU
    prune_hidden: bool = True
    rescue_split_body: bool = True
    drop_headline: bool = True
    drop_tail_teasers: bool = True
    drop_captions: bool = True


DEFAULT_OPTIONS = HtmlOptions()
