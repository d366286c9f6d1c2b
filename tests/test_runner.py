"""The run machinery: order, errors, time limits, resume after an interruption or kill -9, the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from scale_crawl import build_crawl, page_html, page_text, sample_warc, write_jsonl
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.document import Document
from cleaner.pool import BATCH_BYTES, BATCH_DOCS, CleanerSettings, _batched, clean_in_order
from cleaner.readers import Source, iter_sources
from cleaner.runner import Reporter, RunConfig, dry_run, run
from cleaner.writers import MANIFEST_NAME, Rendered, work_folder


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_crawl(tmp_path_factory.mktemp("crawl") / "crawl", pages=23)


@pytest.fixture(scope="module")
def reference(crawl: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The output of one uninterrupted run with one worker: what every other run must reproduce."""
    out = tmp_path_factory.mktemp("reference") / "out.jsonl"
    run(RunConfig(inputs=(str(crawl),), out=out, workers=1, shard_size=4))
    return out.read_bytes()


def test_output_is_what_the_pipeline_gives_in_input_order(crawl: Path, reference: bytes, shipped_cleaner) -> None:
    """The run adds nothing and loses nothing: each record is Cleaner.clean_source's, in input order."""
    rows = [json.loads(line) for line in reference.decode().splitlines()]
    sources = list(iter_sources([crawl]))
    assert [r["id"] for r in rows] == [s.id for s in sources] == sorted(s.id for s in sources)
    assert rows == [shipped_cleaner.clean_source(s).as_record() for s in sources]
    assert [r["id"] for r in rows if r["error"]] == ["broken.html"]
    assert "binary" in rows[0]["error"]


@pytest.mark.parametrize(("workers", "shard_size"), [(2, 4), (2, 1000), (1, 1)])
def test_workers_and_shard_sizes_do_not_change_the_output(
    crawl: Path, reference: bytes, tmp_path: Path, workers: int, shard_size: int
) -> None:
    out = tmp_path / "out.jsonl"
    stats = run(RunConfig(inputs=(str(crawl),), out=out, workers=workers, shard_size=shard_size))
    assert out.read_bytes() == reference
    assert (stats.cleaned, stats.errors, stats.resumed) == (24, 1, 0)
    assert not work_folder(out).exists(), "a finished run leaves no work folder"


class StopAfter(Reporter):
    """Interrupts the run like Ctrl-C after n documents."""

    def __init__(self, n: int):
        self.n = n

    def document(self, item: Rendered) -> None:
        self.n -= 1
        if self.n == 0:
            raise KeyboardInterrupt


def test_interrupted_run_resumes_to_identical_output(crawl: Path, reference: bytes, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    config = RunConfig(inputs=(str(crawl),), out=out, workers=2, shard_size=4)
    with pytest.raises(KeyboardInterrupt):
        run(config, StopAfter(10))
    assert not out.exists()
    manifest = json.loads((work_folder(out) / MANIFEST_NAME).read_text())
    assert sorted(manifest["shards"]) == ["0", "1"]  # 10 documents: shards 0-3 and 4-7 are whole
    assert [p.name for p in work_folder(out).iterdir() if p.name.endswith(".tmp")] == []
    stats = run(config)
    assert (stats.resumed, stats.cleaned) == (8, 16)
    assert out.read_bytes() == reference


def test_other_arguments_or_force_start_over(crawl: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    config = RunConfig(inputs=(str(crawl),), out=out, workers=1, shard_size=4)
    with pytest.raises(KeyboardInterrupt):
        run(config, StopAfter(9))
    assert run(RunConfig(inputs=(str(crawl),), out=out, workers=1, shard_size=4, limit=20)).resumed == 0
    with pytest.raises(KeyboardInterrupt):
        run(config, StopAfter(9))
    assert run(RunConfig(inputs=(str(crawl),), out=out, workers=1, shard_size=4, force=True)).resumed == 0


def test_limit_and_dry_run(crawl: Path, reference: bytes, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    config = RunConfig(inputs=(str(crawl),), out=out, workers=1, limit=5)
    listed: list[str] = []
    stats = dry_run(config, listed.append)
    assert stats.cleaned == 5 and not out.exists() and not work_folder(out).exists()
    run(config)
    assert [r["id"] for r in records(out)] == listed
    assert out.read_bytes() == b"".join(reference.splitlines(keepends=True)[:5])


def test_txt_output_resumes_into_the_same_folder(crawl: Path, tmp_path: Path) -> None:
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    run(RunConfig(inputs=(str(crawl),), out=whole, fmt="txt", workers=1, shard_size=4))
    config = RunConfig(inputs=(str(crawl),), out=resumed, fmt="txt", workers=1, shard_size=4)
    with pytest.raises(KeyboardInterrupt):
        run(config, StopAfter(7))
    assert run(config).resumed == 4
    files = sorted(p.relative_to(whole) for p in whole.rglob("*.txt"))
    assert files == sorted(p.relative_to(resumed) for p in resumed.rglob("*.txt"))
    assert all((whole / f).read_bytes() == (resumed / f).read_bytes() for f in files)
    assert not work_folder(resumed).exists()


@dataclass(frozen=True, slots=True)
class TroubleSettings(CleanerSettings):
    """Builds a Cleaner that hangs on documents named hang* and kills its process on die*."""

    def build(self):
        return TroubleCleaner(CleanerSettings.build(self))


class TroubleCleaner:
    def __init__(self, cleaner):
        self.cleaner = cleaner

    def clean_source(self, source: Source) -> Document:
        if source.id.startswith("hang"):
            time.sleep(120)
        if source.id.startswith("die"):
            os._exit(3)
        if source.id.startswith("bug"):
            raise RuntimeError("a stage failed")
        return self.cleaner.clean_source(source)


def test_a_hanging_or_crashing_document_is_an_error_and_the_run_goes_on(tmp_path: Path) -> None:
    ids = ["ok1", "hang", "ok2", "die", "ok3", "bug", "ok4"]
    sources = [(i, Source(id=name, path=tmp_path / "x", data=page_html(i).encode())) for i, name in enumerate(ids)]
    started = time.monotonic()
    results = list(clean_in_order(iter(sources), TroubleSettings(), "jsonl", workers=2, timeout=1.0))
    assert time.monotonic() - started < 60
    assert [(i, d.id) for i, d in results] == list(enumerate(ids))
    errors = dict(zip(ids, (d.error for _, d in results), strict=True))
    assert [errors[name] for name in ids if name.startswith("ok")] == [None] * 4
    assert errors["hang"] == "timed out after 1 s"
    assert errors["die"] == "worker process died (exit code 3)"
    assert errors["bug"] == "internal error: RuntimeError: a stage failed"


def test_the_time_limit_is_each_documents_not_its_batchs(tmp_path: Path) -> None:
    """A hanging document amid a full batch is stopped when it alone has run over the limit (not
    after the batch's documents times the limit: minutes here), and only it gets the error."""
    ids = [f"ok{n}" for n in range(BATCH_DOCS)]
    ids[BATCH_DOCS // 2] = "hang"
    sources = [(i, Source(id=name, path=tmp_path / "x", data=page_text(i).encode())) for i, name in enumerate(ids)]
    started = time.monotonic()
    results = list(clean_in_order(iter(sources), TroubleSettings(), "jsonl", workers=1, timeout=2.0))
    assert time.monotonic() - started < BATCH_DOCS * 2.0 / 4
    assert [item.id for _, item in results] == ids
    assert [item.error for _, item in results if item.error] == ["timed out after 2 s"]
    assert results[BATCH_DOCS // 2][1].error


def test_documents_alone_in_their_batches_fail_alone(tmp_path: Path) -> None:
    """One document per batch (each bigger than half a batch): a failure is recorded without a retry."""
    big = "x" * (BATCH_BYTES // 2 + 1)
    ids = ["ok1", "die", "ok2", "hang", "ok3"]
    sources = [(i, Source(id=name, path=tmp_path / "x", data=big.encode())) for i, name in enumerate(ids)]
    results = list(clean_in_order(iter(sources), TroubleSettings(), "jsonl", workers=1, timeout=1.0))
    died, late = "worker process died (exit code 3)", "timed out after 1 s"
    assert [d.error for _, d in results] == [None, died, None, late, None]


def test_big_documents_both_ways_do_not_deadlock_a_worker_holding_two_batches(tmp_path: Path) -> None:
    """The parent sends a worker its next big batch while the worker sends back a big answer:
    more than a pipe holds in each direction, so neither may wait for the other to read."""
    paragraphs = [page_text(n).split("\n\n")[-1] for n in range(400)]
    body = "\n\n".join(paragraphs).encode()  # some 100 KB of prose, every paragraph of it kept
    assert len(body) > 64 * 1024 and len(body) > BATCH_BYTES // 16
    big = body * 6  # each document its own batch, each answer several times a pipe's buffer
    sources = [(i, Source(id=f"big{i}", path=tmp_path / "x", data=big)) for i in range(6)]
    results: list[tuple[int, Rendered]] = []
    run_all = threading.Thread(
        target=lambda: results.extend(clean_in_order(iter(sources), CleanerSettings(), "jsonl", 1, 60.0)), daemon=True
    )
    run_all.start()
    run_all.join(120)  # a deadlock blocks the parent in a send, where no time limit of the pool applies
    assert not run_all.is_alive(), "the parent and the worker wait for each other"
    assert [item.error for _, item in results] == [None] * 6
    assert all(len(item.payload) > len(body) for _, item in results)


def test_containers_and_plain_files_in_one_run(tmp_path: Path) -> None:
    warc = sample_warc(tmp_path / "c.warc.gz")
    jsonl = write_jsonl(tmp_path / "d.jsonl", [{"url": "https://j.example.com/1", "html": page_html(8)}, "oops"])
    out = tmp_path / "out.jsonl"
    stats = run(RunConfig(inputs=(str(warc), str(jsonl)), out=out, workers=2))
    rows = records(out)
    assert [r["id"] for r in rows] == ["c.warc.gz#1", "c.warc.gz#4", "c.warc.gz#5", "d.jsonl#1", "d.jsonl#2"]
    assert rows[0]["url"] == "https://news.example.com/a" and rows[3]["url"] == "https://j.example.com/1"
    assert rows[4]["error"].startswith("not JSON") and stats.errors == 1


def test_cli_clean_reads_stdin_and_reports_errors(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    jsonl = write_jsonl(tmp_path / "in.jsonl", [{"html": page_html(1)}, "[]"]).read_bytes()
    result = CliRunner().invoke(app, ["clean", "-", "-o", str(out), "-w", "1"], input=jsonl)
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in records(out)] == ["-#1", "-#2"]
    assert "cleaner: -#2: not a JSON object" in result.output
    assert "cleaned 1 of 2 documents (1 errors)" in result.output


def test_cli_dry_run_lists_ids_and_writes_nothing(crawl: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["clean", str(crawl), "-o", str(out), "--dry-run", "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["broken.html", "site0/p0000.txt", "site0/p0003.html"]
    assert not out.exists()


def test_cli_without_documents_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, ["clean", str(tmp_path / "empty"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1 and "no documents found" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def _cleaner_command(crawl: Path, out: Path) -> list[str]:
    code = "from cleaner.cli import main; main()"
    return [sys.executable, "-c", code, "clean", str(crawl), "-o", str(out), "-w", "2", "--shard-size", "3", "-q"]


def _wait_for_shards(manifest: Path, process: subprocess.Popen, at_least: int, deadline: float) -> None:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if len(json.loads(manifest.read_text())["shards"]) >= at_least:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.01)
    pytest.fail("the run finished or stalled before it could be killed mid-way")


def test_killed_run_resumes_to_identical_output(tmp_path: Path) -> None:
    """kill -9 of the whole process group mid-run, then the same command: output as if never killed."""
    crawl = build_crawl(tmp_path / "crawl", pages=150)
    whole, killed = tmp_path / "whole.jsonl", tmp_path / "killed.jsonl"
    subprocess.run(_cleaner_command(crawl, whole), check=True, timeout=300)
    process = subprocess.Popen(_cleaner_command(crawl, killed), start_new_session=True)
    try:
        _wait_for_shards(work_folder(killed) / MANIFEST_NAME, process, 3, time.monotonic() + 120)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not killed.exists()
    resumed = subprocess.run([*_cleaner_command(crawl, killed)[:-1]], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed from an earlier run" in resumed.stderr
    assert killed.read_bytes() == whole.read_bytes()
    assert not work_folder(killed).exists()


def test_changed_rules_start_over(crawl: Path, tmp_path: Path) -> None:
    """Resuming with other rules would mix two rule sets in one output: the fingerprint forbids it."""
    rules = tmp_path / "rules"
    rules.mkdir()
    rule_file = rules / "house.toml"
    header = 'schema_version = 1\nid = "house"\n\n[scope]\neverywhere = true\n\n[[rule]]\nid = "house.share"\n'
    rule_file.write_text(header + 'kind = "line"\nlines = ["Share this:"]\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    config = RunConfig(inputs=(str(crawl),), out=out, workers=1, shard_size=4, settings=CleanerSettings((rules,)))
    with pytest.raises(KeyboardInterrupt):
        run(config, StopAfter(9))
    with pytest.raises(KeyboardInterrupt):
        run(config, StopAfter(9))  # same rules: resumes from shard 2, and is stopped again
    assert sorted(json.loads((work_folder(out) / MANIFEST_NAME).read_text())["shards"]) == ["0", "1", "2", "3"]
    rule_file.write_text(header + 'kind = "line"\nlines = ["Share this"]\n', encoding="utf-8")
    assert run(config).resumed == 0


def test_batches_hold_many_small_documents_and_few_big_ones(tmp_path: Path) -> None:
    small = [(i, Source(id=f"s{i}", path=tmp_path / "x", data=b"a" * 100)) for i in range(BATCH_DOCS + 3)]
    big = [(i, Source(id=f"b{i}", path=tmp_path / "x", data=bytes(BATCH_BYTES // 2 + 1))) for i in range(3)]
    assert [len(b) for b in _batched(iter(small))] == [BATCH_DOCS, 3]
    assert [len(b) for b in _batched(iter(big))] == [1, 1, 1]  # two would exceed BATCH_BYTES
    files = []
    for i in range(3):
        (tmp_path / f"f{i}.txt").write_bytes(b"a" * BATCH_BYTES)  # sized from disk, never read here
        files.append((i, Source(id=f"f{i}", path=tmp_path / f"f{i}.txt")))
    missing = (3, Source(id="gone", path=tmp_path / "gone.txt"))  # unknown size: the worker reports it
    assert [len(b) for b in _batched(iter([*files, missing]))] == [1, 1, 2]
    assert [i for b in _batched(iter([*small, *big])) for i, _ in b] == [i for i, _ in [*small, *big]]
