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

Speed is the design: text mode must clean many MB/s per worker. The page becomes one array of code
points, and compiled loops (numba) visit each character once and each line a few times: as numpy
array calls, the same features cost a fixed few microseconds per call, a few hundred calls per
page, more than all the arithmetic. What each character is comes from cleaner.text_tables (its
"kind": digit, capital, separator, CJK, sentence mark, ...); what a notable character counts for
(a sentence mark before a space, a menu bar between spaces, a clock time) comes from one table by
the kinds of it and its neighbours. Words are runs between separators, looked up by hash in the
stoplist of the page's language (copyright, link and year words are keywords). Pages in a script
with no spaces (Japanese, Chinese) are measured in characters.

Compiled code is cached on disk beside the module (numba's cache=True): the first call after an
install compiles for some seconds, later processes load it.
"""

from __future__ import annotations

import math
from functools import cache

import numba
import numpy as np

from cleaner.text_tables import (
    BMP_LAST,
    CHAR_COUNTS,
    FLAG,
    KEYWORD_GROUPS,
    LANGUAGE_SAMPLE_WORDS,
    char_tables,
    find_row,
    hash_step,
    lexicon,
    page_language,
)

# --- thresholds and constants, in one place ------------------------------------------------
CJK_SHARE = 1 / 3  # a line with this share of CJK characters is measured in characters
CJK_CHARS_PER_WORD = 2.0  # a CJK "word count" is characters / this (for comparable word features)
CJK_CHAR_WIDTH = 2.5  # one CJK character carries about as much text as this many Latin characters
UNKNOWN_STOPWORD_LENGTH = 3  # with no stoplist, words this short count as stopwords ...
UNKNOWN_STOPWORD_FACTOR = 0.6  # ... scaled to the share real stoplists give (short content words exist)
SHORT_WORDS = 5  # a line with fewer words is "short" (menu item, teaser, label)
PROSE_CHARS = 100  # a line this long with enough stopwords is "prose-like" for the context features
PROSE_STOPWORDS = 0.2
LONG_CHARS = 150  # the share of lines at least this long around a line, and the distance to one, are features
DISTANCE_CAP = 30  # lines; distances are capped here before the log
CONTEXT_WINDOWS = (2, 5, 10)  # half-widths of the windows the context means are taken over
LEAD_WORDS = 8  # a line's first this many words are its "lead": a headline shows there in Title Case
GLUE_LOWER_RUN = 3  # "MichiganMichigan": this many lower-case letters, then an upper-case and a lower-case one
# Teaser tails, as the lowered line ends them ("Title - Photo", "... Read more", "[…]").
TEASER_ENDINGS = ("[…]", "[...]", "...", "…", "read more", "continue reading", "»", "›")
MEDIA_WORDS = ("photo", "photos", "video", "videos", "gallery", "watch", "audio", "podcast")
MEDIA_WORDS += ("foto", "fotos", "vídeo", "galeria", "galerie", "bilder")
MEDIA_DASHES = "-–|"  # "Title - Video": one of these, with a space before it, then the media word
TEASER_TAIL_CHARS = 20  # a teaser tail lies within a line's last this many characters (ASCII letters lowered)
PAGE_PADDING = 4  # newlines after the last line, so that looking past a line's end stays on the page

# What the words of a line are counted for (after CHAR_COUNTS, its notable characters).
WORD_COUNTS = (
    "word",
    "stopword",
    "capitalised",
    "short_word",
    *(f"{group}_word" for group in KEYWORD_GROUPS),
    "lead_word",
    "lead_capitalised",
)
# In the order the compiled loop (_local_rows) writes them.
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

# Positions as plain integers, for the compiled loops (numba reads module-level integers as constants).
F_DIGIT, F_UPPER, F_LOWER = FLAG["digit"], FLAG["upper"], FLAG["lower"]
F_SENTENCE, F_LINE_END, F_COLON = FLAG["sentence"], FLAG["line_end_mark"], FLAG["colon"]
F_BULLET, F_NUMBERED_MARK = FLAG["bullet"], FLAG["numbered_mark"]
CHAR_COUNT = {name: i for i, name in enumerate(CHAR_COUNTS)}
C_DIGIT, C_CJK, C_HANGUL, C_CJK_FUNCTION = (CHAR_COUNT[n] for n in ("digit", "cjk", "hangul", "cjk_function"))
C_COMMA, C_COPYRIGHT_SIGN, C_SENTENCE_MARK = (CHAR_COUNT[n] for n in ("comma", "copyright_sign", "sentence_mark"))
C_MENU_SEPARATOR, C_CLOCK, C_EMAIL = (CHAR_COUNT[n] for n in ("menu_separator", "clock", "email"))
WORD_COUNT = {name: i for i, name in enumerate(WORD_COUNTS)}
W_WORD, W_STOP, W_CAPITALISED, W_SHORT = (WORD_COUNT[n] for n in ("word", "stopword", "capitalised", "short_word"))
W_COPYRIGHT, W_LINK, W_DOMAIN, W_YEAR = (
    WORD_COUNT[f"{group}_word"] for group in ("copyright", "link", "domain", "year")
)
W_LEAD, W_LEAD_CAPITALISED = WORD_COUNT["lead_word"], WORD_COUNT["lead_capitalised"]
W_KEYWORDS = WORD_COUNTS.index(f"{next(iter(KEYWORD_GROUPS))}_word")  # the KEYWORD_GROUPS' counts, in order
DOMAIN_GROUP = list(KEYWORD_GROUPS).index("domain") + 1  # a word's keyword value is its group's position plus one
L_LOG_CHARS, L_STOPWORDS, L_SHORT = COLUMN["log_chars"], COLUMN["stopwords"], COLUMN["short"]
jit = numba.njit(cache=True, nogil=True)


# --- one page --------------------------------------------------------------------------------
def page_features(texts: list[str], blank_before: list[bool]) -> tuple[np.ndarray, str | None]:
    """All FEATURES for a page's lines (rows in line order) and the page's language (None: unknown)."""
    if not texts:
        return np.zeros((0, len(FEATURES))), None
    local, language = local_features(texts, blank_before)
    x = np.empty((len(texts), len(FEATURES)))
    x[:, : len(LOCAL_FEATURES)] = local
    _context_rows(local, x[:, len(LOCAL_FEATURES) :])
    return x, language


def local_features(texts: list[str], blank_before: list[bool]) -> tuple[np.ndarray, str | None]:
    """One row of LOCAL_FEATURES per line, and the language guessed for the page."""
    tables = char_tables()
    codes, lengths = page_codes(texts)
    kind, char_counts, words, glued, line_keys = scan_page(codes, lengths)
    language = page_language(words[2][:LANGUAGE_SAMPLE_WORDS])
    table = lexicon().per_language[language]
    all_caps = upper_case_lines(texts, kind, tables.flags, lengths)
    endings, media, dashes = teaser_patterns()
    local = _local_rows(
        codes,
        lengths,
        kind,
        tables.flags,
        char_counts,
        words,
        (table.slots, table.stopword, table.keyword),
        language is not None,
        (all_caps, np.frombuffer(bytes(blank_before), dtype=np.bool_), glued, line_keys),
        (endings, media, dashes),
    )
    return local, language


def page_codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The page as code points (a newline before every line, PAGE_PADDING after the last) and the lines' lengths."""
    joined = "\n" + "\n".join(texts) + "\n" * PAGE_PADDING
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return codes, np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))


def guess_language(text: str) -> str | None:
    """The candidate language whose stoplist covers most of the words of text (None: unknown)."""
    words = scan_page(*page_codes([text]))[2]
    return page_language(words[2][:LANGUAGE_SAMPLE_WORDS])


def scan_page(codes: np.ndarray, lengths: np.ndarray) -> tuple:
    """_scan of a page (see page_codes) with the character tables."""
    tables = char_tables()
    return _scan(
        codes, lengths, tables.kind, tables.hash, tables.notable, tables.separator, tables.flags, tables.char_counts
    )


def upper_case_lines(texts: list[str], kind: np.ndarray, flags: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """str.isupper() per line, asked only of the lines with no lower-case letter: most lines show one in
    their first word, and isupper() on every line cost about 6 µs a page (190 lines), the check under 1."""
    upper = np.zeros(len(texts), dtype=np.bool_)
    for i in _lines_without_lower(kind, flags, lengths).tolist():
        upper[i] = texts[i].isupper()
    return upper


@cache
def teaser_patterns() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TEASER_ENDINGS and MEDIA_WORDS reversed, as rows of code points padded with -1, and MEDIA_DASHES."""

    def rows(words: tuple[str, ...]) -> np.ndarray:
        out = np.full((len(words), max(map(len, words))), -1, dtype=np.int64)
        for i, word in enumerate(words):
            out[i, : len(word)] = [ord(c) for c in reversed(word)]
        return out

    return rows(TEASER_ENDINGS), rows(MEDIA_WORDS), np.array([ord(c) for c in MEDIA_DASHES], dtype=np.int64)


# --- the compiled loops ----------------------------------------------------------------------
@jit
def _scan(codes, lengths, kind_of, hash_of, notable, separator, flags, char_counts):
    """One pass over the page's characters: their kinds, each line's notable-character counts, the words,
    the lines with a glued headline (see _glued_at) and each line's key (to find repeated lines).

    Line i runs from starts[i] to the newline after it; a notable character adds the row of
    `char_counts` chosen by its own kind and its neighbours'. Words are (start, end, key, line).
    Indexes into the tables are unsigned, which spares the compiled code a check for negative ones.
    """
    kinds = flags.shape[0]
    kind = np.empty(len(codes), np.uint8)
    char_value = np.empty(len(codes), np.uint32)
    for i in range(len(codes)):
        code = min(codes[i], BMP_LAST)
        kind[i], char_value[i] = kind_of[code], hash_of[code]
    lines = len(lengths)
    counts = np.zeros((lines, char_counts.shape[1]), np.int32)
    capacity = len(codes) // 2 + 1
    word_start, word_end = np.empty(capacity, np.int64), np.empty(capacity, np.int64)
    word_key, word_line = np.empty(capacity, np.uint32), np.empty(capacity, np.int64)
    glued = np.zeros(lines, np.bool_)
    line_keys = np.empty(lines, np.uint32)
    words, start = 0, 1
    for line in range(lines):
        end = start + lengths[line]
        first = -1  # the current word's first character
        word_value, word_power, line_value, line_power = np.uint64(0), np.uint64(1), np.uint64(0), np.uint64(1)
        for i in range(start, end):
            own = kind[i]
            if notable[own]:
                row = (np.uint64(kind[i - 1]) * kinds + own) * kinds + kind[i + 1]
                for column in range(char_counts.shape[1]):
                    counts[line, column] += char_counts[row, column]
            line_value, line_power = hash_step(line_value, line_power, char_value[i])
            if not separator[own]:
                if first < 0:
                    first, word_value, word_power = i, np.uint64(0), np.uint64(1)
                word_value, word_power = hash_step(word_value, word_power, char_value[i])
                if flags[own, F_UPPER] and not glued[line]:
                    glued[line] = _glued_at(kind, flags, i)
            elif first >= 0:
                word_start[words], word_end[words], word_line[words], word_key[words] = first, i, line, word_value
                words, first = words + 1, -1
        if first >= 0:  # the newline after the line ends its last word
            word_start[words], word_end[words], word_line[words], word_key[words] = first, end, line, word_value
            words += 1
        line_keys[line] = line_value
        start = end + 1
    found = (word_start[:words], word_end[:words], word_key[:words], word_line[:words])
    return kind, counts, found, glued, line_keys


@jit
def _glued_at(kind, flags, i):
    """An upper-case letter at i glues two words: "Northern MichiganMichigan Department", "On The
    Rise?Violence is" (a headline run into its summary, or menu items run together).

    A lower-case letter follows it and, before it, GLUE_LOWER_RUN lower-case letters or a lower-case
    letter and a sentence mark (McDonald, YouTube and iPhone do not count).
    """
    if not flags[kind[i + 1], F_LOWER]:
        return False
    if i >= 2 and flags[kind[i - 1], F_SENTENCE] and flags[kind[i - 2], F_LOWER]:
        return True
    if i < GLUE_LOWER_RUN:
        return False
    for back in range(1, GLUE_LOWER_RUN + 1):  # noqa: SIM110 (compiled code: no generators)
        if not flags[kind[i - back], F_LOWER]:
            return False
    return True


@jit
def _lines_without_lower(kind, flags, lengths):
    """The lines (see page_codes) with no lower-case character: the lower flag is str.islower() on the BMP,
    and a character beyond it (clipped to BMP_LAST by _scan, not lower) leaves the line to str.isupper()."""
    found = np.empty(len(lengths), np.int64)
    count, start = 0, 1
    for line in range(len(lengths)):
        end = start + lengths[line]
        i = start
        while i < end and not flags[kind[i], F_LOWER]:
            i += 1
        if i == end:
            found[count] = line
            count += 1
        start = end + 1
    return found[:count]


@jit
def _word_counts(codes, kind, flags, lines, words, table):
    """(lines, WORD_COUNTS): each line's words, stopwords of the page's language, capitalised words,
    keywords, and among its first LEAD_WORDS words the content words (not stopwords, not numbers)
    and the capitalised ones. A "domain" word counts only after a "." (example.com)."""
    word_start, word_end, word_key, word_line = words
    slots, stopword, keyword = table
    counts = np.zeros((lines, len(WORD_COUNTS)), np.int32)
    seen = np.zeros(lines, np.int64)
    for w in range(len(word_start)):
        start, line = word_start[w], word_line[w]
        row = find_row(slots, word_key[w])
        stop = stopword[row]
        first = kind[start]
        capitalised = flags[first, F_UPPER]
        counts[line, W_WORD] += 1
        counts[line, W_STOP] += stop
        counts[line, W_CAPITALISED] += capitalised
        counts[line, W_SHORT] += word_end[w] - start <= UNKNOWN_STOPWORD_LENGTH
        group = keyword[row]
        if group and (group != DOMAIN_GROUP or codes[start - 1] == ord(".")):
            counts[line, W_KEYWORDS + group - 1] += 1
        if seen[line] < LEAD_WORDS:
            content = not stop and not flags[first, F_DIGIT]
            counts[line, W_LEAD] += content
            counts[line, W_LEAD_CAPITALISED] += content and capitalised
            seen[line] += 1
    return counts


@jit
def _teaser_tail(codes, start, end, endings):
    """Does codes[start:end] end with one of the endings (reversed, as rows of codes padded with -1)?"""
    if end == start:
        return False
    last = _lowered(codes[end - 1])
    for p in range(endings.shape[0]):  # noqa: SIM110 (compiled code: no generators)
        if endings[p, 0] == last and _ends_with(codes, start, end, endings[p]) > 0:
            return True
    return False


@jit
def _ends_with(codes, start, end, reversed_word):
    """The word's length if codes[start:end] ends with it, else 0. Only a line's last TEASER_TAIL_CHARS
    characters are looked at, and ASCII letters are lowered."""
    window = min(end - start, TEASER_TAIL_CHARS)
    j = 0
    while j < len(reversed_word) and reversed_word[j] >= 0:
        if j >= window or _lowered(codes[end - 1 - j]) != reversed_word[j]:
            return 0
        j += 1
    return j


@jit
def _media_tail(codes, start, end, media, dashes):
    """A line ending in a dash of MEDIA_DASHES with a space before it, spaces, a media word: "Crash - Photo"."""
    window = min(end - start, TEASER_TAIL_CHARS)
    if window == 0:
        return False
    last = _lowered(codes[end - 1])
    for p in range(media.shape[0]):
        j = _ends_with(codes, start, end, media[p]) if media[p, 0] == last else 0
        if j == 0:
            continue
        while j < window and codes[end - 1 - j] == ord(" "):
            j += 1
        if j + 1 < window and codes[end - 2 - j] == ord(" "):
            for dash in dashes:
                if codes[end - 1 - j] == dash:
                    return True
    return False


@jit
def _lowered(code):
    return code + 32 if ord("A") <= code <= ord("Z") else code


@jit
def _repeated(line_keys):
    """Lines whose text (ignoring case) occurs more than once on the page (menus, teasers shown twice).

    One pass over a table of the keys seen (open addressing; a key is a hash, its low bits pick the
    slot): sorting the keys took more than twice as long.
    """
    size = 2
    while size < 2 * len(line_keys):
        size *= 2
    first = np.full(size, -1, np.int64)  # per slot: the first line with the slot's key
    twice = np.zeros(len(line_keys), np.bool_)
    for i in range(len(line_keys)):
        slot = np.int64(line_keys[i]) & (size - 1)
        while first[slot] >= 0 and line_keys[first[slot]] != line_keys[i]:
            slot = (slot + 1) & (size - 1)
        if first[slot] < 0:
            first[slot] = i
        else:
            twice[i] = twice[first[slot]] = True
    return twice


@jit
def _local_rows(codes, lengths, kind, flags, char_counts, words, table, language_known, per_line, teasers):
    """One row of LOCAL_FEATURES per line, in that order."""
    all_caps, blank_before, glued, line_keys = per_line
    endings, media, dashes = teasers
    lines = len(lengths)
    word_counts = _word_counts(codes, kind, flags, lines, words, table)
    repeated = _repeated(line_keys)
    out = np.empty((lines, len(LOCAL_FEATURES)))
    start = 1
    for i in range(lines):
        end = start + lengths[i]
        c, w = char_counts[i], word_counts[i]
        length = float(end - start)
        cjk = c[C_CJK] > CJK_SHARE * length and c[C_HANGUL] == 0  # Korean is CJK-script but spaced
        chars = length + (CJK_CHAR_WIDTH - 1) * c[C_CJK] if cjk else length
        n_words = max(float(w[W_WORD]), c[C_CJK] / CJK_CHARS_PER_WORD) if cjk else float(w[W_WORD])
        safe_words = max(n_words, 1.0)
        # no stoplist fits: short words stand in for function words in most languages
        stop = float(w[W_STOP]) if language_known else w[W_SHORT] * UNKNOWN_STOPWORD_FACTOR
        first, second, third, last = kind[start], kind[start + 1], kind[start + 2], kind[end - 1]
        numbered = flags[first, F_DIGIT] and (
            flags[second, F_NUMBERED_MARK] or (flags[second, F_DIGIT] and flags[third, F_NUMBERED_MARK])
        )
        row = out[i]
        row[0] = math.log1p(chars)  # log_chars
        row[1] = math.log1p(n_words)  # log_words
        row[2] = c[C_CJK_FUNCTION] / max(c[C_CJK], 1) if cjk else stop / safe_words  # stopwords
        row[3] = flags[last, F_LINE_END]  # ends_sentence
        row[4] = flags[last, F_COLON]  # ends_colon
        row[5] = math.log1p(c[C_SENTENCE_MARK]) if c[C_SENTENCE_MARK] else 0.0  # sentence_marks
        row[6] = c[C_COMMA] / safe_words  # commas_per_word
        row[7] = 0.0 if cjk else w[W_CAPITALISED] / safe_words  # capitalised_share
        row[8] = c[C_DIGIT] / max(chars, 1.0)  # digit_share
        row[9] = flags[first, F_BULLET] or numbered  # bullet: "•", "-", "1.", "12)"
        row[10] = math.log1p(c[C_MENU_SEPARATOR]) if c[C_MENU_SEPARATOR] else 0.0  # menu_separators
        row[11] = _teaser_tail(codes, start, end, endings) or _media_tail(codes, start, end, media, dashes)
        row[12] = c[C_COPYRIGHT_SIGN] + w[W_COPYRIGHT] > 0  # copyright
        row[13] = c[C_EMAIL] + w[W_LINK] + w[W_DOMAIN] > 0  # linkish
        row[14] = w[W_YEAR] + c[C_CLOCK] > 0  # year_or_time
        row[15] = all_caps[i]  # all_caps
        row[16] = 0.0 if cjk else w[W_LEAD_CAPITALISED] / max(w[W_LEAD], 1)  # title_lead
        row[17] = glued[i]  # glued
        row[18] = flags[first, F_LOWER]  # starts_lower
        row[19] = n_words <= 1  # one_word
        row[20] = n_words < SHORT_WORDS  # short
        row[21] = blank_before[i]  # blank_before
        row[22] = i / max(lines - 1, 1)  # position
        row[23] = repeated[i]  # repeated
        start = end + 1
    return out


@jit
def _context_rows(local, out):
    """Fill out's rows with CONTEXT_FEATURES, from the local features of the lines around each line."""
    n = local.shape[0]
    log_chars = local[:, L_LOG_CHARS]
    sources = np.empty((n, len(CONTEXT_SOURCES)))
    long = np.empty(n, np.bool_)
    for i in range(n):
        chars = math.expm1(log_chars[i])
        long[i] = chars >= LONG_CHARS
        stopwords = local[i, L_STOPWORDS]
        sources[i, 0] = chars >= PROSE_CHARS and stopwords >= PROSE_STOPWORDS  # prose_like
        sources[i, 1] = local[i, L_SHORT]
        sources[i, 2] = log_chars[i]
        sources[i, 3] = stopwords
    windows = len(CONTEXT_SOURCES) * len(CONTEXT_WINDOWS)
    window_means_into(sources, CONTEXT_WINDOWS, out[:, :windows])
    runs = run_length(sources[:, 1] > 0)
    distances = distances_to(long)
    for i in range(n):
        out[i, windows] = math.log1p(runs[i]) if runs[i] else 0.0  # short_run
        out[i, windows + 1] = distances[i, 0]  # distance_long_before
        out[i, windows + 2] = distances[i, 1]  # distance_long_after
        out[i, windows + 3] = log_chars[i - 1] if i > 0 else 0.0  # prev_log_chars
        out[i, windows + 4] = log_chars[i + 1] if i + 1 < n else 0.0  # next_log_chars


@jit
def window_means(values, halves):
    """(lines, columns of values, halves): the mean over [i - half, i + half], clipped at the page's ends."""
    n, columns = values.shape
    out = np.empty((n, columns, len(halves)))
    window_means_into(values, halves, out.reshape(n, columns * len(halves)))
    return out


@jit
def window_means_into(values, halves, out):
    """window_means written into out's (lines, columns * halves), often a block of the feature matrix:
    written in place, the means need no array of their own and no copy into the matrix (about 1 of
    the context features' 9 µs a page)."""
    n, columns = values.shape
    prefix = np.zeros((n + 1, columns))
    for i in range(n):
        for j in range(columns):
            prefix[i + 1, j] = prefix[i, j] + values[i, j]
    for i in range(n):
        for h in range(len(halves)):
            low, high = max(i - halves[h], 0), min(i + halves[h] + 1, n)
            for j in range(columns):
                out[i, j * len(halves) + h] = (prefix[high, j] - prefix[low, j]) / (high - low)


def window_mean(values: np.ndarray, half: int) -> np.ndarray:
    """The mean of values over [i - half, i + half], clipped at the page's ends."""
    return window_means(np.ascontiguousarray(values, dtype=np.float64)[:, None], (half,))[:, 0, 0]


@jit
def run_length(flags):
    """For each line, the length of the run of consecutive True flags it is in (0 when False)."""
    n = len(flags)
    out = np.zeros(n)
    i = 0
    while i < n:
        j = i
        while j < n and flags[j] == flags[i]:
            j += 1
        if flags[i]:
            out[i:j] = j - i
        i = j
    return out


@jit
def distances_to(flags):
    """(lines, 2): log1p of the lines to the nearest flagged line before and after each line, capped at DISTANCE_CAP."""
    n = len(flags)
    out = np.empty((n, 2))
    logs = np.log1p(np.arange(DISTANCE_CAP + 1))  # a distance is one of these few values
    last = -DISTANCE_CAP - 1
    for i in range(n):
        out[i, 0] = logs[min(i - last, DISTANCE_CAP)]
        if flags[i]:
            last = i
    following = n + DISTANCE_CAP
    for i in range(n - 1, -1, -1):
        out[i, 1] = logs[min(following - i, DISTANCE_CAP)]
        if flags[i]:
            following = i
    return out


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

    Kadane's scan; ties go to the earliest end and, for it, the latest start (the shortest run).
    """
    start, end = kadane(np.ascontiguousarray(values, dtype=np.float64))
    return None if end < 0 else (int(start), int(end))


@jit
def kadane(values):
    """best_region's scan: (first, last), or (-1, -1) when no value is positive."""
    best, best_start, best_end = 0.0, -1, -1
    running, start = 0.0, 0
    for index in range(len(values)):
        if running <= 0:
            running, start = values[index], index
        else:
            running += values[index]
        if running > best:
            best, best_start, best_end = running, start, index
    return best_start, best_end


@jit
def second_stage_features(scores, log_chars):
    """One row of SECOND_STAGE_FEATURES per line from the first-stage log-odds of every line.

    The article is one or a few contiguous runs: a short line between prose lines is body, the
    same line among menu items is not. Prose mass before/after says whether a line lies between
    the first and the last prose of the page (0 above the article or below it).
    """
    n = len(scores)
    z = np.minimum(np.maximum(scores, -SCORE_CLIP), SCORE_CLIP)
    neighbours = 2 * NEIGHBOUR_REACH + 1
    out = np.zeros((n, len(SECOND_STAGE_FEATURES)))
    for i in range(n):
        for offset in range(neighbours):
            j = i + offset - NEIGHBOUR_REACH
            out[i, offset] = z[j] if 0 <= j < n else -SCORE_CLIP
    window_means_into(z.reshape(n, 1), SCORE_WINDOWS, out[:, neighbours : neighbours + len(SCORE_WINDOWS)])
    mass = np.where(z > 0, log_chars, 0.0)
    total = max(mass.sum(), 1e-9)
    before = 0.0
    for i in range(n):
        out[i, -3] = before / total
        out[i, -2] = max(1.0 - before / total - mass[i] / total, 0.0)
        before += mass[i]
    start, end = kadane(z * log_chars)
    if end >= 0:
        out[start : end + 1, -1] = 1.0
    return out
