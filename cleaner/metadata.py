"""Title, date, byline and photo captions with credits, from the lines around the body.

Works on a Document whose lines the rules and the classifier have decided: the body is the
kept lines. Metadata lines (headline, dateline, byline, caption blocks) leave the body, each
marked with the reason `metadata: ...` so that `explain` shows where they went.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import contains

from cleaner.document import Decider, Document, Image, Line

HEADER_SEARCH_LINES = 8  # how far above the body the headline, dateline and byline are looked for
BODY_TOP_LINES = 4  # how many kept lines at the top of the body may still be header (headline, dateline)
TITLE_ABOVE_META_LINES = 3  # the headline sits at most this many lines above the byline/dateline block
TITLE_SEARCH_LINES = 40  # how far above the body a heading the page repeats elsewhere is looked for
HEADER_WALK_MAX_LINES = 40  # ... and never further than this, filler lines included
FILLER_MAX_WORDS = 2  # header lines this short (`0`, `Share`, `@handle`) do not use up the search budget
BARE_NAME_MAX_WORDS = 4  # a name line with no "By" is at most this long
NAME_MAX_WORDS = 5  # a person's name is two to this many words
FOOTER_SEARCH_LINES = 3  # how far below the body a closing byline is looked for
TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 30
BYLINE_MAX_WORDS = 14
TITLE_MAX_NUMBER_SHARE = 0.3  # a line with more bare numbers than this is a table row or a score line
CAPTION_HEADER_LINES = 12  # caption blocks are looked for this far above the first kept line, too
CAPTION_MAX_CHARS = 350  # a longer line above a credit is a paragraph of the body, not the caption
EARLIEST_YEAR = 1990
DATE_LINE_MAX_CHARS = 300  # a longer line is never only a date: not searched (a 20 MB line took seconds)
DATE_LINE_CACHE_SIZE = 4096  # date-line answers kept per process, for the lines asked about again
RECIPIENT_LINE_MAX_CHARS = 400  # a longer line naming the recipient keeps its text, minus the address

# Month names in the languages of the pages we see most (English, German, French, Spanish,
# Portuguese, Italian, Dutch), full and abbreviated, lower-cased and without a final dot.
_MONTH_NAMES = {
    1: "jan january januar janvier enero janeiro gennaio januari ene",
    2: "feb february februar février fevrier febrero fevereiro febbraio februari fév fev",
    3: "mar march märz maerz mars marzo março marco maart mär",
    4: "apr april avril abril aprile avr abr",
    5: "may mai mayo maio maggio mei",
    6: "jun june juni juin junio junho giugno",
    7: "jul july juli juillet julio julho luglio juil",
    8: "aug august août aout agosto augustus ago",
    9: "sep sept september septembre septiembre setembro settembre set",
    10: "oct october oktober octobre octubre outubro ottobre okt out",
    11: "nov november novembre noviembre novembro",
    12: "dec december dezember décembre decembre diciembre dezembro dicembre dez dic",
}
_MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}


def _by_first_letter(alternation: str) -> str:
    """A regex alternation grouped by first letter: `january|jan|feb` -> `(?:j(?:anuary|an)|f(?:eb))`.

    Each alternative opens with a lower-case ASCII letter, and no `|` sits in a group inside one. The
    result matches as the alternation does: alternatives whose first letters differ never match at the
    same place (in any case, under re.I too), and within a letter the order stays. It is faster: re tries
    the alternatives one by one at each place it searches (under re.I it cannot rule one out by its
    first letter), and grouped it tries one per first letter.
    """
    groups: dict[str, list[str]] = {}
    for alternative in alternation.split("|"):
        groups.setdefault(alternative[0], []).append(alternative[1:])
    return "(?:" + "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items()) + ")"


# The longest name first: `sept` before `sep`, so that no trailing letters are left for the day.
_MONTH_NAMES_ALTERNATION = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_MONTH = "(" + _by_first_letter(_MONTH_NAMES_ALTERNATION) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
# The words _WEEKDAY matches, spelled out.
_WEEKDAY_WORDS = tuple(
    stem + day
    for stem in ("mon", "tue", "tues", "wed", "wednes", "thu", "thurs", "fri", "sat", "satur", "sun")
    for day in ("", "day")
)
_DATE_SHAPES = (
    (re.compile(r"\b" + _WEEKDAY + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I), "mdy"),
    (
        re.compile(
            _WEEKDAY + r"\b(\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:of\s+|de\s+)?" + _MONTH + r",?\s+(?:de\s+)?(\d{4})",
            re.I,
        ),
        "dmy",
    ),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)"), "iso"),  # also 2018-12-23T20:51:19Z
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"), "dotted"),
)
# What a shape needs; for the month-name shapes, the text around their numbers without the month
# alternation that makes them slow (re tries each of its names at each word). A text that fails the
# hint cannot match the shape.
_SHAPE_HINTS = {
    "iso": re.compile("-"),
    "dotted": re.compile(r"\."),
    "mdy": re.compile(r"[^\W\d_]\.?\s+\d\d?(?:[^\W\d_]{2})?,?\s+\d{4}"),  # "May 5th, 2024"
    "dmy": re.compile(  # "5. Mai 2024", "5 de mayo de 2024"
        r"\d[^\W\d_]{0,2}\.?\s+(?:(?:[oO][fF]|[dD][eE])\s+)?[^\W\d_]{3,}\.?,?\s+(?:[dD][eE]\s+)?\d{4}"
    ),
}
# Every date shape holds a four-digit year: a text without four digits in a row has no date (a cheap test first).
_YEAR_DIGITS = re.compile(r"\d(?:\d\d\d)")  # = \d{4}, spelled so that re skips ahead faster
UPDATED_STAMP = re.compile(r"^\s*(?:last\s+)?(?:updated|modified|aktualisiert|mis à jour|actualizado)\b", re.I)
# What may surround a date on a dateline: times, zones, weekdays (several languages), "at".
_DATE_FILLER = re.compile(
    r"[\d:,.|/()\s-]|\b(?:[ap]\.?m\.?|[ecmpa][sd]?t|[ecmpa]t|gmt|utc|bst|cet|cest|ist|hkt|jst|aest|aedt|wib|msk|"
    r"at|um|uhr|às|à|h|de|le|el|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|"
    r"segunda|terça|quarta|quinta|sexta|feira)\b",
    re.I,
)
_UPDATED_TAIL = re.compile(r"\s*\|?\s*(?:last\s+)?updated\b", re.I)
_DATE_PREFIX = re.compile(
    r"^(published|posted|updated|original|posted on|published on|first published|date|veröffentlicht|publié le)"
    r"\s*:?\s*",
    re.I,
)
# What a date line's leftover check (_only_date) can take out of a plain word (a run of word characters
# that are all ASCII letters, four or more): a weekday or month name ending it (an occurrence of the date
# may start inside the word), a prefix (`Published`, `Date`, `Posted on`) starting it, or the whole word
# as filler. A text holding a word none of these can shorten keeps four letters in the leftover: no date line.
# \b on both sides: the run of ASCII letters is a whole run of word characters (\w+), not part of one.
_PLAIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
_DATE_WORD_ENDS = (*_MONTHS, *_WEEKDAY_WORDS)
_DATE_WORD_TAIL = 3  # every date word has this many letters or more (see _by_tail)
_DATE_PREFIX_STARTS = ("published", "posted", "updated", "original", "date", "first", "on", "le")  # _DATE_PREFIX's
_DATE_SEGMENTS = re.compile(r"\s+[|/·•]\s+|\s+[-–—]\s+")
# Found exactly where _DATE_SEGMENTS is (one space around the mark is enough), many times faster on a
# long line: the pattern opens with a character class, which lets re skip ahead.
_DATE_SEGMENT_GAP = re.compile(r"\s[|/·•–—-]\s")
# "MARCH 7, 2025 – Defense Secretary..." : a dateline opening the first paragraph.
_DATELINE_SEPARATOR = re.compile(r"^\s*[–—-]+\s+|^\s*[|:]\s+")
# "By A and B", "Written by A", "Analysis by A", "Von A": the byline marker and what follows it.
_BY_LEADS = "written|posted|story|words|reporting|analysis|opinion|commentary|text|interview|review|photos? and text"
_BY_MARKERS = "by|von|por|par|oleh"
_BY = re.compile(
    rf"(?:^|(?<=[\s|,–—-]))(?:{_by_first_letter(_BY_LEADS)}\s+)?{_by_first_letter(_BY_MARKERS)}\b\s*:?\s*"
    r"(?P<names>\S.*)$",
    re.I,
)
# What re.I also matches for these letters (every other ASCII letter matches only its two cases).
_CASE_EXTRAS = {"i": "İı", "k": "\u212a", "s": "ſ"}


def _any_case(char: str) -> str:
    return "".join(dict.fromkeys(char.lower() + char.upper() + _CASE_EXTRAS.get(char.lower(), "")))


def _words_hint(words: list[str]) -> re.Pattern:
    """Finds any of the words in any case, as re.I would, several times faster: the pattern opens with
    one character class, which lets re skip ahead, and spells out the cases instead of using re.I."""
    first = "".join(dict.fromkeys(char for word in words for char in _any_case(word[0])))
    alternatives = "|".join(
        f"(?<=[{re.escape(_any_case(word[0]))}])" + "".join(f"[{re.escape(_any_case(c))}]" for c in word[1:])
        for word in words
    )
    return re.compile(f"[{re.escape(first)}](?:{alternatives})")


# Every byline marker (_BY) holds one of these words: a line without them needs no _BY search.
_BY_HINT = _words_hint(["by", "von", "por", "par", "oleh"])
# The characters _CASE_EXTRAS lists, each mapped to its ASCII letter (see _fold_case).
_CASE_EXTRA_CHAR = re.compile("[" + "".join(_CASE_EXTRAS.values()) + "]")
_CASE_EXTRAS_TO_ASCII = str.maketrans({extra: letter for letter, extras in _CASE_EXTRAS.items() for extra in extras})


def _fold_case(text: str) -> str:
    r"""The text lower-cased so that an ASCII word is in it exactly where re.I finds the word in the text.

    str.lower() alone does that but for the characters re.I also matches to an ASCII letter (İ, ı, K, ſ;
    of all characters only İ and K lower-case to ASCII, and only İ to two characters): those become
    their letter first. Character by character, the result has as many characters and the same
    \w, \s and \d (and ASCII punctuation) as the text. So a pattern of lower-case words, \s, \w and
    punctuation finds in it, without re.I, what it finds in the text with re.I; and without re.I, re
    rules an alternative out by its first letter: several times faster.
    """
    if not text.isascii() and _CASE_EXTRA_CHAR.search(text):
        text = text.translate(_CASE_EXTRAS_TO_ASCII)
    return text.lower()


# What may stand before a byline marker besides a date: `2 hours ago`, `Nov 5 2019` (see _byline_body).
_SHORT_DATE_PREFIX = re.compile(r"[\w\s.,:]{0,40}(ago|\d{4})", re.I)
_NAME_ROLE_SEPARATOR = re.compile(r"\s+[|–—-]\s+|,\s+")
_ROLE_SEPARATOR_CHAR = re.compile("[|–—,-]")  # what every _NAME_ROLE_SEPARATOR holds
_PAGE_WORD_SEPARATOR = re.compile(r"[|·•]")
# Every _BY marker, _CREDIT_BY and _PAGE_WORDS match holds one of these words (in any case): a text
# without them is neither a byline nor page furniture, whatever _byline_body and _page_words_only say.
_MARKER_WORDS = (
    *("by", "von", "por", "par", "oleh"),  # _BY, _CREDIT_BY
    *("read", "staff", "updated", "published", "posted", "share", "comment"),  # _PAGE_WORDS
)
_MARKER_WORD = re.compile(_by_first_letter("|".join(_MARKER_WORDS)))  # for _fold_case(text)
# Where the names of a byline stop: a date, a time, "Updated", "on <site>", a weekday.
_BYLINE_END = re.compile(
    r"\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|(?:updated|published|posted|publiziert|publié|publicado|"
    r"last|modified|read|follow|email)\b|on\s+(?=\w)|at\s+\d)|\s*\d|\s+" + _MONTH + r"\s+\d",
    re.I,
)
_BYLINE_SEPARATOR = re.compile(r"\s+[|•·–—-]\s+|\s*[|;]\s*|(?<=[a-z]{2})\.\s+")  # "Name. Outlet": not "E. Name"
_BYLINE_SEPARATOR_CHAR = re.compile("[|•·–—;.-]")  # what every _BYLINE_SEPARATOR holds
# "Jane Doe | Reporter", "Jane Doe, Staff Writer": a name followed by a newsroom role.
_ROLE_QUALIFIERS = (
    "senior|staff|chief|political|special|foreign|investigative|contributing|guest|science|health|"
    "business|sports|white house|deputy|managing|associate|executive"
)
_ROLES = "reporter|correspondent|writer|editor|columnist|contributor|journalist|producer|analyst|author"
_ROLE = re.compile(rf"^(?:{_by_first_letter(_ROLE_QUALIFIERS)}\s+)*{_by_first_letter(_ROLES)}s?\b", re.I)
_ROLE_WORD = re.compile(_by_first_letter(_ROLES))  # in _fold_case(text): what every _ROLE match holds
# Words that are never part of a person's name: page furniture and English function words
# ("The Impeachment Clock" is a headline, "Staff Writer" a role).
_NOT_NAME_WORDS = (
    "staff|published|updated|posted|minutes?|min|read|admin|editors?|editorial|contributor|guest|anonymous|"
    "unknown|share|comments?|follow|email|team|desk|newsroom|subscribe|view|posts?|the|a|an|of|in|on|for|to|"
    "with|at|from|is|are|was|how|why|what|when|who|new|my|our|your|this|that|not|no|all|more|about|after|"
    "us|me|we|you|it|watch|watched|must|just|see|sign|log|privacy|terms|home|menu|search|skip|main|content|top|"
    "back|next|previous|contact|help|print|article|video|photos?|image|gallery|live|latest|news|opinion"
)
_NOT_NAME_WORD = re.compile(f"^{_by_first_letter(_NOT_NAME_WORDS)}$", re.I)
_OUTLET_NAMES = (
    "news|press|reuters|associated|agency|agence|service|times|post|journal|magazine|media|"
    "network|daily|wire|bureau|staff|department|ministry|office|institute|university|"
    "correspondent|reporter|writer|editor|contributor|afp|ap|dpa|upi|cnn|bbc|international|today|tribune|herald|"
    "gazette|chronicle|observer|telegraph|guardian|insider|radio|tv|television|channel|online|weekly|group|llc|inc"
)
_OUTLET_WORDS = re.compile(rf"\b({_by_first_letter(_OUTLET_NAMES)})\b", re.I)
_NAME_JOINERS = ("and", "und", "et", "y", "e")
_NAME_JOINER_WORDS = frozenset(_NAME_JOINERS)
_NAME_SPLIT = re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+(?:{'|'.join(_NAME_JOINERS)})\s+|\s*&\s*)\s*", re.I)
_NAME_PARTICLES = frozenset(
    ["de", "van", "von", "der", "den", "da", "del", "della", "la", "le", "du", "bin", "al", "ibn", "ter", "dos", "das"]
)
# Header furniture that is neither a headline nor a name: reading time, "Staff", "Updated".
_PAGE_WORDS = re.compile(
    r"^(?:\d+\s*min(?:ute)?s?\.?\s*read|read(?:ing)? time\b.*|staff|updated|published|posted|share|"
    r"\d*\s*comments?)$",
    re.I,
)
# "Photos by Eli Martin", "Illustration by ...": who made the pictures, not who wrote the story.
_CREDIT_BY = re.compile(
    r"^(?:photos?|photograph(?:s|y)?|images?|video|illustrations?|graphics?|editing|edited)\s+by\b", re.I
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Wrapper phrases that name the subscriber an e-mail went to.
# Searched in _fold_case(text), which makes it match in any case as re.I would; each phrase opens with
# a plain letter, so that re skips ahead to the places where one can start.
_RECIPIENT = re.compile(
    "|".join(
        [
            *(
                rf"{verb}\s+to\s*:?\s*(?:<a[^>]*>)?[\w.+-]+@"
                for verb in ("sent", "delivered", "addressed", "forwarded")
            ),
            r"subscribed\s+as\s+[\w.+-]+@",
            *(rf"{label}\s*:\s*[\w.+-]+@" for label in ("recipient", "to", "email address")),
            "you are receiving this",
        ]
    )
)
_CALLS_TO_ACTION = (
    "click|tap|read|watch|listen|subscribe|sign up|download|follow|share|print|email|e-mail|save|comment|"
    "leave a|join|log in|sign in|register|support|donate|advertisement"
)
_CALL_TO_ACTION = re.compile(rf"^{_by_first_letter(_CALLS_TO_ACTION)}\b", re.I)
_HANDLE_TAIL = re.compile(r"\s*@\w+$")
_COMMENTS_HEADING = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|reactions|thoughts on\b|leave a (?:reply|comment))", re.I
)
# `Caption text (Photo: Jane Doe)`, `Caption text (AFP/Jane Doe)`: a picture word (any case) or an agency
# (this case) in the parenthesis that closes the line.
_PICTURE_WORDS = ("photo", "photograph", "image", "credit", "courtesy", "illustration", "video", "graphic")
_PAREN_AGENCIES = (
    *("AFP", "AP", "Reuters", "Getty Images", "EPA", "Xinhua", "Anadolu Agency", "Bloomberg", "Shutterstock"),
    *("File", "File photo"),
)
_PAREN_CREDIT = re.compile(
    r"^(?P<caption>.{20,}?)\s*\((?P<credit>[^()]*\b(?:" + "|".join(_PICTURE_WORDS) + r")\b[^()]*|"
    r"(?-i:" + "|".join(_PAREN_AGENCIES) + r")(?:/[^()]{1,40})?)\)\s*$",
    re.I,
)
# Every _PAREN_CREDIT credit that opens with no agency holds one of these (see _may_be_paren_credit).
_PICTURE_WORD_HINT = _words_hint(list(_PICTURE_WORDS))
_CREDIT_LABELS = (
    r"photo\s*credit",
    r"image\s*credit",
    "credit",
    "photo",
    "photograph",
    "image",
    "picture",
    "source",
    "foto",
)
_CREDIT_LINE = re.compile(rf"^(?:{'|'.join(_CREDIT_LABELS)})s?\s*:\s*(?P<credit>.+)$", re.I)
# What a _CREDIT_LINE opens with: the first letter of a label, in any case that re.I matches.
_CREDIT_LABEL_FIRSTS = frozenset(char for label in _CREDIT_LABELS for char in _any_case(label[0]))
_AGENCY_CREDIT = re.compile(
    r"^(?P<credit>[^.!?]{0,80}(?:/|\bvia\s+)(?:getty images|afp|reuters|ap|shutterstock|epa|"
    r"alamy|bloomberg|pool|ap photo|istock)[^.!?]{0,40})$",
    re.I,
)
# An agency credit without a slash says "via" (any case): see _may_be_agency_credit.
_VIA_HINT = _words_hint(["via"])
_IMAGE_ID = re.compile(r"^(?:virin|image id|photo id)\s*:\s*(?P<id>\S+)$", re.I)
_SENTENCE_END = tuple(".!?")
# The deciders, read once: reading a member off the Enum class costs a descriptor call each time.
_RULE, _CLASSIFIER, _METADATA = Decider.RULE, Decider.CLASSIFIER, Decider.METADATA
_RULE_OR_METADATA = (_RULE, _METADATA)


# --- dates ------------------------------------------------------------------------------------


def find_date(text: str, today: dt.date | None = None) -> tuple[str, re.Match] | None:
    """The first plausible date in the text as YYYY-MM-DD, with its match; never a future date."""
    if not _YEAR_DIGITS.search(text):
        return None
    today = today or dt.date.today()
    found = []
    for shape, order in _DATE_SHAPES:
        if not _SHAPE_HINTS[order].search(text):
            continue
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
    return _MONTHS[name.lower().rstrip(".")]


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
    """A line that is only a date (perhaps "Published ...", a weekday, a time): its date.

    An "Updated ..." tail after the publication date is allowed: `Published May 2 | Updated an hour ago`.
    """
    if len(text) > DATE_LINE_MAX_CHARS or not _YEAR_DIGITS.search(text):
        return None
    return _date_line_on(text, dt.date.today())


@lru_cache(maxsize=DATE_LINE_CACHE_SIZE)
def _date_line_on(text: str, today: dt.date) -> str | None:
    """is_date_line as of a day, cached: the header searches ask about the same few lines several times."""
    # "updated" in the lower-cased text: what _UPDATED_TAIL needs, found many times faster than by the pattern.
    head = _UPDATED_TAIL.split(text, maxsplit=1)[0] if "updated" in text.lower() else text
    whole = _only_date(head or text, today)
    # A word that survives the date cleanup (see _holds_other_words) lies in one of the segments, as the
    # separators hold no word characters: that segment is no date, so neither is the line.
    if whole or not _DATE_SEGMENT_GAP.search(text) or _holds_other_words(text):
        return whole
    # `Updated Jun. 8, 2019 8:21 am ET / Original Jun. 8, 2019`: every segment a date; the original wins.
    segments = [segment for segment in _DATE_SEGMENTS.split(text) if segment.strip()]
    dates = []
    for segment in segments:  # stopping at the first segment that is no date
        if not (date := _only_date(segment, today)):
            return None
        dates.append(date)
    return next((d for d, seg in zip(dates, segments, strict=True) if not UPDATED_STAMP.match(seg)), dates[0])


def _only_date(text: str, today: dt.date) -> str | None:
    if _holds_other_words(text):
        return None  # the cheap answer for most texts with a year in them: sentences, table rows
    return _date_with_little_else(text, today)


def _holds_other_words(text: str) -> bool:
    """Whether a word of the text survives _date_with_little_else's leftover with 4+ letters (see _PLAIN_WORD).

    The plain words are found one at a time (finditer), numbers and short words passed over by re:
    in a sentence an early word survives, and the rest of the text is never scanned."""
    return any(map(_survives_date_cleanup, map(re.Match.group, _PLAIN_WORD.finditer(text))))


def _by_tail(words: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The words (none shorter than _DATE_WORD_TAIL) by their last _DATE_WORD_TAIL letters: a word
    ending with one of them ends with those letters."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[-_DATE_WORD_TAIL:], []).append(word)
    return {tail: tuple(group) for tail, group in groups.items()}


# The few date words a plain word may end with, by its last letters: fewer to try than all of them.
_DATE_WORD_ENDS_BY_TAIL = _by_tail(_DATE_WORD_ENDS)


def _survives_date_cleanup(word: str) -> bool:
    """Whether a plain word (_PLAIN_WORD) stays whole in the leftover of _date_with_little_else."""
    lowered = word.lower()
    ends = _DATE_WORD_ENDS_BY_TAIL.get(lowered[-_DATE_WORD_TAIL:], ())
    if lowered.endswith(ends) or lowered.startswith(_DATE_PREFIX_STARTS):
        return False
    return not _DATE_FILLER.fullmatch(word)


def _date_with_little_else(text: str, today: dt.date) -> str | None:
    """The text's date when what is left without it, a date prefix and filler is at most 3 characters."""
    found = find_date(text, today)
    if not found:
        return None
    leftover = _DATE_PREFIX.sub("", text.replace(found[1].group(0), " ").strip())
    leftover = _DATE_FILLER.sub("", leftover)
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
    """`By Matthew Olay, DOD News` -> names ["Matthew Olay"], source "DOD News"; None if no names.

    Also reads a bare value (`Jane Doe; John Roe` from a meta tag). Parsing stops at a date, a
    time or words such as "Updated", so that `By A Monday, May 5` gives only A.
    """
    # Runs of whitespace become one space (str.split() splits where \s+ matches; the ends are stripped anyway).
    text = " ".join(text.split()).strip(" |-–—")
    if "@" in text and " " not in text:
        return None  # an e-mail address or a handle, never a byline
    body = _byline_body(text)
    if body is None:
        body = text
    body = _BYLINE_END.split(body, maxsplit=1)[0]
    chunks = _BYLINE_SEPARATOR.split(body) if _BYLINE_SEPARATOR_CHAR.search(body) else [body]
    pieces = [piece for chunk in chunks for piece in _split_names(chunk)]
    names: list[str] = []
    source_parts: list[str] = []
    for piece in pieces:
        piece = piece.strip(" .,;:")
        if not piece or "@" in piece:
            continue
        if not source_parts and is_person_name(piece):
            names.append(piece)
        elif not source_parts and "," not in body and (glued := _split_name_outlet(piece)):
            names.append(glued[0])
            source_parts.append(glued[1])
        elif names:
            source_parts.append(piece)
        else:
            return None
    if not names:
        return None
    source = ", ".join(p for p in source_parts if not _ROLE.match(p)) or None
    return Byline(names, source)


def _split_names(chunk: str) -> list[str]:
    """_NAME_SPLIT.split(chunk), without the pattern for a chunk that cannot hold a split: most hold one name.
    A split needs a comma, an ampersand or a joining word with whitespace on both sides, which is then a
    whole word of chunk.lower().split() (re.I matches no other character to the letters of the joining words).
    """
    if "," in chunk or "&" in chunk or not _NAME_JOINER_WORDS.isdisjoint(chunk.lower().split()):
        return _NAME_SPLIT.split(chunk)
    return [chunk]


def _split_name_outlet(piece: str) -> tuple[str, str] | None:
    """`JILL LAWLESS Associated Press` -> ("JILL LAWLESS", "Associated Press"): a name glued to its outlet."""
    words = piece.split()
    for size in (3, 2):
        head, tail = " ".join(words[:size]), " ".join(words[size:])
        if tail and is_person_name(head) and _OUTLET_WORDS.search(tail) and not _OUTLET_WORDS.search(head):
            return head, tail
    return None


def _byline_body(text: str) -> str | None:
    """What follows the byline marker, when the marker opens the text or follows only a date."""
    if not _BY_HINT.search(text):
        return None
    for match in _BY.finditer(text):
        prefix = text[: match.start()].strip(" |-–—•·,")
        if not prefix or find_date(prefix) or _SHORT_DATE_PREFIX.fullmatch(prefix):
            return match.group("names")
    return None


def is_person_name(text: str) -> bool:
    """Two to five capitalised words, none of them a role, an outlet word or a page word."""
    words = text.split(maxsplit=NAME_MAX_WORDS)  # more than NAME_MAX_WORDS words: no name, whatever the rest
    if not 1 < len(words) <= NAME_MAX_WORDS:
        return False  # the cheap tests first: most lines fail them
    for word in words:  # a loop costs less than all() of a generator
        if not (word[:1].isupper() or word.lower() in _NAME_PARTICLES):
            return False
    if _OUTLET_WORDS.search(text) or any(map(str.isdigit, text)):
        return False
    return not any(map(_NOT_NAME_WORD.match, map(str.strip, words, repeat(".:,"))))


def byline_in_line(text: str) -> Byline | None:
    """A byline stated by a line: `By ...`, `date | By ...`, or `Jane Doe | Reporter`."""
    if _more_words_than(text, BYLINE_MAX_WORDS):
        return None
    if _byline_body(text) is not None:
        return parse_byline(text)
    return _name_and_role(text)


def _name_and_role(text: str) -> Byline | None:
    """`Jane Doe | Reporter`, `Jane Doe, Staff Writer`: a name and a newsroom role."""
    if not _ROLE_SEPARATOR_CHAR.search(text) or not _ROLE_WORD.search(_fold_case(text)):
        return None  # one part, or no role word: no name and role (the common case, cheap scans before the split)
    parts = [part.strip() for part in _NAME_ROLE_SEPARATOR.split(text)]
    if len(parts) == 2 and is_person_name(parts[0]) and _ROLE.match(parts[1]):
        return Byline([parts[0]], None)
    return None


# --- captions and credits ---------------------------------------------------------------------


def extract_caption_blocks(doc: Document) -> None:
    """Turn caption blocks in and just above the body into images and take them out of the body.

    The lead photo often sits between the headline and the first paragraph, where the classifier
    may already have dropped it as "not prose": such lines are still read (a caption is metadata
    whatever the classifier thought of it), but never lines a rule dropped or lines far from the body.
    """
    _extract_caption_blocks(doc, _kept_indexes(doc.lines))


def _extract_caption_blocks(doc: Document, kept: list[int]) -> bool:
    """extract_caption_blocks, given the indexes of the kept lines. Whether it took lines out: it takes
    out the lines of each image it adds, and no others."""
    if not kept:
        return False
    lines, images = doc.lines, len(doc.images)
    start, stop = max(0, kept[0] - CAPTION_HEADER_LINES), kept[-1] + 1
    # The few lines a credit shape could match, found by str tests: `... (credit)` ends with ")", a credit line
    # opens with a label and has a colon; an agency credit has no full stop, and a "/" or a "v" (see
    # _may_hold_credit). Most lines are prose, with a full stop and neither, or short, with no "/" and no "v".
    texts = [line.text for line in lines[start:stop]]
    candidates = [
        index
        for index, text in enumerate(texts, start)
        if (")" in text and text.rstrip().endswith(")"))
        or (":" in text and text[:1] in _CREDIT_LABEL_FIRSTS)
        or ("." not in text and ("/" in text or "v" in text or "V" in text) and _may_hold_credit(text))
    ]
    for index in candidates:
        line = lines[index]
        if not line.keep and line.decider is not _CLASSIFIER:
            continue
        text = line.text
        # Each credit shape is tried only where it can match (see _may_hold_credit).
        paren = _PAREN_CREDIT.match(text) if _may_be_paren_credit(text) else None
        if paren:
            doc.images.append(Image(caption=paren.group("caption").strip(), credit=paren.group("credit").strip()))
            line.drop("metadata: caption", _METADATA)
            continue
        credit = (":" in text and _CREDIT_LINE.match(text)) or (
            _may_be_agency_credit(text) and _AGENCY_CREDIT.match(text)
        )
        if credit and len(text) <= 200:
            doc.images.append(_caption_block(lines, index, credit.group("credit").strip()))
    return len(doc.images) > images


def _kept_indexes(lines: list[Line]) -> list[int]:
    """The indexes of the kept lines. A comprehension reading `line.keep` costs less than a C-level loop
    through attrgetter: the interpreter reads a slot it has seen before faster than getattr does."""
    return [index for index, line in enumerate(lines) if line.keep]


def _still_kept(lines: list[Line], kept: list[int]) -> list[int]:
    """Those of the indexes `kept` whose lines are still kept."""
    return [index for index in kept if lines[index].keep]


def _may_hold_credit(text: str) -> bool:
    """Whether a credit shape could match, in str tests, which cost less than one regular expression:
    `... (credit)` ends with ")", a credit line has a colon; for an agency credit see _may_be_agency_credit."""
    return ")" in text or ":" in text or _may_be_agency_credit(text)


def _may_be_paren_credit(text: str) -> bool:
    """Whether _PAREN_CREDIT could match. Its credit fills the parenthesis that ends the text (only
    whitespace after it) and holds no parenthesis itself, so it is what follows the last "(": a
    credit that opens with an agency name, or one naming a picture word (found by a hint, any case).
    Most lines end with neither ")" nor whitespace: two tests of their last character say no."""
    stripped = text.rstrip() if text[-1:].isspace() else text
    if not stripped.endswith(")"):
        return False
    credit = stripped[stripped.rfind("(") + 1 : -1]
    return credit.startswith(_PAREN_AGENCIES) or _PICTURE_WORD_HINT.search(credit) is not None


def _may_be_agency_credit(text: str) -> bool:
    """No sentence punctuation at all, and a slash or "via" (any case): what every _AGENCY_CREDIT holds."""
    if "." in text or "!" in text or "?" in text:
        return False
    return "/" in text or _VIA_HINT.search(text) is not None


def _caption_block(lines: list[Line], credit_index: int, credit: str) -> Image:
    """Gather a caption block around its credit line: [alt] [title] caption, credit, [id]."""
    image = Image(credit=credit)
    lines[credit_index].drop("metadata: credit", _METADATA)
    after = credit_index + 1
    if after < len(lines) and not lines[after].blank_before and (ident := _IMAGE_ID.match(lines[after].text)):
        image.id = ident.group("id")
        lines[after].drop("metadata: image id", _METADATA)
    group = []  # the lines of the block above the credit, nearest first
    index = credit_index
    while index > 0 and len(group) < 3 and not lines[index].blank_before:
        index -= 1
        if lines[index].decider in _RULE_OR_METADATA or len(lines[index].text) > CAPTION_MAX_CHARS:
            break
        group.append(lines[index])
    above = lines[credit_index - 1] if credit_index > 0 else None
    if not group and above is not None and above.keep and len(above.text) <= CAPTION_MAX_CHARS:
        group = [above]  # one block per line: the caption is the line above
    roles = ("caption", "title", "alt") if len(group) == 3 else ("caption", "title")
    for line, role in zip(group, roles, strict=False):
        if role == "title" and line.text.endswith(_SENTENCE_END):
            role = "alt"
        setattr(image, role, line.text)
        line.drop(f"metadata: image {role}", _METADATA)
    return image


# --- the whole text step ----------------------------------------------------------------------


def drop_recipient_lines(doc: Document) -> None:
    """`This email was sent to jane@example.com`: a subscriber's address never reaches the output.

    A short wrapper line naming the recipient leaves the body; in a longer line (a table that
    the extractor flattened into one line) only the address goes.
    """
    _drop_recipient_lines(doc.lines, _kept_indexes(doc.lines))


def _drop_recipient_lines(lines: list[Line], kept: list[int]) -> bool:
    """drop_recipient_lines, given the indexes of the kept lines. Whether it dropped a line."""
    dropped = False
    for index in kept:
        line = lines[index]
        if "@" not in line.text or not _RECIPIENT.search(_fold_case(line.text)):
            continue
        if len(line.text) <= RECIPIENT_LINE_MAX_CHARS:
            line.drop("metadata: recipient address", _METADATA)
            dropped = True
        else:
            line.text = EMAIL.sub("", line.text)
    return dropped


def extract_text_metadata(doc: Document) -> None:
    """Fill title, date, byline and images from the lines around and inside the body."""
    kept = _kept_indexes(doc.lines)  # these steps only drop lines: the kept ones are found once, then filtered
    if _drop_recipient_lines(doc.lines, kept):
        kept = _still_kept(doc.lines, kept)
    if _extract_caption_blocks(doc, kept):
        kept = _still_kept(doc.lines, kept)
    if not kept:
        return
    first = next((i for i in kept if (doc.lines[i].score or 0) > 0), kept[0])
    meta = _MetaTexts()
    title_index = _header_inside_body(doc, kept, meta)
    if title_index is None:
        possible_titles = _PossibleTitles(doc.lines)  # shared by both searches: they read the same lines
        title_index = _title_above_meta(doc, first, meta, possible_titles)
        if title_index is None:
            title_index = _repeated_title(doc, first, possible_titles)
    if title_index is not None and doc.title is None:
        doc.title = doc.lines[title_index].text
        doc.lines[title_index].drop("metadata: title", _METADATA)
    _search_header(doc, first, meta, stop=title_index if title_index is not None else -1)
    _search_footer(doc, kept[-1])
    _take_dateline(doc, kept)


def _search_header(doc: Document, first: int, meta: _MetaTexts, stop: int = -1) -> None:
    """Walk up from the first prose line: dateline, byline and the headline sit just above it.

    Share buttons, bullets and one- or two-word lines (`0`, `@handle`) do not use up the search
    budget: headers are full of them. A bare name line right above a dateline is the byline.
    A line that is no meta text and names no handle passes none of the byline, date and page-word
    tests (they are the tests of _meta_text): only the headline test is left for it.
    """
    seen = walked = 0
    date_was_updated = False  # walking up, an "Updated" line comes before the "Published" one
    below_is_date = False  # the line just below (visited just before) was a dateline
    for index in range(first - 1, stop, -1):
        line = doc.lines[index]
        if line.decider in _RULE_OR_METADATA:
            continue
        walked += 1
        if (line.score or 0) > 0 or seen >= HEADER_SEARCH_LINES or walked > HEADER_WALK_MAX_LINES:
            break
        text = line.text
        seen += not _header_filler(text)
        is_date = False
        maybe_meta = "@" in text or meta[text]
        if maybe_meta and doc.byline is None and (byline := _header_byline(doc, index, stop, below_is_date)):
            _set_byline(doc, byline)
            if doc.date is None and (found := find_date(text)):
                doc.date = found[0]
            line.drop("metadata: byline", _METADATA)
        elif maybe_meta and (doc.date is None or date_was_updated) and (date := is_date_line(text)):
            if doc.date is None or not UPDATED_STAMP.match(text):
                doc.date, date_was_updated = date, bool(UPDATED_STAMP.match(text))
            line.drop("metadata: date", _METADATA)
            is_date = True
        elif maybe_meta and _page_words_line(text):
            if doc.date is None and (found := find_date(text)):
                doc.date = found[0]
            line.drop("metadata: byline or date without names", _METADATA)
        elif doc.title is None and _heading_like(text):
            doc.title = text
            line.drop("metadata: title", _METADATA)
            break
        below_is_date = is_date


def _header_byline(doc: Document, index: int, stop: int, below_is_date: bool) -> Byline | None:
    """The byline a header line states, or a bare name right under the headline or next to a dateline."""
    text = doc.lines[index].text
    if byline := byline_in_line(text):
        return byline
    if (name := _bare_name(text)) is None:
        return None  # the common case: whether the line is next to the header does not matter
    next_to_header = below_is_date or index - 1 == stop or (index > 0 and is_date_line(doc.lines[index - 1].text))
    return Byline([name], None) if next_to_header else None


def _title_above_meta(doc: Document, first: int, meta: _MetaTexts, possible_titles: _PossibleTitles) -> int | None:
    """The heading right above the article's dateline or byline block, nearest to the body first.

    Headers put furniture ("Print this article", "Sharing is caring!", a caption) between the
    byline and the body, but almost never between the headline and the byline.
    Only a line with a possible headline a few lines above it can lead to one (see _PossibleTitles):
    the costly meta-line test is asked of no other line.
    """
    asked = first - 1  # the lines asked about so far, whether they may be the headline: asked .. first - 2
    titled = first  # the lowest of them that may be (first: none)
    for index in range(first - 1, max(-1, first - TITLE_SEARCH_LINES - 1), -1):
        while asked > index - TITLE_ABOVE_META_LINES and asked > 0:  # the lines up to TITLE_ABOVE_META_LINES above
            asked -= 1
            if possible_titles[asked]:
                titled = asked
        if titled >= index or not _meta_line(doc.lines[index], meta):
            continue  # no possible headline in the lines asked about that lie above the index
        for above in range(index - 1, max(-1, index - TITLE_ABOVE_META_LINES - 1), -1):
            line = doc.lines[above]
            if line.decider is _RULE or _meta_line(line, meta) or _header_filler(line.text):
                continue
            # Not a rule's line (see above), so possible_titles tells its score <= 0 and a heading's shape.
            if possible_titles[above] and _reads_as_heading(line.text):
                return above
            break
    return None


class _PossibleTitles(dict):
    """Whether each line, by index, may be the headline: the cheap part of what the title searches ask
    of one (no rule dropped it, the classifier did not take it for prose, and it has a headline's
    shape, which _heading_like asks first). Found when first asked: the search mostly stops a few lines up.
    """

    def __init__(self, lines: list[Line]):
        super().__init__()
        self.lines = lines

    def __missing__(self, index: int) -> bool:
        line = self.lines[index]
        self[index] = found = line.decider is not _RULE and (line.score or 0) <= 0 and _heading_shape(line.text)
        return found


def _header_inside_body(doc: Document, kept: list[int], meta: _MetaTexts) -> int | None:
    """Headline, dateline and byline that the classifier kept at the top of the body.

    A dateline such as `Friday, May 10, 2019, 04:05 pm PT` reads like a short sentence, and a
    breadcrumb can open the kept region, so the header sometimes starts inside it. The top
    kept lines are header when they reach a meta line (date or byline) through nothing but a
    headline, breadcrumbs repeating it and filler. Returns the headline's index, if any.
    `kept` are the indexes of the kept lines, before this step.
    """
    top = kept[:BODY_TOP_LINES]
    texts = [doc.lines[index].text for index in top]
    found = next((k for k in range(_meta_line_reach(texts)) if meta[texts[k]]), None)
    if found is None:
        return None
    title = None
    for k in range(found - 1, -1, -1):
        text = doc.lines[top[k]].text
        if title is None and _heading_like(text) and not text.endswith(_SENTENCE_END):
            title = top[k]
        elif title is None or doc.lines[title].text not in text:
            return None  # a real paragraph above the meta line: the body had started
    end = found
    while end < len(top) and meta[doc.lines[top[end]].text]:
        end += 1
    for k in range(end):
        index = top[k]
        if index != title:
            _take_meta(doc, doc.lines[index])
    return title


def _meta_line_reach(texts: list[str]) -> int:
    """How many of the top texts _header_inside_body needs to ask whether they are meta lines.

    The first meta line decides, and it leads somewhere only if it opens the texts or the text right
    above it may be the headline (_heading_shape, the cheap part of _heading_like) that every text
    further up repeats. A first meta line further down ends the search with nothing, as does none.
    """
    reach = min(1, len(texts))
    for k in range(1, len(texts)):
        headline = texts[k - 1]
        if headline.endswith(_SENTENCE_END) or not all(map(contains, texts[: k - 1], repeat(headline))):
            continue  # the cheap tests first
        if _heading_shape(headline):
            reach = k + 1
    return reach


def _take_meta(doc: Document, line: Line) -> None:
    """A header line found inside the body: its byline and date go to the document, it leaves the body."""
    if doc.byline is None and (byline := byline_in_line(line.text)):
        _set_byline(doc, byline)
    if doc.date is None and (date := is_date_line(line.text) or (byline_in_line(line.text) and find_date(line.text))):
        doc.date = date if isinstance(date, str) else date[0]
    line.drop("metadata: header inside the body", _METADATA)


def _meta_line(line: Line, meta: _MetaTexts) -> bool:
    """A dateline, a byline (with or without "By") or header furniture such as "4 Minute Read"."""
    if line.reason.startswith(("metadata: byline", "metadata: date")):
        return True
    if line.decider is _RULE or (line.score or 0) > 0:
        return False
    return meta[line.text]


class _MetaTexts(dict):
    """`_meta_text` of each line text, computed once per document: the header searches ask about the same lines."""

    def __missing__(self, text: str) -> bool:
        self[text] = found = _meta_text(text)
        return found


def _meta_text(text: str) -> bool:
    """The text of a dateline, a byline or header furniture (a date line may be long: two stamps)."""
    if is_date_line(text):
        return True
    words = len(text.split(maxsplit=BYLINE_MAX_WORDS))  # the count, up to BYLINE_MAX_WORDS + 1
    if words > BYLINE_MAX_WORDS:
        return False
    # byline_in_line(text) or _page_words_line(text), sharing their work: a byline marker makes either true.
    # Both need a marker word (_MARKER_WORDS), which one search finds or rules out first.
    if _MARKER_WORD.search(_fold_case(text)) and (_byline_body(text) is not None or _page_words_only(text)):
        return True
    if _name_and_role(text):
        return True
    return words <= BARE_NAME_MAX_WORDS and is_person_name(text)


def _repeated_title(doc: Document, first: int, possible_titles: _PossibleTitles) -> int | None:
    """The heading above the body that the page repeats elsewhere: in its <title> line, a breadcrumb,
    or an e-mail wrapper's subject line. A page names its own story twice; a menu entry or a
    teaser near the top rarely sits in the page title too. The nearest such heading wins.
    `possible_titles` rules out (cheaply) the lines that are no heading or that a rule or the classifier took.
    """
    page = None  # the whole text, built for the first heading found
    for index in range(first - 1, max(-1, first - TITLE_SEARCH_LINES - 1), -1):
        if not possible_titles[index] or not _reads_as_heading(doc.lines[index].text):
            continue
        page = page if page is not None else "\n".join([line.text for line in doc.lines])
        # Its own line is one occurrence; a text line holds no line break, so no occurrence spans two lines.
        if page.count(doc.lines[index].text) > 1:
            return index
    return None


def _header_filler(text: str) -> bool:
    """Share buttons, bullets, counters and handles: header lines that say nothing."""
    return text.startswith(("•", "*", "·", "@")) or not _more_words_than(text, FILLER_MAX_WORDS)


def _bare_name(text: str) -> str | None:
    """`Mike Wuerthele` on its own line: next to the dateline or right under the headline, the author
    named without "By" (a Twitter handle glued to it, `Jane Doe@janedoe`, is dropped)."""
    name = (_HANDLE_TAIL.sub("", text) if "@" in text else text).strip()  # a handle has an "@"
    if not _more_words_than(name, BARE_NAME_MAX_WORDS) and is_person_name(name):
        return name
    return None


def _page_words_line(text: str) -> bool:
    """`Posted on 2024-07-02 by admin`, `Staff | 4 Minute Read`: header furniture, neither title nor byline."""
    if _more_words_than(text, BYLINE_MAX_WORDS):
        return False
    return _byline_body(text) is not None or _page_words_only(text)


def _page_words_only(text: str) -> bool:
    """`Photos by ...` or a part that is only page words (`Staff`, `4 Minute Read`)."""
    if _CREDIT_BY.match(text):
        return True
    return any(map(_PAGE_WORDS.match, map(str.strip, _PAGE_WORD_SEPARATOR.split(text))))


def _search_footer(doc: Document, last: int) -> None:
    if doc.byline is not None:
        return
    for line in doc.lines[last : last + FOOTER_SEARCH_LINES + 1]:
        if _COMMENTS_HEADING.match(line.text):
            return  # below this, "Posted by" names a commenter
        if byline := byline_in_line(line.text):
            _set_byline(doc, byline)
            line.drop("metadata: byline", _METADATA)
            return


def _take_dateline(doc: Document, kept: list[int]) -> None:
    """`kept`: indexes that hold every kept line (this step comes last; earlier ones only drop lines)."""
    first = next((line for line in map(doc.lines.__getitem__, kept) if line.keep), None)
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
    return _heading_shape(text) and _reads_as_heading(text)


def _reads_as_heading(text: str) -> bool:
    """The costly part of _heading_like, for a text of a heading's shape (the title searches know the
    shape of the lines they ask about: see _PossibleTitles)."""
    words = text.split()
    if _CALL_TO_ACTION.match(text) or sum(map(str.isdigit, words)) > TITLE_MAX_NUMBER_SHARE * len(words):
        return False  # "CLICK FOR RESULTS", a table row such as "40 Casey Mears 1 0 0 0 0"
    if len(words) <= TITLE_MIN_WORDS and is_person_name(text):
        return False  # "Adam Clark Estes" above a dateline is the author, not the headline
    return is_date_line(text) is None and _byline_body(text) is None


def _heading_shape(text: str) -> bool:
    """The str tests of _heading_like, cheap: 3 to 30 words, no "@" (an address or a handle, never a
    headline), no bullet in front, no sentence punctuation at the end. A long text is split only
    as far as TITLE_MAX_WORDS + 1 words."""
    if "@" in text or text.startswith(("•", "*", "-", "·")) or text.endswith((".", ":", ";", ",")):
        return False
    return TITLE_MIN_WORDS <= len(text.split(maxsplit=TITLE_MAX_WORDS)) <= TITLE_MAX_WORDS


def _more_words_than(text: str, limit: int) -> bool:
    """len(text.split()) > limit, without splitting a long text (a paragraph) further than limit + 1 words."""
    return len(text.split(maxsplit=limit)) > limit
