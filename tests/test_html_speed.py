"""The HTML path's shortcuts give the same results as the slower ways they replace.

Each speed-up of the HTML path (bench/README.md, "Speed") is checked here against what it
replaced: the same tree as trafilatura.load_html, the same extraction with the inert parts
stripped, the same candidates from one walk as from a second XPath pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from cleaner import html, html_metadata
from cleaner.document import Decider, Document, Image, Line
from cleaner.html_blocks import link_texts, own_text
from cleaner.rules import normalize_line

HTML_DIR = Path(__file__).parent / "data" / "html"
FIXTURES = sorted(p.read_text(encoding="utf-8") for p in HTML_DIR.glob("*.html"))

DOCTYPE = "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN' 'http://www.w3.org/TR/xhtml1/DTD/xhtml1.dtd'>"
ODD_PAGES = [
    DOCTYPE + "\n<html><body><p>Doctype with a slash.</p></body></html>",
    "<html lang='en'/>\n<body><p>A self-closing html tag.</p></body>",
    "<html><body><p>Control\x00 char\x0bacters\x1f and \ufffe odd ones.</p></body></html>",
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>An encoding declaration.</p></body></html>",
    "<div><p>A fragment</p><p>of two paragraphs.</p></div>",
    "just some text, not HTML at all",
]


def serialized(tree: etree._Element | None) -> bytes | None:
    return None if tree is None else etree.tostring(tree)


@pytest.mark.parametrize("page", FIXTURES + ODD_PAGES)
def test_load_html_builds_the_tree_trafilatura_builds(page):
    tree = html.load_html(page)
    assert serialized(tree) == serialized(trafilatura.load_html(page))
    if tree is not None:
        assert all(type(node) is HtmlElement for node in tree.iter(etree.Element))  # no form classes needed


@pytest.mark.parametrize("page", ODD_PAGES)
def test_repair_faulty_html_matches_trafilatura(page):
    from trafilatura.utils import repair_faulty_html

    beginning = page[:50].lower()
    assert html.repair_faulty_html(page, beginning) == repair_faulty_html(page, beginning)


@pytest.mark.parametrize("page", FIXTURES)
def test_recognition_lines_are_the_visible_lines(page):
    tree = html.load_html(page)
    visible = {normalize_line(line) for line in html.visible_lines(tree)}
    assert {normalize_line(line) for line in html.recognition_lines(tree)} == visible


def test_recognition_lines_skip_scripts_and_styles_but_not_their_tails():
    tree = html.load_html(
        "<html><body><p>Kept  line</p><script>var x = 1;</script>After the script"
        "<style>p {}</style><p>Kept line</p><noscript>Enable scripts</noscript></body></html>"
    )
    assert html.recognition_lines(tree) == ["Kept line", "After the script"]


def test_strip_inert_keeps_json_ld_titles_and_the_text_after_what_it_removes():
    tree = html.load_html(
        "<html><head><title>Story</title><meta property='og:title' content='Story!'><meta name='x' content='y'>"
        "<link rel='stylesheet' href='s.css'><script type='application/ld+json'>{}</script></head>"
        "<body><p>One<script>track()</script> two<style>p {}</style> three.</p></body></html>"
    )
    html.strip_inert(tree)
    assert [node.tag for node in tree.find("head")] == ["title", "meta", "script"]
    assert tree.find(".//p").text_content() == "One two three."


@pytest.mark.parametrize("page", FIXTURES)
def test_strip_inert_leaves_trafilatura_output_unchanged(page):
    def body_text(strip: bool) -> str:
        tree = html.load_html(page)
        if strip:
            html.strip_inert(tree)
        result = trafilatura.bare_extraction(tree, include_comments=False, include_tables=True, fast=True)
        return trafilatura.xml.xmltotxt(result.body, False)

    assert body_text(strip=True) == body_text(strip=False)


def test_hidden_candidates_from_the_metadata_walk_prune_like_the_xpath():
    page = (
        "<html><body><p>Kept.</p><div class='Modal-Box'>Rules</div><p class='hide'>Error</p>"
        "<p class='hidden-xs'>Shown</p><div hidden>Print</div><div style='display:none'>Closed</div></body></html>"
    )
    by_xpath, by_walk = html.load_html(page), html.load_html(page)
    found = html.prune_hidden(by_walk, html_metadata.collect(by_walk).maybe_hidden)
    assert found == html.prune_hidden(by_xpath) == 4
    assert etree.tostring(by_walk) == etree.tostring(by_xpath)


def test_metadata_walk_reads_classes_in_any_case():
    tree = html.load_html(
        "<html><body><article><div class='Article-BYLINE'>By Jane Doe</div>"
        "<div class='WP-Caption'><img src='a.jpg'><p class='wp-caption-text'>A lake. (Photo: Ann Lee)</p></div>"
        "</article></body></html>"
    )
    facts = html_metadata.collect(tree)
    assert facts.byline_nodes == ["By Jane Doe"]
    assert len(facts.figures) == 1


def test_caption_lines_go_when_made_only_of_known_caption_parts():
    doc = Document(id="-", images=[Image(caption="A lake at dawn", credit="Ann Lee")])
    texts = ["A lake at dawn (Ann Lee) VIRIN: 190101-A-1234", "Ann Lee", "A lake at dawn, as the article said."]
    doc.lines = [Line(text=text) for text in texts]
    html_metadata.drop_caption_lines(doc)
    assert [line.keep for line in doc.lines] == [False, False, True]
    assert doc.lines[0].decider is Decider.METADATA


def test_own_text_is_the_text_of_the_element_and_its_descendants():
    tree = html.load_html("<html><body><a>Plain</a><a>Nested <b>bold</b> tail</a> after<a></a></body></html>")
    anchors = list(tree.iter("a"))
    texts = [own_text(a) for a in anchors]
    assert texts == ["".join(a.itertext()) for a in anchors] == ["Plain", "Nested bold tail", ""]
    assert link_texts(tree) == frozenset({"plain", "nested bold tail"})
