"""What the characters and words of a page are: character tables, stoplists and keywords, the page's language.

Built once per process from Python's own character predicates and jusText's stoplists; the text
classifier's features (cleaner.text_features) read them in compiled loops. A character's "kind"
is its combination of flags (digit, capital, separator, CJK, sentence mark, ...): one byte per
character. Words are runs between separators, identified by a 32-bit polynomial hash of their
lowered characters (span_key), so stopword and keyword lookups are searches among sorted hashes.

Stopword lists are jusText's (many languages); the page's language is the list that covers most
of its first LANGUAGE_SAMPLE_WORDS words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import justext
import numba
import numpy as np

LANGUAGE_MIN_SHARE = 0.05  # the best stoplist must cover this share of a page's words, else "unknown"
LANGUAGE_SAMPLE_WORDS = 1000  # the first words of a page tell its language (its other words are looked up in
# that language's stoplist only)
# Particles and function characters of Japanese and Chinese: their share in a CJK line stands in
# for the stopword share (prose is full of them, menus and titles are not).
CJK_FUNCTION_CHARS = (
    "のにはをがでとたてしもなかられさだすまうっこそい" + "的了是在和有我他这个们中来上不为就也说到以要会"
)
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

# Characters that end a word like a space does (the words of a page are the runs between them).
PUNCTUATION = "!\"#$%&'()*+,./:;<=>?@[\\]^_`{|}~«»“”‘’„‚‹›…–—·•、。，！？：；（）「」『』【】"
CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))
HANGUL_RANGE = (0xAC00, 0xD7AF)
SENTENCE_MARKS = ".!?"  # a sentence mark inside a line: one of these, then a space or a closer
CJK_SENTENCE_MARKS = "。！？"  # these count wherever they are
CLOSERS = "'\"”’»)"
LINE_END_MARKS = SENTENCE_MARKS + CJK_SENTENCE_MARKS + CLOSERS  # a line ending in one of these ends a sentence
MENU_SEPARATORS = "·•»/"  # between spaces ("Home · News"); "|" anywhere
BULLETS = "•·*‣▪►»◦▸→✓✔–—-"  # a line starting with one of these, or with "1." / "12)", is a list item
NUMBERED_BULLET_MARKS = ".)"
# Words (lowered, whole) that mark a line: a copyright notice, a link or address, a year.
KEYWORD_GROUPS = {
    "copyright": ("copyright", "reserved", "réservés", "reservados", "riservati", "vorbehalten", "voorbehouden"),
    "link": ("http", "https", "www"),
    "domain": ("com", "org", "net", "html", "htm"),  # counted after a "." only (example.com, page.html)
    "year": tuple(str(year) for year in range(1900, 2100)),
}
HASH_BASE = 0x9E3779B1  # odd: invertible modulo 2**32, so a word's hash does not depend on its position
HASH_MIX = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB)  # splitmix64: a character's random value
HASH_MASK = np.uint64(0xFFFFFFFF)  # hashes are 32-bit: see span_key
LEXICON_FILTER_BITS = 19  # the top bits of a word's key index a bitmap of the lexicon's keys (64 KiB: in cache)
VOTE_UNIT = math.lcm(*range(1, len(CANDIDATE_LANGUAGES) + 1))  # a word in k stoplists votes 1/k of it in each
BMP = 0x10000  # the character table covers the Basic Multilingual Plane; other characters have no flag
BMP_LAST = np.uint32(BMP - 1)  # characters outside it share the table's last entry

# Character flags. A character's "kind" is its combination of flags: one byte per character of a page.
FLAGS = (
    "digit",
    "cjk",
    "hangul",
    "cjk_function",
    "comma",
    "copyright_sign",
    "at_sign",
    "sentence",
    "cjk_sentence",
    "menu",
    "pipe",
    "colon",
    "upper",
    "lower",
    "separator",
    "space",
    "closer",
    "line_end_mark",
    "bullet",
    "numbered_mark",
)
COUNTED_FLAGS = 6  # the first flags are counted per line as they are ...
NOTABLE_FLAGS = 12  # ... and the first ones up to "colon" make a character notable (see _char_counts)
FLAG = {name: i for i, name in enumerate(FLAGS)}
# What a notable character counts for on its line (see _char_counts).
CHAR_COUNTS = (*FLAGS[:COUNTED_FLAGS], "sentence_mark", "menu_separator", "clock", "email")


# --- characters ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CharTables:
    """Per BMP code point its kind and hash value; per kind its flags."""

    kind: np.ndarray  # (BMP,) uint8
    hash: np.ndarray  # (BMP,) uint32: a random value of the character's lower case
    flags: np.ndarray  # (kinds, FLAGS) bool
    notable: np.ndarray  # (kinds,) bool: any of the first NOTABLE_FLAGS
    separator: np.ndarray  # (kinds,) bool
    char_counts: np.ndarray  # (kinds**3, CHAR_COUNTS) int32: what a notable character counts for, by the
    # kinds of the characters before it, itself and after it


@cache
def char_tables() -> CharTables:
    """Built once per process from Python's own character predicates (so digits, case, spaces agree with str)."""
    chars = [chr(c) for c in range(BMP)]
    code = np.arange(BMP)

    def among(characters: str) -> np.ndarray:
        return np.isin(code, [ord(c) for c in characters])

    def matching(pattern: str) -> np.ndarray:
        where = np.zeros(BMP, dtype=bool)
        where[[m.start() for m in re.finditer(pattern, "".join(chars))]] = True
        return where

    def within(*ranges: tuple[int, int]) -> np.ndarray:
        return np.any([(code >= low) & (code <= high) for low, high in ranges], axis=0)

    columns = {
        "digit": matching(r"\d"),  # for str patterns, \d is isdecimal() and \s isspace()
        "cjk": within(*CJK_RANGES),
        "hangul": within(HANGUL_RANGE),
        "cjk_function": among(CJK_FUNCTION_CHARS),
        "comma": among(",、"),
        "copyright_sign": among("©"),
        "at_sign": among("@"),
        "sentence": among(SENTENCE_MARKS),
        "cjk_sentence": among(CJK_SENTENCE_MARKS),
        "menu": among(MENU_SEPARATORS),
        "pipe": among("|"),
        "colon": among(":"),
        "upper": [c.isupper() for c in chars],
        "lower": [c.islower() for c in chars],
        "separator": matching(r"\s") | among(PUNCTUATION),
        "space": among(" "),
        "closer": among(CLOSERS),
        "line_end_mark": among(LINE_END_MARKS),
        "bullet": among(BULLETS),
        "numbered_mark": among(NUMBERED_BULLET_MARKS),
    }
    bits = np.column_stack([columns[name] for name in FLAGS]) @ (1 << np.arange(len(FLAGS)))
    combinations, kind = np.unique(bits, return_inverse=True)
    flags = (combinations[:, None] >> np.arange(len(FLAGS)) & 1).astype(bool)
    lowered = [c.lower() for c in chars]  # a character lowering to two (İ) keeps its own code
    lower = np.array([ord(low) if len(low) == 1 else code for code, low in enumerate(lowered)], dtype=np.uint32)
    return CharTables(
        kind=kind.ravel().astype(np.uint8),
        hash=(_splitmix(lower.astype(np.uint64)) >> np.uint64(32)).astype(np.uint32),
        flags=flags,
        notable=flags[:, :NOTABLE_FLAGS].any(axis=1),
        separator=flags[:, FLAG["separator"]],
        char_counts=_char_counts(flags),
    )


def _splitmix(values: np.ndarray) -> np.ndarray:
    """Well-mixed 64-bit values of distinct inputs (splitmix64's finaliser), so that any bits of a hash are random."""
    z = values + np.uint64(HASH_MIX[0])
    z = (z ^ (z >> np.uint64(30))) * np.uint64(HASH_MIX[1])
    z = (z ^ (z >> np.uint64(27))) * np.uint64(HASH_MIX[2])
    return z ^ (z >> np.uint64(31))


def _char_counts(flags: np.ndarray) -> np.ndarray:
    """Row (before * kinds + own) * kinds + after: the CHAR_COUNTS a character of kind `own` adds to its line.

    A sentence mark counts before a space or a closer, a menu separator between spaces ("|"
    anywhere), a colon between digits is a clock time, an "@" inside a word an address.
    """
    kinds = len(flags)
    before, own, after = (flags[index.ravel()] for index in np.indices((kinds, kinds, kinds)))
    space, digit, separator = FLAG["space"], FLAG["digit"], FLAG["separator"]
    sentence = own[:, FLAG["sentence"]] & (after[:, space] | after[:, FLAG["closer"]]) | own[:, FLAG["cjk_sentence"]]
    menu = own[:, FLAG["menu"]] & before[:, space] & after[:, space] | own[:, FLAG["pipe"]]
    clock = own[:, FLAG["colon"]] & before[:, digit] & after[:, digit]
    email = own[:, FLAG["at_sign"]] & ~before[:, separator] & ~after[:, separator]
    return np.column_stack((own[:, :COUNTED_FLAGS], sentence, menu, clock, email)).astype(np.int32)


@numba.njit(cache=True, nogil=True)
def span_key(codes: np.ndarray, start: int, end: int, hash_of: np.ndarray) -> np.uint32:
    """32-bit hash of the lowered text codes[start:end]: sum of hash_of[c_j] * HASH_BASE**j, modulo 2**32.

    32 bits are enough: a page's words are looked up among some 50,000 lexicon words, so a false
    match has a chance of about 1 in 100,000 per word, and lines are compared within one page.
    """
    value, power = np.uint64(0), np.uint64(1)
    for i in range(start, end):
        value, power = hash_step(value, power, hash_of[min(codes[i], BMP_LAST)])
    return np.uint32(value & HASH_MASK)


@numba.njit(cache=True, nogil=True, inline="always")
def hash_step(value: np.uint64, power: np.uint64, char_value: np.uint32) -> tuple[np.uint64, np.uint64]:
    """span_key's running sum and power of HASH_BASE after one more character (whose table value is given).

    The arithmetic wraps modulo 2**64, whose low 32 bits are the sums modulo 2**32: no masking per step.
    """
    return value + np.uint64(char_value) * power, power * np.uint64(HASH_BASE)


def keys_of(words: list[str]) -> np.ndarray:
    """The span_key of each word (of words holding no separator: a lexicon's entries)."""
    codes = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.array([len(word) for word in words], dtype=np.int64)
    ends = np.cumsum(lengths)
    return _keys(codes, ends - lengths, ends, char_tables().hash)


@numba.njit(cache=True, nogil=True)
def _keys(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, hash_of: np.ndarray) -> np.ndarray:
    keys = np.empty(len(starts), np.uint32)
    for i in range(len(starts)):
        keys[i] = span_key(codes, starts[i], ends[i], hash_of)
    return keys


# --- stopwords, keywords and the page's language ---------------------------------------------
@dataclass(frozen=True, slots=True)
class WordTable:
    """Word hashes in an open-addressing hash table and, per word plus a last row for "not here", what it is.

    The hashes are random, so their low bits pick the slot; the table is at most half full, so a
    lookup reads one or two slots (a sorted search reads a dozen, each a likely cache miss). A slot
    holds the key and its row together (key << 32 | row + 1; 0: empty): one memory read per probe.
    """

    slots: np.ndarray  # (slots,) uint64, a power of two of them
    member: np.ndarray  # (words + 1, CANDIDATE_LANGUAGES) bool: the stoplists holding the word
    stopword: np.ndarray  # (words + 1,) bool: in any of them
    keyword: np.ndarray  # (words + 1,) uint8: the KEYWORD_GROUPS entry holding the word, plus one (0: none)

    @classmethod
    def of(cls, stoplists: dict[str, set[str]], keywords: dict[str, int]) -> WordTable:
        """From stoplists (language -> words) and keywords (word -> KEYWORD_GROUPS entry plus one)."""
        words = sorted(set(keywords).union(*stoplists.values()))
        row = {word: i for i, word in enumerate(words)}
        member = np.zeros((len(words) + 1, len(CANDIDATE_LANGUAGES)), dtype=bool)
        for language, stoplist in stoplists.items():
            member[[row[word] for word in stoplist], CANDIDATE_LANGUAGES.index(language)] = True
        keyword = np.zeros(len(words) + 1, dtype=np.uint8)
        keyword[[row[word] for word in keywords]] = list(keywords.values())
        slots = _hash_table(keys_of(words), 1 << max(2 * len(words), 1).bit_length())
        return cls(slots, member, member.any(axis=1), keyword)

    def keys(self) -> np.ndarray:
        """The words' keys, from the occupied slots."""
        occupied = self.slots[self.slots != 0]
        return (occupied >> np.uint64(32)).astype(np.uint32)


@numba.njit(cache=True, nogil=True)
def _hash_table(keys: np.ndarray, size: int) -> np.ndarray:
    slots = np.zeros(size, np.uint64)
    mask = np.uint64(size - 1)
    for row in range(len(keys)):
        key = np.uint64(keys[row])
        at = key & mask
        while slots[at] and slots[at] >> np.uint64(32) != key:
            at = (at + np.uint64(1)) & mask
        slots[at] = key << np.uint64(32) | np.uint64(row + 1)  # a duplicate key (a hash collision) keeps the last row
    return slots


@numba.njit(cache=True, nogil=True)
def find_row(slots: np.ndarray, key: np.uint32) -> int:
    """The row of a word's key in a WordTable's hash table; -1 (the last row: "not here") if it is not there."""
    mask = np.uint64(len(slots) - 1)
    wanted = np.uint64(key)
    at = wanted & mask
    while slots[at]:
        if slots[at] >> np.uint64(32) == wanted:
            return np.int64(slots[at] & HASH_MASK) - 1
        at = (at + np.uint64(1)) & mask
    return -1


@dataclass(frozen=True, slots=True)
class Lexicon:
    """All candidate stoplists in one table (to guess the language), and per language a small table of
    its stoplist plus the keywords (to look every word up: a small table stays in the CPU's cache)."""

    everything: WordTable
    languages: np.ndarray  # (everything's rows,) uint32: bit j set when CANDIDATE_LANGUAGES[j]'s list holds the word
    vote: np.ndarray  # (everything's rows,) int64: VOTE_UNIT / the number of lists holding the word (its vote in each)
    present: np.ndarray  # (2**LEXICON_FILTER_BITS / 64,) uint64: bit set for the top bits of every word's key
    per_language: dict[str | None, WordTable]  # None: the keywords only


@cache
def lexicon() -> Lexicon:
    """Built once per process; entries with a separator inside can never equal a page word and are left out."""
    separator = re.compile("[" + re.escape(PUNCTUATION) + r"\s]")
    stoplists = {
        language: {word for word in map(str.lower, justext.get_stoplist(language)) if not separator.search(word)}
        for language in CANDIDATE_LANGUAGES
    }
    keywords = {word: i + 1 for i, words in enumerate(KEYWORD_GROUPS.values()) for word in words}
    everything = WordTable.of(stoplists, keywords)
    languages = everything.member @ (1 << np.arange(len(CANDIDATE_LANGUAGES), dtype=np.uint64))
    vote = VOTE_UNIT // np.maximum(everything.member.sum(axis=1), 1)
    per_language = {language: WordTable.of({language: stoplists[language]}, keywords) for language in stoplists}
    present = _key_bitmap(everything.keys())
    tables = {None: WordTable.of({}, keywords), **per_language}
    return Lexicon(everything, languages.astype(np.uint32), vote, present, tables)


def _key_bitmap(keys: np.ndarray) -> np.ndarray:
    """A bit per value of a key's top LEXICON_FILTER_BITS bits, set when some key has them."""
    top = keys >> np.uint32(32 - LEXICON_FILTER_BITS)
    present = np.zeros(2**LEXICON_FILTER_BITS // 64, dtype=np.uint64)
    np.bitwise_or.at(present, top >> 6, np.left_shift(np.uint64(1), (top & 63).astype(np.uint64)))
    return present


def page_language(keys: np.ndarray) -> str | None:
    """The language whose stoplist covers most of these words (None below LANGUAGE_MIN_SHARE).

    A word in k stoplists counts 1/k for each: some lists (Finnish) hold common English words, and
    raw hit counts would let the biggest list win. Distinct words vote, not occurrences: a content
    word that a noisy list holds ("cup") can repeat all over one page, while a language shows
    itself in many different function words.
    """
    lexicon_ = lexicon()
    table = lexicon_.everything
    index = _language_index(keys, lexicon_.present, table.slots, table.stopword, lexicon_.languages, lexicon_.vote)
    return CANDIDATE_LANGUAGES[index] if index >= 0 else None


@numba.njit(cache=True, nogil=True)
def _language_index(keys, present, slots, stopword, languages, vote):
    """page_language's choice as a position in CANDIDATE_LANGUAGES, -1 for none.

    Most words of a page are in no stoplist: the bitmap `present` (in cache) turns most of them
    away before the big table (a likely cache miss per lookup) is read.

    Votes are whole multiples of 1/VOTE_UNIT, so their sums are exact whatever the order of the
    words: two languages that share every stopword of the page tie exactly (the first listed wins).
    """
    totals = np.zeros(len(CANDIDATE_LANGUAGES), np.int64)
    voted = np.zeros(len(stopword), np.bool_)
    covered = 0
    for key in keys:
        top = key >> np.uint32(32 - LEXICON_FILTER_BITS)
        if not present[top >> 6] >> (top & 63) & 1:
            continue
        row = find_row(slots, key)
        if not stopword[row]:
            continue
        covered += 1
        if not voted[row]:  # distinct words vote, once each
            voted[row] = True
            for language in range(len(CANDIDATE_LANGUAGES)):
                if languages[row] >> language & 1:
                    totals[language] += vote[row]
    if not len(keys) or covered < LANGUAGE_MIN_SHARE * len(keys):
        return -1
    return np.argmax(totals)
