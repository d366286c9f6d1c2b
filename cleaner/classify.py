"""The generic line classifier: what no rule decided, decided by the shape of the text around it.

Three steps, like jusText but learned:
1. stage 1 scores each line from its own features and those of its neighbourhood
   (cleaner.text_features): log-odds that the line belongs to the article body;
2. stage 2 re-scores each line from the stage-1 scores around it (a short line between prose lines
   is body, the same line among menu items is not);
3. the context step keeps the best-scoring contiguous region (maximum-sum segment over the clipped,
   length-weighted scores) and any further region at least EXTRA_REGION_SHARE as strong: the article
   is one or a few contiguous runs; headlines and short paragraphs inside a run stay, teaser lists,
   menus and footers outside it go. A region then swallows a strong run a few lines away (a caption
   block inside the article), grows over doubtful neighbours (a caption or first paragraph at its
   edge) and sheds short edge lines that end no sentence (menus, the title: metadata finds it above).

The two stages are logistic regressions, stage 1 plus a few boosted trees on its residual (they
catch what a linear score cannot: a long line that is a glued headline and summary, a title-case
lead on a prose-length line); weights and trees ship in cleaner/models/text_classifier.json
(`make train` rebuilds it from the labelled dev pages; see train/train_classifier.py). Inference
is a few compiled calls per page (numba: _two_stages scores both stages, trees included).
`Line.score` is the stage-2 log-odds plus REGION_BIAS (positive: prose; a dropped line never
scores above 0) and `Line.reason` names the decision and p = sigmoid(score); within `explaining()`
(for `cleaner explain`) it also gives the line's main features.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numba
import numpy as np

from cleaner.document import Decider, Line
from cleaner.text_features import (
    COLUMN,
    FEATURES,
    L_LOG_CHARS,
    SECOND_STAGE_FEATURES,
    kadane,
    page_features,
    second_stage_features,
)

# --- thresholds of the context step, in one place ---
# REGION_BIAS, REGION_CLIP and EXTRA_REGION_SHARE were chosen by cross-validation by site and then on the
# training dev pages only (never the held-out sites, see train/dataset.py); the bridge, extend and trim
# constants were set by hand so that caption blocks of press releases (the seeds) stay whole. TRIM_MAX_LINES:
# any cap of 1-3 beat no cap in site-CV at every REGION_BIAS (train/cross_validate.py); 3 is the smallest that
# still sheds a three-line header (site name, headline, dateline) for the metadata step.
REGION_BIAS = 1.0  # added to every stage-2 log-odds before the region search: a doubtful line leans to body
REGION_CLIP = 4.0  # log-odds clipped to +-this, so one very sure line cannot carry a region on its own
EXTRA_REGION_SHARE = 0.3  # a further region is kept when its sum reaches this share of the best region's
INSIDE_DROP = -6.0  # a line inside a region is still dropped when its log-odds is below this
FALLBACK_MARGIN = 1.0  # no line scored as body: the surest line is lifted to this log-odds (no page comes out empty)
# BRIDGE_GAP was 4 until stage 1 got its trees: they score caption lines (alt text, image title, caption,
# credit, image id) surely boilerplate, and a press release's five-line caption block then cut off its first
# paragraph (seed 001); 6 bridges it. Site-CV: dev 0.8863 either way, site pages 0.9574 (4) vs 0.9573 (6).
BRIDGE_GAP = 6  # a positive run starting fewer than this many lines from a region joins it ...
BRIDGE_REACH = 3  # ... looking this many lines past the gap for it ...
BRIDGE_MIN_VALUE = 8.0  # ... when its value reaches this (about one solid paragraph)
EXTEND_MIN_SCORE = -1.0  # a line next to a region joins it when its log-odds plus REGION_BIAS is at least this ...
# ... or this, when it reads as a paragraph (PROSE_*): a short article's first paragraph under its headline
# scored -1.8 and was cut off (tests/conftest.py ARTICLE_TEXT). Site-CV: dev 0.8834 -> 0.8832, site pages
# 0.9575 -> 0.9570 (noise level; this CV run gave 0.8834 where the BRIDGE_GAP run gave 0.8863 for the same
# setting: fold models vary a little between machines); dev text all 0.9352 -> 0.9347, held-out 0.9349 either way.
EXTEND_PROSE_MIN_SCORE = -2.0
PROSE_MIN_WORDS = 15  # a paragraph: at least this many words ...
PROSE_MIN_STOPWORDS = 0.3  # ... this share of them stopwords of the page's language, and a sentence end
EDGE_MAX_WORDS = 16  # a region's edge line shorter than this that ends no sentence is trimmed ...
TRIM_MAX_LINES = 3  # ... at most this many per edge (site name, headline, dateline; more would eat a table or a list)
SENTENCE_END = tuple('.!?"”’»)。！？')
MODEL_RESOURCE = "text_classifier.json"


@dataclass(frozen=True, slots=True)
class Trees:
    """Boosted regression trees, each padded to a complete tree of one depth.

    Node k of a tree has children 2k + 1 (x <= threshold) and 2k + 2; its leaves follow its
    2**depth - 1 inner nodes, so a walk down is depth comparisons and no branching on node types.
    """

    feature: np.ndarray  # (trees, inner nodes) column compared at each inner node
    threshold: np.ndarray  # (trees, inner nodes)
    leaf: np.ndarray  # (trees, leaves) log-odds added by each leaf
    depth: int

    @classmethod
    def from_dict(cls, data: dict) -> Trees:
        return cls(
            np.array(data["feature"], dtype=np.uint64),
            np.array(data["threshold"], dtype=np.float64),
            np.array(data["leaf"], dtype=np.float64),
            int(data["depth"]),
        )

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, ...]]:
        """The arguments of the compiled walk (_add_trees), the depth as a tuple of that many levels: the
        compiler knows a tuple's length and unrolls the walk down (twice as fast as a loop to an int)."""
        return self.feature, self.threshold, self.leaf, (0,) * self.depth

    @classmethod
    def none(cls) -> Trees:
        """No trees: they add nothing."""
        return cls(np.zeros((0, 1), np.uint64), np.zeros((0, 1)), np.zeros((0, 1)), 0)

    def score(self, x: np.ndarray) -> np.ndarray:
        """The trees' summed leaves per row of x."""
        return Stage(np.zeros(x.shape[1]), 0.0, self).score(x)


@dataclass(frozen=True, slots=True)
class Stage:
    """One logistic regression on raw (unscaled) features, plus boosted trees on its residual if any."""

    weights: np.ndarray
    bias: float
    trees: Trees = field(default_factory=Trees.none)

    @classmethod
    def from_dict(cls, data: dict) -> Stage:
        trees = Trees.from_dict(data["trees"]) if data.get("trees") else Trees.none()
        return cls(np.array(data["weights"], dtype=np.float64), float(data["bias"]), trees)

    def score(self, x: np.ndarray, more: np.ndarray | None = None) -> np.ndarray:
        """Log-odds per row of the features x, followed by the columns of `more` if given."""
        rows = x if more is None else np.hstack((x, more))
        return _score_rows(rows, *self.arrays())

    def arrays(self) -> tuple:
        """Weights, bias and the trees' arrays: the arguments of the compiled scoring (_score_rows)."""
        return self.weights, self.bias, *self.trees.arrays()


@numba.njit(cache=True, nogil=True)
def _score_rows(x, weights, bias, feature, threshold, leaf, levels):
    """bias + weights . row, plus each tree's leaf for the row, for every row of x."""
    return _score_columns(np.ascontiguousarray(x.T), weights, bias, feature, threshold, leaf, levels)


@numba.njit(cache=True, nogil=True)
def _score_columns(columns, weights, bias, feature, threshold, leaf, levels):
    """_score_rows of the rows whose features are the rows of `columns` (a feature's values side by side).

    Every row's sum is taken in one order (bias, the weighted columns in order, the trees in order),
    but column by column and tree by tree over all rows: the rows' sums are then independent chains
    the CPU overlaps, where one row at a time waits on each add and each load of its walk down.
    """
    out = np.full(columns.shape[1], bias)
    for j in range(len(weights)):
        weight = weights[j]
        for r in range(len(out)):
            out[r] += columns[j, r] * weight
    _add_trees(columns, feature, threshold, leaf, levels, out)
    return out


@numba.njit(cache=True, nogil=True)
def _add_trees(columns, feature, threshold, leaf, levels, out):
    """Add to out[r] the leaf that row r reaches in each tree (see Trees), tree by tree.

    First every inner node's test for all rows (a compare per value, no dependency), then the walk
    down reads the answers. Node numbers are unsigned: indexes read from arrays then need no check
    for negative values.
    """
    inner, one = np.uint64(feature.shape[1]), np.uint64(1)
    right = np.empty((feature.shape[1], len(out)), np.uint8)  # per inner node and row: x > threshold
    for t in range(len(feature)):
        for k in range(feature.shape[1]):
            column, limit = feature[t, k], threshold[t, k]
            for r in range(len(out)):
                right[k, r] = columns[column, r] > limit
        for r in range(len(out)):
            node = np.uint64(0)
            for _ in range(len(levels)):
                node = node + node + one + np.uint64(right[node, r])
            out[r] += leaf[t, node - inner]


@dataclass(frozen=True, slots=True)
class Model:
    stage1: Stage
    stage2: Stage

    @classmethod
    def from_dict(cls, data: dict) -> Model:
        """Check the feature lists match this code's (a stale model file is an error, not a silent skew)."""
        if data.get("features") != list(FEATURES) or data.get("second_stage_features") != list(SECOND_STAGE_FEATURES):
            raise ValueError(f"{MODEL_RESOURCE}: features differ from cleaner.text_features; run `make train`")
        return cls(Stage.from_dict(data["stage1"]), Stage.from_dict(data["stage2"]))


@cache
def default_model() -> Model:
    """The shipped model, loaded once per process from the package (no network, no file path)."""
    text = resources.files("cleaner.models").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
    return Model.from_dict(json.loads(text))


def score_lines(texts: list[str], blank_before: list[bool], model: Model) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Stage-2 log-odds per line, the feature matrix (for explanations) and the page's language."""
    x, language = page_features(texts, blank_before)
    z2 = _two_stages(x, model.stage1.arrays(), model.stage2.arrays())
    return z2, x, language


@numba.njit(cache=True, nogil=True)
def _two_stages(x, stage1, stage2):
    """Stage 2's log-odds: stage 1 on the features, then stage 2 on the features and stage 1's verdicts around."""
    columns = np.ascontiguousarray(x.T)
    z1 = _score_columns(columns, *stage1)
    second = second_stage_features(z1, columns[L_LOG_CHARS])
    return _score_columns(np.concatenate((columns, np.ascontiguousarray(second.T))), *stage2)


def regions(scores: np.ndarray, log_chars: np.ndarray) -> list[tuple[int, int]]:
    """The best region and every further region whose sum reaches EXTRA_REGION_SHARE of it."""
    return _as_list(_regions(region_values(scores + REGION_BIAS, log_chars)))


@numba.njit(cache=True, nogil=True)
def region_values(biased, log_chars):
    """What a line adds to a region: its biased log-odds, clipped, times its length (log characters)."""
    return np.minimum(np.maximum(biased, -REGION_CLIP), REGION_CLIP) * log_chars


def bridge(spans: list[tuple[int, int]], values: np.ndarray) -> list[tuple[int, int]]:
    """Join to a region the positive runs at most BRIDGE_GAP lines away (a caption block inside an article)."""
    return _as_list(_bridge(_as_array(spans), values))


def _as_list(spans: np.ndarray) -> list[tuple[int, int]]:
    return [(start, end) for start, end in spans.tolist()]


def _as_array(spans: list[tuple[int, int]]) -> np.ndarray:
    return np.array(spans, dtype=np.int64).reshape(-1, 2)


@numba.njit(cache=True, nogil=True)
def _regions(values):
    """regions() on the lines' region values: (regions, 2) first and last line, in order."""
    n = len(values)
    found = np.empty((n, 2), np.int64)
    start, end = kadane(values)
    if end < 0:
        return found[:0]
    best = values[start : end + 1].sum()
    found[0] = start, end
    count = 1
    todo = np.empty((2 * n + 2, 2), np.int64)  # (low, high) stretches left to search
    todo[0], todo[1] = (0, start), (end + 1, n)
    waiting = 2
    while waiting:
        waiting -= 1
        low, high = todo[waiting]
        if high <= low:
            continue
        first, last = kadane(values[low:high])
        if last < 0:
            continue
        first, last = low + first, low + last
        if values[first : last + 1].sum() >= EXTRA_REGION_SHARE * best:
            found[count] = first, last
            count += 1
            todo[waiting], todo[waiting + 1] = (low, first), (last + 1, high)
            waiting += 2
    found = found[:count]
    return found[np.argsort(found[:, 0])]


@numba.njit(cache=True, nogil=True)
def _bridge(spans, values):
    joined = spans.copy()
    for k in range(len(spans)):
        start, end = spans[k]
        after = values[end + 1 : end + 1 + BRIDGE_GAP + BRIDGE_REACH]
        first, last = kadane(after)
        if 0 <= first < BRIDGE_GAP and after[first : last + 1].sum() >= BRIDGE_MIN_VALUE:
            end = end + 1 + last
        low = max(start - BRIDGE_GAP - BRIDGE_REACH, 0)
        before = values[low:start][::-1].copy()  # nearest line first
        first, last = kadane(before)
        if 0 <= first < BRIDGE_GAP and before[first : last + 1].sum() >= BRIDGE_MIN_VALUE:
            start = start - 1 - last
        joined[k] = start, end
    return joined


def extend_floors(scores: np.ndarray, texts: list[str], words: np.ndarray, stopwords: np.ndarray) -> np.ndarray:
    """Each line's floor for joining a region: EXTEND_PROSE_MIN_SCORE for a line that reads as a
    paragraph (long, with the stopwords of running text, ending a sentence), else EXTEND_MIN_SCORE.
    Only lines whose score lies between the two floors are looked at: for the others it makes no difference."""
    floors = np.full(len(scores), EXTEND_MIN_SCORE)
    for i in _doubtful_paragraphs(scores, words, stopwords).tolist():
        if texts[i].rstrip().endswith(SENTENCE_END):
            floors[i] = EXTEND_PROSE_MIN_SCORE
    return floors


@numba.njit(cache=True, nogil=True)
def _doubtful_paragraphs(scores, words, stopwords):
    """The lines between the two floors that are long and hold the stopwords of running text."""
    return np.flatnonzero(
        (scores >= EXTEND_PROSE_MIN_SCORE)
        & (scores < EXTEND_MIN_SCORE)
        & (words >= PROSE_MIN_WORDS)
        & (stopwords >= PROSE_MIN_STOPWORDS)
    )


def extend(spans: list[tuple[int, int]], scores: np.ndarray, floors: np.ndarray) -> list[tuple[int, int]]:
    """Grow each region over the doubtful lines right next to it (a caption or first paragraph at its edge):
    a line joins while its score is at least its floor (EXTEND_MIN_SCORE, or EXTEND_PROSE_MIN_SCORE for prose)."""
    return _as_list(_extend(_as_array(spans), scores, floors))


@numba.njit(cache=True, nogil=True)
def _extend(spans, scores, floors):
    grown = spans.copy()
    for k in range(len(spans)):
        start, end = spans[k]
        while start > 0 and scores[start - 1] >= floors[start - 1]:
            start -= 1
        while end + 1 < len(scores) and scores[end + 1] >= floors[end + 1]:
            end += 1
        grown[k] = start, end
    return grown


def trim(spans: list[tuple[int, int]], texts: list[str], words: np.ndarray) -> list[tuple[int, int]]:
    """Drop a region's first and last lines while they are short and end no sentence (menus, titles).

    At most TRIM_MAX_LINES per edge: a header or menu at a region's edge is a few lines, while an
    unbounded trim ate whole tables and bullet lists (no row ends a sentence).
    """
    trimmed = []
    for start, end in spans:
        first, last = start, end
        while start <= end and start - first < TRIM_MAX_LINES and _loose_edge(texts[start], words[start]):
            start += 1
        while end >= start and last - end < TRIM_MAX_LINES and _loose_edge(texts[end], words[end]):
            end -= 1
        if start <= end:
            trimmed.append((start, end))
    return trimmed


def _loose_edge(text: str, words: float) -> bool:
    return words < EDGE_MAX_WORDS and not text.rstrip().endswith(SENTENCE_END)


def keep_mask(scores: np.ndarray, spans: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(kept, inside a region) per line: inside a region, all but the surest boilerplate stays."""
    inside = np.zeros(len(scores), dtype=bool)
    for start, end in spans:
        inside[start : end + 1] = True
    return inside & (scores >= INSIDE_DROP), inside


def decide(
    scores: np.ndarray, log_chars: np.ndarray, texts: list[str], words: np.ndarray, stopwords: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(kept, inside a region, scores used) per line: regions, bridged over caption blocks, grown, trimmed."""
    biased = scores + REGION_BIAS
    values = region_values(biased, log_chars)
    if values.max() <= 0:  # no line looks like body: lift the surest line so that no page comes out empty
        scores = scores - scores.max() + FALLBACK_MARGIN
        biased = scores + REGION_BIAS
        values = region_values(biased, log_chars)
    found, grown = _grown_regions(values, biased, extend_floors(biased, texts, words, stopwords))
    spans = trim(_as_list(grown), texts, words) or _as_list(found)
    return (*keep_mask(scores, spans), scores)


@numba.njit(cache=True, nogil=True)
def _grown_regions(values, biased, floors):
    """The regions (see regions()) and the same regions bridged and extended, in one compiled call."""
    found = _regions(values)
    return found, _extend(_bridge(found, values), biased, floors)


VERDICTS = ("classifier: body", "classifier: boilerplate inside main text", "classifier: outside main text")
EXPLAIN = ContextVar("explain", default=False)  # set by `explaining()`: reasons then carry the line's features


@contextmanager
def explaining() -> Iterator[None]:
    """Within this block, classify() gives every line its feature summary (for `cleaner explain`).

    Outside it a reason is the verdict and p only, one shared string: formatting the features of
    every line of every page would cost more than the rest of the classifier's work per line.
    """
    token = EXPLAIN.set(True)
    try:
        yield
    finally:
        EXPLAIN.reset(token)


@numba.njit(cache=True, nogil=True)
def _reason_rows(scores, keep, inside):
    """Per line its entry of _short_reasons(): verdict * 101 + round(100 p), where the verdict is the
    line's VERDICTS entry: kept, dropped inside a region, dropped outside."""
    verdict = np.where(keep, 0, np.where(inside, 1, 2))
    hundredths = np.rint(100 / (1 + np.exp(-np.minimum(np.maximum(scores, -30.0), 30.0))))
    return verdict * 101 + hundredths.astype(np.int64)


@cache
def _short_reasons() -> tuple[str, ...]:
    """Row verdict * 101 + round(100 p): "classifier: body p=0.93" and so on, built once."""
    return tuple(f"{verdict} p={i / 100:.2f}" for verdict in VERDICTS for i in range(101))


def reasons(x: np.ndarray, scores: np.ndarray, keep: np.ndarray, inside: np.ndarray) -> list[str]:
    """Each line's reason: its verdict (by keep and inside, see VERDICTS), p and, when explaining, its features."""
    short = _short_reasons()
    rows = _reason_rows(scores, keep, inside).tolist()
    if not EXPLAIN.get():
        return [short[row] for row in rows]  # twice as fast as map(short.__getitem__, rows) (Python 3.11)
    shares = np.clip(x[:, [COLUMN["stopwords"], COLUMN["mean_prose_like_5"]]], 0, 1).tolist()
    counts = np.rint(np.expm1(x[:, [COLUMN["log_chars"], COLUMN["log_words"]]])).astype(int).tolist()
    return [
        f"{short[row]} chars={c} words={w} stop={stop:.2f} prose_near={near:.2f}"
        for row, (c, w), (stop, near) in zip(rows, counts, shares, strict=True)
    ]


def warm_up() -> None:
    """Load (or, after an install, compile) the compiled loops and build the tables, model and lexicon.

    A process that will classify many pages calls this once before it forks its workers (the
    worker pool's fork server does), so that no worker pays for it again.
    """
    classify([Line(text="Warm up: the stoplists, the model and the compiled loops.")])


def classify(lines: list[Line], model: Model | None = None) -> None:
    """Decide every line no rule decided: keep the body region(s), drop the rest, say why."""
    # Comprehensions: on slotted Lines they beat filter/map with attrgetter (Python 3.11).
    open_lines = [line for line in lines if line.keep]
    if not open_lines:
        return
    model = model or default_model()
    texts = [line.text for line in open_lines]
    scores, x, _ = score_lines(texts, [line.blank_before for line in open_lines], model)
    log_chars = x[:, L_LOG_CHARS]
    keep, inside, scores = decide(
        scores, log_chars, texts, np.expm1(x[:, COLUMN["log_words"]]), x[:, COLUMN["stopwords"]]
    )
    scores = scores + REGION_BIAS  # the context step's view of a line: positive leans to body
    why = reasons(x, scores, keep, inside)
    # A dropped line is never "prose" for the metadata step (it looks for the first prose line).
    scores = np.where(keep, scores, np.minimum(scores, 0.0))
    decider = Decider.CLASSIFIER
    # One statement per attribute: a four-target assignment builds and unpacks a tuple per line (a third slower).
    for line, kept, score, reason in zip(open_lines, keep.tolist(), scores.tolist(), why, strict=True):
        line.keep = kept  # Line.drop when not kept
        line.reason = reason
        line.decider = decider
        line.score = score
