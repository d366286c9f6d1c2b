"""Cross-validation by site on the training pages: how the classifier's settings are chosen.

The training pages (never the held-out ones, see train/dataset.py) are split into FOLDS by site
template; each fold's model is trained by the shipped recipe (train.train_classifier.train_on) on the
other folds' pages, minus every page that carries an article of the fold's sites, and scored on the
fold's pages with the runtime classifier under each setting of the grid. Dev pages and site pages
are reported apart: the dev pages are the target, the many site pages a steadier second opinion.

Usage: python -m train.cross_validate [--data /work/shared/dev] [--bias 0.5,1.0,1.5] [--trim 1,2,1000]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from cleaner import classify
from cleaner.document import Line
from cleaner.evaluate import f1, precision, recall, tp_fp_fn
from train.dataset import SHARED, Page, clean_copies, load_pages
from train.train_classifier import featurise, train_on

FOLDS = 5  # folds by site template


@contextmanager
def settings(bias: float, trim: int) -> Iterator[None]:
    """The context step's REGION_BIAS and TRIM_MAX_LINES set for a while (module constants at run time)."""
    saved = classify.REGION_BIAS, classify.TRIM_MAX_LINES
    classify.REGION_BIAS, classify.TRIM_MAX_LINES = bias, trim
    try:
        yield
    finally:
        classify.REGION_BIAS, classify.TRIM_MAX_LINES = saved


def page_scores(page: Page, model: classify.Model) -> tuple[float, float]:
    """The runtime classifier's body precision and recall on one page."""
    lines = [Line(text=line.text, blank_before=line.blank_before) for line in page.lines]
    classify.classify(lines, model=model)
    counts = tp_fp_fn(page.gold, "\n\n".join(line.text for line in lines if line.keep))
    return precision(*counts), recall(*counts)


def page_f1(scores: list[tuple[float, float]]) -> float:
    """The reference scorer's figure: F1 of the page-averaged precision and recall."""
    return f1(statistics.mean(p for p, _ in scores), statistics.mean(r for _, r in scores))


def cross_validate(pages: list[Page], grid: list[tuple[float, int]]) -> dict[tuple[float, int], dict[str, list]]:
    """Per setting, the (P, R) of every training page, "dev" and "site" pages apart, from models that never saw it."""
    everything = pages + clean_copies(pages)
    features = featurise(everything)
    sites = sorted({p.site for p in pages})
    fold = {site: number % FOLDS for number, site in enumerate(sites)}
    found: dict[tuple[float, int], dict[str, list]] = {setting: {"dev": [], "site": []} for setting in grid}
    for k in range(FOLDS):
        held = {site for site in sites if fold[site] == k}
        inside = [i for i, p in enumerate(everything) if p.site not in held and p.article not in held]
        model = classify.Model.from_dict(train_on([everything[i] for i in inside], [features[i] for i in inside]))
        held_pages = [p for p in pages if p.site in held]
        for setting in grid:
            with settings(*setting):
                for page in held_pages:
                    found[setting]["site" if "/" in page.key else "dev"].append(page_scores(page, model))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--bias", default=str(classify.REGION_BIAS), help="REGION_BIAS values, comma-separated")
    parser.add_argument("--trim", default=str(classify.TRIM_MAX_LINES), help="TRIM_MAX_LINES values, comma-separated")
    args = parser.parse_args(argv)
    training = [p for p in load_pages(args.data) if not p.held_out]
    grid = list(itertools.product(map(float, args.bias.split(",")), map(int, args.trim.split(","))))
    for (bias, trim), found in cross_validate(training, grid).items():
        dev, site = page_f1(found["dev"]), page_f1(found["site"])
        print(
            f"bias={bias:.2f} trim={trim:5} CV F1 dev={dev:.4f} (n={len(found['dev'])}) site={site:.4f} "
            f"(n={len(found['site'])}) mean={np.mean([dev, site]):.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
