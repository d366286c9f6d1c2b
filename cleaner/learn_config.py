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
# The same on HTML pages, for one-word template lines: learned line rules apply there to the lines
# the extraction kept, and a one-word menu item ("Staff") the extraction drops anyway reads like
# an article's heading ("STAFF", dropped on 2 dev sites' unseen pages: the only learned drops of
# gold lines on HTML). So a one-word template line of HTML pages becomes a rule only when the
# extraction keeps it on the site's own pages. Measured (HTML, learn 1-4, clean 5-8): drop
# precision 0.973 -> 1.000, body F1 0.989 either way, sites worse 2 -> 0. Tried: every template
# line of HTML pages checked so: F1 0.987 and 1 site worse, since the extraction keeps a site's
# boilerplate on some pages and not others, and 34 useful drops were lost with the 2 bad ones.
LEAVE_TO_EXTRACTION = True
EXTRACTION_MAX_WORDS = 1  # longer template lines of HTML pages are rules without the check
CHECK_ROUNDS = 2  # tries: lines dropped by the first rules can let other template lines through
CHECK_PAGES = 4  # pages of the site each try cleans: a line kept on any of them becomes a rule
TEMPLATE_SHARE = 0.5  # a line on at least this share of a site's contents is template
TEMPLATE_MIN_CONTENTS = 2  # ... and on at least this many distinct contents (one page proves nothing)
TEMPLATE_MAX_CHARS = 400  # longer recurring lines are left to the classifier: a rule file stays small
# A line long enough for an exact rule is long enough for a pattern: with 300 here, a site's photo
# captions of ~380 characters with a changing date, kept by the classifier on its learn pages, could
# never be learned (body F1 +0.002 over all dev sites at 400, none worse).
PATTERN_MAX_CHARS = TEMPLATE_MAX_CHARS
PATTERN_MIN_LETTERS = 6  # literal letters a pattern needs besides numbers and months, or it is too generic
PATTERN_MIN_VARIANTS = 2  # a pattern must cover at least this many different lines, else it is an exact line
VARIANT_PAGES = 10  # pages re-read to see a recurring line's varying part: a counter or date shows its changes fast

# --- footer anchor: where a site's article region ends -------------------------------------------
# Below the article, teaser lists change on every page, so no line rule can learn them. A template
# line found after the body the pipeline keeps on every checked page closes the region: a block rule
# drops from it to the end of the page; a page without it is cleaned as before. Two guards, each
# from a measured failure on the dev sites (learn 1-4, clean 5-8): the anchor is matched as written
# (bullets kept, case and spacing folded), since "Wrestling" closing the article on the learn pages
# also showed as the menu item "• - Wrestling" above the article on an unseen page (-0.25 F1); and a
# line found twice on any page of the site is never the anchor, since in the flat folder "• Fashion"
# closed the article on the checked pages but also sat in the top menu of another (-0.88 F1).
# With both: body F1 +0.009 over the line and pattern rules alone, per-site folders and flat alike.
FOOTER_ANCHOR = True
FOOTER_MIN_PAGES = 3  # checked pages the anchor must close the body on (fewer pages prove nothing)
# Share of the body's words (kept above the anchor on a checked page) the rule may cost there: the
# classifier's edge moves when the footer goes, which may shed a byline or breadcrumb, not a paragraph.
FOOTER_MAX_LOST_SHARE = 0.1

# --- header anchors: where a site's article region starts ----------------------------------------
# Above the article, menus and teasers change too. A block from the template line opening the page
# to the template line closing the header (both before the body on every checked page, never twice
# on a page) drops them; its end is required (Rule.end_required), since a block running from a page's
# top to its end would drop the whole page when the end line is missing (tried without: 6 sites lost
# 0.25-0.74 F1). Besides the footer's body-cost check, a header is kept only when the pipeline keeps
# no line above the body that it dropped without the header (learn_check.keeps_top): with the menu
# gone, a page's title line or phone number above it was kept on the learn pages of 8 sites, and
# 3 of them (nbcdfw, lhpat, ign) lost 0.002-0.010 F1 on unseen pages; the other 5 gained nothing.
# Measured (learn 1-4, clean 5-8): body F1 0.953 -> 0.959 per-site folders, 0.952 -> 0.958 flat.
# Tried and dropped: making the template lines between a block and the article rules (the article's
# new neighbours once the block is gone): 7 sites worse instead of 3, by up to 0.04 (LEAVE_TO_CLASSIFIER).
HEADER_ANCHOR = True
HEADER_MIN_PAGES = FOOTER_MIN_PAGES  # the same evidence as for a footer
HEADER_MAX_LOST_SHARE = FOOTER_MAX_LOST_SHARE  # ... and the same cost on the checked pages' bodies

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
