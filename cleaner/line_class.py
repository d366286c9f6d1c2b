"""The per-line shape classes of the first text classifier (prose, near-prose, short, boilerplate).

cleaner.classify now decides text lines with a trained model (cleaner.text_features); these
hand-set classes stay because rule learning (cleaner.learn) asks "would the classifier see this
template line as a separator?" of one line at a time, with no page around it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import justext

from cleaner.document import Line

# --- thresholds, in one place ---------------------------------------------------------------
LENGTH_HIGH = 100  # characters: a line this long with enough stopwords is prose
LENGTH_LOW = 50  # characters: below this, a line is at best near-prose
STOPWORDS_HIGH = 0.25  # share of stopwords in prose of the document's language
STOPWORDS_LOW = 0.15
SENTENCE_MIN_WORDS = 6  # a line ending like a sentence with this many words is near-prose
BULLET_MIN_WORDS = 5  # a bulleted item shorter than this is a menu entry
CJK_PROSE_CHARS = 40  # CJK has no spaces: length in characters decides
LANGUAGE_MIN_SHARE = 0.05  # below this stopword coverage the document's language is unknown
# Languages whose jusText stoplists are considered when guessing a document's language.
CANDIDATE_LANGUAGES = (
    "English",
    "German",
    "French",
    "Spanish",
    "Portuguese",
    "Italian",
    "Dutch",
    "Indonesian",
    "Malay",
    "Russian",
    "Ukrainian",
    "Polish",
    "Czech",
    "Swedish",
    "Danish",
    "Norwegian_Bokmal",
    "Finnish",
    "Turkish",
    "Romanian",
    "Hungarian",
    "Greek",
    "Vietnamese",
    "Korean",
    "Arabic",
    "Persian",
    "Hindi",
    "Catalan",
    "Croatian",
    "Serbian",
    "Bulgarian",
    "Tagalog",
)

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_BULLET = re.compile(r"^[•·*‣▪►»◦–—-]\s")
_TEASER_TAIL = re.compile(r"(\[…\]|\[\.\.\.\]|\.\.\.|…|read more|continue reading|more »)\s*$", re.I)
_MENU_SEPARATORS = re.compile(r"\s[|·•]\s")
_COPYRIGHT = re.compile(r"(©|\(c\)\s*\d{4}|copyright\s+(©\s*)?\d{4}|all rights reserved)", re.I)
_SENTENCE_END = tuple('.!?:"”’»)。！？')


class LineClass(StrEnum):
    GOOD = "prose"
    NEAR_GOOD = "near-prose"
    SHORT = "short"
    BAD = "boilerplate"


@dataclass(slots=True)
class Features:
    chars: int
    words: int
    stopword_share: float
    ends_sentence: bool
    bullet: bool
    teaser_tail: bool
    menu_separators: int
    copyright: bool
    cjk: bool

    def describe(self) -> str:
        return (
            f"chars={self.chars} words={self.words} stop={self.stopword_share:.2f} "
            f"end={'y' if self.ends_sentence else 'n'}"
        )


@cache
def _stopword_index() -> dict[str, tuple[int, ...]]:
    """word -> indexes of the candidate languages whose stoplist holds it (loaded once)."""
    index: dict[str, list[int]] = {}
    for number, language in enumerate(CANDIDATE_LANGUAGES):
        for word in justext.get_stoplist(language):
            index.setdefault(word, []).append(number)
    return {word: tuple(langs) for word, langs in index.items()}


def guess_stopwords(lines: list[Line]) -> frozenset[str] | None:
    """The stoplist of the document's most likely language, or None when none fits."""
    index = _stopword_index()
    counts: Counter[int] = Counter()
    total = 0
    for line in lines:
        for word in _WORD.findall(line.text.lower()):
            total += 1
            for language in index.get(word, ()):
                counts[language] += 1
    if not counts or counts.most_common(1)[0][1] < LANGUAGE_MIN_SHARE * total:
        return None
    return _stoplist(CANDIDATE_LANGUAGES[counts.most_common(1)[0][0]])


@cache
def _stoplist(language: str) -> frozenset[str]:
    return frozenset(justext.get_stoplist(language))


def features(text: str, stopwords: frozenset[str] | None) -> Features:
    words = _WORD.findall(text.lower())
    cjk = len(_CJK.findall(text)) > len(text) / 3
    stop = sum(1 for w in words if w in stopwords) / len(words) if stopwords and words else 0.0
    return Features(
        chars=len(text),
        words=len(words),
        stopword_share=stop,
        ends_sentence=text.endswith(_SENTENCE_END),
        bullet=bool(_BULLET.match(text)),
        teaser_tail=bool(_TEASER_TAIL.search(text)),
        menu_separators=len(_MENU_SEPARATORS.findall(text)),
        copyright=bool(_COPYRIGHT.search(text)),
        cjk=cjk,
    )


def classify_line(f: Features, language_known: bool) -> LineClass:
    if f.teaser_tail or f.copyright or (f.bullet and f.words < BULLET_MIN_WORDS):
        return LineClass.BAD
    if f.menu_separators >= 2 and not f.ends_sentence:
        return LineClass.BAD
    if f.cjk:
        return LineClass.GOOD if f.chars >= CJK_PROSE_CHARS else LineClass.SHORT
    stop_high = f.stopword_share >= STOPWORDS_HIGH or not language_known
    stop_low = f.stopword_share >= STOPWORDS_LOW or not language_known
    if f.chars >= LENGTH_HIGH and stop_high:
        return LineClass.GOOD
    if f.ends_sentence and ((f.chars >= LENGTH_LOW and stop_low) or f.words >= SENTENCE_MIN_WORDS):
        return LineClass.NEAR_GOOD
    return LineClass.SHORT
