"""Output: JSONL records or one txt/md file per document. The only stage that writes files.

Every file is written to a temporary name beside its target and renamed into place, so a
reader never sees a half-written file and an interrupted run leaves none behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from cleaner.document import Document

FORMATS = ("jsonl", "txt", "md")
_INPUT_SUFFIXES = (".gz", ".html", ".htm", ".xhtml", ".txt", ".jsonl", ".warc")


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[str]]:
    """A text file that appears at `path` only when the block completes without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def record_line(doc: Document) -> str:
    return json.dumps(doc.as_record(), ensure_ascii=False) + "\n"


def render(doc: Document, fmt: str) -> str:
    """A document as plain text or Markdown (title, byline and date first in Markdown)."""
    if fmt == "txt":
        return doc.text + "\n" if doc.text else ""
    parts = [f"# {doc.title}"] if doc.title else []
    meta = " · ".join(x for x in (doc.byline, doc.date) if x)
    if meta:
        parts.append(f"*{meta}*")
    if doc.text:
        parts.append(doc.text)
    for image in doc.images:
        caption = " ".join(x for x in (image.caption, f"({image.credit})" if image.credit else None) if x)
        if caption:
            parts.append(f"> {caption}")
    return "\n\n".join(parts) + "\n" if parts else ""


def output_path(root: Path, doc_id: str, fmt: str) -> Path:
    """Where a document's file goes: the input tree mirrored under root, never outside it."""
    path_part, _, record = doc_id.partition("#")
    parts = [p for p in PurePosixPath(path_part.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    name = parts[-1] if parts else "document"
    lowered = name.lower()
    changed = True
    while changed:
        changed = False
        for suffix in _INPUT_SUFFIXES:
            if lowered.endswith(suffix) and len(lowered) > len(suffix):
                name, lowered, changed = name[: -len(suffix)], lowered[: -len(suffix)], True
    if record:
        name = f"{name}_{record}"
    return root.joinpath(*parts[:-1], f"{name}.{fmt}")


class JsonlWriter:
    """All records in one JSONL file, in input order; the file appears when the run ends."""

    def __init__(self, path: Path):
        self.path = path
        self._context = atomic_file(path)
        self._stream = self._context.__enter__()

    def write(self, doc: Document) -> None:
        self._stream.write(record_line(doc))

    def close(self, failed: BaseException | None = None) -> None:
        if failed is None:
            self._context.__exit__(None, None, None)
        else:
            self._context.__exit__(type(failed), failed, failed.__traceback__)


class FolderWriter:
    """One .txt or .md file per document, mirroring the input tree under a folder."""

    def __init__(self, root: Path, fmt: str):
        self.root, self.fmt = root, fmt
        root.mkdir(parents=True, exist_ok=True)

    def write(self, doc: Document) -> None:
        if doc.error:
            return
        with atomic_file(output_path(self.root, doc.id, self.fmt)) as stream:
            stream.write(render(doc, self.fmt))

    def close(self, failed: BaseException | None = None) -> None:
        return None


def open_writer(out: Path, fmt: str) -> JsonlWriter | FolderWriter:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return JsonlWriter(out) if fmt == "jsonl" else FolderWriter(out, fmt)
