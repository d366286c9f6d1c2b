"""How a run shows itself: a rich progress bar on a terminal, one stderr line per failed document.

On a pipe or with --quiet there is no bar (log files stay clean), but errors are still reported,
one line each, naming the document and the reason.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from cleaner.runner import Reporter
from cleaner.writers import Rendered


class ErrorLines(Reporter):
    """No bar: one `cleaner: ID: reason` line on stderr per failed document."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr

    def document(self, item: Rendered) -> None:
        if item.error:
            print(f"cleaner: {item.id}: {item.error}", file=self.stream, flush=True)


class ProgressBar(Reporter):
    """A rich bar on stderr with documents, documents/s and errors; error lines print above it."""

    def __init__(self) -> None:
        self._progress = None
        self._task = None
        self._errors = 0
        self._started = 0.0

    def start(self, total: int | None, resumed: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (
            TextColumn("cleaning"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} docs/s"),
            TextColumn("{task.fields[errors]} errors"),
            TimeElapsedColumn(),
        )
        self._progress = Progress(*columns, console=Console(stderr=True), transient=True)
        self._progress.start()
        self._task = self._progress.add_task("clean", total=total, rate="-", errors=0)
        self._started = time.monotonic()
        if resumed:
            self._progress.console.print(f"resuming: {resumed} documents already done", highlight=False)

    def document(self, item: Rendered) -> None:
        if item.error:
            self._errors += 1
            self._progress.console.print(f"cleaner: {item.id}: {item.error}", markup=False, highlight=False)
        done = self._progress.tasks[0].completed + 1
        rate = done / max(time.monotonic() - self._started, 1e-9)
        self._progress.update(self._task, advance=1, rate=f"{rate:.0f}", errors=self._errors)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def reporter_for(quiet: bool) -> Reporter:
    """A bar on a terminal; plain error lines when quiet or piped."""
    return ErrorLines() if quiet or not sys.stderr.isatty() else ProgressBar()
