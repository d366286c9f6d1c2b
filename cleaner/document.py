"""The Document that flows through every stage, and the small records it carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Format(StrEnum):
    HTML = "html"
    TEXT = "text"


class Decider(StrEnum):
    """Which stage decided a line's fate."""

    RULE = "rule"
    CLASSIFIER = "classifier"
    METADATA = "metadata"


@dataclass(slots=True)
class Line:
    """One line (text) or block (HTML output) with its keep/drop decision and the reason."""

    text: str
    keep: bool = True
    reason: str = ""  # rule id, or the classifier's or metadata step's reason; empty while undecided
    decider: Decider | None = None
    score: float | None = None  # classifier value when the classifier decided
    blank_before: bool = False  # a blank line separated it from the previous line

    def drop(self, reason: str, decider: Decider) -> None:
        self.keep, self.reason, self.decider = False, reason, decider


@dataclass(slots=True)
class Image:
    caption: str | None = None
    credit: str | None = None
    alt: str | None = None
    src: str | None = None
    id: str | None = None
    title: str | None = None

    def as_dict(self) -> dict:
        return {
            "caption": self.caption,
            "credit": self.credit,
            "alt": self.alt,
            "src": self.src,
            "id": self.id,
            "title": self.title,
        }


@dataclass(slots=True)
class Document:
    """A document from input bytes to cleaned body and metadata."""

    id: str
    raw: str = ""
    format: Format = Format.TEXT
    url: str | None = None
    site: str | None = None
    families: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    title: str | None = None
    date: str | None = None
    byline: str | None = None
    authors: list[str] = field(default_factory=list)
    byline_source: str | None = None
    images: list[Image] = field(default_factory=list)
    text: str = ""
    rules: list[str] = field(default_factory=list)
    error: str | None = None

    def kept(self) -> list[Line]:
        return [line for line in self.lines if line.keep]

    def note_rule(self, rule_id: str) -> None:
        if rule_id not in self.rules:
            self.rules.append(rule_id)

    def as_record(self) -> dict:
        """The JSONL record (field order is part of the interface)."""
        return {
            "id": self.id,
            "url": self.url,
            "site": self.site,
            "format": self.format.value,
            "title": self.title,
            "date": self.date,
            "byline": self.byline,
            "authors": self.authors,
            "byline_source": self.byline_source,
            "images": [image.as_dict() for image in self.images],
            "text": self.text,
            "rules": self.rules,
            "error": self.error,
        }
