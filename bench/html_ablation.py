"""What each mechanism of the HTML path is worth: quality and speed, one mechanism off at a time.

    .venv/bin/python bench/html_ablation.py [--shared /work/shared] [--repeat 3] [--workers 4] [--no-sites]

Corpora (read-only): `dev/html` (61 real pages, gold in dev/gold.json) and, as a check that a
mechanism generalises beyond those pages, the HTML of `dev/sites` (each site's template wrapped
around articles from other pages; gold in dev/sites/gold.json).

Rows: trafilatura alone (`trafilatura.extract(html, include_comments=False)`, the reference),
our whole HTML path with every mechanism (`all`), `all` with one mechanism off, and `none` (every
mechanism off). Quality is the reference scorer's body F1 and token-exact share (acc). Speed is
measured on dev/html in the same run for every row, in one process, as CPU time: each page is
timed --repeat times for every row, rows interleaved page by page, and the page's fastest time
counts; each page starts from the decoded HTML string (decoding is the same for both sides). The
speed ratio is trafilatura's time over the row's time: >= 1.0 means the row is at least as fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import trafilatura

from cleaner import text
from cleaner.document import Document
from cleaner.evaluate import f1, score_document
from cleaner.html_settings import DEFAULT_OPTIONS, HtmlOptions
from cleaner.pipeline import clean_html
from cleaner.readers import decode
from cleaner.rules import load_rules

Page = tuple[str, str, str | None]  # key, decoded HTML, URL


def load_corpus(pages: list[tuple[str, Path]]) -> list[Page]:
    """Decode every page once, so that neither timed side pays for decoding."""
    corpus = []
    for key, path in pages:
        decoded = decode(gzip.decompress(path.read_bytes()))
        corpus.append((key, decoded.text, decoded.url))
    return corpus


def dev_pages(shared: Path) -> tuple[list[Page], dict]:
    gold = json.loads((shared / "dev/gold.json").read_text(encoding="utf-8"))
    pages = [(key, shared / "dev/html" / f"{key}.html.gz") for key in sorted(gold)]
    return load_corpus([(k, p) for k, p in pages if p.exists()]), gold


def sites_pages(shared: Path) -> tuple[list[Page], dict]:
    gold = json.loads((shared / "dev/sites/gold.json").read_text(encoding="utf-8"))
    pages = [(key, shared / "dev/sites" / f"{key}.html.gz") for key in sorted(gold)]
    return load_corpus([(k, p) for k, p in pages if p.exists()]), gold


def ours(options: HtmlOptions, rule_files) -> Callable[[str, str | None], str]:
    def run(html: str, url: str | None) -> str:
        doc = Document(id="-", url=url, raw=html)
        clean_html(doc, rule_files, options)
        return "\n\n".join(text.paragraphs(doc))

    return run


def trafilatura_alone(html: str, url: str | None) -> str:
    return trafilatura.extract(html, include_comments=False) or ""


def configurations() -> list[tuple[str, HtmlOptions | None]]:
    """(row name, options); None is trafilatura alone."""
    switches = [field.name for field in dataclasses.fields(HtmlOptions)]
    rows: list[tuple[str, HtmlOptions | None]] = [("trafilatura alone", None), ("all", DEFAULT_OPTIONS)]
    rows += [(f"all without {name}", dataclasses.replace(DEFAULT_OPTIONS, **{name: False})) for name in switches]
    rows.append(("none", HtmlOptions(**dict.fromkeys(switches, False))))
    return rows


_WORKER_RULES: list = []


def _clean_one(job: tuple[HtmlOptions | None, str, str | None]) -> str:
    """One page in a worker process (rules loaded once per worker)."""
    options, html, url = job
    if options is None:
        return trafilatura_alone(html, url)
    if not _WORKER_RULES:
        _WORKER_RULES.extend(load_rules([], include_defaults=True))
    return ours(options, _WORKER_RULES)(html, url)


def quality(
    pool: ProcessPoolExecutor, options: HtmlOptions | None, corpus: list[Page], gold: dict
) -> tuple[float, float]:
    """Body F1 and token-exact share, as the reference scorer computes them."""
    texts = pool.map(_clean_one, [(options, html, url) for _key, html, url in corpus], chunksize=4)
    pairs = zip(corpus, texts, strict=True)
    rows = [score_document(key, gold[key], {"text": body}) for (key, _html, _url), body in pairs]
    precision = statistics.mean(row["P"] for row in rows)
    recall = statistics.mean(row["R"] for row in rows)
    return f1(precision, recall), statistics.mean(row["acc"] for row in rows)


def speeds(runs: list[Callable[[str, str | None], str]], corpus: list[Page], repeat: int) -> list[float]:
    """CPU seconds over the corpus for each run, in this process.

    Every page is timed `repeat` times for every run, the runs one after the other on the same
    page, and a page's time is its fastest: a load spike from other processes then costs one
    sample of one page, not a configuration's whole pass. CPU time, not wall time, for the same
    reason. The sum over pages is the run's time. The runs go in reverse order every other time:
    a run that follows another on the same page finds the page warm in the caches, and no run
    should always be the one that does (the reference, listed first, always was).
    """
    best = [[float("inf")] * len(corpus) for _ in runs]
    for repetition in range(repeat):
        order = list(enumerate(runs))[:: -1 if repetition % 2 else 1]
        for page, (_key, html, url) in enumerate(corpus):
            for index, run in order:
                start = time.process_time()
                run(html, url)
                best[index][page] = min(best[index][page], time.process_time() - start)
    return [sum(times) for times in best]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("/work/shared"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4, help="processes for the quality runs (speed: one)")
    parser.add_argument("--no-sites", action="store_true", help="skip the dev/sites quality check")
    args = parser.parse_args()
    rule_files = load_rules([], include_defaults=True)
    dev, dev_gold = dev_pages(args.shared)
    sites, sites_gold = ([], {}) if args.no_sites else sites_pages(args.shared)
    rows = configurations()
    scores = []
    with ProcessPoolExecutor(args.workers) as pool:
        for name, options in rows:
            print(f"quality: {name}", file=sys.stderr, flush=True)
            dev_scores = quality(pool, options, dev, dev_gold)
            sites_scores = quality(pool, options, sites, sites_gold) if sites else (float("nan"),) * 2
            scores.append((*dev_scores, *sites_scores))
    print("speed", file=sys.stderr, flush=True)
    runs = [trafilatura_alone if options is None else ours(options, rule_files) for _name, options in rows]
    timings = speeds(runs, dev, args.repeat)
    results = [(name, *score, elapsed) for (name, _o), score, elapsed in zip(rows, scores, timings, strict=True)]
    reference = results[0][5]
    print(f"dev/html: {len(dev)} pages; dev/sites: {len(sites)} pages; CPU time: per-page best of {args.repeat}")
    print("| configuration | dev F1 | dev acc | sites F1 | sites acc | CPU s (dev) | speed ratio vs trafilatura |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, dev_f1, dev_acc, sites_f1, sites_acc, elapsed in results:
        print(
            f"| {name} | {dev_f1:.3f} | {dev_acc:.3f} | {sites_f1:.3f} | {sites_acc:.3f} "
            f"| {elapsed:.2f} | {reference / elapsed:.2f} |"
        )


if __name__ == "__main__":
    main()
