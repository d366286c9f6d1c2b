"""Every threshold `cleaner learn` uses, in one place (jusText style), each with why it has its value.

Shares are over a site's *distinct contents*: near-duplicate pages (the same article twice, or
syndicated) count once, so an article republished on several pages never looks like template.
"""

from __future__ import annotations

# --- which sites are learned -----------------------------------------------------------------
MIN_PAGES = 3  # a site needs this many pages (default of --min-pages): with two, any shared line looks like template
SAMPLE_PAGES = 200  # pages per site looked at (default of --sample): enough for shares, bounds memory

# --- grouping text pages with no URL by their template -----------------------------------------
SIGNATURE_LINES = 40  # opening and closing lines per page that form its template signature
SIGNATURE_MIN_CHARS = 8  # shorter lines ("Home", "News") are on every site: they say nothing about which
SIGNATURE_MAX_CHARS = 100  # longer lines are prose, which syndication shares across sites: not a signature
CLUSTER_MIN_OVERLAP = 0.3  # share of a page's signature a site's profile must hold for the page to join it
PROFILE_MIN_PAGES = 3  # a site's profile keeps only recurring lines once it has this many pages
PROFILE_SHARE = 0.3  # ... lines seen on at least this share of its pages

# --- near-duplicate contents (the syndication guard) ---------------------------------------------
PROSE_CHARS = 100  # a line this long is prose: the unit in which contents are compared
CONTENT_EXCLUDE_SHARE = 0.8  # prose on this share of a site's pages is its template, not content
DUPLICATE_JACCARD = 0.5  # two pages sharing this share of their prose lines carry the same content

# --- template lines and patterns -----------------------------------------------------------------
# On text pages, a template line the pipeline drops by itself (a menu item, a short link) is not
# made a rule: kept for the classifier, it separates the article from the teasers around it and
# shapes the neighbourhood the classifier reads; a rule removing it would only take that away.
# So each site's template lines are tried on its own pages (learn_check): a line becomes a rule
# only when the pipeline keeps it there. Measured on the dev sites (learn 1-4, clean 5-8): with
# every template line a rule, 8 sites got worse (by up to 0.09 F1); this way 1, by 0.003.
LEAVE_TO_CLASSIFIER = True
CHECK_ROUNDS = 2  # tries: lines dropped by the first rules can let other template lines through
CHECK_PAGES = 4  # pages of the site each try cleans: a line kept on any of them becomes a rule
TEMPLATE_SHARE = 0.5  # a line on at least this share of a site's contents is template
TEMPLATE_MIN_CONTENTS = 2  # ... and on at least this many distinct contents (one page proves nothing)
TEMPLATE_MAX_CHARS = 400  # longer recurring lines are left to the classifier: a rule file stays small
PATTERN_MAX_CHARS = 300  # longer lines with a varying part (dates, counters) are not generalised
PATTERN_MIN_LETTERS = 6  # literal letters a pattern needs besides numbers and months, or it is too generic
PATTERN_MIN_VARIANTS = 2  # a pattern must cover at least this many different lines, else it is an exact line
VARIANT_PAGES = 10  # pages re-read to see a recurring line's varying part: a counter or date shows its changes fast

# --- fingerprints: recognising a site's text pages with no URL -----------------------------------
FINGERPRINT_SHARE = 0.75  # a fingerprint line is on at least this share of the site's contents
FINGERPRINT_MIN_CHARS = 8  # shorter lines ("Home", "News") are on every site
FINGERPRINT_MAX = 10  # fingerprint lines written per site
FINGERPRINT_MIN_HITS = 3  # fingerprints a page must show to be recognised (fewer when the site has fewer)
FINGERPRINT_MIN_LINES = 2  # a site with fewer distinctive lines than this cannot be recognised safely

# --- families: template lines shared by many sites ------------------------------------------------
FAMILY_MIN_SITES = 3  # a line that is template on this many learned sites is a family line
FAMILY_MIN_FINGERPRINTS = 2  # family lines a page must show for the family rules to apply
FAMILY_MAX_CHARS = 80  # longer shared lines are kept per site: a family file holds short chrome only

# --- HTML: DOM nodes with identical text on many pages -------------------------------------------
XPATH_MIN_CHARS = 3  # a node with less text is layout, not boilerplate worth a rule
XPATH_MAX_CHARS = 300  # text of a node a rule may name exactly
XPATH_MAX_RULES = 200  # per site: the nodes seen on most pages first
