"""Metadata of HTML pages: title, date, byline and images, read from the lxml tree in one pass.

Why our own reader and not trafilatura's `extract_metadata`: that one runs htmldate's extensive
search on every page, which costs about as much as the body extraction itself. Pages state their
metadata in a handful of places (meta tags, JSON-LD, `<time>`, `<h1>`, `<title>`, byline nodes);
one walk over the tree collects them all, and htmldate (fast settings) runs only when none of
them gives a date. `fill` runs before any pruning: XPath rules may remove the page header.

Trust order, most explicit first:
- title: og:title, JSON-LD headline, twitter:title, the article's `<h1>`, `<title>`; the site
  name is removed from whichever wins (`Story | WIRED` -> `Story`).
- date: JSON-LD datePublished, published-time meta tags, itemprop=datePublished, a `<time>` in
  the article header, htmldate; never a future date, never one from comments or teasers.
- byline: JSON-LD author, author meta tags, the visible byline node (never inside comments,
  asides or related-story lists); names only, outlet to `byline_source`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass, field

from lxml import etree

from cleaner.document import Decider, Document, Image
from cleaner.metadata import (
    EARLIEST_YEAR,
    EMAIL,
    UPDATED_STAMP,
    Byline,
    byline_in_line,
    find_date,
    parse_byline,
)

# --- thresholds and vocabularies, in one place ------------------------------------------------
TITLE_SUFFIX_MAX_WORDS = 4  # a `<title>` tail this short after a separator is the site name
H1_MIN_WORDS = 2  # a one-word <h1> is a logo or a section name, not a headline
BYLINE_NODE_MAX_CHARS = 200  # a longer "author" node is an author bio box, not a byline
FUTURE_SLACK_DAYS = 1  # a timestamp in a timezone ahead of ours may read as tomorrow
CAPTION_MAX_CHARS = 600  # longer "captions" are body text that a theme wrapped in a figure
HEADER_TEXTS = 30  # how many text pieces after the headline may hold the dateline or byline
HEADER_DATE_MAX_WORDS = 10  # a dated header text longer than this is a teaser or a sentence, not a dateline
HEADER_TEXT_MAX_CHARS = 160  # a longer piece is the first paragraph: the header has ended

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "blogposting",
    "socialmediaposting",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "pressrelease",
}
_PAGE_TYPES = {"webpage", "itempage", "collectionpage", "medicalwebpage", "aboutpage"}
# Meta tag keys (name, property or itemprop, lower-cased), most trusted first.
_TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title")
_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "original-publish-date",
    "article:published",
    "datecreated",
)
_AUTHOR_KEYS = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "twitter:creator:name",
)
_SITE_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:·»\-]{1,2}\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?)\]])")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\D|$)")
_URL = re.compile(r"^\s*(https?:)?//|^\s*www\.|@\w+\.\w")
# Where a date, byline or headline must never come from: comments, teasers, page furniture.
# Matched against lower-cased classes (_off_article_classes): an alternation compiled with re.I
# costs several times more, and it runs on every ancestor of every candidate node.
_OFF_ARTICLE = re.compile(
    r"comment|respond|reply|related|recommend|teaser|sidebar|widget|promo|newsletter|more-stories|"
    r"read-next|trending|popular|site-footer|page-footer|global-footer|colophon|\bnav|menu|breadcrumb|share|social|"
    r"outbrain|taboola"
)
_OFF_ARTICLE_TAGS = {"aside", "nav"}  # not <footer>: a post's own footer holds its author (Blogger)
_INVISIBLE_TAGS = {"script", "style", "noscript", "template", "svg"}
# _BYLINE_CLASS and _HEADLINE_CLASS run on lower-cased classes: they are tried on many nodes, and
# an alternation compiled with re.I costs several times more.
_BYLINE_CLASS = re.compile(r"byline|\bauthor|writer|reporter|contributor|article-by|\bby\b")
_PUBLISHED_CLASS = re.compile(r"publish|posted|entry-date|post-date|article-date|dateline|timestamp|date", re.I)
_CAPTION_CONTAINER = re.compile(r"wp-caption(?![\w-])|tr-caption-container|image-with-caption|media-with-caption", re.I)
_TITLE_CLASS = re.compile(r"(?:^|\s)(?:caption-title|image-title|photo-title|title)(?:\s|$)", re.I)
_CREDIT_PREFIX = re.compile(
    r"^\s*(?:(?:photo(?:graph)?|image|picture|foto)s?\s*(?:credit|by)?|credit|by)\s*:\s*|^\s*(?:photo(?:graph)?|image)\s+by\s+",
    re.I,
)
_HEADLINE_CLASS = re.compile(r"\b(?:entry-title|post-title|article-title|story-title|headline)\b")
_CAPTION_CLASS = re.compile(r"caption|cutline|legend", re.I)
_CREDIT_CLASS = re.compile(r"credit|copyright|photographer|attribution|image-source|photo-source", re.I)
_CAPTION_CREDIT = re.compile(
    r"\s*[\(\[]?\s*(?:(?:photo|image|picture|photograph|foto)s?\s*(?:credit)?\s*:|credit\s*:|"
    r"(?:[\w.]+\s+)?photo\s+by\b|photograph\s+by\b|image\s+courtesy\s+of\b|courtesy\s+of\b|©)"
    r"(?P<credit>[^()\[\]]+)[\)\]]?\s*$",
    re.I,
)
_AGENCY_TAIL = re.compile(
    r"\s+(?P<credit>[^.!?]{2,60}/(?:getty images|afp|reuters|ap|shutterstock|epa|bloomberg|alamy|pool)[^.!?]*)$",
    re.I,
)
_IMAGE_ID = re.compile(r"\b(?:VIRIN|image id|photo id)\s*:\s*(?P<id>[\w-]+)", re.I)
_FOLDED_IMAGE_ID = re.compile(r"\b(?:virin|image id|photo id)\s*:\s*[\w-]+")  # for lower-cased text: no re.I cost
_FOUR_ALNUM = re.compile(r"[^\W_](?:[\W_]*[^\W_]){3}")  # a line with this is more than leftovers of captions
# Every class or id that _BYLINE_CLASS or _HEADLINE_CLASS matches holds one of these once
# lower-cased (and every one _CAPTION_CONTAINER matches holds "caption"): fast first checks for
# the walk in `collect`.
_MARK_HINT = re.compile(r"by|author|writer|reporter|contributor|(?:entry|post|article|story)-title|headline")
# The nodes with an itemprop or rel="author", which `collect` reads (found in C, in one pass).
_ITEMPROP_OR_AUTHOR = etree.XPath("//@itemprop/.. | //@rel[. = 'author']/..")
# Tags whose nodes state metadata whatever their class: see `_collect_tagged`.
_FACT_TAGS = frozenset({"meta", "script", "title", "h1", "time", "figure"})


@dataclass(slots=True)
class PageFacts:
    """Everything one walk over the tree found that can state the page's metadata."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    json_ld: list[dict] = field(default_factory=list)
    title_tag: str | None = None
    h1: list[tuple[str, bool]] = field(default_factory=list)  # (text, inside the article)
    headlines: list[str] = field(default_factory=list)  # elements marked as the post's title (any tag)
    times: list[tuple[str, bool]] = field(default_factory=list)  # (datetime value, marked as published)
    byline_nodes: list[str] = field(default_factory=list)
    figures: list[etree._Element] = field(default_factory=list)
    header_texts: list[str] = field(default_factory=list)  # short texts right after the headline
    # Not metadata: elements whose class may mark them hidden (html.prune_hidden decides). The walk
    # reads every class anyway, and an XPath pass over the classes for them costs 2% of the HTML path.
    maybe_hidden: list[etree._Element] = field(default_factory=list)


# --- the step ---------------------------------------------------------------------------------


def fill(doc: Document, tree: etree._Element) -> PageFacts:
    """Title, date, byline and images of the page, read before any node is pruned; the facts read."""
    facts = collect(tree)
    doc.title = choose_title(facts)
    doc.date = choose_date(facts) or htmldate_fallback(tree, doc.url)
    byline = choose_byline(facts)
    if byline:
        doc.byline, doc.authors, doc.byline_source = byline.text, byline.names, byline.source
    doc.images = [image for node in facts.figures if (image := figure_image(node)) is not None]
    return facts


def collect(tree: etree._Element) -> PageFacts:
    """One walk over the tree: meta tags, JSON-LD, <title>, <h1>, <time>, byline nodes, figures.

    The walk touches every node, so each node gets the cheapest checks first: its tag, then one
    case-sensitive search of its lower-cased class and id (_MARK_HINT) before any of the
    class expressions, which cost several times more and match few nodes. The rare attributes
    (itemprop, rel) are looked up only on the nodes an XPath found to have them.
    """
    facts = PageFacts()
    hint = _MARK_HINT.search
    attributed = set(_ITEMPROP_OR_AUTHOR(tree))  # few nodes: a set lookup is cheaper than two more get()s per node
    for node in tree.iter():
        get, tag = node.get, node.tag
        css, ident = get("class"), get("id")
        itemprop = get("itemprop") if node in attributed else None
        folded = f"{css} {ident}".lower() if css is not None or ident is not None else ""
        hinted = bool(folded) and hint(folded) is not None
        if tag in _FACT_TAGS or itemprop == "datePublished":
            _collect_tagged(node, facts, itemprop)
        elif tag in ("table", "div") and "caption" in folded and _CAPTION_CONTAINER.search(_classes(node)):
            facts.figures.append(node)
        if hinted or itemprop or (node in attributed and get("rel") == "author"):
            _collect_marked(node, facts)
        if css is not None and ("hid" in css or "Hid" in css or "odal" in css):
            facts.maybe_hidden.append(node)
    return facts


def _collect_tagged(node: etree._Element, facts: PageFacts, itemprop: str | None) -> None:
    """What a node says by its tag (meta, JSON-LD script, <title>, <h1>, <time>, <figure>) or as datePublished."""
    tag = node.tag
    if tag == "meta":
        _collect_meta(node, facts)
    elif tag == "script":
        if (node.get("type") or "").strip().lower() == "application/ld+json" and node.text:
            facts.json_ld.extend(_json_ld_objects(node.text))
    elif tag == "title" and facts.title_tag is None:
        facts.title_tag = _text(node)
    elif tag == "h1":
        if (text := _text(node)) and not _off_article(node):
            if not facts.h1:
                facts.header_texts = header_texts(node)
            facts.h1.append((text, _inside_article(node, ("article", "main"))))
    elif tag == "time" or itemprop == "datePublished":
        _collect_time(node, facts)
    elif tag == "figure":
        facts.figures.append(node)


def _collect_marked(node: etree._Element, facts: PageFacts) -> None:
    """Elements whose class or itemprop says they hold the headline or the byline."""
    headline = node.tag != "h1" and _HEADLINE_CLASS.search(f"{_classes(node)} {node.get('itemprop') or ''}".lower())
    byline = _is_byline_node(node)
    if not (headline or byline) or _off_article(node) or not (text := _text(node)):
        return
    if headline:
        facts.headlines.append(text)
    if byline and len(text) <= BYLINE_NODE_MAX_CHARS:
        facts.byline_nodes.append(text)


def _collect_meta(node: etree._Element, facts: PageFacts) -> None:
    content = node.get("content")
    if not content or not content.strip():
        return
    for attribute in ("property", "name", "itemprop"):
        key = (node.get(attribute) or "").strip().lower()
        if key:
            facts.meta.setdefault(key, []).append(" ".join(content.split()))


def _collect_time(node: etree._Element, facts: PageFacts) -> None:
    value = node.get("datetime") or node.get("content") or (_text(node) if node.tag == "time" else None)
    if not value or _off_article(node):
        return
    marked = (
        node.get("pubdate") is not None
        or node.get("itemprop") == "datePublished"
        or bool(_PUBLISHED_CLASS.search(_classes(node) + " " + _classes(node.getparent())))
    )
    if marked or _inside_article(node):
        facts.times.append((value, marked))


def _json_ld_objects(source: str) -> list[dict]:
    """The objects of a JSON-LD script, flattened through lists and @graph; [] if it is not JSON."""
    try:
        data = json.loads(source)
    except ValueError:
        return []
    found, stack = [], [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            found.append(item)
            if isinstance(item.get("@graph"), list):
                stack.extend(reversed(item["@graph"]))
    return found


def _ld_types(item: dict) -> set[str]:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return {str(kind).lower() for kind in kinds if kind}


def _ld_main(facts: PageFacts) -> list[dict]:
    """JSON-LD objects that describe the page itself: articles first, then web pages."""
    articles = [item for item in facts.json_ld if _ld_types(item) & _ARTICLE_TYPES]
    pages = [item for item in facts.json_ld if _ld_types(item) & _PAGE_TYPES]
    return articles + pages


def header_texts(headline: etree._Element) -> list[str]:
    """The short texts that follow the headline, up to the first paragraph-length one.

    Datelines and bylines with no markup of their own (`<span>Published October 13th, 2018</span>`)
    sit there; teasers and comments come much later on the page.
    """
    found: list[str] = []
    for text in _texts_after(headline):
        if len(text) > HEADER_TEXT_MAX_CHARS or len(found) >= HEADER_TEXTS:
            break
        found.append(text)
    return found


def _texts_after(node: etree._Element) -> Iterator[str]:
    """Visible text pieces in document order after the node (scripts and styles skipped), lazily."""
    if node.tail and node.tail.strip():
        yield " ".join(node.tail.split())
    while node is not None:
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            for inner in sibling.iter():
                if not isinstance(inner.tag, str) or inner.tag in _INVISIBLE_TAGS:
                    if inner.tail and inner.tail.strip():
                        yield " ".join(inner.tail.split())
                    continue
                if inner.text and inner.text.strip():
                    yield " ".join(inner.text.split())
                if inner is not sibling and inner.tail and inner.tail.strip():
                    yield " ".join(inner.tail.split())
            if sibling.tail and sibling.tail.strip():
                yield " ".join(sibling.tail.split())
        node = node.getparent()
        if node is not None and node.tail and node.tail.strip():
            yield " ".join(node.tail.split())


# --- title ------------------------------------------------------------------------------------


def choose_title(facts: PageFacts) -> str | None:
    """The headline: stated title fields first, the visible <h1> and <title> as fallbacks."""
    sites = site_names(facts)
    stated = [facts.meta.get(_TITLE_KEYS[0], [None])[0]]
    stated += [item.get("headline") or item.get("name") for item in _ld_main(facts) if _ld_types(item) & _ARTICLE_TYPES]
    stated += [facts.meta.get(key, [None])[0] for key in _TITLE_KEYS[1:]]
    h1 = [text for text, inside in facts.h1 if inside] + facts.headlines + [text for text, _ in facts.h1]
    for candidate in stated:
        if isinstance(candidate, str) and candidate.strip() and not EMAIL.search(candidate):
            return strip_site_name(" ".join(candidate.split()), sites, loose=False)
    for candidate in h1:
        if len(candidate.split()) >= H1_MIN_WORDS and candidate.lower() not in sites:
            return candidate
    if facts.title_tag:
        return strip_site_name(facts.title_tag, sites, loose=True) or None
    return None


def site_names(facts: PageFacts) -> set[str]:
    """Lower-cased names the site goes by, from its meta tags and JSON-LD publisher."""
    names = {value.lower().lstrip("@") for key in _SITE_KEYS for value in facts.meta.get(key, [])}
    for item in facts.json_ld:
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.add(publisher["name"].lower())
        if _ld_types(item) & {"organization", "newsmediaorganization", "website"} and isinstance(item.get("name"), str):
            names.add(item["name"].lower())
    return {name.strip() for name in names if name.strip()}


def strip_site_name(title: str, sites: set[str], loose: bool) -> str:
    """`Story | WIRED` -> `Story`. Loose (for <title>): any short tail after a separator goes."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    separators = _TITLE_SEPARATORS.findall(title)

    def is_site(part: str) -> bool:
        folded = part.lower().strip()
        return folded in sites or any(folded == site.split(".")[0] for site in sites)

    if is_site(parts[-1]) or (loose and len(parts[-1].split()) <= TITLE_SUFFIX_MAX_WORDS and len(parts[0].split()) > 2):
        return _join(parts[:-1], separators[:-1])
    if is_site(parts[0]):
        return _join(parts[1:], separators[1:])
    return title


def _join(parts: list[str], separators: list[str]) -> str:
    out = parts[0]
    for separator, part in zip(separators, parts[1:], strict=False):
        out += separator + part
    return out.strip()


# --- date -------------------------------------------------------------------------------------


def choose_date(facts: PageFacts, today: dt.date | None = None) -> str | None:
    """The publication date the page states, as YYYY-MM-DD; None when it states none."""
    today = today or dt.date.today()
    candidates: list[object] = [item.get("datePublished") for item in _ld_main(facts)]
    candidates += [value for key in _DATE_KEYS for value in facts.meta.get(key, [])]
    candidates += [value for value, marked in facts.times if marked]
    candidates += [item.get("dateCreated") for item in _ld_main(facts)]
    candidates += [value for value, marked in facts.times if not marked]
    for candidate in candidates:
        if isinstance(candidate, str) and (date := parse_date(candidate, today)):
            return date
    return header_date(facts.header_texts, today)


def header_date(texts: list[str], today: dt.date | None = None) -> str | None:
    """A dateline among the texts after the headline; a publication date beats an "Updated" one."""
    updated = None
    for text in texts:
        found = find_date(text) if len(text.split()) <= HEADER_DATE_MAX_WORDS or byline_in_line(text) else None
        date = found[0] if found else None
        if not date or date > (today or dt.date.today()).isoformat():
            continue
        if not UPDATED_STAMP.match(text):
            return date
        updated = updated or date
    return updated


def parse_date(value: str, today: dt.date | None = None) -> str | None:
    """An ISO, compact or written date as YYYY-MM-DD; None if absent, implausible or in the future."""
    today = today or dt.date.today()
    latest = today + dt.timedelta(days=FUTURE_SLACK_DAYS)
    for pattern in (_ISO_DATE, _COMPACT_DATE):
        if match := pattern.match(value):
            try:
                date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
            return date.isoformat() if date.year >= EARLIEST_YEAR and date <= latest else None
    found = find_date(value, today=latest)
    return found[0] if found else None


def htmldate_fallback(tree: etree._Element, url: str | None) -> str | None:
    """htmldate's quick search (no extensive scan of the text): only when the page states no date.

    It reads a copy without comments, asides and teasers: their dates are never the page's.
    """
    from htmldate import find_date as htmldate_find

    pruned = deepcopy(tree)
    for node in list(pruned.iter()):
        if isinstance(node.tag, str) and node.getparent() is not None and _off_article_node(node):
            node.getparent().remove(node)
    try:
        found = htmldate_find(pruned, extensive_search=False, original_date=True, url=url)
    except (ValueError, TypeError):  # htmldate raises on some malformed trees
        return None
    return parse_date(found) if found else None


# --- byline -----------------------------------------------------------------------------------


def choose_byline(facts: PageFacts) -> Byline | None:
    """Names of the article's authors: structured data first, then the visible byline."""
    for item in _ld_main(facts):
        if byline := _names_byline(_ld_author_names(item.get("author"))):
            return byline
    for key in _AUTHOR_KEYS:
        values = [v for v in facts.meta.get(key, []) if not _URL.search(v)]
        if values and (byline := _names_byline([piece for v in values for piece in re.split(r"\s*[;,]\s*", v)])):
            return byline
    for text in facts.byline_nodes:
        if byline := parse_byline(text):
            return byline
    for text in facts.header_texts:
        if byline := byline_in_line(text):
            return byline
    return None


def _ld_author_names(author: object) -> list[str]:
    """Names in a JSON-LD author value: a string, a Person object or a list of them."""
    items = author if isinstance(author, list) else [author]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip() and not _URL.search(name):
            names.append(" ".join(name.split()))
    return names


def _names_byline(names: list[str]) -> Byline | None:
    """A byline from separately stated names; each one still has to look like a person's name."""
    people: list[str] = []
    source = None
    for name in names:
        parsed = parse_byline(name)
        if parsed:
            people.extend(n for n in parsed.names if n not in people)
            source = source or parsed.source
    return Byline(people, source) if people else None


# --- images -----------------------------------------------------------------------------------


def figure_image(figure: etree._Element) -> Image | None:
    """{caption, credit, alt, src, id, title} of one figure; None when it has neither caption nor credit.

    Themes nest the parts in different ways (`<figcaption>` holding a title, the caption, the
    credit and a VIRIN in spans of their own, or one run of text `Caption. (Photo: Credit)`);
    each part is taken from its own element when it has one, and the rest is what remains.
    """
    img = next((n for n in figure.iter("img", "amp-img")), None)
    outer = next((n for n in figure.iter("figcaption")), None)
    inner = next((n for n in figure.iter() if n is not figure and n is not outer and _caption_class(n)), None)
    title = next((t for n in figure.iter() if _TITLE_CLASS.search(_classes(n)) and (t := _text(n))), None)
    credit = next((t for n in figure.iter() if n is not figure and _credit_class(n) and (t := _text(n))), None)
    caption = _text(inner if inner is not None else outer)
    image_id = next((m.group("id") for t in (caption, credit, _text(outer)) if t and (m := _IMAGE_ID.search(t))), None)
    if caption:
        caption = _remove_parts(caption, [credit, title, image_id and _IMAGE_ID.search(caption or "")])
    if caption and not credit:
        caption, credit = split_credit(caption)
    if credit:
        credit = _CREDIT_PREFIX.sub("", _IMAGE_ID.sub("", credit)).strip(" ,;|") or None
    if (caption and len(caption) > CAPTION_MAX_CHARS) or not (caption or credit):
        return None
    return Image(
        caption=caption,
        credit=credit,
        alt=(img.get("alt") or None) if img is not None else None,
        src=(img.get("src") or img.get("data-src") or None) if img is not None else None,
        id=image_id,
        title=title,
    )


def _remove_parts(caption: str, parts: list[object]) -> str | None:
    """The caption without the credit, title and image id that its element also held."""
    for part in parts:
        text = part.group(0) if isinstance(part, re.Match) else part
        if isinstance(text, str) and text and text in caption and text != caption:
            caption = caption.replace(text, " ")
    return " ".join(caption.split()).strip(" |()") or None


def _caption_class(node: etree._Element) -> bool:
    classes = _classes(node)
    return bool(_CAPTION_CLASS.search(classes)) and not _CAPTION_CONTAINER.search(classes)


def _credit_class(node: etree._Element) -> bool:
    return bool(_CREDIT_CLASS.search(_classes(node)))


def split_credit(caption: str) -> tuple[str | None, str | None]:
    """`A view of the city. (Photo: Jane Doe/AFP)` -> ("A view of the city.", "Jane Doe/AFP")."""
    for pattern in (_CAPTION_CREDIT, _AGENCY_TAIL):
        match = pattern.search(caption)
        if match:
            head = caption[: match.start()].strip() or None
            return head, match.group("credit").strip(" ()[]") or None
    return caption, None


def drop_caption_lines(doc: Document) -> None:
    """Caption and credit text that trafilatura left in the body leaves it: it is in images."""
    captions = set()
    for image in doc.images:
        for part in (image.caption, image.credit):
            if part:
                captions.add(_fold(part))
        if image.caption and image.credit:
            captions.add(_fold(f"{image.caption} {image.credit}"))
    longest_first = sorted(captions, key=len, reverse=True)
    for line in doc.lines:
        if not line.keep:
            continue
        folded = _fold(line.text)
        if folded in captions or (len(folded) <= CAPTION_MAX_CHARS + 100 and _strip_known(folded, longest_first)):
            line.drop("metadata: caption", Decider.METADATA)


def _strip_known(folded: str, captions: list[str]) -> bool:
    """True when the line is made only of known caption and credit pieces (longest first) and an image id.

    It runs on every body line, so its patterns are the cheap lower-case ones (the line is folded).
    """
    rest = folded
    for part in captions:
        if part in rest:
            rest = rest.replace(part, " ")
    if ":" in rest:
        rest = _FOLDED_IMAGE_ID.sub(" ", rest)
    return _FOUR_ALNUM.search(rest) is None


# --- small helpers ----------------------------------------------------------------------------


def _text(node: etree._Element | None) -> str | None:
    """The node's text with its pieces spaced apart: `<div>A</div><div>B</div>` reads `A B`."""
    if node is None:
        return None
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(" ".join(node.itertext()).split()))
    return text or None


def _fold(text: str) -> str:
    return " ".join(text.split()).lower()


def _classes(node: etree._Element | None) -> str:
    if node is None or not isinstance(node.tag, str):
        return ""
    return f"{node.get('class') or ''} {node.get('id') or ''}"


def _is_byline_node(node: etree._Element) -> bool:
    if node.get("rel") == "author" or (node.get("itemprop") or "").lower() == "author":
        return True
    return node.tag in ("div", "span", "p", "address", "a", "li") and bool(_BYLINE_CLASS.search(_classes(node).lower()))


def _off_article(node: etree._Element) -> bool:
    """Inside comments, asides, teasers, navigation or the footer: never the article's metadata.

    The walk stops at <article>, <main> and <body>: their classes describe the whole page
    (`one-sidebar`, `has-comments`), not the corner of it the node sits in.
    """
    for ancestor in node.iterancestors():
        if ancestor.tag in ("article", "main", "body"):
            return False
        if ancestor.tag in _OFF_ARTICLE_TAGS or _off_article_classes(ancestor):
            return True
    return False


def _off_article_node(node: etree._Element) -> bool:
    """The node itself is page furniture (comments, teasers, aside, footer, navigation)."""
    if node.tag in ("body", "html", "main", "article"):
        return False
    return node.tag in _OFF_ARTICLE_TAGS or _off_article_classes(node)


def _off_article_classes(node: etree._Element) -> bool:
    return _OFF_ARTICLE.search(_classes(node).lower()) is not None


def _inside_article(node: etree._Element, tags: tuple[str, ...] = ("article", "main", "header")) -> bool:
    return any(ancestor.tag in tags or (ancestor.get("role") or "") == "main" for ancestor in node.iterancestors())
