"""The HTML path: pruning, trafilatura's output as lines, and the corrections made after it.

Fixtures are small pages written for these tests (tests/data/html/), each showing one general
behaviour; none is a page from the dev set.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from cleaner import Cleaner, html
from cleaner.document import Document, Line
from cleaner.html_blocks import Block, blocks_from_body, caption_texts, comparable, link_texts, title_candidates
from cleaner.html_refine import drop_captions, drop_headline, drop_tail_teasers, is_title
from cleaner.html_rescue import rescue_split_body
from cleaner.html_settings import DEFAULT_OPTIONS, HtmlOptions
from cleaner.pipeline import clean_html, read

HTML_DIR = Path(__file__).parent / "data" / "html"
URL = "https://www.example.com/story"


def clean_fixture(name: str, cleaner: Cleaner, options: HtmlOptions = DEFAULT_OPTIONS) -> Document:
    """The fixture cleaned by the HTML path with the given mechanisms."""
    doc = Document(id=name, url=URL)
    read(doc, (HTML_DIR / name).read_bytes())
    clean_html(doc, cleaner.rule_files, options)
    return doc


def kept_text(doc: Document) -> str:
    return "\n".join(line.text for line in doc.lines if line.keep)


def blocks(*pairs: tuple[str, str]) -> list[Block]:
    return [Block(line=Line(text=text), tag=tag) for tag, text in pairs]


PROSE = "This paragraph is long enough to be article prose, with a dozen words or more in it."


# --- headline and standfirst ----------------------------------------------------------------


def test_title_is_not_repeated_in_the_body(shipped_cleaner):
    doc = clean_fixture("teasers_after_article.html", shipped_cleaner)
    body = kept_text(doc)
    assert doc.title == "Valley Orchard Reopens After Storm Damage"
    assert "Valley Orchard Reopens" not in body
    # The standfirst under the headline and the kicker above it go with it ...
    assert "Volunteers replanted" not in body
    assert "Local" not in body.splitlines()
    # ... but a subheading inside the article stays.
    assert "A harvest saved by hand" in body.splitlines()
    assert body.startswith("The family orchard on the valley road")


def test_headline_kept_when_the_mechanism_is_off(shipped_cleaner):
    options = dataclasses.replace(DEFAULT_OPTIONS, drop_headline=False)
    doc = clean_fixture("teasers_after_article.html", shipped_cleaner, options)
    assert "Valley Orchard Reopens After Storm Damage" in kept_text(doc).splitlines()


def test_title_match_accepts_the_title_with_site_name_but_not_a_short_fragment():
    titles = frozenset({comparable("Ferry Timetable Changes for Winter - Island News")})
    assert is_title(comparable("Ferry Timetable Changes for Winter"), titles)
    assert not is_title(comparable("Winter"), titles)
    assert not is_title("", titles)


def test_text_above_a_late_headline_is_kept_when_it_is_the_article():
    # The headline repeated after most of the text: what precedes it is the article, not a kicker.
    body = blocks(("p", PROSE), ("p", PROSE + " Again."), ("head", "The Headline Of The Story"), ("p", "Short."))
    drop_headline(body, frozenset({comparable("The Headline Of The Story")}))
    assert [b.line.keep for b in body] == [True, True, False, True]


def test_no_headline_found_changes_nothing():
    body = blocks(("head", "Kicker"), ("p", PROSE))
    drop_headline(body, frozenset({comparable("Something else entirely")}))
    assert all(b.line.keep for b in body)


# --- teaser links after the article ------------------------------------------------------------


def test_teaser_list_after_the_article_is_dropped():
    links = frozenset(map(comparable, ["Village bakery wins regional bread prize", "Bridge repairs to start"]))
    body = blocks(
        ("p", PROSE),
        ("list", "- Village bakery wins regional bread prize The sourdough won over the judges"),
        ("list", "- Bridge repairs to start Traffic will be diverted for six weeks"),
    )
    drop_tail_teasers(body, links)
    assert [b.line.keep for b in body] == [True, False, False]
    assert body[1].line.reason == "html: teaser links after the article"


def test_a_single_link_line_after_the_article_is_kept():
    links = frozenset({comparable("Read the full report")})
    body = blocks(("p", PROSE), ("p", "Read the full report"))
    drop_tail_teasers(body, links)
    assert all(b.line.keep for b in body)


def test_link_lines_inside_the_article_are_kept():
    links = frozenset(map(comparable, ["First link", "Second link"]))
    body = blocks(("p", "First link"), ("p", "Second link"), ("p", PROSE))
    drop_tail_teasers(body, links)
    assert all(b.line.keep for b in body)


def test_teasers_in_the_fixture_never_reach_the_body(shipped_cleaner):
    body = kept_text(clean_fixture("teasers_after_article.html", shipped_cleaner))
    assert "Village bakery" not in body and "Bridge repairs" not in body
    assert "Read the council's storm report on its website." in body


# --- captions, credits, share bars ------------------------------------------------------------


def test_credit_line_inside_a_figure_goes_to_images_not_the_body(shipped_cleaner):
    doc = shipped_cleaner.clean((HTML_DIR / "figure_credit.html").read_bytes(), url=URL)
    assert "Jane Doe" not in doc.text
    assert "The tide gauge at the mouth of the estuary." not in doc.text.split("\n\n")
    assert any(image.credit and "Jane Doe" in image.credit for image in doc.images)


def test_share_bar_is_not_in_the_body(shipped_cleaner):
    doc = shipped_cleaner.clean((HTML_DIR / "figure_credit.html").read_bytes(), url=URL)
    assert "Facebook" not in doc.text and "Twitter" not in doc.text
    assert doc.text.startswith("The tide gauge at the mouth of the estuary recorded")


# --- recall rescue ------------------------------------------------------------------------------


def test_body_split_over_twin_containers_is_read_whole(shipped_cleaner):
    body = kept_text(clean_fixture("split_body.html", shipped_cleaner))
    assert "The coastal railway was first proposed in 1872" in body
    assert "Construction began in 1879" in body
    assert body.index("first proposed") < body.index("Construction began") < body.index("opened in the summer")
    # A link-only card sharing the body's class is a teaser, not a chunk of the article.
    assert "teaser card" not in body


def test_split_body_is_truncated_without_the_rescue(shipped_cleaner):
    # Shows the fixture exercises the rescue: trafilatura alone stops after the first chunk.
    options = dataclasses.replace(DEFAULT_OPTIONS, rescue_split_body=False)
    body = kept_text(clean_fixture("split_body.html", shipped_cleaner, options))
    assert "first proposed" in body and "Construction began" not in body


def test_rescue_without_twins_returns_the_blocks_unchanged():
    tree = lxml_html.fromstring(f"<html><body><div class='x'><p>{PROSE}</p></div></body></html>")
    body = blocks(("p", PROSE))
    assert rescue_split_body(body, tree) is body


# --- pruning --------------------------------------------------------------------------------------


def test_xpath_rule_removes_the_node_and_keeps_its_tail_text(make_rule_file):
    rule_file = make_rule_file('[[rule]]\nid = "test.promo"\nkind = "xpath"\nxpath = "//span[@class=\'promo\']"\n')
    doc = Document(id="prune_tail.html", url=URL)
    read(doc, (HTML_DIR / "prune_tail.html").read_bytes())
    tree = html.parse(doc)
    html.prune(tree, doc, [rule_file])
    text = " ".join(tree.itertext())
    assert "Subscribe to our newsletter" not in text
    assert "The first crossing will leave the harbour at seven in the morning." in text
    assert doc.rules == ["test.promo"]


# --- trafilatura's output as lines ----------------------------------------------------------------


def test_blocks_remember_their_tag_and_split_lines():
    body = etree.fromstring("<body><head>Title</head><p>One.</p><list><item>A</item><item>B</item></list></body>")
    result = [(b.tag, b.line.text) for b in blocks_from_body(body)]
    assert result == [("head", "Title"), ("p", "One."), ("list", "- A"), ("list", "- B")]


def test_blocks_of_no_output_are_empty():
    assert blocks_from_body(None) == []


def test_link_texts_and_title_candidates_are_comparable():
    tree = lxml_html.fromstring(
        "<html><head><title>Story - Site</title><meta property='og:title' content='Story!'></head>"
        "<body><h1>The Story</h1><a href='/x'>Other  Story</a><a href='/y'> </a></body></html>"
    )
    assert link_texts(tree) == frozenset({"other story"})
    assert title_candidates(tree, "Known Title") == frozenset({"known title", "the story", "story", "story site"})


# --- whole documents ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in HTML_DIR.glob("*.html")))
def test_every_fixture_cleans_without_error(shipped_cleaner, name):
    doc = shipped_cleaner.clean((HTML_DIR / name).read_bytes(), url=URL)
    assert doc.error is None and doc.text


def test_page_with_almost_no_text_cleans_without_error(shipped_cleaner):
    page = b"<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    doc = shipped_cleaner.clean(page)
    assert doc.error is None
    assert "x" not in doc.text.split("\n\n")


# --- dialogs, captions, heading tails ------------------------------------------------------------


def test_dialogs_and_hidden_elements_are_pruned_and_their_tail_text_kept():
    tree = lxml_html.fromstring(
        "<html><body><div class='story'><p>Kept.</p><div class='modal-window'><p>Community rules</p></div>After."
        "<section role='dialog'><p>Sign in</p></section><p class='error hide'>An error occurred</p>"
        "<div style='display: none'>Closed widget</div><p hidden>Print header</p></div></body></html>"
    )
    assert html.prune_hidden(tree) == 5
    text = " ".join(tree.itertext())
    for hidden in ("Community rules", "Sign in", "An error occurred", "Closed widget", "Print header"):
        assert hidden not in text
    assert "Kept." in text and "After." in text


def test_remove_keeping_tail_moves_the_tail_to_the_parent_when_first_child():
    tree = lxml_html.fromstring("<div>Start <span>ad</span> end.</div>")
    assert html.remove_keeping_tail(tree.find("span"))
    assert tree.text_content() == "Start  end."
    assert not html.remove_keeping_tail(tree.getroottree().getroot())  # the root has no parent


def test_caption_lines_equal_to_an_image_alt_are_dropped_but_headings_kept():
    tree = lxml_html.fromstring(
        "<html><body><img alt='Typing on the new keyboard'><img alt='Spiced Honey Pear Jam'>"
        "<img alt='Logo'></body></html>"
    )
    captions = caption_texts(tree)
    assert captions == frozenset({"typing on the new keyboard", "spiced honey pear jam"})
    body = blocks(("p", "Typing on the new keyboard"), ("head", "Spiced Honey Pear Jam"), ("p", PROSE))
    drop_captions(body, captions)
    assert [b.line.keep for b in body] == [False, True, True]


def test_text_after_a_heading_is_a_paragraph_of_its_own():
    body = etree.fromstring("<body><head>The Headline</head>Loose lead text after it.<p>Next.</p></body>")
    result = [(b.tag, b.line.text) for b in blocks_from_body(body)]
    assert result == [("head", "The Headline"), ("p", "Loose lead text after it."), ("p", "Next.")]
