"""Clean documents in worker processes, in input order, with a per-document time limit.

Why processes and not threads: cleaning is pure Python and lxml, so threads would share one core.
Why our own small pool: a document that hangs (a pathological page deep inside a C parser)
cannot be interrupted from Python, so the parent must be able to kill the worker at the time
limit, start a new one and go on, recording an error for that document. Each worker has its own
pipe and at most one batch at a time, so the parent always knows which batch a dead or late
worker held; it waits on the pipes and the processes' exit handles with the nearest deadline as
timeout, so it has no threads and never sleeps in a polling loop (pool libraries that poll add
their tick to every run's end and wake the parent many times a second beside the workers).
Only a small window of documents is in flight, so memory does not grow with the crawl.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.document import Document
from cleaner.readers import Source

if TYPE_CHECKING:
    from cleaner.pipeline import Cleaner

# A task is a batch of documents: many small ones (text pages) so that the per-task cost of the
# parent and the pipes stays small beside the cleaning, few big ones (HTML pages) so that a
# batch's time limit (the per-document limit times its documents) stays short.
BATCH_DOCS = 16  # documents per batch, at most ...
BATCH_BYTES = 1024 * 1024  # ... and no more input bytes than this (a bigger document goes alone)
# Batches read ahead per worker: enough to hand every worker its next batch at once, few enough
# that memory stays small (a container's documents hold their bytes).
IN_FLIGHT_BATCHES_PER_WORKER = 3
# Seconds a worker may take to exit after it was told to; then it is killed.
WORKER_EXIT_SECONDS = 5.0

Item = tuple[int, Source]


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


@dataclass(eq=False)
class _Batch:
    """Consecutive documents cleaned as one task; when the task fails, its documents are run one by one."""

    items: tuple[Item, ...]
    docs: list[Document] | None = None  # the results, once done
    parts: list[_Batch] = field(default_factory=list)  # the single-document batches after a failure

    @property
    def done(self) -> bool:
        return self.docs is not None or (bool(self.parts) and all(part.done for part in self.parts))

    def results(self) -> Iterator[tuple[int, Document]]:
        if self.parts:
            for part in self.parts:
                yield from part.results()
        else:
            yield from zip((index for index, _ in self.items), self.docs, strict=True)


class _Worker:
    """One worker process, its pipe, and the batch it is cleaning (if any) with its deadline."""

    def __init__(self, context: multiprocessing.context.BaseContext, settings: CleanerSettings):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, settings), daemon=True)
        self.process.start()
        child.close()
        self.batch: _Batch | None = None
        self.deadline = float("inf")

    def give(self, batch: _Batch, timeout: float) -> bool:
        """Send a batch; False if the worker is gone (the batch then stays to be given again)."""
        try:
            self.conn.send([source for _, source in batch.items])
        except (BrokenPipeError, ConnectionResetError, EOFError):
            return False
        self.batch = batch
        self.deadline = time.monotonic() + timeout * len(batch.items) if timeout else float("inf")
        return True

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
        if not kill:
            self.process.join(WORKER_EXIT_SECONDS)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class _Pool:
    """Workers, the batches waiting for one, and what happens when a batch fails."""

    def __init__(self, settings: CleanerSettings, workers: int, timeout: float):
        self.settings, self.timeout = settings, timeout
        self.context = _worker_context()
        self.workers = [_Worker(self.context, settings) for _ in range(workers)]
        self.waiting: deque[_Batch] = deque()

    def submit(self, batch: _Batch) -> None:
        self.waiting.append(batch)
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand waiting batches to idle workers, first come first served."""
        for slot, worker in enumerate(self.workers):
            while self.waiting and worker.batch is None:
                if not worker.give(self.waiting[0], self.timeout):
                    worker = self._replace(slot, kill=True)
                    continue
                self.waiting.popleft()

    def wait(self) -> None:
        """Block until some busy worker finishes, dies or runs out of time; record what happened."""
        busy = [worker for worker in self.workers if worker.batch is not None]
        if not busy:
            return
        remaining = max(min(worker.deadline for worker in busy) - time.monotonic(), 0.0)
        handles = [worker.conn for worker in busy] + [worker.process.sentinel for worker in busy]
        ready = set(multiprocessing.connection.wait(handles, None if remaining == float("inf") else remaining))
        now = time.monotonic()
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                self._collect(worker)
            elif now >= worker.deadline:
                self._fail(worker, f"timed out after {self.timeout:g} s")
        self._dispatch()

    def _collect(self, worker: _Worker) -> None:
        """The worker's answer; a worker that exited without one died (its exit code says how)."""
        try:
            outcome = worker.conn.recv() if worker.conn.poll() else None
        except (EOFError, OSError):
            outcome = None
        if outcome is None:
            worker.process.join()
            self._fail(worker, f"worker process died (exit code {worker.process.exitcode})")
            return
        batch, worker.batch, worker.deadline = worker.batch, None, float("inf")
        if isinstance(outcome, str):  # a bug in a stage: the message of the exception
            self._retry_or_record(batch, outcome)
        else:
            batch.docs = outcome

    def _fail(self, worker: _Worker, error: str) -> None:
        """The worker's batch failed with it: the worker is replaced, the batch retried or recorded."""
        batch = worker.batch
        self._replace(self.workers.index(worker), kill=True)
        self._retry_or_record(batch, error)

    def _retry_or_record(self, batch: _Batch, error: str) -> None:
        """Many documents: each again on its own, so the one at fault, and only it, gets the error."""
        if len(batch.items) == 1:
            _, source = batch.items[0]
            batch.docs = [Document(id=source.id, url=source.url, error=error)]
            return
        batch.parts = [_Batch((item,)) for item in batch.items]
        self.waiting.extendleft(reversed(batch.parts))

    def _replace(self, slot: int, kill: bool) -> _Worker:
        self.workers[slot].stop(kill=kill)
        self.workers[slot] = _Worker(self.context, self.settings)
        return self.workers[slot]

    def close(self, kill: bool) -> None:
        for worker in self.workers:
            worker.stop(kill=kill or worker.batch is not None)


def clean_in_order(
    sources: Iterable[Item], settings: CleanerSettings, workers: int, timeout: float
) -> Iterator[tuple[int, Document]]:
    """(index, document) for every (index, source), in the order given; failures become doc.error.

    Documents travel in batches (see BATCH_DOCS and BATCH_BYTES). A batch gets its number of
    documents times the time limit (`timeout`, 0: none); one that runs over it, kills its worker
    or hits a bug is cleaned again one document at a time, so the document at fault, and only
    it, gets the error.
    """
    pool = _Pool(settings, workers, timeout)
    pending: deque[_Batch] = deque()  # in input order: submitted, done or not
    finished = False
    try:
        for items in _batched(iter(sources)):
            batch = _Batch(items)
            pending.append(batch)
            pool.submit(batch)
            while len(pending) >= workers * IN_FLIGHT_BATCHES_PER_WORKER:
                yield from _ready_results(pool, pending)
        while pending:
            yield from _ready_results(pool, pending)
        finished = True
    finally:
        pool.close(kill=not finished)  # Ctrl-C or a write error: do not wait for the queued documents


def _ready_results(pool: _Pool, pending: deque[_Batch]) -> Iterator[tuple[int, Document]]:
    """Wait for the oldest batch, then give the results of every finished batch at the front."""
    while not pending[0].done:
        pool.wait()
    while pending and pending[0].done:
        yield from pending.popleft().results()


def _batched(items: Iterator[Item]) -> Iterator[tuple[Item, ...]]:
    """Consecutive sources, up to BATCH_DOCS of them and BATCH_BYTES of input per batch."""
    batch: list[Item] = []
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


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a clean server process, not from the caller.

    A plain fork copies the caller's threads' locks: after `ray.init` (or any library with a
    gRPC or thread pool) in the same process, a forked worker can deadlock. The fork server
    imports the pipeline and warms the classifier up once (cleaner.preload), so each worker still
    starts in milliseconds. Process.start() returns once the server has forked the worker, so the
    preload (some 20 s the first time after an install, when the classifier's loops compile) never
    counts against a batch's time limit.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cleaner.pool", "cleaner.preload"])
    return context


def _worker_main(conn: multiprocessing.connection.Connection, settings: CleanerSettings) -> None:
    """A worker: build the Cleaner once, then clean batches until told to stop or the parent goes.

    Ctrl-C reaches the whole process group; the parent alone decides what happens then.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cleaner = settings.build()
    while True:
        try:
            sources = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if sources is None:
            return
        try:
            outcome: list[Document] | str = [lean(cleaner.clean_source(source)) for source in sources]
        except Exception as unexpected:  # a bug in a stage must not end a crawl-sized run
            outcome = f"internal error: {type(unexpected).__name__}: {unexpected}"
        try:
            conn.send(outcome)
        except (BrokenPipeError, OSError):
            return
