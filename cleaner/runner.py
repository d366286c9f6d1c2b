"""A whole run: sources -> workers -> sharded writer, with progress, errors on stderr, and resume.

The run streams: sources are listed lazily (a container's records are read one at a time), a
small window of them is in the worker pool, and cleaned documents go to disk shard by shard in
input order. Nothing grows with the crawl but the manifest (one entry per finished shard).

Resume: a run's fingerprint (inputs, options, rule files' contents, cleaner version) names its
work; a second run with the same fingerprint skips the shards the manifest lists, and because a
shard is a fixed range of input positions, the merged output is byte-identical to a run that
was never interrupted.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cleaner import __version__
from cleaner.containers import JsonlFields
from cleaner.pool import CleanerSettings, clean_in_order
from cleaner.readers import Source, iter_sources
from cleaner.rules import load_rules
from cleaner.writers import Manifest, Rendered, ShardedOutput, work_folder

# Documents per output shard: the most work a kill -9 can lose, and one manifest entry each.
DEFAULT_SHARD_SIZE = 500
# Seconds one document may take before its worker is killed and the document recorded as an error.
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class RunConfig:
    """Everything that decides a run's output (all of it goes into the resume fingerprint)."""

    inputs: tuple[str, ...]
    out: Path
    fmt: str = "jsonl"
    settings: CleanerSettings = field(default_factory=CleanerSettings)
    fields: JsonlFields = field(default_factory=JsonlFields)
    limit: int | None = None
    shard_size: int = DEFAULT_SHARD_SIZE
    workers: int = os.cpu_count() or 1
    timeout: float = DEFAULT_TIMEOUT
    force: bool = False


@dataclass
class RunStats:
    """What a run did: documents written now, errors among them, and documents resumed from disk."""

    cleaned: int = 0
    errors: int = 0
    resumed: int = 0
    resumed_errors: int = 0

    @property
    def total(self) -> int:
        return self.cleaned + self.resumed

    @property
    def total_errors(self) -> int:
        return self.errors + self.resumed_errors


class Reporter:
    """Where a run tells what happens; the base class says nothing (a library call or a pipe)."""

    def start(self, total: int | None, resumed: int) -> None:
        """The run begins; total is known only when --limit bounds it."""

    def document(self, item: Rendered) -> None:
        """One document was written (item.error set if it failed)."""

    def finish(self) -> None:
        """The run ended, normally or not."""


def fingerprint(config: RunConfig) -> str:
    """A digest of everything that shapes the output, so resume never mixes two different runs."""
    rule_digest = hashlib.sha256()
    for path in _rule_paths(config.settings):
        rule_digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    identity = {
        "version": __version__,
        "inputs": [i if i == "-" else str(Path(i).resolve()) for i in config.inputs],
        "format": config.fmt,
        "rules": rule_digest.hexdigest(),
        "fields": [config.fields.url, config.fields.html, config.fields.text],
        "limit": config.limit,
        "shard_size": config.shard_size,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def _rule_paths(settings: CleanerSettings) -> list[Path]:
    rule_files = load_rules(settings.rules, include_defaults=settings.default_rules)
    return [Path(rule_file.path) for rule_file in rule_files]


def indexed_sources(config: RunConfig) -> Iterator[tuple[int, Source]]:
    """(input position, source) for every document of the run, up to --limit."""
    sources = iter_sources(config.inputs, config.fields)
    return enumerate(itertools.islice(sources, config.limit))


# An engine cleans (index, source) pairs and yields (index, document rendered in config.fmt) in the same order.
Engine = Callable[[Iterator[tuple[int, Source]], "RunConfig"], Iterator[tuple[int, Rendered]]]


def local_engine(todo: Iterator[tuple[int, Source]], config: RunConfig) -> Iterator[tuple[int, Rendered]]:
    """Worker processes on this machine (the default)."""
    return clean_in_order(todo, config.settings, config.fmt, config.workers, config.timeout)


def run(config: RunConfig, reporter: Reporter | None = None, clean_all: Engine | None = None) -> RunStats:
    """Clean every input document into config.out; resumes an interrupted run with the same config.

    `clean_all` is the engine (default: local worker processes); it does not enter the resume
    fingerprint, because every engine writes the same output.
    """
    reporter, clean_all = reporter or Reporter(), clean_all or local_engine
    output = ShardedOutput(config.out, config.fmt, fingerprint(config), config.shard_size, force=config.force)
    stats = RunStats()
    stats.resumed, stats.resumed_errors = output.done_counts()
    todo = ((i, s) for i, s in indexed_sources(config) if not output.is_done(i))
    reporter.start(config.limit - stats.resumed if config.limit else None, stats.resumed)
    try:
        for index, item in clean_all(todo, config):
            output.write(index, item)
            stats.cleaned += 1
            stats.errors += bool(item.error)
            reporter.document(item)
    except BaseException:
        output.abort()
        raise
    finally:
        reporter.finish()
    if stats.total:
        output.finish()
    else:
        output.discard()
    return stats


def dry_run(config: RunConfig, emit: Callable[[str], None]) -> RunStats:
    """List what a run would clean (ids, one per call of emit) without cleaning or writing anything."""
    done = _done_shards(config)
    stats = RunStats()
    for index, source in indexed_sources(config):
        if index // config.shard_size in done:
            stats.resumed += 1
        else:
            stats.cleaned += 1
            emit(source.id)
    return stats


def _done_shards(config: RunConfig) -> set[int]:
    """The shards an earlier run finished, read without touching the work folder."""
    manifest = Manifest(work_folder(config.out), fingerprint(config))
    return set(manifest.shards) if manifest.load() and not config.force else set()


def summary(stats: RunStats, out: Path) -> str:
    resumed = f", {stats.resumed} resumed from an earlier run" if stats.resumed else ""
    ok = stats.total - stats.total_errors
    return f"cleaned {ok} of {stats.total} documents ({stats.total_errors} errors{resumed}) -> {out}"
