"""The whole algorithm in a handful of named calls: read -> identify site -> rules -> extract -> metadata."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cleaner import html, html_metadata, text
from cleaner.classify import classify
from cleaner.document import Document, Format
from cleaner.errors import InputError
from cleaner.html_settings import DEFAULT_OPTIONS, HtmlOptions
from cleaner.metadata import drop_recipient_lines, extract_text_metadata
from cleaner.readers import Source, decode
from cleaner.rules import RuleFile, load_rules, normalize_lines
from cleaner.sites import select_rule_files


class Cleaner:
    """Cleans documents with the shipped rules plus the rules in the given folders.

    >>> Cleaner("my-rules").clean(b"<html>...</html>", url="https://example.com/a").text
    """

    def __init__(
        self,
        rules_dir: str | Path | None = None,
        *,
        extra_rules_dirs: Iterable[str | Path] = (),
        default_rules: bool = True,
    ):
        folders = ([rules_dir] if rules_dir else []) + list(extra_rules_dirs)
        self.rule_files: list[RuleFile] = load_rules(folders, include_defaults=default_rules)

    def clean(self, data: bytes | str, url: str | None = None, id: str = "-") -> Document:
        """Clean one document given as bytes (any charset) or text."""
        doc = Document(id=id, url=url)
        try:
            read(doc, data)
            clean_document(doc, self.rule_files)
        except InputError as error:
            doc.error = str(error)
        return doc

    def clean_source(self, source: Source) -> Document:
        """Clean one document from disk; a read or decode failure is recorded in doc.error."""
        try:
            data = source.read_bytes()
        except InputError as error:
            return Document(id=source.id, url=source.url, error=str(error))
        return self.clean(data, url=source.url, id=source.id)


def read(doc: Document, data: bytes | str) -> None:
    """Decode the input and fill format, raw text and the URL the page states."""
    if isinstance(data, str):
        data = data.encode("utf-8", errors="replace")  # a str may hold lone surrogates, which UTF-8 cannot encode
    decoded = decode(data)
    doc.raw, doc.format = decoded.text, decoded.format
    doc.url = doc.url or decoded.url


def clean_document(doc: Document, rule_files: list[RuleFile]) -> None:
    if doc.format is Format.HTML:
        clean_html(doc, rule_files)
    else:
        clean_text(doc, rule_files)
    doc.text = "\n\n".join(text.paragraphs(doc))


def clean_text(doc: Document, rule_files: list[RuleFile]) -> None:
    """The lines are normalised for rule matching once, for both site selection and the rules."""
    doc.lines = text.unwrap(text.split_lines(text.normalize_text(doc.raw)))
    texts = [line.text for line in doc.lines]
    normalized = normalize_lines(texts)
    chosen = select_rule_files(doc, rule_files, texts, normalized)
    text.apply_rules(doc, chosen, normalized)
    classify(doc.lines)
    extract_text_metadata(doc)


def clean_html(doc: Document, rule_files: list[RuleFile], options: HtmlOptions = DEFAULT_OPTIONS) -> None:
    """`options` switches the HTML mechanisms one by one (bench/html_ablation.py); the default runs all."""
    tree = html.parse(doc)
    facts = html_metadata.fill(doc, tree)  # first: XPath rules may remove the page header with byline and date
    chosen = select_rule_files(doc, rule_files, html.recognition_lines(tree))
    html.extract(doc, tree, chosen, options, facts.maybe_hidden)
    text.apply_rules(doc, chosen)
    html_metadata.drop_caption_lines(doc)
    drop_recipient_lines(doc)
