"""Title, date, byline and photo captions with credits, from the lines around the body.

Works on a Document whose lines the rules and the classifier have decided: the body is the
kept lines. Metadata lines (headline, dateline, byline, caption blocks) leave the body, each
marked with the reason `metadata: ...` so that `explain` shows where they went.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cleaner.document import Decider, Document, Image, Line

HEADER_SEARCH_LINES = 8  # how far above the body the headline, dateline and byline are looked for
FOOTER_SEARCH_LINES = 3  # how far below the body a closing byline is looked for
TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 30
BYLINE_MAX_WORDS = 14
EARLIEST_YEAR = 1990

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATE_SHAPES = (
    (re.compile(_WEEKDAY + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I), "mdy"),
    (re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})", re.I), "dmy"),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), "dotted"),
)
_DATE_PREFIX = re.compile(r"^(published|posted|updated|posted on|published on|date)\s*:?\s*", re.I)
# "MARCH 7, 2025 – Defense Secretary..." : a dateline opening the first paragraph.
_DATELINE_SEPARATOR = re.compile(r"^\s*[–—-]+\s+|^\s*[|:]\s+")
_BYLINE = re.compile(r"^(?:by|written by|posted by|story by|words by|von|por|par|oleh)\s+(.+)$", re.I)
_NOT_NAMES = re.compile(
    r"^(staff|published|updated|minute read|min read|\d+\s*min(ute)?s?\s*read|admin|editor|editorial|"
    r"the editors|contributor|guest|anonymous|unknown|share|comments?)$",
    re.I,
)
_OUTLET_WORDS = re.compile(
    r"\b(news|press|reuters|associated|agency|agence|service|times|post|journal|magazine|media|"
    r"network|daily|wire|bureau|staff|department|ministry|office|institute|university|"
    r"correspondent|reporter|writer|editor|contributor|afp|ap|dpa|upi|cnn|bbc)\b",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\s*", re.I)
_PAREN_CREDIT = re.compile(
    r"^(?P<caption>.{20,}?)\s*\((?P<credit>[^()]*\b(?:photo|photograph|image|credit|courtesy|"
    r"illustration|video|graphic)\b[^()]*)\)\s*$",
    re.I,
)
_CREDIT_LINE = re.compile(
    r"^(?:photo\s*credit|image\s*credit|credit|photo|photograph|image|picture|source|foto)s?\s*:\s*(?P<credit>.+)$",
    re.I,
)
_AGENCY_CREDIT = re.compile(
    r"^(?P<credit>[^.!?]{0,80}(?:/|\bvia\s+)(?:getty images|afp|reuters|ap|shutterstock|epa|"
    r"alamy|bloomberg|pool|ap photo|istock)[^.!?]{0,40})$",
    re.I,
)
_IMAGE_ID = re.compile(r"^(?:virin|image id|photo id)\s*:\s*(?P<id>\S+)$", re.I)
_SENTENCE_END = tuple(".!?")


# --- dates ------------------------------------------------------------------------------------


def find_date(text: str, today: dt.date | None = None) -> tuple[str, re.Match] | None:
    """The first plausible date in the text as YYYY-MM-DD, with its match; never a future date."""
    today = today or dt.date.today()
    found = []
    for shape, order in _DATE_SHAPES:
        for match in shape.finditer(text):
            date = _to_date(match, order)
            if date and date.year >= EARLIEST_YEAR and date <= today:
                found.append((match.start(), date.isoformat(), match))
                break
    if not found:
        return None
    _, iso, match = min(found, key=lambda item: item[0])
    return iso, match


def _to_date(match: re.Match, order: str) -> dt.date | None:
    groups = match.groups()
    try:
        if order == "mdy":
            month, day, year = _month(groups[0]), int(groups[1]), int(groups[2])
        elif order == "dmy":
            day, month, year = int(groups[0]), _month(groups[1]), int(groups[2])
        elif order == "iso":
            year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
        else:
            day, month, year = int(groups[0]), int(groups[1]), int(groups[2])
        return dt.date(year, month, day)
    except (ValueError, KeyError):
        return None


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")[:3]]


def split_dateline(text: str) -> tuple[str, str] | None:
    """`MARCH 7, 2025 – Defense Secretary...` -> ("2025-03-07", "Defense Secretary...")."""
    found = find_date(text[:60])
    if not found or found[1].start() > 25:
        return None
    iso, match = found
    rest = text[match.end() :]
    separator = _DATELINE_SEPARATOR.match(rest)
    if not separator:
        return None
    return iso, rest[separator.end() :]


def is_date_line(text: str) -> str | None:
    """A line that is only a date (perhaps "Published ...", a weekday, a time): its date."""
    found = find_date(text)
    if not found:
        return None
    leftover = _DATE_PREFIX.sub("", text.replace(found[1].group(0), " "))
    leftover = re.sub(r"[\d:,.|/\s-]|\b(am|pm|[a-z]{2,4}t|utc|gmt|at)\b", "", leftover, flags=re.I)
    return found[0] if len(leftover) <= 3 else None


# --- bylines ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Byline:
    names: list[str]
    source: str | None

    @property
    def text(self) -> str:
        if len(self.names) <= 1:
            return "".join(self.names)
        return ", ".join(self.names[:-1]) + " and " + self.names[-1]


def parse_byline(text: str) -> Byline | None:
    """`By Matthew Olay, DOD News` -> names ["Matthew Olay"], source "DOD News"; None if no names."""
    text = re.sub(r"\s+", " ", text).strip(" |-–—")
    match = _BYLINE.match(text)
    body = match.group(1) if match else text
    body = re.split(r"\s+(?:updated|published|posted)\b|\s+\|\s+", body, maxsplit=1, flags=re.I)[0]
    body = body.strip(" ,;:")
    names, source = [], None
    for piece in _NAME_SPLIT.split(body):
        piece = piece.strip(" .,;")
        if not piece:
            continue
        if is_person_name(piece) and source is None:
            names.append(piece)
        elif names:
            source = piece if source is None else f"{source}, {piece}"
        else:
            return None
    return Byline(names, source) if names else None


def is_person_name(text: str) -> bool:
    words = text.split()
    if not 1 < len(words) <= 5 or _NOT_NAMES.match(text) or _OUTLET_WORDS.search(text):
        return False
    if any(ch.isdigit() for ch in text) or find_date(text):
        return False
    return all(
        w[:1].isupper() or w.lower() in {"de", "van", "von", "der", "da", "del", "la", "le", "bin", "al"} for w in words
    )


def byline_in_line(text: str) -> Byline | None:
    """A byline stated by a line: `By ...`, or a `date | By ...` line."""
    if len(text.split()) > BYLINE_MAX_WORDS:
        return None
    for part in re.split(r"\s+\|\s+", text):
        part = part.strip()
        if _BYLINE.match(part):
            return parse_byline(part)
    return None


# --- captions and credits ---------------------------------------------------------------------


def extract_caption_blocks(doc: Document) -> None:
    """Turn caption blocks among the kept lines into images and take them out of the body."""
    lines = doc.lines
    for index, line in enumerate(lines):
        if not line.keep:
            continue
        paren = _PAREN_CREDIT.match(line.text)
        if paren:
            doc.images.append(Image(caption=paren.group("caption").strip(), credit=paren.group("credit").strip()))
            line.drop("metadata: caption", Decider.METADATA)
            continue
        credit = _CREDIT_LINE.match(line.text) or _AGENCY_CREDIT.match(line.text)
        if credit and len(line.text) <= 200:
            doc.images.append(_caption_block(lines, index, credit.group("credit").strip()))


def _caption_block(lines: list[Line], credit_index: int, credit: str) -> Image:
    """Gather a caption block around its credit line: [alt] [title] caption, credit, [id]."""
    image = Image(credit=credit)
    lines[credit_index].drop("metadata: credit", Decider.METADATA)
    after = credit_index + 1
    if after < len(lines) and not lines[after].blank_before and (ident := _IMAGE_ID.match(lines[after].text)):
        image.id = ident.group("id")
        lines[after].drop("metadata: image id", Decider.METADATA)
    group = []  # the lines of the block above the credit, nearest first
    index = credit_index
    while index > 0 and len(group) < 3 and not lines[index].blank_before:
        index -= 1
        if lines[index].decider in (Decider.RULE, Decider.METADATA):
            break
        group.append(lines[index])
    if not group and credit_index > 0 and lines[credit_index - 1].keep:
        group = [lines[credit_index - 1]]  # one block per line: the caption is the line above
    roles = ("caption", "title", "alt") if len(group) == 3 else ("caption", "title")
    for line, role in zip(group, roles, strict=False):
        if role == "title" and line.text.endswith(_SENTENCE_END):
            role = "alt"
        setattr(image, role, line.text)
        line.drop(f"metadata: image {role}", Decider.METADATA)
    return image


# --- the whole text step ----------------------------------------------------------------------


def extract_text_metadata(doc: Document) -> None:
    """Fill title, date, byline and images from the lines around and inside the body."""
    extract_caption_blocks(doc)
    kept = [i for i, line in enumerate(doc.lines) if line.keep]
    if not kept:
        return
    prose = [i for i in kept if (doc.lines[i].score or 0) > 0]
    _search_header(doc, prose[0] if prose else kept[0])
    _search_footer(doc, kept[-1])
    _take_dateline(doc)


def _search_header(doc: Document, first: int) -> None:
    """Walk up from the first prose line: dateline, byline and the headline sit just above it."""
    seen = 0
    for index in range(first - 1, -1, -1):
        line = doc.lines[index]
        if line.decider in (Decider.RULE, Decider.METADATA):
            continue
        if (line.score or 0) > 0 or seen >= HEADER_SEARCH_LINES:
            break
        seen += 1
        text = line.text
        if doc.byline is None and (byline := byline_in_line(text)):
            _set_byline(doc, byline)
            if doc.date is None and (found := find_date(text)):
                doc.date = found[0]
            line.drop("metadata: byline", Decider.METADATA)
        elif doc.date is None and (date := is_date_line(text)):
            doc.date = date
            line.drop("metadata: date", Decider.METADATA)
        elif doc.title is None and _heading_like(text):
            doc.title = text
            line.drop("metadata: title", Decider.METADATA)
            break


def _search_footer(doc: Document, last: int) -> None:
    if doc.byline is not None:
        return
    for line in doc.lines[last : last + FOOTER_SEARCH_LINES + 1]:
        if byline := byline_in_line(line.text):
            _set_byline(doc, byline)
            line.drop("metadata: byline", Decider.METADATA)
            return


def _take_dateline(doc: Document) -> None:
    first = next((line for line in doc.lines if line.keep), None)
    if first is None:
        return
    split = split_dateline(first.text)
    if split:
        date, rest = split
        doc.date = doc.date or date
        first.text = rest


def _set_byline(doc: Document, byline: Byline) -> None:
    doc.byline, doc.authors, doc.byline_source = byline.text, byline.names, byline.source


def _heading_like(text: str) -> bool:
    words = text.split()
    if not TITLE_MIN_WORDS <= len(words) <= TITLE_MAX_WORDS or text.startswith(("•", "*", "-", "·")):
        return False
    return not text.endswith((".", ":", ";", ",")) and is_date_line(text) is None
