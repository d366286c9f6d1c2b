"""The whole algorithm in a handful of named calls: read -> identify site -> rules -> extract -> metadata."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from cleaner import html, html_metadata, text
from cleaner.classify import classify
from cleaner.document import Document, Format, Line
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


def clean_document(doc: Document, rule_files: list[RuleFile], *, guard_learned: bool = True) -> None:
    """`guard_learned`: bound what learned rules do to the classifier (see guard_learned_rules);
    `cleaner learn` checks its rules on its own pages without the bound, to see what they do."""
    if doc.format is Format.HTML:
        clean_html(doc, rule_files)
    else:
        clean_text(doc, rule_files, guard_learned=guard_learned)
    doc.text = "\n\n".join(text.paragraphs(doc))


def clean_text(doc: Document, rule_files: list[RuleFile], *, guard_learned: bool = True) -> None:
    """The lines are normalised for rule matching once, for both site selection and the rules."""
    doc.lines, texts = text.split_and_unwrap(text.normalize_text(doc.raw))
    normalized = normalize_lines(texts, as_split=True)
    chosen = select_rule_files(doc, rule_files, texts, normalized)
    learned = [f for f in chosen if f.source == "learned"]
    unruled = [replace(line) for line in doc.lines] if learned and guard_learned else None
    text.apply_rules(doc, chosen, normalized)
    classify(doc.lines)
    if unruled is not None:
        learned_ids = {rule.id for f in learned for rule in f.rules}
        if any(not line.keep and line.reason in learned_ids for line in doc.lines):  # else both views agree
            without = Document(id=doc.id, lines=unruled)
            text.apply_rules(without, [f for f in chosen if f.source != "learned"], normalized)
            classify(without.lines)
            guard_learned_rules(doc.lines, without.lines, learned_ids)
    extract_text_metadata(doc)


def guard_learned_rules(lines: list[Line], without: list[Line], learned_ids: set[str]) -> None:
    """Bound the classifier's change of mind once learned rules have dropped their lines.

    `lines` were classified after all rules, `without` (the same lines) after the shipped rules
    only. Removing a learned block or line changes what the classifier sees around the article,
    and its edge may move: outward over teasers that the removed lines used to separate from it,
    or inward over the article's last paragraphs. So the article keeps every line the classifier
    kept without learned rules (less the lines those rules drop), and of the lines it keeps only
    with them, those within the span of that article. When the two views share no kept line, the
    learned rules took away what the classifier had taken for the article: their view stands.
    Measured on the dev sites (learn 1-4, clean 5-8, text pages): body F1 0.966 -> 0.965 with
    one rule folder per site, 0.964 -> 0.962 with one flat folder; sites worse than without
    learned rules 6 -> 0 and 8 -> 0. Tried: the classifier's view without learned rules alone,
    less their lines (0.954 / 0.952, 2 and 1 sites worse: their removal often lets the classifier
    find the article's true edge); the union of both views (0.961 / 0.958, 6 and 8 worse); their
    intersection (0.955 / 0.953, 5 and 4 worse); per page the view keeping more words (0.965 /
    0.963, 5 and 7 worse); checking rules at learn time with this bound (0.963 / 0.961).
    """
    ruled = [not line.keep and line.reason in learned_ids for line in lines]
    before = [old.keep and not dropped for old, dropped in zip(without, ruled, strict=True)]
    kept = [i for i, keep in enumerate(before) if keep]
    if not any(lines[i].keep for i in kept):
        return
    first, last = kept[0], kept[-1]
    for i, (line, old) in enumerate(zip(lines, without, strict=True)):
        if before[i] != line.keep and (before[i] or not first <= i <= last):
            line.keep, line.reason, line.decider, line.score = old.keep, old.reason, old.decider, old.score


def clean_html(doc: Document, rule_files: list[RuleFile], options: HtmlOptions = DEFAULT_OPTIONS) -> None:
    """`options` switches the HTML mechanisms one by one (bench/html_ablation.py); the default runs all."""
    tree = html.parse(doc)
    facts = html_metadata.fill(doc, tree)  # first: XPath rules may remove the page header with byline and date
    chosen = select_rule_files(doc, rule_files, html.recognition_lines(tree))
    html.extract(doc, tree, chosen, options, facts.maybe_hidden)
    text.apply_rules(doc, chosen)
    html_metadata.drop_caption_lines(doc)
    drop_recipient_lines(doc)
