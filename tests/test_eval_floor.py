"""Eval floor on a small sample of real dev pages (tests/data/dev_sample): quality must not regress.

The sample is 13 text dumps and 6 gzipped HTML pages from shared/dev, chosen mechanically from the
sorted gold keys (text: every 5th key from the first; HTML: every 10th from the sixth), with their
gold bodies in gold.json (see its README). Text gets the bigger sample because per-page text F1
ranges from 0.1 to 1.0: with 6 pages one page moved the mean by 0.05. The floors are the F1 that
the foundation (commit 7388ec8, issue 2) scores on this sample, minus 0.03, rounded down:

    text: F1 = 0.850 (dev text overall 0.871)  -> floor 0.82
    html: F1 = 0.966 (dev HTML overall 0.962)  -> floor 0.93

Raise the floors when quality improves; never lower them to make a change pass.
"""

from __future__ import annotations

import json

import pytest

from cleaner.evaluate import key_of, score
from cleaner.readers import iter_sources

TEXT_F1_FLOOR = 0.82
HTML_F1_FLOOR = 0.93
SAMPLE_SIZES = {"text": 13, "html": 6}


@pytest.fixture(scope="module")
def gold(data_dir) -> dict[str, dict]:
    return json.loads((data_dir / "dev_sample" / "gold.json").read_text(encoding="utf-8"))


def sample_summary(cleaner, folder, gold: dict[str, dict]) -> dict:
    predictions = {key_of(s.id): cleaner.clean_source(s).as_record() for s in iter_sources([folder])}
    assert len(predictions) == SAMPLE_SIZES[folder.name]
    assert all(record["error"] is None for record in predictions.values())
    _rows, summary = score({key: gold[key] for key in predictions}, predictions)
    return summary


@pytest.mark.parametrize(("kind", "floor"), [("text", TEXT_F1_FLOOR), ("html", HTML_F1_FLOOR)])
def test_dev_sample_f1_stays_above_its_floor(shipped_cleaner, data_dir, gold, kind, floor):
    summary = sample_summary(shipped_cleaner, data_dir / "dev_sample" / kind, gold)
    assert summary["found"] == SAMPLE_SIZES[kind]
    assert summary["F1"] >= floor, summary
