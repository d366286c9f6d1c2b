"""Clean documents in worker processes, in input order, with a per-document time limit.

Why processes and not threads: cleaning is pure Python and lxml, so threads would share one core.
Why our own small pool: a document that hangs (a pathological page deep inside a C parser)
cannot be interrupted from Python, so the parent must be able to kill the worker at the time
limit, start a new one and go on, recording an error for that document. Documents travel in
batches (a message per document would cost the parent more than a text page costs a worker),
and a worker posts in shared memory which document it is on and since when: no message, a few
stores per document. So the parent knows each document's time, and after a kill or a crash,
which document was at fault: it alone gets the error, the others of its batch are cleaned again.

Each worker has its own pipe and holds at most BATCHES_PER_WORKER batches, cleaned in the order
given. The parent waits on the pipes and the processes' exit handles with the nearest deadline
as timeout, so it has no threads and never sleeps in a polling loop (pool libraries that poll
add their tick to every run's end and wake the parent many times a second beside the workers).
Only a small window of documents is in flight, so memory does not grow with the crawl.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.document import Document
from cleaner.readers import Source
from cleaner.writers import Rendered, rendered

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Array

    from cleaner.pipeline import Cleaner

# A task is a batch of documents: many small ones (text pages) so that the per-task cost of the
# parent and the pipes stays small beside the cleaning (some 100 us of the parent's CPU and two
# wake-ups per batch), few big ones (HTML pages) so that every worker has work until the end.
BATCH_DOCS = 64  # documents per batch, at most ...
BATCH_BYTES = 1024 * 1024  # ... and no more input bytes than this (a bigger document goes alone)
# Batches a worker holds: the one it cleans and the next, so that it goes on at once when it
# finishes one instead of waiting for the parent to take the answer and send more (a round trip
# through two busy processes that left a worker idle some 5-10% of a text run).
BATCHES_PER_WORKER = 2
# Batches read ahead per worker, held or waiting for a worker or finished and waiting for an
# earlier one: enough that no worker waits for a slow batch before it, few enough that memory
# stays small (a container's documents hold their bytes).
IN_FLIGHT_BATCHES_PER_WORKER = 4
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


@dataclass(eq=False)
class _Batch:
    """Consecutive documents cleaned as one task; after a failure, its parts: the documents before
    the one at fault, that one with its error, and the documents after it."""

    items: tuple[Item, ...]
    docs: list[Rendered] | None = None  # the results, once done
    parts: list[_Batch] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.docs is not None or (bool(self.parts) and all(part.done for part in self.parts))

    def results(self) -> Iterator[tuple[int, Rendered]]:
        if self.parts:
            for part in self.parts:
                yield from part.results()
        else:
            yield from zip((index for index, _ in self.items), self.docs, strict=True)


class _Worker:
    """One worker process, its pipe, the batches it holds (oldest first), and where it posts its progress."""

    def __init__(self, context: multiprocessing.context.BaseContext, settings: CleanerSettings, fmt: str):
        self.conn, child = context.Pipe()
        # [number of the batch (counted from 0), position in it of the document being cleaned, when it began]
        self.progress = context.RawArray("d", (-1.0, 0.0, 0.0))
        self.process = context.Process(target=_worker_main, args=(child, self.progress, settings, fmt), daemon=True)
        self.process.start()
        child.close()
        self.batches: deque[_Batch] = deque()
        self.answered = 0  # batches answered: the number of the oldest one held
        self.since = 0.0  # when the oldest batch held could begin: given to an idle worker, or the one before answered

    def give(self, batch: _Batch) -> bool:
        """Send a batch; False if the worker is gone (the batch then stays to be given again)."""
        try:
            self.conn.send([source for _, source in batch.items])
        except (BrokenPipeError, ConnectionResetError, EOFError):
            return False
        self.batches.append(batch)
        if len(self.batches) == 1:
            self.since = time.monotonic()
        return True

    def take_answer(self) -> _Batch:
        """The oldest batch was answered; the worker goes on with the next one."""
        self.answered += 1
        self.since = time.monotonic()
        return self.batches.popleft()

    def current(self) -> tuple[int, int, float]:
        """Which batch held (0: the oldest) and which document of it the worker is cleaning, and since when.

        Before the worker begins the oldest (it builds its Cleaner, or sends the previous answer),
        the clock runs from when it could begin, and that batch's first document is the one at stake.
        """
        number, position, began = self.progress
        held = int(number) - self.answered
        if 0 <= held < len(self.batches):
            return held, int(position), began
        return 0, 0, self.since

    def deadline(self, timeout: float) -> float:
        return self.current()[2] + timeout if timeout and self.batches else float("inf")

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

    def __init__(self, settings: CleanerSettings, fmt: str, workers: int, timeout: float):
        self.settings, self.fmt, self.timeout = settings, fmt, timeout
        self.context = _worker_context()
        self.workers = [_Worker(self.context, settings, fmt) for _ in range(workers)]
        self.waiting: deque[_Batch] = deque()

    def submit(self, batch: _Batch) -> None:
        self.waiting.append(batch)
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand waiting batches to workers, first come first served: every worker its first batch
        before any its second, so that a short run spreads over all of them."""
        for depth in range(1, BATCHES_PER_WORKER + 1):
            for slot in range(len(self.workers)):
                while self.waiting and len(self.workers[slot].batches) < depth:
                    if self.workers[slot].give(self.waiting[0]):
                        self.waiting.popleft()
                    else:
                        self._fail(self.workers[slot])

    def wait(self) -> None:
        """Block until some busy worker answers, dies or runs out of time; record what happened."""
        busy = [worker for worker in self.workers if worker.batches]
        if not busy:
            return
        remaining = max(min(worker.deadline(self.timeout) for worker in busy) - time.monotonic(), 0.0)
        handles = [worker.conn for worker in busy] + [worker.process.sentinel for worker in busy]
        ready = set(multiprocessing.connection.wait(handles, None if remaining == float("inf") else remaining))
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                self._collect(worker)
            elif time.monotonic() >= worker.deadline(self.timeout):
                self._fail(worker, f"timed out after {self.timeout:g} s")
        self._dispatch()

    def _collect(self, worker: _Worker) -> None:
        """The worker's answers so far; a worker whose pipe closed, or that exited, with a batch unanswered died."""
        while worker.batches:
            try:
                if not worker.conn.poll():
                    break
                docs = worker.conn.recv()
            except (EOFError, OSError):
                self._fail(worker)
                return
            worker.take_answer().docs = docs
        if worker.batches and not worker.process.is_alive():
            self._fail(worker)

    def _fail(self, worker: _Worker, error: str | None = None) -> None:
        """The worker is replaced. The document it was cleaning gets the error (None: the worker
        died, its exit code says how); the rest of that batch, and the other batches it held,
        wait for a worker again (their results went with the worker)."""
        slot, held, (at, position, _) = self.workers.index(worker), list(worker.batches), worker.current()
        self._replace(slot, kill=True)
        self.waiting.extendleft(reversed(held[:at] + held[at + 1 :]))
        if held:
            self._split(held[at], position, error or f"worker process died (exit code {worker.process.exitcode})")

    def _split(self, batch: _Batch, position: int, error: str) -> None:
        """The batch's document at `position` failed: it gets the error, the others are cleaned again."""
        culprit = batch.items[position]
        doc = Document(id=culprit[1].id, url=culprit[1].url, error=error)
        failed = _Batch((culprit,), docs=[rendered(doc, self.fmt)])
        before, after = batch.items[:position], batch.items[position + 1 :]
        batch.parts = [part for part in (_Batch(before), failed, _Batch(after)) if part.items]
        self.waiting.extendleft(reversed([part for part in batch.parts if not part.done]))

    def _replace(self, slot: int, kill: bool) -> None:
        self.workers[slot].stop(kill=kill)
        self.workers[slot] = _Worker(self.context, self.settings, self.fmt)

    def close(self, kill: bool) -> None:
        for worker in self.workers:
            worker.stop(kill=kill or bool(worker.batches))


def clean_in_order(
    sources: Iterable[Item], settings: CleanerSettings, fmt: str, workers: int, timeout: float
) -> Iterator[tuple[int, Rendered]]:
    """(index, document rendered in `fmt`) for every (index, source), in the order given; a failure
    is the document's error.

    Each document may take `timeout` seconds (0: no limit); one that runs over it or kills its
    worker gets the error, and the worker is replaced. A bug in a stage (an exception) is that
    document's error. Documents travel in batches (see BATCH_DOCS and BATCH_BYTES).
    """
    pool = _Pool(settings, fmt, workers, timeout)
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


def _ready_results(pool: _Pool, pending: deque[_Batch]) -> Iterator[tuple[int, Rendered]]:
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


def _worker_main(
    conn: multiprocessing.connection.Connection, progress: Array, settings: CleanerSettings, fmt: str
) -> None:
    """A worker: build the Cleaner once, then clean and render batches until told to stop or the parent goes.

    Before each document it posts in `progress` which one it is on and since when (see _Worker).
    Ctrl-C reaches the whole process group; the parent alone decides what happens then.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cleaner = settings.build()
    batches: queue.SimpleQueue[list[Source] | None] = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(conn, batches), daemon=True).start()
    number = 0
    while (sources := batches.get()) is not None:
        docs = []
        for position, source in enumerate(sources):
            progress[2], progress[1], progress[0] = time.monotonic(), position, number
            docs.append(_clean_one(cleaner, source, fmt))
        try:
            conn.send(docs)
        except (BrokenPipeError, OSError):
            return
        number += 1


def _clean_one(cleaner: Cleaner, source: Source, fmt: str) -> Rendered:
    try:
        return rendered(cleaner.clean_source(source), fmt)
    except Exception as unexpected:  # a bug in a stage must not end a crawl-sized run
        error = f"internal error: {type(unexpected).__name__}: {unexpected}"
        return rendered(Document(id=source.id, url=source.url, error=error), fmt)


def _receive(conn: multiprocessing.connection.Connection, batches: queue.SimpleQueue) -> None:
    """A worker's reader thread: batches are taken off the pipe as soon as they come.

    Without it, a worker holding two batches could deadlock with the parent: the parent blocked
    sending the next batch into a full pipe, the worker blocked sending an answer the parent does
    not read. None: stop (told to, or the parent is gone).
    """
    while True:
        try:
            sources = conn.recv()
        except (EOFError, OSError):
            sources = None
        batches.put(sources)
        if sources is None:
            return
