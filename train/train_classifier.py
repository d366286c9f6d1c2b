"""Train the generic text classifier: `make train` writes cleaner/models/text_classifier.json.

Recipe (see train/dataset.py for the pages, the line labels and the held-out rule):
1. features of every line of every training page (cleaner.text_features.page_features);
2. stage 1: logistic regression on those features, lines weighted by log length (long lines carry
   most of the score's shingles), then TREES["stage1"] depth-TREE_DEPTH regression trees boosted on
   its residual (Newton steps on the logistic loss, shrunk by TREE_RATE: see boost);
3. stage-1 scores for the training pages themselves come from a 4-fold split by site template
   (out-of-fold), so that stage 2 learns from scores like those it will see on new pages;
4. stage 2: logistic regression on the features plus the stage-1 scores around each line
   (cleaner.text_features.second_stage_features);
5. the standardisation is folded into the coefficients; the JSON holds plain weights.

The context step's settings in cleaner/classify.py (REGION_BIAS, TRIM_MAX_LINES) and any change
to this recipe are chosen by cross-validation by site on the training pages: train/cross_validate.py.

Everything is deterministic (sorted inputs, lbfgs, trees with a fixed random_state). The held-out sites and their
articles never enter training; their F1 is printed at the end, next to the training pages' F1.

Usage: python -m train.train_classifier [--out cleaner/models/text_classifier.json] [--data /work/shared/dev]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

from cleaner import classify
from cleaner.document import Line
from cleaner.evaluate import f1, precision, recall, tp_fp_fn
from cleaner.text_features import FEATURES, SECOND_STAGE_FEATURES, page_features, second_stage_features
from train.dataset import HOLDOUT_BUCKET, HOLDOUT_BUCKETS, SHARED, Page, clean_copies, load_pages

OUT = Path(__file__).resolve().parent.parent / "cleaner" / "models" / "text_classifier.json"
STAGE1_FOLDS = 4  # folds (by site template) for the out-of-fold stage-1 scores
REGULARISATION_C = 1.0  # inverse L2 strength of both logistic regressions
MAX_ITER = 3000
# Trees on stage 1 (30 at rate 0.3) beat none in site-CV (dev 0.877 -> 0.886, site pages 0.942 -> 0.957);
# 15 at rate 0.5 gave dev 0.880 and 30 on stage 2 instead gave dev 0.867. Each tree costs classify time.
TREES = {"stage1": 30, "stage2": 0}  # boosted trees fitted on each stage's logistic residual (0: none)
TREE_DEPTH = 3
TREE_RATE = 0.3  # shrinkage of each tree's Newton step
TREE_MIN_LEAF = 200  # lines
NEVER = 1e300  # the threshold of a padding node: every value goes left (JSON has no infinity)


def featurise(pages: list[Page]) -> list[np.ndarray]:
    return [page_features([line.text for line in p.lines], [line.blank_before for line in p.lines])[0] for p in pages]


def fit(features: list[np.ndarray], labels: list[np.ndarray]) -> tuple[StandardScaler, LogisticRegression]:
    x = np.vstack(features)
    y = np.concatenate(labels)
    weight = x[:, FEATURES.index("log_chars")]
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=REGULARISATION_C, max_iter=MAX_ITER).fit(scaler.transform(x), y, sample_weight=weight)
    return scaler, model


def folded(scaler: StandardScaler, model: LogisticRegression) -> dict:
    """Weights on raw features: w / scale, bias - sum(w * mean / scale)."""
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    weights = model.coef_[0] / scale
    bias = float(model.intercept_[0] - np.sum(model.coef_[0] * scaler.mean_ / scale))
    return {"weights": [round(float(w), 8) for w in weights], "bias": round(bias, 8)}


def boost(x: np.ndarray, y: np.ndarray, weight: np.ndarray, z: np.ndarray, count: int) -> dict:
    """Trees fitted one after another on the logistic loss's gradient, starting from log-odds z.

    Each tree splits on the gradient (squared error); its leaves then take a Newton step,
    sum(w g) / sum(w h), shrunk by TREE_RATE. Trees are padded to complete depth-TREE_DEPTH trees
    (a leaf higher up repeats its value below, its node compares to +inf) for classify.Trees.
    """
    inner, leaves = 2**TREE_DEPTH - 1, 2**TREE_DEPTH
    features = np.zeros((count, inner), dtype=np.int64)
    thresholds = np.full((count, inner), np.inf)
    values = np.zeros((count, leaves))
    z = z.copy()
    for t in range(count):
        p = 1.0 / (1.0 + np.exp(-z))
        gradient, hessian = y - p, np.maximum(p * (1 - p), 1e-6)
        tree = DecisionTreeRegressor(max_depth=TREE_DEPTH, min_samples_leaf=TREE_MIN_LEAF, random_state=0)
        tree.fit(x, gradient, sample_weight=weight)
        at = tree.apply(x)
        step = {
            node: TREE_RATE * (weight * gradient)[at == node].sum() / (weight * hessian)[at == node].sum()
            for node in np.unique(at)
        }
        z += np.array([step.get(node, 0.0) for node in range(tree.tree_.node_count)])[at]
        _pad(tree.tree_, step, features[t], thresholds[t], values[t])
    return {
        "depth": TREE_DEPTH,
        "feature": features.tolist(),
        # Exact (JSON keeps a float's every digit): a rounded threshold could move a split past a line's value.
        "threshold": [[float(v) if np.isfinite(v) else NEVER for v in row] for row in thresholds],
        "leaf": [[round(float(v), 8) for v in row] for row in values],
    }


def _pad(tree, step: dict, feature: np.ndarray, threshold: np.ndarray, leaf: np.ndarray) -> None:
    """Write sklearn tree nodes into the complete layout (node k: children 2k+1, 2k+2)."""
    inner = len(feature)
    todo = [(0, 0)]  # (sklearn node, complete-layout node)
    while todo:
        node, slot = todo.pop()
        if slot >= inner:
            leaf[slot - inner] = step.get(node, 0.0)
        elif tree.children_left[node] == -1:  # a leaf above the last level: both sides carry its value
            todo += [(node, 2 * slot + 1), (node, 2 * slot + 2)]
        else:
            feature[slot], threshold[slot] = tree.feature[node], tree.threshold[node]
            todo += [(tree.children_left[node], 2 * slot + 1), (tree.children_right[node], 2 * slot + 2)]


def fit_stage(features: list[np.ndarray], labels: list[np.ndarray], trees: int) -> dict:
    """A stage as classify.Stage reads it: folded logistic weights plus trees on its residual."""
    scaler, model = fit(features, labels)
    stage = folded(scaler, model)
    if trees:
        x = np.vstack(features)
        z = x @ np.array(stage["weights"]) + stage["bias"]
        stage["trees"] = boost(x, np.concatenate(labels), x[:, FEATURES.index("log_chars")], z, trees)
    return stage


def train(pages: list[Page]) -> dict:
    """The model fitted on these pages (features computed here)."""
    return train_on(pages, featurise(pages))


def train_on(pages: list[Page], features: list[np.ndarray]) -> dict:
    """The model fitted on pages whose features are given (cross-validation computes them once)."""
    labels = [np.array(p.labels) for p in pages]
    sites = sorted({p.site for p in pages})
    fold = {site: number % STAGE1_FOLDS for number, site in enumerate(sites)}
    out_of_fold: list[np.ndarray | None] = [None] * len(pages)
    for k in range(STAGE1_FOLDS):
        inside = [i for i, p in enumerate(pages) if fold[p.site] != k]
        stage = fit_stage([features[i] for i in inside], [labels[i] for i in inside], TREES["stage1"])
        score = classify.Stage.from_dict(stage).score
        for i, p in enumerate(pages):
            if fold[p.site] == k:
                out_of_fold[i] = score(features[i])
    stage1 = fit_stage(features, labels, TREES["stage1"])
    log_chars = FEATURES.index("log_chars")
    second = [
        np.hstack((x, second_stage_features(z, x[:, log_chars]))) for x, z in zip(features, out_of_fold, strict=True)
    ]
    return {
        "features": list(FEATURES),
        "second_stage_features": list(SECOND_STAGE_FEATURES),
        "stage1": stage1,
        "stage2": fit_stage(second, labels, TREES["stage2"]),
    }


def evaluate(pages: list[Page], model: dict) -> tuple[float, float, float]:
    """Page-averaged P and R (the reference scorer's body metric) of the runtime classifier."""
    ps, rs = [], []
    for page in pages:
        lines = [Line(text=line.text, blank_before=line.blank_before) for line in page.lines]
        classify.classify(lines, model=classify.Model.from_dict(model))
        counts = tp_fp_fn(page.gold, "\n\n".join(line.text for line in lines if line.keep))
        ps.append(precision(*counts))
        rs.append(recall(*counts))
    p, r = statistics.mean(ps), statistics.mean(rs)
    return f1(p, r), p, r


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--data", type=Path, default=SHARED)
    args = parser.parse_args(argv)
    pages = load_pages(args.data)
    training = [p for p in pages if not p.held_out]
    model = train(training + clean_copies(training))
    held_sites = sorted({p.site for p in pages if p.held_out and "/" not in p.key})
    model["recipe"] = {
        "pages": "dev/text/*.txt and dev/sites/*/page-K.txt, labels aligned to the gold bodies (train/dataset.py)",
        "held_out": f"md5(site folder) % {HOLDOUT_BUCKETS} == {HOLDOUT_BUCKET}, with their articles",
        "held_out_sites": held_sites,
        "training_pages": len(training),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    for name, subset in (
        ("held-out dev pages", [p for p in pages if p.held_out and "/" not in p.key]),
        ("held-out site pages", [p for p in pages if p.held_out and "/" in p.key]),
        ("training dev pages", [p for p in training if "/" not in p.key]),
        ("held-out clean copies", clean_copies([p for p in pages if p.held_out])),
    ):
        score = evaluate(subset, model)
        print(f"{name:22} n={len(subset):3} F1={score[0]:.3f} P={score[1]:.3f} R={score[2]:.3f}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
