"""`make bench`: speed, memory and quality of `cleaner clean`, written to bench/results.md.

    .venv/bin/python bench/run.py [--shared ../shared] [--repeat 30] [--text-repeat 400] [--trials 3]
                                  [--rss-mb 1024] [--out FILE]

What it measures, on a crawl built from shared/dev (its pages repeated `--repeat` times so that
start-up does not dominate; synthetic pages when shared/ is absent):
- the command's start-up (one page), then text mode and HTML mode through the real command, 1 and 2
  workers: pages/s and MB/s of input; per worker, MB per CPU-second of the worker process (the
  whole command's MB per CPU-second, start-up, listing and writing included, beside it); the runs
  come in pairs (1 worker, then 2), the speed-up is the median pair's (Scaling), and before each
  pair the host's ceiling is checked (HostCeiling: what two cores give two cleaning processes at the
  moment, against one);
- HTML extraction speed against trafilatura alone (`trafilatura.extract(html, include_comments=False)`)
  on the same pages, in this process, one core each, so both sides pay the same for nothing else;
- peak memory of the whole process tree (command, fork server and workers, sampled) on a
  generated WARC crawl of `--rss-mb` MB (default 1024, the done-when bar's size; a smaller crawl
  makes a quicker run; the size used is in the table), as PSS: a page the workers share with the
  fork server they were forked from counts once (the plain sum of RSS, which counts it in each
  process, is printed beside it). Only that run samples memory: reading PSS costs the sampler
  CPU that a 2-worker run on 2 cores would lose (see TreeSampler);
- learn (cleaner.learn, when it exists) on the dev sites' pages: pages/s and MB/s;
- body quality (F1, exact pages) on dev HTML and dev text, when shared/dev exists.
Timings are wall-clock on a machine that may be busy: the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.evaluate import load_predictions, score  # noqa: E402
from cleaner.pipeline import Cleaner  # noqa: E402

CLEANER = [sys.executable, "-c", "from cleaner.cli import main; main()"]
# The done-when bars of issue 7.
BAR_SPEEDUP_2_WORKERS = 1.8
BAR_HTML_RATIO = 1.0
BAR_TEXT_MB_S_PER_WORKER = 10.0
BAR_PEAK_RSS_MB = 500
BAR_RSS_CRAWL_MB = 1024
# How often the process tree's CPU time (and memory) is sampled: often enough to see a worker's peak.
SAMPLE_SECONDS = 0.05
# How often the tree's processes are listed (a worker replaced mid-run is found by the next listing):
# at every sample while the run is young (the workers start), then every LIST_PROCESSES_SECONDS.
LIST_ALWAYS_SECONDS = 3.0
LIST_PROCESSES_SECONDS = 0.5
# The host check made before each pair of 1- and 2-worker runs: one process cleaning the same pages
# for about this long, alone and as one of two at once, in turns (see HostCeiling).
CEILING_SECONDS = 0.75
SYNTHETIC_PAGES = 60
SEED = 7
SYNTHETIC_WORDS = (
    "council harbour voted build wall quay flooding engineers meeting tides residents work the a of to and"
)


@dataclass
class Corpus:
    """The pages a benchmark crawl is built from: (name, bytes) for text and for HTML."""

    text: list[tuple[str, bytes]]
    html: list[tuple[str, bytes]]
    origin: str


@dataclass
class Timing:
    pages: int
    mb: float
    seconds: float
    peak_tree_mb: float = 0.0  # peak PSS of all processes: each shared page counted once, split among its sharers
    peak_rss_sum_mb: float = 0.0  # peak of the processes' RSS added up (pages shared by fork counted in each)
    peak_process_mb: float = 0.0  # peak RSS of the largest process
    cpu_seconds: float = 0.0  # user + system time of the command and all its processes
    worker_cpu_seconds: float = 0.0  # ... of the worker processes alone (no parent, no fork server)
    errors: int = 0  # documents that failed: a run of failures is fast and says little about speed

    @property
    def mb_cpu_s(self) -> float:
        """MB per CPU-second of the whole command: start-up, listing and writing included."""
        return self.mb / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def mb_worker_cpu_s(self) -> float:
        """MB per CPU-second of the workers: a worker's own speed (its start included), the bar's figure."""
        return self.mb / self.worker_cpu_seconds if self.worker_cpu_seconds else 0.0

    @property
    def pages_s(self) -> float:
        return self.pages / self.seconds

    @property
    def mb_s(self) -> float:
        return self.mb / self.seconds


@dataclass
class Results:
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (what, figure, bar)
    notes: list[str] = field(default_factory=list)

    def add(self, what: str, figure: str, bar: str = "") -> None:
        self.rows.append((what, figure, bar))
        print(f"{what}: {figure} {bar}".rstrip(), flush=True)


def load_corpus(shared: Path) -> Corpus:
    dev = shared / "dev"
    if (dev / "text").is_dir() and (dev / "html").is_dir():
        text = [(p.name, p.read_bytes()) for p in sorted((dev / "text").glob("*.txt"))]
        html = [(p.name.removesuffix(".gz"), gzip.decompress(p.read_bytes())) for p in sorted(dev.glob("html/*.gz"))]
        return Corpus(text, html, f"{dev} ({len(text)} text, {len(html)} HTML pages)")
    return synthetic_corpus()


def synthetic_corpus() -> Corpus:
    """News-like pages from a seeded word list: menus and footers around paragraphs of prose."""
    rng = random.Random(SEED)
    words = SYNTHETIC_WORDS.split()
    text, html = [], []
    for number in range(SYNTHETIC_PAGES):
        paragraphs = [
            " ".join(rng.choice(words) for _ in range(rng.randint(25, 90))).capitalize() + "."
            for _ in range(rng.randint(4, 12))
        ]
        title = f"Story {number}: " + " ".join(rng.choice(words) for _ in range(6))
        text.append((f"p{number}.txt", "\n".join(["Home | News | Sport", title, *paragraphs, "Share this"]).encode()))
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        page = f"<html><head><title>{title}</title></head><body><nav>Home News</nav><article><h1>{title}</h1>"
        html.append((f"p{number}.html", (page + body + "</article><footer>Copyright</footer></body></html>").encode()))
    return Corpus(text, html, f"synthetic ({SYNTHETIC_PAGES} text and HTML pages, seed {SEED})")


def write_crawl(folder: Path, pages: list[tuple[str, bytes]], repeat: int) -> tuple[int, float]:
    """The pages `repeat` times over in numbered sub-folders: (pages, MB)."""
    total = 0
    for copy in range(repeat):
        sub = folder / f"r{copy:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        for name, data in pages:
            (sub / name).write_bytes(data)
            total += len(data)
    return len(pages) * repeat, total / 1e6


def write_warc(path: Path, pages: list[tuple[str, bytes]], target_mb: float) -> tuple[int, float]:
    """A WARC of HTTP responses cycling through the pages until it holds target_mb of pages."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    count, total, target = 0, 0, target_mb * 1e6
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        while total < target:
            name, data = pages[count % len(pages)]
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            url = f"https://bench.example.com/{count}/{name}"
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(data), http_headers=headers)
            )
            count, total = count + 1, total + len(data)
    return count, total / 1e6


@dataclass
class Measured:
    seconds: float
    pss_mb: float  # peak PSS of the process tree (0 unless memory was sampled)
    rss_sum_mb: float  # peak sum of RSS over the tree
    largest_mb: float  # peak RSS of one process
    cpu: float  # CPU seconds of the tree
    worker_cpu: float  # CPU seconds of the worker processes (children of the fork server)


class TreeSampler:
    """Samples the CPU time (and, when asked, the memory) of a command's whole process tree.

    getrusage would miss the workers, whose fork server the command never waits for. Memory is
    PSS summed over the tree (a page the fork server shares with the workers it forked counts
    once, split among them: the memory the run takes) beside the plain sum of RSS, which counts
    such pages in every process. Reading a process's PSS walks its page tables (some 12 ms of
    CPU per sample for a 2-worker run), which on a 2-core machine takes CPU from the workers: so
    the speed runs sample CPU times only (a few /proc reads) and list the tree's processes less
    often than they sample them. A process's last SAMPLE_SECONDS of CPU may go uncounted.
    """

    def __init__(self, process: psutil.Popen, memory: bool):
        self.process, self.memory = process, memory
        self.peaks = [0.0, 0.0, 0.0]  # PSS, RSS summed, largest RSS (MB)
        self.cpu_by_pid: dict[int, float] = {}
        self.workers: set[int] = set()
        self.known: dict[int, psutil.Process] = {}

    def run(self) -> None:
        started = listed = time.monotonic()
        while self.process.poll() is None:
            now = time.monotonic()
            if now - started < LIST_ALWAYS_SECONDS or now - listed >= LIST_PROCESSES_SECONDS:
                self._list()
                listed = now
            self._sample()
            time.sleep(SAMPLE_SECONDS)

    def _list(self) -> None:
        for proc in [self.process, *_children(self.process)]:
            if proc.pid not in self.known:
                self.known[proc.pid] = proc
                try:
                    parent = proc.parent()
                    if parent is not None and "forkserver" in " ".join(parent.cmdline()):
                        self.workers.add(proc.pid)
                except psutil.Error:
                    continue

    def _sample(self) -> None:
        pss = rss = largest = 0
        for pid, proc in list(self.known.items()):
            try:
                with proc.oneshot():
                    times = proc.cpu_times()
                    memory = proc.memory_full_info() if self.memory else None
            except psutil.Error:
                del self.known[pid]
                continue
            self.cpu_by_pid[pid] = times.user + times.system
            if memory is not None:
                pss, rss, largest = pss + memory.pss, rss + memory.rss, max(largest, memory.rss)
        mb = 2**20
        self.peaks[:] = max(self.peaks[0], pss / mb), max(self.peaks[1], rss / mb), max(self.peaks[2], largest / mb)


def run_measured(args: list[str], memory: bool = False) -> Measured:
    """Run a command, sampling the CPU time of its whole process tree, and its memory if `memory`."""
    started = time.perf_counter()
    process = psutil.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = TreeSampler(process, memory)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    thread.join()
    if process.returncode not in (0, 1):  # 1: every document failed, which the figures then say
        raise SystemExit(f"bench: {' '.join(args[3:])} failed ({process.returncode}): {stderr.decode()[-2000:]}")
    cpu = sampler.cpu_by_pid
    worker_cpu = sum(seconds for pid, seconds in cpu.items() if pid in sampler.workers)
    return Measured(seconds, *sampler.peaks, sum(cpu.values()), worker_cpu)


def _children(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def clean_cli(
    crawl: Path, out: Path, workers: int, pages: int, mb: float, trials: int = 1, memory: bool = False
) -> Timing:
    """The fastest of `trials` runs: other work on the machine only ever slows a run down."""
    best = None
    for _ in range(trials):
        run = run_measured([*CLEANER, "clean", str(crawl), "-o", str(out), "-q", "-w", str(workers)], memory)
        if best is None or run.seconds < best.seconds:
            best = Timing(pages, mb, run.seconds, run.pss_mb, run.rss_sum_mb, run.largest_mb, run.cpu, run.worker_cpu)
            best.errors = count_errors(out)
    return best


def count_errors(out: Path) -> int:
    with out.open(encoding="utf-8") as stream:
        return sum(json.loads(line)["error"] is not None for line in stream)


def _errors_note(timing: Timing) -> str:
    return f" ({timing.errors} of {timing.pages} pages failed)" if timing.errors else ""


def in_process_html(pages: list[tuple[str, bytes]], rounds: int = 3) -> tuple[Timing, Timing]:
    """cleaner and trafilatura alone on the same HTML pages, one core each, in this process.

    The two sides take turns page by page (which goes first alternates), each page `rounds` times,
    and a page's fastest time counts: the CPU speed of a shared machine drifts over seconds, and
    timing one side over all pages and then the other would put the drift into the ratio.
    """
    import trafilatura

    cleaner = Cleaner()
    mb = sum(len(d) for _, d in pages) / 1e6
    texts = [data.decode("utf-8", "replace") for _, data in pages]
    sides = (lambda i: cleaner.clean(pages[i][1]), lambda i: trafilatura.extract(texts[i], include_comments=False))
    for i in range(min(3, len(pages))):  # warm both up: first calls load lazily imported modules
        for side in sides:
            side(i)
    best = [[float("inf")] * len(pages) for _ in sides]
    for turn in range(rounds):
        for i in range(len(pages)):
            for k in (0, 1) if (turn + i) % 2 == 0 else (1, 0):
                started = time.process_time()
                sides[k](i)
                best[k][i] = min(best[k][i], time.process_time() - started)
    ours, theirs = (Timing(len(pages), mb, sum(times)) for times in best)
    return ours, theirs


def learn_speed(shared: Path) -> Timing | None:
    """learn() over the dev sites' pages, when cleaner.learn exists (another issue builds it)."""
    try:
        from cleaner.learn import learn
    except ImportError:
        return None
    sites = shared / "dev" / "sites"
    if not sites.is_dir():
        return None
    files = [p for p in sites.rglob("page-*") if p.is_file()]
    mb = sum(len(gzip.decompress(p.read_bytes())) if p.suffix == ".gz" else p.stat().st_size for p in files) / 1e6
    started, cpu = time.perf_counter(), time.process_time()
    learn([sites])
    return Timing(len(files), mb, time.perf_counter() - started, cpu_seconds=time.process_time() - cpu)


def quality(shared: Path, work: Path, results: Results) -> None:
    dev = shared / "dev"
    if not (dev / "gold.json").is_file():
        results.notes.append("quality: shared/dev is absent, not measured")
        return
    gold = json.loads((dev / "gold.json").read_text(encoding="utf-8"))
    for mode in ("html", "text"):
        out = work / f"quality-{mode}.jsonl"
        run_measured([*CLEANER, "clean", str(dev / mode), "-o", str(out), "-q"])
        _, summary = score(gold, load_predictions(out))
        failed = count_errors(out)
        figure = f"F1={summary['F1']:.3f} acc={summary['acc']:.3f}" + (f" ({failed} pages failed)" if failed else "")
        results.add(f"quality dev {mode} ({summary['docs']} pages)", figure)


def start_up(corpus: Corpus, work: Path, results: Results) -> None:
    """The command's fixed cost: one text page, one worker (imports, fork server warm-up, worker start)."""
    crawl = work / "crawl-one"
    count, mb = write_crawl(crawl, corpus.text[:1], 1)
    timing = clean_cli(crawl, work / "one.jsonl", 1, count, mb, trials=2)
    figure = f"{timing.seconds:.2f} s wall, {timing.cpu_seconds:.2f} CPU-seconds (counted in every run below)"
    results.add("start-up, 1 page, 1 worker", figure)


def _clean_seconds(pages: list[bytes], rounds: int) -> float:
    """Wall seconds to clean the pages `rounds` times over in this process."""
    cleaner = Cleaner()
    started = time.perf_counter()
    for _ in range(rounds):
        for page in pages:
            cleaner.clean(page)
    return time.perf_counter() - started


def _clean_rounds(pages: list[bytes], rounds: int, seconds: multiprocessing.SimpleQueue) -> None:
    seconds.put(_clean_seconds(pages, rounds))


class HostCeiling:
    """The most two workers could gain on this machine at the moment, whatever the pool does.

    Two processes clean the same pages at once (no pool, no parent, no files), against one alone:
    2 x (one's time) / (each one's time when two run) is the speed-up of a perfect pool. On a
    machine whose two cores are shared with others (hyperthreads of one physical core, or a
    busy host), it falls below 2 and drifts: its median over a bench run has ranged from 1.77x to
    2.17x on this project's 2-core VM.
    """

    def __init__(self, pages: list[bytes]):
        self.pages = pages
        _clean_seconds(pages, 1)  # the first pass loads what the pipeline loads lazily
        self.rounds = max(1, round(CEILING_SECONDS / _clean_seconds(pages, 1)))
        self.checks: list[float] = []

    def check(self) -> None:
        """One alone, two at once, one, two, one: the host's speed drifts within seconds too."""
        alone, together = [self._each_takes(1)], []
        for _ in range(2):
            together.append(self._each_takes(2))
            alone.append(self._each_takes(1))
        self.checks.append(2 * statistics.mean(alone) / statistics.mean(together))

    def _each_takes(self, processes: int) -> float:
        context = multiprocessing.get_context("fork")  # this process has the pipeline imported already
        seconds = context.SimpleQueue()
        task = (self.pages, self.rounds, seconds)
        workers = [context.Process(target=_clean_rounds, args=task) for _ in range(processes)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return statistics.mean(seconds.get() for _ in workers)

    def describe(self) -> str:
        spread = f", {min(self.checks):.2f}-{max(self.checks):.2f}x" if len(self.checks) > 1 else ""
        return (
            f"this host's ceiling then: {statistics.median(self.checks):.2f}x (two processes cleaning at once "
            f"against one, no pool; median of {len(self.checks)} checks between the runs{spread})"
        )


@dataclass
class Scaling:
    """1- and 2-worker runs made in pairs, one right after the other."""

    one: Timing  # the fastest 1-worker run
    two: Timing  # the fastest 2-worker run
    pairs: list[float]  # each pair's speed-up: 1-worker time over 2-worker time

    @property
    def speedup(self) -> float:
        """The median pair's speed-up.

        Within a pair the host's speed has drifted little, so its ratio is the pool's; the median
        leaves out a pair that a phase of the host favoured one way or the other. (The fastest
        1-worker run against the fastest 2-worker run lets one lucky run decide, and luck comes
        more often to one busy core than to two.)
        """
        return statistics.median(self.pairs)


def one_and_two_workers(crawl: Path, out: Path, pages: int, mb: float, trials: int, ceiling: HostCeiling) -> Scaling:
    """`trials` pairs of a 1-worker and a 2-worker run, each pair after a check of the host's
    ceiling: this machine's speed drifts, and all runs of one kind made before the other's would
    see other phases of it (one afternoon's runs made that way gave 1.63x to 2.13x for the same code)."""
    runs: list[tuple[Timing, Timing]] = []
    for _ in range(trials):
        ceiling.check()
        one, two = (clean_cli(crawl, out.with_name(f"{out.name}-{w}.jsonl"), w, pages, mb) for w in (1, 2))
        runs.append((one, two))
    fastest = [min((pair[k] for pair in runs), key=lambda run: run.seconds) for k in (0, 1)]
    return Scaling(*fastest, [one.seconds / two.seconds for one, two in runs])


def speed(corpus: Corpus, repeats: dict[str, int], trials: int, work: Path, results: Results) -> None:
    start_up(corpus, work, results)
    for mode, pages in (("text", corpus.text), ("html", corpus.html)):
        crawl = work / f"crawl-{mode}"
        count, mb = write_crawl(crawl, pages, repeats[mode])
        ceiling = HostCeiling([data for _, data in pages])
        scaling = one_and_two_workers(crawl, work / mode, count, mb, trials, ceiling)
        one, two, speedup = scaling.one, scaling.two, scaling.speedup
        size = f"{count} pages, {mb:.1f} MB"
        figure = f"{one.pages_s:.1f} pages/s, {one.mb_s:.2f} MB/s wall; {one.mb_cpu_s:.2f} MB per CPU-second"
        figure += _errors_note(one)
        results.add(f"{mode}, 1 worker ({size})", figure)
        bar = _bar(speedup >= BAR_SPEEDUP_2_WORKERS, f">= {BAR_SPEEDUP_2_WORKERS}x")
        pairs = ", ".join(f"{ratio:.2f}x" for ratio in scaling.pairs)
        figure = (
            f"{two.pages_s:.1f} pages/s, {two.mb_s:.2f} MB/s; speed-up {speedup:.2f}x (median of {len(scaling.pairs)} "
            f"pairs of runs, one right after the other: {pairs}; fastest against fastest: "
            f"{one.seconds / two.seconds:.2f}x){_errors_note(two)}; "
            f"workers' CPU per page {_ms_per_page(two)} (1 worker: {_ms_per_page(one)}); {ceiling.describe()}"
        )
        results.add(f"{mode}, 2 workers", figure, bar)
        if mode == "text":
            ok = one.mb_worker_cpu_s >= BAR_TEXT_MB_S_PER_WORKER
            figure = (
                f"{one.mb_worker_cpu_s:.2f} (MB per CPU-second of the worker process of the 1-worker run; "
                f"the whole command, start-up, listing and writing included: {one.mb_cpu_s:.2f})"
            )
            results.add("text MB/s per worker", figure, _bar(ok, f">= {BAR_TEXT_MB_S_PER_WORKER}"))
    ours, theirs = in_process_html(corpus.html)
    ratio = ours.pages_s / theirs.pages_s
    figure = f"{ratio:.2f} (cleaner {ours.pages_s:.1f} pages/s, trafilatura {theirs.pages_s:.1f} pages/s, CPU time)"
    results.add("HTML speed / trafilatura alone", figure, _bar(ratio >= BAR_HTML_RATIO, f">= {BAR_HTML_RATIO}"))


def memory(corpus: Corpus, rss_mb: float, work: Path, results: Results) -> None:
    warc = work / "rss-crawl.warc"
    count, mb = write_warc(warc, corpus.html, rss_mb)
    timing = clean_cli(warc, work / "rss.jsonl", 2, count, mb, memory=True)
    warc.unlink()
    bar = _bar(timing.peak_tree_mb <= BAR_PEAK_RSS_MB, f"<= {BAR_PEAK_RSS_MB} MB on {BAR_RSS_CRAWL_MB} MB")
    if mb < BAR_RSS_CRAWL_MB * 0.99:
        bar += f" (this run: {mb:.0f} MB; --rss-mb {BAR_RSS_CRAWL_MB} for the bar's size)"
    figure = (
        f"{timing.peak_tree_mb:.0f} MB PSS of all processes (RSS added up: {timing.peak_rss_sum_mb:.0f} MB, "
        f"counting the pages the workers share with their fork server in each; largest process RSS "
        f"{timing.peak_process_mb:.0f} MB)"
    )
    results.add(f"peak memory, WARC crawl of {count} pages, {mb:.0f} MB, 2 workers", figure, bar)
    results.add("WARC crawl, 2 workers", f"{timing.pages_s:.1f} pages/s, {timing.mb_s:.2f} MB/s{_errors_note(timing)}")


def learn(shared: Path, results: Results) -> None:
    timing = learn_speed(shared)
    if timing is None:
        results.add("learn", "not available")
    else:
        what = f"learn ({timing.pages} pages, {timing.mb:.1f} MB)"
        results.add(what, f"{timing.pages_s:.1f} pages/s, {timing.mb_s:.2f} MB/s wall; {timing.mb_cpu_s:.2f} MB/CPU-s")


def _ms_per_page(timing: Timing) -> str:
    """The workers' CPU time per page: when it grows with a second worker, the cores slow each
    other down (a shared host), which no pool can make up for."""
    return f"{1000 * timing.worker_cpu_seconds / timing.pages:.2f} ms"


def _bar(ok: bool, bar: str) -> str:
    return f"{'met' if ok else 'NOT met'}: {bar}"


def write_markdown(path: Path, results: Results, corpus: Corpus, args: argparse.Namespace) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    command = f"--repeat {args.repeat} --text-repeat {args.text_repeat} --trials {args.trials} --rss-mb {args.rss_mb:g}"
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (bench/run.py {command}) on",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {os.cpu_count()} cores, load average {load}.",
        f"Pages: {corpus.origin}. Timings through the `cleaner clean` command (start-up included) unless",
        "noted; wall-clock figures depend on what else the machine runs (see the load average), CPU-second",
        "figures much less; each speed is the fastest of --trials runs, the 2-worker speed-up the median of",
        "--trials pairs of runs (a 1-worker run, then a 2-worker run). The speed-up can only be",
        "judged on an otherwise idle machine whose cores do not slow each other down: when the workers'",
        "CPU per page grows from the 1-worker run to the 2-worker run, the host shares what the cores run on;",
        "the host's ceiling, measured between the runs, is what a perfect pool would get at the time.",
        "",
        "| what | figure | done-when bar |",
        "| --- | --- | --- |",
        *(f"| {what} | {figure} | {bar} |" for what, figure, bar in results.rows),
        "",
        *(f"- {note}" for note in results.notes),
    ]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared data folder")
    parser.add_argument("--repeat", type=int, default=30, help="copies of the dev HTML pages in the HTML crawl")
    parser.add_argument("--text-repeat", type=int, default=400, help="copies of the dev text pages (they are small)")
    parser.add_argument("--trials", type=int, default=3, help="runs of each speed measurement; the fastest counts")
    parser.add_argument(
        "--rss-mb", type=float, default=BAR_RSS_CRAWL_MB, help="size of the generated crawl for peak RSS"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    corpus = load_corpus(args.shared)
    results = Results()
    with tempfile.TemporaryDirectory(prefix="cleaner-bench-") as temp:
        work = Path(temp)
        speed(corpus, {"text": args.text_repeat, "html": args.repeat}, args.trials, work, results)
        memory(corpus, args.rss_mb, work, results)
        learn(args.shared, results)
        quality(args.shared, work, results)
    write_markdown(args.out, results, corpus, args)
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
