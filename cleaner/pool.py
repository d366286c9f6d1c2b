"""Clean documents in worker processes, in input order, with a per-document time limit.

Why processes and not threads: cleaning is pure Python and lxml, so threads would share one core.
Why pebble: a document that hangs (a pathological page deep inside a C parser) cannot be
interrupted from Python; pebble kills the worker process at the time limit and starts a new
one, so the run records an error for that document and goes on. Only a small window of
documents is in flight at any time, so memory does not grow with the crawl.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pebble import ProcessExpired, ProcessPool

from cleaner.document import Document
from cleaner.readers import Source

if TYPE_CHECKING:
    from cleaner.pipeline import Cleaner

# A task is a batch of documents: many small ones (text pages) so that the per-task cost of the
# parent and the pool stays small beside the cleaning, few big ones (HTML pages) so that a batch's
# time limit (the per-document limit times its documents) stays short.
BATCH_DOCS = 16  # documents per batch, at most ...
BATCH_BYTES = 1024 * 1024  # ... and no more input bytes than this (a bigger document goes alone)
# Batches queued per worker: enough to keep every worker busy while the parent writes, few
# enough that memory stays small (a container's documents hold their bytes).
IN_FLIGHT_BATCHES_PER_WORKER = 3


@dataclass(frozen=True, slots=True)
class CleanerSettings:
    """What a worker needs to build its own Cleaner once (a Cleaner itself does not cross processes)."""

    rules: tuple[Path, ...] = ()
    default_rules: bool = True

    def build(self) -> Cleaner:
        from cleaner.pipeline import Cleaner  # here, not at the top: the command's parent never cleans

        return Cleaner(extra_rules_dirs=self.rules, default_rules=self.default_rules)


def lean(doc: Document) -> Document:
    """Drop what the writers do not need before a document crosses processes."""
    doc.raw, doc.lines = "", []
    return doc


def clean_in_order(
    sources: Iterable[tuple[int, Source]], settings: CleanerSettings, workers: int, timeout: float
) -> Iterator[tuple[int, Document]]:
    """(index, document) for every (index, source), in the order given; failures become doc.error.

    Documents travel in batches (one task each, see BATCH_DOCS and BATCH_BYTES: the parent's
    per-task cost would otherwise compete with the workers for the cores). A batch gets its
    number of documents times the time limit; one that runs over it or kills its worker is
    cleaned again one document at a time, so the document at fault, and only it, gets the error.
    """
    pool_options = {"initializer": _init_worker, "initargs": (settings,), "context": _worker_context()}
    with ProcessPool(max_workers=workers, **pool_options) as pool:
        pending: deque = deque()
        try:
            for batch in _batched(iter(sources)):
                pending.append((batch, _schedule(pool, batch, timeout)))
                if len(pending) >= workers * IN_FLIGHT_BATCHES_PER_WORKER:
                    yield from _batch_results(pool, *pending.popleft(), timeout)
            while pending:
                yield from _batch_results(pool, *pending.popleft(), timeout)
        except BaseException:
            pool.stop()  # Ctrl-C or a write error: do not wait for the queued documents
            raise


def _batched(items: Iterator[tuple[int, Source]]) -> Iterator[tuple[tuple[int, Source], ...]]:
    """Consecutive sources, up to BATCH_DOCS of them and BATCH_BYTES of input per batch."""
    batch: list[tuple[int, Source]] = []
    size = 0
    for item in items:
        item_size = _input_size(item[1])
        if batch and (len(batch) >= BATCH_DOCS or size + item_size > BATCH_BYTES):
            yield tuple(batch)
            batch, size = [], 0
        batch.append(item)
        size += item_size
    if batch:
        yield tuple(batch)


def _input_size(source: Source) -> int:
    """Bytes of input a source holds or names (0 when unknown: the worker reports any read error)."""
    if source.data is not None:
        return len(source.data)
    try:
        return source.path.stat().st_size
    except OSError:
        return 0


def _schedule(pool: ProcessPool, batch: tuple[tuple[int, Source], ...], timeout: float):
    limit = timeout * len(batch) if timeout else None
    return pool.schedule(_clean_batch_in_worker, ([source for _, source in batch],), timeout=limit)


def _batch_results(
    pool: ProcessPool, batch: tuple[tuple[int, Source], ...], future, timeout: float
) -> Iterator[tuple[int, Document]]:
    try:
        docs = future.result()
    except Exception:  # over time, a dead worker or a bug: find the document at fault, one at a time
        for index, source in batch:
            single = pool.schedule(_clean_batch_in_worker, ([source],), timeout=timeout or None)
            yield index, _single_result(source, single, timeout)
        return
    yield from zip((index for index, _ in batch), docs, strict=True)


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a clean server process, not from the caller.

    A plain fork copies the caller's threads' locks: after `ray.init` (or any library with a
    gRPC or thread pool) in the same process, a forked worker can deadlock. The fork server
    imports the pipeline once, so each worker still starts in milliseconds.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cleaner.pool", "cleaner.pipeline"])
    return context


def _single_result(source: Source, future, timeout: float) -> Document:
    try:
        return future.result()[0]
    except FutureTimeout:
        error = f"timed out after {timeout:g} s"
    except ProcessExpired as expired:
        error = f"worker process died (exit code {expired.exitcode})"
    except Exception as unexpected:  # a bug in a stage must not end a crawl-sized run
        error = f"internal error: {type(unexpected).__name__}: {unexpected}"
    return Document(id=source.id, url=source.url, error=error)


_WORKER: dict[str, Cleaner] = {}  # this worker process's Cleaner, built once by _init_worker


def _init_worker(settings: CleanerSettings) -> None:
    _WORKER["cleaner"] = settings.build()


def _clean_batch_in_worker(sources: list[Source]) -> list[Document]:
    return [lean(_WORKER["cleaner"].clean_source(source)) for source in sources]
