"""Benchmarks of `cleaner learn` (issue 3): quality on unseen pages, the syndication guard, speed.

    .venv/bin/python bench/learn_bench.py [--shared /work/shared] [--only NAME ...] [--pages 10000]

Prints, for the multi-page dev sites (learn from pages 1-4, clean pages 5-8, see
shared/dev/sites/README.md): body F1 with and without learned rules, sites made worse, and the
precision of the drops made by learned rules (share of dropped lines not in the gold body; a
dropped line counts as gold only while the page keeps fewer lines of its text than the gold body
holds), both with one rule folder per site and with every site's pages mixed in one flat folder
under opaque names; the seeds learned from and cleaned with their own rules; learning 10,000 generated text
pages (time and peak memory); learned XPath rules on the sites' HTML pages against trafilatura
alone. Parts whose data is missing are skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import xxhash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from cleaner.evaluate import f1, load_predictions, precision, recall, score, tp_fp_fn  # noqa: E402
from cleaner.learn import learn  # noqa: E402
from cleaner.learn_write import write_rules  # noqa: E402
from cleaner.pipeline import Cleaner  # noqa: E402
from cleaner.rules import normalize_line  # noqa: E402

LEARN_PAGES = range(1, 5)
UNSEEN_PAGES = range(5, 9)
TARGET_F1 = 0.97
TARGET_DROP_PRECISION = 0.995
TARGET_SEED_F1 = 0.98
SPEED_PAGES = 10_000
SPEED_LIMIT_SECONDS = 60


class Tally:
    """Per-page precision and recall, per-site F1 and the learned drops, for one way of cleaning."""

    def __init__(self) -> None:
        self.precisions: list[float] = []
        self.recalls: list[float] = []
        self.sites: dict[str, list[float]] = {}
        self.learned_drops = 0
        self.learned_drops_in_gold = 0

    def add(self, site: str, gold: str, doc, learned_ids: set[str]) -> None:
        counts = tp_fp_fn(gold, doc.text)
        p, r = precision(*counts), recall(*counts)
        self.precisions.append(p)
        self.recalls.append(r)
        self.sites.setdefault(site, []).append(f1(p, r))
        # A dropped line is a gold line lost only when the page keeps fewer lines of its text than the
        # gold body holds: a menu item "• Staff" dropped below an article that keeps its "STAFF"
        # heading (the same normalised text) costs the body nothing.
        missing = Counter(normalize_line(line) for line in gold.split("\n") if line.strip())
        missing.subtract(normalize_line(line.text) for line in doc.lines if line.keep)
        for line in doc.lines:
            if not line.keep and line.reason in learned_ids:
                self.learned_drops += 1
                key = normalize_line(line.text)
                if missing[key] > 0:
                    missing[key] -= 1
                    self.learned_drops_in_gold += 1

    @property
    def f1(self) -> float:
        return f1(statistics.mean(self.precisions), statistics.mean(self.recalls)) if self.precisions else 0.0

    def site_f1(self) -> dict[str, float]:
        return {site: statistics.mean(values) for site, values in self.sites.items()}

    @property
    def drop_precision(self) -> float:
        return 1 - self.learned_drops_in_gold / self.learned_drops if self.learned_drops else 1.0


def learned_rule_ids(cleaner: Cleaner) -> set[str]:
    return {rule.id for file in cleaner.rule_files if file.source == "learned" for rule in file.rules}


def site_folders(sites_dir: Path) -> list[Path]:
    return sorted(p for p in sites_dir.iterdir() if p.is_dir())


def learn_into(inputs: list[Path], folder: Path) -> None:
    result = learn(inputs)
    write_rules(result.sites, folder)


def bench_sites(sites_dir: Path, work: Path, suffix: str) -> None:
    """Per site: learn from pages 1-4 into the site's own folder, clean pages 5-8."""
    gold = json.loads((sites_dir / "gold.json").read_text(encoding="utf-8"))
    baseline, learned = Tally(), Tally()
    plain = Cleaner()
    started = time.perf_counter()
    for folder in site_folders(sites_dir):
        unseen = [folder / f"page-{k}{suffix}" for k in UNSEEN_PAGES]
        if not all(p.exists() for p in unseen):
            continue
        rules = work / folder.name
        learn_into([folder / f"page-{k}{suffix}" for k in LEARN_PAGES], rules)
        cleaner = Cleaner(extra_rules_dirs=[rules])
        ids = learned_rule_ids(cleaner)
        for k, page in zip(UNSEEN_PAGES, unseen, strict=True):
            body = gold[f"{folder.name}/page-{k}"]["articleBody"]
            data = page.read_bytes() if suffix == ".txt" else _gunzip(page)
            baseline.add(folder.name, body, plain.clean(data, id=page.name), set())
            learned.add(folder.name, body, cleaner.clean(data, id=page.name), ids)
    label = "text dumps" if suffix == ".txt" else "HTML pages"
    _report_sites(f"dev sites, {label}, one rule folder per site", baseline, learned, time.perf_counter() - started)


def bench_flat(sites_dir: Path, work: Path) -> None:
    """All sites' pages 1-4 in one flat folder under opaque names: learn finds the sites by template."""
    gold = json.loads((sites_dir / "gold.json").read_text(encoding="utf-8"))
    flat = work / "flat"
    flat.mkdir(parents=True)
    site_of_page: dict[str, str] = {}
    for folder in site_folders(sites_dir):
        for k in LEARN_PAGES:
            page = folder / f"page-{k}.txt"
            if page.exists():
                opaque = xxhash.xxh64_hexdigest(f"{folder.name}/{k}".encode()) + ".txt"
                shutil.copyfile(page, flat / opaque)
                site_of_page[opaque] = folder.name
    started = time.perf_counter()
    result = learn([flat])
    write_rules(result.sites, work / "flat-rules")
    learn_seconds = time.perf_counter() - started
    sites = sum(1 for s in result.sites if s.template == "site")
    print(f"  flat folder: {result.pages} pages -> {sites} site files (+family: {len(result.sites) - sites})")
    # The site each file was learned from (sites of one domain may share a template, hence a file).
    domain_of_file = {
        site.file_id: _domain(site_of_page[site.sample.id]) for site in result.sites if site.template == "site"
    }
    cleaner, plain = Cleaner(extra_rules_dirs=[work / "flat-rules"]), Cleaner()
    ids = learned_rule_ids(cleaner)
    baseline, learned = Tally(), Tally()
    recognised = wrong = total = 0
    for folder in site_folders(sites_dir):
        for k in UNSEEN_PAGES:
            data = (folder / f"page-{k}.txt").read_bytes()
            body = gold[f"{folder.name}/page-{k}"]["articleBody"]
            baseline.add(folder.name, body, plain.clean(data), set())
            doc = cleaner.clean(data)
            learned.add(folder.name, body, doc, ids)
            total += 1
            matched = [family for family in doc.families if family in domain_of_file]
            recognised += bool(matched)
            wrong += any(domain_of_file[family] != _domain(folder.name) for family in matched)
    print(f"  unseen pages recognised as a learned site: {recognised} of {total} ({wrong} as the wrong site)")
    _report_sites("dev sites, text dumps, ONE FLAT FOLDER (sites found by template)", baseline, learned, learn_seconds)


def _domain(site_folder: str) -> str:
    """The domain part of a dev site folder name ("cnn.com-d605bd" -> "cnn.com")."""
    return site_folder.rsplit("-", 1)[0]


def _report_sites(title: str, baseline: Tally, learned: Tally, seconds: float) -> None:
    before, after = baseline.site_f1(), learned.site_f1()
    worse = sorted((after[s] - before[s], s) for s in before if after[s] < before[s] - 1e-9)
    print(f"\n== {title} ({seconds:.1f} s)")
    print(
        f"  body F1 pages 5-8: without learned rules {baseline.f1:.3f} -> with {learned.f1:.3f}  (target {TARGET_F1})"
    )
    print(
        f"  learned drop precision {learned.drop_precision:.4f} "
        f"({learned.learned_drops_in_gold} of {learned.learned_drops} dropped lines in gold; "
        f"target {TARGET_DROP_PRECISION})"
    )
    print(f"  sites worse than without learned rules: {len(worse)} of {len(before)}")
    for delta, site in worse[:10]:
        print(f"    {site}: {before[site]:.3f} -> {after[site]:.3f} ({delta:+.3f})")


def bench_seeds(seeds: Path, work: Path) -> None:
    """Learn from the seeds themselves and clean them: the syndicated story must not be learned."""
    rules = work / "seed-rules"
    result = learn([seeds])
    write_rules(result.sites, rules)
    out = work / "seeds.jsonl"
    cleaner = Cleaner(extra_rules_dirs=[rules])
    with out.open("w", encoding="utf-8") as stream:
        for page in sorted(seeds.glob("*.txt")):
            stream.write(json.dumps(cleaner.clean(page.read_bytes(), id=page.name).as_record()) + "\n")
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    rows, summary = score(gold, load_predictions(out))
    print(f"\n== seeds: learned {len(result.sites)} rule files from {result.pages} pages")
    for row in rows:
        value = f1(row["P"], row["R"])
        print(f"  {row['id'][:30]:30} F1={value:.3f} {'ok' if value >= TARGET_SEED_F1 else 'BELOW TARGET'}")
    print(f"  overall F1={summary['F1']:.3f}")


def bench_speed(work: Path, pages: int) -> None:
    """Learning a generated crawl of `pages` text pages in a child process: wall time and peak memory."""
    from sitegen import write_crawl

    crawl = work / "speed"
    sites = max(1, pages // 100)
    write_crawl(crawl, sites=sites, pages_per_site=pages // sites, seed=7)
    command = [str(ROOT / ".venv/bin/cleaner"), "learn", str(crawl), "--rules", str(work / "speed-rules"), "-q"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the (single-process) learn run: what "on one core" means on a shared, busy machine.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak_mib = after.ru_maxrss / 1024
    files = len(list((work / "speed-rules").glob("*.toml")))
    verdict = "ok" if cpu <= SPEED_LIMIT_SECONDS else "TOO SLOW"
    print(f"\n== speed: learn {pages} text pages ({sites} sites, one process)")
    print(f"  CPU {cpu:.1f} s (wall {seconds:.1f} s), peak RSS {peak_mib:.0f} MiB, {files} rule files written")
    print(f"  limit {SPEED_LIMIT_SECONDS} CPU s on one core: {verdict}")


def _gunzip(path: Path) -> bytes:
    import gzip

    return gzip.decompress(path.read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--only", nargs="*", default=["sites", "flat", "seeds", "speed", "html"])
    parser.add_argument("--pages", type=int, default=SPEED_PAGES, help="pages for the speed benchmark")
    args = parser.parse_args()
    sites_dir, seeds = args.shared / "dev" / "sites", args.shared / "seeds"
    with tempfile.TemporaryDirectory(prefix="learn-bench-") as tmp:
        work = Path(tmp)
        for name in args.only:
            needs = {"sites": sites_dir, "flat": sites_dir, "html": sites_dir, "seeds": seeds}.get(name)
            if needs is not None and not needs.is_dir():
                print(f"\n== {name}: skipped ({needs} not found)")
                continue
            if name == "sites":
                bench_sites(sites_dir, work / "sites", ".txt")
            elif name == "flat":
                bench_flat(sites_dir, work / "flat")
            elif name == "seeds":
                bench_seeds(seeds, work)
            elif name == "speed":
                bench_speed(work, args.pages)
            elif name == "html":
                bench_sites(sites_dir, work / "html", ".html.gz")


if __name__ == "__main__":
    main()
