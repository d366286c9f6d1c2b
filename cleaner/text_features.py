"""Features of the lines of a plain-text page, for the generic line classifier (cleaner.classify).

Two kinds, computed for a whole page at once:

- local features: what one line looks like (length, word count, share of stopwords of the page's
  language, sentence punctuation, capitalised words, digits, bullets and menu separators, teaser
  tails such as "Title - Photo", copyright, CJK script, position, repetition within the page, a
  Title-Case lead (share of capitalised words among the first content words: a headline) and a
  headline glued to its summary with no space, "On The Rise?Violence is ..." (teaser lists));
- context features: what the lines around it look like (windowed share of prose-like lines and
  of short lines, the run of short lines it belongs to, distance to the nearest long line). A
  menu item and a short paragraph inside an article look alike; their neighbours do not.

Speed is the design: text mode must clean many MB/s per worker, so no Python work per word or per
character, and few array calls per page (a call costs more than the arithmetic on a hundred lines).
The page becomes one array of code points; a table gives each character its "kind" (its set of
flags: digit, capital, separator, CJK, sentence mark, ...). Words are the runs between separators,
identified by a 32-bit polynomial hash from one running sum, so stopword and keyword lookups are
one sorted search over the page's words (copyright, link and year words are keywords). Only the
notable characters (digits, some punctuation, CJK) are visited, and what each counts for (a
sentence mark before a space, a menu bar between spaces, a clock time) comes from one table by the
kinds of it and its neighbours. Teaser tails are one regular expression over the lines' reversed
ends, where every tail follows a newline (the engine skips from newline to newline).

Stopword lists are jusText's (many languages); the page's language is the list that covers most
of its first LANGUAGE_SAMPLE_WORDS words. Pages in a script with no spaces (Japanese, Chinese) are
measured in characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import justext
import numpy as np

# --- thresholds and constants, in one place ------------------------------------------------
LANGUAGE_MIN_SHARE = 0.05  # the best stoplist must cover this share of a page's words, else "unknown"
LANGUAGE_SAMPLE_WORDS = 1000  # the first words of a page tell its language (its other words are looked up in
# that language's stoplist only)
CJK_SHARE = 1 / 3  # a line with this share of CJK characters is measured in characters
CJK_CHARS_PER_WORD = 2.0  # a CJK "word count" is characters / this (for comparable word features)
CJK_CHAR_WIDTH = 2.5  # one CJK character carries about as much text as this many Latin characters
# Particles and function characters of Japanese and Chinese: their share in a CJK line stands in
# for the stopword share (prose is full of them, menus and titles are not).
CJK_FUNCTION_CHARS = (
    "のにはをがでとたてしもなかられさだすまうっこそい" + "的了是在和有我他这个们中来上不为就也说到以要会"
)
UNKNOWN_STOPWORD_LENGTH = 3  # with no stoplist, words this short count as stopwords ...
UNKNOWN_STOPWORD_FACTOR = 0.6  # ... scaled to the share real stoplists give (short content words exist)
SHORT_WORDS = 5  # a line with fewer words is "short" (menu item, teaser, label)
PROSE_CHARS = 100  # a line this long with enough stopwords is "prose-like" for the context features
PROSE_STOPWORDS = 0.2
LONG_CHARS = 150  # the share of lines at least this long around a line, and the distance to one, are features
DISTANCE_CAP = 30  # lines; distances are capped here before the log
CONTEXT_WINDOWS = (2, 5, 10)  # half-widths of the windows the context means are taken over
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
# Teaser tails, as the lowered line ends them ("Title - Photo", "... Read more", "[…]").
TEASER_ENDINGS = ("[…]", "[...]", "...", "…", "read more", "continue reading", "»", "›")
MEDIA_WORDS = ("photo", "photos", "video", "videos", "gallery", "watch", "audio", "podcast")
MEDIA_WORDS += ("foto", "fotos", "vídeo", "galeria", "galerie", "bilder")
MEDIA_DASHES = "-–|"  # "Title - Video": one of these, with a space before it, then the media word
TEASER_TAIL_CHARS = 20  # the longest teaser tail ("continue reading", " - galerie") fits in a line's last this many
# Words (lowered, whole) that mark a line: a copyright notice, a link or address, a year.
KEYWORD_GROUPS = {
    "copyright": ("copyright", "reserved", "réservés", "reservados", "riservati", "vorbehalten", "voorbehouden"),
    "link": ("http", "https", "www"),
    "domain": ("com", "org", "net", "html", "htm"),  # counted after a "." only (example.com, page.html)
    "year": tuple(str(year) for year in range(1900, 2100)),
}
PAGE_PADDING = 4  # newlines after the last line, so that looking past a line's end stays on the page
HASH_BASE = 0x9E3779B1  # odd: invertible modulo 2**32, so a word's hash does not depend on its position
HASH_MIX = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB)  # splitmix64: a character's random value
POWER_TABLE_CHARS = 1 << 18  # powers of HASH_BASE kept for pages up to this long; longer pages compute theirs
SHORT_SCAN = 32  # best_region scans up to this many values in Python (cheaper than array calls)
BMP = 0x10000  # the character table covers the Basic Multilingual Plane; other characters have no flag

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
NOTABLE_FLAGS = 12  # ... and the first ones up to "colon" make a character notable (see line_counts)
FLAG = {name: i for i, name in enumerate(FLAGS)}
# What line_counts counts per line: notable characters, then words.
CHAR_COUNTS = (*FLAGS[:COUNTED_FLAGS], "sentence_mark", "menu_separator", "clock", "email")
WORD_COUNTS = (
    "word",
    "stopword",
    "capitalised",
    "short_word",
    *(f"{group}_word" for group in KEYWORD_GROUPS),
    "lead_word",
    "lead_capitalised",
)
LEAD_WORDS = 8  # a line's first this many words are its "lead": a headline shows there in Title Case
GLUE_LOWER_RUN = 3  # "MichiganMichigan": this many lower-case letters, then an upper-case and a lower-case one
COUNT = {name: i for i, name in enumerate(CHAR_COUNTS + WORD_COUNTS)}

LOCAL_FEATURES = (
    "log_chars",
    "log_words",
    "stopwords",
    "ends_sentence",
    "ends_colon",
    "sentence_marks",
    "commas_per_word",
    "capitalised_share",
    "digit_share",
    "bullet",
    "menu_separators",
    "teaser_tail",
    "copyright",
    "linkish",
    "year_or_time",
    "all_caps",
    "title_lead",
    "glued",
    "starts_lower",
    "one_word",
    "short",
    "blank_before",
    "position",
    "repeated",
)
CONTEXT_SOURCES = ("prose_like", "short", "log_chars", "stopwords")
CONTEXT_FEATURES = (
    *(f"mean_{source}_{w}" for source in CONTEXT_SOURCES for w in CONTEXT_WINDOWS),
    "short_run",
    "distance_long_before",
    "distance_long_after",
    "prev_log_chars",
    "next_log_chars",
)
FEATURES = LOCAL_FEATURES + CONTEXT_FEATURES
COLUMN = {name: i for i, name in enumerate(FEATURES)}


# --- characters ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CharTables:
    """Per BMP code point its kind and hash value; per kind its flags."""

    kind: np.ndarray  # (BMP,) uint8
    hash: np.ndarray  # (BMP,) uint32: a random value of the character's lower case
    flags: np.ndarray  # (kinds, FLAGS) bool
    notable: np.ndarray  # (kinds,) bool: any of the first NOTABLE_FLAGS
    separator: np.ndarray  # (kinds,) bool
    upper: np.ndarray  # (kinds,) bool
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
        upper=flags[:, FLAG["upper"]],
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


@cache
def _power_table(size: int) -> tuple[np.ndarray, np.ndarray]:
    """HASH_BASE**i and its inverse**i modulo 2**32 for i < size (numpy's uint32 products wrap).

    32 bits are enough: a page's words are looked up among some 50,000 lexicon words, so a false
    match has a chance of about 1 in 100,000 per word, and lines are compared within one page.
    """
    base = np.full(size, HASH_BASE, dtype=np.uint32)
    inverse = np.full(size, pow(HASH_BASE, -1, 1 << 32), dtype=np.uint32)
    base[0] = inverse[0] = 1
    return np.cumprod(base, dtype=np.uint32), np.cumprod(inverse, dtype=np.uint32)


def powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    if size <= POWER_TABLE_CHARS:
        table, inverse = _power_table(POWER_TABLE_CHARS)
        return table[:size], inverse[:size]
    return _power_table.__wrapped__(size)


@dataclass(frozen=True, slots=True)
class Words:
    """The words of a page: first and end (exclusive) character, and a 32-bit hash of the lowered word."""

    start: np.ndarray
    end: np.ndarray
    key: np.ndarray


@dataclass(frozen=True, slots=True)
class Page:
    """A page's lines as one array: a newline before every line and PAGE_PADDING newlines at the end."""

    codes: np.ndarray  # code points
    kind: np.ndarray  # kind of each character (CharTables)
    fences: np.ndarray  # first character of each line, then the page's length
    prefix: np.ndarray  # running sum of character hash value * HASH_BASE**position, for hashes of spans
    unshift: np.ndarray  # HASH_BASE**-position: brings a span's sum back to the span's own first character

    @classmethod
    def of(cls, texts: list[str]) -> Page:
        tables = char_tables()
        joined = "\n" + "\n".join(texts) + "\n" * PAGE_PADDING
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        in_table = np.minimum(codes, BMP - 1)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        fences = np.concatenate(([0], np.cumsum(lengths + 1))) + 1
        fences[-1] = len(codes)
        shift, unshift = powers(len(codes))
        prefix = np.cumsum(np.take(tables.hash, in_table) * shift, dtype=np.uint32)
        return cls(codes, np.take(tables.kind, in_table), fences, prefix, unshift)

    @property
    def starts(self) -> np.ndarray:
        return self.fences[:-1]

    @property
    def ends(self) -> np.ndarray:
        """The newline after each line."""
        ends = self.fences[1:] - 1
        ends[-1:] = len(self.codes) - PAGE_PADDING
        return ends

    def flags(self, positions: np.ndarray) -> np.ndarray:
        """(positions, FLAGS) the flags of the characters at positions."""
        return char_tables().flags[self.kind[positions]]

    def span_hashes(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """32-bit hash of the lowered text in [start, end) for each pair (start > 0: a newline comes first)."""
        return (self.prefix[ends - 1] - self.prefix[starts - 1]) * self.unshift[starts]

    def words(self) -> Words:
        """Runs of non-separators: the page starts and ends with newlines, so boundaries alternate start, end."""
        separator = np.take(char_tables().separator, self.kind).view(np.int8)
        boundary = np.flatnonzero(np.diff(separator)) + 1
        start, end = boundary[0::2], boundary[1::2]
        return Words(start, end, self.span_hashes(start, end))

    def sum_by_line(self, positions: np.ndarray, values: np.ndarray) -> np.ndarray:
        """(lines, columns of values): the sums of the rows of values, each at a (sorted) position, per line."""
        running = np.zeros((len(values) + 1, values.shape[1]), dtype=np.int32)
        np.cumsum(values, axis=0, out=running[1:])
        at_fences = running[np.searchsorted(positions, self.fences)]
        return at_fences[1:] - at_fences[:-1]


# --- stopwords, keywords and the page's language ---------------------------------------------
@dataclass(frozen=True, slots=True)
class WordTable:
    """Sorted 32-bit word hashes and, per word plus a last row for "not here" (index -1), what it is."""

    keys: np.ndarray  # (words,) uint32
    member: np.ndarray  # (words + 1, CANDIDATE_LANGUAGES) bool: the stoplists holding the word
    stopword: np.ndarray  # (words + 1,) bool: in any of them
    keyword: np.ndarray  # (words + 1,) the KEYWORD_GROUPS entry holding the word, plus one (0: none)

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
        keys = Page.of(words).words().key
        order = np.append(np.argsort(keys), len(words))  # the "not here" row stays last
        return cls(keys[order[:-1]], member[order], member[order].any(axis=1), keyword[order])

    def rows(self, keys: np.ndarray) -> np.ndarray:
        """The row of each key (-1: not in the table)."""
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, at, -1)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """All candidate stoplists in one table (to guess the language), and per language a small table of
    its stoplist plus the keywords (to look every word up: a small table stays in the CPU's cache)."""

    everything: WordTable
    votes: np.ndarray  # (everything's rows, CANDIDATE_LANGUAGES) float32: 1 / lists holding the word, in each
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
    votes = everything.member / np.maximum(everything.member.sum(axis=1, keepdims=True), 1)
    per_language = {language: WordTable.of({language: stoplists[language]}, keywords) for language in stoplists}
    return Lexicon(everything, votes.astype(np.float32), {None: WordTable.of({}, keywords), **per_language})


@dataclass(frozen=True, slots=True)
class WordLookup:
    """What the lexicon says about each word of a page."""

    language: str | None
    stopword: np.ndarray  # bool per word: in the page language's stoplist
    keyword: np.ndarray  # per word: its KEYWORD_GROUPS entry plus one (0: none)


def look_up(keys: np.ndarray) -> WordLookup:
    """The page's language (None below LANGUAGE_MIN_SHARE), its stopwords and the keywords among the words.

    Keys are looked up in sorted order: consecutive searches then walk the table in one direction,
    which the CPU's caches and branch predictor like (twice as fast as page order, sort included).
    """
    language = page_language(keys[:LANGUAGE_SAMPLE_WORDS])
    table = lexicon().per_language[language]
    order = np.argsort(keys)  # equal keys get equal rows, so no stable sort needed (stable is 4x slower here)
    rows = np.empty_like(order)
    rows[order] = table.rows(keys[order])
    return WordLookup(language, table.stopword[rows], table.keyword[rows])


def page_language(keys: np.ndarray) -> str | None:
    """The language whose stoplist covers most of these words.

    A word in k stoplists counts 1/k for each: some lists (Finnish) hold common English words, and
    raw hit counts would let the biggest list win. Distinct words vote, not occurrences: a content
    word that a noisy list holds ("cup") can repeat all over one page, while a language shows
    itself in many different function words.
    """
    if not len(keys):
        return None
    lexicon_ = lexicon()
    ordered = np.sort(keys)
    first = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))  # each distinct word once
    rows = lexicon_.everything.rows(ordered[first])
    stop = lexicon_.everything.stopword[rows]
    occurrences = np.diff(np.append(first, len(keys)))
    if occurrences[stop].sum() < LANGUAGE_MIN_SHARE * len(keys):
        return None
    return CANDIDATE_LANGUAGES[int(np.argmax(lexicon_.votes[rows[stop]].sum(axis=0)))]


def guess_language(text: str) -> str | None:
    """The candidate language whose stoplist covers most of the words of text (None: unknown)."""
    return look_up(Page.of([text]).words().key).language


# --- local features --------------------------------------------------------------------------
def local_features(texts: list[str], blank_before: list[bool]) -> tuple[np.ndarray, str | None]:
    """One row of LOCAL_FEATURES per line, and the language guessed for the page.

    Written as few whole-page array operations (a call costs more than a hundred lines' arithmetic).
    """
    n = len(texts)
    page = Page.of(texts)
    words = page.words()
    lookup = look_up(words.key)
    count = line_counts(page, words, lookup)
    first, second, third, last = page.flags(np.concatenate(edges(page))).reshape(4, n, len(FLAGS))
    length = (page.ends - page.starts).astype(np.float64)
    cjk_chars = count[:, COUNT["cjk"]]
    # Korean is CJK-script but spaced: its words are counted like any other language's.
    cjk = (cjk_chars > CJK_SHARE * length) & (count[:, COUNT["hangul"]] == 0)
    chars = length + (CJK_CHAR_WIDTH - 1) * cjk_chars * cjk
    spaced_words = count[:, COUNT["word"]]
    n_words = np.where(cjk, np.maximum(spaced_words, cjk_chars / CJK_CHARS_PER_WORD), spaced_words)
    safe_words = np.maximum(n_words, 1)
    stop = count[:, COUNT["stopword"]]
    if lookup.language is None:  # no stoplist fits: short words stand in for function words in most languages
        stop = count[:, COUNT["short_word"]] * UNKNOWN_STOPWORD_FACTOR
    cjk_function_share = count[:, COUNT["cjk_function"]] / np.maximum(cjk_chars, 1)
    out = np.empty((n, len(LOCAL_FEATURES)))
    column = COLUMN  # LOCAL_FEATURES lead FEATURES: the same columns
    out[:, column["log_chars"]] = np.log1p(chars)
    out[:, column["log_words"]] = np.log1p(n_words)
    out[:, column["stopwords"]] = np.where(cjk, cjk_function_share, stop / safe_words)
    out[:, [column["ends_sentence"], column["ends_colon"]]] = last[:, [FLAG["line_end_mark"], FLAG["colon"]]]
    out[:, [column["starts_lower"], column["bullet"]]] = first[:, [FLAG["lower"], FLAG["bullet"]]]
    out[:, column["bullet"]] += numbered(first, second, third)
    out[:, [column["sentence_marks"], column["menu_separators"]]] = np.log1p(
        count[:, [COUNT["sentence_mark"], COUNT["menu_separator"]]]
    )
    out[:, [column["commas_per_word"], column["capitalised_share"]]] = (
        count[:, [COUNT["comma"], COUNT["capitalised"]]] / safe_words[:, None]
    )
    out[cjk, column["capitalised_share"]] = 0.0
    out[:, column["digit_share"]] = count[:, COUNT["digit"]] / np.maximum(chars, 1)
    out[:, [column[name] for name in MARKS]] = count @ _marks_matrix() > 0
    out[:, column["teaser_tail"]] = teaser_tails(page)
    out[:, column["all_caps"]] = np.fromiter(map(str.isupper, texts), dtype=bool, count=n)
    out[:, column["title_lead"]] = np.where(
        cjk, 0.0, count[:, COUNT["lead_capitalised"]] / np.maximum(count[:, COUNT["lead_word"]], 1)
    )
    out[:, column["glued"]] = glued(page)
    out[:, column["one_word"]] = n_words <= 1
    out[:, column["short"]] = n_words < SHORT_WORDS
    out[:, column["blank_before"]] = blank_before
    out[:, column["position"]] = np.arange(n) / max(n - 1, 1)
    out[:, column["repeated"]] = repeated(page)
    return out, lookup.language


# Features that say whether a line holds any of some counted things.
MARKS = {
    "copyright": ("copyright_sign", "copyright_word"),
    "linkish": ("email", "link_word", "domain_word"),
    "year_or_time": ("year_word", "clock"),
}


@cache
def _marks_matrix() -> np.ndarray:
    """(COUNT, MARKS) 0/1: which counts make up each mark feature (one product for all of them)."""
    matrix = np.zeros((len(COUNT), len(MARKS)))
    for j, counts in enumerate(MARKS.values()):
        matrix[[COUNT[name] for name in counts], j] = 1.0
    return matrix


def line_counts(page: Page, words: Words, lookup: WordLookup) -> np.ndarray:
    """(lines, CHAR_COUNTS + WORD_COUNTS): per line, its notable characters and its words of each kind.

    Only the notable characters are visited (digits, some punctuation, CJK: a few percent of a Latin
    page); what each counts for comes from one table, by its own kind and its neighbours' (_char_counts).
    """
    tables = char_tables()
    at = np.flatnonzero(np.take(tables.notable, page.kind))
    kinds = len(tables.flags)
    context = (page.kind[at - 1].astype(np.intp) * kinds + page.kind[at]) * kinds + page.kind[at + 1]
    chars = page.sum_by_line(at, tables.char_counts[context])
    keyword = lookup.keyword[:, None] == np.arange(1, len(KEYWORD_GROUPS) + 1)
    keyword[:, list(KEYWORD_GROUPS).index("domain")] &= page.codes[words.start - 1] == ord(".")
    first_kind = page.kind[words.start]
    capitalised = tables.upper[first_kind]
    content = ~lookup.stopword & ~tables.flags[first_kind, FLAG["digit"]]  # what a headline capitalises
    word_kinds = np.column_stack(
        (
            np.ones(len(words.start), dtype=bool),
            lookup.stopword,
            capitalised,
            words.end - words.start <= UNKNOWN_STOPWORD_LENGTH,
            keyword,
            content,
            content & capitalised,
        )
    )
    # Running sums over the words; each line's words are those from its first word to the next line's.
    running = np.zeros((len(words.start) + 1, word_kinds.shape[1]), dtype=np.int32)
    np.cumsum(word_kinds, axis=0, out=running[1:])
    first_word = np.searchsorted(words.start, page.fences)
    counts = np.empty((len(page.starts), len(COUNT)))
    counts[:, : len(CHAR_COUNTS)] = chars
    counts[:, len(CHAR_COUNTS) :] = np.diff(running[first_word], axis=0)
    # The lead: the same two last columns over each line's first LEAD_WORDS words only.
    lead_end = np.minimum(first_word[:-1] + LEAD_WORDS, first_word[1:])
    counts[:, -2:] = running[lead_end, -2:] - running[first_word[:-1], -2:]
    return counts


def edges(page: Page) -> tuple[np.ndarray, ...]:
    """The first three characters and the last character of every line (newlines where a line is shorter)."""
    return page.starts, page.starts + 1, page.starts + 2, page.ends - 1


def numbered(first: np.ndarray, second: np.ndarray, third: np.ndarray) -> np.ndarray:
    """From the flags of lines' first three characters: a list number, one or two digits then "." or ")"."""
    digit, mark = FLAG["digit"], FLAG["numbered_mark"]
    return first[:, digit] & (second[:, mark] | (second[:, digit] & third[:, mark]))


def teaser_tails(page: Page) -> np.ndarray:
    """Lines ending in a teaser tail.

    Each line's last TEASER_TAIL_CHARS characters, lowered and reversed behind a newline, make one
    short text; reversed, every tail follows the newline, which the regex engine finds fast. A
    match's offset gives its line.
    """
    rows = np.full((len(page.starts), TEASER_TAIL_CHARS + 1), ord("\n"), dtype=np.uint32)
    tails = page.codes[np.maximum(page.ends[:, None] - np.arange(1, TEASER_TAIL_CHARS + 1), 0)]
    tails[tails == ord("\n")] = 0  # the line's start: what lies before it cannot follow the row's newline
    rows[:, 1:] = tails + (tails - ord("A") < 26) * (ord("a") - ord("A"))  # lower case (ASCII is enough here)
    text = rows.tobytes().decode("utf-32-le", "surrogatepass")
    hits = np.zeros(len(rows), dtype=bool)
    hits[[m.start() // (TEASER_TAIL_CHARS + 1) for m in _teaser_tail().finditer(text)]] = True
    return hits


def glued(page: Page) -> np.ndarray:
    """Lines where a word runs into a capitalised one with no space: "Northern MichiganMichigan Department",
    "On The Rise?Violence is": a headline glued to its summary (teasers), or menu items run together.

    The upper-case letter needs a lower-case one after it and, before it, GLUE_LOWER_RUN lower-case
    letters or a lower-case letter and a sentence mark (McDonald, YouTube and iPhone do not count).
    """
    tables = char_tables()
    lower = tables.flags[:, FLAG["lower"]]
    at = np.flatnonzero(np.take(tables.upper, page.kind))  # never 0: the page starts with a newline
    behind = np.take(lower, page.kind[at - np.arange(1, GLUE_LOWER_RUN + 1)[:, None]])  # (run, upper letters)
    mark = np.take(tables.flags[:, FLAG["sentence"]], page.kind[at - 1]) & behind[1]
    hit = np.take(lower, page.kind[at + 1]) & (behind.all(axis=0) | mark)
    lines = np.zeros(len(page.starts), dtype=bool)
    lines[np.searchsorted(page.fences, at[hit], side="right") - 1] = True
    return lines


def repeated(page: Page) -> np.ndarray:
    """Lines whose text (ignoring case) occurs more than once on the page (menus, teasers shown twice)."""
    hashes = page.span_hashes(page.starts, page.ends)
    order = np.argsort(hashes)
    same = hashes[order[1:]] == hashes[order[:-1]]
    twice = np.zeros(len(hashes), dtype=bool)
    twice[order[1:][same]] = twice[order[:-1][same]] = True
    return twice


@cache
def _teaser_tail() -> re.Pattern:
    endings = "|".join(re.escape(e[::-1]) for e in TEASER_ENDINGS)
    media = "|".join(re.escape(w[::-1]) for w in MEDIA_WORDS)
    return re.compile(f"\n(?:{endings}|(?:{media}) *[{re.escape(MEDIA_DASHES)}] )")


# --- context features ------------------------------------------------------------------------
def window_means(values: np.ndarray, halves: tuple[int, ...]) -> np.ndarray:
    """(lines, columns of values, halves): the mean over [i - half, i + half], clipped at the page's ends."""
    n = len(values)
    prefix = np.concatenate((np.zeros((1, values.shape[1])), np.cumsum(values, axis=0)))
    index = np.arange(n)[:, None]
    low = np.maximum(index - np.array(halves), 0)
    high = np.minimum(index + np.array(halves) + 1, n)
    return ((prefix[high] - prefix[low]) / (high - low)[:, :, None]).transpose(0, 2, 1)


def window_mean(values: np.ndarray, half: int) -> np.ndarray:
    """The mean of values over [i - half, i + half], clipped at the page's ends."""
    return window_means(values[:, None], (half,))[:, 0, 0]


def run_length(flags: np.ndarray) -> np.ndarray:
    """For each line, the length of the run of consecutive True flags it is in (0 when False)."""
    n = len(flags)
    if n == 0:
        return np.zeros(0)
    change = np.flatnonzero(flags[1:] != flags[:-1]) + 1
    starts = np.concatenate(([0], change))
    lengths = np.diff(np.concatenate((starts, [n])))
    return np.repeat(lengths, lengths) * flags


def distances_to(flags: np.ndarray) -> np.ndarray:
    """(lines, 2): log1p of the lines to the nearest flagged line before and after each line, capped at DISTANCE_CAP."""
    n = len(flags)
    index = np.arange(n)
    last = np.maximum.accumulate(np.where(flags, index, -DISTANCE_CAP - 1))
    following = np.minimum.accumulate(np.where(flags, index, n + DISTANCE_CAP)[::-1])[::-1]
    distance = np.empty((n, 2), dtype=np.int64)
    distance[0, 0] = distance[-1, 1] = DISTANCE_CAP
    distance[1:, 0] = index[1:] - last[:-1]
    distance[:-1, 1] = following[1:] - index[:-1]
    return np.log1p(np.minimum(distance, DISTANCE_CAP))


def context_features(local: np.ndarray) -> np.ndarray:
    """One row of CONTEXT_FEATURES per line, from the local features of the lines around it."""
    n = len(local)
    log_chars, short, stopwords = (
        local[:, COLUMN["log_chars"]],
        local[:, COLUMN["short"]],
        local[:, COLUMN["stopwords"]],
    )
    chars = np.expm1(log_chars)
    prose_like = (chars >= PROSE_CHARS) & (stopwords >= PROSE_STOPWORDS)
    sources = np.column_stack((prose_like, short, log_chars, stopwords))
    windows = len(CONTEXT_SOURCES) * len(CONTEXT_WINDOWS)
    out = np.empty((n, len(CONTEXT_FEATURES)))
    out[:, :windows] = window_means(sources, CONTEXT_WINDOWS).reshape(n, windows)
    out[:, windows] = np.log1p(run_length(short > 0))
    out[:, windows + 1 : windows + 3] = distances_to(chars >= LONG_CHARS)
    padded = np.concatenate(([0.0], log_chars, [0.0]))
    out[:, windows + 3] = padded[:-2]
    out[:, windows + 4] = padded[2:]
    return out


def page_features(texts: list[str], blank_before: list[bool]) -> tuple[np.ndarray, str | None]:
    """All FEATURES for a page's lines (rows in line order) and the page's language (None: unknown)."""
    if not texts:
        return np.zeros((0, len(FEATURES))), None
    local, language = local_features(texts, blank_before)
    return np.hstack((local, context_features(local))), language


# --- second stage: the first stage's verdicts on the lines around ------------------------------
NEIGHBOUR_REACH = 3  # the first-stage scores of the lines this close (before and after) are second-stage features
SCORE_WINDOWS = (2, 5, 10, 25)  # half-widths of the windows the first-stage score is averaged over
SCORE_CLIP = 6.0  # first-stage log-odds are clipped to +-this, so one line cannot dominate a window
SECOND_STAGE_FEATURES = (
    *(f"score_at_{offset}" if offset else "score" for offset in range(-NEIGHBOUR_REACH, NEIGHBOUR_REACH + 1)),
    *(f"score_mean_{w}" for w in SCORE_WINDOWS),
    "prose_mass_before",
    "prose_mass_after",
    "in_best_region",
)


def best_region(values: np.ndarray) -> tuple[int, int] | None:
    """The contiguous run with the largest positive sum, as (first, last) indexes; None if no value is positive.

    Kadane's scan; ties go to the earliest end and, for it, the latest start (the shortest run). Long
    arrays use prefix sums instead: the best run ending at j starts after the lowest prefix before it.
    """
    if len(values) <= SHORT_SCAN:
        return kadane(values.tolist())
    prefix = np.concatenate(([0.0], np.cumsum(values)))
    lowest = np.minimum.accumulate(prefix[:-1])
    gain = prefix[1:] - lowest
    end = int(np.argmax(gain))
    if gain[end] <= 0:
        return None
    start = int(np.flatnonzero(prefix[: end + 1] == lowest[end])[-1])
    return start, end


def kadane(values: list[float]) -> tuple[int, int] | None:
    """best_region's scan, one value at a time."""
    best, best_span = 0.0, None
    running, start = 0.0, 0
    for index, value in enumerate(values):
        if running <= 0:
            running, start = value, index
        else:
            running += value
        if running > best:
            best, best_span = running, (start, index)
    return best_span


def second_stage_features(scores: np.ndarray, log_chars: np.ndarray) -> np.ndarray:
    """One row of SECOND_STAGE_FEATURES per line from the first-stage log-odds of every line.

    The article is one or a few contiguous runs: a short line between prose lines is body, the
    same line among menu items is not. Prose mass before/after says whether a line lies between
    the first and the last prose of the page (0 above the article or below it).
    """
    n = len(scores)
    z = np.clip(scores, -SCORE_CLIP, SCORE_CLIP)
    edge = np.full(NEIGHBOUR_REACH, -SCORE_CLIP)
    neighbours = 2 * NEIGHBOUR_REACH + 1
    out = np.empty((n, len(SECOND_STAGE_FEATURES)))
    padded = np.concatenate((edge, z, edge))
    for offset in range(neighbours):  # a few column copies: cheaper than a sliding-window view's setup
        out[:, offset] = padded[offset : offset + n]
    out[:, neighbours : neighbours + len(SCORE_WINDOWS)] = window_means(z[:, None], SCORE_WINDOWS)[:, 0, :]
    mass = np.where(z > 0, log_chars, 0.0)
    total = max(float(mass.sum()), 1e-9)
    before = (np.cumsum(mass) - mass) / total
    out[:, -3] = before
    out[:, -2] = np.maximum(1.0 - before - mass / total, 0.0)
    out[:, -1] = 0.0
    region = best_region(z * log_chars)
    if region is not None:
        out[region[0] : region[1] + 1, -1] = 1.0
    return out
