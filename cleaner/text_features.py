"""Features of the lines of a plain-text page, for the generic line classifier (cleaner.classify).

Two kinds, computed for a whole page at once so that text mode stays fast (no per-word Python work
beyond one stopword lookup per word):

- local features: what one line looks like (length, word count, share of stopwords of the page's
  language, sentence punctuation, capitalised words, digits, bullets and menu separators, teaser
  tails such as "Title - Photo", copyright, CJK script, position, repetition within the page);
- context features: what the lines around it look like (windowed share of prose-like lines and
  of short lines, the run of short lines it belongs to, distance to the nearest long line). A
  menu item and a short paragraph inside an article look alike; their neighbours do not.

Stopword lists are jusText's (many languages); the page's language is the list that covers most
of its words. Pages in a script with no spaces (Japanese, Chinese) are measured in characters.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache

import justext
import numpy as np

# --- thresholds and constants, in one place ------------------------------------------------
LANGUAGE_MIN_SHARE = 0.05  # the best stoplist must cover this share of a page's words, else "unknown"
LANGUAGE_SAMPLE_WORDS = 20000  # words looked at to guess the language (enough; keeps long pages fast)
CJK_SHARE = 1 / 3  # a line with this share of CJK characters is measured in characters
CJK_CHARS_PER_WORD = 2.0  # a CJK "word count" is characters / this (for comparable word features)
CJK_CHAR_WIDTH = 2.5  # one CJK character carries about as much text as this many Latin characters
# Particles and function characters of Japanese and Chinese: their share in a CJK line stands in
# for the stopword share (prose is full of them, menus and titles are not).
CJK_FUNCTION_CHARS = frozenset(
    "のにはをがでとたてしもなかられさだすまうっこそい" + "的了是在和有我他这个们中来上不为就也说到以要会"
)
UNKNOWN_STOPWORD_LENGTH = 3  # with no stoplist, words this short count as stopwords ...
UNKNOWN_STOPWORD_FACTOR = 0.6  # ... scaled to the share real stoplists give (short content words exist)
SHORT_WORDS = 5  # a line with fewer words is "short" (menu item, teaser, label)
PROSE_CHARS = 100  # a line this long with enough stopwords is "prose-like" for the context features
PROSE_STOPWORDS = 0.2
LONG_CHARS = 150  # distance to the nearest line at least this long is a context feature
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

_PUNCTUATION = "!\"#$%&'()*+,./:;<=>?@[\\]^_`{|}~«»“”‘’„‚‹›…–—·•、。，！？：；（）「」『』【】"
_TO_SPACE = re.compile("[" + re.escape(_PUNCTUATION) + "]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_DIGITS = re.compile(r"\d")
_CAPITALISED = re.compile(r"(?<!\w)[A-ZÀ-ÖØ-ÞА-ЯЁΑ-Ω]")  # a word starting with a capital (Latin, Cyrillic, Greek)
_SENTENCE_MARK = re.compile(r"[.!?]['\"”’»)]? +\S|[。！？]")
_BULLET = re.compile(r"^(?:[•·*‣▪►»◦▸→✓✔–—-]|\d{1,2}[.)])", re.M)
_MENU_SEPARATORS = re.compile(r" [·•»/] |\|")
# The next three run over the lower-cased page (no re.I: much faster), each starting with a character class
# so that the regex engine can skip ahead instead of trying every alternative at every position.
_TEASER_TAIL = re.compile(
    r"[\[.…rcm»› ](?:(?<=\[)(?:…|\.\.\.)\]|(?<=\.)\.\.|(?<=…)|(?<=r)ead more|(?<=c)ontinue reading|(?<=m)ore *»|(?<=»)|"
    r"(?<=›)|(?<= )[-–|] *(?:photos?|videos?|gallery|watch|audio|podcast|foto|fotos|vídeo|galeria|galerie|bilder)) *$",
    re.M,
)
_COPYRIGHT = re.compile(
    r"[©(cat](?:(?<=©)|(?<=\()c\) *\d{4}|(?<=c)opyright|(?<=a)ll rights reserved|(?<=t)odos os direitos|"
    r"(?<=a)lle rechte)"
)
_LINKISH = re.compile(r"[hw.@](?:(?<=h)ttps?://|(?<=w)ww\.|(?<=\.)(?:com|org|net|html?)\b|(?<=\S@)(?=\S))")
_YEAR_OR_TIME = re.compile(r"\d(?:(?<=\b1)9\d\d\b|(?<=\b2)0\d\d\b|(?<=\b\d):\d\d\b|(?<=\b\d\d):\d\d\b)")
_SENTENCE_END = tuple('.!?"”’»)。！？')
_OPEN_END = tuple(":")

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


@cache
def _stopword_index() -> dict[str, tuple[int, ...]]:
    """word -> indexes of the candidate languages whose stoplist holds it (built once per process)."""
    index: dict[str, list[int]] = {}
    for number, language in enumerate(CANDIDATE_LANGUAGES):
        for word in justext.get_stoplist(language):
            index.setdefault(word.lower(), []).append(number)
    return {word: tuple(langs) for word, langs in index.items()}


@cache
def stoplist(language: str) -> frozenset[str]:
    return frozenset(word.lower() for word in justext.get_stoplist(language))


def guess_language(words: list[str]) -> str | None:
    """The candidate language whose stoplist covers most of the words; None below LANGUAGE_MIN_SHARE."""
    words = words[:LANGUAGE_SAMPLE_WORDS]
    if not words:
        return None
    index = _stopword_index()
    # A word in k stoplists counts 1/k for each: some lists (Finnish) hold common English words, and
    # raw hit counts would let the biggest list win.
    shares = [0.0] * len(CANDIDATE_LANGUAGES)
    # Distinct words vote, not occurrences: a content word that a noisy list holds ("cup") can
    # repeat all over one page, while a language shows itself in many different function words.
    for languages, count in Counter(filter(None, map(index.get, sorted(set(words))))).items():
        for language in languages:
            shares[language] += count / len(languages)
    hits = sum(map(index.__contains__, words))
    best = max(range(len(shares)), key=shares.__getitem__)
    return CANDIDATE_LANGUAGES[best] if hits >= LANGUAGE_MIN_SHARE * len(words) else None


def local_features(texts: list[str], blank_before: list[bool]) -> tuple[np.ndarray, str | None]:
    """One row of LOCAL_FEATURES per line, and the language guessed for the page.

    Patterns run once over the whole page (lines joined by newlines, none of the patterns crosses
    one) and their matches are counted per line: far fewer calls than one search per line.
    """
    n = len(texts)
    page = "\n".join(texts)
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    lowered = [t.lower() for t in texts]  # per line: lower() may change a line's length (İ), never its index
    low_page = "\n".join(lowered)
    low_starts = np.cumsum([0] + [len(t) + 1 for t in lowered[:-1]])
    folded = _TO_SPACE.sub(" ", low_page).split("\n")
    words = [line.split() for line in folded]
    language = guess_language([w for line in words for w in line])
    stop = stoplist(language) if language else frozenset()
    chars = np.fromiter(map(len, texts), dtype=np.float64, count=n)
    cjk_chars = _per_line(_CJK, page, starts, n)
    cjk = cjk_chars > CJK_SHARE * np.maximum(chars, 1)
    # Korean is CJK-script but spaced: its words are counted like any other language's.
    cjk &= _per_line(_HANGUL, page, starts, n) == 0
    cjk_function = np.array(
        [sum(map(CJK_FUNCTION_CHARS.__contains__, t)) if c else 0 for t, c in zip(texts, cjk, strict=True)]
    )
    chars = chars + (CJK_CHAR_WIDTH - 1) * np.where(cjk, cjk_chars, 0.0)
    n_words = np.fromiter(map(len, words), dtype=np.float64, count=n)
    n_words = np.where(cjk, np.maximum(n_words, cjk_chars / CJK_CHARS_PER_WORD), n_words)
    safe_words = np.maximum(n_words, 1)
    stop_hits = np.array([sum(map(stop.__contains__, line)) for line in words], dtype=np.float64)
    if language is None:  # no stoplist fits: short words stand in for function words in most languages
        stop_hits = np.array([sum(len(w) <= UNKNOWN_STOPWORD_LENGTH for w in line) for line in words], dtype=np.float64)
        stop_hits *= UNKNOWN_STOPWORD_FACTOR
    stopwords = np.where(cjk, cjk_function / np.maximum(cjk_chars, 1), stop_hits / safe_words)
    columns = {
        "log_chars": np.log1p(chars),
        "log_words": np.log1p(n_words),
        "stopwords": stopwords,
        "ends_sentence": np.array([t.endswith(_SENTENCE_END) for t in texts], dtype=np.float64),
        "ends_colon": np.array([t.endswith(_OPEN_END) for t in texts], dtype=np.float64),
        "sentence_marks": np.log1p(_per_line(_SENTENCE_MARK, page, starts, n)),
        "commas_per_word": np.array([t.count(",") + t.count("、") for t in texts]) / safe_words,
        "capitalised_share": np.where(cjk, 0.0, _per_line(_CAPITALISED, page, starts, n) / safe_words),
        "digit_share": _per_line(_DIGITS, page, starts, n) / np.maximum(chars, 1),
        "bullet": _per_line(_BULLET, page, starts, n) > 0,
        "menu_separators": np.log1p(_per_line(_MENU_SEPARATORS, page, starts, n)),
        "teaser_tail": _per_line(_TEASER_TAIL, low_page, low_starts, n) > 0,
        "copyright": _per_line(_COPYRIGHT, low_page, low_starts, n) > 0,
        "linkish": _per_line(_LINKISH, low_page, low_starts, n) > 0,
        "year_or_time": _per_line(_YEAR_OR_TIME, page, starts, n) > 0,
        "all_caps": np.array([t.isupper() for t in texts], dtype=np.float64),
        "starts_lower": np.array([t[:1].islower() for t in texts], dtype=np.float64),
        "one_word": (n_words <= 1).astype(np.float64),
        "short": (n_words < SHORT_WORDS).astype(np.float64),
        "blank_before": np.array(blank_before, dtype=np.float64),
        "position": np.arange(n, dtype=np.float64) / max(n - 1, 1),
        "repeated": _repeated(texts),
    }
    return np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in LOCAL_FEATURES]), language


def _per_line(pattern: re.Pattern, page: str, starts: np.ndarray, n: int) -> np.ndarray:
    """Matches of pattern per line of the joined page (no pattern here matches across a line break)."""
    at = [m.start() for m in pattern.finditer(page)]
    if not at:
        return np.zeros(n)
    return np.bincount(np.searchsorted(starts, at, side="right") - 1, minlength=n).astype(np.float64)


def _repeated(texts: list[str]) -> np.ndarray:
    """1 for a line whose text occurs more than once on the page (menus, teasers shown twice)."""
    counts = Counter(texts)
    return np.fromiter((counts[t] > 1 for t in texts), dtype=np.float64, count=len(texts))


def window_mean(values: np.ndarray, half: int) -> np.ndarray:
    """The mean of values over [i - half, i + half], clipped at the page's ends."""
    padded = np.concatenate(([0.0], np.cumsum(values)))
    n = len(values)
    index = np.arange(n)
    low, high = np.maximum(index - half, 0), np.minimum(index + half + 1, n)
    return (padded[high] - padded[low]) / (high - low)


def run_length(flags: np.ndarray) -> np.ndarray:
    """For each line, the length of the run of consecutive True flags it is in (0 when False)."""
    n = len(flags)
    if n == 0:
        return np.zeros(0)
    change = np.flatnonzero(np.diff(flags.astype(np.int8))) + 1
    starts = np.concatenate(([0], change))
    lengths = np.diff(np.concatenate((starts, [n])))
    return np.repeat(lengths, lengths) * flags


def distance_to(flags: np.ndarray, backwards: bool) -> np.ndarray:
    """Lines to the nearest flagged line before (or after) each line, capped at DISTANCE_CAP."""
    n = len(flags)
    index = np.arange(n, dtype=np.float64)
    marked = np.where(flags, index, np.nan)
    if backwards:
        last = np.fmax.accumulate(np.concatenate(([np.nan], marked[:-1]))) if n else marked
        distance = index - last
    else:
        nxt = np.fmin.accumulate(np.concatenate((marked[1:], [np.nan]))[::-1])[::-1] if n else marked
        distance = nxt - index
    return np.log1p(np.minimum(np.nan_to_num(distance, nan=DISTANCE_CAP), DISTANCE_CAP))


def context_features(local: np.ndarray) -> np.ndarray:
    """One row of CONTEXT_FEATURES per line, from the local features of the lines around it."""
    column = {name: local[:, i] for i, name in enumerate(LOCAL_FEATURES)}
    chars = np.expm1(column["log_chars"])
    sources = {
        "prose_like": ((chars >= PROSE_CHARS) & (column["stopwords"] >= PROSE_STOPWORDS)) * 1.0,
        "short": column["short"],
        "log_chars": column["log_chars"],
        "stopwords": column["stopwords"],
    }
    out = [window_mean(sources[source], w) for source in CONTEXT_SOURCES for w in CONTEXT_WINDOWS]
    long_line = chars >= LONG_CHARS
    log_chars = column["log_chars"]
    out += [
        np.log1p(run_length(column["short"] > 0)),
        distance_to(long_line, backwards=True),
        distance_to(long_line, backwards=False),
        np.concatenate(([0.0], log_chars[:-1])) if len(log_chars) else log_chars,
        np.concatenate((log_chars[1:], [0.0])) if len(log_chars) else log_chars,
    ]
    return np.column_stack(out) if out and len(local) else np.zeros((len(local), len(CONTEXT_FEATURES)))


def page_features(texts: list[str], blank_before: list[bool]) -> tuple[np.ndarray, str | None]:
    """All FEATURES for a page's lines (rows in line order) and the page's language (None: unknown)."""
    if not texts:
        return np.zeros((0, len(FEATURES))), None
    local, language = local_features(texts, blank_before)
    return np.hstack((local, context_features(local))), language


def logit(p: float) -> float:
    return math.log(p / (1 - p))


# --- second stage: the first stage's verdicts on the lines around ------------------------------
NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)  # lines whose first-stage score is a second-stage feature
SCORE_WINDOWS = (2, 5, 10, 25)  # half-widths of the windows the first-stage score is averaged over
SCORE_CLIP = 6.0  # first-stage log-odds are clipped to +-this, so one line cannot dominate a window
SECOND_STAGE_FEATURES = (
    "score",
    *(f"score_at_{offset}" for offset in NEIGHBOUR_OFFSETS),
    *(f"score_mean_{w}" for w in SCORE_WINDOWS),
    "prose_mass_before",
    "prose_mass_after",
    "in_best_region",
)


def shifted(values: np.ndarray, offset: int, fill: float) -> np.ndarray:
    """values[i + offset] for each i, `fill` past the page's ends."""
    n = len(values)
    out = np.full(n, fill)
    if offset > 0 and offset < n:
        out[:-offset] = values[offset:]
    elif offset < 0 and -offset < n:
        out[-offset:] = values[:offset]
    elif offset == 0:
        out[:] = values
    return out


def best_region(values: np.ndarray) -> tuple[int, int] | None:
    """The contiguous run with the largest sum of values (Kadane), as (first, last) indexes."""
    best, best_span = 0.0, None
    running, start = 0.0, 0
    for index, v in enumerate(values.tolist()):
        if running <= 0:
            running, start = v, index
        else:
            running += v
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
    columns = [z]
    columns += [shifted(z, offset, -SCORE_CLIP) for offset in NEIGHBOUR_OFFSETS]
    columns += [window_mean(z, w) for w in SCORE_WINDOWS]
    mass = np.where(z > 0, log_chars, 0.0)
    total = max(float(mass.sum()), 1e-9)
    before = np.concatenate(([0.0], np.cumsum(mass)[:-1])) / total
    after = 1.0 - before - mass / total
    columns += [before, np.maximum(after, 0.0)]
    region = best_region(z * log_chars)
    in_region = np.zeros(n)
    if region is not None:
        in_region[region[0] : region[1] + 1] = 1.0
    columns.append(in_region)
    return np.column_stack(columns)
