"""Scoring of cleaned documents against gold: the same numbers as shared/tools/score.py.

Body: \\w+ tokens, 4-token shingles as multisets, per-document tp/fp/fn normalised to sum 1;
precision and recall averaged over documents, F1 their harmonic mean; `acc` the share of
documents whose token lists equal gold. Metadata only where gold states it.
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from collections import Counter
from pathlib import Path, PurePosixPath

TOKEN = re.compile(r"\w+", re.UNICODE)
EXTENSIONS = (".gz", ".html", ".htm", ".xhtml", ".txt")
MID_SENTENCE_BREAK = re.compile(r"[\w,;\-–]\n(?=[a-z0-9(£$€])")
METADATA_FIELDS = ("title", "byline", "date", "credits", "pii")


def key_of(name: str) -> str:
    """The document key: basename without input extensions, keeping a `#N` record suffix."""
    base = PurePosixPath(name.split("#", 1)[0]).name
    changed = True
    while changed:
        changed = False
        for ext in EXTENSIONS:
            if base.lower().endswith(ext):
                base, changed = base[: -len(ext)], True
    return base + ("#" + name.split("#", 1)[1] if "#" in name else "")


def shingles(text: str, n: int = 4) -> Counter:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))


def recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def fold(text) -> str:
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = text.translate(str.maketrans("‘’“”", "''\"\""))
    text = re.sub(r"\s+", " ", text).strip().lower()
    return re.sub(r"^by\s+", "", text)


def load_predictions(path: str | Path) -> dict[str, dict]:
    predictions = {}
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON: {error}") from error
            predictions[key_of(str(record.get("id", "")))] = record
    return predictions


def score_document(key: str, gold: dict, pred: dict) -> dict:
    true = gold.get("body", gold.get("articleBody", "")) or ""
    text = pred.get("text") or ""
    counts = tp_fp_fn(true, text)
    row = {
        "id": key,
        "found": bool(pred),
        "tp_fp_fn": counts,
        "P": precision(*counts),
        "R": recall(*counts),
        "acc": float(TOKEN.findall(true) == TOKEN.findall(text)),
        "breaks": len(MID_SENTENCE_BREAK.findall(text)),
    }
    if "title" in gold:
        row["title"] = fold(pred.get("title")) == fold(gold["title"])
    if "byline" in gold:
        row["byline"] = fold(pred.get("byline")) == fold(gold["byline"])
    if "date" in gold or "date_any_of" in gold:
        row["date"] = (pred.get("date") or None) in gold.get("date_any_of", [gold.get("date")])
    gold_credits = [fold(i.get("credit")) for i in gold.get("images", []) if i.get("credit")]
    if gold_credits:
        got = {fold(i.get("credit")) for i in (pred.get("images") or []) if isinstance(i, dict)}
        row["credits"] = sum(c in got for c in gold_credits) / len(gold_credits)
    if gold.get("pii_never_in_output"):
        blob = json.dumps(pred, ensure_ascii=False)
        row["pii"] = sum(s in blob for s in gold["pii_never_in_output"])
    return row


def score(gold: dict[str, dict], predictions: dict[str, dict]) -> tuple[list[dict], dict]:
    rows = [score_document(key, g, predictions.get(key_of(key), {})) for key, g in sorted(gold.items())]
    ps = [r["P"] for r in rows if r["tp_fp_fn"][0] + r["tp_fp_fn"][1] > 0]
    rs = [r["R"] for r in rows if r["tp_fp_fn"][0] + r["tp_fp_fn"][2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    summary = {
        "docs": len(rows),
        "found": sum(row["found"] for row in rows),
        "F1": f1(p, r),
        "P": p,
        "R": r,
        "acc": statistics.mean(row["acc"] for row in rows) if rows else 0.0,
        "breaks": sum(row["breaks"] for row in rows),
    }
    for field in METADATA_FIELDS:
        values = [row[field] for row in rows if field in row]
        if values:
            summary[field] = sum(values) if field == "pii" else statistics.mean(values)
    return rows, summary


def format_summary(summary: dict) -> str:
    return " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in summary.items())


def format_row(row: dict) -> str:
    extra = " ".join(f"{k}={row[k]}" for k in ("title", "date", "byline", "credits", "pii", "breaks") if k in row)
    return f"{row['id'][:40]:40} F1={f1(row['P'], row['R']):.3f} P={row['P']:.3f} R={row['R']:.3f} {extra}"
